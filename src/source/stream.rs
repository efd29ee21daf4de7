//! Streaming input: JSON lines files are read in line-aligned chunks of bounded size, and WARC
//! files in windows of whole gzip members or records (see [`WarcStream`]), so a file of any
//! size passes through the pipeline in flat memory and its pieces are parsed in parallel.
//! (txt and html files hold one record each.)
//!
//! The stream keeps the promises of the whole-file readers: every record lost to damage is one
//! [`InputError`] with its position, and what can be read before the damage is kept.

pub use super::warc::{WarcStream, WarcWindow};
use super::{
    FilePart, FileRead, InputError, InputErrorKind, InputFile, SourceCompression, UTF8_BOM,
    first_nul, has_utf16_bom, jsonl,
};
use crate::config::InputSettings;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::sync::{Arc, Mutex};

/// Whole lines cut from a JSONL file, with the numbers its first line gets.
#[derive(Debug)]
pub struct JsonlChunk {
    pub data: Vec<u8>,
    /// Offset of `data[0]` in the decompressed file.
    pub base: u64,
    /// 1-based line number and record index of the chunk's first line.
    pub first_line: u64,
    pub first_record: u64,
}

impl JsonlChunk {
    /// Parse the chunk into documents and errors; chunks are independent, so run them in
    /// parallel.
    pub fn parse(&self, file: &InputFile, settings: &InputSettings) -> FileRead {
        let mut out = FileRead::default();
        jsonl::parse_chunk(
            &file.display,
            &self.data,
            self.base,
            self.first_line,
            self.first_record,
            settings,
            &mut out,
        );
        out.records = (out.docs.len() + out.errors.len()) as u64;
        out
    }
}

/// One item of a stream: a chunk of lines, a window of WARC records, or an error that cost
/// one record.
#[derive(Debug)]
pub enum StreamItem {
    Chunk(JsonlChunk),
    Warc(WarcWindow),
    Error(InputError),
}

/// What a finished stream reports for the manifest.
#[derive(Debug, Clone, Default)]
pub struct StreamTotals {
    pub bytes: u64,
    pub decompressed_bytes: u64,
    pub blake3: String,
}

type Tally = Arc<Mutex<(u64, blake3::Hasher)>>;

/// Counts and hashes the stored bytes as the decoder pulls them.
struct Counting<R> {
    inner: R,
    tally: Tally,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Ok(mut t) = self.tally.lock() {
            t.0 += n as u64;
            t.1.update(&buf[..n]);
        }
        Ok(n)
    }
}

/// Whether `file`'s part (if it is one) can be read as the plan listed it: the file has the
/// size and modification time the plan saw, and a line ends just before the part. `Err` says
/// what changed.
pub fn check_part(file: &InputFile) -> Result<(), String> {
    let Some(part) = &file.part else {
        return Ok(());
    };
    let changed = |what: String| {
        format!(
            "{} changed since the plan cut it into parts ({what}); make the plan again \
             (`scour run --plan N`) and run every shard again",
            file.display
        )
    };
    let mut f = File::open(&file.path).map_err(|e| format!("cannot read {}: {e}", file.display))?;
    let meta = f
        .metadata()
        .map_err(|e| format!("cannot read {}: {e}", file.display))?;
    if meta.len() != part.file_bytes {
        return Err(changed(format!(
            "{} bytes then, {} now",
            part.file_bytes,
            meta.len()
        )));
    }
    if modified_ns(&meta) != part.file_modified_ns {
        return Err(changed("modified since".into()));
    }
    let mut before = [b'\n'];
    if part.start > 0 {
        let read = f
            .seek(io::SeekFrom::Start(part.start - 1))
            .and_then(|_| f.read_exact(&mut before));
        read.map_err(|e| format!("cannot read {}: {e}", file.display))?;
    }
    if before[0] != b'\n' || part.end > part.file_bytes || part.start > part.end {
        return Err(changed(format!(
            "no line starts at byte {} any more",
            part.start
        )));
    }
    Ok(())
}

/// A file's modification time in nanoseconds since 1970 (0 if the file system gives none).
fn modified_ns(meta: &std::fs::Metadata) -> u64 {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Cuts a plain JSONL file into parts of about `target` bytes at line starts, numbering each
/// part's first line and record as a run over the whole file does (the cuts are where this
/// stream, reading `chunk_bytes` at a time, starts a chunk). `None` when the file is not worth
/// cutting or not to be cut: compressed (no way to start in the middle), not over `target`,
/// unreadable, binary or UTF-16 (a run reports such a file once, from its first bytes), or
/// changed while it was read.
pub fn plan_parts(
    file: &InputFile,
    settings: &InputSettings,
    target: u64,
    chunk_bytes: usize,
) -> Option<Vec<FilePart>> {
    if file.format != super::Format::Jsonl
        || file.compression != SourceCompression::None
        || file.part.is_some()
        || file.size <= target
    {
        return None;
    }
    // Shard jobs read the parts only if the file is still as it was while it was read here.
    let before = std::fs::metadata(&file.path).ok()?;
    let modified = modified_ns(&before);
    let mut stream = JsonlStream::open(file, settings, chunk_bytes);
    // (start, line, record) of each part.
    let mut cuts: Vec<(u64, u64, u64)> = vec![(0, 1, 0)];
    for item in stream.by_ref() {
        match item {
            StreamItem::Chunk(c) => {
                let last = cuts.last().map_or(0, |c| c.0);
                if c.base >= last + target {
                    cuts.push((c.base, c.first_line, c.first_record));
                }
            }
            // An over-long line is one record's loss wherever the file is cut; any other error
            // is about the whole file.
            StreamItem::Error(e) if e.kind == InputErrorKind::TooLarge => {}
            _ => return None,
        }
    }
    let totals = stream.totals();
    if totals.bytes != file.size {
        return None;
    }
    // A short tail goes with the part before it.
    if cuts.len() > 1 && cuts.last().is_some_and(|c| file.size - c.0 < target / 2) {
        cuts.pop();
    }
    if cuts.len() < 2 {
        return None;
    }
    let after = std::fs::metadata(&file.path).ok()?;
    if before.len() != file.size || after.len() != file.size || modified_ns(&after) != modified {
        return None;
    }
    let ends = cuts.iter().skip(1).map(|c| c.0).chain([file.size]);
    Some(
        cuts.iter()
            .zip(ends)
            .map(|(&(start, line, record), end)| FilePart {
                start,
                end,
                line,
                record,
                file_bytes: totals.bytes,
                file_modified_ns: modified,
                file_blake3: totals.blake3.clone(),
            })
            .collect(),
    )
}

/// An over-long line being dropped as it is read.
#[derive(Debug, Clone, Copy)]
struct Skipping {
    /// Its offset in the decompressed file, and its length so far.
    start: u64,
    len: u64,
    /// All white space so far: then it is no record, as such a line inside a chunk is not.
    blank: bool,
    /// Its last byte so far is a CR, which is not part of the line if a newline follows.
    cr: bool,
}

/// A JSONL file as a sequence of [`StreamItem`]s.
pub struct JsonlStream {
    path: String,
    reader: Option<Box<dyn Read + Send>>,
    tally: Tally,
    chunk_bytes: usize,
    max_record: u64,
    /// Bytes read but not emitted yet: the start of a line whose end has not been read.
    carry: Vec<u8>,
    /// Offset of `carry[0]` in the decompressed file.
    offset: u64,
    /// Where the stream started in the file (a part's start; 0 for a whole file).
    start: u64,
    /// The whole file's blake3, given by the plan, when this is a part of it.
    file_blake3: Option<String>,
    /// Number of the next line (1-based) and index of the next record.
    line: u64,
    record: u64,
    started: bool,
    /// An over-long line being skipped as it comes.
    skipping: Option<Skipping>,
    queue: VecDeque<StreamItem>,
    finished: bool,
}

impl JsonlStream {
    /// Open `file`; a file that cannot be opened yields one error item.
    pub fn open(file: &InputFile, settings: &InputSettings, chunk_bytes: usize) -> JsonlStream {
        let tally: Tally = Arc::new(Mutex::new((0, blake3::Hasher::new())));
        let mut s = JsonlStream {
            path: file.display.clone(),
            reader: None,
            tally: tally.clone(),
            chunk_bytes: chunk_bytes.max(1 << 12),
            max_record: settings.max_record_bytes,
            carry: Vec::new(),
            offset: 0,
            start: 0,
            file_blake3: None,
            line: 1,
            record: 0,
            started: false,
            skipping: None,
            queue: VecDeque::new(),
            finished: false,
        };
        let opened = File::open(&file.path).and_then(|mut f| {
            let mut limit = u64::MAX;
            if let Some(part) = &file.part {
                // The shard job checked the part against the plan ([`check_part`]). Where its
                // reads break does not matter: a line reads the same wherever a read breaks
                // inside it (`skip_long_line`).
                f.seek(io::SeekFrom::Start(part.start))?;
                limit = part.end.saturating_sub(part.start);
                // Numbered as in a run over the whole file; the checks of a file's first bytes
                // (a byte order mark, binary data) are the first part's.
                s.start = part.start;
                s.offset = part.start;
                s.line = part.line;
                s.record = part.record;
                s.started = part.start > 0;
                s.file_blake3 = Some(part.file_blake3.clone());
            }
            let raw = Counting {
                inner: BufReader::with_capacity(1 << 20, f.take(limit)),
                tally,
            };
            Ok(match file.compression {
                SourceCompression::None => Box::new(raw) as Box<dyn Read + Send>,
                SourceCompression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(
                    BufReader::with_capacity(1 << 16, raw),
                )),
                SourceCompression::Zstd => Box::new(zstd::Decoder::new(raw)?),
            })
        });
        match opened {
            Ok(r) => s.reader = Some(r),
            Err(e) => {
                s.queue.push_back(StreamItem::Error(InputError::new(
                    &s.path,
                    InputErrorKind::Unreadable,
                    format!("cannot read file: {e}"),
                )));
                s.finished = true;
            }
        }
        s
    }

    /// Totals of what was read; final once the stream is exhausted.
    pub fn totals(&self) -> StreamTotals {
        let (bytes, blake3) = match self.tally.lock() {
            Ok(t) => (t.0, t.1.finalize().to_hex().to_string()),
            Err(_) => (0, String::new()),
        };
        StreamTotals {
            bytes,
            decompressed_bytes: self.offset + self.carry.len() as u64 - self.start,
            blake3: self.file_blake3.clone().unwrap_or(blake3),
        }
    }

    fn error(&self, kind: InputErrorKind, message: String, byte: u64) -> InputError {
        InputError::new(&self.path, kind, message)
            .at_record(self.record)
            .at_line(self.line)
            .at_byte(byte)
    }

    /// Emit the whole lines at the start of `buf` (up to its last newline) as a chunk; the rest
    /// stays in `carry`.
    fn emit_lines(&mut self, mut buf: Vec<u8>, at_eof: bool) {
        let cut = if at_eof {
            buf.len()
        } else {
            match memchr::memrchr(b'\n', &buf) {
                Some(i) => i + 1,
                None => 0,
            }
        };
        let rest = buf.split_off(cut);
        if !buf.is_empty() {
            let (first_line, first_record, base) = (self.line, self.record, self.offset);
            let mut start = 0;
            while start < buf.len() {
                let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |i| start + i);
                if jsonl::is_record(&buf[start..end]) {
                    self.record += 1;
                }
                self.line += 1;
                start = end + 1;
            }
            self.offset += buf.len() as u64;
            self.queue.push_back(StreamItem::Chunk(JsonlChunk {
                data: buf,
                base,
                first_line,
                first_record,
            }));
        }
        self.carry = rest;
        // No line this long is kept; drop its bytes as they come instead of holding them. The
        // carry may end in the CR of a CRLF, which is not the line's: past the limit by more
        // than that byte, the line is over it however it ends, as it would be if the read had
        // not broken inside it (where reads break must not change what a line becomes).
        if self.carry.len() as u64 > self.max_record.saturating_add(1) {
            self.skipping = Some(Skipping {
                start: self.offset,
                len: self.carry.len() as u64,
                blank: !jsonl::is_record(&self.carry),
                cr: self.carry.last() == Some(&b'\r'),
            });
            self.offset += self.carry.len() as u64;
            self.carry.clear();
        }
    }

    /// Drop bytes of an over-long line; true once its end was found (and reported). `damaged`:
    /// the stream ended in an error, so the line may have gone on.
    fn skip_long_line(&mut self, buf: &mut Vec<u8>, at_eof: bool, damaged: bool) -> bool {
        let Some(mut skip) = self.skipping else {
            return true;
        };
        let found = memchr::memchr(b'\n', buf);
        let dropped = found.map_or(buf.len(), |i| i + 1);
        let own = &buf[..found.unwrap_or(buf.len())];
        skip.len += own.len() as u64;
        skip.blank = skip.blank && !jsonl::is_record(own);
        if let Some(&last) = own.last() {
            skip.cr = last == b'\r';
        }
        self.offset += dropped as u64;
        buf.drain(..dropped);
        if found.is_none() && !at_eof {
            self.skipping = Some(skip);
            return false;
        }
        self.skipping = None;
        if skip.blank {
            // White space only: not a record, as the same line inside a chunk is not.
            self.line += 1;
            return true;
        }
        // Measured as a line met whole is ([`jsonl`]): without the CR before its end. A line
        // the damage cut off may have gone on.
        let whole = found.is_some() || !damaged;
        let len = skip.len - u64::from(skip.cr && whole);
        let more = if whole { "" } else { " or more" };
        let e = self.error(
            InputErrorKind::TooLarge,
            format!(
                "line of {len} bytes{more} is larger than max_record_bytes ({})",
                self.max_record
            ),
            skip.start,
        );
        self.queue.push_back(StreamItem::Error(e));
        self.record += 1;
        self.line += 1;
        true
    }

    fn fill(&mut self) {
        let Some(reader) = self.reader.as_mut() else {
            self.finished = true;
            return;
        };
        let mut buf = std::mem::take(&mut self.carry);
        let result = reader
            .by_ref()
            .take(self.chunk_bytes as u64)
            .read_to_end(&mut buf);
        let eof = matches!(result, Ok(0));
        if !self.started && !buf.is_empty() {
            self.started = true;
            if has_utf16_bom(&buf) {
                self.queue.push_back(StreamItem::Error(InputError::new(
                    &self.path,
                    InputErrorKind::Unsupported,
                    "UTF-16 text (byte order mark at byte 0) is not supported; convert it to UTF-8",
                )));
                self.finished = true;
                return;
            }
            if let Some(at) = first_nul(&buf) {
                self.queue.push_back(StreamItem::Error(
                    InputError::new(
                        &self.path,
                        InputErrorKind::Binary,
                        format!("binary data (NUL byte at byte {at})"),
                    )
                    .at_byte(at as u64),
                ));
                self.finished = true;
                return;
            }
            if buf.starts_with(UTF8_BOM) {
                buf.drain(..3);
                self.offset = 3;
            }
        }
        // A read error ends the stream like the end of input does: an over-long line being
        // skipped is reported now, or the next call would meet the same error forever.
        if !self.skip_long_line(&mut buf, eof || result.is_err(), result.is_err()) {
            return;
        }
        match result {
            Ok(_) if eof => {
                self.emit_lines(buf, true);
                if !self.started {
                    self.queue.push_back(StreamItem::Error(InputError::new(
                        &self.path,
                        InputErrorKind::Empty,
                        "file is empty",
                    )));
                }
                self.finished = true;
            }
            Ok(_) => self.emit_lines(buf, false),
            Err(e) => {
                // Only lines whose newline was read are known to be whole.
                self.emit_lines(buf, false);
                let at = self.offset;
                let lost = self.carry.len();
                self.carry.clear();
                let e = self.error(
                    InputErrorKind::Truncated,
                    format!(
                        "{e}; everything from decompressed byte {at} on is lost ({lost} bytes of an incomplete line and whatever followed)"
                    ),
                    at,
                );
                self.queue.push_back(StreamItem::Error(e));
                self.finished = true;
            }
        }
    }
}

impl Iterator for JsonlStream {
    type Item = StreamItem;

    fn next(&mut self) -> Option<StreamItem> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            self.fill();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    /// Stream `bytes` with tiny chunks and gather what the chunks parse to.
    fn stream(name: &str, bytes: &[u8], chunk: usize, max: u64) -> (FileRead, StreamTotals) {
        let dir = tempfile::tempdir().unwrap();
        let f = file(&dir, name, bytes);
        let mut s = settings();
        s.max_record_bytes = max;
        let mut st = JsonlStream::open(&f, &s, chunk);
        st.chunk_bytes = chunk;
        let mut all = FileRead::default();
        for item in st.by_ref() {
            match item {
                StreamItem::Chunk(c) => {
                    let r = c.parse(&f, &s);
                    all.docs.extend(r.docs);
                    all.errors.extend(r.errors);
                }
                StreamItem::Error(e) => all.errors.push(e),
                StreamItem::Warc(_) => unreachable!("a JSONL stream yields no WARC windows"),
            }
        }
        all.records = (all.docs.len() + all.errors.len()) as u64;
        (all, st.totals())
    }

    fn lines_file(n: usize) -> Vec<u8> {
        let mut v = Vec::new();
        for i in 0..n {
            v.extend_from_slice(format!("{{\"text\":\"document number {i}\"}}\n").as_bytes());
            if i % 7 == 3 {
                v.extend_from_slice(b"\n");
            }
        }
        v
    }

    #[test]
    fn chunks_give_the_same_records_as_the_whole_file_reader() {
        let data = lines_file(200);
        let whole = read_named("a.jsonl", &data);
        for chunk in [16, 100, 1000, 1 << 20] {
            let (streamed, totals) = stream("a.jsonl", &data, chunk, 1 << 20);
            assert_eq!(streamed.records, whole.records);
            let a: Vec<_> = streamed.docs.iter().map(|d| (&d.text, &d.source)).collect();
            let b: Vec<_> = whole.docs.iter().map(|d| (&d.text, &d.source)).collect();
            assert_eq!(a, b, "chunk size {chunk}");
            assert_eq!(totals.decompressed_bytes, data.len() as u64);
            assert_eq!(totals.blake3, blake3::hash(&data).to_hex().to_string());
        }
    }

    #[test]
    fn errors_keep_their_file_positions_across_chunks() {
        let mut data = lines_file(50);
        let bad_at = data.len();
        data.extend_from_slice(b"{\"text\": oops}\n{\"text\":\"after\"}\n");
        let (r, _) = stream("a.jsonl", &data, 64, 1 << 20);
        let whole = read_named("a.jsonl", &data);
        assert_eq!(r.errors, whole.errors);
        assert_eq!(r.errors[0].byte, Some(bad_at as u64));
        assert_eq!(r.docs.last().unwrap().text, "after");
    }

    #[test]
    fn over_long_line_is_skipped_in_pieces_and_reported() {
        let mut data = b"{\"text\":\"small\"}\n".to_vec();
        let long_at = data.len() as u64;
        data.extend_from_slice(format!("{{\"text\":\"{}\"}}\n", "x".repeat(5000)).as_bytes());
        data.extend_from_slice(b"{\"text\":\"tail\"}\n");
        let (r, _) = stream("a.jsonl", &data, 256, 1000);
        let texts: Vec<_> = r.docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["small", "tail"]);
        assert_eq!(r.docs[1].source.record, 2);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::TooLarge);
        assert_eq!(
            (r.errors[0].line, r.errors[0].byte),
            (Some(2), Some(long_at))
        );
    }

    /// Where reads break does not change what a line becomes: lines over the limit, at it but
    /// for a CR, and of white space only, read in chunks that break inside them or not, give
    /// the whole-file reader's documents and errors.
    #[test]
    fn over_long_lines_read_alike_wherever_reads_break() {
        let limit = 1000;
        let line = |n: usize| format!("{{\"text\": \"{}\"}}", "w".repeat(n - 12));
        let mut data = Vec::new();
        for end in ["\n", "\r\n"] {
            for n in [limit - 1, limit, limit + 1, limit + 2, 3 * limit, 40] {
                data.extend_from_slice(line(n).as_bytes());
                data.extend_from_slice(end.as_bytes());
            }
            data.extend_from_slice(" ".repeat(2 * limit).as_bytes());
            data.extend_from_slice(end.as_bytes());
        }
        data.extend_from_slice(line(limit + 1).as_bytes());
        data.push(b'\r');
        // One read of the whole file: every line is met whole.
        let (whole, _) = stream("a.jsonl", &data, 1 << 30, limit as u64);
        assert!(whole.errors.len() >= 6, "{:?}", whole.errors);
        // Every chunk size from a quarter of the limit to past two limits: some break right
        // after the CR of the line at the limit, some inside each longer line.
        for chunk in 250..2100 {
            let (r, _) = stream("a.jsonl", &data, chunk, limit as u64);
            assert_eq!(r.errors, whole.errors, "chunk {chunk}");
            let a: Vec<_> = r.docs.iter().map(|d| (&d.text, &d.source)).collect();
            let b: Vec<_> = whole.docs.iter().map(|d| (&d.text, &d.source)).collect();
            assert_eq!(a, b, "chunk {chunk}");
        }
    }

    /// A line of white space only is no record, however long: skipped as it is read (chunks
    /// smaller than it) or met whole inside a chunk, the records after it keep their indexes.
    #[test]
    fn an_over_long_blank_line_is_no_record_in_either_path() {
        let mut data = b"{\"text\":\"small\"}\n".to_vec();
        data.extend_from_slice(" \t".repeat(3000).as_bytes());
        data.extend_from_slice(b"\r\n{\"text\":\"tail\"}\n");
        for chunk in [256, 1 << 20] {
            let (r, _) = stream("a.jsonl", &data, chunk, 1000);
            assert!(r.errors.is_empty(), "chunk {chunk}: {:?}", r.errors);
            assert_eq!(r.records, 2, "chunk {chunk}");
            assert_eq!(r.docs[1].source.record, 1, "chunk {chunk}");
        }
    }

    #[test]
    fn truncated_gzip_keeps_whole_lines_and_reports_one_loss() {
        let data = lines_file(300);
        let gz = gzip(&data);
        let (r, _) = stream("a.jsonl.gz", &gz[..gz.len() / 2], 128, 1 << 20);
        assert!(!r.docs.is_empty() && r.docs.len() < 300);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::Truncated);
        let last = r.docs.last().unwrap();
        assert!(last.text.starts_with("document number "));
    }

    #[test]
    fn damage_inside_an_over_long_line_ends_the_stream() {
        let mut data = b"{\"text\":\"small\"}\n".to_vec();
        let long: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("w{} ", i * 7919 % 100_003).into_bytes())
            .collect();
        data.extend_from_slice(b"{\"text\":\"");
        data.extend_from_slice(&long);
        data.extend_from_slice(b"\"}\n");
        let gz = gzip(&data);
        let cut = &gz[..gz.len() * 4 / 5];
        let (r, _) = stream("a.jsonl.gz", cut, 1 << 12, 10_000);
        assert_eq!(r.docs.len(), 1);
        let kinds: Vec<_> = r.errors.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [InputErrorKind::TooLarge, InputErrorKind::Truncated]);
    }

    #[test]
    fn zstd_bom_empty_and_binary() {
        let data = lines_file(20);
        let (r, _) = stream("a.jsonl.zst", &zstd(&data), 50, 1 << 20);
        assert_eq!(r.docs.len(), 20);
        let mut bom = UTF8_BOM.to_vec();
        bom.extend_from_slice(&data);
        let (r, _) = stream("b.jsonl", &bom, 50, 1 << 20);
        assert_eq!(r.docs[0].source.byte_start, 3);
        let (r, _) = stream("c.jsonl", b"", 50, 1 << 20);
        assert_eq!(r.errors[0].kind, InputErrorKind::Empty);
        let (r, _) = stream("d.jsonl", b"{\"text\":\0}", 50, 1 << 20);
        assert_eq!(r.errors[0].kind, InputErrorKind::Binary);
    }
}
