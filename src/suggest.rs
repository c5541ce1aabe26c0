//! "Did you mean": the closest known name to something the user typed.

/// Returns the candidate closest to `typed`, if it is close enough to be a likely typo.
///
/// Works for ASCII keys (`progres` → `progress`) and for Chinese names (`水力厅` →
/// `水利厅`), comparing characters rather than bytes.
pub fn did_you_mean<'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    closest(typed, candidates, 1).into_iter().next()
}

/// Returns up to `n` candidates close to `typed`, best first.
pub fn closest<'a>(
    typed: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let typed_lower = typed.to_lowercase();
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let c_lower = c.to_lowercase();
            let distance = strsim::levenshtein(&typed_lower, &c_lower) as f64;
            let longest = typed_lower
                .chars()
                .count()
                .max(c_lower.chars().count())
                .max(1) as f64;
            let similarity = 1.0 - distance / longest;
            let contains = c_lower.contains(&typed_lower) || typed_lower.contains(&c_lower);
            let score = if contains && !typed_lower.is_empty() {
                similarity.max(0.7)
            } else {
                similarity
            };
            (score >= 0.5).then_some((score, c))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_ascii_typos() {
        let keys = ["unit", "year", "progress", "problems"];
        assert_eq!(did_you_mean("progres", keys), Some("progress"));
        assert_eq!(did_you_mean("yaer", keys), Some("year"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }

    #[test]
    fn finds_chinese_typos_and_partial_names() {
        let names = ["水利厅", "自然资源厅", "生态环境厅"];
        assert_eq!(did_you_mean("水力厅", names), Some("水利厅"));
        assert_eq!(did_you_mean("自然资源", names), Some("自然资源厅"));
    }
}
