//! Repeated lines (rule `repeated_line`): a title printed twice, a caption repeated under a
//! photo, a paragraph pasted twice. Lines are compared by their words (letters and digits,
//! case folded, words kept apart), so "Title" and "TITLE:" are the same line and "a bc" is not
//! "ab c". The first copy stays; a later copy goes when it stands close to the previous one
//! (`max_gap` kept lines between) or is long (`long_words`). A short line that comes back
//! further on is the text's own: a refrain of a song or poem, "Salt and pepper to taste" under
//! a recipe's second component.

use super::{Page, Verdict, rule};
use crate::config::RepeatSettings;
use crate::fingerprint::hash128;
use rustc_hash::FxHashMap as HashMap;

/// Identity of a line: its words of letters and digits, case folded, one space between.
#[cfg(test)]
fn key(text: &str) -> String {
    let mut out = Vec::new();
    key_into(text, &mut out);
    String::from_utf8(out).expect("keys are UTF-8")
}

/// [`key`]'s bytes into `out` (cleared first), so one buffer serves every line.
fn key_into(text: &str, out: &mut Vec<u8>) {
    out.clear();
    if text.is_ascii() {
        let mut gap = false;
        for &b in text.as_bytes() {
            if b.is_ascii_alphanumeric() {
                if gap && !out.is_empty() {
                    out.push(b' ');
                }
                gap = false;
                out.push(b.to_ascii_lowercase());
            } else {
                gap = true;
            }
        }
        return;
    }
    let mut word = String::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(b' ');
        }
        word.clear();
        word.extend(w.chars().flat_map(char::to_lowercase));
        out.extend_from_slice(word.as_bytes());
    }
}

pub fn detect(page: &mut Page<'_>, s: &RepeatSettings) {
    let open = page.open_line_list();
    // Most lines are seen once. Two lines can only share a key if they share its size
    // (`Line::key_size`), so a line whose size no other line has needs no key at all.
    let sizes: Vec<Option<usize>> = open
        .iter()
        .map(|&i| {
            let line = &page.lines[i];
            (line.words >= s.min_words).then_some(line.key_size)
        })
        .collect();
    let mut size_count: HashMap<usize, u32> = HashMap::default();
    for size in sizes.iter().flatten() {
        *size_count.entry(*size).or_insert(0) += 1;
    }
    let mut buf = Vec::new();
    // Key (a 128-bit hash of it: lines are many, and most are seen once) -> ordinal, among the
    // lines left open, of its latest copy.
    let mut seen: HashMap<u128, usize> = HashMap::default();
    let mut kept = 0usize;
    for (&i, size) in open.iter().zip(&sizes) {
        let Some(size) = size else {
            kept += 1;
            continue;
        };
        if size_count.get(size).copied().unwrap_or(0) < 2 {
            kept += 1;
            continue;
        }
        let line = &page.lines[i];
        key_into(line.core, &mut buf);
        let k = hash128(&buf);
        match seen.get_mut(&k) {
            Some(last) => {
                let gap = kept - *last - 1;
                if gap <= s.max_gap || line.words >= s.long_words {
                    page.claim(i, Verdict::remove(rule::REPEATED_LINE));
                    // The removed copy is not a kept line: the gap to the next copy counts
                    // from the copy that stays.
                    continue;
                }
                *last = kept;
            }
            None => {
                seen.insert(k, kept);
            }
        }
        kept += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::key;
    use crate::clean::test_support::*;

    #[test]
    fn second_copy_of_a_title_goes() {
        let src = "NATO blames Russia for breakdown\n\nNATO blames Russia for breakdown\n\nBody.\n";
        assert_eq!(kept(src), "NATO blames Russia for breakdown\nBody.\n");
        assert_eq!(removed(src)[0].0, "repeated_line");
        // With a removed dateline between, and in another case and punctuation.
        let src = "Ferry terminal approved at last\nMay 3, 2021 09:15 GMT\nFERRY TERMINAL APPROVED AT LAST:\nBody.\n";
        assert_eq!(kept(src), "Ferry terminal approved at last\nBody.\n");
    }

    #[test]
    fn short_repeats_and_distinct_lines_stay() {
        let src = "Yes.\nThe vote passed.\nYes.\nThe vote failed later.\n";
        assert_eq!(kept(src), src);
    }

    /// A line's size is its key's length, spaces left out, ASCII or not, so lines with equal
    /// keys have equal sizes and the size filter never hides a repeat: random lines over a
    /// small alphabet of letters, digits, punctuation and non-ASCII separators and letters.
    #[test]
    fn equal_keys_have_equal_sizes() {
        let key_size = |l: &str| crate::clean::words::measure(l).1;
        let pieces = [
            "a", "B", "1", " ", "  ", "-", ":", "\u{2014}", "\u{e9}", "\u{c9}", "\u{a0}", "x",
            "\u{130}",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(5);
        let lines: Vec<String> = (0..3000)
            .map(|_| {
                let n = 1 + rng.below(6);
                rng.concat(&pieces, n)
            })
            .collect();
        let mut groups: std::collections::HashMap<String, Vec<&String>> = Default::default();
        for l in &lines {
            groups.entry(key(l)).or_default().push(l);
        }
        let (mut pairs, mut mixed) = (0, 0);
        for (k, group) in groups.iter().filter(|(k, _)| !k.is_empty()) {
            let first = group[0];
            let size = key_size(first);
            assert_eq!(size, k.len() - k.matches(' ').count(), "{first:?}");
            for l in &group[1..] {
                pairs += 1;
                mixed += usize::from(first.is_ascii() != l.is_ascii());
                assert_eq!(key_size(l), size, "{first:?} {l:?} key {k:?}");
            }
        }
        assert!(pairs > 1000 && mixed > 100, "{pairs} {mixed}");
        // And through the rule: an ASCII line repeated with a non-ASCII dash in it.
        let src =
            "Council approves the ferry plan\nCouncil approves \u{2014} the ferry plan\nBody.\n";
        assert_eq!(kept(src), "Council approves the ferry plan\nBody.\n");
    }

    #[test]
    fn keys_keep_words_apart() {
        assert_ne!(key("a bc de"), key("ab c de"));
        assert_eq!(key("Title of it"), key("TITLE: of it!"));
        assert_eq!(key("  --Title: of it!"), "title of it");
        assert_eq!(
            key("\u{c9}T\u{c9} -- 2021: Caf\u{e9}s"),
            "\u{e9}t\u{e9} 2021 caf\u{e9}s"
        );
        let src = "We went to a bc de\nWe went to ab c de\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn refrains_and_recipe_steps_further_on_stay() {
        let src = "Let it snow, let it snow\n\
                   The weather outside is frightful\n\
                   But the fire is so delightful\n\
                   And since we have no place to go\n\
                   Let it snow, let it snow\n";
        assert_eq!(kept(src), src);
        let src = "For the chicken:\n\
                   Two chicken breasts, sliced thin\n\
                   Salt and pepper to taste\n\
                   A tablespoon of olive oil\n\
                   For the salad:\n\
                   One head of romaine lettuce\n\
                   Salt and pepper to taste\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn a_long_line_pasted_twice_goes_wherever_it_stands() {
        let para = "The harbour authority approved plans for a new ferry terminal on the east quay on Monday.";
        let src = format!(
            "{para}\nThe vote ended two years of debate.\nCrews objected.\nEngineers agreed.\n{para}\n"
        );
        assert_eq!(
            kept(&src),
            format!(
                "{para}\nThe vote ended two years of debate.\nCrews objected.\nEngineers agreed.\n"
            )
        );
    }
}
