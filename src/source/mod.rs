//! Input: finds the files to read ([`discover`]) and turns each one into [`RawDoc`]s
//! ([`read_file`]).
//!
//! Every record that cannot be read becomes exactly one [`InputError`] carrying the file and a
//! position (record, line, byte) a user can go to, so `records == docs + errors` always holds
//! and nothing is lost silently. The readers never panic on bad input.
//!
//! Submodules: `discover` walks folders, `decompress` removes gzip/zstd layers, `text` reads
//! txt and html files, `jsonl` JSON lines, `warc` WARC archives, and [`html`] decodes HTML
//! pages and extracts their text.

mod decompress;
mod discover;
pub mod html;
mod jsonl;
pub mod stream;
mod text;
mod warc;

pub use discover::discover;
pub use html::{ExtractedHtml, decode_html_bytes, extract_html};

use crate::config::InputSettings;
use crate::doc::{Format, RawDoc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// Compression layer of an input file, from its last extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceCompression {
    None,
    Gzip,
    Zstd,
}

/// A file [`discover`] found and knows how to read.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct InputFile {
    pub path: PathBuf,
    /// The path as the user gave it, joined with the path inside a walked folder, with `/`
    /// separators: what provenance and error messages show.
    pub display: String,
    pub format: Format,
    pub compression: SourceCompression,
    /// Size on disk (compressed); of the part alone when `part` is set.
    pub size: u64,
    /// Only a part of the file: a plan for shard jobs (`scour run --plan N`) cuts a plain JSONL
    /// file larger than a shard's share at line starts, so that one huge file is spread over
    /// several shards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<FilePart>,
}

/// Bytes `start..end` of a file, whose first line has number `line` (from 1) and whose first
/// record has index `record`, as a run over the whole file numbers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FilePart {
    pub start: u64,
    pub end: u64,
    pub line: u64,
    pub record: u64,
    /// The whole file's size, modification time (ns since 1970) and blake3 when the plan read
    /// it: a shard job reads the part only if the size and time are still those, and the
    /// manifest's entry for the file, once its parts are joined, is the one a run over the
    /// whole file gives.
    pub file_bytes: u64,
    pub file_modified_ns: u64,
    pub file_blake3: String,
}

/// A file [`discover`] saw but will not read, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// What [`discover`] found: files to read in a deterministic order, files passed over, and
/// paths that could not be read at all.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct Discovery {
    pub files: Vec<InputFile>,
    pub skipped: Vec<SkippedFile>,
    pub errors: Vec<InputError>,
}

/// Everything [`read_file`] got out of one file.
#[derive(Debug, Clone, Default)]
pub struct FileRead {
    pub docs: Vec<RawDoc>,
    /// One per lost record.
    pub errors: Vec<InputError>,
    /// Size of the file as stored.
    pub bytes: u64,
    /// Size after decompression (as far as decompression got).
    pub decompressed_bytes: u64,
    /// blake3 of the bytes as stored, hex; empty when the file could not be read.
    pub blake3: String,
    /// Records seen: always `docs.len() + errors.len()`.
    pub records: u64,
    /// WARC records passed over on purpose (warcinfo, request, metadata, non-HTML
    /// responses, ...): neither documents nor errors, and not counted in `records`.
    pub warc_skipped: u64,
    /// `warc_skipped` by reason, e.g. `request`, `response:non-text`, `response:status`.
    pub warc_skipped_by_type: BTreeMap<String, u64>,
}

/// One record that could not be read, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct InputError {
    pub path: String,
    /// 0-based index of the record in the file (JSONL non-blank line, WARC record).
    pub record: Option<u64>,
    /// 1-based line number (JSONL).
    pub line: Option<u64>,
    /// Byte offset: in the decompressed data unless the message says otherwise (a WARC
    /// record in its own gzip member is located by the member's offset in the stored file).
    pub byte: Option<u64>,
    pub kind: InputErrorKind,
    pub message: String,
}

/// Why a record could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputErrorKind {
    /// The file or folder could not be opened or read.
    Unreadable,
    /// The file holds no data after decompression.
    Empty,
    /// The data looks binary (a NUL byte near the start).
    Binary,
    InvalidUtf8,
    /// The compressed stream or the record ends early, or the compression is corrupt.
    Truncated,
    MalformedJson,
    /// A JSONL line is not an object or lacks the text field as a string.
    MissingField,
    /// Larger than `max_record_bytes`.
    TooLarge,
    MalformedWarc,
    /// A valid input this reader cannot handle (UTF-16 text, brotli HTTP payload, ...).
    Unsupported,
}

impl InputErrorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            InputErrorKind::Unreadable => "unreadable",
            InputErrorKind::Empty => "empty",
            InputErrorKind::Binary => "binary",
            InputErrorKind::InvalidUtf8 => "invalid_utf8",
            InputErrorKind::Truncated => "truncated",
            InputErrorKind::MalformedJson => "malformed_json",
            InputErrorKind::MissingField => "missing_field",
            InputErrorKind::TooLarge => "too_large",
            InputErrorKind::MalformedWarc => "malformed_warc",
            InputErrorKind::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for InputErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl InputError {
    pub fn new(path: &str, kind: InputErrorKind, message: impl Into<String>) -> InputError {
        InputError {
            path: path.to_string(),
            record: None,
            line: None,
            byte: None,
            kind,
            message: message.into(),
        }
    }

    pub fn at_record(mut self, record: u64) -> InputError {
        self.record = Some(record);
        self
    }

    pub fn at_line(mut self, line: u64) -> InputError {
        self.line = Some(line);
        self
    }

    pub fn at_byte(mut self, byte: u64) -> InputError {
        self.byte = Some(byte);
        self
    }
}

/// `path: line N: byte B: message`, with `record R` instead of the line where there are no
/// lines (WARC).
impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        match (self.line, self.record) {
            (Some(line), _) => write!(f, ": line {line}")?,
            (None, Some(record)) => write!(f, ": record {record}")?,
            (None, None) => {}
        }
        if let Some(byte) = self.byte {
            write!(f, ": byte {byte}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

impl FileRead {
    fn skip_warc(&mut self, why: &str) {
        self.warc_skipped += 1;
        match self.warc_skipped_by_type.get_mut(why) {
            Some(n) => *n += 1,
            None => {
                self.warc_skipped_by_type.insert(why.to_string(), 1);
            }
        }
    }
}

/// Read one file and turn it into documents. Never panics on bad input: whatever cannot be
/// read is reported in `errors`, one per lost record. WARC files are read in windows (the
/// documents are still all returned at once; the pipeline hands windows over as they come).
pub fn read_file(file: &InputFile, settings: &InputSettings) -> FileRead {
    if file.format == Format::Warc {
        let mut read = FileRead::default();
        let stream = stream::WarcStream::open(file, settings, WARC_READ_WINDOW);
        let totals = warc::read_stream(file, stream, settings, &mut read);
        read.bytes = totals.bytes;
        read.blake3 = totals.blake3;
        read.records = (read.docs.len() + read.errors.len()) as u64;
        return read;
    }
    match std::fs::read(&file.path) {
        Ok(stored) => read_stored(file, &stored, settings),
        Err(e) => {
            let mut read = FileRead::default();
            read.errors.push(InputError::new(
                &file.display,
                InputErrorKind::Unreadable,
                format!("cannot read file: {e}"),
            ));
            read.records = 1;
            read
        }
    }
}

/// Window of stored bytes in which [`read_file`] reads WARC files.
const WARC_READ_WINDOW: usize = 32 << 20;

/// [`read_file`] on bytes already in memory (`stored` is the file as stored, still
/// compressed); `file.path` is not touched.
pub fn read_stored(file: &InputFile, stored: &[u8], settings: &InputSettings) -> FileRead {
    let mut read = FileRead {
        bytes: stored.len() as u64,
        blake3: blake3::hash(stored).to_hex().to_string(),
        ..FileRead::default()
    };
    match file.format {
        Format::Txt | Format::Html => text::read(file, stored, settings, &mut read),
        Format::Jsonl => jsonl::read(file, stored, settings, &mut read),
        Format::Warc => warc::read(file, stored, settings, &mut read),
    }
    read.records = (read.docs.len() + read.errors.len()) as u64;
    read
}

/// Offset of the first NUL byte in the first 8 KiB: text formats never contain one, so it
/// marks binary data (images, archives, UTF-16 without a BOM) without scanning whole files.
fn first_nul(data: &[u8]) -> Option<usize> {
    memchr::memchr(0, &data[..data.len().min(8192)])
}

/// A UTF-16 byte order mark: such text would otherwise be reported as binary, which misleads.
fn has_utf16_bom(data: &[u8]) -> bool {
    data.starts_with(&[0xFF, 0xFE]) || data.starts_with(&[0xFE, 0xFF])
}

const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];

/// Message for the first invalid UTF-8 sequence, naming the offending byte.
fn utf8_message(data: &[u8], at: usize) -> String {
    match data.get(at) {
        Some(b) => format!("invalid UTF-8 at byte {at} (byte 0x{b:02x})"),
        None => format!("invalid UTF-8 at byte {at} (incomplete sequence at end)"),
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use std::io::Write;

    pub fn settings() -> InputSettings {
        InputSettings::default()
    }

    pub fn gzip(data: &[u8]) -> Vec<u8> {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(data).unwrap();
        enc.finish().unwrap()
    }

    pub fn zstd(data: &[u8]) -> Vec<u8> {
        zstd::encode_all(data, 3).unwrap()
    }

    /// Write `bytes` to `name` in a fresh temp dir and describe it as discover would.
    pub fn file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> InputFile {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let found = discover(std::slice::from_ref(&path), &settings());
        assert_eq!(found.files.len(), 1, "{name}: {found:?}");
        let mut f = found.files.into_iter().next().unwrap();
        f.display = name.to_string();
        f
    }

    /// The shared sample data beside the repository.
    pub fn shared_dir() -> PathBuf {
        let beside = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
        [beside, PathBuf::from("/work/shared")]
            .into_iter()
            .find(|p| p.join("data/warc").is_dir())
            .expect("shared/ sample data next to the repository")
    }

    pub fn read_named(name: &str, bytes: &[u8]) -> FileRead {
        let dir = tempfile::tempdir().unwrap();
        let f = file(&dir, name, bytes);
        let read = read_file(&f, &settings());
        assert_eq!(read.records, (read.docs.len() + read.errors.len()) as u64);
        read
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn error_display_names_path_line_and_byte() {
        let e = InputError::new("data/a.jsonl", InputErrorKind::MalformedJson, "bad")
            .at_record(2)
            .at_line(3)
            .at_byte(120);
        assert_eq!(e.to_string(), "data/a.jsonl: line 3: byte 120: bad");
        let w = InputError::new("a.warc", InputErrorKind::MalformedWarc, "bad")
            .at_record(5)
            .at_byte(9);
        assert_eq!(w.to_string(), "a.warc: record 5: byte 9: bad");
        let json = serde_json::to_value(&w).unwrap();
        assert_eq!(json["kind"], "malformed_warc");
    }

    #[test]
    fn unreadable_file_is_one_lost_record() {
        let f = InputFile {
            path: PathBuf::from("/nonexistent/scour/x.txt"),
            display: "x.txt".into(),
            format: Format::Txt,
            compression: SourceCompression::None,
            size: 0,
            part: None,
        };
        let r = read_file(&f, &settings());
        assert_eq!(r.records, 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::Unreadable);
        assert!(r.blake3.is_empty());
    }

    #[test]
    fn blake3_is_of_stored_bytes() {
        let gz = gzip(b"hello\n");
        let r = read_named("a.txt.gz", &gz);
        assert_eq!(r.blake3, blake3::hash(&gz).to_hex().to_string());
        assert_eq!(r.bytes, gz.len() as u64);
        assert_eq!(r.decompressed_bytes, 6);
    }

    /// Mutated and cut inputs of every format: no panic, and every record accounted for.
    #[test]
    fn damaged_inputs_never_panic() {
        let warc = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http; msgtype=response\r\n\
            WARC-Target-URI: <http://x.org/>\r\nContent-Length: 101\r\n\r\nHTTP/1.1 200 OK\r\n\
            Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>ab\r\n9\r\n<b>c</b>.\r\n0\r\n\r\n\r\n\r\n"
            .to_vec();
        let samples: Vec<(&str, Vec<u8>)> = vec![
            ("a.txt", b"plain text\nline two\n".to_vec()),
            (
                "a.html",
                b"<html><head><meta charset=latin1><title>t</title></head><p>x\xe9</p>".to_vec(),
            ),
            (
                "a.jsonl",
                b"{\"text\":\"a\",\"url\":\"u\"}\n{\"text\":\"b\"}\n".to_vec(),
            ),
            ("a.warc", [warc.clone(), warc.clone()].concat()),
            (
                "a.warc.gz",
                [gzip(&warc), gzip(&warc), gzip(&warc)].concat(),
            ),
            ("a.jsonl.gz", gzip(b"{\"text\":\"a\"}\n{\"text\":\"b\"}\n")),
            ("a.txt.zst", zstd(b"zstd text")),
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut rand = move || rng.next_u64();
        let dir = tempfile::tempdir().unwrap();
        for (name, good) in &samples {
            let r = read_file(&file(&dir, name, good), &settings());
            assert!(
                r.errors.is_empty() && !r.docs.is_empty(),
                "{name}: {:?}",
                r.errors
            );
            for round in 0..150 {
                let mut bytes = good.clone();
                match round % 3 {
                    0 => {
                        let cut = (rand() as usize) % (bytes.len() + 1);
                        bytes.truncate(cut);
                    }
                    _ => {
                        for _ in 0..1 + rand() % 4 {
                            let i = (rand() as usize) % bytes.len();
                            bytes[i] = rand() as u8;
                        }
                    }
                }
                let f = file(&dir, name, &bytes);
                let r = read_file(&f, &settings());
                assert_eq!(
                    r.records,
                    (r.docs.len() + r.errors.len()) as u64,
                    "{name} round {round}"
                );
                for e in &r.errors {
                    assert!(!e.message.is_empty());
                }
            }
        }
    }
}
