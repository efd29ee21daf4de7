//! One pass over the parsed page that flattens it into what extraction needs: the text as lines
//! (one per block element, table cells joined by ` | `), each line tagged with the block element
//! that owns it and its link share, and a compact tree of the block elements with their
//! class/id/role hints. Everything later works on these arrays, never on the DOM again.

use ego_tree::iter::Edge;
use scraper::node::Element;
use scraper::{Html, Node};

/// What the flattening keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Every rendered text node: what a browser shows, menus and all.
    Visible,
    /// Also drops what is never main content (navigation, page header and footer, asides,
    /// forms without text, ARIA landmarks of site chrome).
    Content,
}

/// The block elements that matter to extraction; everything else is `Other`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Tag {
    Root,
    P,
    Heading(u8),
    Li,
    List,
    Table,
    Tr,
    Pre,
    Article,
    Main,
    Section,
    Header,
    Footer,
    Form,
    Blockquote,
    Figure,
    Caption,
    Dl,
    Dt,
    Dd,
    Other,
}

/// A block element.
#[derive(Debug, Clone)]
pub(super) struct Elem {
    pub tag: Tag,
    /// Nearest block ancestor (the root is its own parent).
    pub parent: u32,
    /// Boilerplate (< 0) or content (> 0) names in class, id, role or itemprop.
    pub hint: i8,
    /// Which boilerplate word gave a negative hint (1-based id), 0 for none.
    pub word: u8,
    /// Last descendant: the subtree is `index..=end` (elements are in document order).
    pub end: u32,
}

/// A line of output text.
#[derive(Debug, Clone)]
pub(super) struct Block {
    /// Byte range in [`Dom::text`].
    pub start: u32,
    pub end: u32,
    /// Innermost block element holding the line.
    pub owner: u32,
    /// Bytes of words, and of words inside links.
    pub chars: u32,
    pub link_chars: u32,
    /// Bytes of the words inside links before the line's first word outside one: a line
    /// opening with a linked title.
    pub lead_link: u32,
}

/// The flattened page.
pub(super) struct Dom {
    /// All lines, each followed by `\n`.
    pub text: String,
    pub elems: Vec<Elem>,
    pub blocks: Vec<Block>,
    pub title: Option<String>,
    pub first_h1: Option<String>,
    /// Bodies of `<script type="application/ld+json">`.
    pub ld_json: Vec<String>,
    /// Were hidden elements dropped?
    pub saw_hidden: bool,
    /// Does structured data (microdata `itemtype` or JSON-LD `@type`) call the page a forum
    /// thread (`DiscussionForumPosting`)? Its comments are then the content. Question pages
    /// (`QAPage`) are not: their answers are, the remarks under each answer are not.
    pub discussion: bool,
    /// Does structured data call the page a product (`Product`)? Its customer reviews are
    /// then beside the content, not the content.
    pub product: bool,
}

impl Dom {
    pub fn line(&self, b: &Block) -> &str {
        self.text
            .get(b.start as usize..b.end as usize)
            .unwrap_or_default()
    }
}

/// Elements whose content is never rendered page text.
fn never_rendered(name: &str) -> bool {
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
            | "title"
            | "noembed"
            | "noframes"
            | "button"
            | "dialog"
    )
}

/// Elements that are site chrome wherever they stand.
fn chrome_tag(name: &str) -> bool {
    matches!(name, "nav" | "aside" | "menu" | "footer")
}

/// Block elements: they start and end a line. `None` for inline elements.
fn block_tag(name: &str) -> Option<Tag> {
    Some(match name {
        "p" => Tag::P,
        "h1" => Tag::Heading(1),
        "h2" => Tag::Heading(2),
        "h3" => Tag::Heading(3),
        "h4" => Tag::Heading(4),
        "h5" => Tag::Heading(5),
        "h6" => Tag::Heading(6),
        "li" => Tag::Li,
        "ul" | "ol" | "menu" | "dir" => Tag::List,
        "table" => Tag::Table,
        "tr" => Tag::Tr,
        "pre" | "listing" | "plaintext" | "xmp" => Tag::Pre,
        "article" => Tag::Article,
        "main" => Tag::Main,
        "section" => Tag::Section,
        "header" => Tag::Header,
        "footer" => Tag::Footer,
        "form" => Tag::Form,
        "blockquote" => Tag::Blockquote,
        "figure" => Tag::Figure,
        "figcaption" | "caption" => Tag::Caption,
        "dl" => Tag::Dl,
        "dt" => Tag::Dt,
        "dd" => Tag::Dd,
        "div" | "hgroup" | "thead" | "tbody" | "tfoot" | "address" | "hr" | "body" | "html"
        | "center" | "details" | "summary" | "fieldset" | "legend" | "nav" | "aside" => Tag::Other,
        _ => return None,
    })
}

/// Hidden, and not a collapsed panel: the closed sections of an accordion or the other tabs
/// of a tab set (a product's details, a course's syllabus) are the page's text a click away,
/// as a closed `<details>` is. Text clipped out of sight for screen readers is hidden, and so
/// is text under a framework's hiding utility class (`d-none`, `hidden`), unless it is such a
/// panel (see [`toggled`]) or shown again at desktop width.
///
/// `aria-hidden` keeps an element from screen readers, not from the eye. Over a whole page
/// (`Mode::Visible`) it marks copies and chrome (a carousel's cloned slides, the mobile copy
/// of a menu) and hides them; inside the main content (`Mode::Content`) it hides only
/// decoration (see [`decoration`]): text there is the shown form of what a screen reader
/// gets in words (a struck-through price beside "Original price was: $30.00").
fn is_hidden(node: ego_tree::NodeRef<'_, Node>, el: &Element, mode: Mode) -> bool {
    let mut hidden = false;
    for (k, v) in el.attrs() {
        hidden |= match k {
            // Shown only when opened (a button's `popovertarget`, a script): the browser
            // hides a popover until then, as it does a closed `<dialog>`.
            "popover" => true,
            "hidden" => !streamed_segment(el),
            "aria-hidden" => {
                v.trim().eq_ignore_ascii_case("true")
                    && (mode == Mode::Visible || decoration(node, el))
            }
            "class" => {
                screen_reader_only(v)
                    || hidden_on_desktop(v)
                    || (display_none(v) && !toggled(node, v))
            }
            "style" => {
                let s = v.as_bytes();
                css_is(s, b"display", b"none") || css_is(s, b"visibility", b"hidden")
            }
            _ => false,
        };
    }
    hidden && !collapsed_panel(el)
}

/// A segment of a page streamed by React's server renderer (Next.js and others): the content
/// of a suspense boundary, sent later in the stream under `<div hidden id="S:n">` and moved
/// into place by a script as soon as it arrives. It is the page's text, not hidden text.
fn streamed_segment(el: &Element) -> bool {
    el.name() == "div"
        && el.attr("id").is_some_and(|id| {
            id.strip_prefix("S:")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric()))
        })
}

/// Is an element kept from screen readers decoration: an icon (by its tag or class words), or
/// at most one word (an icon font's ligature name, a "×", a separator)? Otherwise it is text
/// shown twice to the eye and once to a screen reader: a price struck through beside its
/// spoken form, a card's linked image beside its linked title, a slide of a carousel.
fn decoration(node: ego_tree::NodeRef<'_, Node>, el: &Element) -> bool {
    matches!(el.name(), "i" | "svg" | "img" | "picture")
        || el
            .attrs()
            .any(|(k, v)| matches!(k, "class" | "id") && has_word(v, ICON_WORDS))
        || {
            // At most one word; stop counting at the second (this runs on every
            // `aria-hidden` element, and they nest).
            let mut words = 0;
            words_of(node, |_| {
                words += 1;
                words > 1
            });
            words <= 1
        }
}

/// Class and id words of icons.
const ICON_WORDS: &[&[u8]] = &[
    b"icon",
    b"icons",
    b"glyph",
    b"glyphicon",
    b"fa",
    b"emoji",
    b"symbol",
    b"symbols",
];

/// Text for screen readers only: the utility classes of the common CSS frameworks and CMSs
/// (Bootstrap, Tailwind, WordPress, Drupal, Foundation, Amazon) that clip an element out of
/// sight. It says again what the page shows ("Original price was: $30.00", a link's "about
/// Kettles") or labels a control ("Skip to content"); a reader of the page never sees it.
fn screen_reader_only(class: &str) -> bool {
    has_class(class, SCREEN_READER_CLASSES)
}

/// Does a `class` value hold one of `classes` as a whole class (ASCII case-insensitive)?
fn has_class(class: &str, classes: &[&str]) -> bool {
    class
        .split_ascii_whitespace()
        .any(|c| is_one_of(c, classes))
}

fn is_one_of(class: &str, classes: &[&str]) -> bool {
    classes.iter().any(|k| class.eq_ignore_ascii_case(k))
}

const SCREEN_READER_CLASSES: &[&str] = &[
    "sr-only",
    "sr-only-focusable",
    "visually-hidden",
    "visually-hidden-focusable",
    "visuallyhidden",
    "u-visually-hidden",
    "is-visually-hidden",
    "hidden-visually",
    "screen-reader-text",
    "screen-reader-only",
    "element-invisible",
    "show-for-sr",
    "offscreen",
    "a-offscreen",
];

/// Hidden from a desktop-width window by a framework's responsive utility class (Tailwind
/// `md:hidden`, Bootstrap `d-lg-none`, Foundation `hide-for-large`, `mobile-only`): the
/// mobile copy of a menu, a list or a price that the page shows again in its desktop layout.
/// The page is read as a desktop browser shows it.
fn hidden_on_desktop(class: &str) -> bool {
    has_class(class, DESKTOP_HIDDEN_CLASSES)
}

const DESKTOP_HIDDEN_CLASSES: &[&str] = &[
    "sm:hidden",
    "md:hidden",
    "lg:hidden",
    "xl:hidden",
    "d-md-none",
    "d-lg-none",
    "d-xl-none",
    "hidden-md",
    "hidden-lg",
    "hidden-desktop",
    "hide-desktop",
    "hide-for-large",
    "mobile-only",
    "show-mobile",
    "visible-xs",
];

/// Utility classes that set `display: none` (or `visibility: hidden`) at every width.
const DISPLAY_NONE_CLASSES: &[&str] = &[
    "hidden",
    "d-none",
    "hide",
    "is-hidden",
    "invisible",
    "u-hidden",
    "display-none",
];

/// Hidden by a utility class, and not shown again from some width on (Tailwind's
/// `hidden md:block`, Bootstrap's `d-none d-lg-flex`: the desktop copy of a layout).
fn display_none(class: &str) -> bool {
    // The hiding class first: most elements have none, and the other test lowercases.
    has_class(class, DISPLAY_NONE_CLASSES)
        && !class.split_ascii_whitespace().any(shown_from_a_width)
}

/// A responsive class that shows an element from some width on (`md:block`, `d-lg-flex`).
fn shown_from_a_width(class: &str) -> bool {
    let t = class.to_ascii_lowercase();
    if let Some((width, display)) = t.split_once(':') {
        matches!(width, "sm" | "md" | "lg" | "xl" | "2xl")
            && matches!(
                display,
                "block"
                    | "flex"
                    | "grid"
                    | "inline"
                    | "inline-block"
                    | "inline-flex"
                    | "table"
                    | "contents"
            )
    } else if let Some(rest) = t.strip_prefix("d-") {
        rest.split_once('-').is_some_and(|(width, display)| {
            matches!(width, "sm" | "md" | "lg" | "xl" | "xxl") && display != "none"
        })
    } else {
        false
    }
}

/// Is a hidden element a panel that a click shows, the page's text a click away? Scripts
/// toggle the same utility class on an FAQ's answer (after its question's button or heading)
/// and on the other lists of a tab set (beside a shown sibling of the same class).
fn toggled(node: ego_tree::NodeRef<'_, Node>, class: &str) -> bool {
    let previous = node.prev_siblings().find_map(|n| n.value().as_element());
    if previous.is_some_and(|p| {
        matches!(
            p.name(),
            "button" | "summary" | "dt" | "label" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
        ) || p.attrs().any(|(k, v)| {
            matches!(k, "aria-expanded" | "aria-controls")
                || (k == "role"
                    && (v.eq_ignore_ascii_case("button") || v.eq_ignore_ascii_case("tab")))
        })
    }) {
        return true;
    }
    // The element's own kind: its first class that is not the hiding one.
    let Some(kind) = class
        .split_ascii_whitespace()
        .find(|t| !is_one_of(t, DISPLAY_NONE_CLASSES))
    else {
        return false;
    };
    // The nearest siblings only: a tab set has a few panels, and a list of thousands of
    // hidden items must not cost a pass over the list for each.
    let shown_kind = |e: &Element| {
        e.attr("class")
            .is_some_and(|c| c.split_ascii_whitespace().any(|t| t == kind) && !display_none(c))
    };
    let before = node.prev_siblings().filter_map(|n| n.value().as_element());
    let after = node.next_siblings().filter_map(|n| n.value().as_element());
    before.take(TAB_SIBLINGS).any(shown_kind) || after.take(TAB_SIBLINGS).any(shown_kind)
}

/// How many element siblings on each side are looked at for a tab set's shown panel.
const TAB_SIBLINGS: usize = 8;

/// An accordion or tab panel, by its ARIA role or its class and id names.
fn collapsed_panel(el: &Element) -> bool {
    el.attrs().any(|(k, v)| match k {
        "role" => v.eq_ignore_ascii_case("tabpanel") || v.eq_ignore_ascii_case("region"),
        "class" | "id" => has_word(v, PANEL_WORDS),
        _ => false,
    })
}

/// Class and id words of collapsible panels.
const PANEL_WORDS: &[&[u8]] = &[
    b"accordion",
    b"collapse",
    b"collapsible",
    b"expander",
    b"expandable",
    b"tabpanel",
];

/// Does a class or id value hold one of `words` (lowercase) as a whole word, split as
/// [`name_hint`] splits?
fn has_word(value: &str, words: &[&[u8]]) -> bool {
    let mut found = false;
    for_each_word(value, |w| {
        found |= words.contains(&w);
        found
    });
    found
}

/// Call `f` with each word of a class or id value, lowercased, split at non-alphanumerics and
/// lower-to-upper case changes; stop when it returns `true`.
fn for_each_word(value: &str, mut f: impl FnMut(&[u8]) -> bool) {
    let bytes = value.as_bytes();
    let mut start = 0;
    let mut i = 0;
    let mut word = [0u8; 24];
    while i <= bytes.len() {
        let at_end = i == bytes.len();
        let split = at_end
            || !bytes[i].is_ascii_alphanumeric()
            || (i > start && bytes[i].is_ascii_uppercase() && bytes[i - 1].is_ascii_lowercase());
        if split {
            let w = &bytes[start..i];
            if !w.is_empty() && w.len() <= word.len() {
                let low = &mut word[..w.len()];
                low.copy_from_slice(w);
                low.make_ascii_lowercase();
                if f(low) {
                    return;
                }
            }
            start = if at_end || !bytes[i].is_ascii_alphanumeric() {
                i + 1
            } else {
                i
            };
        }
        i += 1;
    }
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

/// ARIA roles of site chrome.
fn chrome_role(role: &str) -> bool {
    role.split_ascii_whitespace().any(|r| {
        matches!(
            r.to_ascii_lowercase().as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "search"
                | "menubar"
                | "menu"
                | "dialog"
                | "alertdialog"
                | "toolbar"
        )
    })
}

/// Words in class and id values that name boilerplate (-2) or content (+1). Matched as whole
/// words of the names split at `-`, `_`, spaces and case changes, so `nav-link` and
/// `siteFooter` match but `canvas` or `unavailable` do not.
///
/// A word right after `ck` is CKEditor's, which writes `ck-widget` on the images, tables and
/// column grids an author puts in a text (Drupal's default editor): it names a piece of the
/// article, not a sidebar's widget.
fn name_hint(value: &str) -> (i8, u8) {
    let mut hint = 0i8;
    let mut neg = None;
    let mut editor = false;
    for_each_word(value, |w| {
        let (h, id) = word_hint(w);
        let after_editor = std::mem::replace(&mut editor, w == b"ck");
        if h < 0 && !after_editor {
            neg = Some((h, id));
            return true;
        }
        hint = hint.max(h);
        false
    });
    neg.unwrap_or((hint, 0))
}

/// Class and id words that name boilerplate: -2 for chrome, -1 for captions and credits.
/// Index + 1 is the word's id in [`Elem::word`].
const NEG_WORDS: &[(&[u8], i8)] = &[
    (b"nav", -2),
    (b"navbar", -2),
    (b"navigation", -2),
    (b"menu", -2),
    (b"menus", -2),
    (b"submenu", -2),
    (b"megamenu", -2),
    (b"footer", -2),
    (b"sidebar", -2),
    (b"sidenav", -2),
    (b"widget", -2),
    (b"widgets", -2),
    (b"breadcrumb", -2),
    (b"breadcrumbs", -2),
    (b"share", -2),
    (b"sharing", -2),
    (b"sharebar", -2),
    (b"social", -2),
    (b"related", -2),
    (b"recommended", -2),
    // Not a class word (names are split at spaces): the mark of a strip found by its heading.
    (RECOMMENDATIONS, -2),
    (b"recirculation", -2),
    (b"promo", -2),
    (b"advert", -2),
    (b"advertisement", -2),
    (b"ad", -2),
    (b"ads", -2),
    (b"adslot", -2),
    (b"sponsor", -2),
    (b"sponsored", -2),
    (b"cookie", -2),
    (b"cookies", -2),
    (b"consent", -2),
    (b"gdpr", -2),
    (b"newsletter", -2),
    (b"subscribe", -2),
    (b"subscription", -2),
    (b"signup", -2),
    (b"popup", -2),
    (b"modal", -2),
    (b"masthead", -2),
    (b"banner", -2),
    (b"skip", -2),
    (b"toolbar", -2),
    (b"pagination", -2),
    (b"pager", -2),
    (b"comment", -2),
    (b"comments", -2),
    (b"disqus", -2),
    (b"outbrain", -2),
    (b"taboola", -2),
    (b"tags", -2),
    (b"tagcloud", -2),
    (b"byline", -2),
    (b"signature", -2),
    (b"copyright", -2),
    (b"login", -2),
    (b"signin", -2),
    (b"rss", -2),
    (b"trending", -2),
    (b"popular", -2),
    (b"most", -2),
    (b"reviews", -2),
    (b"caption", -1),
    (b"credit", -1),
    (b"credits", -1),
    (b"figcaption", -1),
];

/// The boilerplate word with id `id`.
pub(super) fn word_name(id: usize) -> Option<&'static [u8]> {
    NEG_WORDS.get(id.checked_sub(1)?).map(|(w, _)| *w)
}

/// Number of distinct boilerplate words (ids run from 1 to this).
pub(super) const NEG_WORD_COUNT: usize = NEG_WORDS.len();

/// The hint of one lowercase word, and its id in [`NEG_WORDS`] when it is a boilerplate word.
fn word_hint(w: &[u8]) -> (i8, u8) {
    match w {
        b"article" | b"content" | b"entry" | b"post" | b"story" | b"body" | b"text" | b"main"
        | b"blog" | b"prose" | b"articlebody" | b"entrycontent" | b"postbody" => (1, 0),
        _ => NEG_WORDS
            .iter()
            .position(|(n, _)| *n == w)
            .map_or((0, 0), |i| (NEG_WORDS[i].1, i as u8 + 1)),
    }
}

/// Does a schema.org type name (or JSON-LD text) say the page is a discussion?
fn names_discussion(s: &str) -> bool {
    s.contains("DiscussionForumPosting")
}

/// Does JSON-LD text give something the `@type` `Product`?
fn ld_names_product(json: &str) -> bool {
    let mut from = 0;
    while let Some(i) = json[from..].find("\"@type\"") {
        let rest = json[from + i + 7..].trim_start();
        let value = rest.strip_prefix(':').map(str::trim_start).unwrap_or("");
        let value = value
            .strip_prefix('[')
            .map(str::trim_start)
            .unwrap_or(value);
        if value.starts_with("\"Product\"") {
            return true;
        }
        from += i + 7;
    }
    false
}

/// The hint of an element marked `itemprop="articleBody"`: structured data naming the text.
pub(super) const ARTICLE_BODY_HINT: i8 = 3;

/// Output builder: one line per block, whitespace collapsed, table cells joined by ` | `, and a
/// [`Block`] per line.
struct Writer {
    out: String,
    line_start: usize,
    pending: Pending,
    owner: u32,
    in_link: bool,
    chars: u32,
    link_chars: u32,
    lead_link: u32,
    blocks: Vec<Block>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Space,
    Cell,
}

impl Writer {
    fn new(capacity: usize) -> Writer {
        Writer {
            out: String::with_capacity(capacity),
            line_start: 0,
            pending: Pending::None,
            owner: 0,
            in_link: false,
            chars: 0,
            link_chars: 0,
            lead_link: 0,
            blocks: Vec::new(),
        }
    }

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
        let n = w.len() as u32;
        self.chars += n;
        if self.in_link {
            if self.link_chars + n == self.chars {
                self.lead_link += n;
            }
            self.link_chars += n;
        }
    }

    /// Preformatted text: line breaks kept, indentation kept, trailing blanks trimmed. A text
    /// node of blanks only is kept too: highlighters put the space between two tokens in an
    /// element of its own (`<span class="w"> </span>`), and dropping it glues the tokens.
    fn pre(&mut self, t: &str) {
        for (i, line) in t.split('\n').enumerate() {
            if i > 0 {
                self.newline();
            }
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            if !self.line_empty() && self.pending != Pending::None {
                self.out.push(' ');
            }
            self.pending = Pending::None;
            self.out.push_str(line);
            self.chars += line.len() as u32;
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
            self.blocks.push(Block {
                start: self.line_start as u32,
                end: self.out.len() as u32,
                owner: self.owner,
                chars: self.chars,
                link_chars: self.link_chars.min(self.chars),
                lead_link: self.lead_link.min(self.chars),
            });
            self.out.push('\n');
            self.line_start = self.out.len();
        }
        self.chars = 0;
        self.link_chars = 0;
        self.lead_link = 0;
        self.pending = Pending::None;
    }
}

/// Whitespace-collapsed text of the text nodes under `node`.
fn text_of(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    words_of(node, |w| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
        false
    });
    out
}

/// Call `f` with each word of the text nodes under `node`, outside elements that are never
/// rendered (a script, an icon's SVG); stop when it returns `true`.
fn words_of(node: ego_tree::NodeRef<'_, Node>, mut f: impl FnMut(&str) -> bool) {
    // Inside an element that is never rendered when > 0.
    let mut hidden = 0usize;
    for edge in node.traverse() {
        match edge {
            Edge::Open(d) => match d.value() {
                Node::Element(e) if hidden > 0 || (d != node && never_rendered(e.name())) => {
                    hidden += 1
                }
                Node::Text(t) if hidden == 0 => {
                    for w in t.split_whitespace() {
                        if f(w) {
                            return;
                        }
                    }
                }
                _ => {}
            },
            Edge::Close(d) => {
                if hidden > 0 && d.value().is_element() {
                    hidden -= 1;
                }
            }
        }
    }
}

/// Does the subtree hold running text? Old sites (ASP.NET) wrap the whole page in one
/// `<form>`, and forum software wraps a thread's posts in its moderation form; such a form is
/// content, a search or login form is not. Content is a paragraph or heading element, or more
/// running text than a form's labels and buttons come to (posts are often bare `<div>`s).
fn holds_content(node: ego_tree::NodeRef<'_, Node>) -> bool {
    let mut text = 0usize;
    node.descendants().any(|d| match d.value() {
        Node::Element(e) => matches!(e.name(), "p" | "article" | "main" | "h1" | "h2"),
        Node::Text(t) => {
            let rendered = d
                .parent()
                .and_then(|p| p.value().as_element().map(|e| !never_rendered(e.name())))
                .unwrap_or(true);
            // Only runs of prose count: labels, prices and table figures are short.
            let run = t.trim().len();
            if rendered && run >= FORM_RUN {
                text += run;
            }
            text > FORM_TEXT
        }
        _ => false,
    })
}

/// Does the subtree hold the page's main element (`<main>`, `role="main"`)?
fn holds_main(node: ego_tree::NodeRef<'_, Node>) -> bool {
    node.descendants().skip(1).any(|d| {
        d.value().as_element().is_some_and(|e| {
            e.name() == "main"
                || e.attr("role")
                    .is_some_and(|r| r.eq_ignore_ascii_case("main"))
        })
    })
}

/// Bytes of prose, in text runs of at least `FORM_RUN` bytes, from which a form holds more than
/// its controls.
const FORM_TEXT: usize = 300;
const FORM_RUN: usize = 80;

/// Parse and flatten a page.
///
/// Hidden elements are dropped, unless that leaves next to nothing while hidden elements hold
/// the page: sites hide the whole body until their scripts run (against a flash of unstyled
/// content) or stream it into hidden containers, and a browser would show it all.
pub(super) fn flatten(html: &str, mode: Mode) -> Dom {
    let doc = Html::parse_document(&super::elide::without_script_bodies(html));
    let dom = flatten_doc(&doc, mode, false);
    if dom.text.len() >= HIDDEN_FALLBACK || !dom.saw_hidden {
        return dom;
    }
    let all = flatten_doc(&doc, mode, true);
    if all.text.len() >= 2 * dom.text.len() + HIDDEN_FALLBACK / 2 {
        all
    } else {
        dom
    }
}

/// Bytes of text below which a page whose hidden elements were dropped is read again with
/// them.
const HIDDEN_FALLBACK: usize = 1000;

pub(super) fn flatten_doc(doc: &Html, mode: Mode, keep_hidden: bool) -> Dom {
    let mut f = Flattener {
        mode,
        keep_hidden,
        saw_hidden: false,
        discussion: false,
        product: false,
        w: Writer::new(16 * 1024),
        elems: vec![Elem {
            tag: Tag::Root,
            parent: 0,
            hint: 0,
            word: 0,
            end: 0,
        }],
        stack: Vec::with_capacity(64),
        pre_depth: 0,
        link_depth: 0,
        cells: Vec::new(),
        content_depth: 0,
        title: None,
        first_h1: None,
        ld_json: Vec::new(),
        fragments: 0,
    };
    f.walk(doc.tree.root());
    let Flattener {
        mut w,
        mut elems,
        title,
        first_h1,
        ld_json,
        saw_hidden,
        discussion,
        product,
        ..
    } = f;
    w.newline();
    // Subtree ends: children come after their parents, so one backward sweep suffices.
    for i in (1..elems.len()).rev() {
        let (parent, end) = (elems[i].parent as usize, elems[i].end);
        if let Some(p) = elems.get_mut(parent)
            && p.end < end
        {
            p.end = end;
        }
    }
    if mode == Mode::Content {
        mark_recommendations(&mut elems, &w.blocks, &w.out);
    }
    let discussion = discussion || ld_json.iter().any(|j| names_discussion(j));
    let product = product || ld_json.iter().any(|j| ld_names_product(j));
    Dom {
        text: w.out,
        elems,
        blocks: w.blocks,
        title,
        first_h1,
        ld_json,
        saw_hidden,
        discussion,
        product,
    }
}

/// The boilerplate word a recommendation strip's element is marked with: its heading says
/// what it is, so unlike a class name it holds however much of the page the strip fills.
pub(super) const RECOMMENDATIONS: &[u8] = b"recommendation strip";

/// Headings of recommendation strips on shop and article pages ("You may also like", "Customers
/// also viewed"), in a few languages: whole-line matches, lowercase, punctuation dropped.
const RECOMMENDATION_HEADINGS: &[&str] = &[
    "you may also like",
    "you might also like",
    "you may also be interested in",
    "you might also be interested in",
    "you might be interested in",
    "you may be interested in",
    "customers also viewed",
    "customers also bought",
    "customers who viewed this item also viewed",
    "customers who bought this item also bought",
    "people who viewed this item also viewed",
    "people also viewed",
    "people also bought",
    "others also bought",
    "frequently bought together",
    "related products",
    "related items",
    "similar items",
    "similar products",
    "sponsored items",
    "recently viewed",
    "recently viewed products",
    "recently viewed items",
    "seller's other items",
    "more from this seller",
    "complete the look",
    "shop the look",
    "recommended for you",
    "recommended products",
    "more like this",
    "das könnte dir auch gefallen",
    "das könnte ihnen auch gefallen",
    "ähnliche produkte",
    "ähnliche artikel",
    "kunden kauften auch",
    "zuletzt angesehen",
    "vous aimerez aussi",
    "vous aimerez peut-être aussi",
    "vous pourriez aussi aimer",
    "produits similaires",
    "produits associés",
    "récemment consultés",
    "también te puede interesar",
    "te puede interesar",
    "productos relacionados",
    "productos similares",
    "potrebbe interessarti anche",
    "potrebbero interessarti",
    "prodotti correlati",
    "prodotti simili",
    "misschien vind je dit ook leuk",
    "gerelateerde producten",
    "vergelijkbare producten",
    "produtos relacionados",
    "você também pode gostar",
    // "Read also" strips under articles. Not "related articles": wikis open their pages with
    // a box so titled, and the heading would take the page it opens with it.
    "você pode gostar",
    "você também pode se interessar",
    "leia também",
    "veja também",
    "you may also enjoy",
    "you might also enjoy",
    "recommended reading",
    "recommended stories",
    "recommended articles",
    "more stories",
    "read next",
    "what to read next",
    "lesen sie auch",
    "das könnte sie auch interessieren",
    "à lire aussi",
    "a lire aussi",
    "vous aimerez également",
    "sur le même sujet",
    "te puede interesar también",
    "también te puede gustar",
    "noticias relacionadas",
    "artículos relacionados",
    "articoli correlati",
    "leggi anche",
];

/// Is the line as a whole one of [`RECOMMENDATION_HEADINGS`]? A count or a closing word may
/// follow ("Related products (12)", "Recently viewed items »").
fn is_recommendation_heading(line: &str) -> bool {
    if line.len() > 64 {
        return false;
    }
    let mut norm = String::with_capacity(line.len());
    for c in line.chars() {
        if c.is_alphabetic() || c == '\'' || c == '’' || c == '-' {
            for l in c.to_lowercase() {
                norm.push(if l == '’' { '\'' } else { l });
            }
        } else if !norm.is_empty() && !norm.ends_with(' ') {
            norm.push(' ');
        }
    }
    let norm = norm.trim_end();
    RECOMMENDATION_HEADINGS.iter().any(|h| {
        norm.strip_prefix(h).is_some_and(|rest| {
            rest.is_empty() || rest.starts_with(' ') && rest.split(' ').count() <= 2
        })
    })
}

/// A recommendation strip is chrome whatever its classes say: the element its heading opens
/// (the highest one whose first line is the heading) gets a boilerplate hint, or, where the
/// heading sits among the cards' siblings, the siblings up to the next heading do. A strip
/// lists other items, so it never holds the page's own title: an element with an `<h1>` in it
/// is a wrapper the heading happens to open (a shop's whole page under a "Related products"
/// bar), and an `<h1>` saying "Related products" is the title of a page of them.
fn mark_recommendations(elems: &mut [Elem], blocks: &[Block], text: &str) {
    let mut first: Option<(Vec<u32>, Vec<bool>, Vec<bool>)> = None;
    let Some(word) = NEG_WORDS.iter().position(|(w, _)| *w == RECOMMENDATIONS) else {
        return;
    };
    let word = word as u8 + 1;
    for (bi, b) in blocks.iter().enumerate() {
        let line = text
            .get(b.start as usize..b.end as usize)
            .unwrap_or_default();
        if !is_recommendation_heading(line.trim()) {
            continue;
        }
        // First line index under each element, whether it holds an `<h1>` and whether a link,
        // built once a page has such a heading.
        let (first, title, linked) = first.get_or_insert_with(|| {
            let mut linked = vec![false; elems.len()];
            let mut f = vec![u32::MAX; elems.len()];
            let mut title: Vec<bool> = elems
                .iter()
                .map(|e| matches!(e.tag, Tag::Heading(1)))
                .collect();
            for (k, b) in blocks.iter().enumerate() {
                let o = b.owner as usize;
                if f[o] == u32::MAX {
                    f[o] = k as u32;
                }
                linked[o] |= b.link_chars > 0;
            }
            for i in (1..elems.len()).rev() {
                let p = elems[i].parent as usize;
                f[p] = f[p].min(f[i]);
                title[p] |= title[i];
                linked[p] |= linked[i];
            }
            (f, title, linked)
        });
        let h = b.owner as usize;
        if title[h] {
            continue;
        }
        let mut e = h;
        loop {
            let p = elems[e].parent as usize;
            if p == 0 || first[p] != bi as u32 || title[p] {
                break;
            }
            e = p;
        }
        let mark = |elems: &mut [Elem], i: usize| {
            if elems[i].hint >= 0 {
                elems[i].hint = -2;
                elems[i].word = word;
            }
        };
        if elems[e].end as usize > e {
            mark(elems, e);
            continue;
        }
        // A heading among the cards: it and its following siblings up to the next heading, or
        // up to one without a link (a card links to the item it recommends; a paragraph or a
        // table after a heading that only names the topic does not).
        let p = elems[e].parent as usize;
        if p == 0 {
            continue;
        }
        let mut cards = 0;
        let mut j = elems[e].end as usize + 1;
        while j <= elems[p].end as usize && j < elems.len() {
            if elems[j].parent as usize == p {
                if matches!(elems[j].tag, Tag::Heading(_)) || title[j] || !linked[j] {
                    break;
                }
                mark(elems, j);
                cards += 1;
            }
            j = elems[j].end as usize + 1;
        }
        // The heading goes with its cards; over a section of prose it is the section's title.
        if cards > 0 {
            mark(elems, e);
        }
    }
}

/// A table cell whose one block is a single `<p>` (`<td><p>in1_min</p></td>`): its paragraph
/// is the cell's text. A cell with any other block, or more than one paragraph (a layout
/// table's column, holding an article), keeps its blocks as lines. Only the first 256 nodes
/// are looked at; a cell that big is not a data cell.
fn one_paragraph_cell(cell: ego_tree::NodeRef<'_, Node>) -> bool {
    let mut paragraphs = 0;
    for (n, node) in cell.descendants().skip(1).enumerate() {
        if n >= 256 {
            return false;
        }
        if let Node::Element(el) = node.value() {
            match el.name() {
                "p" => paragraphs += 1,
                "br" => return false,
                name if block_tag(name).is_some() => return false,
                _ => {}
            }
            if paragraphs > 1 {
                return false;
            }
        }
    }
    paragraphs == 1
}

/// `<noscript>` bodies longer than this that look like markup are parsed and walked: some
/// sites (forum software's crawler views) put the whole page there.
const NOSCRIPT_MIN: usize = 400;
/// How many `<noscript>` fragments one page may expand (they cannot nest, but bound the work).
const MAX_FRAGMENTS: usize = 16;

struct Flattener {
    mode: Mode,
    /// Walk hidden elements too (the fallback for pages that hide everything).
    keep_hidden: bool,
    saw_hidden: bool,
    discussion: bool,
    product: bool,
    w: Writer,
    elems: Vec<Elem>,
    /// Per open element: the block element index it opened, or `u32::MAX` for inline elements,
    /// so closing restores the owner.
    stack: Vec<u32>,
    pre_depth: usize,
    link_depth: usize,
    /// Per open table cell: whether its one paragraph is read inline, as the cell's text
    /// ([`one_paragraph_cell`]).
    cells: Vec<bool>,
    /// Inside <article>/<main> a <header> holds the headline, not site chrome.
    content_depth: usize,
    title: Option<String>,
    first_h1: Option<String>,
    ld_json: Vec<String>,
    fragments: usize,
}

impl Flattener {
    fn walk(&mut self, root: ego_tree::NodeRef<'_, Node>) {
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skipping.is_none() && !self.open(node) {
                        skipping = Some(node.id());
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
                        self.close(el.name());
                    }
                }
            }
        }
    }

    /// Handle an opening node; `false` skips its subtree (and its close).
    fn open(&mut self, node: ego_tree::NodeRef<'_, Node>) -> bool {
        let el = match node.value() {
            Node::Text(t) => {
                if self.pre_depth > 0 {
                    self.w.pre(t);
                } else {
                    self.w.text(t);
                }
                return true;
            }
            Node::Element(el) => el,
            _ => return true,
        };
        let name = el.name();
        if never_rendered(name) {
            if name == "title" && self.title.is_none() {
                self.title = Some(text_of(node)).filter(|t| !t.is_empty());
            } else if name == "script"
                && el
                    .attr("type")
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"))
            {
                self.ld_json.push(text_of_raw(node));
            } else if name == "noscript" {
                self.noscript(node);
            }
            return false;
        }
        if !self.keep_hidden && is_hidden(node, el, self.mode) {
            self.saw_hidden = true;
            return false;
        }
        let mut hint = 0i8;
        let mut word = 0u8;
        if self.mode == Mode::Content {
            let mut chrome = chrome_tag(name)
                || (name == "header" && self.content_depth == 0)
                || (name == "form" && !holds_content(node));
            for (k, v) in el.attrs() {
                match k {
                    "role" => {
                        if chrome_role(v) {
                            chrome = true;
                        } else if v.eq_ignore_ascii_case("main")
                            || v.eq_ignore_ascii_case("article")
                        {
                            hint = hint.max(2);
                        }
                    }
                    "itemprop" if v.contains("articleBody") => hint = hint.max(ARTICLE_BODY_HINT),
                    "itemtype" if names_discussion(v) => self.discussion = true,
                    "itemtype" if v.trim_end_matches('/').ends_with("/Product") => {
                        self.product = true
                    }
                    "class" | "id" if hint >= 0 => {
                        let (h, id) = name_hint(v);
                        if h < 0 {
                            hint = h;
                            word = id;
                        } else {
                            hint = hint.max(h);
                        }
                    }
                    _ => {}
                }
            }
            // A chrome element around the page's `<main>` is a wrapper, or one left unclosed
            // (an `<aside>` banner missing its end tag swallows the page after it).
            if chrome && !holds_main(node) {
                return false;
            }
            // Photo captions and credits are not the story's text.
            if name == "figcaption" {
                hint = -1;
            }
        }
        if name == "h1" && self.first_h1.is_none() {
            self.first_h1 = Some(text_of(node)).filter(|t| !t.is_empty());
        }
        match name {
            "pre" | "listing" | "plaintext" | "xmp" => self.pre_depth += 1,
            "article" | "main" => self.content_depth += 1,
            "a" => self.link_depth += 1,
            _ => {}
        }
        self.w.in_link = self.link_depth > 0;
        if matches!(name, "td" | "th") {
            self.w.cell();
            self.cells.push(one_paragraph_cell(node));
            self.stack.push(u32::MAX);
        } else if name == "p" && self.cells.last() == Some(&true) {
            // A data cell's text wrapped in a paragraph (Sphinx, many CMS tables): part of
            // the row's line, as the bare text would be, not a line of its own.
            self.stack.push(u32::MAX);
        } else if name == "br" {
            self.w.newline();
            self.stack.push(u32::MAX);
        } else if let Some(tag) = block_tag(name) {
            self.w.newline();
            let idx = self.elems.len() as u32;
            self.elems.push(Elem {
                tag,
                parent: self.w.owner,
                hint,
                word,
                end: idx,
            });
            self.w.owner = idx;
            self.stack.push(idx);
        } else {
            self.stack.push(u32::MAX);
        }
        true
    }

    fn close(&mut self, name: &str) {
        let opened = self.stack.pop().unwrap_or(u32::MAX);
        match name {
            "pre" | "listing" | "plaintext" | "xmp" => {
                self.pre_depth = self.pre_depth.saturating_sub(1)
            }
            "article" | "main" => self.content_depth = self.content_depth.saturating_sub(1),
            "a" => self.link_depth = self.link_depth.saturating_sub(1),
            "td" | "th" => {
                self.cells.pop();
            }
            _ => {}
        }
        self.w.in_link = self.link_depth > 0;
        if opened != u32::MAX {
            self.w.newline();
            self.w.owner = self.elems.get(opened as usize).map_or(0, |e| e.parent);
        }
    }

    /// The parser keeps `<noscript>` as raw text (it parses as a scripting browser would).
    /// A long one holding markup is what a browser without scripts shows: walk it as a
    /// fragment in place, as one block.
    fn noscript(&mut self, node: ego_tree::NodeRef<'_, Node>) {
        if self.fragments >= MAX_FRAGMENTS {
            return;
        }
        let raw = text_of_raw(node);
        if raw.len() < NOSCRIPT_MIN || !raw.contains('<') {
            return;
        }
        self.fragments += 1;
        let frag = Html::parse_fragment(&raw);
        let depth = self.stack.len();
        self.w.newline();
        self.walk(frag.tree.root());
        // A fragment's elements are all closed by its end; restore the state if not.
        while self.stack.len() > depth {
            self.close("");
        }
        self.w.newline();
    }
}

/// Raw (not whitespace-collapsed) text under a node: for script bodies.
fn text_of_raw(node: ego_tree::NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if let Node::Text(t) = d.value() {
            out.push_str(t);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_hints() {
        assert_eq!(name_hint("site-footer").0, -2);
        assert_eq!(name_hint("siteFooter").0, -2);
        assert_eq!(name_hint("canvas unavailable"), (0, 0));
        assert_eq!(name_hint("entry-content"), (1, 0));
        assert_eq!(name_hint("post nav-links"), (-2, 1));
        assert_eq!(name_hint(""), (0, 0));
        assert!(has_word("product-accordion__item", PANEL_WORDS));
        assert!(has_word("js-tabpanel-2", PANEL_WORDS));
        assert!(!has_word("collapsed-header", PANEL_WORDS));
        assert_eq!(name_hint("ünïcode-é"), (0, 0));
        assert_eq!(name_hint("ck-widget ck-widget bs_grid"), (0, 0));
        assert_eq!(name_hint("ck-widget sidebar"), word_hint(b"sidebar"));
        assert_eq!(name_hint("widget ck"), word_hint(b"widget"));
    }

    #[test]
    fn json_ld_product_type() {
        assert!(ld_names_product(
            r#"{"@context":"https://schema.org","@type": "Product"}"#
        ));
        assert!(ld_names_product(
            r#"{"@graph":[{"@type":["Product","Thing"]}]}"#
        ));
        assert!(!ld_names_product(
            r#"{"@type":"ProductGroup","name":"Product"}"#
        ));
        assert!(!ld_names_product(r#"{"@type":"Article"}"#));
    }

    #[test]
    fn blocks_have_owners_and_link_share() {
        let dom = flatten(
            "<body><div><p>Hello <a href=x>link</a></p><ul><li>a</li></ul></div></body>",
            Mode::Visible,
        );
        let lines: Vec<&str> = dom.blocks.iter().map(|b| dom.line(b)).collect();
        assert_eq!(lines, ["Hello link", "a"]);
        assert_eq!(dom.blocks[0].link_chars, 4);
        assert_eq!(dom.elems[dom.blocks[0].owner as usize].tag, Tag::P);
        assert_eq!(dom.elems[dom.blocks[1].owner as usize].tag, Tag::Li);
        // every subtree end covers its children
        for (i, e) in dom.elems.iter().enumerate() {
            assert!(e.end as usize >= i);
        }
    }
}
