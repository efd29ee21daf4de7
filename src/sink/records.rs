//! The shapes of the output records. Field order here is the order in the files; README.md
//! documents every field.

use crate::doc::{Extracted, Provenance};
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
