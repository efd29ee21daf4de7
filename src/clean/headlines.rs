//! Lists of other stories pasted under (or into) an article: runs of short, title-like lines.
//!
//! - `related_list`: a run that follows a heading the rule packs call `related_header`
//!   ("Related Posts", "You may also like") goes whatever its topic.
//! - `headline_list`: any other run of at least `min_run` title-like lines goes when it is
//!   off-topic: at least `min_off_topic` of its lines are off-topic on their own (they share
//!   fewer than two content words with the rest of the document, or at most `max_overlap` of
//!   them), and at most `max_overlap` of the content words of all its lines together are
//!   shared. One shared word is what unrelated texts have in common by chance (a frequent word
//!   the stop list does not know: "plans", "police", "mission"), so a line's lone shared word
//!   counts for nothing; and a four-word title is too short to judge alone, hence the run's
//!   total. A list that belongs to the article shares much of its vocabulary and stays. So does
//!   a document that is mostly short lines (a poem, a list): there is too little else to judge
//!   it against.
//!
//! A run is cut free of the article around it first: where it touches a paragraph, a line at
//! that end that reads as a sentence (a question or exclamation in sentence case, or two
//! sentences) is the article's own short paragraph, not a headline.
//!
//! Two kinds of short lines are never headlines: a run of "Key: value" lines is a spec or fact
//! list ("OS: Windows 10", "Memory: 8 GB RAM"), and the lines after an article sentence that
//! ends in a colon are what that sentence introduces (a poem read at a funeral, a list of
//! demands): the article's own, whatever their topic. A related-stories heading over a spec
//! list ("Recommended:" over system requirements) is the list's heading, not chrome, and stays.

use super::{Line, Page, Verdict, rule, words};
use crate::config::HeadlineSettings;
use rustc_hash::FxHashMap as HashMap;

/// The line as written, trimmed of white space and of the list decoration that may follow a
/// headline ("Title -", "Title »"), but not of its own closing punctuation: `core` has lost a
/// closing ':' or "...", and they tell an introduction or a teaser from a title.
pub(super) fn raw_end(text: &str) -> &str {
    text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '-' | '–' | '—' | '|' | '•' | '·' | '»' | '›' | '→' | '*')
    })
}

fn is_title_like(line: &Line<'_>, s: &HeadlineSettings) -> bool {
    if line.words < s.min_words || line.words > s.max_words {
        return false;
    }
    // A row of a table ("| Boston | 64 | 18 |", "1 | Kyle Busch | 5040 | 5") is not a title.
    let t = line.text.trim();
    if t.len() > 2 && t.starts_with('|') && t.ends_with('|') || is_table_row(t) {
        return false;
    }
    // Sentences end with a full stop; list items introducing more text end with : ; or , (in
    // other scripts, theirs: `words::is_full_stop`, `words::is_clause_mark`). A question or an
    // exclamation may be a title.
    // A trailing ellipsis is a cut-off title or teaser ("Ten Things You Missed...").
    let end = raw_end(line.text);
    if end.ends_with("...") || end.ends_with('…') {
        return true;
    }
    !end.ends_with(|c| words::is_full_stop(c) || words::is_clause_mark(c))
        && !is_referenced_sentence(end)
}

/// A sentence with a reference in brackets after its full stop: an issue number, a source, a
/// footnote ("... stuck in the Applying state. (#4688)", "... the minister said. (Reuters)",
/// "... in 2019. [3]"). A title puts no stop before its bracket ("Storm closes coast road
/// (video)").
fn is_referenced_sentence(end: &str) -> bool {
    let open = match end.as_bytes().last() {
        Some(b')') => b'(',
        Some(b']') => b'[',
        _ => return false,
    };
    let Some(at) = memchr::memrchr(open, end.as_bytes()) else {
        return false;
    };
    let before = end[..at].trim_end();
    before.ends_with('.') && !before.ends_with("...")
}

/// A row of a table as text renders it, without the outer bars: three or more cells between
/// bars or tabs (as other tools print tables), one of them a figure ("3 | Kevin Harvick | 5033 |
/// 4", "pwc | Logitech QuickCam | 046D:08B7", "1\tAlaska\t$14.55"). A menu's "Home | News |
/// Sport" has no figures, and a title's "Story | Site" or a counter's "Views\t1234" has two
/// cells.
pub(super) fn is_table_row(t: &str) -> bool {
    let t = t.trim();
    for sep in [b'|', b'\t'] {
        if memchr::memchr_iter(sep, t.as_bytes()).count() >= 2 {
            return t.split(char::from(sep)).any(|cell| is_figure(cell.trim()));
        }
    }
    false
}

/// A line printed as a table's cells, however few: apart by " | " (scour's extractor), three or
/// more apart by tabs (other tools), or two apart by a tab with a figure ("5/1/2015\t+7.6%";
/// "Home\tNews" is a menu's). `menu_run` keeps a run of mostly such lines.
pub(super) fn has_cells(t: &str) -> bool {
    t.contains(" | ")
        || is_tab_row(t)
        || memchr::memchr_iter(b'\t', t.trim().as_bytes()).count() >= 2
}

/// Cells apart by tabs, one of them a figure: a row of a table of two or more columns as other
/// tools print it ("5/1/2015\t+7.6%"); a menu printed with tabs has no figures.
fn is_tab_row(t: &str) -> bool {
    let t = t.trim();
    t.contains('\t') && t.split('\t').any(|cell| is_figure(cell.trim()))
}

/// A table's figure: it starts with a digit (after a sign or a currency), and digits are at
/// least half of its letters and digits ("5033", "12.5%", "$2.50", "046D:08B7", "2040:4900,
/// 2040:4901"), which a title's "10 Best Phones" is not.
fn is_figure(cell: &str) -> bool {
    // A sign or a currency before the digits: "+7.6%", "$2.50", "€8".
    let cell = cell.trim_start_matches(['+', '-', '−', '$', '€', '£', '¥']);
    if !cell.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    let (mut digits, mut alnum) = (0usize, 0usize);
    for c in cell.chars().filter(|c| c.is_alphanumeric()) {
        alnum += 1;
        digits += usize::from(c.is_ascii_digit());
    }
    2 * digits >= alnum
}

/// The mark a list item opens with: a first character that is neither a letter, a digit, a
/// space nor an opening quote or bracket ("→", "•", "-", "›").
pub(super) fn bullet(text: &str) -> Option<char> {
    text.trim_start()
        .chars()
        .next()
        .filter(|&c| !c.is_alphanumeric() && !"\"'“‘([{«„".contains(c))
}

/// The open lines of blocks of three or more consecutive lines (blank lines between them
/// aside) that open with a time stamp, each later than the one before: chapters of an episode
/// or a video ("(02:14) A warm day in January", "1:02:03 - Q&A") or a live report told in
/// order. They are no titles; a ticker of other stories lists its times latest first.
fn chapter_lines(page: &Page<'_>) -> Vec<usize> {
    let mut out = Vec::new();
    let mut block: Vec<usize> = Vec::new();
    let mut last = 0u32;
    let close = |block: &mut Vec<usize>, out: &mut Vec<usize>| {
        if block.len() >= 3 {
            out.append(block);
        }
        block.clear();
    };
    for (i, line) in page.lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        // Most lines open with a letter.
        let stamp = if line
            .text
            .trim_start()
            .starts_with(|c: char| c.is_alphabetic())
        {
            None
        } else {
            time_stamp(line.text)
        };
        match stamp {
            Some(t) if page.verdicts[i].is_none() => {
                if block.is_empty() || t > last {
                    block.push(i);
                } else {
                    close(&mut block, &mut out);
                    block.push(i);
                }
                last = t;
            }
            _ => close(&mut block, &mut out),
        }
    }
    close(&mut block, &mut out);
    out
}

/// A run in sections: two or more groups of at least two items marked alike ("- ", "• "), each
/// under a line without the mark ("What you'll do", "Requirements", "Benefits"). A job ad's or a
/// product's own lists; a list of other stories is one flat list.
fn is_sectioned(page: &Page<'_>, run: &[usize]) -> bool {
    let (mut sections, mut items, mut headed) = (0, 0, false);
    let mut mark = None;
    for &i in run {
        match bullet(page.lines[i].text) {
            Some(m) if headed && (mark.is_none() || mark == Some(m)) => {
                mark = Some(m);
                items += 1;
                if items == 2 {
                    sections += 1;
                }
            }
            Some(_) => headed = false,
            None => {
                headed = true;
                items = 0;
                mark = None;
            }
        }
    }
    sections >= 2
}

/// A run whose first line carries a list's mark ("- ", "• ") right below an item with the same
/// mark too short, or too much a sentence, to be a title ("- Resume", "- Loose teeth"): the rest
/// of the article's list, whose first items are no titles. A list of other stories' headlines
/// is all titles.
fn ends_a_longer_list(page: &Page<'_>, run: &[usize], title_like: &[bool]) -> bool {
    let Some(&first) = run.first() else {
        return false;
    };
    let Some(mark) = bullet(page.lines[first].text) else {
        return false;
    };
    (0..first)
        .rev()
        .find(|&j| !page.lines[j].is_blank())
        .is_some_and(|j| {
            page.verdicts[j].is_none() && !title_like[j] && bullet(page.lines[j].text) == Some(mark)
        })
}

/// The seconds of the time stamp a line opens with (after a bullet, in brackets or not):
/// "m:ss", "mm:ss" or "h:mm:ss", followed by a bracket, a space or a dash.
fn time_stamp(text: &str) -> Option<u32> {
    let t = text.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '•' | '*'));
    let t = t.strip_prefix(['(', '[']).unwrap_or(t);
    let end = t
        .find(|c: char| !(c.is_ascii_digit() || c == ':'))
        .unwrap_or(t.len());
    let (stamp, rest) = t.split_at(end);
    if !(rest.is_empty() || rest.starts_with([')', ']', ' ', '-', '–', '—'])) {
        return None;
    }
    // At most three parts; a fourth makes it no stamp. No allocation: most lines asked are
    // not stamps.
    let mut parts = stamp.split(':');
    let mut next = || parts.next();
    let first_ok = |p: &str| (1..=2).contains(&p.len());
    let (hours, minutes, seconds, short) = match (next(), next(), next(), next()) {
        (Some(m), Some(s), None, _) if first_ok(m) && s.len() == 2 => ("0", m, s, true),
        (Some(h), Some(m), Some(s), None) if first_ok(h) && m.len() == 2 && s.len() == 2 => {
            (h, m, s, false)
        }
        _ => return None,
    };
    let [h, m, s] = [hours, minutes, seconds].map(|p| p.parse::<u32>().ok());
    let (h, m, s) = (h?, m?, s?);
    (s < 60 && (short || m < 60)).then_some(h * 3600 + m * 60 + s)
}

/// "Key: value" with a short capitalized key and a short value: "Memory: 8 GB RAM". In a
/// script without case (Arabic, Hebrew, Bengali, Thai, Chinese...) any letter starts a key:
/// "ঢাকা বোর্ড: ৭৯.২১ শতাংশ", "מטה: חיפה". A two-column table's row is one too
/// ([`is_key_bar_value`]).
pub(super) fn is_key_value(core: &str) -> bool {
    // Every line is asked, and most have no colon: one SIMD scan rules them out, where
    // `split_once(':')` stepped through core's portable search (132 instructions a line).
    // Khmer has a colon of its own ("៖"), looked for only on a line that starts with a
    // Khmer letter (UTF-8 0xE1 0x9E or 0x9F; a second scan of every line cost 1 % of a run).
    // A bar is looked for in the same scan (see `is_key_bar_value`), on a line that does not
    // start with a Khmer letter.
    let khmer = matches!(core.as_bytes(), [0xE1, 0x9E | 0x9F, ..]);
    let found = if khmer {
        core.find([':', KHMER_COLON])
    } else {
        match memchr::memchr2(b':', b'|', core.as_bytes()) {
            Some(bar) if core.as_bytes()[bar] == b'|' => {
                match memchr::memchr(b':', &core.as_bytes()[bar..]) {
                    Some(k) => Some(bar + k),
                    None => return is_key_bar_value(core, bar),
                }
            }
            found => found,
        }
    };
    let Some(at) = found else {
        return false;
    };
    let colon = core[at..].chars().next().map_or(1, char::len_utf8);
    is_key_and_value(&core[..at], &core[at + colon..])
}

/// A spec table's row as an extractor prints a table of two columns: "Gewicht | 1.420 g",
/// "Max. Zuladung | 12 kg". The value holds a digit: two labels apart by a bar ("Impressum |
/// Datenschutz") are a footer's links, and more bars make a menu or a wider table's row.
/// `at`: the line's first bar; it has no colon.
fn is_key_bar_value(core: &str, at: usize) -> bool {
    let (key, value) = (&core[..at], &core[at + 1..]);
    key.ends_with(' ')
        && !value.contains('|')
        && value.bytes().any(|b| b.is_ascii_digit())
        && is_key_and_value(key, value)
}

/// Khmer's colon, which ends a key or announces a list as ":" does.
pub(super) const KHMER_COLON: char = '៖';

/// Whether the two sides of a line's first colon read as a key and its value.
fn is_key_and_value(key: &str, value: &str) -> bool {
    // "10:30" is a time, "https://" an address: a key's colon is followed by a space. The
    // cheap tests first: most lines with a colon are sentences, and counting a long value's
    // words is the costly part.
    let capital = key
        .trim_start()
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_alphabetic() && !c.is_lowercase());
    if !capital || !value.starts_with(' ') {
        return false;
    }
    // A price list's row names what the price is for at more length, and may qualify the
    // price: "Concession (students, over-65s, jobseekers): £18.00", "Under 16s: £10.00 (must
    // be accompanied by an adult)".
    let (keys, values) = if is_price(value.trim_start()) {
        (PRICE_KEY_WORDS, PRICE_VALUE_WORDS)
    } else {
        (3, 6)
    };
    (1..=keys).contains(&words::count(key)) && (1..=values).contains(&words::count(value))
}

/// Words a price's key and value may have (see [`is_key_and_value`]).
const PRICE_KEY_WORDS: usize = 5;
const PRICE_VALUE_WORDS: usize = 10;

/// A value that opens with a price: a currency sign and a digit ("£18.00", "$ 5", "€12").
fn is_price(value: &str) -> bool {
    let mut chars = value.chars();
    chars
        .next()
        .is_some_and(|c| matches!(c, '£' | '$' | '€' | '¥' | '₩' | '₹' | '฿' | '₽' | '₺' | '₫'))
        && chars
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| c.is_ascii_digit())
}

/// For each line: is it one of two or more "Key: value" lines in a row (blank lines between)?
fn key_value_runs(page: &Page<'_>) -> Vec<bool> {
    let kv: Vec<bool> = page.lines.iter().map(|l| is_key_value(l.core)).collect();
    let mut out = vec![false; kv.len()];
    let mut prev: Option<usize> = None;
    for (i, line) in page.lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        if let Some(p) = prev
            && kv[p]
            && kv[i]
        {
            out[p] = true;
            out[i] = true;
        }
        prev = Some(i);
    }
    out
}

/// An article sentence that hands over to what follows: "At her request, her family will read
/// her favourite poem at the service:". A short Title Case heading ("Around The Web:") is not one.
fn introduces(line: &Line<'_>) -> bool {
    let end = raw_end(line.text);
    (end.ends_with([':', '：']) || announces_by_words(end))
        && line.words >= 4
        && !is_title_case(line.core)
}

/// A sentence that announces a list in words and ends with a full stop instead of a colon:
/// "The measures are as follows.", Korean "...다음과 같다.", Japanese "...以下の通り。",
/// Chinese "...如下。", German "...wie folgt.".
pub(super) fn announces_by_words(end: &str) -> bool {
    let Some(body) = end.strip_suffix(['.', '。']) else {
        return false;
    };
    let body = body.trim_end();
    // Every line ending in a stop is asked: its last character rules out most first.
    if !body.ends_with(['s', 'S', 'g', 'G', 't', 'T', '다', 'り', '下']) {
        return false;
    }
    [
        "as follows",
        "the following",
        "wie folgt",
        "다음과 같다",
        "다음과 같습니다",
        "아래와 같다",
        "아래와 같습니다",
        "以下の通り",
        "以下のとおり",
        "次の通り",
        "次のとおり",
        "如下",
    ]
    .iter()
    .any(|p| {
        body.len() >= p.len()
            && body.is_char_boundary(body.len() - p.len())
            && body[body.len() - p.len()..].eq_ignore_ascii_case(p)
    })
}

/// A line in Title Case ("Why Did The Tech Giant Drop Its Slogan?"): most of its longer words
/// start with a capital. Sentences capitalize only their first word and names.
fn is_title_case(core: &str) -> bool {
    let (mut long, mut capitalized) = (0usize, 0usize);
    for w in core.split_whitespace().skip(1) {
        let w = w.trim_matches(|c: char| !crate::chars::is_alphanumeric(c));
        let Some(first) = w.chars().next() else {
            continue;
        };
        // Short function words ("of", "in", "and") stay lowercase in many Title Case styles.
        if !crate::chars::is_alphabetic(first) || w.chars().count() < 4 {
            continue;
        }
        long += 1;
        if first.is_uppercase() {
            capitalized += 1;
        }
    }
    long > 0 && capitalized * 2 >= long
}

/// Where a full stop ends one sentence and another begins inside the line ("...that he. Gruzu
/// get..."). Initials and abbreviations ("David E. Kelley", "U.S. Senate", "Dr. Who") are short
/// words before the stop and do not count.
fn has_inner_sentence_break(core: &str) -> bool {
    // Chinese and Japanese close a sentence with a mark of their own, never an abbreviation's.
    if let Some(at) = core.find(['。', '！', '？']) {
        let after = &core[at + '。'.len_utf8()..];
        if after.chars().any(crate::chars::is_alphanumeric) {
            return true;
        }
    }
    let mut words = core.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let Some(next) = words.peek() else { break };
        let Some(stem) = w.strip_suffix('.') else {
            continue;
        };
        let stem = stem.trim_start_matches(|c: char| !crate::chars::is_alphanumeric(c));
        let starts_upper = next
            .trim_start_matches(['"', '\'', '“', '‘', '('])
            .chars()
            .next()
            .is_some_and(char::is_uppercase);
        if starts_upper
            && stem.chars().count() >= 4
            && stem.chars().all(crate::chars::is_alphabetic)
        {
            return true;
        }
    }
    false
}

/// A title-like line that is nonetheless a sentence of the article: a question or exclamation
/// in sentence case ("What will the council do now?"), or two sentences in one line. Headlines
/// are one sentence and, ending in ? or !, mostly Title Case; such a line at the edge of a run is
/// the article's paragraph next to a list, not part of it. A line that ends in a list separator
/// ("Is this the end? -") is a list item whatever its shape.
fn reads_as_sentence(text: &str, core: &str) -> bool {
    let text = text.trim_end();
    let separated = text.len() > core.len() && text.ends_with(['-', '–', '—', '|', '•', '·', '»']);
    if separated || is_title_case(core) {
        return false;
    }
    let end = core.trim_end_matches(['"', '\'', '”', '’', ')']);
    end.ends_with(['?', '!', '？', '！', '؟', '፧']) || has_inner_sentence_break(core)
}

/// How many of the document's open lines hold each content word, and each open line's
/// distinct content words (sorted) for the runs to take theirs from.
struct Vocabulary {
    counts: HashMap<u64, u32>,
    /// The open lines' words, one line after another.
    words: Vec<u64>,
    /// By line: where its words end in `words` (they start where the previous line's end),
    /// `NOT_OPEN` for a line that was not open. Four bytes a line: a page of millions of
    /// lines keeps this beside its lines while its runs are judged.
    ends: Vec<u32>,
}

const NOT_OPEN: u32 = u32::MAX;

impl Vocabulary {
    fn of(page: &Page<'_>) -> Vocabulary {
        let mut counts = HashMap::default();
        let mut words = Vec::new();
        let mut ends = vec![NOT_OPEN; page.lines.len()];
        let mut line = Vec::new();
        for i in page.open_lines() {
            content_words_into(page.lines[i].text, &mut line);
            for &w in &line {
                *counts.entry(w).or_insert(0) += 1;
            }
            words.extend_from_slice(&line);
            // A page has fewer than 4 billion words (a record is at most 64 MiB by default);
            // past that, its lines' words are found again (`NOT_OPEN`).
            ends[i] = u32::try_from(words.len()).unwrap_or(NOT_OPEN);
        }
        Vocabulary {
            counts,
            words,
            ends,
        }
    }

    /// The words of line `i`, if it was open.
    fn line(&self, i: usize) -> Option<&[u64]> {
        let end = *self.ends.get(i)?;
        if end == NOT_OPEN {
            return None;
        }
        let start = self.ends[..i]
            .iter()
            .rev()
            .find(|&&e| e != NOT_OPEN)
            .map_or(0, |&e| e as usize);
        self.words.get(start..end as usize)
    }
}

/// The distinct content words of a line, as hashes, sorted, into `v` (cleared first), so one
/// buffer serves many lines.
fn content_words_into(text: &str, v: &mut Vec<u64>) {
    v.clear();
    words::for_each_content_hash(text, |h| v.push(h));
    v.sort_unstable();
    v.dedup();
}

/// Related lists whose items are teasers (rule `related_list`): each title with a line of its
/// excerpt under it ("The £5 Compost Bin ...", "A few pallets, some wire and an afternoon ..."),
/// perhaps a "Read more" another rule took. The list's title-like run stops at the first
/// excerpt; run after the page's edges are found, this takes the rest while the lines alternate
/// between a title and one excerpt of at most [`TEASER_WORDS`] words, when two more titles
/// follow (one is a question and its answer in an interview), an article stands above (three
/// long lines in a row: a listing's teasers alternate titles and excerpts throughout) and no
/// long line of the page's (an article's paragraph, [`TEASER_TAIL_WORDS`] words
/// or more) is left open below: an inline "Related" box in an article's middle, with the
/// article going on below it, keeps what follows.
pub fn teaser_lists(page: &mut Page<'_>, s: &HeadlineSettings) {
    let listed = |p: &Page<'_>, i: usize| {
        p.verdicts[i]
            .as_ref()
            .is_some_and(|v| v.rule == rule::RELATED_LIST)
    };
    // Each list's last item: the next line with text is not one of its items.
    let ends: Vec<usize> = (0..page.lines.len())
        .filter(|&i| {
            listed(page, i)
                && !(i + 1..page.lines.len())
                    .find(|&j| !page.lines[j].is_blank())
                    .is_some_and(|j| listed(page, j))
        })
        .collect();
    // An article above the list: three long lines in a row. A listing page's teasers (its
    // content) alternate titles and excerpts all the way down.
    let mut streak = 0;
    let mut article = None;
    for i in 0..page.lines.len() {
        let l = &page.lines[i];
        if l.is_blank() {
            continue;
        }
        if page.verdicts[i].is_none() && l.words >= TEASER_TAIL_WORDS {
            streak += 1;
            if streak >= 3 {
                article = Some(i);
                break;
            }
        } else {
            streak = 0;
        }
    }
    for last in ends {
        if article.is_none_or(|a| a > last) {
            continue;
        }
        let mut take = Vec::new();
        let mut end = 0;
        let mut titles = 0;
        let mut excerpt = false;
        let mut stop = page.lines.len();
        for i in last + 1..page.lines.len() {
            let l = &page.lines[i];
            if l.is_blank() || page.verdicts[i].is_some() {
                continue;
            }
            if is_title_like(l, s) {
                // The run stopped at an excerpt, or at a line it gave back to the article (a
                // question that the answer below makes the article's).
                if take.is_empty() {
                    break;
                }
                excerpt = false;
                titles += 1;
                take.push(i);
                end = take.len();
            } else if !excerpt && l.words <= TEASER_WORDS {
                excerpt = true;
                take.push(i);
                // The last title's excerpt is the list's too.
                if end > 0 && end + 1 == take.len() {
                    end = take.len();
                }
            } else {
                stop = i;
                break;
            }
        }
        // Once a title is taken, every line taken after it is the list's (`end` is all of
        // `take`); before one, nothing is claimed: the rest of the page starts at `stop`.
        let article_below = (stop..page.lines.len())
            .any(|i| page.verdicts[i].is_none() && page.lines[i].words >= TEASER_TAIL_WORDS);
        if titles >= 2 && !article_below {
            for &i in &take[..end] {
                page.claim(i, Verdict::remove(rule::RELATED_LIST));
            }
        }
    }
}

/// Words of a line below a teaser list that is the page's prose, not a footer's.
const TEASER_TAIL_WORDS: usize = 15;

/// Words of a teaser's excerpt, at most.
const TEASER_WORDS: usize = 40;

/// `after_related[i]`: line `i` was claimed as a related-stories heading.
pub fn detect(
    page: &mut Page<'_>,
    s: &HeadlineSettings,
    after_related: &[bool],
    related: bool,
    headlines: bool,
) {
    detect_with(page, s, after_related, related, headlines, true);
}

/// [`detect`]; without `shortcuts`, the straightforward way the tests hold the shortcuts to:
/// every run is cut free of the article whether or not it is judged afterwards, and the
/// content words of a run's lines are found again instead of taken from the vocabulary's.
fn detect_with(
    page: &mut Page<'_>,
    s: &HeadlineSettings,
    after_related: &[bool],
    related: bool,
    headlines: bool,
    shortcuts: bool,
) {
    let specs = key_value_runs(page);
    // A related-stories heading over a spec list is that list's heading: it stays.
    for h in 0..page.lines.len() {
        if !after_related.get(h).copied().unwrap_or(false) || page.verdicts[h].is_none() {
            continue;
        }
        let next = (h + 1..page.lines.len()).find(|&j| !page.lines[j].is_blank());
        if next.is_some_and(|j| page.verdicts[j].is_none() && specs[j]) {
            page.verdicts[h] = None;
        }
    }
    let mut title_like: Vec<bool> = page
        .lines
        .iter()
        .zip(&specs)
        .map(|(l, &spec)| !spec && is_title_like(l, s) && !super::menus::is_quantity(l.text))
        .collect();
    for i in chapter_lines(page) {
        title_like[i] = false;
    }
    // Runs of title-like open lines, bridging blank and already removed lines. A run that an
    // article sentence introduces with a colon is the article's own and is not judged.
    let mut runs: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut current_related = false;
    let mut current_introduced = false;
    let mut last_removed_related = false;
    let mut introduced = false;
    let mut introduced_runs: Vec<bool> = Vec::new();
    for (i, line) in page.lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        if page.verdicts[i].is_some() {
            if after_related.get(i).copied().unwrap_or(false) {
                if !current.is_empty() {
                    runs.push((std::mem::take(&mut current), current_related));
                    introduced_runs.push(current_introduced);
                }
                last_removed_related = true;
                current_related = false;
            }
            // What a colon introduces follows it directly.
            introduced = false;
            continue;
        }
        if title_like[i] {
            if current.is_empty() {
                current_related = last_removed_related;
                current_introduced = introduced;
            }
            current.push(i);
        } else {
            if !current.is_empty() {
                runs.push((std::mem::take(&mut current), current_related));
                introduced_runs.push(current_introduced);
            }
            last_removed_related = false;
        }
        // The introduction carries over the list's first items when they are too short to be
        // titles or carry a list's mark: "You will need:", "Flour", "Sugar", "3 large eggs".
        let item = line.words < s.min_words || bullet(line.text).is_some();
        introduced = !title_like[i] && (introduces(line) || (introduced && item));
    }
    if !current.is_empty() {
        runs.push((current, current_related));
        introduced_runs.push(current_introduced);
    }
    // Is there a paragraph of the article (an open line that is not title-like) next to line
    // `i` on the side `step` points to, past blank and removed lines?
    let prose_beyond = |i: usize, step: isize| {
        let mut j = i as isize + step;
        while j >= 0 && (j as usize) < page.lines.len() {
            let (line, verdict) = (&page.lines[j as usize], &page.verdicts[j as usize]);
            if verdict.is_none() && !line.is_blank() {
                return !title_like[j as usize];
            }
            j += step;
        }
        false
    };
    // A run that is neither claimed as a related list nor judged below (too short, introduced,
    // or headline lists off) stays whatever its ends are: cutting only shortens a run, so it is
    // not cut. Most runs are one short line (a heading between paragraphs).
    let judged = |len: usize, introduced: bool| headlines && !introduced && len >= s.min_run.max(1);
    for ((run, after_heading), &introduced) in runs.iter_mut().zip(&introduced_runs) {
        if shortcuts && !(*after_heading && related) && !judged(run.len(), introduced) {
            continue;
        }
        let sentence = |i: &usize| reads_as_sentence(page.lines[*i].text, page.lines[*i].core);
        // After a heading the first line is the list's; only the far end can touch the article.
        if !*after_heading && run.first().is_some_and(|&i| prose_beyond(i, -1)) {
            let lead = run.iter().take_while(|i| sentence(i)).count();
            run.drain(..lead);
        }
        if run.last().is_some_and(|&i| prose_beyond(i, 1)) {
            while run.last().is_some_and(sentence) {
                run.pop();
            }
            // Items marked alike ("→ ...", "• ...") end where a line without the mark heads the
            // paragraph below: the article's next subheading.
            if let [items @ .., last] = run.as_slice()
                && items.len() >= 2
                && let Some(mark) = bullet(page.lines[items[0]].text)
                && items
                    .iter()
                    .all(|&i| bullet(page.lines[i].text) == Some(mark))
                && bullet(page.lines[*last].text) != Some(mark)
            {
                run.pop();
            }
        }
    }

    let mut vocabulary: Option<Vocabulary> = None;
    let mut total_words: Option<u32> = None;
    let mut line = Vec::new();
    for ((run, after_heading), introduced) in runs.into_iter().zip(introduced_runs) {
        if after_heading && related {
            for &i in &run {
                page.claim(i, Verdict::remove(rule::RELATED_LIST));
            }
            continue;
        }
        if !judged(run.len(), introduced)
            || is_sectioned(page, &run)
            || ends_a_longer_list(page, &run, &title_like)
        {
            continue;
        }
        let vocabulary = vocabulary.get_or_insert_with(|| Vocabulary::of(page));
        let vocab = &vocabulary.counts;
        // The run's lines were open when the vocabulary was made (runs are disjoint, and only
        // lines of earlier runs have been claimed since), so their words are there already.
        let run_sets: Vec<Vec<u64>> = run
            .iter()
            .map(|&i| match vocabulary.line(i) {
                Some(words) if shortcuts => words.to_vec(),
                _ => {
                    content_words_into(page.lines[i].text, &mut line);
                    line.clone()
                }
            })
            .collect();
        // The rest of the document: the vocabulary minus this run's own lines.
        let mut own: HashMap<u64, u32> = HashMap::default();
        for set in &run_sets {
            for &w in set {
                *own.entry(w).or_insert(0) += 1;
            }
        }
        let total: u32 = *total_words.get_or_insert_with(|| vocab.values().sum());
        let own_size: u32 = own
            .iter()
            .map(|(w, c)| (*c).min(vocab.get(w).copied().unwrap_or(0)))
            .sum();
        let rest_size = total - own_size.min(total);
        let run_size: usize = run_sets.iter().map(|s| s.len()).sum();
        // Too little text outside the run to say what the document is about.
        if rest_size < 20 || (rest_size as usize) < run_size {
            continue;
        }
        let in_rest =
            |w: &u64| vocab.get(w).copied().unwrap_or(0) > own.get(w).copied().unwrap_or(0);
        let (mut judged, mut off_topic) = (0usize, 0usize);
        let (mut words_in_run, mut shared_in_run) = (0usize, 0usize);
        for set in &run_sets {
            if set.is_empty() {
                continue;
            }
            judged += 1;
            let shared = set.iter().filter(|w| in_rest(w)).count();
            // Two shared words, or the line's only one: one word in common is chance, and
            // counts for nothing here or in the run's total.
            let evidence = shared >= 2.min(set.len());
            words_in_run += set.len();
            if evidence {
                shared_in_run += shared;
            }
            if !evidence || shared as f64 <= s.max_overlap * set.len() as f64 {
                off_topic += 1;
            }
        }
        // Four or five words are too few to judge a line by; the run's lines together are not,
        // so the run as a whole must share little too.
        let run_off_topic = shared_in_run as f64 <= s.max_overlap * words_in_run as f64;
        if judged >= s.min_run
            && off_topic as f64 >= s.min_off_topic * judged as f64
            && run_off_topic
        {
            for &i in &run {
                page.claim(i, Verdict::remove(rule::HEADLINE_LIST));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;
    use crate::doc::Input;

    /// The colon is found as `split_once(':')` finds it: lines with none, one, several, at
    /// either end, among multi-byte characters.
    #[test]
    fn key_value_splits_at_the_first_colon() {
        let reference = |core: &str| {
            core.split_once(':')
                .is_some_and(|(key, value)| super::is_key_and_value(key, value))
        };
        let pieces = [
            "OS",
            "Memory",
            "\u{c9}t\u{e9}",
            "8 GB",
            " ",
            ":",
            ": ",
            "::",
            "x",
            "\u{ff1a}",
            "a b",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(2);
        let mut yes = 0;
        for _ in 0..20_000 {
            let n = rng.below(8);
            let core = rng.concat(&pieces, n);
            let got = super::is_key_value(&core);
            assert_eq!(got, reference(&core), "{core:?}");
            yes += usize::from(got);
        }
        assert!(yes > 500, "{yes}");
    }

    /// The shortcuts (runs that are not judged left uncut, run lines' words taken from the
    /// vocabulary) decide every line as the straightforward way does: random pages of article
    /// sentences, headlines, questions, introductions, key-value lines and blank lines, with
    /// random related-stories headings and lines already claimed.
    #[test]
    fn shortcuts_decide_as_the_straightforward_way() {
        use super::{Page, Verdict, detect_with, rule};
        const LINES: &[&str] = &[
            "The harbour authority on Monday approved plans for a new ferry terminal on the east quay.",
            "Fishing crews had objected that the larger ferries would crowd the quay and its berths.",
            "The terminal will handle up to twelve ferry crossings a day and replace the old pier.",
            "Engineers say the old pier is no longer safe for heavy vehicles. Work starts in May.",
            "Pop Star Reveals Wedding Plans In Surprise Interview",
            "Ten Recipes For A Quick Weeknight Dinner -",
            "Football Club Signs Young Striker From Brazil",
            "Why Did The Tech Giant Drop Its Famous Slogan?",
            "Actor Opens Up About Life After Hollywood",
            "New ferry berth planned on the east quay",
            "What will the council do about the ferry now?",
            "Is this the end of the old pier? -",
            "The ferry vote passed. Crews were not happy",
            "At her request, the family will read her favourite poem at the service:",
            "OS: Windows 10",
            "Memory: 8 GB RAM",
            "Related stories",
            "Salt and pepper",
            "",
            "",
        ];
        let settings = crate::config::HeadlineSettings::default();
        let mut rng = crate::fingerprint::testgen::Rng::new(11);
        let (mut decided, mut differ_from_input) = (0, 0);
        for _ in 0..3000 {
            let n = 3 + rng.below(25);
            let src: String = (0..n)
                .map(|_| format!("{}\n", LINES[rng.below(LINES.len())]))
                .collect();
            let page = Page::new(&src);
            let lines = page.lines.len();
            let after_related: Vec<bool> = (0..lines).map(|_| rng.below(8) == 0).collect();
            let claimed: Vec<bool> = (0..lines).map(|_| rng.below(10) == 0).collect();
            let (related, headlines) = (rng.below(4) != 0, rng.below(8) != 0);
            let mut out = Vec::new();
            for shortcuts in [true, false] {
                let mut page = Page::new(&src);
                for i in 0..lines {
                    if claimed[i] || after_related[i] {
                        page.claim(i, Verdict::remove(rule::NAV_MENU));
                    }
                }
                let before = page.verdicts.clone();
                detect_with(
                    &mut page,
                    &settings,
                    &after_related,
                    related,
                    headlines,
                    shortcuts,
                );
                differ_from_input += usize::from(page.verdicts != before);
                out.push(page.verdicts);
            }
            assert_eq!(out[0], out[1], "{src}");
            // The vocabulary's words of each open line are the line's content words.
            let mut page = Page::new(&src);
            for (i, _) in claimed.iter().enumerate().filter(|(_, c)| **c) {
                page.claim(i, Verdict::remove(rule::NAV_MENU));
            }
            let vocabulary = super::Vocabulary::of(&page);
            let mut words = Vec::new();
            for i in 0..lines {
                let open = page.verdicts[i].is_none() && !page.lines[i].is_blank();
                super::content_words_into(page.lines[i].text, &mut words);
                assert_eq!(
                    vocabulary.line(i),
                    open.then_some(words.as_slice()),
                    "{i} {src}"
                );
            }
            decided += usize::from(
                out[0]
                    .iter()
                    .any(|v| v.as_ref().is_some_and(|v| v.rule == rule::HEADLINE_LIST)),
            );
        }
        assert!(
            decided > 100 && differ_from_input > 1000,
            "{decided} {differ_from_input}"
        );
    }

    const ARTICLE: &str = "Harbour authority approves new ferry terminal\n\
        The harbour authority on Monday approved plans for a new ferry terminal on the east quay, \
        ending two years of debate over the cost of the project and its effect on fishing boats.\n\
        The terminal will handle up to twelve ferry crossings a day and replace the old pier, \
        which engineers say is no longer safe for heavy vehicles.\n\
        Fishing crews had objected that the larger ferries would crowd the quay, but the authority \
        promised a separate berth for the fishing fleet and new moorings.\n";

    #[test]
    fn off_topic_headline_list_goes() {
        let src = format!(
            "{ARTICLE}-\n\
             Pop Star Reveals Wedding Plans In Surprise Interview -\n\
             Ten Recipes For A Quick Weeknight Dinner -\n\
             Football Club Signs Young Striker From Brazil -\n\
             Why Did The Tech Giant Drop Its Famous Slogan? -\n\
             Actor Opens Up About Life After Hollywood\n"
        );
        assert_eq!(kept(&src), ARTICLE);
        let rules: Vec<_> = removed(&src).into_iter().map(|(r, _)| r).collect();
        assert_eq!(rules[0], "separator");
        assert!(rules[1..].iter().all(|r| r == "headline_list"), "{rules:?}");
    }

    /// Items that are sentences with a reference after the stop (release notes' issue
    /// numbers, a wire source) are no titles, whatever their topic; titles with a bracket but
    /// no stop before it still are.
    #[test]
    fn sentences_with_a_reference_after_the_stop_are_no_headlines() {
        let notes = "- Fixed a race between leader transfer and snapshot install. (#4688)\n\
                     - Fixed incorrect TTL handling for keys written inside a retried transaction. (#4730)\n\
                     - The status command no longer reports a healthy cluster without quorum. (#4744)\n\
                     - Fixed a memory leak in the watch stream when clients disconnected. [PR 4761]\n";
        let src = format!("{ARTICLE}{notes}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        let titles = "Pop Star Reveals Wedding Plans In Surprise Interview (video)\n\
                      Ten Recipes For A Quick Weeknight Dinner [gallery]\n\
                      Football Club Signs Young Striker From Brazil\n\
                      Actor Opens Up About Life After Hollywood... (2)\n";
        let src = format!("{ARTICLE}{titles}");
        assert_eq!(kept_as(&src, Input::Extracted), ARTICLE);
    }

    /// An episode's chapters, in order, stay, and so does a list that follows them; a ticker's
    /// times, latest first, do not make its headlines the article's.
    #[test]
    fn chapters_in_order_are_no_headline_list() {
        let chapters = "(00:00) Cold open\n(02:14) A warm day in January\n\
                        (11:40) Who owned the tank?\n(24:05) The rescue\n\
                        (1:02:10) What engineers learned\n";
        let src = format!("{ARTICLE}{chapters}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        // Chapters then the books the episode mentions, on its topic, in one run of titles.
        let mentioned = "Mentioned in this episode\n\
                         The Ferry Quay: A History of the Harbour Authority\n\
                         Photographs of the east quay and its old pier\n\
                         Our earlier episode on the fishing fleet and its berths\n";
        let src = format!("{ARTICLE}{chapters}{mentioned}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        let ticker = "14:32 Pop Star Reveals Wedding Plans In Surprise Interview\n\
                      13:05 Ten Recipes For A Quick Weeknight Dinner\n\
                      12:40 Football Club Signs Young Striker From Brazil\n\
                      11:15 Actor Opens Up About Life After Hollywood\n";
        let src = format!("{ARTICLE}{ticker}");
        assert_eq!(kept_as(&src, Input::Extracted), ARTICLE);
        for (line, want) in [
            ("(02:14) A warm day", Some(134)),
            ("1:02:03 - Q&A", Some(3723)),
            ("- [05:10] Listener mail", Some(310)),
            ("14:32 Storm", Some(872)),
            ("2024 Storm", None),
            ("1:2 Storm", None),
            ("12:345 Storm", None),
            ("10:30am Storm", None),
            ("0:75:12 Storm", None),
            ("75:12 Storm", Some(4512)),
            ("1:02:03:04 Storm", None),
            ("12: Storm", None),
        ] {
            assert_eq!(super::time_stamp(line), want, "{line}");
        }
    }

    /// Four titles of other stories, off the topic of `ARTICLE`.
    const OTHER_TITLES: &str = "Pop Star Reveals Wedding Plans In Surprise Interview\n\
                                Ten Recipes For A Quick Weeknight Dinner\n\
                                Football Club Signs Young Striker From Brazil\n\
                                Actor Opens Up About Life After Hollywood\n";

    /// A sentence that says in words that a list follows introduces it as a colon does.
    #[test]
    fn a_list_announced_in_words_stays() {
        let items = OTHER_TITLES;
        for intro in [
            "The winners of this year's readers' poll are as follows.",
            "제주도가 올해 추진하는 주요 대응 사업은 다음과 같다.",
        ] {
            let src = format!("{ARTICLE}{intro}\n{items}");
            assert_eq!(kept_as(&src, Input::Extracted), src, "{intro}");
        }
        let src = format!("{ARTICLE}The vote went ahead as planned.\n{items}");
        assert_ne!(kept_as(&src, Input::Extracted), src);
    }

    /// A list whose first items are too short to be titles is the article's all through: the
    /// items that follow stay, marked ("- Resume") or announced by a colon whose introduction
    /// carries over the short ones ("Hammer"). The same titles marked alone still go.
    #[test]
    fn a_list_whose_first_items_are_no_titles_stays() {
        let titles = OTHER_TITLES;
        let marked: String = titles.lines().map(|t| format!("- {t}\n")).collect();
        let src = format!("{ARTICLE}- Resume\n- Cover letter\n{marked}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        let src =
            format!("{ARTICLE}Bring these to the workshop on Saturday:\nHammer\nSaw\n{titles}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        // Without the short items, or after a plain sentence, the titles go.
        let src = format!("{ARTICLE}{marked}");
        assert_ne!(kept_as(&src, Input::Extracted), src);
        let src = format!("{ARTICLE}The workshop went ahead on Saturday.\nHammer\nSaw\n{titles}");
        assert_ne!(kept_as(&src, Input::Extracted), src);
    }

    /// A list in sections under their headings is the page's own (a job ad's duties and
    /// requirements); one flat list of off-topic titles still goes, bullets or not.
    #[test]
    fn a_list_in_sections_stays() {
        let sections = "What you'll do\n\
                        - Own the pipelines that ingest GPS and engine data from the fleet\n\
                        - Design the schema for our new lakehouse on S3\n\
                        - Mentor two mid-level engineers\n\
                        What we're looking for\n\
                        - Five years building production data pipelines\n\
                        - Strong Python or Scala, and solid SQL\n";
        let src = format!("{ARTICLE}{sections}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        let flat = "More from the site\n\
                    - Pop Star Reveals Wedding Plans In Surprise Interview\n\
                    - Ten Recipes For A Quick Weeknight Dinner\n\
                    - Football Club Signs Young Striker From Brazil\n\
                    - Actor Opens Up About Life After Hollywood\n";
        let src = format!("{ARTICLE}{flat}");
        assert_eq!(kept_as(&src, Input::Extracted), ARTICLE);
    }

    #[test]
    fn figures_of_a_table_row() {
        for f in [
            "5033",
            "12.5%",
            "046D:08B7",
            "0x001000",
            "2040:4900, 2040:4901",
        ] {
            assert!(super::is_figure(f), "{f}");
        }
        for f in ["10 Best Phones", "3 Things To Know", "Top 10", "Story"] {
            assert!(!super::is_figure(f), "{f}");
        }
        assert!(super::is_table_row("pwc | Logitech QuickCam | 046D:08B7"));
        assert!(!super::is_table_row("10 Best Phones | The Daily"));
        assert!(!super::is_table_row("Home | News | Sport"));
        assert!(super::is_table_row("1\tAlaska\t$14.55"));
        assert!(!super::is_table_row("Home\tNews\tSport") && !super::is_table_row("\t12 photos"));
        assert!(!super::is_table_row("Views\t1234") && super::is_tab_row("Views\t1234"));
        assert!(!super::is_tab_row("Home\tNews\tSport") && super::is_tab_row("5/1/2015\t+7.6%"));
        assert!(super::is_tab_row("LinkedIn\t$2.50 – $7.00") && super::is_tab_row("Sale\t€8"));
    }

    #[test]
    fn a_table_in_the_article_is_no_headline_list() {
        // A standings table rendered as text: its rows are short and share no words with the
        // story, but they are figures, not titles.
        let table = "Pos. | Driver | Points | Wins\n\
                     1 | Anna Berg | 5040 | 5\n\
                     2 | Lars Holm | 5035 | 7\n\
                     3 | Maria Costa | 5033 | 4\n\
                     4 | Tom Reid | 5027 | 6\n";
        let close = "The authority will publish the final design of the terminal and its berths \
                     before the summer.\n";
        let src = format!("{ARTICLE}{table}{close}");
        assert_eq!(kept(&src), src);
        // Titles with a site name after one bar are still titles.
        let src = format!(
            "{ARTICLE}Pop Star Reveals Wedding Plans | The Daily\n\
             Ten Recipes For A Quick Weeknight Dinner | The Daily\n\
             Football Club Signs Young Striker From Brazil | The Daily\n\
             Actor Opens Up About Life After Hollywood | The Daily\n"
        );
        assert_eq!(kept(&src), ARTICLE);
    }

    /// A Chinese news story as sites write them: Latin names and numbers set off by spaces,
    /// sentences closed by the ideographic full stop, and a space where the source's lines
    /// were wrapped (a page rendered from hard-wrapped text).
    const CHINESE_ARTICLE: &str = "港务局批准新建 East Quay 渡轮码头\n\
        港务局周一批准了在 East Quay 新建渡轮码头的计划，结束了两年来关于工程造价及其对渔船影响的争论。\n\
        新码头每天最多可处理 12 个渡轮班次，并将取代旧栈桥。工程师表示，旧栈 桥已不能安全承载重型车辆。\n\
        渔民代表 Lars Holm 曾反对说，更大的渡轮会使码头拥挤，但港务局承诺为 渔船队设置单独的泊位和新的系泊设施。\n\
        港务局局长 Anna Berg 在会后表示：\n\
        码头工程预计 2027 年完工，渔船泊位将先行开放。\n";

    #[test]
    fn chinese_paragraphs_are_no_headlines_and_unrelated_chinese_titles_are() {
        // Its paragraphs have few spaces, so a count of space-separated words made each a
        // short line, and its closing stop is not ".": they went as an off-topic list, while
        // real titles were one word, too short to judge.
        assert_eq!(kept(CHINESE_ARTICLE), CHINESE_ARTICLE);
        let src = format!(
            "{CHINESE_ARTICLE}歌手在访谈中透露婚礼计划\n\
             十道适合工作日晚餐的快手菜\n\
             足球俱乐部签下巴西年轻前锋\n\
             科技巨头为何放弃著名口号\n\
             演员谈好莱坞之后的生活\n"
        );
        assert_eq!(kept(&src), CHINESE_ARTICLE);
        assert!(
            removed(&src).iter().all(|(r, _)| r == "headline_list"),
            "{:?}",
            removed(&src)
        );
        // Titles on the story's topic share its words (pairs of characters) and stay.
        let src = format!(
            "{CHINESE_ARTICLE}渡轮码头工程造价再次上调\n\
             渔船泊位将在码头完工前开放\n\
             港务局公布新码头渡轮班次\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn scour_extraction_keeps_its_title_lists() {
        // A shop category or news section read by scour's extractor: its list of titles is
        // what the page holds, and the extractor already dropped the link lists beside it.
        // Another extractor's output and a page's full text are still judged.
        let src = format!(
            "{ARTICLE}Related stories\n\
             Pop Star Reveals Wedding Plans In Surprise Interview\n\
             Ten Recipes For A Quick Weeknight Dinner\n\
             Football Club Signs Young Striker From Brazil\n"
        );
        assert_eq!(
            kept_as(&src, Input::Dom),
            src.replace("Related stories\n", "")
        );
        assert_eq!(kept_as(&src, Input::Extracted), ARTICLE);
    }

    #[test]
    fn on_topic_list_stays() {
        let src = format!(
            "{ARTICLE}The plans include:\n\
             A new ferry berth on the east quay\n\
             Separate moorings for the fishing fleet\n\
             Replacing the old pier for heavy vehicles\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn short_lists_and_one_line_paragraphs_stay() {
        let src = format!(
            "{ARTICLE}Eggs, flour and milk\n\
             Salt to taste\n\
             The vote is expected next week.\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn a_document_of_short_lines_is_not_judged_against_nothing() {
        let src =
            "The sea at night\nA lamp above the door\nWind in the cold pines\nMy father's coat\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn list_after_related_heading_goes_even_on_topic() {
        let src = format!(
            "{ARTICLE}Related Articles\n\
             Harbour authority delays ferry terminal vote\n\
             Fishing crews protest at the east quay\n"
        );
        assert_eq!(kept(&src), ARTICLE);
        let rules: Vec<_> = removed(&src).into_iter().map(|(r, _)| r).collect();
        assert_eq!(rules, ["related_header", "related_list", "related_list"]);
    }

    /// Teasers under a related heading, each title with an excerpt, go whole below an article;
    /// a listing page's teasers (no article above them), an inline box with the article going
    /// on below it, and a question the run gave back to the article stay.
    #[test]
    fn a_related_list_of_teasers_goes_with_its_excerpts() {
        let teasers = "Harbour authority delays ferry terminal vote\n\
             The board wants another study of the quay before it commits to the contract.\n\
             Fishing crews protest at the east quay\n\
             Dozens of boats blocked the harbour mouth for an hour on Saturday morning.\n\
             New ferry timetable for the winter\n\
             Fewer sailings on weekdays, but a late boat on Fridays from November.\n";
        let src = format!("{ARTICLE}You might also like\n{teasers}");
        assert_eq!(kept(&src), ARTICLE, "{:?}", removed(&src));
        // A listing: the same teasers are the page.
        let src = format!("Harbour news\nLatest stories\n{teasers}Most read\n{teasers}");
        let kept_text = kept(&src);
        assert!(
            kept_text.contains("Dozens of boats blocked"),
            "{kept_text}\n{:?}",
            removed(&src)
        );
        // An inline box: the article goes on below it.
        let below = ARTICLE.replace("Harbour authority approves new ferry terminal\n", "");
        let src = format!(
            "{ARTICLE}Related\n{teasers}{}",
            below.replace("harbour", "port")
        );
        assert!(
            kept(&src).contains("The board wants another study"),
            "{:?}",
            removed(&src)
        );
        // An interview's question right below the box's one title, then its answer.
        let qa = "Will the ferries be bigger?\n\
                  Mara Lind: Yes, about twice the size, which is why the quay needs new walls.\n\
                  Who pays for the walls?\n\
                  Mara Lind: The port board and the council share it, half and half.\n";
        let src = format!("{ARTICLE}Read also\nHarbour authority delays ferry terminal vote\n{qa}");
        assert!(kept(&src).contains(qa), "{:?}", removed(&src));
    }

    #[test]
    fn a_subheading_below_a_marked_list_is_no_item() {
        let para = "Store leftovers in an airtight container in the fridge for up to four days and reheat gently.\n";
        let src = format!(
            "{ARTICLE}You might also like:\n→ Harbour authority delays ferry terminal vote\n\
             → Fishing crews protest at the east quay\n→ New ferry timetable for the winter\n\
             Storage and Reheating\n{para}"
        );
        assert_eq!(
            kept(&src),
            format!("{ARTICLE}Storage and Reheating\n{para}")
        );
    }

    #[test]
    fn on_topic_list_with_varied_vocabulary_stays() {
        // Each item rewords a different part of the article, in words of its own as well.
        let src = format!(
            "{ARTICLE}What changes for travellers\n\
             Twelve ferry crossings a day from the new terminal\n\
             Heavy vehicles move off the old pier\n\
             A separate berth keeps the fishing boats clear\n\
             Two years of debate over the cost end\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn off_topic_list_sharing_one_common_word_per_line_goes() {
        // Every title shares exactly one frequent word with the article (plans, engineers,
        // crowd, fishing, project): a quarter of its content words, but chance, not topic.
        let src = format!(
            "{ARTICLE}Pop Star Plans Wedding\n\
             Engineers Win Robotics Prize\n\
             Crowd Cheers Film Premiere\n\
             Fishing Tips For Summer Holidays\n\
             Tech Giant Project Delayed\n"
        );
        assert_eq!(kept(&src), ARTICLE);
        assert!(removed(&src).iter().all(|(r, _)| r == "headline_list"));
    }

    #[test]
    fn short_closing_question_of_the_article_is_not_a_headline() {
        let body = format!("{ARTICLE}Will the new terminal be ready before the summer season?\n");
        let src = format!(
            "{body}Pop Star Reveals Wedding Plans In Surprise Interview\n\
             Ten Recipes For A Quick Weeknight Dinner\n\
             Football Club Signs Young Striker From Brazil\n"
        );
        assert_eq!(kept(&src), body);
        let src = format!(
            "{ARTICLE}What a day it was for the fishing crews!\n\
             Pop star reveals wedding plans in surprise interview\n\
             Ten recipes for a quick weeknight dinner\n\
             Football club signs young striker from Brazil\n"
        );
        assert_eq!(
            kept(&src),
            format!("{ARTICLE}What a day it was for the fishing crews!\n")
        );
    }

    #[test]
    fn question_headlines_in_a_list_still_go() {
        // Title Case, or a list separator after it: a headline even though it asks.
        let src = format!(
            "{ARTICLE}Why Did The Tech Giant Drop Its Famous Slogan?\n\
             Pop Star Reveals Wedding Plans In Surprise Interview\n\
             Ten Recipes For A Quick Weeknight Dinner\n\
             Is this the end for the office lunch? -\n\
             Football club signs young striker from Brazil -\n\
             Actor opens up about life after Hollywood -\n"
        );
        assert_eq!(kept(&src), ARTICLE);
    }

    #[test]
    fn sentence_shapes() {
        use super::{has_inner_sentence_break, is_title_case, reads_as_sentence};
        assert!(is_title_case("Why Did The Tech Giant Drop Its Slogan?"));
        assert!(!is_title_case("Will the terminal be ready by summer?"));
        assert!(has_inner_sentence_break(
            "The vote passed. Critics were not pleased"
        ));
        assert!(!has_inner_sentence_break("David E. Kelley Breaks Vow"));
        assert!(!has_inner_sentence_break("U.S. Senate passes the bill"));
        assert!(reads_as_sentence("What now?", "What now?"));
        assert!(!reads_as_sentence("What now? -", "What now?"));
        assert!(!reads_as_sentence(
            "Ferry terminal approved",
            "Ferry terminal approved"
        ));
    }

    #[test]
    fn a_poem_an_article_sentence_introduces_stays() {
        let src = format!(
            "{ARTICLE}At her request, her family will read her favourite poem at the service:\n\
             Do not stand at my grave and weep\n\
             I am not there, I do not sleep\n\
             I am a thousand winds that blow\n\
             I am the diamond glints on snow\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn closing_colon_and_full_stop_are_read_from_the_line_as_written() {
        use super::{Line, is_title_like};
        let s = crate::config::HeadlineSettings::default();
        let line = |text: &'static str| Line {
            start: 0,
            end: text.len(),
            text,
            core: crate::clean::core_of(text),
            words: crate::clean::words::count(text),
            key_size: 0,
        };
        assert!(!is_title_like(
            &line("Her favourite poem was read at the service:"),
            &s
        ));
        assert!(!is_title_like(&line("The plans include these:"), &s));
        assert!(!is_title_like(&line("The council met on Tuesday."), &s));
        assert!(is_title_like(
            &line("Ten Things You Missed This Week..."),
            &s
        ));
        assert!(is_title_like(&line("Pop Star Reveals Wedding Plans -"), &s));
    }

    #[test]
    fn a_spec_list_under_a_related_heading_stays() {
        let src = format!(
            "{ARTICLE}Recommended:\n\
             OS: Windows 10 64-bit\n\
             Processor: Intel Core i5-4460\n\
             Memory: 8 GB RAM\n\
             Graphics: NVIDIA GeForce GTX 970\n\
             Storage: 50 GB available space\n"
        );
        assert_eq!(kept(&src), src);
        // A run of facts is not a run of headlines either.
        let src = format!(
            "{ARTICLE}Engine: V8 twin turbo\n\
             Power: 503 horsepower\n\
             Top speed: 190 mph\n\
             Price: From 180,000 dollars\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn headlines_under_a_heading_with_one_colon_title_still_go() {
        let src = format!(
            "{ARTICLE}Related Articles\n\
             Analysis: Pop star plans a wedding\n\
             Football club signs young striker from Brazil\n"
        );
        assert_eq!(kept(&src), ARTICLE);
    }
}
