#!/usr/bin/env python3
"""Near-duplicate removal side by side: datatrove, rensa and datasketch on the corpus scour was
run on, plus an exact-Jaccard check of every tool's removals.

Driven by benches/peers_dedup.sh; runs only in benches/.venv (never needed by the Rust build or
tests). Subcommands:

  export  SRC... --out DIR       one JSONL with {"id": "<global index>", "text"} (DIR/all.jsonl),
                                 the same lines split in two halves (DIR/parts/, for datatrove's
                                 one-task-per-core reader) and DIR/meta.json (source files, bytes,
                                 where each file's records start in the global numbering)
  rensa | datasketch | datatrove --data DIR --out RESULT.json
                                 run one peer, timed in-process; RESULT.json lists the removed
                                 global indices
  scour   --data DIR --scour-out OUT --out RESULT.json
                                 turn a `scour run` output folder into the same form
  check   --data DIR RESULT.json...
                                 exact Jaccard check and the summary table

Shingles for rensa, datasketch and the exact check (one definition for all): the text is
lowercased, split into \\w+ tokens (Python's Unicode-aware regex; each Han or kana character is a
token of its own, see `words`), and every run of 5 consecutive
tokens joined by one space is a shingle; a text with fewer than 5 tokens has its whole token
sequence as its one shingle. datatrove uses its own default (its English word tokenizer over its
simplified text, 5-grams), as a user of datatrove would.
"""
import argparse
import json
import math
import os
import re
import sys
import time

THRESHOLD = 0.8
NGRAM = 5
NUM_PERM = 128
RENSA_BANDS = 16  # 16 bands x 8 rows: P(candidate | J=0.8) = 0.95
# Words: runs of `\w`, except that each Han or kana character is a word of its own. Chinese and
# Japanese are written without spaces, so `\w+` takes a whole paragraph (or the piece of it
# between a source's line wraps) for one word, and a near copy that wraps or edits it
# differently shares no shingle with it. scour splits them so too (`chars::is_unspaced`), and
# every tool here is fed and checked with these shingles.
UNSPACED = (
    "\u3005-\u3007\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff"
)
WORD = re.compile(f"[^\\W{UNSPACED}]+|[{UNSPACED}]")
PLAIN_WORD = re.compile(r"\w+")
HAS_UNSPACED = re.compile(f"[{UNSPACED}]")


def words(text):
    """The words of `text`; the plain `\\w+` scan (faster) when it has no Han or kana."""
    if text.isascii() or not HAS_UNSPACED.search(text):
        return PLAIN_WORD.findall(text)
    return WORD.findall(text)


MASK_DIGITS = os.environ.get("PEERS_MASK_DIGITS") == "1"  # diagnostic: digits -> 0 before shingling
DIGIT = re.compile(r"\d")


def shingles(text):
    if MASK_DIGITS:
        text = DIGIT.sub("0", text)
    toks = words(text.lower())
    if len(toks) < NGRAM:
        return {" ".join(toks)} if toks else set()
    return {" ".join(toks[i : i + NGRAM]) for i in range(len(toks) - NGRAM + 1)}


def iter_docs(data):
    """(global index, text) for each line of DIR/all.jsonl."""
    with open(os.path.join(data, "all.jsonl"), "rb") as f:
        for line in f:
            d = json.loads(line)
            yield int(d["id"]), d["text"]


def write_result(path, tool, data, removed, seconds, extra=None):
    meta = json.load(open(os.path.join(data, "meta.json")))
    res = {
        "tool": tool,
        "docs": meta["docs"],
        "source_bytes": meta["source_bytes"],
        "seconds_in_process": seconds,
        "removed": sorted(removed),
    }
    res.update(extra or {})
    with open(path, "w") as f:
        json.dump(res, f)
    print(f"{tool}: {len(removed)} removed of {meta['docs']} in {seconds:.1f} s (in-process)", file=sys.stderr)


# ---------------------------------------------------------------- export


def list_inputs(srcs):
    files = []
    for s in srcs:
        if os.path.isdir(s):
            for root, dirs, names in os.walk(s):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                files += [os.path.join(root, n) for n in sorted(names) if not n.startswith(".") and n.endswith((".jsonl", ".ndjson"))]
        else:
            files.append(s)
    return files


def cmd_export(a):
    os.makedirs(os.path.join(a.out, "parts"), exist_ok=True)
    files = list_inputs(a.src)
    meta = {"files": [], "source_bytes": 0}
    n = 0
    with open(os.path.join(a.out, "all.jsonl"), "w") as out:
        for p in files:
            start = n
            with open(p, "rb") as f:
                for line in f:
                    if not line.strip():
                        continue  # scour numbers records among non-blank lines
                    d = json.loads(line)
                    out.write(json.dumps({"id": str(n), "text": d.get(a.text_field) or ""}, ensure_ascii=False) + "\n")
                    n += 1
            meta["files"].append({"path": os.path.realpath(p), "name": os.path.basename(p), "start": start, "records": n - start})
            meta["source_bytes"] += os.path.getsize(p)
    meta["docs"] = n
    half = (n + 1) // 2
    with open(os.path.join(a.out, "all.jsonl"), "rb") as f, open(os.path.join(a.out, "parts", "part-0.jsonl"), "wb") as p0, open(
        os.path.join(a.out, "parts", "part-1.jsonl"), "wb"
    ) as p1:
        for i, line in enumerate(f):
            (p0 if i < half else p1).write(line)
    json.dump(meta, open(os.path.join(a.out, "meta.json"), "w"), indent=1)
    print(f"exported {n} docs from {len(files)} file(s), {meta['source_bytes'] / 1e6:.1f} MB -> {a.out}", file=sys.stderr)


# ---------------------------------------------------------------- peers


def cmd_rensa(a):
    from rensa import RMinHash, RMinHashLSH

    t0 = time.perf_counter()
    lsh = RMinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM, num_bands=RENSA_BANDS)
    kept = {}
    removed = []
    for i, text in iter_docs(a.data):
        m = RMinHash(num_perm=NUM_PERM, seed=42)
        m.update(list(shingles(text)))
        # candidates from LSH, verified by estimated Jaccard (what rensa's deduplicator does)
        if any(m.jaccard(kept[c]) >= THRESHOLD for c in lsh.query(m)):
            removed.append(i)
        else:
            lsh.insert(i, m)
            kept[i] = m
    write_result(a.out, "rensa", a.data, removed, time.perf_counter() - t0,
                 {"settings": f"RMinHash(num_perm={NUM_PERM}, seed=42) + RMinHashLSH(threshold={THRESHOLD}, num_bands={RENSA_BANDS}); LSH candidates verified by estimated Jaccard"})


def cmd_datasketch(a):
    from datasketch import MinHash, MinHashLSH

    t0 = time.perf_counter()
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    removed = []
    for i, text in iter_docs(a.data):
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([s.encode("utf8") for s in shingles(text)])
        if lsh.query(m):  # the README's loop: any LSH candidate is a duplicate
            removed.append(i)
        else:
            lsh.insert(i, m, check_duplication=False)
    write_result(a.out, "datasketch", a.data, removed, time.perf_counter() - t0,
                 {"settings": f"MinHash(num_perm={NUM_PERM}) + MinHashLSH(threshold={THRESHOLD}) -> bands x rows = {lsh.b} x {lsh.r}; any LSH candidate = duplicate"})


def cmd_datatrove(a):
    from datatrove.executor.local import LocalPipelineExecutor
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
        MinhashDedupFilter,
        MinhashDedupSignature,
    )
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers.jsonl import JsonlWriter

    w = a.work
    cfg = MinhashConfig()  # datatrove's defaults: 5-grams, 14 buckets x 8 hashes = 112, 64-bit xxhash
    parts = os.path.join(a.data, "parts")
    tasks = a.tasks

    def reader():
        return JsonlReader(parts, glob_pattern="*.jsonl", text_key="text", id_key="id")

    stages = [
        ("signatures", LocalPipelineExecutor(
            [reader(), MinhashDedupSignature(output_folder=f"{w}/signatures", config=cfg)],
            tasks=tasks, workers=tasks, logging_dir=f"{w}/logs/signatures")),
        ("buckets", LocalPipelineExecutor(
            [MinhashDedupBuckets(input_folder=f"{w}/signatures", output_folder=f"{w}/buckets", config=cfg)],
            tasks=cfg.num_buckets, workers=tasks, logging_dir=f"{w}/logs/buckets")),
        ("cluster", LocalPipelineExecutor(
            [MinhashDedupCluster(input_folder=f"{w}/buckets", output_folder=f"{w}/remove_ids", config=cfg, save_cluster_size=True)],
            tasks=1, logging_dir=f"{w}/logs/cluster")),
        ("filter", LocalPipelineExecutor(
            [reader(),
             MinhashDedupFilter(input_folder=f"{w}/remove_ids", exclusion_writer=JsonlWriter(f"{w}/removed", compression=None), load_cluster_sizes=True),
             JsonlWriter(f"{w}/deduplicated", compression=None)],
            tasks=tasks, workers=tasks, logging_dir=f"{w}/logs/filter")),
    ]
    t0 = time.perf_counter()
    stage_s = {}
    for name, ex in stages:
        ts = time.perf_counter()
        ex.run()
        stage_s[name] = round(time.perf_counter() - ts, 2)
    seconds = time.perf_counter() - t0
    removed = []
    sizes = []
    for n in sorted(os.listdir(f"{w}/removed")):
        with open(os.path.join(w, "removed", n)) as f:
            for line in f:
                d = json.loads(line)
                removed.append(int(d["id"]))
                sizes.append((d.get("metadata") or {}).get("minhash_cluster_size", 0))
    clusters = {}
    write_result(a.out, "datatrove", a.data, removed, seconds,
                 {"settings": f"MinhashConfig() = {cfg}; {tasks} tasks/workers for signatures and filter, {cfg.num_buckets} tasks on {tasks} workers for buckets, 1 for cluster",
                  "stage_seconds": stage_s, "max_cluster_size": max(sizes) if sizes else 0})


# ---------------------------------------------------------------- scour


def cmd_scour(a):
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    by_name = {f["name"]: f["start"] for f in meta["files"]}
    by_path = {f["path"]: f["start"] for f in meta["files"]}

    def gidx(src):
        p = src["path"]
        start = by_path.get(os.path.realpath(p))
        if start is None:
            start = by_name[os.path.basename(p)]
        return start + src["record"]

    kept, removed, apd, other = [], [], [], {}
    with open(os.path.join(a.scour_out, "corpus.jsonl"), "rb") as f:
        for line in f:
            kept.append(gidx(json.loads(line)["source"]))
    with open(os.path.join(a.scour_out, "dropped.jsonl"), "rb") as f:
        for line in f:
            d = json.loads(line)
            r = d["reason"]
            if r == "duplicate":
                removed.append(gidx(d["source"]))
            elif r == "all_passages_duplicate":
                apd.append(gidx(d["source"]))
            else:
                other[r] = other.get(r, 0) + 1
    m = json.load(open(os.path.join(a.scour_out, "manifest.json")))
    run = m.get("run", {})
    write_result(a.out, a.tool, a.data, removed, run.get("total_seconds"),
                 {"kept": sorted(kept), "all_passages_duplicate": sorted(apd), "other_drops": other,
                  "manifest_run": run, "settings": "config/default.toml: MinHash 128, LSH 20 bands x 6 rows, threshold 0.8, word 5-grams on scour's fingerprint text"})


# ---------------------------------------------------------------- exact check


class Exact:
    """Exact shingle sets of every document plus an inverted index over kept documents, with a
    prefix filter (a removed doc A can reach J >= t with B only if B holds one of A's
    |A| - ceil(t|A|) + 1 rarest shingles) so the check runs in minutes."""

    def __init__(self, data):
        import numpy as np

        self.np = np
        t0 = time.perf_counter()
        sets = []
        for _, text in iter_docs(data):
            sets.append(np.fromiter((hash(s) for s in shingles(text)), dtype=np.int64))
        self.sizes = np.array([len(s) for s in sets], dtype=np.int64)
        self.offs = np.concatenate([[0], np.cumsum(self.sizes)])
        allh = np.concatenate(sets) if sets else np.zeros(0, np.int64)
        del sets
        uniq, inv, df = np.unique(allh, return_inverse=True, return_counts=True)
        self.uid = inv.astype(np.int64)  # unique shingle id per element
        self.df = df
        self.n = len(self.sizes)
        self.doc_of = np.repeat(np.arange(self.n, dtype=np.int64), self.sizes)
        # each doc's elements sorted by unique id (for exact intersections)
        order = np.lexsort((self.uid, self.doc_of))
        self.uid = self.uid[order]
        print(f"exact check: {self.n} docs, {len(allh)} shingles ({len(uniq)} distinct) in {time.perf_counter() - t0:.0f} s", file=sys.stderr)

    def doc(self, d):
        return self.uid[self.offs[d] : self.offs[d + 1]]

    def check(self, kept_mask, removed, cap=300):
        np = self.np
        # inverted index: unique shingle id -> kept docs (CSR)
        elem_kept = kept_mask[self.doc_of]
        ku = self.uid[elem_kept]
        kd = self.doc_of[elem_kept]
        o = np.argsort(ku, kind="stable")
        post = kd[o]
        counts = np.bincount(ku, minlength=len(self.df))
        starts = np.concatenate([[0], np.cumsum(counts)])[:-1]
        verified = np.zeros(len(removed), dtype=bool)
        capped = 0
        for k, d in enumerate(removed):
            a_ids = self.doc(d)
            a = len(a_ids)
            if a == 0:
                continue
            need = math.ceil(THRESHOLD * a - 1e-9)
            p = a - need + 1
            pre = a_ids[np.argsort(self.df[a_ids], kind="stable")[:p]]
            l = counts[pre]
            tot = int(l.sum())
            if tot == 0:
                continue
            s = starts[pre]
            idx = np.repeat(s - (np.cumsum(l) - l), l) + np.arange(tot)
            cand, hits = np.unique(post[idx], return_counts=True)
            b = self.sizes[cand]
            ok = (b >= math.ceil(THRESHOLD * a - 1e-9)) & (b <= math.floor(a / THRESHOLD + 1e-9))
            cand, hits = cand[ok], hits[ok]
            for c in cand[np.argsort(-hits, kind="stable")][:cap]:
                inter = np.intersect1d(a_ids, self.doc(c), assume_unique=True).size
                if inter >= THRESHOLD * (a + self.sizes[c] - inter) - 1e-9:
                    verified[k] = True
                    break
            else:
                if len(cand) > cap:
                    capped += 1
        return verified, capped


def cmd_check(a):
    import numpy as np

    ex = Exact(a.data)
    rows = []
    for path in a.results:
        r = json.load(open(path))
        removed = np.array(r["removed"], dtype=np.int64)
        if "kept" in r:
            kept_mask = np.zeros(ex.n, dtype=bool)
            kept_mask[np.array(r["kept"], dtype=np.int64)] = True
        else:
            kept_mask = np.ones(ex.n, dtype=bool)
            kept_mask[removed] = False
        t0 = time.perf_counter()
        ver, capped = ex.check(kept_mask, removed)
        row = {"tool": r["tool"], "removed": int(len(removed)), "verified": int(ver.sum()), "capped": capped}
        row["pct"] = 100.0 * row["verified"] / row["removed"] if row["removed"] else 100.0
        if r.get("all_passages_duplicate"):
            apd = np.array(r["all_passages_duplicate"], dtype=np.int64)
            v2, _ = ex.check(kept_mask, apd)
            row["apd_removed"], row["apd_verified"] = int(len(apd)), int(v2.sum())
        if "max_cluster_size" in r:
            row["max_cluster_size"] = r["max_cluster_size"]
        print(f"checked {r['tool']} in {time.perf_counter() - t0:.0f} s: {row}", file=sys.stderr)
        rows.append(row)
    json.dump(rows, open(a.out, "w"), indent=1)


def cmd_truth(a):
    """For a `scour gen` corpus: how many of each tool's removals the generator made as a copy
    (exact or near) of an earlier document (.truth/docs.jsonl dup_of)."""
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    start = {f["name"]: f["start"] for f in meta["files"]}
    kind = {}
    with open(a.truth) as f:
        for line in f:
            d = json.loads(line)
            kind[start[os.path.basename(d["path"])] + d["record"]] = d["dup_kind"]
    total = {k: sum(v == k for v in kind.values()) for k in ("exact", "near")}
    print(f"generator truth: {total['exact']} exact and {total['near']} near copies of an earlier document")
    print("| tool | removed | true copies (exact / near) | not copies | share of all copies found |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for path in a.results:
        r = json.load(open(path))
        ks = [kind.get(i) for i in r["removed"]]
        ex, nr = ks.count("exact"), ks.count("near")
        print(f"| {r['tool']} | {len(ks)} | {ex + nr} ({ex} / {nr}) | {len(ks) - ex - nr} | {100 * (ex + nr) / (total['exact'] + total['near']):.1f}% |")


def parse_time(path):
    wall = rss = None
    for line in open(path):
        line = line.strip()
        if line.startswith("Elapsed (wall clock)"):
            t = line.rsplit(" ", 1)[1].split(":")
            wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(t)))
        elif line.startswith("Maximum resident set size"):
            rss = int(line.rsplit(" ", 1)[1]) * 1024
    return wall, rss


def cmd_table(a):
    meta = json.load(open(os.path.join(a.data, "meta.json")))
    checks = {r["tool"]: r for r in json.load(open(a.check))}
    rows = {}
    for tool in a.tools:
        wall, rss = parse_time(os.path.join(a.work, f"time-{tool}.log"))
        rows[tool] = (wall, rss)
    ref = "scour" if "scour" in rows else a.tools[0]
    sw = rows[ref][0]
    mb = meta["source_bytes"] / 1e6
    print(f"| tool | wall s | MB/s | docs/s | peak RSS MB | removed | removals verified (exact J >= 0.8) | % verified | scour MB/s ÷ peer MB/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool in a.tools:
        wall, rss = rows[tool]
        c = checks[tool]
        ratio = "1" if tool == ref else f"{wall / sw:.2f}"
        print(f"| {tool} | {wall:.1f} | {mb / wall:.2f} | {meta['docs'] / wall:.0f} | {rss / 1e6:.0f} | {c['removed']} | {c['verified']} | {c['pct']:.1f}% | {ratio} |")
    for tool in a.tools:
        s = checks[tool]
        if "apd_removed" in s:
            print(f"\n{tool} all_passages_duplicate (not in the table): {s['apd_removed']} dropped, {s['apd_verified']} of them with a kept doc at exact J >= 0.8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("export")
    e.add_argument("src", nargs="+")
    e.add_argument("--out", required=True)
    e.add_argument("--text-field", default="text")
    for name in ("rensa", "datasketch", "datatrove"):
        p = sub.add_parser(name)
        p.add_argument("--data", required=True)
        p.add_argument("--out", required=True)
        if name == "datatrove":
            p.add_argument("--work", required=True)
            p.add_argument("--tasks", type=int, default=os.cpu_count())
    s = sub.add_parser("scour")
    s.add_argument("--data", required=True)
    s.add_argument("--scour-out", required=True)
    s.add_argument("--tool", default="scour", help="label (e.g. scour-m0 for another config)")
    s.add_argument("--out", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("results", nargs="+")
    t = sub.add_parser("table")
    t.add_argument("--data", required=True)
    t.add_argument("--work", required=True)
    t.add_argument("--check", required=True)
    t.add_argument("tools", nargs="+")
    u = sub.add_parser("truth")
    u.add_argument("--data", required=True)
    u.add_argument("--truth", required=True, help=".truth/docs.jsonl of a `scour gen` corpus")
    u.add_argument("results", nargs="+")
    a = ap.parse_args()
    {"truth": cmd_truth, "table": cmd_table, "export": cmd_export, "rensa": cmd_rensa, "datasketch": cmd_datasketch, "datatrove": cmd_datatrove,
     "scour": cmd_scour, "check": cmd_check}[a.cmd](a)


if __name__ == "__main__":
    main()
