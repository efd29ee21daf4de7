//! Test-only generators: a seeded RNG, a synthetic vocabulary, documents drawn from it and
//! variants with a fraction of words substituted. Shared by fingerprint and dedup tests.

use super::hash::SplitMix64;

pub(crate) struct Rng(SplitMix64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(SplitMix64(seed))
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (n > 0); the modulo bias is irrelevant for tests.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// `n` pieces drawn uniformly from `pieces`, joined: random text over a chosen alphabet
    /// of letters, separators and tricky characters.
    pub(crate) fn concat(&mut self, pieces: &[&str], n: usize) -> String {
        (0..n).map(|_| pieces[self.below(pieces.len())]).collect()
    }
}

pub(crate) struct Vocab(Vec<String>);

impl Vocab {
    /// `n` distinct words of 2..=10 letters, a few with non-ASCII letters.
    pub(crate) fn new(rng: &mut Rng, n: usize) -> Vocab {
        const LETTERS: &[char] = &[
            'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q',
            'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'é', 'ü', 'ß', 'ø',
        ];
        let mut words = std::collections::BTreeSet::new();
        while words.len() < n {
            let len = 2 + rng.below(9);
            let w: String = (0..len)
                .map(|_| {
                    // Mostly ASCII, like real text.
                    let i = rng.below(LETTERS.len() * 8);
                    if i < 26 * 8 {
                        LETTERS[i % 26]
                    } else {
                        LETTERS[26 + i % 4]
                    }
                })
                .collect();
            words.insert(w);
        }
        Vocab(words.into_iter().collect())
    }

    pub(crate) fn word(&self, rng: &mut Rng) -> &str {
        &self.0[rng.below(self.0.len())]
    }

    /// `n` words drawn uniformly, space-separated (fingerprint text).
    pub(crate) fn document(&self, rng: &mut Rng, n: usize) -> String {
        let words: Vec<&str> = (0..n).map(|_| self.word(rng)).collect();
        words.join(" ")
    }
}

/// `doc` with `round(rate * words)` distinct word positions (at least one when `rate > 0`)
/// replaced by a different vocabulary word, so the amount of change is exact, not random.
pub(crate) fn mutate(rng: &mut Rng, vocab: &Vocab, doc: &str, rate: f64) -> String {
    let mut words: Vec<&str> = doc.split(' ').collect();
    let mut k = (rate * words.len() as f64).round() as usize;
    if rate > 0.0 {
        k = k.max(1);
    }
    let mut positions: Vec<usize> = (0..words.len()).collect();
    for j in 0..k.min(words.len()) {
        // Partial Fisher-Yates: positions[..k] become a uniform sample.
        let r = j + rng.below(words.len() - j);
        positions.swap(j, r);
        let i = positions[j];
        let old = words[i];
        while words[i] == old {
            words[i] = vocab.word(rng);
        }
    }
    words.join(" ")
}
