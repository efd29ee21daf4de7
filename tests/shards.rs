//! A run split into shard jobs and a merge (`--shard K/N`, `--merge`), through the binary: the
//! merged outputs are those of one run, byte for byte, and the merge refuses shards that are
//! missing, made differently, or damaged.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A generated corpus in several files, plus a file with a bad line and one scour skips.
fn inputs(dir: &Path) -> PathBuf {
    let input = dir.join("in");
    let g = input.join("gen");
    ok(&[
        "gen",
        "--bytes",
        "2M",
        "--seed",
        "9",
        "--shards",
        "5",
        "--output",
        g.to_str().unwrap(),
    ]);
    let mut bad =
        b"{\"text\": \"one good line of text that is long enough to keep here\"}\n".to_vec();
    bad.extend_from_slice(b"{\"text\": \"broken \xff\xfe\"}\n{not json}\n");
    std::fs::write(input.join("bad.jsonl"), bad).unwrap();
    std::fs::write(input.join("notes.pdf"), b"%PDF").unwrap();
    input
}

fn args<'a>(input: &'a Path, out: &'a Path, extra: &[&'a str]) -> Vec<&'a str> {
    let mut v = vec![
        "run",
        "--quiet",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    v.extend_from_slice(extra);
    v
}

fn sharded(input: &Path, out: &Path, n: usize, shard_extra: &[&str], merge_extra: &[&str]) {
    // Jobs of an array finish in any order.
    for k in (0..n).rev() {
        let shard = format!("{k}/{n}");
        let mut a = args(input, out, &["--shard", &shard]);
        a.extend_from_slice(shard_extra);
        ok(&a);
    }
    let mut a = args(input, out, &["--merge"]);
    a.extend_from_slice(merge_extra);
    ok(&a);
}

/// The manifest without what may differ between runs of the same work.
fn settled(mut m: Value) -> Value {
    let o = m.as_object_mut().unwrap();
    for key in ["run", "config_hash"] {
        o.remove(key);
    }
    o["config"]["dedup"]
        .as_object_mut()
        .unwrap()
        .remove("memory");
    for level in ["documents", "passages"] {
        if let Some(s) = o["dedup"][level].as_object_mut() {
            s.remove("band_runs");
        }
    }
    for key in ["memory_budget", "spilled_bytes"] {
        o["dedup"].as_object_mut().unwrap().remove(key);
    }
    m
}

#[test]
fn a_sharded_run_writes_what_one_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let one = dir.path().join("one");
    ok(&args(&input, &one, &[]));
    let m1 = json(&one.join("manifest.json"));
    assert!(
        m1["counts"]["failed"].as_u64().unwrap() >= 2,
        "{}",
        m1["counts"]
    );
    assert!(
        m1["dedup"]["documents"]["near_duplicates"]
            .as_u64()
            .unwrap()
            > 0
    );
    // 3 shards; 9 shards, more than the 7 files, so some are empty; spilling in the shards and
    // in the merge, on one thread.
    let cases: [(usize, &[&str], &[&str]); 3] = [
        (3, &[], &[]),
        (9, &[], &[]),
        (
            4,
            &["--memory", "4K"],
            &["--memory", "8K", "--threads", "1"],
        ),
    ];
    for (n, shard_extra, merge_extra) in cases {
        let out = dir.path().join(format!("sharded-{n}"));
        sharded(&input, &out, n, shard_extra, merge_extra);
        for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
            let a = std::fs::read(one.join(f)).unwrap();
            assert!(
                a == std::fs::read(out.join(f)).unwrap(),
                "{n} shards: {f} differs"
            );
        }
        let m = json(&out.join("manifest.json"));
        assert_eq!(settled(m.clone()), settled(m1.clone()), "{n} shards");
        // The merge leaves the shards as they were: it can be run again.
        if n == 3 {
            std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
            ok(&args(&input, &out, &["--merge"]));
            let a = std::fs::read(one.join("corpus.jsonl")).unwrap();
            assert!(a == std::fs::read(out.join("corpus.jsonl")).unwrap());
        }
        // Each shard job is on record, with the bytes it read.
        let shards = m["run"]["shards"].as_array().unwrap();
        assert_eq!(shards.len(), n);
        let read: u64 = shards
            .iter()
            .map(|s| s["input_bytes"].as_u64().unwrap())
            .sum();
        assert_eq!(read, m1["counts"]["input_bytes"].as_u64().unwrap());
        assert!(shards.iter().filter(|s| s["documents"] == 0).count() >= (n > 7) as usize);
        // No scratch file is left in the output folder.
        for e in std::fs::read_dir(&out).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with('.'), "left behind: {name}");
        }
    }
}

fn merge_error(input: &Path, out: &Path, extra: &[&str]) -> String {
    let mut a = args(input, out, &["--merge"]);
    a.extend_from_slice(extra);
    let o = scour(&a);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(!out.join("corpus.jsonl").exists());
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn the_merge_refuses_missing_mismatched_or_damaged_shards() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let out = dir.path().join("out");
    let shard = |k: usize, extra: &[&str]| {
        let s = format!("{k}/3");
        let mut a = args(&input, &out, &["--shard", &s]);
        a.extend_from_slice(extra);
        ok(&a);
    };
    let e = merge_error(&input, &out, &[]);
    assert!(e.contains("no shard folders"), "{e}");
    shard(0, &[]);
    shard(2, &[]);
    let e = merge_error(&input, &out, &[]);
    assert!(e.contains("1 of 3 shards are not finished: 1"), "{e}");
    // Read with other settings (no dedup: no signatures).
    shard(1, &["--mode", "off"]);
    let e = merge_error(&input, &out, &[]);
    assert!(
        e.contains("00001-of-00003") && e.contains("other input"),
        "{e}"
    );
    shard(1, &[]);
    ok(&args(&input, &out, &["--merge"]));
    let good = std::fs::read(out.join("corpus.jsonl")).unwrap();
    std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    // A flipped byte in each checksummed file, one at a time; in the staged records the
    // length stays right, and the damage is found as the corpus is written, before it is
    // committed.
    for (k, file) in [
        (2, "signatures.bin"),
        (1, "docs.bin"),
        (0, "passages.bin"),
        (1, "staged.jsonl"),
    ] {
        let path = out.join(format!("shards/0000{k}-of-00003/{file}"));
        let mut b = std::fs::read(&path).unwrap();
        let mid = b.len() / 2;
        b[mid] ^= 1;
        std::fs::write(&path, &b).unwrap();
        let e = merge_error(&input, &out, &[]);
        assert!(
            e.contains(&format!("{file} does not match its checksum")),
            "{e}"
        );
        if file == "signatures.bin" {
            // Also when the merge reads them where they are (past its budget).
            let e = merge_error(&input, &out, &["--memory", "4K"]);
            assert!(
                e.contains("signatures.bin does not match its checksum"),
                "{e}"
            );
        }
        b[mid] ^= 1;
        std::fs::write(&path, &b).unwrap();
    }
    // A cut-short staging file is caught before anything is read.
    let staged = out.join("shards/00000-of-00003/staged.jsonl");
    let b = std::fs::read(&staged).unwrap();
    std::fs::write(&staged, &b[..b.len() - 10]).unwrap();
    let e = merge_error(&input, &out, &[]);
    assert!(e.contains("staged.jsonl holds"), "{e}");
    // Run again, the shard replaces what it left.
    shard(0, &[]);
    ok(&args(&input, &out, &["--merge"]));
    assert!(std::fs::read(out.join("corpus.jsonl")).unwrap() == good);
    std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    // Made by another scour build.
    let meta = out.join("shards/00001-of-00003/shard.json");
    let text = std::fs::read_to_string(&meta).unwrap();
    let mut m: Value = serde_json::from_str(&text).unwrap();
    m["build"] = Value::from("0123456789abcdef");
    std::fs::write(&meta, m.to_string()).unwrap();
    let e = merge_error(&input, &out, &[]);
    assert!(e.contains("another scour build"), "{e}");
    std::fs::write(&meta, text).unwrap();
    // The inputs changed between shard jobs.
    std::fs::write(
        input.join("late.txt"),
        "A late file with enough words to be a document.",
    )
    .unwrap();
    shard(2, &[]);
    let e = merge_error(&input, &out, &[]);
    assert!(e.contains("another input list"), "{e}");
    std::fs::remove_file(input.join("late.txt")).unwrap();
    shard(2, &[]);
    ok(&args(&input, &out, &["--merge"]));
    assert!(std::fs::read(out.join("corpus.jsonl")).unwrap() == good);
    std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    // A folder named like a shard but not as shard jobs name theirs is not one.
    std::fs::create_dir(out.join("shards/1-of-3")).unwrap();
    ok(&args(&input, &out, &["--merge"]));
    std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    // Shards of another split beside these.
    ok(&args(&input, &out, &["--shard", "0/2"]));
    let e = merge_error(&input, &out, &[]);
    assert!(e.contains("different runs"), "{e}");
}

#[test]
fn a_shard_under_strict_fails_on_bad_input_and_leaves_no_finished_shard() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let out = dir.path().join("out");
    // bad.jsonl sorts first: shard 0 of 2 reads it. Finished without --strict, then run
    // again with it: the failed run leaves no finished shard.
    ok(&args(&input, &out, &["--shard", "0/2"]));
    assert!(out.join("shards/00000-of-00002/shard.json").exists());
    let o = scour(&args(&input, &out, &["--shard", "0/2", "--strict"]));
    assert_eq!(o.status.code(), Some(3));
    assert!(!out.join("shards/00000-of-00002/shard.json").exists());
    ok(&args(&input, &out, &["--shard", "1/2", "--strict"]));
    assert!(out.join("shards/00001-of-00002/shard.json").exists());
    let bad = scour(&args(&input, &out, &["--shard", "2/2"]));
    assert_eq!(bad.status.code(), Some(2));
}

/// The Slurm job scripts, run as Slurm runs them (bash, with the array task's variables set):
/// the outputs are those of one run. `submit.sh` itself needs `sbatch`; without it, it says so.
#[test]
fn the_slurm_job_scripts_run_a_split_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let one = dir.path().join("one");
    ok(&args(&input, &one, &[]));
    let out = dir.path().join("slurm");
    let script = |name: &str| root().join("config/slurm").join(name);
    let bash = |name: &str, task: Option<usize>, script_args: &[&str]| {
        let mut c = std::process::Command::new("bash");
        c.arg(script(name))
            .args(script_args)
            .env("SCOUR", env!("CARGO_BIN_EXE_scour"))
            .env("SLURM_CPUS_PER_TASK", "1")
            .env_remove("SLURM_ARRAY_TASK_ID");
        if let Some(k) = task {
            c.env("SLURM_ARRAY_TASK_ID", k.to_string());
        }
        c.output().expect("bash runs")
    };
    let (o, i) = (out.to_str().unwrap(), input.to_str().unwrap());
    for k in 0..3 {
        let r = bash("shard.sbatch", Some(k), &["3", o, "--input", i, "--quiet"]);
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    }
    // Outside an array job the shard script refuses to guess its task.
    let r = bash("shard.sbatch", None, &["3", o, "--input", i]);
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("array"));
    // A --threads among the flags wins over the job's CPUs (given twice, clap would refuse).
    let r = bash("merge.sbatch", None, &[o, "--quiet", "--threads", "1"]);
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert!(a == std::fs::read(out.join(f)).unwrap(), "{f} differs");
    }
    let m = json(&out.join("manifest.json"));
    assert_eq!(m["run"]["shards"].as_array().unwrap().len(), 3);
    assert_eq!(m["run"]["shards"][0]["threads"], 1);
    // submit.sh checks its options before it looks for sbatch.
    let r = bash("submit.sh", None, &["--output", o]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("--shards N is required"));
}

/// `submit.sh` against a stand-in `sbatch` that records its arguments: the array, its
/// dependency, `--resume` submitting only unfinished shards, and the merge alone once all are.
#[test]
fn submit_asks_slurm_for_the_shards_then_the_merge_after_them() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let log = dir.path().join("sbatch.log");
    // Prints a job id as `sbatch --parsable` does on a multi-cluster setup ("id;cluster").
    let fake = format!(
        "#!/usr/bin/env bash\necho \"$*\" >> {}\necho \"$((40 + $(wc -l < {})));main\"\n",
        log.display(),
        log.display()
    );
    std::fs::write(bin.join("sbatch"), fake).unwrap();
    std::process::Command::new("chmod")
        .args(["+x", bin.join("sbatch").to_str().unwrap()])
        .status()
        .unwrap();
    let out = dir.path().join("out");
    let submit = |extra: &[&str]| {
        let _ = std::fs::remove_file(&log);
        let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
        let o = std::process::Command::new("bash")
            .arg(root().join("config/slurm/submit.sh"))
            .args(["--shards", "3", "--output", out.to_str().unwrap()])
            .args(extra)
            .args(["--", "--input", input.to_str().unwrap()])
            .env("PATH", path)
            .env("SCOUR", env!("CARGO_BIN_EXE_scour"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let calls: Vec<String> = std::fs::read_to_string(&log)
            .unwrap()
            .lines()
            .map(String::from)
            .collect();
        (calls, String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let (calls, said) = submit(&["--cpus", "8", "--partition", "big"]);
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls[0].contains("--array 0-2 --cpus-per-task 8"),
        "{}",
        calls[0]
    );
    assert!(calls[0].contains("--partition=big"), "{}", calls[0]);
    assert!(calls[0].contains("shard.sbatch 3"), "{}", calls[0]);
    assert!(
        calls[0].ends_with(&format!("--input {}", input.display())),
        "{}",
        calls[0]
    );
    // The inputs were listed once, before the jobs.
    let plan = out.join("shards/inputs.json");
    let listed = std::fs::read(&plan).unwrap();
    // The merge waits for the array job (its id without the cluster name).
    assert!(
        calls[1].contains("--dependency afterok:41 --kill-on-invalid-dep=yes"),
        "{}",
        calls[1]
    );
    assert!(calls[1].contains("merge.sbatch"), "{}", calls[1]);
    assert!(said.contains("merge job: 42"), "{said}");
    // Shards 0 and 2 finished: --resume asks for shard 1 alone.
    for k in [0, 2] {
        let d = out.join(format!("shards/0000{k}-of-00003"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join("shard.json"), "{}").unwrap();
    }
    // A file comes; --resume keeps the list, so the slices stay those of the finished shards.
    std::fs::write(
        input.join("new.txt"),
        "A new file with words enough to be kept.",
    )
    .unwrap();
    let (calls, _) = submit(&["--resume"]);
    assert!(calls[0].contains("--array 1 "), "{}", calls[0]);
    assert!(std::fs::read(&plan).unwrap() == listed);
    std::fs::create_dir_all(out.join("shards/00001-of-00003")).unwrap();
    std::fs::write(out.join("shards/00001-of-00003/shard.json"), "{}").unwrap();
    let (calls, said) = submit(&["--resume"]);
    assert_eq!(calls.len(), 1);
    assert!(!calls[0].contains("--dependency"), "{}", calls[0]);
    assert!(said.contains("merge alone"), "{said}");
    // Shards of another split in the folder: refused before anything is submitted.
    std::fs::create_dir_all(out.join("shards/00000-of-00002")).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let o = std::process::Command::new("bash")
        .arg(root().join("config/slurm/submit.sh"))
        .args(["--shards", "3", "--output", out.to_str().unwrap()])
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("another number of shards"));
}

/// A merge of many shards keeps a few files open for each: it raises a low soft limit of open
/// files up to the hard one, and says so when the hard one is too low.
#[test]
fn a_merge_of_many_shards_lives_with_a_low_open_file_limit() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let one = dir.path().join("one");
    ok(&args(&input, &one, &[]));
    let out = dir.path().join("out");
    let n = 40;
    for k in 0..n {
        let s = format!("{k}/{n}");
        ok(&args(&input, &out, &["--shard", &s]));
    }
    let merge = |limits: &str| {
        std::process::Command::new("bash")
            .arg("-c")
            .arg(format!(
                "{limits}; exec \"$0\" run --quiet --merge --memory 4K --output \"$1\""
            ))
            .arg(env!("CARGO_BIN_EXE_scour"))
            .arg(&out)
            .output()
            .unwrap()
    };
    // Soft limit 64: 40 shards keep up to 120 files open past the budget, with room for the
    // rest 632.
    let hard: u64 = String::from_utf8(
        std::process::Command::new("bash")
            .args(["-c", "ulimit -Hn"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap()
    .trim()
    .parse()
    .unwrap_or(u64::MAX);
    if hard >= 700 {
        let o = merge("ulimit -Sn 64");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let a = std::fs::read(one.join("corpus.jsonl")).unwrap();
        assert!(a == std::fs::read(out.join("corpus.jsonl")).unwrap());
        std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    }
    // Hard limit 100: refused up front, with the limit named.
    let o = merge("ulimit -n 100");
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("keeps up to 632 files open") && e.contains("ulimit -n"),
        "{e}"
    );
    assert!(!out.join("corpus.jsonl").exists());
}

/// `--plan` lists the inputs once; shard jobs cut their slices from the list, so files that
/// come later are not read, and a job of other inputs is refused.
#[test]
fn shard_jobs_cut_their_slices_from_the_planned_list() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let one = dir.path().join("one");
    ok(&args(&input, &one, &[]));
    let out = dir.path().join("out");
    ok(&args(&input, &out, &["--plan"]));
    std::fs::write(
        input.join("late.txt"),
        "A late file with enough words in it to be kept as a document.",
    )
    .unwrap();
    for k in 0..3 {
        let s = format!("{k}/3");
        ok(&args(&input, &out, &["--shard", &s]));
    }
    ok(&args(&input, &out, &["--merge"]));
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert!(a == std::fs::read(out.join(f)).unwrap(), "{f} differs");
    }
    // Another input: the list is not for it.
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let o = scour(&args(&other, &out, &["--shard", "0/3"]));
    assert_eq!(o.status.code(), Some(1));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(e.contains("inputs.json") && e.contains("--plan"), "{e}");
    // A shard job's error, not a merge's.
    assert!(
        e.contains("cannot use the input list") && !e.contains("cannot merge"),
        "{e}"
    );
}

/// Common Crawl is the usual input of a split run: WARC files (with their skipped records)
/// split and merged give one run's outputs and manifest.
#[test]
fn warc_inputs_split_and_merged_are_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("warc");
    ok(&[
        "gen",
        "--bytes",
        "2M",
        "--seed",
        "3",
        "--format",
        "warc",
        "--shards",
        "4",
        "--output",
        input.to_str().unwrap(),
    ]);
    let one = dir.path().join("one");
    ok(&args(&input, &one, &[]));
    let m1 = json(&one.join("manifest.json"));
    assert!(
        m1["counts"]["records_in"].as_u64().unwrap() > 100,
        "{}",
        m1["counts"]
    );
    let out = dir.path().join("out");
    sharded(&input, &out, 3, &[], &[]);
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert!(a == std::fs::read(out.join(f)).unwrap(), "{f} differs");
    }
    assert_eq!(settled(json(&out.join("manifest.json"))), settled(m1));
}

/// One huge JSON lines file is the input that a split of whole files cannot spread: the plan
/// cuts it into parts at line starts, and the shards' parts, merged, are one run's outputs and
/// manifest. The file has what numbering must get right across a cut: a byte order mark,
/// blank lines, CRLF endings, broken lines, lines over the record limit, and no newline at its
/// end. A line over the limit is skipped as it comes when a read breaks inside it, and met whole
/// otherwise; two sit across the places where a run over the whole file breaks its reads
/// (every 4 MiB, the stream's `CHUNK_BYTES`): one longer than the limit, one exactly at it but
/// for its CR.
#[test]
fn one_huge_jsonl_file_is_cut_into_parts_and_merged_as_one_run() {
    const READ: usize = 4 << 20;
    const LIMIT: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("gen");
    ok(&[
        "gen",
        "--bytes",
        "10M",
        "--seed",
        "4",
        "--shards",
        "1",
        "--output",
        g.to_str().unwrap(),
    ]);
    let generated = std::fs::read_to_string(g.join("shard-00000.jsonl")).unwrap();
    // A JSON line of exactly `n` bytes before its line end.
    let line_of = |n: usize| format!("{{\"text\": \"{}\"}}", "w".repeat(n - 12));
    let mut text = String::from("\u{feff}");
    let mut breaks = vec![READ, 2 * READ];
    for (i, line) in generated.lines().enumerate() {
        if let Some(&at) = breaks.first()
            && text.len() + line.len() + 60_000 > at
        {
            // Filler lines up to where the straddling line must start.
            let first = breaks.len() == 2;
            let begin = if first {
                at - LIMIT - 2_000
            } else {
                at - LIMIT - 1
            };
            while begin - text.len() > 10_000 {
                text.push_str(&line_of(9_000));
                text.push('\n');
            }
            let rest = begin - text.len() - 1;
            text.push_str(&line_of(rest));
            text.push('\n');
            assert_eq!(text.len(), begin);
            if first {
                // 2,000 bytes past the limit before the break, 5,000 after it.
                text.push_str(&line_of(LIMIT + 7_000));
                text.push('\n');
            } else {
                // At the limit itself, but its CR ends right at the break.
                text.push_str(&line_of(LIMIT));
                text.push_str("\r\n");
            }
            breaks.remove(0);
        }
        text.push_str(line);
        text.push_str(if i % 7 == 0 { "\r\n" } else { "\n" });
        match i % 97 {
            5 => text.push_str("\n   \n"),
            11 => text.push_str("{not json}\n"),
            23 => text.push_str(&format!("{{\"text\": \"{}\"}}\n", "long ".repeat(5000))),
            _ => {}
        }
    }
    assert!(
        breaks.is_empty() && text.len() > 2 * READ + 100_000,
        "{}",
        text.len()
    );
    text.push_str(
        "{\"text\": \"The last line of the file has no newline at its end, and is kept.\"}",
    );
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let file = input.join("all.jsonl");
    std::fs::write(&file, &text).unwrap();
    let config = dir.path().join("scour.toml");
    std::fs::write(
        &config,
        format!(
            "[input]\nmax_record_bytes = {LIMIT}\n[clean]\nrules_dir = {:?}\n",
            root().join("config/rules").display().to_string()
        ),
    )
    .unwrap();
    let cfg = config.to_str().unwrap();
    let one = dir.path().join("one");
    ok(&args(&input, &one, &["--config", cfg]));
    let m1 = json(&one.join("manifest.json"));
    let kinds: Vec<&str> = m1["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"too_large") && kinds.contains(&"malformed_json"),
        "{kinds:?}"
    );
    // The line over the limit across a read break is measured as if met whole; the one at the
    // limit but for its CR is no error.
    let messages: Vec<&str> = m1["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    let over = format!("line of {} bytes is larger", LIMIT + 7_000);
    assert_eq!(
        messages.iter().filter(|m| m.contains(&over)).count(),
        1,
        "{messages:?}"
    );
    assert!(
        !messages
            .iter()
            .any(|m| m.contains(&format!("line of {LIMIT} bytes")))
    );

    let out = dir.path().join("out");
    ok(&args(&input, &out, &["--config", cfg, "--plan", "6"]));
    let plan = json(&out.join("shards/inputs.json"));
    let parts = plan["discovery"]["files"].as_array().unwrap();
    assert!(parts.len() >= 12, "{} parts", parts.len());
    assert!(parts.iter().all(|p| p["part"].is_object()));
    let extra = ["--config", cfg];
    sharded(&input, &out, 6, &extra, &extra);
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert!(a == std::fs::read(out.join(f)).unwrap(), "{f} differs");
    }
    let m = json(&out.join("manifest.json"));
    assert_eq!(m["run"]["shards"].as_array().unwrap().len(), 6);
    // Every shard had a part to read.
    assert!(
        m["run"]["shards"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["documents"].as_u64().unwrap() > 0),
        "{}",
        m["run"]["shards"]
    );
    assert_eq!(settled(m), settled(m1));

    // The file changed after the plan: a shard job refuses its parts (a part read as one input
    // error would leave a hole in the corpus), whether the size changed or only the time.
    let shard = |what: &str| {
        let o = scour(&args(&input, &out, &["--config", cfg, "--shard", "2/6"]));
        assert_eq!(o.status.code(), Some(1), "{what}");
        let e = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(e.contains("changed since the plan"), "{what}: {e}");
        e
    };
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(10))
        .unwrap();
    drop(f);
    assert!(shard("touched").contains("modified since"));
    std::fs::write(&file, format!("{text}\n{{\"text\": \"one more line\"}}\n")).unwrap();
    assert!(shard("grown").contains("bytes then"));
}

/// A compressed file larger than a shard's share cannot be cut (a gzip stream cannot be
/// entered in the middle): the plan lists it whole and says so, and the split still gives one
/// run's outputs.
#[test]
fn a_compressed_file_over_a_share_is_listed_whole_with_a_note() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let generated = std::fs::read(input.join("gen").join("shard-00000.jsonl")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    for _ in 0..4 {
        gz.write_all(&generated).unwrap();
    }
    std::fs::write(input.join("big.jsonl.gz"), gz.finish().unwrap()).unwrap();
    let one = dir.path().join("one");
    ok(&args(&input, &one, &[]));
    let out = dir.path().join("out");
    let o = ok(&args(&input, &out, &["--plan", "4"]));
    let e = String::from_utf8_lossy(&o.stderr);
    assert!(
        e.contains("big.jsonl.gz is larger than a shard's share but cannot be cut"),
        "{e}"
    );
    let plan = json(&out.join("shards/inputs.json"));
    assert!(
        plan["discovery"]["files"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["part"].is_null())
    );
    sharded(&input, &out, 4, &[], &[]);
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let a = std::fs::read(one.join(f)).unwrap();
        assert!(a == std::fs::read(out.join(f)).unwrap(), "{f} differs");
    }
}
