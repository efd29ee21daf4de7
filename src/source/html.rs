//! HTML pages: decoding their bytes to text ([`decode_html_bytes`]) and extracting the
//! readable text and title from the markup ([`extract_html`]).
//!
//! The extractor is deliberately simple: it drops elements that never hold article text
//! (scripts, navigation, forms, hidden elements, ...) and writes one line per block element.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};
use scraper::node::Element;
use scraper::{Html, Node};

/// The text and title of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedHtml {
    /// One block per line, separated by `\n`, lines trimmed, no empty lines.
    pub text: String,
    pub title: Option<String>,
}

/// Decode a page's bytes.
///
/// A byte order mark wins; then valid UTF-8 is taken as is (whatever is declared, since
/// declarations are often wrong and UTF-8 that validates is almost never anything else);
/// otherwise the first usable charset of `declared_charset` (from HTTP) and a `<meta>` charset
/// in the first 4 KiB. A page declared UTF-8 with only a few invalid sequences is decoded with
/// U+FFFD, as browsers do. Otherwise no single-byte encoding is guessed: the error is the
/// offset of the first invalid UTF-8 byte and a message.
pub fn decode_html_bytes(
    bytes: &[u8],
    declared_charset: Option<&str>,
) -> Result<String, (u64, String)> {
    decode_with(bytes, declared_charset, true)
}

/// Like [`decode_html_bytes`] for text that is not HTML: no `<meta>` prescan.
pub(crate) fn decode_text_bytes(
    bytes: &[u8],
    declared_charset: Option<&str>,
) -> Result<String, (u64, String)> {
    decode_with(bytes, declared_charset, false)
}

fn decode_with(bytes: &[u8], declared: Option<&str>, html: bool) -> Result<String, (u64, String)> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom..];
        if enc == UTF_8 {
            return match std::str::from_utf8(body) {
                Ok(s) => Ok(s.to_string()),
                Err(_) if few_bad_utf8(body) => Ok(String::from_utf8_lossy(body).into_owned()),
                Err(e) => {
                    let at = bom + e.valid_up_to();
                    let mut message = super::utf8_message(bytes, at);
                    message.push_str(" and too many invalid sequences for UTF-8 (byte order mark)");
                    Err((at as u64, message))
                }
            };
        }
        return Ok(enc.decode_without_bom_handling(body).0.into_owned());
    }
    let bad = match std::str::from_utf8(bytes) {
        Ok(s) => return Ok(s.to_string()),
        Err(e) => e.valid_up_to(),
    };
    let declared_enc = declared.and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    // The HTML spec ignores UTF-16 in <meta>: a page that can state it in ASCII is not UTF-16.
    let meta_raw = if html { meta_charset(bytes) } else { None };
    let meta_enc = meta_raw.filter(|e| *e != UTF_16LE && *e != UTF_16BE);
    // UTF-8 candidates are out: the bytes already failed as UTF-8.
    let candidates = [declared_enc, meta_enc]
        .into_iter()
        .flatten()
        .filter(|e| *e != UTF_8 && *e != REPLACEMENT);
    let mut fallback: Option<String> = None;
    for enc in candidates {
        let (text, had_errors) = enc.decode_without_bom_handling(bytes);
        if !had_errors {
            return Ok(text.into_owned());
        }
        // Keep the first declared one in case no candidate decodes cleanly.
        if fallback.is_none() {
            fallback = Some(text.into_owned());
        }
    }
    if let Some(text) = fallback {
        return Ok(text);
    }
    // Declared UTF-8 with a few bad bytes (a stray Latin-1 string in a script, say): decode it
    // as a browser would, with U+FFFD. Many bad bytes mean the declaration is wrong.
    let utf8_declared = declared_enc == Some(UTF_8) || meta_raw == Some(UTF_8);
    if utf8_declared && few_bad_utf8(bytes) {
        return Ok(String::from_utf8_lossy(bytes).into_owned());
    }
    let mut message = super::utf8_message(bytes, bad);
    message.push_str(match (declared, html) {
        _ if utf8_declared => " and too many invalid sequences for the declared UTF-8",
        (Some(_), true) => " and neither the declared nor a <meta> charset names another encoding",
        (Some(_), false) => " and the declared charset names no other encoding",
        (None, true) => " and no charset is declared (windows-1252 is not assumed)",
        (None, false) => " and no charset is declared",
    });
    Err((bad as u64, message))
}

/// Invalid UTF-8 sequences tolerated in a page declared UTF-8 (or one per 1000 bytes if more).
const MAX_BAD_UTF8: usize = 8;

fn few_bad_utf8(bytes: &[u8]) -> bool {
    let bad = bytes
        .utf8_chunks()
        .filter(|c| !c.invalid().is_empty())
        .count();
    bad <= MAX_BAD_UTF8.max(bytes.len() / 1000)
}

/// The charset of the first `<meta charset=...>` or `<meta http-equiv content="...;
/// charset=...">` in the first 4 KiB (where the HTML spec's prescan looks).
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let n = bytes.len().min(4096);
    let mut low = [0u8; 4096];
    low[..n].copy_from_slice(&bytes[..n]);
    let low = &mut low[..n];
    low.make_ascii_lowercase();
    let finder = memchr::memmem::Finder::new(b"<meta");
    let mut from = 0;
    while let Some(i) = finder.find(&low[from..]) {
        let start = from + i + 5;
        let end = memchr::memchr(b'>', &low[start..]).map_or(n, |j| start + j);
        if let Some(enc) = charset_param(&low[start..end]).and_then(Encoding::for_label) {
            return Some(enc);
        }
        from = end;
    }
    None
}

/// The value after `charset=` in lowercase tag or header text, without quotes.
pub(crate) fn charset_param(low: &[u8]) -> Option<&[u8]> {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&low[from..], b"charset") {
        let mut p = from + i + 7;
        while low.get(p).is_some_and(|b| b.is_ascii_whitespace()) {
            p += 1;
        }
        if low.get(p) != Some(&b'=') {
            from = p;
            continue;
        }
        p += 1;
        while low
            .get(p)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
        {
            p += 1;
        }
        let end = low[p..]
            .iter()
            .position(|b| {
                matches!(b, b'"' | b'\'' | b';' | b'>' | b'/' | b',') || b.is_ascii_whitespace()
            })
            .map_or(low.len(), |j| p + j);
        return (end > p).then(|| &low[p..end]);
    }
    None
}

/// Elements whose content is never page text.
fn always_dropped(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "svg"
            | "math"
            | "iframe"
            | "frame"
            | "frameset"
            | "nav"
            | "footer"
            | "aside"
            | "button"
            | "select"
            | "option"
            | "optgroup"
            | "datalist"
            | "textarea"
            | "canvas"
            | "object"
            | "embed"
            | "audio"
            | "video"
            | "map"
            | "head"
            | "title"
            | "noembed"
            | "noframes"
            | "dialog"
    )
}

/// Elements that start and end a line of output.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "header"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hgroup"
            | "li"
            | "ul"
            | "ol"
            | "menu"
            | "dir"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "pre"
            | "table"
            | "caption"
            | "thead"
            | "tbody"
            | "tfoot"
            | "tr"
            | "figure"
            | "figcaption"
            | "address"
            | "hr"
            | "br"
            | "body"
            | "html"
            | "center"
            | "details"
            | "summary"
            | "fieldset"
            | "legend"
    )
}

fn is_hidden(el: &Element) -> bool {
    if el.attr("hidden").is_some() {
        return true;
    }
    if el
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    el.attr("style").is_some_and(|s| {
        let s = s.as_bytes();
        css_is(s, b"display", b"none") || css_is(s, b"visibility", b"hidden")
    })
}

/// Does inline CSS `style` set `prop: value` (ASCII case-insensitive)?
fn css_is(style: &[u8], prop: &[u8], value: &[u8]) -> bool {
    let skip_ws = |mut p: usize| {
        while style.get(p).is_some_and(|b| b.is_ascii_whitespace()) {
            p += 1;
        }
        p
    };
    (0..style.len().saturating_sub(prop.len() - 1)).any(|i| {
        if !style[i..i + prop.len()].eq_ignore_ascii_case(prop) {
            return false;
        }
        let p = skip_ws(i + prop.len());
        if style.get(p) != Some(&b':') {
            return false;
        }
        let p = skip_ws(p + 1);
        style
            .get(p..p + value.len())
            .is_some_and(|v| v.eq_ignore_ascii_case(value))
    })
}

/// Does the subtree hold running text? Old sites (ASP.NET) wrap the whole page in one
/// `<form>`; such a form is content, a search or login form is not.
fn holds_content(node: NodeRef<'_, Node>) -> bool {
    node.descendants().any(|d| {
        d.value()
            .as_element()
            .is_some_and(|e| matches!(e.name(), "p" | "article" | "main" | "h1" | "h2"))
    })
}

/// Whitespace-collapsed text of a subtree.
fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut w = Writer::default();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            w.text(t);
        }
    }
    w.finish()
}

/// Builds the output: one line per block, whitespace collapsed, table cells joined by ` | `.
#[derive(Default)]
struct Writer {
    out: String,
    line_start: usize,
    pending: Pending,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum Pending {
    #[default]
    None,
    Space,
    Cell,
}

impl Writer {
    fn line_empty(&self) -> bool {
        self.out.len() == self.line_start
    }

    fn text(&mut self, t: &str) {
        let mut word_start: Option<usize> = None;
        for (i, c) in t.char_indices() {
            if c.is_whitespace() {
                if let Some(s) = word_start.take() {
                    self.word(&t[s..i]);
                }
                if !self.line_empty() && self.pending == Pending::None {
                    self.pending = Pending::Space;
                }
            } else if word_start.is_none() {
                word_start = Some(i);
            }
        }
        if let Some(s) = word_start {
            self.word(&t[s..]);
        }
    }

    fn word(&mut self, w: &str) {
        if !self.line_empty() {
            match self.pending {
                Pending::Space => self.out.push(' '),
                Pending::Cell => self.out.push_str(" | "),
                Pending::None => {}
            }
        }
        self.pending = Pending::None;
        self.out.push_str(w);
    }

    /// Preformatted text: line breaks kept, indentation kept, trailing blanks trimmed.
    fn pre(&mut self, t: &str) {
        for (i, line) in t.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            if !line.is_empty() {
                self.word(line);
            }
        }
    }

    fn cell(&mut self) {
        if !self.line_empty() {
            self.pending = Pending::Cell;
        }
    }

    fn newline(&mut self) {
        let kept = self.out[self.line_start..].trim_end().len();
        self.out.truncate(self.line_start + kept);
        if !self.line_empty() {
            self.out.push('\n');
            self.line_start = self.out.len();
        }
        self.pending = Pending::None;
    }

    fn finish(mut self) -> String {
        self.newline();
        if self.out.ends_with('\n') {
            self.out.pop();
        }
        self.out
    }
}

/// Extract the readable text and the title of a page.
pub fn extract_html(html: &str) -> ExtractedHtml {
    let doc = Html::parse_document(html);
    let root = doc.tree.root();
    let mut title = find_title(root);
    let mut w = Writer::default();
    // The node whose subtree is being skipped, if any.
    let mut skipping: Option<ego_tree::NodeId> = None;
    let mut pre_depth = 0usize;
    // Inside <article>/<main> a <header> holds the headline, not site chrome.
    let mut content_depth = 0usize;
    let mut first_h1: Option<String> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) if pre_depth > 0 => w.pre(t),
                    Node::Text(t) => w.text(t),
                    Node::Element(el) => {
                        let name = el.name();
                        let dropped = always_dropped(name)
                            || is_hidden(el)
                            || (name == "header" && content_depth == 0)
                            || (name == "form" && !holds_content(node));
                        if dropped {
                            skipping = Some(node.id());
                            continue;
                        }
                        if name == "h1" && first_h1.is_none() {
                            first_h1 = Some(text_of(node)).filter(|t| !t.is_empty());
                        }
                        if matches!(name, "td" | "th") {
                            w.cell();
                        } else if is_block(name) {
                            w.newline();
                        }
                        match name {
                            "pre" | "listing" | "plaintext" | "xmp" => pre_depth += 1,
                            "article" | "main" => content_depth += 1,
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(el) = node.value() {
                    let name = el.name();
                    if is_block(name) {
                        w.newline();
                    }
                    match name {
                        "pre" | "listing" | "plaintext" | "xmp" => {
                            pre_depth = pre_depth.saturating_sub(1)
                        }
                        "article" | "main" => content_depth = content_depth.saturating_sub(1),
                        _ => {}
                    }
                }
            }
        }
    }
    if title.is_none() {
        title = first_h1;
    }
    ExtractedHtml {
        text: w.finish(),
        title,
    }
}

/// The first `<title>` outside `<svg>`/`<math>` (whose own `<title>`s are tooltips).
fn find_title(root: NodeRef<'_, Node>) -> Option<String> {
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) if skipping.is_none() => {
                if let Node::Element(el) = node.value() {
                    match el.name() {
                        "svg" | "math" => skipping = Some(node.id()),
                        "title" => {
                            let t = text_of(node);
                            if !t.is_empty() {
                                return Some(t);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Edge::Close(node) if skipping == Some(node.id()) => skipping = None,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paragraphs_and_headings_drops_chrome() {
        let page = r#"<!DOCTYPE html><html><head><title>  The  Title </title>
            <style>p { color: red }</style><script>var x = "script text";</script></head>
            <body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
            <header><div class="logo">Site Name</div></header>
            <main><article><header><h1>Big   News</h1></header>
            <p>First <b>bold</b>
               paragraph.</p><p>Second paragraph.</p>
            <div hidden>hidden text</div><span aria-hidden="true">icon</span>
            <ul><li>one</li><li>two</li></ul></article></main>
            <aside>Related links</aside>
            <footer>Copyright 2024</footer>
            <noscript>Enable JS</noscript></body></html>"#;
        let x = extract_html(page);
        assert_eq!(x.title.as_deref(), Some("The Title"));
        assert_eq!(
            x.text,
            "Big News\nFirst bold paragraph.\nSecond paragraph.\none\ntwo"
        );
    }

    #[test]
    fn title_falls_back_to_first_h1() {
        let x = extract_html("<body><h1> Heading\n One </h1><p>x</p></body>");
        assert_eq!(x.title.as_deref(), Some("Heading One"));
        assert_eq!(x.text, "Heading One\nx");
    }

    #[test]
    fn tables_pre_and_breaks() {
        let page = "<body><table><tr><th>Name</th><th>Age</th></tr>\
            <tr><td> Ann </td><td></td><td>30</td></tr></table>\
            <pre>fn main() {\n    go();\n}\n</pre>line one<br>line two<br><br>end</body>";
        let x = extract_html(page);
        assert_eq!(
            x.text,
            "Name | Age\nAnn | 30\nfn main() {\n    go();\n}\nline one\nline two\nend"
        );
    }

    #[test]
    fn page_wrapping_form_is_kept_search_form_dropped() {
        let page = "<body><form id=aspnetForm><div><p>Real content here.</p></div>\
            </form><form><input name=q><label>Search</label></form></body>";
        assert_eq!(extract_html(page).text, "Real content here.");
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // html5ever's tree building is quadratic in nesting depth, so keep this moderate.
        let page = format!("{}deep{}", "<div>".repeat(3000), "</div>".repeat(3000));
        assert_eq!(extract_html(&page).text, "deep");
    }

    #[test]
    fn decodes_utf8_as_is_and_declared_charsets() {
        assert_eq!(
            decode_html_bytes("café".as_bytes(), Some("iso-8859-1")).unwrap(),
            "café"
        );
        // windows-1252: 0xE9 = é, 0x93/0x94 = curly quotes
        let page = b"<html><head><meta charset=\"windows-1252\"></head><body>caf\xe9 \x93q\x94</body></html>";
        let s = decode_html_bytes(page, None).unwrap();
        assert!(s.contains("café “q”"), "{s}");
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-2\">\xb1";
        assert!(decode_html_bytes(page, None).unwrap().ends_with('ą'));
        // declared (HTTP) wins over <meta>
        let s = decode_html_bytes(b"<meta charset=iso-8859-2>\xb1", Some("windows-1252")).unwrap();
        assert!(s.ends_with('±'), "{s}");
    }

    #[test]
    fn no_charset_no_guess() {
        let err = decode_html_bytes(b"<p>caf\xe9</p>", None).unwrap_err();
        assert_eq!(err.0, 6);
        assert!(err.1.contains("0xe9"), "{}", err.1);
        // declared UTF-8 and mostly UTF-8: decoded with U+FFFD, like a browser
        assert_eq!(
            decode_html_bytes(b"<p>caf\xe9</p>", Some("utf-8")).unwrap(),
            "<p>caf\u{fffd}</p>"
        );
        // declared UTF-8 but mostly not: an error at the first bad byte
        let latin1 = b"<p>\xe9\xe8\xe0\xe9\xe8\xe0\xe9\xe8\xe0 \xe9</p>";
        assert_eq!(decode_html_bytes(latin1, Some("utf-8")).unwrap_err().0, 3);
        // BOM: offset counts the BOM
        let bad = [&b"\xef\xbb\xbfab"[..], &[0xff; 20]].concat();
        assert_eq!(decode_html_bytes(&bad, None).unwrap_err().0, 5);
    }

    #[test]
    fn utf16_bom_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "<p>hé</p>".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode_html_bytes(&bytes, None).unwrap(), "<p>hé</p>");
    }

    #[test]
    fn charset_param_parsing() {
        assert_eq!(
            charset_param(b"text/html; charset=\"utf-8\""),
            Some(&b"utf-8"[..])
        );
        assert_eq!(
            charset_param(b" charset = 'koi8-r' /"),
            Some(&b"koi8-r"[..])
        );
        assert_eq!(charset_param(b"text/html"), None);
    }
}
