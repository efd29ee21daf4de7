//! Exact fingerprints: blake3 of the fingerprint text truncated to 128 bits, so texts that
//! normalize to the same words collide on purpose and nothing else collides in practice.

/// blake3 of the fingerprint text, truncated to 128 bits.
pub type Digest = [u8; 16];

/// The exact digest of `fp_text`.
pub fn exact_digest(fp_text: &str) -> Digest {
    let full = blake3::hash(fp_text.as_bytes());
    let mut d = [0u8; 16];
    d.copy_from_slice(&full.as_bytes()[..16]);
    d
}

/// The exact digest of a text whose fingerprint text is `fp_text`, counting its digits too.
///
/// Fingerprint text masks digits so that near-duplicate detection looks past changed numbers;
/// an *exact* copy must have the same numbers, or two weather reports, price lists or results
/// tables that differ only in their figures would count as identical.
pub fn exact_digest_with_digits(fp_text: &str, text: &str) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(fp_text.as_bytes());
    h.update(&[0]);
    // The digits go in as one string (one `update` per character cost more than the hashing).
    let mut digits = Vec::new();
    if text.is_ascii() {
        digits.extend(text.bytes().filter(u8::is_ascii_digit));
    } else {
        let mut buf = [0u8; 4];
        for c in text.chars().filter(|c| c.is_numeric()) {
            digits.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
        }
    }
    h.update(&digits);
    let full = h.finalize();
    let mut d = [0u8; 16];
    d.copy_from_slice(&full.as_bytes()[..16]);
    d
}

/// `d` as 32 lowercase hex characters.
pub fn digest_hex(d: &Digest) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(32);
    for &b in d {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 15)] as char);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_tell_exact_copies_apart() {
        let a = exact_digest_with_digits("high 00 low 00", "High 31, low 18");
        let b = exact_digest_with_digits("high 00 low 00", "High 47, low 26");
        let c = exact_digest_with_digits("high 00 low 00", "high 31 low 18!");
        assert_ne!(a, b);
        assert_eq!(a, c);
    }

    #[test]
    fn digits_are_hashed_as_one_string_of_numeric_characters() {
        let want = |fp: &str, digits: &str| {
            let mut h = blake3::Hasher::new();
            h.update(fp.as_bytes());
            h.update(&[0]);
            h.update(digits.as_bytes());
            let mut d = [0u8; 16];
            d.copy_from_slice(&h.finalize().as_bytes()[..16]);
            d
        };
        assert_eq!(exact_digest_with_digits("a", "x1y22"), want("a", "122"));
        // Non-ASCII text: every numeric character counts, ASCII or not.
        assert_eq!(
            exact_digest_with_digits("a", "\u{e9}t\u{e9} 3\u{bd} \u{663}"),
            want("a", "3\u{bd}\u{663}")
        );
    }

    #[test]
    fn digest_is_truncated_blake3() {
        let d = exact_digest("the quick brown fox");
        let full = blake3::hash(b"the quick brown fox").to_hex();
        assert_eq!(digest_hex(&d), &full.as_str()[..32]);
        // Pinned so a change of hash or truncation is noticed (stored digests would stop matching).
        assert_eq!(
            digest_hex(&exact_digest("")),
            "af1349b9f5f9a1a6a0404dea36dcc949"
        );
    }

    #[test]
    fn hex_is_lowercase_and_padded() {
        let mut d = [0u8; 16];
        d[0] = 0x0a;
        d[15] = 0xff;
        assert_eq!(digest_hex(&d), "0a0000000000000000000000000000ff");
    }

    #[test]
    fn different_texts_differ() {
        assert_ne!(exact_digest("a b c"), exact_digest("a b  c"));
        assert_eq!(exact_digest("a b c"), exact_digest("a b c"));
    }
}
