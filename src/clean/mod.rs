//! Cleaning: finds the cruft in a document's source text and says, line by line, what stays.
//!
//! Every detector is one file here and names its rule ids. Detectors see the text as lines; each
//! claims lines (or, for icon glyphs, spans inside a line) that no earlier detector claimed, so a
//! line is removed by exactly one rule and every removal carries its source byte range. The order
//! is fixed: glyphs, icon strings, separators and menus, datelines, the rule packs from
//! `config/rules/`, repeated lines, headline lists, which judge topic against what is left (not
//! on scour's own extraction: it judged them on the page, links and all), menus printed one
//! item per line, then (on a page's full text only) the readers' comments below its article and
//! the page's edges around its article, and last the rule-pack rules marked `last` (lone
//! labels) on what is left.

mod chrome;
mod dateline;
mod edges;
mod floating;
mod headlines;
mod icons;
mod menus;
mod phrases;
mod repeats;
pub mod words;

use crate::config::{CleanSettings, Settings};
pub use crate::doc::Input;
use crate::doc::{Extracted, MetaKey, Removal};
use std::ops::Range;

pub use phrases::PhraseRules;

/// The rule-pack rule whose headings make the list after them a `related_list`.
const RELATED_HEADER: &str = "related_header";
/// The rule-pack rules whose cookie notices have their buttons below them (`consent_button`):
/// every `consent_notice` line, and a `site_chrome` line that names cookies.
const CONSENT_NOTICE: &str = "consent_notice";
const SITE_CHROME: &str = "site_chrome";

/// Rule ids of the built-in detectors (the rule packs add their own).
pub mod rule {
    pub const ICON_GLYPH: &str = "icon_glyph";
    pub const ICON_STRING: &str = "icon_string";
    pub const SEPARATOR: &str = "separator";
    pub const EDIT_LINK: &str = "edit_link";
    pub const QUOTE_STRIP: &str = "quote_strip";
    pub const NAV_MENU: &str = "nav_menu";
    pub const DATELINE: &str = "dateline";
    pub const BYLINE: &str = "byline";
    pub const AUTHOR_BOX: &str = "author_box";
    pub const REPEATED_LINE: &str = "repeated_line";
    pub const HEADLINE_LIST: &str = "headline_list";
    pub const RELATED_LIST: &str = "related_list";
    pub const MENU_RUN: &str = "menu_run";
    pub const PAGE_EDGE: &str = "page_edge";
    pub const COMMENT_THREAD: &str = "comment_thread";
    pub const CONSENT_BUTTON: &str = "consent_button";
    /// Set by dedup, not by a detector: a passage that repeats one of an earlier document.
    pub const DUPLICATE_PASSAGE: &str = "duplicate_passage";
}

/// A line of the source text. `start..end` excludes the line break; `core` is the line trimmed
/// of white space and of leading and trailing decoration (arrows, bullets, pipes), which is
/// what phrase rules match.
#[derive(Debug, Clone)]
pub struct Line<'a> {
    pub start: usize,
    pub end: usize,
    pub text: &'a str,
    pub core: &'a str,
    pub words: usize,
    /// Size of the line's repeat key ([`words::measure`]): lines with equal keys have equal
    /// sizes.
    pub key_size: usize,
}

impl Line<'_> {
    pub fn is_blank(&self) -> bool {
        self.core.is_empty() && self.text.trim().is_empty()
    }
}

/// What a detector decided for a line.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub rule: &'static str,
    /// Rule-pack rules carry their id as an index into [`PhraseRules`]; built-ins use `rule`.
    pub pack_rule: Option<usize>,
    pub meta: Vec<(MetaKey, String)>,
}

impl Verdict {
    pub fn remove(rule: &'static str) -> Verdict {
        Verdict {
            rule,
            pack_rule: None,
            meta: Vec::new(),
        }
    }
}

/// The lines of a document with what has been decided about each so far.
pub struct Page<'a> {
    pub src: &'a str,
    pub lines: Vec<Line<'a>>,
    pub verdicts: Vec<Option<Verdict>>,
    /// Spans removed inside lines that otherwise stay (icon glyphs), sorted.
    pub inline: Vec<(Range<usize>, &'static str)>,
}

impl<'a> Page<'a> {
    pub fn new(src: &'a str) -> Page<'a> {
        // Sized once: a long page's lines grown by doubling were copied several times over.
        let mut lines = Vec::with_capacity(memchr::memchr_iter(b'\n', src.as_bytes()).count() + 1);
        let mut start = 0;
        for nl in memchr::memchr_iter(b'\n', src.as_bytes()).chain(std::iter::once(src.len())) {
            if start > src.len() || (nl == src.len() && start == src.len()) {
                break;
            }
            let mut end = nl;
            if end > start && src.as_bytes()[end - 1] == b'\r' {
                end -= 1;
            }
            let text = &src[start..end];
            let core = core_of(text);
            let (words, key_size) = words::measure(core);
            lines.push(Line {
                start,
                end,
                text,
                core,
                words,
                key_size,
            });
            start = nl + 1;
        }
        let n = lines.len();
        Page {
            src,
            lines,
            verdicts: vec![None; n],
            inline: Vec::new(),
        }
    }

    /// Indexes of lines that are not blank and not yet claimed.
    pub fn open_lines(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.lines.len()).filter(|&i| self.verdicts[i].is_none() && !self.lines[i].is_blank())
    }

    /// [`Page::open_lines`] as a list, with room for every line of the page reserved at once:
    /// each detector makes one, and grown by doubling (a filter has no size to go by) it was
    /// copied over and over on a long page.
    pub fn open_line_list(&self) -> Vec<usize> {
        let mut open = Vec::with_capacity(self.lines.len());
        open.extend(self.open_lines());
        open
    }

    pub fn claim(&mut self, i: usize, verdict: Verdict) {
        if self.verdicts[i].is_none() {
            self.verdicts[i] = Some(verdict);
        }
    }
}

/// Take off white space and the decoration that frames a line without being part of its words.
const DECOR: &[char] = &[
    '→', '←', '↑', '↓', '›', '‹', '»', '«', '>', '<', '|', '•', '·', '*', '-', '–', '—', '_', '=',
    '~', '#', ':', '…', '▶', '►', '▸', '◀', '◄', '❯', '❮', '⟶', '⇒', '🡒', '→', '✓', '✔', '★', '☆',
    '●', '○', '■', '□', '▪', '▫', '◆', '◇', '/', '\\',
];

/// White space, a [`DECOR`] character, a private-use glyph or a pictograph: what [`core_of`]
/// trims.
fn is_decor(c: char) -> bool {
    c.is_whitespace() || DECOR.contains(&c) || is_private_use(c) || is_pictograph(c)
}

/// Emoji and the symbol blocks sites draw their buttons' icons from ("💬 47 Comments", "🖨 Print",
/// "☰ Menu", "⬇ Jump to Recipe", "✉ Email"): arrows, technical symbols, dingbats, emoji, and
/// the joiners and selectors that build emoji sequences.
pub(super) fn is_pictograph(c: char) -> bool {
    matches!(c,
        '\u{2190}'..='\u{21FF}'
        | '\u{2300}'..='\u{23FF}'
        | '\u{2600}'..='\u{27BF}'
        | '\u{2B00}'..='\u{2BFF}'
        | '\u{1F000}'..='\u{1FAFF}'
        | '\u{FE0E}' | '\u{FE0F}' | '\u{200D}')
}

/// [`is_decor`] for ASCII characters, by character: every line's ends are tested, and the
/// search through the list took most of the time of making a page's lines.
const ASCII_DECOR: [bool; 128] = {
    let mut t = [false; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = (b as char).is_whitespace();
        b += 1;
    }
    let mut i = 0;
    while i < DECOR.len() {
        if DECOR[i].is_ascii() {
            t[DECOR[i] as usize] = true;
        }
        i += 1;
    }
    t
};

pub fn core_of(text: &str) -> &str {
    let decor = |c: char| match ASCII_DECOR.get(c as usize) {
        Some(&d) => d,
        None => is_decor(c),
    };
    let mut t = text.trim_start_matches(decor);
    // A trailing `*` frames a line only when one opens it too ("**Read more**"); alone it is a
    // mark that belongs to the words: a required form field ("Name *"), a footnote.
    let framed = text[..text.len() - t.len()].contains('*');
    let tail = |c: char| decor(c) && (c != '*' || framed);
    // An ASCII ellipsis ("Read more...", "...and more") is decoration like "…"; a single full
    // stop is not, since it tells a sentence from a title.
    loop {
        let before = t.len();
        t = t.trim_end_matches(tail);
        if t.ends_with("..") {
            t = t.trim_end_matches('.');
        }
        t = t.trim_start_matches(decor);
        if t.starts_with("..") {
            t = t.trim_start_matches('.');
        }
        if t.len() == before {
            break;
        }
    }
    // Brackets go only in matching pairs, so "(c) 2024" keeps its meaning.
    let pairs = [('(', ')'), ('[', ']'), ('{', '}')];
    for (open, close) in pairs {
        if t.len() >= 2 && t.starts_with(open) && t.ends_with(close) {
            let inner = &t[open.len_utf8()..t.len() - close.len_utf8()];
            if !inner.contains(close) {
                return inner.trim();
            }
        }
    }
    t
}

/// Characters of the Unicode private use areas: icon-font glyphs on scraped pages.
pub fn is_private_use(c: char) -> bool {
    matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD)
}

/// A kept line of the document: the source ranges that survive in it, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeptLine {
    pub pieces: Range<usize>,
    /// A blank or removed line stands between this line and the previous kept one.
    pub break_before: bool,
}

/// The result of cleaning one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cleaned {
    pub lines: Vec<KeptLine>,
    /// Source ranges of kept text; `KeptLine::pieces` index into this.
    pub pieces: Vec<Range<usize>>,
    /// Sorted by `byte_start`.
    pub removed: Vec<Removal>,
    pub extracted: Extracted,
}

impl Cleaned {
    /// The kept source ranges of line `i`.
    pub fn line_pieces(&self, i: usize) -> &[Range<usize>] {
        &self.pieces[self.lines[i].pieces.clone()]
    }
}

/// The cleaning stage with its rules compiled once.
pub struct Cleaner {
    settings: CleanSettings,
    phrases: PerThread<PhraseRules>,
    icons: icons::IconDetector,
    dateline: PerThread<dateline::DatelineDetector>,
}

/// A value cloned for each worker thread of a rayon pool, on first use. A regex keeps a pool of
/// search caches whose owner slot it writes at every search; two threads searching with one
/// regex bounce that cache line between their cores, and the phrase rules' searches took 3x
/// the CPU on 2 threads that they took on one (perf, 256 MB generated corpus). A clone has its
/// own pool. Threads outside a pool, and past the first `SLOTS`, share the original.
struct PerThread<T> {
    base: T,
    slots: Box<[std::sync::OnceLock<T>]>,
}

impl<T: Clone> PerThread<T> {
    const SLOTS: usize = 64;

    fn new(base: T) -> PerThread<T> {
        PerThread {
            base,
            slots: (0..Self::SLOTS)
                .map(|_| std::sync::OnceLock::new())
                .collect(),
        }
    }

    fn get(&self) -> &T {
        match rayon::current_thread_index().and_then(|i| self.slots.get(i)) {
            Some(slot) => slot.get_or_init(|| self.base.clone()),
            None => &self.base,
        }
    }
}

impl Cleaner {
    pub fn new(settings: &Settings) -> Result<Cleaner, regex::Error> {
        let enabled = |id: &str| !settings.clean.disabled.iter().any(|d| d == id);
        let specs: Vec<_> = settings
            .rules
            .iter()
            .filter(|r| enabled(&r.id))
            .cloned()
            .collect();
        Ok(Cleaner {
            settings: settings.clean.clone(),
            phrases: PerThread::new(PhraseRules::new(&specs)?),
            icons: icons::IconDetector::new(&settings.clean.icons),
            dateline: PerThread::new(dateline::DatelineDetector::new(&settings.clean.datelines)),
        })
    }

    fn enabled(&self, id: &str) -> bool {
        !self.settings.disabled.iter().any(|d| d == id)
    }

    /// Clean one document's source text, taken as a page's full visible text.
    pub fn clean(&self, src: &str) -> Cleaned {
        self.clean_as(src, Input::Page)
    }

    /// Clean one document's source text; `input` says whether it is a whole page or an
    /// extractor's output (whose edges are content).
    pub fn clean_as(&self, src: &str, input: Input) -> Cleaned {
        let mut page = Page::new(src);
        if self.enabled(rule::ICON_GLYPH) {
            icons::glyphs(&mut page);
        }
        if self.enabled(rule::ICON_STRING) {
            self.icons.detect(&mut page);
        }
        if self.enabled(rule::SEPARATOR) {
            chrome::separators(&mut page);
        }
        if self.enabled(rule::EDIT_LINK) {
            chrome::edit_links(&mut page);
        }
        if self.enabled(rule::QUOTE_STRIP) {
            chrome::quote_strips(&mut page);
        }
        // On scour's own extraction the lists were judged on the page, links and all: the
        // extractor dropped link menus and link lists, and a run of short lines it kept is the
        // content's (a product's specifications, a review's pros and cons, a table's rows,
        // which it prints with ` | ` between the cells). The menu rules guess menus from the
        // text alone; they run on every other kind of text.
        let judged = input == Input::Dom;
        if self.enabled(rule::NAV_MENU) && !judged {
            chrome::menus(&mut page, &self.settings.chrome);
        }
        if self.enabled(rule::DATELINE) {
            self.dateline.get().detect(&mut page);
        }
        self.phrases.get().detect(&mut page, false);
        // The cookie notices the rule packs took: `consent_notice` lines, and `site_chrome`
        // lines that name cookies ("We use cookies ..."; a read-also link about baking cookies
        // is no notice). Each notice's last line, with its buttons, tells the page edge where
        // the site's header ends.
        let base = &self.phrases.base;
        let known = |v: &Verdict| v.pack_rule.is_some_and(|r| base.id(r) == CONSENT_NOTICE);
        let words = &self.settings.edges.banner_words;
        let notices: Vec<usize> = (0..page.lines.len())
            .filter(|&i| {
                page.verdicts[i]
                    .as_ref()
                    .and_then(|v| v.pack_rule)
                    .is_some_and(|r| {
                        let id = base.id(r);
                        id == CONSENT_NOTICE
                            || id == SITE_CHROME && edges::names_cookies(page.lines[i].text, words)
                    })
            })
            .collect();
        let notice_ends: Vec<usize> = notices
            .into_iter()
            .map(|i| {
                if self.enabled(rule::CONSENT_BUTTON) {
                    chrome::consent_buttons(&mut page, i, &known)
                } else {
                    i
                }
            })
            .collect();
        if self.enabled(rule::REPEATED_LINE) {
            repeats::detect(&mut page, &self.settings.repeats);
        }
        let related = self.enabled(rule::RELATED_LIST) && !judged;
        let headlines = self.enabled(rule::HEADLINE_LIST) && !judged;
        if related || headlines {
            let after_related: Vec<bool> = page
                .verdicts
                .iter()
                .map(|v| {
                    v.as_ref()
                        .and_then(|v| v.pack_rule)
                        .is_some_and(|r| self.phrases.base.id(r) == RELATED_HEADER)
                })
                .collect();
            headlines::detect(
                &mut page,
                &self.settings.headlines,
                &after_related,
                related,
                headlines,
            );
        }
        if self.enabled(rule::MENU_RUN) && !judged {
            menus::detect(&mut page, &self.settings.menus, input == Input::Page);
        }
        // Before the edges: the article's tail ends where the readers' comments begin.
        if input == Input::Page && self.enabled(rule::COMMENT_THREAD) {
            edges::comment_thread(&mut page, &self.settings.edges);
            edges::reply_threads(&mut page, &self.settings.edges);
        }
        if input == Input::Page && self.enabled(rule::PAGE_EDGE) {
            let buttons = |p: &mut Page<'_>, i: usize| chrome::consent_buttons(p, i, &known);
            let buttons: Option<&edges::TakeButtons<'_>> =
                self.enabled(rule::CONSENT_BUTTON).then_some(&buttons);
            edges::detect(&mut page, &self.settings.edges, &notice_ends, buttons);
        }
        if related && input == Input::Page {
            headlines::teaser_lists(&mut page, &self.settings.headlines);
        }
        self.phrases.get().detect(&mut page, true);
        // Last, on the lines the others left: a byline stands in a menu run's lead and a page
        // edge's lead as the line it is, and leaves the text only once they are done.
        if self.enabled(rule::BYLINE) {
            dateline::bylines(&mut page, self.enabled(rule::AUTHOR_BOX));
        }
        if self.enabled(rule::AUTHOR_BOX) {
            dateline::author_bios(&mut page);
        }
        self.assemble(page)
    }

    fn assemble(&self, page: Page<'_>) -> Cleaned {
        let mut out = Cleaned::default();
        let mut inline = page.inline.iter().peekable();
        let mut pending_break = false;
        for (line, verdict) in page.lines.iter().zip(&page.verdicts) {
            // Inline removals inside lines that go as a whole are covered by the line's removal.
            let mut line_inline = Vec::new();
            while let Some((r, rule)) = inline.peek() {
                if r.start >= line.end && !(r.start == line.end && r.end == line.end) {
                    break;
                }
                if r.start >= line.start {
                    line_inline.push((r.clone(), *rule));
                }
                inline.next();
            }
            if let Some(v) = verdict {
                let rule_id = match v.pack_rule {
                    Some(i) => self.phrases.base.id(i).to_string(),
                    None => v.rule.to_string(),
                };
                out.removed.push(Removal {
                    rule: rule_id,
                    byte_start: line.start,
                    byte_end: line.end,
                    text: line.text.trim().to_string(),
                });
                for (key, value) in &v.meta {
                    out.extracted.push(*key, value.clone());
                }
                pending_break = true;
                continue;
            }
            if line.is_blank() {
                pending_break = true;
                continue;
            }
            let first = out.pieces.len();
            let mut pos = line.start;
            for (r, rule) in line_inline {
                if r.start > pos {
                    out.pieces.push(pos..r.start);
                }
                out.removed.push(Removal {
                    rule: rule.to_string(),
                    byte_start: r.start,
                    byte_end: r.end,
                    text: page.src[r.clone()].to_string(),
                });
                pos = r.end;
            }
            if line.end > pos {
                out.pieces.push(pos..line.end);
            }
            let kept_has_text = out.pieces[first..]
                .iter()
                .any(|r| !page.src[r.clone()].trim().is_empty());
            if !kept_has_text {
                out.pieces.truncate(first);
                pending_break = true;
                continue;
            }
            out.lines.push(KeptLine {
                pieces: first..out.pieces.len(),
                break_before: pending_break && !out.lines.is_empty(),
            });
            pending_break = false;
        }
        out.removed.sort_by_key(|r| (r.byte_start, r.byte_end));
        out
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// The default cleaner, built once: compiling the rule packs costs far more than
    /// cleaning a test's text.
    pub fn cleaner() -> &'static Cleaner {
        static CLEANER: std::sync::OnceLock<Cleaner> = std::sync::OnceLock::new();
        CLEANER.get_or_init(|| {
            let settings = Settings::from_toml(crate::config::DEFAULT_CONFIG, "default", None)
                .expect("default config");
            Cleaner::new(&settings).expect("rules compile")
        })
    }

    /// The kept text, one kept line per output line.
    pub fn kept(src: &str) -> String {
        kept_as(src, Input::Page)
    }

    /// [`kept`] for text of the given kind.
    pub fn kept_as(src: &str, input: Input) -> String {
        let c = cleaner().clean_as(src, input);
        let mut out = String::new();
        for i in 0..c.lines.len() {
            for r in c.line_pieces(i) {
                out.push_str(&src[r.clone()]);
            }
            out.push('\n');
        }
        out
    }

    /// (rule, removed text) pairs.
    pub fn removed(src: &str) -> Vec<(String, String)> {
        cleaner()
            .clean(src)
            .removed
            .into_iter()
            .map(|r| (r.rule, r.text))
            .collect()
    }

    /// The texts `rule` removed, in order.
    pub fn removed_by(src: &str, rule: &str) -> Vec<String> {
        removed(src)
            .into_iter()
            .filter(|(r, _)| r == rule)
            .map(|(_, text)| text)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use super::*;

    #[test]
    fn ascii_decor_table_is_the_decor_test() {
        for c in (0u8..128).map(char::from) {
            assert_eq!(ASCII_DECOR[c as usize], is_decor(c), "{c:?}");
        }
        assert!(ASCII_DECOR[usize::from(b'|')] && ASCII_DECOR[usize::from(b'\t')]);
        assert!(!ASCII_DECOR[usize::from(b'a')] && !ASCII_DECOR[usize::from(b'.')]);
    }

    #[test]
    fn open_line_list_is_the_open_lines() {
        let src = "one\n\n  \ntwo\nthree\n\nfour";
        let mut page = Page::new(src);
        page.claim(3, Verdict::remove(rule::SEPARATOR));
        let want: Vec<usize> = page.open_lines().collect();
        assert_eq!(page.open_line_list(), want);
        assert_eq!(want, [0, 4, 6]);
        assert!(page.open_line_list().capacity() >= page.lines.len());
    }

    #[test]
    fn lines_keep_exact_byte_ranges_with_crlf() {
        let src = "one\r\ntwo\n\nthree";
        let page = Page::new(src);
        let spans: Vec<_> = page.lines.iter().map(|l| &src[l.start..l.end]).collect();
        assert_eq!(spans, ["one", "two", "", "three"]);
    }

    #[test]
    fn core_strips_decoration_but_keeps_words() {
        assert_eq!(
            core_of("  Read more on the site →"),
            "Read more on the site"
        );
        assert_eq!(core_of("» Related:"), "Related");
        assert_eq!(core_of("(Photo: AP)"), "Photo: AP");
        assert_eq!(core_of("(c) 2024 Example"), "(c) 2024 Example");
    }

    #[test]
    fn core_keeps_required_marks_and_drops_ascii_ellipses() {
        // A trailing `*` alone is a required-field mark; around the words it is emphasis.
        assert_eq!(core_of("Name *"), "Name *");
        assert_eq!(core_of("Email* "), "Email*");
        assert_eq!(core_of("**Read more**"), "Read more");
        assert_eq!(core_of("* Salt to taste"), "Salt to taste");
        // "..." frames like "…"; one full stop ends a sentence and stays.
        assert_eq!(core_of("Read more..."), "Read more");
        assert_eq!(core_of("Full story... →"), "Full story");
        assert_eq!(core_of("...and more"), "and more");
        assert_eq!(core_of("The vote passed."), "The vote passed.");
    }

    #[test]
    fn ordinary_article_survives_untouched() {
        let src = "City council approves new budget\n\n\
            The city council voted on Tuesday to approve a budget of 4.2 million dollars.\n\
            Council members said they would read more proposals next month before deciding.\n\
            The mayor welcomed the vote.\n";
        let c = cleaner().clean(src);
        assert!(c.removed.is_empty(), "{:?}", c.removed);
        assert_eq!(kept(src).lines().count(), 4);
    }

    #[test]
    fn removals_carry_rule_and_exact_range() {
        let src = "Title of the story here\nBody sentence one is here.\nRead more →\n";
        let c = cleaner().clean(src);
        assert_eq!(c.removed.len(), 1);
        let r = &c.removed[0];
        assert_eq!(r.rule, "read_more");
        assert_eq!(&src[r.byte_start..r.byte_end], "Read more →");
    }

    #[test]
    fn disabled_rules_do_not_run() {
        let mut settings =
            Settings::from_toml(crate::config::DEFAULT_CONFIG, "default", None).unwrap();
        settings.clean.disabled = vec!["read_more".into()];
        let c = Cleaner::new(&settings)
            .unwrap()
            .clean("Story text.\nRead more\n");
        assert!(c.removed.is_empty());
    }

    #[test]
    fn break_before_marks_paragraph_gaps() {
        let c = cleaner().clean("a b c\n\nd e f\ng h i\n");
        let breaks: Vec<_> = c.lines.iter().map(|l| l.break_before).collect();
        assert_eq!(breaks, [false, true, false]);
    }
}
