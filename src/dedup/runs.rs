//! Step 2 for signatures spilled to disk: band keys through sorted run files.
//!
//! In memory, each band's keys are computed from every signature, sorted and scanned for
//! buckets, one band per task. With the signatures on disk that would read them once per band.
//! Instead one pass reads each signature once, computes the keys of every band, and collects
//! `(key, rank)` entries per band (rank: the representative's position among them, which
//! follows its order) in a buffer bounded by the store's budget; a full buffer is sorted and
//! written as a run file (band by band, so a band's entries are one segment of each run). Then
//! each band's segments are merged (k-way, by key then rank) into the same sorted sequence the
//! in-memory scan sees, and the same bucket guard ([`bucket_pairs`]) makes the same pairs.
//! Memory: the buffer, plus a small read buffer per run while a band is merged.

use super::ItemSet;
use super::steps::{Candidates, Groups, bucket_pairs};
use super::store::{SignatureStore, read_at};
use crate::fingerprint::{SigValue, band_key};
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::PathBuf;

/// Bytes of budget an entry is counted for when runs are sized. Entries used to be a key and
/// an order (u64 each); they now name the representative by its rank among `reps` (u32) and
/// take 12 bytes, but runs are still sized as before so a budget makes the same runs (and the
/// same `band_runs` in the manifest), now in three quarters of the memory.
const ENTRY: u64 = 16;
/// Bytes of one entry in memory and in a run file: key (u64) and rank (u32), little-endian.
const RECORD: u64 = 12;

/// A run entry packed in 12 bytes; comparing it compares `(key, rank)`, as ranks follow orders.
type Entry = [u32; 3];

fn pack(key: u64, rank: u32) -> Entry {
    [(key >> 32) as u32, key as u32, rank]
}

fn unpack(e: Entry) -> (u64, u32) {
    (((e[0] as u64) << 32) | e[1] as u64, e[2])
}
/// More runs than this would hold too many files open per band merge: the buffer grows past
/// the budget instead (a budget that small for the corpus is not met anyway).
const MAX_RUNS: u64 = 256;
/// Entries below which a run is not worth a file (small in tests, to make many runs).
const MIN_RUN_ENTRIES: u64 = if cfg!(test) { 16 } else { 1024 };
/// Representatives read and hashed per parallel step (between checks of the buffer), at most.
const CHUNK: usize = 4096;

/// Run files of one step, removed when dropped.
struct Runs {
    paths: Vec<PathBuf>,
    /// Per run, per band (relative to the range): byte offset and entry count of its segment.
    segments: Vec<Vec<(u64, u64)>>,
}

impl Drop for Runs {
    fn drop(&mut self) {
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// Candidate pairs of the bands in `bands` for the signed representatives `reps` of `groups`
/// (ascending by order), reading each signature once from `store`.
pub(crate) fn candidates<S: ItemSet + ?Sized>(
    items: &S,
    groups: &Groups,
    reps: &[u32],
    store: &SignatureStore,
    bands: Range<usize>,
    rows: usize,
) -> io::Result<Candidates> {
    let nb = bands.len();
    let budget_entries = store.budget().unwrap_or(u64::MAX) / ENTRY;
    let total = reps.len() as u64 * nb as u64;
    let per_run = budget_entries
        .max(total.div_ceil(MAX_RUNS))
        .max(MIN_RUN_ENTRIES);

    let mut runs = Runs {
        paths: Vec::new(),
        segments: Vec::new(),
    };
    // Small enough steps that a run is not much larger than `per_run`.
    let chunk_reps = (per_run / nb.max(1) as u64).clamp(1, CHUNK as u64) as usize;
    // Each band's buffer gets the room it will need at once: grown by doubling, its old
    // copies would stay resident beside it (the budget twice over, for vectors of tens of MB
    // that the allocator keeps in its heap).
    let per_band = (per_run.div_ceil(nb.max(1) as u64) as usize + chunk_reps).min(reps.len());
    let mut buffer: Vec<Vec<Entry>> = (0..nb).map(|_| Vec::with_capacity(per_band)).collect();
    let mut buffered = 0u64;
    for (c, chunk) in reps.chunks(chunk_reps).enumerate() {
        let first = c * chunk_reps;
        // Per slice of representatives, in parallel: (band index in the range, entry), one
        // vector a slice rather than one a representative.
        let keys: Vec<Vec<(usize, Entry)>> = chunk
            .par_chunks(256)
            .enumerate()
            .map(|(s, slice)| {
                let mut buf = Vec::new();
                let mut out = Vec::with_capacity(slice.len() * bands.len());
                // The slice's signatures in one read when their slots lie close together (they
                // follow the items' order, with gaps only where exact copies were left out):
                // one read per signature was most of this pass on a spilled corpus.
                let block = SliceBlock::read(items, groups, slice, store);
                for (j, &rep) in slice.iter().enumerate() {
                    let rank = (first + s * 256 + j) as u32;
                    let (_, i) = groups.signed_rep(items, rep);
                    let sig = match block.get(items.slot(i), store.k()) {
                        Some(sig) => sig,
                        None => match items.signature(i, &mut buf) {
                            Some(sig) => sig,
                            None => continue,
                        },
                    };
                    for (b, band) in bands.clone().enumerate() {
                        if let Some(key) = band_key(sig, band, rows) {
                            out.push((b, pack(key, rank)));
                        }
                    }
                }
                out
            })
            .collect();
        // Entries of one band are distinct (one per representative) and get sorted, so the
        // order they are appended in does not matter.
        for (b, e) in keys.into_iter().flatten() {
            buffer[b].push(e);
            buffered += 1;
        }
        if buffered >= per_run {
            write_run(&mut runs, &mut buffer, store)?;
            buffered = 0;
        }
    }
    if buffered > 0 || runs.paths.is_empty() {
        write_run(&mut runs, &mut buffer, store)?;
    }
    drop(buffer);
    crate::memory::release_free();

    let files = runs
        .paths
        .iter()
        .map(File::open)
        .collect::<io::Result<Vec<File>>>()?;
    let parts: Vec<io::Result<Candidates>> = (0..nb)
        .into_par_iter()
        .map(|b| {
            merge_band(&runs, &files, b, &|rank| {
                groups.signed_rep(items, reps[rank as usize]).0
            })
        })
        .collect();
    let mut all = Vec::with_capacity(nb);
    for p in parts {
        all.push(p?);
    }
    let mut out = Candidates::merge(all);
    out.runs = runs.paths.len() as u64;
    Ok(out)
}

/// The signatures of a slice of representatives, read from the store in one piece when their
/// slots span at most four times the slice (else nothing: each is read alone).
struct SliceBlock {
    first: u64,
    count: u64,
    values: Vec<SigValue>,
}

impl SliceBlock {
    fn read<S: ItemSet + ?Sized>(
        items: &S,
        groups: &Groups,
        slice: &[u32],
        store: &SignatureStore,
    ) -> SliceBlock {
        let slots = slice
            .iter()
            .filter_map(|&rep| items.slot(groups.signed_rep(items, rep).1));
        let (lo, hi) = slots.fold((u64::MAX, 0), |(lo, hi), s| (lo.min(s), hi.max(s)));
        let mut block = SliceBlock {
            first: 0,
            count: 0,
            values: Vec::new(),
        };
        if lo <= hi
            && hi - lo < 4 * slice.len() as u64
            && store.get_range(lo, hi - lo + 1, &mut block.values)
        {
            block.first = lo;
            block.count = hi - lo + 1;
        }
        block
    }

    /// The signature in `slot`, if the block holds it.
    fn get(&self, slot: Option<u64>, k: usize) -> Option<&[SigValue]> {
        let at = slot?.checked_sub(self.first).filter(|&o| o < self.count)? as usize;
        Some(&self.values[at * k..(at + 1) * k])
    }
}

fn write_run(runs: &mut Runs, buffer: &mut [Vec<Entry>], store: &SignatureStore) -> io::Result<()> {
    buffer
        .par_iter_mut()
        .for_each_init(Vec::new, |scratch, b| sort_run(b, scratch));
    let path = store.dir().join(format!(
        ".spill-{}-bands-{}.bin.tmp",
        std::process::id(),
        runs.paths.len()
    ));
    runs.paths.push(path.clone());
    let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
    let mut offset = 0u64;
    let mut segments = Vec::with_capacity(buffer.len());
    let mut bytes = Vec::with_capacity(1 << 16);
    for b in buffer.iter_mut() {
        segments.push((offset, b.len() as u64));
        for chunk in b.chunks(4096) {
            bytes.clear();
            for &e in chunk {
                let (key, rank) = unpack(e);
                bytes.extend_from_slice(&key.to_le_bytes());
                bytes.extend_from_slice(&rank.to_le_bytes());
            }
            w.write_all(&bytes)?;
        }
        offset += b.len() as u64 * RECORD;
        b.clear();
    }
    w.into_inner().map_err(|e| e.into_error())?;
    runs.segments.push(segments);
    Ok(())
}

/// Sorts one band's entries by key, then rank. As [`super::steps::sort_entries_with`] does in
/// memory: band keys are uniform hashes, so one counting pass on their top bits spreads the
/// entries into `scratch` in small ranges that are each sorted within the cache (a quicksort of
/// the whole band took a third longer). The result is copied back, so the buffer keeps its room
/// for the next run; `scratch` is one band's worth, per thread.
fn sort_run(entries: &mut [Entry], scratch: &mut Vec<Entry>) {
    const BITS: u32 = 10;
    if entries.len() < 1 << 15 {
        entries.sort_unstable_by_key(|&e| unpack(e));
        return;
    }
    let shift = 32 - BITS;
    let mut next = vec![0usize; (1 << BITS) + 1];
    for e in entries.iter() {
        next[(e[0] >> shift) as usize + 1] += 1;
    }
    for b in 0..1 << BITS {
        next[b + 1] += next[b];
    }
    let starts = next.clone();
    scratch.clear();
    scratch.resize(entries.len(), [0; 3]);
    for &e in entries.iter() {
        let b = (e[0] >> shift) as usize;
        scratch[next[b]] = e;
        next[b] += 1;
    }
    for b in 0..1 << BITS {
        scratch[starts[b]..starts[b + 1]].sort_unstable_by_key(|&e| unpack(e));
    }
    entries.copy_from_slice(scratch);
}

/// One run's segment of a band, read in order by position from the run's one open file (so
/// the open files do not multiply with the bands merged at once).
struct Segment<'f> {
    file: &'f File,
    offset: u64,
    left: u64,
    buf: Vec<u8>,
    pos: usize,
}

/// Entries read per positional read.
const READ_ENTRIES: u64 = 4096;

impl Segment<'_> {
    fn next(&mut self) -> io::Result<Option<(u64, u32)>> {
        if self.pos == self.buf.len() {
            if self.left == 0 {
                return Ok(None);
            }
            let n = self.left.min(READ_ENTRIES);
            self.buf.resize((n * RECORD) as usize, 0);
            read_at(self.file, self.offset, &mut self.buf)?;
            self.offset += n * RECORD;
            self.left -= n;
            self.pos = 0;
        }
        let e = &self.buf[self.pos..self.pos + RECORD as usize];
        self.pos += RECORD as usize;
        let key = u64::from_le_bytes(e[..8].try_into().expect("8 bytes"));
        let rank = u32::from_le_bytes(e[8..].try_into().expect("4 bytes"));
        Ok(Some((key, rank)))
    }
}

/// The candidates of band `b` (index into the range): its segments merged into one sorted
/// sequence, cut into buckets; `order` gives a representative's order by its rank.
fn merge_band(
    runs: &Runs,
    files: &[File],
    b: usize,
    order: &(dyn Fn(u32) -> u64 + Sync),
) -> io::Result<Candidates> {
    let mut segments = Vec::with_capacity(files.len());
    for (file, segs) in files.iter().zip(&runs.segments) {
        let (offset, count) = segs[b];
        segments.push(Segment {
            file,
            offset,
            left: count,
            buf: Vec::new(),
            pos: 0,
        });
    }
    let mut heap = BinaryHeap::with_capacity(segments.len());
    for (s, seg) in segments.iter_mut().enumerate() {
        if let Some((key, rank)) = seg.next()? {
            heap.push(Reverse((key, rank, s)));
        }
    }
    let mut out = Candidates::default();
    // A bucket's ranks; turned into orders only for buckets that make pairs. Nearly every
    // bucket holds one representative, and looking up the order of each (a random access
    // into arrays of millions) was most of the merge.
    let mut ranks: Vec<u32> = Vec::new();
    let mut bucket: Vec<u64> = Vec::new();
    let mut flush = |ranks: &mut Vec<u32>, out: &mut Candidates| {
        if ranks.len() >= 2 {
            bucket.clear();
            bucket.extend(ranks.iter().map(|&r| order(r)));
            bucket_pairs(&bucket, out);
        } else if ranks.len() == 1 {
            // What `bucket_pairs` does with one member.
            out.largest_bucket = out.largest_bucket.max(1);
        }
        ranks.clear();
    };
    let mut bucket_key = None;
    while let Some(Reverse((key, rank, s))) = heap.pop() {
        if bucket_key != Some(key) {
            flush(&mut ranks, &mut out);
            bucket_key = Some(key);
        }
        ranks.push(rank);
        if let Some((k, o)) = segments[s].next()? {
            heap.push(Reverse((k, o, s)));
        }
    }
    flush(&mut ranks, &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_sorts_as_key_then_rank() {
        // Past the radix threshold, with keys sharing top bits and equal keys.
        let mut rng = crate::fingerprint::testgen::Rng::new(13);
        let mut entries: Vec<Entry> = (0..100_000u32)
            .map(|i| {
                let x = rng.next_u64();
                pack(((x % 5000) << 51) | (x % 7), 100_000 - i)
            })
            .collect();
        let mut want = entries.clone();
        want.sort_unstable_by_key(|&e| unpack(e));
        let mut scratch = Vec::new();
        sort_run(&mut entries, &mut scratch);
        assert_eq!(entries, want);
        assert!(want.windows(2).all(|w| unpack(w[0]) < unpack(w[1])));
    }
}
