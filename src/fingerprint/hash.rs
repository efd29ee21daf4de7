//! The fixed 64-bit hash behind shingles and band keys: a wyhash-style folded multiply over
//! little-endian 8-byte chunks. It is written out here (not `std`'s `DefaultHasher` or `ahash`)
//! because its outputs are stored and compared across builds, so they must never change; the
//! multiply-fold mixes every input bit into the result at the cost of one 64x64->128 multiply
//! per chunk.

/// wyhash's constants: odd, with well-spread bits.
pub(crate) const P0: u64 = 0xa076_1d64_78bd_642f;
pub(crate) const P1: u64 = 0xe703_7ed1_a0b4_28db;
pub(crate) const P2: u64 = 0x8ebc_6af0_9c88_c6e3;
pub(crate) const P3: u64 = 0x5899_65cc_7537_4cc3;

/// The full 128-bit product folded to 64 bits (high xor low half).
#[inline(always)]
pub(crate) fn fold_mul(a: u64, b: u64) -> u64 {
    let r = u128::from(a) * u128::from(b);
    (r as u64) ^ ((r >> 64) as u64)
}

/// Hash of a byte string (one word): 8-byte chunks folded in with `P1`, a zero-padded tail
/// with `P2`, the length last (so a scanner can hash a word before knowing where it ends, and a
/// padded tail cannot collide with a longer string). The reference for [`for_each_word_hash`].
#[cfg_attr(not(test), allow(dead_code))]
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    hash_bytes_from(P0, bytes)
}

/// A 128-bit hash of a byte string: two [`hash_bytes`] streams from different seeds. For keys
/// compared within one run (a collision chance of 2^-128 a pair), never stored.
pub(crate) fn hash128(bytes: &[u8]) -> u128 {
    u128::from(hash_bytes_from(P0, bytes)) << 64 | u128::from(hash_bytes_from(P3 ^ P1, bytes))
}

fn hash_bytes_from(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = seed;
    let (chunks, tail) = bytes.as_chunks::<8>();
    for c in chunks {
        h = fold_mul(h ^ u64::from_le_bytes(*c), P1);
    }
    if !tail.is_empty() {
        let mut buf = [0u8; 8];
        buf[..tail.len()].copy_from_slice(tail);
        h = fold_mul(h ^ u64::from_le_bytes(buf), P2);
    }
    finish_word(h, bytes.len())
}

#[inline(always)]
fn finish_word(h: u64, len: usize) -> u64 {
    fold_mul(h ^ P3 ^ len as u64, P0)
}

const SPACES: u64 = 0x2020_2020_2020_2020;
const LOW_BITS: u64 = 0x0101_0101_0101_0101;
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Calls `f` with [`hash_bytes`] of every space-separated word of `text`, in order, skipping
/// empty words. Reads 8 bytes at a time and finds the first space by a SWAR zero-byte test on
/// the same load that feeds the hash, so there is no per-byte loop and no branch on word length
/// for words up to 7 bytes (most words); a per-byte split with a branch per word end ran at
/// about 60% of this speed. UTF-8 continuation bytes are never 0x20, so non-ASCII words split
/// correctly.
#[inline(always)]
pub(crate) fn for_each_word_hash(text: &[u8], mut f: impl FnMut(u64)) {
    let n = text.len();
    let mut p = 0;
    let mut h = P0;
    let mut len = 0usize;
    while p < n {
        let v = match text.get(p..p + 8) {
            Some(c) => u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]),
            None => {
                // The last few bytes, padded with spaces so the final word ends.
                let mut buf = [b' '; 8];
                buf[..n - p].copy_from_slice(&text[p..]);
                u64::from_le_bytes(buf)
            }
        };
        let x = v ^ SPACES;
        // High bit set in each byte of `x` that is zero; exact for the lowest such byte (a
        // borrow can only mark bytes above a true zero), which is all that is used.
        let spaces = x.wrapping_sub(LOW_BITS) & !x & HIGH_BITS;
        if spaces == 0 {
            h = fold_mul(h ^ v, P1);
            len += 8;
            p += 8;
            continue;
        }
        let before = (spaces.trailing_zeros() / 8) as usize;
        if before > 0 {
            h = fold_mul(h ^ (v & ((1u64 << (8 * before)) - 1)), P2);
            len += before;
        }
        if len > 0 {
            f(finish_word(h, len));
            h = P0;
            len = 0;
        }
        p += before + 1;
    }
    if len > 0 {
        f(finish_word(h, len));
    }
}

/// splitmix64: a seeded stream for deriving hash parameters.
pub(crate) struct SplitMix64(pub u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// `from` (items whose keys agree on the bits above `shift`) sorted into `to` (as long), in
/// the order `Ord` gives them, of which `key` must be the first part: by one counting pass on
/// the key's next bits, then each part sorted. Keys are uniform hashes (band keys, shingle
/// hashes), so the parts hold a few items each and sorting them all takes about three passes
/// where one sort of the whole takes `log n`. Any keys come out sorted; only the speed depends
/// on their spread. Short inputs are copied and sorted whole. `counts` is scratch kept by the
/// caller for the next call.
pub(crate) fn split_sorted<T: Copy + Ord>(
    from: &[T],
    to: &mut [T],
    shift: u32,
    key: impl Fn(&T) -> u64,
    (starts, next): &mut (Vec<usize>, Vec<usize>),
) {
    // About four items a part, at most 4,096 parts, and no bits below the key's last.
    let bits = (usize::BITS - 1 - (from.len() / 4).max(1).leading_zeros())
        .min(12)
        .min(shift);
    if from.len() < 64 || bits == 0 {
        to.copy_from_slice(from);
        to.sort_unstable();
        return;
    }
    let low = shift - bits;
    let mask = (1u64 << bits) - 1;
    let part = |e: &T| ((key(e) >> low) & mask) as usize;
    starts.clear();
    starts.resize((1 << bits) + 1, 0);
    for e in from {
        starts[part(e) + 1] += 1;
    }
    for p in 0..1 << bits {
        starts[p + 1] += starts[p];
    }
    next.clear();
    next.extend_from_slice(starts);
    for e in from {
        let p = part(e);
        to[next[p]] = *e;
        next[p] += 1;
    }
    for p in 0..1 << bits {
        to[starts[p]..starts[p + 1]].sort_unstable();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_values() {
        // Stored fingerprints depend on these; a change here is a format break.
        assert_eq!(
            hash_bytes(b""),
            0xfaee_c0dc_331e_9e62,
            "{:#x}",
            hash_bytes(b"")
        );
        assert_eq!(
            hash_bytes(b"fox"),
            0x93b7_5d71_7620_f71c,
            "{:#x}",
            hash_bytes(b"fox")
        );
        assert_eq!(
            hash_bytes(b"internationalization"),
            0x5932_7779_9dc8_76da,
            "{:#x}",
            hash_bytes(b"internationalization")
        );
        let mut s = SplitMix64(0);
        assert_eq!(s.next_u64(), 0xe220_a839_7b1d_cdaf);
    }

    #[test]
    fn scanner_matches_reference() {
        let texts = [
            "",
            " ",
            "a",
            "a  b ",
            "abcdefgh ijklmnopq r",
            "abcdefgh",
            "abcdefg",
            "abcdefghi",
            "  xyzxyzxyzxyzxyz  \u{fc}n\u{ef} \u{4e2d}\u{6587}",
        ];
        for t in texts {
            let mut got = Vec::new();
            for_each_word_hash(t.as_bytes(), |h| got.push(h));
            let want: Vec<u64> = t
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(|w| hash_bytes(w.as_bytes()))
                .collect();
            assert_eq!(got, want, "{t:?}");
        }
    }

    #[test]
    fn length_and_padding_matter() {
        assert_ne!(hash_bytes(b"a"), hash_bytes(b"a\0"));
        assert_ne!(hash_bytes(b"abcdefgh"), hash_bytes(b"abcdefgh\0"));
        assert_ne!(hash_bytes(b""), hash_bytes(b"\0"));
    }
}
