//! Site chrome that has a shape rather than a phrase: lines with no word at all (`separator`:
//! "-", "* * *", "|") and navigation menus (`nav_menu`: "Home | World | Business | Sport").

use super::{Page, Verdict, rule, words};
use crate::config::ChromeSettings;

pub fn separators(page: &mut Page<'_>) {
    let open: Vec<usize> = page.open_lines().collect();
    for i in open {
        let text = page.lines[i].text;
        if !text.chars().any(|c| c.is_alphanumeric()) {
            page.claim(i, Verdict::remove(rule::SEPARATOR));
        }
    }
}

const MENU_SEPARATORS: &[char] = &['|', '•', '·', '»', '›', '¦', '∙', '⋅'];

pub fn menus(page: &mut Page<'_>, s: &ChromeSettings) {
    let open: Vec<usize> = page.open_lines().collect();
    for i in open {
        let text = page.lines[i].text.trim();
        if is_menu(text, s) {
            page.claim(i, Verdict::remove(rule::NAV_MENU));
        }
    }
}

fn is_menu(text: &str, s: &ChromeSettings) -> bool {
    // Every separator is '|', '/' or starts with one of these UTF-8 lead bytes: most lines are
    // ruled out by one SIMD scan.
    let b = text.as_bytes();
    if memchr::memchr3(b'|', b'/', 0xC2, b).is_none() && memchr::memchr(0xE2, b).is_none() {
        return false;
    }
    if !text.contains(MENU_SEPARATORS) && !text.contains(" / ") {
        return false;
    }
    let mut items = 0usize;
    for item in text
        .split(|c| MENU_SEPARATORS.contains(&c))
        .flat_map(|p| p.split(" / "))
    {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        let n = words::count(item);
        // A menu item is a label: short, and never a sentence.
        if n == 0 || n > s.max_item_words || item.ends_with('.') && n > 1 {
            return false;
        }
        items += 1;
    }
    items >= s.min_items
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;

    #[test]
    fn wordless_lines_go() {
        let src = "First paragraph.\n-\n* * *\nSecond paragraph.\n";
        assert_eq!(kept(src), "First paragraph.\nSecond paragraph.\n");
        assert!(removed(src).iter().all(|(r, _)| r == "separator"));
    }

    #[test]
    fn menus_go() {
        let src = "Home | World | Business | Tech | Sport\nStory text that stays.\n\
                   News » Europe » Politics » Elections\n";
        assert_eq!(kept(src), "Story text that stays.\n");
    }

    #[test]
    fn sentences_with_pipes_and_short_pairs_stay() {
        let src = "Prices rose 3% | analysts expected a rise of 2% in the quarter.\n\
                   The vote was 12 / 3 in favour.\n\
                   Cats · Dogs\n";
        assert_eq!(kept(src), src);
    }
}
