//! Command-line flags (clap derive). `main` turns them, with the config file, into settings.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Turn raw web scrapes into a clean, deduplicated text corpus with provenance.
///
/// Without a command, `scour` runs the default pipeline (`scour run`) on the inputs named in the
/// config (`seeds/` by default) and writes `out/`.
#[derive(Debug, Parser)]
#[command(name = "scour", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read, clean, normalize, fingerprint and deduplicate the inputs; write the corpus with
    /// provenance (corpus.jsonl, dropped.jsonl, duplicates.jsonl, manifest.json).
    Run(RunArgs),
    /// Read, clean and normalize documents (no corpus-wide dedup) and print one JSON record per
    /// document on stdout, in the corpus schema. For quick looks and evaluation scripts.
    Clean(CleanArgs),
    /// Write a deterministic, realistic benchmark scrape with its ground truth (cruft spans and
    /// duplicate links), for throughput and dedup-quality measurements.
    Gen(scour::r#gen::GenArgs),
    /// Score scour against ground truth.
    #[command(subcommand)]
    Eval(EvalCommand),
}

#[derive(Debug, Subcommand)]
pub enum EvalCommand {
    /// Main-content extraction on the public benchmarks (AEB, WCXB) with each benchmark's metric.
    Extract(scour::eval::extract::ExtractArgs),
    /// Dedup and cleaning quality of a run against the ground truth of a `scour gen` corpus.
    Dedup(scour::eval::dedup::DedupEvalArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ModeArg {
    /// Drop duplicate documents and remove duplicate passages.
    Drop,
    /// Keep everything, mark duplicates.
    Annotate,
    /// No deduplication.
    Off,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CompressArg {
    None,
    Zstd,
}

#[derive(Debug, Default, Args)]
pub struct RunArgs {
    /// Config file (TOML). Default: config/default.toml if present here, else the built-in copy.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Input file or folder (repeatable); folders are walked recursively. Default: the config's
    /// `input.paths`.
    #[arg(long = "input", short = 'i', value_name = "PATH")]
    pub inputs: Vec<PathBuf>,
    /// Output folder. Default: the config's `output.dir` (out/).
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Worker threads. Default: all cores. The output is the same for any number.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Fail (exit code 3, no output written) if any input cannot be read completely.
    #[arg(long)]
    pub strict: bool,
    /// Print nothing but errors: no progress bar, no summary.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Override the config's dedup.mode.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
    /// Memory for the dedup index (e.g. 512M, 4G, or "unlimited"); past it signatures and band
    /// keys spill to files in the output folder. Overrides dedup.memory (default 2G).
    #[arg(long, value_name = "SIZE")]
    pub memory: Option<String>,
    /// Override the config's output.compression for corpus.jsonl.
    #[arg(long, value_enum)]
    pub compress: Option<CompressArg>,
    /// Wait until the output files are on disk (fsync) before the run ends, so that they
    /// survive a power loss right after it. Sets output.sync.
    #[arg(long)]
    pub sync: bool,
    /// Run only the first part (read, clean, normalize, fingerprint) on shard K of N (counted
    /// from 0) of the inputs, into OUTPUT/shards/; one job of a cluster array (Slurm, with
    /// `--array=0-(N-1)`: `--shard $SLURM_ARRAY_TASK_ID/N`; config/slurm/submit.sh does it).
    /// Every shard job must see the same inputs and config. Then `--merge`.
    #[arg(long, value_name = "K/N", conflicts_with_all = ["merge", "plan"])]
    pub shard: Option<scour::pipeline::Shard>,
    /// Join the finished shards in OUTPUT/shards/ and run the rest: dedup across them all and
    /// writing. The outputs are those of one run on all the inputs, byte for byte. The inputs
    /// are the ones the shards read (`--input` is not needed, and not read again).
    #[arg(long, conflicts_with = "plan")]
    pub merge: bool,
    /// Walk the inputs once and write OUTPUT/shards/inputs.json, the list every `--shard` job
    /// then cuts its slice from instead of walking the inputs itself (on a cluster file system,
    /// N walks of a large tree are slow; and the slices stay fixed if files come or go).
    /// With N, the number of shards: a plain JSONL file larger than a shard's share is read
    /// once and listed as parts cut at line starts, so that one huge file is spread over
    /// several shards. config/slurm/submit.sh does this before it submits.
    #[arg(long, value_name = "N", num_args = 0..=1, default_missing_value = "1")]
    pub plan: Option<usize>,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files or folders to clean.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Config file (TOML). Default: as for `run`.
    #[arg(long, short = 'c', value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Worker threads. Default: all cores.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,
    /// Exit with code 3 if any input cannot be read completely (records still print).
    #[arg(long)]
    pub strict: bool,
}
