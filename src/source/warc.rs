//! WARC archives (1.0 and 1.1; plain, gzip with one member per record or one stream, zstd).
//!
//! Reading runs in two passes: framing cuts the decompressed data into records (version line,
//! headers, `Content-Length` block, blank lines) and resynchronises after damage, then each
//! record becomes a document, a skip (warcinfo, request, images, ...) or an error. A record
//! in its own gzip member is located by the member's offset in the stored file, so it can be
//! cut out with `dd` and decompressed alone.
//!
//! Files are read in windows ([`WarcStream`]) of bounded stored and decoded size: a window is
//! decoded and framed,
//! the records that more data cannot change are handed over ([`WarcWindow`]), and the rest is
//! read again with the next window, from the start of its gzip member (or, in a plain file,
//! of the record). Indexes, offsets and errors are those of reading the file whole. A gzip
//! member may decode to at most `max_record_bytes`: a larger one (a compression bomb, an
//! oversized record) is one lost record, and reading goes on with the next member. A member
//! that holds many records (a single-stream archive, zstd) is still decoded whole. In a plain
//! file, a record whose headers declare a block over `max_record_bytes` is read past without
//! being held and reported from its headers; if its Content-Length turns out to lie (the next
//! record does not start where the block ends), it is read again and framed as reading the
//! file whole frames it.

use super::decompress::{Probe, Resume, Segment, decode, gunzip_window};
use super::html::{charset_param, decode_html_bytes, decode_text_bytes, extract_html};
use super::stream::{StreamItem, StreamTotals};
use super::{FileRead, InputError, InputErrorKind, InputFile, SourceCompression};
use crate::config::InputSettings;
use crate::doc::{Format, Input, Provenance, RawDoc};
use rayon::prelude::*;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::VecDeque;
use std::io::{Read, Seek, SeekFrom};
use std::ops::Range;

/// Headers longer than this are not headers: the data is damaged.
const MAX_HEAD: usize = 1 << 20;

type Headers<'a> = Vec<(&'a [u8], &'a [u8])>;

/// Why a record's payload could not be had.
type Failed = (InputErrorKind, String);

struct Frame<'a> {
    start: usize,
    /// Past the block and its trailing blank lines.
    end: usize,
    block: Range<usize>,
    headers: Headers<'a>,
}

enum Item<'a> {
    Record(Frame<'a>),
    /// A record that could not be framed. `ran_out`: its data ended early. `horizon`: the
    /// end of the data this verdict looked at (`usize::MAX` when it needs more than there is).
    Bad {
        start: usize,
        kind: InputErrorKind,
        message: String,
        ran_out: bool,
        horizon: usize,
    },
    /// The record a failed gzip member or stream took with it.
    Lost {
        seg: usize,
        message: String,
    },
}

impl Item<'_> {
    /// The segment the item starts in. A lost record belongs to its failed segment even when
    /// that decoded to nothing (and so shares its start with the next segment).
    fn seg(&self, segs: &[Segment]) -> Option<usize> {
        match self {
            Item::Lost { seg, .. } => Some(*seg),
            _ => seg_of(segs, self.start(segs)),
        }
    }

    /// The end of the data that framing this item looked at: with more data after it, the
    /// item could come out otherwise only if this lies past the data's end.
    fn horizon(&self) -> usize {
        match self {
            // The record ends at a `WARC/` that starts the next one, or at the end of the data.
            Item::Record(f) => f.end + 5,
            Item::Bad { horizon, .. } => *horizon,
            Item::Lost { .. } => 0,
        }
    }

    fn start(&self, segs: &[Segment]) -> usize {
        match self {
            Item::Record(f) => f.start,
            Item::Bad { start, .. } => *start,
            Item::Lost { seg, .. } => segs[*seg].out_start,
        }
    }
}

/// One window of a WARC file, decoded: the pipeline's unit of work. Its first `take` records
/// are settled (more data after the window cannot change them) and are this window's; the
/// rest are framed again at the start of the next window.
#[derive(Debug)]
pub struct WarcWindow {
    data: Vec<u8>,
    /// Stored offsets absolute, output offsets into `data`.
    segs: Vec<Segment>,
    /// Decompressed offset of `data[0]` in the file.
    out_base: u64,
    /// Index of the window's first record in the file.
    first_record: u64,
    take: usize,
    gzip: bool,
    /// A plain file's record whose block is declared larger than `max_record_bytes`: `data`
    /// holds only its headers, the block is skipped unread, and this is its declared length.
    oversized: Option<u64>,
}

impl WarcWindow {
    /// Decoded bytes held, for batching.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Turn the window's records into documents, skips and errors. Records are converted
    /// in parallel (HTML extraction is the costly part) and come out in file order.
    pub fn parse(&self, file: &InputFile, settings: &InputSettings) -> FileRead {
        let segs = self.segs.as_slice();
        // An oversized record's window holds its headers alone: one record, framed from them.
        let (items, per_seg) = if self.oversized.is_some() {
            (Vec::new(), vec![1; segs.len()])
        } else {
            let mut items = frame_all(&self.data, segs, self.out_base);
            // Records starting in each segment: final for every segment this window settles.
            let mut per_seg = vec![0u32; segs.len()];
            for item in &items {
                if let Some(k) = item.seg(segs) {
                    per_seg[k] += 1;
                }
            }
            items.truncate(self.take);
            (items, per_seg)
        };
        let conv = Convert {
            path: &file.display,
            settings,
            data: &self.data,
            segs,
            per_seg,
            gzip: self.gzip,
            base: self.out_base,
        };
        let outcomes: Vec<Outcome> = match self.oversized {
            Some(declared) => vec![match frame_head(&self.data) {
                Some(frame) => conv.record(self.first_record, &frame, Some(declared)),
                None => Outcome::Error(
                    InputError::new(
                        &file.display,
                        InputErrorKind::MalformedWarc,
                        "record headers could not be read again",
                    )
                    .at_record(self.first_record)
                    .at_byte(self.out_base),
                ),
            }],
            None => items
                .par_iter()
                .enumerate()
                .map(|(i, item)| conv.item(self.first_record + i as u64, item))
                .collect(),
        };
        let mut read = FileRead::default();
        for outcome in outcomes {
            match outcome {
                Outcome::Doc(d) => read.docs.push(d),
                Outcome::Error(e) => read.errors.push(e),
                Outcome::Skip(why) => read.skip_warc(&why),
            }
        }
        read.records = (read.docs.len() + read.errors.len()) as u64;
        read
    }
}

/// What became of one record.
enum Outcome {
    Doc(RawDoc),
    Error(InputError),
    Skip(String),
}

/// How the stored bytes are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Not known until the first bytes are read.
    Unknown,
    /// Uncompressed: windows are cut at record starts.
    Plain,
    /// Gzip: windows are cut at member starts, each member decoded under the record limit.
    Gzip,
    /// Read and decoded whole: zstd, and a gzip member holding a stream of many records.
    Whole,
}

/// What a [`WarcStream`] reads: a file, or bytes in memory. Seeking lets a plain file's
/// oversized record be read again the slow way when its Content-Length turns out to lie.
pub trait Source: Read + Seek + Send {}
impl<T: Read + Seek + Send> Source for T {}

/// A WARC file read in windows of about `window` stored bytes, as [`StreamItem`]s of
/// [`WarcWindow`]s. A gzip member cut by the window end, or in a plain file a record cut by
/// it, is read again at the start of the next window, so record indexes, offsets and errors
/// come out exactly as if the file were read whole.
pub struct WarcStream<'a> {
    path: String,
    declared: SourceCompression,
    reader: Option<Box<dyn Source + 'a>>,
    window: usize,
    limit: u64,
    mode: Mode,
    /// Stored bytes from offset `sbase` on, not yet settled.
    sbuf: Vec<u8>,
    sbase: u64,
    eof: bool,
    bytes: u64,
    hasher: blake3::Hasher,
    resume: Resume,
    out_base: u64,
    next_record: u64,
    /// Some segment failed: a file that decodes to nothing is then not "empty".
    failed: bool,
    queue: VecDeque<StreamItem>,
    finished: bool,
    /// A record at this stored offset is not to be skipped: its Content-Length lied, and it
    /// is framed as reading the file whole frames it.
    no_skip: Option<u64>,
    /// A read failed: the file ends there.
    read_failed: bool,
}

/// A member over the limit is a stream of records (a `.warc.gz` written as one gzip stream)
/// only if its first record frames completely within what was decoded and the next record
/// starts right after it: a stray "WARC/1." inside one huge block does not make a stream.
fn holds_many(out: &[u8]) -> bool {
    looks_like_warc(out)
        && matches!(frame(out, 0, out.len(), 0), Ok(f) if out[f.end..].starts_with(b"WARC/1."))
}

const PROBE: Probe = Probe {
    looks_valid: looks_like_warc,
    holds_many,
};

/// [`PROBE`] for a file read whole: past the whole-file limit nothing is a stream any more.
const PROBE_WHOLE: Probe = Probe {
    looks_valid: looks_like_warc,
    holds_many: |_| false,
};

/// A file read whole (one gzip stream, zstd) may decode to this many times `max_record_bytes`;
/// past that it is reported, not decoded on (a compressed bomb must not exhaust memory).
pub(crate) const WHOLE_FILE_FACTOR: u64 = 16;

impl<'a> WarcStream<'a> {
    /// Open `file`; a file that cannot be opened yields one error item.
    pub fn open(file: &InputFile, settings: &InputSettings, window: usize) -> WarcStream<'static> {
        match std::fs::File::open(&file.path) {
            Ok(f) => WarcStream::new(file, Box::new(f), settings, window),
            Err(e) => {
                let mut s = WarcStream::new(file, Box::new(std::io::empty()), settings, window);
                s.reader = None;
                s.queue.push_back(StreamItem::Error(InputError::new(
                    &file.display,
                    InputErrorKind::Unreadable,
                    format!("cannot read file: {e}"),
                )));
                s.finished = true;
                s
            }
        }
    }

    /// Read the stored bytes from `reader`.
    pub fn new(
        file: &InputFile,
        reader: Box<dyn Source + 'a>,
        settings: &InputSettings,
        window: usize,
    ) -> WarcStream<'a> {
        WarcStream {
            path: file.display.clone(),
            declared: file.compression,
            reader: Some(reader),
            window: window.max(16),
            limit: settings.max_record_bytes,
            mode: Mode::Unknown,
            sbuf: Vec::new(),
            sbase: 0,
            eof: false,
            bytes: 0,
            hasher: blake3::Hasher::new(),
            resume: Resume::Member(0),
            out_base: 0,
            next_record: 0,
            failed: false,
            queue: VecDeque::new(),
            finished: false,
            no_skip: None,
            read_failed: false,
        }
    }

    /// Totals of what was read; final once the stream is exhausted.
    pub fn totals(&self) -> StreamTotals {
        StreamTotals {
            bytes: self.bytes,
            decompressed_bytes: self.out_base,
            blake3: if self.reader.is_some() {
                self.hasher.finalize().to_hex().to_string()
            } else {
                String::new()
            },
        }
    }

    /// Read until `sbuf` holds `want` bytes or the file ends. A read error ends the file
    /// there, and says so.
    fn fill(&mut self, want: usize) {
        let Some(reader) = self.reader.as_mut() else {
            self.eof = true;
            return;
        };
        let have = self.sbuf.len();
        if self.eof || have >= want {
            return;
        }
        let result = reader
            .by_ref()
            .take((want - have) as u64)
            .read_to_end(&mut self.sbuf);
        let at = self.sbase + have as u64;
        let got = &self.sbuf[have..];
        Self::count(&mut self.bytes, &mut self.hasher, at, got);
        match result {
            Ok(_) if self.sbuf.len() < want => self.eof = true,
            Ok(_) => {}
            Err(e) => self.fail_read(&e),
        }
    }

    /// A read failed: the file ends here, and says so.
    fn fail_read(&mut self, e: &std::io::Error) {
        self.eof = true;
        self.read_failed = true;
        self.queue.push_back(StreamItem::Error(
            InputError::new(
                &self.path,
                InputErrorKind::Unreadable,
                format!(
                    "cannot read file past stored byte {}: {e}; the rest is not read",
                    self.bytes
                ),
            )
            .at_byte(self.bytes),
        ));
    }

    /// Hash and count stored bytes `got`, read at offset `at`, past what was counted before
    /// (bytes read again after a rewind count once).
    fn count(bytes: &mut u64, hasher: &mut blake3::Hasher, at: u64, got: &[u8]) {
        let end = at + got.len() as u64;
        if end > *bytes {
            let new = (*bytes).saturating_sub(at) as usize;
            hasher.update(&got[new..]);
            *bytes = end;
        }
    }

    /// Read past `n` stored bytes without holding them (hashed and counted, a bounded piece at
    /// a time). False if the file ended or a read failed first.
    fn read_past(&mut self, mut n: u64) -> bool {
        let Some(reader) = self.reader.as_mut() else {
            return false;
        };
        let mut at = self.sbase + self.sbuf.len() as u64;
        let mut scrap = vec![0u8; n.min(1 << 20) as usize];
        while n > 0 {
            let want = n.min(scrap.len() as u64) as usize;
            match reader.read(&mut scrap[..want]) {
                Ok(0) => {
                    self.eof = true;
                    return false;
                }
                Ok(got) => {
                    Self::count(&mut self.bytes, &mut self.hasher, at, &scrap[..got]);
                    at += got as u64;
                    n -= got as u64;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    self.fail_read(&e);
                    return false;
                }
            }
        }
        true
    }

    /// Hand over a window whose first `take` records are settled.
    fn emit(&mut self, data: Vec<u8>, segs: Vec<Segment>, take: usize, gzip: bool) {
        self.failed |= segs.iter().any(|s| s.failure.is_some());
        self.queue.push_back(StreamItem::Warc(WarcWindow {
            data,
            segs,
            out_base: self.out_base,
            first_record: self.next_record,
            take,
            gzip,
            oversized: None,
        }));
        self.next_record += take as u64;
    }

    /// Drop stored bytes before `at`, which no later window needs.
    fn keep_from(&mut self, at: u64) {
        let cut = (at.saturating_sub(self.sbase) as usize).min(self.sbuf.len());
        self.sbuf.drain(..cut);
        self.sbase += cut as u64;
    }

    /// The last window: everything in it is settled.
    fn finish(&mut self, data: Vec<u8>, segs: Vec<Segment>, gzip: bool) {
        let total = self.out_base + data.len() as u64;
        let failed = self.failed || segs.iter().any(|s| s.failure.is_some());
        if total == 0 && !failed {
            self.queue.push_back(StreamItem::Error(InputError::new(
                &self.path,
                InputErrorKind::Empty,
                "file is empty",
            )));
        } else {
            let take = frame_all(&data, &segs, self.out_base).len();
            let len = data.len() as u64;
            self.emit(data, segs, take, gzip);
            self.out_base += len;
        }
        self.sbuf = Vec::new();
        self.finished = true;
    }

    /// Read and decode the next window.
    fn step(&mut self) {
        let mut want = self.window;
        loop {
            self.fill(want);
            if self.mode == Mode::Unknown {
                self.mode = match sniff(&self.sbuf, self.declared) {
                    SourceCompression::None => Mode::Plain,
                    SourceCompression::Gzip => Mode::Gzip,
                    SourceCompression::Zstd => Mode::Whole,
                };
            }
            let progressed = match self.mode {
                Mode::Plain => self.plain_window(),
                Mode::Gzip => self.gzip_window(want),
                Mode::Unknown | Mode::Whole => {
                    self.whole();
                    true
                }
            };
            if progressed || self.finished {
                return;
            }
            // One record or member is larger than the window: read and decode more.
            want = want.max(self.sbuf.len()).saturating_mul(2);
        }
    }

    /// Read the rest of the file and decode it in one go (zstd; a gzip stream of records).
    fn whole(&mut self) {
        self.fill(usize::MAX);
        let cap = self.limit.saturating_mul(WHOLE_FILE_FACTOR);
        if sniff(&self.sbuf, self.declared) == SourceCompression::Zstd {
            let stored = std::mem::take(&mut self.sbuf);
            let decoded = decode(&stored, SourceCompression::Zstd, Some(cap), None);
            let over = decoded.over_limit;
            let segs = decoded.segments.clone();
            let data = decoded.data.into_owned();
            let at = self.out_base + data.len() as u64;
            self.finish(data, segs, false);
            if over {
                self.queue.push_back(StreamItem::Error(
                    InputError::new(
                        &self.path,
                        InputErrorKind::TooLarge,
                        format!(
                            "zstd WARC decodes to more than {cap} bytes ({WHOLE_FILE_FACTOR} x \
                             max_record_bytes); the rest of the file is not read"
                        ),
                    )
                    .at_byte(at),
                ));
            }
            return;
        }
        let w = gunzip_window(
            &self.sbuf,
            self.sbase,
            self.resume,
            true,
            Some(cap),
            usize::MAX,
            PROBE_WHOLE,
        );
        self.finish(w.data, w.segments, true);
    }

    /// Uncompressed WARC: decoded bytes are the stored bytes. True when the window advanced.
    fn plain_window(&mut self) -> bool {
        let len = self.sbuf.len();
        let segs = vec![Segment {
            stored_start: self.sbase,
            stored_end: self.sbase + len as u64,
            out_start: 0,
            out_end: len,
            failure: None,
            too_large: false,
        }];
        if self.eof {
            let data = std::mem::take(&mut self.sbuf);
            self.finish(data, segs, false);
            return true;
        }
        let (take, cut) = {
            let items = frame_all(&self.sbuf, &segs, self.out_base);
            match first_unsettled(&items, 0, len) {
                Some(f) => (f, items[f].start(&segs)),
                None => (items.len(), len),
            }
        };
        if cut == 0 {
            return self.skip_oversized();
        }
        let data = self.sbuf.clone();
        self.emit(data, segs, take, false);
        self.out_base += cut as u64;
        self.keep_from(self.sbase + cut as u64);
        true
    }

    /// A plain file whose next record is not complete in the window: when its headers declare
    /// a block larger than `max_record_bytes`, its block is read past without being held, so a
    /// huge record cannot make the window grow to its size. If blank lines and the next record
    /// (or the end of the file) follow where the block ends, the record is handed over as its
    /// headers alone (a "too large" error, or a skip for a type skipped anyway), as reading
    /// the file whole would settle it. If not, the Content-Length lied: the stream goes back
    /// to the record's start and frames it the slow way, as reading whole does (which finds
    /// the records after the damage). True when the record was skipped.
    fn skip_oversized(&mut self) -> bool {
        if self.no_skip == Some(self.sbase) || self.read_failed {
            return false;
        }
        let Some((body, declared)) = oversized_head(&self.sbuf, self.limit) else {
            return false;
        };
        let start = self.sbase;
        let head = self.sbuf[..body].to_vec();
        // Plain: decoded offsets are stored offsets. A Content-Length near u64::MAX must not
        // wrap.
        let block_end = (start + body as u64).saturating_add(declared);
        let held_end = start + self.sbuf.len() as u64;
        if held_end >= block_end {
            self.keep_from(block_end);
        } else {
            self.sbuf.clear();
            self.sbase = held_end;
            if !self.read_past(block_end - held_end) {
                return self.rewind(start, head, declared);
            }
            self.sbase = block_end;
        }
        if !self.ends_honestly() {
            return self.rewind(start, head, declared);
        }
        self.emit_oversized(start, head, declared);
        self.out_base = block_end;
        true
    }

    /// Hand over an oversized record at stored offset `start` as its headers `head` alone.
    fn emit_oversized(&mut self, start: u64, head: Vec<u8>, declared: u64) {
        let segs = vec![Segment {
            stored_start: start,
            stored_end: start + head.len() as u64,
            out_start: 0,
            out_end: head.len(),
            failure: None,
            too_large: false,
        }];
        self.queue.push_back(StreamItem::Warc(WarcWindow {
            data: head,
            segs,
            out_base: self.out_base,
            first_record: self.next_record,
            take: 1,
            gzip: false,
            oversized: Some(declared),
        }));
        self.next_record += 1;
    }

    /// After an oversized block: whether only CR/LF and then "WARC/" or the end of the file
    /// follow, the test framing applies to a record's end.
    fn ends_honestly(&mut self) -> bool {
        let mut want = 64;
        loop {
            self.fill(want);
            let crlf = self
                .sbuf
                .iter()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .count();
            let rest = &self.sbuf[crlf..];
            if rest.len() >= 5 {
                return rest.starts_with(b"WARC/");
            }
            if self.eof {
                return rest.is_empty() && !self.read_failed;
            }
            want = self.sbuf.len().saturating_mul(2).max(64);
        }
    }

    /// Back to the oversized record at `start` to frame it as reading whole does (false: the
    /// window must grow); the bytes read again are not counted twice. After a read error the
    /// file ends there instead: the record is reported from its headers (true).
    fn rewind(&mut self, start: u64, head: Vec<u8>, declared: u64) -> bool {
        let sought = !self.read_failed
            && self
                .reader
                .as_mut()
                .is_some_and(|r| r.seek(SeekFrom::Start(start)).is_ok());
        if sought {
            self.sbuf.clear();
            self.sbase = start;
            self.eof = false;
            self.no_skip = Some(start);
            return false;
        }
        self.emit_oversized(start, head, declared);
        self.sbuf.clear();
        self.sbase = self.bytes;
        self.out_base = self.bytes;
        self.eof = true;
        self.finished = true;
        true
    }

    /// Multi-member gzip (or one stream small enough to decode under the record limit). The
    /// window holds about `budget` decoded bytes at most, besides one member past it.
    fn gzip_window(&mut self, budget: usize) -> bool {
        let w = gunzip_window(
            &self.sbuf,
            self.sbase,
            self.resume,
            self.eof,
            Some(self.limit),
            budget,
            PROBE,
        );
        if let Some(at) = w.stream_at {
            // One member holds many records: a single-stream archive. Settle what came
            // before it, then decode the rest whole.
            let cut = {
                let items = frame_all(&w.data, &w.segments, self.out_base);
                gzip_cut(&items, &w.segments, &w.data, Resume::Member(at))
            };
            let (take, resume, out_at) = cut.unwrap_or((0, self.resume, 0));
            if take > 0 || out_at > 0 {
                self.emit(w.data, w.segments, take, true);
                self.out_base += out_at as u64;
            }
            self.resume = resume;
            self.keep_from(resume.needs());
            self.mode = Mode::Whole;
            self.whole();
            return true;
        }
        let Some(next) = w.next else {
            self.finish(w.data, w.segments, true);
            return true;
        };
        let segs = &w.segments;
        let cut = {
            let items = frame_all(&w.data, segs, self.out_base);
            gzip_cut(&items, segs, &w.data, next)
        };
        let Some((take, resume, out_at)) = cut else {
            return false;
        };
        if take == 0 && out_at == 0 && resume == self.resume {
            return false;
        }
        self.emit(w.data, w.segments, take, true);
        self.out_base += out_at as u64;
        self.resume = resume;
        self.keep_from(resume.needs());
        true
    }
}

/// Index of the first record of the open region (items from `open_from` on, data ending at
/// `end`) that more data could change: the last one, or one whose verdict looked past `end`.
fn first_unsettled(items: &[Item<'_>], open_from: usize, end: usize) -> Option<usize> {
    let n = items.len();
    (open_from..n).find(|&i| i + 1 == n || items[i].horizon() > end)
}

/// Where a gzip window that does not reach the file end is cut: `(records settled, where the
/// next window resumes, its decompressed offset in this window)`. The cut is at the start of
/// a member whose output holds nothing but whitespace before a record that is not settled,
/// so framing from there finds what framing the whole file finds. `None`: no such member
/// after the window's first; the window must grow.
fn gzip_cut(
    items: &[Item<'_>],
    segs: &[Segment],
    data: &[u8],
    next: Resume,
) -> Option<(usize, Resume, usize)> {
    // Segments after the last failed one may continue into the next window.
    let open = segs
        .iter()
        .rposition(|s| s.failure.is_some())
        .map_or(0, |k| k + 1);
    let open_from = items
        .iter()
        .position(|it| it.seg(segs).is_some_and(|k| k >= open))
        .unwrap_or(items.len());
    let Some(f) = first_unsettled(items, open_from, data.len()) else {
        return Some((items.len(), next, data.len()));
    };
    (open_from..=f).rev().find_map(|i| {
        let start = items[i].start(segs);
        let c = seg_of(segs, start)?;
        let s = &segs[c];
        let clean = data[s.out_start..start].iter().all(u8::is_ascii_whitespace);
        (clean && c > 0).then_some((i, Resume::Member(s.stored_start), s.out_start))
    })
}

/// Read a whole WARC file already in memory.
pub(super) fn read(file: &InputFile, stored: &[u8], settings: &InputSettings, read: &mut FileRead) {
    let stream = WarcStream::new(
        file,
        Box::new(std::io::Cursor::new(stored)),
        settings,
        stored.len() + 1,
    );
    read_stream(file, stream, settings, read);
}

/// Gather a whole stream into `read` (whole-file readers and tests).
pub(super) fn read_stream(
    file: &InputFile,
    mut stream: WarcStream<'_>,
    settings: &InputSettings,
    read: &mut FileRead,
) -> StreamTotals {
    for item in stream.by_ref() {
        match item {
            StreamItem::Warc(w) => {
                let r = w.parse(file, settings);
                read.docs.extend(r.docs);
                read.errors.extend(r.errors);
                read.warc_skipped += r.warc_skipped;
                for (why, n) in r.warc_skipped_by_type {
                    *read.warc_skipped_by_type.entry(why).or_default() += n;
                }
            }
            StreamItem::Error(e) => read.errors.push(e),
            StreamItem::Chunk(_) => {}
        }
    }
    let totals = stream.totals();
    read.decompressed_bytes = totals.decompressed_bytes;
    totals
}

impl Iterator for WarcStream<'_> {
    type Item = StreamItem;

    fn next(&mut self) -> Option<StreamItem> {
        loop {
            if let Some(item) = self.queue.pop_front() {
                return Some(item);
            }
            if self.finished {
                return None;
            }
            self.step();
        }
    }
}

/// Archives are often misnamed: `.warc` files that are gzip, `.warc.gz` files a download tool
/// already decompressed. The magic bytes decide.
fn sniff(stored: &[u8], declared: SourceCompression) -> SourceCompression {
    if stored.starts_with(&[0x1f, 0x8b]) {
        SourceCompression::Gzip
    } else if stored.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        SourceCompression::Zstd
    } else if stored.starts_with(b"WARC/") {
        SourceCompression::None
    } else {
        declared
    }
}

fn looks_like_warc(out: &[u8]) -> bool {
    let skip = out
        .iter()
        .take_while(|b| matches!(b, b'\r' | b'\n'))
        .count();
    out[skip..].starts_with(b"WARC/")
}

/// The segment holding output byte `pos`.
fn seg_of(segs: &[Segment], pos: usize) -> Option<usize> {
    let k = segs.partition_point(|s| s.out_end <= pos);
    (k < segs.len() && segs[k].out_start <= pos).then_some(k)
}

/// Frame every record. Segments decoded back to back form a region; a region ends at a failed
/// segment, whose cut-short record becomes one `Lost` item.
/// `base` is the decompressed offset of `data[0]`, for messages.
fn frame_all<'a>(data: &'a [u8], segs: &[Segment], base: u64) -> Vec<Item<'a>> {
    let mut items = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        let mut j = i;
        while j + 1 < segs.len() && segs[j].failure.is_none() {
            j += 1;
        }
        let before = items.len();
        frame_region(data, &segs[i..=j], base, &mut items);
        if let Some(message) = &segs[j].failure {
            // The record cut short is the tail that ran out of data, or else the last record
            // decoded from the failed member: its bytes did not pass the integrity check.
            let cut = items.len() > before
                && match items.last() {
                    Some(Item::Bad { ran_out: true, .. }) => true,
                    Some(item) => item.start(segs) >= segs[j].out_start,
                    None => false,
                };
            if cut {
                items.pop();
            }
            items.push(Item::Lost {
                seg: j,
                message: message.clone(),
            });
        }
        i = j + 1;
    }
    items
}

fn frame_region<'a>(data: &'a [u8], region: &[Segment], base: u64, items: &mut Vec<Item<'a>>) {
    let (Some(first), Some(last)) = (region.first(), region.last()) else {
        return;
    };
    let end = last.out_end;
    let mut pos = first.out_start;
    loop {
        while pos < end && data[pos].is_ascii_whitespace() {
            pos += 1;
        }
        if pos >= end {
            break;
        }
        match frame(data, pos, end, base) {
            Ok(f) => {
                pos = f.end;
                items.push(Item::Record(f));
            }
            Err(bad) => {
                items.push(bad);
                match resync(data, pos + 1, end, region) {
                    Some(p) => pos = p,
                    None => break,
                }
            }
        }
    }
}

/// Where the next record may start after damage at `from`: a `WARC/1.` at a line start, or a
/// member start that holds one.
fn resync(data: &[u8], from: usize, end: usize, region: &[Segment]) -> Option<usize> {
    let first = region.partition_point(|s| s.out_start < from);
    let member = region[first..]
        .iter()
        .map(|s| s.out_start)
        .find(|&p| p < end && data[p..end].starts_with(b"WARC/"));
    let finder = memchr::memmem::Finder::new(b"WARC/1.");
    let mut at = from;
    let line = loop {
        if at >= end {
            break None;
        }
        match finder.find(&data[at..end]) {
            Some(i) if at + i == 0 || data[at + i - 1] == b'\n' => break Some(at + i),
            Some(i) => at += i + 1,
            None => break None,
        }
    };
    match (member, line) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A record at the start of `data` (after blank lines) whose headers are complete and
/// declare a block larger than `limit`: (where its block starts, the declared length).
fn oversized_head(data: &[u8], limit: u64) -> Option<(usize, u64)> {
    let pos = data.iter().position(|b| !b.is_ascii_whitespace())?;
    let rest = &data[pos..];
    if !rest.starts_with(b"WARC/1.") {
        return None;
    }
    let (head, body) = head_end(rest, MAX_HEAD)?;
    let headers = parse_headers(&rest[..head]);
    let length = header(&headers, "Content-Length")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.parse::<u64>().ok())?;
    (length > limit).then_some((pos + body, length))
}

/// The frame of a record whose data holds its headers only (its block was skipped).
fn frame_head(data: &[u8]) -> Option<Frame<'_>> {
    let pos = data.iter().position(|b| !b.is_ascii_whitespace())?;
    let (head, body) = head_end(&data[pos..], MAX_HEAD)?;
    Some(Frame {
        start: pos,
        end: pos + body,
        block: pos + body..pos + body,
        headers: parse_headers(&data[pos..pos + head]),
    })
}

/// The end of a header section: (end of the last header line, start of what follows the
/// blank line).
fn head_end(b: &[u8], limit: usize) -> Option<(usize, usize)> {
    let scan = &b[..b.len().min(limit)];
    for i in memchr::memchr_iter(b'\n', scan) {
        match b.get(i + 1) {
            Some(b'\n') => return Some((i, i + 2)),
            Some(b'\r') if b.get(i + 2) == Some(&b'\n') => return Some((i, i + 3)),
            _ => {}
        }
    }
    None
}

/// `Name: value` lines (after the first line); folded continuation lines are dropped.
fn parse_headers(text: &[u8]) -> Headers<'_> {
    let mut headers = Vec::new();
    for line in text.split(|&b| b == b'\n').skip(1) {
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            continue;
        }
        if let Some(colon) = memchr::memchr(b':', line) {
            headers.push((line[..colon].trim_ascii(), line[colon + 1..].trim_ascii()));
        }
    }
    headers
}

fn header<'a>(headers: &Headers<'a>, name: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.as_bytes()))
        .map(|(_, v)| *v)
}

fn header_str(headers: &Headers<'_>, name: &str) -> Option<String> {
    header(headers, name).map(|v| String::from_utf8_lossy(v).into_owned())
}

/// How many bytes [`preview`] shows.
const PREVIEW: usize = 24;

/// A short printable view of bytes for messages.
fn preview(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(&b[..b.len().min(PREVIEW)]);
    format!("{s:?}")
}

fn frame(data: &[u8], pos: usize, end: usize, base: u64) -> Result<Frame<'_>, Item<'static>> {
    let bad = |kind, message: String, horizon: usize| Item::Bad {
        start: pos,
        kind,
        message,
        ran_out: horizon == usize::MAX,
        horizon,
    };
    let rest = &data[pos..end];
    if !rest.starts_with(b"WARC/") {
        return Err(bad(
            InputErrorKind::MalformedWarc,
            format!("expected a WARC/1.x version line, found {}", preview(rest)),
            pos + PREVIEW,
        ));
    }
    if !rest.starts_with(b"WARC/1.") {
        let line = rest.split(|&b| b == b'\n').next().unwrap_or_default();
        let horizon = match memchr::memchr(b'\n', rest) {
            Some(nl) => pos + nl + 1,
            None => usize::MAX,
        };
        return Err(bad(
            InputErrorKind::Unsupported,
            format!("unsupported WARC version {}", preview(line.trim_ascii())),
            horizon,
        ));
    }
    let Some((head, body)) = head_end(rest, MAX_HEAD) else {
        return Err(if rest.len() <= MAX_HEAD {
            bad(
                InputErrorKind::Truncated,
                "record headers are cut off (no blank line before the end of the data)".into(),
                usize::MAX,
            )
        } else {
            bad(
                InputErrorKind::MalformedWarc,
                "no blank line within the first 1 MiB of record headers".into(),
                pos + MAX_HEAD + 3,
            )
        });
    };
    let headers = parse_headers(&rest[..head]);
    let length = header(&headers, "Content-Length")
        .and_then(|v| std::str::from_utf8(v).ok())
        .and_then(|v| v.parse::<u64>().ok());
    let Some(length) = length else {
        return Err(bad(
            InputErrorKind::MalformedWarc,
            "missing or invalid Content-Length".into(),
            pos + body,
        ));
    };
    let block_start = pos + body;
    let left = (end - block_start) as u64;
    if length > left {
        return Err(bad(
            InputErrorKind::Truncated,
            format!(
                "record block of {length} bytes runs past the end of the data ({left} bytes left)"
            ),
            usize::MAX,
        ));
    }
    let block_end = block_start + length as usize;
    let mut next = block_end;
    while next < end && matches!(data[next], b'\r' | b'\n') {
        next += 1;
    }
    if next < end && !data[next..end].starts_with(b"WARC/") {
        return Err(bad(
            InputErrorKind::MalformedWarc,
            format!(
                "record does not end where its Content-Length ({length}) says: found {} at decompressed byte {}",
                preview(&data[block_end..end]),
                base + block_end as u64
            ),
            (block_end + PREVIEW).max(next + 5),
        ));
    }
    Ok(Frame {
        start: pos,
        end: next,
        block: block_start..block_end,
        headers,
    })
}

struct Http<'a> {
    status: u16,
    headers: Headers<'a>,
    body: &'a [u8],
}

fn parse_http(block: &[u8]) -> Result<Http<'_>, String> {
    let mut b = block;
    loop {
        if !b.starts_with(b"HTTP/") {
            return Err(format!("no HTTP status line, found {}", preview(b)));
        }
        let Some((head, body)) = head_end(b, MAX_HEAD) else {
            return Err("HTTP headers do not end (no blank line)".into());
        };
        let status_line = b
            .split(|&c| c == b'\n')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        let status = status_line
            .split(|c| c.is_ascii_whitespace())
            .filter(|p| !p.is_empty())
            .nth(1)
            .and_then(|c| std::str::from_utf8(c).ok())
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| format!("bad HTTP status line {}", preview(status_line)))?;
        let rest = &b[body..];
        // An interim "100 Continue" precedes the real response in some captures.
        if (100..200).contains(&status) && rest.starts_with(b"HTTP/") {
            b = rest;
            continue;
        }
        return Ok(Http {
            status,
            headers: parse_headers(&b[..head]),
            body: rest,
        });
    }
}

/// Undo `Transfer-Encoding: chunked`. `None` when the body does not start with a chunk size
/// (archives often keep the header but store the body de-chunked); the flag says whether the
/// final zero-size chunk was reached.
fn dechunk(body: &[u8]) -> Option<(Vec<u8>, bool)> {
    let mut out = Vec::with_capacity(body.len());
    let mut pos = 0;
    loop {
        let Some(nl) = memchr::memchr(b'\n', &body[pos..]) else {
            return (pos > 0).then_some((out, false));
        };
        let line = &body[pos..pos + nl];
        let size_text = line
            .split(|&b| b == b';')
            .next()
            .unwrap_or_default()
            .trim_ascii();
        let size = (!size_text.is_empty() && size_text.len() <= 15)
            .then(|| std::str::from_utf8(size_text).ok())
            .flatten()
            .and_then(|s| usize::from_str_radix(s, 16).ok());
        let Some(size) = size else {
            return (pos > 0).then_some((out, false));
        };
        pos += nl + 1;
        if size == 0 {
            return Some((out, true));
        }
        let Some(chunk) = body.get(pos..pos + size) else {
            out.extend_from_slice(&body[pos..]);
            return Some((out, false));
        };
        out.extend_from_slice(chunk);
        pos += size;
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        } else if body[pos..].starts_with(b"\n") {
            pos += 1;
        }
    }
}

/// Read a decompressor to its end, at most `max + 1` bytes. A failure after some output keeps
/// that output (archived payloads are often cut at a size limit) and says so.
fn inflate(reader: impl Read, max: u64) -> Result<(Vec<u8>, bool), Failed> {
    let mut out = Vec::new();
    let result = reader.take(max.saturating_add(1)).read_to_end(&mut out);
    if out.len() as u64 > max {
        return Err((
            InputErrorKind::TooLarge,
            format!("decoded HTTP payload is larger than max_record_bytes ({max})"),
        ));
    }
    match result {
        Ok(_) => Ok((out, false)),
        Err(_) if !out.is_empty() => Ok((out, true)),
        Err(e) => Err((
            InputErrorKind::Truncated,
            format!("HTTP payload compression is corrupt ({e})"),
        )),
    }
}

/// The HTTP payload with transfer and content encodings removed; the flag marks a payload
/// that ended early.
fn http_payload<'a>(http: &Http<'a>, max: u64) -> Result<(Cow<'a, [u8]>, bool), Failed> {
    let mut body: Cow<'a, [u8]> = Cow::Borrowed(http.body);
    let mut cut = false;
    let te = header(&http.headers, "Transfer-Encoding").unwrap_or_default();
    let chunked = te.to_ascii_lowercase().windows(7).any(|w| w == b"chunked");
    if let Some((d, complete)) = chunked.then(|| dechunk(http.body)).flatten() {
        body = Cow::Owned(d);
        cut |= !complete;
    }
    let ce = header(&http.headers, "Content-Encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    match ce.as_slice() {
        b"" | b"identity" | b"none" => {}
        // Some archives store the payload decoded but keep the header: check the bytes.
        b"gzip" | b"x-gzip" if !body.starts_with(&[0x1f, 0x8b]) => {}
        b"gzip" | b"x-gzip" => {
            let (d, c) = inflate(flate2::read::MultiGzDecoder::new(&body[..]), max)?;
            body = Cow::Owned(d);
            cut |= c;
        }
        b"deflate" => {
            // "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
            let (d, c) = match inflate(flate2::read::ZlibDecoder::new(&body[..]), max) {
                Ok(r) => r,
                Err((InputErrorKind::Truncated, _)) => {
                    inflate(flate2::read::DeflateDecoder::new(&body[..]), max)?
                }
                Err(e) => return Err(e),
            };
            body = Cow::Owned(d);
            cut |= c;
        }
        other => {
            return Err((
                InputErrorKind::Unsupported,
                format!(
                    "HTTP Content-Encoding {} is not supported",
                    String::from_utf8_lossy(other)
                ),
            ));
        }
    }
    Ok((body, cut))
}

/// The media type of a Content-Type value, lowercase, without parameters.
fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// For payloads without a usable Content-Type: does it start like an HTML page?
fn sniff_html(p: &[u8]) -> bool {
    let n = p.len().min(1024);
    let mut low = [0u8; 1024];
    low[..n].copy_from_slice(&p[..n]);
    low[..n].make_ascii_lowercase();
    memchr::memmem::find(&low[..n], b"<html").is_some()
        || memchr::memmem::find(&low[..n], b"<!doctype html").is_some()
}

struct Convert<'a> {
    path: &'a str,
    settings: &'a InputSettings,
    data: &'a [u8],
    segs: &'a [Segment],
    /// Records (and unreadable records) starting in each segment.
    per_seg: Vec<u32>,
    gzip: bool,
    /// Decompressed offset of `data[0]` in the file.
    base: u64,
}

impl Convert<'_> {
    /// The gzip member holding only this record, if it is one.
    fn own_member(&self, start: usize, end: usize) -> Option<&Segment> {
        if !self.gzip {
            return None;
        }
        let k = seg_of(self.segs, start)?;
        let s = &self.segs[k];
        (self.per_seg[k] == 1 && end <= s.out_end).then_some(s)
    }

    /// A byte offset for an error at output byte `pos`, and words saying what it is.
    fn locate(&self, pos: usize) -> (u64, String) {
        let abs = self.base + pos as u64;
        match self.own_member(pos, pos) {
            Some(s) => (
                s.stored_start,
                format!(
                    "gzip member at byte {}, decompressed byte {abs}",
                    s.stored_start
                ),
            ),
            None => (abs, format!("decompressed byte {abs}")),
        }
    }

    fn error(
        &self,
        index: u64,
        frame: &Frame<'_>,
        kind: InputErrorKind,
        message: String,
    ) -> Outcome {
        let (byte, at) = self.locate(frame.start);
        Outcome::Error(
            InputError::new(self.path, kind, format!("{message} ({at})"))
                .at_record(index)
                .at_byte(byte),
        )
    }

    fn item(&self, index: u64, item: &Item<'_>) -> Outcome {
        match item {
            Item::Record(frame) => self.record(index, frame, None),
            Item::Bad {
                start,
                kind,
                message,
                ..
            } => {
                let (byte, at) = self.locate(*start);
                Outcome::Error(
                    InputError::new(self.path, *kind, format!("{message} ({at})"))
                        .at_record(index)
                        .at_byte(byte),
                )
            }
            Item::Lost { seg, message } => {
                let s = &self.segs[*seg];
                // A member that held one record locates it; in a longer stream the useful
                // position is where decoding stopped.
                let (byte, lost) = if self.gzip && self.per_seg[*seg] <= 1 {
                    (
                        s.stored_start,
                        "the record in this member is lost".to_string(),
                    )
                } else {
                    let at = self.base + s.out_end as u64;
                    (
                        at,
                        format!("the record cut off at decompressed byte {at} is lost"),
                    )
                };
                let kind = if s.too_large {
                    InputErrorKind::TooLarge
                } else {
                    InputErrorKind::Truncated
                };
                Outcome::Error(
                    InputError::new(self.path, kind, format!("{message}; {lost}"))
                        .at_record(index)
                        .at_byte(byte),
                )
            }
        }
    }

    /// `declared`: the block's length when the block itself was skipped unread (a plain file's
    /// record over the limit); otherwise the block is in the data.
    fn record(&self, index: u64, frame: &Frame<'_>, declared: Option<u64>) -> Outcome {
        let h = &frame.headers;
        let wtype = header_str(h, "WARC-Type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        if !matches!(wtype.as_str(), "response" | "resource" | "conversion") {
            let why = if wtype.is_empty() { "untyped" } else { &wtype };
            return Outcome::Skip(why.to_string());
        }
        let block = &self.data[frame.block.clone()];
        let max = self.settings.max_record_bytes;
        let size = declared.unwrap_or(block.len() as u64);
        if size > max {
            let m = format!(
                "{wtype} record block of {size} bytes is larger than max_record_bytes ({max})"
            );
            return self.error(index, frame, InputErrorKind::TooLarge, m);
        }
        let warc_ct = header_str(h, "Content-Type");
        let mut status = None;
        let mut cut = false;
        let (payload, content_type): (Cow<'_, [u8]>, Option<String>) = match wtype.as_str() {
            "response" => {
                let is_http = match &warc_ct {
                    Some(ct) => media_type(ct) == "application/http",
                    None => block.starts_with(b"HTTP/"),
                };
                if is_http {
                    let http = match parse_http(block) {
                        Ok(x) => x,
                        Err(m) => {
                            let m = format!("HTTP response cannot be parsed: {m}");
                            return self.error(index, frame, InputErrorKind::MalformedWarc, m);
                        }
                    };
                    if !(200..300).contains(&http.status) {
                        return Outcome::Skip("response:status".into());
                    }
                    status = Some(http.status);
                    match http_payload(&http, max) {
                        Ok((p, c)) => {
                            cut = c;
                            (p, header_str(&http.headers, "Content-Type"))
                        }
                        Err((kind, m)) => return self.error(index, frame, kind, m),
                    }
                } else {
                    // Some archives (Wayback exports) store the page itself as the block.
                    (Cow::Borrowed(block), warc_ct)
                }
            }
            _ => (Cow::Borrowed(block), warc_ct),
        };
        let media = content_type.as_deref().map(media_type).unwrap_or_default();
        let html = match wtype.as_str() {
            "conversion" => false,
            _ => match media.as_str() {
                "text/html" | "application/xhtml+xml" => true,
                "" | "application/octet-stream" | "unknown/unknown" | "application/unknown" => {
                    sniff_html(&payload)
                }
                _ => false,
            },
        };
        let text =
            !html && (wtype == "conversion" || (wtype == "response" && media == "text/plain"));
        if !html && !text {
            let why = if wtype == "response" {
                "response:non-text"
            } else {
                "resource:non-html"
            };
            return Outcome::Skip(why.into());
        }
        let charset_bytes = content_type.as_deref().map(|c| c.to_ascii_lowercase());
        let charset = charset_bytes
            .as_deref()
            .and_then(|c| charset_param(c.as_bytes()))
            .and_then(|c| std::str::from_utf8(c).ok());
        let decoded = if html {
            decode_html_bytes(&payload, charset)
        } else {
            decode_text_bytes(&payload, charset)
        };
        let page = match decoded {
            Ok(s) => s,
            Err((_, m)) => {
                let m = format!("payload: {m}");
                return self.error(index, frame, InputErrorKind::InvalidUtf8, m);
            }
        };
        let mut fields = Map::new();
        let (body, title) = if html {
            let x = extract_html(&page);
            (x.text, x.title)
        } else {
            (page, None)
        };
        if let Some(t) = title {
            fields.insert("title".into(), Value::String(t));
        }
        fields.insert("warc_type".into(), Value::String(wtype.clone()));
        if let Some(d) = header_str(h, "WARC-Date") {
            fields.insert("warc_date".into(), Value::String(d));
        }
        if let Some(ct) = content_type {
            fields.insert("content_type".into(), Value::String(ct));
        }
        if let Some(s) = status {
            fields.insert("http_status".into(), Value::from(s));
        }
        if let Some(t) = header_str(h, "WARC-Truncated") {
            fields.insert("warc_truncated".into(), Value::String(t));
        }
        if cut {
            fields.insert("payload_truncated".into(), Value::Bool(true));
        }
        let (byte_start, byte_end, offsets) = match self.own_member(frame.start, frame.end) {
            Some(s) => (s.stored_start, s.stored_end, "gzip_member"),
            None => (
                self.base + frame.start as u64,
                self.base + frame.end as u64,
                "decompressed",
            ),
        };
        fields.insert("warc_offsets".into(), Value::String(offsets.into()));
        let url = header_str(h, "WARC-Target-URI").map(|u| {
            let u = u.trim();
            u.strip_prefix('<')
                .and_then(|x| x.strip_suffix('>'))
                .unwrap_or(u)
                .to_string()
        });
        Outcome::Doc(RawDoc {
            source: Provenance {
                path: self.path.to_string(),
                format: Format::Warc,
                record: index,
                byte_start,
                byte_end,
                url,
                warc_record_id: header_str(h, "WARC-Record-ID"),
            },
            text: body,
            // A WET conversion record is a page's full visible text; a text/plain response is a
            // document in its own right (an RFC, a README), whose ends are content; an HTML one
            // is what the extractor kept.
            input: if wtype == "conversion" {
                Input::Page
            } else if html {
                Input::Dom
            } else {
                Input::Extracted
            },
            fields,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use std::collections::BTreeMap;

    fn sample(name: &str) -> Vec<u8> {
        std::fs::read(shared_dir().join("data/warc").join(name)).unwrap()
    }

    fn record(wtype: &str, extra: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.1\r\nWARC-Type: {wtype}\r\nWARC-Record-ID: <urn:uuid:{wtype}>\r\n{extra}Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn response(url: &str, http: &[u8]) -> Vec<u8> {
        record(
            "response",
            &format!(
                "WARC-Target-URI: {url}\r\nContent-Type: application/http; msgtype=response\r\n"
            ),
            http,
        )
    }

    fn page(n: usize) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Page {n}</p></body></html>")
            .into_bytes()
    }

    #[test]
    fn dolma_sample() {
        let stored = sample("dolma-sample-0000.warc.gz");
        let r = read_named("dolma.warc.gz", &stored);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.docs.len(), 22);
        assert_eq!(r.records, 22);
        assert_eq!(r.warc_skipped, 26);
        assert_eq!(r.warc_skipped_by_type["request"], 22);
        assert_eq!(r.warc_skipped_by_type["resource:non-html"], 2);
        let first = &r.docs[0];
        assert_eq!(
            first.source.url.as_deref(),
            Some("https://www.semanticscholar.org/research/research-team")
        );
        assert_eq!(
            first.source.warc_record_id.as_deref(),
            Some("<urn:uuid:283E41D7-F686-4C3E-B7DA-E8D248A100C1>")
        );
        assert_eq!(first.source.record, 2);
        assert_eq!(first.fields["warc_date"], "2024-04-25T16:24:44Z");
        assert_eq!(first.fields["content_type"], "text/html; charset=utf-8");
        assert_eq!(
            first.fields["title"],
            "Semantic Scholar | Research | Research Team"
        );
        for d in &r.docs {
            assert_eq!(d.source.format, Format::Warc);
            assert!(d.source.warc_record_id.is_some() && d.source.url.is_some());
            let (s, e) = (d.source.byte_start as usize, d.source.byte_end as usize);
            assert_eq!(
                &stored[s..s + 2],
                &[0x1f, 0x8b],
                "record {}",
                d.source.record
            );
            assert!(e <= stored.len());
            // the member decodes alone to exactly this record
            let mut one = String::new();
            flate2::read::GzDecoder::new(&stored[s..e])
                .read_to_string(&mut one)
                .unwrap();
            assert!(one.contains(d.source.warc_record_id.as_deref().unwrap()));
            assert!(!d.text.is_empty());
        }
    }

    #[test]
    fn copycat_sample() {
        let stored = sample("copycat-wayback-topic-02.warc.gz");
        let r = read_named("copycat.warc.gz", &stored);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.docs.len(), 128);
        assert_eq!(r.warc_skipped, 1);
        for d in &r.docs {
            assert!(
                d.source
                    .url
                    .as_deref()
                    .unwrap()
                    .starts_with("http://web.archive.org/web/")
            );
            assert!(
                d.source
                    .warc_record_id
                    .as_deref()
                    .unwrap()
                    .starts_with("<urn:uuid:")
            );
            assert_eq!(&stored[d.source.byte_start as usize..][..2], &[0x1f, 0x8b]);
        }
        // A few pages are frames or spam with no body text; nearly all have real text.
        let with_text = r.docs.iter().filter(|d| d.text.len() > 200).count();
        assert!(with_text >= 120, "{with_text}");
        // windows-1250 pages decode (no replacement characters from a wrong guess)
        let cz: Vec<_> = r
            .docs
            .iter()
            .filter(|d| d.fields["content_type"].as_str().unwrap().contains("1250"))
            .collect();
        assert_eq!(cz.len(), 13);
        assert!(cz.iter().all(|d| !d.text.contains('\u{fffd}')));
    }

    #[test]
    fn corrupt_member_costs_one_record() {
        let stored = sample("dolma-sample-0000.warc.gz");
        let good = read_named("d.warc.gz", &stored);
        let victim = &good.docs[10];
        let (s, e) = (
            victim.source.byte_start as usize,
            victim.source.byte_end as usize,
        );
        let mut bad = stored.clone();
        let mid = s + (e - s) / 2;
        bad[mid..mid + 64].iter_mut().for_each(|b| *b = !*b);
        let r = read_named("d.warc.gz", &bad);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.docs.len(), 21);
        assert_eq!(r.records, 22);
        let err = &r.errors[0];
        assert_eq!(err.kind, InputErrorKind::Truncated);
        assert_eq!(err.byte, Some(s as u64));
        assert_eq!(err.record, Some(victim.source.record));
        let expect: Vec<_> = good
            .docs
            .iter()
            .filter(|d| d.source.record != victim.source.record)
            .map(|d| {
                (
                    d.source.record,
                    d.source.warc_record_id.clone(),
                    d.text.clone(),
                )
            })
            .collect();
        let got: Vec<_> = r
            .docs
            .iter()
            .map(|d| {
                (
                    d.source.record,
                    d.source.warc_record_id.clone(),
                    d.text.clone(),
                )
            })
            .collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn corrupt_member_header_costs_one_record() {
        let stored = sample("dolma-sample-0000.warc.gz");
        let good = read_named("d.warc.gz", &stored);
        // Break the header of the request member just before a response member: it decodes to
        // nothing, and the response after it must keep its own member offsets.
        let next = good.docs[5].source.byte_start;
        let segs = decode(&stored, SourceCompression::Gzip, None, None).segments;
        let victim = segs
            .iter()
            .find(|s| s.stored_end == next)
            .unwrap()
            .stored_start as usize;
        let mut bad = stored.clone();
        bad[victim + 3] = 0xe0; // reserved flag bits
        let r = read_named("d.warc.gz", &bad);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].byte, Some(victim as u64));
        assert_eq!(r.errors[0].record, Some(good.docs[5].source.record - 1));
        let sources = |r: &FileRead| r.docs.iter().map(|d| d.source.clone()).collect::<Vec<_>>();
        assert_eq!(sources(&r), sources(&good));
    }

    #[test]
    fn chunked_transfer_encoding_decoded() {
        let http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n\
            d\r\n<html><body><\r\n13;ext=1\r\np>Chunked page.</p>\r\n7\r\n</body>\r\n0\r\n\r\n";
        let mut warc = record("warcinfo", "", b"software: test\r\n");
        warc.extend(response("http://x.org/c", http));
        let r = read_named("c.warc", &warc);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.docs.len(), 1);
        let d = &r.docs[0];
        assert_eq!(d.text, "Chunked page.");
        assert_eq!(d.source.record, 1);
        assert_eq!(d.source.url.as_deref(), Some("http://x.org/c"));
        assert_eq!(d.fields["warc_offsets"], "decompressed");
        assert_eq!(&warc[d.source.byte_start as usize..][..8], b"WARC/1.1");
        assert_eq!(d.source.byte_end, warc.len() as u64);
        assert!(!d.fields.contains_key("payload_truncated"));
    }

    #[test]
    fn gzip_content_encoding_and_charset_header() {
        let body = gzip(b"<html><body><p>caf\xe9</p></body></html>");
        let mut http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=ISO-8859-1\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        http.extend_from_slice(&body);
        let r = read_named("g.warc", &response("http://x.org/", &http));
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        assert_eq!(r.docs[0].text, "café");
        assert_eq!(r.docs[0].fields["http_status"], 200);
    }

    #[test]
    fn malformed_record_in_plain_warc_resyncs() {
        let mut warc = response("http://x.org/1", &page(1));
        // Content-Length says 10 bytes too many: the record swallows part of the next one.
        let mut broken = response("http://x.org/2", &page(2));
        let cl = format!("Content-Length: {}", page(2).len());
        let pos = memchr::memmem::find(&broken, cl.as_bytes()).unwrap();
        broken.splice(
            pos..pos + cl.len(),
            format!("Content-Length: {}", page(2).len() + 10).into_bytes(),
        );
        warc.extend(broken);
        warc.extend(response("http://x.org/3", &page(3)));
        warc.extend(record(
            "conversion",
            "WARC-Target-URI: http://x.org/4\r\n",
            "Plain text €".as_bytes(),
        ));
        let r = read_named("m.warc", &warc);
        assert_eq!(r.records, 4);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].kind, InputErrorKind::MalformedWarc);
        assert_eq!(r.errors[0].record, Some(1));
        let texts: Vec<_> = r
            .docs
            .iter()
            .map(|d| (d.source.record, d.text.as_str()))
            .collect();
        assert_eq!(texts, [(0, "Page 1"), (2, "Page 3"), (3, "Plain text €")]);
    }

    #[test]
    fn truncated_single_stream_keeps_complete_records() {
        let mut warc = Vec::new();
        for n in 0..200 {
            warc.extend(response(&format!("http://x.org/{n}"), &page(n)));
        }
        let gz = gzip(&warc);
        let r = read_named("t.warc.gz", &gz[..gz.len() / 2]);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].kind, InputErrorKind::Truncated);
        let n = r.docs.len();
        assert!(n > 10 && n < 200, "{n}");
        assert_eq!(r.errors[0].record, Some(n as u64));
        for (i, d) in r.docs.iter().enumerate() {
            assert_eq!(d.text, format!("Page {i}"));
            assert_eq!(d.fields["warc_offsets"], "decompressed");
        }
    }

    #[test]
    fn truncated_last_member() {
        let mut gz = Vec::new();
        for n in 0..5 {
            gz.extend(gzip(&response(&format!("http://x.org/{n}"), &page(n))));
        }
        let r = read_named("t.warc.gz", &gz[..gz.len() - 30]);
        assert_eq!(r.docs.len(), 4);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].record, Some(4));
    }

    #[test]
    fn skips_and_statuses() {
        let mut warc = record("request", "", b"GET / HTTP/1.1\r\n\r\n");
        warc.extend(response(
            "http://x.org/img",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
        ));
        warc.extend(response(
            "http://x.org/r",
            b"HTTP/1.1 301 Moved\r\nLocation: /\r\n\r\n",
        ));
        warc.extend(response(
            "http://x.org/t",
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello",
        ));
        warc.extend(response(
            "http://x.org/s",
            b"HTTP/1.1 200 OK\r\n\r\n<!DOCTYPE html><p>sniffed</p>",
        ));
        warc.extend(response(
            "http://x.org/b",
            b"HTTP/1.1 200 OK\r\nContent-Encoding: br\r\n\r\n\x00",
        ));
        warc.extend(record(
            "resource",
            "Content-Type: text/html\r\n",
            b"<p>res</p>",
        ));
        let r = read_named("s.warc", &warc);
        assert_eq!(r.warc_skipped, 3);
        let texts: Vec<_> = r
            .docs
            .iter()
            .map(|d| (d.source.record, d.text.as_str()))
            .collect();
        assert_eq!(texts, [(3, "hello"), (4, "sniffed"), (6, "res")]);
        assert_eq!(r.errors.len(), 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::Unsupported);
        assert_eq!(r.errors[0].record, Some(5));
    }

    #[test]
    fn garbage_and_empty() {
        let r = read_named("x.warc", b"this is not a warc file\n");
        assert_eq!(r.records, 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::MalformedWarc);
        let r = read_named("x.warc", b"");
        assert_eq!(r.errors[0].kind, InputErrorKind::Empty);
        let r = read_named("x.warc.gz", b"\x1f\x8b\x08garbage");
        assert_eq!(r.records, 1);
        assert_eq!(r.errors[0].kind, InputErrorKind::Truncated);
    }

    /// Read `bytes` in windows of `window` stored bytes, as the pipeline does.
    fn windowed(name: &str, bytes: &[u8], window: usize, max: u64) -> (FileRead, StreamTotals) {
        let (read, totals, _) = windowed_held(name, bytes, window, max);
        (read, totals)
    }

    /// [`windowed`], and the most bytes the stream held at once (its buffer or a window).
    fn windowed_held(
        name: &str,
        bytes: &[u8],
        window: usize,
        max: u64,
    ) -> (FileRead, StreamTotals, usize) {
        let dir = tempfile::tempdir().unwrap();
        let f = file(&dir, name, bytes);
        let mut s = settings();
        s.max_record_bytes = max;
        let mut stream = WarcStream::open(&f, &s, window);
        stream.window = window;
        let mut read = FileRead::default();
        let mut largest = 0;
        while let Some(item) = stream.next() {
            largest = largest.max(stream.sbuf.capacity());
            match item {
                StreamItem::Warc(w) => {
                    largest = largest.max(w.len());
                    let r = w.parse(&f, &s);
                    assert_eq!(r.records, (r.docs.len() + r.errors.len()) as u64);
                    read.docs.extend(r.docs);
                    read.errors.extend(r.errors);
                    read.warc_skipped += r.warc_skipped;
                    for (why, n) in r.warc_skipped_by_type {
                        *read.warc_skipped_by_type.entry(why).or_default() += n;
                    }
                }
                StreamItem::Error(e) => read.errors.push(e),
                StreamItem::Chunk(_) => unreachable!(),
            }
        }
        read.records = (read.docs.len() + read.errors.len()) as u64;
        (read, stream.totals(), largest)
    }

    /// Everything a user sees of a read, in a comparable form.
    fn seen(r: &FileRead) -> (Vec<String>, Vec<InputError>, BTreeMap<String, u64>) {
        let docs = r
            .docs
            .iter()
            .map(|d| format!("{:?} {:?} {:?}", d.source, d.text, d.fields))
            .collect();
        (docs, r.errors.clone(), r.warc_skipped_by_type.clone())
    }

    /// Windows of any size read what the whole-file reader reads, with the same totals.
    fn same_in_windows(name: &str, bytes: &[u8], windows: &[usize], what: &str) {
        let whole = read_named(name, bytes);
        for &w in windows {
            let (r, totals) = windowed(name, bytes, w, settings().max_record_bytes);
            assert_eq!(seen(&r), seen(&whole), "{what}: window {w}");
            assert_eq!(r.records, whole.records, "{what}: window {w}");
            assert_eq!(totals.bytes, bytes.len() as u64);
            assert_eq!(totals.blake3, whole.blake3);
            assert_eq!(
                totals.decompressed_bytes, whole.decompressed_bytes,
                "{what}: window {w}"
            );
        }
    }

    /// Copies of `good` with a few bytes changed, a stretch overwritten, or the end cut off.
    fn damaged(good: &[u8], rounds: usize, seed: u64) -> Vec<Vec<u8>> {
        let mut rng = crate::fingerprint::testgen::Rng::new(seed);
        let mut rand = move || rng.next_u64();
        (0..rounds)
            .map(|round| {
                let mut bytes = good.to_vec();
                match round % 4 {
                    0 => bytes.truncate((rand() as usize) % (bytes.len() + 1)),
                    1 => {
                        let at = (rand() as usize) % bytes.len();
                        let n = (1 + rand() as usize % 200).min(bytes.len() - at);
                        bytes[at..at + n].iter_mut().for_each(|b| *b = !*b);
                    }
                    _ => {
                        for _ in 0..1 + rand() % 4 {
                            let i = (rand() as usize) % bytes.len();
                            bytes[i] = rand() as u8;
                        }
                    }
                }
                bytes
            })
            .collect()
    }

    fn plain_of(gz: &[u8]) -> Vec<u8> {
        let mut plain = Vec::new();
        flate2::read::MultiGzDecoder::new(gz)
            .read_to_end(&mut plain)
            .unwrap();
        plain
    }

    #[test]
    fn multi_member_gzip_in_windows_reads_as_whole() {
        let dolma = sample("dolma-sample-0000.warc.gz");
        let copycat = sample("copycat-wayback-topic-02.warc.gz");
        let both = [dolma.clone(), copycat].concat();
        same_in_windows("a.warc.gz", &both, &[16, 3000, 40_000, 1 << 20], "good");
        // Zero padding at the end, and zeros followed by more members.
        let padded = [dolma.clone(), vec![0; 5000]].concat();
        same_in_windows("p.warc.gz", &padded, &[1000, 7000], "padded");
        let zeros_inside = [dolma.clone(), vec![0; 5000], dolma.clone()].concat();
        same_in_windows("z.warc.gz", &zeros_inside, &[1000, 7000], "zeros inside");
        for (i, bad) in damaged(&dolma, 24, 0x2545_f491_4f6c_dd1d)
            .iter()
            .enumerate()
        {
            same_in_windows("d.warc.gz", bad, &[500, 6000], &format!("damaged {i}"));
        }
    }

    #[test]
    fn plain_warc_in_windows_reads_as_whole() {
        let plain = plain_of(&sample("dolma-sample-0000.warc.gz"));
        same_in_windows("a.warc", &plain, &[16, 5000, 100_000], "good");
        for (i, bad) in damaged(&plain, 24, 0x9e37_79b9_7f4a_7c15)
            .iter()
            .enumerate()
        {
            same_in_windows("d.warc", bad, &[3000, 50_000], &format!("damaged {i}"));
        }
    }

    #[test]
    fn single_stream_gzip_in_windows_reads_as_whole() {
        let plain = plain_of(&sample("dolma-sample-0000.warc.gz"));
        let gz = gzip(&plain);
        same_in_windows("s.warc.gz", &gz, &[16, 5000], "good");
        for (i, bad) in damaged(&gz, 12, 0x1234_5678_9abc_def1).iter().enumerate() {
            same_in_windows("d.warc.gz", bad, &[4000], &format!("damaged {i}"));
        }
        // A stream past the record limit is read whole (it holds many records), with tiny
        // windows too.
        let (whole, _) = windowed("s.warc.gz", &gz, 1 << 30, 50_000);
        let (r, _) = windowed("s.warc.gz", &gz, 100, 50_000);
        assert!(r.docs.len() > 10, "{:?}", r.errors);
        assert_eq!(seen(&r), seen(&whole));
    }

    #[test]
    fn gzip_bomb_member_is_reported_and_reading_goes_on() {
        let mut members = Vec::new();
        for n in 0..2 {
            members.push(gzip(&response(&format!("http://x.org/{n}"), &page(n))));
        }
        let bomb_at: usize = members.iter().map(Vec::len).sum();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..100 {
            std::io::Write::write_all(&mut enc, &zeros).unwrap();
        }
        members.push(enc.finish().unwrap());
        for n in 2..4 {
            members.push(gzip(&response(&format!("http://x.org/{n}"), &page(n))));
        }
        let stored = members.concat();
        for window in [1000, 1 << 20] {
            let (r, totals) = windowed("b.warc.gz", &stored, window, 1 << 20);
            let texts: Vec<_> = r
                .docs
                .iter()
                .map(|d| (d.source.record, d.text.as_str()))
                .collect();
            assert_eq!(
                texts,
                [(0, "Page 0"), (1, "Page 1"), (3, "Page 2"), (4, "Page 3")]
            );
            assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
            let e = &r.errors[0];
            assert_eq!(e.kind, InputErrorKind::TooLarge);
            assert_eq!((e.record, e.byte), (Some(2), Some(bomb_at as u64)));
            assert_eq!(
                e.to_string(),
                format!(
                    "b.warc.gz: record 2: byte {bomb_at}: gzip member at stored byte {bomb_at} \
                     decodes to more than 1048576 bytes (max_record_bytes, or 16 times it for a \
                     file that is one gzip stream); the record in this member is lost"
                )
            );
            // Only what was kept counts as decompressed: never the bomb.
            assert!(
                totals.decompressed_bytes < 4000,
                "{}",
                totals.decompressed_bytes
            );
        }
    }

    /// A plain file read in windows: what it gives and the most bytes it held.
    fn plain_windows(stored: &[u8], window: usize, max: u64) -> (FileRead, StreamTotals, usize) {
        windowed_held("p.warc", stored, window, max)
    }

    #[test]
    fn a_plain_record_declared_over_the_limit_is_reported_and_read_past_unheld() {
        let huge = 8usize << 20;
        let mut stored = response("http://x.org/0", &page(0));
        let huge_at = stored.len();
        let mut big = page(1);
        big.resize(huge, b'x');
        stored.extend(response("http://x.org/1", &big));
        // A huge record of a type that is skipped anyway stays a skip.
        stored.extend(record("metadata", "", &vec![b'm'; 3 << 20]));
        stored.extend(response("http://x.org/2", &page(2)));
        for window in [4096, 64 << 10] {
            let (r, totals, largest) = plain_windows(&stored, window, 1 << 20);
            let texts: Vec<_> = r
                .docs
                .iter()
                .map(|d| (d.source.record, d.text.as_str()))
                .collect();
            assert_eq!(texts, [(0, "Page 0"), (3, "Page 2")], "window {window}");
            assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
            let e = &r.errors[0];
            assert_eq!(e.kind, InputErrorKind::TooLarge);
            assert_eq!((e.record, e.byte), (Some(1), Some(huge_at as u64)));
            assert!(
                e.message
                    .contains(&format!("record block of {} bytes is larger", big.len())),
                "{}",
                e.message
            );
            assert_eq!(r.warc_skipped, 1);
            // Nothing near the 8 MB block was ever held: windows stay near their size (a
            // record under the 1 MB limit may make one grow up to it).
            assert!(largest < 2 << 20, "window {window}: held {largest} bytes");
            // Every stored byte was read and hashed, skipped ones included.
            assert_eq!(totals.bytes, stored.len() as u64);
            assert_eq!(
                totals.blake3,
                blake3::hash(&stored).to_hex().to_string(),
                "window {window}"
            );
        }
        // Under a limit the record fits, it is read as before (one document more).
        let (r, _, _) = plain_windows(&stored, 64 << 10, 16 << 20);
        assert_eq!(r.docs.len(), 3);
        assert!(r.errors.is_empty(), "{:?}", r.errors);
    }

    /// Windows read what the whole-file reader reads under a record limit of `max`.
    fn same_as_whole_under(bytes: &[u8], max: u64, windows: &[usize], what: &str) {
        let dir = tempfile::tempdir().unwrap();
        let f = file(&dir, "p.warc", bytes);
        let mut s = settings();
        s.max_record_bytes = max;
        let mut whole = FileRead::default();
        let stream = WarcStream::new(
            &f,
            Box::new(std::io::Cursor::new(bytes)),
            &s,
            bytes.len() + 1,
        );
        let want = read_stream(&f, stream, &s, &mut whole);
        for &w in windows {
            let (r, totals, _) = plain_windows(bytes, w, max);
            assert_eq!(seen(&r), seen(&whole), "{what}: window {w}");
            assert_eq!(
                r.records,
                (whole.docs.len() + whole.errors.len()) as u64,
                "{what}: window {w}"
            );
            assert_eq!(totals.bytes, bytes.len() as u64, "{what}: window {w}");
            assert_eq!(totals.blake3, want.blake3, "{what}: window {w}");
            assert_eq!(
                totals.decompressed_bytes, want.decompressed_bytes,
                "{what}: window {w}"
            );
        }
    }

    #[test]
    fn a_lying_content_length_over_the_limit_loses_nothing_reading_whole_finds() {
        let good: Vec<u8> = (0..40)
            .flat_map(|n| response(&format!("http://x.org/{n}"), &page(n)))
            .collect();
        let lie = |declared: &str| {
            let mut v = response("http://x.org/first", &page(100));
            v.extend_from_slice(
                format!(
                    "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: {declared}\r\n\r\n\
                     HTTP/1.1 200 OK\r\n\r\n<p>short</p>\r\n\r\n"
                )
                .as_bytes(),
            );
            v.extend_from_slice(&good);
            v
        };
        // Past the end of the file (up to u64::MAX, which must not wrap), and ending inside
        // the records that follow: reading whole reports the damage and resynchronises.
        let inside = (good.len() / 2).to_string();
        for declared in ["999999999999", "18446744073709551615", inside.as_str()] {
            let bytes = lie(declared);
            same_as_whole_under(&bytes, 2048, &[1024, 4096, 64 << 10], declared);
            let (r, _, _) = plain_windows(&bytes, 4096, 2048);
            assert!(r.docs.len() >= 20, "{declared}: {} docs", r.docs.len());
        }
    }

    #[test]
    fn honest_records_over_a_small_limit_read_as_whole_in_any_window() {
        // Real pages over a 2 KB limit: skipped unheld when they straddle a window's end,
        // framed in place when they fit in it; either way as reading whole reports them.
        let plain = plain_of(&sample("dolma-sample-0000.warc.gz"));
        same_as_whole_under(&plain, 2048, &[1024, 5000, 100_000], "good");
        for (i, bad) in damaged(&plain, 12, 0x2545_f491_4f6c_dd1d)
            .iter()
            .enumerate()
        {
            same_as_whole_under(bad, 2048, &[3000, 50_000], &format!("damaged {i}"));
        }
        // An honest 5 KB block inside a 64 KB window, between good records.
        let mut big = page(1);
        big.resize(5000, b'x');
        let mut v = response("http://x.org/0", &page(0));
        v.extend(response("http://x.org/1", &big));
        v.extend(response("http://x.org/2", &page(2)));
        same_as_whole_under(&v, 1024, &[64 << 10, 1000], "fits in the window");
    }

    #[test]
    fn a_bomb_that_looks_like_a_stream_is_still_one_oversized_record() {
        // "WARC/1." after a version line inside one huge member is not a second record: the
        // first record must frame completely for the member to count as a stream.
        let mut members = vec![gzip(&response("http://x.org/0", &page(0)))];
        let bomb_at: usize = members[0].len();
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, b"WARC/1.0\r\n\r\n\nWARC/1.").unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..40 {
            std::io::Write::write_all(&mut enc, &zeros).unwrap();
        }
        members.push(enc.finish().unwrap());
        members.push(gzip(&response("http://x.org/2", &page(2))));
        let stored = members.concat();
        let (r, totals) = windowed("s.warc.gz", &stored, 4096, 1 << 20);
        let texts: Vec<_> = r.docs.iter().map(|d| d.text.as_str()).collect();
        assert_eq!(texts, ["Page 0", "Page 2"]);
        assert_eq!(r.errors.len(), 1, "{:?}", r.errors);
        assert_eq!(r.errors[0].kind, InputErrorKind::TooLarge);
        assert_eq!(r.errors[0].byte, Some(bomb_at as u64));
        assert!(
            totals.decompressed_bytes < 1 << 20,
            "{}",
            totals.decompressed_bytes
        );
    }

    #[test]
    fn a_whole_file_stream_past_its_limit_is_reported_not_decoded() {
        // One gzip stream of records (read whole), ending in a huge block: bounded by
        // WHOLE_FILE_FACTOR x max_record_bytes, and reported.
        let mut body = Vec::new();
        for n in 0..3 {
            body.extend(response(&format!("http://x.org/{n}"), &page(n)));
        }
        body.extend_from_slice(
            b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 99999999\r\n\r\n",
        );
        body.extend(vec![b'a'; 3 << 20]);
        let stored = gzip(&body);
        let (r, totals) = windowed("one.warc.gz", &stored, 1 << 16, 64 << 10);
        assert!(
            r.errors.iter().any(|e| e.kind == InputErrorKind::TooLarge),
            "{:?}",
            r.errors
        );
        assert!(
            totals.decompressed_bytes <= WHOLE_FILE_FACTOR * (64 << 10),
            "{}",
            totals.decompressed_bytes
        );
    }

    #[test]
    fn dechunk_cases() {
        assert_eq!(
            dechunk(b"3\r\nabc\r\n0\r\n\r\n"),
            Some((b"abc".to_vec(), true))
        );
        assert_eq!(dechunk(b"<html>"), None);
        assert_eq!(dechunk(b"5\r\nab"), Some((b"ab".to_vec(), false)));
    }
}
