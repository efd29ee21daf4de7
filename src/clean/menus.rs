//! Menus and page chrome laid out one item per line: the shape a page's full visible text takes
//! when navigation, filters, footers and shop widgets are printed block by block.
//!
//! `menu_run`: a run of at least `min_run` consecutive short lines (at most `max_words` words)
//!   that do not end like a sentence ("Home", "World", "Sport", "Toggle", "$18", "Add to
//!   Wishlist"). What makes such a run article text stays: a run introduced by a sentence that
//!   ends in ":" (a list the article announces), a run whose lines mostly read like verse (start
//!   in lower case, end in a comma), and the title and byline at a run's end that lead straight
//!   into the article's first prose line (or, above the article, a headline higher in the
//!   run's end that restates its subject), a table whose rows of short cells the extractor
//!   joined with " | ", program text (a run of mostly code lines or names from code; in a
//!   run that goes, its code lines stay), and a list of quantities and facts (an ingredient
//!   list, a box's contents, a recipe card's "Cottura: 1 ora": most lines a number, a unit and
//!   what it counts, before or after it, or "Key: value"; in a run that goes, the quantities
//!   stay).
//!
//! Only on a page where prose holds `min_prose_share` of the words of prose and short lines
//! (`page_min_prose_share` on a page's full visible text, whose own menus weigh in): where short
//! lines dominate (a product grid, a link list that is the page's content) they stay.

use super::{Line, Page, Verdict, edges, headlines, rule, words};
use crate::config::MenuSettings;
use rustc_hash::FxHashSet;

/// How many of a run's lines, above those kept at its end, are asked whether they read as the
/// article's headline.
const HEADLINE_MEMBERS: usize = 4;
/// How many open lines may stand between a run and the article's first prose line for the run
/// to hold the article's headline.
const HEADLINE_GAP: usize = 4;
/// How many of a list's first items, too long to join a run, may stand between the run and
/// the sentence that announces the list.
const ITEM_REACH: usize = 2;
/// The marks a list inside an article sets its items with (a menu's arrows are none).
const LIST_MARKS: &str = "-–•*▪◦·";

/// The last visible character of a line ends a sentence or a clause of a list or verse
/// ([`words::is_sentence_end`], [`words::is_clause_mark`]), looking past closing quotes and
/// brackets.
fn ends_sentence(core: &str) -> bool {
    core.trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»'])
        .chars()
        .next_back()
        .is_some_and(|c| words::is_sentence_end(c) || words::is_clause_mark(c))
}

/// A short line that is not (part of) a sentence: the shape of a menu item or widget label.
fn is_short_label(l: &Line<'_>, s: &MenuSettings) -> bool {
    l.words >= 1 && l.words <= s.max_words && !ends_sentence(l.core) && !edges::announces(l)
}

/// A line of program code, or a name from it: what a documentation page lists one a line (a
/// function's parameters, a listing, an interpreter session), and never a menu's label. Labels
/// are words; they hold no `snake_case` names, calls (`f(x)`, `v[0]`), operators (`==`, ` = `,
/// `a->b`, `a::b`), braces, pointers (`u64 *rem`) or prompts (`>>> `). A shop filter's
/// "Red(12)", a price "$ 18", a breadcrumb "Home :: News" or a footnote "*Terms apply" is not
/// code.
fn is_code(text: &str) -> bool {
    let t = text.trim();
    if t.starts_with(">>> ") || t.starts_with("... ") {
        return true;
    }
    let b = t.as_bytes();
    let ident = |c: &u8| c.is_ascii_alphanumeric() || *c == b'_';
    let at = |i: usize, back: usize| i.checked_sub(back).and_then(|j| b.get(j));
    (0..b.len()).any(|i| {
        let (prev, next) = (at(i, 1), b.get(i + 1));
        match b[i] {
            b'_' => {
                prev.is_some_and(u8::is_ascii_alphanumeric)
                    || next.is_some_and(u8::is_ascii_alphanumeric)
            }
            b'(' => prev.is_some_and(ident) && !next.is_some_and(u8::is_ascii_digit),
            b'[' => prev.is_some_and(ident),
            b'{' | b'}' => true,
            b'=' => {
                matches!(prev, Some(b'=' | b'!' | b'+' | b'-'))
                    || prev == Some(&b' ') && next == Some(&b' ')
            }
            b'>' | b':' => {
                let pair = if b[i] == b'>' { b'-' } else { b':' };
                prev == Some(&pair) && at(i, 2).is_some_and(ident) && next.is_some_and(ident)
            }
            b'*' => {
                next.is_some_and(|n| n.is_ascii_alphabetic() || *n == b'_')
                    && (prev == Some(&b'(') || prev == Some(&b' ') && at(i, 2).is_some_and(ident))
            }
            _ => false,
        }
    })
}

/// Units a list of things to use or of a box's contents counts in: "2 tbsp olive oil", "250 g
/// red lentils", "1 x 400 g tin chopped tomatoes", "2 x HDMI 2.1", "1 EL Olivenöl".
const QUANTITY_UNITS: &[&str] = &[
    "x",
    "×",
    "tbsp",
    "tbs",
    "tbsps",
    "tablespoon",
    "tablespoons",
    "tsp",
    "tsps",
    "teaspoon",
    "teaspoons",
    "cup",
    "cups",
    "g",
    "gr",
    "gram",
    "grams",
    "kg",
    "mg",
    "ml",
    "cl",
    "dl",
    "l",
    "litre",
    "litres",
    "liter",
    "liters",
    "oz",
    "ounce",
    "ounces",
    "lb",
    "lbs",
    "pound",
    "pounds",
    "pint",
    "pints",
    "quart",
    "quarts",
    "clove",
    "cloves",
    "pinch",
    "dash",
    "can",
    "cans",
    "tin",
    "tins",
    "jar",
    "jars",
    "pack",
    "packs",
    "packet",
    "packets",
    "bunch",
    "handful",
    "sprig",
    "sprigs",
    "stick",
    "sticks",
    "slice",
    "slices",
    "el",
    "tl",
    "stück",
    "prise",
    "cucharada",
    "cucharadas",
    "cucharadita",
    "cucharaditas",
    "cucchiaio",
    "cucchiai",
    "cucchiaino",
    "cucchiaini",
    "spicchio",
    "spicchi",
    "pizzico",
    "bicchiere",
    "cuillère",
    "cuillères",
    "gousse",
    "gousses",
    "pincée",
    // Lengths: "3 cm ginger", "2 mm thick slices".
    "cm",
    "mm",
];

/// Units that are also counting words of headlines when capitalized ("2 Ekor Harimau Lepas",
/// two tigers escape): in lower case only. Malay and Indonesian: spoon, cup, clove, piece,
/// sheet, stalk, slice, a whole one.
const LOWER_CASE_UNITS: &[&str] = &[
    "sudu", "sdm", "sdt", "cawan", "gelas", "ulas", "siung", "biji", "buah", "helai", "lembar",
    "batang", "tangkai", "keping", "ekor",
];

/// A line of a list of quantities: a number or fraction ("2", "1.5", "1/2", "½", "1 ½"), a
/// unit from [`QUANTITY_UNITS`], and what it counts. An ingredient list or a box's contents,
/// whose lines are as short as a menu's, but never a menu's ("12 Comments" and "5 min read"
/// name no unit; "56g" counts nothing). Or the name first and the quantity after it, as
/// Italian and French recipes write them ([`trailing_quantity`]).
pub(super) fn is_quantity(text: &str) -> bool {
    // Checkboxes and bullets recipe cards print before each line.
    let t = text.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, '▢' | '☐' | '□' | '•' | '-' | '*' | '–')
    });
    let fraction = |c: char| matches!(c, '½' | '¼' | '¾' | '⅓' | '⅔' | '⅛' | '⅜' | '⅝' | '⅞');
    let numeral =
        |c: char| c.is_ascii_digit() || fraction(c) || matches!(c, '.' | ',' | '/' | '-' | '–');
    // A list's numbering ("2. Can I freeze it?") ends in a stop; a number does not.
    // At least one digit: a dash alone ("Close menu – x") is no number.
    let number = |w: &str| {
        !w.ends_with('.')
            && w.chars().all(numeral)
            && w.chars().any(|c| c.is_ascii_digit() || fraction(c))
    };
    let is_unit = |w: &str| {
        let w = w.strip_suffix('.').unwrap_or(w);
        QUANTITY_UNITS
            .iter()
            .any(|u| w.eq_ignore_ascii_case(u) || !w.is_ascii() && w.to_lowercase() == *u)
            || LOWER_CASE_UNITS.contains(&w)
    };
    // Most lines open with a letter: they can only hold the quantity after the name.
    if !t.starts_with(|c: char| c.is_ascii_digit() || fraction(c)) {
        return trailing_quantity(t, number, is_unit);
    }
    let mut words = t.split_whitespace().peekable();
    let Some(first) = words.next() else {
        return false;
    };
    // A unit glued to its number: "250g red lentils", "2tbsp oil".
    let glued = first
        .find(|c: char| c.is_alphabetic())
        .is_some_and(|at| number(&first[..at]) && is_unit(&first[at..]));
    if !glued {
        if !number(first) {
            return false;
        }
        // "1 ½ cups"
        words.next_if(|w| w.chars().all(fraction));
        if !words.next().is_some_and(is_unit) {
            return false;
        }
    }
    words
        .next()
        .is_some_and(|w| w.chars().any(char::is_alphanumeric))
}

/// The quantity written after what it counts, as Italian and French recipes list ingredients:
/// one to five words of a name, then a number and a unit ("Passata di pomodoro 700 g", "Aglio 1
/// spicchio") or "q.b." ("as much as needed": "Sale grosso q.b."). A title that ends in a number
/// names no unit after it ("Top 10", "Windows 11").
fn trailing_quantity(
    t: &str,
    number: impl Fn(&str) -> bool,
    is_unit: impl Fn(&str) -> bool,
) -> bool {
    // Every line opening with a letter is asked: its last word is looked at before any other.
    let mut back = t.split_whitespace().rev();
    let Some(last) = back.next() else {
        return false;
    };
    // The number first: most lines' second-last word fails at its first character, where the
    // unit's test compares the last word with every unit. A capitalized unit after a number is
    // a name's ("About 7 Cups", a service's).
    if last != "q.b."
        && (!back.next().is_some_and(&number)
            || last.starts_with(char::is_uppercase)
            || !is_unit(last))
    {
        return false;
    }
    // The words left are the name's, and they are words, not a table's cells ("Monitor Weight
    // | 2–10 lbs"). `t` opens with the name.
    t.starts_with(char::is_alphabetic)
        && (1..=5).contains(&back.clone().count())
        && !back.any(|w| w.contains('|'))
}

/// A numbered section heading: a section number ("1", "2.3", "4."; at most three parts of two
/// digits), then a capitalized title of up to four words ("1 Introduction", "2.3 Study area").
/// Not a widget's count ("12 Comments", "3 Answers", "5 min read").
fn is_numbered_heading(text: &str) -> bool {
    let t = text.trim();
    let Some((number, title)) = t.split_once(' ') else {
        return false;
    };
    let number = number.strip_suffix('.').unwrap_or(number);
    let parts: Vec<&str> = number.split('.').collect();
    let numbered = (1..=3).contains(&parts.len())
        && parts
            .iter()
            .all(|p| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()));
    let words = title.split_whitespace().count();
    let counted = title
        .split_whitespace()
        .next()
        .is_some_and(|w| COUNTED.iter().any(|c| w.eq_ignore_ascii_case(c)));
    numbered
        && (1..=4).contains(&words)
        && title.starts_with(char::is_uppercase)
        && !title.ends_with(['.', '!', '?', ':'])
        && !counted
}

/// What widgets count: a number before one of these is a count, not a section's number.
const COUNTED: &[&str] = &[
    "comment",
    "comments",
    "reply",
    "replies",
    "answer",
    "answers",
    "response",
    "responses",
    "review",
    "reviews",
    "rating",
    "ratings",
    "like",
    "likes",
    "share",
    "shares",
    "view",
    "views",
    "vote",
    "votes",
    "photo",
    "photos",
    "image",
    "images",
    "video",
    "videos",
    "item",
    "items",
    "product",
    "products",
    "follower",
    "followers",
    "post",
    "posts",
    "min",
    "mins",
    "minute",
    "minutes",
    "hour",
    "hours",
    "day",
    "days",
    "result",
    "results",
];

/// A writer's sign-off: a dash, then a name of one to four words ("— Mara", "-- The Editors").
/// Not a hyphen, which marks a list's items ("- Next Auto News").
pub(super) fn is_sign_off(l: &Line<'_>) -> bool {
    let text = l.text.trim_start();
    (text.starts_with(['—', '–']) || text.starts_with("--"))
        && (1..=4).contains(&l.core.split_whitespace().count())
        && l.core.starts_with(char::is_uppercase)
        && !l.core.ends_with(['.', '!', '?', ':'])
}

/// A line of running prose: long enough and ending like a sentence.
fn is_prose(l: &Line<'_>, s: &MenuSettings) -> bool {
    l.words >= s.prose_words && ends_sentence(l.core) || l.words >= 2 * s.prose_words
}

/// A line that reads like verse or a running list rather than a label: it starts in lower
/// case with several words ("and the sea between us"), or ends in a comma or semicolon.
fn is_verse_like(l: &Line<'_>) -> bool {
    let core = l.core.trim_end();
    if core.ends_with([',', ';', '，', '；', '、']) {
        return true;
    }
    l.words >= 3 && core.chars().next().is_some_and(|c| c.is_lowercase())
}

pub fn detect(page: &mut Page<'_>, s: &MenuSettings, full_page: bool) {
    // The lines that count: not blank. Claimed lines (other chrome) join a run without
    // counting toward its length.
    let mut idx = Vec::with_capacity(page.lines.len());
    idx.extend((0..page.lines.len()).filter(|&i| !page.lines[i].is_blank()));
    // Where the text is mostly short lines (a shop's product grid, a list of links that is
    // the page's content), runs of them are what the page has to say: only a page with an
    // article in it has menus around that article.
    let prose_words: usize = idx
        .iter()
        .filter(|&&i| page.verdicts[i].is_none() && is_prose(&page.lines[i], s))
        .map(|&i| page.lines[i].words)
        .sum();
    let short_words: usize = idx
        .iter()
        .filter(|&&i| page.verdicts[i].is_none() && is_short_label(&page.lines[i], s))
        .map(|&i| page.lines[i].words)
        .sum();
    let share = if full_page {
        s.page_min_prose_share
    } else {
        s.min_prose_share
    };
    if prose_words as f64 >= share * (prose_words + short_words) as f64 {
        menu_runs(page, s, &idx);
    }
}

fn menu_runs(page: &mut Page<'_>, s: &MenuSettings, idx: &[usize]) {
    let open = |p: &Page<'_>, i: usize| p.verdicts[i].is_none();
    // The article's first prose line, and its content words once a run above it asks.
    let first_prose = idx
        .iter()
        .copied()
        .find(|&i| open(page, i) && is_prose(&page.lines[i], s));
    let mut topic: Option<FxHashSet<u64>> = None;
    let mut k = 0;
    while k < idx.len() {
        let i = idx[k];
        if !(open(page, i) && is_short_label(&page.lines[i], s)) {
            k += 1;
            continue;
        }
        // Extend the run over short labels and lines other rules already took.
        let mut end = k;
        let mut members = Vec::new();
        while end < idx.len() {
            let j = idx[end];
            if open(page, j) {
                if !is_short_label(&page.lines[j], s) {
                    break;
                }
                members.push(j);
            }
            end += 1;
        }
        k = end.max(k + 1);
        if members.len() < s.min_run {
            continue;
        }
        // A list the article announces: the line before the run is a sentence ending in ":",
        // or one that says a list follows ("... as follows."). The list's first items may be
        // too long for the run ("The commonest symptoms are:", "Persistent tiredness and
        // weakness", then the run): up to `ITEM_REACH` such items may stand between, under a
        // sentence of prose's length (a contents box's "On this page:" over its first long
        // entry announces no article list).
        let above = &idx[..idx.iter().position(|&x| x == members[0]).unwrap_or(0)];
        let open_above = above.iter().rev().filter(|&&j| open(page, j));
        let before = open_above.clone().next();
        let announces = |l: &Line<'_>| {
            l.words >= s.intro_words
                && (edges::announces(l)
                    || headlines::announces_by_words(headlines::raw_end(l.text)))
        };
        let item = |l: &Line<'_>| {
            l.words < s.prose_words
                && !edges::announces(l)
                && !headlines::announces_by_words(headlines::raw_end(l.text))
        };
        if open_above
            .take(ITEM_REACH + 1)
            .find(|&&j| !item(&page.lines[j]))
            .is_some_and(|&j| {
                let l = &page.lines[j];
                announces(l) && (Some(&j) == before || l.words >= s.prose_words)
            })
        {
            continue;
        }
        // A list inside the article: most lines carry the same list mark ("- ", "• "), and
        // prose stands right above and right below it (a checklist between two paragraphs).
        // List marks only: a menu's arrows ("› Home") are none. The run's commonest mark, as
        // a heading above the items carries none.
        let marked = LIST_MARKS
            .chars()
            .map(|m| {
                members
                    .iter()
                    .filter(|&&j| headlines::bullet(page.lines[j].text) == Some(m))
                    .count()
            })
            .max()
            .unwrap_or(0);
        let after = idx[end..].iter().find(|&&j| open(page, j));
        if marked * 2 >= members.len()
            && before.is_some_and(|&b| is_prose(&page.lines[b], s))
            && after.is_some_and(|&a| is_prose(&page.lines[a], s))
        {
            continue;
        }
        // Verse: most lines read on from one another.
        let verse = members
            .iter()
            .filter(|&&j| is_verse_like(&page.lines[j]))
            .count();
        if verse * 2 >= members.len() {
            continue;
        }
        // A table: most lines are rows of cells (a two-column table of dates and figures is as
        // short per line as a menu).
        let rows = members
            .iter()
            .filter(|&&j| headlines::has_cells(page.lines[j].text))
            .count();
        if rows * 2 >= members.len() {
            continue;
        }
        // Which members pass `test`, and whether most do.
        let marked = |test: fn(&str) -> bool| -> Vec<bool> {
            members.iter().map(|&j| test(page.lines[j].text)).collect()
        };
        let most = |marks: &[bool]| marks.iter().filter(|&&m| m).count() * 2 >= members.len();
        // A list of quantities (an ingredient list, a box's contents), or a box of facts, most
        // lines "Key: value" ("Prep Time: 10 minutes", "Weight: 1.2 kg"), or both together (a
        // recipe card's times and servings, then its ingredients).
        let quantity = marked(is_quantity);
        let facts = members
            .iter()
            .zip(&quantity)
            .filter(|&(&j, &q)| q || headlines::is_key_value(page.lines[j].core))
            .count();
        if facts * 2 >= members.len() {
            continue;
        }
        // Program text: most lines are code or names from it (a function's parameters, a
        // listing). In a run that goes, its code lines still stay, and so do its quantities (a
        // recipe card's scaling buttons run on into the ingredient list).
        let code = marked(is_code);
        if most(&code) {
            continue;
        }
        // The title and byline lead into the article: when prose follows right after the run,
        // its last lines of several words stay.
        // The lines after the run (the loop above stops at most at the page's end).
        let rest = &idx[end..];
        let after = rest.iter().find(|&&j| open(page, j)).copied();
        let mut keep_tail = 0;
        if after.is_some_and(|a| is_prose(&page.lines[a], s)) {
            while keep_tail < members.len()
                && keep_tail < s.lead_lines
                && page.lines[members[members.len() - 1 - keep_tail]].words >= s.lead_words
            {
                keep_tail += 1;
            }
            // A numbered section heading right above the prose ("1 Introduction", "2.3 Study
            // area") is the article's, however short.
            if keep_tail == 0 && is_numbered_heading(page.lines[members[members.len() - 1]].text) {
                keep_tail = 1;
            }
        }
        // Above the article's first prose line, the headline can stand higher in the run, over
        // a date and share buttons the run took in (and over a credit or a count between the
        // run and the prose): when none of the lines kept above reads as the headline, the
        // nearest of the run's last few lines that does stays (see `is_topic_headline`).
        let mut headline = None;
        if let Some(p) = first_prose
            && rest
                .iter()
                .filter(|&&j| open(page, j))
                .take(HEADLINE_GAP + 1)
                .any(|&j| j == p)
        {
            let topic = topic.get_or_insert_with(|| {
                let prose = idx
                    .iter()
                    .copied()
                    .filter(|&i| open(page, i) && is_prose(&page.lines[i], s));
                edges::topic_of(page, prose)
            });
            let reads = |j: usize| edges::is_topic_headline(&page.lines[j], topic);
            let tail = &members[members.len() - keep_tail..];
            let between = rest.iter().take_while(|&&j| j < p);
            if !tail
                .iter()
                .chain(between)
                .any(|&j| open(page, j) && reads(j))
            {
                headline = members[..members.len() - keep_tail]
                    .iter()
                    .rev()
                    .take(HEADLINE_MEMBERS)
                    .copied()
                    .find(|&j| reads(j));
            }
        }
        // A sign-off under the article's last paragraph ("— Mara") is the article's.
        let keep_head = usize::from(
            before.is_some_and(|&b| is_prose(&page.lines[b], s))
                && is_sign_off(&page.lines[members[0]]),
        );
        let kept = keep_head..members.len() - keep_tail.min(members.len() - keep_head);
        let stays: Vec<bool> = code.iter().zip(&quantity).map(|(&c, &q)| c || q).collect();
        for (&j, _) in members[kept.clone()]
            .iter()
            .zip(&stays[kept])
            .filter(|(j, stays)| !**stays && Some(**j) != headline)
        {
            page.claim(j, Verdict::remove(rule::MENU_RUN));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::Input;
    use crate::clean::test_support::*;

    const P1: &str = "The council voted on Tuesday to approve a new budget for the coming year.\n";
    const P2: &str = "Members said they would read more proposals next month before deciding.\n";
    const P3: &str = "The mayor welcomed the vote and thanked the staff who prepared the plan.\n";
    const P4: &str = "Opponents argued that spending on roads was too high for a town this size.\n";
    const P5: &str = "A final decision on the harbour project is expected before the summer.\n";

    /// A sign-off right under the article's last paragraph stays, though chrome follows it;
    /// the same line after chrome goes with the run.
    #[test]
    fn a_sign_off_under_the_article_stays() {
        let chrome = "Type your email\nSubscribe\n142 Likes\nShare\nPrevious\nNext\n";
        let src = format!("{P1}{P2}{P3}— Mara\n{chrome}");
        let r = removed(&src);
        assert_eq!(r.len(), 6, "{r:?}");
        assert!(!r.iter().any(|(_, t)| t == "— Mara"), "{r:?}");
        let src = format!("{P1}{P2}{P3}Subscribe\n— Mara\n{chrome}");
        assert!(removed(&src).iter().any(|(_, t)| t == "— Mara"));
        // A footer's dash-marked links under the article: the first reads as a sign-off, but
        // starts no list the others would carry on.
        let src = format!("{P1}{P2}{P3}– Home\n– Kontakt\n– Impressum\n– Datenschutz\n");
        let r = removed(&src);
        assert!(r.iter().any(|(_, t)| t == "– Kontakt"), "{r:?}");
        // No dash, or more than a name: no sign-off.
        for line in ["Mara", "— Mara Quinlan, Sam Lee and Jo Park"] {
            let src = format!("{P1}{P2}{P3}{line}\n{chrome}");
            let r = removed(&src);
            assert!(r.iter().any(|(_, t)| t == line), "{line}: {r:?}");
        }
    }

    #[test]
    fn menu_runs_go() {
        let src = format!(
            "Home\nNews\nSport\nWeather\nContact\n{P1}{P2}{P3}Toggle\nSwatch Swatch\n$18\n\
             Add to Wishlist\nSize Guide\n{P4}"
        );
        let r = removed(&src);
        assert_eq!(r.len(), 10, "{r:?}");
        assert!(r.iter().all(|(rule, _)| rule == "menu_run"), "{r:?}");
    }

    /// A list marked alike between two paragraphs is the article's (a checklist); the same
    /// lines unmarked, or marked with no paragraph below, are a menu.
    #[test]
    fn a_marked_list_between_paragraphs_stays() {
        let marked = "- Photographer\n- Videographer\n- Caterer\n- Florist\n- Musicians\n";
        let plain = "Photographer\nVideographer\nCaterer\nFlorist\nMusicians\n";
        for (src, stays) in [
            (format!("{P1}{P2}{marked}{P3}{P4}"), true),
            (format!("{P1}{P2}{plain}{P3}{P4}"), false),
            (format!("{P1}{P2}{P3}{P4}{marked}"), false),
        ] {
            let r = removed(&src);
            let gone = r.iter().any(|(_, t)| t.ends_with("Florist"));
            assert_eq!(!gone, stays, "{src}: {r:?}");
        }
    }

    /// A run of short lines that a sentence announces, with a colon or in words, is the
    /// article's own list; the same run after a plain sentence goes.
    /// Whether `line` of `src` is kept; the removals in the message otherwise.
    fn line_kept(src: &str, line: &str) -> Result<(), String> {
        let r = removed(src);
        if r.iter().any(|(_, t)| t == line) {
            Err(format!("{r:?}"))
        } else {
            Ok(())
        }
    }

    /// `rows` between the harbour story's paragraphs stay, all of them.
    fn rows_stay(rows: &str) {
        let src = format!("{P1}{P2}{rows}{P3}{P4}");
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
    }

    #[test]
    fn an_announced_run_stays() {
        let items = "Home\nNews\nSport\nWeather\nContact\n";
        for (intro, stays) in [
            ("The site's sections are listed here:\n", true),
            ("The site's five sections are as follows.\n", true),
            ("The site has five sections and was redesigned.\n", false),
        ] {
            let src = format!("{P1}{P2}{intro}{items}{P3}{P4}");
            let kept = line_kept(&src, "Weather");
            assert_eq!(kept.is_ok(), stays, "{intro}: {kept:?}");
        }
    }

    /// The announced list's first items can be too long for the run: the announcement still
    /// holds across up to two of them, not across a paragraph or more items.
    #[test]
    fn an_announced_list_with_long_first_items_stays() {
        let intro = "Many people notice no sign at all, but the commonest symptoms are:\n";
        let long = "Persistent tiredness and general weakness\n";
        let long2 = "Aching joints in the hips and knees\n";
        let long3 = "Frequent colds and other infections\n";
        let items = "Bone pain\nMuscle cramps\nHair loss\nLow mood\nSlow healing\n";
        for (above, stays) in [
            (format!("{intro}{long}"), true),
            (format!("{intro}{long}{long2}"), true),
            (format!("{intro}{long}{long2}{long3}"), false),
            (format!("{intro}{P3}{long}"), false),
            (format!("On this page:\n{long}"), false),
        ] {
            let src = format!("{P1}{P2}{above}{items}{P4}{P5}");
            let kept = line_kept(&src, "Hair loss");
            assert_eq!(kept.is_ok(), stays, "{above}: {kept:?}");
        }
    }

    /// A box of "Key: value" rows in a script without case is as much a box of facts as one
    /// in English: a board's pass rates in Bengali stay.
    #[test]
    fn facts_in_a_caseless_script_stay() {
        let rows = "বোর্ডভিত্তিক পাসের হার\nঢাকা বোর্ড: ৭৯.২১ শতাংশ\nরাজশাহী বোর্ড: ৮১.২৪ শতাংশ\n\
                    চট্টগ্রাম বোর্ড: ৭০.৩২ শতাংশ\nসিলেট বোর্ড: ৮৫.৩৯ শতাংশ\n";
        rows_stay(rows);
        // A spec table printed as two cells a row.
        let rows = "Technische Daten\nVolumen | 38 Liter\nGewicht | 1.420 g\nRückenlänge | 42–52 cm\n\
                    Max. Zuladung | 12 kg\nVolumen Deckelfach | 4 Liter\n";
        rows_stay(rows);
        // Khmer writes its own colon: rice exports by market ("China: 48,200 tonnes").
        let rows = "ទីផ្សារសំខាន់ៗ\nប្រទេសចិន៖ ៤៨,២០០ តោន\nសហភាពអឺរ៉ុប៖ ៣៥,៦០០ តោន\n\
                    ប្រទេសក្នុងតំបន់អាស៊ាន៖ ២៤,៩០០ តោន\nទីផ្សារផ្សេងទៀត៖ ១៩,៧០០ តោន\n";
        rows_stay(rows);
        for (line, want) in [
            ("ঢাকা বোর্ড: ৭৯.২১ শতাংশ", true),
            ("ប្រទេសចិន៖ ៤៨,២០០ តោន", true),
            ("តម្លៃ៖៤៨", false),
            // A two-column table's row with a figure, not two links or a wider row.
            ("Gewicht | 1.420 g", true),
            ("Max. Zuladung | 12 kg", true),
            ("Impressum | Datenschutz", false),
            // A price's key and its note may be longer; another value may not.
            ("Concession (students, over-65s, jobseekers): £18.00", true),
            ("Under 16s: £10.00 (must be accompanied by an adult)", true),
            (
                "Seats in the upper circle, row K: twelve pounds and fifty pence each",
                false,
            ),
            ("Home | News | 2024", false),
            ("מטה: חיפה", true),
            ("Memory: 8 GB RAM", true),
            ("the reason: we left", false),
        ] {
            assert_eq!(crate::clean::headlines::is_key_value(line), want, "{line}");
        }
    }

    /// An obituary page: the site's menu, the dead woman's name, the obituary's first lines.
    const OBIT_MENU: &str = "The Courier\nNews\nSports\nObituaries\nOpinion\nCommunity\n";
    const OBIT_NAME: &str = "Edna Mae Pruitt";
    const OBIT_PROSE: &str = "Edna Mae Pruitt, 94, of Millbrook, died at home on Friday, \
                              surrounded by her family and friends.\nEdna was born on a farm \
                              outside Harlan and taught school in Millbrook for thirty years \
                              before she retired.\n";

    /// An obituary's name under the site's menu, over its dates and share buttons: it restates
    /// the article's subject and stays; a menu item that shares a word with it goes.
    #[test]
    fn a_headline_at_a_menus_end_over_its_dates_stays() {
        let (menu, name) = (OBIT_MENU, OBIT_NAME);
        let tail = "May 1, 1931 to May 2, 2025\nShare\nPrint\n";
        let prose = OBIT_PROSE;
        let src = format!("{menu}{name}\n{tail}{prose}");
        let r = removed(&src);
        assert!(!r.iter().any(|(_, t)| t == name), "{r:?}");
        assert!(r.iter().any(|(_, t)| t == "Opinion"), "{r:?}");
        let src = format!("{menu}Millbrook Sports Desk\n{tail}{prose}");
        let r = removed(&src);
        assert!(r.iter().any(|(_, t)| t == "Millbrook Sports Desk"), "{r:?}");
    }

    /// The headline guard's bounds: the run must end at most `HEADLINE_GAP` open lines above
    /// the article's first prose line, and no line kept below the run (its kept tail, or a line
    /// between it and the prose) may already read as the headline.
    #[test]
    fn a_headline_in_a_run_stays_only_near_the_prose_and_when_none_below_reads_so() {
        let (menu, name) = (OBIT_MENU, OBIT_NAME);
        let tail = "Share\nPrint\n";
        let prose = OBIT_PROSE;
        // Lines between the run and the prose that are neither labels nor prose.
        let gap = |n: usize| -> String {
            [
                "Arrangements are by Hill and Sons.",
                "Visitation will be held on Thursday.",
                "The family will receive friends at noon.",
                "Flowers may be sent to the chapel.",
                "A reception will follow at the hall.",
            ][..n]
                .iter()
                .map(|l| format!("{l}\n"))
                .collect()
        };
        let name_goes = |src: &str| removed(src).iter().any(|(_, t)| t == name);
        // The share buttons go by their own rules: they join the run but are not open lines.
        let at = |n: usize| format!("{menu}{name}\n{tail}{}{prose}", gap(n));
        let (near, far) = (at(super::HEADLINE_GAP), at(super::HEADLINE_GAP + 1));
        assert!(!name_goes(&near), "{:?}", removed(&near));
        assert!(name_goes(&far), "{:?}", removed(&far));
        // A line between the run and the prose already reads as the headline.
        let src = format!("{menu}{name}\n{tail}Edna Mae Pruitt of Millbrook, 94\n{prose}");
        assert!(name_goes(&src), "{:?}", removed(&src));
        // So does the run's last line, kept as its tail above the prose.
        let src = format!("{menu}{name}\n{tail}Obituary\nEdna Pruitt of Millbrook\n{prose}");
        let r = removed(&src);
        assert!(name_goes(&src), "{r:?}");
        assert!(
            !r.iter().any(|(_, t)| t == "Edna Pruitt of Millbrook"),
            "{r:?}"
        );
    }

    #[test]
    fn runs_kept_by_scours_extractor_stay() {
        // Short lines that scour's extractor kept on the page (no links: the extractor drops
        // link menus) are the content's: a review's pros and cons, a table's rows.
        let src = format!(
            "{P1}{P2}Pros
Quiet motor
Easy to clean
Cheap filters
Cons
Short cord
             Size | 40 cm | 45 cm | 50 cm
{P3}"
        );
        assert_eq!(kept_as(&src, Input::Dom), src);
        // The same lines in another extractor's output are judged from the text.
        assert_ne!(kept_as(&src, Input::Extracted), src);
    }

    /// A numbered section heading at a run's end, right above the prose, stays with it; a
    /// widget's count there does not.
    #[test]
    fn a_numbered_heading_above_the_prose_stays() {
        let keywords = "Keywords\nTidal asymmetry\nSuspended sediment\nMacrotidal estuary\n";
        for (last, stays) in [
            ("1 Introduction", true),
            ("2.3 Study area", true),
            ("12 Comments", false),
            ("3 Answers", false),
        ] {
            let src = format!("{P1}{P2}{keywords}{last}\n{P3}{P4}");
            let r = removed(&src);
            assert_eq!(!r.iter().any(|(_, t)| t == last), stays, "{last}: {r:?}");
        }
    }

    /// An ingredient list is as short a line as a menu, but counts quantities: it stays, and
    /// so do its lines in a run of a recipe card's buttons; a menu of counts still goes.
    #[test]
    fn quantities_are_no_menu() {
        // Short enough lines to make a run (and no headline list: a heading first).
        let list = "Soup\n2 tbsp olive oil\n3 garlic cloves\n2 tsp paprika\n½ cup lentils\n\
                    Pinch of salt\n▢ 250g tomatoes\n";
        let src = format!("{P1}{P2}{P3}{list}{P4}");
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
        // A recipe card's buttons run on into the list: they go, the quantity stays, though it
        // is neither the run's last line nor a majority.
        let src = format!(
            "{P1}{P2}{P3}Ingredients\n1x\n2x\n2 tbsp olive oil\n3x\nMetric\nImperial\n{P4}"
        );
        let r = removed(&src);
        assert_eq!(r.len(), 6, "{r:?}");
        assert!(!r.iter().any(|(_, t)| t == "2 tbsp olive oil"), "{r:?}");
        let counts = "Home\n12 Photos\n3 Videos\n5 Series\nWorld\n";
        let src = format!("{P1}{P2}{P3}{counts}{P4}");
        let r = removed(&src);
        assert_eq!(r.len(), 5, "{r:?}");
        assert!(r.iter().all(|(rule, _)| rule == "menu_run"), "{r:?}");
        for (line, want) in [
            ("2 tbsp olive oil", true),
            ("250 g red lentils", true),
            ("1 x 400 g tin chopped tomatoes", true),
            ("2 x HDMI 2.1", true),
            ("½ tsp salt", true),
            ("250g red lentils", true),
            ("2 Tbsp. sugar", true),
            ("2. Can I freeze it?", false),
            ("5 Pieces of Advice", false),
            ("1 EL Olivenöl", true),
            ("12 Comments", false),
            ("56g", false),
            ("2 tbsp", false),
            ("5 Series", false),
            ("5 Large Companies Cut Jobs", false),
            // The quantity after the ingredient (Italian and French recipes).
            ("3 cm fresh ginger", true),
            ("10 ulas bawang merah", true),
            ("2 sdm kecap manis", true),
            ("3 cm", false),
            ("10 Ulasan Terbaik", false),
            ("2 Ekor Harimau Lepas dari Kebun Binatang", false),
            ("Passata di pomodoro 700 g", true),
            ("Aglio 1 spicchio", true),
            ("Olio extravergine d'oliva 3 cucchiai", true),
            ("Sale grosso q.b.", true),
            ("- Farine 250 g", true),
            ("700 g", false),
            ("Windows 11", false),
            ("Top 10 Things to Do in Rome", false),
            ("The 10 best phones of 2024 in 3 cups", false),
            ("q.b.", false),
            ("Monitor Weight | 2–10 lbs", false),
            (".9–4.6 kg | 5–17.5 lbs", false),
            ("About 7 Cups", false),
            ("Close menu – x", false),
            ("Subscribe - x", false),
        ] {
            assert_eq!(super::is_quantity(line), want, "{line}");
        }
    }

    #[test]
    fn code_and_its_names_are_no_menu() {
        // A function's parameters and an interpreter session on a documentation page: short
        // lines, but program text.
        let src = format!(
            "{P1}Parameters\nstruct nand_chip *chip\nint page_addr\nu64 *remainder\n\
             rcu_dereference_bh()\nRETURN_VALUE\n{P2}{P3}>>> s = set([3, 4])\n>>> s.pop()\n\
             3\n>>> len(s)\n1\nhead->next\ncore::alloc\n{P4}"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
        for label in [
            "Red(12)",
            "Black (4)",
            "$ 18",
            "Home :: News",
            "*Terms apply",
            "Sign in",
            "U.S. News",
        ] {
            assert!(!super::is_code(label), "{label}");
        }
        // A menu with a shop's filters and prices still goes.
        let src = format!("{P1}{P2}{P3}Red(12)\nBlack (4)\n$ 18\n*Free returns\nSize Guide\n{P4}");
        assert_eq!(
            kept(&src),
            format!("{P1}{P2}{P3}{P4}"),
            "{:?}",
            removed(&src)
        );
    }

    #[test]
    fn title_and_byline_before_the_article_stay() {
        // (The byline leaves the text for the record's authors, as `byline`.)
        let src = format!("Home\nNews\nSport\nStorm Hits the Coast\nBy Jane Doe\n{P1}{P2}");
        assert_eq!(kept(&src), format!("Storm Hits the Coast\n{P1}{P2}"));
        assert!(removed(&src).contains(&("byline".to_string(), "By Jane Doe".to_string())));
        // Without a menu before them, a title and byline are no run at all.
        let src = format!("Storm Hits the Coast\nBy Jane Doe\nUpdated today\n{P1}");
        assert_eq!(kept(&src), src.replace("By Jane Doe\n", ""));
    }

    #[test]
    fn article_text_stays() {
        // A title, a byline, short one-line paragraphs, a subheading, an announced list and
        // a poem.
        let src = format!(
            "A Quiet Harbour\nBy Ann Lee\n{P1}It rained.\nThen it stopped.\nWe left.\n\
             {P2}You will need these things:\nFlour\nTwo eggs\nSugar\nButter\nA pinch of salt\n\
             {P3}The Old Pier\n{P4}\
             {P5}Roses are red,\nViolets are blue,\nSugar is sweet,\nAnd so are you.\n"
        );
        // All but the byline, which goes to the record's authors.
        assert_eq!(
            kept(&src),
            src.replace("By Ann Lee\n", ""),
            "{:?}",
            removed(&src)
        );
    }

    #[test]
    fn a_page_of_short_lines_is_its_own_content() {
        // A product grid with little prose: the short lines are what the page has to say.
        // In extracted text, short lines holding half the words are enough for that ...
        let src = format!(
            "Blue Mug\n$18\nRed Mug\n$20\nGreen Mug\n$22\nWhite Mug\n$19\nGrey Mug\n$21\n{P1}"
        );
        assert_eq!(kept_as(&src, Input::Extracted), src);
        // ... on a page's full text, where the site's own menus add to them, it takes more.
        let mut grid = String::new();
        for (colour, price) in [
            "Blue", "Red", "Green", "White", "Grey", "Black", "Pink", "Teal", "Gold", "Jade",
            "Rust", "Sand", "Sage", "Rose", "Lime", "Plum", "Navy", "Ruby", "Onyx", "Iris",
        ]
        .iter()
        .zip(10..)
        {
            grid.push_str(&format!("{colour} Mug\n${price}\n"));
        }
        let src = format!("{grid}{P1}");
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn a_table_of_two_short_columns_is_no_menu() {
        let src = format!(
            "{P1}Month | Change\n1/1/2013 | +13.1%\n2/1/2013 | +13.1%\n3/1/2013 | +13.1%\n\
             4/1/2013 | +11.9%\n5/1/2013 | +12.5%\n{P2}{P3}"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
        // The same table as other tools print it, its cells apart by tabs; a menu whose
        // items are indented by a tab is still a menu.
        let src = format!(
            "{P1}Month\tChange\n1/1/2013\t+13.1%\n2/1/2013\t+13.1%\n3/1/2013\t+13.1%\n\
             4/1/2013\t+11.9%\n5/1/2013\t+12.5%\n{P2}{P3}"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
        let src = format!("\tHome\n\tNews\n\tSport\n\tWeather\n\tContact\n{P1}{P2}{P3}");
        assert_eq!(kept(&src), format!("{P1}{P2}{P3}"), "{:?}", removed(&src));
        let src = format!(
            "Home\tNews\nSport\tWeather\nTravel\tFood\nVideo\tAudio\nJobs\tShop\n{P1}{P2}{P3}"
        );
        assert_eq!(kept(&src), format!("{P1}{P2}{P3}"), "{:?}", removed(&src));
    }

    #[test]
    fn a_box_of_facts_is_no_menu() {
        let src = format!(
            "{P1}Prep Time: 10 minutes\nCook Time: 20 minutes\nTotal Time: 30 minutes\n\
             Servings: 4\nIngredients\n{P2}{P3}"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
        // Labels with a colon here and there are still a menu.
        let src = format!("Home\nNews\nSport: Live\nWeather\nContact\n{P1}{P2}{P3}");
        assert_eq!(kept(&src), format!("{P1}{P2}{P3}"), "{:?}", removed(&src));
    }

    #[test]
    fn on_a_full_page_menus_around_a_short_article_go() {
        // Header and footer menus hold more words than the article's prose: in extracted
        // text they would be the content, on a page's full text they are its chrome.
        let menus = "Home\nNews\nLocal news\nSport\nWeather\nTravel\nCulture\nFood and drink\n\
                     Podcasts\nVideo\nPuzzles\nOpinion\n";
        let footer = "Our newsroom\nAdvertise\nPress office\nEvents\nShop\nJobs board\n\
                      Corrections\nArchive\n";
        let src = format!("{menus}{P1}{P2}{footer}");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        assert_eq!(kept(&src), format!("{P1}{P2}"), "{:?}", removed(&src));
    }
}
