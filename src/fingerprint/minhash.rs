//! MinHash signatures over word shingles, and Jaccard similarity (estimated from signatures, or
//! exact from shingle sets for tests and evaluation).
//!
//! A shingle is `shingle` consecutive words and gets one 64-bit hash `x`. Each word is hashed
//! once, straight from the text (no per-word allocation); a window's word hashes are combined
//! by a rolling cyclic polynomial (word `t` of an `n`-word window contributes
//! `rotl(w_t, n-1-t)`, all xor-ed), which costs O(1) per shingle whatever the shingle size, and
//! one multiply-fold finishes `x` so its bits are well mixed for the permutations. (The xor
//! combination is linear, so distinct windows collide only if their rotated word hashes cancel:
//! about 2^-64 for unequal windows of up to 64 words.)
//!
//! The `num_hashes` permutations are `h_i(x) = (a_i * x + b_i) >> 32` with wrapping u64
//! arithmetic, `a_i` odd and `b_i` drawn from splitmix64 seeded with `seed`. Since the
//! parameters come from one stream, a longer signature under the same seed and shingle size
//! extends a shorter one: prefixes stay comparable.
//!
//! The min-update over all permutations is the hot loop of the whole pipeline. Baseline x86-64
//! (SSE2) has no vector 64-bit multiply, so the loop is also compiled for AVX-512 and written
//! for AVX2 in 32-bit halves (`update_avx2`), picked at run time; all variants compute the
//! identical integers.

use super::hash::{P1, P2, SplitMix64, fold_mul, for_each_word_hash};

/// Shingle hashes are buffered and fed to the min-update loop this many at a time, so the
/// signature can stay in vector registers across shingles (AVX-512 holds 128 lanes).
const BATCH: usize = 256;
/// Shingles up to this many words keep their word ring on the stack.
const STACK_RING: usize = 32;

/// Computes MinHash signatures; cheap to share across threads (`&self` only).
#[derive(Debug, Clone)]
pub struct MinHasher {
    shingle: usize,
    seed: u64,
    a: Vec<u64>,
    b: Vec<u64>,
    /// `a` and `b` cut into their 32-bit halves, for the AVX2 kernel.
    halves: Halves,
    kernel: Kernel,
}

/// The permutations' parameters as 32-bit halves: `a_lo[i] = a[i] as u32`, `a_hi[i] = a[i] >>
/// 32`, and so for `b`.
#[derive(Debug, Clone, Default)]
struct Halves {
    a_lo: Vec<u32>,
    a_hi: Vec<u32>,
    b_lo: Vec<u32>,
    b_hi: Vec<u32>,
}

impl Halves {
    fn of(a: &[u64], b: &[u64]) -> Halves {
        let lo = |v: &[u64]| v.iter().map(|&x| x as u32).collect();
        let hi = |v: &[u64]| v.iter().map(|&x| (x >> 32) as u32).collect();
        Halves {
            a_lo: lo(a),
            a_hi: hi(a),
            b_lo: lo(b),
            b_hi: hi(b),
        }
    }
}

/// Which compilation of the min-update loop this CPU runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Avx2,
    #[cfg(target_arch = "x86_64")]
    Avx512,
}

impl Kernel {
    fn detect() -> Kernel {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
            {
                return Kernel::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                return Kernel::Avx2;
            }
        }
        Kernel::Portable
    }
}

impl MinHasher {
    /// `num_hashes` permutations over shingles of `shingle` words (0 is taken as 1).
    pub fn new(num_hashes: usize, shingle: usize, seed: u64) -> MinHasher {
        let mut rng = SplitMix64(seed);
        let mut a = Vec::with_capacity(num_hashes);
        let mut b = Vec::with_capacity(num_hashes);
        for _ in 0..num_hashes {
            // Drawn in pairs so parameter i does not depend on num_hashes (prefix property).
            a.push(rng.next_u64() | 1);
            b.push(rng.next_u64());
        }
        MinHasher {
            shingle: shingle.max(1),
            seed,
            halves: Halves::of(&a, &b),
            a,
            b,
            kernel: Kernel::detect(),
        }
    }

    pub fn from_settings(s: &crate::config::FingerprintSettings) -> MinHasher {
        MinHasher::new(s.num_hashes, s.shingle, s.seed)
    }

    pub fn num_hashes(&self) -> usize {
        self.a.len()
    }

    pub fn shingle(&self) -> usize {
        self.shingle
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The signature of `fp_text`; `None` for empty text. Texts with fewer words than
    /// `shingle` form one shingle of all their words.
    pub fn signature(&self, fp_text: &str) -> Option<Vec<u32>> {
        let mut out = Vec::with_capacity(self.a.len());
        self.signature_into(fp_text, &mut out).then_some(out)
    }

    /// Like [`MinHasher::signature`] but writes into a reusable buffer (resized to
    /// `num_hashes`); returns false, leaving `out` empty, for empty text.
    pub fn signature_into(&self, fp_text: &str, out: &mut Vec<u32>) -> bool {
        out.clear();
        out.resize(self.a.len(), u32::MAX);
        let mut batch = [0u64; BATCH];
        let mut filled = 0;
        let shingles = for_each_shingle(fp_text, self.shingle, |x| {
            batch[filled] = x;
            filled += 1;
            if filled == BATCH {
                self.update(out, &batch);
                filled = 0;
            }
        });
        if shingles == 0 {
            out.clear();
            return false;
        }
        self.update(out, &batch[..filled]);
        true
    }

    fn update(&self, sig: &mut [u32], xs: &[u64]) {
        match self.kernel {
            Kernel::Portable => update_portable(sig, &self.a, &self.b, xs),
            // SAFETY: the kernel is chosen by `Kernel::detect`, which checked that this CPU has
            // the target features the function was compiled for.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx2 => unsafe { update_avx2(sig, &self.a, &self.b, &self.halves, xs) },
            // SAFETY: as above.
            #[cfg(target_arch = "x86_64")]
            Kernel::Avx512 => unsafe { update_avx512(sig, &self.a, &self.b, xs) },
        }
    }
}

/// The min-update: for every shingle hash `x` and permutation `i`,
/// `sig[i] = min(sig[i], hi32(a[i] * x + b[i]))`. Written as zipped iterators so that it
/// vectorizes without bounds checks.
#[inline(always)]
fn update_body(sig: &mut [u32], a: &[u64], b: &[u64], xs: &[u64]) {
    for &x in xs {
        for ((s, &a), &b) in sig.iter_mut().zip(a).zip(b) {
            let v = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            *s = (*s).min(v);
        }
    }
}

fn update_portable(sig: &mut [u32], a: &[u64], b: &[u64], xs: &[u64]) {
    update_body(sig, a, b, xs)
}

/// The min-update in AVX2, which has no 64-bit multiply: only the bits 32..64 of `a * x + b`
/// are kept, and with `a = a_hi * 2^32 + a_lo` (so for `b` and `x`) they are, mod 2^32,
/// `hi32(a_lo * x_lo + b_lo) + a_hi * x_lo + a_lo * x_hi + b_hi` (the `a_hi * x_hi` term is
/// a multiple of 2^64, and `a_lo * x_lo + b_lo` < 2^64). That is two 32x32->64 products (even
/// and odd lanes) and two 32-bit ones for 8 permutations, where the 64-bit product took six.
/// Blocks of 16 permutations keep their parameters and minima in registers across all the
/// shingles `xs`, whose halves are split once up front; the permutations past the last whole
/// block of 8 go through the plain loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn update_avx2(sig: &mut [u32], a: &[u64], b: &[u64], halves: &Halves, xs: &[u64]) {
    use std::arch::x86_64::*;
    let n = sig.len().min(a.len()).min(b.len()).min(halves.a_lo.len());
    let whole = n / 8 * 8;
    let load = |v: &[u32], i: usize| {
        let block: &[u32; 8] = v[i..i + 8].try_into().expect("a block of 8");
        // SAFETY: `block` is 8 readable u32 (32 bytes); the load is unaligned.
        unsafe { _mm256_loadu_si256(block.as_ptr().cast()) }
    };
    let store = |v: &mut [u32], i: usize, m: __m256i| {
        let block: &mut [u32; 8] = (&mut v[i..i + 8]).try_into().expect("a block of 8");
        // SAFETY: `block` is 8 writable u32 (32 bytes); the store is unaligned.
        unsafe { _mm256_storeu_si256(block.as_mut_ptr().cast(), m) }
    };
    // A block's parameters: a_lo, a_hi, b_hi, then the even and odd lanes' low halves as
    // 64-bit lanes (a_lo of the odd ones, b_lo of both), for the 32x32->64 products.
    let params = |i: usize| {
        let a_lo = load(&halves.a_lo, i);
        let b_lo = load(&halves.b_lo, i);
        [
            a_lo,
            load(&halves.a_hi, i),
            load(&halves.b_hi, i),
            _mm256_srli_epi64::<32>(a_lo),
            _mm256_and_si256(b_lo, _mm256_set1_epi64x(0xffff_ffff)),
            _mm256_srli_epi64::<32>(b_lo),
        ]
    };
    let step = |p: &[__m256i; 6], x_lo: __m256i, x_hi: __m256i, m: __m256i| {
        let [a_lo, a_hi, b_hi, a_lo_odd, b_lo_even, b_lo_odd] = *p;
        let cross = _mm256_add_epi32(
            _mm256_add_epi32(
                _mm256_mullo_epi32(a_hi, x_lo),
                _mm256_mullo_epi32(a_lo, x_hi),
            ),
            b_hi,
        );
        let even = _mm256_add_epi64(_mm256_mul_epu32(a_lo, x_lo), b_lo_even);
        let odd = _mm256_add_epi64(_mm256_mul_epu32(a_lo_odd, x_lo), b_lo_odd);
        // The high halves of the 64-bit sums, as 8 lanes in permutation order.
        let carried = _mm256_blend_epi32::<0b1010_1010>(_mm256_srli_epi64::<32>(even), odd);
        _mm256_min_epu32(m, _mm256_add_epi32(carried, cross))
    };
    // The shingles' halves, each broadcast to 8 lanes by one load in the loops below. Not
    // zeroed first: only the halves written are read.
    let mut x_lo = [std::mem::MaybeUninit::<u32>::uninit(); BATCH];
    let mut x_hi = [std::mem::MaybeUninit::<u32>::uninit(); BATCH];
    for chunk in xs.chunks(BATCH) {
        for (k, &x) in chunk.iter().enumerate() {
            x_lo[k].write(x as u32);
            x_hi[k].write((x >> 32) as u32);
        }
        // SAFETY: the first `chunk.len()` elements of both were written just above, and
        // `MaybeUninit<u32>` has the layout of `u32`.
        let (lo, hi): (&[u32], &[u32]) = unsafe {
            (
                std::slice::from_raw_parts(x_lo.as_ptr().cast(), chunk.len()),
                std::slice::from_raw_parts(x_hi.as_ptr().cast(), chunk.len()),
            )
        };
        let splat = |v: u32| _mm256_set1_epi32(v as i32);
        let mut i = 0;
        while i + 16 <= whole {
            let (p, q) = (params(i), params(i + 8));
            let (mut m, mut n) = (load(sig, i), load(sig, i + 8));
            for (&l, &h) in lo.iter().zip(hi) {
                let (l, h) = (splat(l), splat(h));
                m = step(&p, l, h, m);
                n = step(&q, l, h, n);
            }
            store(sig, i, m);
            store(sig, i + 8, n);
            i += 16;
        }
        if i < whole {
            let p = params(i);
            let mut m = load(sig, i);
            for (&l, &h) in lo.iter().zip(hi) {
                m = step(&p, splat(l), splat(h), m);
            }
            store(sig, i, m);
        }
    }
    update_body(&mut sig[whole..n], &a[whole..n], &b[whole..n], xs)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl")]
fn update_avx512(sig: &mut [u32], a: &[u64], b: &[u64], xs: &[u64]) {
    update_body(sig, a, b, xs)
}

/// The rolling state of a word window: the cyclic polynomial `h` over the last `ring.len()`
/// words (word `t` of an `n`-word window contributes `rotl(w_t, n-1-t)`, all xor-ed). The ring
/// of word hashes lives with the caller (on the stack for short shingles). Adding a word
/// rotates everything by one and drops the word that leaves (now rotated by `k`), so each
/// shingle costs O(1), and one multiply-fold finishes it. Until the ring first fills no word
/// leaves (the ring starts zeroed), so `h` then covers all words pushed.
#[derive(Debug, Clone, Copy, Default)]
struct Roll {
    /// Where the next word goes; once `words >= k` it is also the oldest word.
    next: usize,
    words: usize,
    h: u64,
}

impl Roll {
    #[inline(always)]
    fn push(&mut self, ring: &mut [u64], w: u64) {
        let k = ring.len();
        self.h = self.h.rotate_left(1) ^ ring[self.next].rotate_left((k % 64) as u32) ^ w;
        ring[self.next] = w;
        self.next += 1;
        if self.next == k {
            self.next = 0;
        }
        self.words += 1;
    }

    /// The finished hash of the current window.
    #[inline(always)]
    fn shingle(&self) -> u64 {
        finish_shingle(self.h)
    }
}

/// A shingle's hash from the rolling hash of its words ([`Roll`]).
#[inline(always)]
fn finish_shingle(h: u64) -> u64 {
    fold_mul(h ^ P2, P1)
}

/// Calls `f` with the hash of every shingle of `fp_text` in text order and returns how many
/// there were: `shingle` consecutive words each, or one shingle of all words when the text has
/// fewer. Words are split on ASCII spaces; empty words (stray double spaces) are skipped.
fn for_each_shingle(fp_text: &str, shingle: usize, mut f: impl FnMut(u64)) -> usize {
    let k = shingle.max(1);
    let mut stack = [0u64; STACK_RING];
    let mut heap = Vec::new();
    let ring: &mut [u64] = if k <= STACK_RING {
        &mut stack[..k]
    } else {
        heap.resize(k, 0);
        &mut heap
    };
    let mut roll = Roll::default();
    let mut count = 0;
    for_each_word_hash(fp_text.as_bytes(), |w| {
        roll.push(ring, w);
        if roll.words >= k {
            f(roll.shingle());
            count += 1;
        }
    });
    if roll.words > 0 && roll.words < k {
        // The ring never filled, so no word left the window: `h` covers all the words.
        f(roll.shingle());
        count += 1;
    }
    count
}

/// A document's signature, made while its passages are signed one by one
/// ([`MinHasher::passage_into`]): the signature of the passages' fingerprint texts joined by
/// single spaces, as [`MinHasher::signature`] of that text would give it, without hashing any
/// word twice. A shingle inside one passage is also that passage's shingle; the shingles that
/// span a paragraph break (the first `shingle - 1` windows of each passage after the first) are
/// added here. A passage of fewer than `shingle` words is one shingle of its own for its own
/// signature only: in the document its words belong to the windows around them.
#[derive(Debug, Clone)]
pub struct DocSigner {
    ring: Vec<u64>,
    roll: Roll,
    sig: Vec<u32>,
    /// Window hashes that span a paragraph break, not yet folded into `sig`.
    batch: Vec<u64>,
    /// A passage's own window hashes, up to `BATCH` at a time (kept here: an array on the
    /// stack was zeroed, 2 KB, for every passage).
    inside: Vec<u64>,
}

impl MinHasher {
    /// A fresh document signature, to pass to [`MinHasher::passage_into`] for each passage.
    pub fn doc_signer(&self) -> DocSigner {
        DocSigner {
            ring: vec![0; self.shingle],
            roll: Roll::default(),
            sig: vec![u32::MAX; self.a.len()],
            batch: Vec::new(),
            inside: Vec::with_capacity(BATCH),
        }
    }

    /// Adds passage `fp_text` (the next one of the document) to `doc`; when `want` is true also
    /// writes the passage's own signature into `out`, as [`MinHasher::signature_into`] would.
    /// Returns whether `out` holds a signature (`want` and the passage has words).
    pub fn passage_into(
        &self,
        fp_text: &str,
        out: &mut Vec<u32>,
        doc: &mut DocSigner,
        want: bool,
    ) -> bool {
        let k = self.shingle;
        out.clear();
        if want {
            out.resize(self.a.len(), u32::MAX);
        }
        // Shingles inside the passage; they go to the passage's signature when it is wanted
        // (merged into the document's after), else straight to the document's.
        // The passage's own window while it is shorter than `k`: its one shingle if the
        // passage ends that short. From the `k`-th word on the document's window is the same.
        let mut head = 0u64;
        let mut words = 0usize;
        let DocSigner {
            ring,
            roll,
            sig,
            batch: spanning,
            inside: batch,
        } = doc;
        batch.clear();
        let target: &mut [u32] = if want { &mut out[..] } else { &mut sig[..] };
        for_each_word_hash(fp_text.as_bytes(), |w| {
            roll.push(ring, w);
            words += 1;
            if words >= k {
                batch.push(roll.shingle());
                if batch.len() == BATCH {
                    self.update(target, batch);
                    batch.clear();
                }
            } else {
                head = head.rotate_left(1) ^ w;
                if roll.words >= k {
                    spanning.push(roll.shingle());
                }
            }
        });
        self.update(target, batch);
        if spanning.len() >= BATCH {
            self.update(sig, spanning);
            spanning.clear();
        }
        if !want || words == 0 {
            out.clear();
            return false;
        }
        if words < k {
            self.update(out, &[finish_shingle(head)]);
        } else {
            sig.iter_mut()
                .zip(out.iter())
                .for_each(|(a, &b)| *a = (*a).min(b));
        }
        true
    }

    /// The document's signature once all its passages are in; `None` when it has no words.
    pub fn doc_signature(&self, mut doc: DocSigner) -> Option<Vec<u32>> {
        if doc.roll.words == 0 {
            return None;
        }
        if doc.roll.words < self.shingle {
            // No window ever filled: the document is one shingle of all its words.
            self.update(&mut doc.sig, &[doc.roll.shingle()]);
        } else {
            self.update(&mut doc.sig, &doc.batch);
        }
        Some(doc.sig)
    }
}

/// Sorted, deduplicated shingle hashes of `fp_text` (the sets MinHash estimates the Jaccard
/// similarity of), for exact Jaccard in tests and evaluation.
pub fn shingle_set(fp_text: &str, shingle: usize) -> Vec<u64> {
    // Room for every shingle at once: a shingle ends at each word from the `shingle`-th on,
    // and there are at most one more words than spaces (grown by doubling, a long document's
    // set was copied over and over).
    let words = memchr::memchr_iter(b' ', fp_text.as_bytes()).count() + 1;
    let mut v = Vec::with_capacity(words.saturating_sub(shingle.max(1) - 1).max(1));
    for_each_shingle(fp_text, shingle, |h| v.push(h));
    sort_hashes(&mut v);
    v.dedup();
    v
}

/// Sorts `v` as `sort_unstable` does, faster on the long sets of hashes shingle sets are
/// ([`super::split_sorted`] on the whole key; sorting was nearly half of making the
/// exact-Jaccard check's shingle sets on the Debian corpus).
fn sort_hashes(v: &mut Vec<u64>) {
    if v.len() < 1 << 10 {
        v.sort_unstable();
        return;
    }
    let mut out = vec![0u64; v.len()];
    super::split_sorted(v, &mut out, 64, |&x| x, &mut (Vec::new(), Vec::new()));
    *v = out;
}

/// Exact Jaccard similarity of two sorted, deduplicated sets; 1.0 when both are empty.
pub fn exact_jaccard(a: &[u64], b: &[u64]) -> f64 {
    exact_jaccard_from(a, b, 0.0)
}

/// [`exact_jaccard`] when it is at least `floor`; otherwise some value below `floor`, found
/// without walking both sets to the end. The similarity cannot exceed the smaller set's size
/// over the larger's, and during the merge it cannot exceed what the shingles still ahead
/// could give: once that bound falls below `floor` the answer is known to be "below". The bound
/// uses the same arithmetic as the final value (`x / (n - x)` is monotone in `x` under
/// rounding too), so a pair that the full merge puts at or above `floor` is never cut short.
pub fn exact_jaccard_from(a: &[u64], b: &[u64], floor: f64) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let total = (a.len() + b.len()) as f64;
    let bound = |shared: usize| shared as f64 / (total - shared as f64);
    let best = bound(a.len().min(b.len()));
    if best < floor {
        return best;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    // The bound is looked at once per block of steps: cheap beside the merge itself.
    loop {
        // A step without branches on the data: which side moves is unpredictable, and a
        // mispredicted branch per shingle cost more than the comparisons.
        let mut steps = 256;
        while steps > 0 && i < a.len() && j < b.len() {
            let (x, y) = (a[i], b[j]);
            inter += usize::from(x == y);
            i += usize::from(x <= y);
            j += usize::from(y <= x);
            steps -= 1;
        }
        if i >= a.len() || j >= b.len() {
            break;
        }
        let reach = bound(inter + (a.len() - i).min(b.len() - j));
        if reach < floor {
            return reach;
        }
    }
    bound(inter)
}

/// A signature value as the dedup index keeps it: the low 16 bits of a MinHash minimum
/// (b-bit minwise hashing, Li and König 2010), for half the memory and memory traffic of the
/// full values. The minima are small numbers (the least of many uniform values), so their high
/// bits would agree by themselves; their low bits are uniform for texts of fewer than some
/// 65,000 shingles (and equal the full value for longer ones), so two different minima agree on
/// them with probability at most about 2^-16. With `k` hashes that raises the expected estimate
/// by at most (1 - J)/65536: an estimate rises by 1/k with probability about k(1 - J)/65536
/// (0.2 % for unrelated texts at 128 hashes), so a pair just below a threshold decided on the
/// estimate alone (passages) now and then crosses it. A band whose rows truly agree but for one
/// collides with probability 2^-16, adding a few candidate pairs, which verification rejects.
pub type SigValue = u16;

/// One MinHash value as the dedup index keeps it ([`SigValue`]).
#[inline]
pub fn stored_value(v: u32) -> SigValue {
    v as SigValue
}

/// `sig` as the dedup index keeps it ([`SigValue`]).
pub fn stored(sig: &[u32]) -> Vec<SigValue> {
    sig.iter().map(|&v| stored_value(v)).collect()
}

/// Estimated Jaccard similarity: the fraction of positions where two signatures agree. Over
/// the common prefix when the lengths differ (valid under one seed and shingle size, see the
/// module doc); 0.0 when there is nothing to compare. Full values ([`MinHasher`]'s) or stored
/// ones ([`SigValue`]).
pub fn estimate_jaccard<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    let n = a.len().min(b.len());
    if n == 0 {
        return 0.0;
    }
    // Summed without a branch, so that it runs as vector compares.
    let equal: usize = a[..n]
        .iter()
        .zip(&b[..n])
        .map(|(x, y)| usize::from(x == y))
        .sum();
    equal as f64 / n as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fingerprint::testgen::{Rng, Vocab, mutate};

    #[test]
    fn empty_text_has_no_signature() {
        let h = MinHasher::new(16, 5, 1);
        assert_eq!(h.signature(""), None);
        let mut buf = vec![1, 2, 3];
        assert!(!h.signature_into("", &mut buf));
        assert!(buf.is_empty());
        assert_eq!(h.signature("   "), None);
        assert!(shingle_set("", 5).is_empty());
    }

    #[test]
    fn short_text_is_one_shingle_of_all_words() {
        assert_eq!(shingle_set("a b c", 5).len(), 1);
        assert_eq!(shingle_set("a b c", 5), shingle_set("a b c", 3));
        assert_ne!(shingle_set("a b c", 5), shingle_set("a b", 5));
        // Exactly `shingle` words: one shingle too; one more word: two.
        assert_eq!(shingle_set("a b c d e", 5).len(), 1);
        assert_eq!(shingle_set("a b c d e f", 5).len(), 2);
        // Word order matters inside a shingle, also for repeated words.
        assert_ne!(shingle_set("a b", 2), shingle_set("b a", 2));
        assert_ne!(shingle_set("a a b", 3), shingle_set("a b a", 3));
        assert_eq!(shingle_set("a b a b a b", 2).len(), 2);
        // Stray spaces do not make empty words.
        assert_eq!(shingle_set("a  b c", 2), shingle_set("a b c", 2));
    }

    #[test]
    fn signature_into_reuses_buffer_and_matches_signature() {
        let h = MinHasher::new(64, 3, 7);
        let mut buf = Vec::new();
        assert!(h.signature_into("one two three four", &mut buf));
        assert_eq!(Some(buf.clone()), h.signature("one two three four"));
        assert!(h.signature_into("five six", &mut buf));
        assert_eq!(Some(buf), h.signature("five six"));
    }

    /// A document signed passage by passage is signed as its joined text is, and each wanted
    /// passage signature is the passage's own: passages of every length around the shingle
    /// size (none, one word, fewer than `shingle`, exactly, many), shingle sizes from 1 up.
    #[test]
    fn passages_sign_the_joined_document() {
        let mut rng = Rng::new(17);
        let vocab = Vocab::new(&mut rng, 300);
        for k in [1, 2, 3, 5, 9, 40] {
            let h = MinHasher::new(64, k, 5);
            for _ in 0..60 {
                let passages: Vec<String> = (0..1 + rng.below(7))
                    .map(|_| {
                        let n = match rng.below(4) {
                            0 => rng.below(3),
                            1 => rng.below(k + 2),
                            _ => rng.below(3 * k + 300),
                        };
                        (0..n)
                            .map(|_| vocab.word(&mut rng))
                            .collect::<Vec<_>>()
                            .join(" ")
                    })
                    .collect();
                let mut doc = h.doc_signer();
                let mut out = vec![7];
                for (i, p) in passages.iter().enumerate() {
                    let want = i % 2 == 0;
                    let signed = h.passage_into(p, &mut out, &mut doc, want);
                    let own = h.signature(p);
                    assert_eq!(signed, want && own.is_some(), "k {k} {p:?}");
                    if signed {
                        assert_eq!(Some(&out), own.as_ref(), "k {k} {p:?}");
                    } else {
                        assert!(out.is_empty());
                    }
                }
                let joined: Vec<&str> = passages
                    .iter()
                    .filter(|p| !p.is_empty())
                    .map(String::as_str)
                    .collect();
                let joined = joined.join(" ");
                assert_eq!(
                    h.doc_signature(doc),
                    h.signature(&joined),
                    "k {k} {joined:?}"
                );
            }
        }
        // Hundreds of one-word passages: the windows across breaks outnumber a batch, and are
        // folded in batch by batch.
        let h = MinHasher::new(64, 5, 5);
        let words: Vec<&str> = (0..700).map(|_| vocab.word(&mut rng)).collect();
        let mut doc = h.doc_signer();
        let mut out = Vec::new();
        for w in &words {
            assert!(!h.passage_into(w, &mut out, &mut doc, false));
        }
        assert_eq!(h.doc_signature(doc), h.signature(&words.join(" ")));
    }

    /// Stored values (the low 16 bits) estimate as the full ones do, but for the rare chance
    /// agreement: near copies and unrelated documents alike, long ones included (whose minima
    /// are small numbers, so their high bits would all agree).
    #[test]
    fn stored_values_estimate_as_full_ones() {
        let mut rng = Rng::new(29);
        let vocab = Vocab::new(&mut rng, 20_000);
        let h = MinHasher::new(128, 5, 3);
        let (mut same, mut pairs) = (0, 0);
        for round in 0..60 {
            let a = vocab.document(&mut rng, 200 + 400 * (round % 5));
            let b = if round % 2 == 0 {
                mutate(&mut rng, &vocab, &a, 0.1)
            } else {
                vocab.document(&mut rng, 300)
            };
            let (fa, fb) = (h.signature(&a).unwrap(), h.signature(&b).unwrap());
            let (full, kept) = (
                estimate_jaccard(&fa, &fb),
                estimate_jaccard(&stored(&fa), &stored(&fb)),
            );
            // Chance agreements only add: at most a couple of positions.
            assert!(kept - full <= 2.0 / 128.0, "{full} {kept}");
            if round % 2 == 1 {
                assert!(kept < 0.1, "unrelated documents at {kept}");
            }
            same += usize::from(kept == full);
            pairs += 1;
        }
        assert!(same * 10 >= pairs * 9, "{same} of {pairs}");
    }

    #[test]
    fn signature_stability() {
        // Pinned once; a change means stored signatures are no longer comparable.
        let h = MinHasher::new(128, 5, 1_544_167_462);
        let sig = h
            .signature("the quick brown fox jumps over the lazy dog")
            .unwrap();
        assert_eq!(sig.len(), 128);
        assert_eq!(
            &sig[..6],
            &[
                268209375, 1312339976, 169263344, 806984860, 98052111, 845739011
            ],
            "{:?}",
            &sig[..6]
        );
        let sig = h.signature("ünïcode wörds ça va").unwrap();
        assert_eq!(
            &sig[..4],
            &[3938482248, 3562875213, 3854898582, 356377452],
            "{:?}",
            &sig[..4]
        );
    }

    #[test]
    fn longer_signature_extends_shorter() {
        let text = "alpha beta gamma delta epsilon zeta eta theta";
        let short = MinHasher::new(32, 3, 9).signature(text).unwrap();
        let long = MinHasher::new(128, 3, 9).signature(text).unwrap();
        assert_eq!(&long[..32], &short[..]);
        assert_ne!(MinHasher::new(32, 3, 10).signature(text).unwrap(), short);
    }

    #[test]
    fn kernels_agree() {
        let mut rng = Rng::new(3);
        let vocab = Vocab::new(&mut rng, 5000);
        // Long enough to cross several batches.
        let text = vocab.document(&mut rng, 2000);
        let h = MinHasher::new(128, 5, 11);
        let mut xs = Vec::new();
        for_each_shingle(&text, 5, |x| xs.push(x));
        let mut want = vec![u32::MAX; 128];
        update_portable(&mut want, &h.a, &h.b, &xs);
        assert_eq!(
            h.signature(&text).unwrap(),
            want,
            "detected kernel {:?}",
            h.kernel
        );
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut got = vec![u32::MAX; 128];
                // SAFETY: feature checked just above.
                unsafe { update_avx2(&mut got, &h.a, &h.b, &h.halves, &xs) };
                assert_eq!(got, want);
            }
            if Kernel::detect() == Kernel::Avx512 {
                let mut got = vec![u32::MAX; 128];
                // SAFETY: `detect` checked the features.
                unsafe { update_avx512(&mut got, &h.a, &h.b, &xs) };
                assert_eq!(got, want);
            }
        }
    }

    /// The AVX2 kernel's 32-bit split gives the 64-bit loop's integers for any parameters and
    /// shingle hashes (carries at the extremes included), and for signatures whose length is not
    /// a multiple of its 8-lane blocks.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_kernel_matches_the_plain_loop_on_any_input() {
        if !std::arch::is_x86_feature_detected!("avx2") {
            return;
        }
        let mut rng = SplitMix64(77);
        let edges = [
            0,
            1,
            u32::MAX as u64,
            1 << 32,
            u64::MAX,
            u64::MAX - 1,
            1 << 63,
        ];
        for n in [0, 1, 7, 8, 9, 16, 23, 128, 131] {
            let pick = |rng: &mut SplitMix64, k: usize| -> Vec<u64> {
                (0..k)
                    .map(|i| match rng.next_u64() % 4 {
                        0 => edges[i % edges.len()],
                        _ => rng.next_u64(),
                    })
                    .collect()
            };
            let (a, b) = (pick(&mut rng, n), pick(&mut rng, n));
            let xs = pick(&mut rng, 300);
            let halves = Halves::of(&a, &b);
            for start in [u32::MAX, 1 << 31, 0] {
                let mut want = vec![start; n];
                update_portable(&mut want, &a, &b, &xs);
                let mut got = vec![start; n];
                // SAFETY: feature checked above.
                unsafe { update_avx2(&mut got, &a, &b, &halves, &xs) };
                assert_eq!(got, want, "n {n}, start {start}");
            }
            // The minimum does move (the test would pass on a kernel that did nothing otherwise).
            let mut got = vec![u32::MAX; n];
            // SAFETY: as above.
            unsafe { update_avx2(&mut got, &a, &b, &halves, &xs) };
            assert!(n == 0 || got.iter().any(|&v| v < u32::MAX / 2));
        }
    }

    #[test]
    fn near_duplicate_document_is_similar_and_unrelated_is_not() {
        let mut rng = Rng::new(42);
        let vocab = Vocab::new(&mut rng, 5000);
        let doc = vocab.document(&mut rng, 400);
        // 1% of words replaced: each replacement changes up to 5 of the 396 shingles, so the
        // true Jaccard is about (396-20)/(396+20) = 0.90 (2% would give only ~0.82).
        let variant = mutate(&mut rng, &vocab, &doc, 0.01);
        let other = vocab.document(&mut rng, 400);
        let h = MinHasher::new(128, 5, 1_544_167_462);
        let (sd, sv, so) = (
            h.signature(&doc).unwrap(),
            h.signature(&variant).unwrap(),
            h.signature(&other).unwrap(),
        );
        let exact = exact_jaccard(&shingle_set(&doc, 5), &shingle_set(&variant, 5));
        let est = estimate_jaccard(&sd, &sv);
        assert!((0.85..1.0).contains(&exact), "exact {exact}");
        assert!(est >= 0.8, "estimated {est} (exact {exact})");
        assert!(estimate_jaccard(&sd, &so) < 0.1);
        assert!(exact_jaccard(&shingle_set(&doc, 5), &shingle_set(&other, 5)) < 0.01);
        assert_eq!(
            estimate_jaccard(&sd, &h.signature(&doc.clone()).unwrap()),
            1.0
        );
    }

    #[test]
    fn estimate_tracks_exact_jaccard() {
        let mut rng = Rng::new(7);
        let vocab = Vocab::new(&mut rng, 5000);
        let h = MinHasher::new(128, 5, 99);
        let mut total_err = 0.0;
        let mut seen = Vec::new();
        for i in 0..20 {
            let doc = vocab.document(&mut rng, 200 + 20 * i);
            // Substitution rates from 0 to ~0.3 give Jaccard similarities spread over 0..1.
            let rate = [0.0, 0.005, 0.01, 0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3][i % 10];
            let variant = mutate(&mut rng, &vocab, &doc, rate);
            let exact = exact_jaccard(&shingle_set(&doc, 5), &shingle_set(&variant, 5));
            let est =
                estimate_jaccard(&h.signature(&doc).unwrap(), &h.signature(&variant).unwrap());
            assert!(
                (est - exact).abs() <= 0.1,
                "pair {i}: exact {exact} estimated {est}"
            );
            total_err += (est - exact).abs();
            seen.push(exact);
        }
        // The pairs must really cover a range of overlaps, else the test proves little.
        assert!(seen.iter().any(|&j| j > 0.9) && seen.iter().any(|&j| j < 0.3));
        assert!(seen.iter().any(|&j| (0.3..0.7).contains(&j)));
        assert!(total_err / 20.0 < 0.05, "mean error {}", total_err / 20.0);
    }

    #[test]
    fn jaccard_edge_cases() {
        assert_eq!(exact_jaccard(&[], &[]), 1.0);
        assert_eq!(exact_jaccard(&[1], &[]), 0.0);
        assert_eq!(exact_jaccard(&[1, 2, 3], &[2, 3, 4]), 0.5);
        assert_eq!(estimate_jaccard(&[], &[1]), 0.0);
        assert_eq!(estimate_jaccard(&[1, 2, 3, 4], &[1, 2, 0, 4]), 0.75);
        assert_eq!(estimate_jaccard(&[1, 2], &[1, 2, 3]), 1.0);
    }

    /// The early stop never changes a value at or above the floor, and says "below" only when
    /// the full merge agrees. Sets of many sizes and overlaps, floors on both sides of each
    /// pair's value, and pairs exactly at a floor.
    #[test]
    fn bounded_jaccard_agrees_with_the_full_merge() {
        let mut rng = crate::fingerprint::testgen::Rng::new(3);
        let (mut early, mut exact_at_floor) = (0, 0);
        for round in 0..400 {
            let shared = rng.below(3000);
            let only_a = rng.below(1500);
            let only_b = if round % 3 == 0 { 0 } else { rng.below(1500) };
            let mut a: Vec<u64> = (0..shared).map(|k| k as u64 * 4).collect();
            let mut b = a.clone();
            a.extend((0..only_a).map(|k| k as u64 * 4 + 1));
            b.extend((0..only_b).map(|k| k as u64 * 4 + 2));
            // Interleave the private shingles with the shared ones, not after them.
            for v in a.iter_mut().chain(b.iter_mut()) {
                *v = v.wrapping_mul(0x2545_f491_4f6c_dd1d);
            }
            a.sort_unstable();
            b.sort_unstable();
            let full = exact_jaccard(&a, &b);
            // The merge counts what a set intersection counts.
            let set: std::collections::HashSet<u64> = a.iter().copied().collect();
            let inter = b.iter().filter(|x| set.contains(x)).count();
            let want = inter as f64 / ((a.len() + b.len()) as f64 - inter as f64);
            if !(a.is_empty() && b.is_empty()) {
                assert_eq!(full, want, "round {round}");
            }
            for floor in [0.0, 0.3, 0.5, 0.8, 0.95, full] {
                let got = exact_jaccard_from(&a, &b, floor);
                if full >= floor {
                    assert_eq!(got, full, "round {round} floor {floor}");
                    exact_at_floor += usize::from(floor == full);
                } else {
                    assert!(got < floor, "round {round}: {got} for {full} under {floor}");
                    early += usize::from(got != full);
                }
            }
        }
        // The test must reach both ways out: stopped early, and exactly at the floor.
        assert!(
            early > 100 && exact_at_floor >= 400,
            "{early} {exact_at_floor}"
        );
    }
    /// The bucketed sort agrees with `sort_unstable` on uniform hashes, on values crowded into
    /// one bucket or a few, with repeats, and at the sizes around where it takes over.
    #[test]
    fn hashes_sort_as_sort_unstable_does() {
        let mut rng = crate::fingerprint::testgen::Rng::new(9);
        for n in [0, 1, 2, 1023, 1024, 1025, 4096, 5000, 70_000, 2_000_000] {
            for spread in 0..4 {
                let v: Vec<u64> = (0..n)
                    .map(|_| match spread {
                        0 => rng.next_u64(),
                        1 => rng.next_u64() >> 40,
                        2 => rng.next_u64() % 7,
                        _ => rng.next_u64() | 0xffff_0000_0000_0000,
                    })
                    .collect();
                let mut want = v.clone();
                want.sort_unstable();
                let mut got = v;
                super::sort_hashes(&mut got);
                assert_eq!(got, want, "n {n} spread {spread}");
            }
        }
        // And through the shingle set, on a long text.
        let vocab = crate::fingerprint::testgen::Vocab::new(&mut rng, 500);
        let text: Vec<&str> = (0..20_000).map(|_| vocab.word(&mut rng)).collect();
        let text = text.join(" ");
        let mut want = Vec::new();
        super::for_each_shingle(&text, 5, |h| want.push(h));
        want.sort_unstable();
        want.dedup();
        assert!(want.len() > 10_000);
        assert_eq!(shingle_set(&text, 5), want);
    }

    #[test]
    fn from_settings_uses_settings() {
        let s = crate::config::FingerprintSettings::default();
        let h = MinHasher::from_settings(&s);
        assert_eq!((h.num_hashes(), h.shingle(), h.seed()), (128, 5, s.seed));
    }
}
