//! Packagist (Composer) versions.
//!
//! Composer normalises a version and then orders it with PHP's `version_compare`. This module does
//! the same in a documented, total form:
//! 1. Surrounding whitespace and one leading `v`/`V` are dropped; the text is lower-cased.
//! 2. Like Composer, a leading numeric release with fewer than four parts is padded with zeros to four
//!    (`1.2` → `1.2.0.0`), so `1.2` = `1.2.0`.
//! 3. Like PHP, the text is cut into tokens: digit runs (numbers) and letter runs; every other character
//!    separates. A letter run is ranked by its prefix: anything else < `dev` < `alpha`/`a` < `beta`/`b`
//!    < `rc` < `#` < `pl`/`p` (`patch` ranks as `p`, `abc` as `a`, as PHP does).
//! 4. Tokens compare in order: numbers by value; words by rank; a number ranks as `#`, so it sorts
//!    after `rc` and before `pl`. When one version runs out, the end ranks as `#` too but below any
//!    number (`1.0.0.0-rc1` < `1.0.0.0` < `1.0.0.0.1` < `1.0.0.0-p1`).
//!
//! Branch names (`dev-master`) parse, and sort by their words' ranks.

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

/// Word ranks, in PHP's search order (the first prefix that matches wins).
const FORMS: [(&str, u8); 9] = [
    ("dev", 1),
    ("alpha", 2),
    ("a", 2),
    ("beta", 3),
    ("b", 3),
    ("rc", 4),
    ("#", 5),
    ("pl", 6),
    ("p", 6),
];
const NUMBER_RANK: u8 = 5;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Number(Digits),
    Word(u8),
}

/// The position of a token in the total order: (rank, tie-break, number).
fn key(token: Option<&Token>) -> (u8, u8, Option<&Digits>) {
    match token {
        Some(Token::Word(rank)) => (*rank, 0, None),
        // The end ranks as `#` but below every number.
        None => (NUMBER_RANK, 1, None),
        Some(Token::Number(n)) => (NUMBER_RANK, 2, Some(n)),
    }
}

/// A Composer package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComposerVersion {
    tokens: Vec<Token>,
}

impl ComposerVersion {
    /// Parses a Composer version; fails only when it has no digit and no letter.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let trimmed = input.trim();
        let text = trimmed
            .strip_prefix(['v', 'V'])
            .unwrap_or(trimmed)
            .to_ascii_lowercase();
        let release_len = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(text.len());
        let release = &text[..release_len];
        let parts = release.split('.').filter(|p| !p.is_empty()).count();
        let padded = if parts > 0 && parts < 4 && !release.ends_with('.') {
            let mut padded = release.to_owned();
            padded.push_str(&".0".repeat(4 - parts));
            padded.push_str(&text[release_len..]);
            padded
        } else {
            text
        };
        let tokens = tokenise(&padded);
        if tokens.is_empty() {
            return Err(VersionError::invalid(
                Scheme::Packagist,
                input,
                "no digits or letters",
            ));
        }
        Ok(Self { tokens })
    }
}

fn tokenise(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        if bytes[i].is_ascii_digit() {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            tokens.push(Token::Number(Digits::new(&text[start..i])));
        } else if bytes[i].is_ascii_alphabetic() {
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            let word = &text[start..i];
            let rank = FORMS
                .iter()
                .find(|(form, _)| word.starts_with(form))
                .map_or(0, |(_, rank)| *rank);
            tokens.push(Token::Word(rank));
        } else {
            i += 1;
        }
    }
    tokens
}

impl Ord for ComposerVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let len = self.tokens.len().max(other.tokens.len());
        for i in 0..len {
            let ord = key(self.tokens.get(i)).cmp(&key(other.tokens.get(i)));
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for ComposerVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        ComposerVersion::parse(a)
            .unwrap()
            .cmp(&ComposerVersion::parse(b).unwrap())
    }

    #[test]
    fn composer_order() {
        let chain = [
            "1.0.0-dev",
            "1.0.0-alpha1",
            "1.0.0-beta2",
            "1.0.0-RC1",
            "1.0.0",
            "1.0.0-p1",
            "1.0.0.1",
            "1.0.1",
            "1.10.0",
            "v2.0",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(cmp("v1.2.3", "1.2.3.0"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-a1", "1.0.0-alpha1"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-patch1", "1.0.0-pl1"), Ordering::Equal);
        assert!(ComposerVersion::parse("...").is_err());
    }
}
