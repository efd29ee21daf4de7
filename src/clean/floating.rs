//! Rule patterns that can begin with anything, and the bytes a line must hold for them.
//!
//! A pass's patterns are tested together, each anchored to the whole line, by one lazy DFA
//! that most lines leave after a few bytes: no pattern starts the way they do. A pattern that
//! can begin with any run of text (`..+/(getty images|ap)`, a credit before an agency) keeps
//! the DFA reading every line to its end, and made the whole first pass cost about twice what
//! it costs without it. Such a pattern is tested apart, and only on lines that hold a byte it
//! cannot match without (here `/`), which a `memchr` finds at a glance.

use regex_syntax::ast::{self, Ast};
use regex_syntax::hir::{Class, Hir, HirKind};

/// The bytes a line must hold one of for `pattern` (as a pass tests it: anchored, case-
/// insensitive) to match, when the pattern can begin with an unbounded run of any text and
/// such bytes exist (three at most, single ASCII bytes that case folding leaves alone).
/// `None`: the pattern stays with the others.
pub(super) fn needles(pattern: &str, ast: &Ast) -> Option<Vec<u8>> {
    // Read as bytes, not Unicode: building Unicode classes for ~120 case-insensitive patterns
    // was a sixth of the run's start-up. What is found holds for the Unicode reading too:
    // required marks are ASCII bytes, which case folding leaves as they are, and whether a
    // pattern floats only decides where it is tested. That holds only while every character
    // the pattern names is ASCII: read as bytes, `\xff` is a byte, not U+00FF, and
    // `[^\x00-\x2e\x30-\xff]` is `/` alone where the real regex also takes every character
    // past U+00FF. A pattern naming any other character stays with the others, as does one
    // that cannot be read as bytes (`\p{..}`).
    if !names_only_ascii(ast) {
        return None;
    }
    let hir = regex_syntax::hir::translate::TranslatorBuilder::new()
        .case_insensitive(true)
        .unicode(false)
        .utf8(false)
        .build()
        .translate(pattern, ast)
        .ok()?;
    if !floats(&hir) {
        return None;
    }
    let mut bytes = required(&hir)?;
    bytes.sort_unstable();
    bytes.dedup();
    // None at all: the pattern can match nothing, and is best left where it was.
    (!bytes.is_empty() && bytes.len() <= 3).then_some(bytes)
}

/// Whether every character the pattern names (literals, class members and range ends) is
/// ASCII.
fn names_only_ascii(ast: &Ast) -> bool {
    struct Check;
    impl ast::Visitor for Check {
        type Output = ();
        type Err = ();
        fn finish(self) -> Result<(), ()> {
            Ok(())
        }
        fn visit_pre(&mut self, ast: &Ast) -> Result<(), ()> {
            match ast {
                Ast::Literal(lit) if !lit.c.is_ascii() => Err(()),
                _ => Ok(()),
            }
        }
        fn visit_class_set_item_pre(&mut self, item: &ast::ClassSetItem) -> Result<(), ()> {
            match item {
                ast::ClassSetItem::Literal(lit) if !lit.c.is_ascii() => Err(()),
                ast::ClassSetItem::Range(r) if !r.start.c.is_ascii() || !r.end.c.is_ascii() => {
                    Err(())
                }
                _ => Ok(()),
            }
        }
    }
    ast::visit(ast, Check).is_ok()
}

/// Whether the pattern can begin with an unbounded run of a class that spans words.
fn floats(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Concat(xs) => {
            for x in xs {
                if floats(x) {
                    return true;
                }
                // A bounded stretch of anything, or something that may be absent, keeps the
                // next part at the start.
                if !(broad(x) || x.properties().minimum_len() == Some(0)) {
                    return false;
                }
            }
            false
        }
        HirKind::Alternation(xs) => xs.iter().any(floats),
        HirKind::Capture(c) => floats(&c.sub),
        HirKind::Repetition(r) => (r.max.is_none() && broad(&r.sub)) || floats(&r.sub),
        _ => false,
    }
}

/// A class (or a bounded repeat of one) that matches a space and most letters: text of any
/// words.
fn broad(h: &Hir) -> bool {
    match h.kind() {
        HirKind::Class(Class::Unicode(c)) => {
            let has = |ch: char| c.ranges().iter().any(|r| r.start() <= ch && ch <= r.end());
            has(' ') && (b'a'..=b'z').filter(|&b| has(char::from(b))).count() >= 20
        }
        HirKind::Class(Class::Bytes(c)) => {
            let has = |b: u8| c.ranges().iter().any(|r| r.start() <= b && b <= r.end());
            has(b' ') && (b'a'..=b'z').filter(|&b| has(b)).count() >= 20
        }
        HirKind::Capture(c) => broad(&c.sub),
        HirKind::Repetition(r) => r.max.is_some() && broad(&r.sub),
        _ => false,
    }
}

/// Single bytes one of which every match holds: a mark in a literal, or a small class's bytes
/// when they are all marks (ASCII, not letters, which case folding gives other forms, nor
/// spaces, which nearly every line holds), taken from the part of a sequence with the fewest;
/// alternatives join theirs.
fn required(h: &Hir) -> Option<Vec<u8>> {
    let mark = |b: u8| b.is_ascii() && !b.is_ascii_alphanumeric() && !b.is_ascii_whitespace();
    match h.kind() {
        // Every byte of a literal is in every match: its first mark will do.
        HirKind::Literal(lit) => lit.0.iter().copied().find(|&b| mark(b)).map(|b| vec![b]),
        HirKind::Class(Class::Unicode(c)) => {
            let mut bytes = Vec::new();
            for r in c.ranges() {
                for ch in r.start()..=r.end() {
                    let b = u8::try_from(ch).ok().filter(|&b| mark(b))?;
                    if bytes.len() == 3 {
                        return None;
                    }
                    bytes.push(b);
                }
            }
            Some(bytes)
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut bytes = Vec::new();
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    if !mark(b) || bytes.len() == 3 {
                        return None;
                    }
                    bytes.push(b);
                }
            }
            Some(bytes)
        }
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Repetition(r) if r.min > 0 => required(&r.sub),
        HirKind::Concat(xs) => xs.iter().filter_map(required).min_by_key(Vec::len),
        HirKind::Alternation(xs) => {
            let mut all = Vec::new();
            for x in xs {
                all.extend(required(x)?);
            }
            Some(all)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn got(p: &str) -> Option<Vec<u8>> {
        let source = format!(r"(?i)^(?:{p})$");
        let ast = regex_syntax::ast::parse::Parser::new()
            .parse(&source)
            .unwrap();
        needles(&source, &ast)
    }

    #[test]
    fn a_pattern_that_can_begin_with_any_text_gets_its_required_bytes() {
        assert_eq!(
            got(r"(?P<value>..+/(getty images|ap|afp)( via .+)?)"),
            Some(vec![b'/'])
        );
        assert_eq!(got(r".*: all rights reserved"), Some(vec![b':']));
        assert_eq!(got(r"([^\d]+ )?\| [^|]+"), Some(vec![b'|']));
        // Text before either of two marks.
        assert_eq!(got(r".+ (/|\|) (home|news)"), Some(vec![b'/', b'|']));
    }

    #[test]
    fn patterns_that_start_with_words_or_need_no_mark_stay_with_the_others() {
        // They begin with words: the DFA leaves other lines after a few bytes.
        assert_eq!(got(r"read more( (on|at) .*[^.!?])?"), None);
        assert_eq!(got(r"(\d+ )?comments?( \(\d+\))?"), None);
        assert_eq!(got(r"© ?(?P<value>[^\d][^\d]+)"), None);
        // A bounded run of words before the mark.
        assert_eq!(got(r"(\S+\s+){0,3}\S+/getty images"), None);
        // Any text, but nothing a line must hold apart from letters.
        assert_eq!(got(r".+ said"), None);
        assert_eq!(got(r".+"), None);
        // More than three marks to look for.
        assert_eq!(got(r".+(/|\||:|;)x"), None);
        // Characters past ASCII mean other things read as bytes: `[^\x00-\x2e\x30-\xff]` is
        // `/` alone as bytes but also every character past U+00FF as Unicode, and a class of
        // nothing but such characters is empty as bytes.
        assert_eq!(got(r".+[^\x00-\x2e\x30-\xff]"), None);
        assert_eq!(got(r".+ [^\x00-\xff]+"), None);
        assert_eq!(got(r".+/[é]"), None);
    }

    #[test]
    fn the_marks_found_are_in_every_match_of_the_real_regex() {
        // Every pattern given needles, against lines it matches: each holds one of them.
        let cases = [
            (
                r"(?P<value>..+/(getty images|ap)( via .+)?)",
                "Jane Roe/Getty Images via X",
            ),
            (r".+ 24/7 .+", "news 24/7 all day"),
            (
                r".*: all rights reserved",
                "Ünïcode Corp: All Rights Reserved",
            ),
            (r".+ (/|\|) (home|news)", "Site | Home"),
        ];
        for (p, line) in cases {
            let source = format!(r"(?i)^(?:{p})$");
            let marks = got(p).unwrap_or_else(|| panic!("{p}"));
            assert!(regex::Regex::new(&source).unwrap().is_match(line), "{p}");
            assert!(line.bytes().any(|b| marks.contains(&b)), "{p} {line:?}");
        }
        // A mark inside a longer literal counts.
        assert_eq!(got(r".+ 24/7 .+"), Some(vec![b'/']));
    }
}
