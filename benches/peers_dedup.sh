#!/usr/bin/env bash
# Near-duplicate removal side by side: scour, datatrove (full 4-stage MinHash dedup), rensa and
# datasketch on the same corpus, on this machine, in one session; then an exact-Jaccard check of
# every tool's removals (benches/peers_dedup.py check) and a table with MB/s, docs/s, peak RSS,
# removals, % verified and each peer's wall time over scour's.
#
# Usage: bash benches/peers_dedup.sh [NAME=PATH ...]
#   default corpora: debian=/work/bench/debian.jsonl (benches/debian_docs.sh makes it)
#                    g256=/tmp/g256 (made here with `scour gen --bytes 256M --seed 7`)
#   PATH is a JSONL file or a folder of JSONL files (field "text"); peers get the same records
#   concatenated into one JSONL {"id", "text"} in benches/data/dedup-NAME/.
# Env: TOOLS="scour rensa datasketch datatrove" (order of the runs; add scour-m0 for scour with
#   dedup.exact_margin = 0, i.e. MinHash estimates alone, no exact re-check), MAX_LOAD=1.5 (wait up to
#   WAIT_S=300 s before each timed run for the 1-minute load average to drop below it),
#   SKIP_BUILD=1 (use target/release/scour as it is).
# Creates benches/.venv (git-ignored) on first use; Python is never needed by the build or tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=benches/.venv/bin/python
TOOLS=${TOOLS:-scour rensa datasketch datatrove}
MAX_LOAD=${MAX_LOAD:-1.5}
WAIT_S=${WAIT_S:-300}
THREADS=$(nproc)

if [ ! -x "$PY" ]; then
    python3 -m venv benches/.venv
fi
# datatrove's MinHash needs spacy (its English word tokenizer), tokenizers (imported by its dedup
# package), regex (its text utilities, not among its declared dependencies), orjson (JsonlReader)
# and xxhash < 4 (xxhash 4 refuses the str datatrove 0.10.1 passes).
if ! "$PY" -c 'import datatrove, rensa, datasketch, spacy, tokenizers, regex, orjson, xxhash; assert int(xxhash.VERSION.split(".")[0]) < 4' 2>/dev/null; then
    benches/.venv/bin/pip install --quiet datatrove rensa datasketch spacy tokenizers regex orjson 'xxhash<4'
fi

if [ "${SKIP_BUILD:-}" != 1 ]; then
    if [ ! -x target/release/scour ] || [ -n "$(find src config Cargo.toml Cargo.lock -newer target/release/scour | head -1)" ]; then
        cargo build --release --quiet
    fi
fi
SCOUR=$ROOT/target/release/scour

wait_load() {
    local waited=0
    while awk -v m="$MAX_LOAD" '{exit !($1 >= m)}' /proc/loadavg && [ "$waited" -lt "$WAIT_S" ]; do
        sleep 10
        waited=$((waited + 10))
    done
    echo "load before $1: $(cut -d' ' -f1-3 /proc/loadavg) (waited ${waited}s)"
}

echo "# machine: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB"
echo "# $("$SCOUR" --version); $("$PY" -c 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ["datatrove", "rensa", "datasketch", "spacy", "xxhash", "numpy"]))'); $("$PY" --version)"

CORPORA=("$@")
if [ ${#CORPORA[@]} -eq 0 ]; then
    CORPORA=(debian=/work/bench/debian.jsonl g256=/tmp/g256)
fi

for spec in "${CORPORA[@]}"; do
    name=${spec%%=*}
    src=${spec#*=}
    if [ "$name" = g256 ] && [ ! -d "$src" ]; then
        "$SCOUR" gen --bytes 256M --seed 7 --output "$src"
    fi
    data=$ROOT/benches/data/dedup-$name
    work=$data/work
    [ -n "${KEEP_WORK:-}" ] || rm -rf "$work"
    mkdir -p "$work"
    [ -f "$data/meta.json" ] || "$PY" benches/peers_dedup.py export "$src" --out "$data"
    echo "## $name: $src"
    for tool in $TOOLS; do
        wait_load "$tool"
        case $tool in
        scour)
            /usr/bin/time -v -o "$work/time-scour.log" \
                "$SCOUR" run --input "$src" --output "$work/scour-out" --quiet --threads "$THREADS"
            "$PY" benches/peers_dedup.py scour --data "$data" --scour-out "$work/scour-out" --out "$work/result-scour.json" ;;
        scour-m0)
            mkdir -p "$work/cfg-m0"
            cp -r config/rules "$work/cfg-m0/"
            sed 's/^exact_margin *=.*/exact_margin = 0.0/' config/default.toml >"$work/cfg-m0/default.toml"
            /usr/bin/time -v -o "$work/time-scour-m0.log" \
                "$SCOUR" run --config "$work/cfg-m0/default.toml" --input "$src" --output "$work/scour-m0-out" --quiet --threads "$THREADS"
            "$PY" benches/peers_dedup.py scour --tool scour-m0 --data "$data" --scour-out "$work/scour-m0-out" --out "$work/result-scour-m0.json" ;;
        datatrove)
            /usr/bin/time -v -o "$work/time-datatrove.log" \
                "$PY" benches/peers_dedup.py datatrove --data "$data" --out "$work/result-datatrove.json" \
                --work "$work/datatrove" --tasks "$THREADS" >"$work/datatrove.log" 2>&1 ;;
        *)
            /usr/bin/time -v -o "$work/time-$tool.log" \
                "$PY" benches/peers_dedup.py "$tool" --data "$data" --out "$work/result-$tool.json" ;;
        esac
        grep -E 'Elapsed|Maximum resident' "$work/time-$tool.log" | sed "s/^/  $tool: /"
    done
    results=()
    for tool in $TOOLS; do results+=("$work/result-$tool.json"); done
    "$PY" benches/peers_dedup.py check --data "$data" --out "$work/check.json" "${results[@]}"
    "$PY" benches/peers_dedup.py table --data "$data" --work "$work" --check "$work/check.json" $TOOLS | tee "$work/table.md"
done
