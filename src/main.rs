//! The `scour` binary: parse flags, run, and turn errors into exit codes
//! (0 ok, 1 error, 2 usage, 3 input errors under --strict). A closed stdout pipe exits 0.

mod cli;

use anyhow::{Context, Result};
use clap::Parser;
use cli::{Cli, Command, CompressArg, ModeArg, RunArgs};
use scour::config::{Compression, DedupMode, Settings};
use scour::pipeline::{self, PipelineError, RunOptions, Stages};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if e.chain().any(is_broken_pipe) {
                return ExitCode::SUCCESS;
            }
            // The error and its causes, each once: errors that name their cause in their own
            // message (`cannot write output X: <cause>`) would otherwise print it twice.
            let mut message = e.to_string();
            for cause in e.chain().skip(1) {
                let cause = cause.to_string();
                if !message.contains(&cause) {
                    message.push_str(": ");
                    message.push_str(&cause);
                }
            }
            eprintln!("scour: error: {message}");
            match e.downcast_ref::<PipelineError>() {
                Some(PipelineError::Strict { .. }) => ExitCode::from(3),
                _ => ExitCode::FAILURE,
            }
        }
    }
}

fn is_broken_pipe(e: &(dyn std::error::Error + 'static)) -> bool {
    e.downcast_ref::<std::io::Error>()
        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        None => run_pipeline(RunArgs::default()),
        Some(Command::Run(args)) => run_pipeline(args),
        Some(Command::Clean(args)) => clean(args),
        Some(Command::Gen(args)) => scour::r#gen::run(&args).map(|()| ExitCode::SUCCESS),
        Some(Command::Eval(cli::EvalCommand::Extract(args))) => {
            scour::eval::extract::run(&args).map(|()| ExitCode::SUCCESS)
        }
        Some(Command::Eval(cli::EvalCommand::Dedup(args))) => {
            scour::eval::dedup::run(&args).map(|()| ExitCode::SUCCESS)
        }
    }
}

fn thread_pool(threads: Option<usize>) -> Result<(rayon::ThreadPool, usize)> {
    let n = threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .context("cannot start worker threads")?;
    Ok((pool, n))
}

fn run_pipeline(args: RunArgs) -> Result<ExitCode> {
    let (mut settings, origin) = Settings::load(args.config.as_deref())?;
    if let Some(m) = args.mode {
        settings.dedup.mode = match m {
            ModeArg::Drop => DedupMode::Drop,
            ModeArg::Annotate => DedupMode::Annotate,
            ModeArg::Off => DedupMode::Off,
        };
    }
    if let Some(c) = args.compress {
        settings.output.compression = match c {
            CompressArg::None => Compression::None,
            CompressArg::Zstd => Compression::Zstd,
        };
    }
    if args.sync {
        settings.output.sync = true;
    }
    if let Some(m) = args.memory {
        settings.dedup.memory = m;
        settings
            .dedup
            .memory_bytes()
            .map_err(|e| anyhow::anyhow!("--memory: {e}, or \"unlimited\""))?;
    }
    let origin = scour::config::ConfigOrigin {
        hash: settings.hash(),
        ..origin
    };
    let (pool, threads) = thread_pool(args.threads)?;
    let opts = RunOptions {
        inputs: if args.inputs.is_empty() {
            settings.input.paths.clone()
        } else {
            args.inputs.clone()
        },
        output: args
            .output
            .clone()
            .unwrap_or_else(|| settings.output.dir.clone()),
        strict: args.strict,
        progress: !args.quiet && std::io::stderr().is_terminal(),
        threads,
    };
    if let Some(shards) = args.plan {
        let p = pipeline::plan(&settings, &opts, Some(shards))?;
        if !args.quiet {
            let cut = if p.split > 0 {
                format!(
                    ", {} of them cut into {} parts at line starts",
                    p.split, p.parts
                )
            } else {
                String::new()
            };
            println!(
                "scour {}: {} input files{cut} ({:.1} MB) listed for shard jobs in {}",
                env!("CARGO_PKG_VERSION"),
                p.files,
                p.bytes as f64 / 1e6,
                p.path.display()
            );
        }
        for path in &p.uncut {
            eprintln!(
                "scour: note: {path} is larger than a shard's share but cannot be cut (only \
                 plain JSONL files can): one shard reads it whole"
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(shard) = args.shard {
        let report = pool.install(|| pipeline::run_shard(&settings, &opts, shard))?;
        for e in &report.errors {
            eprintln!("scour: input error: {e}");
        }
        if !args.quiet {
            let r = &report.run;
            println!(
                "scour {}: shard {shard}: {} files ({:.1} MB), {} documents in {:.2} s: {:.1} MB/s, peak RSS {}; wrote {}",
                env!("CARGO_PKG_VERSION"),
                report.files,
                r.input_bytes as f64 / 1e6,
                r.documents,
                r.seconds,
                r.mb_per_s,
                r.peak_rss_bytes
                    .map_or("n/a".to_string(), |b| format!("{:.1} MB", b as f64 / 1e6)),
                report.dir.display()
            );
        }
        return Ok(ExitCode::SUCCESS);
    }
    let report = if args.merge {
        pool.install(|| pipeline::run_merge(&settings, &origin, &opts))?
    } else {
        pool.install(|| pipeline::run(&settings, &origin, &opts))?
    };
    for e in &report.manifest.errors {
        eprintln!("scour: input error: {e}");
    }
    if !args.quiet {
        print_summary(&report)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(report: &pipeline::RunReport) -> Result<()> {
    let m = &report.manifest;
    let c = &m.counts;
    let r = &m.run;
    let mut out = std::io::stdout().lock();
    let rss = |b: Option<u64>| b.map_or("n/a".to_string(), |b| format!("{:.1} MB", b as f64 / 1e6));
    if !r.shards.is_empty() {
        let all: f64 = r.shards.iter().map(|s| s.seconds).sum();
        let longest = r.shards.iter().map(|s| s.seconds).fold(0.0, f64::max);
        writeln!(
            out,
            "scour {}: {} records from {} files ({:.1} MB), read by {} shard jobs ({all:.2} s in all, \
             the longest {longest:.2} s); merged in {:.2} s, peak RSS {}",
            m.scour_version,
            c.records_in,
            m.inputs.len(),
            c.input_bytes as f64 / 1e6,
            r.shards.len(),
            r.total_seconds,
            rss(r.peak_rss_bytes),
        )?;
    } else {
        writeln!(
            out,
            "scour {}: {} records from {} files ({:.1} MB) in {:.2} s: {:.1} MB/s, {:.0} docs/s, peak RSS {}",
            m.scour_version,
            c.records_in,
            m.inputs.len(),
            c.input_bytes as f64 / 1e6,
            r.total_seconds,
            r.mb_per_s,
            r.docs_per_s,
            rss(r.peak_rss_bytes),
        )?;
    }
    let reasons: Vec<String> = c
        .dropped_by_reason
        .iter()
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    writeln!(
        out,
        "  documents: {} kept, {} dropped{}, {} failed to read",
        c.kept,
        c.dropped,
        if reasons.is_empty() {
            String::new()
        } else {
            format!(" ({})", reasons.join(", "))
        },
        c.failed
    )?;
    writeln!(
        out,
        "  passages: {} kept, {} duplicate passages removed; clusters: {} document, {} passage",
        c.passages_out, c.duplicate_passages, c.document_clusters, c.passage_clusters
    )?;
    if !m.removed_by_rule.is_empty() {
        writeln!(out, "  removed by rule:")?;
        for (rule, rc) in &m.removed_by_rule {
            writeln!(
                out,
                "    {rule:<20} {:>6} spans {:>10} bytes",
                rc.spans, rc.bytes
            )?;
        }
    }
    let d = &m.dedup;
    if d.spilled_bytes > 0 {
        let runs: u64 = [&d.documents, &d.passages]
            .into_iter()
            .flatten()
            .map(|s| s.band_runs)
            .sum();
        writeln!(
            out,
            "  dedup index over its memory budget: {:.1} MB of signatures spilled, {runs} band-key partition files",
            d.spilled_bytes as f64 / 1e6
        )?;
    }
    if !m.skipped_files.is_empty() {
        writeln!(out, "  skipped files: {}", m.skipped_files.len())?;
    }
    writeln!(
        out,
        "  wrote {}, {}, {}, {}",
        report.paths.corpus.display(),
        report.paths.dropped.display(),
        report.paths.duplicates.display(),
        report.paths.manifest.display()
    )?;
    Ok(())
}

fn clean(args: cli::CleanArgs) -> Result<ExitCode> {
    let (settings, _) = Settings::load(args.config.as_deref())?;
    let (pool, _) = thread_pool(args.threads)?;
    let stages = Stages::new(&settings)?;
    let discovery = scour::source::discover(&args.paths, &settings.input);
    let mut errors = discovery.errors;
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout());
    let mut write_err: Option<std::io::Error> = None;
    pool.install(|| {
        pipeline::process_inputs(
            &discovery.files,
            &settings,
            &stages,
            |out: &mut Vec<u8>, p| {
                let start = out.len();
                if serde_json::to_writer(&mut *out, &pipeline::corpus_record(p)).is_err() {
                    out.truncate(start);
                }
                out.push(b'\n');
            },
            |out| {
                for e in &out.errors {
                    eprintln!("scour: input error: {e}");
                }
                errors.append(&mut out.errors);
                for json in &out.groups {
                    if let Err(e) = stdout.write_all(json) {
                        write_err = Some(e);
                        return false;
                    }
                }
                true
            },
        )
    });
    if let Some(e) = write_err {
        return Err(e.into());
    }
    stdout.flush()?;
    for s in &discovery.skipped {
        eprintln!("scour: skipped {}: {}", s.path, s.reason);
    }
    if args.strict && !errors.is_empty() {
        eprintln!("scour: {} input error(s) and --strict is set", errors.len());
        return Ok(ExitCode::from(3));
    }
    Ok(ExitCode::SUCCESS)
}
