//! Repeated lines (rule `repeated_line`): a title printed twice, a caption repeated under a
//! photo. The first copy stays; later copies in the same document go. Lines are compared by
//! their letters and digits only, case folded, so "Title" and "TITLE:" are the same line.

use super::{Page, Verdict, rule};
use crate::config::RepeatSettings;
use rustc_hash::FxHashSet as HashSet;

/// Identity of a line: a hash of its letters and digits, case folded. `buf` is reused.
fn key(text: &str, buf: &mut Vec<u8>) -> u64 {
    use std::hash::Hasher;
    buf.clear();
    if text.is_ascii() {
        buf.extend(
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase()),
        );
    } else {
        let mut tmp = [0u8; 4];
        for c in text.chars().filter(|c| c.is_alphanumeric()) {
            for l in c.to_lowercase() {
                buf.extend_from_slice(l.encode_utf8(&mut tmp).as_bytes());
            }
        }
    }
    let mut h = rustc_hash::FxHasher::default();
    h.write(buf);
    h.finish()
}

pub fn detect(page: &mut Page<'_>, s: &RepeatSettings) {
    let mut seen: HashSet<u64> = HashSet::default();
    let mut buf = Vec::new();
    let open: Vec<usize> = page.open_lines().collect();
    for i in open {
        let line = &page.lines[i];
        if line.words < s.min_words {
            continue;
        }
        if !seen.insert(key(line.core, &mut buf)) {
            page.claim(i, Verdict::remove(rule::REPEATED_LINE));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;

    #[test]
    fn second_copy_of_a_title_goes() {
        let src = "NATO blames Russia for breakdown\n\nNATO blames Russia for breakdown\n\nBody.\n";
        assert_eq!(kept(src), "NATO blames Russia for breakdown\nBody.\n");
        assert_eq!(removed(src)[0].0, "repeated_line");
    }

    #[test]
    fn short_repeats_and_distinct_lines_stay() {
        let src = "Yes.\nThe vote passed.\nYes.\nThe vote failed later.\n";
        assert_eq!(kept(src), src);
    }
}
