//! Step 2 for signatures spilled to disk: band keys through partition files.
//!
//! In memory, each band's keys are computed from every signature, sorted and scanned for
//! buckets, a few bands per pass over the signatures. With the signatures on disk that would
//! read them once per pass. Instead one pass reads each signature once and computes the keys of
//! every band. Each `(key, rank)` entry (rank: the representative's position among `reps`,
//! which follows its order) goes to one of `parts` partitions by its key's top bits, so every
//! bucket (one band, one key) lies whole in one partition. The entries stay in memory while
//! they fit the budget; past it they are appended to one file per partition, band by band, each
//! time the buffer fills. Then every (partition, band) slice is read back, sorted and scanned
//! for buckets in parallel, as a band is in memory: the same buckets with the same members in
//! the same order, so the same pairs and the same bucket guard counts.
//!
//! This replaced sorted run files merged band by band through a heap (until session 21): the
//! merge and the runs' sorting and writing were most of what spilling added to the step, and
//! at 1 GB with a 512 MB budget the keys fit in memory and need no file at all.
//!
//! Memory: the keys when they fit in the budget, sorted where they are with a spare buffer of
//! one slice per thread; otherwise a buffer of half the budget, then, with it gone, one slice
//! read back and its spare buffer per thread. `parts` keeps a slice and its spare on every
//! thread within half the budget.

use super::ItemSet;
use super::steps::{Candidates, Groups, band_pairs, sort_entries_with};
use super::store::{SignatureStore, read_at};
use crate::fingerprint::{SigValue, band_key};
use rayon::prelude::*;
use std::fs::File;
use std::io::{self, Write};
use std::ops::Range;
use std::path::PathBuf;

/// A band-key entry packed in 12 bytes: the key's high and low halves, then the rank (ranks
/// index `reps`, which holds fewer than `u32::MAX` items). Comparing entries compares
/// `(key, rank)`, and ranks follow orders: the order of the in-memory step's `(key, order)`.
type Entry = [u32; 3];
/// Bytes of one entry, in memory and in a partition file (three little-endian `u32`).
const RECORD: u64 = 12;

fn pack(key: u64, rank: u32) -> Entry {
    [(key >> 32) as u32, key as u32, rank]
}

fn key(e: &Entry) -> u64 {
    ((e[0] as u64) << 32) | e[1] as u64
}
/// More partitions than this would hold too many files open: slices grow past the budget
/// instead (a budget that small for the corpus is not met anyway).
const MAX_PARTS: u64 = 256;
/// Entries the buffer holds at least before it goes to the files (small in tests, to make many
/// flushes).
const MIN_HOLD: u64 = if cfg!(test) { 16 } else { 1024 };
/// Representatives read and hashed per parallel step (between checks of the buffer), at most.
const CHUNK: usize = 4096;

/// The partition files of one step, removed when dropped.
struct Parts {
    paths: Vec<PathBuf>,
    files: Vec<File>,
    /// Bytes written to each file.
    ends: Vec<u64>,
    /// By partition, by band (relative to the range): `(byte offset, entries)` of each segment
    /// written, in the order written (so in rank order).
    segments: Vec<Vec<Vec<(u64, u64)>>>,
}

impl Drop for Parts {
    fn drop(&mut self) {
        // Closed first: an open file cannot be removed everywhere.
        self.files.clear();
        for p in &self.paths {
            let _ = std::fs::remove_file(p);
        }
    }
}

/// The partition of a band key: its top bits, scaled to `parts`.
fn partition(key: u64, parts: usize) -> usize {
    (((key >> 32) * parts as u64) >> 32) as usize
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
    let nb = bands.len().max(1);
    let budget = store.budget().unwrap_or(u64::MAX);
    let threads = rayon::current_num_threads().max(1) as u64;
    // A slice is sorted with a spare buffer of its size, on every thread at once: both within
    // half the budget.
    let band_bytes = reps.len() as u64 * RECORD;
    let parts = (band_bytes * 2 * threads)
        .div_ceil((budget / 2).max(1))
        .clamp(1, MAX_PARTS) as usize;
    let total = reps.len() as u64 * nb as u64;
    // All the keys are held when they fit in the budget, and nothing is written. Otherwise they
    // go to the files through a buffer of half the budget: its size only sets how often it is
    // written out, and the step's peak memory (a 4 GB corpus with a 512 MB budget peaked 130 MB
    // higher, past 1 GB, with a buffer of the whole budget).
    let hold = if total * RECORD <= budget {
        u64::MAX
    } else {
        (budget / 2 / RECORD).max(MIN_HOLD)
    };
    // Small enough steps that the buffer is not much larger than `hold`.
    let chunk_reps = (hold.min(total) / nb as u64).clamp(1, CHUNK as u64) as usize;
    // Each slice's buffer gets the room it will need at once: grown by doubling, its old
    // copies would stay resident beside it (the budget twice over, for vectors of tens of MB
    // that the allocator keeps in its heap). Keys are uniform hashes, so the partitions fill
    // evenly; a slice that gets more (a huge bucket) grows.
    // A step adds about `chunk_reps / parts` entries to each slice.
    let room = (hold.min(total) / (nb * parts) as u64) as usize + chunk_reps.div_ceil(parts) + 64;
    let mut buffer: Vec<Vec<Vec<Entry>>> = (0..parts)
        .map(|_| (0..nb).map(|_| Vec::with_capacity(room)).collect())
        .collect();
    let mut files = Parts {
        paths: Vec::new(),
        files: Vec::new(),
        ends: vec![0; parts],
        segments: vec![vec![Vec::new(); nb]; parts],
    };
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
        for (b, e) in keys.into_iter().flatten() {
            buffer[partition(key(&e), parts)][b].push(e);
            buffered += 1;
        }
        if buffered >= hold {
            flush(&mut files, &mut buffer, store)?;
            buffered = 0;
        }
    }
    // Everything fitted when nothing was flushed: the slices are sorted where they are.
    let in_memory: Vec<Vec<Entry>> = if files.files.is_empty() {
        buffer.into_iter().flatten().collect()
    } else {
        if buffered > 0 {
            flush(&mut files, &mut buffer, store)?;
        }
        drop(buffer);
        crate::memory::release_free();
        Vec::new()
    };
    crate::memory::trace("dedup: band keys");
    let order = |e: &Entry| groups.signed_rep(items, reps[e[2] as usize]).0;
    // Slices are striped over the workers, each reusing its buffers from slice to slice: fresh
    // ones per slice faulted in tens of MB of new pages each time (see `candidates_for`).
    let tasks = parts * nb;
    let workers = rayon::current_num_threads().clamp(1, tasks);
    // A task is a slice's index, with the slice itself if it was held in memory.
    let mut striped: Vec<Vec<(usize, Option<Vec<Entry>>)>> =
        (0..workers).map(|_| Vec::new()).collect();
    let mut in_memory = in_memory.into_iter();
    for t in 0..tasks {
        striped[t % workers].push((t, in_memory.next()));
    }
    let parts_out: Vec<io::Result<Candidates>> = striped
        .into_par_iter()
        .map(|mine| {
            let mut out = Candidates::default();
            let (mut read, mut spare, mut orders, mut bytes) =
                (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for (t, mut held) in mine {
                let entries = match &mut held {
                    Some(held) => held,
                    None => {
                        read_slice(&files, t / nb, t % nb, &mut read, &mut bytes)?;
                        &mut read
                    }
                };
                sort_entries_with(entries, &mut spare, key);
                band_pairs(entries, key, order, &mut orders, &mut out);
            }
            Ok(out)
        })
        .collect();
    let mut all = Vec::with_capacity(parts_out.len());
    for p in parts_out {
        all.push(p?);
    }
    let mut out = Candidates::merge(all);
    out.runs = files.files.len() as u64;
    out.partitions = parts as u64;
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

/// Appends every slice of the buffer to its partition's file (made on the first flush), band by
/// band, and empties the slices (they keep their room).
fn flush(
    files: &mut Parts,
    buffer: &mut [Vec<Vec<Entry>>],
    store: &SignatureStore,
) -> io::Result<()> {
    if files.files.is_empty() {
        for p in 0..buffer.len() {
            let path =
                store
                    .dir()
                    .join(format!(".spill-{}-bands-{}.bin.tmp", std::process::id(), p));
            files.paths.push(path.clone());
            files.files.push(
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(true)
                    .open(&path)?,
            );
        }
    }
    // Written in pieces of 4,096 entries (48 KB): large enough writes without a second buffer.
    let mut bytes = Vec::with_capacity(4096 * RECORD as usize);
    for (p, slices) in buffer.iter_mut().enumerate() {
        let mut w = &files.files[p];
        for (b, slice) in slices.iter_mut().enumerate() {
            if slice.is_empty() {
                continue;
            }
            files.segments[p][b].push((files.ends[p], slice.len() as u64));
            for chunk in slice.chunks(4096) {
                bytes.clear();
                for e in chunk {
                    for v in e {
                        bytes.extend_from_slice(&v.to_le_bytes());
                    }
                }
                w.write_all(&bytes)?;
            }
            files.ends[p] += slice.len() as u64 * RECORD;
            slice.clear();
        }
    }
    Ok(())
}

/// Reads partition `p`'s entries of band `b` into `entries` (cleared first), segment by segment;
/// `bytes` is the read buffer, kept by the caller.
fn read_slice(
    files: &Parts,
    p: usize,
    b: usize,
    entries: &mut Vec<Entry>,
    bytes: &mut Vec<u8>,
) -> io::Result<()> {
    entries.clear();
    /// Entries read per positional read (few in tests, to read a segment in several).
    const READ: u64 = if cfg!(test) { 7 } else { 1 << 16 };
    entries.reserve_exact(files.segments[p][b].iter().map(|s| s.1 as usize).sum());
    for &(offset, count) in &files.segments[p][b] {
        let mut done = 0;
        while done < count {
            let n = (count - done).min(READ);
            bytes.resize((n * RECORD) as usize, 0);
            read_at(&files.files[p], offset + done * RECORD, bytes)?;
            let word = |b: &[u8]| u32::from_le_bytes(b.try_into().expect("4 bytes"));
            entries.extend(
                bytes
                    .chunks_exact(RECORD as usize)
                    .map(|e| [word(&e[..4]), word(&e[4..8]), word(&e[8..])]),
            );
            done += n;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Past the size where `sort_entries_with` splits by the keys' top bits, with keys that
    /// share their top bits (one partition of many) and equal keys: packed entries come out as
    /// a plain sort of `(key, rank)` puts them.
    #[test]
    fn packed_entries_sort_as_key_then_rank() {
        let mut rng = crate::fingerprint::testgen::Rng::new(13);
        let mut entries: Vec<Entry> = (0..100_000u32)
            .map(|i| {
                let x = rng.next_u64();
                pack((7u64 << 56) | ((x % 5000) << 20) | (x % 7), 100_000 - i)
            })
            .collect();
        let mut want = entries.clone();
        want.sort_unstable_by_key(|e| (key(e), e[2]));
        let mut spare = Vec::new();
        crate::dedup::steps::sort_entries_with(&mut entries, &mut spare, key);
        assert_eq!(entries, want);
        assert!(want.windows(2).any(|w| key(&w[0]) == key(&w[1])));
    }

    #[test]
    fn partitions_keep_key_order() {
        // A key's partition never decreases as the key grows, and spans all partitions.
        for parts in [1usize, 2, 3, 7, 256] {
            let keys = [
                0u64,
                1,
                u32::MAX as u64,
                1 << 32,
                u64::MAX / 3,
                u64::MAX / 2,
                u64::MAX - 1,
                u64::MAX,
            ];
            let ps: Vec<usize> = keys.iter().map(|&k| partition(k, parts)).collect();
            assert!(ps.windows(2).all(|w| w[0] <= w[1]), "{parts}: {ps:?}");
            assert_eq!(ps[0], 0);
            assert_eq!(*ps.last().unwrap(), parts - 1, "{parts}: {ps:?}");
        }
    }
}
