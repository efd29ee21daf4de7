//! Character properties for the loops that walk non-ASCII text a character at a time: whether
//! a character is alphabetic, numeric or a combining mark, its lowercase, and its fingerprint
//! fold. std answers each by a search in its Unicode tables; on Cyrillic and Greek text that was
//! 48 % of a one-thread run (`is_alphabetic` 28 %, `to_lowercase` 21 %). Here each 256-character
//! page of the Basic Multilingual Plane is worked out from std's (and `unicode_normalization`'s)
//! answers the first time a character of it is met, and looked up after. Past the
//! BMP, std answers. The answers are the same by construction, and a test compares them for
//! every character of the BMP.

use std::sync::OnceLock;
use unicode_normalization::char::{
    canonical_combining_class, decompose_canonical, is_combining_mark,
};
use unicode_normalization::{IsNormalized, is_nfc_quick, is_nfkc_quick};

const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;
const MARK: u8 = 4;
/// Combining class 0 and "yes" to the NFC (NFKC) quick check: a run of such characters is in
/// that form whatever is around it within the run.
const NFC: u8 = 8;
const NFKC: u8 = 16;
const WHITESPACE: u8 = 32;
const UNSPACED: u8 = 64;
const PHRASE_SPACED: u8 = 128;

/// A letter or digit of a script written without spaces between its words: Han (Chinese
/// characters, Japanese kanji) and Japanese kana. There a line's words cannot be told apart
/// by spaces, so the fingerprint takes each character as a word of its own and the cleaner's
/// measures count them by the character. Thai, Lao, Khmer and Myanmar are written without
/// spaces between words too, but their letters combine into syllables: see
/// [`phrase_spaced_script`].
fn unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x3005..=0x3007 // ideographic iteration mark, closing mark, number zero
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x31F0..=0x31FF // Katakana phonetic extensions
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified ideographs
        | 0xF900..=0xFAFF // CJK compatibility ideographs
        | 0xFF66..=0xFF9F // halfwidth Katakana
        | 0x20000..=0x3FFFF) // CJK extensions B and later
        && (c.is_alphabetic() || c.is_numeric())
}

/// A letter, digit or combining mark of Thai, Lao, Myanmar or Khmer. These scripts put a space
/// between phrases or sentences, not between words, and a word is a few letters with their
/// marks, so counting words by spaces makes a paragraph of them a handful of words. The
/// cleaner's measures count their letters instead (see `clean::words`); the fingerprint still
/// takes their space-separated runs as words.
fn phrase_spaced_script(c: char) -> bool {
    matches!(c as u32,
        0x0E01..=0x0E4E | 0x0E50..=0x0E59 // Thai letters, vowels, marks, digits
        | 0x0E80..=0x0EDF // Lao
        | 0x1000..=0x1049 | 0x1050..=0x109F // Myanmar, without its two punctuation marks
        | 0xA9E0..=0xA9FE | 0xAA60..=0xAA7F // Myanmar extensions B and A
        | 0x1780..=0x17D3 | 0x17DC..=0x17DD | 0x17E0..=0x17E9 // Khmer, without punctuation
        | 0x19E0..=0x19FF) // Khmer symbols
        && (c.is_alphanumeric() || is_combining_mark(c))
}

/// One character's entry. `lower` and `fold`: the result when it is one BMP character other
/// than NUL, else 0 (std works it out).
#[derive(Clone, Copy, Default)]
struct Entry {
    flags: u8,
    lower_len: u8,
    lower: u16,
    fold: u16,
}

struct Page([Entry; 256]);

static PAGES: [OnceLock<Box<Page>>; 256] = [const { OnceLock::new() }; 256];

fn entry(c: char) -> Option<Entry> {
    let u = c as u32;
    if u > 0xFFFF {
        return None;
    }
    let page = PAGES[(u >> 8) as usize].get_or_init(|| build(u >> 8));
    Some(page.0[(u & 0xFF) as usize])
}

fn build(page: u32) -> Box<Page> {
    let mut p = Box::new(Page([Entry::default(); 256]));
    for (k, e) in p.0.iter_mut().enumerate() {
        // Surrogate code points are no characters: never asked about.
        let Some(c) = char::from_u32(page << 8 | k as u32) else {
            continue;
        };
        let mut flags = 0;
        if c.is_alphabetic() {
            flags |= ALPHABETIC;
        }
        if c.is_numeric() {
            flags |= NUMERIC;
        }
        if is_combining_mark(c) {
            flags |= MARK;
        }
        flags |= stable(c);
        if c.is_whitespace() {
            flags |= WHITESPACE;
        }
        if unspaced_script(c) {
            flags |= UNSPACED;
        }
        if phrase_spaced_script(c) {
            flags |= PHRASE_SPACED;
        }
        let mut folded = String::new();
        fold_slow(c, |l| folded.push(l));
        *e = Entry {
            flags,
            // At most 3 characters of at most 4 bytes.
            lower_len: c.to_lowercase().map(char::len_utf8).sum::<usize>() as u8,
            lower: single(c.to_lowercase()),
            fold: single(folded.chars()),
        };
    }
    p
}

fn stable(c: char) -> u8 {
    let mut flags = 0;
    if canonical_combining_class(c) == 0 {
        if is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes {
            flags |= NFC;
        }
        if is_nfkc_quick(std::iter::once(c)) == IsNormalized::Yes {
            flags |= NFKC;
        }
    }
    flags
}

/// Whether `c` has combining class 0 and passes the NFC quick check (`nfkc`: the NFKC one):
/// a word of such characters is in that normal form already.
pub fn normal_form_stable(c: char, nfkc: bool) -> bool {
    let want = if nfkc { NFKC } else { NFC };
    match entry(c) {
        Some(e) => e.flags & want != 0,
        None => stable(c) & want != 0,
    }
}

/// The one character `it` gives, as a `u16`, when it is in the BMP and not NUL; else 0.
fn single(mut it: impl Iterator<Item = char>) -> u16 {
    match (it.next(), it.next()) {
        (Some(x), None) => u16::try_from(x as u32).unwrap_or(0),
        _ => 0,
    }
}

/// [`char::is_alphabetic`].
pub fn is_alphabetic(c: char) -> bool {
    match entry(c) {
        Some(e) => e.flags & ALPHABETIC != 0,
        None => c.is_alphabetic(),
    }
}

/// [`char::is_numeric`].
pub fn is_numeric(c: char) -> bool {
    match entry(c) {
        Some(e) => e.flags & NUMERIC != 0,
        None => c.is_numeric(),
    }
}

/// [`char::is_alphanumeric`].
pub fn is_alphanumeric(c: char) -> bool {
    match entry(c) {
        Some(e) => e.flags & (ALPHABETIC | NUMERIC) != 0,
        None => c.is_alphanumeric(),
    }
}

/// Whether `c` is a letter or digit of a script written without spaces between words (Han,
/// kana): each is taken as a word of its own.
pub fn is_unspaced(c: char) -> bool {
    match entry(c) {
        Some(e) => e.flags & UNSPACED != 0,
        None => unspaced_script(c),
    }
}

/// Whether `text` holds a Han or kana letter or digit. They all lie past U+3000, where UTF-8's
/// lead bytes are 0xE3 and up: most text (Latin, Cyrillic, Greek) is told free of them by its
/// bytes alone.
pub fn has_unspaced(text: &str) -> bool {
    text.bytes().any(|b| b >= 0xE3) && text.chars().any(is_unspaced)
}

/// Whether `c` is a letter, digit or mark of Thai, Lao, Myanmar or Khmer, whose spaces fall
/// between phrases rather than words.
pub fn is_phrase_spaced(c: char) -> bool {
    match entry(c) {
        Some(e) => e.flags & PHRASE_SPACED != 0,
        None => phrase_spaced_script(c),
    }
}

/// Whether `text` holds a letter of Thai, Lao, Myanmar or Khmer ([`is_phrase_spaced`]). Their
/// UTF-8 starts with 0xE0, 0xE1 or 0xEA (the Myanmar extensions): most text, curly quotes and
/// dashes (0xE2) included, is told free of them by its bytes alone.
pub fn has_phrase_spaced(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, 0xE0 | 0xE1 | 0xEA)) && text.chars().any(is_phrase_spaced)
}

/// What the fingerprint and the word measure ask of a character, from one lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Props {
    pub alphabetic: bool,
    pub numeric: bool,
    /// `unicode_normalization::char::is_combining_mark`.
    pub mark: bool,
    pub whitespace: bool,
    /// [`is_unspaced`]: a Han or kana letter or digit.
    pub unspaced: bool,
    /// [`is_phrase_spaced`]: a letter, digit or mark of Thai, Lao, Myanmar or Khmer.
    pub phrase_spaced: bool,
    /// Bytes of its lowercase (`char::to_lowercase`), as UTF-8.
    pub lower_len: usize,
}

#[inline]
pub fn props(c: char) -> Props {
    match entry(c) {
        Some(e) => Props {
            alphabetic: e.flags & ALPHABETIC != 0,
            numeric: e.flags & NUMERIC != 0,
            mark: e.flags & MARK != 0,
            whitespace: e.flags & WHITESPACE != 0,
            unspaced: e.flags & UNSPACED != 0,
            phrase_spaced: e.flags & PHRASE_SPACED != 0,
            lower_len: usize::from(e.lower_len),
        },
        None => Props {
            alphabetic: c.is_alphabetic(),
            numeric: c.is_numeric(),
            mark: is_combining_mark(c),
            whitespace: c.is_whitespace(),
            unspaced: unspaced_script(c),
            phrase_spaced: phrase_spaced_script(c),
            lower_len: c.to_lowercase().map(char::len_utf8).sum(),
        },
    }
}

/// A stored `lower` or `fold`: `None` for 0 (std works it out).
fn stored(v: u16) -> Option<char> {
    char::from_u32(u32::from(v)).filter(|_| v != 0)
}

/// The characters of [`char::to_lowercase`], to `f`.
pub fn lowercase(c: char, mut f: impl FnMut(char)) {
    match entry(c).and_then(|e| stored(e.lower)) {
        Some(l) => f(l),
        None => c.to_lowercase().for_each(f),
    }
}

/// The fingerprint's form of a letter, to `f`: its canonical decomposition without combining
/// marks, lowercased (`É` -> `e`); the letter itself lowercased when nothing is left.
pub fn fold(c: char, mut f: impl FnMut(char)) {
    match entry(c).and_then(|e| stored(e.fold)) {
        Some(l) => f(l),
        None => fold_slow(c, f),
    }
}

fn fold_slow(c: char, mut f: impl FnMut(char)) {
    let mut any = false;
    decompose_canonical(c, |d| {
        if !is_combining_mark(d) {
            d.to_lowercase().for_each(&mut f);
            any = true;
        }
    });
    if !any {
        c.to_lowercase().for_each(f);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(run: impl FnOnce(&mut dyn FnMut(char))) -> String {
        let mut s = String::new();
        run(&mut |c| s.push(c));
        s
    }

    #[test]
    fn every_answer_is_std_s() {
        let beyond = [
            '\u{10000}',
            '\u{1D400}',
            '\u{1F600}',
            '\u{10400}',
            '\u{E0001}',
        ];
        let all = (0..=0xFFFFu32).filter_map(char::from_u32).chain(beyond);
        for c in all {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_numeric(c), c.is_numeric(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(
                props(c),
                Props {
                    alphabetic: c.is_alphabetic(),
                    numeric: c.is_numeric(),
                    mark: is_combining_mark(c),
                    whitespace: c.is_whitespace(),
                    unspaced: unspaced_script(c),
                    phrase_spaced: phrase_spaced_script(c),
                    lower_len: c.to_lowercase().map(char::len_utf8).sum(),
                },
                "{c:?}"
            );
            assert_eq!(is_unspaced(c), unspaced_script(c), "{c:?}");
            assert_eq!(is_phrase_spaced(c), phrase_spaced_script(c), "{c:?}");
            if is_phrase_spaced(c) {
                // What `has_phrase_spaced` looks for first: the lead byte.
                let mut utf8 = [0u8; 4];
                let lead = c.encode_utf8(&mut utf8).as_bytes()[0];
                assert!(matches!(lead, 0xE0 | 0xE1 | 0xEA), "{c:?}");
            }
            for nfkc in [false, true] {
                let quick = if nfkc {
                    is_nfkc_quick(std::iter::once(c))
                } else {
                    is_nfc_quick(std::iter::once(c))
                };
                let want = canonical_combining_class(c) == 0 && quick == IsNormalized::Yes;
                assert_eq!(normal_form_stable(c, nfkc), want, "{c:?} {nfkc}");
            }
            let want: String = c.to_lowercase().collect();
            assert_eq!(collect(|f| lowercase(c, f)), want, "{c:?}");
            assert_eq!(
                collect(|f| fold(c, f)),
                collect(|f| fold_slow(c, f)),
                "{c:?}"
            );
        }
        // What the table keeps and what it leaves to std.
        assert_eq!(collect(|f| fold('É', f)), "e");
        assert_eq!(collect(|f| fold('ё', f)), "е");
        assert_eq!(collect(|f| lowercase('İ', f)), "i\u{307}");
        assert_eq!(collect(|f| lowercase('Σ', f)), "σ");
    }

    #[test]
    fn han_and_kana_letters_are_unspaced_and_their_punctuation_is_not() {
        for c in ['中', '文', 'の', 'カ', 'ー', '々', '〇', '𠀋', 'ｶ'] {
            assert!(is_unspaced(c), "{c:?}");
        }
        for c in ['a', 'é', 'ж', '한', 'ก', '。', '、', '・', '，', '１', ' '] {
            assert!(!is_unspaced(c), "{c:?}");
        }
    }

    #[test]
    fn thai_lao_myanmar_and_khmer_letters_and_marks_are_phrase_spaced() {
        // Letters, a Thai tone mark and vowel sign, Thai and Khmer digits, a Myanmar medial.
        for c in [
            'ก', 'ท', '\u{e48}', '\u{e34}', '๕', 'ກ', 'က', '\u{103b}', 'ក', '\u{17b6}', '៣',
        ] {
            assert!(is_phrase_spaced(c), "{c:?}");
            assert!(!is_unspaced(c), "{c:?}");
        }
        // Their punctuation (Thai's paragraph sign, Myanmar's and Khmer's stops and commas) and
        // other scripts' letters are not.
        for c in ['๏', '။', '၊', '។', '៕', '៖', 'a', 'क', '中', '한', ' ', '.'] {
            assert!(!is_phrase_spaced(c), "{c:?}");
        }
        assert!(has_phrase_spaced("Pai ปาย"));
        assert!(!has_phrase_spaced("Pai — “Thai” 中文"));
    }
}
