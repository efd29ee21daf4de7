//! Lists of other stories pasted under (or into) an article: runs of short, title-like lines.
//!
//! - `related_list`: a run that follows a heading the rule packs call `related_header`
//!   ("Related Posts", "You may also like") goes whatever its topic.
//! - `headline_list`: any other run of at least `min_run` title-like lines goes when most of its
//!   lines are off-topic: few of their content words occur anywhere else in the document. A list
//!   that belongs to the article shares its vocabulary and stays; so does a document that is
//!   mostly short lines (a poem, a list), because there is too little else to judge it against.

use super::{Page, Verdict, rule, words};
use crate::config::HeadlineSettings;
use rustc_hash::FxHashMap as HashMap;

fn is_title_like(core: &str, n_words: usize, s: &HeadlineSettings) -> bool {
    if n_words < s.min_words || n_words > s.max_words {
        return false;
    }
    // Sentences end with a full stop; list items introducing more text end with : ; or ,.
    let last = core.trim_end().chars().last().unwrap_or(' ');
    !matches!(last, '.' | ':' | ';' | ',') || core.ends_with("...")
}

/// The distinct content words of a line, as hashes, sorted.
fn content_words(text: &str) -> Vec<u64> {
    let mut v = Vec::new();
    words::for_each_content_hash(text, |h| v.push(h));
    v.sort_unstable();
    v.dedup();
    v
}

/// `after_related[i]`: line `i` was claimed as a related-stories heading.
pub fn detect(
    page: &mut Page<'_>,
    s: &HeadlineSettings,
    after_related: &[bool],
    related: bool,
    headlines: bool,
) {
    // Runs of title-like open lines, bridging blank and already removed lines.
    let mut runs: Vec<(Vec<usize>, bool)> = Vec::new();
    let mut current: Vec<usize> = Vec::new();
    let mut current_related = false;
    let mut last_removed_related = false;
    for (i, line) in page.lines.iter().enumerate() {
        if line.is_blank() {
            continue;
        }
        if page.verdicts[i].is_some() {
            if after_related.get(i).copied().unwrap_or(false) {
                if !current.is_empty() {
                    runs.push((std::mem::take(&mut current), current_related));
                }
                last_removed_related = true;
                current_related = false;
            }
            continue;
        }
        if is_title_like(line.core, line.words, s) {
            if current.is_empty() {
                current_related = last_removed_related;
            }
            current.push(i);
        } else {
            if !current.is_empty() {
                runs.push((std::mem::take(&mut current), current_related));
            }
            last_removed_related = false;
        }
    }
    if !current.is_empty() {
        runs.push((current, current_related));
    }

    let mut vocabulary: Option<HashMap<u64, u32>> = None;
    let mut total_words: Option<u32> = None;
    for (run, after_heading) in runs {
        if after_heading && related {
            for &i in &run {
                page.claim(i, Verdict::remove(rule::RELATED_LIST));
            }
            continue;
        }
        if !headlines || run.len() < s.min_run.max(1) {
            continue;
        }
        let vocab = vocabulary.get_or_insert_with(|| {
            let mut v = HashMap::default();
            for i in page.open_lines() {
                for w in content_words(page.lines[i].text) {
                    *v.entry(w).or_insert(0) += 1;
                }
            }
            v
        });
        let run_sets: Vec<Vec<u64>> = run
            .iter()
            .map(|&i| content_words(page.lines[i].text))
            .collect();
        // The rest of the document: the vocabulary minus this run's own lines.
        let mut own: HashMap<u64, u32> = HashMap::default();
        for set in &run_sets {
            for &w in set {
                *own.entry(w).or_insert(0) += 1;
            }
        }
        let total: u32 = *total_words.get_or_insert_with(|| vocab.values().sum());
        let own_size: u32 = own
            .iter()
            .map(|(w, c)| (*c).min(vocab.get(w).copied().unwrap_or(0)))
            .sum();
        let rest_size = total - own_size.min(total);
        let run_size: usize = run_sets.iter().map(|s| s.len()).sum();
        // Too little text outside the run to say what the document is about.
        if rest_size < 20 || (rest_size as usize) < run_size {
            continue;
        }
        let in_rest =
            |w: &u64| vocab.get(w).copied().unwrap_or(0) > own.get(w).copied().unwrap_or(0);
        let mut judged = 0usize;
        let mut off_topic = 0usize;
        for set in &run_sets {
            if set.is_empty() {
                continue;
            }
            judged += 1;
            let shared = set.iter().filter(|w| in_rest(w)).count();
            if shared as f64 <= s.max_overlap * set.len() as f64 {
                off_topic += 1;
            }
        }
        if judged >= s.min_run && off_topic as f64 >= s.min_off_topic * judged as f64 {
            for &i in &run {
                page.claim(i, Verdict::remove(rule::HEADLINE_LIST));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::clean::test_support::*;

    const ARTICLE: &str = "Harbour authority approves new ferry terminal\n\
        The harbour authority on Monday approved plans for a new ferry terminal on the east quay, \
        ending two years of debate over the cost of the project and its effect on fishing boats.\n\
        The terminal will handle up to twelve ferry crossings a day and replace the old pier, \
        which engineers say is no longer safe for heavy vehicles.\n\
        Fishing crews had objected that the larger ferries would crowd the quay, but the authority \
        promised a separate berth for the fishing fleet and new moorings.\n";

    #[test]
    fn off_topic_headline_list_goes() {
        let src = format!(
            "{ARTICLE}-\n\
             Pop Star Reveals Wedding Plans In Surprise Interview -\n\
             Ten Recipes For A Quick Weeknight Dinner -\n\
             Football Club Signs Young Striker From Brazil -\n\
             Why Did The Tech Giant Drop Its Famous Slogan? -\n\
             Actor Opens Up About Life After Hollywood\n"
        );
        assert_eq!(kept(&src), ARTICLE);
        let rules: Vec<_> = removed(&src).into_iter().map(|(r, _)| r).collect();
        assert_eq!(rules[0], "separator");
        assert!(rules[1..].iter().all(|r| r == "headline_list"), "{rules:?}");
    }

    #[test]
    fn on_topic_list_stays() {
        let src = format!(
            "{ARTICLE}The plans include:\n\
             A new ferry berth on the east quay\n\
             Separate moorings for the fishing fleet\n\
             Replacing the old pier for heavy vehicles\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn short_lists_and_one_line_paragraphs_stay() {
        let src = format!(
            "{ARTICLE}Eggs, flour and milk\n\
             Salt to taste\n\
             The vote is expected next week.\n"
        );
        assert_eq!(kept(&src), src);
    }

    #[test]
    fn a_document_of_short_lines_is_not_judged_against_nothing() {
        let src =
            "The sea at night\nA lamp above the door\nWind in the cold pines\nMy father's coat\n";
        assert_eq!(kept(src), src);
    }

    #[test]
    fn list_after_related_heading_goes_even_on_topic() {
        let src = format!(
            "{ARTICLE}Related Articles\n\
             Harbour authority delays ferry terminal vote\n\
             Fishing crews protest at the east quay\n"
        );
        assert_eq!(kept(&src), ARTICLE);
        let rules: Vec<_> = removed(&src).into_iter().map(|(r, _)| r).collect();
        assert_eq!(rules, ["related_header", "related_list", "related_list"]);
    }
}
