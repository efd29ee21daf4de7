//! The corpus-wide decisions: what dedup's outcome means for each document and passage, the
//! cluster records, and the staged texts read back for exact verification.

use super::*;

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
    pub(super) signature: Option<Vec<u32>>,
    pub(super) passages: Vec<ProcessedPassage>,
}

/// Reads texts back from the staging file to compute exact Jaccard similarities.
pub(super) struct StagedTexts {
    file: Option<std::sync::Mutex<File>>,
    shingle: usize,
}

#[derive(serde::Deserialize)]
pub(super) struct StagedText {
    text: String,
}

impl StagedTexts {
    pub(super) fn open(path: &Path, shingle: usize) -> StagedTexts {
        StagedTexts {
            file: File::open(path).ok().map(std::sync::Mutex::new),
            shingle,
        }
    }

    /// Shingle set of a document, or of one of its passages.
    pub(super) fn shingles(&self, d: &DocIndex, passage: Option<usize>) -> Option<Vec<u64>> {
        use std::io::{Read, Seek, SeekFrom};
        let mut buf = vec![0u8; d.staged.1 as usize];
        {
            let mut f = self.file.as_ref()?.lock().ok()?;
            f.seek(SeekFrom::Start(d.staged.0)).ok()?;
            f.read_exact(&mut buf).ok()?;
        }
        let rec: StagedText = serde_json::from_slice(&buf).ok()?;
        // The exact check uses the standard definition, shingles of the whole text, although
        // signatures leave out the few shingles that span a paragraph break: near the
        // threshold, the standard definition decides.
        let text = match passage {
            Some(pi) => {
                let p = d.passages.get(pi)?;
                rec.text.get(p.start..p.end)?
            }
            None => &rec.text,
        };
        let mut fp = String::new();
        fingerprint_text(text, &mut fp);
        Some(shingle_set(&fp, self.shingle))
    }

    pub(super) fn jaccard(
        &self,
        a: &DocIndex,
        pa: Option<usize>,
        b: &DocIndex,
        pb: Option<usize>,
    ) -> Option<f64> {
        Some(exact_jaccard(
            &self.shingles(a, pa)?,
            &self.shingles(b, pb)?,
        ))
    }
}

/// Split a processed document into its staged record (JSON) and its index entry.
pub(super) fn stage(p: Processed, counts: &mut BTreeMap<String, RuleCount>) -> (DocIndex, Vec<u8>) {
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
        signature: p.signature.clone(),
        passages: p.passages.clone(),
    };
    let mut json = serde_json::to_vec(&corpus_record(p)).unwrap_or_default();
    json.push(b'\n');
    (index, json)
}

/// A decision about a document after the corpus-wide steps.
#[derive(Debug, Clone, Default)]
pub(super) struct DocFate {
    pub(super) dropped: Option<DropReason>,
    pub(super) duplicate_of: Option<DocLink>,
    pub(super) cluster: Option<u64>,
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
    items: &[Item],
    outcome: &Outcome,
    mode: DedupMode,
    fates: &mut [DocFate],
    duplicates: &mut Vec<ClusterRecord>,
) {
    for (k, decision) in outcome.decisions.iter().enumerate() {
        if let Decision::Duplicate {
            of,
            similarity,
            exact,
        } = decision
        {
            let i = idx[k];
            fates[i].duplicate_of = Some(DocLink {
                id: docs[idx[*of]].id.clone(),
                similarity: round4(*similarity),
                exact: *exact,
            });
            if mode == DedupMode::Drop {
                fates[i].dropped = Some(DropReason::Duplicate);
            }
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
    items: &[Item],
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

pub(super) fn similarity(items: &[Item], a: usize, b: usize) -> f64 {
    if a == b || items[a].digest == items[b].digest {
        return 1.0;
    }
    match (&items[a].signature, &items[b].signature) {
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
    items: &[Item],
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
