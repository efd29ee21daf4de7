//! What the corpus-wide steps keep of each document in memory (a few fixed-size fields, no
//! allocation of its own), and the passage table: what they need of each passage, in a file
//! beside the staging file, read in order once per step.
//!
//! A 4 GB scrape has about 9 million passages; a few hundred bytes of index each (strings,
//! vectors per document, `usize` where `u32` does) used to be four times the memory budget of
//! the signatures themselves. Now a passage costs nothing in memory until a step needs it, and
//! the steps keep a few `u32` per item.

use super::*;
use std::io::{BufReader, Seek, SeekFrom};

/// "None" for the `u32` indexes and slots below.
pub(super) const NONE: u32 = u32::MAX;

/// A document as the corpus-wide steps see it; its text and record wait in the staging file.
#[derive(Debug, Clone, Copy)]
pub(super) struct DocEntry {
    /// The id (16 hex digits, see [`doc_id`]) as a number.
    pub(super) id: u64,
    /// Where the staged record is: byte offset and length in the staging file.
    pub(super) staged_at: u64,
    pub(super) staged_len: u64,
    /// Index of the document's first passage in the passage table.
    pub(super) first_passage: u64,
    /// Provenance for `dropped.jsonl`: index into [`Index::paths`], record, byte offset.
    pub(super) record: u64,
    pub(super) byte_start: u64,
    /// Bytes of the staged record's text.
    pub(super) text_len: u64,
    /// The document's signature in the run's [`SignatureStore`] ([`NONE`]: none).
    pub(super) slot: u32,
    pub(super) path: u32,
    pub(super) passages: u32,
    /// Dropped before any corpus-wide step (empty or too short after cleaning).
    pub(super) dropped: Option<DropReason>,
}

impl DocEntry {
    /// The id as it appears in the output.
    pub(super) fn id(&self) -> String {
        format!("{:016x}", self.id)
    }

    /// Passage table indexes of the document's passages.
    pub(super) fn passage_range(&self) -> std::ops::Range<u64> {
        self.first_passage..self.first_passage + self.passages as u64
    }
}

/// The id of a document as a number (ids are 16 hex digits).
pub(super) fn parse_id(id: &str) -> Option<u64> {
    (id.len() == 16)
        .then(|| u64::from_str_radix(id, 16).ok())
        .flatten()
}

/// All documents, the paths they came from, and their passages' table.
pub(super) struct Index {
    pub(super) docs: Vec<DocEntry>,
    /// The documents' digests, needed by the document step only.
    pub(super) digests: Vec<Digest>,
    /// Input paths as recorded in provenance, each once.
    pub(super) paths: Vec<String>,
    pub(super) passages: PassageTable,
}

impl Index {
    /// Index of the document holding passage `g`.
    pub(super) fn doc_of(&self, g: u64) -> usize {
        self.docs
            .partition_point(|d| d.first_passage + d.passages as u64 <= g)
    }

    /// The index into `paths` of `path` (documents arrive by file, so it is usually the last).
    pub(super) fn path_index(&mut self, path: &str) -> u32 {
        if self.paths.last().is_none_or(|p| p != path) {
            self.paths.push(path.to_string());
        }
        (self.paths.len() - 1) as u32
    }
}

/// What the steps need of one passage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct PassageRow {
    pub(super) digest: Digest,
    pub(super) byte_start: u64,
    pub(super) byte_end: u64,
    /// Saturated at `u32::MAX`.
    pub(super) words: u32,
    /// Slot of the signature in the store ([`NONE`]: none).
    pub(super) slot: u32,
}

/// Bytes of a row in the table's file; the slot is its last 4 (a merge moves them in place).
pub(super) const ROW: usize = 40;

impl PassageRow {
    fn encode(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.digest);
        out.extend_from_slice(&self.byte_start.to_le_bytes());
        out.extend_from_slice(&self.byte_end.to_le_bytes());
        out.extend_from_slice(&self.words.to_le_bytes());
        out.extend_from_slice(&self.slot.to_le_bytes());
    }

    fn decode(b: &[u8]) -> PassageRow {
        let u64_at = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        let u32_at = |i: usize| u32::from_le_bytes(b[i..i + 4].try_into().expect("4 bytes"));
        PassageRow {
            digest: b[..16].try_into().expect("16 bytes"),
            byte_start: u64_at(16),
            byte_end: u64_at(24),
            words: u32_at(32),
            slot: u32_at(36),
        }
    }
}

/// Passage rows in a file, by passage index (documents in order, passages in order), written
/// once while reading and then read back in order ([`PassageTable::scan`]). Removed when
/// dropped.
pub(super) struct PassageTable {
    pub(super) path: PathBuf,
    writer: Option<BufWriter<File>>,
    len: u64,
    bytes: Vec<u8>,
}

impl PassageTable {
    pub(super) fn create(dir: &Path) -> std::io::Result<PassageTable> {
        let path = dir.join(format!(".spill-{}-passages.bin.tmp", std::process::id()));
        let file = File::create(&path)?;
        Ok(PassageTable {
            path,
            writer: Some(BufWriter::with_capacity(1 << 20, file)),
            len: 0,
            bytes: Vec::with_capacity(ROW),
        })
    }

    pub(super) fn len(&self) -> u64 {
        self.len
    }

    pub(super) fn push(&mut self, row: &PassageRow) -> std::io::Result<()> {
        let w = self.writer.as_mut().ok_or_else(finished)?;
        self.bytes.clear();
        row.encode(&mut self.bytes);
        w.write_all(&self.bytes)?;
        self.len += 1;
        Ok(())
    }

    /// Appends rows as their file holds them (whole rows of [`ROW`] bytes).
    pub(super) fn push_rows(&mut self, rows: &[u8]) -> std::io::Result<()> {
        if !rows.len().is_multiple_of(ROW) {
            return Err(std::io::Error::other("a partial passage row"));
        }
        let w = self.writer.as_mut().ok_or_else(finished)?;
        w.write_all(rows)?;
        self.len += (rows.len() / ROW) as u64;
        Ok(())
    }

    /// Ends writing; rows can be read only after this.
    pub(super) fn finish(&mut self) -> std::io::Result<()> {
        if let Some(w) = self.writer.take() {
            w.into_inner().map_err(|e| e.into_error())?;
        }
        Ok(())
    }

    /// Reads the rows in order.
    pub(super) fn scan(&self) -> std::io::Result<Scan> {
        self.scan_from(0, 1 << 20)
    }

    /// Reads the rows in order from row `first`, through a buffer of `buffer` bytes.
    pub(super) fn scan_from(&self, first: u64, buffer: usize) -> std::io::Result<Scan> {
        if self.writer.is_some() {
            return Err(finished());
        }
        let mut file = File::open(&self.path)?;
        if first > 0 {
            file.seek(SeekFrom::Start(first.min(self.len) * ROW as u64))?;
        }
        Ok(Scan {
            reader: BufReader::with_capacity(buffer, file),
            left: self.len.saturating_sub(first),
            buf: [0; ROW],
        })
    }
}

/// Rows a run of [`par_doc_runs`] covers, about.
const RUN_ROWS: u64 = 64 << 10;

/// `f` over consecutive runs of documents in parallel, each with a scan of the passage table
/// from the run's first passage; the runs' results in document order. A scan of the whole table
/// (40 bytes a passage, 100 MB for a 1 GB corpus) on one thread held up the other for 0.1 s at
/// each of the passage step's several reads.
pub(super) fn par_doc_runs<R: Send>(
    docs: &[DocEntry],
    table: &PassageTable,
    f: impl Fn(std::ops::Range<usize>, &mut Scan) -> std::io::Result<R> + Sync,
) -> std::io::Result<Vec<R>> {
    par_doc_runs_of(docs, table, RUN_ROWS, f)
}

fn par_doc_runs_of<R: Send>(
    docs: &[DocEntry],
    table: &PassageTable,
    run_rows: u64,
    f: impl Fn(std::ops::Range<usize>, &mut Scan) -> std::io::Result<R> + Sync,
) -> std::io::Result<Vec<R>> {
    use rayon::prelude::*;
    let mut runs = Vec::new();
    let (mut start, mut rows) = (0, 0u64);
    for (di, d) in docs.iter().enumerate() {
        rows += d.passages as u64;
        if rows >= run_rows {
            runs.push(start..di + 1);
            (start, rows) = (di + 1, 0);
        }
    }
    if start < docs.len() {
        runs.push(start..docs.len());
    }
    runs.into_par_iter()
        .map(|r| {
            let mut scan = table.scan_from(docs[r.start].first_passage, 256 << 10)?;
            f(r, &mut scan)
        })
        .collect()
}

impl Drop for PassageTable {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn finished() -> std::io::Error {
    std::io::Error::other("passage table read before it was finished")
}

/// The rows of a [`PassageTable`] in order.
pub(super) struct Scan {
    reader: BufReader<File>,
    left: u64,
    buf: [u8; ROW],
}

impl Scan {
    /// The next row; reading past the last row or a short file is an error.
    pub(super) fn next_row(&mut self) -> std::io::Result<PassageRow> {
        if self.left == 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "passage table ended early",
            ));
        }
        self.reader.read_exact(&mut self.buf)?;
        self.left -= 1;
        Ok(PassageRow::decode(&self.buf))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_come_back_in_order_and_the_file_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = PassageTable::create(dir.path()).unwrap();
        assert!(t.scan().is_err());
        let rows: Vec<PassageRow> = (0..1000u32)
            .map(|i| PassageRow {
                digest: [i as u8; 16],
                byte_start: i as u64 * 3,
                byte_end: u64::MAX - i as u64,
                words: i,
                slot: if i % 3 == 0 { NONE } else { i * 2 },
            })
            .collect();
        for r in &rows {
            t.push(r).unwrap();
        }
        t.finish().unwrap();
        let mut scan = t.scan().unwrap();
        for r in &rows {
            assert_eq!(&scan.next_row().unwrap(), r);
        }
        assert!(scan.next_row().is_err());
        let path = t.path.clone();
        assert!(path.exists());
        drop(t);
        assert!(!path.exists());
    }

    #[test]
    fn rows_pushed_as_bytes_read_back_and_the_slot_is_the_last_four() {
        let dir = tempfile::tempdir().unwrap();
        let row = |i: u32| PassageRow {
            digest: [i as u8; 16],
            byte_start: i as u64,
            byte_end: i as u64 + 9,
            words: i * 3,
            slot: i * 7,
        };
        let mut bytes = Vec::new();
        for i in 0..5 {
            row(i).encode(&mut bytes);
        }
        assert_eq!(bytes.len(), 5 * ROW);
        assert_eq!(bytes[2 * ROW + ROW - 4..3 * ROW], 14u32.to_le_bytes());
        let mut t = PassageTable::create(dir.path()).unwrap();
        t.push(&row(9)).unwrap();
        t.push_rows(&bytes).unwrap();
        assert!(t.push_rows(&bytes[..ROW - 1]).is_err());
        t.finish().unwrap();
        assert_eq!(t.len(), 6);
        let mut scan = t.scan().unwrap();
        assert_eq!(scan.next_row().unwrap(), row(9));
        for i in 0..5 {
            assert_eq!(scan.next_row().unwrap(), row(i));
        }
    }

    #[test]
    fn a_short_table_is_an_error_not_fewer_rows() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = PassageTable::create(dir.path()).unwrap();
        for i in 0..10u32 {
            let row = PassageRow {
                words: i,
                ..PassageRow::default()
            };
            t.push(&row).unwrap();
        }
        t.finish().unwrap();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(&t.path)
            .unwrap();
        f.set_len(ROW as u64 * 9 + 5).unwrap();
        let mut scan = t.scan().unwrap();
        for i in 0..9 {
            assert_eq!(scan.next_row().unwrap().words, i);
        }
        assert!(scan.next_row().is_err());
    }

    #[test]
    fn runs_of_documents_read_their_own_rows_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut t = PassageTable::create(dir.path()).unwrap();
        // Documents of 0 to 4 passages; row g says `g` in its words.
        let counts = [3u32, 0, 1, 4, 0, 0, 2, 1, 4, 0];
        let mut docs = Vec::new();
        let mut g = 0u64;
        for &passages in &counts {
            docs.push(DocEntry {
                id: 0,
                staged_at: 0,
                staged_len: 0,
                first_passage: g,
                record: 0,
                byte_start: 0,
                text_len: 0,
                slot: NONE,
                path: 0,
                passages,
                dropped: None,
            });
            for _ in 0..passages {
                t.push(&PassageRow {
                    words: g as u32,
                    ..PassageRow::default()
                })
                .unwrap();
                g += 1;
            }
        }
        t.finish().unwrap();
        let read = |di: usize, scan: &mut Scan| -> std::io::Result<Vec<(usize, u32)>> {
            docs[di]
                .passage_range()
                .map(|_| Ok((di, scan.next_row()?.words)))
                .collect()
        };
        let all: Vec<(usize, u32)> = (0..docs.len())
            .flat_map(|di| docs[di].passage_range().map(move |g| (di, g as u32)))
            .collect();
        for run_rows in [1, 2, 3, 5, 100] {
            let runs = par_doc_runs_of(&docs, &t, run_rows, |run, scan| {
                let mut v = Vec::new();
                for di in run {
                    v.extend(read(di, scan)?);
                }
                Ok(v)
            })
            .unwrap();
            assert!(run_rows == 100 || runs.len() > 1);
            assert_eq!(runs.concat(), all, "runs of {run_rows} rows");
        }
        // A run that reads past the table's end is an error, as a whole scan's is.
        let err = par_doc_runs_of(&docs, &t, 3, |run, scan| {
            for _ in 0..=docs[run].iter().map(|d| d.passages).sum::<u32>() {
                scan.next_row()?;
            }
            Ok(())
        });
        assert!(err.is_err());
        assert!(par_doc_runs(&[], &t, |_, _| Ok(())).unwrap().is_empty());
    }

    #[test]
    fn ids_round_trip() {
        let id = "00af3c9e1b2d4f60";
        let n = parse_id(id).unwrap();
        let d = DocEntry {
            id: n,
            staged_at: 0,
            staged_len: 0,
            first_passage: 0,
            record: 0,
            byte_start: 0,
            text_len: 0,
            slot: NONE,
            path: 0,
            passages: 0,
            dropped: None,
        };
        assert_eq!(d.id(), id);
        assert_eq!(parse_id("xyz"), None);
    }
}
