#!/usr/bin/env bash
# Rebuilds the Debian documentation corpus from scratch: the HTML (and text) documentation of
# Debian's rust-doc, python3.11-doc and linux-doc-6.1 packages, extracted by scour.
#   OUT/root/          the unpacked packages (dpkg-deb -x)
#   OUT/debian.jsonl   {"id": source.path, "text": text} per document with a non-empty text, from
#                      `scour clean root` (run inside OUT, so ids start with "root/")
#   OUT/out-html/      `scour run` over the raw pages (the real-data run), with its manifest
#   OUT/time-*.log     /usr/bin/time -v of both runs
# debian.jsonl is the input of benches/peers_dedup.sh (debian=OUT/debian.jsonl).
# Usage: bash benches/debian_docs.sh [OUT]   (default benches/data/debian, git-ignored)
# Needs apt-get (Debian's package archive) and dpkg-deb; uses the system python3 only for the
# few lines of JSON reshaping.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${1:-$ROOT/benches/data/debian}
THREADS=${THREADS:-$(nproc)}
SCOUR=$ROOT/target/release/scour
[ -x "$SCOUR" ] || cargo build --release --quiet

mkdir -p "$OUT"
cd "$OUT"
PKGS="rust-doc python3.11-doc linux-doc-6.1"
for p in $PKGS; do
    if ! ls "${p}"_*_all.deb >/dev/null 2>&1; then
        apt-get download "$p" || { apt-get update -qq && apt-get download "$p"; }
    fi
done
rm -rf root
mkdir root
for p in $PKGS; do
    dpkg-deb -x "$(ls "${p}"_*_all.deb | tail -1)" root
done
echo "packages: $(ls ./*.deb | xargs -n1 basename | tr '\n' ' ')"
echo "unpacked: $(find root -type f | wc -l) files, $(du -sh root | cut -f1)"

/usr/bin/time -v -o time-clean.log "$SCOUR" clean --threads "$THREADS" root | python3 -c '
import json, sys
n = skipped = 0
out = sys.stdout
for line in sys.stdin:
    d = json.loads(line)
    text = d.get("text") or ""
    if not text.strip():
        skipped += 1
        continue
    out.write(json.dumps({"id": d["source"]["path"], "text": text}, ensure_ascii=False) + "\n")
    n += 1
print(f"debian.jsonl: {n} documents ({skipped} empty texts skipped)", file=sys.stderr)
' > debian.jsonl
echo "debian.jsonl: $(du -b debian.jsonl | cut -f1) bytes"

rm -rf out-html
/usr/bin/time -v -o time-html.log "$SCOUR" run --input root --output out-html --quiet --threads "$THREADS"
python3 - <<'EOF'
import json
m = json.load(open("out-html/manifest.json"))
c, r = m["counts"], m["run"]
print(f"scour run on the raw pages: {c['records_in']} records, {c['input_bytes'] / 1e6:.1f} MB in, kept {c['kept']}, "
      f"dropped {c['dropped_by_reason']}, {r['total_seconds']:.1f} s, {r['mb_per_s']:.2f} MB/s, "
      f"{r['docs_per_s']:.0f} docs/s, peak RSS {r['peak_rss_bytes'] / 1e6:.0f} MB, threads {r['threads']}")
EOF
