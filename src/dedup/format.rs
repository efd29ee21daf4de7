//! Binary artifacts of the steps, so they can run as separate jobs: signatures (step 1),
//! candidate pairs (step 2) and the outcome (step 3).
//!
//! Every file is `magic (8 bytes) | version (u32) | body | blake3(all before)[..16]`, integers
//! little-endian. The checksum turns truncation and bit rot into an error instead of a wrong
//! dedup result. Sorted integer sequences are LEB128 varints of deltas, which makes pair files
//! a few bytes a pair. Files are written to a temporary name beside the target, synced and
//! renamed, so a reader never sees a half-written artifact.

use super::{Candidates, Cluster, Decision, Item, Outcome, Stats};
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// 3: signature values are the 16-bit [`crate::fingerprint::SigValue`]s (2: 32-bit).
const VERSION: u32 = 3;
const MAGIC_SIGNATURES: &[u8; 8] = b"SCOURSIG";
const MAGIC_PAIRS: &[u8; 8] = b"SCOURPRS";
const MAGIC_OUTCOME: &[u8; 8] = b"SCOUROUT";
const CHECKSUM: usize = 16;
/// Signature length marking an item without a signature.
const NO_SIGNATURE: u32 = u32::MAX;

// ---- signatures (step 1) ----

/// `count | (order u64, digest [16], len u32 or NO_SIGNATURE, len x u16)*`
pub fn encode_signatures(items: &[Item]) -> Vec<u8> {
    let sig_bytes: usize = items
        .iter()
        .map(|it| it.signature.as_ref().map_or(0, |s| 2 * s.len()))
        .sum();
    let mut w = Writer::new(MAGIC_SIGNATURES, 8 + items.len() * 28 + sig_bytes);
    w.u64(items.len() as u64);
    for it in items {
        w.u64(it.order);
        w.bytes(&it.digest);
        match &it.signature {
            // A signature of u32::MAX values is impossible in practice (settings cap num_hashes
            // far lower); `len_u32` still refuses to write an ambiguous length.
            Some(sig) => {
                w.u32(len_u32(sig.len()));
                for &v in sig {
                    w.u16(v);
                }
            }
            None => w.u32(NO_SIGNATURE),
        }
    }
    w.finish()
}

pub fn decode_signatures(data: &[u8]) -> io::Result<Vec<Item>> {
    let mut r = Reader::open(data, MAGIC_SIGNATURES, "signature file")?;
    let count = r.count(28)?;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        let order = r.u64()?;
        let digest = r.array::<16>()?;
        let len = r.u32()?;
        let signature = if len == NO_SIGNATURE {
            None
        } else {
            let len = len as usize;
            r.need(len.saturating_mul(2))?;
            let mut sig = Vec::with_capacity(len);
            for _ in 0..len {
                sig.push(r.u16()?);
            }
            Some(sig)
        };
        items.push(Item {
            order,
            digest,
            signature,
        });
    }
    r.end()?;
    Ok(items)
}

pub fn write_signatures(path: &Path, items: &[Item]) -> io::Result<()> {
    write_atomic(path, &encode_signatures(items))
}

pub fn read_signatures(path: &Path) -> io::Result<Vec<Item>> {
    decode_signatures(&fs::read(path)?).map_err(|e| in_file(path, e))
}

// ---- candidate pairs (step 2) ----

/// `oversized u64 | largest u64 | skipped u64 | count u64 | (varint delta of earlier order,
/// varint later - earlier)*`
pub fn encode_pairs(c: &Candidates) -> Vec<u8> {
    let mut pairs = c.pairs.clone();
    pairs.sort_unstable();
    pairs.dedup();
    let mut w = Writer::new(MAGIC_PAIRS, 32 + pairs.len() * 4);
    w.u64(c.oversized_buckets);
    w.u64(c.largest_bucket);
    w.u64(c.skipped_pairs);
    w.u64(pairs.len() as u64);
    let mut prev = 0;
    for &(a, b) in &pairs {
        let (lo, hi) = (a.min(b), a.max(b));
        w.varint(lo - prev);
        w.varint(hi - lo);
        prev = lo;
    }
    w.finish()
}

pub fn decode_pairs(data: &[u8]) -> io::Result<Candidates> {
    let mut r = Reader::open(data, MAGIC_PAIRS, "pair file")?;
    let oversized_buckets = r.u64()?;
    let largest_bucket = r.u64()?;
    let skipped_pairs = r.u64()?;
    let count = r.count(2)?;
    let mut pairs = Vec::with_capacity(count);
    let mut prev = 0u64;
    for _ in 0..count {
        let a = prev
            .checked_add(r.varint()?)
            .ok_or_else(|| r.invalid("pair order overflows"))?;
        let b = a
            .checked_add(r.varint()?)
            .ok_or_else(|| r.invalid("pair order overflows"))?;
        pairs.push((a, b));
        prev = a;
    }
    r.end()?;
    // Keep the `Candidates` invariant (sorted, distinct, earlier < later) whatever the file says.
    pairs.retain(|&(a, b)| a < b);
    pairs.sort_unstable();
    pairs.dedup();
    Ok(Candidates {
        pairs,
        oversized_buckets,
        largest_bucket,
        skipped_pairs,
        runs: 0,
        partitions: 0,
    })
}

pub fn write_pairs(path: &Path, c: &Candidates) -> io::Result<()> {
    write_atomic(path, &encode_pairs(c))
}

pub fn read_pairs(path: &Path) -> io::Result<Candidates> {
    decode_pairs(&fs::read(path)?).map_err(|e| in_file(path, e))
}

// ---- outcome (step 3) ----

/// Stats fields, in file order.
fn stats_fields(s: &Stats) -> [u64; 15] {
    [
        s.items,
        s.signed_items,
        s.exact_pairs,
        s.candidate_pairs,
        s.verified_pairs,
        s.oversized_buckets,
        s.largest_bucket,
        s.skipped_pairs,
        s.unknown_pairs,
        s.kept,
        s.exact_duplicates,
        s.near_duplicates,
        s.clusters,
        s.largest_cluster,
        s.exact_checked_pairs,
    ]
}

fn stats_from(f: [u64; 15]) -> Stats {
    let [
        items,
        signed_items,
        exact_pairs,
        candidate_pairs,
        verified_pairs,
        oversized_buckets,
        largest_bucket,
        skipped_pairs,
        unknown_pairs,
        kept,
        exact_duplicates,
        near_duplicates,
        clusters,
        largest_cluster,
        exact_checked_pairs,
    ] = f;
    Stats {
        items,
        signed_items,
        exact_pairs,
        candidate_pairs,
        verified_pairs,
        oversized_buckets,
        largest_bucket,
        skipped_pairs,
        unknown_pairs,
        kept,
        exact_duplicates,
        near_duplicates,
        clusters,
        largest_cluster,
        exact_checked_pairs,
        // How a run found its pairs, not part of the outcome's meaning.
        band_runs: 0,
    }
}

const TAG_KEEP: u8 = 0;
const TAG_NEAR: u8 = 1;
const TAG_EXACT: u8 = 2;

/// `count u64 | (tag u8 [, varint of, f64 similarity])* | clusters varint | (exact u8,
/// varint len, varint member*)* | field count u32 | u64 stats*`
pub fn encode_outcome(o: &Outcome) -> Vec<u8> {
    let mut w = Writer::new(MAGIC_OUTCOME, 16 + o.decisions.len() * 2);
    w.u64(o.decisions.len() as u64);
    for d in &o.decisions {
        match *d {
            Decision::Keep => w.u8(TAG_KEEP),
            Decision::Duplicate {
                of,
                similarity,
                exact,
            } => {
                w.u8(if exact { TAG_EXACT } else { TAG_NEAR });
                w.varint(of as u64);
                w.u64(similarity.to_bits());
            }
        }
    }
    w.varint(o.clusters.len() as u64);
    for c in &o.clusters {
        w.u8(u8::from(c.exact));
        w.varint(c.members.len() as u64);
        for &m in &c.members {
            w.varint(m as u64);
        }
    }
    let fields = stats_fields(&o.stats);
    w.u32(fields.len() as u32);
    for f in fields {
        w.u64(f);
    }
    w.finish()
}

pub fn decode_outcome(data: &[u8]) -> io::Result<Outcome> {
    let mut r = Reader::open(data, MAGIC_OUTCOME, "outcome file")?;
    let n = r.count(1)?;
    let index = |r: &mut Reader, v: u64| -> io::Result<usize> {
        usize::try_from(v)
            .ok()
            .filter(|&i| i < n)
            .ok_or_else(|| r.invalid("item index out of range"))
    };
    let mut decisions = Vec::with_capacity(n);
    for _ in 0..n {
        let d = match r.u8()? {
            TAG_KEEP => Decision::Keep,
            tag @ (TAG_NEAR | TAG_EXACT) => {
                let v = r.varint()?;
                let of = index(&mut r, v)?;
                let similarity = f64::from_bits(r.u64()?);
                Decision::Duplicate {
                    of,
                    similarity,
                    exact: tag == TAG_EXACT,
                }
            }
            _ => return Err(r.invalid("unknown decision tag")),
        };
        decisions.push(d);
    }
    let clusters_len = r.count_varint(2)?;
    let mut clusters = Vec::with_capacity(clusters_len);
    for _ in 0..clusters_len {
        let exact = match r.u8()? {
            0 => false,
            1 => true,
            _ => return Err(r.invalid("bad cluster flag")),
        };
        let len = r.count_varint(1)?;
        let mut members = Vec::with_capacity(len);
        for _ in 0..len {
            let v = r.varint()?;
            members.push(index(&mut r, v)?);
        }
        clusters.push(Cluster { members, exact });
    }
    if r.u32()? != 15 {
        return Err(r.invalid("unexpected number of stats fields"));
    }
    let mut fields = [0u64; 15];
    for f in &mut fields {
        *f = r.u64()?;
    }
    r.end()?;
    Ok(Outcome {
        decisions,
        clusters,
        stats: stats_from(fields),
    })
}

pub fn write_outcome(path: &Path, o: &Outcome) -> io::Result<()> {
    write_atomic(path, &encode_outcome(o))
}

pub fn read_outcome(path: &Path) -> io::Result<Outcome> {
    decode_outcome(&fs::read(path)?).map_err(|e| in_file(path, e))
}

// ---- plumbing ----

fn len_u32(len: usize) -> u32 {
    u32::try_from(len)
        .ok()
        .filter(|&l| l != NO_SIGNATURE)
        .expect("signature longer than u32::MAX - 1 values")
}

fn in_file(path: &Path, e: io::Error) -> io::Error {
    io::Error::new(e.kind(), format!("{}: {e}", path.display()))
}

/// Writes `bytes` to a temporary file beside `path`, syncs it and renames it over `path`.
fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".tmp{}", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    fn new(magic: &[u8; 8], body_hint: usize) -> Writer {
        let mut buf = Vec::with_capacity(12 + body_hint + CHECKSUM);
        buf.extend_from_slice(magic);
        buf.extend_from_slice(&VERSION.to_le_bytes());
        Writer { buf }
    }
    fn u8(&mut self, v: u8) {
        self.buf.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.buf.extend_from_slice(&v.to_le_bytes());
    }
    fn bytes(&mut self, v: &[u8]) {
        self.buf.extend_from_slice(v);
    }
    fn varint(&mut self, mut v: u64) {
        while v >= 0x80 {
            self.buf.push((v as u8) | 0x80);
            v >>= 7;
        }
        self.buf.push(v as u8);
    }
    fn finish(mut self) -> Vec<u8> {
        let sum = blake3::hash(&self.buf);
        self.buf.extend_from_slice(&sum.as_bytes()[..CHECKSUM]);
        self.buf
    }
}

/// Bounds-checked reading of a body; every failure is an `InvalidData` error naming the file
/// kind and offset.
struct Reader<'a> {
    body: &'a [u8],
    pos: usize,
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn open(data: &'a [u8], magic: &[u8; 8], what: &'static str) -> io::Result<Reader<'a>> {
        let bad = |msg: &str| io::Error::new(io::ErrorKind::InvalidData, format!("{what}: {msg}"));
        if data.len() < 12 + CHECKSUM {
            return Err(bad("too short"));
        }
        if &data[..8] != magic {
            return Err(bad("wrong magic (not this kind of file)"));
        }
        let version = u32::from_le_bytes([data[8], data[9], data[10], data[11]]);
        if version != VERSION {
            return Err(bad(&format!(
                "unsupported version {version} (expected {VERSION})"
            )));
        }
        let (content, sum) = data.split_at(data.len() - CHECKSUM);
        if blake3::hash(content).as_bytes()[..CHECKSUM] != *sum {
            return Err(bad("checksum mismatch (truncated or corrupted)"));
        }
        Ok(Reader {
            body: &content[12..],
            pos: 0,
            what,
        })
    }

    fn invalid(&self, msg: &str) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("{}: {msg} at body offset {}", self.what, self.pos),
        )
    }

    fn need(&self, n: usize) -> io::Result<()> {
        if self.body.len() - self.pos < n {
            return Err(self.invalid("unexpected end"));
        }
        Ok(())
    }

    fn array<const N: usize>(&mut self) -> io::Result<[u8; N]> {
        self.need(N)?;
        let mut a = [0u8; N];
        a.copy_from_slice(&self.body[self.pos..self.pos + N]);
        self.pos += N;
        Ok(a)
    }

    fn u8(&mut self) -> io::Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> io::Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> io::Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> io::Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn varint(&mut self) -> io::Result<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            let bits = u64::from(b & 0x7f);
            if shift == 63 && bits > 1 {
                return Err(self.invalid("varint overflows u64"));
            }
            v |= bits << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        Err(self.invalid("varint too long"))
    }

    /// A u64 element count, refused when the rest of the body cannot hold that many elements
    /// of at least `min_size` bytes (so a corrupt count cannot cause a huge allocation).
    fn count(&mut self, min_size: usize) -> io::Result<usize> {
        let v = self.u64()?;
        self.check_count(v, min_size)
    }

    fn count_varint(&mut self, min_size: usize) -> io::Result<usize> {
        let v = self.varint()?;
        self.check_count(v, min_size)
    }

    fn check_count(&self, v: u64, min_size: usize) -> io::Result<usize> {
        usize::try_from(v)
            .ok()
            .filter(|&c| c.saturating_mul(min_size) <= self.body.len() - self.pos)
            .ok_or_else(|| self.invalid("element count exceeds file size"))
    }

    fn end(&self) -> io::Result<()> {
        if self.pos != self.body.len() {
            return Err(self.invalid("trailing bytes"));
        }
        Ok(())
    }
}
