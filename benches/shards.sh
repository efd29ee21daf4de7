#!/usr/bin/env bash
# A run split into shard jobs and a merge (`scour run --shard K/N`, `--merge`), against one run,
# on a `scour gen` corpus. This machine runs the shard jobs one after another, so what it
# measures is each job's own time; on a cluster with a node per shard they run side by side,
# and the projected wall time is the input plan plus the slowest shard plus the merge
# (scheduling and a shared file system not counted). Each output is checked byte for byte against the one run's. Every
# job starts after a `sync`, so none pays for the write-back of the one before (on a cluster
# they run on different nodes).
#
#   benches/shards.sh                        # 1G corpus, 4 and 8 shards, all threads
#   SIZE=256M SHARDS="2 4 8 16" THREADS=1 benches/shards.sh
#   FILES=1 benches/shards.sh                # the corpus in one file: the plan cuts it in parts
#
# Corpora go to $WORK (default /tmp/scour-e2e, shared with e2e.sh) and are reused.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE=${SIZE:-1G}
SHARDS=${SHARDS:-"4 8"}
THREADS=${THREADS:-$(nproc)}
WORK=${WORK:-/tmp/scour-e2e}
mkdir -p "$WORK"
cargo build --release --quiet
BIN=./target/release/scour
# 32 files by default: shards take whole files, or parts of a plain JSONL file larger than a
# shard's share (FILES=1).
FILES=${FILES:-32}
corpus="$WORK/gen-$SIZE-x$FILES"
if [ ! -d "$corpus" ]; then
  $BIN gen --bytes "$SIZE" --seed 7 --shards "$FILES" --output "$corpus" >/dev/null
fi
files=$(find "$corpus" -name '*.jsonl' -not -path '*/.truth/*' | wc -l)
echo "corpus $corpus: $files files, $(du -sm "$corpus" | cut -f1) MB; $THREADS threads a job"

one="$WORK/shards-one"
rm -rf "$one"
sync
/usr/bin/time -f '%e %M' -o "$WORK/time" $BIN run -q --input "$corpus" --output "$one" --threads "$THREADS"
read -r wall rss < "$WORK/time"
mb=$(python3 -c "import json; print(json.load(open('$one/manifest.json'))['counts']['input_bytes'] / 1e6)")
printf '%-10s wall %7.2f s  %7.1f MB/s  peak RSS %5.0f MB\n' "one run" "$wall" \
  "$(python3 -c "print($mb / $wall)")" "$(python3 -c "print($rss / 1024)")"

for n in $SHARDS; do
  out="$WORK/shards-$n"
  rm -rf "$out"
  : > "$WORK/shard-times"
  # The input list, made once as submit.sh makes it; its time counts in the projection.
  /usr/bin/time -f '%e' -o "$WORK/plan-time" $BIN run -q --input "$corpus" --output "$out" --plan "$n"
  for k in $(seq 0 $((n - 1))); do
    sync
    /usr/bin/time -f '%e %M' -o "$WORK/time" \
      $BIN run -q --input "$corpus" --output "$out" --threads "$THREADS" --shard "$k/$n"
    cat "$WORK/time" >> "$WORK/shard-times"
  done
  sync
  /usr/bin/time -f '%e %M' -o "$WORK/time" $BIN run -q --merge --output "$out" --threads "$THREADS"
  for f in corpus.jsonl dropped.jsonl duplicates.jsonl; do
    cmp -s "$one/$f" "$out/$f" || { echo "$n shards: $f differs from the one run's" >&2; exit 1; }
  done
  rm -rf "$WORK/shards-$n"/shards
  python3 - "$WORK/shard-times" "$WORK/time" "$n" "$wall" "$mb" "$out/manifest.json" "$WORK/plan-time" <<'PY'
import json, sys
shards = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
plan_s = float(open(sys.argv[7]).read().split()[-1])
merge_s, merge_rss = map(float, open(sys.argv[2]).read().split())
n, one, mb = int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
sec = json.load(open(sys.argv[6]))["run"]["seconds"]
slowest = max(s for s, _ in shards)
projected = plan_s + slowest + merge_s
print(f'{n:>2} shards   shard jobs {sum(s for s, _ in shards):7.2f} s in all, slowest {slowest:6.2f} s, '
      f'peak RSS {max(r for _, r in shards) / 1024:5.0f} MB; merge {merge_s:6.2f} s '
      f'(load {sec["merge_shards"]:.2f}, dedup {sec["dedup_documents"] + sec["dedup_passages"]:.2f}, '
      f'write {sec["write"]:.2f}), peak RSS {merge_rss / 1024:5.0f} MB')
print(f'{"":11}plan {plan_s:.2f} s; projected on {n} nodes: {projected:6.2f} s, {mb / projected:7.1f} MB/s, '
      f'{one / projected:.2f}x one run; outputs identical to the one run')
PY
done
