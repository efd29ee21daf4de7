//! The pipeline: read, clean, normalize and fingerprint every document in parallel, then
//! deduplicate documents and passages across the whole corpus and write the results.
//!
//! Documents get a fixed order (sorted input paths, then record index) before anything
//! corpus-wide happens, and every decision follows that order, so the output is byte-identical
//! at any thread count.

use crate::clean::{Cleaner, rule};
use crate::config::{ConfigOrigin, DedupMode, Settings};
use crate::dedup::{self, Decision, Item, Outcome, Params};
use crate::doc::{DropReason, Extracted, Provenance, RawDoc};
use crate::fingerprint::{Digest, MinHasher, digest_hex, estimate_jaccard, exact_digest};
use crate::normalize::{Normalizer, fingerprint_text};
use crate::sink::records::*;
use crate::sink::{OutputPaths, write_json, write_jsonl};
use crate::source::{self, InputError, InputFile, SkippedFile, SourceCompression};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Map;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("cannot write output {path}: {source}")]
    Output {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid rule pattern: {0}")]
    Rules(#[from] regex::Error),
    #[error("{count} input error(s) and --strict is set; first: {first}")]
    Strict { count: usize, first: String },
    #[error("no input files found in {0}")]
    NoInput(String),
}

/// What a run is asked to do beyond the settings.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub inputs: Vec<PathBuf>,
    pub output: PathBuf,
    pub strict: bool,
    pub progress: bool,
    pub threads: usize,
}

/// A document after cleaning, normalization and fingerprinting.
#[derive(Debug, Clone)]
pub struct Processed {
    pub id: String,
    pub source: Provenance,
    pub fields: Map<String, serde_json::Value>,
    pub text: String,
    pub removed: Vec<RemovedSpan>,
    pub extracted: Extracted,
    pub passages: Vec<ProcessedPassage>,
    pub digest: Digest,
    pub signature: Option<Vec<u32>>,
    pub words: usize,
}

#[derive(Debug, Clone)]
pub struct ProcessedPassage {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub digest: Digest,
    pub signature: Option<Vec<u32>>,
    pub words: usize,
}

/// Stable id of a record: its path as given and its index in the file.
pub fn doc_id(source: &Provenance) -> String {
    let mut h = blake3::Hasher::new();
    h.update(source.path.as_bytes());
    h.update(&[0]);
    h.update(&source.record.to_le_bytes());
    h.finalize().to_hex()[..16].to_string()
}

/// The per-document stages with their settings compiled once.
pub struct Stages {
    cleaner: Cleaner,
    normalizer: Normalizer,
    minhash: MinHasher,
    doc_signatures: bool,
    passage_signatures: bool,
    passage_min_words: usize,
}

impl Stages {
    pub fn new(settings: &Settings) -> Result<Stages, regex::Error> {
        let d = &settings.dedup;
        let on = d.mode != DedupMode::Off;
        Ok(Stages {
            cleaner: Cleaner::new(settings)?,
            normalizer: Normalizer::new(&settings.normalize),
            minhash: MinHasher::from_settings(&settings.fingerprint),
            doc_signatures: on && d.documents,
            passage_signatures: on && d.passages,
            passage_min_words: d.passage_min_words,
        })
    }

    /// Clean, normalize and fingerprint one document.
    pub fn process(&self, raw: RawDoc) -> Processed {
        let cleaned = self.cleaner.clean(&raw.text);
        let norm = self.normalizer.normalize(&raw.text, &cleaned);
        let removed = cleaned
            .removed
            .into_iter()
            .map(|r| RemovedSpan {
                rule: r.rule,
                byte_start: r.byte_start,
                byte_end: r.byte_end,
                text: r.text,
                duplicate_of: None,
            })
            .collect();
        let mut doc_fp = String::with_capacity(norm.text.len());
        let mut fp = String::new();
        let mut passages = Vec::with_capacity(norm.paragraphs.len());
        for p in &norm.paragraphs {
            fingerprint_text(&norm.text[p.clone()], &mut fp);
            let words = if fp.is_empty() {
                0
            } else {
                fp.bytes().filter(|&b| b == b' ').count() + 1
            };
            let signature = if self.passage_signatures && words >= self.passage_min_words {
                self.minhash.signature(&fp)
            } else {
                None
            };
            let src = norm.source_range(p);
            passages.push(ProcessedPassage {
                start: p.start,
                end: p.end,
                byte_start: src.start,
                byte_end: src.end,
                digest: exact_digest(&fp),
                signature,
                words,
            });
            if !fp.is_empty() {
                if !doc_fp.is_empty() {
                    doc_fp.push(' ');
                }
                doc_fp.push_str(&fp);
            }
        }
        let words = passages.iter().map(|p| p.words).sum();
        let signature = if self.doc_signatures {
            self.minhash.signature(&doc_fp)
        } else {
            None
        };
        Processed {
            id: doc_id(&raw.source),
            source: raw.source,
            fields: raw.fields,
            text: norm.text,
            removed,
            extracted: cleaned.extracted,
            passages,
            digest: exact_digest(&doc_fp),
            signature,
            words,
        }
    }
}

/// A corpus record for a processed document, before any corpus-wide decision.
pub fn corpus_record(d: Processed) -> CorpusRecord {
    CorpusRecord {
        id: d.id,
        text: d.text,
        source: d.source,
        metadata: Metadata {
            extracted: d.extracted,
            fields: d.fields,
        },
        removed: d.removed,
        passages: d
            .passages
            .iter()
            .map(|p| PassageRecord {
                start: p.start,
                end: p.end,
                byte_start: p.byte_start,
                byte_end: p.byte_end,
                hash: digest_hex(&p.digest),
                cluster: None,
                duplicate_of: None,
            })
            .collect(),
        hash: digest_hex(&d.digest),
        cluster: None,
        duplicate_of: None,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub path: String,
    pub format: crate::doc::Format,
    pub compression: SourceCompression,
    pub bytes: u64,
    pub decompressed_bytes: u64,
    pub blake3: String,
    pub records: u64,
    pub documents: u64,
    pub errors: u64,
    #[serde(skip_serializing_if = "is_zero")]
    pub warc_skipped: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RuleCount {
    pub spans: u64,
    pub bytes: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub records_in: u64,
    pub kept: u64,
    pub dropped: u64,
    pub failed: u64,
    pub dropped_by_reason: BTreeMap<&'static str, u64>,
    pub input_bytes: u64,
    pub output_text_bytes: u64,
    pub passages_out: u64,
    pub duplicate_passages: u64,
    pub document_clusters: u64,
    pub passage_clusters: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RunFacts {
    pub threads: usize,
    pub seconds: BTreeMap<&'static str, f64>,
    pub total_seconds: f64,
    pub mb_per_s: f64,
    pub docs_per_s: f64,
    pub peak_rss_bytes: Option<u64>,
}

/// `manifest.json`. Everything but `run` is identical for the same inputs and config.
#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub scour_version: &'static str,
    pub config_path: Option<String>,
    pub config_hash: String,
    pub config: Settings,
    pub inputs: Vec<InputSummary>,
    pub skipped_files: Vec<SkippedFile>,
    pub counts: Counts,
    pub removed_by_rule: BTreeMap<String, RuleCount>,
    pub errors: Vec<InputError>,
    pub dedup: DedupFacts,
    pub run: RunFacts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct DedupFacts {
    pub documents: Option<dedup::Stats>,
    pub passages: Option<dedup::Stats>,
}

struct Progress(Option<ProgressBar>);

impl Progress {
    fn new(enabled: bool, total: u64) -> Progress {
        if !enabled {
            return Progress(None);
        }
        let bar = ProgressBar::new(total);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {msg:12} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message("reading");
        Progress(Some(bar))
    }
    fn inc(&self, n: u64) {
        if let Some(b) = &self.0 {
            b.inc(n);
        }
    }
    fn stage(&self, msg: &'static str) {
        if let Some(b) = &self.0 {
            b.set_message(msg);
        }
    }
    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}

/// Peak resident memory of this process, where the OS tells it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Read and process every input; documents come back in input order.
pub fn read_and_process(
    files: &[InputFile],
    settings: &Settings,
    stages: &Stages,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> (Vec<Processed>, Vec<InputError>, Vec<InputSummary>) {
    let per_file: Vec<_> = files
        .par_iter()
        .map(|f| {
            let read = source::read_file(f, &settings.input);
            if let Some(p) = progress {
                p(f.size);
            }
            let summary = InputSummary {
                path: f.display.clone(),
                format: f.format,
                compression: f.compression,
                bytes: read.bytes,
                decompressed_bytes: read.decompressed_bytes,
                blake3: read.blake3.clone(),
                records: read.records,
                documents: read.docs.len() as u64,
                errors: read.errors.len() as u64,
                warc_skipped: read.warc_skipped,
            };
            let docs: Vec<Processed> = read
                .docs
                .into_par_iter()
                .map(|d| stages.process(d))
                .collect();
            (docs, read.errors, summary)
        })
        .collect();
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut summaries = Vec::new();
    for (d, e, s) in per_file {
        docs.extend(d);
        errors.extend(e);
        summaries.push(s);
    }
    (docs, errors, summaries)
}

/// A decision about a document after the corpus-wide steps.
#[derive(Debug, Clone, Default)]
struct DocFate {
    dropped: Option<DropReason>,
    duplicate_of: Option<DocLink>,
    cluster: Option<u64>,
}

/// A decision about one passage.
#[derive(Debug, Clone, Default)]
struct PassageFate {
    cluster: Option<u64>,
    /// (keeper doc index, keeper passage index, similarity, exact)
    duplicate_of: Option<(usize, usize, f64, bool)>,
}

pub struct RunReport {
    pub manifest: Manifest,
    pub paths: OutputPaths,
}

/// Run the whole pipeline.
pub fn run(
    settings: &Settings,
    origin: &ConfigOrigin,
    opts: &RunOptions,
) -> Result<RunReport, PipelineError> {
    let started = Instant::now();
    let mut seconds: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, lap: &mut Instant| {
        seconds.insert(name, lap.elapsed().as_secs_f64());
        *lap = Instant::now();
    };

    let discovery = source::discover(&opts.inputs, &settings.input);
    if discovery.files.is_empty() && discovery.errors.is_empty() && discovery.skipped.is_empty() {
        let shown: Vec<_> = opts
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(PipelineError::NoInput(shown.join(", ")));
    }
    mark("discover", &mut lap);

    let stages = Stages::new(settings)?;
    let total_bytes: u64 = discovery.files.iter().map(|f| f.size).sum();
    let progress = Progress::new(opts.progress, total_bytes);
    let inc = |n: u64| progress.inc(n);
    let (docs, read_errors, inputs) =
        read_and_process(&discovery.files, settings, &stages, Some(&inc));
    let mut errors = discovery.errors;
    errors.extend(read_errors);
    mark("read_clean_fingerprint", &mut lap);

    if opts.strict && !errors.is_empty() {
        progress.finish();
        return Err(PipelineError::Strict {
            count: errors.len(),
            first: errors[0].to_string(),
        });
    }

    // Cleaning statistics cover every document that went through cleaning.
    let mut removed_by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    for d in &docs {
        for r in &d.removed {
            let c = removed_by_rule.entry(r.rule.clone()).or_default();
            c.spans += 1;
            c.bytes += (r.byte_end - r.byte_start) as u64;
        }
    }

    let mut fates: Vec<DocFate> = vec![DocFate::default(); docs.len()];
    for (d, f) in docs.iter().zip(fates.iter_mut()) {
        if d.text.is_empty() {
            f.dropped = Some(DropReason::EmptyAfterCleaning);
        } else if d.words < settings.clean.min_words {
            f.dropped = Some(DropReason::TooShort);
        }
    }

    let mode = settings.dedup.mode;
    let params = Params {
        bands: settings.fingerprint.bands,
        rows: settings.fingerprint.rows,
        threshold: settings.dedup.threshold,
        near: true,
    };
    let mut duplicates: Vec<ClusterRecord> = Vec::new();
    let mut dedup_facts = DedupFacts::default();

    progress.stage("dedup docs");
    if mode != DedupMode::Off && settings.dedup.documents {
        let idx: Vec<usize> = (0..docs.len())
            .filter(|&i| fates[i].dropped.is_none())
            .collect();
        let items: Vec<Item> = idx
            .iter()
            .map(|&i| Item {
                order: i as u64,
                digest: docs[i].digest,
                signature: docs[i].signature.clone(),
            })
            .collect();
        let outcome = dedup::deduplicate(&items, &params);
        apply_doc_outcome(
            &docs,
            &idx,
            &items,
            &outcome,
            mode,
            &mut fates,
            &mut duplicates,
        );
        dedup_facts.documents = Some(outcome.stats);
    }
    mark("dedup_documents", &mut lap);

    progress.stage("dedup passages");
    let mut passage_fates: Vec<Vec<PassageFate>> = docs
        .iter()
        .map(|d| vec![PassageFate::default(); d.passages.len()])
        .collect();
    if mode != DedupMode::Off && settings.dedup.passages {
        let mut refs: Vec<(usize, usize)> = Vec::new();
        let mut items: Vec<Item> = Vec::new();
        for (di, d) in docs.iter().enumerate() {
            if fates[di].dropped.is_some()
                || (mode == DedupMode::Drop && fates[di].duplicate_of.is_some())
            {
                continue;
            }
            for (pi, p) in d.passages.iter().enumerate() {
                if p.words < settings.dedup.passage_min_words {
                    continue;
                }
                items.push(Item {
                    order: refs.len() as u64,
                    digest: p.digest,
                    signature: p.signature.clone(),
                });
                refs.push((di, pi));
            }
        }
        let outcome = dedup::deduplicate(&items, &params);
        for (k, decision) in outcome.decisions.iter().enumerate() {
            if let Decision::Duplicate {
                of,
                similarity,
                exact,
            } = decision
            {
                let (di, pi) = refs[k];
                let (kd, kp) = refs[*of];
                passage_fates[di][pi].duplicate_of = Some((kd, kp, *similarity, *exact));
            }
        }
        if mode == DedupMode::Drop {
            // A document whose every matchable passage repeats earlier text has nothing new.
            for (di, d) in docs.iter().enumerate() {
                let eligible: Vec<usize> = (0..d.passages.len())
                    .filter(|&pi| d.passages[pi].words >= settings.dedup.passage_min_words)
                    .collect();
                if fates[di].dropped.is_none()
                    && !eligible.is_empty()
                    && eligible
                        .iter()
                        .all(|&pi| passage_fates[di][pi].duplicate_of.is_some())
                {
                    fates[di].dropped = Some(DropReason::AllPassagesDuplicate);
                }
            }
        }
        let first_cluster = duplicates.len() as u64;
        for (ci, c) in outcome.clusters.iter().enumerate() {
            for &m in &c.members {
                let (di, pi) = refs[m];
                passage_fates[di][pi].cluster = Some(first_cluster + ci as u64);
            }
        }
        let final_index = final_passage_indexes(&docs, &fates, &passage_fates, mode);
        for (ci, c) in outcome.clusters.iter().enumerate() {
            duplicates.push(passage_cluster_record(
                first_cluster + ci as u64,
                c,
                &outcome,
                &items,
                &refs,
                &docs,
                &final_index,
            ));
        }
        dedup_facts.passages = Some(outcome.stats);
    }
    mark("dedup_passages", &mut lap);

    progress.stage("writing");
    let final_index = final_passage_indexes(&docs, &fates, &passage_fates, mode);
    let mut counts = Counts {
        failed: errors.len() as u64,
        input_bytes: inputs.iter().map(|i| i.bytes).sum(),
        ..Counts::default()
    };
    let mut dropped: Vec<DroppedRecord> = errors
        .iter()
        .map(|e| DroppedRecord {
            id: None,
            source: DroppedSource {
                path: e.path.clone(),
                record: e.record,
                line: e.line,
                byte: e.byte,
            },
            reason: DropReason::InputError.as_str(),
            duplicate_of: None,
            cluster: None,
            error: Some(e.message.clone()),
            error_kind: Some(
                serde_json::to_value(e.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
            ),
        })
        .collect();
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let mut corpus: Vec<CorpusRecord> = Vec::new();
    for (di, (d, fate)) in docs.into_iter().zip(fates).enumerate() {
        counts.records_in += 1;
        if let Some(reason) = fate.dropped {
            *counts.dropped_by_reason.entry(reason.as_str()).or_default() += 1;
            counts.dropped += 1;
            dropped.push(DroppedRecord {
                id: Some(d.id.clone()),
                source: DroppedSource {
                    path: d.source.path.clone(),
                    record: Some(d.source.record),
                    line: None,
                    byte: Some(d.source.byte_start),
                },
                reason: reason.as_str(),
                duplicate_of: fate.duplicate_of,
                cluster: fate.cluster,
                error: None,
                error_kind: None,
            });
            continue;
        }
        let pf = &passage_fates[di];
        let link = |pfate: &PassageFate| {
            pfate
                .duplicate_of
                .map(|(kd, kp, similarity, exact)| PassageLink {
                    id: ids[kd].clone(),
                    passage: final_index[kd][kp].unwrap_or(kp),
                    similarity,
                    exact,
                })
        };
        let mut rec = corpus_record(d);
        rec.cluster = fate.cluster;
        rec.duplicate_of = fate.duplicate_of;
        for (p, pfate) in rec.passages.iter_mut().zip(pf) {
            p.cluster = pfate.cluster;
            if mode == DedupMode::Annotate {
                p.duplicate_of = link(pfate);
            }
        }
        if mode == DedupMode::Drop && pf.iter().any(|p| p.duplicate_of.is_some()) {
            remove_passages(&mut rec, pf, link);
            counts.duplicate_passages +=
                pf.iter().filter(|p| p.duplicate_of.is_some()).count() as u64;
        }
        counts.kept += 1;
        counts.passages_out += rec.passages.len() as u64;
        counts.output_text_bytes += rec.text.len() as u64;
        corpus.push(rec);
    }
    counts.records_in += errors.len() as u64;
    for c in &duplicates {
        match c.level {
            "document" => counts.document_clusters += 1,
            _ => counts.passage_clusters += 1,
        }
    }
    for r in corpus.iter().flat_map(|r| &r.removed) {
        if r.rule == rule::DUPLICATE_PASSAGE {
            let c = removed_by_rule.entry(r.rule.clone()).or_default();
            c.spans += 1;
            c.bytes += (r.byte_end - r.byte_start) as u64;
        }
    }

    let out_err = |path: &std::path::Path| {
        let path = path.display().to_string();
        move |source| PipelineError::Output { path, source }
    };
    std::fs::create_dir_all(&opts.output).map_err(out_err(&opts.output))?;
    let paths = OutputPaths::new(&opts.output, settings.output.compression);
    write_jsonl(
        &paths.corpus,
        &corpus,
        settings.output.compression,
        settings.output.zstd_level,
    )
    .map_err(out_err(&paths.corpus))?;
    write_jsonl(
        &paths.dropped,
        &dropped,
        crate::config::Compression::None,
        0,
    )
    .map_err(out_err(&paths.dropped))?;
    write_jsonl(
        &paths.duplicates,
        &duplicates,
        crate::config::Compression::None,
        0,
    )
    .map_err(out_err(&paths.duplicates))?;
    mark("write", &mut lap);

    let total = started.elapsed().as_secs_f64();
    let mb = counts.input_bytes as f64 / 1e6;
    let manifest = Manifest {
        scour_version: env!("CARGO_PKG_VERSION"),
        config_path: origin.path.clone(),
        config_hash: origin.hash.clone(),
        config: settings.clone(),
        inputs,
        skipped_files: discovery.skipped,
        counts,
        removed_by_rule,
        errors,
        dedup: dedup_facts,
        run: RunFacts {
            threads: opts.threads,
            seconds,
            total_seconds: total,
            mb_per_s: if total > 0.0 { mb / total } else { 0.0 },
            docs_per_s: 0.0,
            peak_rss_bytes: peak_rss_bytes(),
        },
    };
    let mut manifest = manifest;
    manifest.run.docs_per_s = if total > 0.0 {
        manifest.counts.records_in as f64 / total
    } else {
        0.0
    };
    write_json(&paths.manifest, &manifest).map_err(out_err(&paths.manifest))?;
    progress.finish();
    Ok(RunReport { manifest, paths })
}

fn apply_doc_outcome(
    docs: &[Processed],
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
        let keeper = c.members[0];
        let member_ref = |k: usize| MemberRef {
            id: docs[idx[k]].id.clone(),
            passage: None,
            byte_start: None,
            byte_end: None,
        };
        let members = c
            .members
            .iter()
            .map(|&k| {
                fates[idx[k]].cluster = Some(cluster);
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
            .collect();
        duplicates.push(ClusterRecord {
            cluster,
            level: "document",
            kind: if c.exact { "exact" } else { "near" },
            keeper: member_ref(keeper),
            members,
        });
    }
}

fn similarity(items: &[Item], a: usize, b: usize) -> f64 {
    if a == b || items[a].digest == items[b].digest {
        return 1.0;
    }
    match (&items[a].signature, &items[b].signature) {
        (Some(x), Some(y)) => round4(estimate_jaccard(x, y)),
        _ => 0.0,
    }
}

fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// For each document and passage, its index among the passages that end up in the corpus.
fn final_passage_indexes(
    docs: &[Processed],
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

fn passage_cluster_record(
    cluster: u64,
    c: &dedup::Cluster,
    outcome: &Outcome,
    items: &[Item],
    refs: &[(usize, usize)],
    docs: &[Processed],
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
    let keeper = c.members[0];
    ClusterRecord {
        cluster,
        level: "passage",
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

/// Take duplicate passages out of a record's text, recording each as a removal.
fn remove_passages(
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
