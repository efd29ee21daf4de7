//! scour: turns raw web scrapes into a clean, deduplicated text corpus with full provenance.
//!
//! The pipeline, one module a stage: [`source`] reads inputs into [`doc::RawDoc`]s, [`clean`]
//! drops cruft spans (each with its rule), [`normalize`] rewrites the text while keeping a map
//! back to the source, [`fingerprint`] hashes passages and documents, [`dedup`] clusters
//! duplicates across the corpus, and [`sink`] writes the corpus with provenance.
//! [`pipeline`] wires them together.

pub(crate) mod chars;
pub mod clean;
pub mod config;
pub mod dedup;
pub mod doc;
pub mod eval;
pub mod fingerprint;
pub mod r#gen;
pub mod memory;
pub mod normalize;
pub mod pipeline;
pub mod sink;
pub mod source;
