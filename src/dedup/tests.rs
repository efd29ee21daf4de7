//! Tests of the dedup steps: semantics (exact, near, greedy keeper, guard), determinism, and
//! equality of the file-based steps with the in-memory run.

use super::*;
use crate::fingerprint::testgen::{Rng, Vocab, mutate};
use crate::fingerprint::{MinHasher, estimate_jaccard, exact_digest};

const P: Params = Params {
    bands: 20,
    rows: 6,
    threshold: 0.8,
    near: true,
};

fn hasher() -> MinHasher {
    MinHasher::new(128, 5, 1_544_167_462)
}

/// An item with a hand-made signature and a digest unique to `order`.
fn sig_item(order: u64, sig: Vec<u32>) -> Item {
    Item {
        order,
        digest: exact_digest(&format!("item {order}")),
        signature: Some(crate::fingerprint::stored(&sig)),
    }
}

/// A corpus with exact copies, near-copy families (some chained), unrelated documents,
/// unsigned items and out-of-sequence orders.
fn corpus(seed: u64) -> Vec<Item> {
    let mut rng = Rng::new(seed);
    let vocab = Vocab::new(&mut rng, 5000);
    let h = hasher();
    let mut texts: Vec<String> = Vec::new();
    for _ in 0..30 {
        let len = 150 + rng.below(300);
        let base = vocab.document(&mut rng, len);
        let family = rng.below(4);
        let mut prev = base.clone();
        texts.push(base.clone());
        for _ in 0..family {
            // Drift from the previous member: a chain whose ends may be below the threshold.
            prev = mutate(&mut rng, &vocab, &prev, 0.01);
            texts.push(prev.clone());
        }
        if rng.below(3) == 0 {
            texts.push(base.clone());
        }
    }
    let mut items: Vec<Item> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| Item::from_text(1000 + 7 * i as u64, t, Some(&h)))
        .collect();
    // Shuffle the slice so slice position and order disagree.
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i + 1));
    }
    // Unsigned items: exact matching only.
    items.push(Item::from_text(5, &texts[0], None));
    items.push(Item::from_text(999_999, &texts[0], None));
    items.push(Item::from_text(3, "lonely words", None));
    items
}

/// A decision by order: `(order, Some((of order, similarity bits, exact)))`.
type OrderDecision = (u64, Option<(u64, u64, bool)>);

/// Decisions and clusters expressed by order, independent of slice positions.
fn by_order(items: &[Item], o: &Outcome) -> (Vec<OrderDecision>, Vec<Vec<u64>>) {
    let mut d: Vec<_> = o
        .decisions
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = match *d {
                Decision::Keep => None,
                Decision::Duplicate {
                    of,
                    similarity,
                    exact,
                } => Some((items[of].order, similarity.to_bits(), exact)),
            };
            (items[i].order, v)
        })
        .collect();
    d.sort_unstable();
    let c = o
        .clusters
        .iter()
        .map(|c| c.members.iter().map(|&m| items[m].order).collect())
        .collect();
    (d, c)
}

#[test]
fn near_exact_and_unrelated_documents() {
    let mut rng = Rng::new(42);
    let vocab = Vocab::new(&mut rng, 5000);
    let doc = vocab.document(&mut rng, 400);
    let variant = mutate(&mut rng, &vocab, &doc, 0.01);
    let other = vocab.document(&mut rng, 400);
    let h = hasher();
    let items = vec![
        Item::from_text(0, &doc, Some(&h)),
        Item::from_text(1, &variant, Some(&h)),
        Item::from_text(2, &other, Some(&h)),
        Item::from_text(3, &doc, Some(&h)),
    ];
    let o = deduplicate(&items, &P);
    assert_eq!(o.decisions[0], Decision::Keep);
    match o.decisions[1] {
        Decision::Duplicate {
            of: 0,
            similarity,
            exact: false,
        } => assert!(similarity >= 0.8, "{similarity}"),
        d => panic!("variant: {d:?}"),
    }
    assert_eq!(o.decisions[2], Decision::Keep);
    assert_eq!(
        o.decisions[3],
        Decision::Duplicate {
            of: 0,
            similarity: 1.0,
            exact: true
        }
    );
    assert_eq!(
        o.clusters,
        vec![Cluster {
            members: vec![0, 1, 3],
            exact: false
        }]
    );
    assert_eq!(
        (
            o.stats.kept,
            o.stats.exact_duplicates,
            o.stats.near_duplicates
        ),
        (2, 1, 1)
    );
    assert_eq!(o.stats.exact_pairs, 1);
    assert_eq!(o.stats.verified_pairs, 1);

    // Exact only: the variant stays.
    let o = deduplicate(&items, &Params { near: false, ..P });
    assert!(o.decisions[1].is_keep());
    assert!(!o.decisions[3].is_keep());
    assert_eq!(
        o.clusters,
        vec![Cluster {
            members: vec![0, 3],
            exact: true
        }]
    );
    assert_eq!(o.stats.candidate_pairs, 0);
}

#[test]
fn greedy_keeper_does_not_remove_by_transitivity() {
    // A and B agree on positions 0..100, B and C on 20..120: A~B 0.83, B~C 0.83, A~C 0.67.
    let base: Vec<u32> = (0..120).collect();
    let a: Vec<u32> = (0..120)
        .map(|i| if i < 100 { base[i] } else { 1000 + i as u32 })
        .collect();
    let b: Vec<u32> = base.clone();
    let c: Vec<u32> = (0..120)
        .map(|i| if i >= 20 { base[i] } else { 2000 + i as u32 })
        .collect();
    assert!(estimate_jaccard(&a, &c) < 0.8);
    let params = Params {
        bands: 20,
        rows: 6,
        threshold: 0.8,
        near: true,
    };
    // C first in the slice: positions must not matter, orders do.
    let items = vec![sig_item(30, c), sig_item(10, a), sig_item(20, b)];
    let o = deduplicate(&items, &params);
    assert!(o.decisions[1].is_keep(), "A kept");
    match o.decisions[2] {
        Decision::Duplicate {
            of: 1,
            similarity,
            exact: false,
        } => {
            assert!((similarity - 100.0 / 120.0).abs() < 1e-12)
        }
        d => panic!("B: {d:?}"),
    }
    assert!(
        o.decisions[0].is_keep(),
        "C kept: its only similar item B was dropped"
    );
    // The chain is still one cluster.
    assert_eq!(
        o.clusters,
        vec![Cluster {
            members: vec![1, 2, 0],
            exact: false
        }]
    );
    assert_eq!(o.stats.verified_pairs, 2);
}

#[test]
fn best_kept_neighbour_wins_ties_to_earliest() {
    // 60 positions; A differs from base on 0..20, B on 40..60, so A~B = 20/60 (not similar).
    let base: Vec<u32> = (0..60).collect();
    let a: Vec<u32> = (0..60).map(|i| if i < 20 { 1000 + i } else { i }).collect();
    let b: Vec<u32> = (0..60)
        .map(|i| if i >= 40 { 2000 + i } else { i })
        .collect();
    // X takes B's values on 40..45: X~A = 35/60, X~B = 45/60; both above the threshold.
    let x: Vec<u32> = (0..60)
        .map(|i| if (40..45).contains(&i) { 2000 + i } else { i })
        .collect();
    // Y is the base: Y~A = Y~B = 40/60, a tie.
    let y = base.clone();
    assert_eq!(estimate_jaccard(&x, &a), 35.0 / 60.0);
    assert_eq!(estimate_jaccard(&y, &b), estimate_jaccard(&y, &a));
    let params = Params {
        bands: 10,
        rows: 6,
        threshold: 0.55,
        near: true,
    };
    let items = vec![
        sig_item(1, a),
        sig_item(2, b),
        sig_item(3, x),
        sig_item(4, y),
    ];
    let o = deduplicate(&items, &params);
    assert!(o.decisions[0].is_keep() && o.decisions[1].is_keep());
    assert_eq!(
        o.decisions[2],
        Decision::Duplicate {
            of: 1,
            similarity: 0.75,
            exact: false
        },
        "highest similarity wins over earliest"
    );
    assert_eq!(
        o.decisions[3],
        Decision::Duplicate {
            of: 0,
            similarity: 40.0 / 60.0,
            exact: false
        },
        "ties go to the earliest; Y~X = 55/60 does not count because X was dropped"
    );
}

#[test]
fn exact_copies_of_a_dropped_item_follow_it() {
    let base: Vec<u32> = (0..120).collect();
    let mut b = base.clone();
    b[0] = 777;
    let params = Params {
        bands: 20,
        rows: 6,
        threshold: 0.8,
        near: true,
    };
    let twin = |order| Item {
        order,
        digest: exact_digest("b"),
        signature: Some(crate::fingerprint::stored(&b)),
    };
    // The second copy has no signature: it still follows its group.
    let items = vec![
        sig_item(1, base),
        twin(2),
        Item {
            signature: None,
            ..twin(3)
        },
    ];
    let o = deduplicate(&items, &params);
    assert!(o.decisions[0].is_keep());
    let near = Decision::Duplicate {
        of: 0,
        similarity: 119.0 / 120.0,
        exact: false,
    };
    assert_eq!(o.decisions[1], near);
    assert_eq!(o.decisions[2], near);
    assert_eq!(
        o.clusters,
        vec![Cluster {
            members: vec![0, 1, 2],
            exact: false
        }]
    );
    assert_eq!(
        o.stats.candidate_pairs, 1,
        "one pair between representatives only"
    );
}

#[test]
fn every_removal_has_a_similar_kept_earlier_item() {
    let items = corpus(1);
    let o = deduplicate(&items, &P);
    let mut near = 0;
    for (i, d) in o.decisions.iter().enumerate() {
        if let Decision::Duplicate {
            of,
            similarity,
            exact,
        } = *d
        {
            assert!(o.decisions[of].is_keep(), "{i} duplicates a dropped item");
            assert!(items[of].order < items[i].order);
            if exact {
                assert_eq!(items[of].digest, items[i].digest);
                assert_eq!(similarity, 1.0);
            } else {
                near += 1;
                assert!(similarity >= P.threshold);
                let sig = |k: usize| {
                    items
                        .iter()
                        .filter(|it| it.digest == items[k].digest)
                        .find_map(|it| it.signature.clone())
                };
                assert_eq!(
                    estimate_jaccard(&sig(of).unwrap(), &sig(i).unwrap()),
                    similarity
                );
            }
        }
    }
    assert!(
        near >= 10 && o.stats.exact_duplicates >= 5,
        "corpus too easy: {:?}",
        o.stats
    );
    let stats = &o.stats;
    assert_eq!(
        stats.kept + stats.exact_duplicates + stats.near_duplicates,
        items.len() as u64
    );
    // Clusters: disjoint, sorted, and every duplicate shares one with what it duplicates.
    let mut seen = vec![None; items.len()];
    for (ci, c) in o.clusters.iter().enumerate() {
        assert!(c.members.len() >= 2);
        assert!(
            c.members
                .windows(2)
                .all(|w| items[w[0]].order < items[w[1]].order)
        );
        for &m in &c.members {
            assert!(seen[m].replace(ci).is_none());
        }
    }
    assert!(
        o.clusters
            .windows(2)
            .all(|w| items[w[0].members[0]].order < items[w[1].members[0]].order)
    );
    for (i, d) in o.decisions.iter().enumerate() {
        if let Decision::Duplicate { of, .. } = *d {
            assert!(seen[i].is_some() && seen[i] == seen[of]);
        }
    }
}

#[test]
fn shuffling_items_changes_nothing() {
    let items = corpus(2);
    let want = deduplicate(&items, &P);
    let mut rng = Rng::new(9);
    for _ in 0..3 {
        let mut shuffled = items.clone();
        for i in (1..shuffled.len()).rev() {
            shuffled.swap(i, rng.below(i + 1));
        }
        let got = deduplicate(&shuffled, &P);
        assert_eq!(by_order(&shuffled, &got), by_order(&items, &want));
        assert_eq!(got.stats, want.stats);
    }
}

#[test]
fn thread_count_changes_nothing() {
    let items = corpus(3);
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("thread pool")
            .install(|| deduplicate(&items, &P))
    };
    let one = run(1);
    assert_eq!(run(4), one);
    assert_eq!(run(3), one);
}

#[test]
fn bucket_guard_bounds_pairs() {
    // 400 items identical in band 0 (one huge bucket), random elsewhere: nothing verifies.
    let mut rng = Rng::new(5);
    let n = 400;
    let items: Vec<Item> = (0..n)
        .map(|i| {
            let sig = (0..60)
                .map(|r| {
                    if r < 6 {
                        r as u32
                    } else {
                        rng.next_u64() as u32
                    }
                })
                .collect();
            sig_item(i as u64, sig)
        })
        .collect();
    let params = Params {
        bands: 10,
        rows: 6,
        threshold: 0.5,
        near: true,
    };
    let c = candidate_pairs(&items, &params, 0..params.bands);
    let per_member = (BUCKET_ANCHORS + BUCKET_WINDOW) as u64;
    assert!(c.pairs.len() as u64 <= n as u64 * per_member);
    let full = (n * (n - 1) / 2) as u64;
    assert_eq!(c.pairs.len() as u64 + c.skipped_pairs, full);
    assert_eq!((c.oversized_buckets, c.largest_bucket), (1, n as u64));
    // Earliest members are anchors for everyone; each pair is (earlier, later).
    assert!(c.pairs.contains(&(0, n as u64 - 1)));
    assert!(c.pairs.contains(&(n as u64 - 2, n as u64 - 1)));
    assert!(!c.pairs.contains(&(BUCKET_ANCHORS as u64, n as u64 - 1)));
    assert!(c.pairs.iter().all(|&(a, b)| a < b));
    let o = resolve(&items, &c, &params);
    assert_eq!(o.stats.verified_pairs, 0);
    assert!(o.decisions.iter().all(Decision::is_keep));
    assert!(o.clusters.is_empty());
    assert_eq!(o.stats.skipped_pairs, c.skipped_pairs);

    // A small bucket is compared in full.
    let few = &items[..BUCKET_ANCHORS + BUCKET_WINDOW + 1];
    let c = candidate_pairs(few, &params, 0..1);
    assert_eq!((c.skipped_pairs, c.oversized_buckets), (0, 0));
    assert_eq!(c.pairs.len(), few.len() * (few.len() - 1) / 2);
}

#[test]
fn huge_family_of_copies_is_still_removed() {
    // 300 near copies of one document share buckets; anchors keep them all linked to the first.
    let base: Vec<u32> = (0..120).collect();
    let items: Vec<Item> = (0..300u32)
        .map(|i| {
            let mut s = base.clone();
            s[(i % 120) as usize] = 10_000 + i;
            sig_item(u64::from(i), s)
        })
        .collect();
    let o = deduplicate(&items, &P);
    assert_eq!(o.stats.kept, 1, "{:?}", o.stats);
    assert!(o.stats.oversized_buckets > 0);
    assert_eq!(o.clusters.len(), 1);
}

#[test]
fn file_steps_equal_in_memory_run() {
    let items = corpus(4);
    let want = deduplicate(&items, &P);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = |name: &str| dir.path().join(name);

    // Step 1: two shards.
    let (s0, s1) = items.split_at(items.len() / 2);
    write_signatures(&path("shard0.sig"), s0).expect("write shard 0");
    write_signatures(&path("shard1.sig"), s1).expect("write shard 1");
    let mut all = read_signatures(&path("shard0.sig")).expect("read shard 0");
    all.extend(read_signatures(&path("shard1.sig")).expect("read shard 1"));
    assert_eq!(all, items);

    // Step 2: two band ranges, each its own job and file.
    write_pairs(&path("b0.pairs"), &candidate_pairs(&all, &P, 0..7)).expect("write pairs 0");
    write_pairs(&path("b1.pairs"), &candidate_pairs(&all, &P, 7..P.bands)).expect("write pairs 1");
    let parts = vec![
        read_pairs(&path("b0.pairs")).expect("read pairs 0"),
        read_pairs(&path("b1.pairs")).expect("read pairs 1"),
    ];
    let merged = Candidates::merge(parts);
    assert_eq!(merged, candidate_pairs(&items, &P, 0..P.bands));

    // Step 3.
    write_outcome(&path("outcome"), &resolve(&all, &merged, &P)).expect("write outcome");
    let got = read_outcome(&path("outcome")).expect("read outcome");
    assert_eq!(got, want);
    assert!(want.stats.verified_pairs > 0 && !want.clusters.is_empty());
    // No temporary files left behind.
    assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 5);
}

#[test]
fn corrupt_files_are_errors_not_panics() {
    let items = corpus(6);
    let o = deduplicate(&items, &P);
    let c = candidate_pairs(&items, &P, 0..P.bands);
    let files = [
        encode_signatures(&items),
        encode_pairs(&c),
        encode_outcome(&o),
    ];
    let decode = |k: usize, data: &[u8]| -> Result<(), std::io::Error> {
        match k {
            0 => decode_signatures(data).map(drop),
            1 => decode_pairs(data).map(drop),
            _ => decode_outcome(data).map(drop),
        }
    };
    for (k, data) in files.iter().enumerate() {
        decode(k, data).expect("intact file decodes");
        for cut in [0, 5, 12, data.len() / 2, data.len() - 1] {
            assert!(decode(k, &data[..cut]).is_err(), "file {k} cut at {cut}");
        }
        for at in [3, 9, 14, data.len() / 3, data.len() - 3] {
            let mut bad = data.clone();
            bad[at] ^= 0x40;
            let err = decode(k, &bad).expect_err("flipped bit");
            assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        }
        // Another artifact kind is refused by its magic.
        assert!(decode((k + 1) % 3, data).is_err());
        // A file of version 2 (32-bit signature values), its checksum made good, is refused
        // by its version, not read with the wrong value width.
        let mut old = data.clone();
        old[8..12].copy_from_slice(&2u32.to_le_bytes());
        let n = old.len() - 16;
        let sum = blake3::hash(&old[..n]);
        old[n..].copy_from_slice(&sum.as_bytes()[..16]);
        let err = decode(k, &old).expect_err("version 2");
        assert!(err.to_string().contains("unsupported version 2"), "{err}");
    }
    let missing =
        read_pairs(std::path::Path::new("/nonexistent/scour.pairs")).expect_err("missing");
    assert_eq!(missing.kind(), std::io::ErrorKind::NotFound);
}

#[test]
fn pairs_from_other_items_are_counted_not_trusted() {
    let items = corpus(7);
    let mut c = candidate_pairs(&items, &P, 0..P.bands);
    c.pairs.push((1, 2)); // orders not among the items
    c.pairs.sort_unstable();
    let o = resolve(&items, &c, &P);
    assert_eq!(o.stats.unknown_pairs, 1);
    let mut clean = o.clone();
    clean.stats.unknown_pairs = 0;
    clean.stats.candidate_pairs -= 1;
    assert_eq!(clean, deduplicate(&items, &P));
}

#[test]
fn empty_and_degenerate_inputs() {
    let o = deduplicate(&[], &P);
    assert!(o.decisions.is_empty() && o.clusters.is_empty());
    let items = corpus(8);
    // Zero rows or bands: exact matching still works, nothing near is found.
    for params in [Params { rows: 0, ..P }, Params { bands: 0, ..P }] {
        let o = deduplicate(&items, &params);
        assert_eq!(o.stats.candidate_pairs, 0);
        assert_eq!(o.stats.near_duplicates, 0);
        assert!(o.stats.exact_duplicates > 0);
    }
    // Bands beyond the signature length give no keys instead of panicking.
    let o = deduplicate(
        &items,
        &Params {
            bands: 100,
            rows: 6,
            ..P
        },
    );
    assert_eq!(o, deduplicate(&items, &Params { bands: 21, ..P }));
    let _ = encode_outcome(&o);
}

/// The items' signatures moved into a store that spills at once (`budget: Some(0)`), or kept in
/// memory (`None`).
fn stored(
    items: &[Item],
    budget: Option<u64>,
    dir: &std::path::Path,
) -> (Vec<StoredItem>, SignatureStore) {
    let k = items
        .iter()
        .find_map(|it| it.signature.as_ref())
        .map_or(1, Vec::len);
    let mut store = SignatureStore::new(k, budget, dir);
    let stored = items
        .iter()
        .map(|it| StoredItem {
            order: it.order,
            digest: it.digest,
            // Stored values pushed as full ones: the store keeps them as they are.
            slot: it.signature.as_ref().map(|s| {
                let full: Vec<u32> = s.iter().map(|&v| u32::from(v)).collect();
                store.push(&full).unwrap()
            }),
        })
        .collect();
    store.finish().unwrap();
    (stored, store)
}

#[test]
fn spilled_signatures_and_band_key_files_equal_the_in_memory_run() {
    let dir = tempfile::tempdir().unwrap();
    let guard = Params {
        bands: 10,
        rows: 6,
        threshold: 0.5,
        near: true,
    };
    // A realistic corpus, and one huge bucket (the guard must cut it the same way).
    let huge: Vec<Item> = (0..300u64)
        .map(|i| {
            let mut s: Vec<u32> = (0..60).collect();
            s[(i % 60) as usize] = 10_000 + i as u32;
            sig_item(i, s)
        })
        .collect();
    for (items, params) in [(corpus(11), P), (corpus(12), P), (huge, guard)] {
        let want = deduplicate(&items, &params);
        assert_eq!(want.stats.band_runs, 0);
        for budget in [None, Some(0), Some(4096)] {
            let (stored_items, store) = stored(&items, budget, dir.path());
            assert_eq!(store.spilled(), budget.is_some());
            let set = Stored {
                items: &stored_items,
                store: &store,
            };
            let got = deduplicate_set(&set, &params, None).unwrap();
            // Band keys in partition files with a tiny budget (as many as there can be with none
            // at all), none in memory.
            assert_eq!(got.stats.band_runs > 0, budget.is_some(), "{budget:?}");
            if budget == Some(0) {
                assert_eq!(got.stats.band_runs, 256);
            }
            let mut got_stats = got.stats.clone();
            got_stats.band_runs = 0;
            assert_eq!(got.decisions, want.decisions, "{budget:?}");
            assert_eq!(got.clusters, want.clusters, "{budget:?}");
            assert_eq!(got_stats, want.stats, "{budget:?}");
        }
        // The partition files are gone after the step (the store's own spill file goes with
        // the store).
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
}

/// Signatures past the budget whose band keys fit in it (most items are exact copies, which
/// give no keys): the keys are sorted where they were collected, with no files, and the outcome
/// is the in-memory one.
#[test]
fn spilled_signatures_with_band_keys_in_memory_equal_the_in_memory_run() {
    let dir = tempfile::tempdir().unwrap();
    let mut items = corpus(13);
    let originals = items.len() as u64;
    // Twenty exact copies of every item, later in order.
    for copy in 1..=20u64 {
        for i in 0..originals as usize {
            let it = items[i].clone();
            items.push(Item {
                order: it.order + copy * 1_000_000,
                ..it
            });
        }
    }
    let reps = items.iter().filter(|it| it.signature.is_some()).count() as u64 / 21;
    let k = 128u64;
    // Room for the keys of every representative (12 bytes, 20 bands, with room to spare), not
    // for the signatures (2 bytes a value).
    let budget = reps * 20 * 16 * 2;
    assert!(budget < items.len() as u64 * k * 2, "{budget}");
    let want = deduplicate(&items, &P);
    let (stored_items, store) = stored(&items, Some(budget), dir.path());
    assert!(store.spilled());
    let set = Stored {
        items: &stored_items,
        store: &store,
    };
    let got = deduplicate_set(&set, &P, None).unwrap();
    assert_eq!(got.stats.band_runs, 0);
    assert!(want.stats.exact_pairs >= 20 * originals, "{:?}", want.stats);
    assert!(want.stats.near_duplicates > 0, "{:?}", want.stats);
    assert_eq!(got, want);
}

/// Signatures on disk and band keys that fit in the budget but not in one partition (few
/// bands: a partition is sized by one band's keys, the budget by all of them): the keys are
/// held in memory in several partitions, and the candidates are the in-memory ones.
#[test]
fn band_keys_held_in_several_partitions_give_the_in_memory_candidates() {
    let dir = tempfile::tempdir().unwrap();
    // The orders shuffled: a family's members far apart, so a slice must be sorted to bring
    // a bucket together.
    let mut items = corpus(14);
    let mut rng = Rng::new(14);
    let mut orders: Vec<u64> = items.iter().map(|it| it.order).collect();
    for i in (1..orders.len()).rev() {
        orders.swap(i, rng.below(i + 1));
    }
    for (it, o) in items.iter_mut().zip(orders) {
        it.order = o;
    }
    let params = Params {
        bands: 2,
        rows: 6,
        ..P
    };
    let want = {
        let groups = steps::Groups::new(&items[..]);
        steps::candidates_for(&items[..], &groups, &params, 0..2).unwrap()
    };
    assert!(!want.pairs.is_empty(), "{want:?}");
    // One representative an exact group with a signature.
    let reps = items
        .iter()
        .filter(|it| it.signature.is_some())
        .map(|it| it.digest)
        .collect::<std::collections::HashSet<_>>()
        .len() as u64;
    // Room for both bands' keys (12 bytes each), which is under four bands' worth per thread:
    // more than one partition at any thread count.
    let budget = reps * 2 * 12;
    let (stored_items, store) = stored(&items, Some(budget), dir.path());
    assert!(store.spilled());
    let set = Stored {
        items: &stored_items,
        store: &store,
    };
    let groups = steps::Groups::new(&set);
    let got = steps::candidates_for(&set, &groups, &params, 0..2).unwrap();
    assert_eq!(got.runs, 0, "no partition files");
    assert!(got.partitions > 1, "{}", got.partitions);
    assert_eq!(got.pairs, want.pairs);
    assert_eq!(
        (got.oversized_buckets, got.largest_bucket, got.skipped_pairs),
        (
            want.oversized_buckets,
            want.largest_bucket,
            want.skipped_pairs
        )
    );
}

#[test]
fn partitioned_sort_equals_a_plain_sort() {
    let mut rng = Rng::new(77);
    // One spare buffer for all sizes, as a worker reuses it from band to band: what a larger
    // call left in it must not leak into a smaller one.
    let mut spare = Vec::new();
    for n in [0usize, 5, 100_000, 40_000, 100_000] {
        // Uniform keys, plus runs of equal keys (buckets) and keys near the partition edges;
        // then keys crowded into a few top ranges, split again on their next bits (uniform
        // there, or all equal but for the last bits).
        for shape in 0..3 {
            let mut v: Vec<(u64, u64)> = (0..n)
                .map(|i| {
                    let k = match (shape, i % 7) {
                        (0, 0) => 42,
                        (0, 1) => u64::MAX - (i as u64 % 3),
                        (0, _) => rng.next_u64(),
                        (1, _) => ((rng.next_u64() % 5) << 54) | (rng.next_u64() >> 10),
                        _ => (7u64 << 54) | (rng.next_u64() % 300),
                    };
                    (k, rng.next_u64() % 1000)
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            steps::sort_entries_with(&mut v, &mut spare, |e| e.0);
            assert_eq!(v, want, "{n} shape {shape}");
        }
    }
}
