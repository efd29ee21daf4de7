//! Steps 2 and 3 over in-memory values: exact grouping, LSH candidate pairs per band range
//! (with the bucket guard), and verification + clustering + greedy keep decisions.

use super::unionfind::UnionFind;
use super::{Cluster, Decision, Item, ItemSet, Outcome, Params, Stats};
use crate::fingerprint::{SigValue, band_key, estimate_jaccard, split_sorted};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::io;
use std::ops::Range;

/// Bucket guard: in a band bucket (items sharing one band key, sorted by order) each member is
/// paired with at most the bucket's `BUCKET_ANCHORS` earliest members plus the
/// `BUCKET_WINDOW` members just before it, so a bucket of `s` items costs `O(s)` pairs, not
/// `O(s^2)`. Buckets up to `BUCKET_ANCHORS + BUCKET_WINDOW + 1` members are compared in full.
///
/// Why these two: the anchors are where the kept items of a huge bucket are (a template
/// repeated thousands of times is a family of near copies of its first instances), and the
/// window catches families that start later. Both point backwards, the only direction the
/// greedy decision uses. What is left out is counted in [`Stats::skipped_pairs`] and
/// [`Stats::oversized_buckets`]; the cost is a possible missed duplicate, never a wrong one.
pub const BUCKET_ANCHORS: usize = 16;
pub const BUCKET_WINDOW: usize = 48;

/// Step 2's artifact: candidate pairs of one or more band ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidates {
    /// `(earlier order, later order)` of exact-group representatives; sorted, distinct.
    pub pairs: Vec<(u64, u64)>,
    /// Bucket guard counters, summed over bands (largest: max).
    pub oversized_buckets: u64,
    pub largest_bucket: u64,
    pub skipped_pairs: u64,
    /// Band-key partition files written to find these pairs (signatures on disk); not an
    /// artifact.
    #[serde(skip)]
    pub runs: u64,
    /// Key partitions the band keys went to (signatures on disk; 0 in memory); not an
    /// artifact.
    #[serde(skip)]
    pub partitions: u64,
}

impl Candidates {
    /// Joins the candidates of several band ranges (pairs found in more than one are kept once).
    pub fn merge(parts: impl IntoIterator<Item = Candidates>) -> Candidates {
        let mut all = Candidates::default();
        for p in parts {
            all.pairs.extend(p.pairs);
            all.oversized_buckets += p.oversized_buckets;
            all.largest_bucket = all.largest_bucket.max(p.largest_bucket);
            all.skipped_pairs += p.skipped_pairs;
            all.runs += p.runs;
            all.partitions = all.partitions.max(p.partitions);
        }
        // Millions of pairs on a large corpus: sorted on all threads (the bands were).
        all.pairs.par_sort_unstable();
        all.pairs.dedup();
        all
    }
}

/// "None" for the `u32` item indexes below.
const NONE: u32 = u32::MAX;

/// Exact groups (items with one digest) and the order of the items. Item indexes are `u32`
/// (checked by [`super::deduplicate_set`]): these arrays are the dedup step's memory per item.
pub(crate) struct Groups {
    /// Item indexes sorted by `(order, index)`; `None` when that is `0..n` (items given in
    /// order, as the pipeline does), which saves this array and its inverse.
    by_order: Option<Vec<u32>>,
    /// `rep[i]`: the earliest item with `i`'s digest (its representative).
    rep: Vec<u32>,
    /// For representatives: the earliest member with a signature, which stands for the group
    /// in near matching (the members' texts are identical, so any would do); [`NONE`]: none.
    sig_of: Vec<u32>,
}

impl Groups {
    pub(crate) fn new<S: ItemSet + ?Sized>(items: &S) -> Groups {
        let n = items.count();
        assert!(
            n < NONE as usize,
            "more than {} items in one dedup step",
            NONE - 1
        );
        let key = |i: u32| (items.order(i as usize), i);
        // Sorted by digest alone (20 bytes an entry); each run's earliest members by
        // `(order, index)` are picked after, as a sort by `(digest, order, index)` would.
        let mut by_digest: Vec<(crate::fingerprint::Digest, u32)> = (0..n as u32)
            .map(|i| (items.digest(i as usize), i))
            .collect();
        by_digest.par_sort_unstable();
        let mut rep = vec![0u32; n];
        let mut sig_of = vec![NONE; n];
        for run in by_digest.chunk_by(|a, b| a.0 == b.0) {
            let first = run.iter().map(|e| e.1).min_by_key(|&i| key(i)).unwrap_or(0);
            for &(_, i) in run {
                rep[i as usize] = first;
            }
            sig_of[first as usize] = run
                .iter()
                .map(|e| e.1)
                .filter(|&i| items.signed(i as usize))
                .min_by_key(|&i| key(i))
                .unwrap_or(NONE);
        }
        drop(by_digest);
        let in_order = (1..n).all(|i| key(i as u32 - 1) < key(i as u32));
        let by_order = (!in_order).then(|| {
            let mut by_order: Vec<u32> = (0..n as u32).collect();
            by_order.par_sort_unstable_by_key(|&i| key(i));
            by_order
        });
        Groups {
            by_order,
            rep,
            sig_of,
        }
    }

    fn len(&self) -> usize {
        self.rep.len()
    }

    /// The item at position `p` in order.
    fn at(&self, p: usize) -> usize {
        match &self.by_order {
            Some(b) => b[p] as usize,
            None => p,
        }
    }

    /// Positions in order by item (the inverse of [`Groups::at`]); `None`: the identity.
    fn positions(&self) -> Option<Vec<u32>> {
        let by_order = self.by_order.as_ref()?;
        let mut pos = vec![0u32; by_order.len()];
        for (p, &i) in by_order.iter().enumerate() {
            pos[i as usize] = p as u32;
        }
        Some(pos)
    }

    fn rep(&self, i: usize) -> usize {
        self.rep[i] as usize
    }

    /// The signature standing for `rep`'s group.
    fn signature<'a, S: ItemSet + ?Sized>(
        &self,
        items: &'a S,
        rep: usize,
        buf: &'a mut Vec<SigValue>,
    ) -> Option<&'a [SigValue]> {
        match self.sig_of[rep] {
            NONE => None,
            i => items.signature(i as usize, buf),
        }
    }

    /// Representatives that take part in near matching, by order (4 bytes each).
    fn signed_reps(&self) -> Vec<u32> {
        (0..self.len())
            .map(|p| self.at(p) as u32)
            .filter(|&i| self.rep[i as usize] == i && self.sig_of[i as usize] != NONE)
            .collect()
    }

    /// `(order, item whose signature stands for the group)` of a signed representative.
    pub(crate) fn signed_rep<S: ItemSet + ?Sized>(&self, items: &S, rep: u32) -> (u64, usize) {
        (
            items.order(rep as usize),
            self.sig_of[rep as usize] as usize,
        )
    }
}

/// Step 2: candidate pairs from the bands in `bands` (clamped to `0..params.bands`), between
/// representatives of exact groups (later exact copies add nothing to compare). `items` are
/// all items of the corpus, in any order.
pub fn candidate_pairs(items: &[Item], params: &Params, bands: Range<usize>) -> Candidates {
    // Items in memory: nothing is read from disk, so nothing can fail.
    candidates_for(items, &Groups::new(items), params, bands).unwrap_or_default()
}

pub(crate) fn candidates_for<S: ItemSet + ?Sized>(
    items: &S,
    groups: &Groups,
    params: &Params,
    bands: Range<usize>,
) -> io::Result<Candidates> {
    let range = bands.start.min(params.bands)..bands.end.min(params.bands);
    if !params.near || params.rows == 0 || range.is_empty() {
        return Ok(Candidates::default());
    }
    let reps = groups.signed_reps();
    if let Some(store) = items.spilled() {
        return super::runs::candidates(items, groups, &reps, store, range, params.rows);
    }
    // Bands are striped over the workers, each reusing its buffers from band to band (its
    // bands' entries, up to `BATCH_BYTES`, and the sort's output, 16 bytes a representative):
    // allocating them per band faulted in fresh pages every time, and page faults serialize
    // the threads (the passage step of a 1 GB corpus ran no faster on two threads than on
    // one). Every band
    // costs about the same, so a fixed stripe keeps the workers even; the pairs are sorted
    // when merged, so the split changes nothing in the result.
    let workers = rayon::current_num_threads().clamp(1, range.len());
    // A worker takes the keys of as many of its bands as fit in `BATCH_BYTES` from one visit
    // to each signature: a band's key reads a few values of a 256-byte signature, and
    // visiting every signature once per band was half of the step's time (Debian JSONL's
    // passages: 23 ns a key, most of it waiting for memory).
    let per_batch = (BATCH_BYTES / (16 * reps.len().max(1))).max(1);
    let parts: Vec<Candidates> = (0..workers)
        .into_par_iter()
        .map(|w| {
            let mut scratch = BandScratch::default();
            let mut out = Candidates::default();
            let bands: Vec<usize> = range.clone().skip(w).step_by(workers).collect();
            for chunk in bands.chunks(per_batch) {
                band_entries(items, groups, &reps, params.rows, chunk, &mut scratch);
                for k in 0..chunk.len() {
                    let BandScratch {
                        batch,
                        sorted,
                        orders,
                        ..
                    } = &mut scratch;
                    let entries = &mut batch[k];
                    sort_entries_with(entries, sorted, |e| e.0);
                    band_pairs(entries, |e| e.0, |e| e.1, orders, &mut out);
                }
            }
            out
        })
        .collect();
    Ok(Candidates::merge(parts))
}

/// Bytes of `(band key, order)` entries a worker fills from one pass over the signatures.
const BATCH_BYTES: usize = 32 << 20;

/// The `(band key, order)` entries of each band of `bands` (into `scratch.batch`, one list a
/// band, representatives in order), from one visit to each signature.
fn band_entries<S: ItemSet + ?Sized>(
    items: &S,
    groups: &Groups,
    reps: &[u32],
    rows: usize,
    bands: &[usize],
    scratch: &mut BandScratch,
) {
    let BandScratch { batch, buf, .. } = scratch;
    if batch.len() < bands.len() {
        batch.resize_with(bands.len(), Vec::new);
    }
    for entries in &mut batch[..bands.len()] {
        entries.clear();
        entries.reserve(reps.len());
    }
    // The hash positions from the batch's first band to its last (a superset of what its bands
    // read when they are not adjacent), loaded ahead: the signatures are visited in
    // slot order but with gaps (copies, unsigned items), and each visit waited for memory.
    let values = match (bands.first(), bands.last()) {
        (Some(&a), Some(&b)) => a * rows..(b + 1) * rows,
        _ => 0..0,
    };
    for (n, &rep) in reps.iter().enumerate() {
        if let Some(&ahead) = reps.get(n + PREFETCH_AHEAD) {
            items.prefetch(groups.signed_rep(items, ahead).1, values.clone());
        }
        let (order, i) = groups.signed_rep(items, rep);
        let Some(sig) = items.signature(i, buf) else {
            continue;
        };
        for (entries, &band) in batch.iter_mut().zip(bands) {
            if let Some(key) = band_key(sig, band, rows) {
                entries.push((key, order));
            }
        }
    }
}

/// How many representatives ahead [`band_entries`] asks for a signature's bands.
const PREFETCH_AHEAD: usize = 12;

/// One worker's buffers for [`candidates_for`], kept from band to band.
#[derive(Default)]
struct BandScratch {
    /// The entries of the bands of one batch, one list a band.
    batch: Vec<Vec<(u64, u64)>>,
    sorted: Vec<(u64, u64)>,
    orders: Vec<u64>,
    /// A signature read from disk.
    buf: Vec<SigValue>,
}

/// Sorts band-key entries as `sort_unstable` does, faster on large inputs: band keys
/// are uniform hashes, so one counting pass on their top bits splits the entries into small
/// ranges that are then sorted each within the cache, instead of one quicksort over the whole
/// array (the largest cost of the LSH step on a million-passage corpus). The entries are spread
/// into `spare` and each range split back into `entries` by the key's next bits, so both keep
/// their room for the next call and nothing is allocated once both have grown to a band.
/// `key(e)` is the entry's band key, and entries must compare as `(key, the rest)`: `(key,
/// order)` pairs in memory, packed `[u32; 3]` in the spilled step.
pub(crate) fn sort_entries_with<T: Copy + Ord>(
    entries: &mut [T],
    spare: &mut Vec<T>,
    key: impl Fn(&T) -> u64 + Copy,
) {
    const BITS: u32 = 10;
    if entries.len() < 1 << 15 {
        entries.sort_unstable();
        return;
    }
    let shift = 64 - BITS;
    let mut next = vec![0usize; (1 << BITS) + 1];
    for e in entries.iter() {
        next[(key(e) >> shift) as usize + 1] += 1;
    }
    for b in 0..1 << BITS {
        next[b + 1] += next[b];
    }
    let starts = next.clone();
    spare.clear();
    spare.reserve_exact(entries.len());
    spare.resize(entries.len(), entries[0]);
    for &e in entries.iter() {
        let b = (key(&e) >> shift) as usize;
        spare[next[b]] = e;
        next[b] += 1;
    }
    // Each range is split once more the same way, on the key's next bits, back into its place
    // in `entries` (free now): a range of a few thousand entries sorted whole cost about eleven
    // passes over it, a split and ranges of a few entries about three.
    let mut counts = (Vec::new(), Vec::new());
    for b in 0..1 << BITS {
        let range = starts[b]..starts[b + 1];
        split_sorted(
            &spare[range.clone()],
            &mut entries[range],
            shift,
            key,
            &mut counts,
        );
    }
}

/// The pairs of one band's sorted entries, bucket by bucket, added to `out`: `key(e)` is an
/// entry's band key, `order(e)` the order of its representative (the spilled step keeps ranks
/// and looks orders up only for buckets of two or more: nearly every bucket holds one
/// representative). `orders` is scratch.
pub(crate) fn band_pairs<T>(
    entries: &[T],
    key: impl Fn(&T) -> u64,
    order: impl Fn(&T) -> u64,
    orders: &mut Vec<u64>,
    out: &mut Candidates,
) {
    for bucket in entries.chunk_by(|a, b| key(a) == key(b)) {
        if let [_] = bucket {
            // What `bucket_pairs` does with one member.
            out.largest_bucket = out.largest_bucket.max(1);
            continue;
        }
        orders.clear();
        orders.extend(bucket.iter().map(&order));
        bucket_pairs(orders, out);
    }
}

/// The pairs of one band bucket (orders of the items sharing a band key, ascending), within the
/// bucket guard, added to `out` with the guard's counters.
fn bucket_pairs(bucket: &[u64], out: &mut Candidates) {
    let s = bucket.len();
    out.largest_bucket = out.largest_bucket.max(s as u64);
    if s > BUCKET_ANCHORS + BUCKET_WINDOW + 1 {
        out.oversized_buckets += 1;
    }
    for j in 1..s {
        let later = bucket[j];
        let anchors_end = BUCKET_ANCHORS.min(j);
        let window_start = anchors_end.max(j.saturating_sub(BUCKET_WINDOW));
        out.skipped_pairs += (window_start - anchors_end) as u64;
        for &earlier in bucket[..anchors_end].iter().chain(&bucket[window_start..j]) {
            // Equal orders break the uniqueness contract; such a pair means nothing.
            if earlier != later {
                out.pairs.push((earlier, later));
            }
        }
    }
}

/// Step 3: verifies the candidates, clusters and decides. `items` must be the same set as
/// given to step 2 (in any order; decisions and clusters index this slice).
pub fn resolve(items: &[Item], candidates: &Candidates, params: &Params) -> Outcome {
    resolve_with(items, &Groups::new(items), candidates, params, None)
}

/// A verified near edge between two representatives (by position in `by_order`).
#[derive(Clone, Copy)]
struct Edge {
    a: u32,
    b: u32,
    similarity: f64,
}

pub(crate) fn resolve_with<S: ItemSet + ?Sized>(
    items: &S,
    groups: &Groups,
    candidates: &Candidates,
    params: &Params,
    exact: Option<&super::ExactCheck>,
) -> Outcome {
    let n = items.count();
    // Position in order of item `i`.
    let pos_of = groups.positions();
    let pos = |i: usize| pos_of.as_ref().map_or(i, |p| p[i] as usize);
    let mut stats = Stats {
        items: n as u64,
        signed_items: (0..n).filter(|&i| items.signed(i)).count() as u64,
        exact_pairs: (0..n).filter(|&i| groups.rep(i) != i).count() as u64,
        oversized_buckets: candidates.oversized_buckets,
        largest_bucket: candidates.largest_bucket,
        skipped_pairs: candidates.skipped_pairs,
        ..Stats::default()
    };

    let (edges, unknown, exact_checked) = if params.near {
        verify(items, groups, &pos, candidates, params.threshold, exact)
    } else {
        (Vec::new(), 0, 0)
    };
    if params.near {
        stats.candidate_pairs = candidates.pairs.len() as u64;
    }
    stats.unknown_pairs = unknown;
    stats.exact_checked_pairs = exact_checked;
    stats.verified_pairs = edges.len() as u64;

    // Adjacency of representatives by position: both directions of every edge, sorted by
    // position, searched per item (edges are few next to items, so no array per item).
    let mut adj: Vec<(u32, u32, f64)> = Vec::with_capacity(2 * edges.len());
    for e in &edges {
        adj.push((e.a, e.b, e.similarity));
        adj.push((e.b, e.a, e.similarity));
    }
    adj.sort_unstable_by_key(|x| (x.0, x.1));
    let neighbours = |p: usize| {
        let from = adj.partition_point(|x| (x.0 as usize) < p);
        let to = from + adj[from..].partition_point(|x| x.0 as usize == p);
        &adj[from..to]
    };

    // Greedy in order. Members of a dropped group share its edges (same text), so they follow
    // it to the same kind of kept neighbour; a group's representative is always its earliest.
    let mut kept = vec![false; n];
    let mut decisions = vec![Decision::Keep; n];
    // Where the edges of position `p` start in `adj`, for representatives, whose positions
    // come in order: a step forward instead of two binary searches an item (most of the step's
    // serial time on millions of passages).
    let mut cursor = 0usize;
    for p in 0..n {
        let i = groups.at(p);
        let r = groups.rep(i);
        if r != i && kept[pos(r)] {
            decisions[i] = Decision::Duplicate {
                of: r,
                similarity: 1.0,
                exact: true,
            };
            stats.exact_duplicates += 1;
            continue;
        }
        let rp = pos(r);
        let edges_of = if rp == p {
            while adj.get(cursor).is_some_and(|x| (x.0 as usize) < p) {
                cursor += 1;
            }
            let mut to = cursor;
            while adj.get(to).is_some_and(|x| x.0 as usize == p) {
                to += 1;
            }
            &adj[cursor..to]
        } else {
            neighbours(rp)
        };
        let mut best: Option<(usize, f64)> = None;
        for &(_, q, sim) in edges_of {
            let q = q as usize;
            if q < p && kept[q] && best.is_none_or(|(bq, bs)| sim > bs || (sim == bs && q < bq)) {
                best = Some((q, sim));
            }
        }
        match best {
            Some((q, similarity)) => {
                decisions[i] = Decision::Duplicate {
                    of: groups.at(q),
                    similarity,
                    exact: false,
                };
                stats.near_duplicates += 1;
            }
            None => {
                kept[p] = true;
                stats.kept += 1;
            }
        }
    }

    drop((adj, kept));

    // Clusters: components over exact and verified edges.
    let mut uf = UnionFind::new(n);
    for i in 0..n {
        uf.union(pos(i), pos(groups.rep(i)));
    }
    for e in &edges {
        uf.union(e.a as usize, e.b as usize);
    }
    drop(pos_of);
    // Only sets of two or more become clusters; most items are alone, and a vector each would
    // be the largest allocation of the step.
    let mut slot = vec![NONE; n];
    let mut comps: Vec<Vec<usize>> = Vec::new();
    for p in 0..n {
        if uf.set_size(p) < 2 {
            continue;
        }
        let i = groups.at(p);
        let root = uf.find(p);
        if slot[root] == NONE {
            slot[root] = comps.len() as u32;
            comps.push(Vec::new());
        }
        comps[slot[root] as usize].push(i);
    }
    drop((uf, slot));
    // Components were opened in order of their first member, so they are already sorted.
    // Members share one digest when they share one exact group.
    let clusters: Vec<Cluster> = comps
        .into_iter()
        .filter(|m| m.len() >= 2)
        .map(|members| Cluster {
            exact: members
                .iter()
                .all(|&i| items.digest(i) == items.digest(members[0])),
            members,
        })
        .collect();
    stats.clusters = clusters.len() as u64;
    stats.largest_cluster = clusters
        .iter()
        .map(|c| c.members.len() as u64)
        .max()
        .unwrap_or(0);

    Outcome {
        decisions,
        clusters,
        stats,
    }
}

/// Verified edges (each once, sorted by position) and the number of pairs naming unknown
/// orders.
fn verify<S: ItemSet + ?Sized>(
    items: &S,
    groups: &Groups,
    pos: &(dyn Fn(usize) -> usize + Sync),
    candidates: &Candidates,
    threshold: f64,
    exact: Option<&super::ExactCheck>,
) -> (Vec<Edge>, u64, u64) {
    // The item of an order: a binary search over the positions, unless the order is its own
    // position (orders 0..n, as passages have): then one look settles it.
    let n = groups.len();
    let lookup = |order: u64| -> Option<usize> {
        if let Ok(p) = usize::try_from(order)
            && p < n
            && items.order(groups.at(p)) == order
        {
            return Some(groups.at(p));
        }
        let (mut lo, mut hi) = (0, n);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if items.order(groups.at(mid)) < order {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < n && items.order(groups.at(lo)) == order).then(|| groups.at(lo))
    };
    enum Checked {
        Unknown,
        Rejected(bool),
        Edge(Edge, bool),
    }
    // An estimate takes tens of nanoseconds, an exact check (two texts re-read and shingled)
    // tens of microseconds: checked pairs are split finely, or one worker ends up with the
    // slow half of them while the other waits.
    let min_len = if exact.is_some() { 16 } else { 4096 };
    let checked: Vec<Checked> = candidates
        .pairs
        .par_iter()
        .with_min_len(min_len)
        .map_init(
            || (Vec::new(), Vec::new()),
            |(buf_a, buf_b), &(a, b)| {
                let (Some(ia), Some(ib)) = (lookup(a), lookup(b)) else {
                    return Checked::Unknown;
                };
                // Pairs normally name representatives already; map anyway so pairs from other
                // item sets cannot link a non-representative.
                let (ra, rb) = (groups.rep(ia), groups.rep(ib));
                if ra == rb {
                    return Checked::Rejected(false);
                }
                let (Some(sa), Some(sb)) = (
                    groups.signature(items, ra, buf_a),
                    groups.signature(items, rb, buf_b),
                ) else {
                    return Checked::Rejected(false);
                };
                let mut similarity = estimate_jaccard(sa, sb);
                let mut checked = false;
                if let Some(ex) = exact
                    && (similarity - threshold).abs() < ex.margin
                    && let Some(j) = (ex.jaccard)(ra, rb, threshold)
                {
                    similarity = j;
                    checked = true;
                }
                if similarity >= threshold {
                    let (pa, pb) = (pos(ra) as u32, pos(rb) as u32);
                    Checked::Edge(
                        Edge {
                            a: pa.min(pb),
                            b: pa.max(pb),
                            similarity,
                        },
                        checked,
                    )
                } else {
                    Checked::Rejected(checked)
                }
            },
        )
        .collect();
    let mut unknown = 0;
    let mut exact_checked = 0;
    let mut edges = Vec::new();
    for c in checked {
        match c {
            Checked::Unknown => unknown += 1,
            Checked::Rejected(x) => exact_checked += x as u64,
            Checked::Edge(e, x) => {
                exact_checked += x as u64;
                edges.push(e);
            }
        }
    }
    edges.sort_unstable_by_key(|e| (e.a, e.b));
    edges.dedup_by_key(|e| (e.a, e.b));
    (edges, unknown, exact_checked)
}
