//! Main-content selection over a flattened page ([`super::dom::Dom`]).
//!
//! Each line gets a weight: its text outside links counts for it, link text and lines under
//! boilerplate-named elements (nav, share, related, cookie, ...) count against it. The main
//! content is the block element whose subtree has the largest total weight (a maximum-weight
//! subtree): adding a sidebar or a footer full of links lowers the total, so the best container
//! is the one that holds the prose and as little of the chrome as possible. The page is read
//! twice, as an article (long links and teaser cards count against) and as a listing (long
//! links are its items); the listing wins only when its text dwarfs the article's prose.
//! When a long named part (a comment thread) sits in the same box as the article's
//! paragraphs, the article reading grows from the paragraph that won to the box around it as
//! long as the box holds twice the prose outside named parts.
//! Inside the winner, link lists, teaser cards and boilerplate-named parts are dropped line by
//! line.
//!
//! Some names depend on the page: comments are the content of a forum thread (structured data
//! says `DiscussionForumPosting`, or the page says next to nothing outside them), customer
//! reviews are boilerplate only where structured data names a `Product`, caption names
//! count only in the article reading (a product card's caption is the card's text), and a
//! word naming a place in a layout (nav, menu, sidebar, banner) is dropped from a part of the
//! content whose text is mostly paragraphs (a manual's section `id="menus"`).

use super::dom::{ARTICLE_BODY_HINT, Block, Dom, NEG_WORD_COUNT, RECOMMENDATIONS, Tag, word_name};

const NONE: u32 = u32::MAX;

/// What was chosen: line indexes into `dom.blocks`, in document order.
pub(super) struct Selection {
    pub blocks: Vec<usize>,
}

/// Weight of a line for choosing the container. `title_w` is what a long link counts for.
fn weight(b: &Block, boiler: bool, title_w: f64, short_w: f64) -> f64 {
    let chars = b.chars as f64;
    let link = b.link_chars as f64;
    if boiler {
        // Such parts are dropped from whatever container wins; they should not decide which
        // one it is beyond a small cost (else a product box loses its title and price to the
        // description next to a "recommended" strip).
        return -BOILER_W * chars;
    }
    // Short links are menu items and tags; a long link is a title, which is content on a
    // listing or a forum index and a teaser next to an article.
    let link_w = if link >= TITLE_LINK { title_w } else { short_w };
    (chars - link) + link_w * link
}

/// Share of the page's text under boilerplate names above which the names are ignored.
const NAMES_UNRELIABLE: f64 = 0.5;
/// Words that keep their meaning however much text they cover: a page's comments or footer
/// can outweigh a short article and still are not it.
fn never_framework(word: usize) -> bool {
    comment_word(word) || word_name(word).is_some_and(|w| w == b"footer" || w == RECOMMENDATIONS)
}

/// Words that name a place in a layout, not a kind of text: a navigation bar, a sidebar, a
/// banner, a widget hold chrome on most pages, but what a page's editor or theme puts in its
/// article under such a name is the article. Words naming a kind of text (related, share,
/// cookie, modal, promo, comments) name it wherever it stands.
fn layout_word(word: usize) -> bool {
    word_name(word).is_some_and(|w| {
        matches!(
            w,
            b"nav"
                | b"navbar"
                | b"navigation"
                | b"menu"
                | b"menus"
                | b"submenu"
                | b"megamenu"
                | b"sidebar"
                | b"sidenav"
                | b"banner"
                | b"masthead"
        )
    })
}

/// Customer reviews: boilerplate on a product's page only (a page of reviews is made of them).
fn reviews_word(word: usize) -> bool {
    word_name(word) == Some(b"reviews")
}

fn comment_word(word: usize) -> bool {
    word_name(word).is_some_and(|w| matches!(w, b"comment" | b"comments"))
}

/// How many times the text outside comment-named elements the text inside them must be for
/// the comments to be the page's content.
const COMMENTS_OVER: f64 = 3.0;
/// Bytes of text outside comments under which the page has no article of its own (a link
/// post's title is a link; a blog post however short says more).
const COMMENTS_ALONE: f64 = 250.0;

/// Elements that must carry such a word before it is taken for a framework's.
const FRAMEWORK_USES: u32 = 8;

/// Cost of a byte under a boilerplate-named element.
const BOILER_W: f64 = 0.5;

/// Bytes of link text from which a line's link reads as a title rather than a menu item.
const TITLE_LINK: f64 = 20.0;

/// What a byte of a short link counts for when reading the page as a listing: items carry
/// short links too (categories, authors, "read more").
const LISTING_SHORT_W: f64 = 0.0;

/// With real prose in the article candidate, the share of a listing's text it must stay
/// under for the page to read as a listing.
const LISTING_OVER_PROSE: f64 = 0.3;

/// What a byte of link-line text in the listing candidate counts for beside its own text when
/// weighed against the article candidate's prose.
const LISTING_TITLE_W: f64 = 0.25;

/// Share of link lines in a container that makes a page with little prose a listing.
const LISTING_MIN_SHARE: f64 = 0.1;

/// Share of a container's text in link lines above which it is a list of links.
const LISTING_SHARE: f64 = 0.3;

/// Share of the container's unlinked text above which a link cluster in it is no aside.
const CLUSTER_MAX_SHARE: f64 = 0.5;

/// Prose, in bytes of long non-link lines, that makes the article reading of a page win.
const PROSE_MIN: f64 = 400.0;
/// A line this long outside links is a paragraph of prose.
const PARAGRAPH: u32 = 120;
/// How many times its prose outside named parts a parent must hold for the content to grow
/// to it, and how many paragraphs' worth that must be.
const CLIMB_PROSE: f64 = 2.0;
/// Share of an element's unlinked text in paragraphs that makes it prose.
const PROSE_SHARE: f64 = 0.5;

struct Tree {
    n: usize,
    parent: Vec<u32>,
    /// Deepest boilerplate-named element on each element's ancestor chain (itself included).
    neg: Vec<u32>,
    /// Non-link text bytes under each element.
    text: Vec<f64>,
    has_text: Vec<bool>,
    total: f64,
    /// Elements named boilerplate by what they say, not by a class (a recommendation strip
    /// under its heading), or by a name structured data confirms (customer reviews on a
    /// product's page): they count however much of the page they hold.
    strong: Vec<bool>,
    /// Per element: is it inside such a strip?
    in_strip: Vec<bool>,
    /// Per line: the kind of teaser card it is in, 0 for none (see [`teasers`]).
    teaser_line: Vec<u8>,
    /// Per element: is its name only a caption's or a credit's (a weak boilerplate hint)?
    caption: Vec<bool>,
}

/// Teaser cards: small boxes whose first line is a linked headline followed by a little text
/// (a date, a summary), or list items of one line that open with a linked headline and go on
/// with a summary, standing beside at least one more such card. Next to an article they are
/// "more stories"; on a listing page they are the items. Per line: the kind of card it is in,
/// 0 for none.
fn teasers(dom: &Dom, parent: &[u32]) -> Vec<u8> {
    let n = dom.elems.len();
    let mut first = vec![NONE; n];
    let mut chars = vec![0u32; n];
    let mut lines = vec![0u32; n];
    for (i, b) in dom.blocks.iter().enumerate() {
        let mut k = b.owner as usize;
        loop {
            if first[k] != NONE {
                break;
            }
            first[k] = i as u32;
            if k == 0 {
                break;
            }
            k = parent[k] as usize;
        }
        chars[b.owner as usize] += b.chars;
        lines[b.owner as usize] += 1;
    }
    for i in (1..n).rev() {
        let p = parent[i] as usize;
        chars[p] += chars[i];
        lines[p] += lines[i];
    }
    let mut card = vec![0u8; n];
    for i in 1..n {
        let Some(head) = dom.blocks.get(first[i] as usize) else {
            continue;
        };
        // Or a list item of one line that opens with its linked headline and goes on with a
        // summary: a news ticker's entry.
        let one_line = dom.elems[i].tag == Tag::Li
            && lines[i] == 1
            && head.lead_link as f64 >= TEASER_TITLE
            && head.link_chars < head.chars;
        let fits = head.link_chars as f64 >= TEASER_TITLE && chars[i] < TEASER_MAX;
        card[i] = if fits && link_line(head) && lines[i] >= 2 {
            CARD
        } else if fits && one_line {
            ONE_LINE_CARD
        } else {
            0
        };
    }
    // Only cards with a sibling card count: one linked heading over a short text is not a
    // list of stories.
    let mut siblings = vec![0u32; n];
    for i in 1..n {
        if card[i] > 0 {
            siblings[parent[i] as usize] += 1;
        }
    }
    let mut inside = vec![0u8; n];
    for i in 1..n {
        let p = parent[i] as usize;
        inside[i] = if inside[p] > 0 {
            inside[p]
        } else if siblings[p] >= 2 {
            card[i]
        } else {
            0
        };
    }
    dom.blocks
        .iter()
        .map(|b| inside[b.owner as usize])
        .collect()
}

/// Kinds of teaser card: boxes of lines, and one-line list items. The second kind only
/// weighs against a container: inside an article body a list of linked names each with its
/// description ("Product X – what it does") is the article's own.
const CARD: u8 = 1;
const ONE_LINE_CARD: u8 = 2;

/// Most lines of an item's card on a listing.
const CARD_LINES: u32 = 16;

/// Shortest linked headline of a teaser card, and the largest card, in bytes.
const TEASER_TITLE: f64 = 20.0;
const TEASER_MAX: u32 = 400;

impl Tree {
    fn new(dom: &Dom) -> Tree {
        let n = dom.elems.len();
        let parent: Vec<u32> = dom.elems.iter().map(|e| e.parent).collect();
        let neg = nearest_named(&parent, |i| dom.elems[i].hint < 0);
        let mut text = vec![0f64; n];
        let mut para = vec![0f64; n];
        let mut has_text = vec![false; n];
        for b in &dom.blocks {
            text[b.owner as usize] += (b.chars - b.link_chars) as f64;
            para[b.owner as usize] += paragraph_bytes(b);
            has_text[b.owner as usize] = true;
        }
        for i in (1..n).rev() {
            let p = parent[i] as usize;
            text[p] += text[i];
            para[p] += para[i];
            has_text[p] |= has_text[i];
        }
        let total = text.first().copied().unwrap_or(0.0).max(1.0);
        let teaser_line = teasers(dom, &parent);
        let strong: Vec<bool> = dom
            .elems
            .iter()
            .map(|e| {
                e.hint < 0
                    && (word_name(e.word as usize) == Some(RECOMMENDATIONS)
                        || (dom.product && reviews_word(e.word as usize)))
            })
            .collect();
        let mut in_strip = strong.clone();
        for i in 1..n {
            in_strip[i] |= in_strip[parent[i] as usize];
        }
        let caption = dom.elems.iter().map(|e| e.hint == -1).collect();
        let mut tree = Tree {
            caption,
            strong,
            in_strip,
            teaser_line,
            n,
            parent,
            neg,
            text,
            has_text,
            total,
        };
        // Page builders put words like "widget" on every element: a boilerplate word under
        // which most of the page's text stands names the framework, not the chrome.
        let mut by_word = [0f64; NEG_WORD_COUNT + 1];
        for b in &dom.blocks {
            let k = tree.neg[b.owner as usize];
            if let Some(e) = dom.elems.get(k as usize) {
                by_word[e.word as usize] += (b.chars - b.link_chars) as f64;
            }
        }
        let mut uses = [0u32; NEG_WORD_COUNT + 1];
        for e in &dom.elems {
            if let Some(u) = uses.get_mut(e.word as usize) {
                *u += 1;
            }
        }
        let mut ignored: Vec<bool> = by_word
            .iter()
            .zip(uses)
            .enumerate()
            .map(|(w, (t, u))| {
                (reviews_word(w) && !dom.product)
                    || (w > 0
                        && u >= FRAMEWORK_USES
                        && *t > NAMES_UNRELIABLE * tree.total
                        && !never_framework(w)
                        // A product's reviews can outweigh its description and still are not it.
                        && !(reviews_word(w) && dom.product))
            })
            .collect();
        if ignored.iter().any(|&x| x) {
            tree.ignore_words(dom, &ignored);
        }
        // On a forum thread the replies are the content: structured data says so, or the page
        // holds little text outside its comments (a link post and its thread).
        let commented = (1..=NEG_WORD_COUNT).any(|w| comment_word(w) && uses[w] > 0);
        if commented && (dom.discussion || tree.comments_alone(dom)) {
            for (w, x) in ignored.iter_mut().enumerate() {
                *x |= comment_word(w);
            }
            tree.ignore_words(dom, &ignored);
        }
        tree.keep_prose_in_content(dom, &para);
        tree
    }

    /// Inside an element named as content (`article-body`, `<article>`, `<main>`), a layout
    /// word on a part whose text is mostly paragraphs (`para`: paragraph bytes per subtree) is
    /// the page's own markup, not chrome: a manual's `<section id="menus">`, a theme's
    /// `content-nav-section` around the article. Chrome inside an article (share bars, related
    /// links, tag lists) is links and short lines, and named by a kind of text.
    fn keep_prose_in_content(&mut self, dom: &Dom, para: &[f64]) {
        let n = self.n;
        let mut in_content = vec![false; n];
        let mut named = vec![false; n];
        for i in 1..n {
            let e = &dom.elems[i];
            let p = self.parent[i] as usize;
            let own = self.neg[i] == i as u32;
            in_content[i] = in_content[p]
                || (self.neg[i] == NONE
                    && (e.hint > 0 || matches!(e.tag, Tag::Article | Tag::Main)));
            let misnamed = own
                && in_content[p]
                && e.hint < -1
                && layout_word(e.word as usize)
                && para[i] >= 2.0 * PARAGRAPH as f64
                && para[i] >= PROSE_SHARE * self.text[i];
            named[i] = own && !misnamed;
        }
        self.neg = nearest_named(&self.parent, |i| named[i]);
    }

    /// Recompute the boilerplate ancestors with the words in `ignored` taken for no name.
    fn ignore_words(&mut self, dom: &Dom, ignored: &[bool]) {
        self.neg = nearest_named(&self.parent, |i| {
            let e = &dom.elems[i];
            e.hint < 0 && !ignored.get(e.word as usize).copied().unwrap_or(false)
        });
    }

    /// Does the page hold little text beside its comments: short, and a fraction of theirs?
    fn comments_alone(&self, dom: &Dom) -> bool {
        let mut in_comment = vec![false; self.n];
        for i in 1..self.n {
            let e = &dom.elems[i];
            in_comment[i] = in_comment[self.parent[i] as usize]
                || (e.hint < 0 && comment_word(e.word as usize));
        }
        let (mut comments, mut other) = (0f64, 0f64);
        for b in &dom.blocks {
            let o = b.owner as usize;
            let t = (b.chars - b.link_chars) as f64;
            if in_comment[o] {
                comments += t;
            } else if !self.is_boiler(o, 0, true) {
                other += t;
            }
        }
        other < COMMENTS_ALONE && comments > COMMENTS_OVER * other
    }

    /// Is the line owned by `owner` under a boilerplate-named element below `below`? A name on
    /// a wrapper holding half the page (`<div class="has-sidebar">`) does not count.
    /// Without `captions`, caption and credit names do not count: on a listing a card's
    /// caption is its text.
    fn is_boiler(&self, owner: usize, below: usize, captions: bool) -> bool {
        let mut k = self.neg.get(owner).copied().unwrap_or(NONE);
        while k != NONE && k as usize > below {
            let named = captions || !self.caption[k as usize];
            if named && (self.text[k as usize] < 0.5 * self.total || self.strong[k as usize]) {
                return true;
            }
            let p = self.parent[k as usize] as usize;
            if p == 0 {
                break;
            }
            k = self.neg[p];
        }
        false
    }

    /// The element whose subtree has the largest total line weight.
    /// With `article`, teaser cards count against a container.
    fn best(&self, dom: &Dom, title_w: f64, short_w: f64, article: bool) -> usize {
        let mut score = vec![0f64; self.n];
        // For the article reading's climb (below): the score without the cost of
        // boilerplate-named lines, and the bytes of prose outside them and outside teaser
        // cards.
        let climb_n = if article { self.n } else { 0 };
        let mut unnamed = vec![0f64; climb_n];
        let mut prose = vec![0f64; climb_n];
        for (i, b) in dom.blocks.iter().enumerate() {
            let owner = b.owner as usize;
            let teaser = article && self.teaser_line[i] > 0;
            let boiler = self.is_boiler(owner, 0, article);
            let unmarked = weight(b, teaser, title_w, short_w);
            let mut w = if boiler {
                weight(b, true, title_w, short_w)
            } else {
                unmarked
            };
            if self.in_strip[owner] {
                // A strip costs at least what its links would unmarked: the mark must not
                // make a container holding it look better than before.
                w = w.min(unmarked);
            }
            score[owner] += w;
            if article && !boiler {
                unnamed[owner] += unmarked;
                if !teaser {
                    prose[owner] += paragraph_bytes(b);
                }
            }
        }
        for i in (1..self.n).rev() {
            let p = self.parent[i] as usize;
            score[p] += score[i];
            if article {
                unnamed[p] += unnamed[i];
                prose[p] += prose[i];
            }
        }
        let mut best = 0usize;
        let mut best_score = f64::MIN;
        for (i, e) in dom.elems.iter().enumerate() {
            // Elements holding no line cannot be the content, however little they lose.
            if !self.has_text[i] {
                continue;
            }
            let mut s = score[i];
            if s > 0.0 {
                let bonus = match e.tag {
                    Tag::Article | Tag::Main => 0.1,
                    _ => 0.0,
                } + 0.05 * e.hint.max(0) as f64;
                s *= 1.0 + bonus;
            }
            // `>=`: a descendant that scores as well as its ancestor is the tighter container.
            if s >= best_score {
                best = i;
                best_score = s;
            }
        }
        // A long thread of comments under an article, each one named and costed, can outweigh
        // the article: no container of its paragraphs wins but the longest paragraph alone.
        // Climb to the parent while it holds at least twice the prose outside named parts and
        // is no worse without their cost: the named parts are dropped from it line by line.
        while article && best > 0 {
            let p = self.parent[best] as usize;
            if prose[p] >= CLIMB_PROSE * prose[best]
                && prose[p] - prose[best] >= CLIMB_PROSE * PARAGRAPH as f64
                && unnamed[p] >= unnamed[best]
            {
                best = p;
            } else {
                break;
            }
        }
        best
    }
}

fn link_line(b: &Block) -> bool {
    b.link_chars as f64 > 0.6 * b.chars as f64
}

/// A line's bytes outside links when it is a paragraph of prose (see [`PARAGRAPH`]), else 0.
fn paragraph_bytes(b: &Block) -> f64 {
    let own = b.chars - b.link_chars;
    if own >= PARAGRAPH && !link_line(b) {
        own as f64
    } else {
        0.0
    }
}

/// Per element, the deepest element on its ancestor chain (itself included) for which `named`
/// holds, or [`NONE`].
fn nearest_named(parent: &[u32], named: impl Fn(usize) -> bool) -> Vec<u32> {
    let mut near = vec![NONE; parent.len()];
    for i in 1..parent.len() {
        near[i] = if named(i) {
            i as u32
        } else {
            near[parent[i] as usize]
        };
    }
    near
}

pub(super) fn select(dom: &Dom) -> Selection {
    let tree = Tree::new(dom);
    // Two readings of the page: as an article (long links count against a container, so
    // teaser lists stay out) and as a listing (long links are its items). The article reading
    // wins when its container holds real prose.
    let article = tree.best(dom, -2.0, -2.0, true);
    let end_of = |e: usize| dom.elems.get(e).map_or(0, |x| x.end as usize);
    let prose: f64 = {
        let end = end_of(article);
        dom.blocks
            .iter()
            .zip(&tree.teaser_line)
            .filter(|(b, t)| **t == 0 && (article..=end).contains(&(b.owner as usize)))
            .map(|(b, _)| b)
            .map(paragraph_bytes)
            .sum()
    };
    // Bytes of a container's text, and of its link lines (and how many there are).
    let links_in = |e: usize| {
        let end = end_of(e);
        let (mut all, mut linky, mut n) = (0u64, 0u64, 0u32);
        for b in dom.blocks.iter() {
            if (e..=end).contains(&(b.owner as usize)) {
                all += b.chars as u64;
                if link_line(b) {
                    linky += b.chars as u64;
                    n += 1;
                }
            }
        }
        (all, linky, n)
    };
    let mut is_article = true;
    let mut best = article;
    {
        // A listing if the listing reading finds a container of links whose own text dwarfs
        // the article candidate's prose: an intro paragraph over a product grid is not an
        // article, a short article beside a list of headlines is.
        let listing = tree.best(dom, 0.25, LISTING_SHORT_W, false);
        let (all, linky, n) = links_in(listing);
        // Its items' linked titles count too: a grid of linked recipe or course titles under
        // one intro paragraph is a listing even though its own unlinked text is short.
        let listing_text =
            tree.text.get(listing).copied().unwrap_or(0.0) + LISTING_TITLE_W * linky as f64;
        let share = if prose < PROSE_MIN {
            0.5
        } else {
            LISTING_OVER_PROSE
        };
        // Structured data naming the article candidate the article body settles it.
        if listing != article
            && dom
                .elems
                .get(article)
                .is_none_or(|e| e.hint < ARTICLE_BODY_HINT)
            // Without prose in the article candidate the listing need not be made of links: a
            // landing page of short sections is read whole, not one section of it.
            && ((n >= 3 && linky as f64 > LISTING_MIN_SHARE * all as f64) || prose < PROSE_MIN)
            && prose < share * listing_text
        {
            is_article = false;
            best = listing;
        }
    }
    let end = end_of(best);
    let inside = |b: &Block| (best..=end).contains(&(b.owner as usize));
    // Link clusters under the container (teaser cards, tag clouds, link lists): elements
    // with 3+ link lines and over a third of their text in links.
    let mut links = vec![0u32; tree.n];
    let mut lines = vec![0u32; tree.n];
    let mut chars = vec![0f64; tree.n];
    let mut link_chars = vec![0f64; tree.n];
    for b in dom.blocks.iter().filter(|b| inside(b)) {
        let o = b.owner as usize;
        links[o] += link_line(b) as u32;
        lines[o] += 1;
        chars[o] += b.chars as f64;
        link_chars[o] += b.link_chars as f64;
    }
    for i in (best + 1..=end.min(tree.n.saturating_sub(1))).rev() {
        let p = tree.parent[i] as usize;
        links[p] += links[i];
        lines[p] += lines[i];
        chars[p] += chars[i];
        link_chars[p] += link_chars[i];
    }
    // A cluster holding most of the container's own text is the content itself (a page of
    // linked cards with their descriptions), not an aside in it.
    let own_text = chars[best] - link_chars[best];
    let cluster = |i: usize| {
        links[i] >= 3
            && link_chars[i] > 0.35 * chars[i]
            && chars[i] - link_chars[i] < CLUSTER_MAX_SHARE * own_text
    };
    let in_cluster = |owner: usize| {
        let mut k = owner;
        while k > best {
            if cluster(k) {
                return true;
            }
            k = tree.parent[k] as usize;
        }
        false
    };
    // On a listing a short linked title is an item's when it is the only link line of the
    // smallest box around it that holds more lines (a product card: name, price, rating); a
    // menu item's box is the menu, all links. On a thread such a box is a poster's.
    let card_title = |owner: usize| {
        let mut k = owner;
        while k > best && lines[k] < 2 {
            k = tree.parent[k] as usize;
        }
        k > best && links[k] == 1 && lines[k] <= CARD_LINES
    };
    // In prose, lines that are mostly a link are asides (related stories, tags) whatever
    // their length; in a container that is mostly such lines (a listing, a forum index) the
    // long ones are the items and only menu-length ones go.
    let (all, linky, _) = links_in(best);
    let listing = !is_article && linky as f64 > LISTING_SHARE * all as f64;
    let mut blocks = Vec::new();
    for (i, b) in dom.blocks.iter().enumerate() {
        let owner = b.owner as usize;
        if !inside(b) || tree.is_boiler(owner, best, is_article) {
            continue;
        }
        if link_line(b)
            && (!listing || (b.link_chars as f64) < TITLE_LINK)
            && (is_article || dom.discussion || !card_title(owner))
        {
            continue;
        }
        if is_article && (in_cluster(owner) || tree.teaser_line[i] == CARD) {
            continue;
        }
        blocks.push(i);
    }
    Selection { blocks }
}
