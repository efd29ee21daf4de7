//! Word helpers shared by the detectors: counting, and the content words that carry a line's
//! topic (lowercased, stop words and short words left out, a plural `s` taken off).

/// Number of whitespace-separated tokens that contain a letter or digit.
pub fn count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(|c| c.is_alphanumeric()))
        .count()
}

/// Common function words of English (the language the seeds and most scrapes are in) that say
/// nothing about a text's topic. Other languages simply get fewer words filtered.
const STOP: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "around",
    "because", "been", "before", "being", "below", "between", "both", "but", "can", "could", "did",
    "does", "doing", "down", "during", "each", "even", "ever", "every", "few", "for", "from",
    "further", "get", "gets", "got", "had", "has", "have", "having", "her", "here", "hers",
    "herself", "him", "himself", "his", "how", "into", "its", "itself", "just", "like", "made",
    "make", "many", "more", "most", "much", "must", "new", "not", "now", "off", "old", "once",
    "one", "only", "other", "our", "ours", "out", "over", "own", "said", "same", "say", "says",
    "see", "she", "should", "since", "some", "still", "such", "than", "that", "the", "their",
    "them", "then", "there", "these", "they", "this", "those", "though", "three", "through", "too",
    "two", "under", "until", "very", "was", "way", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "yet", "you", "your", "yours", "first",
    "last", "year", "years", "time", "day", "days", "week", "may", "might", "know", "don", "isn",
    "won", "can't", "it's", "i'm", "let", "why", "amid", "via", "top", "best", "back", "take",
    "takes", "want", "use", "used", "going", "things", "thing", "really",
];

fn is_stop(w: &str) -> bool {
    STOP.contains(&w)
}

/// Calls `f` with each content word of `text`, lowercased into a reused buffer.
pub fn for_each_content_word(text: &str, mut f: impl FnMut(&str)) {
    let mut buf = String::new();
    for raw in text.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’') {
        let w = raw.trim_matches(|c| c == '\'' || c == '’');
        // Possessives and contractions: "Russia's" speaks of Russia.
        let w = w
            .strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .unwrap_or(w);
        if w.chars().count() < 3 || w.chars().all(|c| c.is_numeric()) {
            continue;
        }
        buf.clear();
        buf.extend(w.chars().flat_map(char::to_lowercase));
        if is_stop(&buf) {
            continue;
        }
        // A crude plural fold; enough to match "missiles" with "missile".
        let stem = if buf.len() > 4 && buf.ends_with('s') && !buf.ends_with("ss") {
            &buf[..buf.len() - 1]
        } else {
            &buf[..]
        };
        f(stem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content(text: &str) -> Vec<String> {
        let mut v = Vec::new();
        for_each_content_word(text, |w| v.push(w.to_string()));
        v
    }

    #[test]
    fn counts_words_not_punctuation() {
        assert_eq!(count("Read more on the site →"), 5);
        assert_eq!(count("  -  "), 0);
    }

    #[test]
    fn content_words_fold_case_plurals_and_possessives() {
        assert_eq!(
            content("NATO's missiles and the Missile in 2021"),
            ["nato", "missile", "missile"]
        );
    }
}
