//! Icon fonts: glyphs from the Unicode private use area (rule `icon_glyph`, removed wherever they
//! stand) and lines made of icon class or ligature names that a scraper read as text
//! (`icon_string`, e.g. "icon bookmark-bicon cameraicon chevron downicon ...").

use super::{Page, Verdict, is_private_use, rule};
use crate::config::IconSettings;

pub fn glyphs(page: &mut Page<'_>) {
    let src = page.src;
    // Fast path: private-use characters all encode to 3 or 4 bytes starting with 0xEE, 0xEF or
    // 0xF3/0xF4, so ASCII-only text needs no character walk.
    if !src
        .as_bytes()
        .iter()
        .any(|&b| matches!(b, 0xEE | 0xEF | 0xF3 | 0xF4))
    {
        return;
    }
    let mut run: Option<(usize, usize)> = None;
    for (i, c) in src.char_indices() {
        if is_private_use(c) {
            let end = i + c.len_utf8();
            run = Some(match run {
                Some((s, e)) if e == i => (s, end),
                Some(r) => {
                    page.inline.push((r.0..r.1, rule::ICON_GLYPH));
                    (i, end)
                }
                None => (i, end),
            });
        }
    }
    if let Some((s, e)) = run {
        page.inline.push((s..e, rule::ICON_GLYPH));
    }
}

pub struct IconDetector {
    markers: Vec<String>,
    /// Finds any marker in a line in one SIMD pass; most lines have none and stop there.
    any: Option<aho_corasick::AhoCorasick>,
    min_tokens: usize,
    min_ratio: f64,
}

impl IconDetector {
    pub fn new(s: &IconSettings) -> IconDetector {
        let markers: Vec<String> = s.markers.iter().map(|m| m.to_lowercase()).collect();
        let any = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&markers)
            .ok();
        IconDetector {
            any,
            markers,
            min_tokens: s.min_tokens.max(1),
            min_ratio: s.min_ratio,
        }
    }

    fn is_icon_token(&self, token: &str) -> bool {
        let t = token.as_bytes();
        // Markers are ASCII, so an ASCII case-insensitive scan finds them without allocating.
        self.markers.iter().any(|m| {
            let m = m.as_bytes();
            m.len() <= t.len() && t.windows(m.len()).any(|w| w.eq_ignore_ascii_case(m))
        })
    }

    pub fn detect(&self, page: &mut Page<'_>) {
        let open = page.open_line_list();
        for i in open {
            if page.lines[i].words < self.min_tokens
                || self
                    .any
                    .as_ref()
                    .is_some_and(|a| !a.is_match(page.lines[i].core))
            {
                continue;
            }
            let text = page.lines[i].core;
            let mut tokens = 0usize;
            let mut marked = 0usize;
            for t in text.split_whitespace() {
                tokens += 1;
                if self.is_icon_token(t) {
                    marked += 1;
                }
            }
            if tokens >= self.min_tokens && marked as f64 >= self.min_ratio * tokens as f64 {
                page.claim(i, Verdict::remove(rule::ICON_STRING));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;

    #[test]
    fn icon_name_strings_go() {
        let src = "icon bookmark-bicon bookmarkicon cameraicon checkicon chevron downicon closeicon\n\
                   The headline of the story\n";
        assert_eq!(kept(src), "The headline of the story\n");
        assert_eq!(removed(src)[0].0, "icon_string");
    }

    #[test]
    fn material_style_ligatures_go() {
        let src =
            "Story body sentence.\nchevron_left arrow_forward fa-search glyphicon-user menu_icon\n";
        assert_eq!(kept(src), "Story body sentence.\n");
    }

    #[test]
    fn sentences_mentioning_icons_stay() {
        let src = "The singer, a pop icon of the nineties, released a new album.\n\
                   Click the gear icon to open settings.\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn private_use_glyphs_go_inside_lines() {
        let src = "\u{e900} Markets\u{f09a}\u{f099} rally\nBody text.\n";
        let r = removed(src);
        assert_eq!(r.iter().filter(|(rule, _)| rule == "icon_glyph").count(), 2);
        assert_eq!(kept(src), " Markets rally\nBody text.\n");
    }

    #[test]
    fn a_line_of_only_glyphs_disappears() {
        let src = "\u{e001}\u{e002}\nBody text.\n";
        assert_eq!(kept(src), "Body text.\n");
    }
}
