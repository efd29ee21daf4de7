//! The shapes of the output records. Field order here is the order in the files; README.md
//! documents every field.

use crate::doc::{Extracted, Provenance};
use crate::r#gen::vocab::push_num_bytes as push_num;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One line of `corpus.jsonl` (and of `scour clean`'s output).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CorpusRecord {
    pub id: String,
    pub text: String,
    pub source: Provenance,
    pub metadata: Metadata,
    pub removed: Vec<RemovedSpan>,
    pub passages: Vec<PassageRecord>,
    /// blake3 (128 bits, hex) of the document's fingerprint text.
    pub hash: String,
    /// Index of the document's cluster in `duplicates.jsonl`, if it is in one.
    pub cluster: Option<u64>,
    /// Set in `annotate` mode when the whole document duplicates an earlier one.
    pub duplicate_of: Option<DocLink>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Metadata {
    #[serde(flatten)]
    pub extracted: Extracted,
    /// Fields the input carried besides the text (JSONL fields, HTML title, WARC headers).
    #[serde(skip_serializing_if = "Map::is_empty", default)]
    pub fields: Map<String, Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RemovedSpan {
    pub rule: String,
    pub byte_start: usize,
    pub byte_end: usize,
    pub text: String,
    /// For `duplicate_passage`: the passage it repeats.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub duplicate_of: Option<PassageLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PassageRecord {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub hash: String,
    pub cluster: Option<u64>,
    /// Set in `annotate` mode when the passage repeats one of an earlier document.
    pub duplicate_of: Option<PassageLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocLink {
    pub id: String,
    pub similarity: f64,
    pub exact: bool,
}

/// A passage of a kept document: `passage` indexes its `passages` in the corpus.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PassageLink {
    pub id: String,
    pub passage: usize,
    pub similarity: f64,
    pub exact: bool,
}

/// One line of `dropped.jsonl`: an input record that is not in the corpus, and why.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedRecord {
    pub id: Option<String>,
    pub source: DroppedSource,
    pub reason: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<DocLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
}

/// Where a dropped record came from; for input errors only what is known.
#[derive(Debug, Clone, Serialize)]
pub struct DroppedSource {
    pub path: String,
    pub record: Option<u64>,
    pub line: Option<u64>,
    pub byte: Option<u64>,
}

/// One line of `duplicates.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct ClusterRecord {
    pub cluster: u64,
    /// "document" or "passage".
    pub level: &'static str,
    /// "exact" when every member has the same fingerprint text, else "near".
    pub kind: &'static str,
    pub keeper: MemberRef,
    pub members: Vec<ClusterMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemberRef {
    pub id: String,
    /// Passage clusters: the passage's index in the corpus record, if it is still there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<usize>,
    /// Passage clusters: the passage's range in the document's source text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub byte_end: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ClusterMember {
    #[serde(flatten)]
    pub member: MemberRef,
    /// Estimated Jaccard similarity to the keeper (1 for exact copies and the keeper itself).
    pub similarity: f64,
    /// Whether the member is in the corpus as itself: the keeper, a member no kept member is
    /// similar enough to, or a copy whose keeper lost all its text to earlier documents.
    pub kept: bool,
    /// The kept member this one duplicates, when it is not kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<MemberRef>,
}

impl CorpusRecord {
    /// The record as compact JSON, byte for byte what `serde_json::to_writer` writes, with the
    /// passages written by hand: a document has hundreds of them, and serde's field-by-field
    /// writing (each key scanned for escapes, each field through the serializer) cost more than
    /// the rest of the record.
    pub fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        self.write_json_with(out, |out| write_passages(out, &self.passages))
    }

    /// [`CorpusRecord::write_json`] with the passages (what goes between the brackets of
    /// `"passages":[...]`) written by `passages` instead of from `self.passages`: a staged
    /// record writes its passages straight from the pipeline's, without a `String` for each
    /// hash.
    pub fn write_json_with(
        &self,
        out: &mut Vec<u8>,
        passages: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
    ) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"id\":");
        push_json_str(out, &self.id);
        out.extend_from_slice(b",\"text\":");
        push_json_str(out, &self.text);
        out.extend_from_slice(b",\"source\":");
        serde_json::to_writer(&mut *out, &self.source)?;
        out.extend_from_slice(b",\"metadata\":");
        serde_json::to_writer(&mut *out, &self.metadata)?;
        out.extend_from_slice(b",\"removed\":");
        serde_json::to_writer(&mut *out, &self.removed)?;
        write_tail(
            out,
            passages,
            &self.hash,
            self.cluster,
            self.duplicate_of.as_ref(),
        )
    }
}

/// A record's JSON from its passages on: `,"passages":[...],"hash":...,"cluster":...,
/// "duplicate_of":...}`.
fn write_tail(
    out: &mut Vec<u8>,
    passages: impl FnOnce(&mut Vec<u8>) -> serde_json::Result<()>,
    hash: &str,
    cluster: Option<u64>,
    duplicate_of: Option<&DocLink>,
) -> serde_json::Result<()> {
    out.extend_from_slice(b",\"passages\":[");
    passages(out)?;
    out.extend_from_slice(b"],\"hash\":");
    push_json_str(out, hash);
    out.extend_from_slice(b",\"cluster\":");
    push_opt_num(out, cluster);
    out.extend_from_slice(b",\"duplicate_of\":");
    serde_json::to_writer(&mut *out, &duplicate_of)?;
    out.push(b'}');
    Ok(())
}

fn write_passages(out: &mut Vec<u8>, passages: &[PassageRecord]) -> serde_json::Result<()> {
    write_joined(out, passages, |out, p| p.write_json(out))
}

/// Each of `items` written by `write`, apart by commas: the elements of a JSON array.
pub fn write_joined<T>(
    out: &mut Vec<u8>,
    items: impl IntoIterator<Item = T>,
    mut write: impl FnMut(&mut Vec<u8>, T) -> serde_json::Result<()>,
) -> serde_json::Result<()> {
    for (k, item) in items.into_iter().enumerate() {
        if k > 0 {
            out.push(b',');
        }
        write(out, item)?;
    }
    Ok(())
}

impl PassageRecord {
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        write_passage_json(
            out,
            [self.start, self.end, self.byte_start, self.byte_end],
            &self.hash,
            self.cluster,
            self.duplicate_of.as_ref(),
        )
    }
}

/// A [`PassageRecord`] as JSON from its fields: `[start, end, byte_start, byte_end]`, the hash,
/// the cluster and the duplicate link.
pub fn write_passage_json(
    out: &mut Vec<u8>,
    [start, end, byte_start, byte_end]: [usize; 4],
    hash: &str,
    cluster: Option<u64>,
    duplicate_of: Option<&PassageLink>,
) -> serde_json::Result<()> {
    out.extend_from_slice(b"{\"start\":");
    push_num(out, start as u64);
    out.extend_from_slice(b",\"end\":");
    push_num(out, end as u64);
    out.extend_from_slice(b",\"byte_start\":");
    push_num(out, byte_start as u64);
    out.extend_from_slice(b",\"byte_end\":");
    push_num(out, byte_end as u64);
    out.extend_from_slice(b",\"hash\":");
    // Hashes are lowercase hex, which needs no escaping; anything else goes through serde.
    if is_hex(hash) {
        out.push(b'"');
        out.extend_from_slice(hash.as_bytes());
        out.push(b'"');
    } else {
        serde_json::to_writer(&mut *out, hash)?;
    }
    write_passage_end(out, cluster, duplicate_of)
}

/// A passage's JSON from its cluster on: `,"cluster":...,"duplicate_of":...}`.
fn write_passage_end(
    out: &mut Vec<u8>,
    cluster: Option<u64>,
    duplicate_of: Option<&PassageLink>,
) -> serde_json::Result<()> {
    out.extend_from_slice(b",\"cluster\":");
    push_opt_num(out, cluster);
    out.extend_from_slice(b",\"duplicate_of\":");
    match duplicate_of {
        None => out.extend_from_slice(b"null"),
        Some(link) => serde_json::to_writer(&mut *out, link)?,
    }
    out.push(b'}');
    Ok(())
}

/// The fields of a record before its passages, for [`CorpusRecord::from_json`].
#[derive(Deserialize)]
struct Head {
    id: String,
    text: String,
    source: Provenance,
    metadata: Metadata,
    removed: Vec<RemovedSpan>,
    /// A second `passages` key, which serde refuses in a whole record.
    #[serde(default)]
    passages: Option<serde::de::IgnoredAny>,
}

impl CorpusRecord {
    /// A record read back from JSON (with or without a line end): what `serde_json::from_slice`
    /// gives. Records as [`CorpusRecord::write_json`] writes them before any corpus-wide
    /// decision (passages with no cluster and no duplicate link, no document link) have their
    /// passages and the fields after them read by hand, and only the fields before them through
    /// serde: a long document has hundreds of passages, and serde's field-by-field reading of
    /// them cost more than the rest of the record. Anything else is read by serde alone.
    pub fn from_json(line: &[u8]) -> serde_json::Result<CorpusRecord> {
        match CorpusRecord::from_written_json(line) {
            Some(rec) => Ok(rec),
            None => serde_json::from_slice(line),
        }
    }

    fn from_written_json(line: &[u8]) -> Option<CorpusRecord> {
        let written = WrittenRecord::parse(line)?;
        let mut head = Vec::with_capacity(written.head.len() + 1);
        head.extend_from_slice(written.head);
        head.push(b'}');
        let head: Head = serde_json::from_slice(&head).ok()?;
        if head.passages.is_some() {
            return None;
        }
        Some(CorpusRecord {
            id: head.id,
            text: head.text,
            source: head.source,
            metadata: head.metadata,
            removed: head.removed,
            passages: written
                .passages
                .iter()
                .map(WrittenPassage::record)
                .collect(),
            hash: written.hash.to_string(),
            cluster: written.cluster,
            duplicate_of: None,
        })
    }
}

/// A record as [`CorpusRecord::write_json`] writes it before any corpus-wide decision, split
/// at its passages: the fields before them as written (id, text, source, metadata, removed),
/// and the passages and the fields after them, read. A decision that keeps a record's text
/// (cluster ids, duplicate links) rewrites only the passages' cluster and link and the fields
/// after them, and copies the rest: reading the text back through serde and writing it again
/// cost a tenth of a run on template-heavy corpora, where most records hold a passage some
/// cluster keeps; and so did reading each passage into a [`PassageRecord`] (its hash into a
/// `String` of its own) to write it again unchanged but for those two fields.
pub struct WrittenRecord<'a> {
    /// The record's JSON up to `,"passages":[`, not included: `{"id":...,"removed":[...]`.
    pub head: &'a [u8],
    pub passages: Vec<WrittenPassage<'a>>,
    pub hash: &'a str,
    pub cluster: Option<u64>,
}

/// A passage of a [`WrittenRecord`]: as written up to its cluster, and read.
pub struct WrittenPassage<'a> {
    /// `{"start":...,"hash":"..."`: all of the passage's JSON before `,"cluster":`.
    body: &'a str,
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub hash: &'a str,
}

impl WrittenPassage<'_> {
    fn record(&self) -> PassageRecord {
        PassageRecord {
            start: self.start,
            end: self.end,
            byte_start: self.byte_start,
            byte_end: self.byte_end,
            hash: self.hash.to_string(),
            cluster: None,
            duplicate_of: None,
        }
    }
}

impl<'a> WrittenRecord<'a> {
    /// `None` when `line` (with or without a line end) is not of that shape: passages with no
    /// cluster and no link, hashes in lowercase hex, no link for the document. The fields
    /// before the passages are not checked: a staged record was written by scour and its
    /// part's checksum holds.
    pub fn parse(line: &'a [u8]) -> Option<WrittenRecord<'a>> {
        const KEY: &[u8] = b",\"passages\":[";
        // The passages and the fields after them hold numbers, lowercase hex, nulls and keys
        // without a `g`: the last `g` of the line is the one of their key (a search from the
        // end that skips many bytes at a time), or the line is not of this shape.
        let at = memchr::memrchr(b'g', line)?.checked_sub(7)?;
        if !line[at..].starts_with(KEY) {
            return None;
        }
        // One UTF-8 check for all of it: the hashes are slices of it.
        let tail = std::str::from_utf8(&line[at + KEY.len()..]).ok()?;
        let mut r = Bytes(tail.as_bytes(), tail);
        // A passage takes at least 100 bytes with its hash: room for all of them at once.
        let mut passages = Vec::with_capacity(tail.len() / 100 + 1);
        if !r.eat(b"]") {
            loop {
                passages.push(r.passage()?);
                if r.eat(b"]") {
                    break;
                }
                r.expect(b",")?;
            }
        }
        r.expect(b",\"hash\":")?;
        let hash = r.hex()?;
        r.expect(b",\"cluster\":")?;
        let cluster = r.opt_num()?;
        r.expect(b",\"duplicate_of\":null}")?;
        if !r
            .0
            .iter()
            .all(|b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        {
            return None;
        }
        Some(WrittenRecord {
            head: &line[..at],
            passages,
            hash,
            cluster,
        })
    }

    /// The record with its head and each passage's fields up to its cluster as written, the
    /// passages' clusters and links from `passage` (by their index), and `cluster` and
    /// `duplicate_of` for the document: what [`CorpusRecord::write_json`] writes for the
    /// record read back and given those.
    pub fn write_json<'l>(
        &self,
        out: &mut Vec<u8>,
        mut passage: impl FnMut(usize) -> (Option<u64>, Option<&'l PassageLink>),
        cluster: Option<u64>,
        duplicate_of: Option<&DocLink>,
    ) -> serde_json::Result<()> {
        out.extend_from_slice(self.head);
        write_tail(
            out,
            |out| {
                write_joined(out, self.passages.iter().enumerate(), |out, (k, p)| {
                    out.extend_from_slice(p.body.as_bytes());
                    let (cluster, link) = passage(k);
                    write_passage_end(out, cluster, link)
                })
            },
            self.hash,
            cluster,
            duplicate_of,
        )
    }
}

/// What is left of the JSON being read by [`CorpusRecord::from_json`], as bytes, and the whole
/// text it is the end of.
struct Bytes<'a>(&'a [u8], &'a str);

impl<'a> Bytes<'a> {
    fn eat(&mut self, lit: &[u8]) -> bool {
        match self.0.strip_prefix(lit) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, lit: &[u8]) -> Option<()> {
        self.eat(lit).then_some(())
    }

    /// A number as JSON writes an unsigned integer (no sign, no leading zero, no fraction or
    /// exponent); `None` for anything else, or past `u64`.
    fn num(&mut self) -> Option<u64> {
        let n = self.0.iter().take_while(|b| b.is_ascii_digit()).count();
        let (digits, rest) = self.0.split_at(n);
        if n == 0
            || (n > 1 && digits[0] == b'0')
            || matches!(rest.first(), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        let mut v = 0u64;
        for &d in digits {
            v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        self.0 = rest;
        Some(v)
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.num()?).ok()
    }

    fn opt_num(&mut self) -> Option<Option<u64>> {
        if self.eat(b"null") {
            return Some(None);
        }
        self.num().map(Some)
    }

    /// A string of lowercase hex digits (what digests are written as); `None` for any other
    /// string, which may hold escapes. The closing quote is found first and the digits
    /// tested after, without a branch per byte ([`hex_digits`]).
    fn hex(&mut self) -> Option<&'a str> {
        self.expect(b"\"")?;
        let n = memchr::memchr(b'"', self.0)?;
        if !hex_digits(&self.0[..n], 0) {
            return None;
        }
        let at = self.1.len() - self.0.len();
        self.0 = &self.0[n + 1..];
        // ASCII: the slice is on character boundaries.
        self.1.get(at..at + n)
    }

    /// One passage as [`PassageRecord::write_json`] writes it, with no cluster and no link.
    fn passage(&mut self) -> Option<WrittenPassage<'a>> {
        let at = self.1.len() - self.0.len();
        self.expect(b"{\"start\":")?;
        let start = self.usize()?;
        self.expect(b",\"end\":")?;
        let end = self.usize()?;
        self.expect(b",\"byte_start\":")?;
        let byte_start = self.usize()?;
        self.expect(b",\"byte_end\":")?;
        let byte_end = self.usize()?;
        self.expect(b",\"hash\":")?;
        let hash = self.hex()?;
        // ASCII up to here: the slice is on character boundaries.
        let body = self.1.get(at..self.1.len() - self.0.len())?;
        self.expect(b",\"cluster\":null,\"duplicate_of\":null}")?;
        Some(WrittenPassage {
            body,
            start,
            end,
            byte_start,
            byte_end,
            hash,
        })
    }
}

/// `s` as a JSON string, byte for byte what `serde_json::to_writer` writes: `"` and `\\`
/// escaped, `\b \t \n \f \r` by name, other control characters as `\u00xx`, the rest as it
/// is. Eight bytes at a time are let through while none of them needs escaping: a text is
/// mostly plain, and serde looks up every byte.
pub fn push_json_str(out: &mut Vec<u8>, s: &str) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    /// Whether any byte of `x` is below 0x20, a quote or a backslash (exact: a borrow only
    /// starts at a byte that matches).
    fn any_special(x: u64) -> bool {
        let control = x.wrapping_sub(ONES * 0x20) & !x;
        let q = x ^ (ONES * u64::from(b'"'));
        let quote = q.wrapping_sub(ONES) & !q;
        let b = x ^ (ONES * u64::from(b'\\'));
        let backslash = b.wrapping_sub(ONES) & !b;
        (control | quote | backslash) & HIGH != 0
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if !any_special(u64::from_le_bytes(w)) {
                i += 8;
                continue;
            }
        }
        let c = bytes[i];
        let named = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            0x09 => b't',
            0x0A => b'n',
            0x0C => b'f',
            0x0D => b'r',
            0..0x20 => b'u',
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        if named == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(c >> 4)]);
            out.push(HEX[usize::from(c & 15)]);
        } else {
            out.push(b'\\');
            out.push(named);
        }
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Whether every byte of `s` is an ASCII hex digit (`u8::is_ascii_hexdigit`).
fn is_hex(s: &str) -> bool {
    hex_digits(s.as_bytes(), 0x20)
}

/// Whether every byte is a hex digit; `fold` 0x20 takes upper case letters too, 0 only lower
/// case. Tested without a branch per byte so that the test over a passage hash runs as a few
/// vector operations: stopping at the first byte that fails cost more than the rest of the
/// passage's record.
fn hex_digits(bytes: &[u8], fold: u8) -> bool {
    bytes.iter().fold(true, |ok, &b| {
        ok & ((b.wrapping_sub(b'0') < 10) | ((b | fold).wrapping_sub(b'a') < 6))
    })
}

fn push_opt_num(out: &mut Vec<u8>, n: Option<u64>) {
    match n {
        Some(n) => push_num(out, n),
        None => out.extend_from_slice(b"null"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written record JSON is serde's, byte for byte: records with and without
    /// passages, clusters and links, texts and hashes that need escaping, large numbers.
    #[test]
    fn hand_written_json_is_serde_json() {
        let link = PassageLink {
            id: "doc-\"7\"".into(),
            passage: 3,
            similarity: 0.8125,
            exact: false,
        };
        let passage = |k: usize| PassageRecord {
            start: k * 10,
            end: k * 10 + 9,
            byte_start: usize::MAX - k,
            byte_end: 0,
            hash: match k % 3 {
                0 => "0123456789abcdef0123456789abcdef".into(),
                1 => "not \"hex\"\n\u{e9}".into(),
                _ => String::new(),
            },
            cluster: k.is_multiple_of(2).then_some(u64::MAX - k as u64),
            duplicate_of: (k % 4 == 1).then(|| link.clone()),
        };
        for n in [0usize, 1, 2, 7] {
            let mut rec = CorpusRecord {
                id: "a\u{1}b".into(),
                text: "Line one \"quoted\"\n\nLine \\ two \u{2028} caf\u{e9}".into(),
                source: Provenance {
                    path: "in/\"a\".jsonl".into(),
                    format: crate::doc::Format::Jsonl,
                    record: 4,
                    byte_start: 10,
                    byte_end: 99,
                    url: Some("https://example.org/?q=\u{e9}".into()),
                    warc_record_id: None,
                },
                metadata: Metadata::default(),
                removed: vec![RemovedSpan {
                    rule: "read_more".into(),
                    byte_start: 1,
                    byte_end: 2,
                    text: "Read more \u{2192}".into(),
                    duplicate_of: None,
                }],
                passages: (0..n).map(passage).collect(),
                hash: "ff".into(),
                cluster: (n % 2 == 1).then_some(n as u64),
                duplicate_of: (n == 2).then(|| DocLink {
                    id: "x".into(),
                    similarity: 1.0,
                    exact: true,
                }),
            };
            rec.metadata
                .fields
                .insert("title".into(), Value::String("T\u{7f}".into()));
            let mut ours = Vec::new();
            rec.write_json(&mut ours).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&rec).unwrap(),
                "{n} passages"
            );
        }
    }

    #[test]
    fn hex_test_is_ascii_hexdigit() {
        for b in 0..=255u8 {
            let s = [b'a', b, b'0'];
            if let Ok(s) = std::str::from_utf8(&s) {
                assert_eq!(is_hex(s), b.is_ascii_hexdigit(), "{b:#x}");
            }
        }
        assert!(is_hex("") && is_hex("0123456789abcdefABCDEF"));
        assert!(!is_hex("0123456789abcdef0123456789abcdeg") && !is_hex("\u{e9}"));
        for b in 0..=255u8 {
            let want = b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
            assert_eq!(hex_digits(&[b'a', b, b'0'], 0), want, "{b:#x}");
        }
    }

    /// Strings are escaped as serde escapes them: every ASCII byte, around the edges of the
    /// eight-byte blocks, among multi-byte characters.
    #[test]
    fn json_strings_are_serde_json_strings() {
        let check = |s: &str| {
            let mut ours = Vec::new();
            push_json_str(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).unwrap(), "{s:?}");
        };
        for c in (0u8..128)
            .map(char::from)
            .chain(['\u{e9}', '\u{2028}', '\u{1f600}'])
        {
            for pad in 0..18 {
                let a = "x".repeat(pad);
                check(&format!("{a}{c}"));
                check(&format!("{a}{c}{a}{c}y"));
                check(&format!("\u{e9}{a}{c}\u{e9}"));
            }
        }
        let pieces = [
            "a", "\"", "\\", "\n", "\u{1}", "\u{1f}", " ", "\u{7f}", "\u{e9}", "\u{2014}", "\t",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(5);
        for _ in 0..3000 {
            let n = rng.below(40);
            check(&rng.concat(&pieces, n));
        }
    }

    /// Records read back by hand are what serde reads, whether or not the fast path takes them:
    /// staged records (no links), with clusters, with links (serde's), with hashes that are not
    /// hex, with texts and metadata that hold the passages key themselves.
    #[test]
    fn records_read_back_as_serde_reads_them() {
        let link = PassageLink {
            id: "d".into(),
            passage: 1,
            similarity: 0.5,
            exact: false,
        };
        let tricky = ",\"passages\":[{\"start\":1}],\"hash\":\"00\"";
        let (mut fast, mut spliced) = (0, 0);
        for k in 0..48usize {
            let passages = (0..k % 5)
                .map(|i| PassageRecord {
                    start: i * 7,
                    end: i * 7 + 5,
                    byte_start: if k % 7 == 3 { usize::MAX - i } else { i * 11 },
                    byte_end: i * 11 + 10,
                    hash: match (k / 5) % 4 {
                        0 | 1 => format!("{:032x}", (i as u128 + 1) * 0x9e37_79b9_7f4a_7c15),
                        2 => String::new(),
                        _ => "AB\"c".into(),
                    },
                    cluster: (k % 3 == 1).then_some(i as u64 * 10),
                    duplicate_of: (k % 11 == 5 && i == 1).then(|| link.clone()),
                })
                .collect();
            let mut rec = CorpusRecord {
                id: format!("{k:016x}"),
                text: if k % 2 == 0 {
                    "Plain text\n\nand more".into()
                } else {
                    format!("Quoted {tricky} \\ \u{e9}")
                },
                source: Provenance {
                    path: "in/a.jsonl".into(),
                    format: crate::doc::Format::Jsonl,
                    record: k as u64,
                    byte_start: 0,
                    byte_end: 9,
                    url: None,
                    warc_record_id: None,
                },
                metadata: Metadata::default(),
                removed: vec![],
                passages,
                hash: if k % 13 == 4 {
                    "X".into()
                } else {
                    format!("{k:032x}")
                },
                cluster: (k % 4 == 2).then_some(k as u64),
                duplicate_of: (k % 9 == 8).then(|| DocLink {
                    id: "e".into(),
                    similarity: 0.9,
                    exact: false,
                }),
            };
            if k % 6 == 1 {
                rec.metadata.fields.insert(
                    "passages".into(),
                    serde_json::json!([{"start": 1, "end": 2}, tricky]),
                );
            }
            let mut line = Vec::new();
            rec.write_json(&mut line).unwrap();
            if k % 2 == 1 {
                line.push(b'\n');
            }
            let want: CorpusRecord = serde_json::from_slice(&line).unwrap();
            let got = CorpusRecord::from_json(&line).unwrap();
            assert_eq!(format!("{got:?}"), format!("{want:?}"), "record {k}");
            fast += usize::from(CorpusRecord::from_written_json(&line).is_some());
            // Rewritten with new clusters and links from the passages on, the head copied:
            // the same bytes as the record read back whole, changed and written again.
            if let Some(written) = WrittenRecord::parse(&line) {
                let mut whole = got;
                let clusters: Vec<Option<u64>> = (0..written.passages.len())
                    .map(|i| (i % 2 == 0).then_some(i as u64 + 1))
                    .collect();
                let links: Vec<Option<PassageLink>> = (0..written.passages.len())
                    .map(|i| (i == 1).then(|| link.clone()))
                    .collect();
                assert_eq!(written.passages.len(), whole.passages.len());
                for (i, b) in whole.passages.iter_mut().enumerate() {
                    b.cluster = clusters[i];
                    b.duplicate_of = links[i].clone();
                }
                whole.cluster = Some(9);
                whole.duplicate_of = Some(DocLink {
                    id: "f\"g".into(),
                    similarity: 0.75,
                    exact: false,
                });
                let (mut a, mut b) = (Vec::new(), Vec::new());
                written
                    .write_json(
                        &mut a,
                        |k| (clusters[k], links[k].as_ref()),
                        whole.cluster,
                        whole.duplicate_of.as_ref(),
                    )
                    .unwrap();
                whole.write_json(&mut b).unwrap();
                assert_eq!(String::from_utf8(a).unwrap(), String::from_utf8(b).unwrap());
                spliced += 1;
            }
        }
        assert_eq!(
            spliced, fast,
            "every record read by hand can be rewritten in place"
        );
        // Half the records are read by hand; the others (clusters, links, hashes that are not
        // hex) by serde.
        assert!(fast >= 24, "{fast} of 48 read by hand");
        // What serde refuses is refused, not read by hand.
        for bad in [
            &b"{\"id\":\"a\",\"passages\":[],\"hash\":\"00\",\"cluster\":null,\"duplicate_of\":null}"[..],
            b"{\"id\":\"a\",\"text\":\"t\",\"source\":{},\"metadata\":{},\"removed\":[],\"passages\":[{\"start\":01,\"end\":1,\"byte_start\":0,\"byte_end\":0,\"hash\":\"0\",\"cluster\":null,\"duplicate_of\":null}],\"hash\":\"00\",\"cluster\":null,\"duplicate_of\":null}",
        ] {
            assert!(serde_json::from_slice::<CorpusRecord>(bad).is_err());
            assert!(CorpusRecord::from_json(bad).is_err());
        }
    }
}
