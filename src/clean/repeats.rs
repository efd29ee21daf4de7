//! Repeated lines (rule `repeated_line`): a title printed twice, a caption repeated under a
//! photo. The first copy stays; later copies in the same document go. Lines are compared by
//! their letters and digits only, case folded, so "Title" and "TITLE:" are the same line.

use super::{Page, Verdict, rule};
use crate::config::RepeatSettings;
use std::collections::HashSet;

fn key(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn detect(page: &mut Page<'_>, s: &RepeatSettings) {
    let mut seen: HashSet<String> = HashSet::new();
    let open: Vec<usize> = page.open_lines().collect();
    for i in open {
        let line = &page.lines[i];
        if line.words < s.min_words {
            continue;
        }
        if !seen.insert(key(line.core)) {
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
