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
mod runs;
mod steps;
mod store;
mod unionfind;

pub use format::{
    decode_outcome, decode_pairs, decode_signatures, encode_outcome, encode_pairs,
    encode_signatures, read_outcome, read_pairs, read_signatures, write_outcome, write_pairs,
    write_signatures,
};
pub use steps::{BUCKET_ANCHORS, BUCKET_WINDOW, Candidates, candidate_pairs, resolve};
pub use store::SignatureStore;
pub(crate) use store::read_at;

use crate::config::{DedupSettings, FingerprintSettings};
use crate::fingerprint::{Digest, MinHasher, SigValue, exact_digest, stored};
use serde::{Deserialize, Serialize};
use std::io;

/// One unit of deduplication.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Unique; lower = earlier in the input. Earlier items win.
    pub order: u64,
    /// [`exact_digest`] of the fingerprint text.
    pub digest: Digest,
    /// MinHash signature; `None` takes the item out of near matching (exact matching only).
    pub signature: Option<Vec<SigValue>>,
}

impl Item {
    /// The item of one fingerprint text; `hasher: None` for exact matching only.
    pub fn from_text(order: u64, fp_text: &str, hasher: Option<&MinHasher>) -> Item {
        Item {
            order,
            digest: exact_digest(fp_text),
            signature: hasher
                .and_then(|h| h.signature(fp_text))
                .map(|s| stored(&s)),
        }
    }
}

/// What the steps need of a set of items, by index: order, digest and signature. Implemented
/// by a slice of [`Item`]s (signatures owned) and by [`Stored`] (signatures in a
/// [`SignatureStore`], possibly on disk); both give the same outcome for the same values.
pub trait ItemSet: Sync {
    fn count(&self) -> usize;
    fn order(&self, i: usize) -> u64;
    fn digest(&self, i: usize) -> Digest;
    /// Whether item `i` has a signature (takes part in near matching).
    fn signed(&self, i: usize) -> bool;
    /// Item `i`'s signature, borrowed or read into `buf`.
    fn signature<'a>(&'a self, i: usize, buf: &'a mut Vec<SigValue>) -> Option<&'a [SigValue]>;
    /// The store holding the signatures, for sets whose signatures are in one.
    fn store(&self) -> Option<&SignatureStore> {
        None
    }
    /// The store slot of item `i`'s signature, for sets whose signatures are in a store (so
    /// that neighbouring signatures can be read from disk in one piece).
    fn slot(&self, _i: usize) -> Option<u64> {
        None
    }
    /// The store, when the signatures are on disk: band keys then go through partition files.
    fn spilled(&self) -> Option<&SignatureStore> {
        self.store().filter(|s| s.spilled())
    }
    /// A hint that hash positions `values` of item `i`'s signature will be read soon.
    fn prefetch(&self, i: usize, values: std::ops::Range<usize>) {
        if let (Some(store), Some(slot)) = (self.store(), self.slot(i)) {
            store.prefetch(slot, values);
        }
    }
}

impl ItemSet for [Item] {
    fn count(&self) -> usize {
        self.len()
    }
    fn order(&self, i: usize) -> u64 {
        self[i].order
    }
    fn digest(&self, i: usize) -> Digest {
        self[i].digest
    }
    fn signed(&self, i: usize) -> bool {
        self[i].signature.is_some()
    }
    fn signature<'a>(&'a self, i: usize, _buf: &'a mut Vec<SigValue>) -> Option<&'a [SigValue]> {
        self[i].signature.as_deref()
    }
}

/// An [`Item`] whose signature waits in a [`SignatureStore`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredItem {
    pub order: u64,
    pub digest: Digest,
    /// Slot in the store; `None`: exact matching only.
    pub slot: Option<u64>,
}

/// Items with their signatures in a store.
pub struct Stored<'a> {
    pub items: &'a [StoredItem],
    pub store: &'a SignatureStore,
}

impl ItemSet for Stored<'_> {
    fn count(&self) -> usize {
        self.items.len()
    }
    fn order(&self, i: usize) -> u64 {
        self.items[i].order
    }
    fn digest(&self, i: usize) -> Digest {
        self.items[i].digest
    }
    fn signed(&self, i: usize) -> bool {
        self.items[i].slot.is_some()
    }
    fn signature<'a>(&'a self, i: usize, buf: &'a mut Vec<SigValue>) -> Option<&'a [SigValue]> {
        self.store.get(self.items[i].slot?, buf)
    }
    fn store(&self) -> Option<&SignatureStore> {
        Some(self.store)
    }
    fn slot(&self, i: usize) -> Option<u64> {
        self.items[i].slot
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
    /// Band-key partition files written because the signatures were spilled to disk and their
    /// band keys did not fit in the budget either (0: they did, or nothing spilled). The count
    /// grows with the corpus and the threads, against the budget. Named for the sorted run
    /// files the partitions replaced (session 21).
    #[serde(default)]
    pub band_runs: u64,
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

impl Outcome {
    /// `(item, kept item it duplicates, similarity, exact)` for every item decided a duplicate,
    /// by item index.
    pub fn duplicates(&self) -> impl Iterator<Item = (usize, usize, f64, bool)> + '_ {
        self.decisions
            .iter()
            .enumerate()
            .filter_map(|(k, d)| match *d {
                Decision::Duplicate {
                    of,
                    similarity,
                    exact,
                } => Some((k, of, similarity, exact)),
                Decision::Keep => None,
            })
    }
}

/// All steps in memory: candidates over every band, then [`resolve`].
pub fn deduplicate(items: &[Item], params: &Params) -> Outcome {
    deduplicate_checked(items, params, None)
}

/// Exact verification of near pairs: a MinHash estimate within `margin` of the threshold is
/// replaced by `jaccard(a, b, threshold)` (item indexes), the exact similarity of the two
/// texts when it can be computed (it may stop early with any value below the threshold once
/// the pair cannot reach it). With 128 hashes the estimate's standard error is about 0.035 at 0.8, so
/// pairs just below the threshold would otherwise pass and pairs just above would be missed.
pub struct ExactCheck<'a> {
    pub margin: f64,
    pub jaccard: &'a (dyn Fn(usize, usize, f64) -> Option<f64> + Sync),
}

/// [`deduplicate`] with exact verification of the pairs near the threshold.
pub fn deduplicate_checked(items: &[Item], params: &Params, exact: Option<&ExactCheck>) -> Outcome {
    // Signatures in memory: nothing is read from disk, so nothing can fail.
    deduplicate_set(items, params, exact).expect("in-memory dedup does no I/O")
}

/// [`deduplicate_checked`] over any [`ItemSet`]: with signatures spilled to disk, band keys go
/// through partitions (in files in the store's folder, past the budget). The outcome is the
/// same as in memory; only [`Stats::band_runs`] tells the two apart. Errors are I/O errors of
/// the spill files.
pub fn deduplicate_set<S: ItemSet + ?Sized>(
    items: &S,
    params: &Params,
    exact: Option<&ExactCheck>,
) -> io::Result<Outcome> {
    if items.count() >= u32::MAX as usize {
        return Err(io::Error::other(format!(
            "{} items in one dedup step; at most {} fit",
            items.count(),
            u32::MAX - 1
        )));
    }
    crate::memory::trace("dedup: start");
    let groups = steps::Groups::new(items);
    // The grouping's sort buffer goes back before the band keys take the budget.
    crate::memory::release_free();
    crate::memory::trace("dedup: groups");
    let candidates = if params.near {
        steps::candidates_for(items, &groups, params, 0..params.bands)?
    } else {
        Candidates::default()
    };
    crate::memory::release_free();
    crate::memory::trace("dedup: candidates");
    let mut outcome = steps::resolve_with(items, &groups, &candidates, params, exact);
    crate::memory::trace("dedup: resolved");
    outcome.stats.band_runs = candidates.runs;
    if let Some(store) = items.spilled() {
        store.check()?;
    }
    Ok(outcome)
}

#[cfg(test)]
mod tests;
