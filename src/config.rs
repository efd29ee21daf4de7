//! Settings: the TOML config (plus command-line overrides) turned once into a validated value
//! that the rest of the program reads. Rule packs from `config/rules/` are loaded here too.

use crate::doc::{Format, MetaKey};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The default config and rule packs, compiled in so the binary works from any directory.
pub const DEFAULT_CONFIG: &str = include_str!("../config/default.toml");
pub const DEFAULT_RULE_PACKS: &[(&str, &str)] = &[
    (
        "boilerplate.toml",
        include_str!("../config/rules/boilerplate.toml"),
    ),
    (
        "metadata.toml",
        include_str!("../config/rules/metadata.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("invalid config {path}: {message}")]
    Parse { path: String, message: String },
    #[error("invalid setting {key}: {message}")]
    Invalid { key: String, message: String },
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    pub input: InputSettings,
    pub clean: CleanSettings,
    pub normalize: NormalizeSettings,
    pub fingerprint: FingerprintSettings,
    pub dedup: DedupSettings,
    pub output: OutputSettings,
    /// Rule packs, loaded from `clean.rules_dir` (not part of the TOML itself).
    #[serde(skip_deserializing)]
    pub rules: Vec<RuleSpec>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputSettings {
    /// Files or folders read when no `--input` is given.
    pub paths: Vec<PathBuf>,
    /// File extension (lowercase, without dot, after any `.gz`/`.zst`) to format.
    pub formats: BTreeMap<String, Format>,
    /// JSONL: the field holding the document text.
    pub text_field: String,
    /// JSONL: the field holding the URL, if any.
    pub url_field: String,
    /// JSONL: the text fields are pages' full visible text (menus and footers included), so
    /// `page_edge` trims them like a `txt` scrape. Off by default: most JSONL corpora hold text
    /// an extractor already cut to the content, where what follows the last paragraph (a code
    /// listing, a table, a list of items) is content.
    pub jsonl_pages: bool,
    /// txt files are pages' full visible text (a scrape, as the seeds are), so `page_edge`
    /// trims them. Set false for a folder of texts already cut to their content (articles,
    /// books), whose ends are content.
    pub txt_pages: bool,
    /// A record (a JSONL line, a whole txt/html file after decompression, a WARC record block
    /// or gzip member once decoded) larger than this is reported and skipped.
    pub max_record_bytes: u64,
    /// Follow symbolic links when walking folders.
    pub follow_links: bool,
}

impl Default for InputSettings {
    fn default() -> Self {
        let formats = [
            ("txt", Format::Txt),
            ("text", Format::Txt),
            ("html", Format::Html),
            ("htm", Format::Html),
            ("xhtml", Format::Html),
            ("jsonl", Format::Jsonl),
            ("ndjson", Format::Jsonl),
            ("warc", Format::Warc),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        InputSettings {
            paths: vec![PathBuf::from("seeds")],
            formats,
            text_field: "text".into(),
            url_field: "url".into(),
            jsonl_pages: false,
            txt_pages: true,
            max_record_bytes: 64 << 20,
            follow_links: false,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CleanSettings {
    /// Folder of rule packs (`*.toml`), relative to the config file.
    pub rules_dir: PathBuf,
    /// Detectors to run, by rule id; an empty list runs them all.
    pub disabled: Vec<String>,
    /// Documents with fewer words than this after cleaning are dropped as `too_short`.
    pub min_words: usize,
    pub icons: IconSettings,
    pub datelines: DatelineSettings,
    pub headlines: HeadlineSettings,
    pub repeats: RepeatSettings,
    pub chrome: ChromeSettings,
    pub menus: MenuSettings,
    pub edges: EdgeSettings,
}

impl Default for CleanSettings {
    fn default() -> Self {
        CleanSettings {
            rules_dir: PathBuf::from("rules"),
            disabled: Vec::new(),
            min_words: 1,
            icons: IconSettings::default(),
            datelines: DatelineSettings::default(),
            headlines: HeadlineSettings::default(),
            repeats: RepeatSettings::default(),
            chrome: ChromeSettings::default(),
            menus: MenuSettings::default(),
            edges: EdgeSettings::default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct IconSettings {
    /// Substrings that mark a token as an icon-font class or ligature name.
    pub markers: Vec<String>,
    /// A line needs at least this many tokens to be judged an icon string.
    pub min_tokens: usize,
    /// ... and at least this fraction of its tokens carrying a marker.
    pub min_ratio: f64,
}

impl Default for IconSettings {
    fn default() -> Self {
        IconSettings {
            markers: ["icon", "glyph", "chevron", "caret", "arrow_", "fa-", "svg"]
                .map(String::from)
                .to_vec(),
            min_tokens: 4,
            min_ratio: 0.5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatelineSettings {
    /// Longest line (in characters) that can be a dateline.
    pub max_chars: usize,
    /// Most words beside the date and time (a section or site name) a dateline may carry.
    pub max_label_words: usize,
}

impl Default for DatelineSettings {
    fn default() -> Self {
        DatelineSettings {
            max_chars: 90,
            max_label_words: 6,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeadlineSettings {
    /// Fewest title-like lines in a run for it to be judged a headline list.
    pub min_run: usize,
    /// A title-like line has between `min_words` and `max_words` words.
    pub min_words: usize,
    pub max_words: usize,
    /// A run is off-topic as a whole when at most this fraction of all its content words
    /// occur in the rest of the document; a line is off-topic when it shares fewer than two
    /// content words with the rest (or at most this fraction of them).
    pub max_overlap: f64,
    /// A run goes when it is off-topic as a whole and at least this fraction of its lines are.
    pub min_off_topic: f64,
}

impl Default for HeadlineSettings {
    fn default() -> Self {
        HeadlineSettings {
            min_run: 3,
            min_words: 3,
            max_words: 24,
            max_overlap: 0.2,
            min_off_topic: 0.5,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RepeatSettings {
    /// A line repeated within a document is removed when it has at least this many words...
    pub min_words: usize,
    /// ...and its previous copy is at most this many kept lines before it (a title printed
    /// twice, a caption under its photo)...
    pub max_gap: usize,
    /// ...or it has at least this many words (a paragraph pasted twice) wherever it stands.
    pub long_words: usize,
}

impl Default for RepeatSettings {
    fn default() -> Self {
        RepeatSettings {
            min_words: 3,
            max_gap: 1,
            long_words: 12,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChromeSettings {
    /// A line of at least this many items split by separators (`|`, `•`, `·`, `/`, `»`) with
    /// at most `max_item_words` words each is navigation.
    pub min_items: usize,
    pub max_item_words: usize,
    /// A line of at least this many words, every one capitalized, with no punctuation that
    /// would make it a sentence, a list or a title with a subtitle, is a menu whose links
    /// were run together with spaces.
    pub run_together_words: usize,
}

impl Default for ChromeSettings {
    fn default() -> Self {
        ChromeSettings {
            min_items: 4,
            max_item_words: 3,
            run_together_words: 14,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MenuSettings {
    /// `menu_run`: at least this many consecutive short lines that do not end like a sentence
    /// are a menu laid out one item per line.
    pub min_run: usize,
    /// A short line has at most this many words.
    pub max_words: usize,
    /// A prose line has at least this many words and ends like a sentence.
    pub prose_words: usize,
    /// A run right after a line of at least this many words ending in ":" is an announced list.
    pub intro_words: usize,
    /// Before prose, up to `lead_lines` last lines of a run with at least `lead_words` words
    /// stay (the title and byline).
    pub lead_lines: usize,
    pub lead_words: usize,
    /// `menu_run` runs only where prose lines hold at least this share of the words of prose
    /// and short lines together (a page with an article around its menus) ...
    pub min_prose_share: f64,
    /// ... or, on a page's full visible text, this share: there the header, footer and
    /// mega-menus are all still on the page and alone make short lines the majority.
    pub page_min_prose_share: f64,
}

impl Default for MenuSettings {
    fn default() -> Self {
        MenuSettings {
            min_run: 5,
            max_words: 4,
            prose_words: 10,
            intro_words: 3,
            lead_lines: 2,
            lead_words: 3,
            min_prose_share: 0.5,
            page_min_prose_share: 0.2,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EdgeSettings {
    /// A prose line has at least this many words and ends like a sentence (or has twice as
    /// many words).
    pub prose_words: usize,
    /// `page_edge` runs only on a page with at least this many prose lines holding at least
    /// `min_prose_share` of its words.
    pub min_prose_lines: usize,
    pub min_prose_share: f64,
    /// Before the first prose line, a line stays when it shares at least this many content
    /// words with the prose (a title, a standfirst) ...
    pub head_topic_words: usize,
    /// ... or is one of the last `lead_lines` lines before it (a title, a byline, a date).
    pub lead_lines: usize,
    /// From the last prose line on (that line included), a line ending in ":" carries the next
    /// `list_lines` lines on as its list ...
    pub list_lines: usize,
    /// ... and up to `max_gap` lines in a row that carry nothing (a subheading, a list item, or
    /// a line another rule took) stay when a line after them carries the article on.
    pub max_gap: usize,
    /// After the last prose line, a line on the article's topic carries it on: it shares at
    /// least this many content words with the prose, and they make up most of its own.
    pub topic_words: usize,
    /// `comment_thread`: this many comment headers ("Jane Doe says") below the article make
    /// a thread, which goes from the first to the page's end; 0 ignores headers (a thread's
    /// heading, "12 thoughts on “Title”", still starts one).
    pub comment_headers: usize,
    /// The prose of the page's tail (teasers of other stories, a newsletter's pitch, a blurb
    /// about the site): prose lines fall into blocks wherever at least `block_gap` lines that
    /// carry nothing on (menu items, headings, lines other rules took) stand between two of
    /// them. Blocks at the page's end go with the tail while each has fewer words than
    /// `block_size` times those of the largest block's sentences and shares less than
    /// `block_topic` of its content words with the blocks up to the largest. 0 for `block_gap`
    /// or `block_size` turns this off.
    pub block_gap: usize,
    pub block_topic: f64,
    pub block_size: f64,
    /// The page's first block of prose goes as a banner above the article (a cookie notice in
    /// a language the rule packs lack) when it is small, one of its lines holds one of these
    /// words (in lower case, where a word begins: "cookie" also finds "Cookieinställningar";
    /// anywhere in scripts without case), and it is not the article's: the article never
    /// names cookies, or the block is off its topic as a tail block is. Empty turns it off.
    pub banner_words: Vec<String>,
    /// ... and at most this many open lines stand between it and the prose after it (a
    /// header; a shop's grid of products below the notice is the page's content).
    pub banner_header_lines: usize,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        EdgeSettings {
            prose_words: 12,
            min_prose_lines: 2,
            min_prose_share: 0.1,
            head_topic_words: 4,
            topic_words: 2,
            lead_lines: 3,
            list_lines: 12,
            max_gap: 2,
            comment_headers: 2,
            block_gap: 3,
            block_topic: 0.4,
            block_size: 0.25,
            banner_words: [
                "cookie",
                "kakor",
                "çerez",
                "쿠키",
                "クッキー",
                "كوكيز",
                "ملفات تعريف الارتباط",
                "कुकी",
                "eväste",
                "sütik",
                "süti ",
                "kolačić",
                "piškot",
                "küpsis",
                "sīkdatn",
                "slapuk",
                "informasjonskapsl",
                "vafrakök",
                "galetes",
                "куки",
                "ciasteczk",
                "עוגיות",
                "کوکی",
                "คุกกี้",
                "小型文本文件",
            ]
            .map(String::from)
            .to_vec(),
            banner_header_lines: 30,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UnicodeForm {
    Nfc,
    Nfkc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphMode {
    /// Every non-empty line is a paragraph (scraped text: one block element per line).
    Line,
    /// Paragraphs are separated by blank lines; lines inside are joined (hard-wrapped text).
    Blank,
    /// `blank` when the text looks hard-wrapped, `line` otherwise.
    Auto,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NormalizeSettings {
    pub unicode: UnicodeForm,
    /// Map apostrophe look-alikes (’ ‘ ´ ʼ ′ …) to `'`.
    pub apostrophes: bool,
    /// Map double-quote look-alikes (“ ” „ ″ …) to `"`.
    pub quotes: bool,
    /// Map dash look-alikes (‐ ‑ ‒ − …, not en or em dashes) to `-`.
    pub dashes: bool,
    pub paragraphs: ParagraphMode,
}

impl Default for NormalizeSettings {
    fn default() -> Self {
        NormalizeSettings {
            unicode: UnicodeForm::Nfc,
            apostrophes: true,
            quotes: true,
            dashes: true,
            paragraphs: ParagraphMode::Auto,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FingerprintSettings {
    /// Words per shingle.
    pub shingle: usize,
    /// MinHash signature length.
    pub num_hashes: usize,
    /// LSH banding: `bands * rows <= num_hashes`.
    pub bands: usize,
    pub rows: usize,
    /// Seed of the hash functions; signatures are comparable only under the same seed.
    pub seed: u64,
    /// Mask digits in the fingerprint text, so copies that differ only in numbers (a death
    /// toll updated, a version bumped) count as near duplicates. Exact digests always keep
    /// the digits.
    pub mask_digits: bool,
}

impl Default for FingerprintSettings {
    fn default() -> Self {
        FingerprintSettings {
            shingle: 5,
            num_hashes: 128,
            bands: 20,
            rows: 6,
            seed: 1_544_167_462,
            mask_digits: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DedupMode {
    /// Drop duplicate documents and remove duplicate passages.
    Drop,
    /// Keep everything; only mark duplicates.
    Annotate,
    /// No deduplication.
    Off,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DedupSettings {
    pub mode: DedupMode,
    /// Near-duplicate pairs need an estimated Jaccard similarity at least this high.
    pub threshold: f64,
    pub documents: bool,
    pub passages: bool,
    /// Passages with fewer words are neither matched nor removed.
    pub passage_min_words: usize,
    /// Candidate pairs whose MinHash estimate lies within this distance of `threshold` are
    /// decided by their exact Jaccard similarity (recomputed from the texts); 0 turns it off.
    pub exact_margin: f64,
    /// Memory for the dedup index (signatures and band keys), as a size (`"2G"`, `"512M"`) or
    /// `"unlimited"`. Below it everything stays in memory; above it, signatures spill to a file
    /// in the output folder and band keys go through partition files. The output is the same.
    pub memory: String,
}

impl DedupSettings {
    /// [`DedupSettings::memory`] in bytes; `None`: unlimited.
    pub fn memory_bytes(&self) -> Result<Option<u64>, String> {
        let m = self.memory.trim();
        if m.eq_ignore_ascii_case("unlimited") {
            return Ok(None);
        }
        parse_bytes(m).map(Some)
    }
}

impl Default for DedupSettings {
    fn default() -> Self {
        DedupSettings {
            mode: DedupMode::Drop,
            threshold: 0.8,
            documents: true,
            passages: true,
            passage_min_words: 8,
            exact_margin: 0.25,
            memory: "2G".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    None,
    Zstd,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutputSettings {
    pub dir: PathBuf,
    /// Compression of `corpus.jsonl`.
    pub compression: Compression,
    pub zstd_level: i32,
    /// Wait until the output files are on disk (fsync) before each is renamed into place, and
    /// sync the folder after the renames, before the run ends. Off, the renames still make
    /// each file appear whole or not at all to a reader and after an interrupted run; only a
    /// power loss or a crash of the machine right after the run can lose what the kernel had
    /// not yet written. Like `cp`, `sort -o` and the peers, the default leaves the writing to
    /// the kernel: the wait was up to a twentieth of a run, the cores idle.
    pub sync: bool,
}

impl Default for OutputSettings {
    fn default() -> Self {
        OutputSettings {
            dir: PathBuf::from("out"),
            compression: Compression::None,
            zstd_level: 3,
            sync: false,
        }
    }
}

/// What a line rule does with a matching line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleAction {
    /// Remove the line.
    Remove,
    /// Remove the line and keep the `value` capture (or the whole line) as metadata.
    Metadata,
}

/// A rule from a pack: whole lines matching any pattern (case-insensitive, anchored at both
/// ends) with at most `max_words` words.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    pub id: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_action")]
    pub action: RuleAction,
    #[serde(default)]
    pub key: Option<MetaKey>,
    #[serde(default = "default_max_words")]
    pub max_words: usize,
    /// Run after the detectors that read the page's shape (menu runs, page edges), on the lines
    /// they left: for lone labels that would otherwise break up a menu run or hide where an
    /// article ends.
    #[serde(default)]
    pub last: bool,
    pub patterns: Vec<String>,
}

fn default_action() -> RuleAction {
    RuleAction::Remove
}

fn default_max_words() -> usize {
    16
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulePack {
    rule: Vec<RuleSpec>,
}

/// Where the settings came from, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigOrigin {
    pub path: Option<String>,
    pub hash: String,
}

impl Settings {
    /// Parse a config text; `base` is the folder relative paths inside it resolve against,
    /// `None` for the built-in default (rule packs come from the binary then).
    pub fn from_toml(
        text: &str,
        origin: &str,
        base: Option<&Path>,
    ) -> Result<Settings, ConfigError> {
        let mut settings: Settings = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: origin.to_string(),
            message: e.to_string(),
        })?;
        settings.rules = match base {
            Some(dir) => load_rule_dir(&dir.join(&settings.clean.rules_dir))?,
            None => {
                let mut rules = Vec::new();
                for (name, text) in DEFAULT_RULE_PACKS {
                    rules.extend(parse_pack(text, name)?);
                }
                rules
            }
        };
        settings.validate()?;
        Ok(settings)
    }

    /// Load `path`, or with `None` the project's `config/default.toml` when it exists in the
    /// working folder, else the built-in copy of it.
    pub fn load(path: Option<&Path>) -> Result<(Settings, ConfigOrigin), ConfigError> {
        let default_path = Path::new("config/default.toml");
        let chosen = match path {
            Some(p) => Some(p.to_path_buf()),
            None if default_path.is_file() => Some(default_path.to_path_buf()),
            None => None,
        };
        let (settings, shown) = match &chosen {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Read {
                    path: p.display().to_string(),
                    source: e,
                })?;
                let base = p.parent().unwrap_or(Path::new("."));
                let s = Settings::from_toml(&text, &p.display().to_string(), Some(base))?;
                (s, Some(p.display().to_string()))
            }
            None => {
                let s = Settings::from_toml(DEFAULT_CONFIG, "<built-in default>", None)?;
                (s, None)
            }
        };
        let hash = settings.hash();
        Ok((settings, ConfigOrigin { path: shown, hash }))
    }

    /// blake3 of the resolved settings (including rule packs) as canonical JSON.
    pub fn hash(&self) -> String {
        short_hash(self)
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            key: key.to_string(),
            message,
        };
        let f = &self.fingerprint;
        if f.shingle == 0 {
            return Err(invalid("fingerprint.shingle", "must be at least 1".into()));
        }
        if f.num_hashes == 0 || f.bands == 0 || f.rows == 0 {
            return Err(invalid(
                "fingerprint",
                "num_hashes, bands and rows must be at least 1".into(),
            ));
        }
        if f.bands * f.rows > f.num_hashes {
            return Err(invalid(
                "fingerprint.bands",
                format!(
                    "bands x rows = {} exceeds num_hashes = {}",
                    f.bands * f.rows,
                    f.num_hashes
                ),
            ));
        }
        if let Err(e) = self.dedup.memory_bytes() {
            return Err(invalid("dedup.memory", format!("{e}, or \"unlimited\"")));
        }
        if !(0.0..=1.0).contains(&self.dedup.threshold) {
            return Err(invalid("dedup.threshold", "must be within 0..=1".into()));
        }
        let h = &self.clean.headlines;
        if h.min_words > h.max_words {
            return Err(invalid(
                "clean.headlines.min_words",
                "must not exceed max_words".into(),
            ));
        }
        for rule in &self.rules {
            if rule.action == RuleAction::Metadata && rule.key.is_none() {
                return Err(invalid(
                    &format!("rule {}", rule.id),
                    "a metadata rule needs a key".into(),
                ));
            }
            // Parsed, not compiled: the cleaner compiles them (each rule's pass at once, a
            // rule's own patterns when first needed), and compiling every pattern here too
            // was a third of the run's start-up.
            for p in &rule.patterns {
                regex_syntax::Parser::new().parse(p).map_err(|e| {
                    invalid(&format!("rule {} pattern {p:?}", rule.id), e.to_string())
                })?;
            }
        }
        Ok(())
    }
}

fn parse_pack(text: &str, origin: &str) -> Result<Vec<RuleSpec>, ConfigError> {
    let pack: RulePack = toml::from_str(text).map_err(|e| ConfigError::Parse {
        path: origin.to_string(),
        message: e.to_string(),
    })?;
    Ok(pack.rule)
}

/// Every `*.toml` in `dir`, in name order, so rule precedence does not depend on the file system.
fn load_rule_dir(dir: &Path) -> Result<Vec<RuleSpec>, ConfigError> {
    let read_err = |e| ConfigError::Read {
        path: dir.display().to_string(),
        source: e,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    let mut rules = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).map_err(|e| ConfigError::Read {
            path: f.display().to_string(),
            source: e,
        })?;
        rules.extend(parse_pack(&text, &f.display().to_string())?);
    }
    Ok(rules)
}

/// 16 hex digits of the blake3 of `value` as JSON: how settings (or a part of them) are named
/// in a manifest or a shard's record.
pub fn short_hash<T: Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    short_hex(blake3::hash(&json))
}

/// A blake3 hash as its first 16 hex digits: the project's short ids and settings hashes.
pub fn short_hex(hash: blake3::Hash) -> String {
    hash.to_hex()[..16].to_string()
}

/// Parses sizes like `2G`, `500M`, `64K`, `1000` (powers of 1024).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    let s = s.trim();
    // "2GB", "512MiB": the unit letter is what counts.
    let s = s
        .strip_suffix("iB")
        .or_else(|| s.strip_suffix("ib"))
        .filter(|r| r.ends_with(|c: char| c.is_ascii_alphabetic()))
        .or_else(|| {
            s.strip_suffix(['B', 'b'])
                .filter(|r| r.ends_with(|c: char| c.is_ascii_alphabetic()))
        })
        .unwrap_or(s);
    let (num, mult) = match s.char_indices().last() {
        Some((i, c)) if c.is_ascii_alphabetic() => {
            let m: u64 = match c.to_ascii_uppercase() {
                'K' => 1 << 10,
                'M' => 1 << 20,
                'G' => 1 << 30,
                'T' => 1 << 40,
                'B' => 1,
                _ => return Err(format!("unknown size suffix in {s:?} (use K, M, G)")),
            };
            (&s[..i], m)
        }
        _ => (s, 1),
    };
    let n: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("not a size: {s:?} (e.g. 200M, 2G)"))?;
    if n.is_nan() || n < 0.0 {
        return Err(format!("not a size: {s:?}"));
    }
    Ok((n * mult as f64) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_default_parses_and_validates() {
        let s = Settings::from_toml(DEFAULT_CONFIG, "default", None).unwrap();
        assert!(!s.rules.is_empty());
        assert_eq!(s.fingerprint.num_hashes, 128);
    }

    /// The built-in `banner_words`, which a config file without `[clean.edges] banner_words`
    /// gets, are the shipped file's, not none.
    #[test]
    fn banner_words_default_as_shipped() {
        let shipped = Settings::from_toml(DEFAULT_CONFIG, "default", None).unwrap();
        assert_eq!(
            shipped.clean.edges.banner_words,
            EdgeSettings::default().banner_words
        );
    }

    #[test]
    fn project_config_matches_built_in() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("config");
        let text = std::fs::read_to_string(dir.join("default.toml")).unwrap();
        let disk = Settings::from_toml(&text, "default.toml", Some(&dir)).unwrap();
        let built_in = Settings::from_toml(DEFAULT_CONFIG, "default", None).unwrap();
        assert_eq!(disk.hash(), built_in.hash());
    }

    #[test]
    fn rejects_bands_exceeding_hashes() {
        let err = Settings::from_toml(
            "[fingerprint]\nnum_hashes = 10\nbands = 5\nrows = 3\n",
            "t",
            None,
        )
        .unwrap_err();
        assert!(err.to_string().contains("bands x rows"), "{err}");
    }

    #[test]
    fn a_bad_rule_pattern_is_named() {
        let mut s = Settings::from_toml(DEFAULT_CONFIG, "default", None).unwrap();
        s.rules[0].patterns.push("read (more".into());
        let err = s.validate().unwrap_err().to_string();
        let id = &s.rules[0].id;
        assert!(
            err.contains(&format!("rule {id}")) && err.contains("read (more"),
            "{err}"
        );
        s.rules[0].patterns.pop();
        // Patterns are parsed with the regex crate's own syntax: classes and named groups pass.
        s.rules[0]
            .patterns
            .push(r"(?P<value>\p{Lu}\w+)\s+[[:digit:]]{2,}".into());
        s.validate().unwrap();
    }

    #[test]
    fn rejects_unknown_keys() {
        assert!(Settings::from_toml("[dedup]\nthreshhold = 0.5\n", "t", None).is_err());
    }
}
