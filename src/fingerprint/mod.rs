//! Fingerprints of *fingerprint text* (normalized by [`crate::normalize`]: lowercase, punctuation
//! removed, digits masked, words split by single ASCII spaces): an exact 128-bit digest
//! ([`exact`]), a MinHash signature over word shingles ([`minhash`]) and LSH band keys over a
//! signature ([`lsh`]). [`crate::dedup`] clusters items by these values.
//!
//! Every hash here is a fixed function of the input bytes (blake3, and a small wyhash-style hash
//! in `hash`): fingerprints written by one build or machine stay comparable with another's, so
//! they may be stored and compared across runs. Tests pin sample outputs to catch changes.

pub mod exact;
mod hash;
pub(crate) use hash::hash128;
pub mod lsh;
pub mod minhash;
#[cfg(test)]
pub(crate) mod testgen;

pub use exact::{
    Digest, digest_hex, digest_hex_bytes, exact_digest, exact_digest_of, exact_digest_with_digits,
    push_numeric,
};
pub(crate) use hash::split_sorted;
pub use lsh::{band_key, band_keys};
pub use minhash::{
    DocSigner, MinHasher, SigValue, estimate_jaccard, exact_jaccard, exact_jaccard_from,
    shingle_set, stored, stored_value,
};
