//! Site chrome that has a shape rather than a phrase: rule lines (`separator`: "-", "* * *",
//! "|") and navigation menus (`nav_menu`: "Home | World | Business | Sport", or the same links
//! run together with spaces: "Home World Business Sport Weather Travel ...").

use super::{Page, Verdict, rule, words};
use crate::config::ChromeSettings;

/// Classes of rule characters: a separator repeats characters of one class ("---", "* * *",
/// "• • •", "=====") or, from four characters on, mixes them ("-=-=-=-").
fn rule_class(c: char) -> Option<u8> {
    Some(match c {
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '─' | '━' | '⸺' | '⸻' => 0,
        '_' => 1,
        '=' | '═' => 2,
        '*' | '⁂' | '✱' | '✲' => 3,
        '~' | '〜' => 4,
        '•' | '·' | '∙' | '⋅' | '●' | '○' | '◦' | '▪' | '▫' => 5,
        '|' | '¦' | '│' => 6,
        '/' => 7,
        '\\' => 8,
        '#' => 9,
        '.' | '…' => 10,
        '◆' | '◇' | '❖' | '♦' | '§' => 11,
        '»' | '›' | '«' | '‹' | '→' | '←' | '▶' | '►' | '◀' | '◄' => 12,
        _ => return None,
    })
}

/// White space, zero-width characters and icon glyphs: nothing a reader sees as text.
fn invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}'
        )
        || super::is_private_use(c)
}

/// A rule line: only rule characters (or nothing visible at all). Brackets, semicolons and
/// colons are code or emoticons ("}", "});", ":)"), emoji are a reader's reply ("🎉🎉🎉"):
/// none of them is a rule, so they stay. A markdown table's divider ("|---|:---:|") is part of
/// the table, not a rule.
fn is_rule_line(text: &str) -> bool {
    let t = text.trim();
    if t.len() > 2 && t.starts_with('|') && t.ends_with('|') && t[1..t.len() - 1].contains('|') {
        return false;
    }
    let mut first = None;
    let (mut n, mut mixed) = (0usize, false);
    for c in t.chars().filter(|&c| !invisible(c)) {
        let Some(class) = rule_class(c) else {
            return false;
        };
        mixed |= first.is_some_and(|f| f != class);
        first.get_or_insert(class);
        n += 1;
    }
    !mixed || n >= 4
}

/// One icon alone on a line (a pictograph or an icon font's glyph, with its variation
/// selector), or a rating's stars.
fn is_icon_line(text: &str) -> bool {
    let t = text.trim();
    if t.contains(['★', '☆']) && t.chars().all(|c| matches!(c, '★' | '☆' | '½' | ' ')) {
        return true;
    }
    let mut icons = t.chars().filter(|&c| !matches!(c, '\u{FE0E}' | '\u{FE0F}'));
    icons
        .next()
        .is_some_and(|c| (super::is_pictograph(c) && !is_arrow(c)) || super::is_private_use(c))
        && icons.next().is_none()
}

/// Arrows, which alone on a line lead from one step of a flowchart to the next.
fn is_arrow(c: char) -> bool {
    matches!(c, '\u{2190}'..='\u{21FF}' | '\u{2794}'..='\u{27BF}' | '\u{2B00}'..='\u{2B2F}')
}

/// A line of program code: what sits around a lone "*/" or "//" on a documentation page.
fn is_code_like(text: &str) -> bool {
    let t = text.trim();
    if is_rule_line(t) {
        return false;
    }
    let ends_code = t.ends_with(['{', '}', '(', '[']) || t.ends_with(");") || t.ends_with("};");
    let starts_code = [
        "//", "/*", "*/", "* @", "#include", "#!", "import ", "def ", "fn ",
    ]
    .iter()
    .any(|p| t.starts_with(p));
    let has_code = ["=>", "->", "::", "();", "){", "!=", "=="]
        .iter()
        .any(|p| t.contains(p));
    ends_code || starts_code || has_code
}

pub fn separators(page: &mut Page<'_>) {
    let open = page.open_line_list();
    for i in open {
        // A lone icon is one too: a button's "🔍", an icon font's glyph, a rating's stars.
        // (ASCII marks alone, "<" or "</", are a program's split over lines; arrows alone, a
        // flowchart's; "🎉🎉🎉" under a post, a reader's.)
        let icons = is_icon_line(page.lines[i].text);
        if !is_rule_line(page.lines[i].text) && !icons {
            continue;
        }
        // Inside code, "*/", "//" or "|" are part of the program.
        let neighbour = |step: isize| {
            let mut j = i as isize + step;
            while j >= 0 && (j as usize) < page.lines.len() {
                let l = &page.lines[j as usize];
                if !l.text.trim().is_empty() {
                    return is_code_like(l.text);
                }
                j += step;
            }
            false
        };
        if neighbour(-1) || neighbour(1) {
            continue;
        }
        page.claim(i, Verdict::remove(rule::SEPARATOR));
    }
}

/// Most lines a cookie notice's buttons take ("Accept all", "Reject", "Settings"), and most
/// words each.
const CONSENT_BUTTONS: usize = 4;
const CONSENT_BUTTON_WORDS: usize = 3;
/// Words of a line that ends like a sentence, for it to be a paragraph: the line above it is
/// the article's head, no button.
const PARAGRAPH_WORDS: usize = 8;
/// How many lines below a button to look for the paragraph whose words it may share: a
/// title's, over a byline and a date.
const PARAGRAPH_REACH: usize = 3;

/// `a` and `b` share a word of at least five letters, in lower case.
fn shares_a_word(a: &str, b: &str) -> bool {
    let words = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 5)
            .map(str::to_lowercase)
            .collect()
    };
    let b = words(b);
    words(a).iter().any(|w| b.contains(w))
}

/// `consent_button`: the buttons under a cookie notice (line `notice`, which another rule
/// took): the lines right below it of up to three words that do not end like a sentence, at
/// most four, in whatever language ("Godkänn alla", "Kabul Et", "동의 닫기"). Lines the notice's
/// rules took (`known`: more of the notice, a button they know) are passed over, and buttons
/// taken before count toward the four (a notice of several lines asks once per line); any other
/// line another rule took ends the buttons. So does the article's head: before any button, a
/// line right above a paragraph (a title under a notice with no buttons), and any line that
/// shares a longer word with a paragraph just below it. Returns the notice's last line: its
/// last button, or the notice when it has none.
pub fn consent_buttons(
    page: &mut Page<'_>,
    notice: usize,
    known: &dyn Fn(&Verdict) -> bool,
) -> usize {
    let mut taken = 0;
    let mut last = notice;
    let ends_sentence = |text: &str| {
        text.ends_with([
            '.', '!', '?', ':', '。', '！', '？', '।', '؟', '။', '។', '៕',
        ])
    };
    for i in notice + 1..page.lines.len() {
        if page.lines[i].is_blank() {
            continue;
        }
        if let Some(v) = &page.verdicts[i] {
            if v.rule == rule::CONSENT_BUTTON {
                taken += 1;
            } else if !known(v) {
                break;
            }
            last = i;
            continue;
        }
        let l = &page.lines[i];
        if taken >= CONSENT_BUTTONS
            || l.words > CONSENT_BUTTON_WORDS
            || ends_sentence(l.text.trim_end())
        {
            break;
        }
        let is_paragraph = |j: usize| {
            let n = &page.lines[j];
            n.words >= PARAGRAPH_WORDS && ends_sentence(n.text.trim_end())
        };
        let next = (i + 1..page.lines.len()).find(|&j| !page.lines[j].is_blank());
        if taken == 0 && next.is_some_and(is_paragraph) {
            break;
        }
        // Nor is a line that shares a word of five letters or more with the paragraph right
        // below ("Harbour budget approved" over "The council voted ... harbour budget ...";
        // shorter words are too often function words: "Alle ablehnen" over "... alle ...").
        let paragraph = (i + 1..page.lines.len())
            .filter(|&j| !page.lines[j].is_blank())
            .take(PARAGRAPH_REACH)
            .find(|&j| is_paragraph(j));
        if paragraph.is_some_and(|j| shares_a_word(l.text, page.lines[j].text)) {
            break;
        }
        page.claim(i, Verdict::remove(rule::CONSENT_BUTTON));
        taken += 1;
        last = i;
    }
    last
}

/// A wiki's section edit link alone on its line, brackets and all: "[edit]", "[edit source]",
/// "[bearbeiten | Quelltext bearbeiten]" (rule `edit_link`). Matched on the line's own text: its
/// core leaves the brackets off, and a bare "edit" is also a manual's "--edit" option.
pub fn edit_links(page: &mut Page<'_>) {
    for i in page.open_line_list() {
        if is_edit_link(page.lines[i].text.trim()) {
            page.claim(i, Verdict::remove(rule::EDIT_LINK));
        }
    }
}

fn is_edit_link(text: &str) -> bool {
    // The longest label below is 21 bytes in UTF-8; two of them and a bar fit in 64.
    if text.len() > 64 {
        return false;
    }
    let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) else {
        return false;
    };
    inner
        .split('|')
        .all(|label| EDIT_LABELS.contains(&label.trim().to_lowercase().as_str()))
}

/// A market-data widget's quotes, one field a line: a ticker ("TLFD", "BTC-USD", "^GSPC") and
/// its day's change ("-18.24%", "+1.95%", "(−0.44%)"), three such pairs or more in a row (rule
/// `quote_strip`). Fewer are left: a story's own "GDP / +2.4% / CPI / +3.1%" could be two.
pub fn quote_strips(page: &mut Page<'_>) {
    let open = page.open_line_list();
    // (ticker, change) by open line.
    let kind: Vec<(bool, bool)> = open
        .iter()
        .map(|&i| {
            let t = page.lines[i].text.trim();
            (is_ticker(t), is_change(t))
        })
        .collect();
    let mut k = 0;
    while k < open.len() {
        let mut end = k;
        while end + 1 < open.len() && kind[end].0 && kind[end + 1].1 {
            end += 2;
        }
        if end - k >= 2 * QUOTE_PAIRS {
            for &i in &open[k..end] {
                page.claim(i, Verdict::remove(rule::QUOTE_STRIP));
            }
        }
        k = end.max(k + 1);
    }
}

/// Pairs of ticker and change that make a quote strip.
const QUOTE_PAIRS: usize = 3;

/// A ticker symbol: capitals, maybe with an exchange or pair suffix ("BRK.B", "BTC-USD") or an
/// index's caret ("^GSPC"); at most 10 bytes. No digits: "Q3", a quarter, is none.
fn is_ticker(t: &str) -> bool {
    let t = t.strip_prefix('^').unwrap_or(t);
    (1..=10).contains(&t.len())
        && t.starts_with(|c: char| c.is_ascii_uppercase())
        && t.bytes()
            .all(|b| b.is_ascii_uppercase() || matches!(b, b'.' | b'-' | b'='))
}

/// A signed percentage change, maybe in parentheses: "-18.24%", "+1.95%", "(−0.44%)", "▲0.3%",
/// and as French and German pages print it, with a decimal comma and a space (often a narrow
/// no-break one) before the sign: "−0,44 %".
fn is_change(t: &str) -> bool {
    let t = t
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .unwrap_or(t);
    let Some(t) = t
        .strip_prefix(['+', '-', '−', '–', '▲', '▼'])
        .map(str::trim_start)
    else {
        return false;
    };
    let Some(number) = t.strip_suffix('%').map(str::trim_end) else {
        return false;
    };
    let (whole, frac) = number
        .split_once('.')
        .or_else(|| number.split_once(','))
        .unwrap_or((number, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit() || b == b',')
        && whole.starts_with(|c: char| c.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
}

/// What a wiki's edit links say, in the languages of the larger Wikipedias.
const EDIT_LABELS: &[&str] = &[
    "edit",
    "edit source",
    "edit section",
    "bearbeiten",
    "quelltext bearbeiten",
    "modifier",
    "modifier le code",
    "modifier le wikicode",
    "editar",
    "editar código",
    "editar código-fonte",
    "modifica",
    "modifica wikitesto",
    "bewerken",
    "brontekst bewerken",
    "edytuj",
    "edytuj kod",
    "править",
    "править код",
    "编辑",
    "编辑源代码",
    "編集",
    "ソースを編集",
];

const MENU_SEPARATORS: &[char] = &['|', '•', '·', '»', '›', '¦', '∙', '⋅'];

pub fn menus(page: &mut Page<'_>, s: &ChromeSettings) {
    let open = page.open_line_list();
    let (table, separated) = table_rows(page, &open);
    for (k, &i) in open.iter().enumerate() {
        let line = &page.lines[i];
        let text = line.text.trim();
        // A long line of short phrases in those scripts is a sentence (Myanmar's syllables
        // carry many marks, and its stop may be left out).
        let run_together = line.words >= s.run_together_words && is_run_together_menu(text)
            || is_run_together_labels(text) && !words::is_unstopped_sentence(text, line.words)
            || is_glued_menu(text);
        // Trimming takes off white space only, never a separator: whether the line has one
        // was found for the table already.
        if !table[k] && (run_together || is_menu(text, separated[k], s)) {
            page.claim(i, Verdict::remove(rule::NAV_MENU));
        }
    }
}

/// Lines that are rows of a table, by `open` position: at least `TABLE_ROWS` lines in a row
/// split into the same number (3 or more) of cells. An extractor writes a table's cells
/// separated by " | ", which one line alone cannot tell from a menu; a menu is one line, or
/// a few of different lengths. And by `open` position too, whether the line has a separator.
fn table_rows(page: &Page<'_>, open: &[usize]) -> (Vec<bool>, Vec<bool>) {
    let separated: Vec<bool> = open
        .iter()
        .map(|&i| has_separator(page.lines[i].text))
        .collect();
    let cells: Vec<usize> = open
        .iter()
        .zip(&separated)
        .map(|(&i, &separated)| {
            if !separated {
                return 0;
            }
            page.lines[i]
                .text
                .split(|c| MENU_SEPARATORS.contains(&c))
                .filter(|c| !c.trim().is_empty())
                .count()
        })
        .collect();
    let mut table = vec![false; open.len()];
    let mut start = 0;
    while start < open.len() {
        let mut end = start + 1;
        while end < open.len() && cells[end] == cells[start] {
            end += 1;
        }
        if cells[start] >= 3 && end - start >= TABLE_ROWS {
            table[start..end].fill(true);
        }
        start = end;
    }
    (table, separated)
}

const TABLE_ROWS: usize = 3;

/// Does the line hold a menu separator? Every separator is '|' or starts with one of two
/// UTF-8 lead bytes: most lines are ruled out by one SIMD scan.
fn has_separator(text: &str) -> bool {
    let b = text.as_bytes();
    (memchr::memchr2(b'|', 0xC2, b).is_some() || memchr::memchr(0xE2, b).is_some())
        && text.contains(MENU_SEPARATORS)
}

/// `separated`: [`has_separator`]`(text)`, found by the caller.
fn is_menu(text: &str, separated: bool, s: &ChromeSettings) -> bool {
    // Most lines have neither: one SIMD scan for a slash or an angle rules out " / " and a
    // breadcrumb's " > ".
    if !separated {
        if memchr::memchr2(b'/', b'>', text.as_bytes()).is_none() {
            return false;
        }
        if !text.contains(" / ") {
            return is_breadcrumb(text);
        }
    }
    // A line framed by pipes is a row of a table ("| Boston | 64 | 18 | .780 |").
    if text.len() > 2 && text.starts_with('|') && text.ends_with('|') {
        return false;
    }
    let (mut items, mut facts) = (0usize, 0usize);
    let mut all_labels = true;
    for item in text
        .split(|c| MENU_SEPARATORS.contains(&c))
        .flat_map(|p| p.split(" / "))
    {
        let item = item.trim();
        if item.is_empty() {
            continue;
        }
        // A label in Thai, Lao, Khmer or Myanmar is a phrase, written without spaces however
        // many words it has ("รีวิวเครื่องใช้ไฟฟ้า", appliance reviews): counted by its spaces.
        let n = if crate::chars::has_phrase_spaced(item) {
            item.split_whitespace().count()
        } else {
            words::count(item)
        };
        // A menu item is a label: short, and never a sentence.
        if n == 0 || n > s.max_item_words || item.ends_with('.') && n > 1 {
            return false;
        }
        // "Prep: 15 min", "Serves: 4": a fact with its name, not a link.
        if is_fact(item) {
            facts += 1;
        }
        all_labels &= is_title_label(item);
        items += 1;
    }
    if facts * 2 >= items {
        return false;
    }
    // Footer links are often three ("Privacy Policy | Terms of Service | Contact Us"): one item
    // fewer will do when every item is a capitalized label.
    items >= s.min_items || all_labels && items + 1 >= s.min_items && items >= 3
}

/// A breadcrumb trail written with " > ": three or more labels of up to `CRUMB_WORDS` words
/// (the first of up to `HOME_WORDS`),
/// each starting with a capital (or a letter of Thai, Lao, Khmer or Myanmar, which have no
/// case) and holding a lowercase or caseless letter, in a line with nothing of a program or a
/// formula in it: "Portada > Fútbol > Segunda División", "หน้าแรก > เศรษฐกิจ > การเงิน". An
/// order of constants ("EKEYREVOKED > EKEYEXPIRED > ENOKEY") or a comparison in code
/// ("if x > 0 || y > 0 {") is none.
fn is_breadcrumb(text: &str) -> bool {
    const CRUMB_WORDS: usize = 4;
    // The trail starts at the site's home or a section ("Home", "Portada", "All Games"); a
    // path through a program's menus in its manual starts with a verb ("Select Edit >
    // Preferences > General", "Go to Products > Data Files > ...") or a label ("Example:
    // Women > Rings > Diamond rings").
    const HOME_WORDS: usize = 2;
    const VERBS: [&str; 12] = [
        "go", "select", "click", "open", "choose", "navigate", "tap", "press", "use", "see",
        "visit", "pick",
    ];
    let first_word = text.split_whitespace().next().unwrap_or("");
    if VERBS.iter().any(|v| first_word.eq_ignore_ascii_case(v)) {
        return false;
    }
    if !text.contains(" > ")
        || text.contains([
            '(', ')', '{', '}', '[', ']', ';', '=', '<', '$', '#', '`', '|', '"', ':', '+',
        ])
    {
        return false;
    }
    let mut crumbs = 0;
    for (k, crumb) in text.split(" > ").enumerate() {
        let crumb = crumb.trim();
        let Some(first) = crumb.chars().next() else {
            return false;
        };
        let letters = |c: char| c.is_lowercase() || crate::chars::is_phrase_spaced(c);
        if !starts_label(first)
            || !crumb.chars().any(letters)
            || crumb.contains('>')
            || crumb.ends_with('.')
            || words::count(crumb) > if k == 0 { HOME_WORDS } else { CRUMB_WORDS }
        {
            return false;
        }
        crumbs += 1;
    }
    crumbs >= 3
}

/// "Key: value" with a short key.
fn is_fact(item: &str) -> bool {
    item.split_once(':').is_some_and(|(key, value)| {
        !key.trim().is_empty() && words::count(key) <= 3 && !value.trim().is_empty()
    })
}

/// Links run together with spaces: every word starts with a capital or a digit ("&" joins),
/// and nothing marks a sentence, a clause, a list or a subtitle. A title-cased headline has a
/// colon, a question mark or a lowercase joiner more often than not, and is shorter than the
/// words the caller asks for; one that capitalizes its joiners too ("Released With A Fix For
/// The ...") has two or more of them, which link labels run together do not; a line in
/// capitals only (a heading, a legal notice) has no case to tell by and stays, and so does a
/// line of Chinese or Japanese (a paragraph naming "Linux" or "PCIe" before its first comma).
fn is_run_together_menu(text: &str) -> bool {
    // One table look-up a byte: `STOPS.contains(b)` searched the list for every byte of every
    // long line (2 % of a run's instructions).
    if text.bytes().any(|b| IS_STOP[usize::from(b)]) || text.contains(['“', '”', '…', '–', '—'])
    {
        return false;
    }
    if crate::chars::has_unspaced(text) {
        return false;
    }
    const JOINERS: &[&str] = &[
        "a", "an", "the", "for", "with", "to", "of", "in", "on", "at", "by", "from", "as", "is",
        "are", "was", "into", "over", "after",
    ];
    let mut lower = false;
    let mut joiners = 0;
    for word in text.split_whitespace() {
        let Some(first) = word.chars().next() else {
            continue;
        };
        if word == "&" || word == "+" {
            continue;
        }
        if !(first.is_uppercase() || first.is_ascii_digit()) {
            return false;
        }
        lower |= word.chars().any(char::is_lowercase);
        joiners += usize::from(JOINERS.iter().any(|j| word.eq_ignore_ascii_case(j)));
    }
    lower && joiners < 2
}

/// Links run together with no space between them, as a page's text loses the markup that
/// parted them: "RecipesBreakfastBakingWeeknight DinnersSeasonalShopAbout", "AboutContact
/// usCareersAnnual reportsSafeguardingPrivacy noticeCookie settingsAccessibility". A word's letter run of two or more in
/// lower case right before a capital that starts two or more in lower case, six times or
/// more in two words or more (a headline's brands, "WordPress site with GitHub Actions on
/// DigitalOcean using TypeScript", have four) (or [`GLUED_ONE_WORD`] times in one), in a line with nothing that
/// marks a sentence or a clause, at most [`GLUED_WORDS`] words. A brand's "iPhone" and code's "TcpExtTCPAbortOnData"
/// or "setUpClass" do not count; a shorter single glued word ("FacebookXPinterestEmail", a class
/// name "AbstractSingletonProxyFactoryBean") stays, and so do names between code's keywords or
/// joined by "and" ("impl Display for FromBytesUntilNulError").
fn is_glued_menu(text: &str) -> bool {
    if text.bytes().any(|b| IS_STOP[usize::from(b)])
        || text.contains(['“', '”', '…', '–', '—', '_', '<', '>', '=', '/', '{', '}'])
        || crate::chars::has_unspaced(text)
    {
        return false;
    }
    let (mut glued, mut glued_words, mut words, mut pascal, mut lettered) = (0, 0, 0, 0, 0);
    for word in text.split_whitespace() {
        words += 1;
        // Names from code between its keywords ("impl Display for FromBytesUntilNulError"),
        // or two names joined ("setUpClass and tearDownClass").
        if CODE_WORDS.contains(&word) || NAME_JOINERS.contains(&word) {
            return false;
        }
        let (mut here, mut run, mut humps, mut prev_lower) = (0, 0, false, false);
        let mut alphabetic = false;
        let mut chars = word.chars();
        let first_upper = word.chars().next().is_some_and(char::is_uppercase);
        while let Some(c) = chars.next() {
            alphabetic |= c.is_alphabetic();
            if c.is_uppercase() {
                humps |= prev_lower;
                // Two lower-case letters or more before it, two after it: a label's word
                // begins ("…RecipesBreakfast…"), not an abbreviation's ("TcpExt", "setUp").
                if run >= 2 {
                    let after = chars.clone().take_while(|c| c.is_lowercase()).count();
                    here += usize::from(after >= 2);
                }
                run = 0;
            } else if c.is_lowercase() {
                run += 1;
            } else {
                run = 0;
            }
            prev_lower = c.is_lowercase();
        }
        glued += here;
        glued_words += usize::from(here > 0);
        pascal += usize::from(first_upper && humps);
        lettered += usize::from(alphabetic);
    }
    // Names from code one after another, each a word of its own: "FilterableProductTable
    // SearchBar ProductTable ProductCategoryRow ProductRow" (a menu's labels run across its
    // spaces: "Weeknight Dinners", "Long Reads").
    if pascal >= 3 && pascal == lettered {
        return false;
    }
    words <= GLUED_WORDS && (glued >= GLUED_MIN && glued_words >= 2 || glued >= GLUED_ONE_WORD)
}

/// Keywords that put names from code on a line of a documentation page.
const CODE_WORDS: &[&str] = &[
    "impl",
    "for",
    "fn",
    "pub",
    "struct",
    "enum",
    "trait",
    "class",
    "def",
    "where",
    "dyn",
    "mut",
    "const",
    "static",
    "let",
    "var",
    "new",
    "extends",
    "implements",
    "interface",
    "type",
    "async",
    "unsafe",
    "use",
    "mod",
    "import",
    "from",
    "return",
    "void",
    "public",
    "private",
    "protected",
    "final",
    "abstract",
];

/// Words that join two names, which no menu puts between its glued labels.
const NAME_JOINERS: &[&str] = &["and", "or", "vs", "und", "oder", "et", "ou", "y", "e", "o"];

/// Glued capitals one glued word alone makes a menu with, at least: a site's whole menu
/// ("ActualitéPolitiqueInternationalÉconomieSociétéTechCulture..."), longer than code's longest
/// names ("SimpleBeanFactoryAwareAspectInstanceFactory" has six by this count).
const GLUED_ONE_WORD: usize = 8;
/// Glued capitals a menu line has, at least.
const GLUED_MIN: usize = 6;
/// Words (apart by spaces) of a glued menu line, at most.
const GLUED_WORDS: usize = 16;

/// Links run together in Thai, Lao, Myanmar or Khmer, which have no case to tell a label by:
/// `LABELS` or more words of the script apart by spaces and nothing else (no digit, no
/// punctuation, no word of another script), none over `LABEL_LETTERS` letters. These scripts
/// space phrases, not words, and a sentence's phrases run longer: a paragraph's line holds
/// phrases of 15 letters and more, a menu's labels are one or two words.
fn is_run_together_labels(text: &str) -> bool {
    const LABELS: usize = 6;
    const LABEL_LETTERS: usize = 10;
    // Every line is asked: its first character rules out nearly all of them.
    if !text
        .chars()
        .next()
        .is_some_and(crate::chars::is_phrase_spaced)
    {
        return false;
    }
    let mut labels = 0;
    for label in text.split_whitespace() {
        let mut letters = 0;
        for c in label.chars() {
            let p = crate::chars::props(c);
            if !p.phrase_spaced || p.numeric {
                return false;
            }
            letters += usize::from(!p.mark);
        }
        if letters > LABEL_LETTERS {
            return false;
        }
        labels += 1;
    }
    labels >= LABELS
}

/// Bytes that mark a sentence, a clause, a list or a subtitle: a line holding one is not links
/// run together.
const STOPS: &[u8] = b".!?:;,|()[]\"";

/// [`STOPS`] as a table indexed by byte.
const IS_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < STOPS.len() {
        t[STOPS[i] as usize] = true;
        i += 1;
    }
    t
};

/// A capital, or a letter of Thai, Lao, Khmer or Myanmar, which have no case: how a link's
/// label starts.
fn starts_label(c: char) -> bool {
    c.is_uppercase() || crate::chars::is_phrase_spaced(c)
}

/// A label in Title Case: every word capitalized but short joiners ("Terms of Service"); in
/// Thai, Lao, Khmer or Myanmar, a word of their letters will do ([`starts_label`]).
fn is_title_label(item: &str) -> bool {
    item.split_whitespace().all(|w| {
        w.chars().next().is_some_and(starts_label)
            || matches!(
                w,
                "of" | "and" | "&" | "the" | "to" | "for" | "in" | "on" | "us"
            )
    })
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;

    /// The buttons under a cookie notice go whatever their language; the headline below them,
    /// a sentence, and a fifth short line stay.
    #[test]
    fn a_cookie_notices_buttons_go() {
        let notice = "We use cookies to give you the best experience on our website. By \
                      continuing you agree to our cookie policy.\n";
        let article = "The council voted on Tuesday to approve a new harbour budget for the \
                       coming year, after a long debate.\nMembers said the harbour plan would \
                       need more work before the works could start next spring.\n";
        let buttons = "Godkänn alla\nEndast nödvändiga\n\nInställningar\n";
        let src = format!("{notice}{buttons}Council approves new harbour budget\n{article}");
        let r = removed(&src);
        let by_button: Vec<&str> = r
            .iter()
            .filter(|(rule, _)| rule == "consent_button")
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            by_button,
            ["Godkänn alla", "Endast nödvändiga", "Inställningar"],
            "{r:?}"
        );
        assert!(
            kept(&src).contains("Council approves new harbour budget\n"),
            "{r:?}"
        );
        // A sentence ends the buttons; so does the fifth short line.
        let src = format!("{notice}OK\nThe vote passed.\nMenu\n{article}");
        let r = removed(&src);
        assert!(kept(&src).contains("The vote passed.\n"), "{r:?}");
        assert!(
            !r.iter()
                .any(|(rule, t)| rule == "consent_button" && t == "Menu"),
            "{r:?}"
        );
        let src = format!("{notice}A\nB\nC\nD\nEast\n{article}");
        let r = removed(&src);
        assert!(
            !r.iter()
                .any(|(rule, t)| rule == "consent_button" && t == "East"),
            "{r:?}"
        );
        // The article's head is no button: a short title right above the first paragraph (the
        // notice's second line passed over), a title that shares the paragraph's words, a
        // title past a line another rule took (a breadcrumb).
        let title = "Harbour budget approved\n";
        let storm = "Storm hits coast\n";
        let more = "By continuing you agree to our cookie policy.\n";
        for (src, title) in [
            (format!("{notice}{more}{storm}{article}"), storm),
            (format!("{notice}{title}By Jane Doe\n{article}"), title),
            (
                format!("{notice}Home > News > Council\n{storm}Share\n{article}"),
                storm,
            ),
        ] {
            assert!(kept(&src).contains(title), "{:?}", removed(&src));
        }
        // A read-also link about baking cookies is no notice: the ingredients below it stay.
        let src = format!(
            "{article}Read also: The best chocolate chip cookies\n2 cups flour\n1 egg\n\
             Bake for 12 minutes\n{article}"
        );
        let r = removed(&src);
        assert!(!r.iter().any(|(rule, _)| rule == "consent_button"), "{r:?}");
        // With no notice above them, short lines are no buttons.
        let src = format!("{article}Godkänn alla\nEndast nödvändiga\n{article}");
        let r = removed(&src);
        assert!(!r.iter().any(|(rule, _)| rule == "consent_button"), "{r:?}");
    }

    /// What `menus` relies on to reuse the table's finding: trimming a line's white space
    /// (ASCII or not, some of it made of the same lead bytes as separators) never changes
    /// whether it has a separator.
    #[test]
    fn trimming_keeps_the_separators() {
        let pieces = [
            "a", " ", "\u{a0}", "\u{2003}", "\u{3000}", "\u{202f}", "|", "\u{b7}", "\u{bb}",
            "\u{2022}", "\u{2014}", "/", " / ", "\t",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(12);
        let (mut with, mut without) = (0, 0);
        for _ in 0..20_000 {
            let n = rng.below(6);
            let text = rng.concat(&pieces, n);
            let has = super::has_separator(&text);
            assert_eq!(has, super::has_separator(text.trim()), "{text:?}");
            with += usize::from(has);
            without += usize::from(!has);
        }
        assert!(with > 1000 && without > 1000, "{with} {without}");
    }

    #[test]
    fn stop_table_is_the_stop_list() {
        for b in 0..=255u8 {
            assert_eq!(
                super::IS_STOP[usize::from(b)],
                super::STOPS.contains(&b),
                "{b}"
            );
        }
        assert_eq!(super::IS_STOP.iter().filter(|&&s| s).count(), 12);
    }

    /// A wiki's edit links go on their own lines, in brackets; the word in a sentence, a bare
    /// "edit" or a manual's "--edit" option, and other bracketed words stay.
    #[test]
    fn edit_links_go() {
        let body = "The tower is a tapering cylinder of dressed granite.\n";
        for link in [
            "[edit]",
            " [Edit source] ",
            "[bearbeiten | Quelltext bearbeiten]",
            "[編集]",
        ] {
            let src = format!("History\n{link}\n{body}");
            assert_eq!(kept(&src), format!("History\n{body}"), "{link}");
            assert_eq!(
                removed(&src),
                [("edit_link".to_string(), link.trim().to_string())]
            );
        }
        for line in [
            "edit",
            "--edit",
            "[editor]",
            "[edit] the file first",
            "[citation needed]",
        ] {
            let src = format!("History\n{line}\n{body}");
            assert!(kept(&src).contains(line), "{line}");
        }
    }

    /// A widget's quotes, ticker and change a line each, go in runs of three pairs or more; two
    /// pairs, quarters, counts, unsigned shares and a story's own lines stay.
    #[test]
    fn quote_strips_go() {
        let body = "Shares of the snack maker fell after it cut its outlook on Wednesday.\n";
        for strip in [
            "TLFD\n-18.24%\nKHC\n(−2.10%)\n^GSPC\n+0.5%\n",
            "CAC\n−0,44 %\nDAX\n+1,2\u{202f}%\nSMI\n+0,05\u{a0}%\n",
        ] {
            let src = format!("In this article:\n{strip}{body}");
            assert_eq!(kept(&src), body, "{strip}");
            assert!(
                removed(&src)
                    .iter()
                    .filter(|(r, _)| r == "quote_strip")
                    .count()
                    == 6,
                "{strip}"
            );
        }
        for lines in [
            "TLFD\n-18.24%\nKHC\n-2.10%\n",
            "TLFD\n18.24%\nKHC\n2.10%\nGIS\n1.35%\n",
            "USA\n+2\nUK\n-3\nFR\n+1\n",
            "Q2\n-4.1%\nQ3\n+1.2%\nQ4\n+0.2%\n",
            "CAC\n−0,4,4 %\nDAX\n+1 2 %\nSMI\n+0,05 %%\n",
        ] {
            let after = "Analysts had expected the cut, and the stock recovered in late trading.\n";
            let src = format!("{body}{lines}{after}");
            // (Six short lines in a row are a menu run's, whatever their words.)
            let r = removed(&src);
            assert!(
                !r.iter().any(|(rule, _)| rule == "quote_strip"),
                "{lines}: {r:?}"
            );
        }
    }

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

    #[test]
    fn code_emoticons_and_emoji_are_not_separators() {
        let src = "Call it like this:\nfunction init() {\n  setup();\n}\n});\n*/\nparse(x);\n//\n";
        assert_eq!(kept(src), src);
        let src = "Great post, thanks!\n:)\n🎉🎉🎉\n:-(\n-_-\n";
        assert_eq!(kept(src), src);
        // Rule lines still go, one character repeated or four or more mixed.
        let src = "One.\n—\n• • •\n=====\n~~~\n-=-=-=-\n|\nTwo.\n";
        assert_eq!(kept(src), "One.\nTwo.\n");
        // So do lone icons and a rating's stars; a flowchart's arrows stay.
        let src = "One.\n🔍\n\u{f09a}\n★★★★☆\n☰\nTwo.\n";
        assert_eq!(kept(src), "One.\nTwo.\n");
        let src = "Collect the samples\n↓\nLabel each tube\n➜\nShip them cold\n½\ncup of flour\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn tables_and_fact_lines_are_not_menus() {
        let src = "| Team | W | L | Pct |\n|---|---|---|---|\n| Boston | 64 | 18 | .780 |\n\
                   | Miami | 50 | 32 | .610 |\n\
                   Prep: 15 min · Cook: 30 min · Serves: 4 · Difficulty: Easy\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn tables_written_with_bars_between_cells_stay_and_menus_around_them_go() {
        // How the HTML extractor writes a table: cells joined by " | ", no frame.
        let table = "Pos. | Driver | Points | Wins\n1 | Kyle Busch | 5040 | 5\n\
                     2 | Martin Truex Jr. | 5035 | 7\n3 | Kevin Harvick | 5033 | 4\n";
        let src = format!(
            "Home | World | Business | Tech | Sport\nThe final standings after 36 races:\n\
             {table}Privacy Policy | Terms of Service | Contact Us\n"
        );
        assert_eq!(
            kept(&src),
            format!("The final standings after 36 races:\n{table}")
        );
        // Two rows alone are no table: two menus of the same length still go.
        let src =
            "Home | World | Business | Tech\nStory text that stays.\nAbout | Jobs | Press | Help\n";
        assert_eq!(kept(src), "Story text that stays.\n");
    }

    #[test]
    fn links_run_together_with_spaces_are_a_menu() {
        let menu = "Apps & Software Artificial Intelligence Cybersecurity Cryptocurrency Mobile \
                    Smart Home Social Media Tech Industry Transportation All Tech";
        let src = format!("Story text that stays.\n{menu}\n");
        assert_eq!(kept(&src), "Story text that stays.\n");
        assert_eq!(removed(&src)[0].0, "nav_menu");
    }

    /// `line` after a sentence of a story: it stays, or only the story does.
    fn stays_after_story(line: &str) {
        let src = format!("Story text that stays.\n{line}\n");
        assert_eq!(kept(&src), src, "{line}");
    }

    fn goes_after_story(line: &str) {
        let src = format!("Story text that stays.\n{line}\n");
        assert_eq!(kept(&src), "Story text that stays.\n", "{line}");
    }

    /// Links glued together as the markup that parted them went: gone in any language with
    /// case. Brands, names from code documentation and short glued words stay.
    #[test]
    fn links_glued_together_are_a_menu() {
        for line in [
            "RecipesBreakfastBakingWeeknight DinnersSeasonalShopAbout",
            "AboutContact usCareersAnnual reportsSafeguardingPrivacy noticeCookie settingsAccessibility",
            "ActualitéPolitiqueInternationalÉconomieSociétéTechCultureSportsMétéoLe Direct",
        ] {
            goes_after_story(line);
            assert_eq!(
                removed(&format!("Story text that stays.\n{line}\n"))[0].0,
                "nav_menu"
            );
        }
        for line in [
            "iPhone 15 vs iPad Pro vs MacBookAir",
            "Deploy a WordPress site with GitHub Actions on DigitalOcean using TypeScript",
            // Five glued labels: too few to tell from a headline's brands.
            "About usWhere we workOur programmesNews & storiesGet involvedDonate",
            "Class SimpleBeanFactoryAwareAspectInstanceFactory",
            "FacebookXPinterestEmailPrint",
            "AbstractSingletonProxyFactoryBean",
            "impl Display for FromBytesUntilNulError",
            "impl StructuralPartialEq for TryFromIntError",
            "setUpClass and tearDownClass",
            "TryFromIntError and ParseIntError",
            "* TcpExtTCPAbortOnData",
            "HTTPPasswordMgrWithPriorAuth Objects",
            "MaxCpuSwPwrAcc MSR C001007b",
            "Filesystem block size 1kB 2kB 4kB 8kB",
            "NonZeroI8 NonZeroI16 NonZeroI32 NonZeroI64 NonZeroI128 NonZeroIsize }",
            "McDonald's and YouTube team up on a new PlayStation game",
            "LoongArch是一种新的RISC ISA，在一定程度上类似于MIPS和RISC-V",
            "- FilterableProductTable SearchBar ProductTable ProductCategoryRow ProductRow",
        ] {
            stays_after_story(line);
        }
    }

    #[test]
    fn title_case_headlines_capitals_and_lists_are_not_run_together_menus() {
        for line in [
            // Headlines in Title Case: shorter, or with a colon, a question mark or a joiner.
            "Mozilla's Servo Is Whooping The Other Browsers In Performance Ten Years Ago",
            "What Is The Ultimate Best Non-Slip Yoga Mat? Here Are My Top 3 Picks For Beginners And Pros",
            "Fall Allergies In Montana: Improve Indoor Air Quality Before You Close The Windows Tonight",
            "How a Simple Creative Update Boosted Performance For Our Biggest Client In Just Two Weeks",
            // Long headlines that capitalize their joiners as well.
            "FEX 2603 Released With A Partial Fix For The Steam GUI Crashing On AArch64",
            "Intel Xe Linux Driver Ready With Fix For Brand New Lenovo ThinkPad T14 Gen 7 Laptop",
            "Ubuntu Still Figuring Out A Plan For Dealing With California's Digital Age Assurance Act",
            // A heading or a legal notice in capitals.
            "PLEASE READ THESE TERMS CAREFULLY BEFORE YOU USE THE SERVICE OR BUY ANY PRODUCT FROM US",
            // A list of names with commas, and a sentence.
            "Pieter Zeeman, Emil Fischer, Ronald Ross, Theodor Mommsen, Marie Curie, Svante Arrhenius, Niels Finsen",
            "The council voted on Tuesday to approve a new harbour budget for the coming year after a long debate",
            // Chinese prose with Latin names among its words: the words have no case.
            "Linux是Unix操作系统的克隆版本，由Linus Torvalds在一个松散的网络黑客团队的帮助下从头开始编写",
            "PCIe/PCI子系统、内存管理或文件系统）的内部知识了解很少或完全不了解的开发者",
        ] {
            stays_after_story(line);
        }
    }

    #[test]
    fn breadcrumbs_written_with_angles_go_and_code_and_orders_stay() {
        for crumbs in [
            "Portada > Fútbol > Segunda División",
            "News > World > Europe",
            "หน้าแรก > เศรษฐกิจ > การเงินการคลัง",
        ] {
            goes_after_story(crumbs);
            assert_eq!(
                removed(&format!("Story text.\n{crumbs}\n"))[0].0,
                "nav_menu"
            );
        }
        // Three labels with other separators: in Thai, which has no case, its labels are
        // labels as capitalized ones are; a Chinese table's header row stays.
        let src = "Story text that stays.\nหน้าแรก » ท่องเที่ยว » ภาคเหนือ\n标志 | 值 | 描述\n";
        assert_eq!(kept(src), "Story text that stays.\n标志 | 值 | 描述\n");
        for line in [
            "if x > 0 || y > 0 {",
            "assert!(a.iter().all(|&x| x > 0));",
            "EKEYREVOKED > EKEYEXPIRED > ENOKEY",
            "CLOS0 > CLOS1 > CLOS2 > CLOS3.",
            "Sales > Costs > Profit margins fell in every quarter of the year.",
            "Paris > Lyon",
            "Go to Products > Data Files > Click on the button",
            "Select Edit > Preferences > General",
            "Open Settings > Privacy > Location Services",
            "Example: Women > Rings > Diamond rings",
        ] {
            stays_after_story(line);
        }
    }

    #[test]
    fn labels_run_together_in_thai_lao_khmer_and_myanmar_are_a_menu() {
        for menu in [
            "หน้าแรก ข่าว กีฬา บันเทิง สุขภาพ รถยนต์ ติดต่อเรา",
            "ໜ້າຫຼັກ ຂ່າວ ກິລາ ສຸຂະພາບ ທ່ອງທ່ຽວ ຕິດຕໍ່",
            "ទំព័រដើម ព័ត៌មាន កីឡា សុខភាព វីដេអូ ទំនាក់ទំនង",
            "ပင်မစာမျက်နှာ သတင်း အားကစား ကျန်းမာရေး ဗီဒီယို ဆက်သွယ်ရန်",
        ] {
            goes_after_story(menu);
            assert_eq!(removed(&format!("Story text.\n{menu}\n"))[0].0, "nav_menu");
        }
        for line in [
            // A sentence: its phrases are longer than labels ("The city opened a new market near
            // the river on Monday morning, and traders came early").
            "เทศบาลเปิดตลาดแห่งใหม่ริมแม่น้ำเมื่อเช้าวันจันทร์ พ่อค้าแม่ค้ามาตั้งแต่เช้ามืด ขายผักผลไม้จากสวนในอำเภอใกล้เคียง",
            // Five labels, a list with a number, and labels beside Latin words.
            "หน้าแรก ข่าว กีฬา บันเทิง ติดต่อเรา",
            "ไข่ไก่ 3 ฟอง น้ำตาล นม เนย แป้ง",
            "แชร์ Facebook LINE ข่าว กีฬา บันเทิง",
            // A Myanmar sentence without its stop: short phrases, but 16 words.
            "ယခင်က ယင်းဒေသများရှိ နေထိုင်သူများသည် အဝီစိတွင်းရေနှင့် ရေသယ်ယာဉ်များမှ ဝယ်ယူသောရေကို အဓိကအားကိုးခဲ့ရပြီး နွေရာသီတွင် ရေရှားပါးမှု ကြုံတွေ့ရလေ့ရှိသည်",
        ] {
            let src = format!("Story text that stays.\n{line}\n");
            assert!(
                removed(&src).iter().all(|(rule, _)| rule != "nav_menu"),
                "{line}"
            );
        }
    }

    #[test]
    fn three_capitalized_footer_links_are_a_menu() {
        let src = "Story text that stays.\nPrivacy Policy | Terms of Service | Contact Us\n";
        assert_eq!(kept(src), "Story text that stays.\n");
        assert_eq!(removed(src)[0].0, "nav_menu");
        // Three items of which one is not a label, or two labels, stay.
        let src = "Rome | Paris | three days\nCats · Dogs\n";
        assert_eq!(kept(src), src);
    }
}
