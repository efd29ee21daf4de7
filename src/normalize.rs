//! Normalization: turns a cleaned document into its output text (Unicode NFC or NFKC, white
//! space collapsed, zero-width and control characters dropped, apostrophe, quote and dash
//! variants unified, paragraphs separated by one blank line) while recording an [`OffsetMap`]
//! back to the source bytes. Also the more aggressive *fingerprint text* that only feeds hashing.
//!
//! ASCII text takes a fast path: words are copied as they are, and the map grows by one piece per
//! run of verbatim text. Words with other characters are rewritten as a whole and map to their
//! whole source span.

use crate::clean::Cleaned;
use crate::config::{NormalizeSettings, ParagraphMode, UnicodeForm};
use crate::doc::OffsetMap;
use std::ops::Range;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

/// The output text of a document with its map to the source.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Normalized {
    pub text: String,
    pub map: OffsetMap,
    /// Output byte ranges of the paragraphs, in order.
    pub paragraphs: Vec<Range<usize>>,
}

impl Normalized {
    /// Source byte range of the output range `r`.
    pub fn source_range(&self, r: &Range<usize>) -> Range<usize> {
        self.map.src_start(r.start)..self.map.src_end(r.end)
    }
}

/// Characters dropped outright: invisible formatting that breaks matching and carries no text.
/// Zero-width (non-)joiners stay: Persian, Indic scripts and emoji sequences need them.
fn is_dropped(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{2060}'..='\u{2064}'
        | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
        || (c.is_control() && !c.is_whitespace())
}

fn apostrophe(c: char) -> bool {
    matches!(
        c,
        '\u{2019}' | '\u{2018}' | '\u{00B4}' | '\u{02BC}' | '\u{2032}' | '\u{201B}' | '\u{FF07}'
    )
}

fn double_quote(c: char) -> bool {
    matches!(
        c,
        '\u{201C}'
            | '\u{201D}'
            | '\u{201E}'
            | '\u{201F}'
            | '\u{2033}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{FF02}'
    )
}

fn dash(c: char) -> bool {
    matches!(
        c,
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2212}' | '\u{FE63}' | '\u{FF0D}'
    )
}

pub struct Normalizer {
    settings: NormalizeSettings,
}

/// Builds the output text of one document.
struct Writer<'a> {
    src: &'a str,
    out: Normalized,
    /// Source range of white space seen since the last word of the paragraph.
    pending_space: Option<Range<usize>>,
    para_start: usize,
    scratch: String,
}

impl Writer<'_> {
    fn space(&mut self, r: Range<usize>) {
        self.pending_space = Some(match self.pending_space.take() {
            Some(p) => p.start..r.end,
            None => r,
        });
    }

    fn begin_word(&mut self) {
        if self.out.text.len() > self.para_start
            && let Some(ws) = self.pending_space.take()
        {
            let at = self.out.text.len();
            self.out.text.push(' ');
            self.out.map.push(at..at + 1, ws);
        }
        self.pending_space = None;
    }

    fn verbatim(&mut self, r: Range<usize>) {
        self.begin_word();
        let at = self.out.text.len();
        self.out.text.push_str(&self.src[r.clone()]);
        self.out.map.push(at..self.out.text.len(), r);
    }

    fn rewritten(&mut self, r: Range<usize>, text: &str) {
        if text.is_empty() {
            return;
        }
        self.begin_word();
        let at = self.out.text.len();
        self.out.text.push_str(text);
        self.out.map.push(at..self.out.text.len(), r);
    }

    fn end_paragraph(&mut self) {
        let start = self.para_start;
        if self.out.text.len() > start {
            self.out.paragraphs.push(start..self.out.text.len());
            self.out.text.push_str("\n\n");
        }
        self.para_start = self.out.text.len();
        self.pending_space = None;
    }

    fn finish(mut self) -> Normalized {
        if self.out.text.ends_with("\n\n") {
            let n = self.out.text.len();
            self.out.text.truncate(n - 2);
        }
        self.out
    }
}

impl Normalizer {
    pub fn new(settings: &NormalizeSettings) -> Normalizer {
        Normalizer {
            settings: settings.clone(),
        }
    }

    pub fn normalize(&self, src: &str, cleaned: &Cleaned) -> Normalized {
        // Whether each line joins the one before it: only inside a block (no blank or removed
        // line between them) that is hard-wrapped.
        let n = cleaned.lines.len();
        let mut joins = vec![false; n];
        let mut start = 0;
        while start < n {
            let mut end = start + 1;
            while end < n && !cleaned.lines[end].break_before {
                end += 1;
            }
            let wrapped = match self.settings.paragraphs {
                ParagraphMode::Line => false,
                ParagraphMode::Blank => true,
                ParagraphMode::Auto => block_is_hard_wrapped(src, cleaned, start..end),
            };
            if wrapped {
                joins[start + 1..end].iter_mut().for_each(|j| *j = true);
            }
            start = end;
        }
        let mut w = Writer {
            src,
            // Room for the text at once: it is about as long as the source (grown by
            // doubling, a long document's was copied several times over).
            out: Normalized {
                text: String::with_capacity(src.len()),
                ..Normalized::default()
            },
            pending_space: None,
            para_start: 0,
            scratch: String::new(),
        };
        for (i, &joined) in joins.iter().enumerate() {
            if i > 0 && !joined {
                w.end_paragraph();
            } else if i > 0 {
                // A line break inside a hard-wrapped paragraph is a space; it has no source
                // bytes of its own that survive, so it maps to the line's start.
                let p = cleaned.line_pieces(i)[0].start;
                w.space(p..p);
            }
            for r in cleaned.line_pieces(i) {
                self.piece(&mut w, r.clone());
            }
        }
        w.end_paragraph();
        w.finish()
    }

    fn piece(&self, w: &mut Writer<'_>, r: Range<usize>) {
        let s = &w.src[r.clone()];
        let base = r.start;
        if s.is_ascii() {
            let bytes = s.as_bytes();
            // The common line of prose: printable words with one plain space between them.
            // Word by word, each would be copied as it is and its map piece merged with the
            // last; copy the whole run at once instead.
            let core = s.trim_matches(|c: char| c.is_ascii_whitespace());
            if !core.is_empty()
                && core.bytes().all(|b| b >= b' ' && b != 0x7F)
                && memchr::memmem::find(core.as_bytes(), b"  ").is_none()
            {
                let lead = s.len()
                    - s.trim_start_matches(|c: char| c.is_ascii_whitespace())
                        .len();
                if lead > 0 {
                    w.space(base..base + lead);
                }
                w.verbatim(base + lead..base + lead + core.len());
                if lead + core.len() < s.len() {
                    w.space(base + lead + core.len()..base + s.len());
                }
                return;
            }
            let mut i = 0;
            while i < bytes.len() {
                if bytes[i].is_ascii_whitespace() {
                    let st = i;
                    while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    w.space(base + st..base + i);
                    continue;
                }
                let st = i;
                let mut clean = true;
                while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                    clean &= !bytes[i].is_ascii_control();
                    i += 1;
                }
                if clean {
                    w.verbatim(base + st..base + i);
                } else {
                    self.word(w, base + st..base + i);
                }
            }
            return;
        }
        // Words of printable ASCII in a line with other characters elsewhere stay as they are
        // (only the others need the rewrite and composition of `word`).
        let mut word_start: Option<usize> = None;
        let mut plain = true;
        let emit = |w: &mut Writer<'_>, r: Range<usize>, plain: bool| {
            if plain {
                w.verbatim(r);
            } else {
                self.word(w, r);
            }
        };
        for (i, c) in s.char_indices() {
            if c.is_whitespace() {
                if let Some(st) = word_start.take() {
                    emit(w, base + st..base + i, plain);
                }
                w.space(base + i..base + i + c.len_utf8());
            } else {
                if word_start.is_none() {
                    word_start = Some(i);
                    plain = true;
                }
                plain &= c.is_ascii() && !c.is_ascii_control();
            }
        }
        if let Some(st) = word_start {
            emit(w, base + st..base + s.len(), plain);
        }
    }

    /// A word that is not plain ASCII: rewrite it character by character, then compose.
    fn word(&self, w: &mut Writer<'_>, r: Range<usize>) {
        let src_word = &w.src[r.clone()];
        // A word that no rewrite touches and that is in the normal form already (each of its
        // characters of combining class 0 and passing the form's quick check, as most letters
        // of most scripts do) stays as it is, without a copy built to compare with.
        let nfkc = self.settings.unicode == UnicodeForm::Nfkc;
        if src_word.chars().all(|c| {
            !(is_dropped(c) || apostrophe(c) || double_quote(c) || dash(c))
                && crate::chars::normal_form_stable(c, nfkc)
        }) {
            w.verbatim(r);
            return;
        }
        let mut scratch = std::mem::take(&mut w.scratch);
        scratch.clear();
        for c in src_word.chars() {
            if is_dropped(c) {
                continue;
            }
            let c = if self.settings.apostrophes && apostrophe(c) {
                '\''
            } else if self.settings.quotes && double_quote(c) {
                '"'
            } else if self.settings.dashes && dash(c) {
                '-'
            } else {
                c
            };
            scratch.push(c);
        }
        let composed: Option<String> = match self.settings.unicode {
            UnicodeForm::Nfc if is_nfc_quick(scratch.chars()) != IsNormalized::Yes => {
                Some(scratch.nfc().collect())
            }
            UnicodeForm::Nfkc if is_nfkc_quick(scratch.chars()) != IsNormalized::Yes => {
                Some(scratch.nfkc().collect())
            }
            _ => None,
        };
        let text = composed.as_deref().unwrap_or(&scratch);
        if text == src_word {
            w.verbatim(r);
        } else {
            w.rewritten(r, text);
        }
        w.scratch = scratch;
    }
}

/// Hard-wrapped text (mail, plain-text books) breaks lines inside paragraphs at a fixed width and
/// marks paragraphs by blank lines; scraped page text puts each block on one line. So a block
/// (lines with no blank line between them) is hard-wrapped when its lines, but for the last,
/// have about one length, a wrap width of 50 to 100 characters, mostly end mid-sentence, and are
/// filled: the next line's first word would not have fit on the line (the width being the
/// longest line at most 8 characters over the median, so that one long URL does not set it).
/// A short list or a poem has neither the width nor the even lengths; a list of items of about
/// one length is seldom filled (a page's "See a GP if:" list, one item a line), though items
/// that open with short words can be, and are then joined.
fn block_is_hard_wrapped(src: &str, cleaned: &Cleaned, block: Range<usize>) -> bool {
    if block.len() < 3 {
        return false;
    }
    let text_of = |i: usize| {
        let pieces = cleaned.line_pieces(i);
        match (pieces.first(), pieces.last()) {
            (Some(first), Some(last)) => Some(src[first.start..last.end].trim()),
            _ => None,
        }
    };
    // Per line but the last: its length, and the length of the next line's first word.
    let mut lengths = Vec::with_capacity(block.len());
    let mut next_words = Vec::with_capacity(block.len());
    let mut unterminated = 0usize;
    let Some(mut next) = text_of(block.start) else {
        return false;
    };
    for i in block.start..block.end - 1 {
        let text = next;
        let Some(after) = text_of(i + 1) else {
            return false;
        };
        next = after;
        let length = text.chars().count();
        lengths.push(length);
        next_words.push(
            next.split_whitespace()
                .next()
                .map_or(0, |w| w.chars().count()),
        );
        if !text.ends_with(['.', '!', '?', ':', ';', '"', '\'', '”', ')', '…']) {
            unterminated += 1;
        }
    }
    let mut sorted = lengths.clone();
    sorted.sort_unstable();
    let median = sorted[sorted.len() / 2];
    let width = lengths
        .iter()
        .copied()
        .chain([next.chars().count()])
        .filter(|&l| l <= median + 8)
        .max()
        .unwrap_or(0);
    let even = lengths
        .iter()
        .filter(|&&l| l.abs_diff(median) <= 15)
        .count();
    let filled = lengths
        .iter()
        .zip(&next_words)
        .filter(|&(length, word)| length + 1 + word > width)
        .count();
    // Wrapping widths run from about 60 to 100 characters; longer lines are whole paragraphs.
    (50..=100).contains(&median)
        && even * 5 >= lengths.len() * 4
        && unterminated * 2 >= lengths.len()
        && filled * 4 >= lengths.len() * 3
}

/// The text that fingerprints are computed on: lowercase, diacritics and punctuation folded away,
/// digits masked as `0`, words separated by single spaces. Writes into `out` (cleared first).
///
/// A word is a run of letters, digits and ASCII underscores, close to what the regex `\w+`
/// matches (the usual unit of shingle-based dedup; other connector punctuation still separates):
/// `max_record_bytes` is one word, as in the identifiers of code documentation, so similarity
/// here agrees with the word 5-gram Jaccard other tools compute. A line of underscores is a word.
///
/// Chinese and Japanese put no spaces between words, so there a run of text would be one
/// word, and one changed character would change every shingle over it: each Han or kana
/// character is a word of its own, and shingles are character n-grams, as dedup tools take
/// them for such text.
pub fn fingerprint_text(text: &str, out: &mut String) {
    fingerprint_text_opts(text, out, true);
}

/// [`fingerprint_text`], with digits masked or kept as they are.
pub fn fingerprint_text_opts(text: &str, out: &mut String, mask_digits: bool) {
    fingerprint_scan::<false>(text, out, &mut Vec::new(), mask_digits);
}

/// [`fingerprint_text_opts`], and the numeric characters of `text` in order (UTF-8, into
/// `digits`, cleared first, as [`crate::fingerprint::push_numeric`] finds them): what
/// [`crate::fingerprint::exact_digest_of`] hashes besides the fingerprint text, found in the
/// same pass over the text instead of a second one.
pub fn fingerprint_text_digits(
    text: &str,
    out: &mut String,
    digits: &mut Vec<u8>,
    mask_digits: bool,
) {
    digits.clear();
    fingerprint_scan::<true>(text, out, digits, mask_digits);
}

fn fingerprint_scan<const DIGITS: bool>(
    text: &str,
    out: &mut String,
    digits: &mut Vec<u8>,
    mask_digits: bool,
) {
    // Bytes are written to a plain buffer (a `String` push encodes each char); only whole
    // characters go in, so it is UTF-8 at the end.
    let mut v = std::mem::take(out).into_bytes();
    v.clear();
    v.reserve(text.len());
    let mut need_space = false;
    let mut utf8 = [0u8; 4];
    let mut push =
        |v: &mut Vec<u8>, c: char| v.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    // ASCII bytes go through a table (0: a separator); only other characters are decoded.
    let fold = if mask_digits { &FOLD_MASKED } else { &FOLD };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            // ASCII bytes, up to 256 at a time, written without a branch on what each one is:
            // a byte writes a space (kept only when a separator came before it and it is kept
            // itself) and its folded form (kept unless it is a separator). That is at most one
            // byte per byte plus the space owed from before, so `v` gets that much room first
            // and is cut back after.
            let end = bytes.len().min(i + 256);
            let mut pos = v.len();
            v.resize(pos + end - i + 1, 0);
            let mut owed = need_space;
            while i < end && bytes[i] < 0x80 {
                let b = bytes[i];
                let f = fold[usize::from(b)];
                let keep = f != 0;
                v[pos] = b' ';
                pos += usize::from(owed & keep);
                v[pos] = f;
                pos += usize::from(keep);
                owed = !keep & (pos != 0);
                if DIGITS && b.is_ascii_digit() {
                    digits.push(b);
                }
                i += 1;
            }
            v.truncate(pos);
            need_space = owed;
            continue;
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let at = i;
        i += c.len_utf8();
        let props = crate::chars::props(c);
        let numeric = props.numeric;
        if DIGITS && numeric {
            digits.extend_from_slice(&bytes[at..i]);
        }
        let keep = props.alphabetic || numeric;
        // A Han or kana character is a word of its own (`fingerprint_text`).
        if keep && (need_space || props.unspaced && !v.is_empty()) {
            v.push(b' ');
            need_space = false;
        }
        need_space |= props.unspaced;
        if props.alphabetic {
            crate::chars::fold(c, |l| push(&mut v, l));
        } else if numeric {
            push(&mut v, if mask_digits { '0' } else { c });
        } else if props.mark {
            // A mark after a letter (decomposed input): folded like a precomposed one.
        } else if !v.is_empty() {
            need_space = true;
        }
    }
    debug_assert!(std::str::from_utf8(&v).is_ok());
    // SAFETY: `v` holds only ASCII bytes (the fold table's, spaces) and the UTF-8 encodings of
    // whole characters (`push`): it is UTF-8. Checking it again cost 3.5% of a run on Cyrillic
    // text, half of all UTF-8 validation in it.
    *out = unsafe { String::from_utf8_unchecked(v) };
}

/// What [`fingerprint_text_opts`] writes for an ASCII byte: letters lowercased, digits and
/// `_` as they are, 0 for a separator.
const FOLD: [u8; 128] = fold_table(false);
/// [`FOLD`] with digits masked to `0`.
const FOLD_MASKED: [u8; 128] = fold_table(true);

const fn fold_table(mask_digits: bool) -> [u8; 128] {
    let mut t = [0u8; 128];
    let mut b = 0u8;
    while b < 128 {
        t[b as usize] = if b.is_ascii_alphabetic() {
            b.to_ascii_lowercase()
        } else if b.is_ascii_digit() {
            if mask_digits { b'0' } else { b }
        } else if b == b'_' {
            b'_'
        } else {
            0
        };
        b += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::test_support::cleaner;

    fn norm(src: &str) -> Normalized {
        norm_with(src, NormalizeSettings::default())
    }

    fn norm_with(src: &str, s: NormalizeSettings) -> Normalized {
        Normalizer::new(&s).normalize(src, &cleaner().clean(src))
    }

    #[test]
    fn whitespace_collapses_and_paragraphs_get_one_blank_line() {
        let n = norm("  Hello \t  world  \n\n\n  Second\u{00A0}\u{00A0}line here \n");
        assert_eq!(n.text, "Hello world\n\nSecond line here");
        assert_eq!(n.paragraphs, [0..11, 13..29]);
    }

    #[test]
    fn apostrophes_quotes_and_dashes_unify() {
        let n = norm("Moscow\u{b4}s \u{201c}plan\u{201d} \u{2212}5 isn\u{2019}t \u{2014} final\n");
        assert_eq!(n.text, "Moscow's \"plan\" -5 isn't \u{2014} final");
        let off = NormalizeSettings {
            apostrophes: false,
            ..NormalizeSettings::default()
        };
        assert_eq!(norm_with("isn\u{2019}t it\n", off).text, "isn\u{2019}t it");
    }

    #[test]
    fn zero_width_and_controls_drop_but_joiners_stay() {
        let n = norm("zero\u{200b}width soft\u{ad}hyphen bell\u{7} \u{feff}bom ab\u{200c}cd\n");
        assert_eq!(n.text, "zerowidth softhyphen bell bom ab\u{200c}cd");
    }

    #[test]
    fn nfc_composes_and_nfkc_folds() {
        let n = norm("Cafe\u{301} \u{fb01}ne\n");
        assert_eq!(n.text, "Caf\u{e9} \u{fb01}ne");
        let k = NormalizeSettings {
            unicode: UnicodeForm::Nfkc,
            ..NormalizeSettings::default()
        };
        assert_eq!(
            norm_with("Cafe\u{301} \u{fb01}ne\n", k).text,
            "Caf\u{e9} fine"
        );
        // Words of other scripts: already composed, they stay as they are (and keep their map
        // to the source); decomposed, they are composed; an apostrophe in one is unified.
        let n = norm(
            "\u{415}\u{308}\u{436} \u{41c}\u{43e}\u{441}\u{43a}\u{432}\u{430} \u{3b1}\u{3b9}\u{2019}\u{3b1}\n",
        );
        assert_eq!(
            n.text,
            "\u{401}\u{436} \u{41c}\u{43e}\u{441}\u{43a}\u{432}\u{430} \u{3b1}\u{3b9}'\u{3b1}"
        );
    }

    #[test]
    fn offsets_map_every_paragraph_back_to_its_source() {
        let src = "Title \u{2014} here\n\n  It\u{2019}s  a  caf\u{e9}.  \nThird line.\n";
        let n = norm(src);
        let spans: Vec<&str> = n
            .paragraphs
            .iter()
            .map(|p| &src[n.source_range(p)])
            .collect();
        assert_eq!(
            spans,
            [
                "Title \u{2014} here",
                "It\u{2019}s  a  caf\u{e9}.",
                "Third line."
            ]
        );
    }

    /// Every output word maps back to exactly its source word, whether its line took the
    /// whole-line copy (one plain space between printable words) or the word-by-word path
    /// (tabs, runs of spaces, control characters): random lines mixing both.
    #[test]
    fn every_word_maps_back_to_its_source_word() {
        let pieces = [
            "alpha",
            "Be.",
            "42",
            " ",
            " ",
            " ",
            "  ",
            "\t",
            "x\u{7}y",
            "\u{2019}s",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(9);
        let mut checked = 0;
        for _ in 0..2000 {
            let mut src = String::new();
            for _ in 0..3 {
                let n = rng.below(9);
                src.push_str(&rng.concat(&pieces, n));
                src.push('\n');
            }
            let n = norm(&src);
            let mut at = 0;
            for word in n.text.split([' ', '\n']) {
                let r = at..at + word.len();
                at = r.end + 1;
                if word.is_empty() || !word.bytes().all(|b| b.is_ascii_graphic()) {
                    continue;
                }
                // Control characters are dropped from a word and the curly apostrophe made
                // plain; nothing else changes in it.
                let back: String = src[n.source_range(&r)]
                    .chars()
                    .filter(|c| !c.is_control())
                    .map(|c| if c == '\u{2019}' { '\'' } else { c })
                    .collect();
                assert_eq!(back, word, "{src:?}");
                checked += 1;
            }
        }
        assert!(checked > 5000, "{checked}");
    }

    #[test]
    fn hard_wrapped_text_joins_lines_in_auto_mode() {
        let src = "This is a paragraph of plain text that a mail program wrapped at a\n\
                   fixed width of about seventy characters, so that its lines end in\n\
                   the middle of a sentence and have nearly the same length as each\n\
                   other, until the last one.\n\n\
                   A short list:\nEggs\nFlour and milk\nSalt to taste\n";
        let n = norm(src);
        assert_eq!(n.paragraphs.len(), 5, "{}", n.text);
        assert!(n.text.starts_with(
            "This is a paragraph of plain text that a mail program wrapped at a fixed"
        ));
        assert!(
            n.text
                .ends_with("A short list:\n\nEggs\n\nFlour and milk\n\nSalt to taste")
        );
    }

    /// A list of items of about one length under its heading, none ending a sentence, is still
    /// one item a line: its lines are not filled to a width (the next item's first word would
    /// have fit on the heading's line and on most items').
    #[test]
    fn a_list_of_even_items_is_not_hard_wrapped() {
        let src = "See a doctor if:\n\
                   the pain is severe or stopping you doing your normal activities\n\
                   the pain is getting worse or keeps coming back after a rest\n\
                   the pain has not improved after treating it at home for 2 weeks\n\
                   you have any tingling or loss of feeling in your foot or toes\n\
                   you have diabetes, as foot problems can be more serious then\n";
        assert_eq!(norm(src).paragraphs.len(), 6, "{}", norm(src).text);
    }

    /// A URL longer than the wrap width does not set the width the other lines are measured by.
    #[test]
    fn a_long_url_leaves_a_wrapped_paragraph_wrapped() {
        let src = "The council published the full report on its website this morning, and\n\
                   the summary runs to forty pages. Readers who want the tables can find\n\
                   them in the appendix at the address below, which is also in the notes:\n\
                   https://www.example.gov/reports/2024/harbour-budget/appendix-tables-final-v2.pdf\n\
                   The mayor said the figures would be updated every quarter from now on,\n\
                   and that the next update is due at the end of June this year.\n";
        assert_eq!(norm(src).paragraphs.len(), 1, "{}", norm(src).text);
    }

    #[test]
    fn scraped_lines_stay_paragraphs_in_auto_mode() {
        let src = "First paragraph is one line and ends properly.\nSecond paragraph is one line too.\nThird one here as well.\nFourth.\n";
        assert_eq!(norm(src).paragraphs.len(), 4);
    }

    #[test]
    fn normalization_is_idempotent() {
        let src = "  Caf\u{e9}\u{2019}s \u{201c}x\u{201d}\u{200b} y \n\n z  ";
        let once = norm(src).text;
        assert_eq!(norm(&once).text, once);
    }

    /// The folding char by char, as it was written before the byte table: the table must give
    /// the same fingerprint text for any mix of ASCII and other characters.
    fn fold_by_char(text: &str, mask_digits: bool) -> String {
        let mut out = String::new();
        let mut need_space = false;
        for c in text.chars() {
            let keep = c.is_alphabetic() || c.is_numeric() || c == '_';
            let unspaced = crate::chars::is_unspaced(c);
            if unspaced && !out.is_empty() {
                need_space = true;
            }
            if !keep {
                if !unicode_normalization::char::is_combining_mark(c) && !out.is_empty() {
                    need_space = true;
                }
                continue;
            }
            if need_space {
                out.push(' ');
            }
            if c.is_numeric() && !c.is_alphabetic() {
                out.push(if mask_digits { '0' } else { c });
            } else if c == '_' {
                out.push('_');
            } else {
                let mut any = false;
                unicode_normalization::char::decompose_canonical(c, |d| {
                    if !unicode_normalization::char::is_combining_mark(d) {
                        out.extend(d.to_lowercase());
                        any = true;
                    }
                });
                if !any {
                    out.extend(c.to_lowercase());
                }
            }
            // Every Han or kana character is a word: whatever follows it is another.
            need_space = unspaced;
        }
        out
    }

    #[test]
    fn byte_table_folds_like_the_char_loop() {
        let pieces = [
            "a",
            "Q",
            "7",
            "_",
            " ",
            "-",
            "'",
            "\u{e9}",
            "\u{c9}",
            "e\u{301}",
            "\u{2014}",
            "\u{663}",
            "\u{bd}",
            "\u{130}",
            "\u{1f600}",
            "\u{a0}",
            "\u{301}",
            "\u{df}",
            "\u{3b1}",
            "\u{2160}",
            "\u{ff11}",
            "12",
            "\u{4e2d}",
            "\u{30ab}",
            "\u{3099}",
            "\u{3002}",
            "\u{3007}",
        ];
        let mut rng = crate::fingerprint::testgen::Rng::new(11);
        let mut out = String::new();
        for round in 0..5000 {
            let n = rng.below(14);
            let t = rng.concat(&pieces, n);
            let mask = round % 2 == 0;
            fingerprint_text_opts(&t, &mut out, mask);
            assert_eq!(out, fold_by_char(&t, mask), "{t:?} mask {mask}");
            // The one-pass variant writes the same text and the digits a separate pass finds.
            let mut both = String::from("stale");
            let mut digits = b"stale".to_vec();
            fingerprint_text_digits(&t, &mut both, &mut digits, mask);
            assert_eq!(both, out, "{t:?} mask {mask}");
            let mut want = Vec::new();
            crate::fingerprint::push_numeric(&t, &mut want);
            assert_eq!(digits, want, "{t:?} mask {mask}");
        }
    }

    #[test]
    fn fingerprint_text_folds_case_punctuation_diacritics_digits() {
        let mut out = String::new();
        fingerprint_text(
            "  \u{c9}t\u{e9} 2021: NATO\u{2019}s \u{201c}plan\u{201d}\u{2014}fine!  ",
            &mut out,
        );
        assert_eq!(out, "ete 0000 nato s plan fine");
        fingerprint_text("", &mut out);
        assert_eq!(out, "");
        fingerprint_text_opts("NATO 2021", &mut out, false);
        assert_eq!(out, "nato 2021");
        // Words are what `\w+` matches: identifiers keep their underscores.
        fingerprint_text_opts("Set max_record_bytes::MAX (see __init__).", &mut out, false);
        assert_eq!(out, "set max_record_bytes max see __init__");
        // Each Han or kana character is a word; kana lose their voicing marks like accents.
        fingerprint_text_opts("Linux内核文档，ガイド2", &mut out, false);
        assert_eq!(out, "linux 内 核 文 档 カ イ ト 2");
    }
}
