//! Removes the compression layer of a stored file, keeping what decoded before a failure.
//!
//! Gzip is decoded member by member (the semantics of a multi-member decoder) so that each
//! member's place in the stored file is known: WARC archives compress each record as its own
//! member, which makes the member offset the record's address, and a corrupt member can be
//! stepped over to the next one.

use super::SourceCompression;
use std::borrow::Cow;
use std::io::Read;

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b, 0x08];

/// One stretch of decoded output and the stored bytes it came from: a gzip member, or the
/// whole file for zstd and uncompressed data.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub stored_start: u64,
    pub stored_end: u64,
    pub out_start: usize,
    pub out_end: usize,
    /// Decoding stopped inside this segment: its output is only what came before the failure.
    pub failure: Option<String>,
    /// The failure is a member decoding to more than the record limit (its output is dropped).
    pub too_large: bool,
}

#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    pub data: Cow<'a, [u8]>,
    pub segments: Vec<Segment>,
    /// Output exceeded the limit; `data` holds only the first `limit + 1` bytes.
    pub over_limit: bool,
}

impl Decoded<'_> {
    /// The first segment that failed.
    pub fn failure(&self) -> Option<&Segment> {
        self.segments.iter().find(|s| s.failure.is_some())
    }
}

/// How to go on after a corrupt gzip member: `None` stops there (what a multi-member decoder
/// does); `Some(looks_valid)` scans for the next member whose output passes `looks_valid`, so
/// a chance `1f 8b 08` inside compressed data is not taken for a member.
pub(crate) type Resync = Option<fn(&[u8]) -> bool>;

/// Decode `stored`. With `limit`, decoding stops once the output passes `limit` bytes
/// (`over_limit`), so a small compressed bomb cannot exhaust memory.
pub(crate) fn decode(
    stored: &[u8],
    compression: SourceCompression,
    limit: Option<u64>,
    resync: Resync,
) -> Decoded<'_> {
    match compression {
        SourceCompression::None => Decoded {
            over_limit: limit.is_some_and(|l| stored.len() as u64 > l),
            segments: vec![Segment {
                stored_start: 0,
                stored_end: stored.len() as u64,
                out_start: 0,
                out_end: stored.len(),
                failure: None,
                too_large: false,
            }],
            data: Cow::Borrowed(stored),
        },
        SourceCompression::Gzip => gunzip(stored, limit, resync),
        SourceCompression::Zstd => unzstd(stored, limit),
    }
}

/// Read `reader` to its end into `out`, at most up to `limit + 1` bytes of total output.
fn read_limited(reader: impl Read, out: &mut Vec<u8>, limit: Option<u64>) -> std::io::Result<()> {
    match limit {
        Some(l) => {
            let room = (l + 1).saturating_sub(out.len() as u64);
            reader.take(room).read_to_end(out).map(|_| ())
        }
        None => {
            let mut reader = reader;
            reader.read_to_end(out).map(|_| ())
        }
    }
}

fn over(out: &[u8], limit: Option<u64>) -> bool {
    limit.is_some_and(|l| out.len() as u64 > l)
}

/// Decode one gzip member at the start of `input` into `out`; returns the result and how many
/// input bytes the decoder consumed (through the trailer when it succeeded).
fn member(input: &[u8], out: &mut Vec<u8>, limit: Option<u64>) -> (std::io::Result<()>, usize) {
    let mut dec = flate2::bufread::GzDecoder::new(input);
    let result = read_limited(&mut dec, out, limit);
    let rest = dec.into_inner().len();
    (result, input.len() - rest)
}

fn gunzip(stored: &[u8], limit: Option<u64>, resync: Resync) -> Decoded<'_> {
    // Text compresses 3-10x; guessing low only costs a few reallocations.
    let guess = stored.len().saturating_mul(4);
    let mut out = Vec::with_capacity(limit.map_or(guess, |l| guess.min(l as usize + 1)));
    let mut segments: Vec<Segment> = Vec::new();
    let mut over_limit = false;
    let mut pos = 0usize;
    while pos < stored.len() {
        let out_start = out.len();
        let failure = if stored[pos..].starts_with(&GZIP_MAGIC[..2]) {
            let (result, used) = member(&stored[pos..], &mut out, limit);
            let end = pos + used;
            if over(&out, limit) {
                over_limit = true;
                segments.push(segment(pos, end, out_start, out.len(), None));
                break;
            }
            match result {
                Ok(()) if used > 0 => {
                    segments.push(segment(pos, end, out_start, out.len(), None));
                    pos = end;
                    continue;
                }
                Ok(()) => "gzip member consumed no input".to_string(),
                Err(e) => format!(
                    "gzip member at stored byte {pos} is truncated or corrupt ({e}); \
                     decoding stopped at stored byte {end}"
                ),
            }
        } else if stored[pos..].iter().all(|&b| b == 0) {
            // Zero padding after the last member (written by some archivers) is not data.
            break;
        } else if pos == 0 {
            "not gzip data (no 1f 8b magic at byte 0)".to_string()
        } else {
            format!("unexpected non-gzip data at stored byte {pos} after the previous member")
        };
        segments.push(segment(pos, pos, out_start, out.len(), Some(failure)));
        let Some(looks_valid) = resync else { break };
        pos = next_member(stored, pos + 1, &mut out, limit, looks_valid, &mut segments);
    }
    // A failed member's stored bytes run up to the next member that decoded, or the file end.
    fix_failed_ends(&mut segments, stored.len() as u64);
    Decoded {
        data: Cow::Owned(out),
        segments,
        over_limit,
    }
}

fn segment(
    stored_start: usize,
    stored_end: usize,
    out_start: usize,
    out_end: usize,
    failure: Option<String>,
) -> Segment {
    Segment {
        stored_start: stored_start as u64,
        stored_end: stored_end as u64,
        out_start,
        out_end,
        failure,
        too_large: false,
    }
}

/// A failed member extends (for locating purposes) to where the next good member starts.
fn fix_failed_ends(segments: &mut [Segment], stored_len: u64) {
    for i in 0..segments.len() {
        if segments[i].failure.is_some() {
            let next = segments.get(i + 1).map_or(stored_len, |s| s.stored_start);
            segments[i].stored_end = next.max(segments[i].stored_start);
        }
    }
}

/// Scan from `from` for the next gzip member that decodes to plausible output. A candidate that
/// looks like a real member (plausible output) but fails is recorded as another failed segment,
/// since it stands for a record of its own; implausible candidates are chance byte patterns and
/// are passed over silently. Returns where to continue (past the good member it found).
fn next_member(
    stored: &[u8],
    mut from: usize,
    out: &mut Vec<u8>,
    limit: Option<u64>,
    looks_valid: fn(&[u8]) -> bool,
    segments: &mut Vec<Segment>,
) -> usize {
    let finder = memchr::memmem::Finder::new(GZIP_MAGIC);
    while from < stored.len() {
        let Some(i) = finder.find(&stored[from..]) else {
            return stored.len();
        };
        let cand = from + i;
        let mark = out.len();
        let (result, used) = member(&stored[cand..], out, limit);
        let plausible = looks_valid(&out[mark..]);
        match result {
            Ok(()) if plausible && used > 0 => {
                segments.push(segment(cand, cand + used, mark, out.len(), None));
                return cand + used;
            }
            Err(e) if plausible => {
                segments.push(segment(
                    cand,
                    cand + used,
                    mark,
                    out.len(),
                    Some(format!(
                        "gzip member at stored byte {cand} is truncated or corrupt ({e}); \
                         decoding stopped at stored byte {}",
                        cand + used
                    )),
                ));
            }
            _ => out.truncate(mark),
        }
        from = cand + 1;
    }
    stored.len()
}

fn unzstd(stored: &[u8], limit: Option<u64>) -> Decoded<'_> {
    let mut out = Vec::with_capacity(
        stored
            .len()
            .saturating_mul(4)
            .min(limit.map_or(usize::MAX, |l| l as usize + 1)),
    );
    let result = match zstd::stream::read::Decoder::with_buffer(stored) {
        Ok(dec) => read_limited(dec, &mut out, limit),
        Err(e) => Err(e),
    };
    let over_limit = over(&out, limit);
    let failure = match result {
        Err(e) if !over_limit => Some(format!(
            "zstd stream is truncated or corrupt ({e}); decoding stopped after {} decompressed bytes",
            out.len()
        )),
        _ => None,
    };
    Decoded {
        segments: vec![Segment {
            stored_start: 0,
            stored_end: stored.len() as u64,
            out_start: 0,
            out_end: out.len(),
            failure,
            too_large: false,
        }],
        data: Cow::Owned(out),
        over_limit,
    }
}

/// Where decoding of a gzip file read in windows goes on with the next window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resume {
    /// A member (or the end of the data) starts at this stored offset.
    Member(u64),
    /// After damage: look from this stored offset on for the next member that decodes to
    /// plausible output.
    Scan(u64),
    /// A run of zero bytes started at `.0` and reading goes on at `.1`: zeros up to the end
    /// of the file are padding, zeros followed by anything else are damage.
    Zeros(u64, u64),
}

impl Resume {
    /// The first stored byte the next window needs.
    pub fn needs(self) -> u64 {
        match self {
            Resume::Member(p) | Resume::Scan(p) | Resume::Zeros(_, p) => p,
        }
    }
}

/// What [`gunzip_window`] made of one window of stored bytes.
#[derive(Debug)]
pub(crate) struct Window {
    pub data: Vec<u8>,
    /// Stored offsets are absolute; output offsets index `data`.
    pub segments: Vec<Segment>,
    /// Where the next window goes on; `None`: the end of the file was reached.
    pub next: Option<Resume>,
    /// The member at this stored offset decodes past the limit, but `holds_many` says it is
    /// a stream of many records rather than one oversized record: the caller decides.
    pub stream_at: Option<u64>,
}

/// How [`gunzip_window`] tells real members from chance magic bytes (`looks_valid`, see
/// [`Resync`]) and a stream of many records from one oversized record (`holds_many`).
#[derive(Clone, Copy)]
pub(crate) struct Probe {
    pub looks_valid: fn(&[u8]) -> bool,
    pub holds_many: fn(&[u8]) -> bool,
}

/// Decode the gzip members in `stored`, the file's bytes from stored offset `base` on,
/// beginning as `from` says (so `base <= from.needs()`). Same results as [`decode`] with
/// resync on the whole file, member by member, except that one member may decode to at most
/// `limit` bytes: past that its output is dropped and it becomes a failed segment marked
/// `too_large`. A member the window end cuts off (`at_eof` false) is left for the next window,
/// and so are the members after `budget` bytes of output: `next` says where to go on.
pub(crate) fn gunzip_window(
    stored: &[u8],
    base: u64,
    from: Resume,
    at_eof: bool,
    limit: Option<u64>,
    budget: usize,
    probe: Probe,
) -> Window {
    let len = stored.len();
    let rel = |abs: u64| (abs.saturating_sub(base) as usize).min(len);
    let finder = memchr::memmem::Finder::new(GZIP_MAGIC);
    let mut out: Vec<u8> = Vec::new();
    let mut segments: Vec<Segment> = Vec::new();
    let mut stream_at = None;
    let failed =
        |segments: &mut Vec<Segment>, start: u64, end: u64, out: &[u8], from: usize, why| {
            segments.push(Segment {
                stored_start: start,
                stored_end: end,
                out_start: from,
                out_end: out.len(),
                failure: Some(why),
                too_large: false,
            });
        };
    // A member past the limit: one oversized record, or a stream the caller reads otherwise.
    let too_large =
        |segments: &mut Vec<Segment>, out: &mut Vec<u8>, mark: usize, abs: u64, used| {
            let many = (probe.holds_many)(&out[mark..]);
            out.truncate(mark);
            if many {
                return true;
            }
            segments.push(Segment {
            stored_start: abs,
            stored_end: abs + used as u64,
            out_start: mark,
            out_end: mark,
            failure: Some(format!(
                "gzip member at stored byte {abs} decodes to more than {} bytes (max_record_bytes, \
                 or {} times it for a file that is one gzip stream)",
                limit.unwrap_or_default(),
                crate::source::warc::WHOLE_FILE_FACTOR
            )),
            too_large: true,
        });
            false
        };
    let over = |out: &[u8], mark: usize| limit.is_some_and(|l| (out.len() - mark) as u64 > l);
    let room = |mark: usize| limit.map(|l| l + mark as u64);
    let mut at = from;
    let next = loop {
        match at {
            Resume::Member(abs) => {
                let pos = rel(abs);
                let rest = &stored[pos..];
                if rest.is_empty() || (!at_eof && rest.len() < 2) {
                    break (!at_eof).then_some(at);
                }
                if out.len() >= budget {
                    break Some(at);
                }
                let mark = out.len();
                let why = if rest.starts_with(&GZIP_MAGIC[..2]) {
                    let (result, used) = member(rest, &mut out, room(mark));
                    if over(&out, mark) {
                        if too_large(&mut segments, &mut out, mark, abs, used) {
                            stream_at = Some(abs);
                            break Some(at);
                        }
                        at = Resume::Scan(abs + 1);
                        continue;
                    }
                    match result {
                        Ok(()) if used > 0 => {
                            segments.push(segment(0, 0, mark, out.len(), None));
                            let s = segments.last_mut().expect("just pushed");
                            (s.stored_start, s.stored_end) = (abs, abs + used as u64);
                            at = Resume::Member(abs + used as u64);
                            continue;
                        }
                        // Cut off by the window end: decode it again with more data.
                        _ if !at_eof && used >= rest.len() => {
                            out.truncate(mark);
                            break Some(at);
                        }
                        Ok(()) => "gzip member consumed no input".to_string(),
                        Err(e) => format!(
                            "gzip member at stored byte {abs} is truncated or corrupt ({e}); \
                             decoding stopped at stored byte {}",
                            abs + used as u64
                        ),
                    }
                } else if rest.iter().all(|&b| b == 0) {
                    if at_eof {
                        break None;
                    }
                    break Some(Resume::Zeros(abs, base + len as u64));
                } else if abs == 0 {
                    "not gzip data (no 1f 8b magic at byte 0)".to_string()
                } else {
                    format!(
                        "unexpected non-gzip data at stored byte {abs} after the previous member"
                    )
                };
                failed(&mut segments, abs, abs, &out, mark, why);
                at = Resume::Scan(abs + 1);
            }
            Resume::Zeros(start, abs) => {
                let pos = rel(abs);
                let Some(i) = stored[pos..].iter().position(|&b| b != 0) else {
                    break (!at_eof).then_some(Resume::Zeros(start, base + len as u64));
                };
                let why = if start == 0 {
                    "not gzip data (no 1f 8b magic at byte 0)".to_string()
                } else {
                    format!(
                        "unexpected non-gzip data at stored byte {start} after the previous member"
                    )
                };
                let mark = out.len();
                failed(&mut segments, start, start, &out, mark, why);
                // Zeros hold no magic: scanning from the first other byte finds what
                // scanning from `start + 1` would.
                at = Resume::Scan(base + (pos + i) as u64);
            }
            Resume::Scan(abs) => {
                let from = rel(abs);
                let Some(i) = finder.find(&stored[from..]) else {
                    // Keep the last two bytes: a magic may straddle the window end.
                    break (!at_eof)
                        .then(|| Resume::Scan(base + len.saturating_sub(2).max(from) as u64));
                };
                let cand = from + i;
                let cabs = base + cand as u64;
                let mark = out.len();
                let (result, used) = member(&stored[cand..], &mut out, room(mark));
                let plausible = (probe.looks_valid)(&out[mark..]);
                if plausible && over(&out, mark) {
                    if too_large(&mut segments, &mut out, mark, cabs, used) {
                        stream_at = Some(cabs);
                        break Some(Resume::Member(cabs));
                    }
                    at = Resume::Scan(cabs + 1);
                    continue;
                }
                match result {
                    Ok(()) if plausible && used > 0 => {
                        segments.push(segment(0, 0, mark, out.len(), None));
                        let s = segments.last_mut().expect("just pushed");
                        (s.stored_start, s.stored_end) = (cabs, cabs + used as u64);
                        at = Resume::Member(cabs + used as u64);
                    }
                    _ if !at_eof && cand + used >= len => {
                        out.truncate(mark);
                        break Some(Resume::Scan(cabs));
                    }
                    Err(e) if plausible => {
                        let why = format!(
                            "gzip member at stored byte {cabs} is truncated or corrupt ({e}); \
                             decoding stopped at stored byte {}",
                            cabs + used as u64
                        );
                        failed(&mut segments, cabs, cabs + used as u64, &out, mark, why);
                        at = Resume::Scan(cabs + 1);
                    }
                    _ => {
                        out.truncate(mark);
                        at = Resume::Scan(cabs + 1);
                    }
                }
            }
        }
    };
    Window {
        data: out,
        segments,
        next,
        stream_at,
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{gzip, zstd};
    use super::*;

    #[test]
    fn multi_member_gzip_reports_member_offsets() {
        let a = gzip(b"first ");
        let b = gzip(b"second");
        let stored = [a.clone(), b.clone()].concat();
        let d = decode(&stored, SourceCompression::Gzip, None, None);
        assert_eq!(&d.data[..], b"first second");
        assert_eq!(d.segments.len(), 2);
        assert_eq!(d.segments[1].stored_start, a.len() as u64);
        assert_eq!(d.segments[1].stored_end, stored.len() as u64);
        assert_eq!(d.segments[1].out_start, 6);
        assert!(d.failure().is_none());
    }

    #[test]
    fn truncated_gzip_keeps_prefix_and_fails() {
        let data: Vec<u8> = (0..20000u32)
            .flat_map(|i| format!("line {i}\n").into_bytes())
            .collect();
        let gz = gzip(&data);
        let d = decode(&gz[..gz.len() / 2], SourceCompression::Gzip, None, None);
        assert!(d.failure().is_some());
        assert!(!d.data.is_empty() && d.data.len() < data.len());
        assert_eq!(&d.data[..], &data[..d.data.len()]);
    }

    #[test]
    fn resync_skips_corrupt_member() {
        let a = gzip(b"WARC/1.0 a");
        let mut b = gzip(&b"WARC/1.0 b".repeat(50));
        let c = gzip(b"WARC/1.0 c");
        let mid = b.len() / 2;
        b[12..mid].iter_mut().for_each(|x| *x = 0xff);
        let stored = [a, b, c].concat();
        let d = decode(
            &stored,
            SourceCompression::Gzip,
            None,
            Some(|o| o.starts_with(b"WARC/")),
        );
        assert_eq!(d.segments.len(), 3, "{:?}", d.segments);
        assert!(d.segments[1].failure.is_some());
        assert!(d.data.ends_with(b"WARC/1.0 c"));
    }

    #[test]
    fn limit_stops_early() {
        let gz = gzip(&vec![b'a'; 1 << 20]);
        let d = decode(&gz, SourceCompression::Gzip, Some(1000), None);
        assert!(d.over_limit);
        assert_eq!(d.data.len(), 1001);
        let z = zstd(&vec![b'a'; 1 << 20]);
        let d = decode(&z, SourceCompression::Zstd, Some(1000), None);
        assert!(d.over_limit);
    }
}
