#!/usr/bin/env bash
# End-to-end throughput: build corpora with `scour gen` and run the whole pipeline on each with
# 1 thread and with all threads, reporting wall time, MB/s, docs/s and peak RSS.
#
#   benches/e2e.sh                 # 256M 1G 4G (needs ~12 GB of disk under $WORK)
#   SIZES="64M 256M" benches/e2e.sh
#
# Corpora go to $WORK (default /tmp/scour-e2e) and are reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"256M 1G 4G"}
WORK=${WORK:-/tmp/scour-e2e}
THREADS_ALL=$(nproc)
mkdir -p "$WORK"
cargo build --release --quiet
BIN=./target/release/scour

printf '%-6s %-7s %9s %9s %10s %10s %12s\n' size threads seconds MB/s docs/s "RSS MB" "dedup+write s"
for size in $SIZES; do
  corpus="$WORK/gen-$size"
  if [ ! -d "$corpus" ]; then
    $BIN gen --bytes "$size" --seed 7 --shards 8 --output "$corpus" >/dev/null
  fi
  for threads in 1 "$THREADS_ALL"; do
    out="$WORK/out-$size-$threads"
    rm -rf "$out"
    /usr/bin/time -f '%M' -o "$WORK/rss" $BIN run --input "$corpus" --output "$out" --quiet --threads "$threads"
    python3 - "$out/manifest.json" "$WORK/rss" "$size" "$threads" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
rss_kb = int(open(sys.argv[2]).read().split()[-1])
r = m["run"]; s = r["seconds"]
tail = s.get("dedup_documents", 0) + s.get("dedup_passages", 0) + s.get("write", 0)
print(f'{sys.argv[3]:<6} {sys.argv[4]:<7} {r["total_seconds"]:9.2f} {r["mb_per_s"]:9.1f} '
      f'{r["docs_per_s"]:10.0f} {rss_kb/1024:10.0f} {tail:12.2f}')
PY
  done
done
