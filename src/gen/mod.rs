//! `scour gen`: a deterministic, realistic synthetic scrape with its ground truth, for
//! throughput runs and for scoring cleaning and dedup (`scour eval dedup`).
//!
//! Articles are made of pseudo-words drawn from a Zipfian vocabulary of 40,000 pronounceable
//! words mixed with English function words; each story draws on a topic's word pool, so related
//! stories share vocabulary. Each document is one story on one of 300 sites; a site wraps its
//! pages in its own cruft (menus, icon strips, datelines, photo credits, share prompts,
//! read-more links, related and unrelated headline lists, comment forms, copyright lines, icon
//! glyphs), with phrasing that varies between sites and pages. Some documents are exact copies
//! (the same page crawled again under another URL, or the same article mirrored on another
//! site), some are syndicated near copies with edits (new headline, paragraph dropped, swapped
//! or added, a shortened excerpt, a rewritten lead, typos and word substitutions), and some
//! embed paragraphs of an earlier, unrelated story.
//!
//! Same arguments give byte-identical files at any thread count: documents are made in chunks
//! of 64, each from its own generator seeded by (seed, chunk, index), and written in order.
//!
//! # Output
//!
//! - `DIR/shard-NNNNN.jsonl` (`--format jsonl`): one record per line, `{doc_id, url, site,
//!   date, text}`; scour keeps every field but `text` and `url` in `metadata.fields`.
//! - `DIR/shard-NNNNN/<doc_id>.txt` (`--format txt`): one file per document.
//! - `DIR/shard-NNNNN.warc` (`--format warc`): a `warcinfo` record, then one `response`
//!   record per document (HTTP headers and an HTML page: title in `<title>` and `<h1>`,
//!   paragraphs in `<p>`, cruft in the elements sites put it in).
//! - `--compress gz|zst` adds `.gz`/`.zst` (WARC: one gzip member per record).
//!
//! # Ground truth: `DIR/.truth/docs.jsonl` and `DIR/.truth/meta.json`
//!
//! The folder is hidden so that `scour run --input DIR` skips it. One line per document, in
//! output order:
//!
//! | field | meaning |
//! | --- | --- |
//! | `path`, `record` | the file relative to DIR and the record index scour reports in `source.path` / `source.record` (WARC counts the `warcinfo` record as 0) |
//! | `doc_id`, `url`, `site` | as in the data |
//! | `group` | root story: documents with the same group are copies of one story |
//! | `content` | blake3 of the article body (title and blocks): equal bodies are exact copies |
//! | `dup_of`, `dup_kind`, `edits` | for a copy: the `doc_id` it copies, `exact` or `near`, and the edits (`recrawl`, `mirror`; `typos`, `headline`, `drop_paragraph`, `reorder`, `append`, `truncate`, `rewrite_lead`) |
//! | `cruft` | `[[start, end, kind], ...]`: byte ranges in the text of the cruft the document carries; `kind` is the scour rule id that should remove it |
//! | `passages` | `[[start, end, origin, edited], ...]`: the title and each paragraph, subheading and list item. Passages with the same `origin` are copies of one passage (`s{story}:{i}` a story's block, `s{story}:t` its title, `n{doc}:…` text new in a near copy, `b{site}` a site's boilerplate blurb); `edited` marks copies with typos |
//! | `text` | WARC only: the plain text the offsets point into (scour's offsets for WARC point into the HTML extractor's output instead) |
//!
//! For jsonl the offsets are into the UTF-8 bytes of the `text` field, for txt into the file:
//! exactly what scour's `removed[].byte_*` and `passages[].byte_*` point into. A cruft line's
//! range excludes its line break. `meta.json` holds the arguments.

mod doc;
pub(crate) mod vocab;

use anyhow::{Context, Result, bail};
use doc::{CHUNK, GenDoc, Rates, Role, World};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenFormat {
    Jsonl,
    Txt,
    Warc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GenCompress {
    None,
    Gz,
    Zst,
}

#[derive(Debug, clap::Args)]
pub struct GenArgs {
    /// Output folder (created; existing shard files are overwritten).
    #[arg(long)]
    pub output: PathBuf,
    /// Approximate size of the data written (uncompressed), e.g. 500K, 200M, 2G.
    #[arg(long, default_value = "100M", value_parser = parse_bytes)]
    pub bytes: u64,
    /// Seed: same seed and flags give byte-identical output.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: GenFormat,
    /// Number of output files (txt: folders).
    #[arg(long, default_value_t = 1)]
    pub shards: usize,
    #[arg(long, value_enum, default_value = "none")]
    pub compress: GenCompress,
    /// Share of documents that are exact copies of an earlier one.
    #[arg(long, default_value_t = 0.06)]
    pub exact_rate: f64,
    /// Share of documents that are syndicated near copies of an earlier story.
    #[arg(long, default_value_t = 0.12)]
    pub near_rate: f64,
    /// Share of pages that carry cruft at all (sites differ in how much).
    #[arg(long, default_value_t = 0.9)]
    pub cruft_rate: f64,
    /// Share of original articles that embed paragraphs of an earlier story.
    #[arg(long, default_value_t = 0.05)]
    pub passage_rate: f64,
    /// Worker threads (default: all cores). The output does not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
}

pub use crate::config::parse_bytes;

/// One generated document ready for writing.
struct DocOut {
    raw: Vec<u8>,
    /// Per-document compressed bytes (WARC members, txt files) when compression is on.
    packed: Option<Vec<u8>>,
    doc_id: String,
    /// The truth record after its `path` and `record` fields.
    truth_tail: String,
}

struct ChunkOut {
    docs: Vec<DocOut>,
    /// jsonl: the whole chunk compressed as one member/frame.
    packed: Option<Vec<u8>>,
}

pub fn run(args: &GenArgs) -> Result<()> {
    for (name, r) in [
        ("--exact-rate", args.exact_rate),
        ("--near-rate", args.near_rate),
        ("--cruft-rate", args.cruft_rate),
        ("--passage-rate", args.passage_rate),
    ] {
        if !(0.0..=1.0).contains(&r) {
            bail!("{name} must be between 0 and 1, got {r}");
        }
    }
    if args.exact_rate + args.near_rate > 1.0 {
        bail!("--exact-rate + --near-rate must be at most 1");
    }
    if args.shards == 0 {
        bail!("--shards must be at least 1");
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(n) = args.threads.filter(|&n| n > 0) {
        builder = builder.num_threads(n);
    }
    let pool = builder.build().context("cannot start worker threads")?;
    pool.install(|| generate(args))
}

fn shard_name(args: &GenArgs, i: usize) -> String {
    let ext = match args.format {
        GenFormat::Jsonl => "jsonl",
        GenFormat::Txt => return format!("shard-{i:05}"),
        GenFormat::Warc => "warc",
    };
    format!("shard-{i:05}.{ext}{}", compress_ext(args.compress))
}

fn compress_ext(c: GenCompress) -> &'static str {
    match c {
        GenCompress::None => "",
        GenCompress::Gz => ".gz",
        GenCompress::Zst => ".zst",
    }
}

fn generate(args: &GenArgs) -> Result<()> {
    let started = std::time::Instant::now();
    let out = &args.output;
    std::fs::create_dir_all(out.join(".truth"))
        .with_context(|| format!("cannot create {}", out.join(".truth").display()))?;
    let world = World::new(
        args.seed,
        Rates {
            exact: args.exact_rate,
            near: args.near_rate,
            cruft: args.cruft_rate,
            passage: args.passage_rate,
        },
    );
    let mut shards: Vec<Shard> = (0..args.shards)
        .map(|i| Shard::open(args, out, i))
        .collect::<Result<_>>()?;
    let truth_path = out.join(".truth/docs.jsonl");
    let mut truth = BufWriter::with_capacity(
        1 << 20,
        File::create(&truth_path)
            .with_context(|| format!("cannot create {}", truth_path.display()))?,
    );
    let batch = (rayon::current_num_threads() * 4).max(4) as u64;
    let mut written = 0u64;
    let mut docs = 0u64;
    let mut next_chunk = 0u64;
    'outer: while written < args.bytes {
        let chunks: Vec<ChunkOut> = (next_chunk..next_chunk + batch)
            .into_par_iter()
            .map(|c| make_chunk(&world, args, c))
            .collect::<Result<_>>()?;
        for (i, mut chunk) in chunks.into_iter().enumerate() {
            let c = next_chunk + i as u64;
            let shard = &mut shards[(c % args.shards as u64) as usize];
            let size: u64 = chunk.docs.iter().map(|d| d.raw.len() as u64).sum();
            let last = written + size >= args.bytes;
            if last {
                // Stop at the document that reaches the target, so --bytes is met closely.
                let mut keep = 0;
                let mut w = written;
                for d in &chunk.docs {
                    keep += 1;
                    w += d.raw.len() as u64;
                    if w >= args.bytes {
                        break;
                    }
                }
                chunk.docs.truncate(keep);
                if chunk.packed.is_some() {
                    chunk.packed = Some(pack_chunk(&chunk.docs, args.compress)?);
                }
            }
            for d in &chunk.docs {
                let (path, record) = shard.place(args, d)?;
                truth.write_all(b"{\"path\":")?;
                json_str(&mut truth, &path)?;
                write!(truth, ",\"record\":{record},")?;
                truth.write_all(d.truth_tail.as_bytes())?;
                truth.write_all(b"\n")?;
                written += d.raw.len() as u64;
                docs += 1;
            }
            if let Some(p) = &chunk.packed {
                shard.write_stream(p)?;
            }
            if last {
                break 'outer;
            }
        }
        next_chunk += batch;
    }
    for s in &mut shards {
        s.finish()?;
    }
    truth.flush()?;
    let secs = started.elapsed().as_secs_f64();
    let meta = serde_json::json!({
        "seed": args.seed,
        "bytes": args.bytes,
        "format": format!("{:?}", args.format).to_lowercase(),
        "shards": args.shards,
        "compress": format!("{:?}", args.compress).to_lowercase(),
        "exact_rate": args.exact_rate,
        "near_rate": args.near_rate,
        "cruft_rate": args.cruft_rate,
        "passage_rate": args.passage_rate,
        "documents": docs,
        "data_bytes": written,
    });
    std::fs::write(
        out.join(".truth/meta.json"),
        serde_json::to_string_pretty(&meta)? + "\n",
    )
    .context("cannot write .truth/meta.json")?;
    eprintln!(
        "scour gen: {docs} documents, {:.1} MB in {secs:.2} s ({:.0} MB/s) -> {}",
        written as f64 / 1e6,
        written as f64 / 1e6 / secs.max(1e-9),
        out.display()
    );
    Ok(())
}

struct Shard {
    index: usize,
    name: String,
    /// Open data file (jsonl, warc); txt writes one file per document.
    file: Option<BufWriter<File>>,
    dir: PathBuf,
    records: u64,
}

impl Shard {
    fn open(args: &GenArgs, out: &Path, index: usize) -> Result<Shard> {
        let name = shard_name(args, index);
        let path = out.join(&name);
        let mut shard = Shard {
            index,
            name,
            file: None,
            dir: out.to_path_buf(),
            records: 0,
        };
        if args.format == GenFormat::Txt {
            std::fs::create_dir_all(&path)
                .with_context(|| format!("cannot create {}", path.display()))?;
        } else {
            let f =
                File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
            shard.file = Some(BufWriter::with_capacity(1 << 20, f));
        }
        if args.format == GenFormat::Warc {
            let info = warcinfo(args, index);
            let bytes = match args.compress {
                GenCompress::None => info,
                c => compress(&info, c)?,
            };
            shard.write_stream(&bytes)?;
            shard.records = 1;
        }
        Ok(shard)
    }

    /// Writes a document's own bytes (txt file, WARC record) and says where scour will find it.
    fn place(&mut self, args: &GenArgs, d: &DocOut) -> Result<(String, u64)> {
        let record = self.records;
        self.records += 1;
        match args.format {
            GenFormat::Txt => {
                let rel = format!(
                    "{}/{}.txt{}",
                    self.name,
                    d.doc_id,
                    compress_ext(args.compress)
                );
                let path = self.dir.join(&rel);
                std::fs::write(&path, d.packed.as_deref().unwrap_or(&d.raw))
                    .with_context(|| format!("cannot write {}", path.display()))?;
                Ok((rel, 0))
            }
            GenFormat::Warc => {
                let bytes = d.packed.as_deref().unwrap_or(&d.raw);
                self.write_stream(bytes)?;
                Ok((self.name.clone(), record))
            }
            GenFormat::Jsonl => {
                if args.compress == GenCompress::None {
                    self.write_stream(&d.raw)?;
                }
                Ok((self.name.clone(), record))
            }
        }
    }

    fn write_stream(&mut self, bytes: &[u8]) -> Result<()> {
        if let Some(f) = &mut self.file {
            f.write_all(bytes)
                .with_context(|| format!("cannot write shard {}", self.index))?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        if let Some(f) = &mut self.file {
            f.flush()
                .with_context(|| format!("cannot write {}", self.name))?;
        }
        Ok(())
    }
}

fn make_chunk(world: &World, args: &GenArgs, c: u64) -> Result<ChunkOut> {
    let mut docs = Vec::with_capacity(CHUNK as usize);
    for k in 0..CHUNK {
        let d = world.doc(c, k);
        let raw = match args.format {
            GenFormat::Jsonl => jsonl_line(&d),
            GenFormat::Txt => d.text.as_bytes().to_vec(),
            GenFormat::Warc => warc_record(&d),
        };
        let packed = match (args.format, args.compress) {
            (GenFormat::Jsonl, _) | (_, GenCompress::None) => None,
            (_, comp) => Some(compress(&raw, comp)?),
        };
        let truth_tail = truth_tail(&d, args.format == GenFormat::Warc);
        docs.push(DocOut {
            raw,
            packed,
            doc_id: d.doc_id,
            truth_tail,
        });
    }
    let packed = if args.format == GenFormat::Jsonl && args.compress != GenCompress::None {
        Some(pack_chunk(&docs, args.compress)?)
    } else {
        None
    };
    Ok(ChunkOut { docs, packed })
}

/// A chunk of JSONL lines as one gzip member or zstd frame: concatenated members and frames
/// are valid streams, so chunks compress in parallel.
fn pack_chunk(docs: &[DocOut], c: GenCompress) -> Result<Vec<u8>> {
    let mut all = Vec::with_capacity(docs.iter().map(|d| d.raw.len()).sum());
    for d in docs {
        all.extend_from_slice(&d.raw);
    }
    compress(&all, c)
}

fn compress(data: &[u8], c: GenCompress) -> Result<Vec<u8>> {
    Ok(match c {
        GenCompress::None => data.to_vec(),
        GenCompress::Gz => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(data)?;
            e.finish()?
        }
        GenCompress::Zst => zstd::bulk::compress(data, 3)?,
    })
}

/// JSON string literal of `s` (the generator's own text, so no validation is needed).
fn json_str(out: &mut impl Write, s: &str) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(s.len() + 2);
    json_escape_into(&mut buf, s);
    out.write_all(&buf)
}

fn json_escape_into(buf: &mut Vec<u8>, s: &str) {
    buf.push(b'"');
    let bytes = s.as_bytes();
    // Generated text has no control characters but line breaks, so the common case jumps
    // from quote to backslash to line break with memchr instead of looking at every byte.
    // (A fold over fixed chunks, not `any`: without the early exit the check vectorizes.)
    let controls = bytes.chunks(64).any(|c| {
        c.iter()
            .fold(false, |acc, &b| acc | ((b < 0x20) & (b != b'\n')))
    });
    if !controls {
        let mut start = 0;
        for i in memchr::memchr3_iter(b'"', b'\\', b'\n', bytes) {
            buf.extend_from_slice(&bytes[start..i]);
            buf.extend_from_slice(match bytes[i] {
                b'"' => b"\\\"",
                b'\\' => b"\\\\",
                _ => b"\\n",
            });
            start = i + 1;
        }
        buf.extend_from_slice(&bytes[start..]);
        buf.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0..=0x1f => {
                buf.extend_from_slice(&bytes[start..i]);
                buf.extend_from_slice(format!("\\u{b:04x}").as_bytes());
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        buf.extend_from_slice(&bytes[start..i]);
        buf.extend_from_slice(esc);
        start = i + 1;
    }
    buf.extend_from_slice(&bytes[start..]);
    buf.push(b'"');
}

fn jsonl_line(d: &GenDoc) -> Vec<u8> {
    let mut b = Vec::with_capacity(d.text.len() + 256);
    b.extend_from_slice(b"{\"doc_id\":");
    json_escape_into(&mut b, &d.doc_id);
    b.extend_from_slice(b",\"url\":");
    json_escape_into(&mut b, &d.url);
    b.extend_from_slice(b",\"site\":");
    json_escape_into(&mut b, &d.site);
    b.extend_from_slice(b",\"date\":");
    json_escape_into(&mut b, &d.date);
    b.extend_from_slice(b",\"text\":");
    json_escape_into(&mut b, &d.text);
    b.extend_from_slice(b"}\n");
    b
}

fn truth_tail(d: &GenDoc, with_text: bool) -> String {
    let text = if with_text { d.text.len() + 64 } else { 0 };
    let mut b = Vec::with_capacity(512 + 48 * (d.lines.len() + d.cruft.len()) + text);
    b.extend_from_slice(b"\"doc_id\":");
    json_escape_into(&mut b, &d.doc_id);
    b.extend_from_slice(b",\"url\":");
    json_escape_into(&mut b, &d.url);
    b.extend_from_slice(b",\"site\":");
    json_escape_into(&mut b, &d.site);
    b.extend_from_slice(b",\"group\":");
    vocab::push_num_bytes(&mut b, d.group);
    b.extend_from_slice(b",\"content\":");
    // The body's hash, not its lineage: an edit that happens to change nothing (a typo
    // swapping two equal letters) leaves an exact copy, and the truth must say so. Hashed in
    // one piece (the same digest as piece by piece), so blake3 works on whole chunks.
    let mut body = Vec::with_capacity(d.text.len());
    body.extend_from_slice(d.title.as_bytes());
    for bl in &d.blocks {
        body.push(b'\n');
        body.extend_from_slice(bl.text.as_bytes());
    }
    json_escape_into(&mut b, &blake3::hash(&body).to_hex()[..16]);
    match &d.dup {
        Some(dup) => {
            b.extend_from_slice(b",\"dup_of\":");
            json_escape_into(&mut b, &dup.of);
            b.extend_from_slice(format!(",\"dup_kind\":\"{}\",\"edits\":[", dup.kind).as_bytes());
            for (i, e) in dup.edits.iter().enumerate() {
                if i > 0 {
                    b.push(b',');
                }
                json_escape_into(&mut b, e);
            }
            b.push(b']');
        }
        None => b.extend_from_slice(b",\"dup_of\":null,\"dup_kind\":null,\"edits\":[]"),
    }
    b.extend_from_slice(b",\"cruft\":[");
    for (i, (s, e, k)) in d.cruft.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        b.push(b'[');
        vocab::push_num_bytes(&mut b, *s as u64);
        b.push(b',');
        vocab::push_num_bytes(&mut b, *e as u64);
        b.extend_from_slice(b",\"");
        b.extend_from_slice(k.as_bytes());
        b.extend_from_slice(b"\"]");
    }
    b.extend_from_slice(b"],\"passages\":[");
    let mut first = true;
    for line in &d.lines {
        let (origin, edited) = match line.role {
            Role::Title => (d.title_origin.as_str(), false),
            Role::Block(i) => (d.blocks[i].origin.as_str(), d.blocks[i].edited),
            Role::Cruft(_) => continue,
        };
        // A glyph at the start of the line is cruft, not part of the passage.
        let start = d
            .cruft
            .iter()
            .find(|c| c.0 == line.start && c.2 == "icon_glyph")
            .map_or(line.start, |c| c.1 + 1);
        if !first {
            b.push(b',');
        }
        first = false;
        b.push(b'[');
        vocab::push_num_bytes(&mut b, start as u64);
        b.push(b',');
        vocab::push_num_bytes(&mut b, line.end as u64);
        b.push(b',');
        json_escape_into(&mut b, origin);
        b.extend_from_slice(if edited { b",true]" } else { b",false]" });
    }
    b.push(b']');
    if with_text {
        b.extend_from_slice(b",\"text\":");
        json_escape_into(&mut b, &d.text);
    }
    b.push(b'}');
    String::from_utf8(b).unwrap_or_default()
}

fn html_escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// A simple page for the document: cruft in the elements sites put it in (kept in the visible
/// text, as scrapers see it), article blocks in `<p>`, `<h2>` and `<li>`.
fn html_page(d: &GenDoc) -> String {
    let mut h = String::with_capacity(d.text.len() + 2048);
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    html_escape(&mut h, &d.title);
    h.push_str("</title></head>\n<body>\n");
    let mut in_list: Option<&str> = None;
    for line in &d.lines {
        let text = &d.text[line.start..line.end];
        let (open, close, list): (&str, &str, Option<&str>) = match line.role {
            Role::Title => ("<h1>", "</h1>", None),
            Role::Block(i) => match d.blocks[i].kind {
                doc::BlockKind::Para => ("<p>", "</p>", None),
                doc::BlockKind::Sub => ("<h2>", "</h2>", None),
                doc::BlockKind::Bullet => ("<li>", "</li>", Some("<ul>")),
            },
            Role::Cruft(kind) => match kind {
                "nav_menu" => ("<div class=\"menu\">", "</div>", None),
                "icon_string" => ("<div class=\"icons\">", "</div>", None),
                "dateline" => ("<div class=\"date\">", "</div>", None),
                "photo_credit" => ("<p class=\"caption\">", "</p>", None),
                "related_header" => ("<h3>", "</h3>", None),
                "related_list" => (
                    "<li><a href=\"#\">",
                    "</a></li>",
                    Some("<ul class=\"related\">"),
                ),
                "headline_list" => (
                    "<li><a href=\"#\">",
                    "</a></li>",
                    Some("<ul class=\"more\">"),
                ),
                "comment_form" => ("<div class=\"comments\">", "</div>", None),
                "read_more" | "share_prompt" => ("<p><a href=\"#\">", "</a></p>", None),
                _ => ("<div>", "</div>", None),
            },
        };
        if in_list != list {
            if in_list.is_some() {
                h.push_str("</ul>\n");
            }
            if let Some(l) = list {
                h.push_str(l);
                h.push('\n');
            }
            in_list = list;
        }
        h.push_str(open);
        html_escape(&mut h, text);
        h.push_str(close);
        h.push('\n');
    }
    if in_list.is_some() {
        h.push_str("</ul>\n");
    }
    h.push_str("</body></html>\n");
    h
}

fn uuid_of(s: &str) -> String {
    let h = blake3::hash(s.as_bytes()).to_hex();
    format!(
        "{}-{}-4{}-a{}-{}",
        &h[0..8],
        &h[8..12],
        &h[13..16],
        &h[17..20],
        &h[20..32]
    )
}

fn warc_record(d: &GenDoc) -> Vec<u8> {
    let html = html_page(d);
    let http = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\r\n{html}",
        html.len()
    );
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{}>\r\nWARC-Date: {}T12:00:00Z\r\nWARC-Target-URI: {}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
        uuid_of(&d.doc_id),
        d.date,
        d.url,
        http.len()
    )
    .into_bytes();
    rec.extend_from_slice(http.as_bytes());
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

fn warcinfo(args: &GenArgs, shard: usize) -> Vec<u8> {
    let body = format!(
        "software: scour gen {}\r\nformat: WARC File Format 1.0\r\nseed: {}\r\n",
        env!("CARGO_PKG_VERSION"),
        args.seed
    );
    let mut rec = format!(
        "WARC/1.0\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:{}>\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Filename: {}\r\nContent-Type: application/warc-fields\r\nContent-Length: {}\r\n\r\n",
        uuid_of(&format!("warcinfo-{}-{shard}", args.seed)),
        shard_name(args, shard),
        body.len()
    )
    .into_bytes();
    rec.extend_from_slice(body.as_bytes());
    rec.extend_from_slice(b"\r\n\r\n");
    rec
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_bytes("2G"), Ok(2 << 30));
        assert_eq!(parse_bytes("500k"), Ok(500 << 10));
        assert_eq!(parse_bytes("1.5M"), Ok(3 << 19));
        assert_eq!(parse_bytes("123"), Ok(123));
        assert!(parse_bytes("12X").is_err());
        assert_eq!(parse_bytes("2GB"), Ok(2 << 30));
        assert_eq!(parse_bytes("512MiB"), Ok(512 << 20));
        assert_eq!(parse_bytes("64kb"), Ok(64 << 10));
        assert_eq!(parse_bytes("100B"), Ok(100));
        assert!(parse_bytes("abc").is_err());
    }

    #[test]
    fn json_escape_round_trips() {
        let s = "a \"q\" \\ \n\t\u{1} é \u{e900}";
        let mut b = Vec::new();
        json_escape_into(&mut b, s);
        let back: String = serde_json::from_slice(&b).expect("valid JSON");
        assert_eq!(back, s);
    }

    #[test]
    fn documents_are_deterministic_and_truth_points_at_cruft() {
        let rates = Rates {
            exact: 0.2,
            near: 0.2,
            cruft: 1.0,
            passage: 0.1,
        };
        let w = World::new(3, rates);
        for k in 0..CHUNK {
            let a = w.doc(2, k);
            let b = w.doc(2, k);
            assert_eq!(a.text, b.text);
            for &(s, e, kind) in &a.cruft {
                let t = &a.text[s..e];
                assert!(!t.trim().is_empty(), "{kind} span empty");
                assert!(!t.contains('\n'), "{kind} span crosses lines: {t:?}");
            }
        }
    }
}
