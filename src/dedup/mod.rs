//! Corpus-wide duplicate clustering of items (documents or passages; the caller decides) from
//! their order, exact digest and optional MinHash signature.
//!
//! The work is split into steps whose artifacts can be written to files, so the same code can
//! run in one process ([`deduplicate`]) or as separate jobs over shards (after datatrove's
//! MinHash stages, plus verification):
//!
//! 1. per shard: build [`Item`]s ([`Item::from_text`]) and store them ([`write_signatures`]).
//!    Band keys are not stored: they are a cheap pure function of the signature, so step 2
//!    computes the ones of its band range.
//! 2. per band range: [`candidate_pairs`] over all items (read from every shard) emits pairs of
//!    exact-group representatives sharing a band key ([`write_pairs`]); results of several band
//!    ranges are joined with [`Candidates::merge`].
//! 3. once: [`resolve`] verifies every candidate by estimated Jaccard, unions verified and exact
//!    edges into clusters and decides greedily what to keep ([`write_outcome`]).
//! 4. the caller drops or marks items by [`Outcome::decisions`].
//!
//! Precision first: a pair counts only after its signatures are compared (a shared band alone
//! never links items), and an item is removed only as a duplicate of an earlier item that is
//! itself kept and at least `threshold` similar (or identical), never through a chain. Clusters
//! (connected components) may still chain; they are reported, not used for removal.
//!
//! Results depend only on the items (as a set keyed by `order`), never on their order in the
//! slice, thread count or hash-map iteration: everything is sorted by order before decisions.

mod format;
mod steps;
mod unionfind;

pub use format::{
    decode_outcome, decode_pairs, decode_signatures, encode_outcome, encode_pairs,
    encode_signatures, read_outcome, read_pairs, read_signatures, write_outcome, write_pairs,
    write_signatures,
};
pub use steps::{BUCKET_ANCHORS, BUCKET_WINDOW, Candidates, candidate_pairs, resolve};

use crate::config::{DedupSettings, FingerprintSettings};
use crate::fingerprint::{Digest, MinHasher, exact_digest};
use serde::{Deserialize, Serialize};

/// One unit of deduplication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Unique; lower = earlier in the input. Earlier items win.
    pub order: u64,
    /// [`exact_digest`] of the fingerprint text.
    pub digest: Digest,
    /// MinHash signature; `None` takes the item out of near matching (exact matching only).
    pub signature: Option<Vec<u32>>,
}

impl Item {
    /// The item of one fingerprint text; `hasher: None` for exact matching only.
    pub fn from_text(order: u64, fp_text: &str, hasher: Option<&MinHasher>) -> Item {
        Item {
            order,
            digest: exact_digest(fp_text),
            signature: hasher.and_then(|h| h.signature(fp_text)),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// LSH bands and rows per band (`bands * rows <= ` signature length).
    pub bands: usize,
    pub rows: usize,
    /// Near duplicates need an estimated Jaccard similarity at least this high.
    pub threshold: f64,
    /// false: exact duplicates only.
    pub near: bool,
}

impl Params {
    pub fn from_settings(f: &FingerprintSettings, d: &DedupSettings) -> Params {
        Params {
            bands: f.bands,
            rows: f.rows,
            threshold: d.threshold,
            near: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    Keep,
    Duplicate {
        /// Index (into the items) of the kept, earlier item this one duplicates.
        of: usize,
        /// 1.0 for exact duplicates, else the estimated Jaccard similarity (>= threshold).
        similarity: f64,
        exact: bool,
    },
}

impl Decision {
    pub fn is_keep(&self) -> bool {
        matches!(self, Decision::Keep)
    }
}

/// A connected component of exact and verified near edges, of two or more items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cluster {
    /// Indexes into the items, sorted by order.
    pub members: Vec<usize>,
    /// All members share one digest.
    pub exact: bool,
}

/// Counts for the run manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub items: u64,
    /// Items with a signature.
    pub signed_items: u64,
    /// Items whose digest equals an earlier item's (exact group sizes minus one, summed).
    pub exact_pairs: u64,
    /// Distinct pairs of exact-group representatives sharing at least one band key, as let
    /// through by the bucket guard.
    pub candidate_pairs: u64,
    /// Candidate pairs whose estimated Jaccard similarity reached the threshold.
    pub verified_pairs: u64,
    /// Band buckets too large to compare in full (see [`BUCKET_ANCHORS`]).
    pub oversized_buckets: u64,
    pub largest_bucket: u64,
    /// Bucket pairs the guard did not emit, counted per band.
    pub skipped_pairs: u64,
    /// Candidate pairs naming an order that is not among the items (mismatched step files).
    pub unknown_pairs: u64,
    /// Candidate pairs whose estimate fell near the threshold and were decided by their exact
    /// Jaccard similarity instead.
    #[serde(default)]
    pub exact_checked_pairs: u64,
    pub kept: u64,
    pub exact_duplicates: u64,
    pub near_duplicates: u64,
    pub clusters: u64,
    pub largest_cluster: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Parallel to the items.
    pub decisions: Vec<Decision>,
    /// Sorted by their first member's order.
    pub clusters: Vec<Cluster>,
    pub stats: Stats,
}

/// All steps in memory: candidates over every band, then [`resolve`].
pub fn deduplicate(items: &[Item], params: &Params) -> Outcome {
    deduplicate_checked(items, params, None)
}

/// Exact verification of near pairs: a MinHash estimate within `margin` of the threshold is
/// replaced by `jaccard(a, b)` (item indexes), the exact similarity of the two texts, when it
/// can be computed. With 128 hashes the estimate's standard error is about 0.035 at 0.8, so
/// pairs just below the threshold would otherwise pass and pairs just above would be missed.
pub struct ExactCheck<'a> {
    pub margin: f64,
    pub jaccard: &'a (dyn Fn(usize, usize) -> Option<f64> + Sync),
}

/// [`deduplicate`] with exact verification of the pairs near the threshold.
pub fn deduplicate_checked(items: &[Item], params: &Params, exact: Option<&ExactCheck>) -> Outcome {
    let groups = steps::Groups::new(items);
    let candidates = if params.near {
        steps::candidates_for(items, &groups, params, 0..params.bands)
    } else {
        Candidates::default()
    };
    steps::resolve_with(items, &groups, &candidates, params, exact)
}

#[cfg(test)]
mod tests;
