//! Where the MinHash signatures of a run wait for the corpus-wide steps, within a memory budget.
//!
//! Signatures are the bulk of the dedup index (128 hashes kept as 16-bit values, [`SigValue`]:
//! 256 bytes an item, against about 40 bytes of everything else). The store keeps them in one
//! flat buffer while they fit in the budget; past it, the buffer goes to a spill file in the
//! output folder and later signatures are appended there, read back by position (`pread`, no
//! shared cursor) when the steps need them. With the signatures on disk, the band keys are not
//! computed band by band in memory either, but in one pass into partitions, held in files past
//! the budget ([`super::runs`]); that is what makes a corpus several times larger than memory
//! complete.

use crate::fingerprint::{SigValue, stored_value};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Signatures by slot (the order they were pushed in), in memory or in a spill file.
pub struct SignatureStore {
    /// Hashes per signature; every pushed signature has this length.
    k: usize,
    /// Bytes of signatures held in memory before spilling; `None`: never spill.
    budget: Option<u64>,
    dir: PathBuf,
    mem: Vec<SigValue>,
    spill: Option<Spill>,
    len: u64,
    /// The first error reading the spill file back (reported by [`SignatureStore::check`]).
    read_error: Mutex<Option<io::Error>>,
}

struct Spill {
    /// The store's own spill file (removed with it); `None` when the signatures are in files
    /// of others ([`SignatureStore::in_files`]).
    path: Option<PathBuf>,
    writer: Option<BufWriter<File>>,
    /// Where the signatures are read from: `(first slot, file)`, by slot; one part, from slot
    /// 0, for the store's own file.
    parts: Vec<(u64, File)>,
    bytes: u64,
}

impl Drop for Spill {
    fn drop(&mut self) {
        if let Some(path) = &self.path {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl SignatureStore {
    /// A store that never spills.
    pub fn in_memory(k: usize) -> SignatureStore {
        SignatureStore::new(k, None, Path::new("."))
    }

    /// A store that spills to a file in `dir` once its signatures exceed `budget` bytes
    /// (`None`: never).
    pub fn new(k: usize, budget: Option<u64>, dir: &Path) -> SignatureStore {
        SignatureStore {
            k: k.max(1),
            budget,
            dir: dir.to_path_buf(),
            mem: Vec::new(),
            spill: None,
            len: 0,
            read_error: Mutex::new(None),
        }
    }

    /// A spilled store of signatures already on disk in the store's layout ([`SignatureStore::save`]):
    /// `(file, signatures in it)`, in slot order, read where they are. A merge whose shards'
    /// signatures exceed its budget reads them so, instead of copying them into a spill file of
    /// its own. The files are not the store's: they stay when it is dropped. Finished: it takes
    /// no more signatures.
    pub fn in_files(
        k: usize,
        budget: Option<u64>,
        dir: &Path,
        files: Vec<(File, u64)>,
    ) -> SignatureStore {
        let mut store = SignatureStore::new(k, budget, dir);
        let mut parts = Vec::with_capacity(files.len());
        for (file, count) in files {
            if count > 0 {
                parts.push((store.len, file));
                store.len += count;
            }
        }
        store.spill = Some(Spill {
            path: None,
            writer: None,
            parts,
            bytes: VALUE_BYTES * store.len * store.k as u64,
        });
        store
    }

    /// Hashes per signature.
    pub fn k(&self) -> usize {
        self.k
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The memory budget this store was made with (`None`: unlimited).
    pub fn budget(&self) -> Option<u64> {
        self.budget
    }

    /// The folder spill files go to (the store's own and the band-key partitions).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Whether the signatures live in the spill file.
    pub fn spilled(&self) -> bool {
        self.spill.is_some()
    }

    /// Bytes written to the spill file.
    pub fn spilled_bytes(&self) -> u64 {
        self.spill.as_ref().map_or(0, |s| s.bytes)
    }

    /// Stores one signature and returns its slot. A signature of another length than the
    /// store's is an error (it would shift every later slot).
    pub fn push(&mut self, sig: &[u32]) -> io::Result<u64> {
        if sig.len() != self.k {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signature of {} hashes in a store of {}", sig.len(), self.k),
            ));
        }
        let slot = self.len;
        self.append(1, sig.iter().map(|&v| stored_value(v)))?;
        Ok(slot)
    }

    /// Stores signatures whose values are already as the store keeps them (a shard's
    /// signature file, [`SignatureStore::save`]), `k` values each, in the next slots.
    pub fn push_values(&mut self, values: &[SigValue]) -> io::Result<()> {
        if !values.len().is_multiple_of(self.k) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{} values are not whole signatures of {}",
                    values.len(),
                    self.k
                ),
            ));
        }
        self.append((values.len() / self.k) as u64, values.iter().copied())
    }

    /// Appends `count` signatures' stored values, in order: to the spill file, or to memory,
    /// spilling once past the budget.
    fn append(&mut self, count: u64, values: impl Iterator<Item = SigValue>) -> io::Result<()> {
        match &mut self.spill {
            Some(spill) => {
                let w = spill.writer.as_mut().ok_or_else(finished)?;
                write_values(w, values)?;
                spill.bytes += VALUE_BYTES * self.k as u64 * count;
            }
            None => {
                self.mem.extend(values);
                let bytes = VALUE_BYTES * self.mem.len() as u64;
                if self.budget.is_some_and(|b| bytes > b) {
                    self.start_spill()?;
                }
            }
        }
        self.len += count;
        Ok(())
    }

    /// Writes every signature to `path`, in slot order, `k` little-endian values each (the
    /// spill file's layout), after [`SignatureStore::finish`]. A spilled store's file is moved
    /// there, and the store cannot be read afterwards.
    pub fn save(&mut self, path: &Path) -> io::Result<()> {
        if let Some(spill) = &mut self.spill {
            if spill.writer.is_some() {
                return Err(finished());
            }
            let Some(own) = &spill.path else {
                return Err(io::Error::other("a store of others' files is not saved"));
            };
            spill.parts.clear();
            return std::fs::rename(own, path);
        }
        let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
        write_values(&mut w, self.mem.iter().copied())?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    }

    fn start_spill(&mut self) -> io::Result<()> {
        let path = self
            .dir
            .join(format!(".spill-{}-signatures.bin.tmp", std::process::id()));
        let file = File::create(&path)?;
        let mut spill = Spill {
            path: Some(path),
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            parts: Vec::new(),
            bytes: 0,
        };
        if let Some(w) = spill.writer.as_mut() {
            write_values(w, self.mem.iter().copied())?;
        }
        spill.bytes = VALUE_BYTES * self.mem.len() as u64;
        self.mem = Vec::new();
        self.spill = Some(spill);
        Ok(())
    }

    /// Ends writing: flushes the spill file and opens it for reading. Signatures can be read
    /// only after this (in memory they can be read at once; this is then a no-op).
    pub fn finish(&mut self) -> io::Result<()> {
        if let Some(spill) = &mut self.spill
            && let Some(w) = spill.writer.take()
        {
            // A scratch file read back by this process: flushed, not synced to disk.
            w.into_inner().map_err(|e| e.into_error())?;
            if let Some(path) = &spill.path {
                spill.parts = vec![(0, File::open(path)?)];
            }
        }
        Ok(())
    }

    /// The signature in `slot`: borrowed from memory, or read into `buf` from the spill file.
    /// `None` for an unknown slot or a failed read (kept for [`SignatureStore::check`]).
    pub fn get<'a>(&'a self, slot: u64, buf: &'a mut Vec<SigValue>) -> Option<&'a [SigValue]> {
        if slot >= self.len {
            return None;
        }
        let k = self.k;
        let Some(spill) = &self.spill else {
            let at = slot as usize * k;
            return Some(&self.mem[at..at + k]);
        };
        self.read_spilled(spill, slot, 1, buf)
            .then_some(buf.as_slice())
    }

    /// Asks the CPU to start loading `values` (a range of hash positions) of the signature in
    /// `slot` into the cache; nothing for a spilled store (a read from disk is no hint).
    pub fn prefetch(&self, slot: u64, values: std::ops::Range<usize>) {
        if self.spill.is_none() && slot < self.len {
            let at = slot as usize * self.k;
            if let Some(v) = self.mem.get(at + values.start..at + values.end.min(self.k)) {
                prefetch_values(v);
            }
        }
    }

    /// Signatures of the `count` slots from `first` on, read into `out` (`k` values a slot) in
    /// one piece: from the spill file, one read instead of one a slot. False if a slot is out
    /// of range or the read failed (noted for [`SignatureStore::check`]).
    pub fn get_range(&self, first: u64, count: u64, out: &mut Vec<SigValue>) -> bool {
        out.clear();
        let Some(end) = first.checked_add(count).filter(|&e| e <= self.len) else {
            return false;
        };
        let k = self.k;
        match &self.spill {
            Some(spill) => self.read_spilled(spill, first, count, out),
            None => {
                out.extend_from_slice(&self.mem[first as usize * k..end as usize * k]);
                true
            }
        }
    }

    /// The `count` signatures from `first` on, read from the spill file into `out` (cleared
    /// first). False if the read failed (noted for [`SignatureStore::check`]).
    fn read_spilled(&self, spill: &Spill, first: u64, count: u64, out: &mut Vec<SigValue>) -> bool {
        out.clear();
        if spill.parts.is_empty() || spill.writer.is_some() {
            self.note(finished());
            return false;
        }
        let k = self.k;
        let width = VALUE_BYTES as usize;
        let slot_bytes = VALUE_BYTES * k as u64;
        let mut bytes = vec![0u8; count as usize * width * k];
        // Slot by slot range, from the part holding each (a range can cross parts).
        let (mut slot, end, mut at) = (first, first + count, 0usize);
        while slot < end {
            let p = spill.parts.partition_point(|(s, _)| *s <= slot) - 1;
            let (start, file) = &spill.parts[p];
            let part_end = spill.parts.get(p + 1).map_or(self.len, |(s, _)| *s);
            let n = (end.min(part_end) - slot) as usize * width * k;
            if let Err(e) = read_at(file, (slot - start) * slot_bytes, &mut bytes[at..at + n]) {
                self.note(e);
                return false;
            }
            at += n;
            slot = end.min(part_end);
        }
        out.extend(
            bytes
                .chunks_exact(width)
                .map(|c| SigValue::from_le_bytes([c[0], c[1]])),
        );
        true
    }

    fn note(&self, e: io::Error) {
        let mut slot = self.read_error.lock().unwrap_or_else(|p| p.into_inner());
        slot.get_or_insert(e);
    }

    /// The first read error since the store was made, if any: a run must not go on with
    /// signatures it could not read (their items would silently miss their duplicates).
    pub fn check(&self) -> io::Result<()> {
        let mut slot = self.read_error.lock().unwrap_or_else(|p| p.into_inner());
        match slot.take() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

fn finished() -> io::Error {
    io::Error::other("signature store used before finish() or after it")
}

/// Starts loading every cache line that `values` touches (a hint: no effect on results).
/// Rows need not start on a line, so the lines are stepped from the one holding the first
/// value to the one holding the last.
#[inline]
fn prefetch_values(values: &[SigValue]) {
    #[cfg(target_arch = "x86_64")]
    if let Some(last) = values.last() {
        const LINE: usize = 64;
        let first = values.as_ptr() as usize;
        let end = last as *const SigValue as usize;
        let mut at = first & !(LINE - 1);
        while at <= end {
            // SAFETY: a prefetch never faults, whatever the address; these are lines of
            // `values`, live memory.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    at as *const i8,
                )
            };
            at += LINE;
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = values;
}

/// Bytes of one stored value.
const VALUE_BYTES: u64 = std::mem::size_of::<SigValue>() as u64;

/// Writes `values` little-endian, a slice at a time: the whole buffer at once would be a
/// second copy of the signatures in memory just when they leave it for the budget.
fn write_values(w: &mut impl Write, values: impl Iterator<Item = SigValue>) -> io::Result<()> {
    const SLICE: usize = 1 << 15;
    // One signature at a time once the store has spilled: room for it alone, not a slice.
    let mut bytes = Vec::with_capacity(SLICE.min(2 * values.size_hint().0 + 2));
    for v in values {
        bytes.extend_from_slice(&v.to_le_bytes());
        if bytes.len() >= SLICE {
            w.write_all(&bytes)?;
            bytes.clear();
        }
    }
    w.write_all(&bytes)
}

/// Reads `buf.len()` bytes at `offset` without moving a shared cursor, so threads need no lock.
#[cfg(unix)]
pub(crate) fn read_at(f: &File, offset: u64, buf: &mut [u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(f, buf, offset)
}

#[cfg(not(unix))]
pub(crate) fn read_at(f: &File, offset: u64, buf: &mut [u8]) -> io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = f.try_clone()?;
    f.seek(SeekFrom::Start(offset))?;
    f.read_exact(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sig(seed: u32, k: usize) -> Vec<u32> {
        (0..k as u32)
            .map(|i| seed.wrapping_mul(2_654_435_761).wrapping_add(i))
            .collect()
    }

    #[test]
    fn memory_and_spilled_stores_return_the_same_signatures() {
        let dir = tempfile::tempdir().unwrap();
        let k = 8;
        let mut mem = SignatureStore::in_memory(k);
        // 6 signatures (96 bytes) fit, the seventh spills everything.
        let mut disk = SignatureStore::new(k, Some(100), dir.path());
        for s in 0..10 {
            assert_eq!(mem.push(&sig(s, k)).unwrap(), s as u64);
            assert_eq!(disk.push(&sig(s, k)).unwrap(), s as u64);
        }
        assert!(!mem.spilled());
        assert!(disk.spilled());
        assert_eq!(disk.spilled_bytes(), 10 * 2 * k as u64);
        mem.finish().unwrap();
        disk.finish().unwrap();
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for s in 0..10u32 {
            let want = sig(s, k);
            let want = crate::fingerprint::stored(&want);
            assert_eq!(mem.get(s as u64, &mut a), Some(&want[..]));
            assert_eq!(disk.get(s as u64, &mut b), Some(&want[..]));
        }
        assert_eq!(disk.get(10, &mut b), None);
        // Prefetching is a hint: any slot and range, in memory or spilled, reads nothing and
        // records no error.
        for store in [&mem, &disk] {
            // The last range is reversed on purpose: an empty request.
            #[allow(clippy::reversed_empty_ranges)]
            for (slot, values) in [(0, 0..k), (9, 2..5), (9, 0..1000), (10, 0..k), (99, 5..3)] {
                store.prefetch(slot, values);
            }
        }
        disk.check().unwrap();
        mem.check().unwrap();
    }

    #[test]
    fn a_saved_store_loads_back_slot_for_slot_into_memory_or_a_spill() {
        let dir = tempfile::tempdir().unwrap();
        let k = 16;
        let sigs: Vec<Vec<u32>> = (0..300).map(|i| sig(i, k)).collect();
        // Saved from memory and from a spill file: the same bytes.
        let mut saved = Vec::new();
        for (name, budget) in [("mem.bin", None), ("disk.bin", Some(1000))] {
            let mut s = SignatureStore::new(k, budget, dir.path());
            for x in &sigs {
                s.push(x).unwrap();
            }
            assert_eq!(s.spilled(), budget.is_some());
            s.finish().unwrap();
            let path = dir.path().join(name);
            s.save(&path).unwrap();
            saved.push(std::fs::read(&path).unwrap());
        }
        assert_eq!(saved[0], saved[1]);
        assert_eq!(saved[0].len(), 300 * k * 2);
        // Loaded after other signatures, into memory and into a store that spills half way.
        for budget in [None, Some(4000)] {
            let mut s = SignatureStore::new(k, budget, dir.path());
            s.push(&sig(999, k)).unwrap();
            let values: Vec<SigValue> = saved[0]
                .chunks_exact(2)
                .map(|c| SigValue::from_le_bytes([c[0], c[1]]))
                .collect();
            // One signature, then the rest in one piece.
            s.push_values(&values[..k]).unwrap();
            assert_eq!(s.len(), 2);
            s.push_values(&values[k..]).unwrap();
            assert_eq!(s.len(), 301);
            assert!(s.push_values(&values[..k - 1]).is_err());
            assert_eq!(s.len(), 301);
            s.finish().unwrap();
            let mut buf = Vec::new();
            for (i, x) in sigs.iter().enumerate() {
                assert_eq!(
                    s.get(i as u64 + 1, &mut buf).unwrap(),
                    &crate::fingerprint::stored(x)[..]
                );
            }
        }
        // Saving before finish() is refused for a spilled store (its file is not complete).
        let mut s = SignatureStore::new(k, Some(0), dir.path());
        s.push(&sigs[0]).unwrap();
        assert!(s.save(&dir.path().join("early.bin")).is_err());
    }

    #[test]
    fn a_store_in_others_files_reads_across_them_and_leaves_them() {
        let dir = tempfile::tempdir().unwrap();
        let k = 8;
        let sigs: Vec<Vec<u32>> = (0..10).map(|i| sig(i, k)).collect();
        // 4 + 0 + 6 signatures in three files, saved as a shard saves them.
        let mut files = Vec::new();
        let mut next = 0;
        for (i, count) in [4usize, 0, 6].into_iter().enumerate() {
            let mut s = SignatureStore::new(k, None, dir.path());
            for x in &sigs[next..next + count] {
                s.push(x).unwrap();
            }
            next += count;
            s.finish().unwrap();
            let path = dir.path().join(format!("{i}.bin"));
            s.save(&path).unwrap();
            files.push((File::open(&path).unwrap(), count as u64));
        }
        let mut s = SignatureStore::in_files(k, Some(0), dir.path(), files);
        s.finish().unwrap();
        assert!(s.spilled());
        assert_eq!((s.len(), s.spilled_bytes()), (10, 10 * k as u64 * 2));
        let mut buf = Vec::new();
        for (i, x) in sigs.iter().enumerate() {
            let want = crate::fingerprint::stored(x);
            assert_eq!(s.get(i as u64, &mut buf).unwrap(), &want[..]);
        }
        // A range across the files comes back whole.
        let mut out = Vec::new();
        assert!(s.get_range(2, 5, &mut out));
        let want: Vec<SigValue> = sigs[2..7]
            .iter()
            .flat_map(|x| crate::fingerprint::stored(x))
            .collect();
        assert_eq!(out, want);
        assert!(!s.get_range(8, 3, &mut out));
        assert!(s.push(&sigs[0]).is_err());
        assert!(s.save(&dir.path().join("again.bin")).is_err());
        s.check().unwrap();
        drop(s);
        for i in 0..3 {
            assert!(dir.path().join(format!("{i}.bin")).exists());
        }
    }

    /// Every value is written once, in order, little-endian: none, a few, exactly one slice,
    /// and one value past it.
    #[test]
    fn write_values_writes_each_value_once() {
        for n in [0usize, 3, 1 << 14, (1 << 14) + 1] {
            let values: Vec<SigValue> = (0..n).map(|i| (i * 7919) as SigValue).collect();
            let mut out = Vec::new();
            write_values(&mut out, values.iter().copied()).unwrap();
            let back: Vec<SigValue> = out
                .chunks_exact(2)
                .map(|c| SigValue::from_le_bytes([c[0], c[1]]))
                .collect();
            assert_eq!(out.len(), 2 * n);
            assert_eq!(back, values, "{n} values");
        }
    }

    #[test]
    fn a_spill_larger_than_one_write_slice_comes_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let k = 128;
        // 200 signatures fit (25,600 hashes, more than one slice of `write_values`): the 201st
        // sends them all to the file at once.
        let mut disk = SignatureStore::new(k, Some(200 * 2 * k as u64), dir.path());
        for s in 0..300 {
            disk.push(&sig(s, k)).unwrap();
            assert_eq!(disk.spilled(), s >= 200);
        }
        disk.finish().unwrap();
        let mut buf = Vec::new();
        for s in 0..300u32 {
            assert_eq!(
                disk.get(s as u64, &mut buf),
                Some(&crate::fingerprint::stored(&sig(s, k))[..]),
                "slot {s}"
            );
        }
        disk.check().unwrap();
    }

    #[test]
    fn a_wrong_length_is_refused_and_the_spill_file_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let mut disk = SignatureStore::new(4, Some(0), dir.path());
        assert!(disk.push(&[1, 2, 3]).is_err());
        disk.push(&[1, 2, 3, 4]).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        drop(disk);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn reading_before_finish_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let mut disk = SignatureStore::new(2, Some(0), dir.path());
        disk.push(&[1, 2]).unwrap();
        let mut buf = Vec::new();
        assert_eq!(disk.get(0, &mut buf), None);
        assert!(disk.check().is_err());
    }
}
