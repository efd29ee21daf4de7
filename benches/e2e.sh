#!/usr/bin/env bash
# End-to-end throughput: build corpora with `scour gen` and run the whole pipeline on each with
# 1 thread and with all threads, reporting wall time, MB/s, docs/s and peak RSS, then the
# speedup of all threads over one.
#
#   benches/e2e.sh                 # 256M 1G 4G (the 4G run's output folder peaks near 15 GB)
#   SIZES="64M 256M" benches/e2e.sh
#   REPEAT=3 SIZES=1G benches/e2e.sh   # 1 and all threads alternately, 3 times each
#
# On a shared machine one pair of runs can be 10-15% apart from the next; with REPEAT the
# speedup is given from the median of each thread count's runs, which alternate so that a
# passing load touches both.
#
# Corpora go to $WORK (default /tmp/scour-e2e) and are reused when present.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"256M 1G 4G"}
REPEAT=${REPEAT:-1}
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
  times="$WORK/times-$size"
  : > "$times"
  for _ in $(seq "$REPEAT"); do
    for threads in 1 "$THREADS_ALL"; do
      out="$WORK/out-$size-$threads"
      rm -rf "$out"
      /usr/bin/time -f '%M' -o "$WORK/rss" $BIN run --input "$corpus" --output "$out" --quiet --threads "$threads"
      python3 - "$out/manifest.json" "$WORK/rss" "$size" "$threads" "$times" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
rss_kb = int(open(sys.argv[2]).read().split()[-1])
r = m["run"]; s = r["seconds"]
tail = s.get("dedup_documents", 0) + s.get("dedup_passages", 0) + s.get("write", 0)
print(f'{sys.argv[3]:<6} {sys.argv[4]:<7} {r["total_seconds"]:9.2f} {r["mb_per_s"]:9.1f} '
      f'{r["docs_per_s"]:10.0f} {rss_kb/1024:10.0f} {tail:12.2f}')
with open(sys.argv[5], "a") as f:
    f.write(f'{sys.argv[4]} {r["total_seconds"]}\n')
PY
    done
  done
  python3 - "$times" "$size" "$THREADS_ALL" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    t, s = line.split()
    runs.setdefault(t, []).append(float(s))
one, many = statistics.median(runs["1"]), statistics.median(runs[sys.argv[3]])
print(f'{sys.argv[2]:<6} speedup {sys.argv[3]} threads over 1: {one / many:.2f}x '
      f'(median of {len(runs["1"])} runs each: {one:.2f} s / {many:.2f} s)')
PY
done
