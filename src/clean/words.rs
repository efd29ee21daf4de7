//! Word helpers shared by the detectors: counting, and the content words that carry a line's
//! topic (lowercased, stop words and short words left out, a plural `s` taken off).

/// Number of words: whitespace-separated tokens that contain a letter or digit, and the words
/// of Chinese and Japanese text, which has no spaces between them. A word there averages under
/// two characters, so each two Han or kana characters count as one (rounded up): a
/// 150-character paragraph measures as the prose it is, a 20-character headline as a title.
/// Thai, Lao, Myanmar and Khmer put spaces between phrases only: their letters are counted, four
/// to a word (rounded up; a Thai word averages 3.8 letters, its marks left out), whatever
/// spaces fall between them.
pub fn count(text: &str) -> usize {
    measure(text).0
}

/// [`count`], and the size of the line's repeat key (see `repeats`): the bytes of its letters
/// and digits, case folded one by one (`char::to_lowercase` looks at no neighbours). Lines
/// whose keys are equal have equal sizes; one pass gives both.
pub fn measure(text: &str) -> (usize, usize) {
    // Byte by byte: ASCII bytes are classed by a table, and only the other characters are
    // decoded, so text with a few curly quotes or dashes stays on the fast path.
    let bytes = text.as_bytes();
    // Tokens with a letter or digit so far, whether the current token has one, key size.
    let mut st = Counts::default();
    let mut i = 0;
    while i < bytes.len() {
        // Eight ASCII bytes at a time: one test for all of them, no bounds checks inside.
        if let Some(chunk) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            let x = u64::from_le_bytes(w);
            if x & 0x8080_8080_8080_8080 == 0 {
                st.ascii8(x);
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            st.ascii(b);
            i += 1;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let p = crate::chars::props(c);
        if p.whitespace {
            st.n += st.alnum;
            st.alnum = 0;
        } else if p.unspaced {
            // Not part of a token: it ends one, and counts on its own.
            st.n += st.alnum;
            st.alnum = 0;
            st.unspaced += 1;
            st.size += p.lower_len;
        } else if p.phrase_spaced {
            // The same, counted by its letters; a mark is no letter (a vowel sign, alphabetic,
            // adds to the key; a tone mark, not alphabetic, adds to neither).
            st.n += st.alnum;
            st.alnum = 0;
            st.phrase_letters += usize::from(!p.mark);
            if p.alphabetic || p.numeric {
                st.size += p.lower_len;
            }
        } else if p.alphabetic || p.numeric {
            st.alnum = 1;
            st.size += p.lower_len;
        }
        i += c.len_utf8();
    }
    let phrase_words = st.phrase_letters.div_ceil(PHRASE_SPACED_LETTERS);
    (
        st.n + st.alnum + st.unspaced.div_ceil(2) + phrase_words,
        st.size,
    )
}

/// A full stop of Latin, CJK (full-width and ideographic), Devanagari ("।", "॥"), Urdu ("۔"),
/// Armenian ("։"), Ethiopic ("።"), Myanmar ("။") or Khmer ("។", "៕") script. Thai and Lao have
/// none (see [`is_unstopped_sentence`]).
pub fn is_full_stop(c: char) -> bool {
    matches!(
        c,
        '.' | '。' | '．' | '।' | '॥' | '۔' | '։' | '።' | '။' | '។' | '៕'
    )
}

/// A mark that ends a question or an exclamation, or trails a sentence off: Latin, CJK,
/// Arabic ("؟") and Ethiopic ("፧").
pub fn is_question_or_exclamation(c: char) -> bool {
    matches!(c, '!' | '?' | '…' | '！' | '？' | '؟' | '፧')
}

/// Any mark that ends a sentence: [`is_full_stop`] or [`is_question_or_exclamation`].
pub fn is_sentence_end(c: char) -> bool {
    is_full_stop(c) || is_question_or_exclamation(c)
}

/// A mark that ends a clause of a list or verse, or a lead-in: Latin, CJK (full-width and the
/// ideographic comma) and Arabic ("،", "؛").
pub fn is_clause_mark(c: char) -> bool {
    matches!(c, ':' | ';' | ',' | '：' | '；' | '，' | '、' | '،' | '؛')
}

/// Letters of Thai, Lao, Myanmar or Khmer that [`measure`] counts as a word.
const PHRASE_SPACED_LETTERS: usize = 4;

/// Whether a line ending in `end` (its text up to its closing quotes and brackets) and
/// [`count`]ing `words` ends a sentence without a stop: Thai and Lao have none (a space ends a
/// sentence), and Myanmar and Khmer writers often leave theirs out. So a line whose last
/// letter is of these scripts (a number may follow it: "... a score of 8.5/10") and that is
/// long for a title ([`UNSTOPPED_SENTENCE_WORDS`] words or more) reads as a sentence; a
/// shorter one may be either.
pub fn is_unstopped_sentence(end: &str, words: usize) -> bool {
    words >= UNSTOPPED_SENTENCE_WORDS
        && end
            .chars()
            .rev()
            .find(|&c| crate::chars::is_alphabetic(c))
            .is_some_and(crate::chars::is_phrase_spaced)
}

/// See [`is_unstopped_sentence`]: most headlines and menu labels are shorter.
const UNSTOPPED_SENTENCE_WORDS: usize = 16;

/// What [`measure`] counts as it goes.
#[derive(Default)]
struct Counts {
    n: usize,
    alnum: usize,
    size: usize,
    /// Han and kana characters.
    unspaced: usize,
    /// Letters and digits of Thai, Lao, Myanmar and Khmer (marks left out).
    phrase_letters: usize,
}

impl Counts {
    /// One ASCII byte, without a branch: a space ends a token (counted if it held a letter or
    /// digit).
    #[inline(always)]
    fn ascii(&mut self, b: u8) {
        let class = usize::from(CLASS[usize::from(b & 0x7f)]);
        let (space, letter) = (class & 1, class >> 1);
        self.n += space & self.alnum;
        self.alnum = (self.alnum | letter) & (space ^ 1);
        self.size += letter;
    }

    /// Eight ASCII bytes (byte `k` of the text in byte `k` of `x`, little-endian) as eight
    /// calls of [`Counts::ascii`] count them, with no look-up a byte: the classes are found for
    /// all eight bytes at once by SWAR compares, and whether a token holds a letter or digit
    /// is carried along the bytes by a prefix scan (a space stops it).
    #[inline(always)]
    fn ascii8(&mut self, x: u64) {
        const LOW: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // The high bit of each byte of `v` that is at least `c`: every byte is below 0x80, so
        // no sum carries into the next byte.
        let ge = |v: u64, c: u8| v.wrapping_add(LOW * u64::from(0x80 - c)) & HIGH;
        let space = (ge(x, 0x09) & !ge(x, 0x0E)) | (ge(x, b' ') & !ge(x, b' ' + 1));
        let lower = x | (LOW * 0x20);
        let alnum = (ge(x, b'0') & !ge(x, b'9' + 1)) | (ge(lower, b'a') & !ge(lower, b'z' + 1));
        self.size += alnum.count_ones() as usize;
        // `held`: after byte k, the current token holds a letter or digit (a byte that is
        // not a space passes on what came before it, the token's first byte the state coming
        // in). Carried 1, 2, then 4 bytes at a time.
        let carried = if self.alnum == 1 { 0x80 } else { 0 };
        let mut pass = !space & HIGH;
        let mut held = alnum | (carried & pass);
        held |= pass & (held << 8);
        pass &= pass << 8;
        held |= pass & (held << 16);
        pass &= pass << 16;
        held |= pass & (held << 32);
        // A space ends a token, counted if what was before it held one.
        self.n += (space & ((held << 8) | carried)).count_ones() as usize;
        self.alnum = (held >> 63) as usize;
    }
}

// Bit 0: a space, bit 1: a letter or digit ([`Counts::ascii`] reads them so).
const SPACE: u8 = 1;
const ALNUM: u8 = 2;
/// ASCII bytes for [`count`]: `char::is_whitespace` on ASCII is these six bytes
/// (`u8::is_ascii_whitespace` would miss the vertical tab).
const CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = if matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            SPACE
        } else if b.is_ascii_alphanumeric() {
            ALNUM
        } else {
            0
        };
        b += 1;
    }
    t
};

#[cfg(test)]
fn count_unicode(text: &str) -> usize {
    let unspaced = crate::chars::is_unspaced;
    let phrase = crate::chars::is_phrase_spaced;
    let tokens = text
        .split(|c: char| c.is_whitespace() || unspaced(c) || phrase(c))
        .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
        .count();
    let letters = text
        .chars()
        .filter(|&c| phrase(c) && !unicode_normalization::char::is_combining_mark(c))
        .count();
    tokens + text.chars().filter(|&c| unspaced(c)).count().div_ceil(2) + letters.div_ceil(4)
}

/// Common function words of English (the language the seeds and most scrapes are in) that say
/// nothing about a text's topic. Other languages simply get fewer words filtered.
const STOP_WORDS: [&str; 155] = [
    "about", "above", "after", "again", "against", "all", "also", "amid", "and", "any", "are",
    "around", "back", "because", "been", "before", "being", "below", "best", "between", "both",
    "but", "can", "can't", "could", "day", "days", "did", "does", "doing", "don", "down", "during",
    "each", "even", "ever", "every", "few", "first", "for", "from", "further", "get", "gets",
    "going", "got", "had", "has", "have", "having", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i'm", "into", "isn", "it's", "its", "itself", "just", "know", "last",
    "let", "like", "made", "make", "many", "may", "might", "more", "most", "much", "must", "new",
    "not", "now", "off", "old", "once", "one", "only", "other", "our", "ours", "out", "over",
    "own", "really", "said", "same", "say", "says", "see", "she", "should", "since", "some",
    "still", "such", "take", "takes", "than", "that", "the", "their", "them", "then", "there",
    "these", "they", "thing", "things", "this", "those", "though", "three", "through", "time",
    "too", "top", "two", "under", "until", "use", "used", "very", "via", "want", "was", "way",
    "week", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will",
    "with", "won", "would", "year", "years", "yet", "you", "your", "yours",
];

/// A word of up to 8 bytes as one integer, its bytes in order and zeros after them. Words hold
/// no zero bytes, so two words of up to 8 bytes are equal exactly when their keys are.
const fn stop_key(w: &[u8]) -> u64 {
    let mut k = 0u64;
    let mut i = 0;
    while i < w.len() && i < 8 {
        k |= (w[i] as u64) << (8 * i);
        i += 1;
    }
    k
}

/// Slots of [`STOP_TABLE`]: a power of two, over three times the stop words, so a lookup
/// mostly ends at its first slot.
const STOP_SLOTS: usize = 512;
// Room to spare, so every search meets an empty slot.
const _: () = assert!(STOP_WORDS.len() * 3 < STOP_SLOTS && STOP_SLOTS.is_power_of_two());

/// The slot a key's search starts at: the top bits of a multiplicative hash.
const fn stop_slot(key: u64) -> usize {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - STOP_SLOTS.trailing_zeros())) as usize
}

/// The keys of [`STOP_WORDS`] (all of them 3 to 7 bytes long) in an open-addressing table
/// with linear probing, built by the compiler; 0 marks an empty slot (no key is 0).
static STOP_TABLE: [u64; STOP_SLOTS] = {
    let mut table = [0u64; STOP_SLOTS];
    let mut i = 0;
    while i < STOP_WORDS.len() {
        let key = stop_key(STOP_WORDS[i].as_bytes());
        let mut slot = stop_slot(key);
        while table[slot] != 0 && table[slot] != key {
            slot = (slot + 1) % STOP_SLOTS;
        }
        table[slot] = key;
        i += 1;
    }
    table
};

/// Whether `w` is one of [`STOP_WORDS`]: a lookup in [`STOP_TABLE`]. A binary search over the
/// sorted keys (eight dependent, unpredictable steps a word) was most of the time of finding
/// a line's content words.
fn is_stop(w: &str) -> bool {
    if w.len() > 8 {
        return false;
    }
    let key = stop_key(w.as_bytes());
    let mut slot = stop_slot(key);
    loop {
        match STOP_TABLE[slot] {
            0 => return false,
            k if k == key => return true,
            _ => slot = (slot + 1) % STOP_SLOTS,
        }
    }
}

/// Calls `f` with each content word of `text`, lowercased into a reused buffer.
pub fn for_each_content_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    if text.is_ascii() {
        // The same words, found on bytes: no char decoding, no case tables. A word is a run
        // of letters, digits and straight quotes; its quotes around it and a possessive `'s`
        // are left out by moving its ends.
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            if WORD_BYTE[usize::from(bytes[i])] == 0 {
                i += 1;
                continue;
            }
            let start = i;
            // The classes of the word's bytes or-ed together: whether it has a capital.
            let mut classes = 0;
            while let Some(&b) = bytes.get(i) {
                let class = WORD_BYTE[usize::from(b)];
                if class == 0 {
                    break;
                }
                classes |= class;
                i += 1;
            }
            let Some((start, end)) = word_core(bytes, start, i) else {
                continue;
            };
            // An ASCII text: every byte is a whole character, so the slice is a `str` as it
            // is, taken as it is when already lowercase (most words), else copied and
            // lowercased into the reused buffer, without a UTF-8 check either way.
            let word = &text[start..end];
            // What was cut off the ends is quotes and "'s": no capitals.
            if classes & CAPITAL != 0 {
                buf.clear();
                buf.push_str(word);
                buf.make_ascii_lowercase();
                content_stem(&buf, &mut f);
            } else {
                content_stem(word, &mut f);
            }
        }
        return;
    }
    content_words_unicode(text, &mut buf, f);
}

/// The ASCII word at `bytes[start..end]` without the straight quotes around it and a
/// possessive `'s`; `None` when what is left is shorter than 3 bytes or all digits (no content
/// word).
#[inline]
fn word_core(bytes: &[u8], mut start: usize, mut end: usize) -> Option<(usize, usize)> {
    while start < end && bytes[start] == b'\'' {
        start += 1;
    }
    while end > start && bytes[end - 1] == b'\'' {
        end -= 1;
    }
    if bytes[start..end].ends_with(b"'s") {
        end -= 2;
    }
    let w = &bytes[start..end];
    (w.len() >= 3 && !w.iter().all(u8::is_ascii_digit)).then_some((start, end))
}

/// Bytes of an ASCII word for [`for_each_content_word`] (letters, digits and the straight
/// quote), by byte: 0 for any other, else `WORD` with `CAPITAL` for a capital letter. One
/// look-up where the tests for a letter, a digit and a quote took several compares a byte.
const WORD: u8 = 1;
const CAPITAL: u8 = 2;
const WORD_BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0u8;
    while b < 128 {
        if b.is_ascii_alphanumeric() || b == b'\'' {
            t[b as usize] = WORD;
        }
        if b.is_ascii_uppercase() {
            t[b as usize] |= CAPITAL;
        }
        b += 1;
    }
    t
};

fn content_words_unicode(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    use crate::chars::{is_phrase_spaced, is_unspaced};
    // Thai's tone marks are no letters, but they are inside its words. Spaces and ASCII
    // punctuation, most of what parts words, are told apart without a table look-up.
    let apart = |c: char| {
        if c.is_ascii() {
            return !c.is_ascii_alphanumeric() && c != '\'';
        }
        let p = crate::chars::props(c);
        !(p.alphabetic || p.numeric || p.phrase_spaced) && c != '’'
    };
    for raw in text.split(apart) {
        if !crate::chars::has_unspaced(raw) && !crate::chars::has_phrase_spaced(raw) {
            unicode_word(raw, buf, &mut f);
            continue;
        }
        // Chinese and Japanese runs have no spaces to find words by: their pairs of
        // neighbouring characters stand for them, as in text search. A lone character is too
        // common to tell a topic. Thai, Lao, Myanmar and Khmer runs have no spaces between
        // words either; their words are longer, made of letters and the marks on them, and
        // three neighbouring letters stand for them.
        let mut rest = raw;
        while let Some(start) = rest.find(|c| is_unspaced(c) || is_phrase_spaced(c)) {
            unicode_word(&rest[..start], buf, &mut f);
            let run = &rest[start..];
            let han = run.chars().next().is_some_and(is_unspaced);
            let end = run
                .find(|c: char| {
                    if han {
                        !is_unspaced(c)
                    } else {
                        !is_phrase_spaced(c)
                    }
                })
                .unwrap_or(run.len());
            if han {
                let mut chars = run[..end].char_indices().peekable();
                while let Some((a, _)) = chars.next() {
                    if let Some(&(b, c)) = chars.peek() {
                        f(&run[a..b + c.len_utf8()]);
                    }
                }
            } else {
                letter_trigrams(&run[..end], &mut f);
            }
            rest = &run[end..];
        }
        unicode_word(rest, buf, &mut f);
    }
}

/// Each three neighbouring letters of `run` (Thai, Lao, Myanmar or Khmer), with the marks that
/// follow each, to `f`; nothing for a run of fewer letters.
fn letter_trigrams(run: &str, f: &mut impl FnMut(&str)) {
    // Where the last three letters start (a mark belongs to the letter before it).
    let mut starts = [0usize; 3];
    let mut letters = 0;
    for (i, c) in run.char_indices() {
        if i > 0 && crate::chars::props(c).mark {
            continue;
        }
        if letters >= 3 {
            f(&run[starts[0]..i]);
        }
        starts = [starts[1], starts[2], i];
        letters += 1;
    }
    if letters >= 3 {
        f(&run[starts[0]..]);
    }
}

/// One token of [`content_words_unicode`] with no Han or kana in it: its content word, if any.
fn unicode_word(raw: &str, buf: &mut String, f: &mut impl FnMut(&str)) {
    let w = raw.trim_matches(|c| c == '\'' || c == '’');
    // Possessives and contractions: "Russia's" speaks of Russia.
    let w = w
        .strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .unwrap_or(w);
    if w.len() < 3 || w.chars().count() < 3 || w.chars().all(crate::chars::is_numeric) {
        return;
    }
    buf.clear();
    if w.is_ascii() {
        buf.push_str(w);
        buf.make_ascii_lowercase();
    } else {
        for c in w.chars() {
            crate::chars::lowercase(c, |l| buf.push(l));
        }
    }
    content_stem(buf, f);
}

/// A lowercased word to `f`, unless it is a stop word; a crude plural fold, enough to match
/// "missiles" with "missile".
fn content_stem(buf: &str, f: &mut impl FnMut(&str)) {
    if is_stop(buf) {
        return;
    }
    let stem = if buf.len() > 4 && buf.ends_with('s') && !buf.ends_with("ss") {
        &buf[..buf.len() - 1]
    } else {
        buf
    };
    f(stem);
}

/// Calls `f` with a 64-bit hash of each content word: cheaper than owning the words when only
/// their identity matters (vocabulary overlap).
pub fn for_each_content_hash(text: &str, mut f: impl FnMut(u64)) {
    for_each_content_word(text, |w| f(hash_str(w)));
}

/// A fixed 64-bit hash of a string (FxHash), stable across runs.
pub fn hash_str(s: &str) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(s.as_bytes());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ASCII path as it was before its byte table: the reference the table is held to.
    fn content_words_ascii_reference(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'\'';
        let mut i = 0;
        while i < bytes.len() {
            if !is_word(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && is_word(bytes[i]) {
                i += 1;
            }
            let Some((start, end)) = super::word_core(bytes, start, i) else {
                continue;
            };
            let word = text[start..end].to_ascii_lowercase();
            content_stem(&word, &mut |s: &str| out.push(s.to_string()));
        }
        out
    }

    #[test]
    fn ascii_content_words_agree_with_the_reference() {
        let pieces = [
            "a", "B", "e", "S", "s", "z", "7", "0", "'", "'s", "'S", " ", "  ", "-", ".", ",",
            "\t", "_", "\"", "the", "The", "THE", "news", "glass", "Ferry", "2021", "x9",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(21);
        let mut words = 0;
        for _ in 0..20_000 {
            let n = 1 + rng.below(30);
            let text = rng.concat(&pieces, n);
            let mut got = Vec::new();
            for_each_content_word(&text, |w| got.push(w.to_string()));
            let want = content_words_ascii_reference(&text);
            assert_eq!(got, want, "{text:?}");
            words += got.len();
        }
        assert!(words > 30_000, "{words}");
    }

    /// Eight bytes at once count as eight bytes one by one: random ASCII bytes (spaces,
    /// controls, letters, digits, punctuation, the class edges) in every state.
    #[test]
    fn eight_bytes_count_as_eight_single_bytes() {
        let edges = [
            0x00u8, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x1F, b' ', b'!', b'/', b'0', b'9',
            b':', b'@', b'A', b'Z', b'[', b'`', b'a', b'z', b'{', 0x7F, b'-', b'.', b'e',
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(8);
        for round in 0..200_000 {
            let bytes: [u8; 8] = std::array::from_fn(|_| {
                if round % 2 == 0 {
                    edges[rng.below(edges.len())]
                } else {
                    rng.below(128) as u8
                }
            });
            let (n, alnum, size) = (rng.below(5), rng.below(2), rng.below(5));
            let mut one = Counts {
                n,
                alnum,
                size,
                ..Counts::default()
            };
            bytes.iter().for_each(|&b| one.ascii(b));
            let mut eight = Counts {
                n,
                alnum,
                size,
                ..Counts::default()
            };
            eight.ascii8(u64::from_le_bytes(bytes));
            assert_eq!(
                (eight.n, eight.alnum, eight.size),
                (one.n, one.alnum, one.size),
                "{bytes:?} alnum {alnum}"
            );
        }
    }

    #[test]
    fn byte_count_agrees_with_the_unicode_count() {
        for t in [
            "",
            "   ",
            "one",
            "one two  three",
            " -- a - b -- ",
            "x\u{b}y\u{c}z\r\nw\tv",
            "\u{1c}a\u{1f}b",
            "... !!! 42 ok.",
            "e.g. U.S. 3-2 win",
            "Caf\u{e9} au lait \u{2014} 2 cups",
            "\u{2014}\u{a0}x\u{3000}\u{2003}\u{e9}\u{2028}\u{85}1 \u{201c}\u{201d}",
            "\u{65e5}\u{672c}\u{8a9e}\u{3000}\u{30c6}\u{30b9}\u{30c8} \u{1f600} \u{663}",
        ] {
            assert_eq!(count(t), count_unicode(t), "{t:?}");
        }
        assert_eq!(count("Caf\u{e9} au lait \u{2014} 2 cups"), 5);
        // Han and kana: two characters a word, rounded up; a Latin word among them is one.
        assert_eq!(count("内核文档"), 2);
        assert_eq!(count("使用Linux内核。"), 1 + 2);
        assert_eq!(count("使用Linux内核了"), 1 + 3);
        assert_eq!(count("カーネル の 文書"), 4);
        // Thai, Lao, Myanmar, Khmer: four letters a word, rounded up, marks left out; the spaces
        // between their phrases split nothing. "Pai is a small district in the province" (22
        // letters, 4 marks).
        assert_eq!(count("ปายเป็นอำเภอเล็ก ๆ ในจังหวัด"), 6);
        assert_eq!(count("ท่องเที่ยว"), 2);
        assert_eq!(count("Pai ปาย 2567"), 3);
        // Random strings over ASCII and non-ASCII letters, digits, spaces and punctuation.
        let pieces = [
            "a",
            "Z",
            "7",
            " ",
            "\t",
            "\u{b}",
            "-",
            ".",
            "\u{a0}",
            "\u{2003}",
            "\u{3000}",
            "\u{e9}",
            "\u{2014}",
            "\u{201c}",
            "\u{663}",
            "\u{1f600}",
            "\u{85}",
            "\u{4e2d}",
            "\u{306e}",
            "\u{3002}",
            "\u{e01}",
            "\u{e48}",
            "\u{e34}",
            "\u{1000}",
            "\u{17d4}",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(7);
        for _ in 0..5000 {
            let n = rng.below(40);
            let t = rng.concat(&pieces, n);
            assert_eq!(count(&t), count_unicode(&t), "{t:?}");
            // The key size, char by char.
            let size: usize = t
                .chars()
                .filter(|c| c.is_alphanumeric())
                .map(|c| c.to_lowercase().map(char::len_utf8).sum::<usize>())
                .sum();
            assert_eq!(measure(&t).1, size, "{t:?}");
        }
    }

    #[test]
    fn ascii_content_words_agree_with_the_unicode_path() {
        for t in [
            "",
            "The council's budget: 2024 plans, 'quoted' words and it's done.",
            "Missiles, glasses and buses; ''' 123 4567 abc'' ''xyz",
            "e.g. U.S. 3-2 win -- x's Ma's dress's bosses",
            "ALL CAPS HEADLINE ABOUT THINGS AND STUFF",
        ] {
            let mut fast = Vec::new();
            for_each_content_word(t, |w| fast.push(w.to_string()));
            let mut slow = Vec::new();
            content_words_unicode(t, &mut String::new(), |w| slow.push(w.to_string()));
            assert_eq!(fast, slow, "{t:?}");
        }
    }

    #[test]
    fn ascii_content_words_agree_with_the_unicode_path_on_random_text() {
        let pieces = [
            "a",
            "Bc",
            "s",
            "'",
            "'s",
            "''",
            " ",
            "-",
            "7",
            "12",
            "The",
            "the",
            "AND",
            "against",
            "through",
            "Buses",
            "glass",
            "missile",
            "x",
            ".",
            "abcdefghij",
            "it's",
            "can't",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(13);
        for _ in 0..5000 {
            let n = rng.below(16);
            let t = rng.concat(&pieces, n);
            let mut fast = Vec::new();
            for_each_content_word(&t, |w| fast.push(w.to_string()));
            let mut slow = Vec::new();
            content_words_unicode(&t, &mut String::new(), |w| slow.push(w.to_string()));
            assert_eq!(fast, slow, "{t:?}");
        }
    }

    #[test]
    fn stop_word_search_is_list_membership() {
        for w in STOP_WORDS {
            assert!(is_stop(w), "{w}");
            for other in [
                &w[1..],
                &w[..w.len() - 1],
                &format!("{w}s"),
                &format!("x{w}"),
            ] {
                assert_eq!(is_stop(other), STOP_WORDS.contains(&other), "{other}");
            }
        }
        for w in [
            "",
            "a",
            "th",
            "thee",
            "abouts",
            "yourselves",
            "nato",
            "caf\u{e9}",
            "th\u{e9}",
        ] {
            assert_eq!(is_stop(w), STOP_WORDS.contains(&w), "{w}");
        }
    }

    fn content(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_content_word(text, |w| v.push(w.to_string()));
        v
    }

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(count("Read more on the site →"), 5);
        assert_eq!(count("  -  "), 0);
    }

    #[test]
    fn content_words_fold_case_plurals_and_possessives() {
        assert_eq!(
            content("NATO's missiles and the Missile in 2021"),
            ["nato", "missile", "missile"]
        );
    }

    #[test]
    fn chinese_and_japanese_content_words_are_character_pairs() {
        assert_eq!(content("内核文档"), ["内核", "核文", "文档"]);
        // Punctuation and Latin words break the runs; a lone character is no content word.
        assert_eq!(
            content("使用Linux内核。的 カーネル"),
            ["使用", "linux", "内核", "カー", "ーネ", "ネル"]
        );
    }

    #[test]
    fn thai_lao_myanmar_and_khmer_content_words_are_letter_triples() {
        // "ทะเลหมอก" (sea of mist): its marks stay with the letters before them, a tone mark
        // too, which is no letter and used to split the word.
        assert_eq!(content("ทะเล"), ["ทะเ", "ะเล"]);
        assert_eq!(content("ที่พัก"), ["ที่พัก"]);
        // A space, punctuation or a Latin word ends a run; runs of under three letters give
        // nothing.
        assert_eq!(content("ทะเล ปาย Pai ที่"), ["ทะเ", "ะเล", "ปาย", "pai"]);
        // Khmer: a subscript consonant is a letter after a mark (the coeng), a vowel sign a mark.
        assert_eq!(content("ភ្នំពេញ"), ["ភ្នំពេ", "នំពេញ"]);
    }
}
