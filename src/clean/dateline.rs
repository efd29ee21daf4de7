//! Datelines (rule `dateline`): a line that is a date and/or time, perhaps with a section or site
//! name ("Russian Politics & Diplomacy December 05, 16:07", "21 Oct, 2021 14:19", "Ru-Main,
//! 14.01.2022", "By Jane Doe | March 3, 2024"), leaves the text; the date goes to
//! `metadata.datelines`, the name to `sections` (or `authors` after "By").
//!
//! A line is only a dateline when what is left beside the date is a label, not a sentence:
//! few words, capitalized like a name, and not a phrase leading into the date ("Elections set
//! for March 5" stays). Three or more date lines in a row are a schedule or timeline and stay.
//!
//! Chinese, Japanese and Korean dates ("2024年3月5日", "3月5日 星期二", "2024년 3월 5일",
//! "15时30分") are dates too. Han and kana have no capitals to tell a name by, so a label in them
//! must be a field ("来源：新华社" goes to `sources`, "作者：张三" to `authors`), a generic word
//! ("发布时间", "更新日") or a name with an outlet's ending ("人民网", "朝日新聞"); a date glued to
//! the text around it ("会议定于3月5日举行") is part of a sentence.

use super::{Page, Verdict, rule};
use crate::chars;
use crate::config::DatelineSettings;
use crate::doc::MetaKey;
use regex::Regex;

const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
/// Month names in Italian, Spanish, French and Portuguese, for dates written day first ("15
/// marzo 2024", "3 de mayo de 2024", "1er août"). In lower case only, as those languages write
/// them: capitalized, they are names ("2 Mars Bars", "11 Marco Reus", "7 Mayo Clinic Tips").
const ROMANCE_MONTH: &str = r"(?-i:gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|dicembre|enero|febrero|abril|mayo|junio|julio|septiembre|setiembre|octubre|noviembre|diciembre|janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|décembre|decembre|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)";
/// German month names, after a day with its full stop ("15. März 2024", "3. Mai"): the stop is
/// what tells a date from a numbered item ("4. Mars").
const GERMAN_MONTH: &str = r"(?:januar|jänner|februar|märz|maerz|april|mai|juni|juli|august|september|oktober|november|dezember)";
/// Month names in Dutch, and in the genitive Polish and Russian write after a day ("12 juni
/// 2024", "12 czerwca 2024", "15 мая 2024"), in lower case as those languages write them (the
/// Dutch ones spelled as in English, "april" or "november", are [`MONTH`]'s). A Russian date
/// needs its year or a time after it: the date forms end in ASCII, for their boundary test.
const NORTH_MONTH: &str = r"(?-i:januari|februari|maart|mei|juni|juli|augustus|oktober|stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|grudnia)";
const RUSSIAN_MONTH: &str =
    r"(?-i:января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)";
const WEEKDAY: &str =
    r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|nesday|sday|urday)?\.?,?";

/// Words that may stand beside a date without being a label of their own.
const GENERIC: &[&str] = &[
    "posted",
    "published",
    "updated",
    "last",
    "modified",
    "created",
    "on",
    "at",
    "date",
    "time",
    "am",
    "pm",
    "and",
    "edited",
    "first",
    "reviewed",
    // Dutch, Polish and Russian: "Bijgewerkt op", "Opublikowano", "Обновлено".
    "gepubliceerd",
    "bijgewerkt",
    "geplaatst",
    "laatst",
    "op",
    "om",
    "opublikowano",
    "aktualizacja",
    "zaktualizowano",
    "data",
    "publikacji",
    "опубликовано",
    "обновлено",
    "дата",
    "публикации",
    "в",
    // "12 czerwca 2024 r.", "15 мая 2024 г.", "15 мая 2024 года".
    "r",
    "roku",
    "г",
    "года",
];
/// Words of a clause: a label beside a date never has them, a Title Case headline does ("Biden,
/// Xi To Meet November 15", "Talks Will Resume March 3").
const CLAUSE: &[&str] = &[
    "to", "will", "would", "is", "are", "was", "were", "be", "been", "set", "says", "said",
    "could", "can", "must", "should", "has", "have", "had", "did", "does", "do", "not",
];
/// Chinese, Japanese and Korean words that may stand beside a date without being a label:
/// "发布时间" (time published), "更新日" (date updated), "입력" (filed), "下午" (p.m.).
const CJK_GENERIC: &[&str] = &[
    "发布",
    "發布",
    "發佈",
    "发表",
    "發表",
    "发表于",
    "發表於",
    "发布于",
    "發佈於",
    "发布时间",
    "發布時間",
    "發佈時間",
    "发布日期",
    "时间",
    "時間",
    "日期",
    "更新",
    "更新时间",
    "更新時間",
    "更新于",
    "最后更新",
    "最後更新",
    "发稿时间",
    "上午",
    "下午",
    "公開",
    "公開日",
    "公開日時",
    "更新日",
    "更新日時",
    "投稿",
    "投稿日",
    "投稿日時",
    "配信",
    "配信日",
    "配信日時",
    "掲載",
    "掲載日",
    "最終更新",
    "最終更新日",
    "作成日",
    "登録日",
    "午前",
    "午後",
    "입력",
    "수정",
    "등록",
    "게시",
    "작성",
    "발행",
    "기사입력",
    "최종수정",
    "송고",
    "업데이트",
    "승인",
    "입력일",
    "수정일",
    "오전",
    "오후",
];
/// Chinese and Japanese fields whose value (the next word) is the story's source or author:
/// "来源：新华社", "作者：张三".
const CJK_SOURCE: &[&str] = &["来源", "來源", "稿源", "出处", "出處", "出典"];
const CJK_AUTHOR: &[&str] = &[
    "作者",
    "记者",
    "記者",
    "编辑",
    "編輯",
    "责任编辑",
    "責任編輯",
    "撰稿",
    "执笔",
    "執筆",
];
/// How the names of news outlets end ("人民网", "新华社", "朝日新聞", "共同通信", "NHKニュース"):
/// with no capitals to go by, a Han or kana label beside a date must end so.
const OUTLET_ENDINGS: &[&str] = &[
    "网",
    "網",
    "报",
    "報",
    "社",
    "台",
    "闻",
    "聞",
    "刊",
    "站",
    "频道",
    "頻道",
    "通信",
    "放送",
    "ニュース",
];
/// What a Chinese phrase leading into a date ends with: "于" (on), "在" (at), "至"/"到" (until),
/// "自"/"从" (since).
const CJK_LEAD_IN: &[char] = &['于', '於', '在', '至', '到', '自', '从', '從', '由'];
const LEAD_IN: &[&str] = &[
    "for",
    "on",
    "until",
    "till",
    "by",
    "since",
    "in",
    "before",
    "after",
    "from",
    "to",
    "of",
    "between",
    "through",
    "during",
    // Dutch, Polish and Russian: "Vanaf 1 januari 2025", "Od 1 stycznia", "До 31 декабря 2024".
    "vanaf",
    "per",
    "sinds",
    "tot",
    "voor",
    "na",
    "od",
    "do",
    "przed",
    "po",
    "до",
    "с",
    "со",
    "после",
    "по",
    "от",
    "к",
];

#[derive(Clone)]
pub struct DatelineDetector {
    date: Regex,
    /// The date forms that name a day (everything but a bare time of day).
    day: Regex,
    /// Hours from one time to another, "11am - 4pm" or "9:30 a.m. to 5 p.m.".
    hours: Regex,
    max_chars: usize,
    max_label_words: usize,
}

impl DatelineDetector {
    pub fn new(s: &DatelineSettings) -> DatelineDetector {
        let day = r"\d{1,2}(?:st|nd|rd|th)?";
        let year = r"(?:1[89]|20)\d{2}";
        // A time with a stop ("06.00 BST", as British papers print it) only with its zone: "4.30"
        // alone is a figure.
        let time = r"(?:\d{1,2}:\d{2}(?::\d{2})?(?:\s*[ap]\.?m\.?)?(?:\s*\(?(?:gmt|utc|bst|cet|cest|eet|eest|est|edt|cst|cdt|mst|mdt|pst|pdt|msk|ist|jst|aest|aedt|et|pt|ct)(?:\s*[+-]\s*\d{1,2})?\)?)?|\d{1,2}\.\d{2}\s*(?:gmt|utc|bst|cet|cest|eet|eest|aest|aedt))";
        // Chinese and Japanese dates, with a weekday ("星期二", "(火)") if one follows; Korean.
        // They end in a Han or Hangul letter, so no `\b` after them.
        let week = r"(?:\s*[(（]?(?:星期|周|週|礼拜|禮拜)[一二三四五六日天][)）]?|\s*[(（][月火水木金土日][)）])?";
        let cjk_days = [
            format!(r"{year}\s*年\s*\d{{1,2}}\s*月(?:\s*\d{{1,2}}\s*[日号號])?{week}"),
            format!(r"\d{{1,2}}\s*月\s*\d{{1,2}}\s*[日号號]{week}"),
            format!(r"{year}\s*년\s*\d{{1,2}}\s*월(?:\s*\d{{1,2}}\s*일)?"),
            r"\d{1,2}\s*월\s*\d{1,2}\s*일".to_string(),
        ];
        let cjk_time = r"\d{1,2}\s*[时時点點]\s*\d{1,2}\s*分(?:\s*\d{1,2}\s*秒)?";
        let alternatives = [
            format!(r"(?:{WEEKDAY}\s+)?{MONTH}\s+{day}(?:,?\s+{year})?"),
            format!(r"(?:{WEEKDAY}\s+)?{day}\s+(?:of\s+)?{MONTH},?(?:\s+{year})?"),
            format!(r"{MONTH},?\s+{year}"),
            format!(r"\d{{1,2}}(?:er|º|°)?\s+(?:de\s+)?{ROMANCE_MONTH}(?:\s+(?:de\s+)?{year})?"),
            format!(r"\d{{1,2}}\.\s*{GERMAN_MONTH}(?:\s+{year})?"),
            format!(r"\d{{1,2}}\s+{NORTH_MONTH}(?:\s+{year})?"),
            format!(r"\d{{1,2}}\s+{RUSSIAN_MONTH}(?:\s+{year}|,?\s+\d{{1,2}}:\d{{2}})"),
            format!(r"\d{{1,2}}[./-]\d{{1,2}}[./-]{year}"),
            r"\d{1,2}/\d{1,2}/\d{2}".to_string(),
            format!(
                r"{year}[./-]\d{{1,2}}[./-]\d{{1,2}}(?:[t ]\d{{1,2}}:\d{{2}}(?::\d{{2}}(?:\.\d+)?)?(?:z|[+-]\d{{2}}:?\d{{2}})?)?"
            ),
            time.to_string(),
            r"\d{1,3}\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago".to_string(),
        ];
        // ASCII word boundaries keep the regex on the fast DFA engines (a Unicode `\b` cannot run
        // on them); every date form here starts and ends with ASCII anyway.
        let pattern = format!(
            r"(?i)(?-u:\b)(?:(?:{})(?-u:\b)|{}|{cjk_time})",
            alternatives.join("|"),
            cjk_days.join("|")
        );
        // Every form but the bare time of day names a day.
        let days: Vec<&str> = alternatives
            .iter()
            .map(String::as_str)
            .filter(|a| *a != time)
            .collect();
        let day_pattern = format!(
            r"(?i)(?-u:\b)(?:(?:{})(?-u:\b)|{})",
            days.join("|"),
            cjk_days.join("|")
        );
        DatelineDetector {
            date: Regex::new(&pattern).expect("built-in date pattern is valid"),
            day: Regex::new(&day_pattern).expect("built-in date pattern is valid"),
            hours: Regex::new(
                r"(?i)(?-u:\b)\d{1,2}(?::\d{2})?\s*[ap]\.?m\.?\s*(?:-|–|—|to|until)\s*\d{1,2}(?::\d{2})?\s*[ap]\.?m(?-u:\b)",
            )
            .expect("built-in hours pattern is valid"),
            max_chars: s.max_chars,
            max_label_words: s.max_label_words,
        }
    }

    pub fn detect(&self, page: &mut Page<'_>) {
        let open = page.open_line_list();
        let mut found: Vec<(usize, Verdict)> = Vec::new();
        for &i in &open {
            if let Some(v) = self.judge(page.lines[i].core) {
                found.push((i, v));
            }
        }
        // Runs of date lines (not separated by other text) are schedules, not datelines.
        let mut k = 0;
        while k < found.len() {
            let mut j = k + 1;
            while j < found.len() && only_blank_between(page, found[j - 1].0, found[j].0) {
                j += 1;
            }
            if j - k >= 3 {
                found.drain(k..j);
            } else {
                k = j;
            }
        }
        // Dates that each stand beside a name of their own ("Web Summit - November 9-12, 2026,
        // Lisbon", "Viva Technology - June 17-20, 2026, Paris") are a list's items, events or
        // releases, not when the page was written: a page has one dateline, or one per post,
        // and its label is a section or site name that does not change.
        // A forum's per-post lines name one user each, and users post again; a list's items
        // have names of three words or more, and each its own.
        let names: Vec<Option<String>> = found.iter().map(|(_, v)| item_name(v)).collect();
        let mut labels: Vec<&String> = names.iter().flatten().collect();
        let named = labels.len();
        labels.sort_unstable();
        labels.dedup();
        let listed = named >= 3 && labels.len() == named;
        for ((i, v), name) in found.into_iter().zip(&names) {
            if !(listed && name.is_some()) {
                page.claim(i, v);
            }
        }
    }

    /// A span of days or hours ("June 17-20, 2026", "January 31 - February 4", "1/27/2026 -
    /// 3/24/2026", "6:15 PM - 8:15 PM") is when an event runs or an offer holds, never when a
    /// page was written: a dateline is one point in time. A day then a time ("March 3, 2024 -
    /// 10:15 am") is one point.
    fn is_range(&self, core: &str, matches: &[regex::Match<'_>]) -> bool {
        let dash = |gap: &str| {
            let gap = gap.trim();
            matches!(gap, "-" | "–" | "—" | "to" | "until" | "through" | "thru")
        };
        if self.hours.is_match(core) {
            return true;
        }
        let is_day = |m: &regex::Match<'_>| self.day.is_match(m.as_str());
        // "Feb 3, 2025 - 2 days ago" says when, twice: no span.
        let ago = |m: &regex::Match<'_>| m.as_str().ends_with("ago");
        if matches.windows(2).any(|w| {
            dash(&core[w[0].end()..w[1].start()])
                && !ago(&w[0])
                && !ago(&w[1])
                && is_day(&w[0]) == is_day(&w[1])
        }) {
            return true;
        }
        // "June 17-20": a day, a dash, and a day of the same month.
        matches.iter().any(|m| {
            let ends_in_day = m
                .as_str()
                .trim_end_matches(['s', 't', 'n', 'd', 'r', 'h'])
                .rsplit(|c: char| !c.is_ascii_digit())
                .next()
                .is_some_and(|d| (1..=2).contains(&d.len()));
            let rest = core[m.end()..].trim_start();
            let Some(rest) = rest.strip_prefix(['-', '–', '—']) else {
                return false;
            };
            let digits = rest.trim_start();
            let n = digits.bytes().take_while(u8::is_ascii_digit).count();
            ends_in_day
                && is_day(m)
                && (1..=2).contains(&n)
                && !digits[n..].starts_with([':', '.', '/'])
                && !digits[n..]
                    .trim_start()
                    .starts_with(|c: char| c.is_alphabetic())
        })
    }

    fn judge(&self, core: &str) -> Option<Verdict> {
        // Every date and time form has a digit: most lines are ruled out without a regex.
        if core.is_empty()
            || core.len() > 4 * self.max_chars
            || !core.bytes().any(|b| b.is_ascii_digit())
            || core.chars().count() > self.max_chars
        {
            return None;
        }
        let matches: Vec<_> = self.date.find_iter(core).collect();
        let (first, last) = (matches.first()?, matches.last()?);
        // The label is what is left once the dates are cut out.
        let mut label = String::new();
        let mut pos = 0;
        for m in &matches {
            label.push_str(&core[pos..m.start()]);
            label.push(' ');
            pos = m.end();
        }
        label.push_str(&core[pos..]);
        let before_date = core[..first.start()]
            .split_whitespace()
            .last()
            .unwrap_or("");
        // A date glued to letters is part of a word or a clause: "会议定于3月5日举行" (the
        // meeting is held on March 5), "5일에" (on the 5th).
        let glued_before = core[..first.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphabetic);
        // A Japanese or Chinese time of day may carry its generic word glued on: "9時15分更新".
        // Not a day alone: "2024年3月15日公開", "4月1日配信" are a film's or a show's release.
        let after = &core[last.end()..];
        let generic_after = last.as_str().ends_with('分')
            && CJK_GENERIC.iter().any(|g| {
                after.strip_prefix(g).is_some_and(|rest| {
                    rest.chars()
                        .all(|c| c.is_whitespace() || !c.is_alphanumeric())
                })
            });
        let glued_after = !generic_after && after.chars().next().is_some_and(char::is_alphabetic);
        if glued_before || glued_after {
            return None;
        }
        let cjk = chars::has_unspaced(core);
        // Chinese and Japanese sentences end in full-width marks; a phrase leading into the date
        // ends in a preposition ("定于", on) or a kana particle ("は", "に").
        if cjk
            && (core.contains(['。', '！', '？'])
                || before_date
                    .chars()
                    .next_back()
                    .is_some_and(|c| CJK_LEAD_IN.contains(&c) || is_hiragana(c)))
        {
            return None;
        }
        let words: Vec<&str> = label
            .split(|c: char| {
                c.is_whitespace()
                    || ",|•·—–/@()[]：【】（）丨｜、".contains(c)
                    // "作者:张三"; a Latin label keeps its colons ("20228:23 PM": a page's
                    // date and time run together).
                    || cjk && c == ':'
            })
            .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '&'))
            .filter(|w| !w.is_empty())
            .collect();
        // Fields ("来源：新华社") give their values to metadata; generic words say nothing.
        let mut fields: Vec<(MetaKey, String)> = Vec::new();
        let mut meaningful: Vec<&str> = Vec::new();
        let mut rest = words.iter().copied();
        while let Some(w) = rest.next() {
            let key = if CJK_SOURCE.contains(&w) {
                Some(MetaKey::Source)
            } else if CJK_AUTHOR.contains(&w) {
                Some(MetaKey::Author)
            } else {
                None
            };
            if let Some(key) = key {
                if let Some(value) = rest.next() {
                    fields.push((key, value.to_string()));
                }
            } else if !GENERIC.contains(&w.to_lowercase().as_str()) && !CJK_GENERIC.contains(&w) {
                meaningful.push(w);
            }
        }
        // Two Han or kana letters weigh a word, as in the cleaner's word measure; a byline's
        // name is one word however written ("by ライトハウス国際特許事務所").
        let weight: usize = if is_byline(&meaningful) {
            meaningful.len()
        } else {
            meaningful
                .iter()
                .map(
                    |w| match w.chars().filter(|&c| chars::is_unspaced(c)).count() {
                        0 => 1,
                        n => n.div_ceil(2),
                    },
                )
                .sum()
        };
        if weight > self.max_label_words {
            return None;
        }
        let before = before_date.to_lowercase();
        let before = before.trim_matches(|c: char| !c.is_alphanumeric());
        if !meaningful.is_empty() && LEAD_IN.contains(&before) && !is_byline(&meaningful) {
            return None;
        }
        // A sum of money or a share beside the date is a figure of the line's own, not a
        // section's name: a price history ("08/14/2017 – Sold – $412,500"), a market's day
        // ("March 3 – Dow +1.2%").
        if label.contains(['$', '€', '£', '¥', '₹', '%']) {
            return None;
        }
        // A quoted title beside a date is a reference ("13. IRS. “Penalties,” May 2025."), not
        // a section's name. (Guillemets are left out: forums join a poster to a date with one,
        // "by admin » Tue Aug 27, 2019".)
        let quoted = |open: char, close: char| {
            label
                .find(open)
                .is_some_and(|i| label[i + open.len_utf8()..].contains(close))
        };
        if quoted('“', '”') || quoted('„', '“') || quoted('"', '"') {
            return None;
        }
        // A time of day alone beside a name is not when the page was written: a scripture
        // reference ("John 3:16"), a race time ("Eliud Kipchoge 2:01:09"), a service ("Sunday
        // Mass 10:30 AM"). It is a dateline only with nothing but generic words ("Updated 14:05
        // GMT") or a byline ("Posted by admin at 10:15 AM").
        let byline = is_byline(&meaningful);
        if !meaningful.is_empty() && !byline && !self.day.is_match(core) {
            return None;
        }
        if meaningful
            .iter()
            .any(|w| CLAUSE.contains(&w.to_lowercase().as_str()))
        {
            return None;
        }
        // A version number beside a date heads a release's notes ("2.6.0 — 2024-11-18",
        // "Version 3.1 (March 2024)"): no section is named by a number.
        if meaningful.iter().any(|w| is_version(w)) {
            return None;
        }
        // A byline's name may be a user name ("by admin"); other labels are capitalized names.
        let username = byline && meaningful.len() == 2;
        if !username && !meaningful.iter().all(|w| is_label_word(w)) {
            return None;
        }
        // Last of the tests, as the costliest: a second regex and one more test per date.
        if self.is_range(core, &matches) {
            return None;
        }
        let mut meta = vec![(
            MetaKey::Dateline,
            core[first.start()..last.end()].to_string(),
        )];
        if !meaningful.is_empty() {
            if byline {
                meta.push((MetaKey::Author, meaningful[1..].join(" ")));
            } else if cjk || !fields.is_empty() {
                meta.push((MetaKey::Section, meaningful.join(" ")));
            } else {
                meta.push((MetaKey::Section, label_text(&label)));
            }
        }
        meta.extend(fields);
        Some(Verdict {
            rule: rule::DATELINE,
            pack_rule: None,
            meta,
        })
    }
}

/// How a byline opens, in lower case: "By Jane Doe", "Written by ...", "Von Katrin Möller".
const BYLINE_OPENINGS: &[&str] = &[
    "by ",
    "written by ",
    "words by ",
    "story by ",
    "text by ",
    "von ",
    "par ",
    "por ",
];

/// Short words inside names ("Ludwig van Beethoven") and between two names ("and", "&").
const NAME_JOINERS: &[&str] = &[
    "de", "van", "von", "der", "den", "da", "del", "della", "di", "du", "la", "le", "bin", "al",
    "y", "and", "&", "und", "et", "e",
];

/// Nouns a site's filters sort by ("By Use Case", "By Gender & Age", "By Team Size"): no
/// person's or outlet's name holds them.
const FILTER_WORDS: &[&str] = &[
    "case",
    "cases",
    "size",
    "age",
    "gender",
    "type",
    "topic",
    "topics",
    "industry",
    "industries",
    "role",
    "category",
    "region",
    "location",
    "date",
    "price",
    "brand",
    "product",
    "products",
    "solution",
    "solutions",
    "department",
    "function",
    "need",
    "needs",
    "stage",
    "language",
    "format",
    "state",
    "states",
    "country",
    "level",
];

/// Capitalized words of headings and sentences that no name holds: "By The Numbers", "Par
/// Value And Yield", "Von Miller Signs With Bills".
const NOT_NAME_WORDS: &[&str] = &[
    "The", "A", "An", "And", "With", "Of", "For", "To", "In", "On", "At", "From", "By", "Is",
    "Are", "Will", "Your", "Our", "Any", "All", "This", "That", "Popular", "Far", "Now",
];

/// How the line opens if it opens as a byline does, compared in place (every open line is
/// asked; nothing is allocated). Italian's "di" opens a byline only as written in lower case
/// ("di Giulia Ferrero"): capitalized, it opens surnames ("Di Maria Scores Twice"). It is
/// tested once, apart from the others: compared inside their search, it tripled this step.
fn byline_opening(core: &str) -> Option<&'static str> {
    if core.starts_with("di ") {
        return Some("di ");
    }
    BYLINE_OPENINGS
        .iter()
        .find(|o| {
            core.as_bytes()
                .get(..o.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(o.as_bytes()))
        })
        .copied()
}

/// [`name_after`] the line's byline opening, if it has one.
#[cfg(test)]
fn byline_name(core: &str) -> Option<&str> {
    name_after(core, byline_opening(core)?)
}

/// The name a byline line gives, "By Jane Doe" alone on a line, after its opening `open` (which
/// the caller found with [`byline_opening`]): two to ten words, capitalized but for joiners, the
/// first and last capitalized, no figures. `None` for anything else, a sentence ("By noon the
/// road was closed") among them.
fn name_after<'a>(core: &'a str, open: &str) -> Option<&'a str> {
    if core.len() > 120 {
        return None;
    }
    let name = core[open.len()..].trim();
    // The first word must be capitalized (below): most lines that open with "by" or "di" go
    // here, before their words are split and compared ("di" is Italian's "of").
    if !name.starts_with(char::is_uppercase) {
        return None;
    }
    let words: Vec<&str> = name
        .split_whitespace()
        .map(|w| w.trim_end_matches(','))
        .collect();
    if !(2..=10).contains(&words.len()) {
        return None;
    }
    let capital = |w: &str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '.' | '\'' | '’' | '-'))
    };
    let named = words.iter().filter(|w| capital(w)).count();
    let ok = words
        .iter()
        .all(|w| capital(w) || NAME_JOINERS.contains(&w.to_lowercase().as_str()));
    let filter = words
        .iter()
        .any(|w| NOT_NAME_WORDS.contains(w) || FILTER_WORDS.contains(&w.to_lowercase().as_str()));
    (ok && !filter && named >= 2 && capital(words[0]) && capital(words[words.len() - 1]))
        .then_some(name)
}

/// Bylines (rule `byline`): "By Jane Doe" alone on a line leaves the text, the name goes to
/// `metadata.authors`. A page names its author once, or again in an author box: more than two
/// names are a listing's items, each under its story's headline, and stay. Nor is a line a
/// byline when a page's other "By ..." lines say it is a heading or a filter: one word after
/// "By" ("By Car", "By Train") anywhere on the page, or two such lines in a row ("By Use Case",
/// "By Team Size").
///
/// With `author_boxes` (rule `author_box`), the author box's heading below the article goes
/// too: one of the byline's authors' names alone on a line. The bio under it is
/// [`author_bios`]'s to judge.
pub fn bylines(page: &mut Page<'_>, author_boxes: bool) {
    let mut found: Vec<(usize, &str)> = Vec::new();
    let mut last_by: Option<usize> = None;
    let mut previous: Option<usize> = None;
    for i in 0..page.lines.len() {
        let l = &page.lines[i];
        if l.is_blank() {
            continue;
        }
        if let Some(open) = byline_opening(l.core) {
            // Italian's "di" (of) opens many lines of running text: only a name after it says
            // anything, and its lines say nothing of the page's other "By ..." lines.
            if open != "di " {
                // Two "By ..." lines in a row: a menu of filters, or a heading's list.
                if last_by.is_some() && last_by == previous {
                    return;
                }
                if l.core[open.len()..].split_whitespace().count() == 1 {
                    return;
                }
                last_by = Some(i);
            }
            // Only a line that opens as a byline can be one.
            if page.verdicts[i].is_none()
                && let Some(name) = name_after(l.core, open)
            {
                found.push((i, name));
            }
        }
        previous = Some(i);
    }
    let mut names: Vec<String> = found.iter().map(|(_, n)| n.to_lowercase()).collect();
    names.sort_unstable();
    names.dedup();
    if names.len() > 2 {
        return;
    }
    let first = found.first().map(|&(i, _)| i);
    let mut authors: Vec<&str> = Vec::new();
    for &(_, name) in &found {
        authors.push(name);
        authors.extend(each_author(name));
    }
    for (i, name) in found {
        let name = name.to_string();
        page.claim(
            i,
            Verdict {
                rule: rule::BYLINE,
                pack_rule: None,
                meta: vec![(MetaKey::Author, name)],
            },
        );
    }
    let Some(first) = first.filter(|_| author_boxes) else {
        return;
    };
    // Below the article's text: after its first paragraph (a name line between the byline and
    // it is the byline's own: "By Staff Reports", then "Staff Reports"), with at most one
    // paragraph after it (the bio), not between paragraphs. The line's own text is compared,
    // not its core: "— Jane Doe" signs the article off, "Jane Doe:" labels her questions.
    let open: Vec<(usize, bool)> = page
        .open_lines()
        .filter(|&j| j > first)
        .map(|j| (j, page.lines[j].words >= PARAGRAPH_WORDS))
        .collect();
    let mut after = open.iter().filter(|&&(_, long)| long).count();
    let mut before = 0;
    for (j, long) in open {
        if long {
            before += 1;
            after -= 1;
        } else if before > 0 && after <= 1 && authors.contains(&page.lines[j].text.trim()) {
            page.claim(j, Verdict::remove(rule::AUTHOR_BOX));
        }
    }
}

/// Author boxes with their bio (rule `author_box`): a person's name alone on a line (two to
/// four capitalized words, perhaps after "By" or before ", Senior Editor"), then at most five
/// short lines (a role, a school, "Full Bio"), then a paragraph that opens with that name or its
/// first name and goes on in lower case ("Jane Doe is a reporter ...", "Jane covers ..."),
/// where the page also names the person alone or in a byline elsewhere (the byline above the
/// article, an author box's second heading), and at most eight long lines follow the box: the
/// page's end, not an article's middle. A page with three such boxes or more is a list of
/// people (a team, the speakers of an event) and keeps them. On WCXB's 1,497 pages this takes
/// 46 paragraphs the annotators left out and 4 they kept (an interview's guest, a winemaker's
/// profile): the headings of a product list ("Extension Cords" over "Extension cords are ...")
/// go on with the heading's own next word, and articles, "The", "Our", do not open names.
pub fn author_bios(page: &mut Page<'_>) {
    // The page's lines with text, by their order among them.
    let lines: Vec<usize> = (0..page.lines.len())
        .filter(|&i| !page.lines[i].is_blank())
        .collect();
    let long_at: Vec<usize> = (0..lines.len())
        .filter(|&n| page.lines[lines[n]].words >= BIO_LONG_WORDS)
        .collect();
    // The people the page's bylines name (two to four capitalized words each).
    let mut authors: Vec<String> = Vec::new();
    for v in page.verdicts.iter().flatten() {
        for (key, value) in &v.meta {
            if *key == MetaKey::Author {
                for a in each_author(value) {
                    if person_line(a) == Some(a) && !authors.iter().any(|x| x == a) {
                        authors.push(a.to_string());
                    }
                }
            }
        }
    }
    // The person each short line names alone, found once and only when asked for: a long
    // line looks up to six lines back, and a found heading's name is looked for on every line.
    let mut names: Vec<Option<Option<&str>>> = vec![None; lines.len()];
    let page_lines = &page.lines;
    let mut name_of = |m: usize| -> Option<&str> {
        *names[m].get_or_insert_with(|| {
            let l = &page_lines[lines[m]];
            let t = l.text.trim();
            // Most short lines open in lower case or with a mark: done before the words are
            // split and compared.
            let rest = &t[byline_opening(t).map_or(0, str::len)..];
            (l.words >= 2 && l.words <= BIO_NAME_LINE_WORDS && rest.starts_with(char::is_uppercase))
                .then(|| person_line(t))
                .flatten()
        })
    };
    // Each box as the order of its heading and of its paragraph.
    let mut boxes: Vec<(usize, usize)> = Vec::new();
    for (n, &i) in lines.iter().enumerate() {
        let l = &page.lines[i];
        if l.words < BIO_MIN_WORDS || page.verdicts[i].is_some() {
            continue;
        }
        let bio = l.text.trim();
        let heading = (n.saturating_sub(BIO_GAP + 1)..n)
            .rev()
            .take_while(|&m| page.lines[lines[m]].words <= BIO_HEADING_WORDS)
            .find_map(|m| {
                let h = page_lines[lines[m]].text.trim();
                // A byline above the article is no box's heading ("By Hope King" over "Hope is
                // fading for a deal ..."), and a box stands below an article.
                let below_article = long_at.partition_point(|&x| x < m) >= 2;
                name_of(m)
                    .filter(|name| {
                        below_article
                            && byline_opening(h).is_none()
                            && (bio.starts_with(name) || authors.iter().any(|a| a == name))
                            && opens_with_name(bio, name)
                    })
                    .map(|name| (m, name))
            });
        // Or no heading, but the paragraph opens with the page's byline: "Posted on 14 March
        // 2024 by Jane Doe" above the article, "Jane Doe grows vegetables ..." below it.
        let heading = heading.or_else(|| {
            authors
                .iter()
                .find(|a| opens_with_name(bio, a) && bio.starts_with(a.as_str()))
                .map(|a| (n, a.as_str()))
        });
        let Some((m, name)) = heading else {
            continue;
        };
        let below = &long_at[long_at.partition_point(|&x| x <= n)..];
        if below.len() > BIO_LONG_AFTER {
            continue;
        }
        if m == n {
            // Without a heading, only as the page's last long line that other rules left: an
            // outlet's byline ("By Sky News") names no person, and its name may open the
            // story's own paragraphs.
            if below.iter().all(|&x| page.verdicts[lines[x]].is_some()) {
                boxes.push((m, n));
            }
            continue;
        }
        // Not the line right above the heading: a box may print the name twice.
        let named_elsewhere = (0..lines.len())
            .filter(|&x| x + 1 < m || x > n)
            .any(|x| name_of(x) == Some(name));
        if named_elsewhere {
            boxes.push((m, n));
        }
    }
    if boxes.len() > 2 {
        return;
    }
    for (m, n) in boxes {
        for &k in &lines[m..=n] {
            if page.verdicts[k].is_none() {
                page.claim(k, Verdict::remove(rule::AUTHOR_BOX));
            }
        }
    }
}

/// Words of a line that names a person alone, at most: "Written by Jane Doe, Senior Editor".
const BIO_NAME_LINE_WORDS: usize = 12;

/// Words of a line that is a bio's paragraph, at least.
const BIO_MIN_WORDS: usize = 10;
/// Words of a line between an author box's heading and its paragraph, at most (the heading's
/// own too).
const BIO_HEADING_WORDS: usize = 8;
/// Short lines between the heading and the paragraph, at most.
const BIO_GAP: usize = 5;
/// Long lines (of [`BIO_LONG_WORDS`] words) below a bio, at most: comments, teasers.
const BIO_LONG_AFTER: usize = 8;
const BIO_LONG_WORDS: usize = 15;

/// The person a line names alone: "Jane Doe", "By Jane Doe", "Jane Doe, Senior Editor", "Jane
/// Doe (Author)". Two to four capitalized words (joiners such as "van" between them); not a
/// heading's words ("The", "Our") nor a possessive.
fn person_line(text: &str) -> Option<&str> {
    if text.len() > 120 {
        return None;
    }
    let open = byline_opening(text).map_or(0, str::len);
    let rest = &text[open..];
    let cut = [rest.find(','), rest.find(" (")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(rest.len());
    let name = name_after(rest[..cut].trim(), "")?;
    let words = name.split_whitespace().count();
    let possessive = name.contains("'s") || name.contains("’s");
    // One person: no "&" or "and" between two ("Bowers & Wilkins" is a brand), and no word in
    // capitals but initials ("AWS Lambda", "BILLY Bookcase"; "J.R." and "Z.B." are names).
    let one = !name
        .split_whitespace()
        .any(|w| w == "&" || w.eq_ignore_ascii_case("and"));
    let cased = name.split_whitespace().all(|w| {
        let letters = w.chars().filter(|c| c.is_alphabetic()).count();
        letters <= 1 || w.contains('.') || w.chars().skip(1).any(char::is_lowercase)
    });
    ((2..=4).contains(&words) && !possessive && one && cased).then_some(name)
}

/// Whether `bio` opens with `name` or its first word, then a word in lower case that is not the
/// name's own next word ("Extension cords are ..." under "Extension Cords").
fn opens_with_name(bio: &str, name: &str) -> bool {
    let mut words = name.split_whitespace();
    let (Some(first), Some(second)) = (words.next(), words.next()) else {
        return false;
    };
    let lower_next =
        |rest: &str| rest.starts_with(' ') && rest[1..].starts_with(char::is_lowercase);
    if let Some(rest) = bio.strip_prefix(name) {
        return lower_next(rest);
    }
    let Some(rest) = bio.strip_prefix(first).filter(|r| lower_next(r)) else {
        return false;
    };
    let next = rest[1..].split_whitespace().next().unwrap_or("");
    let stem = |w: &str| w.to_lowercase().trim_end_matches('s').to_string();
    first.chars().count() >= 2 && stem(next) != stem(second)
}

/// The people a byline names ("Moses Kim and Kate Shokurova"), each of two words or more.
/// What follows a comma is left out: "Jane Doe, New York" names a place after the author.
fn each_author(name: &str) -> impl Iterator<Item = &str> {
    let mut rest = name;
    let mut out = Vec::new();
    while let Some((a, b)) = AUTHOR_JOINERS
        .iter()
        .filter_map(|j| rest.split_once(j))
        .min_by_key(|(a, _)| a.len())
    {
        out.push(a);
        rest = b;
    }
    out.push(rest);
    out.into_iter()
        .map(|a| a.split(',').next().unwrap_or(a).trim())
        .filter(|a| a.split_whitespace().count() >= 2)
}

/// Words of a line that is a paragraph of the article, for the author box below it.
const PARAGRAPH_WORDS: usize = 15;

/// What joins two authors in a byline.
const AUTHOR_JOINERS: &[&str] = &[" and ", " & ", " und ", " et ", " e ", " y "];

/// The name beside a dateline's date, if it has one of three words or more: its words in
/// lower case, figures left out ("Hall 4, Lisbon Expo" and "Hall 5, Lisbon Expo" are one
/// name).
fn item_name(v: &Verdict) -> Option<String> {
    let (_, label) = v.meta.iter().find(|(k, _)| *k == MetaKey::Section)?;
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    (words.len() >= 3).then(|| words.join(" "))
}

fn is_hiragana(c: char) -> bool {
    ('\u{3041}'..='\u{309F}').contains(&c)
}

fn only_blank_between(page: &Page<'_>, a: usize, b: usize) -> bool {
    page.lines[a + 1..b].iter().all(|l| l.is_blank())
}

fn is_byline(words: &[&str]) -> bool {
    words.len() >= 2 && words[0].eq_ignore_ascii_case("by")
}

/// A version or section number: "2.6.0", "v1.2", "3.1" (two or more parts of digits). Not
/// a time written with a stop ("14.30", "9.05": two parts, the last of two digits, an hour
/// and its minutes), which stands beside a date in German and Nordic datelines.
fn is_version(w: &str) -> bool {
    let (v, w) = match w.strip_prefix(['v', 'V']) {
        Some(rest) => (true, rest),
        None => (false, w),
    };
    let parts: Vec<&str> = w.split('.').collect();
    let digits = |p: &&str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let time = |h: &str, m: &str| {
        m.len() == 2
            && h.parse::<u32>().is_ok_and(|h| h < 24)
            && m.parse::<u32>().is_ok_and(|m| m < 60)
    };
    parts.len() >= 2
        && parts.iter().all(digits)
        && (v || parts.len() >= 3 || !time(parts[0], parts[1]))
}

/// Names are capitalized; short function words inside names ("Ministry of Defence") may not be.
/// A Han or kana name must be an outlet's (see [`OUTLET_ENDINGS`]).
fn is_label_word(w: &str) -> bool {
    if chars::has_unspaced(w) {
        return !w.starts_with(is_hiragana) && OUTLET_ENDINGS.iter().any(|e| w.ends_with(e));
    }
    let first = w.chars().next().unwrap_or(' ');
    if !first.is_alphabetic() || first.is_uppercase() {
        return true;
    }
    matches!(
        w,
        "of" | "and"
            | "the"
            | "de"
            | "la"
            | "le"
            | "du"
            | "der"
            | "van"
            | "von"
            | "y"
            | "da"
            | "by"
    )
}

/// The label as written, with the separators that joined it to the date taken off.
fn label_text(label: &str) -> String {
    let parts: Vec<&str> = label
        .split(|c: char| ",|•·—–@".contains(c))
        .map(|p| p.trim())
        .filter(|p| {
            p.split_whitespace()
                .any(|w| !GENERIC.contains(&w.to_lowercase().as_str()))
        })
        .collect();
    parts
        .join(", ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::test_support::*;
    use crate::config::DatelineSettings;

    fn judge(line: &str) -> Option<Vec<(MetaKey, String)>> {
        DatelineDetector::new(&DatelineSettings::default())
            .judge(line)
            .map(|v| v.meta)
    }

    /// Every opening is found, in either case ("di" in lower case only).
    #[test]
    fn every_byline_opening_is_found() {
        for o in super::BYLINE_OPENINGS {
            let cap = format!("{}{}", o[..1].to_uppercase(), &o[1..]);
            for line in [o.to_string(), o.to_uppercase(), cap] {
                assert_eq!(super::byline_opening(&line), Some(*o), "{line:?}");
            }
        }
        assert_eq!(super::byline_opening("di Giulia"), Some("di "));
        assert_eq!(super::byline_opening("Di Maria"), None);
    }

    #[test]
    fn dates_in_other_languages_are_datelines() {
        for line in [
            "15 marzo 2024",
            "3 de mayo de 2024",
            "15. März 2024",
            "1er août 2023",
            "7 de março de 2024",
            "12 juni 2024",
            "Opublikowano: 12 czerwca 2024, 07:15",
            "15 мая 2024, 14:20",
            "Обновлено: 15 мая 2024, 16:05",
            "(2024年5月21日 9時15分更新)",
            "12 czerwca 2024 r.",
            "15 мая 2024 года",
            "Wed 12 Jun 2024 06.00 BST",
            "Last modified on Wed 12 Jun 2024 09.41 BST",
        ] {
            assert!(judge(line).is_some(), "{line}");
        }
        // Capitalized, the Dutch and Polish names are names too; a Russian day needs its year
        // or time; a Japanese date glued to other words is a clause's.
        for line in [
            "3 Maja Street",
            "12 Mei Lin Recipes",
            "15 мая",
            "2024年5月21日9時15分に更新します",
            "2024年3月15日公開",
            "Vanaf 1 januari 2025",
            "Od 1 stycznia 2025",
            "До 31 декабря 2024",
            "4.30",
            "Shares rose 4.30 in London",
        ] {
            assert!(judge(line).is_none(), "{line}");
        }
        assert_eq!(
            judge("15. April 2024").unwrap(),
            [(MetaKey::Dateline, "15. April 2024".to_string())]
        );
        // Capitalized, the Romance names are names; a German month needs its day's full stop.
        for line in [
            "Mars 2020",
            "Top 10 Mars Facts",
            "11 Marco Reus",
            "3. Julio Cortázar",
            "4. Mars",
            "2 Mars Bars",
            "7 Mayo Clinic Tips",
            "4 Mai Tai Recipes",
        ] {
            assert!(judge(line).is_none(), "{line}");
        }
    }

    #[test]
    fn datelines_with_and_without_labels() {
        assert_eq!(
            judge("Russian Politics & Diplomacy December 05, 16:07").unwrap(),
            [
                (MetaKey::Dateline, "December 05, 16:07".to_string()),
                (MetaKey::Section, "Russian Politics & Diplomacy".to_string())
            ]
        );
        assert_eq!(
            judge("21 Oct, 2021 14:19").unwrap(),
            [(MetaKey::Dateline, "21 Oct, 2021 14:19".to_string())]
        );
        assert_eq!(
            judge("Ru-Main, 14.01.2022").unwrap(),
            [
                (MetaKey::Dateline, "14.01.2022".to_string()),
                (MetaKey::Section, "Ru-Main".to_string())
            ]
        );
        assert_eq!(
            judge("Published: 2024-03-05T10:00:00Z").unwrap(),
            [(MetaKey::Dateline, "2024-03-05T10:00:00Z".to_string())]
        );
        assert_eq!(
            judge("By Jane Doe | March 3, 2024").unwrap()[1],
            (MetaKey::Author, "Jane Doe".to_string())
        );
        assert!(judge("Updated 3 hours ago").is_some());
    }

    #[test]
    fn sentences_and_headlines_with_dates_stay() {
        assert!(judge("Elections set for March 5").is_none());
        assert!(judge("The deal was signed on 5 May 2021.").is_none());
        assert!(judge("MOSCOW, December 5. /TASS/. The North Atlantic Alliance has already destroyed all normal contacts with Moscow, so statements are irrelevant.").is_none());
        assert!(judge("Version 1.2.10 released").is_none());
        assert!(judge("In 1997, the parties signed the Founding Act").is_none());
        // Figures beside the date: a price history, a market's day.
        assert!(judge("08/14/2017 \u{2013} Sold \u{2013} $412,500").is_none());
        assert!(judge("March 3, 2025 \u{2013} Dow +1.2%").is_none());
        assert!(judge("Sold \u{2013} 08/14/2017").is_some());
    }

    #[test]
    fn spans_of_days_or_hours_are_not_datelines() {
        for line in [
            "Viva Technology - June 17-20, 2026",
            "October 27-29, 2009",
            "Cisco Live: May 31 - June 4, 2026",
            "1/27/2026 - 3/24/2026",
            "6:15 PM - 8:15 PM",
            "Saturday, February 14th, 2009 • 11am - 4pm",
            "Open Monday to Friday, 9:30 a.m. to 5 p.m.",
        ] {
            assert!(judge(line).is_none(), "{line}");
        }
        // A day and the time on it is one point in time.
        for line in [
            "Feb 3, 2025 - 2 days ago",
            "March 3, 2024 - 10:15 am",
            "Posted: 12/09/2025 - 14:30",
            "Mar 6th 2026 - 4 Min Read",
        ] {
            assert!(judge(line).is_some(), "{line}");
        }
    }

    #[test]
    fn references_with_quoted_titles_are_not_datelines() {
        assert!(judge("13. IRS. “Penalties,” May 2025.").is_none());
        assert!(judge("Smith, J. \"Tides\", March 2019").is_none());
        assert!(judge("by admin » Tue Aug 27, 2019 4:08 am").is_some());
    }

    #[test]
    fn dated_items_each_with_its_own_name_stay() {
        let src = "Upcoming events\n\nNorth Coast Tech Forum - 12 March 2026, Lisbon\nTalks on data tooling.\n\nSouthern Robotics Summit - 2 April 2026, Madrid\nDemos and panels.\n\nMaritime Data Congress - 7 May 2026, Hamburg\nShipping analytics.\n";
        assert_eq!(kept(src), src.replace("\n\n", "\n"));
        // A forum's per-post lines name the poster, who posts again: they still go.
        let forum = "Thread title here\n\nBrian September 26, 2025, 1:38pm\n\nFirst post text that asks a question.\n\nThiago_M September 26, 2025, 1:55pm\n\nA reply with an answer to it.\n\nBrian September 29, 2025, 3:28pm\n\nThanks, that worked for me.\n";
        let out = kept(forum);
        assert!(!out.contains("September"), "{out}");
        assert!(out.contains("A reply with an answer to it."), "{out}");
        // So does a page's one dateline beside its section's name.
        let page = "Title of the story\n\nRussian Politics & Diplomacy December 05, 16:07\n\nBody text of the story.\n";
        assert!(!kept(page).contains("December"));
    }

    #[test]
    fn bylines_go_to_authors() {
        let src =
            "Title of the story\n\nBy Jane Doe\n\nBody text of the story, long enough to read.\n";
        let c = cleaner().clean(src);
        assert_eq!(c.extracted.authors, ["Jane Doe"]);
        assert_eq!(
            kept(src),
            "Title of the story\nBody text of the story, long enough to read.\n"
        );
        for line in [
            "Written by Moses Kim and Kate Shokurova",
            "Von Katrin Möller",
            "By Hlín Eyjólfsdóttir",
            "di Giulia Ferrero",
        ] {
            assert!(byline_name(line).is_some(), "{line}");
        }
        for line in [
            "By noon the road was closed.",
            "By 2030 the plant will run on hydrogen",
            "By Use Case",
            "By Gender & Age",
            "Bypass the old road",
            "By The Numbers",
            "Par Value And Yield",
            "Von Miller Signs With Bills",
            "Di Maria Scores Twice",
            "di solito la biblioteca apre alle nove",
        ] {
            assert!(byline_name(line).is_none(), "{line}");
        }
    }

    /// The author box's heading below the article, the byline's name alone, goes; the same
    /// name between the byline and the article, another name, and the bio under it stay.
    #[test]
    fn the_author_boxs_name_below_the_article_goes() {
        let body = "The harbour authority on Monday approved plans for a new ferry terminal on the \
                    east quay of the old port.";
        let bio = "Jane Doe is The Ledger's transport editor. She lives in Leith.";
        let src = format!(
            "Ferry terminal approved\n\nBy Jane Doe and Sam Lee\n\nJane Doe\n\n{body}\n\n\
             Sam Lee\n\nJane Doe\n\n{bio}\n\nJohn Roe\n\nJane Doe:\n\n— Jane Doe\n"
        );
        let r = removed(&src);
        let boxes = removed_by(&src, "author_box");
        // The bio goes with its heading: the byline names Jane Doe alone above the article.
        assert_eq!(boxes, ["Sam Lee", "Jane Doe", bio], "{r:?}");
        let k = kept(&src);
        assert!(
            k.contains("Jane Doe\n") && !k.contains(bio) && k.contains("John Roe"),
            "{k}"
        );
        assert!(k.contains("Jane Doe:") && k.contains("— Jane Doe"), "{k}");
        // Between two paragraphs the name is a line of the story's own, and so is a paragraph
        // that opens with it and has the story going on below it.
        let src = format!(
            "By Jane Doe\n\n{body}\n\nJane Doe\n\n{body} Again.\n\n{bio}\n\n{body} Once more.\n\n\
             {body} And again.\n\n{body} Last.\n"
        );
        assert!(
            !removed(&src).iter().any(|(r, _)| r == "author_box"),
            "{:?}",
            removed(&src)
        );
        // A place after the name is no author.
        let src = format!("By Jane Doe, New York\n\n{body}\n\nNew York\n\nJane Doe\n");
        let boxes: Vec<(String, String)> = removed(&src)
            .into_iter()
            .filter(|(r, _)| r == "author_box")
            .collect();
        assert_eq!(boxes, [("author_box".to_string(), "Jane Doe".to_string())]);
    }

    /// An author box at the page's end goes whole, heading, role and bio, when the page names
    /// the author elsewhere; so does a bio that opens with the byline's name. A list of
    /// products, a team of three, a profile in an article's middle and a brand stay.
    #[test]
    fn author_boxes_go_with_their_bio() {
        let body = "The harbour authority on Monday approved plans for a new ferry terminal on the \
                    east quay of the old port.\n\
                    Work is due to start in the spring and should be finished within two years, \
                    the authority said.\n";
        let bio = "Kelia is a content writer at The Ledger who covers transport, housing and the \
                   harbour towns of the east coast.";
        let bio_box = format!("Kelia Ramos\nContent Writer\n{bio}\n");
        let src = format!("Ferry terminal approved\nBy Kelia Ramos\n{body}{bio_box}");
        let texts = removed_by(&src, "author_box");
        assert_eq!(
            texts,
            ["Kelia Ramos", "Content Writer", bio],
            "{:?}",
            removed(&src)
        );
        assert!(kept(&src).contains(body), "{}", kept(&src));
        // In German, with the heading printed twice.
        let src = format!(
            "Fähre genehmigt\nVon Katrin Möller\n{body}Katrin Möller\nKatrin Möller\n\
             Katrin Möller ist Redakteurin im Ressort Wirtschaft und schreibt über Häfen, \
             Verkehr und Wohnen.\n"
        );
        assert!(!kept(&src).contains("Redakteurin"), "{:?}", removed(&src));
        // No heading: the bio opens with the name a dateline's byline gives.
        let src = format!(
            "Ferry terminal approved\nPosted on 14 March 2024 by Harriet Ellwood\n{body}\
             Harriet Ellwood has been writing about ferries and harbours for the paper since \
             2009 and lives in Leith.\n"
        );
        assert!(!kept(&src).contains("since 2009"), "{:?}", removed(&src));
        // Without the byline, the same paragraph is the story's.
        let src = src.replace("Posted on 14 March 2024 by Harriet Ellwood\n", "");
        assert!(kept(&src).contains("since 2009"), "{:?}", removed(&src));
        // Named nowhere else: a profile's heading and its first paragraph.
        let src = format!("Ferry terminal approved\n{body}{bio_box}");
        assert!(kept(&src).contains(bio), "{:?}", removed(&src));
        // A product list: the paragraph goes on with the heading's own next word.
        let src = format!(
            "Contents\nExtension Cords\n{body}Extension Cords\n\
             Extension cords are a convenient way to bring power where you need it in a garage.\n"
        );
        assert!(
            kept(&src).contains("Extension cords are"),
            "{:?}",
            removed(&src)
        );
        // A brand, and a name in capitals.
        for (name, para) in [
            (
                "Bowers & Wilkins",
                "Bowers & Wilkins is widely seen as one of the most reliable headphone brands on sale.",
            ),
            (
                "AWS Lambda",
                "AWS Lambda runs your code without servers, and you pay only for the time it runs.",
            ),
        ] {
            let src = format!("Best buys\nBy {name}\n{body}{name}\n{para}\n");
            assert!(kept(&src).contains(para), "{name}: {:?}", removed(&src));
        }
        // A byline above the article is no box's heading, though the page names her again.
        let src = format!(
            "Talks stall\nBy Hope King\nHope is fading for a deal before the deadline, \
             negotiators said on Sunday in Brussels.\n{body}Hope King\n"
        );
        assert!(kept(&src).contains("Hope is fading"), "{:?}", removed(&src));
        // A subheading the contents name, over a paragraph that opens with its first word.
        let src = format!(
            "Contents\nBattery Performance\n{body}{body}Battery Performance\n\
             Battery life averaged eleven hours in our video test, an hour short of last year's.\n"
        );
        assert!(
            kept(&src).contains("Battery life averaged"),
            "{:?}",
            removed(&src)
        );
        // A team of three.
        let team: String = ["Kelia Ramos", "Jane Doe", "Sam Lee"]
            .iter()
            .map(|n| {
                let first = n.split(' ').next().unwrap_or_default();
                format!("{n}\n{first} is a content writer at The Ledger who covers the harbour towns of the east coast.\n")
            })
            .collect();
        let src = format!("Our team\nKelia Ramos\nJane Doe\nSam Lee\n{body}{team}");
        assert!(
            kept(&src).contains("Sam is a content writer"),
            "{:?}",
            removed(&src)
        );
        // A profile in an article's middle: nine long paragraphs below it.
        let more =
            "Officials said the terminal would handle up to four ferries an hour at the busiest \
                    times of the summer.\n"
                .to_string();
        let tail: String = (0..9)
            .map(|k| more.replace("four", &format!("{} more", k + 2)))
            .collect();
        let src = format!("Ferry terminal approved\nBy Kelia Ramos\n{body}{bio_box}{tail}");
        assert!(kept(&src).contains(bio), "{:?}", removed(&src));
    }

    /// Lines of running Italian that open with "di" (of) are no "By ..." lines: two in a row, or
    /// one word after "di", do not turn the page's bylines off.
    #[test]
    fn italian_di_lines_leave_the_pages_bylines_alone() {
        let src = "Title of the story\n\nBy Jane Doe\n\nBody text of the story, long enough to read.\n\
                   di questo parleremo\ndi nuovo domani\ndi Redazione\n";
        assert_eq!(cleaner().clean(src).extracted.authors, ["Jane Doe"]);
        let src = "La biblioteca riapre\ndi Giulia Ferrero\nIl comune ha riaperto la biblioteca.\n";
        assert_eq!(cleaner().clean(src).extracted.authors, ["Giulia Ferrero"]);
    }

    #[test]
    fn by_headings_filters_and_listings_are_no_bylines() {
        let para = "The journey takes about three hours and tickets can be bought on board.\n";
        // "By Car" says the page's "By ..." lines are headings.
        let other = "Buses leave from the main station every hour and stop at the harbour gate.\n";
        let src = format!("Getting there\nBy Car\n{para}By Public Transport\n{other}");
        assert_eq!(kept(&src), src);
        // Two in a row are a menu of filters.
        let src = format!("Solutions\nBy Customer Type\nBy Team Scale\n{para}");
        assert!(kept(&src).contains("By Team Scale"));
        // Three authors are a listing's, each under its story's headline.
        let src = format!(
            "Harbour vote delayed\nBy Jane Doe\n{para}Ferry fares rise\nBy John Roe\n{other}\
             Quay works begin\nBy Ann Smith\nWork on the new quay starts in May and runs to the autumn.\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn schedules_stay() {
        let src = "Programme of the festival:\nMarch 5 Opening Night\nMarch 6 Jazz Evening\nMarch 7 Closing Gala\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn dateline_leaves_text_and_becomes_metadata() {
        let src = "Title of the story\n\nMay 3, 2021 09:15 GMT\n\nBody text of the story.\n";
        let c = cleaner().clean(src);
        assert_eq!(c.extracted.datelines, ["May 3, 2021 09:15 GMT"]);
        assert_eq!(kept(src), "Title of the story\nBody text of the story.\n");
    }

    #[test]
    fn references_race_times_services_and_headlines_are_not_datelines() {
        for line in [
            "John 3:16",
            "Romans 8:28",
            "Sunday Mass 10:30 AM",
            "Eliud Kipchoge 2:01:09",
            "Biden, Xi To Meet November 15",
            "Talks Will Resume March 3",
            // A release's heading in a changelog.
            "2.6.0 — 2024-11-18",
            "v1.4.2 (March 3, 2024)",
            "Version 3.1 — May 2, 2024",
        ] {
            assert!(judge(line).is_none(), "{line}");
        }
        let src = "John 3:16\nFor God so loved the world.\nRomans 8:28\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn bare_times_with_generic_words_or_a_byline_are_datelines() {
        assert!(judge("Updated 14:05 GMT").is_some());
        assert!(judge("Posted at 10:15 am").is_some());
        assert_eq!(
            judge("Posted by admin at 10:15 AM").unwrap(),
            [
                (MetaKey::Dateline, "10:15 AM".to_string()),
                (MetaKey::Author, "admin".to_string())
            ]
        );
        // A date keeps a label beside it.
        assert!(judge("World News March 5, 2024 10:30").is_some());
        // A time written with a stop is no version number.
        assert!(judge("15.03.2024, 14.30 Uhr").is_some());
        assert!(judge("Sat 3 Feb 2024 10.00").is_some());
    }

    #[test]
    fn chinese_japanese_and_korean_datelines() {
        assert_eq!(
            judge("2024年3月5日 10:30 来源：新华社").unwrap(),
            [
                (MetaKey::Dateline, "2024年3月5日 10:30".to_string()),
                (MetaKey::Source, "新华社".to_string())
            ]
        );
        assert_eq!(
            judge("发布时间：2024-03-05 14:30 作者：张三").unwrap(),
            [
                (MetaKey::Dateline, "2024-03-05 14:30".to_string()),
                (MetaKey::Author, "张三".to_string())
            ]
        );
        assert_eq!(
            judge("人民网 2024年03月05日08:21").unwrap(),
            [
                (MetaKey::Dateline, "2024年03月05日08:21".to_string()),
                (MetaKey::Section, "人民网".to_string())
            ]
        );
        assert_eq!(
            judge("2024年3月5日 星期二").unwrap(),
            [(MetaKey::Dateline, "2024年3月5日 星期二".to_string())]
        );
        assert_eq!(
            judge("公開日：2024年3月5日(火) 15時30分").unwrap(),
            [(MetaKey::Dateline, "2024年3月5日(火) 15時30分".to_string())]
        );
        assert!(judge("朝日新聞 2024年3月5日").is_some());
        assert_eq!(
            judge("by ライトハウス国際特許事務所 ／ 2016.12.01").unwrap()[1],
            (MetaKey::Author, "ライトハウス国際特許事務所".to_string())
        );
        assert!(judge("입력 2024.03.05 오후 3:30").is_some());
        assert!(judge("2024년 3월 5일").is_some());
    }

    #[test]
    fn chinese_japanese_and_korean_sentences_with_dates_stay() {
        for line in [
            // The meeting is held on March 5; glued to the text around it.
            "会议定于3月5日举行",
            "会议定于 2024 年 3 月 5 日举行",
            // Spaced around the date, led in by a preposition or a particle.
            "会议定于 2024年3月5日 举行",
            "新製品は 2024年3月5日 に発売",
            // A timeline entry: "March 2024: the company is founded".
            "2024年3月 公司成立",
            "2024年3月5日，公司发布了新产品。",
            // A Xinhua story's opening: "Xinhua, Beijing, March 5".
            "新华社北京3月5日电",
            "회의는 2024년 3월 5일에 열린다",
        ] {
            assert!(judge(line).is_none(), "{line}");
        }
        let src = "会议定于 2024年3月5日 举行\n公司在会上发布了新产品。\n";
        assert_eq!(kept(src), src);
    }
}
