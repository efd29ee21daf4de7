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

fn merge_error(input: &Path, out: &Path) -> String {
    let o = scour(&args(input, out, &["--merge"]));
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
    let e = merge_error(&input, &out);
    assert!(e.contains("no shard folders"), "{e}");
    shard(0, &[]);
    shard(2, &[]);
    let e = merge_error(&input, &out);
    assert!(e.contains("1 of 3 shards are not finished: 1"), "{e}");
    // Read with other settings (no dedup: no signatures).
    shard(1, &["--mode", "off"]);
    let e = merge_error(&input, &out);
    assert!(
        e.contains("00001-of-00003") && e.contains("other input"),
        "{e}"
    );
    shard(1, &[]);
    ok(&args(&input, &out, &["--merge"]));
    let good = std::fs::read(out.join("corpus.jsonl")).unwrap();
    std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    // A flipped byte in a signature.
    let sigs = out.join("shards/00002-of-00003/signatures.bin");
    let mut b = std::fs::read(&sigs).unwrap();
    let mid = b.len() / 2;
    b[mid] ^= 1;
    std::fs::write(&sigs, &b).unwrap();
    let e = merge_error(&input, &out);
    assert!(
        e.contains("signatures.bin does not match its checksum"),
        "{e}"
    );
    // Rerun, the shard replaces what it left; a cut-short staging file is caught.
    shard(2, &[]);
    let staged = out.join("shards/00000-of-00003/staged.jsonl");
    let b = std::fs::read(&staged).unwrap();
    std::fs::write(&staged, &b[..b.len() - 10]).unwrap();
    let e = merge_error(&input, &out);
    assert!(e.contains("staged.jsonl holds"), "{e}");
    shard(0, &[]);
    ok(&args(&input, &out, &["--merge"]));
    assert!(std::fs::read(out.join("corpus.jsonl")).unwrap() == good);
    std::fs::remove_file(out.join("corpus.jsonl")).unwrap();
    // Shards of another split beside these.
    ok(&args(&input, &out, &["--shard", "0/2"]));
    let e = merge_error(&input, &out);
    assert!(e.contains("different runs"), "{e}");
}

#[test]
fn a_shard_under_strict_fails_on_bad_input_and_leaves_no_finished_shard() {
    let dir = tempfile::tempdir().unwrap();
    let input = inputs(dir.path());
    let out = dir.path().join("out");
    // bad.jsonl sorts first: shard 0 of 2 reads it.
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
    let r = bash("merge.sbatch", None, &[o, "--quiet"]);
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
