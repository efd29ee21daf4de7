//! LSH banding: a signature cut into `bands` bands of `rows` values, each band hashed with its
//! band index into one 64-bit key. Two items that agree on every row of some band share that
//! band's key and become a candidate pair in [`crate::dedup`]. The band index is part of the
//! key so equal row values in different bands never meet in one bucket.

use super::SigValue;
use super::hash::{P0, P1, P2, P3, fold_mul};

/// The key of band `band` (rows `band*rows .. (band+1)*rows`), or `None` when the signature is
/// too short to hold that band (settings validation rules that out for signatures computed
/// under the same settings).
#[inline]
pub fn band_key(sig: &[SigValue], band: usize, rows: usize) -> Option<u64> {
    let start = band.checked_mul(rows)?;
    let values = sig.get(start..start.checked_add(rows)?)?;
    let mut h = fold_mul(P0 ^ band as u64, P1) ^ (rows as u64).wrapping_mul(P3);
    let (pairs, rest) = values.as_chunks::<2>();
    for p in pairs {
        h = fold_mul(h ^ (u64::from(p[0]) | u64::from(p[1]) << 32), P1);
    }
    if let Some(&v) = rest.first() {
        h = fold_mul(h ^ u64::from(v), P2);
    }
    Some(fold_mul(h ^ P3, P0))
}

/// One key per band into `out` (cleared first): `bands` keys, or fewer when the signature
/// holds fewer complete bands.
pub fn band_keys(sig: &[SigValue], bands: usize, rows: usize, out: &mut Vec<u64>) {
    out.clear();
    out.extend((0..bands).map_while(|b| band_key(sig, b, rows)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_index_is_part_of_the_key() {
        let sig: Vec<SigValue> = vec![7; 12];
        let mut keys = Vec::new();
        band_keys(&sig, 4, 3, &mut keys);
        assert_eq!(keys.len(), 4);
        let mut dedup = keys.clone();
        dedup.sort_unstable();
        dedup.dedup();
        assert_eq!(
            dedup.len(),
            4,
            "equal rows in different bands must not share a key"
        );
    }

    #[test]
    fn keys_depend_only_on_the_band_rows() {
        let a: Vec<SigValue> = (0..12).collect();
        let mut b = a.clone();
        b[4] = 99; // band 1 of 3 rows
        let (mut ka, mut kb) = (Vec::new(), Vec::new());
        band_keys(&a, 4, 3, &mut ka);
        band_keys(&b, 4, 3, &mut kb);
        assert_eq!(ka[0], kb[0]);
        assert_ne!(ka[1], kb[1]);
        assert_eq!(ka[2..], kb[2..]);
    }

    #[test]
    fn short_signature_gives_fewer_keys() {
        let mut keys = vec![1, 2, 3];
        band_keys(&[1, 2, 3, 4, 5], 3, 2, &mut keys);
        assert_eq!(keys.len(), 2);
        assert_eq!(band_key(&[1, 2], 0, 0), band_key(&[], 0, 0));
        assert_eq!(band_key(&[1, 2], usize::MAX, 2), None);
    }

    #[test]
    fn pinned_key() {
        // Stored band keys / pair files depend on this; a change here is a format break.
        let k = band_key(&[1, 2, 3, 4, 5, 6], 0, 6).unwrap();
        assert_eq!(k, 0xc47c_6ca9_4ce2_10c1, "{k:#x}");
    }
}
