#!/usr/bin/env python3
"""Peer extractors on the article extraction benchmark (AEB): trafilatura and resiliparse.

Runs each extractor in-process over the same AEB pages scour's `scour eval extract --bench aeb`
reads, times extraction only (decompression, decoding and scoring are outside the timer, and
so is interpreter start-up), and scores with the benchmark's own metric (4-token shingles,
tokens = regex \\w+ with case kept, mean precision and recall, F1 of the means), the same
metric src/eval/extract.rs implements. Prints MB of HTML per second on one core and P/R/F1.

Usage: benches/.venv/bin/python benches/extract_peers.py [--data ../shared/data/aeb] [--limit N]
"""
import argparse
import gzip
import json
import os
import re
import sys
import time
from collections import Counter

TOKEN = re.compile(r"\w+")


def shingles(text, n=4):
    toks = TOKEN.findall(text or "")
    out = Counter()
    for i in range(max(1, len(toks) - n + 1)):
        s = " ".join(toks[i : i + n])
        if s:
            out[s] += 1
    return out


def page_score(pred, truth):
    p, t = shingles(pred), shingles(truth)
    tp = sum((p & t).values())
    fp = sum((p - t).values())
    fn = sum((t - p).values())
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    prec = 0.0 if tp + fp == 0 else tp / (tp + fp)
    rec = 0.0 if tp + fn == 0 else tp / (tp + fn)
    return prec, rec


def load(data, limit):
    with open(os.path.join(data, "ground-truth.json"), encoding="utf-8") as f:
        truth = json.load(f)
    pages = []
    for pid in sorted(truth)[:limit]:
        with gzip.open(os.path.join(data, "html", pid + ".html.gz"), "rb") as f:
            raw = f.read()
        pages.append((pid, raw.decode("utf-8", errors="replace"), truth[pid].get("articleBody") or ""))
    return pages


def run(name, fn, pages, mb):
    texts = []
    start = time.perf_counter()
    for _, html, _ in pages:
        texts.append(fn(html) or "")
    secs = time.perf_counter() - start
    scores = [page_score(t, truth) for t, (_, _, truth) in zip(texts, pages)]
    p = sum(s[0] for s in scores) / len(scores)
    r = sum(s[1] for s in scores) / len(scores)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"{name:<26} P {p:.3f}  R {r:.3f}  F1 {f1:.3f}   {len(pages) / secs:7.1f} pages/s  {mb / secs:6.1f} MB/s")
    return {"name": name, "precision": p, "recall": r, "f1": f1, "seconds": secs, "mb_per_s": mb / secs}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="../shared/data/aeb")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", default=None, help="write the results as JSON to this file")
    args = ap.parse_args()
    pages = load(args.data, args.limit)
    mb = sum(len(h.encode("utf-8")) for _, h, _ in pages) / 1e6
    print(f"{len(pages)} pages, {mb:.1f} MB of HTML ({args.data}), one core")
    results = []

    import trafilatura

    results.append(run(f"trafilatura {trafilatura.__version__}",
                       lambda h: trafilatura.extract(h, include_comments=False), pages, mb))
    results.append(run("trafilatura (fast)",
                       lambda h: trafilatura.extract(h, include_comments=False, fast=True), pages, mb))

    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree
    import resiliparse

    version = getattr(resiliparse, "__version__", "")
    results.append(run(f"resiliparse {version} main_content",
                       lambda h: extract_plain_text(HTMLTree.parse(h), main_content=True), pages, mb))
    results.append(run("resiliparse full text",
                       lambda h: extract_plain_text(HTMLTree.parse(h), main_content=False), pages, mb))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
