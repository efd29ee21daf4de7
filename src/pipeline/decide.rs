//! The corpus-wide decisions: what dedup's outcome means for each document and passage, the
//! cluster records, and the staged texts read back for exact verification.

use super::index::*;
use super::*;
use crate::fingerprint::{SigValue, stored_value};
use std::io::Seek;
use std::sync::Arc;

/// A slot or passage index as `u32`: 4 billion of either is far past any corpus one run can
/// hold, and refusing it beats wrapping around.
pub(super) fn narrow(n: u64, what: &str) -> std::io::Result<u32> {
    u32::try_from(n)
        .ok()
        .filter(|&n| n != NONE)
        .ok_or_else(|| std::io::Error::other(format!("more than {} {what} in one run", NONE - 1)))
}

impl Accumulator for StagedGroup {
    fn empty(&mut self) -> usize {
        self.docs.clear();
        self.json.clear();
        self.rows.clear();
        self.sigs.clear();
        self.sig_starts.clear();
        self.paths.clear();
        self.counts.clear();
        self.json.capacity()
            + self.sigs.capacity() * std::mem::size_of::<SigValue>()
            + self.sig_starts.capacity() * 8
            + self.rows.capacity() * std::mem::size_of::<PassageRow>()
            + self.docs.capacity() * std::mem::size_of::<StagedDoc>()
    }
}

impl StagedGroup {
    fn push_sig(&mut self, sig: Option<&[u32]>) -> u32 {
        let Some(sig) = sig else {
            return NONE;
        };
        if self.sig_starts.is_empty() {
            self.sig_starts.push(0);
        }
        // Cut to the values the store keeps now: half the bytes held until the consumer
        // stores them.
        self.sigs.extend(sig.iter().map(|&v| stored_value(v)));
        self.sig_starts.push(self.sigs.len());
        (self.sig_starts.len() - 2) as u32
    }

    fn sig(&self, i: u32) -> &[SigValue] {
        let i = i as usize;
        &self.sigs[self.sig_starts[i]..self.sig_starts[i + 1]]
    }

    /// Moves document `k`'s signatures into `store` and records their slots in its entry and
    /// its rows.
    pub(super) fn store(&mut self, k: usize, store: &mut SignatureStore) -> std::io::Result<()> {
        let put = |values: &[SigValue], store: &mut SignatureStore| -> std::io::Result<u32> {
            // One whole signature: another length would shift every later slot.
            if values.len() != store.k() {
                return Err(std::io::Error::other(format!(
                    "signature of {} hashes in a store of {}",
                    values.len(),
                    store.k()
                )));
            }
            let slot = store.len();
            store.push_values(values)?;
            narrow(slot, "signatures")
        };
        let d = &self.docs[k];
        let doc_slot = match d.sig {
            NONE => NONE,
            i => put(self.sig(i), store)?,
        };
        let rows = d.rows.clone();
        self.docs[k].entry.slot = doc_slot;
        for r in rows {
            let i = self.rows[r].slot;
            if i != NONE {
                self.rows[r].slot = put(self.sig(i), store)?;
            }
        }
        Ok(())
    }
}

/// Consecutive processed documents as one worker staged them for the consumer, which fills
/// the index and the store in input order on one thread: their records (JSON lines, back to
/// back), passage rows and signatures in a few shared buffers, and their removals counted by
/// rule.
#[derive(Default)]
pub(super) struct StagedGroup {
    pub(super) docs: Vec<StagedDoc>,
    pub(super) json: Vec<u8>,
    /// Passage rows of all the documents; a row's `slot` is its signature's index in `sigs`
    /// ([`NONE`]: none) until [`StagedGroup::store`] puts the signature in the store.
    pub(super) rows: Vec<PassageRow>,
    /// Signatures back to back, as the store keeps their values; signature `i` is
    /// `sigs[sig_starts[i]..sig_starts[i + 1]]`.
    sigs: Vec<SigValue>,
    sig_starts: Vec<usize>,
    /// Source paths of the documents, each once in a row.
    pub(super) paths: Vec<String>,
    pub(super) counts: BTreeMap<String, RuleCount>,
}

/// One document of a [`StagedGroup`]: its index entry (slot, staging offset and passage
/// position still to fill in) and where its parts are in the group's buffers.
pub(super) struct StagedDoc {
    pub(super) entry: DocEntry,
    /// The id as a number (`None`: not one made by [`doc_id`], refused by the consumer).
    pub(super) id: Option<u64>,
    pub(super) digest: Digest,
    /// Index in the group's `paths`.
    pub(super) path: usize,
    pub(super) rows: std::ops::Range<usize>,
    pub(super) json: std::ops::Range<usize>,
    /// Index of the document's signature in the group's `sigs` ([`NONE`]: none).
    sig: u32,
}

/// Shingle sets by document, and the shingles they hold in all.
#[derive(Default)]
struct ShingleCache {
    sets: rustc_hash::FxHashMap<usize, Arc<Vec<u64>>>,
    shingles: usize,
}

/// Shingles the cache holds at most (8 bytes each; less under a small memory budget): past it,
/// it starts over. Pairs come sorted
/// by their earlier document, so the sets in use are mostly the recent ones.
const CACHE_SHINGLES: usize = 32 << 20;

/// Reads texts back from the staging file to compute exact Jaccard similarities. Shingle sets
/// are cached: a document near the threshold usually meets several candidates.
///
/// The shingles are of the fingerprint text *with its digits*: MinHash may mask digits to find
/// candidates that differ in dates and counts, but whether two documents are duplicates is
/// decided on what they say, and two tables or changelogs that differ only in their numbers are
/// different documents.
pub(super) struct StagedTexts<'a> {
    parts: &'a StagedParts,
    shingle: usize,
    /// Shingles the cache may hold.
    cache_shingles: usize,
    cache: std::sync::Mutex<ShingleCache>,
    /// The first record that could not be read back: without the check its pair would be
    /// decided on the estimate, so the run must fail instead ([`StagedTexts::check`]).
    error: std::sync::Mutex<Option<String>>,
}

#[derive(serde::Deserialize)]
pub(super) struct StagedText {
    text: String,
}

impl<'a> StagedTexts<'a> {
    /// `budget`: the run's memory budget, of which the cache takes at most a quarter.
    pub(super) fn open(parts: &'a StagedParts, shingle: usize, budget: Option<u64>) -> Self {
        let cap = budget.map_or(usize::MAX, |b| {
            usize::try_from(b / 4 / 8).unwrap_or(usize::MAX)
        });
        StagedTexts {
            parts,
            shingle,
            cache_shingles: CACHE_SHINGLES.min(cap),
            cache: Default::default(),
            error: Default::default(),
        }
    }

    fn note(&self, message: String) -> Option<Arc<Vec<u64>>> {
        if let Ok(mut e) = self.error.lock() {
            e.get_or_insert(message);
        }
        None
    }

    /// An error if a staged record could not be read back for the exact check.
    pub(super) fn check(&self) -> std::io::Result<()> {
        match self.error.lock().ok().and_then(|mut e| e.take()) {
            Some(m) => Err(std::io::Error::other(m)),
            None => Ok(()),
        }
    }

    /// Shingle set of document `di`: shingles of its whole text, the standard definition, and
    /// the set its signature estimates (shingles across paragraph breaks included), unless
    /// `fingerprint.mask_digits` made the signature see digits as 0.
    fn shingles(&self, docs: &[DocEntry], di: usize) -> Option<Arc<Vec<u64>>> {
        if let Some(hit) = self.cache.lock().ok()?.sets.get(&di) {
            return Some(hit.clone());
        }
        let d = docs.get(di)?;
        let mut buf = vec![0u8; d.staged_len as usize];
        let Some(part) = self.parts.part_of(d.staged_at) else {
            return self.note(format!("staged record {di} is in no staged file"));
        };
        if let Err(e) = dedup::read_at(&part.file, d.staged_at - part.start, &mut buf) {
            return self.note(format!(
                "reading back staged record {di} from {}: {e}",
                part.path.display()
            ));
        }
        let text = match staged_text(&buf) {
            Some(t) => t,
            None => match serde_json::from_slice::<StagedText>(&buf) {
                Ok(r) => r.text,
                Err(e) => return self.note(format!("parsing staged record {di}: {e}")),
            },
        };
        let mut fp = String::new();
        fingerprint_text_opts(&text, &mut fp, false);
        let set = Arc::new(shingle_set(&fp, self.shingle));
        let mut cache = self.cache.lock().ok()?;
        if cache.shingles + set.len() > self.cache_shingles {
            *cache = ShingleCache::default();
        }
        cache.shingles += set.len();
        cache.sets.insert(di, set.clone());
        Some(set)
    }

    /// Exact Jaccard similarity of documents `a` and `b` when it is at least `floor`, else
    /// some value below `floor` ([`exact_jaccard_from`]).
    pub(super) fn jaccard(&self, docs: &[DocEntry], a: usize, b: usize, floor: f64) -> Option<f64> {
        Some(exact_jaccard_from(
            &self.shingles(docs, a)?,
            &self.shingles(docs, b)?,
            floor,
        ))
    }
}

/// Where the staged records are: files laid end to end, each starting at an offset of the
/// records' one sequence (a record never spans two). A run has its own staging file, which the
/// write phase releases as it reads it; a merge reads the shards' files and leaves them as
/// they are, so that it can be run again. The files are opened once, up front: a file put in
/// a part's place later (a shard run again) is not read.
pub(super) struct StagedParts {
    /// By offset.
    pub(super) parts: Vec<StagedPart>,
    /// The run's own scratch file: it may be released while it is read.
    pub(super) own: bool,
}

pub(super) struct StagedPart {
    /// Offset of the part's first record.
    pub(super) start: u64,
    pub(super) path: PathBuf,
    pub(super) file: File,
    /// blake3 (hex) the part must have: checked as the write phase reads it, before the corpus
    /// is committed.
    pub(super) blake3: Option<String>,
}

impl StagedParts {
    /// The part holding offset `at`.
    pub(super) fn part_of(&self, at: u64) -> Option<&StagedPart> {
        let k = self.parts.partition_point(|p| p.start <= at);
        self.parts.get(k.checked_sub(1)?)
    }

    /// A reader of all the parts in order, as one sequence, from the start.
    pub(super) fn reader(&self) -> PartsReader<'_> {
        PartsReader {
            parts: &self.parts,
            next: 0,
            current: None,
        }
    }
}

/// [`StagedParts::reader`]: the parts in turn, each checked against its checksum once read to
/// its end.
pub(super) struct PartsReader<'a> {
    parts: &'a [StagedPart],
    next: usize,
    current: Option<(&'a StagedPart, Option<blake3::Hasher>)>,
}

impl PartsReader<'_> {
    /// Reads to the end, checking the parts not yet read to their end: an error if any does
    /// not match its checksum, or if bytes are left after the last record.
    pub(super) fn finish(mut self) -> std::io::Result<()> {
        let mut byte = [0u8; 1];
        match self.read(&mut byte)? {
            0 => Ok(()),
            _ => Err(std::io::Error::other(
                "staged records go on past the last document's",
            )),
        }
    }
}

impl Read for PartsReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        loop {
            let (part, hasher) = match &mut self.current {
                Some(c) => c,
                None => {
                    let Some(part) = self.parts.get(self.next) else {
                        return Ok(0);
                    };
                    self.next += 1;
                    (&part.file).seek(std::io::SeekFrom::Start(0))?;
                    let hasher = part.blake3.as_ref().map(|_| blake3::Hasher::new());
                    self.current.insert((part, hasher))
                }
            };
            let n = (&part.file).read(buf).map_err(|e| {
                std::io::Error::new(e.kind(), format!("{}: {e}", part.path.display()))
            })?;
            if let Some(h) = hasher.as_mut() {
                h.update(&buf[..n]);
            }
            if n > 0 || buf.is_empty() {
                return Ok(n);
            }
            if let (Some(want), Some(h)) = (&part.blake3, hasher.as_ref())
                && h.finalize().to_hex().as_str() != want
            {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{} does not match its checksum", part.path.display()),
                ));
            }
            self.current = None;
        }
    }
}

/// The text of a staged record, read without the rest of it: records are staged as
/// `{"id":...,"text":...,...}` ([`CorpusRecord::write_json`]), and the rest (passages, removed
/// spans, metadata) is most of a long document's record. `None` when the record does not start
/// that way; the caller then reads it whole.
pub(super) fn staged_text(record: &[u8]) -> Option<String> {
    let rest = record.strip_prefix(b"{\"id\":")?;
    let mut id = serde_json::Deserializer::from_slice(rest).into_iter::<serde::de::IgnoredAny>();
    id.next()?.ok()?;
    let rest = rest[id.byte_offset()..].strip_prefix(b",\"text\":")?;
    serde_json::Deserializer::from_slice(rest)
        .into_iter::<String>()
        .next()?
        .ok()
}

/// The staging file of a run, removed when the run ends however it ends, and the run's hold on
/// its output folder.
pub(super) struct Staging {
    pub(super) path: PathBuf,
    /// `.scour.lock` beside the staging file, locked (an OS advisory lock) for as long as the
    /// run lives: the kernel releases it when the process ends, however it ends, so no lock is
    /// ever stale.
    lock: Option<File>,
}

/// The file whose lock says that a run is writing into an output folder.
const LOCK_NAME: &str = ".scour.lock";

impl Staging {
    /// Takes the output folder `dir` for this run, then a fresh staging path in it; staging and
    /// spill files left by runs that were killed go first. Two runs writing into one folder at
    /// once would remove each other's staging files and overwrite each other's outputs, so a
    /// second run fails while the first one holds the lock. The lock file names its holder's
    /// process (for the message) and is removed, still locked, when the run ends.
    pub(super) fn new(dir: &Path) -> std::io::Result<Staging> {
        let path = dir.join(LOCK_NAME);
        let mut lock = None;
        let mut unsupported = false;
        // A lock taken on a file that its holder removed as it ended is no lock: try again on
        // the file now at the path.
        for _ in 0..8 {
            let mut file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => {
                    if !is_file_at(&file, &path) {
                        continue;
                    }
                    file.set_len(0)?;
                    writeln!(file, "{}", std::process::id())?;
                    lock = Some(file);
                    break;
                }
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = std::fs::read_to_string(&path).unwrap_or_default();
                    let holder = holder.trim();
                    let who = if holder.is_empty() {
                        String::new()
                    } else {
                        format!(" (process {holder})")
                    };
                    return Err(std::io::Error::other(format!(
                        "another scour run{who} is writing into this folder; wait for it or \
                         choose another --output"
                    )));
                }
                // A file system without locks: run unguarded rather than not at all.
                Err(std::fs::TryLockError::Error(e))
                    if e.kind() == std::io::ErrorKind::Unsupported =>
                {
                    unsupported = true;
                    break;
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(e),
            }
        }
        if lock.is_none() && !unsupported {
            return Err(std::io::Error::other(format!(
                "cannot lock {}: other runs keep replacing it",
                path.display()
            )));
        }
        let me = std::process::id();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let name = e.file_name();
                let name = name.to_string_lossy();
                let staged = name.starts_with(".staging-") && name.ends_with(".jsonl.tmp");
                let spilled = name.starts_with(".spill-") && name.ends_with(".bin.tmp");
                if staged || spilled {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        Ok(Staging {
            path: dir.join(format!(".staging-{me}.jsonl.tmp")),
            lock,
        })
    }
}

/// Gives back the disk blocks and page cache of `start..end` of a scratch file that has been
/// read for the last time, keeping its length (offsets after it stay valid). The write phase
/// reads the staging file front to back while it writes the corpus: released as it goes, the
/// two together take about one corpus of disk and cache instead of two, and the staged records
/// already read never have to reach the disk. Best effort: where the file system or OS cannot
/// do it, nothing happens (the file is removed at the end anyway). True if the range was
/// released.
#[cfg(target_os = "linux")]
pub(super) fn release_read_range(file: &File, start: u64, end: u64) -> bool {
    use std::os::fd::AsRawFd;
    if end <= start {
        return false;
    }
    let (Ok(offset), Ok(len)) = (
        libc::off_t::try_from(start),
        libc::off_t::try_from(end - start),
    ) else {
        return false;
    };
    // SAFETY: fallocate only reads its integer arguments; the descriptor is open for writing
    // for as long as `file` lives. A failure (EOPNOTSUPP on file systems without holes) only
    // leaves the range in place.
    let done = unsafe {
        libc::fallocate(
            file.as_raw_fd(),
            libc::FALLOC_FL_PUNCH_HOLE | libc::FALLOC_FL_KEEP_SIZE,
            offset,
            len,
        )
    };
    done == 0
}

#[cfg(not(target_os = "linux"))]
pub(super) fn release_read_range(_file: &File, _start: u64, _end: u64) -> bool {
    false
}

/// Whether `file` is the file now at `path` (not one removed from it since it was opened).
#[cfg(unix)]
fn is_file_at(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so the file at the path is the one opened.
#[cfg(not(unix))]
fn is_file_at(_file: &File, _path: &Path) -> bool {
    true
}

impl Staging {
    /// Removes the staging file once its records are in the corpus, keeping the hold on the
    /// folder until the run's last output is written.
    pub(super) fn remove_staged(&self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        // Removed while still locked: the lock ends when the file is closed, just after.
        if self.lock.is_some() {
            let _ = std::fs::remove_file(self.path.with_file_name(LOCK_NAME));
        }
    }
}

/// Stage a processed document in its group: its record (JSON), its index entry, its passage
/// rows and its signatures.
pub(super) fn stage(mut p: Processed, group: &mut StagedGroup, min_words: usize) {
    for r in &p.removed {
        // A rule seen before needs no new key (most spans are of rules already counted).
        let c = match group.counts.get_mut(&r.rule) {
            Some(c) => c,
            None => group.counts.entry(r.rule.clone()).or_default(),
        };
        c.spans += 1;
        c.bytes += (r.byte_end - r.byte_start) as u64;
    }
    let dropped = if p.text.is_empty() {
        Some(DropReason::EmptyAfterCleaning)
    } else if p.words < min_words {
        Some(DropReason::TooShort)
    } else {
        None
    };
    if group.paths.last() != Some(&p.source.path) {
        group.paths.push(p.source.path.clone());
    }
    let first_row = group.rows.len();
    for q in &p.passages {
        let slot = group.push_sig(q.signature_in(&p));
        group.rows.push(PassageRow {
            digest: q.digest,
            byte_start: q.byte_start as u64,
            byte_end: q.byte_end as u64,
            words: q.words.min(u32::MAX as usize) as u32,
            slot,
        });
    }
    let sig = group.push_sig(p.signature.take().as_deref());
    let entry = DocEntry {
        id: 0,
        staged_at: 0,
        staged_len: 0,
        first_passage: 0,
        record: p.source.record,
        byte_start: p.source.byte_start,
        text_len: p.text.len() as u64,
        slot: NONE,
        path: 0,
        passages: p.passages.len().min(NONE as usize) as u32,
        dropped,
    };
    let id = parse_id(&p.id);
    let digest = p.digest;
    let json_start = group.json.len();
    let passages = std::mem::take(&mut p.passages);
    if write_staged_json(p, &passages, &mut group.json).is_err() {
        group.json.truncate(json_start);
    }
    group.json.push(b'\n');
    group.docs.push(StagedDoc {
        entry,
        id,
        digest,
        path: group.paths.len() - 1,
        rows: first_row..group.rows.len(),
        json: json_start..group.json.len(),
        sig,
    });
}

/// A document's link to the kept document it duplicates.
#[derive(Debug, Clone, Copy)]
pub(super) struct DocDup {
    pub(super) of: u32,
    /// Rounded to 4 places, as written.
    pub(super) similarity: f64,
    pub(super) exact: bool,
}

/// A decision about a document after the corpus-wide steps.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DocFate {
    pub(super) dropped: Option<DropReason>,
    pub(super) duplicate_of: Option<DocDup>,
    pub(super) cluster: Option<u32>,
    /// It was a copy of a document that then lost all its text to earlier documents, so it
    /// went through the passage step itself instead.
    pub(super) revived: bool,
}

/// A passage that repeats a kept passage (passage table indexes).
#[derive(Debug, Clone, Copy)]
pub(super) struct PassageDup {
    pub(super) passage: u32,
    pub(super) of: u32,
    pub(super) similarity: f64,
    pub(super) exact: bool,
}

/// A passage in a cluster, with its source range for the cluster record.
#[derive(Debug, Clone, Copy)]
pub(super) struct PassageMember {
    pub(super) passage: u32,
    pub(super) cluster: u32,
    pub(super) byte_start: u64,
    pub(super) byte_end: u64,
}

/// The entries of a list sorted by passage that fall in `range`.
pub(super) fn in_range<T>(
    list: &[T],
    key: impl Fn(&T) -> u32,
    range: std::ops::Range<u64>,
) -> &[T] {
    let a = list.partition_point(|x| (key(x) as u64) < range.start);
    let b = list.partition_point(|x| (key(x) as u64) < range.end);
    &list[a..b]
}

/// The passage-level decisions: duplicates and cluster members, each sorted by passage.
#[derive(Default)]
pub(super) struct PassageFates {
    pub(super) dups: Vec<PassageDup>,
    pub(super) members: Vec<PassageMember>,
    pub(super) mode: Option<DedupMode>,
}

impl PassageFates {
    pub(super) fn dups_in(&self, range: std::ops::Range<u64>) -> &[PassageDup] {
        in_range(&self.dups, |d| d.passage, range)
    }

    pub(super) fn members_in(&self, range: std::ops::Range<u64>) -> &[PassageMember] {
        in_range(&self.members, |m| m.passage, range)
    }

    /// Index of passage `g` of document `di` among the passages that end up in the corpus.
    pub(super) fn final_index(
        &self,
        index: &Index,
        fates: &[DocFate],
        di: usize,
        g: u64,
    ) -> Option<usize> {
        if fates[di].dropped.is_some() {
            return None;
        }
        let d = &index.docs[di];
        let pi = (g - d.first_passage) as usize;
        if self.mode != Some(DedupMode::Drop) {
            return Some(pi);
        }
        let before = self.dups_in(d.first_passage..g);
        if self.dups_in(g..g + 1).is_empty() {
            Some(pi - before.len())
        } else {
            None
        }
    }

    /// The link to passage `g`, as written in records.
    pub(super) fn link(&self, index: &Index, fates: &[DocFate], d: &PassageDup) -> PassageLink {
        let g = d.of as u64;
        let kd = index.doc_of(g);
        let kp = (g - index.docs[kd].first_passage) as usize;
        PassageLink {
            id: index.docs[kd].id(),
            passage: self.final_index(index, fates, kd, g).unwrap_or(kp),
            similarity: d.similarity,
            exact: d.exact,
        }
    }
}

/// Clusters of one level as flat rows, turned into records only when they are written.
#[derive(Default)]
pub(super) struct ClusterRows {
    /// Per cluster: first member row, all members share one digest.
    pub(super) clusters: Vec<(u32, bool)>,
    pub(super) members: Vec<MemberRow>,
}

/// A cluster member: a document index or a passage table index.
#[derive(Debug, Clone, Copy)]
pub(super) struct MemberRow {
    pub(super) item: u32,
    /// The kept member it duplicates ([`NONE`]: kept).
    pub(super) duplicate_of: u32,
    pub(super) similarity: f64,
}

impl ClusterRows {
    /// Adds the clusters of `outcome`, naming items by `name`.
    pub(super) fn add(
        &mut self,
        outcome: &Outcome,
        items: &dyn ItemSet,
        name: impl Fn(usize) -> u32,
    ) {
        for c in &outcome.clusters {
            self.clusters.push((self.members.len() as u32, c.exact));
            let keeper = c.members[0];
            for &k in &c.members {
                self.members.push(MemberRow {
                    item: name(k),
                    duplicate_of: match outcome.decisions[k] {
                        Decision::Keep => NONE,
                        Decision::Duplicate { of, .. } => name(of),
                    },
                    similarity: similarity(items, keeper, k),
                });
            }
        }
    }

    pub(super) fn len(&self) -> usize {
        self.clusters.len()
    }

    /// Members of cluster `c`.
    pub(super) fn cluster(&self, c: usize) -> (&[MemberRow], bool) {
        let start = self.clusters[c].0 as usize;
        let end = self
            .clusters
            .get(c + 1)
            .map_or(self.members.len(), |n| n.0 as usize);
        (&self.members[start..end], self.clusters[c].1)
    }

    /// The `duplicates.jsonl` record of cluster `c`, numbered `number`; `member_ref` names an
    /// item, `fix` adjusts a member (`kept`, `duplicate_of`) for later decisions.
    pub(super) fn record(
        &self,
        c: usize,
        number: u64,
        level: &'static str,
        member_ref: impl Fn(u32) -> MemberRef,
        fix: impl Fn(u32, &mut ClusterMember),
    ) -> ClusterRecord {
        let (members, exact) = self.cluster(c);
        ClusterRecord {
            cluster: number,
            level,
            kind: if exact { "exact" } else { "near" },
            keeper: member_ref(members[0].item),
            members: members
                .iter()
                .map(|m| {
                    let mut member = ClusterMember {
                        member: member_ref(m.item),
                        similarity: m.similarity,
                        kept: m.duplicate_of == NONE,
                        duplicate_of: (m.duplicate_of != NONE).then(|| member_ref(m.duplicate_of)),
                    };
                    fix(m.item, &mut member);
                    member
                })
                .collect(),
        }
    }
}

pub(super) fn similarity(items: &dyn ItemSet, a: usize, b: usize) -> f64 {
    if a == b || items.digest(a) == items.digest(b) {
        return 1.0;
    }
    let (mut buf_a, mut buf_b) = (Vec::new(), Vec::new());
    match (
        items.signature(a, &mut buf_a),
        items.signature(b, &mut buf_b),
    ) {
        (Some(x), Some(y)) => round4(estimate_jaccard(x, y)),
        _ => 0.0,
    }
}

pub(super) fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

/// The passages of one round of the passage step, as dedup items: item `i` is passage
/// `refs[i]` (ascending), its order is `i`. Its digest is a stand-in, the index of the first
/// item with its digest: equal exactly when the real digests are, which is all the steps ask of
/// digests, and 4 bytes an item in memory instead of 16.
pub(super) struct PassageItems<'a> {
    pub(super) refs: Vec<u32>,
    slots: Vec<u32>,
    groups: Vec<u32>,
    store: &'a SignatureStore,
}

impl<'a> PassageItems<'a> {
    /// `rows`: `(passage, digest, slot)` of the round's passages, ascending by passage.
    pub(super) fn new(
        store: &'a SignatureStore,
        refs: Vec<u32>,
        slots: Vec<u32>,
        mut keyed: Vec<(Digest, u32)>,
    ) -> PassageItems<'a> {
        keyed.par_sort_unstable();
        let mut groups = vec![0u32; refs.len()];
        for run in keyed.chunk_by(|a, b| a.0 == b.0) {
            let first = run[0].1;
            for &(_, i) in run {
                groups[i as usize] = first;
            }
        }
        PassageItems {
            refs,
            slots,
            groups,
            store,
        }
    }
}

impl ItemSet for PassageItems<'_> {
    fn count(&self) -> usize {
        self.refs.len()
    }
    fn order(&self, i: usize) -> u64 {
        i as u64
    }
    fn digest(&self, i: usize) -> Digest {
        let mut d = [0u8; 16];
        d[..4].copy_from_slice(&self.groups[i].to_be_bytes());
        d
    }
    fn signed(&self, i: usize) -> bool {
        self.slots[i] != NONE
    }
    fn signature<'b>(&'b self, i: usize, buf: &'b mut Vec<SigValue>) -> Option<&'b [SigValue]> {
        match self.slots[i] {
            NONE => None,
            slot => self.store.get(slot as u64, buf),
        }
    }
    fn store(&self) -> Option<&SignatureStore> {
        Some(self.store)
    }
    fn slot(&self, i: usize) -> Option<u64> {
        (self.slots[i] != NONE).then_some(self.slots[i] as u64)
    }
}

/// Take duplicate passages out of a record's text, recording each as a removal; `fates` gives
/// each passage's duplicate link, if it has one.
pub(super) fn remove_passages(rec: &mut CorpusRecord, fates: &[Option<PassageLink>]) {
    let mut text = String::with_capacity(rec.text.len());
    let mut passages = Vec::with_capacity(rec.passages.len());
    // Taken, not borrowed: a kept passage moves into the new list with its hash, where a
    // clone copied every hash string (0.4 % of the Debian corpus's instructions).
    for (p, fate) in std::mem::take(&mut rec.passages).into_iter().zip(fates) {
        let body = &rec.text[p.start..p.end];
        if let Some(link) = fate {
            rec.removed.push(RemovedSpan {
                rule: rule::DUPLICATE_PASSAGE.to_string(),
                byte_start: p.byte_start,
                byte_end: p.byte_end,
                text: body.to_string(),
                duplicate_of: Some(link.clone()),
            });
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        text.push_str(body);
        passages.push(PassageRecord {
            start,
            end: text.len(),
            ..p
        });
    }
    rec.text = text;
    rec.passages = passages;
    rec.removed.sort_by_key(|r| (r.byte_start, r.byte_end));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staged_parts_read_as_one_sequence_checked_and_find_their_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let part = |i: usize, start: u64, body: &str, sum: Option<&str>| {
            let path = dir.path().join(format!("{i}"));
            std::fs::write(&path, body).unwrap();
            StagedPart {
                start,
                file: File::open(&path).unwrap(),
                path,
                blake3: sum.map(|s| s.to_string()),
            }
        };
        let hex = |b: &str| blake3::hash(b.as_bytes()).to_hex().to_string();
        let parts = |sum_of_second: &str| StagedParts {
            parts: vec![
                part(0, 0, "abc", Some(&hex("abc"))),
                part(1, 3, "defgh", Some(sum_of_second)),
                part(2, 8, "i", None),
            ],
            own: false,
        };
        let staged = parts(&hex("defgh"));
        let mut all = String::new();
        staged.reader().read_to_string(&mut all).unwrap();
        assert_eq!(all, "abcdefghi");
        // In small reads too, and read again from the start.
        for _ in 0..2 {
            let mut r = staged.reader();
            let mut got = Vec::new();
            let mut buf = [0u8; 2];
            loop {
                let n = r.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            assert_eq!(got, b"abcdefghi");
        }
        let of: Vec<u64> = (0..9).map(|at| staged.part_of(at).unwrap().start).collect();
        assert_eq!(of, [0, 0, 0, 3, 3, 3, 3, 3, 8]);
        // A part that does not match its checksum is an error once read to its end, and
        // `finish` reads to the end of what was not read.
        let bad = parts(&hex("defgX"));
        let err = bad.reader().read_to_string(&mut all).unwrap_err();
        assert!(
            err.to_string().contains("does not match its checksum"),
            "{err}"
        );
        let mut r = bad.reader();
        let mut first = [0u8; 3];
        r.read_exact(&mut first).unwrap();
        assert!(r.finish().is_err());
        let mut r = staged.reader();
        r.read_exact(&mut first).unwrap();
        assert!(r.finish().is_err(), "bytes left after what was read");
        let mut r = staged.reader();
        r.read_to_end(&mut Vec::new()).unwrap();
        r.finish().unwrap();
    }

    use std::io::{Read, Seek, SeekFrom, Write};

    fn raw(path: &str, record: u64, text: &str) -> RawDoc {
        RawDoc {
            source: Provenance {
                path: path.to_string(),
                format: Format::Txt,
                record,
                byte_start: 0,
                byte_end: text.len() as u64,
                url: None,
                warc_record_id: None,
            },
            text: text.to_string(),
            input: Default::default(),
            fields: Default::default(),
        }
    }

    /// A staged record's text, read alone, is the text serde reads from the whole record; a
    /// record of another shape is left to serde.
    #[test]
    fn staged_text_is_the_records_text() {
        for text in [
            "",
            "plain",
            "with \"quotes\", \\ and\nlines \u{e9}\u{1}",
            "x\",\"text\":\"y",
        ] {
            let mut rec = corpus_record(
                Stages::new(&Settings::default())
                    .unwrap()
                    .process(raw("a.txt", 3, text)),
            );
            rec.id = "i\"d".into();
            let mut line = Vec::new();
            rec.write_json(&mut line).unwrap();
            let whole: StagedText = serde_json::from_slice(&line).unwrap();
            assert_eq!(staged_text(&line), Some(whole.text), "{text:?}");
        }
        assert_eq!(staged_text(b"{\"text\":\"t\",\"id\":\"i\"}"), None);
        assert_eq!(staged_text(b"{\"id\":\"i\",\"text\":\"t"), None);
    }

    /// A record staged from its passages apart is the record `corpus_record` makes, as
    /// `write_json` writes it: documents of many paragraphs, with digits, removed spans and
    /// extracted facts, and none.
    #[test]
    fn staged_json_is_the_corpus_records_json() {
        let stages = Stages::new(&Settings::default()).unwrap();
        let mut rng = crate::fingerprint::testgen::Rng::new(4);
        let pieces = [
            "Ferry terminal approved",
            "The harbour authority approved plans for 12 new berths on the east quay today.",
            "Read more",
            "Share this:",
            "Home | World | Business | Tech | Sport",
            "Caf\u{e9} \"quoted\" \\ text \u{1f600}",
            "",
            "By Jane Doe",
        ];
        let mut passages = 0;
        for k in 0..300 {
            let n = rng.below(12);
            let text: String = (0..n)
                .map(|_| format!("{}\n", pieces[rng.below(pieces.len())]))
                .collect();
            let p = stages.process(raw("a.txt", k, &text));
            passages += p.passages.len();
            let mut want = Vec::new();
            corpus_record(p.clone()).write_json(&mut want).unwrap();
            let mut p = p;
            let taken = std::mem::take(&mut p.passages);
            let mut got = Vec::new();
            write_staged_json(p, &taken, &mut got).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap()
            );
        }
        assert!(passages > 500, "{passages}");
    }

    /// Each passage's signature, kept in its document's buffer, is the one `MinHasher` gives
    /// its fingerprint text alone; passages too short to match have none. The document's is
    /// that of its passages' fingerprint texts joined, shingles across paragraph breaks
    /// included (the shingles the exact check compares).
    #[test]
    fn passage_signatures_are_their_texts_signatures() {
        let settings = Settings::default();
        let stages = Stages::new(&settings).unwrap();
        let hasher = MinHasher::from_settings(&settings.fingerprint);
        let para = "The harbour authority approved plans for a new ferry terminal on the east \
                    quay, ending two years of debate over the cost of the project.";
        let mut rng = crate::fingerprint::testgen::Rng::new(6);
        let (mut signed, mut unsigned) = (0, 0);
        for k in 0..100 {
            let text: String = (0..1 + rng.below(8))
                .map(|_| {
                    let words = rng.below(30);
                    let p: Vec<&str> = para.split(' ').skip(rng.below(5)).take(words).collect();
                    format!("{} {k}\n\n", p.join(" "))
                })
                .collect();
            let p = stages.process(raw("a.txt", k, &text));
            let mut joined = Vec::new();
            for q in &p.passages {
                let mut fp = String::new();
                fingerprint_text_opts(
                    &p.text[q.start..q.end],
                    &mut fp,
                    settings.fingerprint.mask_digits,
                );
                if !fp.is_empty() {
                    joined.push(fp.clone());
                }
                let want = (q.words >= settings.dedup.passage_min_words)
                    .then(|| hasher.signature(&fp))
                    .flatten();
                assert_eq!(q.signature_in(&p), want.as_deref(), "{fp:?}");
                signed += usize::from(want.is_some());
                unsigned += usize::from(want.is_none());
            }
            assert_eq!(p.signature, hasher.signature(&joined.join(" ")), "{text:?}");
            // The same shingles as the exact check's, made from the whole text.
            let mut whole = String::new();
            fingerprint_text_opts(&p.text, &mut whole, false);
            assert_eq!(p.signature, hasher.signature(&whole), "{text:?}");
        }
        assert!(signed > 100 && unsigned > 20, "{signed} {unsigned}");
    }

    /// Everything a group holds once its signatures are stored, in a form to compare.
    fn contents(g: &mut StagedGroup, store: &mut SignatureStore) -> String {
        for k in 0..g.docs.len() {
            g.store(k, store).unwrap();
        }
        let docs: Vec<_> = g
            .docs
            .iter()
            .map(|d| {
                (
                    d.entry.slot,
                    d.entry.passages,
                    d.path,
                    d.rows.clone(),
                    d.json.clone(),
                )
            })
            .collect();
        format!(
            "{docs:?} {:?} {:?} {:?} {:?}",
            String::from_utf8_lossy(&g.json),
            g.rows,
            g.paths,
            g.counts
        )
    }

    #[test]
    fn a_recycled_group_stages_what_a_fresh_one_does() {
        let settings = Settings::default();
        let stages = Stages::new(&settings).unwrap();
        let article = "The council approved the new budget on Tuesday after a long debate \
                       about school funding and road repairs across the district.\n\n\
                       \u{f099} \u{f09a} \u{f0e0}\n\nResidents who spoke at the meeting asked for \
                       more money for libraries, and the mayor promised a review next year.";
        let first = [
            raw("a.txt", 0, article),
            raw("a.txt", 1, "Read more\n\nA short note."),
            raw(
                "b.txt",
                0,
                "One more page about something else entirely, with words.",
            ),
        ];
        let second = [
            raw(
                "c.txt",
                0,
                "A different page: the weather was fine all week long.",
            ),
            raw("c.txt", 1, article),
        ];
        let mut used = StagedGroup::default();
        for d in first {
            stage(stages.process(d), &mut used, 1);
        }
        assert!(!used.docs.is_empty(), "docs");
        assert!(!used.sigs.is_empty(), "sigs");
        assert!(!used.counts.is_empty(), "counts");
        assert!(used.empty() > 0, "the emptied group keeps its buffers");
        let mut fresh = StagedGroup::default();
        for d in second.clone() {
            stage(stages.process(d), &mut fresh, 1);
        }
        for d in second {
            stage(stages.process(d), &mut used, 1);
        }
        let k = settings.fingerprint.num_hashes;
        let dir = tempfile::tempdir().unwrap();
        let a = contents(&mut fresh, &mut SignatureStore::new(k, None, dir.path()));
        let b = contents(&mut used, &mut SignatureStore::new(k, None, dir.path()));
        assert_eq!(a, b);
    }

    #[test]
    fn the_folder_stays_held_after_the_staging_file_is_removed() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(dir.path()).unwrap();
        std::fs::write(&staging.path, b"{}\n").unwrap();
        staging.remove_staged();
        assert!(!staging.path.exists());
        // Outputs are still being written: a second run must not get the folder.
        let second = Staging::new(dir.path());
        let message = second.err().expect("the folder is held").to_string();
        assert!(message.contains("another scour run"), "{message}");
        drop(staging);
        // The run ended: the folder is free, and nothing of the first run is left in it.
        let third = Staging::new(dir.path()).unwrap();
        drop(third);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_released_range_keeps_the_length_and_every_byte_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staged");
        // Several file-system blocks, with a pattern that tells offsets apart.
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &bytes).unwrap();
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&path)
            .unwrap();
        // Not on block boundaries at either end: the bytes around the range must survive.
        let released = release_read_range(&file, 0, 123_457);
        assert_eq!(
            release_read_range(&file, 123_457, 200_001),
            released,
            "the file system supports holes or it does not"
        );
        assert!(!release_read_range(&file, 250_000, 250_000));
        assert_eq!(file.metadata().unwrap().len(), bytes.len() as u64);
        let mut rest = Vec::new();
        file.seek(SeekFrom::Start(200_001)).unwrap();
        file.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, bytes[200_001..]);
        // Where holes are supported (ext4, xfs, btrfs, tmpfs: this machine's /tmp) the
        // released blocks are gone: a 300 KB file keeps its last 100 KB and the blocks the
        // ranges' ends cut through.
        #[cfg(unix)]
        if released {
            use std::os::unix::fs::MetadataExt;
            let blocks = file.metadata().unwrap().blocks() * 512;
            assert!(blocks <= 120_000, "{blocks} bytes still allocated");
        }
        // The file is still writable after it (appends go where they went before).
        file.seek(SeekFrom::End(0)).unwrap();
        file.write_all(b"x").unwrap();
        assert_eq!(file.metadata().unwrap().len(), bytes.len() as u64 + 1);
    }
}
