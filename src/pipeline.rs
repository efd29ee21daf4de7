//! The pipeline: read, clean, normalize and fingerprint every document in parallel, then
//! deduplicate documents and passages across the whole corpus and write the results.
//!
//! Documents get a fixed order (sorted input paths, then record index) before anything
//! corpus-wide happens, and every decision follows that order, so the output is byte-identical
//! at any thread count.

use crate::clean::{Cleaner, rule};
use crate::config::{Compression, InputSettings};
use crate::config::{ConfigOrigin, DedupMode, Settings};
use crate::dedup::{self, Decision, ExactCheck, Item, Outcome, Params};
use crate::doc::Format;
use crate::doc::{DropReason, Extracted, Provenance, RawDoc};
use crate::fingerprint::{
    Digest, MinHasher, digest_hex, estimate_jaccard, exact_digest, exact_jaccard, shingle_set,
};
use crate::normalize::{Normalizer, fingerprint_text};
use crate::sink::records::*;
use crate::sink::{OutputPaths, write_atomic, write_json, write_jsonl};
use crate::source::stream::{JsonlChunk, JsonlStream, StreamItem, StreamTotals};
use crate::source::{self, InputError, InputFile, SkippedFile, SourceCompression};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Map;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
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
        let mut doc_sig: Option<Vec<u32>> = None;
        for p in &norm.paragraphs {
            fingerprint_text(&norm.text[p.clone()], &mut fp);
            let words = if fp.is_empty() {
                0
            } else {
                fp.bytes().filter(|&b| b == b' ').count() + 1
            };
            let matchable = self.passage_signatures && words >= self.passage_min_words;
            // A document's shingles are its passages' shingles (none spans a paragraph break),
            // so its signature is the element-wise minimum of theirs: each word is hashed once.
            let signature = if matchable || self.doc_signatures {
                self.minhash.signature(&fp)
            } else {
                None
            };
            if self.doc_signatures
                && let Some(sig) = &signature
            {
                match &mut doc_sig {
                    None => doc_sig = Some(sig.clone()),
                    Some(d) => d.iter_mut().zip(sig).for_each(|(a, b)| *a = (*a).min(*b)),
                }
            }
            let signature = if matchable { signature } else { None };
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
        let signature = doc_sig;
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

/// Inputs are handed from the reader thread to the workers in batches of about this many bytes:
/// enough to keep every core busy, small enough that memory stays flat.
const BATCH_BYTES: usize = 16 << 20;
/// JSONL files are cut into chunks of this size (whole lines).
const CHUNK_BYTES: usize = 4 << 20;

/// Work the reader thread hands to the workers.
enum Piece {
    /// A file read whole (txt, html, WARC), still as stored.
    Whole { file: usize, stored: Vec<u8> },
    /// Whole lines of a streamed JSONL file.
    Chunk { file: usize, chunk: JsonlChunk },
    /// A record lost before parsing (unreadable file, truncated stream, over-long line).
    Error { file: usize, error: InputError },
    /// A streamed file is finished.
    Done { file: usize, totals: StreamTotals },
}

impl Piece {
    fn weight(&self) -> usize {
        match self {
            Piece::Whole { stored, .. } => stored.len(),
            Piece::Chunk { chunk, .. } => chunk.data.len(),
            _ => 0,
        }
    }
}

/// The workers' result for one piece, in input order.
pub struct PieceOut<T> {
    pub file: usize,
    pub items: Vec<T>,
    pub errors: Vec<InputError>,
    /// For files read whole, and streams when finished: sizes and hash for the manifest.
    pub totals: Option<StreamTotals>,
    pub warc_skipped: u64,
}

/// Reads files in order on its own thread, so I/O and decompression overlap the processing.
fn read_inputs(files: &[InputFile], settings: &InputSettings, tx: SyncSender<Vec<Piece>>) {
    let mut batch: Vec<Piece> = Vec::new();
    let mut weight = 0usize;
    let push = |piece: Piece, batch: &mut Vec<Piece>, weight: &mut usize| -> bool {
        *weight += piece.weight();
        batch.push(piece);
        if *weight >= BATCH_BYTES {
            *weight = 0;
            return tx.send(std::mem::take(batch)).is_ok();
        }
        true
    };
    for (i, f) in files.iter().enumerate() {
        let alive = if f.format == Format::Jsonl {
            let mut stream = JsonlStream::open(f, settings, CHUNK_BYTES);
            let mut alive = true;
            for item in stream.by_ref() {
                let piece = match item {
                    StreamItem::Chunk(chunk) => Piece::Chunk { file: i, chunk },
                    StreamItem::Error(error) => Piece::Error { file: i, error },
                };
                if !push(piece, &mut batch, &mut weight) {
                    alive = false;
                    break;
                }
            }
            let totals = stream.totals();
            alive && push(Piece::Done { file: i, totals }, &mut batch, &mut weight)
        } else {
            let piece = match std::fs::read(&f.path) {
                Ok(stored) => Piece::Whole { file: i, stored },
                Err(e) => Piece::Error {
                    file: i,
                    error: InputError::new(
                        &f.display,
                        source::InputErrorKind::Unreadable,
                        format!("cannot read file: {e}"),
                    ),
                },
            };
            push(piece, &mut batch, &mut weight)
        };
        if !alive {
            return;
        }
    }
    if !batch.is_empty() {
        let _ = tx.send(batch);
    }
}

/// Read and process every input in bounded batches. `map` turns each processed document into
/// what the caller keeps (in parallel); `each` gets the pieces in input order.
pub fn process_inputs<T: Send>(
    files: &[InputFile],
    settings: &Settings,
    stages: &Stages,
    map: impl Fn(Processed) -> T + Sync,
    mut each: impl FnMut(PieceOut<T>),
) {
    let (tx, rx) = sync_channel::<Vec<Piece>>(2);
    std::thread::scope(|scope| {
        scope.spawn(|| read_inputs(files, &settings.input, tx));
        for batch in rx {
            let outs: Vec<PieceOut<T>> = batch
                .into_par_iter()
                .map(|piece| match piece {
                    Piece::Whole { file, stored } => {
                        let read = source::read_stored(&files[file], &stored, &settings.input);
                        drop(stored);
                        PieceOut {
                            file,
                            items: read
                                .docs
                                .into_par_iter()
                                .map(|d| map(stages.process(d)))
                                .collect(),
                            errors: read.errors,
                            totals: Some(StreamTotals {
                                bytes: read.bytes,
                                decompressed_bytes: read.decompressed_bytes,
                                blake3: read.blake3,
                            }),
                            warc_skipped: read.warc_skipped,
                        }
                    }
                    Piece::Chunk { file, chunk } => {
                        let read = chunk.parse(&files[file], &settings.input);
                        drop(chunk);
                        PieceOut {
                            file,
                            items: read
                                .docs
                                .into_par_iter()
                                .map(|d| map(stages.process(d)))
                                .collect(),
                            errors: read.errors,
                            totals: None,
                            warc_skipped: 0,
                        }
                    }
                    Piece::Error { file, error } => PieceOut {
                        file,
                        items: Vec::new(),
                        errors: vec![error],
                        totals: None,
                        warc_skipped: 0,
                    },
                    Piece::Done { file, totals } => PieceOut {
                        file,
                        items: Vec::new(),
                        errors: Vec::new(),
                        totals: Some(totals),
                        warc_skipped: 0,
                    },
                })
                .collect();
            for out in outs {
                each(out);
            }
        }
    });
}

/// What the corpus-wide steps need of a document; its text waits on disk.
#[derive(Debug, Clone)]
struct DocIndex {
    id: String,
    /// Where the staged record is: byte offset and length in the staging file.
    staged: (u64, u64),
    source: Provenance,
    empty: bool,
    words: usize,
    digest: Digest,
    signature: Option<Vec<u32>>,
    passages: Vec<ProcessedPassage>,
}

/// Reads texts back from the staging file to compute exact Jaccard similarities.
struct StagedTexts {
    file: Option<std::sync::Mutex<File>>,
    shingle: usize,
}

#[derive(serde::Deserialize)]
struct StagedText {
    text: String,
}

impl StagedTexts {
    fn open(path: &Path, shingle: usize) -> StagedTexts {
        StagedTexts {
            file: File::open(path).ok().map(std::sync::Mutex::new),
            shingle,
        }
    }

    /// Shingle set of a document, or of one of its passages.
    fn shingles(&self, d: &DocIndex, passage: Option<usize>) -> Option<Vec<u64>> {
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

    fn jaccard(
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
fn stage(p: Processed, counts: &mut BTreeMap<String, RuleCount>) -> (DocIndex, Vec<u8>) {
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
    let staging_path = opts
        .output
        .join(format!(".staging-{}.jsonl.tmp", std::process::id()));
    let staging_file = File::create(&staging_path).map_err(out_err(&staging_path))?;
    let mut staging = BufWriter::with_capacity(1 << 20, staging_file);
    let mut staging_err: Option<std::io::Error> = None;

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
            let (index, json) = stage(p, &mut counts);
            (index, json, counts)
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
            for (mut index, json, counts) in out.items {
                index.staged = (staged_bytes, json.len() as u64);
                staged_bytes += json.len() as u64;
                for (rule, c) in counts {
                    let total = removed_by_rule.entry(rule).or_default();
                    total.spans += c.spans;
                    total.bytes += c.bytes;
                }
                if staging_err.is_none()
                    && let Err(e) = staging.write_all(&json)
                {
                    staging_err = Some(e);
                }
                docs.push(index);
            }
        },
    );
    let staged = staging
        .into_inner()
        .map_err(|e| e.into_error())
        .and_then(|f| match staging_err {
            Some(e) => Err(e),
            None => Ok(f),
        });
    let cleanup = || {
        let _ = std::fs::remove_file(&staging_path);
    };
    if let Err(e) = staged {
        cleanup();
        return Err(out_err(&staging_path)(e));
    }
    mark("read_clean_fingerprint", &mut lap);

    if opts.strict && !errors.is_empty() {
        progress.finish();
        cleanup();
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
    let mut dedup_facts = DedupFacts::default();

    progress.stage("dedup docs");
    if mode != DedupMode::Off && settings.dedup.documents {
        let idx: Vec<usize> = (0..docs.len())
            .filter(|&i| fates[i].dropped.is_none())
            .collect();
        // The signatures move into the items: the index does not need them afterwards.
        let items: Vec<Item> = idx
            .iter()
            .map(|&i| Item {
                order: i as u64,
                digest: docs[i].digest,
                signature: docs[i].signature.take(),
            })
            .collect();
        let texts = StagedTexts::open(&staging_path, settings.fingerprint.shingle);
        let jaccard = |a: usize, b: usize| texts.jaccard(&docs[idx[a]], None, &docs[idx[b]], None);
        let check = ExactCheck {
            margin: settings.dedup.exact_margin,
            jaccard: &jaccard,
        };
        let exact = (settings.dedup.exact_margin > 0.0).then_some(&check);
        let outcome = dedup::deduplicate_checked(&items, &params, exact);
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
        for (di, d) in docs.iter_mut().enumerate() {
            if fates[di].dropped.is_some()
                || (mode == DedupMode::Drop && fates[di].duplicate_of.is_some())
            {
                continue;
            }
            for (pi, p) in d.passages.iter_mut().enumerate() {
                if p.words < settings.dedup.passage_min_words {
                    continue;
                }
                items.push(Item {
                    order: refs.len() as u64,
                    digest: p.digest,
                    signature: p.signature.take(),
                });
                refs.push((di, pi));
            }
        }
        let texts = StagedTexts::open(&staging_path, settings.fingerprint.shingle);
        let jaccard = |a: usize, b: usize| {
            let ((da, pa), (db, pb)) = (refs[a], refs[b]);
            texts.jaccard(&docs[da], Some(pa), &docs[db], Some(pb))
        };
        let check = ExactCheck {
            margin: settings.dedup.exact_margin,
            jaccard: &jaccard,
        };
        let exact = (settings.dedup.exact_margin > 0.0).then_some(&check);
        let outcome = dedup::deduplicate_checked(&items, &params, exact);
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
                let mut eligible = (0..d.passages.len())
                    .filter(|&pi| d.passages[pi].words >= settings.dedup.passage_min_words)
                    .peekable();
                if fates[di].dropped.is_none()
                    && eligible.peek().is_some()
                    && eligible.all(|pi| passage_fates[di][pi].duplicate_of.is_some())
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
    let finish = |di: usize, line: &[u8]| -> std::io::Result<Option<(Vec<u8>, [u64; 4])>> {
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
            let stats = [d.passages.len() as u64, staged_text_len(d), 0, 0];
            return Ok(Some((line.to_vec(), stats)));
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
        Ok(Some((out, stats)))
    };
    let write_corpus = |w: &mut dyn Write, counts: &mut Counts| -> std::io::Result<()> {
        let mut sink: Box<dyn Write + '_> = match settings.output.compression {
            Compression::None => Box::new(&mut *w),
            Compression::Zstd => {
                Box::new(zstd::Encoder::new(&mut *w, settings.output.zstd_level)?.auto_finish())
            }
        };
        let mut reader = BufReader::with_capacity(1 << 20, File::open(&staging_path)?);
        let mut next = 0usize;
        while next < docs.len() {
            let mut block: Vec<(usize, Vec<u8>)> = Vec::new();
            let mut size = 0usize;
            while next < docs.len() && size < BATCH_BYTES {
                let mut line = Vec::new();
                if reader.read_until(b'\n', &mut line)? == 0 {
                    return Err(std::io::Error::other("staging file ended early"));
                }
                size += line.len();
                block.push((next, line));
                next += 1;
            }
            let done: Vec<_> = block
                .par_iter()
                .map(|(di, line)| finish(*di, line))
                .collect::<std::io::Result<_>>()?;
            for (out, [passages, text, removed, bytes]) in done.into_iter().flatten() {
                counts.kept += 1;
                counts.passages_out += passages;
                counts.output_text_bytes += text;
                counts.duplicate_passages += removed;
                counts.duplicate_passage_bytes += bytes;
                sink.write_all(&out)?;
            }
        }
        sink.flush()
    };
    let written = write_atomic(&paths.corpus, |w| write_corpus(w, &mut counts));
    cleanup();
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

/// Output text length of a record that goes to the corpus unchanged.
fn staged_text_len(d: &DocIndex) -> u64 {
    match (d.passages.first(), d.passages.last()) {
        (Some(_), Some(last)) => last.end as u64,
        _ => 0,
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

fn apply_doc_outcome(
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

fn passage_cluster_record(
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
