//! Stories, sites and documents of the synthetic scrape: what each document says, which site
//! wraps it in which cruft, and which earlier document or passage it copies.
//!
//! Everything is a pure function of (seed, chunk, index) or (seed, story): a copy in a later
//! chunk regenerates the document it copies instead of looking it up, so chunks can be made
//! in parallel and in any order.

use super::vocab::{Rng, Topic, Vocab, push_capitalized, sentence, title};
use std::fmt::Write as _;

/// Documents per chunk; a chunk is the unit of parallel work and of per-chunk seeding.
pub const CHUNK: u64 = 64;
/// Copies pick their source among this many earlier chunks (syndication happens within days).
const WINDOW: u64 = 48;
const TOPICS: u64 = 600;

/// Rates that shape the corpus (`scour gen` flags).
#[derive(Debug, Clone, Copy)]
pub struct Rates {
    pub exact: f64,
    pub near: f64,
    pub cruft: f64,
    pub passage: f64,
}

/// A site: its name and the fixed furniture (menu, icon strip, phrasing) on all its pages.
pub struct Site {
    pub name: String,
    pub domain: String,
    sections: Vec<String>,
    menu: String,
    icon_strip: Option<String>,
    /// Paragraphs separated by a blank line (most CMS exports) or a single line break.
    blank_between: bool,
    title_case: bool,
    dateline_style: usize,
    read_more: String,
    share: Vec<String>,
    related_header: String,
    comment_form: bool,
    related: bool,
    headline_list: bool,
    repeated_title: bool,
    skip_link: bool,
    copyright: Option<String>,
    credit_style: usize,
    blurb: Option<String>,
    glyphs: bool,
    /// Per-kind probability multipliers: sites differ in how much cruft they leave.
    messiness: f64,
}

const SECTION_WORDS: &[&str] = &[
    "Home",
    "World",
    "Politics",
    "Business",
    "Sport",
    "Culture",
    "Opinion",
    "Video",
    "Tech",
    "Science",
    "Health",
    "Economy",
    "Europe",
    "Asia",
    "Africa",
    "Americas",
    "Markets",
    "Travel",
    "Style",
    "Food",
    "Weather",
    "Local",
    "Podcasts",
    "Live",
    "Analysis",
    "Society",
    "Defence",
    "Energy",
    "Climate",
    "Education",
    "Law",
    "Media",
];
const SITE_SUFFIX: &[&str] = &[
    "Times",
    "Daily",
    "News",
    "Post",
    "Herald",
    "Today",
    "Wire",
    "Observer",
    "Gazette",
    "Report",
    "Chronicle",
    "Tribune",
    "Monitor",
    "Journal",
    "Courier",
    "Express",
];
const TLDS: &[&str] = &[
    "com", "net", "org", "co.uk", "info", "news", "ru", "de", "in",
];
const ICON_NAMES: &[&str] = &[
    "bookmark",
    "camera",
    "check",
    "close",
    "search",
    "share",
    "mail",
    "menu",
    "user",
    "play",
    "pause",
    "download",
    "edit",
    "expand",
    "compress",
    "filter",
    "flag",
    "music",
    "muted",
    "tag",
    "tags",
    "trash",
    "fb",
    "tw",
    "vk",
    "yt",
    "tg",
    "gp",
    "ins",
    "ok",
    "wt",
    "sign in",
    "sign up",
    "stepback",
    "stepfor",
    "swipe down",
    "file",
    "move",
    "star",
    "heart",
    "print",
    "home",
];
const AGENCIES: &[&str] = &[
    "AP",
    "AFP",
    "Reuters",
    "Getty Images",
    "EPA",
    "Shutterstock",
    "RIA Novosti",
    "TASS",
    "Xinhua",
    "Anadolu",
];
const NETWORKS: &[&str] = &[
    "Facebook",
    "Twitter",
    "WhatsApp",
    "Telegram",
    "LinkedIn",
    "Reddit",
    "Email",
    "Pinterest",
];
const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Site {
    pub fn new(vocab: &Vocab, seed: u64, id: u64) -> Site {
        let mut rng = Rng::for_key(seed, &[0x7369_7465, id]);
        let base = vocab.name(&mut rng).to_string();
        let name = format!("{base} {}", rng.pick(SITE_SUFFIX));
        let domain = format!("{}{}.{}", base.to_lowercase(), id % 97, rng.pick(TLDS));
        let n_sections = rng.range(4, 9);
        let mut sections: Vec<String> = Vec::new();
        while sections.len() < n_sections {
            let s = if rng.chance(0.8) {
                rng.pick(SECTION_WORDS).to_string()
            } else {
                vocab.name(&mut rng).to_string()
            };
            if !sections.contains(&s) {
                sections.push(s);
            }
        }
        let sep = *rng.pick(&[" | ", " • ", " · ", " » ", " / ", "|"]);
        let menu = sections.join(sep);
        let icon_strip = rng.chance(0.25).then(|| icon_strip(&mut rng));
        let read_more = read_more_phrase(&mut rng, &name, &domain, vocab);
        let share = (0..rng.range(1, 2))
            .map(|_| share_phrase(&mut rng, &name))
            .collect();
        let related_header = rng
            .pick(&[
                "Related",
                "Related Articles",
                "Related posts:",
                "You may also like",
                "You might also be interested in:",
                "Recommended for you",
                "Most Read",
                "Trending Now",
                "Read also:",
                "Don't miss",
                "Editor's Picks",
                "What to read next",
                "Latest News",
                "Top Stories",
                "RELATED STORIES",
            ])
            .to_string();
        let copyright = rng.chance(0.35).then(|| {
            let y = 2015 + rng.below(10);
            match rng.below(4) {
                0 => format!("© {y} {name}. All rights reserved."),
                1 => format!("Copyright {y} {name}"),
                2 => format!("(c) {name} {y}"),
                _ => format!("© {name}, {y}–{}", y + 1),
            }
        });
        let blurb = rng.chance(0.15).then(|| {
            let topic = Topic::new(vocab, seed, 0xb1_0000 + id);
            let mut s = format!("{name} is ");
            sentence(&mut s, vocab, &topic, &mut rng, 18);
            s.push(' ');
            sentence(&mut s, vocab, &topic, &mut rng, 14);
            s
        });
        Site {
            name,
            domain,
            sections,
            menu,
            icon_strip,
            blank_between: rng.chance(0.6),
            title_case: rng.chance(0.5),
            dateline_style: rng.below(8),
            read_more,
            share,
            related_header,
            comment_form: rng.chance(0.3),
            related: rng.chance(0.35),
            headline_list: rng.chance(0.35),
            repeated_title: rng.chance(0.2),
            skip_link: rng.chance(0.2),
            copyright,
            credit_style: rng.below(7),
            blurb,
            glyphs: rng.chance(0.15),
            messiness: 0.5 + rng.below(100) as f64 / 100.0,
        }
    }
}

fn icon_strip(rng: &mut Rng) -> String {
    let n = rng.range(6, 30);
    let mut out = String::new();
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let name = rng.pick(ICON_NAMES);
        match rng.below(9) {
            0 => write!(out, "icon-{}", name.replace(' ', "-")),
            1 => write!(out, "fa-{}", name.replace(' ', "-")),
            2 => write!(
                out,
                "chevron {}icon",
                rng.pick(&["up", "down", "left", "right"])
            ),
            3 => write!(out, "glyphicon-{}", name.replace(' ', "-")),
            4 => write!(out, "{}", rng.pick(&["icon", "caret", "svg-icon"])),
            5 if i > 0 => write!(out, "{}", rng.pick(&["flag", "v-play", "menu", "ru"])),
            _ => write!(out, "{name}icon"),
        }
        .ok();
    }
    out
}

/// One of many ways sites phrase a link to the rest of a story or to the source site.
fn read_more_phrase(rng: &mut Rng, site: &str, domain: &str, vocab: &Vocab) -> String {
    let lead = *rng.pick(&[
        "Read more",
        "Read More",
        "READ MORE",
        "Continue reading",
        "Keep reading",
        "Read the full story",
        "Read the full article",
        "Read the rest of this story",
        "Read the rest of the article",
        "View the original article",
        "Read the original post",
        "Click here to read more",
        "Click here for more",
        "See the full report",
        "Read the complete report",
        "Read the whole story",
        "Full story",
        "Full coverage",
        "Read more on the site",
        "More on our website",
        "Continue to the full article",
        "Tap here to read more",
        "Learn more",
    ]);
    let place = match rng.below(3) {
        0 => site.to_string(),
        1 => domain.to_string(),
        _ => vocab.name(rng).to_string(),
    };
    let tail = match rng.below(8) {
        0 | 1 => String::new(),
        2 => " →".into(),
        3 => " »".into(),
        4 => "...".into(),
        5 => " >>".into(),
        _ if !lead.starts_with("Click") && !lead.starts_with("Tap") && lead != "Learn more" => {
            format!(" {} {place}", rng.pick(&["on", "at", "in"]))
        }
        _ => String::new(),
    };
    format!("{lead}{tail}")
}

fn share_phrase(rng: &mut Rng, site: &str) -> String {
    let net = *rng.pick(NETWORKS);
    let net2 = *rng.pick(NETWORKS);
    match rng.below(14) {
        0 => format!("Share on {net}"),
        1 => format!("Share on {net}, {net2}"),
        2 => format!(
            "Share this {}",
            rng.pick_str(&["article", "story", "post", "page"])
        ),
        3 => "Share this:".into(),
        4 => format!("Follow us on {net}"),
        5 => format!("Follow {site} on {net}"),
        6 => format!(
            "{} this {}? Share it with your friends!",
            rng.pick(&["Like", "Liked", "Enjoyed", "Love"]),
            rng.pick(&["article", "story", "post"])
        ),
        7 => format!(
            "Subscribe to our {}",
            rng.pick(&["newsletter", "channel", "daily briefing", "weekly digest"])
        ),
        8 => format!(
            "Sign up for our {} newsletter",
            rng.pick(&["daily", "weekly"])
        ),
        9 => "Get the latest news delivered to your inbox".into(),
        10 => format!("Join the conversation on {net}"),
        11 => "Tweet Share Email".into(),
        12 => format!("Share via {net} / {net2} / Email"),
        _ => "Share".into(),
    }
}

/// One block of a story: a paragraph, a subheading or a bullet item.
#[derive(Debug, Clone)]
pub struct Block {
    pub text: String,
    pub kind: BlockKind,
    /// Where the block first appeared: `s{story}:{index}`, `b{site}` or `n{doc}:{index}`.
    pub origin: String,
    pub edited: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Para,
    Sub,
    Bullet,
}

pub struct Story {
    pub title: String,
    pub blocks: Vec<Block>,
    pub topic: u64,
}

/// Sentences that mention cruft phrases in passing: article text the detectors must keep.
/// `{}` is filled with a name from the story's topic, so the sentences differ between stories.
const IN_PASSING: &[&str] = &[
    "Residents who want to read more about the plan can find the full report on the {} website, officials said.",
    "Share prices of {} fell sharply on Monday after the announcement, and analysts expected further losses.",
    "{} asked readers to leave a comment with their own experience of the scheme before the consultation closes.",
    "Photo agencies had been told not to publish the images of {} until the family had been informed.",
    "The source said the talks with {} would continue on Friday, but declined to say where they would take place.",
    "Follow-up inspections in {} are planned for March 5, when the second phase of the project is due to begin.",
];

pub fn story(vocab: &Vocab, seed: u64, story: u64) -> Story {
    let mut rng = Rng::for_key(seed, &[0x73_746f_7279, story]);
    let topic_id = rng.below(TOPICS as usize) as u64;
    let topic = Topic::new(vocab, seed, topic_id);
    let mut t = String::new();
    let tc = rng.chance(0.5);
    title(&mut t, vocab, &topic, &mut rng, tc);
    let n = rng.range(4, 13);
    let mut blocks = Vec::with_capacity(n + 4);
    let sub_at = rng.chance(0.25).then(|| rng.range(2, n));
    let list_at = rng.chance(0.12).then(|| rng.range(1, n));
    for i in 0..n {
        if sub_at == Some(i) {
            let mut s = String::new();
            let k = rng.range(3, 6);
            for j in 0..k {
                if j > 0 {
                    s.push(' ');
                }
                let w = &vocab.words[*rng.pick(&topic.words) as usize];
                if j == 0 {
                    push_capitalized(&mut s, w);
                } else if rng.chance(0.4) {
                    s.push_str(vocab.function_word(&mut rng));
                } else {
                    s.push_str(w);
                }
            }
            blocks.push(block(s, BlockKind::Sub, story, blocks.len()));
        }
        // Room for the usual paragraph (up to four sentences of up to 32 words).
        let mut p = String::with_capacity(1024);
        let sentences = rng.range(1, 5);
        for j in 0..sentences {
            if j > 0 {
                p.push(' ');
            }
            // Only inside longer paragraphs: a template sentence on its own would be a passage
            // that really does repeat across stories.
            if sentences >= 3 && j == 1 && rng.chance(0.01) {
                let name = &vocab.names[*rng.pick(&topic.names) as usize];
                p.push_str(&rng.pick_str(IN_PASSING).replace("{}", name));
            } else {
                let len = rng.range(6, 32);
                sentence(&mut p, vocab, &topic, &mut rng, len);
            }
        }
        if list_at == Some(i) {
            p.pop();
            p.push(':');
            blocks.push(block(p, BlockKind::Para, story, blocks.len()));
            for _ in 0..rng.range(3, 5) {
                let mut item = String::with_capacity(128);
                let k = rng.range(4, 12);
                sentence(&mut item, vocab, &topic, &mut rng, k);
                item.pop();
                item.push(';');
                blocks.push(block(item, BlockKind::Bullet, story, blocks.len()));
            }
            continue;
        }
        blocks.push(block(p, BlockKind::Para, story, blocks.len()));
    }
    Story {
        title: t,
        blocks,
        topic: topic_id,
    }
}

fn block(text: String, kind: BlockKind, story: u64, index: usize) -> Block {
    Block {
        text,
        kind,
        origin: format!("s{story}:{index}"),
        edited: false,
    }
}

/// What a document is, decided by the first draws of its generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Original,
    /// Same page again: `recrawl` (identical bytes, another URL) or `mirror` (same article on
    /// another site, with that site's cruft).
    Exact {
        of: (u64, u64),
        recrawl: bool,
    },
    /// A syndicated copy of the story of `of` (always an original), with edits.
    Near {
        of: (u64, u64),
    },
}

pub fn doc_id(c: u64, k: u64) -> String {
    format!("d{c:07}{k:02}")
}

/// The decision part of a document's generator; cheap, so copies can resolve their sources.
fn kind_of(seed: u64, rates: &Rates, c: u64, k: u64) -> (DocKind, Rng) {
    let mut rng = Rng::for_key(seed, &[0x0064_6f63, c, k]);
    let r = rng.next_u64() as f64 / u64::MAX as f64;
    let earlier = |rng: &mut Rng| -> Option<(u64, u64)> {
        let lo = c.saturating_sub(WINDOW);
        let tc = lo + rng.below((c - lo + 1) as usize) as u64;
        let limit = if tc == c { k } else { CHUNK };
        (limit > 0).then(|| (tc, rng.below(limit as usize) as u64))
    };
    let kind = if r < rates.exact {
        match earlier(&mut rng) {
            Some(of) => DocKind::Exact {
                of,
                recrawl: rng.chance(0.5),
            },
            None => DocKind::Original,
        }
    } else if r < rates.exact + rates.near {
        match earlier(&mut rng) {
            Some(of) => DocKind::Near { of },
            None => DocKind::Original,
        }
    } else {
        DocKind::Original
    };
    (kind, rng)
}

/// Follow exact copies back to the document they copy (an original or a near copy).
fn resolve_exact(seed: u64, rates: &Rates, mut at: (u64, u64)) -> (u64, u64) {
    loop {
        match kind_of(seed, rates, at.0, at.1).0 {
            DocKind::Exact { of, .. } => at = of,
            _ => return at,
        }
    }
}

/// Follow any copy back to the original whose story it carries.
fn resolve_root(seed: u64, rates: &Rates, mut at: (u64, u64)) -> (u64, u64) {
    loop {
        match kind_of(seed, rates, at.0, at.1).0 {
            DocKind::Exact { of, .. } | DocKind::Near { of } => at = of,
            DocKind::Original => return at,
        }
    }
}

/// A line of a rendered document and what it is.
#[derive(Debug, Clone)]
pub struct LineInfo {
    pub start: usize,
    pub end: usize,
    pub role: Role,
}

#[derive(Debug, Clone)]
pub enum Role {
    Title,
    /// Index into `GenDoc::blocks`.
    Block(usize),
    Cruft(&'static str),
}

/// A generated document with its ground truth.
pub struct GenDoc {
    pub doc_id: String,
    pub url: String,
    pub site: String,
    pub date: String,
    pub title: String,
    /// Origin key of the title line, like a block's (`s{story}:t` or `n{doc}:t`).
    pub title_origin: String,
    pub text: String,
    pub lines: Vec<LineInfo>,
    pub blocks: Vec<Block>,
    /// Cruft spans in `text`: (start, end, kind); inline glyphs inside kept lines included.
    pub cruft: Vec<(usize, usize, &'static str)>,
    /// Root story (documents with the same group are copies of one story).
    pub group: u64,
    /// Identity of the article body: equal for exact copies.
    pub content: String,
    pub dup: Option<DupInfo>,
}

pub struct DupInfo {
    pub of: String,
    pub kind: &'static str,
    pub edits: Vec<&'static str>,
}

pub struct World {
    pub seed: u64,
    pub rates: Rates,
    pub vocab: Vocab,
    pub sites: Vec<Site>,
}

impl World {
    pub fn new(seed: u64, rates: Rates) -> World {
        let vocab = Vocab::new(seed, 40_000);
        let sites = (0..300).map(|i| Site::new(&vocab, seed, i)).collect();
        World {
            seed,
            rates,
            vocab,
            sites,
        }
    }

    pub fn doc(&self, c: u64, k: u64) -> GenDoc {
        let (kind, mut rng) = kind_of(self.seed, &self.rates, c, k);
        let id = doc_id(c, k);
        match kind {
            DocKind::Original => {
                let story_id = c * CHUNK + k;
                let st = story(&self.vocab, self.seed, story_id);
                let mut blocks = st.blocks;
                // Background passages lifted from an earlier, unrelated story.
                if rng.chance(self.rates.passage) && c * CHUNK + k > 0 {
                    let from = resolve_root(
                        self.seed,
                        &self.rates,
                        (
                            c.saturating_sub(rng.below(WINDOW as usize) as u64),
                            rng.below(CHUNK as usize) as u64,
                        ),
                    );
                    let from_story = from.0 * CHUNK + from.1;
                    if from_story < story_id {
                        let other = story(&self.vocab, self.seed, from_story);
                        let paras: Vec<&Block> = other
                            .blocks
                            .iter()
                            .filter(|b| b.kind == BlockKind::Para)
                            .collect();
                        let take = rng.range(1, 2).min(paras.len());
                        let at = rng.range(1, blocks.len());
                        let start = rng.below(paras.len() - take + 1);
                        for (j, b) in paras[start..start + take].iter().enumerate() {
                            blocks.insert(at + j, (*b).clone());
                        }
                    }
                }
                let site = rng.below(self.sites.len());
                self.render(
                    &mut rng,
                    id,
                    site,
                    st.title,
                    blocks,
                    story_id,
                    format!("s{story_id}"),
                    None,
                    st.topic,
                )
            }
            DocKind::Exact { of, recrawl } => {
                let target = resolve_exact(self.seed, &self.rates, of);
                let mut d = self.doc(target.0, target.1);
                let dup = Some(DupInfo {
                    of: d.doc_id.clone(),
                    kind: "exact",
                    edits: vec![if recrawl { "recrawl" } else { "mirror" }],
                });
                if recrawl {
                    d.url = format!(
                        "{}?utm_source={}",
                        d.url,
                        rng.pick(&["rss", "twitter", "app"])
                    );
                    d.doc_id = id;
                    d.dup = dup;
                    d
                } else {
                    let site = rng.below(self.sites.len());
                    let topic = story(&self.vocab, self.seed, d.group).topic;
                    // The mirror carries the article, not the first site's boilerplate blurb.
                    let blocks = d
                        .blocks
                        .into_iter()
                        .filter(|b| !b.origin.starts_with('b'))
                        .collect();
                    let mut m = self.render(
                        &mut rng, id, site, d.title, blocks, d.group, d.content, dup, topic,
                    );
                    m.title_origin = d.title_origin;
                    m
                }
            }
            DocKind::Near { of } => {
                let root = resolve_root(self.seed, &self.rates, of);
                let story_id = root.0 * CHUNK + root.1;
                let st = story(&self.vocab, self.seed, story_id);
                let (t, blocks, edits) = self.edit(&mut rng, &id, st.title, st.blocks, st.topic);
                let site = rng.below(self.sites.len());
                let title_origin = if edits.contains(&"headline") {
                    format!("n{id}:t")
                } else {
                    format!("s{story_id}:t")
                };
                let dup = Some(DupInfo {
                    of: doc_id(root.0, root.1),
                    kind: "near",
                    edits,
                });
                let mut d = self.render(
                    &mut rng,
                    id.clone(),
                    site,
                    t,
                    blocks,
                    story_id,
                    format!("n{id}"),
                    dup,
                    st.topic,
                );
                d.title_origin = title_origin;
                d
            }
        }
    }

    /// The edits a syndicating site makes: a new headline, paragraphs dropped, swapped or
    /// added, a shortened excerpt, a rewritten lead, typos and word substitutions.
    fn edit(
        &self,
        rng: &mut Rng,
        id: &str,
        mut t: String,
        mut blocks: Vec<Block>,
        topic_id: u64,
    ) -> (String, Vec<Block>, Vec<&'static str>) {
        let topic = Topic::new(&self.vocab, self.seed, topic_id);
        let mut edits = Vec::new();
        let n_edits = if rng.chance(0.3) { 2 } else { 1 };
        for _ in 0..n_edits {
            let r = rng.below(100);
            let paras: Vec<usize> = (0..blocks.len())
                .filter(|&i| blocks[i].kind == BlockKind::Para)
                .collect();
            if r < 30 {
                edits.push("typos");
                for _ in 0..rng.range(1, 4) {
                    let bi = *rng.pick(&paras);
                    typo(&mut blocks[bi], rng, &self.vocab);
                }
            } else if r < 52 {
                edits.push("headline");
                t.clear();
                let tc = rng.chance(0.5);
                title(&mut t, &self.vocab, &topic, rng, tc);
            } else if r < 66 && paras.len() >= 5 {
                edits.push("drop_paragraph");
                let bi = *rng.pick(&paras);
                blocks.remove(bi);
            } else if r < 76 && paras.len() >= 3 {
                edits.push("reorder");
                let i = rng.below(paras.len() - 1);
                blocks.swap(paras[i], paras[i + 1]);
            } else if r < 88 {
                edits.push("append");
                let mut p = String::with_capacity(512);
                for j in 0..rng.range(1, 3) {
                    if j > 0 {
                        p.push(' ');
                    }
                    let len = rng.range(8, 28);
                    super::vocab::sentence(&mut p, &self.vocab, &topic, rng, len);
                }
                blocks.push(Block {
                    text: p,
                    kind: BlockKind::Para,
                    origin: format!("n{id}:{}", blocks.len()),
                    edited: false,
                });
            } else if r < 94 && paras.len() >= 4 {
                edits.push("truncate");
                let keep = paras[(paras.len() * rng.range(55, 75)) / 100];
                blocks.truncate(keep.max(2));
            } else {
                edits.push("rewrite_lead");
                if let Some(&bi) = paras.first() {
                    let mut p = String::with_capacity(256);
                    let len = rng.range(14, 30);
                    super::vocab::sentence(&mut p, &self.vocab, &topic, rng, len);
                    blocks[bi] = Block {
                        text: p,
                        kind: BlockKind::Para,
                        origin: format!("n{id}:{bi}"),
                        edited: false,
                    };
                }
            }
        }
        (t, blocks, edits)
    }

    #[allow(clippy::too_many_arguments)]
    fn render(
        &self,
        rng: &mut Rng,
        doc_id: String,
        site_ix: usize,
        t: String,
        blocks: Vec<Block>,
        group: u64,
        content: String,
        dup: Option<DupInfo>,
        topic_id: u64,
    ) -> GenDoc {
        let site = &self.sites[site_ix];
        let cr = self.rates.cruft * site.messiness;
        let mut b = Builder {
            text: String::with_capacity(6000),
            lines: Vec::with_capacity(blocks.len() + 20),
            cruft: Vec::new(),
            sep: if site.blank_between { "\n\n" } else { "\n" },
        };
        let year = 2016 + rng.below(9);
        let month = rng.below(12);
        let day = 1 + rng.below(28);
        let (hh, mm) = (rng.below(24), rng.below(60));
        let date = format!("{year}-{:02}-{day:02}", month + 1);
        let cruft_page = rng.chance(self.rates.cruft.min(1.0));

        if cruft_page && site.skip_link {
            b.cruft(
                rng.pick_str(&[
                    "Skip to content",
                    "Skip to main content",
                    "Skip to navigation",
                ]),
                "site_chrome",
            );
        }
        if cruft_page && let Some(s) = &site.icon_strip {
            b.cruft(s, "icon_string");
        }
        if cruft_page && rng.chance(0.8 * cr.min(1.0)) {
            b.cruft(&site.menu, "nav_menu");
        }
        // The title, sometimes carrying an icon glyph (a bookmark or "live" marker).
        let glyph = cruft_page && site.glyphs && rng.chance(0.6);
        b.line_with_glyph(&t, Role::Title, glyph, rng);
        if cruft_page && rng.chance(0.7 * cr.min(1.0)) {
            let d = dateline(rng, site, &self.vocab, year, month, day, hh, mm);
            b.cruft(&d, "dateline");
        }
        if cruft_page && site.repeated_title {
            b.cruft(&t, "repeated_line");
        }
        let credit_at = (cruft_page && rng.chance(0.4 * cr)).then(|| rng.below(2));
        let mut first_para = true;
        let topic = Topic::new(&self.vocab, self.seed, topic_id);
        for (i, bl) in blocks.iter().enumerate() {
            if credit_at == Some(i) {
                let c = credit(rng, site, &self.vocab);
                b.cruft(&c, "photo_credit");
            }
            let glyph = cruft_page && site.glyphs && first_para && rng.chance(0.2);
            first_para = false;
            b.line_with_glyph(&bl.text, Role::Block(i), glyph, rng);
            // Ads and pasted headline lists sometimes sit between paragraphs.
            if cruft_page && i + 2 < blocks.len() && rng.chance(0.03 * cr) {
                b.cruft(
                    rng.pick_str(&["Advertisement", "ADVERTISEMENT", "Sponsored content"]),
                    "site_chrome",
                );
            }
        }
        let mut blocks = blocks;
        if let Some(blurb) = &site.blurb
            && rng.chance(0.7)
        {
            blocks.push(Block {
                text: blurb.clone(),
                kind: BlockKind::Para,
                origin: format!("b{site_ix}"),
                edited: false,
            });
            b.line(blurb, Role::Block(blocks.len() - 1));
        }
        if cruft_page {
            let mut footer: Vec<u8> = Vec::new();
            for (k, p) in [
                (0u8, 0.3),
                (1, 0.55),
                (2, 0.5),
                (3, 0.45),
                (4, 0.15),
                (5, 0.3),
                (6, 0.3),
            ] {
                if rng.chance((p * cr).min(1.0)) {
                    footer.push(k);
                }
            }
            if rng.chance(0.3) && footer.len() > 2 {
                footer.swap(1, 2);
            }
            for k in footer {
                match k {
                    0 => {
                        let s = source_line(rng, &self.vocab);
                        b.cruft(&s, "source_line");
                    }
                    1 => {
                        for s in &site.share {
                            b.cruft(s, "share_prompt");
                        }
                    }
                    2 => {
                        let s = if rng.chance(0.7) {
                            site.read_more.clone()
                        } else {
                            read_more_phrase(rng, &site.name, &site.domain, &self.vocab)
                        };
                        b.cruft(&s, "read_more");
                    }
                    3 if site.related || site.headline_list => {
                        self.story_list(&mut b, rng, site, &topic, topic_id);
                    }
                    4 => {
                        b.cruft(
                            rng.pick_str(&["* * *", "—", "---", "***", "• • •"]),
                            "separator",
                        );
                    }
                    5 => {
                        let mut tags = String::from(rng.pick_str(&["Tags: ", "Filed under: "]));
                        for j in 0..rng.range(2, 5) {
                            if j > 0 {
                                tags.push_str(", ");
                            }
                            tags.push_str(&self.vocab.names[*rng.pick(&topic.names) as usize]);
                        }
                        b.cruft(&tags, "site_chrome");
                    }
                    6 if site.comment_form => comment_form(&mut b, rng),
                    _ => {}
                }
            }
            if let Some(c) = &site.copyright {
                b.cruft(c, "site_chrome");
            }
        }
        let section = rng.pick(&site.sections).to_lowercase();
        let mut slug = String::new();
        for w in t.split_whitespace().take(5) {
            for ch in w.chars().filter(|c| c.is_alphanumeric()) {
                slug.extend(ch.to_lowercase());
            }
            slug.push('-');
        }
        GenDoc {
            url: format!("https://{}/{section}/{slug}{doc_id}", site.domain),
            doc_id,
            site: site.name.clone(),
            date,
            title: t,
            title_origin: format!("s{group}:t"),
            text: b.text,
            lines: b.lines,
            blocks,
            cruft: b.cruft,
            group,
            content,
            dup,
        }
    }

    /// A list of other stories: on-topic under a "related" heading, or a pasted run of
    /// unrelated headlines.
    fn story_list(&self, b: &mut Builder, rng: &mut Rng, site: &Site, topic: &Topic, tid: u64) {
        let related = site.related && (!site.headline_list || rng.chance(0.5));
        if related {
            b.cruft(&site.related_header, "related_header");
            for _ in 0..rng.range(2, 5) {
                let mut s = String::new();
                // Related stories are mostly on the same topic; some sites mix in others.
                if rng.chance(0.7) {
                    title(&mut s, &self.vocab, topic, rng, site.title_case);
                } else {
                    let other = Topic::new(
                        &self.vocab,
                        self.seed,
                        (tid + 1 + rng.below(500) as u64) % TOPICS,
                    );
                    title(&mut s, &self.vocab, &other, rng, site.title_case);
                }
                b.cruft(&s, "related_list");
            }
        } else {
            let dash = rng.chance(0.3);
            for _ in 0..rng.range(3, 8) {
                let other = Topic::new(
                    &self.vocab,
                    self.seed,
                    (tid + 1 + rng.below(500) as u64) % TOPICS,
                );
                let mut s = String::new();
                title(&mut s, &self.vocab, &other, rng, site.title_case);
                if dash {
                    s.push_str(" -");
                }
                b.cruft(&s, "headline_list");
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dateline(
    rng: &mut Rng,
    site: &Site,
    vocab: &Vocab,
    year: usize,
    month: usize,
    day: usize,
    hh: usize,
    mm: usize,
) -> String {
    let mon = MONTHS[month];
    let style = if rng.chance(0.8) {
        site.dateline_style
    } else {
        rng.below(8)
    };
    match style {
        0 => format!(
            "{} {mon} {day:02}, {hh:02}:{mm:02}",
            rng.pick(&site.sections)
        ),
        1 => format!("{day} {}, {year} {hh:02}:{mm:02}", &mon[..3]),
        2 => format!(
            "By {} {} | {mon} {day}, {year}",
            vocab.name(rng),
            vocab.name(rng)
        ),
        3 => format!(
            "Published {mon} {day}, {year} at {}:{mm:02} {}",
            1 + hh % 12,
            if hh < 12 { "am" } else { "pm" }
        ),
        4 => format!("{year}-{:02}-{day:02}", month + 1),
        5 => format!("{}, {day:02}.{:02}.{year}", site.name, month + 1),
        6 => format!("Updated {} hours ago", 1 + rng.below(23)),
        _ => format!(
            "{}, {mon} {day}, {year}",
            rng.pick(&[
                "Monday",
                "Tuesday",
                "Wednesday",
                "Thursday",
                "Friday",
                "Saturday",
                "Sunday"
            ])
        ),
    }
}

fn credit(rng: &mut Rng, site: &Site, vocab: &Vocab) -> String {
    let agency = *rng.pick(AGENCIES);
    let (a, b) = (vocab.name(rng).to_string(), vocab.name(rng).to_string());
    match if rng.chance(0.8) {
        site.credit_style
    } else {
        rng.below(7)
    } {
        0 => format!("Photo: {a} {b}/{agency}"),
        1 => format!("Picture: {agency}"),
        2 => format!("Image credit: {a} {b}"),
        3 => format!("{a} {b}/Getty Images"),
        4 => format!("(AP Photo/{a} {b})"),
        5 => format!("© {a} {b}"),
        _ => format!("Photograph: {a} {b} for {}", site.name),
    }
}

fn source_line(rng: &mut Rng, vocab: &Vocab) -> String {
    match rng.below(5) {
        0 => format!("Source: {}", rng.pick(AGENCIES)),
        1 => format!("Source: {} {}", vocab.name(rng), rng.pick(SITE_SUFFIX)),
        2 => format!("Via: {}", rng.pick(AGENCIES)),
        3 => format!(
            "With reporting from {} {}",
            vocab.name(rng),
            vocab.name(rng)
        ),
        _ => format!(
            "Originally published at {} {}",
            vocab.name(rng),
            rng.pick(SITE_SUFFIX)
        ),
    }
}

fn comment_form(b: &mut Builder, rng: &mut Rng) {
    let head = *rng.pick(&[
        "Leave a Reply",
        "Leave a comment",
        "Post a comment",
        "Add comment",
        "Comments",
        "12 Comments",
        "Join the discussion",
        "Be the first to comment",
    ]);
    b.cruft(head, "comment_form");
    if rng.chance(0.6) {
        b.cruft(
            "Your email address will not be published. Required fields are marked *",
            "comment_form",
        );
        for f in ["Comment *", "Name *", "Email *"] {
            b.cruft(f, "comment_form");
        }
        if rng.chance(0.5) {
            b.cruft(
                "Save my name, email, and website in this browser for the next time I comment.",
                "comment_form",
            );
        }
        b.cruft(
            rng.pick_str(&["Post Comment", "Post a comment"]),
            "comment_form",
        );
    } else if rng.chance(0.5) {
        b.cruft(
            rng.pick_str(&[
                "You must be logged in to post a comment.",
                "Comments are closed.",
                "Show comments",
            ]),
            "comment_form",
        );
    }
}

/// Accumulates the document text line by line, recording each line's role and range.
struct Builder {
    text: String,
    lines: Vec<LineInfo>,
    cruft: Vec<(usize, usize, &'static str)>,
    sep: &'static str,
}

impl Builder {
    fn begin(&mut self) -> usize {
        if !self.text.is_empty() {
            self.text.push_str(self.sep);
        }
        self.text.len()
    }

    fn line(&mut self, s: &str, role: Role) {
        let start = self.begin();
        self.text.push_str(s);
        self.lines.push(LineInfo {
            start,
            end: self.text.len(),
            role,
        });
    }

    fn cruft(&mut self, s: &str, kind: &'static str) {
        let start = self.begin();
        self.text.push_str(s);
        let end = self.text.len();
        self.lines.push(LineInfo {
            start,
            end,
            role: Role::Cruft(kind),
        });
        self.cruft.push((start, end, kind));
    }

    /// A kept line, optionally starting with private-use icon glyphs (a cruft span of its own).
    fn line_with_glyph(&mut self, s: &str, role: Role, glyph: bool, rng: &mut Rng) {
        let start = self.begin();
        if glyph {
            for _ in 0..rng.range(1, 2) {
                let c = char::from_u32(0xE000 + rng.below(0x900) as u32).unwrap_or('\u{e900}');
                self.text.push(c);
            }
            self.cruft.push((start, self.text.len(), "icon_glyph"));
            self.text.push(' ');
        }
        self.text.push_str(s);
        self.lines.push(LineInfo {
            start,
            end: self.text.len(),
            role,
        });
    }
}

fn typo(b: &mut Block, rng: &mut Rng, vocab: &Vocab) {
    let words: Vec<(usize, usize)> = word_spans(&b.text);
    if words.is_empty() {
        return;
    }
    let (s, e) = *rng.pick(&words);
    let w = &b.text[s..e];
    let replacement = if rng.chance(0.5) && w.len() >= 4 {
        // A transposition typo.
        let mut chars: Vec<char> = w.chars().collect();
        let i = rng.below(chars.len() - 1);
        chars.swap(i, i + 1);
        chars.into_iter().collect::<String>()
    } else {
        vocab.zipf_word(rng).to_string()
    };
    b.text.replace_range(s..e, &replacement);
    b.edited = true;
}

fn word_spans(s: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_ascii_lowercase() {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(st) = start.take() {
            out.push((st, i));
        }
    }
    out
}
