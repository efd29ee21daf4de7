//! The data that flows through the pipeline: a document that knows where every byte of it came
//! from, what was removed from it and why, and how its output text maps back to its source.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Input format of a file (after any compression layer is removed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Txt,
    Html,
    Jsonl,
    Warc,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
            Format::Warc => "warc",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Txt),
            "html" | "htm" => Some(Format::Html),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "warc" => Some(Format::Warc),
            _ => None,
        }
    }
}

/// Where a document came from.
///
/// `byte_start..byte_end` is the record's range in the input file after decompression: the whole
/// file for `txt` and `html`, the line (without its newline) for `jsonl`. For WARC it is the
/// record's gzip member in the stored file when each record has its own member (as Common Crawl
/// writes them), else its range in the decompressed stream; `fields.warc_offsets` says which.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    pub path: String,
    pub format: Format,
    pub record: u64,
    pub byte_start: u64,
    pub byte_end: u64,
    pub url: Option<String>,
    pub warc_record_id: Option<String>,
}

/// What a document's text is: the full visible text of a page (menus, footers and all: a `txt`
/// scrape, a WET record, a JSONL text field), what some extractor kept of a page (a JSONL
/// corpus of articles) or what scour's own extractor kept (`html`, a WARC response). Cleaning
/// trims a page's edges only on the first: an extractor's output already ends where the content
/// ends, and what follows its last paragraph is content. On the last, lists of other stories
/// (`headline_list`, `related_list`) and menus (`nav_menu`, `menu_run`) are not guessed from
/// the text again: the extractor judged them on the page itself, by their links, and the lists
/// and short lines it kept are the page's own (a listing's items, a shop category's products,
/// a product's specifications).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Input {
    #[default]
    Page,
    Extracted,
    Dom,
}

/// A document as a reader produced it, before any cleaning.
///
/// `text` is the document's *source text*: every offset in the output (`removed`, `passages`)
/// points into its UTF-8 bytes. For `txt` it is the file itself, for `jsonl` the decoded text
/// field, for `html` the text the extractor produced from the page.
#[derive(Debug, Clone)]
pub struct RawDoc {
    pub source: Provenance,
    pub text: String,
    pub input: Input,
    /// Fields the input carried besides the text (JSONL fields, HTML title, ...).
    pub fields: Map<String, Value>,
}

/// One span taken out of the source text, with the rule that took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removal {
    pub rule: String,
    pub byte_start: usize,
    pub byte_end: usize,
    /// The removed source text, for review (trimmed of surrounding whitespace).
    pub text: String,
}

/// Facts the cleaner lifted out of the text instead of dropping them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extracted {
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub datelines: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub sections: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub sources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub credits: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub authors: Vec<String>,
}

impl Extracted {
    pub fn is_empty(&self) -> bool {
        self.datelines.is_empty()
            && self.sections.is_empty()
            && self.sources.is_empty()
            && self.credits.is_empty()
            && self.authors.is_empty()
    }

    pub fn push(&mut self, key: MetaKey, value: String) {
        let list = match key {
            MetaKey::Dateline => &mut self.datelines,
            MetaKey::Section => &mut self.sections,
            MetaKey::Source => &mut self.sources,
            MetaKey::Credit => &mut self.credits,
            MetaKey::Author => &mut self.authors,
        };
        if !value.is_empty() && !list.contains(&value) {
            list.push(value);
        }
    }
}

/// Which list of [`Extracted`] a metadata rule fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MetaKey {
    Dateline,
    Section,
    Source,
    Credit,
    Author,
}

/// A paragraph of the output text with its place in the output and in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Byte range in the document's output text.
    pub start: usize,
    pub end: usize,
    /// Byte range in the document's source text.
    pub byte_start: usize,
    pub byte_end: usize,
}

/// Maps byte offsets of an output text back to its source text.
///
/// The output is built from pieces; piece `i` covers output bytes `out_start..out_end` and came
/// from source bytes `src_start..src_end`. A piece is *verbatim* when both ranges have the same
/// length, and then every byte inside maps exactly; otherwise (a character replaced, a word
/// recomposed) its bytes map to the whole source range. Output bytes in no piece (the breaks
/// inserted between paragraphs) map to the nearest piece boundary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OffsetMap {
    pieces: Vec<MapPiece>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct MapPiece {
    out_start: usize,
    out_end: usize,
    src_start: usize,
    src_end: usize,
}

impl MapPiece {
    fn verbatim(&self) -> bool {
        self.out_end - self.out_start == self.src_end - self.src_start
    }
}

impl OffsetMap {
    /// Record that output bytes `out` came from source bytes `src`. Pieces must be pushed in
    /// output order. Adjacent verbatim pieces merge, so plain ASCII text costs one piece a line.
    pub fn push(&mut self, out: std::ops::Range<usize>, src: std::ops::Range<usize>) {
        if out.is_empty() {
            return;
        }
        let piece = MapPiece {
            out_start: out.start,
            out_end: out.end,
            src_start: src.start,
            src_end: src.end,
        };
        if let Some(last) = self.pieces.last_mut()
            && last.verbatim()
            && piece.verbatim()
            && last.out_end == piece.out_start
            && last.src_end == piece.src_start
        {
            last.out_end = piece.out_end;
            last.src_end = piece.src_end;
            return;
        }
        self.pieces.push(piece);
    }

    pub fn len(&self) -> usize {
        self.pieces.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pieces.is_empty()
    }

    /// Index of the last piece starting at or before `pos`.
    fn at(&self, pos: usize) -> Option<usize> {
        self.pieces
            .partition_point(|p| p.out_start <= pos)
            .checked_sub(1)
    }

    /// Source offset where the output byte at `pos` begins (use for range starts).
    pub fn src_start(&self, pos: usize) -> usize {
        let Some(i) = self.at(pos) else {
            return self.pieces.first().map_or(0, |p| p.src_start);
        };
        let p = self.pieces[i];
        if pos >= p.out_end {
            return match self.pieces.get(i + 1) {
                Some(next) => next.src_start,
                None => p.src_end,
            };
        }
        if p.verbatim() {
            p.src_start + (pos - p.out_start)
        } else {
            p.src_start
        }
    }

    /// Source offset where the output byte before `pos` ends (use for range ends).
    pub fn src_end(&self, pos: usize) -> usize {
        if pos == 0 {
            return self.pieces.first().map_or(0, |p| p.src_start);
        }
        let Some(i) = self.at(pos - 1) else {
            return self.pieces.first().map_or(0, |p| p.src_start);
        };
        let p = self.pieces[i];
        if pos >= p.out_end || !p.verbatim() {
            p.src_end
        } else {
            p.src_start + (pos - p.out_start)
        }
    }
}

/// Why an input record is not in the corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Nothing was left after cleaning.
    EmptyAfterCleaning,
    /// Shorter than the configured minimum after cleaning.
    TooShort,
    /// The whole document duplicates an earlier kept one.
    Duplicate,
    /// Every passage duplicated a passage of an earlier kept document.
    AllPassagesDuplicate,
    /// The reader could not produce the record.
    InputError,
}

impl DropReason {
    pub fn as_str(&self) -> &'static str {
        match self {
            DropReason::EmptyAfterCleaning => "empty_after_cleaning",
            DropReason::TooShort => "too_short",
            DropReason::Duplicate => "duplicate",
            DropReason::AllPassagesDuplicate => "all_passages_duplicate",
            DropReason::InputError => "input_error",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_map_verbatim_and_replaced_pieces() {
        // source "ab´cd": the 2-byte acute accent became a 1-byte apostrophe
        let src = "ab\u{b4}cd";
        let mut m = OffsetMap::default();
        m.push(0..2, 0..2);
        m.push(2..3, 2..4);
        m.push(3..5, 4..6);
        assert_eq!(&src[m.src_start(0)..m.src_end(2)], "ab");
        assert_eq!(&src[m.src_start(2)..m.src_end(3)], "\u{b4}");
        assert_eq!(&src[m.src_start(3)..m.src_end(5)], "cd");
        assert_eq!(&src[m.src_start(1)..m.src_end(4)], "b\u{b4}c");
    }

    #[test]
    fn offset_map_merges_adjacent_verbatim_pieces() {
        let mut m = OffsetMap::default();
        m.push(0..3, 10..13);
        m.push(3..5, 13..15);
        assert_eq!(m.len(), 1);
        assert_eq!(m.src_start(4), 14);
        assert_eq!(m.src_end(5), 15);
    }

    #[test]
    fn offset_map_gaps_map_to_piece_boundaries() {
        // "abc" + "\n\n" (inserted) + "de": the two parts lie far apart in the source
        let mut m = OffsetMap::default();
        m.push(0..3, 0..3);
        m.push(5..7, 20..22);
        assert_eq!(m.src_end(3), 3);
        assert_eq!(m.src_start(5), 20);
        assert_eq!(m.src_start(3), 20);
        assert_eq!(m.src_end(7), 22);
    }
}
