//! Words for the generator: a small fast PRNG, a Zipfian vocabulary of pronounceable
//! pseudo-words mixed with real English function words, topic word pools, and sentences.
//!
//! Pseudo-words keep the corpus from compressing to nothing and from being separable by a
//! fixed word list, while the function words give it the shape of English text (stop-word
//! filters in the detectors see what they would see on real pages).

/// wyrand: tiny, fast and good enough for synthetic text; seeded per chunk and per story so
/// that output never depends on thread scheduling.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one named part of the output: the same (seed, tags) always give the
    /// same stream.
    pub fn for_key(seed: u64, tags: &[u64]) -> Rng {
        let mut h = splitmix(seed ^ 0x5c0u64);
        for &t in tags {
            h = splitmix(h ^ t.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        Rng(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0xa076_1d64_78bd_642f);
        let t = u128::from(self.0) * u128::from(self.0 ^ 0xe703_7ed1_a0b4_28db);
        ((t >> 64) as u64) ^ (t as u64)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    pub fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        lo + self.below(hi_inclusive - lo + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64) < p
    }

    pub fn pick_str(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

pub fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// English function words, roughly in frequency order (the Zipf table weights them so).
pub const FUNCTION_WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "is",
    "was",
    "for",
    "on",
    "it",
    "with",
    "as",
    "he",
    "his",
    "be",
    "at",
    "by",
    "had",
    "this",
    "have",
    "from",
    "not",
    "but",
    "are",
    "or",
    "they",
    "which",
    "one",
    "were",
    "an",
    "all",
    "she",
    "her",
    "would",
    "there",
    "their",
    "we",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "such",
    "like",
    "our",
    "over",
    "also",
    "did",
    "after",
    "most",
    "made",
    "many",
    "before",
    "must",
    "through",
    "back",
    "years",
    "where",
    "much",
    "your",
    "way",
    "well",
    "down",
    "should",
    "because",
    "each",
    "just",
    "those",
    "people",
    "how",
    "too",
    "little",
    "state",
    "good",
    "very",
    "make",
    "world",
    "still",
    "own",
    "see",
    "men",
    "work",
    "long",
    "get",
    "here",
    "between",
    "both",
    "life",
    "being",
    "under",
    "never",
    "day",
    "same",
    "another",
    "know",
    "while",
    "last",
    "might",
    "us",
    "great",
    "old",
    "year",
    "off",
    "come",
    "since",
    "against",
    "go",
    "came",
    "right",
    "used",
    "take",
    "three",
    "during",
    "without",
    "again",
    "home",
    "around",
    "however",
    "small",
    "found",
    "government",
    "last",
    "week",
    "officials",
    "according",
    "told",
    "reported",
];

const ONSETS: &[&str] = &[
    "b", "br", "c", "ch", "cl", "cr", "d", "dr", "f", "fl", "fr", "g", "gl", "gr", "h", "j", "k",
    "l", "m", "n", "p", "pl", "pr", "qu", "r", "s", "sc", "sh", "sk", "sl", "sm", "sn", "sp", "st",
    "str", "t", "th", "tr", "v", "w", "wh", "z", "", "", "",
];
const VOWELS: &[&str] = &[
    "a", "e", "i", "o", "u", "a", "e", "o", "ai", "ea", "ee", "ou", "oa", "ie", "au", "y",
];
const CODAS: &[&str] = &[
    "", "", "", "", "n", "r", "l", "s", "t", "m", "nd", "rt", "st", "ck", "ng", "nt", "sh", "x",
    "ld", "rn",
];

/// Vocabulary and samplers shared (read-only) by all generator threads.
pub struct Vocab {
    /// Pseudo-words, most frequent first.
    pub words: Vec<String>,
    /// Capitalized pseudo-words used as names of people, places and organizations.
    pub names: Vec<String>,
    /// Zipf table: a uniform index into it gives a word rank with Zipfian probability.
    zipf: Vec<u32>,
    function_zipf: Vec<u16>,
}

impl Vocab {
    pub fn new(seed: u64, size: usize) -> Vocab {
        let mut rng = Rng::for_key(seed, &[0x0076_6f63_6162]);
        let mut seen = std::collections::HashSet::new();
        // Names are words of their own, outside the Zipf table: a person's or place's name
        // should not double as a common word of the body text.
        let n_names = size / 8;
        let mut words = Vec::with_capacity(size + n_names);
        while words.len() < size + n_names {
            // Frequent words are short, rare words long, as in natural language.
            let rank_frac = words.len() as f64 / size as f64;
            let syllables = 1 + rng.below(if rank_frac < 0.05 { 2 } else { 3 });
            let mut w = String::new();
            for _ in 0..syllables {
                w.push_str(rng.pick_str(ONSETS));
                w.push_str(rng.pick_str(VOWELS));
                if rng.chance(0.35) {
                    w.push_str(rng.pick_str(CODAS));
                }
            }
            if w.len() < 3 || FUNCTION_WORDS.contains(&w.as_str()) || !seen.insert(w.clone()) {
                continue;
            }
            words.push(w);
        }
        let names = words
            .split_off(size)
            .into_iter()
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect())
                    .unwrap_or_default()
            })
            .collect();
        Vocab {
            zipf: zipf_table(size, 1.0, 1 << 20),
            function_zipf: zipf_table(FUNCTION_WORDS.len(), 0.9, 1 << 14)
                .into_iter()
                .map(|r| r as u16)
                .collect(),
            words,
            names,
        }
    }

    pub fn zipf_word(&self, rng: &mut Rng) -> &str {
        &self.words[self.zipf[rng.below(self.zipf.len())] as usize]
    }

    pub fn function_word(&self, rng: &mut Rng) -> &'static str {
        FUNCTION_WORDS[self.function_zipf[rng.below(self.function_zipf.len())] as usize]
    }

    pub fn name<'a>(&'a self, rng: &mut Rng) -> &'a str {
        &self.names[rng.below(self.names.len())]
    }
}

/// Inverse-CDF lookup table of a Zipf(s) distribution over `n` ranks.
fn zipf_table(n: usize, s: f64, len: usize) -> Vec<u32> {
    let weights: Vec<f64> = (1..=n).map(|r| 1.0 / (r as f64).powf(s)).collect();
    let total: f64 = weights.iter().sum();
    let mut table = Vec::with_capacity(len);
    let mut cum = 0.0;
    let mut rank = 0usize;
    for i in 0..len {
        let target = (i as f64 + 0.5) / len as f64 * total;
        while rank + 1 < n && cum + weights[rank] < target {
            cum += weights[rank];
            rank += 1;
        }
        table.push(rank as u32);
    }
    table
}

/// The words a story draws on: a topic's pool (shared by stories of that topic, so related
/// stories share vocabulary) and its named entities.
#[derive(Debug, Clone)]
pub struct Topic {
    pub words: Vec<u32>,
    pub names: Vec<u32>,
}

impl Topic {
    /// A topic word, skewed so that a few words dominate (as names and key terms do).
    pub fn word(&self, rng: &mut Rng) -> u32 {
        let k = rng.below(self.words.len()) + 1;
        let i = rng.below(k);
        self.words[i]
    }

    pub fn new(vocab: &Vocab, seed: u64, topic: u64) -> Topic {
        let mut rng = Rng::for_key(seed, &[0x0074_6f70_6963, topic]);
        // Topic words come from the middle and tail of the vocabulary: specific, not generic.
        let words = (0..160)
            .map(|_| (300 + rng.below(vocab.words.len() - 300)) as u32)
            .collect();
        let names = (0..24)
            .map(|_| rng.below(vocab.names.len()) as u32)
            .collect();
        Topic { words, names }
    }
}

pub fn push_capitalized(out: &mut String, w: &str) {
    let mut c = w.chars();
    if let Some(f) = c.next() {
        out.extend(f.to_uppercase());
        out.push_str(c.as_str());
    }
}

/// Writes one sentence of `n` words: function words, topic words, general words and names,
/// with commas, numbers, and an occasional quotation.
pub fn sentence(out: &mut String, vocab: &Vocab, topic: &Topic, rng: &mut Rng, n: usize) {
    let quoted = rng.chance(0.08);
    if quoted {
        out.push('“');
    }
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let r = rng.below(100);
        let w: &str = if r < 44 {
            vocab.function_word(rng)
        } else if r < 66 {
            &vocab.words[topic.word(rng) as usize]
        } else if r < 70 {
            out.push_str(&vocab.names[*rng.pick(&topic.names) as usize]);
            maybe_comma(out, rng, i, n);
            continue;
        } else if r < 72 {
            let num = rng.below(2000);
            push_num(out, num as u64);
            continue;
        } else {
            vocab.zipf_word(rng)
        };
        if i == 0 {
            push_capitalized(out, w);
        } else {
            out.push_str(w);
        }
        maybe_comma(out, rng, i, n);
    }
    if quoted {
        out.push_str(",” ");
        out.push_str(rng.pick_str(&["said", "says", "added", "told reporters"]));
        out.push(' ');
        out.push_str(&vocab.names[*rng.pick(&topic.names) as usize]);
        out.push('.');
    } else {
        let end = rng.below(100);
        out.push(if end < 93 {
            '.'
        } else if end < 97 {
            '?'
        } else {
            '!'
        });
    }
}

fn maybe_comma(out: &mut String, rng: &mut Rng, i: usize, n: usize) {
    if i + 2 < n && i > 1 && rng.chance(0.07) {
        out.push(',');
    }
}

/// A title: 4 to 11 words, title case or sentence case, no closing full stop.
pub fn title(out: &mut String, vocab: &Vocab, topic: &Topic, rng: &mut Rng, title_case: bool) {
    let n = rng.range(4, 11);
    for i in 0..n {
        if i > 0 {
            out.push(' ');
        }
        let r = rng.below(100);
        if r < 25 {
            out.push_str(&vocab.names[*rng.pick(&topic.names) as usize]);
        } else if r < 50 && i > 0 {
            out.push_str(vocab.function_word(rng));
        } else {
            let w = if r < 85 {
                &vocab.words[*rng.pick(&topic.words) as usize]
            } else {
                vocab.zipf_word(rng)
            };
            if title_case || i == 0 {
                push_capitalized(out, w);
            } else {
                out.push_str(w);
            }
        }
    }
    if rng.chance(0.08) {
        out.push('?');
    }
}

/// The decimal digits of `n`, written from the end of `buf`: no allocation, no formatter.
pub fn digits(n: u64, buf: &mut [u8; 20]) -> &str {
    // Only ASCII digits were written.
    std::str::from_utf8(digit_bytes(n, buf)).unwrap_or_default()
}

/// Two decimal digits for each value below 100.
const PAIRS: &[u8; 200] = b"0001020304050607080910111213141516171819\
    2021222324252627282930313233343536373839\
    4041424344454647484950515253545556575859\
    6061626364656667686970717273747576777879\
    8081828384858687888990919293949596979899";

/// [`digits`] as bytes, two digits per division: JSON records carry millions of numbers, and
/// the write phase formats them all.
fn digit_bytes(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    while n >= 100 {
        let d = (n % 100) as usize * 2;
        n /= 100;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[d..d + 2]);
    }
    if n >= 10 {
        let d = n as usize * 2;
        i -= 2;
        buf[i..i + 2].copy_from_slice(&PAIRS[d..d + 2]);
    } else {
        i -= 1;
        buf[i] = b'0' + n as u8;
    }
    &buf[i..]
}

/// Append `n` in decimal.
pub fn push_num(out: &mut String, n: u64) {
    out.push_str(digits(n, &mut [0; 20]));
}

/// [`push_num`] into bytes (JSON being written).
pub fn push_num_bytes(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(digit_bytes(n, &mut [0; 20]));
}

#[cfg(test)]
mod tests {
    #[test]
    fn digits_are_what_display_writes() {
        let mut ns = vec![0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 65_535, u64::MAX];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ns.push(x >> (x % 64));
        }
        for n in ns {
            let mut b = Vec::new();
            super::push_num_bytes(&mut b, n);
            assert_eq!(b, n.to_string().as_bytes());
            assert_eq!(super::digits(n, &mut [0; 20]), n.to_string());
        }
    }
}
