//! Search boxes: what a person typed, made into what Ward searches for.

/// What a person typed into a search box, without the quotes around it (`"log4j"`, `'log4j'`,
/// `“log4j”` all search for `log4j`) and without surrounding spaces; None when nothing is left.
/// Searches in Ward match a phrase as typed, so quotes add nothing but would otherwise match
/// nothing.
pub fn search_text(typed: &str) -> Option<String> {
    let t = typed
        .trim()
        .trim_start_matches(['"', '\'', '\u{201c}', '\u{2018}'])
        .trim_end_matches(['"', '\'', '\u{201d}', '\u{2019}'])
        .trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::search_text;

    #[test]
    fn quotes_and_spaces_around_a_search_are_dropped() {
        for typed in [
            "log4j",
            " log4j ",
            "\"log4j\"",
            "'log4j'",
            "\u{201c}log4j\u{201d}",
        ] {
            assert_eq!(search_text(typed).as_deref(), Some("log4j"), "{typed:?}");
        }
        assert_eq!(search_text("\"apache log4j\"").as_deref(), Some("apache log4j"));
        assert_eq!(search_text("\"\""), None);
        assert_eq!(search_text("   "), None);
    }
}
