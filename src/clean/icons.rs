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
    /// Finds any marker in a line in one SIMD pass; most lines have none and stop there. It
    /// searches the line with its ASCII letters lowercased, case-sensitively: an ASCII
    /// case-insensitive automaton gets no prefilter (its markers start with a dozen different
    /// bytes) and stepped through every byte of every line (3 % of a run's time).
    any: Option<aho_corasick::AhoCorasick>,
    /// The same search by the packed SIMD searcher alone (Teddy), where the CPU has it: the
    /// automaton does not pick it for so few markers and stepped through every byte.
    packed: Option<aho_corasick::packed::Searcher>,
    min_tokens: usize,
    min_ratio: f64,
}

impl IconDetector {
    pub fn new(s: &IconSettings) -> IconDetector {
        let markers: Vec<String> = s.markers.iter().map(|m| m.to_lowercase()).collect();
        // Lowercase already (`to_lowercase` folds every ASCII letter), as the lines searched
        // will be.
        let any = aho_corasick::AhoCorasick::new(&markers).ok();
        let packed = aho_corasick::packed::Config::new()
            .builder()
            .extend(&markers)
            .build();
        IconDetector {
            any,
            packed,
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

    /// Whether `core` holds a marker in any ASCII case, as an ASCII case-insensitive search
    /// would say; `lower` is a buffer for the lowercased line.
    fn may_hold_marker(&self, core: &str, lower: &mut Vec<u8>) -> bool {
        let Some(any) = &self.any else {
            return true;
        };
        lower.clear();
        lower.extend_from_slice(core.as_bytes());
        lower.make_ascii_lowercase();
        match &self.packed {
            Some(p) => p.find(lower.as_slice()).is_some(),
            None => any.is_match(lower.as_slice()),
        }
    }

    pub fn detect(&self, page: &mut Page<'_>) {
        let open = page.open_line_list();
        let mut lower = Vec::new();
        for i in open {
            let text = page.lines[i].core;
            if page.lines[i].words < self.min_tokens {
                // A lone ligature name or two, a line of its own ("chevron_right",
                // "expand_more bookmark_border"), undecorated (a reST label ".. _svg_example:"
                // is not one).
                if is_ligature_line(text) && text == page.lines[i].text.trim() {
                    page.claim(i, Verdict::remove(rule::ICON_STRING));
                }
                continue;
            }
            if !self.may_hold_marker(text, &mut lower) {
                continue;
            }
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

/// Names of the glyphs of Material Icons, the icon font with ligatures that pages use most, that
/// stand for page furniture (arrows, menus, bookmarks, likes). A scraper that reads the page's
/// text gets the name where the icon was drawn. Code names ("display_info", "get_icons") are
/// not among them.
const LIGATURES: &[&str] = &[
    "access_time",
    "add_circle",
    "add_circle_outline",
    "arrow_back",
    "arrow_back_ios",
    "arrow_downward",
    "arrow_drop_down",
    "arrow_drop_up",
    "arrow_forward",
    "arrow_forward_ios",
    "arrow_left",
    "arrow_right",
    "arrow_right_alt",
    "arrow_upward",
    "bookmark_add",
    "bookmark_added",
    "bookmark_border",
    "calendar_today",
    "chat_bubble",
    "chat_bubble_outline",
    "check_circle",
    "check_circle_outline",
    "chevron_left",
    "chevron_right",
    "content_copy",
    "expand_less",
    "expand_more",
    "favorite_border",
    "format_quote",
    "help_outline",
    "info_outline",
    "keyboard_arrow_down",
    "keyboard_arrow_left",
    "keyboard_arrow_right",
    "keyboard_arrow_up",
    "location_on",
    "mail_outline",
    "more_horiz",
    "more_vert",
    "navigate_before",
    "navigate_next",
    "open_in_new",
    "play_arrow",
    "play_circle",
    "play_circle_filled",
    "play_circle_outline",
    "star_border",
    "star_half",
    "star_outline",
    "thumb_down",
    "thumb_down_off_alt",
    "thumb_up",
    "thumb_up_alt",
    "thumb_up_off_alt",
    "volume_off",
    "volume_up",
    "zoom_in",
    "zoom_out",
];

/// One to three tokens, each the name of a ligature in [`LIGATURES`]: a lone icon or two on a
/// line of their own. A word without an underscore ("menu", "search") is left to the menus
/// around it.
fn is_ligature_line(text: &str) -> bool {
    // Most short lines fail here, at their first byte or the underscore search.
    if !text.starts_with(|c: char| c.is_ascii_lowercase()) || !text.contains('_') {
        return false;
    }
    let mut tokens = 0;
    for t in text.split_whitespace() {
        tokens += 1;
        if tokens > 3 || LIGATURES.binary_search(&t).is_err() {
            return false;
        }
    }
    tokens > 0
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;

    #[test]
    fn the_ligature_list_is_sorted() {
        assert!(super::LIGATURES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn lone_ligature_names_go() {
        for line in [
            "chevron_right",
            "bookmark_border",
            "expand_more",
            "arrow_back more_vert",
        ] {
            let src = format!("Story body sentence.\n{line}\nMore of the story.\n");
            assert_eq!(
                kept(&src),
                "Story body sentence.\nMore of the story.\n",
                "{line}"
            );
        }
        // Not ligatures: plain words, code, a name in a sentence, a constant.
        for line in [
            "menu",
            "harbour",
            "user_id = 42",
            "Call expand_more() to open the panel.",
            "MAX_RETRIES",
            "snake_case",
            "get_icons",
            ".. _svg_image_example:",
            "display_info",
            "tx_drop_state",
        ] {
            let src = format!("Story body sentence.\n{line}\nMore of the story.\n");
            assert_eq!(kept(&src), src, "{line}");
        }
    }

    /// The lowercased line searched case-sensitively finds a marker exactly when the line
    /// searched ASCII case-insensitively does: markers in any case, cut, among non-ASCII
    /// letters (whose case ASCII folding leaves alone).
    #[test]
    fn lowercased_search_finds_what_a_case_insensitive_one_does() {
        let settings = crate::config::IconSettings::default();
        let detector = super::IconDetector::new(&settings);
        let insensitive = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&detector.markers)
            .unwrap();
        let pieces = [
            "icon",
            "ICON",
            "Ico",
            "n",
            "GlYpH",
            "chev",
            "RON",
            "caret",
            "arrow",
            "_",
            "FA",
            "-",
            "svg",
            "SV",
            "G",
            " ",
            "x",
            "\u{130}",
            "\u{131}con",
            "\u{c9}",
            "\u{212a}",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(13);
        let (mut found, mut lower) = (0, Vec::new());
        for _ in 0..20_000 {
            let n = rng.below(8);
            let line = rng.concat(&pieces, n);
            let want = insensitive.is_match(&line);
            assert_eq!(
                detector.may_hold_marker(&line, &mut lower),
                want,
                "{line:?}"
            );
            found += usize::from(want);
        }
        assert!(found > 5000 && found < 19_000, "{found}");
    }

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
