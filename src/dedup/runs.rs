//! Step 2 for signatures spilled to disk: band keys through sorted run files.
//!
//! In memory, each band's keys are computed from every signature, sorted and scanned for
//! buckets, one band per task. With the signatures on disk that would read them once per band.
//! Instead one pass reads each signature once, computes the keys of every band, and collects
//! `(key, order)` entries per band in a buffer bounded by the store's budget; a full buffer is
//! sorted and written as a run file (band by band, so a band's entries are one segment of each
//! run). Then each band's segments are merged (k-way, by key then order) into the same sorted
//! sequence the in-memory scan sees, and the same bucket guard ([`bucket_pairs`]) makes the same
//! pairs. Memory: the buffer, plus a small read buffer per run while a band is merged.

use super::ItemSet;
use super::steps::{Candidates, bucket_pairs, sort_entries};
use super::store::{SignatureStore, read_at};
use crate::fingerprint::band_key;
use rayon::prelude::*;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::ops::Range;
use std::path::PathBuf;

/// Bytes of one run entry: key and order, u64 little-endian each.
const ENTRY: u64 = 16;
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

/// Candidate pairs of the bands in `bands` for the representatives `reps` (`(order, item whose
/// signature stands for it)`, ascending by order), reading each signature once from `store`.
pub(crate) fn candidates<S: ItemSet + ?Sized>(
    items: &S,
    reps: &[(u64, usize)],
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
    let mut buffer: Vec<Vec<(u64, u64)>> = vec![Vec::new(); nb];
    let mut buffered = 0u64;
    // Small enough steps that a run is not much larger than `per_run`.
    let chunk_reps = (per_run / nb.max(1) as u64).clamp(1, CHUNK as u64) as usize;
    for chunk in reps.chunks(chunk_reps) {
        // Per slice of representatives, in parallel: (band index in the range, key, order), one
        // vector a slice rather than one a representative.
        let keys: Vec<Vec<(usize, u64, u64)>> = chunk
            .par_chunks(256)
            .map(|reps| {
                let mut buf = Vec::new();
                let mut out = Vec::with_capacity(reps.len() * bands.len());
                for &(order, i) in reps {
                    let Some(sig) = items.signature(i, &mut buf) else {
                        continue;
                    };
                    for (b, band) in bands.clone().enumerate() {
                        if let Some(key) = band_key(sig, band, rows) {
                            out.push((b, key, order));
                        }
                    }
                }
                out
            })
            .collect();
        // Entries of one band are distinct (one per representative) and get sorted, so the
        // order they are appended in does not matter.
        for (b, key, order) in keys.into_iter().flatten() {
            buffer[b].push((key, order));
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

    let files = runs
        .paths
        .iter()
        .map(File::open)
        .collect::<io::Result<Vec<File>>>()?;
    let parts: Vec<io::Result<Candidates>> = (0..nb)
        .into_par_iter()
        .map(|b| merge_band(&runs, &files, b))
        .collect();
    let mut all = Vec::with_capacity(nb);
    for p in parts {
        all.push(p?);
    }
    let mut out = Candidates::merge(all);
    out.runs = runs.paths.len() as u64;
    Ok(out)
}

fn write_run(
    runs: &mut Runs,
    buffer: &mut [Vec<(u64, u64)>],
    store: &SignatureStore,
) -> io::Result<()> {
    buffer.par_iter_mut().for_each(sort_entries);
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
            for &(key, order) in chunk {
                bytes.extend_from_slice(&key.to_le_bytes());
                bytes.extend_from_slice(&order.to_le_bytes());
            }
            w.write_all(&bytes)?;
        }
        offset += b.len() as u64 * ENTRY;
        b.clear();
    }
    w.into_inner().map_err(|e| e.into_error())?;
    runs.segments.push(segments);
    Ok(())
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
    fn next(&mut self) -> io::Result<Option<(u64, u64)>> {
        if self.pos == self.buf.len() {
            if self.left == 0 {
                return Ok(None);
            }
            let n = self.left.min(READ_ENTRIES);
            self.buf.resize((n * ENTRY) as usize, 0);
            read_at(self.file, self.offset, &mut self.buf)?;
            self.offset += n * ENTRY;
            self.left -= n;
            self.pos = 0;
        }
        let e = &self.buf[self.pos..self.pos + ENTRY as usize];
        self.pos += ENTRY as usize;
        let key = u64::from_le_bytes(e[..8].try_into().expect("8 bytes"));
        let order = u64::from_le_bytes(e[8..].try_into().expect("8 bytes"));
        Ok(Some((key, order)))
    }
}

/// The candidates of band `b` (index into the range): its segments merged into one sorted
/// sequence, cut into buckets.
fn merge_band(runs: &Runs, files: &[File], b: usize) -> io::Result<Candidates> {
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
        if let Some((key, order)) = seg.next()? {
            heap.push(Reverse((key, order, s)));
        }
    }
    let mut out = Candidates::default();
    let mut bucket: Vec<u64> = Vec::new();
    let mut bucket_key = None;
    while let Some(Reverse((key, order, s))) = heap.pop() {
        if bucket_key != Some(key) {
            bucket_pairs(&bucket, &mut out);
            bucket.clear();
            bucket_key = Some(key);
        }
        bucket.push(order);
        if let Some((k, o)) = segments[s].next()? {
            heap.push(Reverse((k, o, s)));
        }
    }
    bucket_pairs(&bucket, &mut out);
    Ok(out)
}
