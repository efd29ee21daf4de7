//! A run split over machines: `scour run --shard K/N` reads, cleans, normalizes and
//! fingerprints the K-th of N slices of the inputs into `OUTPUT/shards/`, and `scour run
//! --merge` joins the slices and runs the corpus-wide steps and the writing. Each shard is one
//! job of a cluster scheduler (a Slurm array task), the merge one job after them all.
//!
//! A shard's slice is a run of whole input files in the sorted order every run uses, cut by
//! bytes. Laid end to end in shard order, the shards' documents, passages and signatures are
//! exactly those of a run on one machine, so the merged outputs are byte-identical to it.
//!
//! A shard folder holds `staged.jsonl` (the staged records), `passages.bin` (the passage
//! table), `signatures.bin` (the signatures, `k` little-endian 16-bit values each), `docs.bin`
//! (one fixed-size entry per document) and, written last and renamed into place once the others
//! are on disk, `shard.json`: what was read, the counts and checksums of the other files, and
//! hashes of the shard's settings, its input list and the scour binary. A folder without
//! `shard.json` is an unfinished shard. A shard job holds its folder's lock while it writes,
//! and the merge holds every shard folder's while it reads.

use super::index::{NONE, ROW};
use super::*;
use crate::config::{short_hash, short_hex};
use serde::Deserialize;
use std::ops::Range;

/// Format of a shard folder; a merge refuses another.
const FORMAT: u32 = 1;
const STAGED: &str = "staged.jsonl";
const PASSAGES: &str = "passages.bin";
const SIGNATURES: &str = "signatures.bin";
const DOCS: &str = "docs.bin";
const META: &str = "shard.json";

/// The input list shard jobs cut their slices from, when made once up front (`--plan`).
const PLAN: &str = "inputs.json";

const NO_SHARDS: &str = "no shard folders; run `scour run --shard K/N` for each K first";

/// Which slice of the inputs a shard job reads: `index` of `count`, from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    /// `K/N`, `0 <= K < N` (a Slurm array task's `$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT`
    /// with `--array=0-(N-1)`).
    fn from_str(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("{s:?} is not K/N (shard K of N, counted from 0)"))?;
        let k: usize = k
            .trim()
            .parse()
            .map_err(|_| format!("{k:?} is not a number"))?;
        let n: usize = n
            .trim()
            .parse()
            .map_err(|_| format!("{n:?} is not a number"))?;
        if n == 0 || k >= n {
            return Err(format!(
                "shard {k} of {n}: shards are numbered 0 to N-1, and N is at least 1"
            ));
        }
        Ok(Shard { index: k, count: n })
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The folder of `shard` in the output folder `output`. Zero-padded, so folders list in order.
pub fn shard_dir(output: &Path, shard: Shard) -> PathBuf {
    output
        .join("shards")
        .join(format!("{:05}-of-{:05}", shard.index, shard.count))
}

/// The files of shard `index` of `count`: consecutive in the sorted order, cut where the bytes
/// before a file reach the shard's share. Every file is in exactly one shard; a shard can be
/// empty (more shards than files, or one huge file).
fn shard_files(sizes: &[u64], shard: Shard) -> Range<usize> {
    let total: u128 = sizes.iter().map(|&s| s as u128).sum();
    let n = shard.count as u128;
    // Shard k starts at the first file whose bytes before it reach k/n of the total
    // (rounded up, so equal files split evenly).
    let start_of = |k: u128| -> usize {
        if k == 0 {
            return 0;
        }
        if k >= n {
            return sizes.len();
        }
        let mut before = 0u128;
        for (i, &s) in sizes.iter().enumerate() {
            if before * n >= k * total && (before > 0 || total == 0) {
                return i;
            }
            before += s as u128;
        }
        sizes.len()
    };
    let k = shard.index as u128;
    let (a, b) = (start_of(k), start_of(k + 1));
    a.min(b)..b
}

/// Hash of the settings that the first part of a run uses: the merge refuses shards that read
/// with other settings, since their parts would not fit together. The dedup thresholds, the
/// memory budget and the output settings are the merge's own.
fn prepare_hash(settings: &Settings) -> String {
    let d = &settings.dedup;
    let on = d.mode != DedupMode::Off;
    short_hash(&(
        &settings.input,
        &settings.clean,
        &settings.normalize,
        &settings.fingerprint,
        &settings.rules,
        (on && d.documents, on && d.passages, d.passage_min_words),
    ))
}

/// Hash of the input list every shard cut its slice from (paths, formats, sizes, and what
/// discovery skipped or could not open): shards of different input lists cannot be merged.
fn inputs_hash(discovery: &source::Discovery) -> String {
    let mut h = blake3::Hasher::new();
    for f in &discovery.files {
        let line = format!(
            "f\t{}\t{:?}\t{:?}\t{}\n",
            f.display, f.format, f.compression, f.size
        );
        h.update(line.as_bytes());
        if let Some(p) = &f.part {
            h.update(format!("p\t{}\t{}\n", p.start, p.file_blake3).as_bytes());
        }
    }
    for s in &discovery.skipped {
        h.update(format!("s\t{}\n", s.path).as_bytes());
    }
    for e in &discovery.errors {
        h.update(format!("e\t{}\n", e.path).as_bytes());
    }
    short_hex(h.finalize())
}

/// `OUT/shards/inputs.json`: the inputs walked once, for every shard job to cut its slice
/// from. On a cluster file system, N jobs each walking a large tree cost N walks of its
/// metadata; and a list made once keeps the slices fixed if files come or go between jobs.
#[derive(Debug, Serialize, Deserialize)]
struct Plan {
    format: u32,
    /// The inputs as given (`--input`, or the config's `input.paths`).
    inputs: Vec<String>,
    /// Hash of the `[input]` settings the walk followed.
    input_settings: String,
    discovery: source::Discovery,
}

/// What `--plan` wrote.
#[derive(Debug)]
pub struct PlanReport {
    pub path: PathBuf,
    /// Files listed, and how many of them are cut into how many parts.
    pub files: usize,
    pub split: usize,
    pub parts: usize,
    /// Files larger than a shard's share that could not be cut (compressed, or not JSONL):
    /// each is one shard's whole work.
    pub uncut: Vec<String>,
    pub bytes: u64,
}

fn input_args(opts: &RunOptions) -> Vec<String> {
    opts.inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect()
}

fn input_settings_hash(settings: &Settings) -> String {
    short_hash(&settings.input)
}

/// Walks the inputs once and writes `OUT/shards/inputs.json`, which the shard jobs then read
/// instead of walking the inputs themselves. For `split_for` shards, a plain JSONL file larger
/// than a shard's share is read through once and listed as parts of about a quarter share,
/// cut at line starts ([`source::stream::plan_parts`]); laid end to end, the parts' documents
/// are the file's, numbered as in one run.
pub fn plan(
    settings: &Settings,
    opts: &RunOptions,
    split_for: Option<usize>,
) -> Result<PlanReport, PipelineError> {
    let mut discovery = discover_inputs(settings, opts)?;
    let mut uncut = Vec::new();
    if let Some(n) = split_for.filter(|&n| n > 1) {
        let total: u64 = discovery.files.iter().map(|f| f.size).sum();
        let share = total / n as u64;
        let target = (share / 4).max(1);
        // The cuts fall where the stream starts a chunk: chunks of a fraction of a part, so
        // the parts come out close to their target.
        let chunk = usize::try_from(target / 8)
            .unwrap_or(usize::MAX)
            .clamp(1 << 16, CHUNK_BYTES);
        let mut files = Vec::with_capacity(discovery.files.len());
        for f in std::mem::take(&mut discovery.files) {
            if f.size <= share {
                files.push(f);
                continue;
            }
            match source::stream::plan_parts(&f, &settings.input, target, chunk) {
                Some(parts) => files.extend(parts.into_iter().map(|part| InputFile {
                    size: part.end - part.start,
                    part: Some(part),
                    ..f.clone()
                })),
                None => {
                    uncut.push(f.display.clone());
                    files.push(f)
                }
            }
        }
        discovery.files = files;
    }
    let dir = opts.output.join("shards");
    std::fs::create_dir_all(&dir).map_err(out_err(&dir))?;
    let plan = Plan {
        format: FORMAT,
        inputs: input_args(opts),
        input_settings: input_settings_hash(settings),
        discovery,
    };
    let path = dir.join(PLAN);
    write_atomic(&path, |w| {
        serde_json::to_writer(w, &plan).map_err(std::io::Error::other)
    })
    .map_err(out_err(&path))?;
    sync_dir(&dir).map_err(out_err(&dir))?;
    let parts: Vec<InputFile> = plan
        .discovery
        .files
        .iter()
        .filter(|f| f.part.is_some())
        .cloned()
        .collect();
    Ok(PlanReport {
        path,
        split: distinct_files(&parts),
        parts: parts.len(),
        files: distinct_files(&plan.discovery.files),
        uncut,
        bytes: plan.discovery.files.iter().map(|f| f.size).sum(),
    })
}

/// An error of the input list a shard job reads (`OUT/shards/inputs.json`): the shard job's,
/// not the merge's.
fn plan_err(opts: &RunOptions) -> impl Fn(String) -> PipelineError + use<> {
    let path = opts.output.join("shards").join(PLAN).display().to_string();
    move |message| PipelineError::Plan {
        path: path.clone(),
        message,
    }
}

/// How many files a list holds (a file's parts are consecutive).
fn distinct_files(files: &[InputFile]) -> usize {
    files
        .iter()
        .enumerate()
        .filter(|&(i, f)| i == 0 || files[i - 1].path != f.path)
        .count()
}

/// The input list of `OUT/shards/inputs.json` if there is one, made for these inputs and
/// input settings (a plan for others is an error: the job would read the wrong files).
fn planned(
    settings: &Settings,
    opts: &RunOptions,
) -> Result<Option<source::Discovery>, PipelineError> {
    let path = opts.output.join("shards").join(PLAN);
    let bad = plan_err(opts);
    let bytes = match std::fs::read(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        r => r.map_err(|e| bad(e.to_string()))?,
    };
    let plan: Plan = serde_json::from_slice(&bytes).map_err(|e| bad(e.to_string()))?;
    if plan.format != FORMAT {
        return Err(bad(format!(
            "format {}, this scour reads {FORMAT}",
            plan.format
        )));
    }
    if plan.inputs != input_args(opts) || plan.input_settings != input_settings_hash(settings) {
        return Err(bad(format!(
            "the input list was made for inputs {:?} (or other [input] settings), this job \
             reads {:?}; make it again with `scour run --plan`, or remove it",
            plan.inputs,
            input_args(opts)
        )));
    }
    Ok(Some(plan.discovery))
}

/// How one shard's job went, kept in its `shard.json` and in the merged manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ShardRun {
    pub shard: usize,
    pub host: String,
    pub threads: usize,
    pub input_bytes: u64,
    pub documents: u64,
    pub seconds: f64,
    pub mb_per_s: f64,
    pub peak_rss_bytes: Option<u64>,
}

/// `shard.json`.
#[derive(Debug, Serialize, Deserialize)]
struct ShardMeta {
    format: u32,
    scour_version: String,
    /// blake3 of the scour binary that made the shard: shards cleaned by other code do not fit
    /// together, whatever their settings.
    build: String,
    shard: usize,
    shards: usize,
    settings_hash: String,
    inputs_hash: String,
    /// Files in the sorted input list, and the shard's, as indexes into it.
    total_files: usize,
    files: Range<usize>,
    inputs: Vec<InputSummary>,
    errors: Vec<InputError>,
    skipped: Vec<SkippedFile>,
    removed_by_rule: BTreeMap<String, RuleCount>,
    paths: Vec<String>,
    documents: u64,
    passages: u64,
    signatures: u64,
    hashes_per_signature: usize,
    staged_bytes: u64,
    /// blake3 of `docs.bin`, `passages.bin`, `signatures.bin` and `staged.jsonl`.
    checksums: BTreeMap<String, String>,
    run: ShardRun,
}

/// What a shard job did, for its summary line.
#[derive(Debug)]
pub struct ShardReport {
    pub dir: PathBuf,
    pub run: ShardRun,
    pub errors: Vec<InputError>,
    pub files: usize,
}

/// The first part of a run, on one shard of the inputs: writes the shard's folder in
/// `opts.output/shards/`, replacing what an earlier attempt left there.
pub fn run_shard(
    settings: &Settings,
    opts: &RunOptions,
    shard: Shard,
) -> Result<ShardReport, PipelineError> {
    let started = Instant::now();
    let discovery = match planned(settings, opts)? {
        Some(d) => d,
        None => discover_inputs(settings, opts)?,
    };
    let memory = memory_budget(settings)?;
    let sizes: Vec<u64> = discovery.files.iter().map(|f| f.size).collect();
    let range = shard_files(&sizes, shard);
    let files = &discovery.files[range.clone()];
    // A part of a file that changed since the plan is not read at all: read as one input
    // error, it would leave a hole in the merged corpus.
    for f in files {
        source::stream::check_part(f).map_err(plan_err(opts))?;
    }
    let dir = shard_dir(&opts.output, shard);
    let stages = Stages::new(settings)?;
    // The folder is this job's before anything in it changes: a second job of the same shard
    // (or a merge reading it) makes this one fail here.
    let staging = take_folder(&dir)?;
    // A folder with `shard.json` is a finished shard: an attempt that fails half way must not
    // leave one behind, so it goes first.
    let meta_path = dir.join(META);
    match std::fs::remove_file(&meta_path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(out_err(&meta_path)(e)),
        _ => {}
    }
    // Discovery's own findings are reported once, by the first shard.
    let (errors, skipped) = if shard.index == 0 {
        (discovery.errors.clone(), discovery.skipped.clone())
    } else {
        (Vec::new(), Vec::new())
    };
    let progress = Progress::new(opts.progress, sizes[range.clone()].iter().sum());
    let mut p = prepare(
        settings, &stages, files, errors, skipped, staging, memory, &progress,
    )?;
    check_strict(opts, &p.errors, &progress)?;
    progress.stage("saving");

    let err = |name: &str| out_err(&dir.join(name));
    let mut checksums = BTreeMap::new();
    let docs_bin = encode_docs(&p.index);
    write_atomic(&dir.join(DOCS), |w| w.write_all(&docs_bin)).map_err(err(DOCS))?;
    checksums.insert(
        DOCS.to_string(),
        blake3::hash(&docs_bin).to_hex().to_string(),
    );
    drop(docs_bin);
    let passages_path = dir.join(PASSAGES);
    std::fs::rename(&p.index.passages.path, &passages_path).map_err(err(PASSAGES))?;
    let signatures_path = dir.join(SIGNATURES);
    p.store.save(&signatures_path).map_err(err(SIGNATURES))?;
    let staged_path = dir.join(STAGED);
    std::fs::rename(&p.staging.path, &staged_path).map_err(err(STAGED))?;
    // On disk and checksummed before `shard.json` says the shard is finished: another node
    // reads these files, perhaps after this one has crashed. Side by side: a sync waits on the
    // disk while another file is hashed (on gen-1G's first of 4 shards, 1.1 s of syncs and
    // 970 MB to hash).
    let to_sync = [
        (PASSAGES, &passages_path),
        (SIGNATURES, &signatures_path),
        (STAGED, &staged_path),
    ];
    let sums: Vec<std::io::Result<String>> = std::thread::scope(|s| {
        let jobs: Vec<_> = to_sync
            .iter()
            .map(|&(_, path)| s.spawn(move || sync_and_checksum(path)))
            .collect();
        jobs.into_iter()
            .map(|j| j.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for ((name, _), sum) in to_sync.into_iter().zip(sums) {
        checksums.insert(name.to_string(), sum.map_err(err(name))?);
    }
    let staged_bytes = std::fs::metadata(&staged_path).map_err(err(STAGED))?.len();

    let input_bytes: u64 = p.inputs.iter().map(|i| i.bytes).sum();
    let seconds = started.elapsed().as_secs_f64();
    let run = ShardRun {
        shard: shard.index,
        host: host_name(),
        threads: opts.threads,
        input_bytes,
        documents: p.index.docs.len() as u64,
        seconds,
        mb_per_s: if seconds > 0.0 {
            input_bytes as f64 / 1e6 / seconds
        } else {
            0.0
        },
        peak_rss_bytes: peak_rss_bytes(),
    };
    let meta = ShardMeta {
        format: FORMAT,
        scour_version: env!("CARGO_PKG_VERSION").to_string(),
        build: build_id().map_err(err(META))?,
        shard: shard.index,
        shards: shard.count,
        settings_hash: prepare_hash(settings),
        inputs_hash: inputs_hash(&discovery),
        total_files: discovery.files.len(),
        files: range.clone(),
        inputs: std::mem::take(&mut p.inputs),
        errors: p.errors.clone(),
        skipped: std::mem::take(&mut p.skipped),
        removed_by_rule: std::mem::take(&mut p.removed_by_rule),
        paths: std::mem::take(&mut p.index.paths),
        documents: p.index.docs.len() as u64,
        passages: p.index.passages.len(),
        signatures: p.store.len(),
        hashes_per_signature: p.store.k(),
        staged_bytes,
        checksums,
        run: run.clone(),
    };
    write_json(&meta_path, &meta, true).map_err(err(META))?;
    sync_dir(&dir).map_err(err(META))?;
    progress.finish();
    Ok(ShardReport {
        dir,
        run,
        errors: meta.errors,
        files: distinct_files(files),
    })
}

/// The second part of a sharded run: joins the finished shards in `opts.output/shards/` in
/// order and runs the corpus-wide steps and the writing, as [`run`] does after reading.
pub fn run_merge(
    settings: &Settings,
    origin: &ConfigOrigin,
    opts: &RunOptions,
) -> Result<RunReport, PipelineError> {
    let started = Instant::now();
    let mut clock = Clock::new();
    let memory = memory_budget(settings)?;
    let dir = &opts.output;
    if !dir.join("shards").is_dir() {
        return Err(merge_err(&dir.join("shards"))(NO_SHARDS.into()));
    }
    let staging = Staging::new(dir).map_err(out_err(dir))?;
    let (metas, holds) = read_shards(&opts.output, settings)?;
    clock.mark("discover");

    let progress = Progress::new(
        opts.progress,
        metas.iter().map(|(_, m)| m.staged_bytes).sum(),
    );
    progress.stage("merging");
    let mut index = Index {
        docs: Vec::new(),
        digests: Vec::new(),
        paths: Vec::new(),
        passages: PassageTable::create(dir).map_err(out_err(dir))?,
    };
    // Past the budget, one run keeps its signatures in a spill file: the merge reads the
    // shards' files where they are instead of copying them into one.
    let k = settings.fingerprint.num_hashes;
    let signature_bytes: u128 = metas
        .iter()
        .map(|(_, m)| m.signatures as u128 * 2 * k as u128)
        .sum();
    let mut signatures = if memory.is_some_and(|b| signature_bytes > b as u128) {
        Signatures::InPlace(Vec::new())
    } else {
        Signatures::Loaded(SignatureStore::new(k, memory, dir))
    };
    let mut slot_total = 0u64;
    let mut staged = StagedParts {
        parts: Vec::new(),
        own: false,
    };
    let mut inputs = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = Vec::new();
    let mut removed_by_rule: BTreeMap<String, RuleCount> = BTreeMap::new();
    let mut shards = Vec::new();
    let mut staged_total = 0u64;
    for (shard_dir, meta) in metas {
        let bad = merge_err(&shard_dir);
        let offsets = Offsets {
            staged: staged_total,
            passage: index.passages.len(),
            slot: slot_total,
            path: index.paths.len() as u64,
        };
        // Records: read where they are, the files laid end to end, opened now and checked
        // against their checksum as the corpus is written.
        let path = shard_dir.join(STAGED);
        let file = File::open(&path).map_err(read_err(&path))?;
        let len = file.metadata().map_err(read_err(&path))?.len();
        if len != meta.staged_bytes {
            return Err(bad(format!(
                "{STAGED} holds {len} bytes, shard.json says {}",
                meta.staged_bytes
            )));
        }
        let Some(sum) = meta.checksums.get(STAGED) else {
            return Err(bad(format!("shard.json has no checksum of {STAGED}")));
        };
        if len > 0 {
            staged.parts.push(StagedPart {
                start: offsets.staged,
                path,
                file,
                blake3: Some(sum.clone()),
            });
        }
        staged_total = staged_total
            .checked_add(len)
            .ok_or_else(|| bad("more staged bytes than a u64 holds".into()))?;
        // Documents.
        let path = shard_dir.join(DOCS);
        let bytes = std::fs::read(&path).map_err(read_err(&path))?;
        check_sum(&meta, DOCS, blake3::hash(&bytes)).map_err(&bad)?;
        let first_doc = index.docs.len();
        decode_docs(&bytes, meta.documents, &offsets, &mut index).map_err(&bad)?;
        drop(bytes);
        // In u128: values read from a damaged file must not wrap around.
        let past = |at: u64, len: u64, start: u64, size: u64| {
            at as u128 + len as u128 > start as u128 + size as u128
        };
        if let Some(d) = index.docs[first_doc..].iter().find(|d| {
            past(d.staged_at, d.staged_len, offsets.staged, meta.staged_bytes)
                || past(
                    d.first_passage,
                    d.passages as u64,
                    offsets.passage,
                    meta.passages,
                )
                || (d.slot != NONE && past(d.slot as u64, 1, offsets.slot, meta.signatures))
                || past(d.path as u64, 1, offsets.path, meta.paths.len() as u64)
        }) {
            return Err(bad(format!(
                "document {} points past the shard's files",
                d.record
            )));
        }
        index.paths.extend(meta.paths.iter().cloned());
        // Passages: rows copied in large pieces, their slots moved.
        let path = shard_dir.join(PASSAGES);
        copy_passages(&path, &meta, offsets.slot, &mut index.passages)
            .map_err(|e| e.into_error(&path, &shard_dir, dir))?;
        // Passages are indexed by u32 in the corpus-wide steps, as in one run.
        narrow(index.passages.len(), "passages").map_err(|e| bad(e.to_string()))?;
        // Signatures: checked, then loaded or left where they are.
        let path = shard_dir.join(SIGNATURES);
        let loaded = match &mut signatures {
            Signatures::InPlace(files) => {
                check_signatures(&path, &meta).map(|file| files.push((file, meta.signatures)))
            }
            Signatures::Loaded(store) => load_signatures(&path, &meta, store),
        };
        loaded.map_err(|e| e.into_error(&path, &shard_dir, dir))?;
        slot_total += meta.signatures;
        inputs.extend(meta.inputs);
        errors.extend(meta.errors);
        skipped.extend(meta.skipped);
        for (rule, c) in meta.removed_by_rule {
            *removed_by_rule.entry(rule).or_default() += c;
        }
        shards.push(meta.run);
        progress.inc(meta.staged_bytes);
    }
    let inputs = join_parts(inputs);
    if let Some((i, s)) = inputs.iter().find_map(|i| Some((i, i.split?))) {
        return Err(merge_err(&dir.join("shards"))(format!(
            "the shards read only bytes {}..{} of the {} bytes of {}",
            s.start, s.end, s.file_bytes, i.path
        )));
    }
    index.passages.finish().map_err(out_err(dir))?;
    let mut store = match signatures {
        Signatures::Loaded(store) => store,
        Signatures::InPlace(files) => SignatureStore::in_files(k, memory, dir, files),
    };
    store.finish().map_err(out_err(dir))?;
    debug_assert_eq!(store.len(), slot_total);
    clock.mark("merge_shards");
    check_strict(opts, &errors, &progress)?;
    let prepared = Prepared {
        staging,
        staged,
        holds,
        index,
        store,
        inputs,
        errors,
        skipped,
        removed_by_rule,
    };
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
            shards,
        },
    )
}

/// The shards' signatures as the merge gathers them: loaded into one store, or, past the
/// memory budget, checked and read later where they are (as one run's spill file would be).
enum Signatures {
    Loaded(SignatureStore),
    InPlace(Vec<(File, u64)>),
}

/// Where a shard's entries go in the merged index.
struct Offsets {
    staged: u64,
    passage: u64,
    slot: u64,
    path: u64,
}

/// The finished shards in `output/shards/`, in order, with their `shard.json`: all of one
/// count, all there, made from one input list with the settings of this run.
/// Each shard folder is held (its lock) from before its `shard.json` is read until the merge
/// ends, so a shard job run again meanwhile fails instead of replacing files being read.
#[allow(clippy::type_complexity)]
fn read_shards(
    output: &Path,
    settings: &Settings,
) -> Result<(Vec<(PathBuf, ShardMeta)>, Vec<Staging>), PipelineError> {
    let root = output.join("shards");
    let fail = merge_err(&root);
    let mut dirs: Vec<(Shard, PathBuf)> = Vec::new();
    // run_merge has checked that the folder is there.
    let entries = std::fs::read_dir(&root).map_err(read_err(&root))?;
    for e in entries {
        let e = e.map_err(read_err(&root))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let Some((k, n)) = name.split_once("-of-") else {
            continue;
        };
        // Only the names shard jobs give their folders (`3-of-16` beside `00003-of-00016`
        // would be a second shard 3).
        if let Ok(shard) = format!("{k}/{n}").parse::<Shard>()
            && shard_dir(output, shard).file_name() == Some(e.file_name().as_os_str())
        {
            dirs.push((shard, e.path()));
        }
    }
    dirs.sort_by_key(|(s, _)| (s.count, s.index));
    let Some(count) = dirs.first().map(|(s, _)| s.count) else {
        return Err(fail(NO_SHARDS.into()));
    };
    if dirs.iter().any(|(s, _)| s.count != count) {
        let mut counts: Vec<usize> = dirs.iter().map(|(s, _)| s.count).collect();
        counts.dedup();
        return Err(fail(format!(
            "shard folders of different runs ({counts:?} shards); remove the old ones"
        )));
    }
    let missing: Vec<usize> = (0..count)
        .filter(|&k| {
            !dirs
                .iter()
                .any(|(s, d)| s.index == k && d.join(META).is_file())
        })
        .collect();
    if !missing.is_empty() {
        let shown: Vec<String> = missing.iter().take(20).map(|k| k.to_string()).collect();
        return Err(fail(format!(
            "{} of {count} shards are not finished: {}{}",
            missing.len(),
            shown.join(", "),
            if missing.len() > 20 { ", ..." } else { "" }
        )));
    }
    allow_open_files(count).map_err(&fail)?;
    let want = prepare_hash(settings);
    let build = build_id().map_err(|e| fail(e.to_string()))?;
    let mut metas: Vec<(PathBuf, ShardMeta)> = Vec::with_capacity(count);
    let mut holds = Vec::with_capacity(count);
    for (shard, dir) in dirs {
        holds.push(Staging::new(&dir).map_err(|e| merge_err(&dir)(e.to_string()))?);
        let path = dir.join(META);
        let bytes = std::fs::read(&path).map_err(read_err(&path))?;
        let meta: ShardMeta =
            serde_json::from_slice(&bytes).map_err(|e| merge_err(&path)(e.to_string()))?;
        let problem = if meta.format != FORMAT {
            Some(format!("format {}, this scour reads {FORMAT}", meta.format))
        } else if meta.shard != shard.index || meta.shards != shard.count {
            Some(format!(
                "it says shard {}/{}, its folder {shard}",
                meta.shard, meta.shards
            ))
        } else if meta.settings_hash != want {
            Some(
                "made with other input, clean, normalize or fingerprint settings than this run's"
                    .into(),
            )
        } else if meta.build != build {
            Some(format!(
                "made by another scour build ({} {}, this one {} {build}); run the shards \
                 again with this one",
                meta.scour_version,
                meta.build,
                env!("CARGO_PKG_VERSION")
            ))
        } else if meta.hashes_per_signature != settings.fingerprint.num_hashes {
            Some(format!("{} hashes a signature", meta.hashes_per_signature))
        } else if let Some((_, first)) = metas.first()
            && first.inputs_hash != meta.inputs_hash
        {
            Some("made from another input list than shard 0 (inputs changed between jobs?)".into())
        } else if meta.files.start != metas.last().map_or(0, |(_, m)| m.files.end)
            || meta.files.end > meta.total_files
            || (shard.index + 1 == count && meta.files.end != meta.total_files)
        {
            Some(format!(
                "its files {:?} of {} do not follow on from the shard before",
                meta.files, meta.total_files
            ))
        } else {
            None
        };
        if let Some(p) = problem {
            return Err(merge_err(&path)(p));
        }
        metas.push((dir, meta));
    }
    Ok((metas, holds))
}

fn check_sum(meta: &ShardMeta, name: &str, got: blake3::Hash) -> Result<(), String> {
    match meta.checksums.get(name) {
        Some(want) if *want == got.to_hex().as_str() => Ok(()),
        Some(_) => Err(format!("{name} does not match its checksum in shard.json")),
        None => Err(format!("shard.json has no checksum of {name}")),
    }
}

enum LoadError {
    /// Reading the shard's file.
    Read(std::io::Error),
    /// The merged store (its spill file).
    Store(std::io::Error),
    Bad(String),
}

impl LoadError {
    /// As the merge reports it: reading `file` of the shard in `shard`, writing the merged
    /// index in `output`, or the shard as it is.
    fn into_error(self, file: &Path, shard: &Path, output: &Path) -> PipelineError {
        match self {
            LoadError::Read(e) => read_err(file)(e),
            LoadError::Store(e) => out_err(output)(e),
            LoadError::Bad(what) => merge_err(shard)(what),
        }
    }
}

/// A shard that cannot be merged as it is.
fn merge_err(path: &Path) -> impl Fn(String) -> PipelineError + use<> {
    let path = path.display().to_string();
    move |message| PipelineError::Merge {
        path: path.clone(),
        message,
    }
}

fn read_err(path: &Path) -> impl Fn(std::io::Error) -> PipelineError + use<> {
    let f = merge_err(path);
    move |e| f(e.to_string())
}

/// Appends a shard's passage table to `table`, its slots moved by `slot_offset`, checking its
/// size and checksum.
fn copy_passages(
    path: &Path,
    meta: &ShardMeta,
    slot_offset: u64,
    table: &mut PassageTable,
) -> Result<(), LoadError> {
    let (mut file, len) = open_sized(path, PASSAGES, meta.passages, ROW as u64, "passages")?;
    let mut hasher = blake3::Hasher::new();
    let mut bytes = vec![0u8; ROW << 14];
    let mut left = len as usize;
    while left > 0 {
        let chunk = &mut bytes[..left.min(ROW << 14)];
        file.read_exact(chunk).map_err(LoadError::Read)?;
        hasher.update(chunk);
        for row in chunk.chunks_exact_mut(ROW) {
            let slot = &mut row[ROW - 4..];
            let s = u32::from_le_bytes(slot.try_into().expect("4 bytes"));
            if s != NONE {
                let moved =
                    narrow(s as u64 + slot_offset, "signatures").map_err(LoadError::Store)?;
                slot.copy_from_slice(&moved.to_le_bytes());
            }
        }
        table.push_rows(chunk).map_err(LoadError::Store)?;
        left -= chunk.len();
    }
    check_sum(meta, PASSAGES, hasher.finalize()).map_err(LoadError::Bad)
}

/// A shard's file `name`, open, and its length, once that is checked to be `count` entries of
/// `size` bytes (`what` names them).
fn open_sized(
    path: &Path,
    name: &str,
    count: u64,
    size: u64,
    what: &str,
) -> Result<(File, u64), LoadError> {
    let file = File::open(path).map_err(LoadError::Read)?;
    let len = file.metadata().map_err(LoadError::Read)?.len();
    if Some(len) != count.checked_mul(size) {
        return Err(LoadError::Bad(format!(
            "{name} holds {len} bytes, not {count} {what}"
        )));
    }
    Ok((file, len))
}

/// A shard's signature file, open, once its size is checked.
fn signature_file(path: &Path, meta: &ShardMeta) -> Result<File, LoadError> {
    let size = 2 * meta.hashes_per_signature as u64;
    open_sized(path, SIGNATURES, meta.signatures, size, "signatures").map(|(file, _)| file)
}

/// A shard's signature file, open, once its size and checksum are checked.
fn check_signatures(path: &Path, meta: &ShardMeta) -> Result<File, LoadError> {
    let file = signature_file(path, meta)?;
    let mut hasher = blake3::Hasher::new();
    hasher.update_reader(&file).map_err(LoadError::Read)?;
    check_sum(meta, SIGNATURES, hasher.finalize()).map_err(LoadError::Bad)?;
    Ok(file)
}

/// Pushes a shard's signatures into `store`, checking their count and checksum.
fn load_signatures(
    path: &Path,
    meta: &ShardMeta,
    store: &mut SignatureStore,
) -> Result<(), LoadError> {
    let k = meta.hashes_per_signature;
    let mut file = signature_file(path, meta)?;
    let mut hasher = blake3::Hasher::new();
    let per_chunk = (4usize << 20) / (2 * k).max(1) + 1;
    let mut bytes = vec![0u8; per_chunk * 2 * k];
    let mut values: Vec<crate::fingerprint::SigValue> = Vec::with_capacity(per_chunk * k);
    let mut left = meta.signatures;
    while left > 0 {
        let n = (left as usize).min(per_chunk);
        let chunk = &mut bytes[..n * 2 * k];
        file.read_exact(chunk).map_err(LoadError::Read)?;
        hasher.update(chunk);
        values.clear();
        values.extend(
            chunk
                .chunks_exact(2)
                .map(|c| crate::fingerprint::SigValue::from_le_bytes([c[0], c[1]])),
        );
        store.push_values(&values).map_err(LoadError::Store)?;
        left -= n as u64;
    }
    check_sum(meta, SIGNATURES, hasher.finalize()).map_err(LoadError::Bad)
}

/// Bytes of one entry of `docs.bin`.
const DOC_BYTES: usize = 7 * 8 + 3 * 4 + 1 + 16;

fn drop_code(r: Option<DropReason>) -> u8 {
    match r {
        None => 0,
        Some(DropReason::EmptyAfterCleaning) => 1,
        Some(DropReason::TooShort) => 2,
        Some(DropReason::Duplicate) => 3,
        Some(DropReason::AllPassagesDuplicate) => 4,
        Some(DropReason::InputError) => 5,
    }
}

fn drop_reason(code: u8) -> Result<Option<DropReason>, String> {
    Ok(match code {
        0 => None,
        1 => Some(DropReason::EmptyAfterCleaning),
        2 => Some(DropReason::TooShort),
        3 => Some(DropReason::Duplicate),
        4 => Some(DropReason::AllPassagesDuplicate),
        5 => Some(DropReason::InputError),
        c => return Err(format!("unknown drop reason {c} in {DOCS}")),
    })
}

fn encode_docs(index: &Index) -> Vec<u8> {
    let mut out = Vec::with_capacity(index.docs.len() * DOC_BYTES);
    for (d, digest) in index.docs.iter().zip(&index.digests) {
        for v in [
            d.id,
            d.staged_at,
            d.staged_len,
            d.first_passage,
            d.record,
            d.byte_start,
            d.text_len,
        ] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for v in [d.slot, d.path, d.passages] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.push(drop_code(d.dropped));
        out.extend_from_slice(digest);
    }
    out
}

/// Appends a shard's `count` documents to `index`, moved by `at`.
fn decode_docs(bytes: &[u8], count: u64, at: &Offsets, index: &mut Index) -> Result<(), String> {
    if Some(bytes.len() as u64) != count.checked_mul(DOC_BYTES as u64) {
        return Err(format!(
            "{DOCS} holds {} bytes, not {count} documents",
            bytes.len()
        ));
    }
    for b in bytes.chunks_exact(DOC_BYTES) {
        let u64_at = |i: usize| u64::from_le_bytes(b[i * 8..i * 8 + 8].try_into().expect("8"));
        let u32_at = |i: usize| {
            let o = 56 + i * 4;
            u32::from_le_bytes(b[o..o + 4].try_into().expect("4"))
        };
        let slot = u32_at(0);
        let slot = if slot == NONE {
            NONE
        } else {
            narrow(slot as u64 + at.slot, "signatures").map_err(|e| e.to_string())?
        };
        let path = narrow(u32_at(1) as u64 + at.path, "paths").map_err(|e| e.to_string())?;
        narrow(index.docs.len() as u64, "documents").map_err(|e| e.to_string())?;
        index.docs.push(DocEntry {
            id: u64_at(0),
            staged_at: u64_at(1) + at.staged,
            staged_len: u64_at(2),
            first_passage: u64_at(3) + at.passage,
            record: u64_at(4),
            byte_start: u64_at(5),
            text_len: u64_at(6),
            slot,
            path,
            passages: u32_at(2),
            dropped: drop_reason(b[68])?,
        });
        index.digests.push(b[69..85].try_into().expect("16 bytes"));
    }
    Ok(())
}

/// Syncs the file at `path` to disk and returns its blake3 (hex).
fn sync_and_checksum(path: &Path) -> std::io::Result<String> {
    let file = File::open(path)?;
    file.sync_all()?;
    let mut h = blake3::Hasher::new();
    h.update_reader(&file)?;
    Ok(h.finalize().to_hex().to_string())
}

/// blake3 (hex, 16 digits) of the running scour binary, computed once.
fn build_id() -> std::io::Result<String> {
    static ID: std::sync::OnceLock<Result<String, String>> = std::sync::OnceLock::new();
    ID.get_or_init(|| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let mut h = blake3::Hasher::new();
        h.update_reader(File::open(&exe).map_err(|e| e.to_string())?)
            .map_err(|e| e.to_string())?;
        Ok(short_hex(h.finalize()))
    })
    .clone()
    .map_err(|e| std::io::Error::other(format!("cannot read the scour binary: {e}")))
}

/// Files a merge keeps open a shard: its folder's lock, its staged records and, past the
/// budget, its signatures.
const FILES_PER_SHARD: u64 = 3;

/// Raises this process's soft limit of open files, up to the hard one, to what a merge of
/// `shards` keeps open; an error naming the limit if the hard one is too low. Cluster nodes
/// often start jobs with a soft limit of 1,024, which a few hundred shards would pass.
// `rlim_t` is u64 here, not on every platform.
#[allow(clippy::unnecessary_cast)]
fn allow_open_files(shards: usize) -> Result<(), String> {
    #[cfg(unix)]
    {
        // Beyond the shards' files: up to 256 band-key partition files open at once when the
        // signatures spill (dedup::runs), and the run's own few.
        let need = shards as u64 * FILES_PER_SHARD + 512;
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit and setrlimit read or fill the struct given, nothing else.
        if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) } != 0 {
            return Ok(());
        }
        if lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur as u64 >= need {
            return Ok(());
        }
        let hard_ok = lim.rlim_max == libc::RLIM_INFINITY || lim.rlim_max as u64 >= need;
        if hard_ok {
            // Up to the hard limit (a million when that is unlimited), not just `need`: what
            // else the process opens is not counted here.
            let cap: u64 = 1 << 20;
            let to = if lim.rlim_max == libc::RLIM_INFINITY {
                cap.max(need)
            } else {
                lim.rlim_max as u64
            };
            let raised = libc::rlimit {
                rlim_cur: to as libc::rlim_t,
                rlim_max: lim.rlim_max,
            };
            // SAFETY: as above.
            if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } == 0 {
                return Ok(());
            }
        }
        Err(format!(
            "a merge of {shards} shards keeps up to {need} files open, and this process may open \
             {} (`ulimit -n`, hard limit {}); raise the limit or split into fewer shards",
            lim.rlim_cur, lim.rlim_max
        ))
    }
    #[cfg(not(unix))]
    {
        let _ = shards;
        Ok(())
    }
}

/// This machine's name, for the manifest (which node ran which shard).
fn host_name() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into the buffer it is given.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    if ok {
        String::from_utf8_lossy(&buf[..end]).into_owned()
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices(sizes: &[u64], n: usize) -> Vec<Range<usize>> {
        (0..n)
            .map(|index| shard_files(sizes, Shard { index, count: n }))
            .collect()
    }

    #[test]
    fn shards_cover_every_file_once_in_order_and_balance_bytes() {
        assert_eq!(slices(&[10, 10, 10, 10], 2), vec![0..2, 2..4]);
        assert_eq!(slices(&[10, 10, 10, 10], 4), vec![0..1, 1..2, 2..3, 3..4]);
        // One big file: its shard takes it, the others what is left.
        assert_eq!(slices(&[100, 1, 1, 1], 2), vec![0..1, 1..4]);
        // More shards than files: some are empty.
        assert_eq!(slices(&[5, 5], 4), vec![0..1, 1..1, 1..2, 2..2]);
        assert_eq!(slices(&[], 3), vec![0..0, 0..0, 0..0]);
        assert_eq!(slices(&[0, 0, 0], 2), vec![0..0, 0..3]);
        for n in 1..9 {
            for sizes in [vec![1u64; 17], (1..30).collect(), vec![7, 0, 0, 900, 3, 3]] {
                let s = slices(&sizes, n);
                assert_eq!(s[0].start, 0);
                assert_eq!(s[n - 1].end, sizes.len());
                for w in s.windows(2) {
                    assert_eq!(w[0].end, w[1].start, "{sizes:?} {n}");
                }
            }
        }
    }

    #[test]
    fn shard_names_parse_and_refuse_nonsense() {
        assert_eq!(
            "3/16".parse::<Shard>(),
            Ok(Shard {
                index: 3,
                count: 16
            })
        );
        assert_eq!(" 0 / 1 ".parse::<Shard>(), Ok(Shard { index: 0, count: 1 }));
        for bad in ["16/16", "1/0", "3", "a/2", "-1/2", "2/x"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
        let dir = shard_dir(
            Path::new("out"),
            Shard {
                index: 3,
                count: 16,
            },
        );
        assert_eq!(dir, Path::new("out/shards/00003-of-00016"));
    }

    #[test]
    fn doc_entries_round_trip_moved_by_the_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let entry = |i: u64| DocEntry {
            id: 0xabc0 + i,
            staged_at: 100 * i,
            staged_len: 100,
            first_passage: 3 * i,
            record: i,
            byte_start: 7 * i,
            text_len: 50 + i,
            slot: if i == 1 { NONE } else { i as u32 * 4 },
            path: i as u32 / 2,
            passages: 3,
            dropped: [
                None,
                Some(DropReason::TooShort),
                Some(DropReason::EmptyAfterCleaning),
            ][i as usize % 3],
        };
        let index = Index {
            docs: (0..5).map(entry).collect(),
            digests: (0..5u8).map(|i| [i; 16]).collect(),
            paths: vec![],
            passages: PassageTable::create(dir.path()).unwrap(),
        };
        let bytes = encode_docs(&index);
        assert_eq!(bytes.len(), 5 * DOC_BYTES);
        let mut merged = Index {
            docs: vec![],
            digests: vec![],
            paths: vec![],
            passages: PassageTable::create(dir.path()).unwrap(),
        };
        let at = Offsets {
            staged: 1000,
            passage: 20,
            slot: 9,
            path: 2,
        };
        decode_docs(&bytes, 5, &at, &mut merged).unwrap();
        assert_eq!(merged.digests, index.digests);
        for (a, b) in index.docs.iter().zip(&merged.docs) {
            assert_eq!(b.id, a.id);
            assert_eq!(b.staged_at, a.staged_at + 1000);
            assert_eq!(b.first_passage, a.first_passage + 20);
            assert_eq!(b.slot, if a.slot == NONE { NONE } else { a.slot + 9 });
            assert_eq!(b.path, a.path + 2);
            assert_eq!(
                (
                    b.staged_len,
                    b.record,
                    b.byte_start,
                    b.text_len,
                    b.passages,
                    b.dropped
                ),
                (
                    a.staged_len,
                    a.record,
                    a.byte_start,
                    a.text_len,
                    a.passages,
                    a.dropped
                )
            );
        }
        // A wrong count or an unknown drop reason is an error.
        assert!(decode_docs(&bytes, 4, &at, &mut merged).is_err());
        let mut bad = bytes.clone();
        bad[68] = 9;
        assert!(decode_docs(&bad, 5, &at, &mut merged).is_err());
    }
}
