//! HTML pages: decoding their bytes to text ([`decode_html_bytes`]), extracting the main
//! content and title ([`extract_html`]) and the full visible text ([`visible_text`]).
//!
//! Extraction parses the page once, flattens it into lines tagged with their block element
//! ([`dom`]), then picks the main content by text and link weight over the block tree
//! ([`select`]). Structured data (JSON-LD `articleBody`) stands in when the visible page holds
//! next to no text.

mod dom;
mod elide;
mod select;

use dom::{Mode, flatten};
use encoding_rs::{Encoding, REPLACEMENT, UTF_8, UTF_16BE, UTF_16LE};

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

/// Extract the main content and the title of a page.
pub fn extract_html(html: &str) -> ExtractedHtml {
    let dom = flatten(html, Mode::Content);
    let sel = select::select(&dom);
    let mut text = String::with_capacity(dom.text.len());
    for &i in &sel.blocks {
        if let Some(b) = dom.blocks.get(i) {
            text.push_str(dom.line(b));
            text.push('\n');
        }
    }
    if text.ends_with('\n') {
        text.pop();
    }
    if let Some(body) = structured_body(&dom.ld_json, &text) {
        text = body;
    }
    let title = dom.title.clone().or_else(|| dom.first_h1.clone());
    ExtractedHtml { text, title }
}

/// The full visible text of a page: every rendered text node, one line per block element,
/// nothing removed as boilerplate. What a "page text" scrape holds.
pub fn visible_text(html: &str) -> String {
    let mut dom = flatten(html, Mode::Visible);
    if dom.text.ends_with('\n') {
        dom.text.pop();
    }
    dom.text
}

/// JSON-LD `articleBody` (or `text`) when it holds much more than what the page shows: pages
/// rendered by scripts ship their text only there.
fn structured_body(ld_json: &[String], extracted: &str) -> Option<String> {
    let shown = extracted.split_whitespace().count();
    let mut best: Option<String> = None;
    for raw in ld_json {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(raw.trim()) else {
            continue;
        };
        let mut found = Vec::new();
        collect_bodies(&v, 0, &mut found);
        for body in found {
            let words = body.split_whitespace().count();
            let better = best
                .as_ref()
                .is_none_or(|b| words > b.split_whitespace().count());
            // Only when the page shows less than half of it: otherwise the DOM's version,
            // with its paragraph breaks, is the better text.
            if words >= 30 && words > 2 * shown && better {
                best = Some(body.to_string());
            }
        }
    }
    best.map(|b| {
        b.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n")
    })
}

fn collect_bodies<'a>(v: &'a serde_json::Value, depth: usize, out: &mut Vec<&'a str>) {
    if depth > 16 {
        return;
    }
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("articleBody" | "text", serde_json::Value::String(s)) => out.push(s),
                    _ => collect_bodies(x, depth + 1, out),
                }
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                collect_bodies(x, depth + 1, out);
            }
        }
        _ => {}
    }
}
#[cfg(test)]
mod tests {
    use super::*;

    /// A paragraph of running text, long enough to read as prose.
    fn para(topic: &str) -> String {
        format!(
            "The {topic} was discussed at length by the council on Tuesday, and members agreed \
             that the proposal needed more work before it could be put to a public vote."
        )
    }

    fn menu(items: &[&str]) -> String {
        let li: String = items
            .iter()
            .map(|i| format!("<li><a href=\"/{i}\">{i}</a></li>"))
            .collect();
        format!("<ul>{li}</ul>")
    }

    #[test]
    fn finds_the_article_in_a_boilerplate_heavy_page() {
        let nav = menu(&["Home", "World", "Politics", "Sport", "Culture", "Weather"]);
        let related: String = (1..=5)
            .map(|i| {
                format!("<li><a href=\"/r{i}\">A completely different story number {i} about something</a></li>")
            })
            .collect();
        let page = format!(
            r#"<html><head><title>Council news</title></head><body>
            <div class="top-bar">{nav}</div>
            <div id="cookie-banner"><p>We use cookies to improve your experience on our site. By
            continuing to browse you agree to our use of cookies and similar technologies.</p></div>
            <div class="layout"><div class="main-col">
              <h1>Council delays vote</h1>
              <div class="share-tools"><a href="/fb">Facebook</a> <a href="/tw">Twitter</a></div>
              <div class="article-body"><p>{p1}</p><p>{p2}</p><p>{p3}</p></div>
              <div class="related-stories"><h3>Related</h3><ul>{related}</ul></div>
            </div>
            <div class="sidebar"><h3>Most read</h3>{side}</div></div>
            <div class="site-footer"><p>Copyright 2024 The Paper. All rights reserved.</p>{foot}</div>
            </body></html>"#,
            p1 = para("budget"),
            p2 = para("bridge"),
            p3 = para("park"),
            side = menu(&["One", "Two", "Three", "Four", "Five"]),
            foot = menu(&["About", "Contact", "Privacy", "Terms"]),
        );
        let x = extract_html(&page);
        assert_eq!(x.title.as_deref(), Some("Council news"));
        // The headline stands outside the body's container, beside the share bar and the
        // related list, so the body alone is the content (as AEB's `articleBody` counts it).
        assert_eq!(
            x.text,
            format!("{}\n{}\n{}", para("budget"), para("bridge"), para("park"))
        );
    }

    #[test]
    fn keeps_every_post_of_a_forum_thread() {
        let posts: String = ["printer", "driver", "cable"]
            .iter()
            .map(|t| {
                format!(
                    "<div class=\"message\"><div class=\"author\"><a href=\"/u\">user_{t}</a></div>\
                     <div class=\"message-body\"><p>{}</p></div></div>",
                    para(t)
                )
            })
            .collect();
        let page = format!(
            "<body><nav>{}</nav><div class=\"thread\"><h1>Printer will not connect</h1>{posts}</div>\
             <footer>Forum software</footer></body>",
            menu(&["Forums", "Members", "Search", "Help"])
        );
        let x = extract_html(&page);
        for t in ["printer", "driver", "cable"] {
            assert!(x.text.contains(&para(t)), "{t} missing: {}", x.text);
        }
        assert!(x.text.starts_with("Printer will not connect"), "{}", x.text);
        assert!(!x.text.contains("Members"));
    }

    #[test]
    fn forum_signatures_go_with_the_posts_kept() {
        // Every post of a thread carries its poster's signature under a `signature` name.
        let posts: String = ["router", "firmware", "reset"]
            .iter()
            .map(|t| {
                format!(
                    "<article class=\"message\"><div class=\"message-body\"><p>{}</p></div>\
                     <div class=\"message-signature\"><div class=\"bbWrapper\">Design should be \
                     simple and communication honest, I say on behalf of everyone here.</div></div>\
                     </article>",
                    para(t)
                )
            })
            .collect();
        let page = format!(
            "<body><div class=\"thread\"><h1>Router keeps dropping</h1>{posts}</div></body>"
        );
        let x = extract_html(&page).text;
        assert_eq!(
            x,
            format!(
                "Router keeps dropping\n{}\n{}\n{}",
                para("router"),
                para("firmware"),
                para("reset")
            )
        );
    }

    /// Replies as blog and forum software mark them up: each under a `comment` class.
    fn replies(topics: &[&str]) -> String {
        topics
            .iter()
            .map(|t| {
                format!(
                    "<div class=\"comment\"><div class=\"comment-author\"><a href=\"/u/{t}\">{t}_fan</a></div>\
                     <div class=\"comment-text\"><p>{}</p></div></div>",
                    para(t)
                )
            })
            .collect()
    }

    #[test]
    fn thread_marked_as_a_discussion_keeps_its_comment_posts() {
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@context":"https://schema.org",
            "@type":"DiscussionForumPosting","headline":"Allotment rules"}}</script></head>
            <body><nav>{nav}</nav><div id="comments"><h1>Allotment rules</h1>{posts}</div></body></html>"#,
            nav = menu(&["Forums", "Members", "Search", "Help"]),
            posts = replies(&["allotment", "hedge", "shed"]),
        );
        let x = extract_html(&page).text;
        assert!(x.starts_with("Allotment rules\n"), "{x}");
        for t in ["allotment", "hedge", "shed"] {
            assert!(x.contains(&para(t)), "{t} missing: {x}");
        }
        assert!(!x.contains("Members"), "{x}");
    }

    #[test]
    fn link_post_with_only_comments_keeps_them() {
        // A link aggregator: the story is a link, the comments are all the page says.
        let page = format!(
            r#"<body><div class="story"><a href="https://example.org/x">Tram line reopens</a></div>
            <div class="comments">{}</div></body>"#,
            replies(&["tram", "timetable"])
        );
        let x = extract_html(&page).text;
        assert!(x.contains(&para("tram")), "{x}");
        assert!(x.contains(&para("timetable")), "{x}");
    }

    #[test]
    fn short_blog_post_drops_its_longer_comment_section() {
        let page = format!(
            r#"<body><article class="post"><h1>Open thread</h1><p>{a}</p><p>{b}</p></article>
            <section class="comments"><h2>Comments</h2>{c}</section></body>"#,
            a = para("thread"),
            b = para("question"),
            c = replies(&["one", "two", "three", "four", "five", "six"]),
        );
        assert_eq!(
            extract_html(&page).text,
            format!("Open thread\n{}\n{}", para("thread"), para("question"))
        );
    }

    #[test]
    fn long_comment_thread_inside_the_post_does_not_cut_the_article_to_a_paragraph() {
        // A blog theme puts the comments in the same box as the post's paragraphs. Sixteen
        // comments outweigh the post, named and costed; the post must still come out whole.
        let long = format!("{} {}", para("budget"), para("library"));
        let page = format!(
            r#"<body><div class="site-title"><a href="/">Town Notes</a></div>
            <div class="postarea"><h1>Council budget</h1><p>{a}</p><p>{long}</p><p>{b}</p>
            <p>{c}</p><div id="comments"><h3>16 responses</h3>{r}</div></div></body>"#,
            a = para("levy"),
            b = para("parking"),
            c = para("pool"),
            r = replies(&[
                "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "b1", "b2", "b3", "b4", "b5",
                "b6", "b7",
            ]),
        );
        let x = extract_html(&page).text;
        let post = format!(
            "Council budget\n{}\n{long}\n{}\n{}",
            para("levy"),
            para("parking"),
            para("pool")
        );
        assert!(x.starts_with(&post), "{x}");
        // The thread's heading, under a name that covers half the page, still comes along;
        // the comments do not.
        assert_eq!(x.len(), post.len() + "\n16 responses".len(), "{x}");
    }

    #[test]
    fn editor_widgets_in_an_article_are_its_text() {
        // CKEditor writes `ck-widget` on the column grids an author builds in the body; the
        // site's own sidebar widget still goes.
        let col = |t: &str| {
            format!(
                r#"<div class="ck-widget col"><h6>{t}</h6><p>{}</p></div>"#,
                para(t)
            )
        };
        let page = format!(
            r#"<body><article><h1>Plants for dark rooms</h1><p>{intro}</p>
            <div class="ck-widget ck-widget bs_grid"><div class="ck-widget row">{a}{b}{c}{d}</div></div>
            </article><aside><div class="widget"><h3>Popular</h3><p>{side}</p></div></aside></body>"#,
            intro = para("winter"),
            a = col("fern"),
            b = col("palm"),
            c = col("ivy"),
            d = col("moss"),
            side = para("sidebar"),
        );
        let x = extract_html(&page).text;
        for t in ["winter", "fern", "palm", "ivy", "moss"] {
            assert!(x.contains(&para(t)), "{t} missing: {x}");
        }
        assert!(!x.contains(&para("sidebar")), "{x}");
    }

    #[test]
    fn product_page_keeps_description_and_specs() {
        let page = format!(
            r#"<body><header>{nav}</header><main>
            <h1>Oak Desk 120</h1><p class="price">$599</p>
            <div class="description"><p>{d}</p></div>
            <table><tr><th>Width</th><td>120 cm</td></tr><tr><th>Weight</th><td>30 kg</td></tr></table>
            <div class="recommended-products"><h2>You may also like</h2>{rec}</div>
            </main></body>"#,
            nav = menu(&["Desks", "Chairs", "Storage", "Sale"]),
            d = para("desk"),
            rec = menu(&["Pine Desk", "Walnut Desk", "Glass Desk", "Steel Desk"]),
        );
        let x = extract_html(&page);
        assert_eq!(
            x.text,
            format!(
                "Oak Desk 120\n$599\n{}\nWidth | 120 cm\nWeight | 30 kg",
                para("desk")
            )
        );
    }

    /// Customer reviews as shops mark them up, under a `reviews` section.
    fn reviews_section() -> String {
        let items: String = ["Sturdy", "Lovely", "Solid"]
            .iter()
            .map(|t| {
                format!(
                    "<div class=\"item\"><h4>{t} desk, five stars</h4><p>{}</p><p>Verified buyer</p></div>",
                    para(t)
                )
            })
            .collect();
        format!("<section class=\"product-reviews\"><h2>Customer reviews</h2>{items}</section>")
    }

    #[test]
    fn reviews_on_a_product_page_are_dropped() {
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@context":"https://schema.org",
            "@type":"Product","name":"Oak Desk 120"}}</script></head><body><main>
            <div class="summary"><h1>Oak Desk 120</h1><p>$599</p><p>{}</p><p>{}</p><p>{}</p>
            <p>{}</p></div>{}</main></body></html>"#,
            para("desk"),
            para("drawer"),
            para("oak"),
            para("finish"),
            reviews_section()
        );
        assert_eq!(
            extract_html(&page).text,
            format!(
                "Oak Desk 120\n$599\n{}\n{}\n{}\n{}",
                para("desk"),
                para("drawer"),
                para("oak"),
                para("finish")
            )
        );
    }

    #[test]
    fn reviews_outweighing_a_short_product_description_are_still_dropped() {
        // Three reviews hold most of the page's text: on a product's page they still are not
        // its content.
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"Product"}}</script>
            </head><body><main><div class="summary"><h1>Oak Desk 120</h1><p>$599</p><p>{}</p>
            </div>{}</main></body></html>"#,
            para("desk"),
            reviews_section()
        );
        assert_eq!(
            extract_html(&page).text,
            format!("Oak Desk 120\n$599\n{}", para("desk"))
        );
    }

    #[test]
    fn reviews_elsewhere_are_kept() {
        // Without Product structured data a page of reviews is what it says: a testimonials
        // page, a review site's round-up.
        let page = format!(
            "<body><main><h1>What our clients say</h1>{}</main></body>",
            reviews_section()
        );
        let x = extract_html(&page).text;
        for t in ["Sturdy", "Lovely", "Solid"] {
            assert!(x.contains(&para(t)), "{t} missing: {x}");
        }
    }

    /// Product cards as shops write them: a linked title with no class that names them, a
    /// price, a rating; long titles, so the strip outweighs the product's own text.
    fn cards(n: usize) -> String {
        (1..=n)
            .map(|i| {
                format!(
                    "<div class=\"col\"><a href=\"/p{i}\"><img src=\"/i{i}.jpg\"></a>\
                     <div class=\"t\">Solid oak writing desk model {i} with two drawers, \
                     cable tray and adjustable feet, natural oiled finish</div>\
                     <span>$4{i}9.00</span> <span>Free shipping</span> <a href=\"/p{i}\">View</a></div>"
                )
            })
            .collect()
    }

    #[test]
    fn recommendation_strip_larger_than_the_product_is_dropped_by_its_heading() {
        let page = format!(
            r#"<body><div class="x"><h1>Oak Desk 120</h1><p>$599</p><p>{d}</p></div>
            <div class="y"><h2>Similar items</h2><div class="z">{rec}</div></div></body>"#,
            d = para("desk"),
            rec = cards(8),
        );
        let x = extract_html(&page);
        assert_eq!(x.text, format!("Oak Desk 120\n$599\n{}", para("desk")));
    }

    #[test]
    fn related_products_heading_opening_the_whole_page_keeps_it() {
        // The heading is the first line of a wrapper that also holds the page's title and
        // its text: the wrapper is not the strip.
        let page = format!(
            r#"<body><div class="wrap"><div class="bar"><h3>Related Products</h3></div>
            <h1>Standing desks</h1><p>{a}</p><p>{b}</p></div></body>"#,
            a = para("desk"),
            b = para("chair"),
        );
        let x = extract_html(&page);
        assert_eq!(
            x.text,
            format!("Standing desks\n{}\n{}", para("desk"), para("chair"))
        );
    }

    #[test]
    fn read_next_strip_under_an_article_is_dropped() {
        // Excerpts of other posts under a "Leia também" (read also) heading, in unnamed boxes.
        let teasers: String = ["chuva", "feira", "ponte"]
            .iter()
            .map(|t| {
                format!(
                    "<div class=\"b\"><a href=\"/{t}\"><img src=\"/{t}.jpg\"></a><p>{}</p></div>",
                    para(t)
                )
            })
            .collect();
        let page = format!(
            "<body><div class=\"wrap\"><div class=\"a\"><h1>Mercado reabre</h1><p>{}</p><p>{}</p></div>\
             <div class=\"c\"><h3>Leia também</h3>{teasers}</div></div></body>",
            para("market"),
            para("stalls")
        );
        assert_eq!(
            extract_html(&page).text,
            format!("Mercado reabre\n{}\n{}", para("market"), para("stalls"))
        );
    }

    #[test]
    fn section_titled_more_stories_over_prose_is_kept() {
        // An essay whose section is called "More stories": no links, so no strip.
        let page = format!(
            "<body><article><h1>Grandmother's kitchen</h1><p>{}</p><h2>More stories</h2>\
             <p>{}</p><p>{}</p></article></body>",
            para("kitchen"),
            para("oven"),
            para("garden")
        );
        assert_eq!(
            extract_html(&page).text,
            format!(
                "Grandmother's kitchen\n{}\nMore stories\n{}\n{}",
                para("kitchen"),
                para("oven"),
                para("garden")
            )
        );
    }

    #[test]
    fn article_with_recommendations_in_a_class_name_keeps_its_text() {
        // WordPress puts the post's tags in its classes (`tag-gear-recommendations`): a class
        // word is not a heading and must not take the article with it.
        let page = format!(
            r#"<body><nav>{nav}</nav><article class="entry tag-gear-recommendations">
            <h1>Packing list</h1><p>{a}</p><p>{b}</p></article></body>"#,
            nav = menu(&["Home", "Hiking", "Camping", "About"]),
            a = para("tent"),
            b = para("stove"),
        );
        let x = extract_html(&page);
        assert_eq!(
            x.text,
            format!("Packing list\n{}\n{}", para("tent"), para("stove"))
        );
    }

    #[test]
    fn section_titled_related_products_without_links_is_content() {
        // Documentation about a "related products" feature: the heading names the topic, the
        // paragraph and table under it are no cards.
        let page = format!(
            r#"<body><main><h1>Feed fields</h1><p>{a}</p>
            <h2>Related products</h2><p>{b}</p>
            <table><tr><td>related_id</td><td>String</td></tr></table>
            <h2>Prices</h2><p>{c}</p></main></body>"#,
            a = para("feed"),
            b = para("bundle"),
            c = para("price"),
        );
        let x = extract_html(&page);
        assert_eq!(
            x.text,
            format!(
                "Feed fields\n{}\nRelated products\n{}\nrelated_id | String\nPrices\n{}",
                para("feed"),
                para("bundle"),
                para("price")
            )
        );
    }

    #[test]
    fn listing_keeps_item_titles_and_drops_menus() {
        let items: String = (1..=6)
            .map(|i| {
                format!(
                    "<li><h3><a href=\"/i{i}\">Weekend workshop on landscape painting, part {i}</a></h3>\
                     <p>Saturday {i} May, community hall</p></li>"
                )
            })
            .collect();
        let page = format!(
            "<body><div class=\"menu\">{}</div><div class=\"events\"><h1>Upcoming events</h1><ul>{items}</ul></div></body>",
            menu(&["Home", "Events", "News", "Contact"])
        );
        let x = extract_html(&page);
        assert!(
            x.text
                .contains("Weekend workshop on landscape painting, part 1"),
            "{}",
            x.text
        );
        assert!(
            x.text
                .contains("Weekend workshop on landscape painting, part 6")
        );
        assert!(x.text.contains("Saturday 3 May, community hall"));
        assert!(!x.text.contains("Contact"), "{}", x.text);
    }

    #[test]
    fn grid_of_linked_titles_under_an_intro_is_a_listing() {
        // A category page: one intro paragraph over cards that are nothing but linked titles.
        let cards: String = (1..=24)
            .map(|i| {
                format!(
                    "<div class=\"card\"><a href=\"/r{i}\"><img src=\"/{i}.jpg\">\
                     <h3>Slow cooked tomato sauce with basil, number {i}</h3></a></div>"
                )
            })
            .collect();
        let page = format!(
            "<body>{nav}<main><h1>Tomato sauce recipes</h1><p>Our collection of tomato sauce \
             recipes has something for every dish, whether you want a big plate of pasta or a \
             vegetable bake. Each one was tested in our kitchen, and most take under an hour \
             from chopping board to table, with notes on freezing and reheating.</p><div class=\"grid\">{cards}</div></main></body>",
            nav = menu(&["Recipes", "Techniques", "Shop", "About"])
        );
        let x = extract_html(&page);
        for i in [1, 24] {
            let title = format!("Slow cooked tomato sauce with basil, number {i}");
            assert!(x.text.contains(&title), "{title} missing: {}", x.text);
        }
        assert!(x.text.contains("Our collection of tomato sauce recipes"));
        assert!(!x.text.contains("Techniques"));
    }

    #[test]
    fn link_heavy_wrapper_holding_the_whole_text_is_not_an_aside() {
        // A shop's home page: its intro and its product cards share one wrapper inside
        // `<main>`. The cards make the wrapper link-heavy, but the wrapper is the content.
        let cards: String = ["Ridge", "Valley", "Summit", "Canyon", "Meadow", "Harbour"]
            .iter()
            .map(|n| {
                format!(
                    "<div class=\"card\"><a href=\"/{n}\">The {n} thirty litre frameless roll top \
                     pack in dyneema</a><p>From $240</p></div>"
                )
            })
            .collect();
        let page = format!(
            "<body><nav>{nav}</nav><main><div class=\"wrap\"><p>{a}</p><p>{b}</p><p>{c}</p>\
             {cards}</div></main></body>",
            nav = menu(&["Packs", "Tents", "About", "Contact"]),
            a = para("workshop"),
            b = para("fabric"),
            c = para("repair"),
        );
        assert_eq!(
            extract_html(&page).text,
            format!(
                "{}\n{}\n{}",
                para("workshop"),
                para("fabric"),
                para("repair")
            )
        );
    }

    #[test]
    fn short_product_names_in_a_grid_are_kept_and_the_menu_still_goes() {
        // Names shorter than a headline, each the only link of its card, are items' titles as
        // the longer names are. The category menu beside the grid is all links and goes.
        let cards: String = [
            "Oak Desk",
            "Walnut writing desk with two drawers",
            "Folding garden chair in green steel",
            "Glass Lamp",
            "Tall bookcase in white painted pine",
            "Round dining table for six people",
            "Steel Shelf",
        ]
        .iter()
        .enumerate()
        .map(|(i, n)| {
            format!(
                "<div class=\"card\"><a href=\"/p{i}\">{n}</a><div>Ships in {i} days</div>\
                     <div>Price: ${i}99.00</div><div>In stock</div></div>"
            )
        })
        .collect();
        let page = format!(
            "<body><div class=\"shop\"><div class=\"filters\">{}</div><div class=\"grid\">\
             <h1>Furniture</h1>{cards}</div></div></body>",
            menu(&["Desks", "Chairs", "Lamps", "Rugs", "Shelves", "Sale"])
        );
        let x = extract_html(&page).text;
        for n in ["Oak Desk", "Glass Lamp", "Steel Shelf", "Tall bookcase"] {
            assert!(x.contains(n), "{n} missing: {x}");
        }
        assert!(x.contains("Price: $199.00"), "{x}");
        assert!(!x.contains("Chairs"), "{x}");
    }

    #[test]
    fn poster_names_in_a_thread_are_no_item_titles() {
        // On a thread (structured data says so) a short link alone in a box is the poster's
        // name, not a listed item's title.
        let posts: String = [
            ("ann", "hedge"),
            ("bob", "shed"),
            ("cy", "gate"),
            ("dee", "pond"),
        ]
        .iter()
        .map(|(u, t)| {
            format!(
                "<div class=\"post\"><div class=\"author\"><a href=\"/u/{u}\">{u}</a>\
                     <div>Member</div><div>Joined 2019</div></div><div class=\"body\"><p>Thanks, \
                     the {t} tip worked for me too.</p></div></div>"
            )
        })
        .collect();
        let page = format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"DiscussionForumPosting"}}
            </script></head><body><div class="thread"><h1>Hedge trimming</h1>{posts}</div>
            </body></html>"#
        );
        let x = extract_html(&page).text;
        assert!(x.contains("Thanks, the pond tip worked for me too."), "{x}");
        for u in ["ann", "bob", "dee"] {
            assert!(!x.lines().any(|l| l == u), "{u}: {x}");
        }
    }

    #[test]
    fn product_grid_with_its_text_in_caption_boxes_is_a_listing() {
        // Thumbnail cards in the Bootstrap way: a linked image over a `caption` box.
        let cards: String = (1..=12)
            .map(|i| {
                format!(
                    "<div class=\"col\"><a class=\"thumbnail\" href=\"/p{i}\"><img src=\"/{i}.jpg\"></a>\
                     <a href=\"/p{i}\"><div class=\"caption\"><div>Short throw laser projector model \
                     {i}, 4K, 5000 lumens</div><div>Maker: Lumen Works</div><div>Price: $1,{i}99.00</div></div></a></div>"
                )
            })
            .collect();
        let page = format!(
            "<body><nav>{nav}</nav><div class=\"content\"><h1>Laser projectors</h1>\
             <div class=\"products\">{cards}</div></div></body>",
            nav = menu(&["Screens", "Projectors", "Mounts", "Contact"])
        );
        let x = extract_html(&page).text;
        for i in [1, 12] {
            let t = format!("Short throw laser projector model {i}, 4K, 5000 lumens");
            assert!(x.contains(&t), "{t} missing: {x}");
        }
        assert!(!x.contains("Mounts"), "{x}");
    }

    #[test]
    fn photo_captions_in_an_article_are_still_dropped() {
        let page = format!(
            "<body><article><h1>Harbour works</h1><p>{}</p>\
             <div class=\"image\"><img src=\"/h.jpg\"><div class=\"caption\">The new quay wall \
             seen from the ferry terminal on Monday morning</div></div><p>{}</p></article></body>",
            para("harbour"),
            para("quay")
        );
        assert_eq!(
            extract_html(&page).text,
            format!("Harbour works\n{}\n{}", para("harbour"), para("quay"))
        );
    }

    #[test]
    fn landing_page_of_short_sections_is_read_whole() {
        // A service page: short sections with no paragraph of prose, split by long promo links
        // that make any one section look better than the page to the article reading.
        let section = |name: &str| {
            format!(
                "<section><h2>{name} services</h2><div>We plan, install and service {name} systems \
                 for homes and offices.</div><div>Our {name} engineers are certified and insured \
                 in all regions.</div><div>Book a free {name} survey and get a fixed quote in \
                 writing.</div></section>"
            )
        };
        let promo = "<div class=\"strip\"><a href=\"/guide\">Download our complete buyer's guide \
            to heating, cooling, ventilation, solar panels, heat pumps and home batteries for \
            the year ahead, free for every customer</a></div>";
        let page = format!(
            "<body><nav>{nav}</nav><main>{a}{promo}{b}{promo}{c}</main></body>",
            nav = menu(&["Home", "Services", "About", "Contact"]),
            a = section("heating"),
            b = section("cooling"),
            c = section("solar"),
        );
        let x = extract_html(&page).text;
        for name in ["heating", "cooling", "solar"] {
            assert!(
                x.contains(&format!("{name} services")),
                "{name} missing: {x}"
            );
        }
        assert!(!x.contains("Contact"), "{x}");
    }

    #[test]
    fn news_ticker_of_headlines_with_summaries_beside_an_article_is_dropped() {
        // Each entry is one line: a linked headline, then its first sentence. Beside the
        // article they are other stories; a list of linked names with descriptions inside the
        // article body is the article's own.
        let ticker: String = ["budget", "bridge", "park", "school"]
            .iter()
            .map(|t| {
                format!(
                    "<li><a href=\"/{t}\">Council argues again over the {t} plans</a> CITY: The \
                     {t} plans were debated on Monday.</li>"
                )
            })
            .collect();
        let tools: String = ["hammer", "saw", "drill"]
            .iter()
            .map(|t| {
                format!(
                    "<li><a href=\"/{t}\">The best {t} for beginners at home</a> – a sturdy \
                     {t} that does not cost much and lasts for years.</li>"
                )
            })
            .collect();
        let page = format!(
            "<body><div class=\"cols\"><div class=\"ticker\"><h3>Breaking</h3><ul>{ticker}</ul>\
             </div><div class=\"story\"><h1>Tools to start with</h1><p>{}</p><ul>{tools}</ul>\
             <p>{}</p><p>{}</p></div></div></body>",
            para("hammer"),
            para("saw"),
            para("drill")
        );
        let x = extract_html(&page).text;
        assert!(!x.contains("Council argues"), "{x}");
        for t in ["hammer", "saw", "drill"] {
            assert!(
                x.contains(&format!("The best {t} for beginners")),
                "{t}: {x}"
            );
        }
        assert!(x.contains(&para("saw")));
    }

    #[test]
    fn short_news_item_beside_a_headline_list_stays_the_item() {
        let headlines: String = (1..=10)
            .map(|i| {
                format!("<li><a href=\"/n{i}\">Another story from the newsroom today, number {i}</a></li>")
            })
            .collect();
        let page = format!(
            "<body><div class=\"cols\"><article><h1>Ferry cancelled</h1><p>{}</p></article>\
             <div class=\"list\"><h3>Latest</h3><ul>{headlines}</ul></div></div></body>",
            para("ferry")
        );
        assert_eq!(
            extract_html(&page).text,
            format!("Ferry cancelled\n{}", para("ferry"))
        );
    }

    #[test]
    fn short_article_body_beside_a_headline_list_stays_an_article() {
        // A breaking-news item marked as the article body, beside a longer list of headlines.
        let headlines: String = (1..=20)
            .map(|i| {
                format!(
                    "<li><a href=\"/n{i}\">Another story from the newsroom today, number {i}</a>\
                     <span>By Staff</span></li>"
                )
            })
            .collect();
        let page = format!(
            "<body><div class=\"page\"><div itemprop=\"articleBody\"><p>{}</p></div>\
             <ul class=\"latest\">{headlines}</ul></div></body>",
            para("harbour")
        );
        assert_eq!(extract_html(&page).text, para("harbour"));
    }

    #[test]
    fn text_only_in_json_ld_is_used() {
        let body = (0..10)
            .map(|i| format!("Sentence number {i} of the story."))
            .collect::<Vec<_>>();
        let page = format!(
            r#"<html><head><script type="application/ld+json">
            {{"@context":"https://schema.org","@type":"NewsArticle","headline":"H",
              "articleBody":"{}"}}</script></head>
            <body><div id="app">Loading</div></body></html>"#,
            body.join("\\n")
        );
        assert_eq!(extract_html(&page).text, body.join("\n"));
        // Broken JSON is ignored, not a failure.
        let page =
            r#"<script type="application/ld+json">{"articleBody": </script><p>Hi there.</p>"#;
        assert_eq!(extract_html(page).text, "Hi there.");
    }

    #[test]
    fn tables_code_and_breaks() {
        let page = format!(
            "<body><article><p>{}</p><table><tr><th>Name</th><th>Age</th></tr>\
            <tr><td> Ann </td><td></td><td>30</td></tr></table>\
            <pre><code>fn main() {{\n    go();\n}}\n</code></pre><p>line one<br>line two<br><br>end</p></article></body>",
            para("table")
        );
        let x = extract_html(&page);
        assert_eq!(
            x.text,
            format!(
                "{}\nName | Age\nAnn | 30\nfn main() {{\n    go();\n}}\nline one\nline two\nend",
                para("table")
            )
        );
    }

    /// Cells that wrap their text in one paragraph (Sphinx, many CMS tables) make rows as
    /// bare cells do; a layout table's column of several paragraphs keeps them as lines, and
    /// a cell with a line break or another block is not joined either.
    #[test]
    fn table_cells_of_one_paragraph_are_a_row() {
        let page = format!(
            "<body><article><p>{}</p><table>\
            <tr><td><p>in1_min</p></td><td><p>Undervoltage <b>threshold</b></p></td></tr>\
            <tr><td><p>in1_max</p></td><td>Overvoltage threshold</td></tr>\
            <tr><td><p>a</p><p>b</p></td><td><div>c</div></td><td><p>d<br>e</p></td></tr>\
            </table></article></body>",
            para("table")
        );
        let x = extract_html(&page);
        assert_eq!(
            x.text,
            format!(
                "{}\nin1_min | Undervoltage threshold\nin1_max | Overvoltage threshold\na\nb\nc\nd\ne",
                para("table")
            )
        );
        // A layout table: the article in one cell, paragraph by paragraph.
        three_paragraphs_read_as_lines(
            "<body><table><tr><td>",
            "</td></tr></table></body>",
            ["one", "two", "three"],
        );
    }

    /// Three paragraphs between `before` and `after` are extracted as three lines.
    fn three_paragraphs_read_as_lines(before: &str, after: &str, names: [&str; 3]) {
        let [a, b, c] = names.map(para);
        let page = format!("{before}<p>{a}</p><p>{b}</p><p>{c}</p>{after}");
        assert_eq!(extract_html(&page).text, format!("{a}\n{b}\n{c}"));
    }

    #[test]
    fn prose_under_a_layout_name_inside_the_content_is_kept() {
        // A manual's section about menus (`id="menus"`), or a theme's `content-nav-section`
        // around an article: a layout word on the page's own prose (here under half of it,
        // so the name is not taken for a framework's).
        let page = format!(
            r#"<body><nav>{}</nav><main><h1>The editor</h1><p>{}</p><p>{}</p>
            <section id="menus"><h2>Menus</h2><p>{}</p><p>{}</p></section>
            <section id="startup"><h2>Startup</h2><p>{}</p></section></main>
            <footer>{}</footer></body>"#,
            menu(&["Home", "Docs", "Download", "Community"]),
            para("editor"),
            para("shell"),
            para("file menu"),
            para("edit menu"),
            para("startup"),
            menu(&["Privacy", "Terms", "Contact", "About"]),
        );
        assert_eq!(
            extract_html(&page).text,
            format!(
                "The editor\n{}\n{}\nMenus\n{}\n{}\nStartup\n{}",
                para("editor"),
                para("shell"),
                para("file menu"),
                para("edit menu"),
                para("startup")
            )
        );
    }

    #[test]
    fn prose_under_a_name_for_a_kind_of_text_stays_out() {
        // A box of related stories or a sharing prompt with prose in it is still what its
        // name says, wherever it stands.
        let page = format!(
            r#"<body><main><article><h1>Council vote</h1><p>{}</p><p>{}</p><p>{}</p>
            <div class="related-stories"><p>{}</p><p>{}</p></div></article></main></body>"#,
            para("budget"),
            para("roads"),
            para("schools"),
            para("harbour"),
            para("library"),
        );
        assert_eq!(
            extract_html(&page).text,
            format!(
                "Council vote\n{}\n{}\n{}",
                para("budget"),
                para("roads"),
                para("schools")
            )
        );
    }

    #[test]
    fn text_for_screen_readers_only_is_not_shown() {
        let page = format!(
            r#"<body><a class="screen-reader-text skip-link" href="+main">Skip to content</a>
            <article><p>{} <a href="/x">Read the report<span class="sr-only"> (opens in a new
            tab)</span></a></p><p>Price <span class="visually-hidden">Original price was:
            30 dollars.</span> 21 dollars</p></article></body>"#,
            para("report")
        );
        let want = format!("{} Read the report\nPrice 21 dollars", para("report"));
        assert_eq!(extract_html(&page).text, want);
        assert_eq!(visible_text(&page), want);
    }

    #[test]
    fn aria_hidden_words_in_the_content_are_shown_and_icons_are_not() {
        // aria-hidden keeps text from screen readers, not from the eye: a struck-through price
        // is shown; an icon font's ligature or an icon-named element is decoration.
        let page = format!(
            r#"<body><article><p>{}</p><p>Price: <del aria-hidden="true">was 30 dollars</del>
            now 21 dollars <span class="material-icons" aria-hidden="true">arrow forward</span>
            <span aria-hidden="true">chevron_right</span></p></article></body>"#,
            para("price")
        );
        assert_eq!(
            extract_html(&page).text,
            format!("{}\nPrice: was 30 dollars now 21 dollars", para("price"))
        );
        // Over a whole page's text, aria-hidden still marks copies and chrome.
        assert_eq!(
            visible_text(&page),
            format!("{}\nPrice: now 21 dollars", para("price"))
        );
    }

    #[test]
    fn the_mobile_copy_of_a_layout_is_not_read() {
        let page = format!(
            r#"<body><article><p>{}</p><div class="price md:hidden">Price 21 dollars</div>
            <div class="price hidden md:block">Price: 21 dollars, shipping included</div>
            <div class="d-lg-none">Tap to see the full menu</div></article></body>"#,
            para("layout")
        );
        let want = format!("{}\nPrice: 21 dollars, shipping included", para("layout"));
        assert_eq!(extract_html(&page).text, want);
        assert_eq!(visible_text(&page), want);
    }

    #[test]
    fn hidden_by_a_utility_class_unless_a_click_shows_it() {
        let page = format!(
            r#"<body><article><p>{}</p><div class="compare-drawer d-none"><p>Compare up to
            four products side by side before you buy them.</p></div>
            <div class="faq"><h3>Can I return it?</h3><div class="answer hidden"><p>Yes,
            within thirty days of delivery.</p></div></div>
            <ul class="tab-list"><li>Shown tab item</li></ul><ul class="tab-list is-hidden"><li>Other
            tab item</li></ul></article></body>"#,
            para("hidden")
        );
        let want = format!(
            "{}\nCan I return it?\nYes, within thirty days of delivery.\nShown tab item\nOther tab item",
            para("hidden")
        );
        assert_eq!(extract_html(&page).text, want);
        assert_eq!(visible_text(&page), want);
    }

    #[test]
    fn streamed_segments_of_a_react_page_are_its_text() {
        // React's streaming renderer sends a boundary's content late, under a hidden div that
        // a script moves into place; other hidden divs stay hidden.
        let page = format!(
            r#"<body><main><h1>Index funds</h1><template id="B:0"></template><div>Loading
            paragraph...</div></main><div hidden id="cart"><p>{}</p></div>
            <div hidden id="S:0"><p>{}</p><p>{}</p></div><div hidden id="S:"><p>{}</p></div>
            <script>$RC("B:0","S:0")</script></body>"#,
            para("cart"),
            para("index"),
            para("fees"),
            para("unnamed")
        );
        let x = extract_html(&page).text;
        assert!(
            x.contains(&format!("{}\n{}", para("index"), para("fees"))),
            "{x}"
        );
        assert!(!x.contains(&para("cart")), "{x}");
        assert!(!x.contains(&para("unnamed")), "{x}");
        assert!(visible_text(&page).contains(&para("index")));
    }

    #[test]
    fn popovers_are_hidden_until_opened() {
        // A prompt card under the `popover` attribute: the browser shows it only when a button
        // or a script opens it. The page's own text inside the post stays.
        let page = format!(
            r#"<body><article><p>{}</p><div popover id="push"><h4>Configure browser push
            notifications</h4><p>Tap the lock icon next to the address bar and allow them.</p></div>
            <p>{}</p></article></body>"#,
            para("popover"),
            para("thread")
        );
        let want = format!("{}\n{}", para("popover"), para("thread"));
        assert_eq!(extract_html(&page).text, want);
        assert_eq!(visible_text(&page), want);
    }

    #[test]
    fn highlighted_code_keeps_the_blanks_between_its_tokens() {
        // Pygments and its kind put each token, and the blanks between, in a span of its own.
        let page = format!(
            "<body><article><p>{}</p><pre><span class=\"gp\">&gt;&gt;&gt; </span>\
            <span class=\"kn\">from</span><span class=\"w\"> </span><span class=\"nn\">os</span>\
            <span class=\"w\"> </span><span class=\"kn\">import</span> <span>path</span>\n\
            <span class=\"w\">    </span><span>return</span><span class=\"w\"> </span><span>x</span>\n\
            <span class=\"w\">  </span>\n</pre></article></body>",
            para("code")
        );
        assert_eq!(
            extract_html(&page).text,
            format!("{}\n>>> from os import path\n    return x", para("code"))
        );
    }

    #[test]
    fn chrome_hidden_and_link_lists_removed() {
        let page = format!(
            r#"<body><nav><a href="/">Home</a></nav><header><div class="logo">Site Name</div></header>
            <aside>Related links</aside><div hidden>hidden text</div><span aria-hidden="true">icon</span>
            <div role="dialog"><p>Subscribe to our newsletter for weekly updates and offers</p></div>
            <div class="post"><p>{}</p>{}</div><footer>Copyright 2024</footer>
            <noscript>Enable JS</noscript></body>"#,
            para("road"),
            menu(&["tag-one", "tag-two", "tag-three", "tag-four"])
        );
        assert_eq!(extract_html(&page).text, para("road"));
    }

    #[test]
    fn unclosed_aside_around_the_page_is_not_chrome() {
        // The banner's `</aside>` is missing: the parser nests the whole page in it. An aside
        // around `<main>` is no aside; the chrome inside the page still goes.
        let page = format!(
            r#"<body><aside class="announcement-banner"><a href="/news">We joined a bigger company</a>
            <nav>{}</nav><main><article><p>{}</p><p>{}</p></article></main>
            <footer>Copyright 2024</footer></body>"#,
            menu(&["Home", "Docs", "Blog", "About"]),
            para("road"),
            para("bridge")
        );
        assert_eq!(
            extract_html(&page).text,
            format!("{}\n{}", para("road"), para("bridge"))
        );
    }

    #[test]
    fn collapsed_accordion_and_tab_panels_are_read() {
        // Closed panels are hidden until clicked; other hidden parts (a dropdown, a
        // script-filled template) stay out.
        let page = format!(
            r#"<body><main><h1>Oak Desk 120</h1><p>{}</p>
            <button aria-controls="p1">Details</button>
            <div id="p1" role="region" aria-hidden="true"><p>{}</p></div>
            <div class="tab-pane collapse" style="display:none"><p>{}</p></div>
            <div class="dropdown" hidden><p>{}</p></div></main></body>"#,
            para("desk"),
            para("drawer"),
            para("finish"),
            para("dropdown")
        );
        assert_eq!(
            extract_html(&page).text,
            format!(
                "Oak Desk 120\n{}\n{}\n{}",
                para("desk"),
                para("drawer"),
                para("finish")
            )
        );
    }

    #[test]
    fn a_one_line_page_under_a_long_sidebar_keeps_its_line_only() {
        // A book's page whose content is one line, beside the book's table of contents (the
        // same on every page). Taking the page's full text for a selection this thin put the
        // table of contents in every such page, and dedup then dropped them all as copies of
        // one another, their own line with them (444 of the Debian documentation's pages).
        let toc: String = (0..120)
            .map(|i| format!("<li><a href=/f{i}.html>feature_number_{i}</a></li>"))
            .collect();
        let page = format!(
            "<html><body><nav class=sidebar><ol class=chapter>{toc}</ol></nav>\
             <div id=content><main><h1>fn_align</h1>\
             <p>The tracking issue for this feature is: <a href=/i/82232>#82232</a></p>\
             </main></div></body></html>"
        );
        let x = extract_html(&page);
        assert!(
            x.text
                .contains("The tracking issue for this feature is: #82232"),
            "{}",
            x.text
        );
        assert!(!x.text.contains("feature_number_7"), "{}", x.text);
    }

    #[test]
    fn short_one_paragraph_page_is_kept() {
        let x = extract_html("<html><body><p>Closed on Monday.</p></body></html>");
        assert_eq!(x.text, "Closed on Monday.");
        let x = extract_html("<body><h1> Heading\n One </h1><p>x</p></body>");
        assert_eq!(x.title.as_deref(), Some("Heading One"));
        assert_eq!(x.text, "Heading One\nx");
    }

    #[test]
    fn page_wrapping_form_is_kept_search_form_dropped() {
        let page = "<body><form id=aspnetForm><div><p>Real content here.</p></div>\
            </form><form><input name=q><label>Search</label></form></body>";
        assert_eq!(extract_html(page).text, "Real content here.");
    }

    #[test]
    fn thread_inside_a_moderation_form_is_kept() {
        // Forum software wraps a thread's posts, bare `<div>`s of text, in one form.
        let posts: String = ["kettle", "toaster"]
            .iter()
            .map(|t| {
                format!(
                    "<div class=\"msg\"><div class=\"inner\">{}</div></div>",
                    para(t)
                )
            })
            .collect();
        let page = format!(
            "<body><form action=\"/quickmod\" method=\"post\">{posts}</form>\
             <form action=\"/login\"><label>Username</label><input name=u>\
             <label>Password</label><input name=p></form></body>"
        );
        assert_eq!(
            extract_html(&page).text,
            format!("{}\n{}", para("kettle"), para("toaster"))
        );
    }

    #[test]
    fn form_of_short_labels_is_dropped() {
        let labels: String = ["First name", "Last name", "Email", "Phone", "Company"]
            .iter()
            .map(|l| format!("<div class=\"field\"><label>{l} (required)</label><input></div>"))
            .collect();
        let page = format!(
            "<body><div class=\"post\"><p>{}</p><form>{labels}{labels}{labels}</form></div></body>",
            para("gate")
        );
        assert_eq!(extract_html(&page).text, para("gate"));
    }

    #[test]
    fn long_noscript_markup_is_read() {
        three_paragraphs_read_as_lines(
            "<body><div id=app></div><noscript><div class=post>",
            "</div></noscript></body>",
            ["forum", "thread", "reply"],
        );
    }

    #[test]
    fn visible_text_keeps_everything_rendered() {
        let page = "<html><head><title>T</title><style>p{}</style></head><body><nav><a>Home</a></nav>\
            <p>Body <b>text</b></p><script>x()</script><div style=\"display: none\">gone</div>\
            <footer>Foot</footer></body></html>";
        assert_eq!(visible_text(page), "Home\nBody text\nFoot");
    }

    #[test]
    fn odd_input_does_not_panic() {
        for page in [
            "",
            "<",
            "<<<>>>",
            "<html><body></body></html>",
            "<table><td><td><tr></table>",
            "<pre>\r\n\r\n</pre>",
            "<a><a><a>text</a>",
            "<noscript><noscript>",
            "\u{0}\u{feff}<p>\u{e000}</p>",
        ] {
            let _ = extract_html(page);
            let _ = visible_text(page);
        }
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
