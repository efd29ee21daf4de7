#!/usr/bin/env python3
"""Scores scour's text cleaning on annotated pages (benches/probes/*/NN_name.ann).

Each line of a .ann file is one line of a scraped page's text, prefixed by its label:
  K|  content a clean corpus must keep      C|  cruft that must go      ?|  not scored
The pages are written out as txt scrapes (full visible text, `input.txt_pages`), cleaned by
`scour clean` with the repository's config, and each labelled line is judged removed when the
removal spans cover at least half of its non-space bytes. Prints per page and in all: K lines
lost, C lines left.

Usage: python3 benches/probe_score.py [--scour BIN] [-v] DIR [DIR ...]
  -v lists every lost and left line.
Only the Python standard library; the probes are evaluation data, not tests.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def load(path):
    labels, lines = [], []
    with open(path, encoding="utf-8") as f:
        raws = f.read().split("\n")
        for n, raw in enumerate(raws, 1):
            if raw == "" and n == len(raws):
                continue  # the file's last line end
            if len(raw) < 2 or raw[1] != "|" or raw[0] not in "KC?":
                sys.exit(f"{path}:{n}: no K|, C| or ?| label: {raw!r}")
            labels.append(raw[0])
            lines.append(raw[2:])
    return labels, lines


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scour", default=os.path.join(ROOT, "target", "release", "scour"))
    ap.add_argument("-v", action="store_true")
    ap.add_argument("dirs", nargs="+")
    args = ap.parse_args()
    pages = []
    for d in args.dirs:
        for name in sorted(os.listdir(d)):
            if name.endswith(".ann"):
                pages.append((os.path.join(d, name), *load(os.path.join(d, name))))
    with tempfile.TemporaryDirectory() as tmp:
        paths = {}
        for k, (path, _, lines) in enumerate(pages):
            txt = os.path.join(tmp, f"{k:03d}_{os.path.basename(path)[:-4]}.txt")
            with open(txt, "w", encoding="utf-8") as f:
                f.write("\n".join(lines) + "\n")
            paths[os.path.basename(txt)] = k
        out = subprocess.run(
            [args.scour, "clean", "-j", "1", "-c", os.path.join(ROOT, "config", "default.toml"), tmp],
            cwd=tmp, capture_output=True, check=True,
        ).stdout
    removed = {}
    for rec in out.decode("utf-8").splitlines():
        r = json.loads(rec)
        k = paths[os.path.basename(r["source"]["path"])]
        removed[k] = [(s["byte_start"], s["byte_end"], s["rule"]) for s in r["removed"]]
    totals = [0, 0, 0, 0]
    print(f"{'page':40} {'K':>4} {'lost':>5} {'C':>4} {'left':>5}")
    for k, (path, labels, lines) in enumerate(pages):
        spans = removed.get(k)
        if spans is None:
            # No record: the whole page was dropped (every line removed).
            spans = [(0, 1 << 62, "dropped")]
        at = 0
        counts = [0, 0, 0, 0]
        notes = []
        for label, line in zip(labels, lines):
            b = line.encode("utf-8")
            start, end = at, at + len(b)
            at = end + 1
            if label == "?" or not b.strip():
                continue
            # Each byte once, however many spans cover it; white space (as UTF-8: NBSP and
            # the ideographic space too) does not count.
            hit, rules = bytearray(len(b)), set()
            for s, e, rule in spans:
                lo, hi = max(s, start), min(e, end)
                if lo < hi:
                    hit[lo - start : hi - start] = b"\x01" * (hi - lo)
                    rules.add(rule)
            offsets = []
            at_byte = 0
            for c in line:
                n = len(c.encode("utf-8"))
                if not c.isspace():
                    offsets.append((at_byte, n))
                at_byte += n
            covered = sum(1 for o, n in offsets if any(hit[o : o + n]))
            gone = covered * 2 >= len(offsets)
            if label == "K":
                counts[0] += 1
                if gone:
                    counts[1] += 1
                    notes.append(f"  lost ({','.join(sorted(rules))}): {line}")
            else:
                counts[2] += 1
                if not gone:
                    counts[3] += 1
                    notes.append(f"  left: {line}")
        totals = [a + b for a, b in zip(totals, counts)]
        print(f"{os.path.basename(path)[:40]:40} {counts[0]:4} {counts[1]:5} {counts[2]:4} {counts[3]:5}")
        if args.v:
            for n in notes:
                print(n[:200])
    print(f"{'all':40} {totals[0]:4} {totals[1]:5} {totals[2]:4} {totals[3]:5}")


if __name__ == "__main__":
    main()
