//! Page edges: the full visible text of a page opens with its header and menus and closes with
//! "more stories", footers and legal lines, around the article in the middle.
//!
//! `page_edge`: on a page with an article (at least `min_prose_lines` prose lines, holding at
//! least `min_prose_share` of the page's words), the lines before its first prose line go
//! except those on the article's topic (a title, a standfirst: lines sharing at least
//! `head_topic_words` content words with the prose) and the `lead_lines` lines right before it (a
//! title, a byline, a date). After its last prose line the article goes on as long as lines
//! carry it on: sentences, lines on its topic, verse, "Key: value" facts, and a list that a line
//! ending in ":" announces; a subheading or list item between two such lines is the article's
//! too (up to `max_gap` lines, counting lines other rules took as chrome: share links, a
//! related-stories heading). The page's chrome starts where nothing carries the article on.
//! Only for a full page's text: an extractor's output has no such edges.

use super::{Line, Page, Verdict, headlines, rule, words};
use crate::config::EdgeSettings;
use rustc_hash::{FxHashMap, FxHashSet};

/// The line as written ends like a sentence ([`words::is_sentence_end`]), looking past
/// closing quotes and brackets ("...", which `core` leaves off, ends one too). Thai and Lao
/// have no full stop: a long line of them ends a sentence ([`words::is_unstopped_sentence`]).
fn ends_sentence(l: &Line<'_>) -> bool {
    let end = l
        .text
        .trim_end()
        .trim_end_matches(['"', '\'', '”', '’', ')', ']', '»']);
    end.ends_with(words::is_sentence_end) || words::is_unstopped_sentence(end, l.words)
}

/// The line as written ends in ":" (which the line's core leaves off as decoration): it
/// announces what follows.
pub(super) fn announces(l: &Line<'_>) -> bool {
    l.text
        .trim_end()
        .ends_with([':', '：', headlines::KHMER_COLON])
}

/// A line of running prose: long enough and ending like a sentence.
fn is_prose(l: &Line<'_>, s: &EdgeSettings) -> bool {
    l.words >= s.prose_words && ends_sentence(l) || l.words >= 2 * s.prose_words
}

/// A line that reads on like verse or a running list: ends in a comma or semicolon, or starts
/// in lower case with several words.
fn is_verse_like(l: &Line<'_>) -> bool {
    let core = l.text.trim_end();
    if core.ends_with([',', ';', '，', '；', '、']) {
        return true;
    }
    l.words >= 3 && l.core.chars().next().is_some_and(|c| c.is_lowercase())
}

/// A line that carries an article on by its own shape, whatever its words: a sentence, a line
/// announcing a list, verse, a "Key: value" fact, a table's row of figures.
fn reads_on(l: &Line<'_>) -> bool {
    ends_sentence(l)
        || announces(l)
        || is_verse_like(l)
        || headlines::is_key_value(l.core)
        || headlines::is_table_row(l.text)
}

/// How many distinct content words of the line the topic holds.
fn shared_words(l: &Line<'_>, topic: &FxHashSet<u64>) -> usize {
    topic_share(l, topic).0
}

/// A line after the article that is on its topic: it shares `topic_words` content words with
/// the prose, and those make up most of its own (a takeaway restating the story). A headline
/// of another story on the same subject shares a word or two and brings its own.
fn on_topic_tail(l: &Line<'_>, topic: &FxHashSet<u64>, s: &EdgeSettings) -> bool {
    let (shared, own) = topic_share(l, topic);
    shared >= s.topic_words && 3 * shared >= 2 * own
}

/// How many distinct content words of the line the topic holds, and how many it has.
fn topic_share(l: &Line<'_>, topic: &FxHashSet<u64>) -> (usize, usize) {
    let mut own = FxHashSet::default();
    words::for_each_content_hash(l.core, |h| {
        own.insert(h);
    });
    (own.iter().filter(|h| topic.contains(h)).count(), own.len())
}

/// The distinct content words of the given lines: what an article is about.
pub(super) fn topic_of(page: &Page<'_>, lines: impl IntoIterator<Item = usize>) -> FxHashSet<u64> {
    let mut topic = FxHashSet::default();
    for i in lines {
        words::for_each_content_hash(page.lines[i].core, |h| {
            topic.insert(h);
        });
    }
    topic
}

/// The page's headline above its article, as the text alone tells it: a line of at least three
/// words, not ending like a sentence, with at least two content words, at least three in four
/// of them also in the article's prose (`topic`). A menu link shares a word or two with a
/// story on its subject and has few of its own to share; a headline restates the story's
/// subject ("Arroz de pato à moda de Braga" over a recipe that names the dish, the duck and
/// the town). Only the one nearest the article is asked for (see the callers).
pub(super) fn is_topic_headline(l: &Line<'_>, topic: &FxHashSet<u64>) -> bool {
    if l.words < 3 || ends_sentence(l) {
        return false;
    }
    let (shared, own) = topic_share(l, topic);
    shared >= 2 && 4 * shared >= 3 * own
}

/// A comment's header line as blogs print it:
/// - the commenter's name and "says" ("Jane Doe says:", "amara_brown says");
/// - Blogger's name and "said..." ("Anonymous said..."): a story opens a quote with a colon;
/// - a name, when, and a verb ("Milan Griffes on September 12, 2018 at 4:47 pm said:", "Jane
///   at 10:15 am wrote:"): a story's "On March 5, Lavrov said:" starts with no name and gives
///   no time of day.
///
/// The name is one token, or words that start with a capital or a digit with a few joiners
/// ("Girl in the Garage says", "Catherine (GiveWell)"): "what my son says:" in a story is a
/// clause.
fn is_comment_header(l: &Line<'_>) -> bool {
    if (2..=5).contains(&l.words) {
        if before_verb(l.core, "says").is_some_and(is_commenter) {
            return true;
        }
        let text = l.text.trim_end();
        if (text.ends_with("said...") || text.ends_with("said…"))
            && before_verb(l.core, "said").is_some_and(is_commenter)
        {
            return true;
        }
    }
    if !(4..=18).contains(&l.words) || !has_time_of_day(l.core) {
        return false;
    }
    let Some(rest) = ["said", "says", "wrote", "writes", "commented", "replied"]
        .iter()
        .find_map(|v| before_verb(l.core, v))
    else {
        return false;
    };
    let name_end = [" on ", " at ", " | ", ", "]
        .iter()
        .filter_map(|sep| rest.find(sep))
        .min();
    name_end.is_some_and(|e| e > 0 && is_commenter(&rest[..e]))
}

/// What comes before `verb` at the end of `core`, a space between: "Jane Doe" of "Jane Doe says".
fn before_verb<'a>(core: &'a str, verb: &str) -> Option<&'a str> {
    core.strip_suffix(verb)?.strip_suffix(' ')
}

/// A commenter's name: one token, or up to five words that start with a capital or a digit
/// (or an opening bracket: "Catherine (GiveWell)") with a few joiners.
fn is_commenter(name: &str) -> bool {
    const JOINERS: &[&str] = &[
        "of", "and", "the", "in", "on", "at", "de", "van", "von", "&",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.len() {
        0 => false,
        1 => true,
        n if n > 5 => false,
        _ => words.iter().all(|w| {
            w.trim_start_matches(['(', '['])
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || JOINERS.contains(w)
        }),
    }
}

/// Whether `text` holds a time of day written h:mm or hh:mm ("4:47 pm", "16:07").
fn has_time_of_day(text: &str) -> bool {
    let b = text.as_bytes();
    (1..b.len().saturating_sub(2)).any(|i| {
        b[i] == b':'
            && b[i - 1].is_ascii_digit()
            && b[i + 1].is_ascii_digit()
            && b[i + 2].is_ascii_digit()
            && b.get(i + 3).is_none_or(|c| !c.is_ascii_digit())
    })
}

/// The heading WordPress themes print over a comment thread: a count, "thoughts", "comments"
/// or "responses", and the post's title in quotes ("12 thoughts on “Title”", "2 Responses to
/// \"Title\""). A forum's "20 replies to this topic" heads its posts, which are the content.
fn is_comment_heading(l: &Line<'_>) -> bool {
    let mut words = l.core.splitn(4, ' ');
    let (Some(count), Some(noun), Some(prep), Some(title)) =
        (words.next(), words.next(), words.next(), words.next())
    else {
        return false;
    };
    let count = count.bytes().all(|b| b.is_ascii_digit())
        || ["no", "one"].iter().any(|w| count.eq_ignore_ascii_case(w));
    // Most lines of four words or more open with no count: they are done here, before the
    // noun is lower-cased.
    if !count {
        return false;
    }
    let noun = noun.to_lowercase();
    // WordPress's own words, in English and as its Spanish, French, German, Portuguese and
    // Italian translations print them ("6 comentarios en “...”", "3 réflexions sur « ... »",
    // "2 Gedanken zu „...“").
    let noun = [
        "thought",
        "thoughts",
        "comment",
        "comments",
        "response",
        "responses",
        "comentario",
        "comentarios",
        "respuesta",
        "respuestas",
        "commentaire",
        "commentaires",
        "réflexion",
        "réflexions",
        "kommentar",
        "kommentare",
        "gedanke",
        "gedanken",
        "comentário",
        "comentários",
        "pensamento",
        "pensamentos",
        "commento",
        "commenti",
        "pensiero",
        "pensieri",
    ]
    .contains(&noun.as_str());
    let prep = ["on", "to", "en", "a", "sobre", "sur", "zu", "em", "su"]
        .iter()
        .any(|w| prep.eq_ignore_ascii_case(w));
    noun && prep && title.chars().count() > 1 && title.starts_with(['"', '“', '„', '«', '\'', '‘'])
}

/// `comment_thread`: the readers' comments under an article, on a page's full text. It starts at
/// the thread's heading ("12 thoughts on “Title”") or at the first comment header when at
/// least `comment_headers` of them follow, provided the article is above it (at least
/// `min_prose_lines` prose lines), and runs to the page's end: what follows a thread is its
/// reply form and the page's footer. A page whose comments are all its prose (a guest book)
/// has no article above them and keeps them.
pub fn comment_thread(page: &mut Page<'_>, s: &EdgeSettings) {
    let heading = (0..page.lines.len()).find(|&i| is_comment_heading(&page.lines[i]));
    let headers: Vec<usize> = page
        .open_lines()
        .filter(|&i| is_comment_header(&page.lines[i]))
        .collect();
    let thread = s.comment_headers > 0 && headers.len() >= s.comment_headers;
    let first_header = headers.first().copied();
    let Some(first) = [heading, first_header.filter(|_| thread)]
        .into_iter()
        .flatten()
        .min()
    else {
        return;
    };
    let prose_above = page
        .open_lines()
        .take_while(|&i| i < first)
        .filter(|&i| is_prose(&page.lines[i], s))
        .count();
    if prose_above < s.min_prose_lines.max(1) {
        return;
    }
    for i in first..page.lines.len() {
        if !page.lines[i].is_blank() {
            page.claim(i, Verdict::remove(rule::COMMENT_THREAD));
        }
    }
}

/// Readers' comments that carry a reply button each (rule `comment_thread`), where no heading
/// or "Jane says:" header announces them: a name, perhaps a date, the comment, then "Reply"
/// ("Reply · Like", "Responder Citar Gosto", "Svara", "返信"). Two such comments or more, each
/// a line of [`REPLY_BODY_WORDS`] words or more within three lines above its button (a later
/// comment up to three paragraphs; each under up to three short header lines), below an article (three prose lines or more above
/// the first one's header, [`REPLY_ARTICLE_WORDS`] words or more) and near the page's end (at most eight long lines below the last
/// button): the lines from the first comment's header to the last button go. A forum's thread
/// stays: its posts outweigh what stands above the first of them (its first post, which may
/// carry its button apart from its text), or the software numbers them ("#1", "#2"). So does
/// an article whose embedded posts show "Reply" between its paragraphs (long lines below
/// them).
pub fn reply_threads(page: &mut Page<'_>, s: &EdgeSettings) {
    let lines: Vec<usize> = (0..page.lines.len())
        .filter(|&i| !page.lines[i].is_blank())
        .collect();
    let words = |n: usize| page.lines[lines[n]].words;
    let button = |n: usize| is_reply_button(page.lines[lines[n]].core);
    // Each comment as the order of its first line and of its button.
    let mut comments: Vec<(usize, usize)> = Vec::new();
    for n in 0..lines.len() {
        if !button(n) {
            continue;
        }
        let floor = comments.last().map_or(0, |&(_, b)| b + 1);
        let Some(last) = (floor.max(n.saturating_sub(3))..n)
            .rev()
            .find(|&m| words(m) >= REPLY_BODY_WORDS && !button(m))
        else {
            continue;
        };
        let mut start = last;
        // Only a later comment grows up to its earlier button: the first one's body is the
        // line above its button, or it could grow into the article's last paragraphs.
        while floor > 0 && start > floor && last - start < 2 && words(start - 1) >= REPLY_BODY_WORDS
        {
            start -= 1;
        }
        // Its header: a name, a date ("14 March 2024 at 9:12 am"), short lines that end no
        // sentence (the article's short last line, "I won't go back.", does).
        let body = start;
        while start > floor
            && body - start < 3
            && words(start - 1) <= REPLY_HEADER_WORDS
            && !ends_sentence(&page.lines[lines[start - 1]])
        {
            start -= 1;
        }
        comments.push((start, n));
    }
    let (Some(&(first, _)), Some(&(_, end))) = (comments.first(), comments.last()) else {
        return;
    };
    if comments.len() < 2 {
        return;
    }
    let prose_above: Vec<usize> = lines[..first]
        .iter()
        .copied()
        .filter(|&i| page.verdicts[i].is_none() && is_prose(&page.lines[i], s))
        .collect();
    let prose_words: usize = prose_above.iter().map(|&i| page.lines[i].words).sum();
    let long_below = (end + 1..lines.len()).filter(|&n| words(n) >= 15).count();
    // A forum's posts outweigh its first post (and a summary above them); an article's
    // comments are a smaller text than the article. Forum software numbers its posts ("#1").
    let thread_words: usize = (first..=end)
        .map(words)
        .filter(|&w| w >= REPLY_BODY_WORDS)
        .sum();
    let numbered = lines
        .iter()
        .filter(|&&i| is_post_number(page.lines[i].text))
        .count();
    if prose_above.len() < s.min_prose_lines.max(3)
        || prose_words < REPLY_ARTICLE_WORDS
        || thread_words >= prose_words
        || numbered >= 2
        || long_below > 8
    {
        return;
    }
    for &i in &lines[first..=end] {
        if page.verdicts[i].is_none() {
            page.claim(i, Verdict::remove(rule::COMMENT_THREAD));
        }
    }
}

/// A forum post's number alone or at a line's end: "#1", "4 de Mar de 2024 #2".
fn is_post_number(text: &str) -> bool {
    let t = text.trim_end();
    let digits = t.trim_end_matches(|c: char| c.is_ascii_digit());
    digits.len() < t.len()
        && digits.ends_with('#')
        && (digits.len() == 1 || digits[..digits.len() - 1].ends_with(char::is_whitespace))
        && t.len() - digits.len() <= 5
}

/// Words of prose above the first comment, at least: an article, not a forum's first post
/// (whose own button may stand under its signature, apart from its text).
const REPLY_ARTICLE_WORDS: usize = 200;

/// Words of a comment's header line, at most.
const REPLY_HEADER_WORDS: usize = 8;

/// Words of a comment's line, at least, right above its reply button.
const REPLY_BODY_WORDS: usize = 6;

/// A comment's buttons: "Reply", "Reply · Like", "Like Reply 3", "Responder Citar Gosto",
/// "Trả lời Thích": words of [`COMMENT_BUTTONS`] and counts only, one of them a reply.
fn is_reply_button(core: &str) -> bool {
    if core.len() > 60 {
        return false;
    }
    let mut reply = false;
    for w in core.split(|c: char| c.is_whitespace() || "·|•/-–()".contains(c)) {
        if w.is_empty() || w.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let w = w.to_lowercase();
        if REPLY_WORDS.contains(&w.as_str()) {
            reply = true;
        } else if !COMMENT_BUTTONS.contains(&w.as_str()) {
            return false;
        }
    }
    reply
}

/// "Reply" in the languages comment systems print it.
const REPLY_WORDS: &[&str] = &[
    "reply",
    "responder",
    "responde",
    "svara",
    "svar",
    "antworten",
    "répondre",
    "repondre",
    "rispondi",
    "beantwoorden",
    "reageren",
    "odpowiedz",
    "ответить",
    "yanıtla",
    "cevapla",
    "balas",
    "trả",
    "返信",
    "답글",
    "回复",
    "回覆",
    "odgovori",
    "odpovědět",
    "vastaa",
];

/// The other buttons beside it: like, quote, report, share, edit.
const COMMENT_BUTTONS: &[&str] = &[
    "like",
    "likes",
    "quote",
    "report",
    "flag",
    "share",
    "permalink",
    "edit",
    "delete",
    "citar",
    "gosto",
    "denunciar",
    "compartir",
    "gilla",
    "citera",
    "anmäl",
    "zitieren",
    "melden",
    "citer",
    "signaler",
    "cita",
    "segnala",
    "citeren",
    "cytuj",
    "zgłoś",
    "цитировать",
    "пожаловаться",
    "alıntıla",
    "beğen",
    "suka",
    "lời",
    "thích",
    "引用",
    "いいね",
    "좋아요",
    "신고",
    "举报",
    "赞",
];

/// Takes the buttons under the cookie notice that ends at a line, and returns the notice's
/// last line (`chrome::consent_buttons`).
pub type TakeButtons<'a> = dyn Fn(&mut Page<'_>, usize) -> usize + 'a;

/// `notice_ends`: the last lines of the cookie notices other rules took. `buttons` takes the
/// buttons under the cookie notice this rule finds above the article (see `article_prose`)
/// and returns the notice's last line, before the lead is counted.
pub fn detect(
    page: &mut Page<'_>,
    s: &EdgeSettings,
    notice_ends: &[usize],
    buttons: Option<&TakeButtons<'_>>,
) {
    let open = page.open_line_list();
    let all_prose: Vec<usize> = open
        .iter()
        .copied()
        .filter(|&i| is_prose(&page.lines[i], s))
        .collect();
    // One long line is no article to trim a page around.
    if all_prose.len() < s.min_prose_lines.max(1) {
        return;
    }
    let prose_words: usize = all_prose.iter().map(|&i| page.lines[i].words).sum();
    let all_words: usize = open.iter().map(|&i| page.lines[i].words).sum();
    // Where prose is a small part of the page (a product grid, a listing), the lines around
    // it are the content.
    if (prose_words as f64) < s.min_prose_share * all_words as f64 {
        return;
    }
    let (mut prose, mut limit) = article_prose(page, s, &all_prose);
    let first = prose[0];
    // A banner block above the article (see `article_prose`, which judged it) goes, and the
    // lead counts from below it: what stands above a cookie notice is the site's header.
    let mut floor = 0;
    for &i in all_prose.iter().take_while(|&&i| i < first) {
        page.claim(i, Verdict::remove(rule::PAGE_EDGE));
        floor = i + 1;
    }
    // Its buttons go with it, before the lead counts the lines below it.
    if let (Some(take), Some(end)) = (buttons, floor.checked_sub(1)) {
        floor = take(page, end) + 1;
    }
    // So does a cookie notice another rule took (`notice_ends`: each one's last line, its
    // buttons included): the menu and the sign-in link above it are no part of the lead.
    if let Some(&end) = notice_ends.iter().filter(|&&e| e < first).max() {
        floor = floor.max(end + 1);
    }
    // A press release ends at its end mark ("###", "-30-"): what follows is the sender's
    // standing blurb and the page's own. The last mark, and only when the prose below it is
    // under half the words of the prose above: "# # #" is also a story's scene break, with
    // the story going on below it.
    if let Some(mark) = (first + 1..limit)
        .rev()
        .find(|&i| is_end_mark(page.lines[i].text))
    {
        let before = prose.partition_point(|&i| i < mark);
        let words = |p: &[usize]| p.iter().map(|&i| page.lines[i].words).sum::<usize>();
        let (above, below) = (words(&prose[..before]), words(&prose[before..]));
        if before > 0 && 2 * below < above {
            prose = &prose[..before];
            limit = mark;
        }
    }
    let last = prose[prose.len() - 1];
    let topic = topic_of(page, prose.iter().copied());
    // An article may open with short paragraphs ("It was late. The room was full."): the
    // sentences right above the first prose line belong to it, and the lead counts from them.
    let mut start = first;
    for &i in open.iter().rev().skip_while(|&&i| i >= first) {
        // Not into a cookie notice or above it: that is the site's header.
        if i < floor || page.verdicts[i].is_some() || !ends_sentence(&page.lines[i]) {
            break;
        }
        start = i;
    }
    let title = page_title(page, start, &topic);
    if let Some((echo, _)) = title {
        page.claim(echo, Verdict::remove(rule::PAGE_EDGE));
    }
    // A grid of records above the article (a shop's products, each with the same "Key: value"
    // rows: "Weight: 3.7 lbs", "Gear Capacity: 65 liters") is what the page lists, with a
    // blurb under it: no header to cut.
    // The lead counts from the grid's first record.
    let head = &open[..open.partition_point(|&i| i < start)];
    let start = grid_start(page, head)
        .filter(|&g| g >= floor)
        .map_or(start, |g| g.min(start));
    let cut = head_cut(
        page,
        s,
        &open,
        (floor, start),
        &topic,
        title.map(|(_, h)| h).filter(|&h| h < start),
    );
    for i in cut {
        page.claim(i, Verdict::remove(rule::PAGE_EDGE));
    }
    let cut = tail_cut(page, s, last, limit, &topic);
    for i in cut {
        page.claim(i, Verdict::remove(rule::PAGE_EDGE));
    }
}

/// Records the lines repeat: keys that open "Key: value" lines, and how many times a key must
/// recur, for the lines to be a grid of records.
const GRID_KEYS: usize = 2;
const GRID_RECORDS: usize = 3;

/// Where a grid of records in the open `lines` begins, if they hold one: at least `GRID_KEYS`
/// keys that each open `GRID_RECORDS` or more "Key: value" lines (a menu has no such lines,
/// and one product's spec box names each key once). The first record starts above its first
/// such line by as many lines as stand above the same key's next line since the last
/// "Key: value" line before it (the next record's name, price and rating).
fn grid_start(page: &Page<'_>, lines: &[usize]) -> Option<usize> {
    let key_of = |i: usize| {
        let core = page.lines[i].core;
        (page.verdicts[i].is_none() && headlines::is_key_value(core)).then(|| {
            let key = core.split_once(':').map_or(core, |(k, _)| k).trim();
            key.to_lowercase()
        })
    };
    let keyed: Vec<Option<String>> = lines.iter().map(|&i| key_of(i)).collect();
    let mut counts: FxHashMap<&str, usize> = FxHashMap::default();
    for k in keyed.iter().flatten() {
        *counts.entry(k.as_str()).or_insert(0) += 1;
    }
    if counts.values().filter(|&&n| n >= GRID_RECORDS).count() < GRID_KEYS {
        return None;
    }
    let repeated = |k: &Option<String>| {
        k.as_deref()
            .is_some_and(|k| counts.get(k).is_some_and(|&n| n >= GRID_RECORDS))
    };
    let p = keyed.iter().position(repeated)?;
    let q = p + 1 + keyed[p + 1..].iter().position(|k| *k == keyed[p])?;
    let others = keyed[p..q].iter().rev().take_while(|k| k.is_none()).count();
    Some(lines[p.saturating_sub(others)])
}

/// The mark that ends a press release: "###", "# # #", "-30-", "- END -", "-ends-".
fn is_end_mark(text: &str) -> bool {
    let t = text.trim();
    // Every line of an article is asked; the marks are seven bytes at most.
    if t.len() > 7 {
        return false;
    }
    [
        "###", "# # #", "-30-", "- 30 -", "-###-", "- ### -", "-end-", "- end -", "-ends-",
        "- ends -",
    ]
    .iter()
    .any(|m| t.eq_ignore_ascii_case(m))
}

/// Separators between a headline and its site's name in a page's HTML title.
const TITLE_SEPARATORS: [&str; 8] = [" | ", " - ", " – ", " — ", " · ", " • ", " :: ", " » "];

/// A page's full visible text often opens with its HTML title, "Headline | Site" ("Headline -
/// Site", "Headline — Site: Section"), and prints the headline alone again above the article.
/// Returns (the title line, the headline line) when the page's first line is such a title and
/// one of the open lines after it, before `before` (the article), is its headline: two words
/// at least, sharing the article's content words (`topic`), so that a site's name over its
/// logo ("Site | Tagline" and "Site", "BBC News - Headline" and "BBC News") is not taken for
/// one. The longest such line wins; of equals, the last.
fn page_title(page: &Page<'_>, before: usize, topic: &FxHashSet<u64>) -> Option<(usize, usize)> {
    let echo = (0..before).find(|&i| !page.lines[i].is_blank())?;
    let full = page.lines[echo].text.trim();
    let mut best: Option<usize> = None;
    for j in echo + 1..before {
        let l = &page.lines[j];
        // A copy another rule took (a repeat of the headline) is not the one that stays.
        if l.words < 2
            || page.verdicts[j].is_some()
            || best.is_some_and(|b| page.lines[b].words > l.words)
        {
            continue;
        }
        let head = l.text.trim();
        let titled = full.len() > head.len()
            && full.is_char_boundary(head.len())
            && full[..head.len()].eq_ignore_ascii_case(head)
            && TITLE_SEPARATORS
                .iter()
                .any(|sep| full[head.len()..].starts_with(sep));
        // A site's name is short: up to three words need two of the article's, a longer
        // headline one ("Episode 142: The Slow Return of Hand Bookbinding").
        if !titled {
            continue;
        }
        let shared = shared_words(l, topic);
        if shared >= 2 || shared == 1 && l.words >= 4 {
            best = Some(j);
        }
    }
    best.map(|h| (echo, h))
}

/// How many open lines above the lead are asked whether they read as the headline: a
/// headline pushed out of the lead sits right above it (over a byline, a date); a menu link
/// on the article's subject stands further up.
const HEADLINE_REACH: usize = 3;

/// Rows that make a box of facts above an article.
const FACT_BOX_ROWS: usize = 3;

/// A row of a box of facts as a page's text prints a table: a label of one to four words
/// ("Designed by", "Focal height") and its value, apart by one tab. Not " | ", which scour's
/// extractor prints (`page_edge` does not run on its output) and which on a page's text is a
/// header's "Sign in | Register". Labels in scripts without capitals make no box.
fn is_fact_row(text: &str) -> bool {
    let Some((label, value)) = text.trim().split_once('\t') else {
        return false;
    };
    let words = label.split_whitespace().count();
    (1..=4).contains(&words)
        && label.starts_with(char::is_uppercase)
        && !label.ends_with(['.', '!', '?'])
        && !value.trim().is_empty()
        && !value.contains('\t')
}

/// The open lines before the first prose line (`first`) that are not the article's lead. From
/// the page's `headline` on (see [`page_title`]), every line is the article's head. The lead
/// takes no line above `floor` (a banner's end).
fn head_cut(
    page: &Page<'_>,
    s: &EdgeSettings,
    open: &[usize],
    (floor, first): (usize, usize),
    topic: &FxHashSet<u64>,
    headline: Option<usize>,
) -> Vec<usize> {
    // The lead: the last `lead_lines` lines before the article that no other rule took. Lines
    // that moved to metadata (a dateline, a photo credit) or went as cruft (a repeated title, a
    // share prompt) do not count: a head of title, date, standfirst and credit would otherwise
    // push the title out.
    // Nor do bare counts: a post's likes and comments ("142", "38", "1.2K") right above it would
    // push out its title and subtitle. They are no part of the lead either. A price ("$60.00"),
    // a rank ("#1"), a year or a title that is one ("2023", "1984") and a version ("3.12.1")
    // are not bare counts.
    let bare_count = |i: usize| {
        let t = page.lines[i].text.trim();
        let t = t.strip_suffix(['K', 'k', 'M']).unwrap_or(t);
        let year = t.len() == 4 && ["18", "19", "20"].iter().any(|c| t.starts_with(c));
        t.starts_with(|c: char| c.is_ascii_digit())
            && t.chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ',' | '.' | ' '))
            && t.matches('.').count() <= 1
            && !year
    };
    // A box of facts right above the article (an encyclopedia's infobox, a spec table: rows of
    // a short label and its value apart by a tab) is the article's, and the lead counts from
    // above it.
    let mut top = first;
    let mut rows = 0;
    for i in (0..first).rev() {
        let l = &page.lines[i];
        if l.is_blank() {
            continue;
        }
        if page.verdicts[i].is_some() || !is_fact_row(l.text) {
            break;
        }
        rows += 1;
        top = i;
    }
    let lead_end = if rows >= FACT_BOX_ROWS { top } else { first };
    let lead_from = (floor.min(lead_end)..lead_end)
        .rev()
        .filter(|&i| !page.lines[i].is_blank() && page.verdicts[i].is_none() && !bare_count(i))
        .take(s.lead_lines)
        .last()
        .unwrap_or(lead_end);
    // Chrome the rules do not know (share buttons in a language they lack) can fill the lead
    // and push the headline above it: when the page's title gave no headline and no line that
    // stays reads as one, the nearest of the few lines right above the lead that does joins
    // the lead, with the lines below it (a byline there goes to metadata as in any lead).
    // Each line's topic test is made once: a mega-menu's header has hundreds of lines.
    let head: Vec<usize> = open[..open.partition_point(|&i| i < first)].to_vec();
    let shares: Vec<bool> = head
        .iter()
        .map(|&i| i >= lead_from || shared_words(&page.lines[i], topic) >= s.head_topic_words)
        .collect();
    let reads_as_headline = |i: usize| is_topic_headline(&page.lines[i], topic);
    let guessed = if headline.is_some()
        || head
            .iter()
            .zip(&shares)
            .any(|(&i, &stays)| stays && page.verdicts[i].is_none() && reads_as_headline(i))
    {
        None
    } else {
        head[..head.partition_point(|&i| i < lead_from)]
            .iter()
            .rev()
            .copied()
            .take(HEADLINE_REACH)
            .find(|&i| reads_as_headline(i))
    };
    let lead_from = [headline, guessed]
        .into_iter()
        .flatten()
        .fold(lead_from, usize::min);
    head.iter()
        .zip(&shares)
        .filter(
            |&(&i, &stays)| {
                if i < lead_from { !stays } else { bare_count(i) }
            },
        )
        .map(|(&i, _)| i)
        .collect()
}

/// The text holds one of `words` (`banner_words`: the words for a browser's cookie), in lower
/// case, where a word begins ("Cookieinställningar" but not "pannkakor"); a word in a script
/// without case (쿠키, クッキー) anywhere, as such scripts may not part words with spaces.
pub(super) fn names_cookies(text: &str, words: &[String]) -> bool {
    let low = text.to_lowercase();
    words.iter().any(|w| {
        let cased = w.chars().next().is_some_and(char::is_lowercase);
        low.match_indices(w.as_str()).any(|(at, _)| {
            !cased
                || !low[..at]
                    .chars()
                    .next_back()
                    .is_some_and(char::is_alphanumeric)
        })
    })
}

/// The prose lines of the article, and the line where the prose of the page's tail starts (the
/// page's end when there is none). Below an article a page often holds prose of its own: the
/// teasers of other stories, a newsletter's pitch, a blurb about the site. It stands apart from
/// the article, across menus and headings, and is short beside it and on other subjects. So
/// prose lines fall into blocks wherever `block_gap` lines that carry nothing on stand between
/// two of them, and blocks are peeled off the page's end while each is small (under
/// `block_size` of the words of the largest block's sentences) and off the topic of the
/// article's blocks up to the largest (sharing under `block_topic` of its content words). An
/// article broken by a table, a list or a boxed teaser keeps its later paragraphs: they are long
/// or share its words. Nor does a block go that opens as the article's parts do (see [`Parts`]):
/// a listicle's last sections and an interview's last answers change the subject too. A page
/// whose largest block is short (under 8 prose lines' worth of words) has no article to measure
/// a tail against.
fn article_prose<'p>(
    page: &Page<'_>,
    s: &EdgeSettings,
    prose: &'p [usize],
) -> (&'p [usize], usize) {
    let whole = (prose, page.lines.len());
    if s.block_size <= 0.0 || s.block_gap == 0 {
        return whole;
    }
    // Where each block starts, as an index into `prose`.
    let mut starts = vec![0];
    for k in 1..prose.len() {
        let gap = (prose[k - 1] + 1..prose[k])
            .filter(|&i| {
                let l = &page.lines[i];
                !l.is_blank() && (page.verdicts[i].is_some() || !reads_on(l))
            })
            .count();
        if gap >= s.block_gap {
            starts.push(k);
        }
    }
    if starts.len() == 1 {
        return whole;
    }
    let block = |b: usize| starts[b]..starts.get(b + 1).copied().unwrap_or(prose.len());
    // A block's size counts the words of its sentences: a tag cloud or a run of keywords is
    // long but says nothing.
    let words_of = |b: usize| -> usize {
        prose[block(b)]
            .iter()
            .map(|&i| &page.lines[i])
            .filter(|l| ends_sentence(l) || l.text.contains(". "))
            .map(|l| l.words)
            .sum()
    };
    // The largest block; the first of equals.
    let main = (0..starts.len())
        .rev()
        .max_by_key(|&b| words_of(b))
        .expect("at least one block");
    let hashes = |b: usize| {
        let mut own = FxHashSet::default();
        for &i in &prose[block(b)] {
            words::for_each_content_hash(page.lines[i].core, |h| {
                own.insert(h);
            });
        }
        own
    };
    let main_words = words_of(main);
    if main_words < 8 * s.prose_words {
        return whole;
    }
    let small = |b: usize| {
        let size: usize = prose[block(b)].iter().map(|&i| page.lines[i].words).sum();
        (size as f64) < s.block_size * main_words as f64
    };
    // Above the article, a cookie notice in words the rule packs lack reads as prose, and
    // would open the article and keep the header below it. The page's first block goes when
    // it names cookies (`banner_words`), is small, and is not the article's: the blocks after
    // it up to the largest never name cookies, or it is off their topic, sharing under
    // `block_topic` of its content words with them and fewer than `head_topic_words` (a
    // standfirst apart from the article, across a byline, share buttons and a caption,
    // restates its subject in more words than that). The word test alone is weak outside
    // English, whose stop words are the only ones known: a notice and an article share their
    // function words. Only the first block: a standfirst below the notice may name cookies
    // too, in a story about them.
    let names_cookies = |i: usize| names_cookies(page.lines[i].text, &s.banner_words);
    let off_topic = || {
        let own = hashes(0);
        let mut after = FxHashSet::default();
        for b in 1..=main {
            after.extend(hashes(b));
        }
        let shared = own.iter().filter(|h| after.contains(h)).count();
        shared < s.head_topic_words && (shared as f64) < s.block_topic * own.len() as f64
    };
    // What stands between the notice and the prose after it is a header, and short: a shop's
    // grid of products below its notice is the page's content, which the notice leaves be.
    let header = || {
        (prose[starts[1] - 1] + 1..prose[starts[1]])
            .filter(|&i| !page.lines[i].is_blank() && page.verdicts[i].is_none())
            .count()
    };
    let first_block = usize::from(
        0 < main
            && small(0)
            && header() <= s.banner_header_lines
            && prose[block(0)].iter().any(|&i| names_cookies(i))
            && (!prose[starts[1]..block(main).end]
                .iter()
                .any(|&i| names_cookies(i))
                || off_topic()),
    );
    let from = starts[first_block];
    if main == starts.len() - 1 {
        return (&prose[from..], page.lines.len());
    }
    let mut topic = FxHashSet::default();
    for b in first_block..=main {
        topic.extend(hashes(b));
    }
    // The article's span: from the line above its first prose line (a listicle's "1. ...", an
    // interview's first question) to its largest block's end.
    let head = (0..prose[from])
        .rev()
        .find(|&i| !page.lines[i].is_blank() && page.verdicts[i].is_none())
        .unwrap_or(prose[from]);
    // Read off the page's lines only once a block would go: most pages keep their last block.
    let mut parts = None;
    let mut last = starts.len() - 1;
    while last > main {
        let own = hashes(last);
        let shared = own.iter().filter(|h| topic.contains(h)).count();
        if !small(last) || shared as f64 >= s.block_topic * own.len() as f64 {
            break;
        }
        // A block that opens as the article's parts do goes on with it: the next numbered
        // section of a listicle, the next "Q:" of an interview, a meal plan's next "Lunch:".
        let parts = parts.get_or_insert_with(|| {
            Parts::of(
                page,
                s,
                head..=prose[block(main).end - 1],
                prose[block(main).start],
            )
        });
        let first = prose[starts[last]];
        let heading = (prose[starts[last] - 1] + 1..first)
            .rev()
            .find(|&i| !page.lines[i].is_blank() && page.verdicts[i].is_none());
        if heading
            .into_iter()
            .chain([first])
            .any(|i| parts.continued_by(i, &page.lines[i]))
        {
            break;
        }
        last -= 1;
    }
    match starts.get(last + 1) {
        Some(&next) => (&prose[from..next], prose[next]),
        None => (&prose[from..], page.lines.len()),
    }
}

/// How a line opens a part of a text in a way the text repeats: a number ("7. Repipe your
/// home", "3) Tents") or a short capitalized label ("Q: Favorite book?", "Lunch: soup").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Marker<'a> {
    Number(u32, u8),
    Label(&'a str),
}

fn marker<'a>(l: &Line<'a>) -> Option<Marker<'a>> {
    let t = l.core;
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let delim = *t.as_bytes().get(digits)?;
        if matches!(delim, b'.' | b')') && t[digits + 1..].starts_with(' ') {
            return Some(Marker::Number(t[..digits].parse().ok()?, delim));
        }
        return None;
    }
    let at = memchr::memchr(b':', t.as_bytes())?;
    let key = &t[..at];
    let capital = key.chars().next().is_some_and(char::is_uppercase);
    let words = words::count(key);
    (capital
        && (1..=3).contains(&words)
        && t[at + 1..].starts_with(' ')
        && !key.contains(['.', '!', '?', ',']))
    .then_some(Marker::Label(key))
}

/// The markers of a page's parts: where each number opens a line, and how many distinct lines
/// of the article (from the line above its first prose line to its largest block's end) that no
/// other rule took open with each label.
struct Parts<'a> {
    numbers: FxHashMap<(u32, u8), Vec<usize>>,
    article: std::ops::RangeInclusive<usize>,
    labels: FxHashMap<&'a str, usize>,
    /// The entries of the article's table of contents, if it has one (see
    /// [`table_of_contents`]).
    contents: Option<FxHashSet<String>>,
}

/// A table of contents: a list of short lines above the article's largest block, three or
/// more of which name subheadings below it, up to the article's end, in the same order. Its
/// entries, from the first the article names, come back as [`entry_text`] gives them. A site's
/// menu printed again in the footer names nothing inside the article; a section label printed
/// over every teaser below it is past the article's end.
fn table_of_contents(
    page: &Page<'_>,
    s: &EdgeSettings,
    main_first: usize,
    article_end: usize,
) -> Option<FxHashSet<String>> {
    let short = |l: &Line<'_>| (1..=12).contains(&l.words);
    // Where each subheading's text stands, in order, up to the article's end: a short line
    // over a paragraph (other rules may have taken it as a menu's or a table's). A section
    // label over teasers or a poster's name over a forum post's date is none.
    let mut at: FxHashMap<String, Vec<usize>> = FxHashMap::default();
    for i in 0..=article_end {
        let l = &page.lines[i];
        let heads_prose = || {
            page.lines[i + 1..]
                .iter()
                .find(|l| !l.is_blank())
                .is_some_and(|l| is_prose(l, s))
        };
        if !l.is_blank() && short(l) && heads_prose() {
            at.entry(entry_text(l)).or_default().push(i);
        }
    }
    let mut best: Option<(usize, Vec<usize>)> = None;
    let mut run: Vec<usize> = Vec::new();
    let mut judge = |run: &mut Vec<usize>| {
        if run.len() >= 3 {
            // Entries matched in order: each to the first line with its text past the last.
            // What a table names stands below it: past the run, or the run's last line (the
            // first subheading, right above the article's prose). A menu printed twice in a
            // row names itself, not the article.
            let end = run[run.len() - 1];
            let mut last = 0;
            let mut named = 0;
            let mut first = None;
            for (k, &i) in run.iter().enumerate() {
                if let Some(&j) = at
                    .get(&entry_text(&page.lines[i]))
                    .and_then(|js| js.iter().find(|&&j| j >= end && j > last && j > i))
                {
                    last = j;
                    named += 1;
                    first.get_or_insert(k);
                }
            }
            // The table starts at its first entry the article names: a title and byline above
            // it in the same run of short lines are no entries.
            if let Some(first) = first
                && named >= 3
                && best.as_ref().is_none_or(|(n, _)| named > *n)
            {
                best = Some((named, run.split_off(first)));
            }
        }
        run.clear();
    };
    for i in 0..main_first {
        let l = &page.lines[i];
        if l.is_blank() {
            continue;
        }
        if short(l) {
            run.push(i);
        } else {
            judge(&mut run);
        }
    }
    judge(&mut run);
    best.map(|(_, run)| run.iter().map(|&i| entry_text(&page.lines[i])).collect())
}

/// A line as a table of contents names it: without its number, in lower case.
fn entry_text(l: &Line<'_>) -> String {
    // The number as `marker` reads one ("6. Day trip", not "1.5 million"), and its "." or ")".
    let t = match marker(l) {
        Some(Marker::Number(..)) => &l.core.trim_start_matches(|c: char| c.is_ascii_digit())[1..],
        _ => l.core,
    };
    t.trim().to_lowercase()
}

impl<'a> Parts<'a> {
    fn of(
        page: &Page<'a>,
        s: &EdgeSettings,
        article: std::ops::RangeInclusive<usize>,
        main_first: usize,
    ) -> Parts<'a> {
        let mut numbers: FxHashMap<(u32, u8), Vec<usize>> = FxHashMap::default();
        let mut labelled = Vec::new();
        for (i, l) in page.lines.iter().enumerate() {
            match marker(l) {
                // Every line: a list that starts again at 1 below the article starts a new
                // sequence even where another rule took its first item.
                Some(Marker::Number(n, d)) => numbers.entry((n, d)).or_default().push(i),
                Some(Marker::Label(k)) if article.contains(&i) && page.verdicts[i].is_none() => {
                    labelled.push((k, l.core))
                }
                _ => {}
            }
        }
        // A title printed twice is one line of the article, not two.
        labelled.sort_unstable();
        labelled.dedup();
        let mut labels = FxHashMap::default();
        for (k, _) in labelled {
            *labels.entry(k).or_insert(0) += 1;
        }
        let contents = table_of_contents(page, s, main_first, *article.end());
        Parts {
            numbers,
            article,
            labels,
            contents,
        }
    }

    /// The last line before `i` that number `n` opens.
    fn last_before(&self, n: u32, delim: u8, i: usize) -> Option<usize> {
        let at = self.numbers.get(&(n, delim))?;
        at[..at.partition_point(|&x| x < i)].last().copied()
    }

    /// Whether line `i` opens the next part of a sequence the article began: its number less
    /// one opens an earlier line, and the last number 1 above it opens a line of the article
    /// (replies numbered below a forum post, a "Most read" list, start again after it). Or a
    /// part with a label that opens 2+ distinct lines of the article (a kicker that opens a
    /// headline, "Munich incident: ...", is one title's). Or a section the page's table of
    /// contents names ("6. Day Trip: Lake Bled" above the article, "Day Trip: Lake Bled" over
    /// the block).
    fn continued_by(&self, i: usize, l: &Line<'_>) -> bool {
        if self
            .contents
            .as_ref()
            .is_some_and(|c| c.contains(&entry_text(l)))
        {
            return true;
        }
        match marker(l) {
            Some(Marker::Number(n, d)) => {
                n >= 2
                    && self.last_before(n - 1, d, i).is_some()
                    && self
                        .last_before(1, d, i)
                        .is_some_and(|at| self.article.contains(&at))
            }
            Some(Marker::Label(k)) => self.labels.get(k).is_some_and(|&n| n >= 2),
            None => false,
        }
    }
}

/// How a line opens as an item of a list: what stands before its first letter, each number as
/// '9' and white space as one space ("9:9 – " for "54:30 – Outro", "9. " for "3. Tents", "• "),
/// when it starts with a bullet or holds a digit with a mark beside it, and is short (up to 16
/// bytes). A line of words, a bracket or a quote opens no list.
fn item_mark(text: &str) -> Option<String> {
    let t = text.trim_start();
    let mut mark = String::new();
    for c in t.chars() {
        if c.is_alphabetic() {
            break;
        }
        if c.is_whitespace() {
            if !mark.ends_with(' ') {
                mark.push(' ');
            }
        } else if c.is_ascii_digit() {
            // A number of any length: "9. " and "10. ", "9:45 – " and "12:30 – " open alike.
            if !mark.ends_with('9') {
                mark.push('9');
            }
        } else {
            mark.push(c);
        }
        if mark.len() > 16 {
            return None;
        }
    }
    // An hour's time stamp opens as a minute's does: "1:08:30 Wrap-up" after "58:50 What
    // you can do" in an episode's timestamps.
    if mark.starts_with("9:9:9") {
        mark.replace_range(..5, "9:9");
    }
    // A number alone is a headline's ("12 Large Indoor Plants"), not an item's mark: the mark
    // holds a stop, a colon or a dash as well.
    let bullet = mark.starts_with(['•', '·', '-', '–', '—', '*', '▪', '◦', '‣', '→', '+']);
    let punctuated = mark.contains(|c: char| c != '9' && c != ' ');
    (bullet || mark.contains('9') && punctuated).then_some(mark)
}

/// The open lines after the article's end, up to `limit`, and every one from there on.
fn tail_cut(
    page: &Page<'_>,
    s: &EdgeSettings,
    last: usize,
    limit: usize,
    topic: &FxHashSet<u64>,
) -> Vec<usize> {
    let mut end = last;
    let mut gap = 0;
    // Lines left of a list a line ending in ":" announced; the article's last prose line
    // may be that line ("... resurfacing work on the following streets:").
    let mut announced = if announces(&page.lines[last]) {
        s.list_lines
    } else {
        0
    };
    // How the line right above opened, if it carried the article on.
    let mut above: Option<String> = None;
    // Whether the line right above carried the article only as its sign-off.
    let mut signed_above = false;
    for i in last + 1..limit {
        let l = &page.lines[i];
        if l.is_blank() {
            continue;
        }
        if page.verdicts[i].is_some() {
            // Another rule's chrome ends an announced list, and it carries nothing on: a run of
            // share links or a related-stories heading is where the page's tail begins, and a
            // sentence below it (a newsletter pitch, a footer's blurb) is not the article's.
            announced = 0;
            above = None;
            gap += 1;
            if gap > s.max_gap {
                break;
            }
            continue;
        }
        let opening = item_mark(l.text);
        // The next item of a list the article's lines above run ("54:30 – Outro" after
        // "49:02 – Does online content help?"): it opens as they do.
        let next_item = opening.is_some() && opening == above;
        let carries = next_item || announced > 0 || reads_on(l) || on_topic_tail(l, topic, s);
        // A sign-off ("— Mara") right under a line that carried the article is its end, and
        // starts no list: a footer's "– Home", "– Kontakt" under the article are no items of
        // it, nor sign-offs after the first.
        let signed = !carries && gap == 0 && !signed_above && super::menus::is_sign_off(l);
        signed_above = signed;
        above = if carries { opening } else { None };
        let carries = carries || signed;
        announced = if announces(l) {
            s.list_lines
        } else {
            announced.saturating_sub(1)
        };
        if carries {
            end = i;
            gap = 0;
        } else {
            gap += 1;
            if gap > s.max_gap {
                break;
            }
        }
    }
    (end + 1..page.lines.len())
        .filter(|&i| page.verdicts[i].is_none() && !page.lines[i].is_blank())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::clean::Input;
    use crate::clean::test_support::*;

    /// `kept(src)` is `want`, or the failure shows what went and by which rule.
    fn assert_kept(src: &str, want: &str) {
        assert_eq!(kept(src), want, "{:?}", removed(src));
    }

    const P1: &str = "The council voted on Tuesday to approve a new harbour budget for the coming year, after a long debate.\n";
    const P2: &str = "Members said the harbour plan would need more work before the works could start next spring.\n";
    const P3: &str = "The mayor welcomed the vote and thanked the staff who had prepared the harbour plan over the winter.\n";
    /// Three more paragraphs of the harbour story: with P1-P3 an article long enough to measure
    /// a page's tail against.
    const P4: &str = "Harbour traders had asked the council for years to repair the old quay walls before the next storm season.\n";
    const P5: &str = "The budget sets aside money for dredging the harbour mouth, new lighting on the quay and a fresh coat of paint.\n";
    const P6: &str = "Opposition members voted against the plan, saying the harbour budget left too little for the town's roads.\n";

    /// A box of facts right above the article (three or more rows of a label and a value, apart
    /// by a tab) is the article's, however many rows it has; rows whose label is a sentence, and
    /// a header's " | " rows, are no box, and are not kept for being one.
    #[test]
    fn a_fact_box_above_the_article_stays_with_it() {
        let head = "The Town Paper\nSubscribe now\n";
        let facts = "Built\t1849\nOperator\tHarbour Board\nQuay length\t420 m\nBerths\t12\n";
        let src = format!("{head}{facts}{P1}{P2}{P3}");
        assert!(kept(&src).contains(facts), "{:?}", removed(&src));
        let bars = "Built | 1849\nOperator | Harbour Board\nQuay length | 420 m\nBerths | 12\n";
        let src = format!("{head}{bars}{P1}{P2}{P3}");
        assert!(!kept(&src).contains("Built | 1849"), "{}", kept(&src));
        let said = "It was built in 1849.\t1849\nThe board runs it.\tBoard\nIt is long.\t420 m\n\
                    It has berths.\t12\n";
        let src = format!("{head}{said}{P1}{P2}{P3}");
        let k = kept(&src);
        assert!(!k.contains("1849"), "{k}");
    }

    /// A cookie notice in words no rule knows reads as prose above the article. The page's
    /// first block of prose goes when it names cookies and is small and off the article's
    /// topic, and the lead counts from below it: the header above it goes too. An off-topic
    /// first block that names no cookies stays, and so does a standfirst about cookies that
    /// restates the article's subject.
    #[test]
    fn a_cookie_notice_above_the_article_goes() {
        let head = "The Town Paper\nNews Sport Culture Opinion Weather\nSign in\n";
        let notice = "Käytämme evästeitä parantaaksemme käyttökokemusta ja analysoidaksemme \
                      liikennettä, ja jatkamalla hyväksyt niiden käytön tällä sivustolla.\n";
        // Share buttons other rules take part the notice from the article without filling the
        // lead, which would reach "Sign in" but for the notice.
        let below = "Hyväksy\nCouncil approves harbour budget\nShare\nPrint\n";
        let article = format!("{P1}{P2}{P3}{P4}{P5}{P6}");
        let src = format!("{head}{notice}{below}{article}");
        let k = kept(&src);
        for gone in [
            notice.trim(),
            "News Sport Culture Opinion Weather",
            "Sign in",
        ] {
            assert!(!k.contains(gone), "{gone}: {:?}", removed(&src));
        }
        assert!(
            k.contains("Council approves harbour budget\n") && k.contains(&article),
            "{k}"
        );
        // Far above the article, over a shop's grid (here a price list no other rule takes),
        // the notice leaves the page be.
        let items =
            |n: usize| -> String { (1..=n).map(|k| format!("Kayak {k}: £{k}99\n")).collect() };
        let limit = crate::config::EdgeSettings::default().banner_header_lines;
        // Open lines between: the items, "Hyväksy" and the headline.
        let src = format!("{head}{notice}{}{below}{article}", items(limit - 2));
        assert!(!kept(&src).contains(notice), "{:?}", removed(&src));
        let src = format!("{head}{notice}{}{below}{article}", items(limit - 1));
        assert!(kept(&src).contains(notice), "{:?}", removed(&src));
        // A tagline that names no cookies is left where it is, with the header below it.
        let tagline = "Independent journalism for the whole valley since 1887, paid for by \
                       readers like you.\n";
        let src = format!("{head}{tagline}{below}{article}");
        assert!(kept(&src).contains(tagline), "{:?}", removed(&src));
        // A standfirst about cookies that shares the words of an article about them is the
        // article's; over an article that never names cookies, it would be a notice.
        let standfirst = "The council said on Tuesday that its harbour budget pages will stop \
                          using tracking cookies next year.\n";
        let about = "Traders had complained that the tracking cookies on the harbour pages \
                     followed them around the web for weeks.\n";
        let src = format!("{head}{standfirst}{below}{article}{about}");
        assert!(kept(&src).contains(standfirst), "{:?}", removed(&src));
        let src = format!("{head}{standfirst}{below}{article}");
        assert!(!kept(&src).contains(standfirst), "{:?}", removed(&src));
    }

    /// A grid of products above a blurb (each record with the same "Key: value" rows) is the
    /// page's listing and stays from its first record down, with the lead above it; the header
    /// above that goes. One product's spec box names each key once and is no grid.
    #[test]
    fn a_grid_of_records_above_the_article_stays() {
        let head = "The Paddle Shop\nKayaks Canoes Paddles Sale\nFree delivery on orders over £50\n\
                    Spring offers on now\nKayaks (3 products)\n";
        let grid: String = ["Sandpiper", "Loon", "Sky"]
            .iter()
            .enumerate()
            .map(|(k, name)| {
                format!(
                    "{name} Kayak\n${k}99.00\nLength: 1{k} feet\nWeight: 4{k} lbs\n\
                     Capacity: 2{k}0 lbs\nHull: Polyethylene\n\n"
                )
            })
            .collect();
        let article = format!("{P1}{P2}{P3}{P4}{P5}{P6}");
        let src = format!("{head}{grid}{article}");
        let k = kept(&src);
        let listing = format!("{grid}{article}").replace("\n\n", "\n");
        assert!(k.ends_with(&listing), "{:?}", removed(&src));
        assert!(!k.contains("The Paddle Shop"), "{:?}", removed(&src));
        let spec = "Sandpiper Kayak\n$999.00\nLength: 13 feet\nWeight: 49 lbs\n";
        let src = format!("{head}{spec}{article}");
        assert!(
            !kept(&src).contains("Sandpiper Kayak"),
            "{:?}",
            removed(&src)
        );
    }

    /// The words for a cookie are found where a word begins in cased scripts, anywhere in
    /// scripts without case.
    #[test]
    fn cookie_words_are_found_where_words_begin() {
        let words = crate::config::EdgeSettings::default().banner_words;
        for text in [
            "Vi använder kakor för att förbättra webbplatsen.",
            "Cookieinställningar",
            "Acceptă cookie-urile",
            "이 사이트는 쿠키를 사용합니다",
        ] {
            assert!(super::names_cookies(text, &words), "{text}");
        }
        for text in ["Pannkakor med sylt till efterrätt.", "Fortunecookies"] {
            assert!(!super::names_cookies(text, &words), "{text}");
        }
    }

    /// A cookie notice a rule took, with its buttons, ends the site's header as well: the
    /// lines above it are no part of the lead, and go unless they share the article's words.
    #[test]
    fn a_cookie_notice_a_rule_took_ends_the_header() {
        let notice =
            "We use cookies to improve your experience on our website.\nAccept all\nReject\n";
        let article = format!("{P1}{P2}{P3}{P4}");
        let head = "The Town Paper\nNews Sport Culture Opinion Weather\n";
        let src = format!("{head}{notice}Council approves harbour budget\n{article}");
        let k = kept(&src);
        assert_eq!(
            k,
            format!("Council approves harbour budget\n{article}"),
            "{:?}",
            removed(&src)
        );
        // Above the notice, the article's title stays.
        let src = format!("{head}Council approves harbour budget\n{notice}{article}");
        let k = kept(&src);
        assert_eq!(
            k,
            format!("Council approves harbour budget\n{article}"),
            "{:?}",
            removed(&src)
        );
    }

    /// Prose in Devanagari ends with a danda ("।"): the page has an article, and its header
    /// goes as an English page's does.
    #[test]
    fn a_header_above_prose_ending_in_a_danda_goes() {
        let src = "ग्राम समाचार दैनिक संस्करण\nहोम देश राज्य मौसम मंडी\n\
                   मानसून की देरी से धान की बुवाई पिछड़ी\nसुरेश यादव, रामपुरा\n\
                   ज़िले में इस बार मानसून ने किसानों की चिंता बढ़ा दी है और बुवाई पिछड़ गई है।\n\
                   कृषि विभाग ने किसानों को कम अवधि वाली धान की किस्में लगाने की सलाह दी है।\n\
                   नहरों में पानी छोड़ने की मांग भी अब तेज़ हो गई है, किसान नेताओं ने कहा।\n";
        let r = removed(src);
        assert!(
            r.iter().any(|(_, t)| t == "ग्राम समाचार दैनिक संस्करण"),
            "{r:?}"
        );
        assert!(
            kept(src).contains("मानसून की देरी से धान की बुवाई पिछड़ी\n"),
            "{r:?}"
        );
    }

    #[test]
    fn header_and_footer_of_a_full_page_go() {
        let src = format!(
            "The Town Paper\nSubscribe now\nToday in brief\n\
             Council approves harbour budget\nBy Ann Lee\n12 May 2024\n{P1}{P2}{P3}\
             More from the paper\nSchool fete raises record sum\nNew bus timetable\n\
             About us\nContact the newsroom\nCopyright 2024 The Town Paper\n"
        );
        // The lead is the last three lines no other rule took (the date moved to metadata):
        // a section label right above the title stays with it, the rest of the header goes.
        // The byline, in the lead, then leaves the text for the record's authors.
        assert_eq!(
            kept(&src),
            format!("Today in brief\nCouncil approves harbour budget\n{P1}{P2}{P3}")
        );
    }

    /// Bare counts (a post's likes and comments) are no part of the lead and do not push the
    /// title and its subtitle out of it. A price is no count: a product page's stays.
    #[test]
    fn counts_above_an_article_leave_its_title_in_the_lead() {
        let src = format!(
            "The Harbour Letter\nHarbour budget passes at last\n\
             What the vote means for the quay walls\nAnn Lee\n142\n38\n{P1}{P2}{P3}"
        );
        assert_eq!(
            kept(&src),
            format!(
                "Harbour budget passes at last\nWhat the vote means for the quay walls\nAnn Lee\n\
                 {P1}{P2}{P3}"
            )
        );
        let src =
            format!("Harbour Kayak 12\nA touring kayak for the harbour\n$399.00\n{P1}{P2}{P3}");
        assert_eq!(kept(&src), src);
        // Nor is a year, a title that is one, or a version.
        for line in ["2023", "1984", "3.12.1"] {
            let src =
                format!("Harbour budget passes\nWhat it means for the quay\n{line}\n{P1}{P2}{P3}");
            assert_eq!(kept(&src), src, "{line}");
        }
    }

    /// Share buttons no rule knows fill the lead and push the headline above it: a headline
    /// that restates the article's subject, right above the lead, stays; a line above it that
    /// shares only a word with the article, or stands far above the lead, still goes; with a
    /// headline in the lead already, nothing above it is kept for reading as one.
    #[test]
    fn a_headline_pushed_out_of_the_lead_stays() {
        // The headline is too long for a menu's item: `page_edge` alone judges it.
        let head = "The Town Paper\nNews\nCouncil passes its harbour budget\nBy Ann Lee\n";
        let buttons = "Jaga\nPrindi\nSalvesta\n";
        let src = format!("{head}{buttons}{P1}{P2}{P3}");
        let k = kept(&src);
        assert!(
            k.starts_with("Council passes its harbour budget\n"),
            "{:?}",
            removed(&src)
        );
        assert!(!k.contains("News\n"), "{k}");
        // Without the lead's buttons the headline is in the lead anyway.
        let src = format!("{head}{P1}{P2}{P3}");
        assert!(kept(&src).starts_with("News\nCouncil passes its harbour budget\n"));
        for title in ["Council notices", "A new school opens in town"] {
            let src = format!("The Town Paper\n{title}\nBy Ann Lee\n{buttons}{P1}{P2}{P3}");
            assert!(!kept(&src).contains(title), "{title}: {}", kept(&src));
        }
        // Further up than the three lines above the lead: out of reach.
        let slogans = "Serving readers across the county since 1850\n\
                       Independent local reporting for the whole valley\n";
        let far = format!("{head}{slogans}{buttons}{P1}{P2}{P3}");
        assert!(!kept(&far).contains("harbour budget\n"), "{}", kept(&far));
        // A headline in the lead already: the line above that reads as one goes.
        let src = format!(
            "The Town Paper\nBudget for the harbour\nNews\nCouncil passes its harbour budget\n\
             By Ann Lee\n{P1}{P2}{P3}"
        );
        assert!(
            !kept(&src).contains("Budget for the harbour"),
            "{}",
            kept(&src)
        );
    }

    #[test]
    fn readers_comments_below_an_article_go() {
        let src = format!(
            "Council approves harbour budget\n{P1}{P2}{P3}\
             Jane Doe says:\nMarch 3, 2024 at 5:12 pm\n\
             Great write-up, the harbour has needed this for years and I am glad it passed.\n\
             Girl in the Garage says\nI hope the works start on time this spring, we will see.\n\
             Leave a Reply\n"
        );
        assert_eq!(
            kept(&src),
            format!("Council approves harbour budget\n{P1}{P2}{P3}")
        );
        let gone = removed_by(&src, "comment_thread");
        assert_eq!(gone.first().map(String::as_str), Some("Jane Doe says:"));
    }

    /// Six more paragraphs: with P1-P6 an article of some 250 words, which a short comment
    /// thread does not outweigh.
    const MORE: &str = "The harbour master said the new lights would make night landings far safer for the fishing fleet.\n\
        Work on the quay walls is due to begin in April and should take about eighteen months to finish.\n\
        A public meeting on the dredging plan will be held in the town hall on the first Monday of March.\n\
        The council will publish the full list of harbour works on its website before the end of the month.\n\
        Local schools have been invited to paint a mural on the new harbour office when the works are done.\n\
        The fishing association said it would keep pressing the council for a second slipway at the north end.\n";

    /// Readers' comments with a reply button each and no heading or "says:" header go from the
    /// first one's name to the last button; the article above stays, and so do a forum's posts,
    /// numbered posts, and "Reply" buttons of posts embedded between the article's paragraphs.
    #[test]
    fn comments_with_reply_buttons_below_an_article_go() {
        let thread = "Margaret Thornbury\n14 March 2024 at 9:12 am\n\
            This is so encouraging, I am on the harbour road too and have waited years for the repairs.\n\
            Reply\n\
            Dev Patel\n15 March 2024 at 7:58 pm\n\
            We moor at the north end and the lighting there has been poor for as long as I remember.\n\
            Reply · Like\n";
        let article = format!("Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}{MORE}");
        let src = format!("{article}{thread}");
        assert_eq!(kept(&src), article, "{:?}", removed(&src));
        let gone = removed_by(&src, "comment_thread");
        assert_eq!(gone.first().map(String::as_str), Some("Margaret Thornbury"));
        // A forum: the posts outweigh the first one.
        let forum = format!("{article}{}", thread.repeat(9));
        assert!(
            kept(&forum).contains("Margaret Thornbury"),
            "{:?}",
            removed(&forum)
        );
        // Numbered posts are a forum's, however long the first.
        let numbered = thread
            .replace("9:12 am", "9:12 am #2")
            .replace("7:58 pm", "7:58 pm #3");
        let src = format!("{article}{numbered}");
        assert!(kept(&src).contains("Dev Patel"), "{:?}", removed(&src));
        // Posts embedded in the article, with nine of its paragraphs below them.
        let below = format!("{P4}{P5}{P6}{MORE}").replace("harbour", "port");
        let src = format!("{article}{thread}{below}");
        assert!(
            kept(&src).contains("Margaret Thornbury"),
            "{:?}",
            removed(&src)
        );
        // A first comment whose header is a long line does not grow into the article.
        let long_header = thread.replace(
            "Margaret Thornbury\n14 March 2024 at 9:12 am\n",
            "Margaret Thornbury on 14 March 2024 at 9:12 am\n",
        );
        let src = format!("{article}{long_header}");
        assert_eq!(
            kept(&src).matches(P6.trim_end()).count(),
            1,
            "{:?}",
            removed(&src)
        );
        assert!(
            kept(&src).contains(MORE.lines().last().unwrap_or_default()),
            "{:?}",
            removed(&src)
        );
        // One comment is no thread.
        let one = thread.split("Dev Patel").next().unwrap_or_default();
        let src = format!("{article}{one}");
        assert!(
            kept(&src).contains("This is so encouraging"),
            "{:?}",
            removed(&src)
        );
        assert!(super::is_reply_button("Reply") && super::is_reply_button("Responder Citar Gosto"));
        assert!(super::is_reply_button("Like Reply 3") && super::is_reply_button("Trả lời Thích"));
        assert!(!super::is_reply_button("Reply to the council") && !super::is_reply_button("Like"));
        assert!(super::is_post_number("#1") && super::is_post_number("4 de Mar de 2024 #2"));
        assert!(!super::is_post_number("Bay #12 is closed") && !super::is_post_number("C#10"));
    }

    #[test]
    fn a_press_release_ends_at_its_end_mark() {
        // The sender's blurb after "###" is a sentence and would carry the article on.
        for mark in ["###", "-30-", "- END -"] {
            let src = format!(
                "Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}{mark}\n\
                 The Town Council serves the eleven thousand residents of the harbour town and its villages.\n\
                 Council offices are open every weekday from nine in the morning to five in the afternoon.\n"
            );
            assert_eq!(
                kept(&src),
                format!("Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}"),
                "{mark}: {:?}",
                removed(&src)
            );
        }
        assert!(super::is_end_mark(" ### ") && super::is_end_mark("-30-"));
        assert!(!super::is_end_mark("### Results"));
        // A scene break with the story going on below it is no end.
        let src = format!("Council approves harbour budget\n{P1}{P2}# # #\n{P3}{P4}{P5}{P6}");
        assert_eq!(
            kept(&src),
            format!("Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}"),
            "{:?}",
            removed(&src)
        );
    }

    #[test]
    fn a_thread_under_its_heading_goes_in_other_languages() {
        for heading in [
            "6 comentarios en \u{201c}Council approves harbour budget\u{201d}",
            "3 r\u{e9}flexions sur \u{ab} Council approves harbour budget \u{bb}",
            "2 Gedanken zu \u{201e}Council approves harbour budget\u{201c}",
        ] {
            let src = format!(
                "Council approves harbour budget\n{P1}{P2}{P3}{heading}\nAnn\n\
                 Great write-up, the harbour has needed this for years and I am glad it passed.\n"
            );
            assert_eq!(
                kept(&src),
                format!("Council approves harbour budget\n{P1}{P2}{P3}"),
                "{heading}"
            );
        }
    }

    #[test]
    fn a_thread_under_its_heading_goes() {
        let src = format!(
            "Council approves harbour budget\n{P1}{P2}{P3}\
             12 thoughts on \u{201c}Council approves harbour budget\u{201d}\nAnn\n\
             Great write-up, the harbour has needed this for years and I am glad it passed.\n"
        );
        assert_eq!(
            kept(&src),
            format!("Council approves harbour budget\n{P1}{P2}{P3}")
        );
        // A forum's count of replies heads the posts, the page's content; and a sentence that
        // opens like a heading is prose.
        let forum = format!(
            "Harbour budget thread\n{P1}20 replies to this topic\n{P2}{P3}\
             Two thoughts on the budget: it is late, and it is larger than the last one was.\n"
        );
        assert_eq!(kept(&forum), forum);
    }

    #[test]
    fn quoted_speech_and_a_lone_comment_stay() {
        // "what my son says:" is the story's clause, not a commenter; one header alone is not a
        // thread; and a page whose prose is all comments (a guest book) keeps them.
        let story = format!(
            "Council approves harbour budget\n{P1}Here is what my son says:\n\
             The harbour is the best place in town and the new budget will make it better still.\n\
             Old Harbour Man says\n{P2}{P3}"
        );
        assert_eq!(kept(&story), story);
        let guest_book = "Guest book\nJane Doe says\n\
             What a lovely little museum, we spent a whole afternoon here with the children.\n\
             Tom Lee says\nThe guided tour was excellent and the staff were kind and very helpful.\n";
        assert_eq!(kept(guest_book), guest_book);
    }

    #[test]
    fn comment_headers_with_a_time_or_bloggers_ellipsis_start_a_thread() {
        let comment =
            "Great write-up, the harbour has needed this for years and I am glad it passed.\n";
        for (a, b) in [
            (
                "Milan Griffes on September 12, 2018 at 4:47 pm said:",
                "Catherine (GiveWell) on September 13, 2018 at 5:23 pm said:",
            ),
            ("Anonymous said...", "Tom Lee said..."),
            (
                "jdoe at 10:15 am wrote:",
                "Ann Lee | 12 May 2024 14:02 wrote:",
            ),
        ] {
            let src = format!(
                "Council approves harbour budget\n{P1}{P2}{P3}{a}\n{comment}{b}\n{comment}"
            );
            assert_eq!(
                kept(&src),
                format!("Council approves harbour budget\n{P1}{P2}{P3}"),
                "{a}"
            );
        }
    }

    #[test]
    fn a_story_quoting_people_with_dates_keeps_its_quotes() {
        // Quotes a story introduces: no name first, or no time of day, or a colon and no
        // ellipsis; two of them make no thread.
        let story = format!(
            "Council approves harbour budget\n{P1}On March 5, Mayor Lee said:\n{P2}\
             At the 10:30 am session the treasurer said:\n{P3}Ann Lee said:\n\
             We will dredge the channel first and then rebuild the old fish market by the quay.\n\
             The harbour master, on May 12 at a meeting, wrote:\n\
             Ships have waited too long for a deeper berth, and the new budget finally pays for it.\n"
        );
        assert_eq!(kept(&story), story, "{:?}", removed(&story));
    }

    #[test]
    fn a_title_printed_twice_above_a_photo_credit_stays_once() {
        let src = format!(
            "News \u{b7} Local \u{b7} Sport \u{b7} Weather \u{b7} Business\n\
             Late night deal ends standoff\n2022-07-21\n\
             Late night deal ends standoff\n(AP Photo/Ann Lee)\n{P1}{P2}{P3}"
        );
        assert_eq!(
            kept(&src),
            format!("Late night deal ends standoff\n{P1}{P2}{P3}")
        );
    }

    #[test]
    fn an_article_opening_with_short_sentences_keeps_them_and_its_title() {
        let src = format!(
            "Home\nNews\nSport\nLate night in the chamber\nIt was late.\nThe room was full.\n\
             Everyone waited.\nThen the mayor spoke.\n{P1}{P2}{P3}"
        );
        // The lead (three lines above the opening sentences) keeps the title and, with it, the
        // two menu items just above; the first menu item goes.
        assert_eq!(
            kept(&src),
            format!(
                "News\nSport\nLate night in the chamber\nIt was late.\nThe room was full.\n\
                 Everyone waited.\nThen the mayor spoke.\n{P1}{P2}{P3}"
            )
        );
    }

    #[test]
    fn article_endings_stay() {
        // A closing sentence cut off with "...", a verse, a list a sentence announces (also the
        // article's last prose line), a run of facts, and takeaways restating the story under a
        // subheading all end the article.
        let endings = [
            "He said he wanted to learn more...\nThe rest is history.\n",
            "Roses are red,\nViolets are blue,\nSugar is sweet,\nAnd so are you.\n",
            "The budget pays for these works:\nDredging\nNew lights\nA fish market\nTwo cranes\n",
            "Recommended:\nOS: Windows 10\nMemory: 8 GB RAM\nStorage: 50 GB free\n",
            "What happens next\nStaff prepare the harbour budget plan\nHarbour works start next spring\n",
            "Eggs, flour and milk\nSalt to taste\nThe vote is expected next week.\n",
            // The last prose line itself announces the list.
            "The budget also sets aside money for resurfacing the roads around the harbour, \
             which traders have asked for since the floods, starting with the following streets:\n\
             Mill Lane\nChurch Walk\nHeadlands\nQuay Road\nThe works start in April.\n",
        ];
        for end in endings {
            let src = format!("Harbour budget approved\n{P1}{P2}{P3}{end}");
            assert_eq!(kept(&src), src, "{:?}", removed(&src));
        }
    }

    /// Thai puts no stop after a sentence: a long line that ends in Thai letters is one, and
    /// carries the article on to its last paragraph; the page's tail below it still goes.
    #[test]
    fn a_thai_article_keeps_its_last_sentence_without_a_stop() {
        // A market opens by the river (three paragraphs), and where to rent a stall.
        let article = "ตลาดริมน้ำแห่งใหม่เปิดแล้ว\n\
            เทศบาลนครเปิดตลาดริมน้ำแห่งใหม่อย่างเป็นทางการเมื่อเช้าวันจันทร์ที่ผ่านมา โดยมีพ่อค้าแม่ค้ากว่าสองร้อยรายนำสินค้าเกษตรจากอำเภอรอบนอกมาวางขาย ทั้งผักปลอดสารพิษ ผลไม้ตามฤดูกาล และอาหารพื้นเมืองที่หาทานได้ยาก\n\
            นายกเทศมนตรีกล่าวว่าตลาดแห่งนี้จะช่วยให้เกษตรกรขายสินค้าได้โดยตรงโดยไม่ต้องผ่านพ่อค้าคนกลาง และยังเป็นแหล่งท่องเที่ยวแห่งใหม่ของเมือง ซึ่งคาดว่าจะดึงดูดนักท่องเที่ยวได้มากขึ้นในช่วงฤดูหนาวนี้\n\
            ตลาดเปิดทุกวันตั้งแต่หกโมงเช้าถึงหนึ่งทุ่ม มีที่จอดรถรองรับได้ประมาณสามร้อยคัน และมีรถรางบริการรับส่งจากสถานีขนส่งทุกครึ่งชั่วโมงตลอดทั้งวัน\n\
            ผู้ประกอบการหลายรายบอกว่ายอดขายในสัปดาห์แรกดีกว่าที่คาดไว้มาก โดยเฉพาะผลไม้และขนมพื้นบ้านที่ขายหมดตั้งแต่ช่วงสาย\n\
            เทศบาลมีแผนขยายพื้นที่ตลาดเพิ่มอีกหนึ่งโซนภายในปีหน้า เพื่อรองรับเกษตรกรจากอำเภอรอบนอกที่ยังรอคิวเช่าแผงอยู่อีกจำนวนมาก\n\
            นอกจากนี้ยังจะจัดกิจกรรมดนตรีพื้นเมืองทุกเย็นวันเสาร์ เพื่อให้ตลาดเป็นจุดนัดพบของคนในชุมชนและนักท่องเที่ยว\n\
            ไฮไลต์ของตลาด\n\
            ผู้ที่สนใจเช่าแผงขายสินค้าในตลาดแห่งใหม่สามารถติดต่อสำนักงานเทศบาลได้ในวันและเวลาราชการตั้งแต่สัปดาห์หน้าเป็นต้นไป\n";
        let tail = "เกี่ยวกับเรา | ติดต่อเรา | นโยบายความเป็นส่วนตัว\n\
                    © 2569 ข่าวเมืองเหนือ สงวนลิขสิทธิ์\n";
        let src = format!("{article}{tail}");
        assert_kept(&src, article);
        assert!(crate::clean::words::is_unstopped_sentence(
            "สามารถติดต่อสำนักงานเทศบาลได้ในวันและเวลาราชการตั้งแต่สัปดาห์หน้าเป็นต้นไป",
            16
        ));
        // Short, or ending in a word of another script, it may be a title.
        let words = crate::clean::words::count;
        assert!(!crate::clean::words::is_unstopped_sentence(
            "ไฮไลต์ของตลาด",
            words("ไฮไลต์ของตลาด")
        ));
        assert!(!crate::clean::words::is_unstopped_sentence(
            "ติดตามข่าวเศรษฐกิจล่าสุดได้ทางช่องทางออนไลน์ของเราทุกวัน LINE",
            16
        ));
    }

    #[test]
    fn page_tails_go() {
        // Headlines of other stories on the same subject bring their own words; share buttons
        // and a footer carry nothing on, even with a sentence further down.
        let src = format!(
            "Harbour budget approved\n{P1}{P2}{P3}Share\nFacebook\nEmail\n\
             Harbour festival draws record crowds to the seafront\n\
             Ferry fares to rise in the new year\n\
             Sign up to our newsletter for the latest news.\nAbout us\n"
        );
        assert_eq!(kept(&src), format!("Harbour budget approved\n{P1}{P2}{P3}"));
    }

    #[test]
    fn teasers_of_other_stories_below_the_article_go() {
        // Each teaser is a sentence, so the article seemed to run on to the last of them and
        // the share links, the heading and the teasers stayed as its own.
        let src = format!(
            "Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}Share this\nFacebook\nEmail\nX\n\
             Most read\nFerry fares to rise\n\
             The ferry company says fuel costs have forced it to raise its ticket prices for the first time.\n\
             Video\nPhotos\nSchool fete raises record sum\n\
             Parents and teachers at the primary school collected more money than ever before at the fete.\n\
             About us\n"
        );
        assert_eq!(
            kept(&src),
            format!("Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}")
        );
    }

    #[test]
    fn a_table_that_ends_the_article_stays() {
        // Rows of figures carry the article on as "Key: value" facts do, whether the cells are
        // apart by bars (scour's extractor) or tabs (other tools); the footer below still goes.
        for (bar, head) in [(" | ", "Item | Cost | Share"), ("\t", "Item\tCost\tShare")] {
            let rows: String = [
                ("Dredging", "2.1m", "53%"),
                ("Quay walls", "1.4m", "35%"),
                ("Lighting", "0.3m", "8%"),
                ("Paint", "0.1m", "4%"),
            ]
            .iter()
            .map(|(a, b, c)| format!("{a}{bar}{b}{bar}{c}\n"))
            .collect();
            let article =
                format!("Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}{head}\n{rows}");
            let src = format!("{article}About us\nContact\nJobs\nAdvertise\n");
            assert_eq!(kept(&src), article, "{:?}", removed(&src));
        }
    }

    #[test]
    fn a_listicles_last_section_stays() {
        // Small and on another subject, it is still the article's: its heading goes on with
        // the article's numbering.
        let garden = "Plant a herb garden\nBasil, thyme and mint grow well in pots on a sunny windowsill all through the year.\n";
        let src = format!(
            "Ways to save on bills\n1. Check the harbour budget\n{P1}{P2}{P3}2. Watch the quay works\n\
             {P4}{P5}{P6}Our picks\nMore ideas\nThe list\n3. {garden}"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
    }

    #[test]
    fn a_section_the_table_of_contents_names_stays() {
        // Small and on another subject below a table and chrome, it is still the article's:
        // the contents list above the article names it beside the article's subheadings.
        let garden = "Plant a herb garden\nBasil, thyme and mint grow well in pots on a sunny windowsill all through the year.\n";
        let body = format!(
            "Why the harbour matters\n{P1}{P2}The quay works\n{P3}{P4}What it costs\n{P5}{P6}Practical facts\n\
             Opening\tDaily\nFerries\tHourly\nParking\tLimited\n{garden}"
        );
        let toc = "Contents\n1. Why the harbour matters\n2. The quay works\n3. What it costs\n4. Practical facts\n5. Plant a herb garden\n";
        let src = format!("Ways to save on bills\n{toc}{body}");
        assert!(kept(&src).contains(garden), "{:?}", removed(&src));
        // Without it the block goes, as any small teaser on another subject below an article.
        let src = format!("Ways to save on bills\n{body}");
        assert!(!kept(&src).contains("Basil"), "{:?}", removed(&src));
        // A menu above that names no subheading of the article is no table of contents.
        let menu = "Home\nNews\nPlant a herb garden\nSport\n";
        let src = format!("Ways to save on bills\n{menu}{body}");
        assert!(!kept(&src).contains("Basil"), "{:?}", removed(&src));
    }

    #[test]
    fn an_interviews_last_answer_stays() {
        // Under a question put as the article's questions are.
        let src = format!(
            "The harbour master speaks\nQ: Why did the council approve the budget?\n{P1}{P2}{P3}\
             Q: What comes next for the harbour?\n{P4}{P5}{P6}Our picks\nMore ideas\nThe list\n\
             Q: What was your best night out?\n\
             A: Watching from courtside as the home side scored fifty points in a triple overtime game.\n"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
    }

    #[test]
    fn parts_the_article_did_not_begin_still_go() {
        // Replies numbered from 1 below the post, and a teaser whose kicker opens only the
        // article's title, are the page's tail as before.
        let reply = |n: usize, text: &str| {
            format!("Report\nQuote\nShare\n{n}. Re: Harbour budget approved\n{text}\n")
        };
        let src = format!(
            "Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}{}{}",
            reply(
                1,
                "The ferry company says fuel costs have forced it to raise its ticket prices for the first time."
            ),
            reply(
                2,
                "Parents and teachers at the primary school collected more money than ever before at the fete."
            ),
        );
        assert_eq!(
            kept(&src),
            format!("Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}")
        );
        // A "Most read" list numbered again from 1 below an article with a numbered list.
        let article = format!(
            "Harbour budget approved\n{P1}{P2}{P3}How the money is split:\n1. Dredging the mouth\n\
             2. Repairing the quay walls\n{P4}{P5}{P6}"
        );
        let src = format!(
            "{article}Share this\nFacebook\nEmail\nMost read\n1. Ferry fares to rise\n\
             The ferry company says fuel costs have forced it to raise its ticket prices for the first time.\n\
             Video\nPhotos\n2. School fete raises record sum\n\
             Parents and teachers at the primary school collected more money than ever before at the fete.\n"
        );
        assert_eq!(kept(&src), article, "{:?}", removed(&src));
        let src = format!(
            "Harbour vote: budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}Share this\nFacebook\nEmail\nMost read\n\
             Harbour vote: ferry fares to rise\n\
             The ferry company says fuel costs have forced it to raise its ticket prices for the first time.\n"
        );
        assert_eq!(
            kept(&src),
            format!("Harbour vote: budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}")
        );
    }

    #[test]
    fn an_article_broken_by_a_table_keeps_what_follows() {
        // A closing paragraph on the story's subject stays after a table, and so does a long
        // last section, whatever its words.
        let table = "Budget by item\n| Dredging | 2.1m |\n| Quay walls | 1.4m |\n| Lighting | 0.3m |\n| Paint | 0.1m |\n";
        let close = "The council will vote on the harbour budget for the quay walls again next spring, members said.\n";
        let src = format!("Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}{table}{close}");
        assert_eq!(kept(&src), src);
        let history = "Ships have used the bay since the twelfth century, when monks built a wooden pier for the wool trade.\n\
                       A stone pier followed in 1520, and the railway reached the town in 1848, bringing visitors by the thousand.\n";
        let src = format!("Harbour budget approved\n{P1}{P2}{P3}{P4}{P5}{P6}{table}{history}");
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn article_text_between_its_paragraphs_stays() {
        // Subheadings, short lines and a list between prose lines are the article's own.
        let src = format!(
            "A Quiet Harbour\n{P1}The plan\nIt rained.\nFlour\nTwo eggs\n{P2}What comes next\n{P3}"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
    }

    #[test]
    fn extracted_text_and_pages_without_prose_keep_their_edges() {
        // An extractor's output ends where the content ends: a spec table after the last
        // paragraph is content.
        let src = format!("Oak Desk 120\n{P1}Width | 120 cm\nWeight | 30 kg\n");
        assert_eq!(kept_as(&src, Input::Extracted), src);
        // A product grid with one sentence: no article to trim around.
        let src = format!(
            "Blue Mug 18 dollars\nRed Mug 20 dollars\nGreen Mug 22 dollars\nWhite Mug 19 dollars\n\
             Grey Mug 21 dollars\nBlack Mug 23 dollars\nPink Mug 24 dollars\nTeal Mug 25 dollars\n\
             Gold Mug 26 dollars\nJade Mug 27 dollars\nRust Mug 28 dollars\nSand Mug 29 dollars\n\
             Sage Mug 30 dollars\nRose Mug 31 dollars\nLime Mug 32 dollars\nPlum Mug 33 dollars\n\
             Navy Mug 34 dollars\nRuby Mug 35 dollars\nOnyx Mug 36 dollars\nIris Mug 37 dollars\n\
             Mint Mug 38 dollars\nCoal Mug 39 dollars\nOcean Mug 40 dollars\nMoss Mug 41 dollars\n\
             {P1}Shipping worldwide\n"
        );
        assert_eq!(kept(&src), src, "{:?}", removed(&src));
    }

    #[test]
    fn chrome_other_rules_took_ends_the_article() {
        // Three lines of share links and a related-stories heading after the article: the
        // sentence below them is the footer's, not the article's.
        let src = format!(
            "Harbour budget approved\n{P1}{P2}{P3}Share on Facebook\nShare on Twitter\n\
             Related Posts\nOur newsroom is open from nine to five on weekdays.\n"
        );
        assert_eq!(kept(&src), format!("Harbour budget approved\n{P1}{P2}{P3}"));
        // One such line (an advertisement label) between the article and its closing
        // sentences does not end it.
        let src = format!(
            "Harbour budget approved\n{P1}{P2}{P3}Advertisement\nThe vote is expected next week.\n\
             It was late.\n"
        );
        assert_eq!(
            kept(&src),
            format!(
                "Harbour budget approved\n{P1}{P2}{P3}The vote is expected next week.\nIt was late.\n"
            )
        );
    }

    #[test]
    fn header_lines_stay_only_when_they_carry_the_article_topic() {
        // A standfirst shares many of the article's words and stays; a header link that
        // shares two ("Harbour budget archive") is the site's, not the story's.
        let src = format!(
            "Harbour budget archive and more\nFind every story from our town in one place\n\
             The harbour budget vote followed a long debate among council members\n\
             Listen to the morning podcast every weekday\nCouncil approves harbour budget\n\
             By Ann Lee\n{P1}{P2}{P3}"
        );
        assert_eq!(
            kept(&src),
            format!(
                "The harbour budget vote followed a long debate among council members\n\
                 Listen to the morning podcast every weekday\nCouncil approves harbour budget\n\
                 {P1}{P2}{P3}"
            ),
            "{:?}",
            removed(&src)
        );
    }

    #[test]
    fn a_pages_html_title_goes_and_its_headline_opens_the_article() {
        // The first line is the HTML title, "Headline | Site"; the headline printed alone
        // further down is the article's, and what stands between it and the prose (an event's
        // date, a job's facts) is the article's head, however many lines it takes.
        let src = format!(
            "Council approves harbour budget | The Town Paper\nThe Town Paper\nNews  Sport  Weather\n\
             Council approves harbour budget\nVote: 7 to 2\nBudget: 4.2 million\nWorks start: spring\n\
             Meeting: Tuesday night\n{P1}{P2}{P3}"
        );
        assert_kept(
            &src,
            &format!(
                "Council approves harbour budget\nVote: 7 to 2\nBudget: 4.2 million\n\
                 Works start: spring\nMeeting: Tuesday night\n{P1}{P2}{P3}"
            ),
        );
        // No headline below it: the title line is judged as any header line (here it shares
        // the article's words and stays), and the lead is the last three lines.
        let src = format!(
            "Council approves harbour budget | The Town Paper\nThe Town Paper\nNews  Sport  Weather\n\
             Vote: 7 to 2\nBudget: 4.2 million\nWorks start: spring\nMeeting: Tuesday night\n{P1}{P2}{P3}"
        );
        assert_kept(
            &src,
            &format!(
                "Council approves harbour budget | The Town Paper\nBudget: 4.2 million\n\
                 Works start: spring\nMeeting: Tuesday night\n{P1}{P2}{P3}"
            ),
        );
    }

    #[test]
    fn a_headline_printed_twice_stays_once() {
        // The second copy goes as a repeat; the first is the headline, and stays.
        let src = format!(
            "Council approves harbour budget | The Town Paper\nThe Town Paper\nNews  Sport  Weather\n\
             Council approves harbour budget\nCouncil approves harbour budget\nSubscribe today\n\
             Vote: 7 to 2\nBudget: 4.2 million\nWorks start: spring\nMeeting: Tuesday night\n{P1}{P2}{P3}"
        );
        assert_kept(
            &src,
            &format!(
                "Council approves harbour budget\nVote: 7 to 2\nBudget: 4.2 million\n\
                 Works start: spring\nMeeting: Tuesday night\n{P1}{P2}{P3}"
            ),
        );
    }

    #[test]
    fn a_sites_name_under_its_title_is_no_headline() {
        // "Site | Tagline" over the site's name: the name shares no word with the article, so
        // the header goes as before and only the lead stays (the last three lines no other
        // rule took: "Subscribe today" went as a pitch).
        let src = format!(
            "The Town Paper | News for the valley\nThe Town Paper\nNews  Sport  Weather\n\
             Subscribe today\nToday in brief\nCouncil approves harbour budget\n{P1}{P2}{P3}"
        );
        assert_kept(
            &src,
            &format!(
                "News  Sport  Weather\nToday in brief\nCouncil approves harbour budget\n{P1}{P2}{P3}"
            ),
        );
    }

    #[test]
    fn a_list_the_article_runs_goes_on_to_its_last_item() {
        // Timestamps of show notes: the first ones share the story's words and carry it on;
        // the last ones share none but open as those above them do, and stay. Headlines of
        // other stories that open with a number are no such items: below one on the story's
        // topic, which carries it on, the next ones go.
        let src = format!(
            "Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}\
             00:00 \u{2013} The harbour budget vote\n04:10 \u{2013} The harbour plan and the quay\n\
             09:45 \u{2013} Listener mail\n12:30 \u{2013} Outro\n\
             About the paper\nAdvertise with us\n"
        );
        let want = format!(
            "Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}\
             00:00 \u{2013} The harbour budget vote\n04:10 \u{2013} The harbour plan and the quay\n\
             09:45 \u{2013} Listener mail\n12:30 \u{2013} Outro\n"
        );
        assert_eq!(kept(&src), want, "{:?}", removed(&src));
        // An hour's time stamp goes on a list of minutes' (one footer line under it: with
        // two, the short lines below the list's second item would make a menu's run).
        let src = format!(
            "Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}\
             00:00 \u{2013} The harbour budget vote\n04:10 \u{2013} The harbour plan and the quay\n\
             58:50 \u{2013} Listener mail\n1:02:15 \u{2013} Bonus round\nAbout the paper\n"
        );
        let (body, _) = src.rsplit_once("About the paper").unwrap();
        assert_eq!(kept(&src), body, "{:?}", removed(&src));
        let src = format!(
            "Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}\
             12 Harbour Budgets Compared\n15 Pet-Friendly Houseplants\n20 Unique Indoor Trees\n"
        );
        assert_eq!(
            kept(&src),
            format!(
                "Council approves harbour budget\n{P1}{P2}{P3}{P4}{P5}{P6}12 Harbour Budgets Compared\n"
            ),
            "{:?}",
            removed(&src)
        );
        assert_eq!(
            super::item_mark("54:30 \u{2013} Outro").as_deref(),
            Some("9:9 \u{2013} ")
        );
        assert_eq!(super::item_mark("3. Tents").as_deref(), Some("9. "));
        // Numbers of any length open alike: a list goes on past its ninth item.
        assert_eq!(
            super::item_mark("9:45 \u{2013} Intro"),
            super::item_mark("12:30 \u{2013} Outro")
        );
        assert_eq!(super::item_mark("9. Tents"), super::item_mark("10. Stoves"));
        // An hour's time stamp opens as a minute's.
        assert_eq!(
            super::item_mark("58:50 What to do"),
            super::item_mark("1:08:30 Wrap-up")
        );
        assert_eq!(
            super::item_mark("\u{2022} Flour"),
            Some("\u{2022} ".to_string())
        );
        assert_eq!(super::item_mark("12 Large Indoor Plants"), None);
        assert_eq!(super::item_mark("(Reuters) - Oil rose"), None);
    }
}
