#!/usr/bin/env bash
# HTML extraction side by side: scour, trafilatura and resiliparse on the same AEB pages, one
# core each, extraction timed in-process. Creates benches/.venv (git-ignored) on first use; the
# Python packages are never a dependency of the build or the tests.
# Usage: bash benches/extract_peers.sh [AEB_DIR] [WCXB_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
AEB=${1:-../shared/data/aeb}
WCXB=${2:-../shared/data/wcxb-dev}
if [ ! -x benches/.venv/bin/python ]; then
    python3 -m venv benches/.venv
    benches/.venv/bin/pip install --quiet trafilatura resiliparse lxml_html_clean
fi
echo "# machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores"
cargo build --release --quiet
echo "## scour"
./target/release/scour eval extract --bench aeb --data "$AEB" --path all
echo "## peers"
benches/.venv/bin/python benches/extract_peers.py --data "$AEB"
if [ -d "$WCXB" ]; then
    echo "## scour on WCXB dev"
    ./target/release/scour eval extract --bench wcxb --data "$WCXB" --path all
fi
