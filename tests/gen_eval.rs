//! `scour gen` and `scour eval dedup` through the binary: determinism, sizes, formats scour
//! reads without errors, truth offsets that point at cruft, and sane scores on a small corpus.

use std::path::Path;
use std::process::Command;

fn scour() -> Command {
    Command::new(env!("CARGO_BIN_EXE_scour"))
}

fn gen_into(dir: &Path, extra: &[&str]) {
    let out = scour()
        .args(["gen", "--seed", "11", "--output"])
        .arg(dir)
        .args(extra)
        .output()
        .expect("run scour gen");
    assert!(
        out.status.success(),
        "gen failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn run_into(input: &Path, output: &Path, extra: &[&str]) -> serde_json::Value {
    let out = scour()
        .args(["run", "--quiet", "--input"])
        .arg(input)
        .arg("--output")
        .arg(output)
        .args(extra)
        .output()
        .expect("run scour run");
    assert!(
        out.status.success(),
        "run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let m = std::fs::read_to_string(output.join("manifest.json")).expect("manifest");
    serde_json::from_str(&m).expect("manifest is JSON")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().to_string();
                v.push((rel, std::fs::read(&p).expect("read")));
            }
        }
    }
    v.sort();
    v
}

#[test]
fn gen_is_deterministic_across_thread_counts() {
    let t = tempfile::tempdir().unwrap();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    gen_into(&a, &["--bytes", "300K", "--threads", "1", "--shards", "2"]);
    gen_into(&b, &["--bytes", "300K", "--threads", "2", "--shards", "2"]);
    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.len(), fb.len());
    assert!(fa.iter().any(|(p, _)| p == "shard-00001.jsonl"));
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.0, y.0);
        assert!(x.1 == y.1, "{} differs between thread counts", x.0);
    }
}

#[test]
fn bytes_are_respected() {
    let t = tempfile::tempdir().unwrap();
    gen_into(t.path(), &["--bytes", "400K"]);
    let size = std::fs::metadata(t.path().join("shard-00000.jsonl"))
        .unwrap()
        .len();
    let target = 400 * 1024;
    // Generation stops at the document that reaches the target: at most one document over.
    assert!(
        size >= target && size < target + 64 * 1024,
        "size {size} for target {target}"
    );
}

#[test]
fn truth_offsets_point_at_cruft() {
    let t = tempfile::tempdir().unwrap();
    gen_into(t.path(), &["--bytes", "200K"]);
    let data = std::fs::read_to_string(t.path().join("shard-00000.jsonl")).unwrap();
    let truth = std::fs::read_to_string(t.path().join(".truth/docs.jsonl")).unwrap();
    let mut kinds = std::collections::HashSet::new();
    let mut n = 0;
    for (line, tl) in data.lines().zip(truth.lines()) {
        let d: serde_json::Value = serde_json::from_str(line).unwrap();
        let tr: serde_json::Value = serde_json::from_str(tl).unwrap();
        assert_eq!(d["doc_id"], tr["doc_id"]);
        assert_eq!(tr["record"].as_u64(), Some(n));
        n += 1;
        let text = d["text"].as_str().unwrap();
        for c in tr["cruft"].as_array().unwrap() {
            let (s, e) = (
                c[0].as_u64().unwrap() as usize,
                c[1].as_u64().unwrap() as usize,
            );
            let kind = c[2].as_str().unwrap();
            let span = &text[s..e];
            kinds.insert(kind.to_string());
            // Whole lines, except icon glyphs, which are private-use characters in a line.
            if kind == "icon_glyph" {
                assert!(span.chars().all(|c| ('\u{e000}'..='\u{f8ff}').contains(&c)));
            } else {
                assert!(
                    s == 0 || text.as_bytes()[s - 1] == b'\n',
                    "{kind}: {span:?}"
                );
                assert!(
                    e == text.len() || text.as_bytes()[e] == b'\n',
                    "{kind}: {span:?}"
                );
                assert!(!span.trim().is_empty());
            }
        }
    }
    assert_eq!(n as usize, truth.lines().count());
    for k in [
        "nav_menu",
        "read_more",
        "share_prompt",
        "dateline",
        "headline_list",
    ] {
        assert!(kinds.contains(k), "no {k} in a 200K corpus: {kinds:?}");
    }
}

#[test]
fn every_format_reads_without_input_errors() {
    let t = tempfile::tempdir().unwrap();
    for (fmt, compress) in [
        ("jsonl", "gz"),
        ("txt", "none"),
        ("warc", "gz"),
        ("warc", "none"),
    ] {
        let g = t.path().join(format!("{fmt}-{compress}"));
        gen_into(
            &g,
            &["--bytes", "120K", "--format", fmt, "--compress", compress],
        );
        let truth_docs = std::fs::read_to_string(g.join(".truth/docs.jsonl"))
            .unwrap()
            .lines()
            .count() as u64;
        let m = run_into(&g, &t.path().join(format!("out-{fmt}-{compress}")), &[]);
        assert_eq!(m["errors"].as_array().map(Vec::len), Some(0), "{fmt}: {m}");
        let c = &m["counts"];
        assert_eq!(
            c["records_in"].as_u64(),
            Some(truth_docs),
            "{fmt}/{compress}"
        );
    }
}

#[test]
fn eval_scores_a_small_corpus_sanely() {
    let t = tempfile::tempdir().unwrap();
    let g = t.path().join("g");
    gen_into(&g, &["--bytes", "600K", "--exact-rate", "0.15"]);
    let out = t.path().join("out");
    run_into(&g, &out, &["--mode", "annotate"]);
    let js = t.path().join("eval.json");
    let res = scour()
        .args(["eval", "dedup", "--sample", "100", "--truth"])
        .arg(&g)
        .arg("--run")
        .arg(&out)
        .arg("--json")
        .arg(&js)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let report = String::from_utf8_lossy(&res.stdout);
    assert!(report.contains("Cruft spans"), "{report}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&js).unwrap()).unwrap();
    let docs = &v["documents_vs_labels"];
    assert!(docs["recall_exact"]["total"].as_u64().unwrap() > 0);
    assert_eq!(docs["recall_exact"]["value"].as_f64(), Some(1.0));
    assert!(docs["link_precision_near"]["value"].as_f64().unwrap_or(1.0) > 0.9);
    let cruft = &v["cruft"];
    assert!(cruft["byte_recall"]["value"].as_f64().unwrap() > 0.8);
    assert!(cruft["byte_precision"]["value"].as_f64().unwrap() > 0.9);
    assert_eq!(v["unmatched_run_records"].as_u64(), Some(0));
}

#[test]
fn eval_reports_malformed_truth_clearly() {
    let t = tempfile::tempdir().unwrap();
    let g = t.path().join("g");
    std::fs::create_dir_all(g.join(".truth")).unwrap();
    std::fs::write(g.join(".truth/docs.jsonl"), "{\"path\": 3}\n").unwrap();
    let res = scour()
        .args(["eval", "dedup", "--truth"])
        .arg(&g)
        .arg("--run")
        .arg(t.path().join("nope"))
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("docs.jsonl line 1"), "{err}");
}
