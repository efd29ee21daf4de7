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
        out.extend_from_slice(b"{\"id\":");
        serde_json::to_writer(&mut *out, &self.id)?;
        out.extend_from_slice(b",\"text\":");
        serde_json::to_writer(&mut *out, &self.text)?;
        out.extend_from_slice(b",\"source\":");
        serde_json::to_writer(&mut *out, &self.source)?;
        out.extend_from_slice(b",\"metadata\":");
        serde_json::to_writer(&mut *out, &self.metadata)?;
        out.extend_from_slice(b",\"removed\":");
        serde_json::to_writer(&mut *out, &self.removed)?;
        out.extend_from_slice(b",\"passages\":[");
        for (k, p) in self.passages.iter().enumerate() {
            if k > 0 {
                out.push(b',');
            }
            p.write_json(out)?;
        }
        out.extend_from_slice(b"],\"hash\":");
        serde_json::to_writer(&mut *out, &self.hash)?;
        out.extend_from_slice(b",\"cluster\":");
        push_opt_num(out, self.cluster);
        out.extend_from_slice(b",\"duplicate_of\":");
        serde_json::to_writer(&mut *out, &self.duplicate_of)?;
        out.push(b'}');
        Ok(())
    }
}

impl PassageRecord {
    fn write_json(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        out.extend_from_slice(b"{\"start\":");
        push_num(out, self.start as u64);
        out.extend_from_slice(b",\"end\":");
        push_num(out, self.end as u64);
        out.extend_from_slice(b",\"byte_start\":");
        push_num(out, self.byte_start as u64);
        out.extend_from_slice(b",\"byte_end\":");
        push_num(out, self.byte_end as u64);
        out.extend_from_slice(b",\"hash\":");
        // Hashes are lowercase hex, which needs no escaping; anything else goes through serde.
        if self.hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push(b'"');
            out.extend_from_slice(self.hash.as_bytes());
            out.push(b'"');
        } else {
            serde_json::to_writer(&mut *out, &self.hash)?;
        }
        out.extend_from_slice(b",\"cluster\":");
        push_opt_num(out, self.cluster);
        out.extend_from_slice(b",\"duplicate_of\":");
        match &self.duplicate_of {
            None => out.extend_from_slice(b"null"),
            Some(link) => serde_json::to_writer(&mut *out, link)?,
        }
        out.push(b'}');
        Ok(())
    }
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
}
