//! The pipeline: read, clean, normalize and fingerprint every document in parallel, then
//! deduplicate documents and passages across the whole corpus and write the results.
//!
//! Documents get a fixed order (sorted input paths, then record index) before anything
//! corpus-wide happens, and every decision follows that order, so the output is byte-identical
//! at any thread count.

use crate::clean::{Cleaner, rule};
use crate::config::{Compression, InputSettings};
use crate::config::{ConfigOrigin, DedupMode, Settings};
use crate::dedup::{
    self, Decision, ExactCheck, ItemSet, Outcome, Params, SignatureStore, Stored, StoredItem,
};
use crate::doc::Format;
use crate::doc::{DropReason, Extracted, Provenance, RawDoc};
use crate::fingerprint::{
    Digest, MinHasher, digest_hex, estimate_jaccard, exact_digest_with_digits, exact_jaccard,
    shingle_set,
};
use crate::normalize::{Normalizer, fingerprint_text_opts};
use crate::sink::records::*;
use crate::sink::{OutputPaths, write_atomic, write_json, write_jsonl};
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
mod stages;
mod stream;

use decide::*;
pub use stages::{Processed, ProcessedPassage, Stages, corpus_record, doc_id};
use stream::BATCH_BYTES;
pub use stream::{PieceOut, process_inputs};

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

/// Peak resident memory of this process, where the OS tells it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

pub struct RunReport {
    pub manifest: Manifest,
    pub paths: OutputPaths,
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
    let mut seconds: BTreeMap<&'static str, f64> = BTreeMap::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str, lap: &mut Instant| {
        seconds.insert(name, lap.elapsed().as_secs_f64());
        *lap = Instant::now();
    };
    let out_err = |path: &Path| {
        let path = path.display().to_string();
        move |source| PipelineError::Output { path, source }
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
    std::fs::create_dir_all(&opts.output).map_err(out_err(&opts.output))?;
    let paths = OutputPaths::new(&opts.output, settings.output.compression);
    let staging = Staging::new(&opts.output);
    let staging_path = staging.path.clone();
    let staging_file = File::create(&staging_path).map_err(out_err(&staging_path))?;
    let mut staging_out = BufWriter::with_capacity(1 << 20, staging_file);
    let mut staging_err: Option<std::io::Error> = None;
    // The dedup index's signatures, within the memory budget (spilling beside the staging file).
    let memory = settings
        .dedup
        .memory_bytes()
        .map_err(|message| PipelineError::Setting {
            key: "dedup.memory",
            message,
        })?;
    let mut store = SignatureStore::new(settings.fingerprint.num_hashes, memory, &opts.output);
    let mut store_err: Option<std::io::Error> = None;

    let total_bytes: u64 = discovery.files.iter().map(|f| f.size).sum();
    let progress = Progress::new(opts.progress, total_bytes);
    let mut inputs: Vec<InputSummary> = discovery
        .files
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
        })
        .collect();
    let mut errors = discovery.errors;
    let mut docs: Vec<DocIndex> = Vec::new();
    let mut removed_by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    let mut staged_bytes = 0u64;
    process_inputs(
        &discovery.files,
        settings,
        &stages,
        |p| {
            let mut counts = BTreeMap::new();
            let (index, json, sigs) = stage(p, &mut counts);
            (index, json, sigs, counts)
        },
        |out| {
            let summary = &mut inputs[out.file];
            summary.documents += out.items.len() as u64;
            summary.errors += out.errors.len() as u64;
            summary.records += (out.items.len() + out.errors.len()) as u64;
            summary.warc_skipped += out.warc_skipped;
            if let Some(t) = out.totals {
                summary.bytes = t.bytes;
                summary.decompressed_bytes = t.decompressed_bytes;
                summary.blake3 = t.blake3;
                progress.inc(discovery.files[out.file].size);
            }
            errors.extend(out.errors);
            for (mut index, json, sigs, counts) in out.items {
                if store_err.is_none()
                    && let Err(e) = sigs.store(&mut index, &mut store)
                {
                    store_err = Some(e);
                }
                index.staged = (staged_bytes, json.len() as u64);
                staged_bytes += json.len() as u64;
                for (rule, c) in counts {
                    let total = removed_by_rule.entry(rule).or_default();
                    total.spans += c.spans;
                    total.bytes += c.bytes;
                }
                if staging_err.is_none()
                    && let Err(e) = staging_out.write_all(&json)
                {
                    staging_err = Some(e);
                }
                docs.push(index);
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
        return Err(out_err(&opts.output)(e));
    }
    store.finish().map_err(out_err(&opts.output))?;
    mark("read_clean_fingerprint", &mut lap);

    if opts.strict && !errors.is_empty() {
        progress.finish();
        return Err(PipelineError::Strict {
            count: errors.len(),
            first: errors[0].to_string(),
        });
    }

    let mut fates: Vec<DocFate> = vec![DocFate::default(); docs.len()];
    for (d, f) in docs.iter().zip(fates.iter_mut()) {
        if d.empty {
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
    let mut dedup_facts = DedupFacts {
        memory_budget: memory,
        signatures: store.len(),
        spilled_bytes: store.spilled_bytes(),
        ..DedupFacts::default()
    };

    progress.stage("dedup docs");
    if mode != DedupMode::Off && settings.dedup.documents {
        let idx: Vec<usize> = (0..docs.len())
            .filter(|&i| fates[i].dropped.is_none())
            .collect();
        let stored: Vec<StoredItem> = idx
            .iter()
            .map(|&i| StoredItem {
                order: i as u64,
                digest: docs[i].digest,
                slot: docs[i].slot,
            })
            .collect();
        let items = Stored {
            items: &stored,
            store: &store,
        };
        let texts = StagedTexts::open(&staging_path, settings.fingerprint.shingle);
        let jaccard = |a: usize, b: usize| texts.jaccard(&docs, idx[a], idx[b]);
        let check = ExactCheck {
            margin: settings.dedup.exact_margin,
            jaccard: &jaccard,
        };
        let exact = (settings.dedup.exact_margin > 0.0).then_some(&check);
        let outcome =
            dedup::deduplicate_set(&items, &params, exact).map_err(out_err(&opts.output))?;
        if exact.is_some() {
            texts.check().map_err(out_err(&staging_path))?;
        }
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
        let by_id: std::collections::HashMap<String, usize> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.id.clone(), i))
            .collect();
        let enough = settings
            .dedup
            .passage_min_words
            .max(settings.clean.min_words);
        // Two rounds at most: a document can lose all its text to earlier documents after
        // others were dropped as its copies. Those copies then come back and go through the
        // passage step themselves, so what only they had (an update appended to a roundup) is
        // kept. In the second round a document that others were dropped as copies of is kept
        // whatever its passages, so no further copies need to come back (and no chain of
        // rounds follows on template-heavy corpora).
        let mut round = 0;
        let (outcome, refs, stored) = loop {
            round += 1;
            let mut is_keeper = vec![false; docs.len()];
            if round > 1 {
                for f in &fates {
                    if let Some(link) = &f.duplicate_of
                        && let Some(&k) = by_id.get(&link.id)
                    {
                        is_keeper[k] = true;
                    }
                }
            }
            for f in fates.iter_mut() {
                if f.dropped == Some(DropReason::AllPassagesDuplicate) {
                    f.dropped = None;
                }
            }
            for pf in passage_fates.iter_mut() {
                pf.iter_mut().for_each(|f| *f = PassageFate::default());
            }
            let mut refs: Vec<(usize, usize)> = Vec::new();
            let mut stored: Vec<StoredItem> = Vec::new();
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
                    stored.push(StoredItem {
                        order: refs.len() as u64,
                        digest: p.digest,
                        slot: p.slot,
                    });
                    refs.push((di, pi));
                }
            }
            // Passages are decided on their MinHash estimate alone: re-reading a record for
            // every passage pair near the threshold cost 20x the rest of the run on template-
            // heavy pages (the Debian docs), for a small gain in precision at passage level.
            let items = Stored {
                items: &stored,
                store: &store,
            };
            let outcome =
                dedup::deduplicate_set(&items, &params, None).map_err(out_err(&opts.output))?;
            for (k, of, similarity, exact) in outcome.duplicates() {
                let (di, pi) = refs[k];
                let (kd, kp) = refs[of];
                passage_fates[di][pi].duplicate_of = Some((kd, kp, similarity, exact));
            }
            if mode != DedupMode::Drop {
                break (outcome, refs, stored);
            }
            // A document whose text, once its repeated passages are gone, is too short to be
            // worth keeping has nothing new.
            for (di, d) in docs.iter().enumerate() {
                let pf = &passage_fates[di];
                if fates[di].dropped.is_some()
                    || is_keeper[di]
                    || !pf.iter().any(|p| p.duplicate_of.is_some())
                {
                    continue;
                }
                let left: usize = d
                    .passages
                    .iter()
                    .zip(pf)
                    .filter(|(_, f)| f.duplicate_of.is_none())
                    .map(|(p, _)| p.words)
                    .sum();
                if left < enough {
                    fates[di].dropped = Some(DropReason::AllPassagesDuplicate);
                }
            }
            let mut revived = false;
            let gone: Vec<bool> = fates
                .iter()
                .map(|f| f.dropped == Some(DropReason::AllPassagesDuplicate))
                .collect();
            for f in fates.iter_mut() {
                if f.dropped == Some(DropReason::Duplicate)
                    && let Some(link) = &f.duplicate_of
                    && by_id.get(&link.id).is_some_and(|&k| gone[k])
                {
                    f.dropped = None;
                    f.duplicate_of = None;
                    f.revived = true;
                    revived = true;
                }
            }
            if !revived {
                break (outcome, refs, stored);
            }
        };
        let items = Stored {
            items: &stored,
            store: &store,
        };
        // Document clusters say who is in the corpus: revived copies are, keepers that lost
        // all their text are not.
        for c in duplicates.iter_mut().filter(|c| c.level == "document") {
            for m in c.members.iter_mut() {
                if let Some(&di) = by_id.get(&m.member.id) {
                    if fates[di].revived {
                        m.kept = true;
                        m.duplicate_of = None;
                    } else if fates[di].dropped.is_some() {
                        m.kept = false;
                    }
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
    // Cluster records read signatures too (their similarities): a failed read must fail the run,
    // not show up as a similarity of 0.
    store.check().map_err(out_err(&opts.output))?;
    mark("dedup_passages", &mut lap);

    progress.stage("writing");
    let final_index = final_passage_indexes(&docs, &fates, &passage_fates, mode);
    let mut counts = Counts {
        failed: errors.len() as u64,
        input_bytes: inputs.iter().map(|i| i.bytes).sum(),
        records_in: (docs.len() + errors.len()) as u64,
        ..Counts::default()
    };
    let mut dropped: Vec<DroppedRecord> = errors.iter().map(error_record).collect();
    for (d, fate) in docs.iter().zip(&fates) {
        if let Some(reason) = &fate.dropped {
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
                duplicate_of: fate.duplicate_of.clone(),
                cluster: fate.cluster,
                error: None,
                error_kind: None,
            });
        }
    }

    // Copy the staged records to the corpus; rewrite only those a decision touches. Blocks of
    // records are finished in parallel and written in order.
    // `None`: the record is dropped; `Some((None, stats))`: it goes out as staged;
    // `Some((Some(json), stats))`: rewritten.
    type Finished = Option<(Option<Vec<u8>>, [u64; 4])>;
    let finish = |di: usize, line: &[u8]| -> std::io::Result<Finished> {
        let (d, fate) = (&docs[di], &fates[di]);
        if fate.dropped.is_some() {
            return Ok(None);
        }
        let pf = &passage_fates[di];
        let removed_passages = pf.iter().filter(|p| p.duplicate_of.is_some()).count() as u64;
        let touched = fate.cluster.is_some()
            || fate.duplicate_of.is_some()
            || pf
                .iter()
                .any(|p| p.cluster.is_some() || p.duplicate_of.is_some());
        if !touched {
            let stats = [d.passages.len() as u64, d.text_len, 0, 0];
            return Ok(Some((None, stats)));
        }
        let mut rec: CorpusRecord = serde_json::from_slice(line).map_err(std::io::Error::other)?;
        let link = |pfate: &PassageFate| {
            pfate
                .duplicate_of
                .map(|(kd, kp, similarity, exact)| PassageLink {
                    id: docs[kd].id.clone(),
                    passage: final_index[kd][kp].unwrap_or(kp),
                    similarity,
                    exact,
                })
        };
        rec.cluster = fate.cluster;
        rec.duplicate_of = fate.duplicate_of.clone();
        for (p, pfate) in rec.passages.iter_mut().zip(pf) {
            p.cluster = pfate.cluster;
            if mode == DedupMode::Annotate {
                p.duplicate_of = link(pfate);
            }
        }
        let mut dup_bytes = 0;
        if mode == DedupMode::Drop && removed_passages > 0 {
            remove_passages(&mut rec, pf, link);
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
        let mut out = serde_json::to_vec(&rec).map_err(std::io::Error::other)?;
        out.push(b'\n');
        Ok(Some((Some(out), stats)))
    };
    let write_corpus = |w: &mut (dyn Write + Send), counts: &mut Counts| -> std::io::Result<()> {
        let mut sink: Box<dyn Write + Send + '_> = match settings.output.compression {
            Compression::None => Box::new(&mut *w),
            Compression::Zstd => {
                Box::new(zstd::Encoder::new(&mut *w, settings.output.zstd_level)?.auto_finish())
            }
        };
        // Records were staged back to back in document order with known lengths: read a block
        // of whole records at once and cut it, instead of a line (and an allocation) at a time.
        let mut reader = File::open(&staging_path)?;
        let read_block = |reader: &mut File, first: usize| -> std::io::Result<StagedBlock> {
            let mut next = first;
            let mut size = 0usize;
            while next < docs.len() && (next == first || size < BATCH_BYTES) {
                size += docs[next].staged.1 as usize;
                next += 1;
            }
            let mut bytes = vec![0; size];
            reader.read_exact(&mut bytes).map_err(|e| {
                std::io::Error::new(e.kind(), format!("staging file ended early: {e}"))
            })?;
            let mut bounds = Vec::with_capacity(next - first);
            let mut at = 0usize;
            for d in &docs[first..next] {
                let len = d.staged.1 as usize;
                bounds.push(at..at + len);
                at += len;
            }
            Ok(StagedBlock {
                first,
                bytes,
                bounds,
            })
        };
        let emit = |sink: &mut dyn Write,
                    counts: &mut Counts,
                    (block, done): (StagedBlock, Vec<Finished>)|
         -> std::io::Result<()> {
            for (k, f) in done.into_iter().enumerate() {
                let Some((out, [passages, text, removed, bytes])) = f else {
                    continue;
                };
                counts.kept += 1;
                counts.passages_out += passages;
                counts.output_text_bytes += text;
                counts.duplicate_passages += removed;
                counts.duplicate_passage_bytes += bytes;
                match out {
                    Some(json) => sink.write_all(&json)?,
                    None => sink.write_all(&block.bytes[block.bounds[k].clone()])?,
                }
            }
            Ok(())
        };
        // While the workers finish one block, this thread writes the one before and reads the
        // one after: the copying in and out no longer waits for the JSON work, nor it for them.
        let mut current = if docs.is_empty() {
            None
        } else {
            Some(read_block(&mut reader, 0)?)
        };
        let mut pending: Option<(StagedBlock, Vec<Finished>)> = None;
        while let Some(block) = current.take() {
            let next = block.first + block.bounds.len();
            let (io, done) = rayon::join(
                || -> std::io::Result<Option<StagedBlock>> {
                    if let Some(p) = pending.take() {
                        emit(&mut *sink, counts, p)?;
                    }
                    if next < docs.len() {
                        read_block(&mut reader, next).map(Some)
                    } else {
                        Ok(None)
                    }
                },
                || {
                    block
                        .bounds
                        .par_iter()
                        .enumerate()
                        .map(|(k, r)| finish(block.first + k, &block.bytes[r.clone()]))
                        .collect::<std::io::Result<Vec<_>>>()
                },
            );
            current = io?;
            pending = Some((block, done?));
        }
        if let Some(p) = pending {
            emit(&mut *sink, counts, p)?;
        }
        sink.flush()
    };
    let written = write_atomic(&paths.corpus, |w| write_corpus(w, &mut counts));
    drop(staging);
    written.map_err(out_err(&paths.corpus))?;
    if counts.duplicate_passages > 0 {
        removed_by_rule.insert(
            rule::DUPLICATE_PASSAGE.to_string(),
            RuleCount {
                spans: counts.duplicate_passages,
                bytes: counts.duplicate_passage_bytes,
            },
        );
    }
    for c in &duplicates {
        match c.level {
            "document" => counts.document_clusters += 1,
            _ => counts.passage_clusters += 1,
        }
    }
    write_jsonl(&paths.dropped, &dropped, Compression::None, 0).map_err(out_err(&paths.dropped))?;
    write_jsonl(&paths.duplicates, &duplicates, Compression::None, 0)
        .map_err(out_err(&paths.duplicates))?;
    mark("write", &mut lap);

    let total = started.elapsed().as_secs_f64();
    let mb = counts.input_bytes as f64 / 1e6;
    let per_s = |x: f64| if total > 0.0 { x / total } else { 0.0 };
    let manifest = Manifest {
        scour_version: env!("CARGO_PKG_VERSION"),
        config_path: origin.path.clone(),
        config_hash: origin.hash.clone(),
        config: settings.clone(),
        inputs,
        skipped_files: discovery.skipped,
        run: RunFacts {
            threads: opts.threads,
            seconds,
            total_seconds: total,
            mb_per_s: per_s(mb),
            docs_per_s: per_s(counts.records_in as f64),
            peak_rss_bytes: peak_rss_bytes(),
        },
        counts,
        removed_by_rule,
        errors,
        dedup: dedup_facts,
    };
    write_json(&paths.manifest, &manifest).map_err(out_err(&paths.manifest))?;
    progress.finish();
    Ok(RunReport { manifest, paths })
}

/// Staged records of documents `first..first + bounds.len()`, read in one piece.
struct StagedBlock {
    first: usize,
    bytes: Vec<u8>,
    bounds: Vec<std::ops::Range<usize>>,
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
