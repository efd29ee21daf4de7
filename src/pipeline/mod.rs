//! The pipeline: read, clean, normalize and fingerprint every document in parallel, then
//! deduplicate documents and passages across the whole corpus and write the results.
//!
//! Documents get a fixed order (sorted input paths, then record index) before anything
//! corpus-wide happens, and every decision follows that order, so the output is byte-identical
//! at any thread count.

use crate::clean::{Cleaner, rule};
use crate::config::InputSettings;
use crate::config::{ConfigOrigin, DedupMode, Settings};
use crate::dedup::{
    self, Decision, ExactCheck, ItemSet, Outcome, Params, SignatureStore, Stored, StoredItem,
};
use crate::doc::Format;
use crate::doc::{DropReason, Extracted, Provenance, RawDoc};
use crate::fingerprint::{
    Digest, MinHasher, digest_hex, digest_hex_bytes, estimate_jaccard, exact_digest_of,
    exact_jaccard_from, push_numeric, shingle_set,
};
use crate::normalize::{Normalizer, fingerprint_text_digits, fingerprint_text_opts};
use crate::sink::records::*;
use crate::sink::{
    OutputPaths, Sink, sync_dir, write_atomic, write_json, write_jsonl_indexed, write_unsynced,
};
use crate::source::stream::{
    JsonlChunk, JsonlStream, StreamItem, StreamTotals, WarcStream, WarcWindow,
};
use crate::source::{self, InputError, InputFile, SkippedFile, SourceCompression};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Map;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
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
    #[error("cannot merge {path}: {message}")]
    Merge { path: String, message: String },
    #[error("cannot use the input list {path}: {message}")]
    Plan { path: String, message: String },
    #[error("invalid setting {key}: {message}")]
    Setting { key: &'static str, message: String },
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

mod decide;
mod index;
mod shard;
mod stages;
mod stream;

use decide::*;
use index::*;
pub use shard::{PlanReport, Shard, ShardReport, ShardRun, plan, run_merge, run_shard, shard_dir};
pub(crate) use stages::write_staged_json;
pub use stages::{Processed, ProcessedPassage, Stages, corpus_record, doc_id};
use stream::{Accumulator, BATCH_BYTES, CHUNK_BYTES, Spare, group_ranges};
pub use stream::{PieceOut, process_inputs};

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
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
    #[serde(skip_serializing_if = "is_zero", default)]
    pub warc_skipped: u64,
    /// Set while the entry covers only part of the file (a shard's share of a file the plan
    /// cut); the merge joins the parts' entries into the file's.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub split: Option<Split>,
}

/// Bytes `start..end` of a file of `file_bytes` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Split {
    pub start: u64,
    pub end: u64,
    pub file_bytes: u64,
}

/// Joins the entries of a file's consecutive parts into one; the entry of the whole file is
/// that of a run that read it whole. Entries of files not cut pass as they are.
fn join_parts(inputs: Vec<InputSummary>) -> Vec<InputSummary> {
    let mut out: Vec<InputSummary> = Vec::with_capacity(inputs.len());
    for i in inputs {
        match (out.last_mut(), i.split) {
            (Some(last), Some(next))
                if last.path == i.path
                    && last.split.is_some_and(|s| {
                        s.end == next.start && s.file_bytes == next.file_bytes
                    }) =>
            {
                last.bytes += i.bytes;
                last.decompressed_bytes += i.decompressed_bytes;
                last.records += i.records;
                last.documents += i.documents;
                last.errors += i.errors;
                last.warc_skipped += i.warc_skipped;
                if let Some(s) = &mut last.split {
                    s.end = next.end;
                }
            }
            _ => out.push(i),
        }
        if let Some(last) = out.last_mut()
            && last
                .split
                .is_some_and(|s| s.start == 0 && s.end == s.file_bytes)
        {
            last.split = None;
        }
    }
    out
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, Serialize, serde::Deserialize)]
pub struct RuleCount {
    pub spans: u64,
    pub bytes: u64,
}

impl std::ops::AddAssign for RuleCount {
    fn add_assign(&mut self, other: RuleCount) {
        self.spans += other.spans;
        self.bytes += other.bytes;
    }
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
    pub duplicate_passage_bytes: u64,
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
    /// The shard jobs that read the inputs, when the run was split (`--shard`, `--merge`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shards: Vec<ShardRun>,
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
    /// The index's memory budget in bytes (`dedup.memory`; absent: unlimited).
    pub memory_budget: Option<u64>,
    /// Signatures kept for the corpus-wide steps.
    pub signatures: u64,
    /// Bytes of signatures written to the spill file because they exceeded the budget (0: the
    /// index stayed in memory).
    pub spilled_bytes: u64,
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

pub use crate::memory::peak_rss_bytes;
use crate::memory::{release_free, trace as memtrace};

pub struct RunReport {
    pub manifest: Manifest,
    pub paths: OutputPaths,
}

/// Stage timings for the manifest.
struct Clock {
    seconds: BTreeMap<&'static str, f64>,
    lap: Instant,
}

impl Clock {
    fn new() -> Clock {
        Clock {
            seconds: BTreeMap::new(),
            lap: Instant::now(),
        }
    }

    /// Ends the stage `name`: its time since the last mark goes to the manifest.
    fn mark(&mut self, name: &'static str) {
        memtrace(name);
        self.seconds.insert(name, self.lap.elapsed().as_secs_f64());
        self.lap = Instant::now();
    }
}

fn out_err(path: &Path) -> impl FnOnce(std::io::Error) -> PipelineError + use<> {
    let path = path.display().to_string();
    move |source| PipelineError::Output { path, source }
}

/// The files to read; an error if the inputs name nothing at all.
fn discover_inputs(
    settings: &Settings,
    opts: &RunOptions,
) -> Result<source::Discovery, PipelineError> {
    let discovery = source::discover(&opts.inputs, &settings.input);
    if discovery.files.is_empty() && discovery.errors.is_empty() && discovery.skipped.is_empty() {
        let shown: Vec<_> = opts
            .inputs
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        return Err(PipelineError::NoInput(shown.join(", ")));
    }
    Ok(discovery)
}

/// The dedup index's memory budget (`dedup.memory`).
fn memory_budget(settings: &Settings) -> Result<Option<u64>, PipelineError> {
    settings
        .dedup
        .memory_bytes()
        .map_err(|message| PipelineError::Setting {
            key: "dedup.memory",
            message,
        })
}

/// Under `--strict`, any input error ends the run before anything is written.
fn check_strict(
    opts: &RunOptions,
    errors: &[InputError],
    progress: &Progress,
) -> Result<(), PipelineError> {
    if opts.strict && !errors.is_empty() {
        progress.finish();
        return Err(PipelineError::Strict {
            count: errors.len(),
            first: errors[0].to_string(),
        });
    }
    Ok(())
}

/// What the first part of a run (read, clean, normalize, fingerprint) leaves for the
/// corpus-wide steps: the staged records, the index, the signatures, and what was read.
struct Prepared {
    /// The hold on the output folder, and the run's staging file if it has one.
    staging: Staging,
    /// Where the staged records are.
    staged: StagedParts,
    /// The folders the staged records are in, held for the run (a merge's shard folders).
    holds: Vec<Staging>,
    index: Index,
    store: SignatureStore,
    inputs: Vec<InputSummary>,
    errors: Vec<InputError>,
    skipped: Vec<SkippedFile>,
    removed_by_rule: BTreeMap<String, RuleCount>,
}

/// Run the whole pipeline.
///
/// Documents stream through reading, cleaning, normalization and fingerprinting in bounded
/// batches; their records wait in a staging file in the output folder while only what dedup
/// needs (hashes, signatures, passage ranges) stays in memory. After the corpus-wide decisions
/// the staged records are copied to the corpus, and rewritten only where a decision changes them.
pub fn run(
    settings: &Settings,
    origin: &ConfigOrigin,
    opts: &RunOptions,
) -> Result<RunReport, PipelineError> {
    let started = Instant::now();
    let mut clock = Clock::new();
    let discovery = discover_inputs(settings, opts)?;
    clock.mark("discover");
    let memory = memory_budget(settings)?;
    let total_bytes: u64 = discovery.files.iter().map(|f| f.size).sum();
    let progress = Progress::new(opts.progress, total_bytes);
    let stages = Stages::new(settings)?;
    let staging = take_folder(&opts.output)?;
    let prepared = prepare(
        settings,
        &stages,
        &discovery.files,
        discovery.errors,
        discovery.skipped,
        staging,
        memory,
        &progress,
    )?;
    clock.mark("read_clean_fingerprint");
    check_strict(opts, &prepared.errors, &progress)?;
    decide_and_write(
        settings,
        origin,
        opts,
        prepared,
        Finishing {
            started,
            clock,
            memory,
            progress,
            shards: Vec::new(),
        },
    )
}

/// Creates the folder `dir` and takes it for this run ([`Staging`]).
fn take_folder(dir: &Path) -> Result<Staging, PipelineError> {
    std::fs::create_dir_all(dir).map_err(out_err(dir))?;
    Staging::new(dir).map_err(out_err(dir))
}

/// Reads, cleans, normalizes and fingerprints `files` into the staging file of `staging` (in
/// the folder it holds for the run), an index and a signature store beside it.
#[allow(clippy::too_many_arguments)]
fn prepare(
    settings: &Settings,
    stages: &Stages,
    files: &[InputFile],
    mut errors: Vec<InputError>,
    skipped: Vec<SkippedFile>,
    staging: Staging,
    memory: Option<u64>,
    progress: &Progress,
) -> Result<Prepared, PipelineError> {
    let dir = staging
        .path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let dir = dir.as_path();
    let staging_path = staging.path.clone();
    let staging_file = File::create(&staging_path).map_err(out_err(&staging_path))?;
    let mut staging_out = BufWriter::with_capacity(1 << 20, staging_file);
    let mut staging_err: Option<std::io::Error> = None;
    // The dedup index's signatures, within the memory budget (spilling beside the staging file).
    let mut store = SignatureStore::new(settings.fingerprint.num_hashes, memory, dir);
    let mut store_err: Option<std::io::Error> = None;

    let mut inputs: Vec<InputSummary> = files
        .iter()
        .map(|f| InputSummary {
            path: f.display.clone(),
            format: f.format,
            compression: f.compression,
            bytes: 0,
            decompressed_bytes: 0,
            blake3: String::new(),
            records: 0,
            documents: 0,
            errors: 0,
            warc_skipped: 0,
            split: f.part.as_ref().map(|p| Split {
                start: p.start,
                end: p.end,
                file_bytes: p.file_bytes,
            }),
        })
        .collect();
    let mut index = Index {
        docs: Vec::new(),
        digests: Vec::new(),
        paths: Vec::new(),
        passages: PassageTable::create(dir).map_err(out_err(dir))?,
    };
    let index_path = index.passages.path.clone();
    let table_err = |e| out_err(&index_path)(e);
    let mut index_err: Option<std::io::Error> = None;
    let mut removed_by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    let mut staged_bytes = 0u64;
    let min_words = settings.clean.min_words;
    process_inputs(
        files,
        settings,
        stages,
        |group: &mut StagedGroup, p| stage(p, group, min_words),
        |out| {
            let summary = &mut inputs[out.file];
            summary.documents += out.docs;
            summary.errors += out.errors.len() as u64;
            summary.records += out.docs + out.errors.len() as u64;
            summary.warc_skipped += out.warc_skipped;
            if let Some(t) = out.totals.take() {
                summary.bytes = t.bytes;
                summary.decompressed_bytes = t.decompressed_bytes;
                summary.blake3 = t.blake3;
                progress.inc(files[out.file].size);
            }
            errors.append(&mut out.errors);
            for group in &mut out.groups {
                for (rule, c) in std::mem::take(&mut group.counts) {
                    *removed_by_rule.entry(rule).or_default() += c;
                }
                if staging_err.is_none()
                    && let Err(e) = staging_out.write_all(&group.json)
                {
                    staging_err = Some(e);
                }
                for k in 0..group.docs.len() {
                    if store_err.is_none()
                        && let Err(e) = group.store(k, &mut store)
                    {
                        store_err = Some(e);
                    }
                    let d = &group.docs[k];
                    let path = &group.paths[d.path];
                    let mut entry = d.entry;
                    entry.staged_at = staged_bytes;
                    entry.staged_len = d.json.len() as u64;
                    staged_bytes += d.json.len() as u64;
                    entry.path = index.path_index(path);
                    entry.first_passage = index.passages.len();
                    if index_err.is_none() {
                        let pushed = group.rows[d.rows.clone()]
                            .iter()
                            .try_for_each(|r| index.passages.push(r));
                        let end = narrow(index.passages.len(), "passages").map(|_| ());
                        // Documents are indexed by u32 in the corpus-wide steps, like passages.
                        let doc_index = narrow(index.docs.len() as u64, "documents").map(|_| ());
                        entry.id = d.id.unwrap_or_default();
                        let id = d.id.map(|_| ()).ok_or_else(|| {
                            std::io::Error::other(format!(
                                "document {} of {path} has no 16-digit id",
                                entry.record
                            ))
                        });
                        if let Err(e) = pushed.and(end).and(doc_index).and(id) {
                            index_err = Some(e);
                        }
                    }
                    index.docs.push(entry);
                    index.digests.push(d.digest);
                }
            }
            true
        },
    );
    let staged = staging_out
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| match staging_err {
            Some(e) => Err(e),
            None => Ok(f),
        });
    if let Err(e) = staged {
        return Err(out_err(&staging_path)(e));
    }
    if let Some(e) = store_err.take() {
        return Err(out_err(dir)(e));
    }
    if let Some(e) = index_err.take() {
        return Err(table_err(e));
    }
    index.passages.finish().map_err(table_err)?;
    store.finish().map_err(out_err(dir))?;
    release_free();
    let file = File::open(&staging_path).map_err(out_err(&staging_path))?;
    Ok(Prepared {
        staged: StagedParts {
            parts: vec![StagedPart {
                start: 0,
                path: staging_path,
                file,
                blake3: None,
            }],
            own: true,
        },
        holds: Vec::new(),
        staging,
        index,
        store,
        inputs: join_parts(inputs),
        errors,
        skipped,
        removed_by_rule,
    })
}

/// How the second part of a run goes on from the first.
struct Finishing {
    started: Instant,
    clock: Clock,
    memory: Option<u64>,
    progress: Progress,
    /// The shards' own runs, when the first part ran as shards ([`shard`]).
    shards: Vec<ShardRun>,
}

/// The corpus-wide steps (document and passage dedup) and the outputs.
fn decide_and_write(
    settings: &Settings,
    origin: &ConfigOrigin,
    opts: &RunOptions,
    prepared: Prepared,
    finishing: Finishing,
) -> Result<RunReport, PipelineError> {
    let Prepared {
        staging,
        staged,
        holds: _holds,
        mut index,
        store,
        inputs,
        errors,
        skipped,
        mut removed_by_rule,
    } = prepared;
    let Finishing {
        started,
        mut clock,
        memory,
        progress,
        shards,
    } = finishing;
    let paths = OutputPaths::new(&opts.output, settings.output.compression);
    let sync = settings.output.sync;
    let staged_err = |e: std::io::Error| match &staged.parts[..] {
        [part] if staged.own => out_err(&part.path)(e),
        _ => PipelineError::Merge {
            path: opts.output.join("shards").display().to_string(),
            message: format!("reading staged records: {e}"),
        },
    };
    let index_path = index.passages.path.clone();
    let table_err = |e| out_err(&index_path)(e);
    let doc_digests = std::mem::take(&mut index.digests);
    let docs = &index.docs;
    let mut fates: Vec<DocFate> = docs
        .iter()
        .map(|d| DocFate {
            dropped: d.dropped,
            ..DocFate::default()
        })
        .collect();

    let mode = settings.dedup.mode;
    let params = Params {
        bands: settings.fingerprint.bands,
        rows: settings.fingerprint.rows,
        threshold: settings.dedup.threshold,
        near: true,
    };
    let mut doc_clusters = ClusterRows::default();
    let mut passage_clusters = ClusterRows::default();
    let mut dedup_facts = DedupFacts {
        memory_budget: memory,
        signatures: store.len(),
        spilled_bytes: store.spilled_bytes(),
        ..DedupFacts::default()
    };

    progress.stage("dedup docs");
    if mode != DedupMode::Off && settings.dedup.documents {
        let idx: Vec<u32> = (0..docs.len() as u32)
            .filter(|&i| fates[i as usize].dropped.is_none())
            .collect();
        let stored: Vec<StoredItem> = idx
            .iter()
            .map(|&i| {
                let d = &docs[i as usize];
                StoredItem {
                    order: i as u64,
                    digest: doc_digests[i as usize],
                    slot: (d.slot != NONE).then_some(d.slot as u64),
                }
            })
            .collect();
        let items = Stored {
            items: &stored,
            store: &store,
        };
        let texts = StagedTexts::open(&staged, settings.fingerprint.shingle, memory);
        let jaccard = |a: usize, b: usize, floor: f64| {
            texts.jaccard(docs, idx[a] as usize, idx[b] as usize, floor)
        };
        let check = ExactCheck {
            margin: settings.dedup.exact_margin,
            jaccard: &jaccard,
        };
        let exact = (settings.dedup.exact_margin > 0.0).then_some(&check);
        let outcome =
            dedup::deduplicate_set(&items, &params, exact).map_err(out_err(&opts.output))?;
        if exact.is_some() {
            texts.check().map_err(staged_err)?;
        }
        drop(texts);
        for (k, of, similarity, exact) in outcome.duplicates() {
            let f = &mut fates[idx[k] as usize];
            f.duplicate_of = Some(DocDup {
                of: idx[of],
                similarity: round4(similarity),
                exact,
            });
            if mode == DedupMode::Drop {
                f.dropped = Some(DropReason::Duplicate);
            }
        }
        for (ci, c) in outcome.clusters.iter().enumerate() {
            for &k in &c.members {
                fates[idx[k] as usize].cluster = Some(ci as u32);
            }
        }
        doc_clusters.add(&outcome, &items, |k| idx[k]);
        dedup_facts.documents = Some(outcome.stats);
    }
    drop(doc_digests);
    release_free();
    clock.mark("dedup_documents");

    progress.stage("dedup passages");
    let mut passage_fates = PassageFates::default();
    if mode != DedupMode::Off && settings.dedup.passages {
        let enough = settings
            .dedup
            .passage_min_words
            .max(settings.clean.min_words);
        let min_words = settings.dedup.passage_min_words;
        // Two rounds at most: a document can lose all its text to earlier documents after
        // others were dropped as its copies. Those copies then come back and go through the
        // passage step themselves, so what only they had (an update appended to a roundup) is
        // kept. In the second round a document that others were dropped as copies of is kept
        // whatever its passages, so no further copies need to come back (and no chain of
        // rounds follows on template-heavy corpora).
        let mut round = 0;
        let (outcome, items) = loop {
            round += 1;
            let mut is_keeper = vec![false; docs.len()];
            if round > 1 {
                for f in &fates {
                    if let Some(link) = &f.duplicate_of {
                        is_keeper[link.of as usize] = true;
                    }
                }
            }
            for f in fates.iter_mut() {
                if f.dropped == Some(DropReason::AllPassagesDuplicate) {
                    f.dropped = None;
                }
            }
            // The round's passages, read from the table in order.
            let runs = par_doc_runs(docs, &index.passages, |run, scan| {
                let mut found: Vec<(Digest, u32, u32)> = Vec::new();
                for di in run {
                    let skip = fates[di].dropped.is_some()
                        || (mode == DedupMode::Drop && fates[di].duplicate_of.is_some());
                    for g in docs[di].passage_range() {
                        let row = scan.next_row()?;
                        if !skip && (row.words as usize) >= min_words {
                            found.push((row.digest, g as u32, row.slot));
                        }
                    }
                }
                Ok(found)
            })
            .map_err(table_err)?;
            let total = runs.iter().map(Vec::len).sum();
            let mut refs: Vec<u32> = Vec::with_capacity(total);
            let mut slots: Vec<u32> = Vec::with_capacity(total);
            let mut keyed: Vec<(Digest, u32)> = Vec::with_capacity(total);
            for (digest, g, slot) in runs.into_iter().flatten() {
                keyed.push((digest, refs.len() as u32));
                refs.push(g);
                slots.push(slot);
            }
            memtrace("passages: items read");
            let items = PassageItems::new(&store, refs, slots, keyed);
            release_free();
            memtrace("passages: items grouped");
            // Passages are decided on their MinHash estimate alone: re-reading a record for
            // every passage pair near the threshold cost 20x the rest of the run on template-
            // heavy pages (the Debian docs), for a small gain in precision at passage level.
            let outcome =
                dedup::deduplicate_set(&items, &params, None).map_err(out_err(&opts.output))?;
            passage_fates.dups = outcome
                .duplicates()
                .map(|(k, of, similarity, exact)| PassageDup {
                    passage: items.refs[k],
                    of: items.refs[of],
                    similarity,
                    exact,
                })
                .collect();
            if mode != DedupMode::Drop {
                break (outcome, items);
            }
            // A document whose text, once its repeated passages are gone, is too short to be
            // worth keeping has nothing new.
            let runs = par_doc_runs(docs, &index.passages, |run, scan| {
                let mut emptied = Vec::new();
                for di in run {
                    let range = docs[di].passage_range();
                    let dups = passage_fates.dups_in(range.clone());
                    let look = fates[di].dropped.is_none() && !is_keeper[di] && !dups.is_empty();
                    let mut left = 0usize;
                    let mut next_dup = dups.iter().peekable();
                    for g in range {
                        let row = scan.next_row()?;
                        if next_dup.next_if(|x| x.passage as u64 == g).is_none() {
                            left += row.words as usize;
                        }
                    }
                    if look && left < enough {
                        emptied.push(di);
                    }
                }
                Ok(emptied)
            })
            .map_err(table_err)?;
            for di in runs.into_iter().flatten() {
                fates[di].dropped = Some(DropReason::AllPassagesDuplicate);
            }
            let mut revived = false;
            let gone: Vec<bool> = fates
                .iter()
                .map(|f| f.dropped == Some(DropReason::AllPassagesDuplicate))
                .collect();
            for f in fates.iter_mut() {
                if f.dropped == Some(DropReason::Duplicate)
                    && let Some(link) = &f.duplicate_of
                    && gone[link.of as usize]
                {
                    f.dropped = None;
                    f.duplicate_of = None;
                    f.revived = true;
                    revived = true;
                }
            }
            if !revived {
                break (outcome, items);
            }
        };
        release_free();
        memtrace("passages: loop done");
        passage_fates.mode = Some(mode);
        let first_cluster = doc_clusters.len() as u32;
        let mut members: Vec<PassageMember> = Vec::new();
        for (ci, c) in outcome.clusters.iter().enumerate() {
            for &m in &c.members {
                members.push(PassageMember {
                    passage: items.refs[m],
                    cluster: first_cluster + ci as u32,
                    byte_start: 0,
                    byte_end: 0,
                });
            }
        }
        members.sort_unstable_by_key(|m| m.passage);
        // Their source ranges, for the cluster records.
        let mut scan = index.passages.scan().map_err(table_err)?;
        let mut g = 0u64;
        for m in members.iter_mut() {
            while g < m.passage as u64 {
                scan.next_row().map_err(table_err)?;
                g += 1;
            }
            let row = scan.next_row().map_err(table_err)?;
            g += 1;
            m.byte_start = row.byte_start;
            m.byte_end = row.byte_end;
        }
        drop(scan);
        passage_fates.members = members;
        passage_clusters.add(&outcome, &items, |k| items.refs[k]);
        dedup_facts.passages = Some(outcome.stats);
    }
    // Cluster records read signatures too (their similarities): a failed read must fail the run,
    // not show up as a similarity of 0.
    store.check().map_err(out_err(&opts.output))?;
    clock.mark("dedup_passages");

    progress.stage("writing");
    let mut counts = Counts {
        failed: errors.len() as u64,
        input_bytes: inputs.iter().map(|i| i.bytes).sum(),
        records_in: (docs.len() + errors.len()) as u64,
        ..Counts::default()
    };
    for fate in &fates {
        if let Some(reason) = &fate.dropped {
            *counts.dropped_by_reason.entry(reason.as_str()).or_default() += 1;
            counts.dropped += 1;
        }
    }
    let doc_link = |dup: &DocDup| DocLink {
        id: docs[dup.of as usize].id(),
        similarity: dup.similarity,
        exact: dup.exact,
    };
    // The dropped records: input errors first, then documents in order; made in parallel.
    let dropped_docs: Vec<usize> = (0..docs.len())
        .filter(|&di| fates[di].dropped.is_some())
        .collect();
    let dropped_record = |k: usize| match k.checked_sub(errors.len()) {
        None => error_record(&errors[k]),
        Some(j) => {
            let di = dropped_docs[j];
            let (d, fate) = (&docs[di], &fates[di]);
            DroppedRecord {
                id: Some(d.id()),
                source: DroppedSource {
                    path: index.paths[d.path as usize].clone(),
                    record: Some(d.record),
                    line: None,
                    byte: Some(d.byte_start),
                },
                reason: fate.dropped.as_ref().map_or("", |r| r.as_str()),
                duplicate_of: fate.duplicate_of.as_ref().map(doc_link),
                cluster: fate.cluster.map(u64::from),
                error: None,
                error_kind: None,
            }
        }
    };
    memtrace("write: start");

    // Copy the staged records to the corpus; rewrite only those a decision touches. Blocks of
    // records are finished in parallel and written in order.
    // The record goes to `out`, as staged or rewritten; `None`: it is dropped.
    let finish = |di: usize, line: &[u8], out: &mut Vec<u8>| -> std::io::Result<Option<[u64; 4]>> {
        let (d, fate) = (&docs[di], &fates[di]);
        if fate.dropped.is_some() {
            return Ok(None);
        }
        let dups = passage_fates.dups_in(d.passage_range());
        let members = passage_fates.members_in(d.passage_range());
        let removed_passages = dups.len() as u64;
        let touched = fate.cluster.is_some()
            || fate.duplicate_of.is_some()
            || !dups.is_empty()
            || !members.is_empty();
        if !touched {
            out.extend_from_slice(line);
            return Ok(Some([d.passages as u64, d.text_len, 0, 0]));
        }
        // Each passage's cluster and duplicate link, by its index in the record.
        let first = d.first_passage;
        let annotations = |n: usize| {
            let mut clusters = vec![None; n];
            for m in members {
                if let Some(c) = clusters.get_mut((m.passage as u64 - first) as usize) {
                    *c = Some(m.cluster as u64);
                }
            }
            let mut links = vec![None; n];
            for x in dups {
                if let Some(l) = links.get_mut((x.passage as u64 - first) as usize) {
                    *l = Some(passage_fates.link(&index, &fates, x));
                }
            }
            (clusters, links)
        };
        let doc_dup = fate.duplicate_of.as_ref().map(doc_link);
        let keeps_text = mode != DedupMode::Drop || removed_passages == 0;
        if keeps_text && let Some(written) = WrittenRecord::parse(line) {
            // The text stays: only the passages' clusters and links and the fields after them
            // are written anew. In drop mode no passage has a link (none was removed).
            let (clusters, links) = annotations(written.passages.len());
            let stats = [written.passages.len() as u64, d.text_len, 0, 0];
            written
                .write_json(
                    out,
                    |k| (clusters[k], links[k].as_ref()),
                    fate.cluster.map(u64::from),
                    doc_dup.as_ref(),
                )
                .map_err(std::io::Error::other)?;
            out.push(b'\n');
            return Ok(Some(stats));
        }
        let mut rec: CorpusRecord = CorpusRecord::from_json(line).map_err(std::io::Error::other)?;
        let (clusters, links) = annotations(rec.passages.len());
        for (p, c) in rec.passages.iter_mut().zip(clusters) {
            p.cluster = c;
        }
        // The links go into the record; only drop mode needs them afterwards.
        let links = if mode == DedupMode::Annotate {
            for (p, link) in rec.passages.iter_mut().zip(links) {
                p.duplicate_of = link;
            }
            Vec::new()
        } else {
            links
        };
        rec.cluster = fate.cluster.map(u64::from);
        rec.duplicate_of = doc_dup;
        let mut dup_bytes = 0;
        if mode == DedupMode::Drop && removed_passages > 0 {
            remove_passages(&mut rec, &links);
            dup_bytes = rec
                .removed
                .iter()
                .filter(|r| r.rule == rule::DUPLICATE_PASSAGE)
                .map(|r| (r.byte_end - r.byte_start) as u64)
                .sum();
        }
        let removed_passages = if mode == DedupMode::Drop {
            removed_passages
        } else {
            0
        };
        let stats = [
            rec.passages.len() as u64,
            rec.text.len() as u64,
            removed_passages,
            dup_bytes,
        ];
        rec.write_json(out).map_err(std::io::Error::other)?;
        out.push(b'\n');
        Ok(Some(stats))
    };
    let write_corpus = |w: &mut (dyn Write + Send), counts: &mut Counts| -> std::io::Result<()> {
        let mut sink = Sink::new(w, settings.output.compression, settings.output.zstd_level)?;
        // Records were staged back to back in document order with known lengths: read a block
        // of whole records at once and cut it, instead of a line (and an allocation) at a time.
        // The run's own staging file is released behind the reader (through a handle open
        // for writing); a merge's shard files stay as they are.
        let mut reader = staged.reader();
        let release = match &staged.parts[..] {
            [part] if staged.own => Some(
                std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&part.path)?,
            ),
            _ => None,
        };
        let mut released = 0u64;
        let read_block = |reader: &mut PartsReader, first: usize, bytes: Vec<u8>| {
            StagedBlock::read(reader, docs, first, BATCH_BYTES, bytes)
        };
        // A block's records are finished by groups (`group_ranges`), each into one buffer
        // with its counts summed, and the buffers are reused: the writing thread frees none
        // (freeing what other threads allocated takes their malloc arena's lock).
        let spare: Spare<Vec<u8>> = Spare::new();
        let emit = |sink: &mut dyn Write,
                    counts: &mut Counts,
                    done: Vec<(Vec<u8>, [u64; 5])>|
         -> std::io::Result<()> {
            for (out, [kept, passages, text, removed, bytes]) in done {
                counts.kept += kept;
                counts.passages_out += passages;
                counts.output_text_bytes += text;
                counts.duplicate_passages += removed;
                counts.duplicate_passage_bytes += bytes;
                sink.write_all(&out)?;
                spare.put(out);
            }
            Ok(())
        };
        // While the workers finish one block, this thread writes the one before and reads the
        // one after: the copying in and out no longer waits for the JSON work, nor it for them.
        let mut current = if docs.is_empty() {
            None
        } else {
            Some(read_block(&mut reader, 0, Vec::new())?)
        };
        let mut pending: Option<Vec<(Vec<u8>, [u64; 5])>> = None;
        let mut spare_bytes: Vec<u8> = Vec::new();
        while let Some(block) = current.take() {
            let next = block.first + block.bounds.len();
            let (io, done) = rayon::join(
                || -> std::io::Result<Option<StagedBlock>> {
                    if let Some(p) = pending.take() {
                        emit(&mut sink, counts, p)?;
                    }
                    if next < docs.len() {
                        let block =
                            read_block(&mut reader, next, std::mem::take(&mut spare_bytes))?;
                        let upto = docs[next].staged_at;
                        // Best effort: a file system without holes keeps the range.
                        if let Some(file) = &release {
                            let _ = decide::release_read_range(file, released, upto);
                        }
                        released = upto;
                        Ok(Some(block))
                    } else {
                        Ok(None)
                    }
                },
                || {
                    group_ranges(block.bounds.iter().map(|r| r.len()))
                        .into_par_iter()
                        .map(|g| {
                            let mut out = spare.take();
                            let mut sums = [0u64; 5];
                            for k in g {
                                let line = &block.bytes[block.bounds[k].clone()];
                                if let Some(stats) = finish(block.first + k, line, &mut out)? {
                                    sums[0] += 1;
                                    for (s, x) in sums[1..].iter_mut().zip(stats) {
                                        *s += x;
                                    }
                                }
                            }
                            Ok((out, sums))
                        })
                        .collect::<std::io::Result<Vec<_>>>()
                },
            );
            current = io?;
            pending = Some(done?);
            spare_bytes = block.bytes;
        }
        if let Some(p) = pending {
            emit(&mut sink, counts, p)?;
        }
        // Every staged part matched its checksum (checked as it was read), or the corpus is
        // not committed.
        reader.finish()?;
        sink.finish()
    };
    let written = write_unsynced(&paths.corpus, |w| write_corpus(w, &mut counts));
    // The staged records are all read; the folder stays this run's (`staging` holds its lock)
    // until the manifest is written, so no other run can start writing the same files.
    staging.remove_staged();
    let corpus = written.map_err(out_err(&paths.corpus))?;
    memtrace("write: corpus");
    // The corpus (gigabytes) is synced to disk (`output.sync`) while the smaller files are
    // written; it is renamed into place once its sync is done, and the manifest only after
    // that.
    // Joined on every way out, so an early error return still leaves no temporary file.
    let mut corpus_synced = JoinOnDrop(Some(std::thread::spawn(move || corpus.commit(sync))));
    if counts.duplicate_passages > 0 {
        removed_by_rule.insert(
            rule::DUPLICATE_PASSAGE.to_string(),
            RuleCount {
                spans: counts.duplicate_passages,
                bytes: counts.duplicate_passage_bytes,
            },
        );
    }
    counts.document_clusters = doc_clusters.len() as u64;
    counts.passage_clusters = passage_clusters.len() as u64;
    let dropped = write_jsonl_indexed(
        &paths.dropped,
        errors.len() + dropped_docs.len(),
        dropped_record,
    )
    .map_err(out_err(&paths.dropped))?;
    // Each file's sync waits on the disk, not the cores: the three overlap.
    let mut dropped_synced = JoinOnDrop(Some(std::thread::spawn(move || dropped.commit(sync))));
    memtrace("write: dropped");
    // Document clusters say who is in the corpus: revived copies are, keepers that lost all
    // their text are not.
    let doc_ref = |di: u32| MemberRef {
        id: docs[di as usize].id(),
        passage: None,
        byte_start: None,
        byte_end: None,
    };
    let doc_fix = |di: u32, m: &mut ClusterMember| {
        let f = &fates[di as usize];
        if f.revived {
            m.kept = true;
            m.duplicate_of = None;
        } else if f.dropped.is_some() {
            m.kept = false;
        }
    };
    let passage_ref = |g: u32| {
        let di = index.doc_of(g as u64);
        let m = passage_fates.members_in(g as u64..g as u64 + 1);
        MemberRef {
            id: docs[di].id(),
            passage: passage_fates.final_index(&index, &fates, di, g as u64),
            byte_start: m.first().map(|m| m.byte_start as usize),
            byte_end: m.first().map(|m| m.byte_end as usize),
        }
    };
    let first_cluster = doc_clusters.len();
    let cluster_record = |c: usize| {
        if c < first_cluster {
            doc_clusters.record(c, c as u64, "document", doc_ref, doc_fix)
        } else {
            let p = c - first_cluster;
            passage_clusters.record(p, c as u64, "passage", passage_ref, |_, _| {})
        }
    };
    let clusters = first_cluster + passage_clusters.len();
    write_jsonl_indexed(&paths.duplicates, clusters, cluster_record)
        .and_then(|file| file.commit(sync))
        .map_err(out_err(&paths.duplicates))?;
    memtrace("write: duplicates");
    for (synced, path) in [
        (&mut dropped_synced, &paths.dropped),
        (&mut corpus_synced, &paths.corpus),
    ] {
        if let Some(handle) = synced.0.take() {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                .map_err(out_err(path))?;
        }
    }
    // The renames too, before the manifest that says the run is complete.
    if sync {
        sync_dir(&opts.output).map_err(out_err(&opts.output))?;
    }
    clock.mark("write");

    let total = started.elapsed().as_secs_f64();
    let mb = counts.input_bytes as f64 / 1e6;
    let per_s = |x: f64| if total > 0.0 { x / total } else { 0.0 };
    let manifest = Manifest {
        scour_version: env!("CARGO_PKG_VERSION"),
        config_path: origin.path.clone(),
        config_hash: origin.hash.clone(),
        config: settings.clone(),
        inputs,
        skipped_files: skipped,
        run: RunFacts {
            threads: opts.threads,
            seconds: clock.seconds,
            total_seconds: total,
            mb_per_s: per_s(mb),
            docs_per_s: per_s(counts.records_in as f64),
            peak_rss_bytes: peak_rss_bytes(),
            shards,
        },
        counts,
        removed_by_rule,
        errors,
        dedup: dedup_facts,
    };
    write_json(&paths.manifest, &manifest, sync).map_err(out_err(&paths.manifest))?;
    if sync {
        sync_dir(&opts.output).map_err(out_err(&opts.output))?;
    }
    progress.finish();
    Ok(RunReport { manifest, paths })
}

/// A thread joined when this is dropped (its result ignored), unless taken out before.
struct JoinOnDrop<T>(Option<std::thread::JoinHandle<T>>);

impl<T> Drop for JoinOnDrop<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.0.take() {
            let _ = handle.join();
        }
    }
}

/// Staged records of documents `first..first + bounds.len()`, read in one piece.
struct StagedBlock {
    first: usize,
    bytes: Vec<u8>,
    bounds: Vec<std::ops::Range<usize>>,
}

impl StagedBlock {
    /// The staged records of documents from `first` on, at least one and about `size` bytes,
    /// read from where `reader` stands into `bytes` (the buffer of the block before last, one
    /// being finished and one read in turn: a fresh zeroed buffer a block cost a memset and
    /// page faults of the whole corpus on the thread that also copies it in and out). A
    /// staging file shorter than its records is an error.
    fn read(
        reader: &mut impl Read,
        docs: &[DocEntry],
        first: usize,
        size: usize,
        mut bytes: Vec<u8>,
    ) -> std::io::Result<StagedBlock> {
        let mut next = first;
        let mut want = 0usize;
        while next < docs.len() && (next == first || want < size) {
            want += docs[next].staged_len as usize;
            next += 1;
        }
        bytes.clear();
        bytes.reserve(want);
        let read = reader.take(want as u64).read_to_end(&mut bytes)?;
        if read < want {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                format!("staging file ended early: {read} of a block's {want} bytes"),
            ));
        }
        let mut bounds = Vec::with_capacity(next - first);
        let mut at = 0usize;
        for d in &docs[first..next] {
            let len = d.staged_len as usize;
            bounds.push(at..at + len);
            at += len;
        }
        Ok(StagedBlock {
            first,
            bytes,
            bounds,
        })
    }
}

fn error_record(e: &InputError) -> DroppedRecord {
    DroppedRecord {
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
        error_kind: Some(e.kind.as_str().to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staged(lens: &[u64]) -> Vec<DocEntry> {
        lens.iter()
            .map(|&staged_len| DocEntry {
                id: 0,
                staged_at: 0,
                staged_len,
                first_passage: 0,
                record: 0,
                byte_start: 0,
                text_len: 0,
                slot: index::NONE,
                path: 0,
                passages: 0,
                dropped: None,
            })
            .collect()
    }

    #[test]
    fn staged_blocks_are_whole_records_read_into_the_buffer_given() {
        let docs = staged(&[3, 5, 0, 4, 10]);
        let file = b"aaabbbbbddddeeeeeeeeee".to_vec();
        let mut reader = std::io::Cursor::new(file);
        // Records until the block holds `size` bytes, at least one.
        let a = StagedBlock::read(&mut reader, &docs, 0, 8, Vec::new()).unwrap();
        assert_eq!((a.first, &a.bytes[..]), (0, &b"aaabbbbb"[..]));
        assert_eq!(a.bounds, vec![0..3, 3..8]);
        // The next block goes into the old buffer, whatever it held; a record larger than
        // `size` comes whole.
        let b = StagedBlock::read(&mut reader, &docs, 2, 8, a.bytes).unwrap();
        assert_eq!((b.first, &b.bytes[..]), (2, &b"ddddeeeeeeeeee"[..]));
        assert_eq!(b.bounds, vec![0..0, 0..4, 4..14]);
        // A staging file shorter than its records is an error, not a short block.
        let mut short = std::io::Cursor::new(b"aaabbb".to_vec());
        let err = StagedBlock::read(&mut short, &docs, 0, 8, b.bytes)
            .err()
            .expect("short file");
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
        assert!(err.to_string().contains("ended early"), "{err}");
    }
}
