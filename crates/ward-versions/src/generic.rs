//! A generic ordering for vendor, appliance and operating-system versions.
//!
//! Used for NVD CPE ranges and ecosystems without a scheme of their own: `13.1-49.13` (NetScaler),
//! `10.0.19045` (Windows), `7.2.4` (FortiOS), `22.7R2.1` (Junos), `2023.0.6`.
//!
//! **Rule.** The string is cut into tokens: maximal runs of ASCII digits (numbers) and maximal runs of
//! letters (words); every other character is a separator and only ends a token, so `13.1-49.13` and
//! `13.1.49.13` are equal. Tokens are compared left to right:
//! - two numbers compare by value (`013` = `13`, any length);
//! - two words compare case-insensitively (`R` = `r`, `beta` < `rc`);
//! - a word sorts before a number at the same position (`1.0a` < `1.0.1`);
//! - running out of tokens sorts before any further token (`1.0` < `1.0.1`, `1.0` < `1.0a`).
//!
//! It is a total order (lexicographic over a totally ordered token alphabet with an end marker).

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Token {
    // Declaration order is the order between kinds: words before numbers.
    Word(Box<str>),
    Number(Digits),
}

/// A version under the generic vendor rule (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GenericVersion {
    // `Vec`'s lexicographic order puts a shorter prefix first: exactly "end sorts first".
    tokens: Vec<Token>,
}

impl GenericVersion {
    /// Parses a vendor version; fails only when the string has no digit and no letter.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let mut tokens = Vec::new();
        let mut chars = input.char_indices().peekable();
        while let Some((start, c)) = chars.next() {
            if c.is_ascii_digit() {
                let mut end = start + c.len_utf8();
                while let Some(&(i, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                    end = i + d.len_utf8();
                    chars.next();
                }
                tokens.push(Token::Number(Digits::new(&input[start..end])));
            } else if c.is_alphabetic() {
                let mut word: String = c.to_lowercase().collect();
                while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_alphabetic()) {
                    word.extend(d.to_lowercase());
                    chars.next();
                }
                tokens.push(Token::Word(word.into()));
            }
        }
        if tokens.is_empty() {
            return Err(VersionError::invalid(
                Scheme::Generic,
                input,
                "no digits or letters",
            ));
        }
        Ok(Self { tokens })
    }
}

/// Compares two vendor versions under the generic rule.
pub fn compare(a: &str, b: &str) -> Result<Ordering, VersionError> {
    Ok(GenericVersion::parse(a)?.cmp(&GenericVersion::parse(b)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        compare(a, b).unwrap()
    }

    #[test]
    fn vendor_versions() {
        let chain = ["13.1-49.13", "13.1-51.15", "14.1-4.42", "14.1-12.30"];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("10.0.19045", "10.0.9200"), Ordering::Greater);
        assert_eq!(cmp("22.7R2.1", "22.7R1.3"), Ordering::Greater);
        assert_eq!(cmp("22.7r2.1", "22.7R2.1"), Ordering::Equal);
        assert_eq!(cmp("22.7R2", "22.7.1"), Ordering::Less);
        assert_eq!(cmp("2023.0.6", "2023.0.10"), Ordering::Less);
        assert_eq!(cmp("7.2", "7.2.4"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0a"), Ordering::Less);
        assert_eq!(cmp("13.1-49.13", "13.1.49.13"), Ordering::Equal);
        assert!(GenericVersion::parse("-.-").is_err());
    }
}
