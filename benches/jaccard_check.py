#!/usr/bin/env python3
"""Brute-force cross-check of peers_dedup.py's exact-Jaccard check, and a look at scour's
removals that it could not verify.

  jaccard_check.py brute --data DIR RESULT.json...
      for each removed doc, exact Jaccard against EVERY kept doc (length-filtered, Python sets);
      prints removed / verified per tool. Quadratic: for small samples only (a few thousand docs).
  jaccard_check.py scour --data DIR --scour-out OUT [--limit N]
      for each scour `duplicate` removal, the exact Jaccard (same shingles as peers_dedup.py) to
      the document scour names in duplicate_of, on the input text and on scour's cleaned text,
      and scour's own similarity estimate; prints a histogram and the worst examples.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers_dedup import THRESHOLD, iter_docs, shingles  # noqa: E402


def jac(a, b):
    if not a and not b:
        return 1.0
    i = len(a & b)
    return i / (len(a) + len(b) - i)


def cmd_brute(a):
    sets = [shingles(t) for _, t in iter_docs(a.data)]
    for path in a.results:
        r = json.load(open(path))
        removed = r["removed"]
        if "kept" in r:
            kept = r["kept"]
        else:
            rs = set(removed)
            kept = [i for i in range(len(sets)) if i not in rs]
        ver = 0
        for d in removed:
            A = sets[d]
            if not A:
                continue
            la = len(A)
            for k in kept:
                lb = len(sets[k])
                if lb < THRESHOLD * la - 1e-9 or lb > la / THRESHOLD + 1e-9:
                    continue
                if jac(A, sets[k]) >= THRESHOLD - 1e-12:
                    ver += 1
                    break
        print(f"{r['tool']}: removed {len(removed)}, verified (brute force) {ver}")


def cmd_scour(a):
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    by_name = {f["name"]: f["start"] for f in meta["files"]}
    texts = {i: t for i, t in iter_docs(a.data)}
    clean, gid = {}, {}
    with open(os.path.join(a.scour_out, "corpus.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            g = by_name[os.path.basename(d["source"]["path"])] + d["source"]["record"]
            gid[d["id"]] = g
            clean[g] = d["text"]
    rows, dropped = [], []
    with open(os.path.join(a.scour_out, "dropped.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            g = by_name[os.path.basename(d["source"]["path"])] + d["source"]["record"]
            gid[d["id"]] = g
            dropped.append((d, g))
    kept = set(clean)
    reasons = {}
    for d, g in dropped:
        if d["reason"] != "duplicate":
            reasons[d["reason"]] = reasons.get(d["reason"], 0) + 1
            continue
        k = gid[d["duplicate_of"]["id"]]
        rows.append((jac(shingles(texts[g]), shingles(texts[k])), d["duplicate_of"].get("similarity"), d["duplicate_of"].get("exact"), g, k, k in kept))
    print(f"other drops: {reasons}; duplicate removals whose named keeper is not in corpus.jsonl: {sum(not r[5] for r in rows)}")
    rows.sort()
    bins = [0.0, 0.2, 0.4, 0.6, 0.7, 0.75, 0.8, 1.01]
    print(f"{len(rows)} scour duplicate removals; exact Jaccard (input text) to the named keeper:")
    for lo, hi in zip(bins, bins[1:]):
        print(f"  [{lo:.2f}, {min(hi, 1):.2f}{']' if hi > 1 else ')'}: {sum(lo <= r[0] < hi for r in rows)}")
    print("worst examples (input-text Jaccard, scour similarity, exact flag, removed, keeper):")
    for j, s, e, g, k, kk in rows[: a.limit]:
        print(f"  {j:.3f} {s} {e} doc {g} -> {k}{'' if kk else ' (keeper itself dropped)'}")
        print("     removed:", texts[g][:160].replace("\n", " | "))
        print("     keeper :", texts[k][:160].replace("\n", " | "))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("brute")
    b.add_argument("--data", required=True)
    b.add_argument("results", nargs="+")
    s = sub.add_parser("scour")
    s.add_argument("--data", required=True)
    s.add_argument("--scour-out", required=True)
    s.add_argument("--limit", type=int, default=10)
    a = ap.parse_args()
    {"brute": cmd_brute, "scour": cmd_scour}[a.cmd](a)


if __name__ == "__main__":
    main()
