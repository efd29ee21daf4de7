//! Helpers for the end-to-end tests: run the `scour` binary and read what it wrote.

#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn scour(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_scour"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("scour runs")
}

pub fn ok(args: &[&str]) -> Output {
    let out = scour(args);
    assert!(
        out.status.success(),
        "scour {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    out
}

pub fn jsonl(path: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

pub fn json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

pub fn stdout_records(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}

/// Run the pipeline on `inputs` into a fresh folder; returns the folder.
pub fn run_into(dir: &Path, inputs: &[&Path], extra: &[&str]) -> PathBuf {
    let out = dir.join("out");
    let mut args: Vec<String> = vec!["run".into(), "--quiet".into()];
    for i in inputs {
        args.push("--input".into());
        args.push(i.display().to_string());
    }
    args.push("--output".into());
    args.push(out.display().to_string());
    args.extend(extra.iter().map(|s| s.to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&refs);
    out
}

/// A deterministic pseudo-random article: `n` words from a synthetic vocabulary.
pub fn article(seed: u64, n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut words = Vec::with_capacity(n);
    for i in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        words.push(letters(x % 5000));
        if i % 15 == 14 {
            words.push(".\n".into());
        }
    }
    words.join(" ").replace(" .\n ", ".\n")
}

/// A word made of letters only (fingerprints mask digits, so numbered words would all collide).
pub fn letters(mut n: u64) -> String {
    let mut w = String::new();
    loop {
        w.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    w.push_str("an");
    w
}
