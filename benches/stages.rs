//! Per-stage micro benchmarks (divan), each reporting bytes per second over the same 32 MB
//! generated corpus: read+parse, clean, normalize, fingerprint (shingle + MinHash), LSH +
//! cluster, write (serialize). Run with `cargo bench --bench stages`.
//!
//! Set `SCOUR_BENCH_BYTES` (e.g. `128M`) for a larger corpus.

use clap::Parser;
use divan::counter::BytesCount;
use scour::clean::Cleaner;
use scour::config::Settings;
use scour::dedup::{self, Item, Params};
use scour::doc::RawDoc;
use scour::fingerprint::{MinHasher, exact_digest};
use scour::normalize::{Normalizer, fingerprint_text};
use scour::pipeline::{Stages, corpus_record};
use scour::source::{self, InputFile};
use std::sync::OnceLock;

#[derive(Parser)]
struct GenCli {
    #[command(flatten)]
    args: scour::r#gen::GenArgs,
}

struct Corpus {
    _dir: tempfile::TempDir,
    files: Vec<InputFile>,
    settings: Settings,
    docs: Vec<RawDoc>,
    bytes: usize,
}

fn corpus() -> &'static Corpus {
    static C: OnceLock<Corpus> = OnceLock::new();
    C.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let size = std::env::var("SCOUR_BENCH_BYTES").unwrap_or_else(|_| "32M".into());
        let out = dir.path().join("gen");
        let cli = GenCli::parse_from([
            "gen",
            "--output",
            out.to_str().expect("utf-8 temp path"),
            "--bytes",
            &size,
            "--seed",
            "11",
        ]);
        scour::r#gen::run(&cli.args).expect("gen");
        let settings =
            Settings::from_toml(scour::config::DEFAULT_CONFIG, "default", None).expect("config");
        let found = source::discover(&[out], &settings.input);
        let mut docs = Vec::new();
        for f in &found.files {
            docs.extend(source::read_file(f, &settings.input).docs);
        }
        let bytes = docs.iter().map(|d| d.text.len()).sum();
        Corpus {
            _dir: dir,
            files: found.files,
            settings,
            docs,
            bytes,
        }
    })
}

fn main() {
    divan::main();
}

#[divan::bench(sample_count = 5)]
fn read_parse(b: divan::Bencher) {
    let c = corpus();
    let size: u64 = c.files.iter().map(|f| f.size).sum();
    b.counter(BytesCount::new(size)).bench(|| {
        c.files
            .iter()
            .map(|f| source::read_file(f, &c.settings.input).docs.len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 5)]
fn clean(b: divan::Bencher) {
    let c = corpus();
    let cleaner = Cleaner::new(&c.settings).expect("rules");
    b.counter(BytesCount::new(c.bytes)).bench(|| {
        c.docs
            .iter()
            .map(|d| cleaner.clean(&d.text).lines.len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 5)]
fn normalize(b: divan::Bencher) {
    let c = corpus();
    let cleaner = Cleaner::new(&c.settings).expect("rules");
    let cleaned: Vec<_> = c.docs.iter().map(|d| cleaner.clean(&d.text)).collect();
    let normalizer = Normalizer::new(&c.settings.normalize);
    b.counter(BytesCount::new(c.bytes)).bench(|| {
        c.docs
            .iter()
            .zip(&cleaned)
            .map(|(d, cl)| normalizer.normalize(&d.text, cl).text.len())
            .sum::<usize>()
    });
}

#[divan::bench(sample_count = 5)]
fn fingerprint(b: divan::Bencher) {
    let c = corpus();
    let hasher = MinHasher::from_settings(&c.settings.fingerprint);
    b.counter(BytesCount::new(c.bytes)).bench(|| {
        let mut fp = String::new();
        let mut sig = Vec::new();
        let mut n = 0;
        for d in &c.docs {
            fingerprint_text(&d.text, &mut fp);
            n += hasher.signature_into(&fp, &mut sig) as usize;
        }
        n
    });
}

#[divan::bench(sample_count = 5)]
fn lsh_cluster(b: divan::Bencher) {
    let c = corpus();
    let hasher = MinHasher::from_settings(&c.settings.fingerprint);
    let items: Vec<Item> = c
        .docs
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut fp = String::new();
            fingerprint_text(&d.text, &mut fp);
            Item {
                order: i as u64,
                digest: exact_digest(&fp),
                signature: hasher
                    .signature(&fp)
                    .map(|s| scour::fingerprint::stored(&s)),
            }
        })
        .collect();
    let params = Params {
        bands: c.settings.fingerprint.bands,
        rows: c.settings.fingerprint.rows,
        threshold: c.settings.dedup.threshold,
        near: true,
    };
    b.counter(BytesCount::new(c.bytes))
        .bench(|| dedup::deduplicate(&items, &params).clusters.len());
}

#[divan::bench(sample_count = 5)]
fn write(b: divan::Bencher) {
    let c = corpus();
    let stages = Stages::new(&c.settings).expect("rules");
    let records: Vec<_> = c
        .docs
        .iter()
        .map(|d| corpus_record(stages.process(d.clone())))
        .collect();
    b.counter(BytesCount::new(c.bytes)).bench(|| {
        let mut out = Vec::with_capacity(c.bytes * 2);
        for r in &records {
            serde_json::to_writer(&mut out, r).expect("serialize");
            out.push(b'\n');
        }
        out.len()
    });
}
