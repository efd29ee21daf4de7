//! Bodies dropped before parsing: scripts and styles are half of a typical page's bytes, SVG
//! icons and long comments a few percent more, none of it is ever rendered, and the HTML
//! tokenizer would copy it all, character run by character run, into nodes the flattener then
//! skips. A byte scan that follows the tokenizer's rules for tags, comments and raw-text
//! elements cuts them out, so the parser sees `<script ...></script>` and builds the same tree
//! minus those nodes' contents.
//!
//! The scan only ever removes bytes it is sure the tokenizer would read as such a body: a
//! `<script>` or `<style>` in HTML content, an `<svg>` that holds only SVG elements, a comment
//! that no `--!>` could end early. Whenever it cannot tell (inside SVG or MathML, another
//! raw-text element, an unterminated tag), it copies bytes unchanged, which costs only the
//! saving. JSON-LD scripts are kept: extraction reads them.

use std::borrow::Cow;

/// Bodies shorter than this are not worth a copy of the page.
const MIN_BODY: usize = 256;

/// `html` with the bodies of its `<script>` (except JSON-LD) and `<style>` elements, of its
/// SVG images and of its long comments removed, or `html` itself when there is nothing worth
/// removing.
pub(super) fn without_script_bodies(html: &str) -> Cow<'_, str> {
    let cuts = cuts(html.as_bytes());
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let removed: usize = cuts.iter().map(|&(a, b)| b - a).sum();
    let mut out = String::with_capacity(html.len() - removed);
    let mut at = 0;
    for (a, b) in cuts {
        // Cuts lie between ASCII bytes ('>' and '<'), so they fall on char boundaries.
        out.push_str(&html[at..a]);
        at = b;
    }
    out.push_str(&html[at..]);
    Cow::Owned(out)
}

/// The byte ranges to remove, in order.
fn cuts(s: &[u8]) -> Vec<(usize, usize)> {
    let mut cuts = Vec::new();
    let mut foreign = 0usize;
    let mut p = 0;
    while let Some(off) = memchr::memchr(b'<', &s[p..]) {
        let lt = p + off;
        let Some(&next) = s.get(lt + 1) else { break };
        if s[lt + 1..].starts_with(b"!--") {
            // A comment: `<!-->` and `<!--->` end at once, others at `-->`. Ending later
            // than the tokenizer would (at `--!>`) only means removing less.
            let body = lt + 4;
            if s[body..].starts_with(b">") {
                p = body + 1;
            } else if s[body..].starts_with(b"->") {
                p = body + 2;
            } else {
                let Some(i) = memchr::memmem::find(&s[body..], b"-->") else {
                    break;
                };
                // Its text is never read: cut it, unless a `--!>` might end it earlier, or
                // the scan may have lost track of where SVG or MathML ends (see below).
                if foreign == 0
                    && i >= MIN_COMMENT
                    && memchr::memmem::find(&s[body..body + i], b"--!>").is_none()
                {
                    cuts.push((body, body + i));
                }
                p = body + i + 3;
            }
        } else if next == b'!' || next == b'?' {
            // Doctype, CDATA, bogus comment: up to the next '>'.
            match memchr::memchr(b'>', &s[lt + 1..]) {
                Some(i) => p = lt + 1 + i + 1,
                None => break,
            }
        } else if next == b'/' && s.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) {
            let Some((name, end, _)) = tag(s, lt + 2) else {
                break;
            };
            if opens_foreign(name) {
                foreign = foreign.saturating_sub(1);
            }
            p = end;
        } else if next == b'/' {
            // `</` and no letter: a bogus comment up to the next '>' (`</>` is dropped).
            match memchr::memchr(b'>', &s[lt + 2..]) {
                Some(i) => p = lt + 2 + i + 1,
                None => break,
            }
        } else if next.is_ascii_alphabetic() {
            let Some((name, end, self_closing)) = tag(s, lt + 1) else {
                break;
            };
            p = end;
            if is(name, b"svg")
                && !self_closing
                && foreign == 0
                && let Some(close) = svg_end(s, end)
            {
                if close - end >= MIN_BODY {
                    cuts.push((end, close));
                }
                // Its `</svg>` comes next, as an end tag that leaves `foreign` at 0.
                p = close;
                continue;
            }
            if opens_foreign(name) {
                foreign += usize::from(!self_closing);
                continue;
            }
            if foreign > 0 {
                // In SVG and MathML <script> and <style> hold markup, but an HTML tag in
                // there may have ended the SVG in the tree builder unseen by this count, and
                // then they are raw text again. Either way nothing is cut until the count is
                // back at 0, and their bodies are passed over as raw text, so that a "<!--"
                // or "<style>" in a script's strings is never taken for markup.
                let close = if is(name, b"script") {
                    script_end(s, end)
                } else if is(name, b"style") {
                    end_tag(s, end, b"style")
                } else {
                    continue;
                };
                match close {
                    Some(close) => p = close,
                    None => break,
                }
                continue;
            }
            if is(name, b"plaintext") {
                break;
            }
            if is(name, b"script") {
                let Some(close) = script_end(s, end) else {
                    // Unterminated or unclear: the rest is script text or unknown.
                    break;
                };
                let json_ld =
                    memchr::memmem::find(&s[lt..end].to_ascii_lowercase(), b"ld+json").is_some();
                if !json_ld && close - end >= MIN_BODY {
                    cuts.push((end, close));
                }
                p = close;
            } else if let Some(raw) = RAW_TEXT.iter().find(|r| is(name, r)) {
                let Some(close) = end_tag(s, end, raw) else {
                    break;
                };
                if is(name, b"style") && close - end >= MIN_BODY {
                    cuts.push((end, close));
                }
                p = close;
            }
        } else {
            p = lt + 1;
        }
    }
    cuts
}

/// Comments shorter than this are kept whole.
const MIN_COMMENT: usize = 64;

/// Where the body of an `<svg>` element that starts at `from` ends (the `<` of its
/// `</svg>`), when it holds only SVG elements and text: an HTML tag such as `<p>` or `<div>`
/// would end the SVG early (the tree builder breaks out of foreign content) and
/// `<foreignObject>` holds HTML, so then `None`, as for comments, CDATA sections and an
/// unterminated body.
fn svg_end(s: &[u8], from: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut p = from;
    loop {
        let lt = p + memchr::memchr(b'<', &s[p..])?;
        let next = *s.get(lt + 1)?;
        let closing = next == b'/';
        if !closing && !next.is_ascii_alphabetic() {
            if next == b'!' || next == b'?' {
                return None;
            }
            p = lt + 1;
            continue;
        }
        let (name, end, self_closing) = tag(s, lt + 1 + usize::from(closing))?;
        if is(name, b"svg") {
            match (closing, self_closing) {
                (true, _) if depth == 0 => return Some(lt),
                (true, _) => depth -= 1,
                (false, false) => depth += 1,
                (false, true) => {}
            }
        } else if !SVG_ELEMENTS.iter().any(|e| is(name, e)) {
            return None;
        }
        p = end;
    }
}

/// SVG elements that hold no HTML (not `foreignObject`).
const SVG_ELEMENTS: &[&[u8]] = &[
    b"path",
    b"g",
    b"circle",
    b"rect",
    b"ellipse",
    b"line",
    b"polyline",
    b"polygon",
    b"defs",
    b"use",
    b"symbol",
    b"title",
    b"desc",
    b"lineargradient",
    b"radialgradient",
    b"stop",
    b"clippath",
    b"mask",
    b"pattern",
    b"marker",
    b"filter",
    b"feblend",
    b"fecolormatrix",
    b"fecomposite",
    b"feflood",
    b"fegaussianblur",
    b"femerge",
    b"femergenode",
    b"feoffset",
    b"femorphology",
    b"feturbulence",
    b"fedisplacementmap",
    b"fedropshadow",
    b"image",
    b"text",
    b"tspan",
    b"textpath",
    b"metadata",
    b"style",
    b"animate",
    b"animatetransform",
    b"set",
];

/// Elements whose content the tokenizer reads as text up to their end tag (`noscript` too:
/// the parser runs as a browser with scripts would). `script` has its own rules.
const RAW_TEXT: &[&[u8]] = &[
    b"style",
    b"textarea",
    b"title",
    b"xmp",
    b"iframe",
    b"noembed",
    b"noframes",
    b"noscript",
];

fn is(name: &[u8], want: &[u8]) -> bool {
    name.eq_ignore_ascii_case(want)
}

/// Elements whose content is SVG or MathML (foreign content) rather than HTML.
fn opens_foreign(name: &[u8]) -> bool {
    is(name, b"svg") || is(name, b"math")
}

/// A tag whose name starts at `at`: its name, the position after its `>`, and whether it
/// ends in `/>`. Follows the tokenizer's attribute states: a quote opens a value only as the
/// first character after an attribute's `=`; inside an unquoted value quotes and '/' are
/// characters. `None` when the input ends first.
fn tag(s: &[u8], at: usize) -> Option<(&[u8], usize, bool)> {
    #[derive(PartialEq)]
    enum State {
        /// Between attributes (also right after the tag name or a quoted value).
        Between,
        Name,
        AfterName,
        BeforeValue,
        Unquoted,
    }
    let name_end = s[at..]
        .iter()
        .position(|&b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        .map_or(s.len(), |i| at + i);
    let name = &s[at..name_end];
    let mut i = name_end;
    let mut state = State::Between;
    while let Some(&b) = s.get(i) {
        let space = b.is_ascii_whitespace();
        match state {
            State::Unquoted => {
                if b == b'>' {
                    return Some((name, i + 1, false));
                }
                if space {
                    state = State::Between;
                }
            }
            State::BeforeValue => match b {
                b'"' | b'\'' => {
                    let close = memchr::memchr(b, &s[i + 1..])?;
                    i += close + 2;
                    state = State::Between;
                    continue;
                }
                b'>' => return Some((name, i + 1, false)),
                _ if space => {}
                _ => state = State::Unquoted,
            },
            State::Between | State::Name | State::AfterName => match b {
                b'>' => return Some((name, i + 1, false)),
                // The self-closing flag: '/' right before '>'; any other '/' is dropped.
                b'/' => {
                    if s.get(i + 1) == Some(&b'>') {
                        return Some((name, i + 2, true));
                    }
                    state = State::Between;
                }
                b'=' if state != State::Between => state = State::BeforeValue,
                _ if space => {
                    if state == State::Name {
                        state = State::AfterName;
                    }
                }
                _ => state = State::Name,
            },
        }
        i += 1;
    }
    None
}

/// Is `</name` at `at`, followed by what ends a tag name (whitespace, '/' or '>')?
fn end_tag_at(s: &[u8], at: usize, name: &[u8]) -> bool {
    s.get(at) == Some(&b'<') && s.get(at + 1) == Some(&b'/') && name_at(s, at + 2, name)
}

/// Is the tag name `name` at `at`, followed by what ends a tag name (whitespace, '/', '>')?
fn name_at(s: &[u8], at: usize, name: &[u8]) -> bool {
    s.get(at..at + name.len())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && matches!(s.get(at + name.len()), Some(b) if b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
}

/// Where the raw text that starts at `from` ends: the `<` of its `</name`.
fn end_tag(s: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut p = from;
    while let Some(i) = memchr::memchr(b'<', &s[p..]) {
        if end_tag_at(s, p + i, name) {
            return Some(p + i);
        }
        p += i + 1;
    }
    None
}

/// Where a script body that starts at `from` ends: the `<` of the `</script` that the
/// tokenizer's script data states end it at. Inside `<!--`, a `<script` opens a nested part
/// whose `</script` does not end the script, until the next `-->`.
fn script_end(s: &[u8], from: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut p = from;
    while p < s.len() {
        let i = match state {
            State::Data => memchr::memchr(b'<', &s[p..])?,
            _ => memchr::memchr2(b'<', b'-', &s[p..])?,
        };
        let at = p + i;
        match state {
            State::Data => {
                if end_tag_at(s, at, b"script") {
                    return Some(at);
                }
                if s[at..].starts_with(b"<!--") {
                    state = State::Escaped;
                    // The dashes of `<!--` may be those of a `-->` right after it.
                    p = at + 2;
                    continue;
                }
            }
            State::Escaped | State::DoubleEscaped => {
                if s[at..].starts_with(b"-->") {
                    state = State::Data;
                    p = at + 3;
                    continue;
                }
                if state == State::Escaped && end_tag_at(s, at, b"script") {
                    return Some(at);
                }
                if state == State::Escaped && script_start_at(s, at) {
                    state = State::DoubleEscaped;
                    p = at + 7;
                    continue;
                }
                if state == State::DoubleEscaped && end_tag_at(s, at, b"script") {
                    state = State::Escaped;
                    p = at + 8;
                    continue;
                }
            }
        }
        p = at + 1;
    }
    None
}

/// `<script` followed by what ends a tag name.
fn script_start_at(s: &[u8], at: usize) -> bool {
    s.get(at) == Some(&b'<') && name_at(s, at + 1, b"script")
}

#[cfg(test)]
mod tests {
    use super::super::dom::{Mode, flatten_doc};
    use super::*;

    fn long(s: &str) -> String {
        s.repeat(MIN_BODY / s.len() + 1)
    }

    #[test]
    fn script_and_style_bodies_go_and_the_page_stays() {
        let js = long("var a = 1 < 2 && '</div>';");
        let css = long("p > a { color: red }");
        let page = format!(
            "<html><head><style>{css}</style><script src=x.js></script>\
             <script type=\"text/javascript\">{js}</script></head>\
             <body><p>The council met on Tuesday.</p></body></html>"
        );
        assert_eq!(
            without_script_bodies(&page),
            "<html><head><style></style><script src=x.js></script>\
             <script type=\"text/javascript\"></script></head>\
             <body><p>The council met on Tuesday.</p></body></html>"
        );
    }

    #[test]
    fn json_ld_short_bodies_and_foreign_content_are_kept() {
        let ld = long("{\"articleBody\": \"text\"}");
        let js = long("x<y;");
        let pages = [
            format!("<script type=\"application/ld+json\">{ld}</script><p>a</p>"),
            "<script>var short = 1;</script><p>a</p>".to_string(),
            format!("<svg><style>{js}</style><script>{js}</script></svg><p>a</p>"),
            format!("<!-- <script> --><p>kept</p><!-- </script> -->{js}"),
            format!("<textarea><script>{js}</script></textarea>"),
            format!("<noscript><script>{js}</script></noscript>"),
            format!("<div title='<script>{js}'>text</div>"),
            format!("<script>{js}"),
        ];
        for page in &pages {
            assert_eq!(without_script_bodies(page), page.as_str(), "{page}");
        }
    }

    #[test]
    fn svg_icons_and_long_comments_are_emptied() {
        let d = long("M12 2l3 7h7l-6 4 2 7-6-4-6 4 2-7-6-4h7z ");
        let note = long("build 1234 ");
        let page = format!(
            "<p>a<svg viewBox=\"0 0 24 24\"><g><path d=\"{d}\"/></g></svg>b</p>\
             <!--{note}--><p>c</p>"
        );
        assert_eq!(
            without_script_bodies(&page),
            "<p>a<svg viewBox=\"0 0 24 24\"></svg>b</p><!----><p>c</p>"
        );
        // An HTML tag inside ends the SVG in the parser (it breaks out), so the page is kept;
        // foreignObject holds HTML.
        for inner in [
            "<p>shown</p>",
            "<foreignObject><div>x</div></foreignObject>",
        ] {
            let page = format!("<svg><path d=\"{d}\"/>{inner}</svg><p>c</p>");
            assert_eq!(without_script_bodies(&page), page.as_str());
        }
    }

    #[test]
    fn escaped_script_text_ends_where_the_tokenizer_ends_it() {
        // Inside `<!--`, `<script>...</script>` is nested and does not end the script.
        let js = long("a=1;");
        let page = format!(
            "<script><!-- document.write(\"<script>x()</script>\"); {js} --></script><p>shown</p>"
        );
        assert_eq!(
            without_script_bodies(&page),
            "<script></script><p>shown</p>"
        );
        // `<!-->` closes at once: the next `</script>` ends the script.
        let page = format!("<script><!-->{js}</script><p>shown</p>");
        assert_eq!(
            without_script_bodies(&page),
            "<script></script><p>shown</p>"
        );
    }

    /// Random soups of the constructs the scan must get right: whatever it cuts, the parser
    /// must see the same page.
    #[test]
    fn random_markup_soups_flatten_the_same() {
        const PARTS: &[&str] = &[
            "<script>",
            "</script>",
            "<SCRIPT type=module>",
            "</script >",
            "<script type=\"application/ld+json\">",
            "<style>",
            "</style>",
            "<!--",
            "-->",
            "<!-->",
            "<svg>",
            "</svg>",
            "<svg/>",
            "<math>",
            "</math>",
            "<textarea>",
            "</textarea>",
            "<noscript>",
            "</noscript>",
            "<title>",
            "</title>",
            "<p>",
            "</p>",
            "<h1>",
            "</h1>",
            "<div class=\"a>b\">",
            "<div title='<script>'>",
            "<b>",
            "<![CDATA[",
            "]]>",
            "<!DOCTYPE html>",
            "<a href=x='>",
            "<div =\"a>\">",
            "</ ",
            "<svg a=b/>",
            "<img>",
            "<span>",
            "var s = \"<!--\";",
            "<svg viewBox=\"0 0 24 24\">",
            "<path d=\"M0 0h24v24H0z\"/>",
            "<g>",
            "</g>",
            "<foreignObject>",
            "</foreignObject>",
            "<div>",
            "</div>",
            "<!-- a comment long enough to be cut, longer than sixty-four bytes of text -->",
            "<!-- a comment with --!> inside, long enough to be cut otherwise, more bytes -->",
            "--!>",
            "\"",
            "'",
            "=",
            " words of text ",
            "Some visible sentence here.",
        ];
        let filler = long("if (a<b) { c = '--'; } ");
        let icon = format!("<path d=\"{}\"/>", long("M12 2l3 7h7l-6 4 "));
        let mut rng = crate::fingerprint::testgen::Rng::new(0x9e37_79b9_7f4a_7c15);
        let mut next = |n: usize| rng.below(n);
        let text = |html: &str, mode| {
            let dom = flatten_doc(&scraper::Html::parse_document(html), mode, false);
            (dom.text, dom.title, dom.first_h1, dom.ld_json)
        };
        let mut cut_any = 0;
        for _ in 0..20_000 {
            let mut page = String::new();
            for _ in 0..1 + next(14) {
                if next(4) == 0 {
                    page.push_str(&filler);
                } else if next(6) == 0 {
                    page.push_str(&icon);
                } else {
                    page.push_str(PARTS[next(PARTS.len())]);
                }
            }
            let cut = without_script_bodies(&page);
            if cut.len() < page.len() {
                cut_any += 1;
            }
            for mode in [Mode::Content, Mode::Visible] {
                assert_eq!(text(&cut, mode), text(&page, mode), "{page:?}");
            }
        }
        assert!(cut_any > 200, "only {cut_any} soups had a body cut");
    }

    /// Malformed pages where a scan that is out of step with the tokenizer would cut text
    /// the page shows (found in review).
    #[test]
    fn malformed_tags_and_stale_svg_never_cut_shown_text() {
        let js = long("var q = 'a>b'; ");
        let pages = [
            // A quote inside an unquoted value is a character, not the start of a value.
            format!(
                "<a href=x='>Home</a><script>var q='a>b'; var css=\"<style>\"; {js}</script>\
                 <p>Real content one</p><style>.x{{}}</style>"
            ),
            // An HTML tag ends the SVG in the tree builder; the count does not see it.
            format!(
                "<svg><path/><div>x<script>if(x.indexOf(\"<!--\")==0){{}}{js}</script>\
                 <p>Real content two</p><!-- footer {js} -->"
            ),
            // `</` and no letter is a bogus comment to the next '>', not one byte.
            format!("</ <script><p>Real content three {js}</p></script>"),
            // '/' in an unquoted value: the SVG is open, its style holds markup.
            format!("<svg a=b/><style>{js}</style></svg><p>Real content four</p>"),
        ];
        for page in &pages {
            let text = |html: &str| {
                let dom = flatten_doc(&scraper::Html::parse_document(html), Mode::Visible, false);
                dom.text
            };
            let shown = text(page);
            assert!(shown.contains("Real content"), "{shown:?}");
            assert_eq!(text(&without_script_bodies(page)), shown, "{page:?}");
        }
    }

    #[test]
    fn extraction_is_the_same_with_and_without_the_bodies() {
        let js = long("if (a<b) { document.write('<p>not text</p>'); }");
        let page = format!(
            "<html><head><title>Budget vote</title><script>{js}</script></head><body>\
             <article><h1>Budget vote</h1><p>The council approved the budget on Tuesday after \
             a long debate about the cost of the new bridge and the school repairs.</p>\
             <script>{js}</script><p>The vote was seven to two, with both members from the \
             eastern district voting against the plan.</p></article></body></html>"
        );
        let cut = without_script_bodies(&page);
        assert!(cut.len() < page.len() - 2 * MIN_BODY);
        let text = |html: &str| {
            let dom = flatten_doc(&scraper::Html::parse_document(html), Mode::Content, false);
            (dom.text, dom.blocks.len(), dom.elems.len(), dom.title)
        };
        let full = text(&page);
        assert_eq!(text(&cut), full);
        assert!(full.0.contains("seven to two") && !full.0.contains("not text"));
    }
}
