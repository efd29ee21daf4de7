//! Corpus-wide deduplication through the binary: exact and near-duplicate documents, duplicate
//! passages, annotate mode, and output that does not depend on the thread count.

mod common;

use common::*;
use serde_json::{Value, json};
use std::path::Path;

/// Five documents: an article, its exact copy, a near copy (1% of words changed), an unrelated
/// article, and a new article that reuses three paragraphs of the unrelated one.
fn corpus(dir: &Path) -> std::path::PathBuf {
    let a = article(1, 400);
    let near: String = a
        .split(' ')
        .enumerate()
        .map(|(i, w)| {
            if i % 100 == 50 {
                "zzchanged".to_string()
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    let b = article(2, 400);
    let b_paras: Vec<&str> = b.lines().collect();
    let fresh = article(3, 60);
    let mixed = format!("{}\n{}\n{}\n{}", fresh, b_paras[3], b_paras[4], b_paras[5]);
    let docs = [
        json!({"text": a, "url": "https://one.example/a"}),
        json!({"text": a, "url": "https://two.example/a-copy"}),
        json!({"text": near, "url": "https://three.example/a-edited"}),
        json!({"text": b, "url": "https://one.example/b"}),
        json!({"text": mixed, "url": "https://four.example/c"}),
    ];
    let path = dir.join("docs.jsonl");
    let body: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&path, body).unwrap();
    path
}

fn by_url<'a>(recs: &'a [Value], url: &str) -> Option<&'a Value> {
    recs.iter().find(|r| r["source"]["url"] == url)
}

#[test]
fn duplicates_are_dropped_and_repeated_passages_removed() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = run_into(dir.path(), &[&input], &[]);
    let kept = jsonl(&out.join("corpus.jsonl"));
    let urls: Vec<&str> = kept
        .iter()
        .map(|r| r["source"]["url"].as_str().unwrap())
        .collect();
    assert_eq!(
        urls,
        [
            "https://one.example/a",
            "https://one.example/b",
            "https://four.example/c"
        ]
    );
    let a_id = kept[0]["id"].as_str().unwrap();
    let b_id = kept[1]["id"].as_str().unwrap();

    let dropped = jsonl(&out.join("dropped.jsonl"));
    assert_eq!(dropped.len(), 2);
    assert!(dropped.iter().all(|d| d["reason"] == "duplicate"));
    assert_eq!(dropped[0]["duplicate_of"]["id"], a_id);
    assert_eq!(dropped[0]["duplicate_of"]["exact"], true);
    assert_eq!(dropped[1]["duplicate_of"]["id"], a_id);
    assert_eq!(dropped[1]["duplicate_of"]["exact"], false);
    assert!(dropped[1]["duplicate_of"]["similarity"].as_f64().unwrap() >= 0.8);

    // The mixed document keeps its own paragraphs and loses the three it copied.
    let c = &kept[2];
    let dup: Vec<&Value> = c["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "duplicate_passage")
        .collect();
    assert_eq!(dup.len(), 3);
    for (k, r) in dup.iter().enumerate() {
        assert_eq!(r["duplicate_of"]["id"], b_id);
        assert_eq!(r["duplicate_of"]["passage"], 3 + k);
        assert_eq!(r["duplicate_of"]["exact"], true);
    }
    assert_eq!(c["passages"].as_array().unwrap().len(), 4);

    let clusters = jsonl(&out.join("duplicates.jsonl"));
    let doc_clusters: Vec<&Value> = clusters
        .iter()
        .filter(|c| c["level"] == "document")
        .collect();
    assert_eq!(doc_clusters.len(), 1);
    assert_eq!(doc_clusters[0]["keeper"]["id"], a_id);
    assert_eq!(doc_clusters[0]["members"].as_array().unwrap().len(), 3);
    assert_eq!(doc_clusters[0]["kind"], "near");
    let passage_clusters = clusters.iter().filter(|c| c["level"] == "passage").count();
    assert_eq!(passage_clusters, 3);

    let m = json(&out.join("manifest.json"));
    assert_eq!(m["counts"]["records_in"], 5);
    assert_eq!(m["counts"]["kept"], 3);
    assert_eq!(m["counts"]["dropped_by_reason"]["duplicate"], 2);
    assert_eq!(m["counts"]["duplicate_passages"], 3);
}

#[test]
fn annotate_mode_keeps_everything_and_marks_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = run_into(dir.path(), &[&input], &["--mode", "annotate"]);
    let kept = jsonl(&out.join("corpus.jsonl"));
    assert_eq!(kept.len(), 5);
    let a = by_url(&kept, "https://one.example/a").unwrap();
    let copy = by_url(&kept, "https://two.example/a-copy").unwrap();
    assert!(a["duplicate_of"].is_null());
    assert_eq!(copy["duplicate_of"]["id"], a["id"]);
    assert_eq!(copy["cluster"], a["cluster"]);
    // The exact copy is found at the passage level too.
    for p in copy["passages"].as_array().unwrap() {
        if !p["duplicate_of"].is_null() {
            assert_eq!(p["duplicate_of"]["id"], a["id"]);
            assert_eq!(p["duplicate_of"]["exact"], true);
        }
    }
    let copied = copy["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["duplicate_of"].is_null())
        .count();
    assert!(copied >= 26, "{copied}");
    let c = by_url(&kept, "https://four.example/c").unwrap();
    let marked = c["passages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["duplicate_of"].is_null())
        .count();
    assert_eq!(marked, 3);
    assert!(jsonl(&out.join("dropped.jsonl")).is_empty());
}

#[test]
fn output_is_byte_identical_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let seeds = root().join("seeds");
    let mut runs = Vec::new();
    for threads in ["1", "2", "4"] {
        let d = dir.path().join(format!("t{threads}"));
        std::fs::create_dir(&d).unwrap();
        runs.push(run_into(&d, &[&input, &seeds], &["--threads", threads]));
    }
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let first = std::fs::read(runs[0].join(f)).unwrap();
        for r in &runs[1..] {
            assert!(first == std::fs::read(r.join(f)).unwrap(), "{f} differs");
        }
    }
    let strip = |p: &Path| {
        let mut m = json(&p.join("manifest.json"));
        m.as_object_mut().unwrap().remove("run");
        m
    };
    assert_eq!(strip(&runs[0]), strip(&runs[1]));
    assert_eq!(strip(&runs[0]), strip(&runs[2]));
}

/// `--sync` only waits for the disk: the files are the same, and the manifest says it waited.
#[test]
fn a_synced_run_writes_the_same_files() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let mut runs = Vec::new();
    for (name, extra) in [("plain", &[][..]), ("synced", &["--sync"][..])] {
        let d = dir.path().join(name);
        std::fs::create_dir(&d).unwrap();
        runs.push(run_into(&d, &[&input], extra));
    }
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let plain = std::fs::read(runs[0].join(f)).unwrap();
        assert!(!plain.is_empty() || f != "corpus.jsonl");
        assert!(
            plain == std::fs::read(runs[1].join(f)).unwrap(),
            "{f} differs"
        );
    }
    let sync = |p: &Path| json(&p.join("manifest.json"))["config"]["output"]["sync"].clone();
    assert_eq!(sync(&runs[0]), json!(false));
    assert_eq!(sync(&runs[1]), json!(true));
    // Nothing is left under a temporary name either way.
    for r in &runs {
        for e in std::fs::read_dir(r).unwrap() {
            let name = e.unwrap().file_name().into_string().unwrap();
            assert!(!name.starts_with('.'), "{name} left in {}", r.display());
        }
    }
}

#[test]
fn zstd_corpus_and_off_mode() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = run_into(
        dir.path(),
        &[&input],
        &["--compress", "zstd", "--mode", "off"],
    );
    let bytes =
        zstd::decode_all(std::fs::File::open(out.join("corpus.jsonl.zst")).unwrap()).unwrap();
    assert_eq!(String::from_utf8(bytes).unwrap().lines().count(), 5);
}

/// A zstd corpus is compressed by worker threads, in jobs of a few MB: the frame must still be
/// the same at any thread count, and hold what the uncompressed run writes.
#[test]
fn a_zstd_corpus_of_several_compression_jobs_is_the_same_at_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("gen");
    ok(&[
        "gen",
        "--bytes",
        "12M",
        "--seed",
        "4",
        "--output",
        g.to_str().unwrap(),
    ]);
    let mut frames = Vec::new();
    for threads in ["1", "2", "3"] {
        let d = dir.path().join(format!("t{threads}"));
        std::fs::create_dir(&d).unwrap();
        let out = run_into(&d, &[&g], &["--compress", "zstd", "--threads", threads]);
        frames.push(std::fs::read(out.join("corpus.jsonl.zst")).unwrap());
    }
    assert!(frames[0] == frames[1] && frames[0] == frames[2]);
    let d = dir.path().join("plain");
    std::fs::create_dir(&d).unwrap();
    let plain = std::fs::read(run_into(&d, &[&g], &[]).join("corpus.jsonl")).unwrap();
    // Several compression jobs' worth (8 MB a job at level 3).
    assert!(plain.len() > 12 << 20, "{}", plain.len());
    assert!(zstd::decode_all(&frames[0][..]).unwrap() == plain);
}

/// Paragraphs of `n` generated words each, one per line.
fn paragraphs(seed: u64, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| article(seed * 100 + i as u64, 40).replace('\n', " "))
        .collect()
}

#[test]
fn an_update_to_a_roundup_survives_when_the_roundup_itself_is_all_repeats() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let p = paragraphs(1, 6);
    let q = paragraphs(2, 6);
    let r = paragraphs(3, 1);
    let roundup: Vec<&String> = p[..3].iter().chain(&q[..3]).collect();
    let roundup = roundup
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(input.join("1.txt"), p.join("\n")).unwrap();
    std::fs::write(input.join("2.txt"), q.join("\n")).unwrap();
    std::fs::write(input.join("3.txt"), &roundup).unwrap();
    std::fs::write(input.join("4.txt"), format!("{roundup}\n{}", r[0])).unwrap();
    let out = run_into(dir.path(), &[&input], &[]);
    let corpus = jsonl(&out.join("corpus.jsonl"));
    let texts: String = corpus.iter().map(|r| r["text"].as_str().unwrap()).collect();
    assert!(texts.contains(r[0].trim()), "the update was lost");
    let dropped = jsonl(&out.join("dropped.jsonl"));
    let kept_ids: Vec<&str> = corpus.iter().map(|r| r["id"].as_str().unwrap()).collect();
    for d in &dropped {
        if let Some(k) = d["duplicate_of"]["id"].as_str() {
            assert!(
                kept_ids.contains(&k),
                "{d} points at a document not in the corpus"
            );
        }
    }
    let m = json(&out.join("manifest.json"));
    let c = &m["counts"];
    assert_eq!(c["records_in"], 4);
    assert_eq!(
        c["kept"].as_u64().unwrap() + c["dropped"].as_u64().unwrap(),
        4
    );
}

#[test]
fn short_unique_replies_keep_a_page_whose_long_text_is_a_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    std::fs::create_dir(&input).unwrap();
    let question = paragraphs(4, 2).join("\n");
    std::fs::write(input.join("1.txt"), &question).unwrap();
    let replies = "Try a firmware update first.\nChange the wifi channel to eleven.\n\
                   Mine works after a reset.\nCheck the cable on the back.\nSame here, no luck.";
    std::fs::write(input.join("2.txt"), format!("{question}\n{replies}")).unwrap();
    let out = run_into(dir.path(), &[&input], &[]);
    let corpus = jsonl(&out.join("corpus.jsonl"));
    assert_eq!(corpus.len(), 2);
    let page = corpus[1]["text"].as_str().unwrap();
    assert!(page.contains("Change the wifi channel to eleven."));
    assert!(!page.contains(&paragraphs(4, 1)[0][..40]));
}

#[test]
fn a_tiny_memory_budget_spills_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let gen_dir = dir.path().join("gen");
    let g = gen_dir.to_str().unwrap();
    ok(&["gen", "--bytes", "3M", "--seed", "5", "--output", g]);
    let input = corpus(dir.path());
    let mut runs = Vec::new();
    for memory in ["unlimited", "4K"] {
        let d = dir.path().join(format!("m{memory}"));
        std::fs::create_dir(&d).unwrap();
        runs.push(run_into(&d, &[&gen_dir, &input], &["--memory", memory]));
    }
    for f in ["corpus.jsonl", "dropped.jsonl", "duplicates.jsonl"] {
        let a = std::fs::read(runs[0].join(f)).unwrap();
        assert!(a == std::fs::read(runs[1].join(f)).unwrap(), "{f} differs");
    }
    let (m0, m1) = (
        json(&runs[0].join("manifest.json")),
        json(&runs[1].join("manifest.json")),
    );
    assert_eq!(m0["counts"], m1["counts"]);
    for level in ["documents", "passages"] {
        let (mut a, mut b) = (m0["dedup"][level].clone(), m1["dedup"][level].clone());
        assert_eq!(a["band_runs"], 0, "{level}");
        assert!(b["band_runs"].as_u64().unwrap() > 1, "{level}: {b}");
        a["band_runs"] = json!(0);
        b["band_runs"] = json!(0);
        assert_eq!(a, b, "{level}");
    }
    // Something was found to dedup, and no spill file is left behind.
    assert!(
        m0["dedup"]["documents"]["near_duplicates"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert!(
        m0["dedup"]["passages"]["exact_duplicates"]
            .as_u64()
            .unwrap()
            > 0
    );
    for r in &runs {
        for e in std::fs::read_dir(r).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with('.'), "left behind: {name}");
        }
    }
    // A budget that is not a size is refused before anything runs.
    let bad = scour(&["run", "--memory", "lots", "--input", g, "--output", g]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--memory"));
}

/// A changelog-like page: `lines` entries whose numbers come from `seed`.
fn changelog(seed: u64, lines: usize) -> String {
    (0..lines as u64)
        .map(|i| {
            let n = |k: u64| (seed * 7919 + i * 104_729 + k * 1_299_709) % 9973;
            format!(
                "Release {}.{}.{} of the parser fixed {} issues, closed ticket {} and raised the limit to {} entries on day {}.",
                n(1) % 10,
                n(2) % 50,
                n(3) % 20,
                n(4) % 90,
                n(5),
                n(6),
                n(7) % 365
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn pages_that_differ_only_in_their_numbers_are_not_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let article_text = article(9, 400);
    // One number changed in a long article: still a near copy.
    let updated = article_text.replacen(' ', " 2024 ", 1);
    let docs = [
        json!({"text": changelog(1, 30), "url": "https://one.example/changes-1"}),
        json!({"text": changelog(2, 30), "url": "https://one.example/changes-2"}),
        json!({"text": article_text, "url": "https://one.example/story"}),
        json!({"text": updated, "url": "https://two.example/story"}),
    ];
    let input = dir.path().join("docs.jsonl");
    let body: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&input, body).unwrap();

    let out = run_into(dir.path(), &[&input], &[]);
    let kept = jsonl(&out.join("corpus.jsonl"));
    let dropped = jsonl(&out.join("dropped.jsonl"));
    assert!(by_url(&kept, "https://one.example/changes-1").is_some());
    let second = by_url(&kept, "https://one.example/changes-2").expect("second changelog kept");
    assert!(
        second["removed"].as_array().unwrap().is_empty(),
        "no passage of it repeats the first: {}",
        second["removed"]
    );
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    // The updated story (record 3) is the only drop.
    assert_eq!(dropped[0]["source"]["record"], 3);
    assert_eq!(dropped[0]["reason"], "duplicate");

    // With digits masked, MinHash sees the two changelogs as one text; the exact check of the
    // pair keeps the digits, so the second is still not dropped as a duplicate document.
    let cfg = dir.path().join("mask.toml");
    let rules = root().join("config").join("rules");
    std::fs::write(
        &cfg,
        format!(
            "[clean]\nrules_dir = {:?}\n[fingerprint]\nmask_digits = true\n",
            rules.display().to_string()
        ),
    )
    .unwrap();
    let masked = dir.path().join("masked");
    std::fs::create_dir(&masked).unwrap();
    let out = run_into(&masked, &[&input], &["--config", cfg.to_str().unwrap()]);
    let dropped = jsonl(&out.join("dropped.jsonl"));
    assert!(
        !dropped
            .iter()
            .any(|d| d["reason"] == "duplicate" && d["source"]["record"] != 3),
        "{dropped:?}"
    );
}

/// Chinese text as it is written, with no spaces: `paras` paragraphs of `chars` characters
/// drawn from 2,500 common ideographs, a comma every 12 characters and a full stop at the end.
fn chinese(seed: u64, paras: usize, chars: usize) -> Vec<String> {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..paras)
        .map(|_| {
            let mut p: String = (0..chars)
                .map(|i| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let c = char::from_u32(0x4E00 + (x % 2500) as u32).unwrap();
                    if i % 12 == 11 {
                        format!("{c}，")
                    } else {
                        c.to_string()
                    }
                })
                .collect();
            p.push('。');
            p
        })
        .collect()
}

#[test]
fn chinese_near_copies_and_repeated_paragraphs_are_found() {
    // Chinese has no spaces between words, so a paragraph was one word: one changed character
    // changed every shingle over it, and no paragraph was long enough to dedup as a passage.
    let dir = tempfile::tempdir().unwrap();
    let a = chinese(1, 8, 120).join("\n");
    // One character in a hundred changed.
    let near: String = a
        .chars()
        .enumerate()
        .map(|(i, c)| {
            if i % 100 == 37 && c != '，' && c != '。' && c != '\n' {
                '某'
            } else {
                c
            }
        })
        .collect();
    assert_ne!(near, a);
    let b = chinese(2, 8, 120);
    let mixed = format!("{}\n{}", chinese(3, 2, 120).join("\n"), b[2..5].join("\n"));
    let docs = [
        json!({"text": a, "url": "https://one.example/a"}),
        json!({"text": near, "url": "https://two.example/a-edited"}),
        json!({"text": b.join("\n"), "url": "https://one.example/b"}),
        json!({"text": mixed, "url": "https://three.example/c"}),
    ];
    let input = dir.path().join("docs.jsonl");
    let body: String = docs.iter().map(|d| format!("{d}\n")).collect();
    std::fs::write(&input, body).unwrap();

    let out = run_into(dir.path(), &[&input], &[]);
    let dropped = jsonl(&out.join("dropped.jsonl"));
    assert_eq!(dropped.len(), 1, "{dropped:?}");
    assert_eq!(dropped[0]["source"]["record"], 1, "{dropped:?}");
    assert_eq!(dropped[0]["reason"], "duplicate");
    let kept = jsonl(&out.join("corpus.jsonl"));
    let c = by_url(&kept, "https://three.example/c").expect("the new text keeps it");
    let repeats: Vec<&str> = c["removed"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["rule"] == "duplicate_passage")
        .map(|r| r["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        repeats,
        b[2..5].iter().map(String::as_str).collect::<Vec<_>>()
    );
    // Nothing else was taken from the Chinese texts.
    for r in &kept {
        let removed = r["removed"].as_array().unwrap();
        assert!(
            removed.iter().all(|x| x["rule"] == "duplicate_passage"),
            "{removed:?}"
        );
    }
}
