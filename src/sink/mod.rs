//! Writing results: the corpus, the dropped records, the duplicate clusters and the manifest.
//! Every file is written under a temporary name in the output folder and renamed when complete,
//! so a reader never sees half a file and an interrupted run leaves the previous output intact.

pub mod records;

use crate::config::Compression;
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// `n` records made by index, as JSON lines: making and serializing them runs in parallel, a
/// chunk at a time, and they are written in order. The file is left to the caller to commit, so that
/// its sync can overlap other work.
pub fn write_jsonl_indexed<T: Serialize + Send>(
    path: &Path,
    n: usize,
    make: impl Fn(usize) -> T + Sync,
) -> io::Result<Unsynced> {
    write_unsynced(path, |w| {
        let mut sink = Sink::new(w, Compression::None, 0)?;
        // While the workers make one chunk, this thread writes the one before.
        let mut pending: Vec<Vec<u8>> = Vec::new();
        for start in (0..n).step_by(CHUNK) {
            let (written, made) = rayon::join(
                || pending.iter().try_for_each(|b| sink.write_all(b)),
                || serialize_lines((start..n.min(start + CHUNK)).into_par_iter().map(&make)),
            );
            written?;
            pending = made?;
        }
        pending.iter().try_for_each(|b| sink.write_all(b))?;
        sink.finish()
    })
}

/// `records` as JSON lines in their order, in a few buffers (one per piece of the work), not
/// one allocation per line.
fn serialize_lines<T: Serialize>(
    records: impl IndexedParallelIterator<Item = T>,
) -> io::Result<Vec<Vec<u8>>> {
    records
        .fold(
            || Ok(Vec::new()),
            |buf: io::Result<Vec<u8>>, r| {
                let mut buf = buf?;
                serde_json::to_writer(&mut buf, &r).map_err(io::Error::other)?;
                buf.push(b'\n');
                Ok(buf)
            },
        )
        .collect()
}

/// Write `path` through a temporary file in the same folder, renamed into place on success.
pub fn write_atomic(
    path: &Path,
    body: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> io::Result<()> {
    write_unsynced(path, body)?.commit(true)
}

/// A file written in full under its temporary name, not yet synced to disk nor renamed into
/// place: [`Unsynced::commit`] does both (the sync if asked), so the wait for the disk can
/// overlap other work. Dropped without a commit, the temporary file is removed.
pub struct Unsynced {
    file: Option<File>,
    tmp: PathBuf,
    path: PathBuf,
}

impl Unsynced {
    /// Rename the file into place; with `sync`, once it is on disk. Without, a reader still
    /// sees the whole file or the old one, but a crash of the machine soon after may lose
    /// what the kernel has not written yet.
    pub fn commit(mut self, sync: bool) -> io::Result<()> {
        let result = match self.file.take() {
            Some(file) if sync => file.sync_all(),
            _ => Ok(()),
        };
        let result = result.and_then(|()| std::fs::rename(&self.tmp, &self.path));
        if result.is_err() {
            let _ = std::fs::remove_file(&self.tmp);
        }
        result
    }
}

impl Drop for Unsynced {
    fn drop(&mut self) {
        if self.file.is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// A file being written whose pages the kernel is asked to start writing to disk every
/// [`WRITEBACK_BYTES`], without waiting: the sync at the end (`output.sync`) then finds most of a
/// large file on disk already, instead of waiting for all of it while the cores have nothing to
/// do; without the sync, a run leaves few unwritten pages behind it (21 calls, 34 ms in all, on
/// 341 MB of corpus).
struct Writeback {
    file: File,
    written: u64,
    started: u64,
}

const WRITEBACK_BYTES: u64 = 16 << 20;

impl Writeback {
    fn new(file: File) -> Writeback {
        Writeback {
            file,
            written: 0,
            started: 0,
        }
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= WRITEBACK_BYTES {
            start_writeback(&self.file, self.started, self.written - self.started);
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// Asks the kernel to start writing `len` bytes at `offset` of `file` to disk; best effort.
#[cfg(target_os = "linux")]
fn start_writeback(file: &File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    if let (Ok(offset), Ok(len)) = (
        libc::off64_t::try_from(offset),
        libc::off64_t::try_from(len),
    ) {
        // SAFETY: sync_file_range only reads its integer arguments and the descriptor, which
        // `file` keeps open. SYNC_FILE_RANGE_WRITE starts the writes and returns; a failure
        // only leaves the work to the final sync.
        unsafe {
            libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &File, _offset: u64, _len: u64) {}

/// [`write_atomic`] up to the sync: the body written and flushed under a temporary name.
pub fn write_unsynced(
    path: &Path,
    body: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> io::Result<Unsynced> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".into());
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| {
        // Small enough that the corpus writer's buffers (a group of records, 256 KB or more)
        // go straight to the file instead of being copied through this one first.
        let mut w = BufWriter::with_capacity(128 << 10, Writeback::new(File::create(&tmp)?));
        body(&mut w)?;
        w.into_inner().map(|w| w.file).map_err(|e| e.into_error())
    })();
    match written {
        Ok(file) => Ok(Unsynced {
            file: Some(file),
            tmp,
            path: path.to_path_buf(),
        }),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Records serialized and written a chunk at a time (one being written while the next is
/// made): enough to keep the cores busy, few enough that the records and their text stay
/// small in memory.
const CHUNK: usize = 4096;

/// Where a JSON-lines file's bytes go: straight to the file, or through a zstd frame that
/// [`Sink::finish`] ends, so that an error in the frame's last write is returned (dropping an
/// auto-finishing encoder would lose it and leave a truncated file to be renamed into place).
pub enum Sink<'a> {
    Plain(&'a mut (dyn Write + Send)),
    Zstd(zstd::Encoder<'static, &'a mut (dyn Write + Send)>),
}

/// zstd worker threads at most: past a handful, the compression keeps up with the records and
/// more workers only add buffers.
const ZSTD_WORKERS: usize = 8;

impl<'a> Sink<'a> {
    pub fn new(
        w: &'a mut (dyn Write + Send),
        compression: Compression,
        zstd_level: i32,
    ) -> io::Result<Sink<'a>> {
        Ok(match compression {
            Compression::None => Sink::Plain(w),
            Compression::Zstd => {
                let mut e = zstd::Encoder::new(w, zstd_level)?;
                // Compressed by worker threads, one per thread of the run's pool up to
                // ZSTD_WORKERS: on its own, the writing thread's compression took most of a
                // run's write phase. The frame is the same for any number of workers from 1 on
                // (jobs are cut by size, not by worker), so the output does not depend on the
                // thread count, and the cap changes no byte. Each worker holds a job's buffers
                // (8 MB at level 3, 32 MB at 19) and a context, outside `dedup.memory`.
                let workers = rayon::current_num_threads().clamp(1, ZSTD_WORKERS);
                e.multithread(workers as u32)?;
                Sink::Zstd(e)
            }
        })
    }

    /// End the stream (the zstd frame) and flush.
    pub fn finish(self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Zstd(e) => e.finish()?.flush(),
        }
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Plain(w) => w.write(buf),
            Sink::Zstd(e) => e.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.write_all(buf),
            Sink::Zstd(e) => e.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Plain(w) => w.flush(),
            Sink::Zstd(e) => e.flush(),
        }
    }
}

/// Syncs a folder, so the renames into it are on disk.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Pretty JSON, for the manifest; synced to disk before it is renamed into place if `sync`.
pub fn write_json<T: Serialize>(path: &Path, value: &T, sync: bool) -> io::Result<()> {
    write_unsynced(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::other)?;
        w.write_all(b"\n")
    })?
    .commit(sync)
}

/// The files of an output folder.
pub struct OutputPaths {
    pub corpus: PathBuf,
    pub dropped: PathBuf,
    pub duplicates: PathBuf,
    pub manifest: PathBuf,
}

impl OutputPaths {
    pub fn new(dir: &Path, compression: Compression) -> OutputPaths {
        let corpus = match compression {
            Compression::None => "corpus.jsonl",
            Compression::Zstd => "corpus.jsonl.zst",
        };
        OutputPaths {
            corpus: dir.join(corpus),
            dropped: dir.join("dropped.jsonl"),
            duplicates: dir.join("duplicates.jsonl"),
            manifest: dir.join("manifest.json"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `records` as a JSON-lines file at `path`, through a [`Sink`] of `compression`.
    fn write_jsonl<T: Serialize + Send>(
        path: &Path,
        records: Vec<T>,
        compression: Compression,
        zstd_level: i32,
    ) -> io::Result<()> {
        write_atomic(path, |w| {
            let mut sink = Sink::new(w, compression, zstd_level)?;
            for b in serialize_lines(records.into_par_iter())? {
                sink.write_all(&b)?;
            }
            sink.finish()
        })
    }

    #[test]
    fn indexed_records_are_written_in_order_across_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("n.jsonl");
        let n = 2 * CHUNK + 5;
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| write_jsonl_indexed(&p, n, |i| vec![i; i % 3]))
                .and_then(|f| f.commit(true))
                .unwrap();
            let text = std::fs::read_to_string(&p).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            assert_eq!(lines.len(), n);
            for (i, l) in lines.iter().enumerate() {
                assert_eq!(*l, serde_json::to_string(&vec![i; i % 3]).unwrap());
            }
        }
        // No records: an empty file.
        write_jsonl_indexed(&p, 0, |i| i)
            .and_then(|f| f.commit(true))
            .unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"");
    }

    #[test]
    fn atomic_write_leaves_no_temp_file_and_replaces_content() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jsonl");
        write_jsonl(&p, vec![1, 2, 3], Compression::None, 3).unwrap();
        write_jsonl(&p, vec!["x"], Compression::None, 3).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\"x\"\n");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }

    #[test]
    fn failed_write_keeps_previous_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("m.json");
        write_json(&p, &"old", true).unwrap();
        let err = write_atomic(&p, |_| Err(io::Error::other("boom")));
        assert!(err.is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\"old\"\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_unsynced_file_is_in_place_only_once_committed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.jsonl");
        write_json(&p, &"old", true).unwrap();
        let pending = write_unsynced(&p, |w| w.write_all(b"new\n")).unwrap();
        // Until the commit the old file is what a reader sees.
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "\"old\"\n");
        pending.commit(true).unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        // Dropped without a commit (the run failed elsewhere): nothing changes, nothing is left.
        let abandoned = write_unsynced(&p, |w| w.write_all(b"newer\n")).unwrap();
        drop(abandoned);
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn zstd_corpus_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.jsonl.zst");
        write_jsonl(&p, vec!["a", "b"], Compression::Zstd, 3).unwrap();
        let bytes = zstd::decode_all(File::open(&p).unwrap()).unwrap();
        assert_eq!(bytes, b"\"a\"\n\"b\"\n");
    }

    /// Takes `room` bytes, then fails every write.
    struct Full {
        room: usize,
    }

    impl Write for Full {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.room == 0 {
                return Err(io::Error::other("disk full"));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_zstd_frame_that_cannot_be_ended_is_an_error() {
        // The encoder buffers small writes: only ending the frame reaches the full disk.
        let mut full = Full { room: 4 };
        let mut sink = Sink::new(&mut full, Compression::Zstd, 3).unwrap();
        sink.write_all(b"a short line\n").unwrap();
        assert!(sink.finish().is_err());
        let mut roomy = Full { room: 1 << 20 };
        let mut sink = Sink::new(&mut roomy, Compression::Zstd, 3).unwrap();
        sink.write_all(b"a short line\n").unwrap();
        assert!(sink.finish().is_ok());
    }
}
