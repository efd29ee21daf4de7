//! `scour eval extract`: main-content extraction scored on public benchmarks (being written).

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// Folder of the benchmark data.
    #[arg(long)]
    pub data: PathBuf,
}

pub fn run(_args: &ExtractArgs) -> anyhow::Result<()> {
    anyhow::bail!("scour eval extract is not available in this build")
}
