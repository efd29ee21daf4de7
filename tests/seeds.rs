//! The five seed scrapes: what must go, what becomes metadata, and that every other line stays.

mod common;

use common::*;
use serde_json::Value;

fn seed_records() -> Vec<Value> {
    let out = ok(&["clean", "seeds"]);
    let recs = stdout_records(&out);
    assert_eq!(recs.len(), 5);
    recs
}

fn text(r: &Value) -> &str {
    r["text"].as_str().unwrap()
}

fn removed(r: &Value) -> Vec<(String, String)> {
    r["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["rule"].as_str().unwrap().to_string(),
                x["text"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap()).collect())
        .unwrap_or_default()
}

/// Collapse white space and unify apostrophes and quotes, as the normalizer does.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(['\u{b4}', '\u{2019}', '\u{2018}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
}

/// Every source line that was not removed is in the output, word for word.
fn all_other_lines_stay(r: &Value) {
    let path = r["source"]["path"].as_str().unwrap();
    let src = std::fs::read_to_string(root().join(path)).unwrap();
    let removed: Vec<(usize, usize)> = r["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["byte_start"].as_u64().unwrap() as usize,
                x["byte_end"].as_u64().unwrap() as usize,
            )
        })
        .collect();
    let out = text(r);
    let mut pos = 0;
    for line in src.split('\n') {
        let start = pos;
        pos += line.len() + 1;
        let gone = removed
            .iter()
            .any(|&(s, e)| s <= start && start + line.len() <= e);
        let kept = norm(line);
        if gone || kept.is_empty() {
            continue;
        }
        let kept = kept.trim_start_matches(['•', ' ']).to_string();
        assert!(out.contains(&kept), "{path}: line lost: {kept:?}");
    }
}

#[test]
fn seed_000_read_more_goes_and_dateline_becomes_metadata() {
    let r = &seed_records()[0];
    assert_eq!(
        removed(r),
        [
            (
                "dateline".to_string(),
                "Russian Politics & Diplomacy December 05, 16:07".to_string()
            ),
            (
                "read_more".to_string(),
                "Read more on the site →".to_string()
            ),
        ]
    );
    assert_eq!(
        strs(&r["metadata"]["sections"]),
        ["Russian Politics & Diplomacy"]
    );
    assert_eq!(strs(&r["metadata"]["datelines"]), ["December 05, 16:07"]);
    assert!(text(r).starts_with(
        "NATO destroys all relations with Russia — MFA\n\nRussian Foreign Ministry Spokeswoman"
    ));
    assert!(text(r).ends_with("military assistance to Ukraine."));
    all_other_lines_stay(r);
}

#[test]
fn seed_001_headline_list_goes_and_apostrophes_unify() {
    let r = &seed_records()[1];
    let rem = removed(r);
    assert_eq!(rem[0], ("separator".to_string(), "-".to_string()));
    assert_eq!(rem.len(), 17, "{rem:?}");
    assert!(rem[1..].iter().all(|(rule, _)| rule == "headline_list"));
    assert!(rem[16].1.starts_with("Sarah Ferguson Concerned"));
    let t = text(r);
    assert!(t.contains("closing the alliance's offices in Moscow"));
    assert!(!t.contains('\u{b4}'));
    assert!(t.ends_with("for a series of meetings."));
    all_other_lines_stay(r);
}

#[test]
fn seed_002_icons_dateline_repeated_title_and_share_prompt_go() {
    let r = &seed_records()[2];
    let rules: Vec<String> = removed(r).into_iter().map(|(rule, _)| rule).collect();
    assert_eq!(
        rules,
        ["icon_string", "dateline", "repeated_line", "share_prompt"]
    );
    assert_eq!(strs(&r["metadata"]["datelines"]), ["21 Oct, 2021 14:19"]);
    let t = text(r);
    let title = "NATO blames Russia for breakdown in relations as Moscow says expulsion of its diplomats has made tensions worse than in Cold War";
    assert_eq!(t.matches(title).count(), 1);
    assert!(t.starts_with(title));
    assert!(t.ends_with("Maas continued."));
    all_other_lines_stay(r);
}

#[test]
fn seed_003_credit_related_comment_form_go_and_sources_become_metadata() {
    let r = &seed_records()[3];
    let rem = removed(r);
    let got: Vec<(&str, &str)> = rem.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    assert_eq!(
        got,
        [
            ("photo_credit", "Picture: RIA Novosti"),
            ("dateline", "Ru-Main, 14.01.2022"),
            ("source_line", "Source: Interfax"),
            ("related_header", "Related Posts"),
            ("comment_form", "Leave a Reply"),
            (
                "comment_form",
                "Your email address will not be published. Required fields are marked *"
            ),
        ]
    );
    assert_eq!(strs(&r["metadata"]["credits"]), ["RIA Novosti"]);
    assert_eq!(strs(&r["metadata"]["sources"]), ["Interfax"]);
    assert_eq!(strs(&r["metadata"]["datelines"]), ["14.01.2022"]);
    let t = text(r);
    for bullet in [
        "Guarantees of non-expansion of NATO to the East",
        "Commitments not to deploy new American medium- and shorter-range missiles in Europe;",
        "Limiting military activity in Europe",
    ] {
        assert!(t.contains(bullet), "bullet lost: {bullet}");
    }
    assert!(t.ends_with("eight Russian diplomats from its Brussels headquarters."));
    all_other_lines_stay(r);
}

#[test]
fn seed_004_nothing_goes() {
    let r = &seed_records()[4];
    assert_eq!(removed(r), Vec::<(String, String)>::new());
    all_other_lines_stay(r);
    assert_eq!(r["passages"].as_array().unwrap().len(), 6);
}

#[test]
fn removal_ranges_point_at_the_removed_source_bytes() {
    for r in seed_records() {
        let path = r["source"]["path"].as_str().unwrap();
        let src = std::fs::read(root().join(path)).unwrap();
        for x in r["removed"].as_array().unwrap() {
            let (s, e) = (
                x["byte_start"].as_u64().unwrap() as usize,
                x["byte_end"].as_u64().unwrap() as usize,
            );
            let span = String::from_utf8_lossy(&src[s..e]);
            assert_eq!(span.trim(), x["text"].as_str().unwrap(), "{path}");
        }
    }
}

#[test]
fn passage_offsets_point_into_text_and_source() {
    for r in seed_records() {
        let path = r["source"]["path"].as_str().unwrap();
        let src = std::fs::read_to_string(root().join(path)).unwrap();
        let t = text(&r);
        for p in r["passages"].as_array().unwrap() {
            let out =
                &t[p["start"].as_u64().unwrap() as usize..p["end"].as_u64().unwrap() as usize];
            let s = &src[p["byte_start"].as_u64().unwrap() as usize
                ..p["byte_end"].as_u64().unwrap() as usize];
            assert_eq!(norm(out), norm(s), "{path}");
        }
    }
}

#[test]
fn default_run_writes_the_corpus_with_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let out = run_into(dir.path(), &[&root().join("seeds")], &[]);
    let corpus = jsonl(&out.join("corpus.jsonl"));
    assert_eq!(corpus.len(), 5);
    let manifest = json(&out.join("manifest.json"));
    let c = &manifest["counts"];
    assert_eq!(c["records_in"], 5);
    assert_eq!(c["kept"], 5);
    assert_eq!(c["failed"], 0);
    assert_eq!(manifest["inputs"].as_array().unwrap().len(), 5);
    assert_eq!(manifest["removed_by_rule"]["headline_list"]["spans"], 16);
    for r in &corpus {
        assert_eq!(r["source"]["format"], "txt");
        assert_eq!(r["id"].as_str().unwrap().len(), 16);
    }
    assert!(jsonl(&out.join("dropped.jsonl")).is_empty());
    // Only the four outputs remain: no staging or temporary files.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "corpus.jsonl",
            "dropped.jsonl",
            "duplicates.jsonl",
            "manifest.json"
        ]
    );
}
