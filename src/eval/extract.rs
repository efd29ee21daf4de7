//! `scour eval extract`: scores HTML main-content extraction against benchmark ground truth
//! (the article extraction benchmark, AEB, and WCXB) with the metrics their authors use, and
//! measures extraction speed in MB of HTML per second on one core.
//!
//! Three paths are scored: `html` (scour's HTML path: extract, clean, normalize; the extractor's
//! own output is scored too), `raw` (the full visible text of the page, nothing removed) and
//! `text` (that full text through scour's plain-text cleaning, as if the scrape had been the
//! page's visible text).

use crate::config::{DedupMode, Settings};
use crate::doc::{Format, Input, Provenance, RawDoc};
use crate::pipeline::Stages;
use crate::source::html::{decode_html_bytes, extract_html, visible_text};
use anyhow::Context;
use regex::Regex;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Instant;

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Which benchmark: `aeb` (article extraction benchmark) or `wcxb` (WCXB dev split).
    #[arg(long, value_parser = ["aeb", "wcxb"], default_value = "aeb")]
    pub bench: String,
    /// Folder of the benchmark data [default: ../shared/data/aeb or ../shared/data/wcxb-dev].
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Score only the first N pages (in id order).
    #[arg(long)]
    pub limit: Option<usize>,
    /// What to score: `html` (extract + clean + normalize, and the extractor alone), `raw` (full
    /// visible text), `text` (full visible text through the text cleaners), `truth` (the ground
    /// truth itself through the text cleaners, as a txt scrape: its recall is how much of a
    /// clean text survives them), or `all`.
    #[arg(long, value_parser = ["html", "text", "raw", "truth", "all"], default_value = "html")]
    pub path: String,
    /// Write per-page scores and the summary as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
    /// Config whose cleaning settings the `html` and `text` paths use.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Score only the pages whose id starts with this (for looking at one page).
    #[arg(long, value_name = "PREFIX")]
    pub id: Option<String>,
    /// Write each page's predicted text to DIR/<id>.<variant>.txt (for looking at failures).
    #[arg(long, value_name = "DIR")]
    pub dump: Option<PathBuf>,
    /// Print the pages scoring below this F1 (worst first) after the summary.
    #[arg(long, value_name = "F1")]
    pub show_below: Option<f64>,
}

/// Which benchmark's metric to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bench {
    Aeb,
    Wcxb,
}

/// One benchmark page: its id, HTML bytes (decompressed), truth text and page type.
pub struct Page {
    pub id: String,
    pub html: Vec<u8>,
    pub truth: String,
    pub page_type: String,
}

/// Precision, recall and F1 of one page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Score {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

static WORD: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\w+").expect("static regex"));

fn tokens(text: &str) -> Vec<&str> {
    WORD.find_iter(text).map(|m| m.as_str()).collect()
}

/// The AEB shingles of a text: every run of 4 consecutive tokens (case kept), or the whole token
/// list as one shingle when there are fewer than 4 (as the benchmark's own `_ngrams` does).
fn shingles(text: &str) -> HashMap<String, u64> {
    const N: usize = 4;
    let toks = tokens(text);
    let mut out = HashMap::new();
    if toks.is_empty() {
        return out;
    }
    let count = toks.len().saturating_sub(N - 1).max(1);
    for i in 0..count {
        let end = (i + N).min(toks.len());
        *out.entry(toks[i..end].join(" ")).or_insert(0) += 1;
    }
    out
}

/// Multiset true positives, false positives and false negatives.
fn overlap<K: std::hash::Hash + Eq>(
    pred: &HashMap<K, u64>,
    truth: &HashMap<K, u64>,
) -> (u64, u64, u64) {
    let mut tp = 0;
    let mut fp = 0;
    for (k, &p) in pred {
        let t = truth.get(k).copied().unwrap_or(0);
        tp += p.min(t);
        fp += p.saturating_sub(t);
    }
    let truth_total: u64 = truth.values().sum();
    (tp, fp, truth_total - tp)
}

/// AEB's per-page score: shingle tp/fp/fn; a page with fp = fn = 0 scores 1 on both, one with
/// tp = fp = 0 scores precision 0 (and tp = fn = 0 recall 0). The page's F1 is only for
/// listing pages; the benchmark's F1 is computed from the mean precision and recall.
pub fn aeb_score(pred: &str, truth: &str) -> Score {
    let (tp, fp, fn_) = overlap(&shingles(pred), &shingles(truth));
    let (tp, fp, fn_) = (tp as f64, fp as f64, fn_ as f64);
    let precision = if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp + fp == 0.0 {
        0.0
    } else {
        tp / (tp + fp)
    };
    let recall = if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp + fn_ == 0.0 {
        0.0
    } else {
        tp / (tp + fn_)
    };
    Score {
        precision,
        recall,
        f1: f1(precision, recall),
    }
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

/// WCXB's per-page word F1: `\w+` tokens of the lowercased texts, multiset overlap. Both empty
/// scores 1; exactly one empty scores 0.
pub fn wcxb_score(pred: &str, truth: &str) -> Score {
    let bag = |t: &str| {
        let low = t.to_lowercase();
        let mut m: HashMap<String, u64> = HashMap::new();
        for w in tokens(&low) {
            *m.entry(w.to_string()).or_insert(0) += 1;
        }
        m
    };
    let (p, t) = (bag(pred), bag(truth));
    let (np, nt): (u64, u64) = (p.values().sum(), t.values().sum());
    if np == 0 && nt == 0 {
        return Score {
            precision: 1.0,
            recall: 1.0,
            f1: 1.0,
        };
    }
    if np == 0 || nt == 0 {
        return Score::default();
    }
    let (tp, _, _) = overlap(&p, &t);
    let precision = tp as f64 / np as f64;
    let recall = tp as f64 / nt as f64;
    Score {
        precision,
        recall,
        f1: f1(precision, recall),
    }
}

pub fn score(bench: Bench, pred: &str, truth: &str) -> Score {
    match bench {
        Bench::Aeb => aeb_score(pred, truth),
        Bench::Wcxb => wcxb_score(pred, truth),
    }
}

/// Mean precision, recall and F1 over a set of pages. For AEB the F1 is that of the mean
/// precision and recall (the benchmark's definition); for WCXB the mean of the page F1s.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    pub pages: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

pub fn summarize(bench: Bench, scores: &[Score]) -> Summary {
    let n = scores.len();
    if n == 0 {
        return Summary::default();
    }
    let mean = |f: fn(&Score) -> f64| scores.iter().map(f).sum::<f64>() / n as f64;
    let (precision, recall) = (mean(|s| s.precision), mean(|s| s.recall));
    let f1 = match bench {
        Bench::Aeb => f1(precision, recall),
        Bench::Wcxb => mean(|s| s.f1),
    };
    Summary {
        pages: n,
        precision,
        recall,
        f1,
    }
}

fn gunzip(path: &Path) -> anyhow::Result<Vec<u8>> {
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(file)
        .read_to_end(&mut out)
        .with_context(|| format!("cannot decompress {}", path.display()))?;
    Ok(out)
}

/// Load a benchmark's pages in id order (at most `limit`).
pub fn load(bench: Bench, dir: &Path, limit: Option<usize>) -> anyhow::Result<Vec<Page>> {
    let limit = limit.unwrap_or(usize::MAX);
    let mut pages = Vec::new();
    match bench {
        Bench::Aeb => {
            let path = dir.join("ground-truth.json");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let truth: BTreeMap<String, serde_json::Value> = serde_json::from_str(&text)
                .with_context(|| format!("bad JSON in {}", path.display()))?;
            for (id, v) in truth.into_iter().take(limit) {
                let body = v["articleBody"].as_str().unwrap_or_default().to_string();
                let html = gunzip(&dir.join("html").join(format!("{id}.html.gz")))?;
                pages.push(Page {
                    id,
                    html,
                    truth: body,
                    page_type: "article".into(),
                });
            }
        }
        Bench::Wcxb => {
            let path = dir.join("metadata.json");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let meta: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("bad JSON in {}", path.display()))?;
            let files = meta["files"].as_object().cloned().unwrap_or_default();
            // Every page with ground truth counts; metadata.json does not list them all, and
            // the others carry their type in the ground truth's `_internal` record.
            let gt_dir = dir.join("ground-truth");
            let mut ids: Vec<String> = std::fs::read_dir(&gt_dir)
                .with_context(|| format!("cannot list {}", gt_dir.display()))?
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_suffix(".json").map(str::to_string)
                })
                .collect();
            ids.sort();
            for id in ids.into_iter().take(limit) {
                let gt_path = dir.join("ground-truth").join(format!("{id}.json"));
                let gt_text = std::fs::read_to_string(&gt_path)
                    .with_context(|| format!("cannot read {}", gt_path.display()))?;
                let gt: serde_json::Value = serde_json::from_str(&gt_text)
                    .with_context(|| format!("bad JSON in {}", gt_path.display()))?;
                let truth = gt["ground_truth"]["main_content"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let page_type = files
                    .get(&id)
                    .and_then(|f| f["page_type"].as_str())
                    .or_else(|| gt["_internal"]["page_type"]["primary"].as_str())
                    .unwrap_or("unknown")
                    .to_string();
                let html = gunzip(&dir.join("html").join(format!("{id}.html.gz")))?;
                pages.push(Page {
                    id,
                    html,
                    truth,
                    page_type,
                });
            }
        }
    }
    Ok(pages)
}

/// The scored variants of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    /// The extractor's output alone.
    Extract,
    /// Extract, clean, normalize: what `scour` writes for an HTML page.
    Html,
    /// The full visible text.
    Raw,
    /// The full visible text through the plain-text cleaners.
    Text,
    /// The ground truth through the plain-text cleaners: whatever they take from it is, but for
    /// the odd credit line a benchmark keeps, text that should have stayed.
    Truth,
}

impl Variant {
    fn name(self) -> &'static str {
        match self {
            Variant::Extract => "extract",
            Variant::Html => "html",
            Variant::Raw => "raw",
            Variant::Text => "text",
            Variant::Truth => "truth",
        }
    }
}

#[derive(Serialize)]
struct PageRecord<'a> {
    id: &'a str,
    page_type: &'a str,
    variant: &'static str,
    #[serde(flatten)]
    score: Score,
}

#[derive(Serialize)]
struct VariantReport {
    variant: &'static str,
    overall: Summary,
    by_type: BTreeMap<String, Summary>,
    /// Seconds spent producing the text (extraction, and cleaning where the variant has it).
    seconds: f64,
    pages_per_s: f64,
    mb_per_s: f64,
}

/// Text through `Stages::process`, as the pipeline would clean a document of `format`.
fn through_pipeline(stages: &Stages, text: String, format: Format, input: Input) -> String {
    let raw = RawDoc {
        source: Provenance {
            path: String::new(),
            format,
            record: 0,
            byte_start: 0,
            byte_end: text.len() as u64,
            url: None,
            warc_record_id: None,
        },
        text,
        input,
        fields: serde_json::Map::new(),
    };
    stages.process(raw).text
}

pub fn run(args: &ExtractArgs) -> anyhow::Result<()> {
    let bench = if args.bench == "aeb" {
        Bench::Aeb
    } else {
        Bench::Wcxb
    };
    let dir = args.data.clone().unwrap_or_else(|| {
        PathBuf::from(match bench {
            Bench::Aeb => "../shared/data/aeb",
            Bench::Wcxb => "../shared/data/wcxb-dev",
        })
    });
    let (mut settings, _) = Settings::load(args.config.as_deref())?;
    // Signatures are dedup's business; they would only add time here.
    settings.dedup.mode = DedupMode::Off;
    let stages = Stages::new(&settings)?;
    let t0 = Instant::now();
    let mut pages = load(bench, &dir, args.limit)?;
    if let Some(prefix) = &args.id {
        pages.retain(|p| p.id.starts_with(prefix.as_str()));
    }
    eprintln!(
        "loaded {} pages from {} in {:.1}s",
        pages.len(),
        dir.display(),
        t0.elapsed().as_secs_f64()
    );
    let variants: &[Variant] = match args.path.as_str() {
        "html" => &[Variant::Extract, Variant::Html],
        "raw" => &[Variant::Raw],
        "text" => &[Variant::Raw, Variant::Text],
        "truth" => &[Variant::Truth],
        _ => &[
            Variant::Extract,
            Variant::Html,
            Variant::Raw,
            Variant::Text,
            Variant::Truth,
        ],
    };
    // Decoding is the reader's job, not the extractor's: done once, outside the timing.
    let decoded: Vec<String> = pages
        .iter()
        .map(|p| {
            decode_html_bytes(&p.html, None)
                .unwrap_or_else(|_| String::from_utf8_lossy(&p.html).into_owned())
        })
        .collect();
    let html_bytes: usize = decoded.iter().map(String::len).sum();
    let mb = html_bytes as f64 / 1e6;
    println!(
        "{} pages, {:.1} MB of HTML ({}), one core",
        pages.len(),
        mb,
        dir.display()
    );
    let mut reports = Vec::new();
    let mut records = Vec::new();
    for &v in variants {
        let mut seconds = 0.0;
        let mut scores = Vec::with_capacity(pages.len());
        for (page, html) in pages.iter().zip(&decoded) {
            let t = Instant::now();
            let text = match v {
                Variant::Extract => extract_html(html).text,
                Variant::Html => {
                    through_pipeline(&stages, extract_html(html).text, Format::Html, Input::Dom)
                }
                Variant::Raw => visible_text(html),
                Variant::Text => {
                    through_pipeline(&stages, visible_text(html), Format::Txt, Input::Page)
                }
                Variant::Truth => {
                    through_pipeline(&stages, page.truth.clone(), Format::Txt, Input::Page)
                }
            };
            seconds += t.elapsed().as_secs_f64();
            if let Some(d) = &args.dump {
                std::fs::create_dir_all(d)?;
                std::fs::write(d.join(format!("{}.{}.txt", page.id, v.name())), &text)?;
            }
            let s = score(bench, &text, &page.truth);
            scores.push(s);
            records.push(PageRecord {
                id: &page.id,
                page_type: &page.page_type,
                variant: v.name(),
                score: s,
            });
        }
        let mut by_type_scores: BTreeMap<String, Vec<Score>> = BTreeMap::new();
        for (p, s) in pages.iter().zip(&scores) {
            by_type_scores
                .entry(p.page_type.clone())
                .or_default()
                .push(*s);
        }
        let by_type = by_type_scores
            .iter()
            .map(|(k, s)| (k.clone(), summarize(bench, s)))
            .collect();
        let secs = seconds.max(1e-9);
        // MB/s of what the variant reads: the pages' HTML, or for `truth` the truth texts.
        let read_mb = if v == Variant::Truth {
            pages.iter().map(|p| p.truth.len()).sum::<usize>() as f64 / 1e6
        } else {
            mb
        };
        let report = VariantReport {
            variant: v.name(),
            overall: summarize(bench, &scores),
            by_type,
            seconds,
            pages_per_s: pages.len() as f64 / secs,
            mb_per_s: read_mb / secs,
        };
        print_report(bench, &report);
        if let Some(limit) = args.show_below {
            let mut low: Vec<(&Page, &Score)> = pages
                .iter()
                .zip(&scores)
                .filter(|(_, s)| s.f1 < limit)
                .collect();
            low.sort_by(|a, b| a.1.f1.total_cmp(&b.1.f1));
            for (p, s) in low {
                println!(
                    "    {:<10} {:<14} P {:.3} R {:.3} F1 {:.3}",
                    p.id.get(..10).unwrap_or(&p.id),
                    p.page_type,
                    s.precision,
                    s.recall,
                    s.f1
                );
            }
        }
        reports.push(report);
    }
    if let Some(path) = &args.json {
        let json = serde_json::json!({
            "bench": args.bench,
            "data": dir.display().to_string(),
            "pages": pages.len(),
            "html_mb": mb,
            "variants": reports,
            "per_page": records,
        });
        std::fs::write(path, serde_json::to_vec_pretty(&json)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn print_report(bench: Bench, r: &VariantReport) {
    let o = &r.overall;
    println!(
        "{:<8} P {:.3}  R {:.3}  F1 {:.3}   {:.1} pages/s  {:.1} MB/s",
        r.variant, o.precision, o.recall, o.f1, r.pages_per_s, r.mb_per_s
    );
    if bench == Bench::Wcxb {
        for (t, s) in &r.by_type {
            println!(
                "    {:<14} n={:<4} P {:.3}  R {:.3}  F1 {:.3}",
                t, s.pages, s.precision, s.recall, s.f1
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aeb_shingles_and_edges() {
        // identical: fp = fn = 0
        let s = aeb_score("a b c d e", "a b c d e");
        assert_eq!((s.precision, s.recall), (1.0, 1.0));
        // both empty: fp = fn = 0 scores 1
        let s = aeb_score("", "");
        assert_eq!((s.precision, s.recall), (1.0, 1.0));
        // empty prediction: tp = fp = 0 -> precision 0, recall 0
        let s = aeb_score("", "a b c d");
        assert_eq!((s.precision, s.recall), (0.0, 0.0));
        // empty truth, some prediction: precision 0 (tp = 0), recall 0 (tp = fn = 0)
        let s = aeb_score("a b c d", "");
        assert_eq!((s.precision, s.recall), (0.0, 0.0));
        // "a b c d e" has shingles abcd, bcde; "a b c d x" has abcd, bcdx: tp 1, fp 1, fn 1
        let s = aeb_score("a b c d x", "a b c d e");
        assert_eq!((s.precision, s.recall), (0.5, 0.5));
        // fewer than 4 tokens: one shingle of all of them; case kept
        let s = aeb_score("Hello world", "hello world");
        assert_eq!((s.precision, s.recall), (0.0, 0.0));
        assert_eq!(shingles("x y").len(), 1);
        // multiset: a repeated shingle counts twice
        let s = aeb_score("a b c d a b c d", "a b c d");
        // pred shingles: abcd, bcda, cdab, dabc, abcd -> tp 1, fp 4
        assert!((s.precision - 0.2).abs() < 1e-12);
        assert_eq!(s.recall, 1.0);
    }

    #[test]
    fn aeb_summary_is_f1_of_means() {
        let scores = [
            Score {
                precision: 1.0,
                recall: 0.5,
                f1: 0.0,
            },
            Score {
                precision: 0.5,
                recall: 0.5,
                f1: 0.0,
            },
        ];
        let s = summarize(Bench::Aeb, &scores);
        assert_eq!((s.precision, s.recall), (0.75, 0.5));
        assert!((s.f1 - 0.6).abs() < 1e-12);
    }

    #[test]
    fn wcxb_word_f1_and_edges() {
        let s = wcxb_score("The cat, the HAT!", "the cat sat");
        // pred: the x2, cat, hat; truth: the, cat, sat -> tp 2, P 2/4, R 2/3
        assert!((s.precision - 0.5).abs() < 1e-12);
        assert!((s.recall - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.f1 - 4.0 / 7.0).abs() < 1e-12);
        assert_eq!(wcxb_score("", "").f1, 1.0);
        assert_eq!(wcxb_score("", "words here").f1, 0.0);
        assert_eq!(wcxb_score("words here", "").f1, 0.0);
        assert_eq!(wcxb_score("... !!", "").f1, 1.0);
        // the WCXB summary is the mean of page F1s
        let scores = [wcxb_score("a", "a"), wcxb_score("a", "b")];
        assert_eq!(summarize(Bench::Wcxb, &scores).f1, 0.5);
    }

    /// A floor on real data, skipped when the benchmark data is not beside the project.
    #[test]
    fn aeb_sample_floor() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/aeb");
        if !dir.is_dir() {
            eprintln!("skipping aeb_sample_floor: {} not found", dir.display());
            return;
        }
        let Ok(pages) = load(Bench::Aeb, &dir, Some(20)) else {
            eprintln!("skipping aeb_sample_floor: cannot load {}", dir.display());
            return;
        };
        let scores: Vec<Score> = pages
            .iter()
            .map(|p| {
                let html = String::from_utf8_lossy(&p.html);
                aeb_score(&extract_html(&html).text, &p.truth)
            })
            .collect();
        let s = summarize(Bench::Aeb, &scores);
        assert!(s.f1 > 0.85, "AEB F1 on 20 pages: {:.3}", s.f1);
    }

    #[test]
    fn wcxb_sample_floor() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/wcxb-dev");
        if !dir.is_dir() {
            eprintln!("skipping wcxb_sample_floor: {} not found", dir.display());
            return;
        }
        let Ok(pages) = load(Bench::Wcxb, &dir, Some(30)) else {
            eprintln!("skipping wcxb_sample_floor: cannot load {}", dir.display());
            return;
        };
        let scores: Vec<Score> = pages
            .iter()
            .map(|p| {
                let html = String::from_utf8_lossy(&p.html);
                wcxb_score(&extract_html(&html).text, &p.truth)
            })
            .collect();
        let s = summarize(Bench::Wcxb, &scores);
        assert!(s.f1 > 0.75, "WCXB F1 on 30 pages: {:.3}", s.f1);
    }
}
