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
    let mut digits = Vec::new();
    push_numeric(text, &mut digits);
    exact_digest_of(fp_text, &digits)
}

/// [`exact_digest_with_digits`] given the text's numeric characters (see [`push_numeric`])
/// instead of the text: the pipeline collects them while it builds the fingerprint text.
pub fn exact_digest_of(fp_text: &str, digits: &[u8]) -> Digest {
    let mut h = blake3::Hasher::new();
    h.update(fp_text.as_bytes());
    h.update(&[0]);
    // The digits go in as one string (one `update` per character cost more than the hashing).
    h.update(digits);
    let full = h.finalize();
    let mut d = [0u8; 16];
    d.copy_from_slice(&full.as_bytes()[..16]);
    d
}

/// Appends the numeric characters of `text` (`char::is_numeric`, ASCII or not) to `digits`,
/// as UTF-8 and in order. ASCII bytes are tested as bytes; only other characters are decoded.
pub fn push_numeric(text: &str, digits: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_digit() {
                digits.push(b);
            }
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let n = c.len_utf8();
        if c.is_numeric() {
            digits.extend_from_slice(&bytes[i..i + n]);
        }
        i += n;
    }
}

/// `d` as 32 lowercase hex characters.
pub fn digest_hex(d: &Digest) -> String {
    // Into bytes, then one string: a `String` push per character checked and encoded each.
    String::from_utf8(digest_hex_bytes(d).to_vec()).unwrap_or_default()
}

/// [`digest_hex`]'s characters, without a `String` to hold them.
pub fn digest_hex_bytes(d: &Digest) -> [u8; 32] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = [0u8; 32];
    for (pair, &b) in s.as_chunks_mut::<2>().0.iter_mut().zip(d) {
        *pair = [HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]];
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
    fn numeric_characters_are_found_byte_by_byte_as_char_by_char() {
        let texts = [
            "",
            "no digits here",
            "x1y22 3.5%",
            "\u{e9}t\u{e9} 3\u{bd} \u{663}\u{2160}\u{2170} \u{ff11}9",
            "\u{1d7ce}\u{1f600}7\u{e9}0\u{3007}",
        ];
        for t in texts {
            let want: String = t.chars().filter(|c| c.is_numeric()).collect();
            let mut got = Vec::new();
            push_numeric(t, &mut got);
            assert_eq!(got, want.as_bytes(), "{t:?}");
            assert_eq!(
                exact_digest_with_digits("f", t),
                exact_digest_of("f", want.as_bytes())
            );
        }
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
