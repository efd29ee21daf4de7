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
        }],
        data: Cow::Owned(out),
        over_limit,
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
