//! `scour eval dedup`: score a scour run against the ground truth `scour gen` wrote.
//!
//! Three questions, each as precision and recall:
//!
//! - **Documents.** Do scour's duplicate links (`duplicate_of` of dropped or annotated
//!   documents) and document clusters match the true copies (documents of one story group;
//!   exact when their article bodies are identical)? And, independent of the generator's
//!   labels, do they match *exact brute-force Jaccard*: for a sample of documents, the exact
//!   word-shingle Jaccard (scour's own `fingerprint_text` and `shingle_set`, the run's shingle
//!   size) of their true clean text against every other document, counting pairs at or above
//!   the run's `dedup.threshold`?
//! - **Passages.** Do the `duplicate_passage` removals (annotate mode: `passages[].duplicate_of`)
//!   link passages with the same true origin, and are the later copies of passages found?
//! - **Cruft.** Do scour's `removed` spans (other than `duplicate_passage`) cover the true cruft
//!   spans, by bytes and by span, overall and per kind?
//!
//! Documents are matched by `(path, record)`: the truth's path relative to the generated folder
//! against the last components of scour's `source.path`. WARC offsets point into the HTML
//! extractor's output, not the generator's text, so for WARC cruft is matched by text.

use crate::fingerprint::{exact_jaccard, shingle_set};
use crate::normalize::fingerprint_text;
use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct DedupEvalArgs {
    /// Folder written by `scour gen` (its data files and `.truth/`).
    #[arg(long)]
    pub truth: PathBuf,
    /// Output folder of the scour run to score.
    #[arg(long)]
    pub run: PathBuf,
    /// Documents sampled for the brute-force Jaccard comparison (0 skips it).
    #[arg(long, default_value_t = 2000)]
    pub sample: usize,
    /// Jaccard threshold for the brute-force pairs (default: the run's dedup.threshold).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Also write the numbers as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// Failure examples shown per category.
    #[arg(long, default_value_t = 3)]
    pub examples: usize,
    /// Seed of the document sample.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

// ---------------------------------------------------------------------------------------------
// Inputs

#[derive(Debug, Deserialize)]
pub struct TruthDoc {
    pub path: String,
    pub record: u64,
    pub doc_id: String,
    pub group: u64,
    pub content: String,
    pub dup_of: Option<String>,
    pub dup_kind: Option<String>,
    #[serde(default)]
    pub edits: Vec<String>,
    pub cruft: Vec<(usize, usize, String)>,
    pub passages: Vec<(usize, usize, String, bool)>,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RunSource {
    path: String,
    record: Option<u64>,
    #[serde(default)]
    format: Option<String>,
}

#[derive(Debug, Deserialize)]
struct Link {
    id: String,
    #[serde(default)]
    passage: Option<usize>,
    #[serde(default)]
    exact: bool,
}

#[derive(Debug, Deserialize)]
struct RunRemoved {
    rule: String,
    byte_start: usize,
    byte_end: usize,
    #[serde(default)]
    text: String,
    #[serde(default)]
    duplicate_of: Option<Link>,
}

#[derive(Debug, Deserialize)]
struct RunPassage {
    byte_start: usize,
    byte_end: usize,
    #[serde(default)]
    duplicate_of: Option<Link>,
}

#[derive(Debug, Deserialize)]
struct CorpusLine {
    id: String,
    #[serde(default)]
    text: String,
    source: RunSource,
    #[serde(default)]
    removed: Vec<RunRemoved>,
    #[serde(default)]
    passages: Vec<RunPassage>,
    #[serde(default)]
    duplicate_of: Option<Link>,
}

#[derive(Debug, Deserialize)]
struct DroppedLine {
    id: Option<String>,
    source: RunSource,
    reason: String,
    #[serde(default)]
    duplicate_of: Option<Link>,
}

#[derive(Debug, Deserialize)]
struct ClusterLine {
    level: String,
    members: Vec<ClusterMemberLine>,
}

#[derive(Debug, Deserialize)]
struct ClusterMemberLine {
    id: String,
}

/// A reported passage link: (document, its passage's source range, the kept document it
/// repeats, that document's passage index, exact).
type PassageReport = (usize, (usize, usize), usize, usize, bool);
/// Spans laid out on the generator's text: true cruft, and what scour removed.
type SpanPair = (Vec<(usize, usize, String)>, Vec<(usize, usize, String)>);

/// A document scour kept, reduced to what scoring needs.
struct KeptDoc {
    truth: usize,
    warc: bool,
    /// WARC only: the output text, to tell cruft the HTML extractor already dropped.
    text: Option<String>,
    removed: Vec<RunRemoved>,
    passages: Vec<RunPassage>,
}

/// Everything read from a run folder.
struct Run {
    threshold: f64,
    shingle: usize,
    passage_min_words: usize,
    mode: String,
    /// scour id -> truth index.
    ids: HashMap<String, usize>,
    kept: Vec<KeptDoc>,
    /// truth index -> index into `kept`.
    kept_of: HashMap<usize, usize>,
    /// (document, the kept document it duplicates, exact) as truth indexes.
    links: Vec<(usize, usize, bool)>,
    /// Document clusters as truth indexes.
    clusters: Vec<Vec<usize>>,
    unmatched: usize,
}

fn open_lines(path: &Path) -> Result<Box<dyn BufRead>> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let name = path.to_string_lossy();
    let r: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(f))
    } else if name.ends_with(".zst") {
        Box::new(zstd::stream::read::Decoder::new(f)?)
    } else {
        Box::new(f)
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, r)))
}

/// Parses every line of a JSONL file; a malformed line is an error naming file and line.
fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path, mut f: impl FnMut(T)) -> Result<()> {
    let reader = open_lines(path)?;
    for (i, line) in reader.lines().enumerate() {
        let line =
            line.with_context(|| format!("cannot read {} line {}", path.display(), i + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let v: T = serde_json::from_str(&line)
            .with_context(|| format!("{} line {}: not a valid record", path.display(), i + 1))?;
        f(v);
    }
    Ok(())
}

pub fn load_truth(dir: &Path) -> Result<Vec<TruthDoc>> {
    let path = dir.join(".truth/docs.jsonl");
    let mut docs = Vec::new();
    read_jsonl(&path, |d: TruthDoc| docs.push(d))?;
    if docs.is_empty() {
        bail!("{} holds no documents", path.display());
    }
    for (i, d) in docs.iter().enumerate() {
        if d.cruft.iter().any(|c| c.0 > c.1) || d.passages.iter().any(|p| p.0 > p.1) {
            bail!(
                "{} line {}: a span ends before it starts",
                path.display(),
                i + 1
            );
        }
    }
    Ok(docs)
}

/// Maps scour's `source.path` (as given on its command line) to the truth's relative path:
/// the longest tail of its components that the truth knows.
struct PathIndex {
    by_key: HashMap<(String, u64), usize>,
    depth: usize,
}

impl PathIndex {
    fn new(truth: &[TruthDoc]) -> PathIndex {
        let depth = truth
            .iter()
            .map(|d| d.path.split('/').count())
            .max()
            .unwrap_or(1);
        let by_key = truth
            .iter()
            .enumerate()
            .map(|(i, d)| ((d.path.clone(), d.record), i))
            .collect();
        PathIndex { by_key, depth }
    }

    fn find(&self, path: &str, record: u64) -> Option<usize> {
        let parts: Vec<&str> = path.split(['/', '\\']).collect();
        (1..=self.depth.min(parts.len())).rev().find_map(|n| {
            let key = parts[parts.len() - n..].join("/");
            self.by_key.get(&(key, record)).copied()
        })
    }
}

fn manifest_get<'a>(m: &'a Value, path: &[&str]) -> Result<&'a Value> {
    let mut v = m;
    for p in path {
        v = v
            .get(p)
            .ok_or_else(|| anyhow!("manifest.json has no {}", path.join(".")))?;
    }
    Ok(v)
}

fn load_run(dir: &Path, truth: &[TruthDoc]) -> Result<Run> {
    let mpath = dir.join("manifest.json");
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(&mpath)
            .with_context(|| format!("cannot read {}", mpath.display()))?,
    )
    .with_context(|| format!("{} is not valid JSON", mpath.display()))?;
    let threshold = manifest_get(&manifest, &["config", "dedup", "threshold"])?
        .as_f64()
        .ok_or_else(|| anyhow!("manifest.json: config.dedup.threshold is not a number"))?;
    let shingle = manifest_get(&manifest, &["config", "fingerprint", "shingle"])?
        .as_u64()
        .ok_or_else(|| anyhow!("manifest.json: config.fingerprint.shingle is not a number"))?
        as usize;
    let passage_min_words = manifest_get(&manifest, &["config", "dedup", "passage_min_words"])?
        .as_u64()
        .unwrap_or(8) as usize;
    let mode = manifest_get(&manifest, &["config", "dedup", "mode"])?
        .as_str()
        .unwrap_or("drop")
        .to_string();
    let index = PathIndex::new(truth);
    let mut run = Run {
        threshold,
        shingle,
        passage_min_words,
        mode,
        ids: HashMap::new(),
        kept: Vec::new(),
        kept_of: HashMap::new(),
        links: Vec::new(),
        clusters: Vec::new(),
        unmatched: 0,
    };
    let corpus = [dir.join("corpus.jsonl"), dir.join("corpus.jsonl.zst")]
        .into_iter()
        .find(|p| p.exists())
        .ok_or_else(|| anyhow!("{} has no corpus.jsonl", dir.display()))?;
    let mut pending_links: Vec<(usize, String, bool)> = Vec::new();
    read_jsonl(&corpus, |c: CorpusLine| {
        let Some(t) = c.source.record.and_then(|r| index.find(&c.source.path, r)) else {
            run.unmatched += 1;
            return;
        };
        run.ids.insert(c.id.clone(), t);
        if let Some(l) = &c.duplicate_of {
            pending_links.push((t, l.id.clone(), l.exact));
        }
        run.kept_of.insert(t, run.kept.len());
        let warc = c.source.format.as_deref() == Some("warc");
        run.kept.push(KeptDoc {
            truth: t,
            warc,
            text: warc.then_some(c.text),
            removed: c.removed,
            passages: c.passages,
        });
    })?;
    let dropped = dir.join("dropped.jsonl");
    if dropped.exists() {
        read_jsonl(&dropped, |d: DroppedLine| {
            let t = d.source.record.and_then(|r| index.find(&d.source.path, r));
            match (t, &d.id) {
                (Some(t), Some(id)) => {
                    run.ids.insert(id.clone(), t);
                    if d.reason == "duplicate"
                        && let Some(l) = &d.duplicate_of
                    {
                        pending_links.push((t, l.id.clone(), l.exact));
                    }
                }
                _ => run.unmatched += 1,
            }
        })?;
    }
    for (t, id, exact) in pending_links {
        match run.ids.get(&id) {
            Some(&k) => run.links.push((t, k, exact)),
            None => {
                bail!("duplicate_of names document {id}, which is in neither corpus nor dropped")
            }
        }
    }
    let dups = dir.join("duplicates.jsonl");
    if dups.exists() {
        let mut clusters = Vec::new();
        read_jsonl(&dups, |c: ClusterLine| {
            if c.level == "document" {
                clusters.push(c.members.into_iter().map(|m| m.id).collect::<Vec<_>>());
            }
        })?;
        for members in clusters {
            let mapped: Vec<usize> = members
                .iter()
                .filter_map(|id| run.ids.get(id).copied())
                .collect();
            run.clusters.push(mapped);
        }
    }
    Ok(run)
}

// ---------------------------------------------------------------------------------------------
// Metrics

/// Counts behind a precision or recall figure.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ratio {
    pub hit: u64,
    pub total: u64,
}

impl Ratio {
    pub fn add(&mut self, hit: bool) {
        self.total += 1;
        self.hit += u64::from(hit);
    }

    /// `None` when there is nothing to measure.
    pub fn value(&self) -> Option<f64> {
        (self.total > 0).then(|| self.hit as f64 / self.total as f64)
    }

    /// One report line: the label in a 32-column field, then [`Ratio::show`].
    fn row(&self, report: &mut String, label: &str) -> std::fmt::Result {
        writeln!(report, "  {label:<32}{}", self.show())
    }

    fn show(&self) -> String {
        match self.value() {
            Some(v) => format!("{v:.4} ({}/{})", self.hit, self.total),
            None => "n/a".to_string(),
        }
    }

    fn json(&self) -> Value {
        json!({"value": self.value(), "hit": self.hit, "total": self.total})
    }
}

/// Bytes of `a` covered by the union of `spans` (spans may overlap each other).
pub fn covered(a: (usize, usize), spans: &[(usize, usize)]) -> usize {
    let mut parts: Vec<(usize, usize)> = spans
        .iter()
        .map(|&(s, e)| (s.max(a.0), e.min(a.1)))
        .filter(|(s, e)| s < e)
        .collect();
    parts.sort_unstable();
    let mut total = 0;
    let mut cur: Option<(usize, usize)> = None;
    for (s, e) in parts {
        cur = match cur {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    if let Some((cs, ce)) = cur {
        total += ce - cs;
    }
    total
}

/// Span and byte scores of predicted spans against true spans of one document, per kind.
#[derive(Debug, Default, Clone)]
pub struct SpanScores {
    /// kind -> (true spans found, true bytes covered) recall counters.
    pub recall_spans: HashMap<String, Ratio>,
    pub recall_bytes: HashMap<String, Ratio>,
    /// rule -> precision counters.
    pub precision_spans: HashMap<String, Ratio>,
    pub precision_bytes: HashMap<String, Ratio>,
}

impl SpanScores {
    /// Scores one document. A span counts as found (or correct) when at least half of its
    /// bytes are covered by the other side: line spans match exactly in the common case, and
    /// trimming differences at the edges must not turn a hit into a miss.
    pub fn add_doc(
        &mut self,
        truth: &[(usize, usize, String)],
        predicted: &[(usize, usize, String)],
        mut on_miss: impl FnMut(&(usize, usize, String)),
        mut on_false: impl FnMut(&(usize, usize, String)),
    ) {
        let t_ranges: Vec<(usize, usize)> = truth.iter().map(|t| (t.0, t.1)).collect();
        let p_ranges: Vec<(usize, usize)> = predicted.iter().map(|p| (p.0, p.1)).collect();
        for t in truth {
            let len = t.1 - t.0;
            let c = covered((t.0, t.1), &p_ranges);
            let found = len > 0 && c * 2 >= len;
            self.recall_spans.entry(t.2.clone()).or_default().add(found);
            let b = self.recall_bytes.entry(t.2.clone()).or_default();
            b.hit += c as u64;
            b.total += len as u64;
            if !found {
                on_miss(t);
            }
        }
        for p in predicted {
            let len = p.1 - p.0;
            let c = covered((p.0, p.1), &t_ranges);
            let ok = len > 0 && c * 2 >= len;
            self.precision_spans.entry(p.2.clone()).or_default().add(ok);
            let b = self.precision_bytes.entry(p.2.clone()).or_default();
            b.hit += c as u64;
            b.total += len as u64;
            if !ok {
                on_false(p);
            }
        }
    }

    pub fn total(map: &HashMap<String, Ratio>) -> Ratio {
        map.values().fold(Ratio::default(), |a, r| Ratio {
            hit: a.hit + r.hit,
            total: a.total + r.total,
        })
    }
}

/// Unordered pair key.
fn pair(a: usize, b: usize) -> (usize, usize) {
    if a < b { (a, b) } else { (b, a) }
}

/// Pairwise precision and recall of predicted clusters against true pairs.
pub fn cluster_pairs(clusters: &[Vec<usize>]) -> HashSet<(usize, usize)> {
    let mut out = HashSet::new();
    for c in clusters {
        for i in 0..c.len() {
            for j in i + 1..c.len() {
                if c[i] != c[j] {
                    out.insert(pair(c[i], c[j]));
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Clean text of the generated documents

/// Reads every generated document's text and calls `f(truth index, text)`, in parallel
/// batches.
fn for_each_text(
    dir: &Path,
    truth: &[TruthDoc],
    f: impl Fn(usize, &str) + Sync + Send,
) -> Result<()> {
    let index = PathIndex::new(truth);
    let mut files: Vec<&str> = truth.iter().map(|d| d.path.as_str()).collect();
    files.dedup();
    let mut seen = HashSet::new();
    for (i, d) in truth.iter().enumerate() {
        if let Some(t) = &d.text {
            f(i, t);
            seen.insert(d.path.as_str());
        }
    }
    let files: Vec<&str> = files.into_iter().filter(|p| !seen.contains(p)).collect();
    let mut unique = Vec::new();
    let mut set = HashSet::new();
    for p in files {
        if set.insert(p) {
            unique.push(p);
        }
    }
    let jsonl: Vec<&str> = unique
        .iter()
        .copied()
        .filter(|p| p.contains(".jsonl"))
        .collect();
    let txt: Vec<&str> = unique
        .iter()
        .copied()
        .filter(|p| !p.contains(".jsonl"))
        .collect();
    txt.par_iter().try_for_each(|p| -> Result<()> {
        let path = dir.join(p);
        let mut s = String::new();
        open_lines(&path)?
            .read_to_string(&mut s)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if let Some(t) = index.find(p, 0) {
            f(t, &s);
        }
        Ok(())
    })?;
    #[derive(Deserialize)]
    struct Line {
        text: String,
    }
    for p in jsonl {
        let path = dir.join(p);
        let mut batch: Vec<(u64, String)> = Vec::with_capacity(4096);
        let flush = |batch: &mut Vec<(u64, String)>| -> Result<()> {
            batch.par_iter().try_for_each(|(rec, line)| -> Result<()> {
                let l: Line = serde_json::from_str(line).with_context(|| {
                    format!("{} record {rec}: not a valid record", path.display())
                })?;
                if let Some(t) = index.find(p, *rec) {
                    f(t, &l.text);
                }
                Ok(())
            })?;
            batch.clear();
            Ok(())
        };
        let mut rec = 0u64;
        for line in open_lines(&path)?.lines() {
            let line = line.with_context(|| format!("cannot read {}", path.display()))?;
            if line.trim().is_empty() {
                continue;
            }
            batch.push((rec, line));
            rec += 1;
            if batch.len() == 4096 {
                flush(&mut batch)?;
            }
        }
        flush(&mut batch)?;
    }
    Ok(())
}

/// The document text with the true cruft cut out: what a perfect cleaner would keep.
pub fn clean_text(text: &str, cruft: &[(usize, usize, String)]) -> String {
    let mut spans: Vec<(usize, usize)> = cruft
        .iter()
        .map(|c| (c.0.min(text.len()), c.1.min(text.len())))
        .collect();
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for (s, e) in spans {
        if s > pos {
            out.push_str(text.get(pos..s).unwrap_or(""));
        }
        out.push('\n');
        pos = pos.max(e);
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    out
}

fn fp_words(text: &str) -> usize {
    let mut fp = String::new();
    fingerprint_text(text, &mut fp);
    if fp.is_empty() {
        0
    } else {
        fp.bytes().filter(|&b| b == b' ').count() + 1
    }
}

// ---------------------------------------------------------------------------------------------
// The evaluation

pub fn run(args: &DedupEvalArgs) -> Result<()> {
    let truth = load_truth(&args.truth)?;
    let run = load_run(&args.run, &truth)?;
    let threshold = args.threshold.unwrap_or(run.threshold);
    let mut report = String::new();
    let mut js = serde_json::Map::new();
    let n = truth.len();
    writeln!(
        report,
        "scour eval dedup: {} true documents, {} in the run's corpus ({} mode), {} run records not matched to truth",
        n,
        run.kept.len(),
        run.mode,
        run.unmatched
    )?;
    js.insert("documents".into(), json!(n));
    js.insert("kept".into(), json!(run.kept.len()));
    js.insert("mode".into(), json!(run.mode));
    js.insert("unmatched_run_records".into(), json!(run.unmatched));

    // Per-document word counts of passages (for the passage_min_words filter) and, for the
    // sample, shingle sets of the true clean text.
    let sample = pick_sample(n, args.sample, args.seed);
    let sample_pos: HashMap<usize, usize> =
        sample.iter().enumerate().map(|(k, &i)| (i, k)).collect();
    let passage_words: Vec<std::sync::Mutex<Vec<usize>>> =
        (0..n).map(|_| std::sync::Mutex::new(Vec::new())).collect();
    let sample_sets: Vec<std::sync::Mutex<Vec<u64>>> = (0..sample.len())
        .map(|_| std::sync::Mutex::new(Vec::new()))
        .collect();
    let shingle = run.shingle;
    for_each_text(&args.truth, &truth, |i, text| {
        let d = &truth[i];
        let words = d
            .passages
            .iter()
            .map(|p| text.get(p.0..p.1).map_or(0, fp_words))
            .collect();
        if let Ok(mut w) = passage_words[i].lock() {
            *w = words;
        }
        if let Some(&k) = sample_pos.get(&i) {
            let mut fp = String::new();
            fingerprint_text(&clean_text(text, &d.cruft), &mut fp);
            if let Ok(mut s) = sample_sets[k].lock() {
                *s = shingle_set(&fp, shingle);
            }
        }
    })?;
    let passage_words: Vec<Vec<usize>> = passage_words
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_default())
        .collect();
    let sample_sets: Vec<Vec<u64>> = sample_sets
        .into_iter()
        .map(|m| m.into_inner().unwrap_or_default())
        .collect();

    documents(args, &truth, &run, &mut report, &mut js)?;
    if !sample.is_empty() {
        brute_force(
            args,
            &truth,
            &run,
            threshold,
            &sample,
            &sample_sets,
            &mut report,
            &mut js,
        )?;
    }
    passages(args, &truth, &run, &passage_words, &mut report, &mut js)?;
    cruft(args, &truth, &run, &mut report, &mut js)?;

    print!("{report}");
    if let Some(p) = &args.json {
        std::fs::write(p, serde_json::to_string_pretty(&Value::Object(js))? + "\n")
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick_sample(n: usize, k: usize, seed: u64) -> Vec<usize> {
    if k >= n {
        return (0..n).collect();
    }
    // A seeded partial Fisher-Yates shuffle: the same sample for the same seed.
    let mut idx: Vec<usize> = (0..n).collect();
    let mut state = seed ^ 0x9E37_79B9_7F4A_7C15;
    for i in 0..k {
        state = splitmix(state);
        let j = i + (state % (n - i) as u64) as usize;
        idx.swap(i, j);
    }
    let mut s = idx[..k].to_vec();
    s.sort_unstable();
    s
}

/// Document pairs against the generator's labels.
fn documents(
    args: &DedupEvalArgs,
    truth: &[TruthDoc],
    run: &Run,
    report: &mut String,
    js: &mut serde_json::Map<String, Value>,
) -> Result<()> {
    // True pairs: documents of one story group; exact when the bodies are identical.
    let mut groups: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, d) in truth.iter().enumerate() {
        groups.entry(d.group).or_default().push(i);
    }
    let mut true_pairs: HashMap<(usize, usize), bool> = HashMap::new();
    for members in groups.values() {
        for a in 0..members.len() {
            for b in a + 1..members.len() {
                let (x, y) = (members[a], members[b]);
                true_pairs.insert(pair(x, y), truth[x].content == truth[y].content);
            }
        }
    }
    // Link precision, by scour's own exact flag.
    let mut link_exact = Ratio::default();
    let mut link_near = Ratio::default();
    let mut bad_links = Vec::new();
    let mut flagged: HashSet<usize> = HashSet::new();
    for &(a, b, exact) in &run.links {
        flagged.insert(a);
        let t = true_pairs.get(&pair(a, b)).copied();
        let ok = if exact { t == Some(true) } else { t.is_some() };
        if exact {
            link_exact.add(ok);
        } else {
            link_near.add(ok);
        }
        if !ok && bad_links.len() < args.examples {
            bad_links.push(format!(
                "{} -> {} (scour exact={exact}, truth {:?})",
                truth[a].doc_id, truth[b].doc_id, t
            ));
        }
    }
    // Document recall: a document with an earlier true copy should be linked to something.
    let mut rec_exact = Ratio::default();
    let mut rec_near = Ratio::default();
    let mut by_edit: HashMap<String, Ratio> = HashMap::new();
    let mut missed = Vec::new();
    // Groups in order of their first member, so the examples printed are the same every run.
    let mut group_list: Vec<&Vec<usize>> = groups.values().collect();
    group_list.sort_unstable_by_key(|m| m.first().copied());
    for members in group_list {
        for (k, &i) in members.iter().enumerate() {
            if k == 0 {
                continue;
            }
            let exact = members[..k]
                .iter()
                .any(|&j| truth[j].content == truth[i].content);
            let hit = flagged.contains(&i);
            if exact {
                rec_exact.add(hit);
            } else {
                rec_near.add(hit);
                let key = truth[i].edits.join("+");
                by_edit
                    .entry(if key.is_empty() { "none".into() } else { key })
                    .or_default()
                    .add(hit);
            }
            if !hit && missed.len() < args.examples {
                missed.push(format!(
                    "{} ({} of {:?}, edits {:?})",
                    truth[i].doc_id,
                    truth[i].dup_kind.as_deref().unwrap_or("copy"),
                    truth[i].dup_of,
                    truth[i].edits
                ));
            }
        }
    }
    // Cluster co-membership, pairwise.
    let predicted = cluster_pairs(&run.clusters);
    let mut cl_prec = Ratio::default();
    for p in &predicted {
        cl_prec.add(true_pairs.contains_key(p));
    }
    let mut cl_rec_exact = Ratio::default();
    let mut cl_rec_near = Ratio::default();
    for (p, &exact) in &true_pairs {
        let hit = predicted.contains(p);
        if exact {
            cl_rec_exact.add(hit);
        } else {
            cl_rec_near.add(hit);
        }
    }
    writeln!(report, "\n== Duplicate documents vs the generator's labels")?;
    link_exact.row(report, "link precision, exact links")?;
    link_near.row(report, "link precision, near links")?;
    rec_exact.row(report, "recall, exact copies")?;
    rec_near.row(report, "recall, near copies (all edits)")?;
    let mut edits: Vec<_> = by_edit.iter().collect();
    edits.sort_by(|a, b| b.1.total.cmp(&a.1.total).then_with(|| a.0.cmp(b.0)));
    for (e, r) in &edits {
        writeln!(report, "      {e:<28} {}", r.show())?;
    }
    cl_prec.row(report, "cluster pairs: precision")?;
    cl_rec_exact.row(report, "cluster pairs: recall exact")?;
    cl_rec_near.row(report, "cluster pairs: recall near")?;
    for b in &bad_links {
        writeln!(report, "    wrong link: {b}")?;
    }
    for m in &missed {
        writeln!(report, "    missed: {m}")?;
    }
    js.insert(
        "documents_vs_labels".into(),
        json!({
            "link_precision_exact": link_exact.json(),
            "link_precision_near": link_near.json(),
            "recall_exact": rec_exact.json(),
            "recall_near": rec_near.json(),
            "recall_near_by_edit": by_edit.iter().map(|(k, v)| (k.clone(), v.json())).collect::<serde_json::Map<_, _>>(),
            "cluster_pair_precision": cl_prec.json(),
            "cluster_pair_recall_exact": cl_rec_exact.json(),
            "cluster_pair_recall_near": cl_rec_near.json(),
        }),
    );
    Ok(())
}

/// Scour's pairs against exact Jaccard of the true clean texts, for a sample of documents.
#[allow(clippy::too_many_arguments)]
fn brute_force(
    args: &DedupEvalArgs,
    truth: &[TruthDoc],
    run: &Run,
    threshold: f64,
    sample: &[usize],
    sample_sets: &[Vec<u64>],
    report: &mut String,
    js: &mut serde_json::Map<String, Value>,
) -> Result<()> {
    // Inverted index over the sample's shingles: each document is compared exactly with every
    // sampled document it shares a shingle with (documents sharing none have Jaccard 0).
    let mut inverted: HashMap<u64, Vec<u32>> = HashMap::new();
    for (k, set) in sample_sets.iter().enumerate() {
        for &h in set {
            inverted.entry(h).or_default().push(k as u32);
        }
    }
    let sims: std::sync::Mutex<HashMap<(usize, usize), f64>> =
        std::sync::Mutex::new(HashMap::new());
    let shingle = run.shingle;
    for_each_text(&args.truth, truth, |i, text| {
        let mut fp = String::new();
        fingerprint_text(&clean_text(text, &truth[i].cruft), &mut fp);
        let set = shingle_set(&fp, shingle);
        let mut counts: HashMap<u32, usize> = HashMap::new();
        for h in &set {
            if let Some(ks) = inverted.get(h) {
                for &k in ks {
                    *counts.entry(k).or_default() += 1;
                }
            }
        }
        let mut found = Vec::new();
        for (k, _) in counts {
            let s = sample[k as usize];
            if s == i {
                continue;
            }
            // Recomputed exactly (not from the counts) so the figure is scour's exact_jaccard.
            let j = exact_jaccard(&sample_sets[k as usize], &set);
            if j >= 0.3 {
                found.push((pair(s, i), j));
            }
        }
        if let Ok(mut m) = sims.lock() {
            m.extend(found);
        }
    })?;
    let sims = sims.into_inner().unwrap_or_default();
    // Pairs in order, so the examples printed are the same every run.
    let mut sims_in_order: Vec<((usize, usize), f64)> =
        sims.iter().map(|(&p, &j)| (p, j)).collect();
    sims_in_order.sort_unstable_by_key(|&(p, _)| p);
    let in_sample: HashSet<usize> = sample.iter().copied().collect();
    let mut cluster_of: HashMap<usize, usize> = HashMap::new();
    for (c, members) in run.clusters.iter().enumerate() {
        for &m in members {
            cluster_of.insert(m, c);
        }
    }
    let same_cluster = |a: usize, b: usize| match (cluster_of.get(&a), cluster_of.get(&b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    };
    let linked: HashSet<(usize, usize)> = run.links.iter().map(|&(a, b, _)| pair(a, b)).collect();
    let mut recall = Ratio::default();
    let mut recall_link = Ratio::default();
    let mut missed = Vec::new();
    let mut true_pairs = 0usize;
    for &((a, b), j) in &sims_in_order {
        if j >= threshold {
            true_pairs += 1;
            let hit = same_cluster(a, b);
            recall.add(hit);
            recall_link.add(linked.contains(&(a, b)));
            if !hit && missed.len() < args.examples {
                missed.push(format!(
                    "{} ~ {} jaccard {j:.3} (truth: {:?} of {:?}, edits {:?})",
                    truth[a].doc_id,
                    truth[b].doc_id,
                    truth[b].dup_kind,
                    truth[b].dup_of,
                    truth[b].edits
                ));
            }
        }
    }
    // Precision: scour's links touching a sampled document, judged by exact Jaccard; pairs
    // within 0.05 of the threshold are borderline for a 128-hash estimate and reported apart.
    let mut precision = Ratio::default();
    let mut precision_margin = Ratio::default();
    let mut wrong = Vec::new();
    for &(a, b, _) in &run.links {
        if !in_sample.contains(&a) && !in_sample.contains(&b) {
            continue;
        }
        let j = sims.get(&pair(a, b)).copied().unwrap_or(0.0);
        precision.add(j >= threshold);
        precision_margin.add(j >= threshold - 0.05);
        if j < threshold && wrong.len() < args.examples {
            wrong.push(format!(
                "{} -> {} jaccard {j:.3}",
                truth[a].doc_id, truth[b].doc_id
            ));
        }
    }
    let mut cl_precision = Ratio::default();
    for c in &run.clusters {
        for x in 0..c.len() {
            for y in x + 1..c.len() {
                let (a, b) = (c[x], c[y]);
                if in_sample.contains(&a) || in_sample.contains(&b) {
                    let j = sims.get(&pair(a, b)).copied().unwrap_or(0.0);
                    cl_precision.add(j >= threshold);
                }
            }
        }
    }
    writeln!(
        report,
        "\n== Duplicate documents vs exact Jaccard ({} sampled documents, {}-word shingles, pairs with Jaccard >= {threshold}: {true_pairs})",
        sample.len(),
        run.shingle
    )?;
    recall.row(report, "recall (same cluster)")?;
    recall_link.row(report, "recall (direct link)")?;
    precision.row(report, "link precision")?;
    precision_margin.row(report, "link precision (J >= T - 0.05)")?;
    cl_precision.row(report, "cluster pair precision")?;
    for m in &missed {
        writeln!(report, "    missed: {m}")?;
    }
    for w in &wrong {
        writeln!(report, "    below threshold: {w}")?;
    }
    js.insert(
        "documents_vs_jaccard".into(),
        json!({
            "sample": sample.len(),
            "threshold": threshold,
            "pairs": true_pairs,
            "recall_cluster": recall.json(),
            "recall_link": recall_link.json(),
            "link_precision": precision.json(),
            "link_precision_margin_0_05": precision_margin.json(),
            "cluster_pair_precision": cl_precision.json(),
        }),
    );
    Ok(())
}

/// The truth passage a run passage (a source byte range) is: the one it overlaps most.
fn truth_passage(d: &TruthDoc, range: (usize, usize)) -> Option<usize> {
    let mut best = None;
    let mut best_overlap = 0;
    for (k, p) in d.passages.iter().enumerate() {
        let o = range.1.min(p.1).saturating_sub(range.0.max(p.0));
        if o > best_overlap {
            best_overlap = o;
            best = Some(k);
        }
    }
    best
}

fn passages(
    args: &DedupEvalArgs,
    truth: &[TruthDoc],
    run: &Run,
    words: &[Vec<usize>],
    report: &mut String,
    js: &mut serde_json::Map<String, Value>,
) -> Result<()> {
    // Reported passage links: (doc, its passage range) -> (kept doc, passage index there).
    let mut reported: Vec<PassageReport> = Vec::new();
    for kd in &run.kept {
        for r in &kd.removed {
            if r.rule == "duplicate_passage"
                && let Some(l) = &r.duplicate_of
            {
                let target = run.ids.get(&l.id).copied();
                if let (Some(t), Some(p)) = (target, l.passage) {
                    reported.push((kd.truth, (r.byte_start, r.byte_end), t, p, l.exact));
                }
            }
        }
        for p in &kd.passages {
            if let Some(l) = &p.duplicate_of {
                let target = run.ids.get(&l.id).copied();
                if let (Some(t), Some(pi)) = (target, l.passage) {
                    reported.push((kd.truth, (p.byte_start, p.byte_end), t, pi, l.exact));
                }
            }
        }
    }
    let mut precision = Ratio::default();
    let mut wrong = Vec::new();
    let mut flagged: HashSet<(usize, usize)> = HashSet::new();
    for &(d, range, t, pi, exact) in &reported {
        let mine = truth_passage(&truth[d], range);
        if let Some(m) = mine {
            flagged.insert((d, m));
        }
        let theirs = run
            .kept_of
            .get(&t)
            .and_then(|&k| run.kept[k].passages.get(pi))
            .and_then(|p| truth_passage(&truth[t], (p.byte_start, p.byte_end)));
        let ok = match (mine, theirs) {
            (Some(a), Some(b)) => truth[d].passages[a].2 == truth[t].passages[b].2,
            _ => false,
        };
        precision.add(ok);
        if !ok && wrong.len() < args.examples {
            wrong.push(format!(
                "{} bytes {}..{} -> {} passage {pi} (exact={exact}): origins {:?} vs {:?}",
                truth[d].doc_id,
                range.0,
                range.1,
                truth[t].doc_id,
                mine.map(|a| &truth[d].passages[a].2),
                theirs.map(|b| &truth[t].passages[b].2)
            ));
        }
    }
    // Recall: every later copy (in input order) of a passage whose origin already occurred in
    // a kept document, among passages long enough for scour to match.
    let mut first_seen: HashMap<&str, bool> = HashMap::new();
    let mut recall_verbatim = Ratio::default();
    let mut recall_edited = Ratio::default();
    let mut missed = Vec::new();
    let mut kept_sorted: Vec<usize> = run.kept.iter().map(|k| k.truth).collect();
    kept_sorted.sort_unstable();
    for d in kept_sorted {
        for (k, p) in truth[d].passages.iter().enumerate() {
            if words[d].get(k).copied().unwrap_or(0) < run.passage_min_words {
                continue;
            }
            match first_seen.get(p.2.as_str()) {
                None => {
                    first_seen.insert(&p.2, p.3);
                }
                Some(&first_edited) => {
                    let hit = flagged.contains(&(d, k));
                    if p.3 || first_edited {
                        recall_edited.add(hit);
                    } else {
                        recall_verbatim.add(hit);
                        if !hit && missed.len() < args.examples {
                            missed.push(format!(
                                "{} bytes {}..{} origin {}",
                                truth[d].doc_id, p.0, p.1, p.2
                            ));
                        }
                    }
                }
            }
        }
    }
    writeln!(report, "\n== Duplicate passages")?;
    precision.row(report, "precision (same true origin)")?;
    recall_verbatim.row(report, "recall, verbatim copies")?;
    recall_edited.row(report, "recall, copies with typos")?;
    for w in &wrong {
        writeln!(report, "    wrong: {w}")?;
    }
    for m in &missed {
        writeln!(report, "    missed: {m}")?;
    }
    js.insert(
        "passages".into(),
        json!({
            "precision": precision.json(),
            "recall_verbatim": recall_verbatim.json(),
            "recall_edited": recall_edited.json(),
        }),
    );
    Ok(())
}

fn cruft(
    args: &DedupEvalArgs,
    truth: &[TruthDoc],
    run: &Run,
    report: &mut String,
    js: &mut serde_json::Map<String, Value>,
) -> Result<()> {
    let mut scores = SpanScores::default();
    let mut misses: HashMap<String, Vec<String>> = HashMap::new();
    let mut falses: HashMap<String, Vec<String>> = HashMap::new();
    let mut wrong_rule: HashMap<(String, String), u64> = HashMap::new();
    for kd in &run.kept {
        let d = &truth[kd.truth];
        let predicted: Vec<(usize, usize, String)>;
        let true_spans: Vec<(usize, usize, String)>;
        if kd.warc {
            // Offsets differ between the generator's text and the HTML extractor's; match by
            // text, laying both sides out on a common axis of matched strings.
            let Some(text) = &d.text else { continue };
            let (t, mut p) = match_by_text(text, &d.cruft, &kd.removed);
            // Cruft the HTML extractor dropped (link lists, menus, forms) never reaches the
            // cleaner; it is removed all the same, under the pseudo-rule `html_extraction`.
            let out = kd.text.as_deref().unwrap_or("");
            for c in &t {
                let covered_now = p.iter().any(|x| x.0 < c.1 && c.0 < x.1);
                let line = text.get(c.0..c.1).unwrap_or("").trim();
                if !covered_now && !line.is_empty() && !out.contains(line) {
                    p.push((c.0, c.1, "html_extraction".to_string()));
                }
            }
            true_spans = t;
            predicted = p;
        } else {
            true_spans = d.cruft.clone();
            predicted = kd
                .removed
                .iter()
                .filter(|r| r.rule != "duplicate_passage")
                .map(|r| (r.byte_start, r.byte_end, r.rule.clone()))
                .collect();
        }
        for t in &true_spans {
            if let Some(p) = predicted
                .iter()
                .find(|p| p.0 < t.1 && t.0 < p.1 && p.2 != t.2)
            {
                *wrong_rule.entry((t.2.clone(), p.2.clone())).or_default() += 1;
            }
        }
        let text_of = |r: &(usize, usize, String)| -> String {
            kd.removed
                .iter()
                .find(|x| x.byte_start == r.0 && x.byte_end == r.1)
                .map(|x| x.text.clone())
                .or_else(|| {
                    d.text
                        .as_ref()
                        .and_then(|t| t.get(r.0..r.1).map(String::from))
                })
                .unwrap_or_default()
        };
        scores.add_doc(
            &true_spans,
            &predicted,
            |t| {
                let v = misses.entry(t.2.clone()).or_default();
                if v.len() < args.examples {
                    v.push(format!("{} bytes {}..{}", d.doc_id, t.0, t.1));
                }
            },
            |p| {
                let v = falses.entry(p.2.clone()).or_default();
                if v.len() < args.examples {
                    v.push(format!("{}: {:?}", d.doc_id, text_of(p)));
                }
            },
        );
    }
    writeln!(report, "\n== Cruft spans (documents in the run's corpus)")?;
    writeln!(
        report,
        "  {:<16} {:>24} {:>24} {:>24} {:>24}",
        "kind", "span recall", "span precision", "byte recall", "byte precision"
    )?;
    let mut kinds: Vec<&String> = scores
        .recall_spans
        .keys()
        .chain(scores.precision_spans.keys())
        .collect();
    kinds.sort();
    kinds.dedup();
    let get = |m: &HashMap<String, Ratio>, k: &str| m.get(k).copied().unwrap_or_default();
    let mut per_kind = serde_json::Map::new();
    for k in &kinds {
        let (rs, ps, rb, pb) = (
            get(&scores.recall_spans, k),
            get(&scores.precision_spans, k),
            get(&scores.recall_bytes, k),
            get(&scores.precision_bytes, k),
        );
        writeln!(
            report,
            "  {:<16} {:>24} {:>24} {:>24} {:>24}",
            k,
            rs.show(),
            ps.show(),
            rb.show(),
            pb.show()
        )?;
        per_kind.insert(
            k.to_string(),
            json!({"span_recall": rs.json(), "span_precision": ps.json(), "byte_recall": rb.json(), "byte_precision": pb.json()}),
        );
    }
    let (rs, ps, rb, pb) = (
        SpanScores::total(&scores.recall_spans),
        SpanScores::total(&scores.precision_spans),
        SpanScores::total(&scores.recall_bytes),
        SpanScores::total(&scores.precision_bytes),
    );
    writeln!(
        report,
        "  {:<16} {:>24} {:>24} {:>24} {:>24}",
        "ALL",
        rs.show(),
        ps.show(),
        rb.show(),
        pb.show()
    )?;
    let mut wr: Vec<_> = wrong_rule.iter().collect();
    wr.sort_by(|a, b| b.1.cmp(a.1));
    for ((t, p), c) in wr.iter().take(8) {
        writeln!(report, "    true {t} removed as {p}: {c}")?;
    }
    let mut mk: Vec<_> = misses.iter().collect();
    mk.sort();
    for (k, v) in mk {
        for e in v {
            let snippet = e.clone();
            writeln!(report, "    missed {k}: {snippet}")?;
        }
    }
    let mut fk: Vec<_> = falses.iter().collect();
    fk.sort();
    for (k, v) in fk {
        for e in v {
            writeln!(report, "    false {k}: {e}")?;
        }
    }
    js.insert(
        "cruft".into(),
        json!({
            "span_recall": rs.json(), "span_precision": ps.json(),
            "byte_recall": rb.json(), "byte_precision": pb.json(),
            "per_kind": per_kind,
        }),
    );
    Ok(())
}

/// WARC: places true cruft lines and removed spans on the generator's text by their content.
/// A removed span whose (trimmed) text occurs as a line of the generator's text gets that
/// line's range; otherwise it gets a range of its own past the end, which counts against
/// precision.
fn match_by_text(text: &str, cruft: &[(usize, usize, String)], removed: &[RunRemoved]) -> SpanPair {
    let mut lines: HashMap<&str, Vec<(usize, usize)>> = HashMap::new();
    let mut pos = 0;
    for l in text.split('\n') {
        lines
            .entry(l.trim())
            .or_default()
            .push((pos, pos + l.len()));
        pos += l.len() + 1;
    }
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let mut past = text.len() + 1;
    let mut predicted = Vec::new();
    for r in removed.iter().filter(|r| r.rule != "duplicate_passage") {
        let t = r.text.trim();
        // Prefer a line the truth calls cruft: a repeated title matches both of its copies.
        let is_cruft = |s: &(usize, usize)| cruft.iter().any(|c| c.0 == s.0 && c.1 == s.1);
        let spot = lines.get(t).and_then(|v| {
            v.iter()
                .find(|s| !used.contains(s) && is_cruft(s))
                .or_else(|| v.iter().find(|s| !used.contains(s)))
                .copied()
        });
        match spot {
            Some(s) => {
                used.insert(s);
                predicted.push((s.0, s.1, r.rule.clone()));
            }
            None => {
                // Glyph runs and other inline removals: find the text inside the cruft.
                let len = r.byte_end.saturating_sub(r.byte_start).max(1);
                let inline = cruft
                    .iter()
                    .find(|c| text.get(c.0..c.1).is_some_and(|s| s.trim() == t));
                match inline {
                    Some(c) => predicted.push((c.0, c.1, r.rule.clone())),
                    None => {
                        predicted.push((past, past + len, r.rule.clone()));
                        past += len + 1;
                    }
                }
            }
        }
    }
    (cruft.to_vec(), predicted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn covered_merges_overlaps_and_clips() {
        assert_eq!(covered((10, 20), &[(0, 12), (11, 15), (18, 30)]), 7);
        assert_eq!(covered((10, 20), &[]), 0);
        assert_eq!(covered((10, 20), &[(20, 25)]), 0);
    }

    #[test]
    fn span_scores_count_hits_misses_and_false_positives() {
        let truth = vec![
            (0, 10, "read_more".to_string()),
            (20, 30, "nav_menu".to_string()),
        ];
        let predicted = vec![
            (0, 10, "read_more".to_string()),
            (40, 50, "dateline".to_string()),
        ];
        let mut s = SpanScores::default();
        let mut missed = 0;
        let mut false_pos = 0;
        s.add_doc(&truth, &predicted, |_| missed += 1, |_| false_pos += 1);
        assert_eq!((missed, false_pos), (1, 1));
        assert_eq!(SpanScores::total(&s.recall_spans).value(), Some(0.5));
        assert_eq!(SpanScores::total(&s.precision_spans).value(), Some(0.5));
        assert_eq!(s.recall_spans["nav_menu"].value(), Some(0.0));
        assert_eq!(s.precision_bytes["dateline"].value(), Some(0.0));
        assert_eq!(SpanScores::total(&s.recall_bytes).value(), Some(0.5));
    }

    #[test]
    fn half_covered_spans_count_as_found() {
        let truth = vec![(0, 10, "x".to_string())];
        let mut s = SpanScores::default();
        s.add_doc(&truth, &[(0, 5, "x".to_string())], |_| {}, |_| {});
        assert_eq!(s.recall_spans["x"].value(), Some(1.0));
        assert_eq!(s.recall_bytes["x"].value(), Some(0.5));
        let mut s = SpanScores::default();
        s.add_doc(&truth, &[(0, 4, "x".to_string())], |_| {}, |_| {});
        assert_eq!(s.recall_spans["x"].value(), Some(0.0));
    }

    #[test]
    fn cluster_pairs_are_all_unordered_pairs() {
        let p = cluster_pairs(&[vec![3, 1, 2], vec![7]]);
        let mut v: Vec<_> = p.into_iter().collect();
        v.sort();
        assert_eq!(v, [(1, 2), (1, 3), (2, 3)]);
    }

    #[test]
    fn clean_text_cuts_cruft() {
        let t = "Title\nRead more\nBody text here.";
        let c = clean_text(t, &[(6, 15, "read_more".into())]);
        assert_eq!(c, "Title\n\n\nBody text here.");
    }

    #[test]
    fn ratio_of_nothing_is_none() {
        assert_eq!(Ratio::default().value(), None);
        let mut r = Ratio::default();
        r.add(true);
        r.add(false);
        assert_eq!(r.value(), Some(0.5));
    }

    #[test]
    fn sample_is_deterministic_and_sorted() {
        let a = pick_sample(1000, 50, 3);
        assert_eq!(a, pick_sample(1000, 50, 3));
        assert_eq!(a.len(), 50);
        assert!(a.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(pick_sample(10, 50, 3).len(), 10);
    }
}
