//! The per-document stages: clean, normalize and fingerprint one document, and the record it
//! becomes before any corpus-wide decision.

use super::*;

/// A document after cleaning, normalization and fingerprinting.
#[derive(Debug, Clone)]
pub struct Processed {
    pub id: String,
    pub source: Provenance,
    pub fields: Map<String, serde_json::Value>,
    pub text: String,
    pub removed: Vec<RemovedSpan>,
    pub extracted: Extracted,
    pub passages: Vec<ProcessedPassage>,
    pub digest: Digest,
    pub signature: Option<Vec<u32>>,
    pub words: usize,
    /// The passages' signatures back to back (each passage's `signature` says where its is):
    /// one buffer for the document, where a vector for each passage cost an allocation and a
    /// free apiece (two million on the Debian corpus).
    pub passage_signatures: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct ProcessedPassage {
    pub start: usize,
    pub end: usize,
    pub byte_start: usize,
    pub byte_end: usize,
    pub digest: Digest,
    /// Where its signature is in the document's `passage_signatures`.
    pub signature: Option<std::ops::Range<usize>>,
    pub words: usize,
}

impl ProcessedPassage {
    /// The passage's signature, if it has one, out of its document's.
    pub fn signature_in<'a>(&self, doc: &'a Processed) -> Option<&'a [u32]> {
        doc.passage_signatures.get(self.signature.clone()?)
    }
}

/// Stable id of a record: its path as given and its index in the file.
pub fn doc_id(source: &Provenance) -> String {
    let mut h = blake3::Hasher::new();
    h.update(source.path.as_bytes());
    h.update(&[0]);
    h.update(&source.record.to_le_bytes());
    crate::config::short_hex(h.finalize())
}

/// The per-document stages with their settings compiled once.
pub struct Stages {
    cleaner: Cleaner,
    normalizer: Normalizer,
    minhash: MinHasher,
    doc_signatures: bool,
    passage_signatures: bool,
    passage_min_words: usize,
    mask_digits: bool,
}

impl Stages {
    pub fn new(settings: &Settings) -> Result<Stages, regex::Error> {
        let d = &settings.dedup;
        let on = d.mode != DedupMode::Off;
        Ok(Stages {
            cleaner: Cleaner::new(settings)?,
            normalizer: Normalizer::new(&settings.normalize),
            minhash: MinHasher::from_settings(&settings.fingerprint),
            doc_signatures: on && d.documents,
            passage_signatures: on && d.passages,
            passage_min_words: d.passage_min_words,
            mask_digits: settings.fingerprint.mask_digits,
        })
    }

    /// Clean, normalize and fingerprint one document.
    pub fn process(&self, raw: RawDoc) -> Processed {
        let cleaned = self.cleaner.clean_as(&raw.text, raw.input);
        let norm = self.normalizer.normalize(&raw.text, &cleaned);
        let removed = cleaned
            .removed
            .into_iter()
            .map(|r| RemovedSpan {
                rule: r.rule,
                byte_start: r.byte_start,
                byte_end: r.byte_end,
                text: r.text,
                duplicate_of: None,
            })
            .collect();
        let mut doc_fp = String::with_capacity(norm.text.len());
        let mut fp = String::new();
        let mut passages = Vec::with_capacity(norm.paragraphs.len());
        let mut doc_signer = self.doc_signatures.then(|| self.minhash.doc_signer());
        let mut sig = Vec::new();
        // Room for the passages' signatures at once (grown by doubling, a long document's were
        // copied several times over), but within bounds: a passage that gets one has at least
        // `passage_min_words` words, so a short text holds few of them, and past 256 the list
        // grows as it needs. Room for every paragraph would ask gigabytes for a record of
        // millions of one-word lines, none of which gets a signature.
        let mut passage_signatures = if self.passage_signatures {
            let fit = (norm.text.len() + 2) / (2 * self.passage_min_words.max(1) + 1);
            let room = norm.paragraphs.len().min(fit).min(256);
            Vec::with_capacity(room * self.minhash.num_hashes())
        } else {
            Vec::new()
        };
        // The numeric characters of the passage, and of the whole text: the passages' in order
        // with those between them (the blank lines between paragraphs, so normally none).
        let mut digits = Vec::new();
        let mut doc_digits = Vec::new();
        let mut scanned = 0;
        for p in &norm.paragraphs {
            push_numeric(&norm.text[scanned..p.start], &mut doc_digits);
            fingerprint_text_digits(
                &norm.text[p.clone()],
                &mut fp,
                &mut digits,
                self.mask_digits,
            );
            doc_digits.extend_from_slice(&digits);
            scanned = p.end;
            let words = if fp.is_empty() {
                0
            } else {
                fp.bytes().filter(|&b| b == b' ').count() + 1
            };
            let matchable = self.passage_signatures && words >= self.passage_min_words;
            // Each word is hashed once, for the passage's signature and the document's
            // (whose shingles also span paragraph breaks, as the exact check's do).
            let signed = match &mut doc_signer {
                Some(doc) => self.minhash.passage_into(&fp, &mut sig, doc, matchable),
                None => matchable && self.minhash.signature_into(&fp, &mut sig),
            };
            // `signed` only for a matchable passage (it asked for a signature).
            let signature = signed.then(|| {
                let start = passage_signatures.len();
                passage_signatures.extend_from_slice(&sig);
                start..passage_signatures.len()
            });
            let src = norm.source_range(p);
            passages.push(ProcessedPassage {
                start: p.start,
                end: p.end,
                byte_start: src.start,
                byte_end: src.end,
                digest: exact_digest_of(&fp, &digits),
                signature,
                words,
            });
            if !fp.is_empty() {
                if !doc_fp.is_empty() {
                    doc_fp.push(' ');
                }
                doc_fp.push_str(&fp);
            }
        }
        let words = passages.iter().map(|p| p.words).sum();
        let signature = doc_signer.and_then(|d| self.minhash.doc_signature(d));
        push_numeric(&norm.text[scanned..], &mut doc_digits);
        let digest = exact_digest_of(&doc_fp, &doc_digits);
        Processed {
            id: doc_id(&raw.source),
            source: raw.source,
            fields: raw.fields,
            text: norm.text,
            removed,
            extracted: cleaned.extracted,
            passages,
            digest,
            signature,
            words,
            passage_signatures,
        }
    }
}

/// What `corpus_record(d).write_json(out)` writes, for a document whose passages were taken
/// out of it into `passages` (staging reads their rows first): each passage's hash goes from
/// its digest straight into `out`, where the record made a `String` of it (two million of them
/// on the Debian corpus, most of the cost of staging a record apart from its text).
pub(crate) fn write_staged_json(
    d: Processed,
    passages: &[ProcessedPassage],
    out: &mut Vec<u8>,
) -> serde_json::Result<()> {
    corpus_record(d).write_json_with(out, |out| {
        crate::sink::records::write_joined(out, passages, |out, p| {
            let hex = digest_hex_bytes(&p.digest);
            write_passage_json(
                out,
                [p.start, p.end, p.byte_start, p.byte_end],
                std::str::from_utf8(&hex).unwrap_or_default(),
                None,
                None,
            )
        })
    })
}

/// A corpus record for a processed document, before any corpus-wide decision.
pub fn corpus_record(d: Processed) -> CorpusRecord {
    CorpusRecord {
        id: d.id,
        text: d.text,
        source: d.source,
        metadata: Metadata {
            extracted: d.extracted,
            fields: d.fields,
        },
        removed: d.removed,
        passages: d
            .passages
            .iter()
            .map(|p| PassageRecord {
                start: p.start,
                end: p.end,
                byte_start: p.byte_start,
                byte_end: p.byte_end,
                hash: digest_hex(&p.digest),
                cluster: None,
                duplicate_of: None,
            })
            .collect(),
        hash: digest_hex(&d.digest),
        cluster: None,
        duplicate_of: None,
    }
}
