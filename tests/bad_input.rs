//! Bad input is reported with its path and position, counted, and never stops the run; with
//! --strict it fails the run.

mod common;

use common::*;
use std::io::Write;
use std::path::Path;

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

fn make_bad_inputs(dir: &Path) {
    let good = "A good document about the harbour and the new ferry terminal.\nIt has two lines.\n";
    std::fs::write(dir.join("a_good.txt"), good).unwrap();
    std::fs::write(
        dir.join("b_invalid_utf8.txt"),
        b"valid start \xff\xfe then bad",
    )
    .unwrap();
    std::fs::write(dir.join("c_empty.txt"), b"").unwrap();
    std::fs::write(
        dir.join("d_binary.txt"),
        b"\x7fELF\x02\x01\x01\x00\x00\x00binary",
    )
    .unwrap();
    let full = gz(good.repeat(200).as_bytes());
    std::fs::write(dir.join("e_truncated.txt.gz"), &full[..full.len() / 2]).unwrap();
    let lines = concat!(
        "{\"text\": \"First JSON document about trains and stations.\", \"url\": \"https://example.org/1\"}\n",
        "{\"text\": \"broken line\n",
        "{\"title\": \"no text field\"}\n",
        "\n",
        "{\"text\": \"Last JSON document about rivers and bridges.\"}\n",
    );
    std::fs::write(dir.join("f_lines.jsonl"), lines).unwrap();
    std::fs::write(dir.join("g_notes.md"), "not an input format").unwrap();
}

#[test]
fn bad_inputs_are_counted_reported_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    make_bad_inputs(&input);
    let out = run_into(dir.path(), &[&input, &dir.path().join("missing")], &[]);

    let manifest = json(&out.join("manifest.json"));
    let c = &manifest["counts"];
    let (records, kept, dropped, failed) = (
        c["records_in"].as_u64().unwrap(),
        c["kept"].as_u64().unwrap(),
        c["dropped"].as_u64().unwrap(),
        c["failed"].as_u64().unwrap(),
    );
    assert_eq!(records, kept + dropped + failed);
    // good txt + 2 good JSON lines
    assert_eq!(kept, 3);
    // invalid utf8, empty, binary, truncated gz, broken JSON line, missing field, missing path
    assert_eq!(failed, 7, "{:#}", manifest["errors"]);

    let errors = manifest["errors"].as_array().unwrap();
    let kinds: Vec<&str> = errors.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    for k in [
        "invalid_utf8",
        "empty",
        "binary",
        "truncated",
        "malformed_json",
        "missing_field",
        "unreadable",
    ] {
        assert!(kinds.contains(&k), "missing error kind {k}: {kinds:?}");
    }
    let utf8 = errors.iter().find(|e| e["kind"] == "invalid_utf8").unwrap();
    assert!(
        utf8["path"]
            .as_str()
            .unwrap()
            .ends_with("b_invalid_utf8.txt")
    );
    assert_eq!(utf8["byte"], 12);
    let json_err = errors
        .iter()
        .find(|e| e["kind"] == "malformed_json")
        .unwrap();
    assert_eq!(json_err["line"], 2);

    // Every failed record is in dropped.jsonl with its reason.
    let dropped_recs = jsonl(&out.join("dropped.jsonl"));
    assert_eq!(
        dropped_recs
            .iter()
            .filter(|d| d["reason"] == "input_error")
            .count() as u64,
        failed
    );
    assert_eq!(manifest["skipped_files"].as_array().unwrap().len(), 1);
    assert_eq!(jsonl(&out.join("corpus.jsonl")).len() as u64, kept);
}

#[test]
fn strict_turns_bad_input_into_failure() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    make_bad_inputs(&input);
    let out_dir = dir.path().join("out");
    let res = scour(&[
        "run",
        "--quiet",
        "--strict",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(res.status.code(), Some(3));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("--strict"), "{err}");
    assert!(!out_dir.join("corpus.jsonl").exists());
}

#[test]
fn huge_lines_are_refused_with_position() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.jsonl");
    let big = format!("{{\"text\": \"{}\"}}\n", "word ".repeat(20_000));
    std::fs::write(&input, format!("{{\"text\": \"small one here\"}}\n{big}")).unwrap();
    let config = dir.path().join("c.toml");
    std::fs::write(
        &config,
        format!(
            "[input]\nmax_record_bytes = 10000\n[clean]\nrules_dir = \"{}\"\n",
            root().join("config/rules").display()
        ),
    )
    .unwrap();
    let big_txt = dir.path().join("big.txt");
    std::fs::write(&big_txt, "A long line of text. ".repeat(1000)).unwrap();
    let out = run_into(
        dir.path(),
        &[&input, &big_txt],
        &["--config", config.to_str().unwrap()],
    );
    let manifest = json(&out.join("manifest.json"));
    let e = &manifest["errors"][0];
    assert_eq!(e["kind"], "too_large");
    assert_eq!(e["line"], 2);
    let e = &manifest["errors"][1];
    assert_eq!(e["kind"], "too_large");
    assert!(e["path"].as_str().unwrap().ends_with("big.txt"));
    assert_eq!(manifest["counts"]["kept"], 1);
    assert_eq!(manifest["counts"]["failed"], 2);
}

#[test]
fn clean_command_reports_errors_on_stderr_and_still_prints_good_records() {
    let dir = tempfile::tempdir().unwrap();
    make_bad_inputs(dir.path());
    let out = scour(&["clean", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    assert_eq!(stdout_records(&out).len(), 3);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("b_invalid_utf8.txt"), "{err}");
}

/// A run holds its output folder: a second run into it fails with a clear message while the
/// lock is held, and once it is released (the holder's process ends) the run goes ahead.
#[test]
fn a_second_run_into_a_busy_output_folder_fails_and_goes_ahead_once_it_is_free() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(
        &input,
        "A short article about the harbour ferry and its timetable.\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let lock_path = out.join(".scour.lock");
    let argv = [
        "run".to_string(),
        "--quiet".into(),
        "--input".into(),
        input.display().to_string(),
        "--output".into(),
        out.display().to_string(),
    ];
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();

    // This test process holds the folder, as a running scour would (it names itself).
    let mut holder = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&lock_path)
        .unwrap();
    holder.try_lock().unwrap();
    writeln!(holder, "{}", std::process::id()).unwrap();
    let busy = scour(&argv);
    assert!(!busy.status.success());
    let err = String::from_utf8_lossy(&busy.stderr);
    assert!(
        err.contains("another scour run") && err.contains(&std::process::id().to_string()),
        "{err}"
    );
    assert!(!out.join("corpus.jsonl").exists());

    // Released (as when the holder's process ends): the run goes ahead, and a later one too.
    drop(holder);
    ok(&argv);
    assert!(out.join("corpus.jsonl").exists());
    ok(&argv);
}
