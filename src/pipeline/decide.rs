//! The corpus-wide decisions: what dedup's outcome means for each document and passage, the
//! cluster records, and the staged texts read back for exact verification.

use super::*;
use std::sync::Arc;

/// What the corpus-wide steps need of a document; its text waits on disk.
#[derive(Debug, Clone)]
pub(super) struct DocIndex {
    pub(super) id: String,
    /// Where the staged record is: byte offset and length in the staging file.
    pub(super) staged: (u64, u64),
    pub(super) source: Provenance,
    pub(super) empty: bool,
    pub(super) words: usize,
    pub(super) digest: Digest,
    /// The document's signature in the run's [`SignatureStore`].
    pub(super) slot: Option<u64>,
    /// Bytes of the staged record's text.
    pub(super) text_len: u64,
    pub(super) passages: Vec<PassageIndex>,
}

/// What the corpus-wide steps need of a passage.
#[derive(Debug, Clone)]
pub(super) struct PassageIndex {
    pub(super) byte_start: usize,
    pub(super) byte_end: usize,
    pub(super) digest: Digest,
    pub(super) slot: Option<u64>,
    pub(super) words: usize,
}

/// A staged document's signatures on their way into the store (which is filled in input
/// order, on one thread).
pub(super) struct PendingSignatures {
    doc: Option<Vec<u32>>,
    passages: Vec<Option<Vec<u32>>>,
}

impl PendingSignatures {
    /// Moves the signatures into `store` and records their slots in `index`.
    pub(super) fn store(
        self,
        index: &mut DocIndex,
        store: &mut SignatureStore,
    ) -> std::io::Result<()> {
        if let Some(sig) = self.doc {
            index.slot = Some(store.push(&sig)?);
        }
        for (p, sig) in index.passages.iter_mut().zip(self.passages) {
            if let Some(sig) = sig {
                p.slot = Some(store.push(&sig)?);
            }
        }
        Ok(())
    }
}

/// Shingle sets by document, and the shingles they hold in all.
#[derive(Default)]
struct ShingleCache {
    sets: rustc_hash::FxHashMap<usize, Arc<Vec<u64>>>,
    shingles: usize,
}

/// Shingles the cache holds at most (8 bytes each): past it, it starts over. Pairs come sorted
/// by their earlier document, so the sets in use are mostly the recent ones.
const CACHE_SHINGLES: usize = 32 << 20;

/// Reads texts back from the staging file to compute exact Jaccard similarities. Shingle sets
/// are cached: a document near the threshold usually meets several candidates.
///
/// The shingles are of the fingerprint text *with its digits*: MinHash may mask digits to find
/// candidates that differ in dates and counts, but whether two documents are duplicates is
/// decided on what they say, and two tables or changelogs that differ only in their numbers are
/// different documents.
pub(super) struct StagedTexts {
    file: std::io::Result<File>,
    shingle: usize,
    cache: std::sync::Mutex<ShingleCache>,
    /// The first record that could not be read back: without the check its pair would be
    /// decided on the estimate, so the run must fail instead ([`StagedTexts::check`]).
    error: std::sync::Mutex<Option<String>>,
}

#[derive(serde::Deserialize)]
pub(super) struct StagedText {
    text: String,
}

impl StagedTexts {
    pub(super) fn open(path: &Path, shingle: usize) -> StagedTexts {
        StagedTexts {
            file: File::open(path),
            shingle,
            cache: Default::default(),
            error: Default::default(),
        }
    }

    fn note(&self, message: String) -> Option<Arc<Vec<u64>>> {
        if let Ok(mut e) = self.error.lock() {
            e.get_or_insert(message);
        }
        None
    }

    /// An error if a staged record could not be read back for the exact check.
    pub(super) fn check(&self) -> std::io::Result<()> {
        if let Err(e) = &self.file {
            return Err(std::io::Error::new(e.kind(), e.to_string()));
        }
        match self.error.lock().ok().and_then(|mut e| e.take()) {
            Some(m) => Err(std::io::Error::other(m)),
            None => Ok(()),
        }
    }

    /// Shingle set of document `di`: shingles of its whole text, the standard definition,
    /// although signatures leave out the few shingles that span a paragraph break (near the
    /// threshold, the standard definition decides).
    fn shingles(&self, docs: &[DocIndex], di: usize) -> Option<Arc<Vec<u64>>> {
        if let Some(hit) = self.cache.lock().ok()?.sets.get(&di) {
            return Some(hit.clone());
        }
        let d = docs.get(di)?;
        let mut buf = vec![0u8; d.staged.1 as usize];
        let file = self.file.as_ref().ok()?;
        if let Err(e) = dedup::read_at(file, d.staged.0, &mut buf) {
            return self.note(format!("reading back staged record {di}: {e}"));
        }
        let rec: StagedText = match serde_json::from_slice(&buf) {
            Ok(r) => r,
            Err(e) => return self.note(format!("parsing staged record {di}: {e}")),
        };
        let mut fp = String::new();
        fingerprint_text_opts(&rec.text, &mut fp, false);
        let set = Arc::new(shingle_set(&fp, self.shingle));
        let mut cache = self.cache.lock().ok()?;
        if cache.shingles + set.len() > CACHE_SHINGLES {
            *cache = ShingleCache::default();
        }
        cache.shingles += set.len();
        cache.sets.insert(di, set.clone());
        Some(set)
    }

    /// Exact Jaccard similarity of documents `a` and `b`.
    pub(super) fn jaccard(&self, docs: &[DocIndex], a: usize, b: usize) -> Option<f64> {
        Some(exact_jaccard(
            &self.shingles(docs, a)?,
            &self.shingles(docs, b)?,
        ))
    }
}

/// The staging file of a run: removed when the run ends, however it ends.
pub(super) struct Staging {
    pub(super) path: PathBuf,
}

impl Staging {
    /// A fresh staging path in `dir`; staging files left by runs that were killed go first.
    pub(super) fn new(dir: &Path) -> Staging {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let staged = name.starts_with(".staging-") && name.ends_with(".jsonl.tmp");
                let spilled = name.starts_with(".spill-") && name.ends_with(".bin.tmp");
                if staged || spilled {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Staging {
            path: dir.join(format!(".staging-{}.jsonl.tmp", std::process::id())),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Split a processed document into its staged record (JSON), its index entry and its
/// signatures.
pub(super) fn stage(
    mut p: Processed,
    counts: &mut BTreeMap<String, RuleCount>,
) -> (DocIndex, Vec<u8>, PendingSignatures) {
    for r in &p.removed {
        let c = counts.entry(r.rule.clone()).or_default();
        c.spans += 1;
        c.bytes += (r.byte_end - r.byte_start) as u64;
    }
    let index = DocIndex {
        id: p.id.clone(),
        staged: (0, 0),
        source: p.source.clone(),
        empty: p.text.is_empty(),
        words: p.words,
        digest: p.digest,
        slot: None,
        text_len: p.text.len() as u64,
        passages: p
            .passages
            .iter()
            .map(|q| PassageIndex {
                byte_start: q.byte_start,
                byte_end: q.byte_end,
                digest: q.digest,
                slot: None,
                words: q.words,
            })
            .collect(),
    };
    let pending = PendingSignatures {
        doc: p.signature.take(),
        passages: p.passages.iter_mut().map(|q| q.signature.take()).collect(),
    };
    let mut json = serde_json::to_vec(&corpus_record(p)).unwrap_or_default();
    json.push(b'\n');
    (index, json, pending)
}

/// A decision about a document after the corpus-wide steps.
#[derive(Debug, Clone, Default)]
pub(super) struct DocFate {
    pub(super) dropped: Option<DropReason>,
    pub(super) duplicate_of: Option<DocLink>,
    pub(super) cluster: Option<u64>,
    /// It was a copy of a document that then lost all its text to earlier documents, so it
    /// went through the passage step itself instead.
    pub(super) revived: bool,
}

/// A decision about one passage.
#[derive(Debug, Clone, Default)]
pub(super) struct PassageFate {
    pub(super) cluster: Option<u64>,
    /// (keeper doc index, keeper passage index, similarity, exact)
    pub(super) duplicate_of: Option<(usize, usize, f64, bool)>,
}

pub(super) fn apply_doc_outcome(
    docs: &[DocIndex],
    idx: &[usize],
    items: &Stored,
    outcome: &Outcome,
    mode: DedupMode,
    fates: &mut [DocFate],
    duplicates: &mut Vec<ClusterRecord>,
) {
    for (k, of, similarity, exact) in outcome.duplicates() {
        let i = idx[k];
        fates[i].duplicate_of = Some(DocLink {
            id: docs[idx[of]].id.clone(),
            similarity: round4(similarity),
            exact,
        });
        if mode == DedupMode::Drop {
            fates[i].dropped = Some(DropReason::Duplicate);
        }
    }
    for c in &outcome.clusters {
        let cluster = duplicates.len() as u64;
        for &k in &c.members {
            fates[idx[k]].cluster = Some(cluster);
        }
        let member_ref = |k: usize| MemberRef {
            id: docs[idx[k]].id.clone(),
            passage: None,
            byte_start: None,
            byte_end: None,
        };
        duplicates.push(cluster_record(
            cluster, "document", c, outcome, items, member_ref,
        ));
    }
}

/// The `duplicates.jsonl` record of a cluster; `member_ref` names item `k`.
pub(super) fn cluster_record(
    cluster: u64,
    level: &'static str,
    c: &dedup::Cluster,
    outcome: &Outcome,
    items: &Stored,
    member_ref: impl Fn(usize) -> MemberRef,
) -> ClusterRecord {
    let keeper = c.members[0];
    ClusterRecord {
        cluster,
        level,
        kind: if c.exact { "exact" } else { "near" },
        keeper: member_ref(keeper),
        members: c
            .members
            .iter()
            .map(|&k| {
                let (kept, duplicate_of) = match &outcome.decisions[k] {
                    Decision::Keep => (true, None),
                    Decision::Duplicate { of, .. } => (false, Some(member_ref(*of))),
                };
                ClusterMember {
                    member: member_ref(k),
                    similarity: similarity(items, keeper, k),
                    kept,
                    duplicate_of,
                }
            })
            .collect(),
    }
}

pub(super) fn similarity(items: &Stored, a: usize, b: usize) -> f64 {
    if a == b || items.digest(a) == items.digest(b) {
        return 1.0;
    }
    let (mut buf_a, mut buf_b) = (Vec::new(), Vec::new());
    match (
        items.signature(a, &mut buf_a),
        items.signature(b, &mut buf_b),
    ) {
        (Some(x), Some(y)) => round4(estimate_jaccard(x, y)),
        _ => 0.0,
    }
}

pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// For each document and passage, its index among the passages that end up in the corpus.
pub(super) fn final_passage_indexes(
    docs: &[DocIndex],
    fates: &[DocFate],
    passage_fates: &[Vec<PassageFate>],
    mode: DedupMode,
) -> Vec<Vec<Option<usize>>> {
    docs.iter()
        .enumerate()
        .map(|(di, d)| {
            let mut next = 0;
            (0..d.passages.len())
                .map(|pi| {
                    let removed =
                        mode == DedupMode::Drop && passage_fates[di][pi].duplicate_of.is_some();
                    if fates[di].dropped.is_some() || removed {
                        None
                    } else {
                        next += 1;
                        Some(next - 1)
                    }
                })
                .collect()
        })
        .collect()
}

pub(super) fn passage_cluster_record(
    cluster: u64,
    c: &dedup::Cluster,
    outcome: &Outcome,
    items: &Stored,
    refs: &[(usize, usize)],
    docs: &[DocIndex],
    final_index: &[Vec<Option<usize>>],
) -> ClusterRecord {
    let member_ref = |k: usize| {
        let (di, pi) = refs[k];
        let p = &docs[di].passages[pi];
        MemberRef {
            id: docs[di].id.clone(),
            passage: final_index[di][pi],
            byte_start: Some(p.byte_start),
            byte_end: Some(p.byte_end),
        }
    };
    cluster_record(cluster, "passage", c, outcome, items, member_ref)
}

/// Take duplicate passages out of a record's text, recording each as a removal.
pub(super) fn remove_passages(
    rec: &mut CorpusRecord,
    fates: &[PassageFate],
    link: impl Fn(&PassageFate) -> Option<PassageLink>,
) {
    let mut text = String::with_capacity(rec.text.len());
    let mut passages = Vec::with_capacity(rec.passages.len());
    for (p, fate) in rec.passages.iter().zip(fates) {
        let body = &rec.text[p.start..p.end];
        if fate.duplicate_of.is_some() {
            rec.removed.push(RemovedSpan {
                rule: rule::DUPLICATE_PASSAGE.to_string(),
                byte_start: p.byte_start,
                byte_end: p.byte_end,
                text: body.to_string(),
                duplicate_of: link(fate),
            });
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(body);
        passages.push(PassageRecord {
            start,
            end: text.len(),
            ..p.clone()
        });
    }
    rec.text = text;
    rec.passages = passages;
    rec.removed.sort_by_key(|r| (r.byte_start, r.byte_end));
}
