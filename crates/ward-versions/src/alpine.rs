//! Alpine (apk) package versions, also used for Wolfi, Chainguard and MinimOS.
//!
//! Grammar: `number(.number)*[letter](_suffix[number])*[-rN]`, with lower-case letters and the suffixes
//! `_alpha` < `_beta` < `_pre` < `_rc` (pre-releases, before the plain version) and `_cvs` < `_svn` <
//! `_git` < `_hg` < `_p` (post-releases, after it); `-rN` is the package revision.
//!
//! The string is read as apk-tools reads it, as a stream of tokens whose kind depends on what precedes
//! them: numbers, a letter, suffixes, suffix numbers, the revision number, the end. A dotted component
//! that starts with `0` is read as apk does: its leading zeros form one token worth minus their count
//! (so `1.05` < `1.1`, `1.005` < `1.05`), followed by the remaining digits. Tokens are compared in order:
//! same kind by value; different kinds by `pre-release suffix` < `end` < `revision` < `suffix number`
//! < `post-release suffix` < `letter` < `number` (so `1.2_rc1` < `1.2` < `1.2-r1` < `1.2_p1` < `1.2a`
//! < `1.2.1`). This is a total order; it differs from apk-tools 2 only where apk-tools 2 is itself
//! inconsistent (it treats `1_p` as equal to `1` but `1_cvs` as smaller than `1_p`).

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

const PRE_SUFFIXES: [&str; 4] = ["alpha", "beta", "pre", "rc"];
const POST_SUFFIXES: [&str; 5] = ["cvs", "svn", "git", "hg", "p"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A dotted component after the first (leading zeros are special).
    DigitOrZero,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    Revision,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    /// A run of `n` leading zeros, worth `-n`.
    Zeros(std::cmp::Reverse<usize>),
    Number(Digits),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Number(Kind, Value),
    Letter(u8),
    /// Index into `PRE_SUFFIXES` (negative offset) or `POST_SUFFIXES`: `-4..=-1` and `0..=4`.
    Suffix(i8),
    End,
}

impl Token {
    /// Sort key of the token's kind; equal keys compare by value.
    fn class(&self) -> u8 {
        match self {
            Self::Suffix(v) if *v < 0 => 0,
            Self::End => 1,
            Self::Number(Kind::Revision, _) => 2,
            Self::Number(Kind::SuffixNumber, _) => 3,
            Self::Suffix(_) => 4,
            Self::Letter(_) => 5,
            Self::Number(Kind::DigitOrZero, _) => 7,
            Self::Number(..) => 6,
        }
    }
}

impl Ord for Token {
    fn cmp(&self, other: &Self) -> Ordering {
        self.class()
            .cmp(&other.class())
            .then_with(|| match (self, other) {
                (Self::Number(_, a), Self::Number(_, b)) => a.cmp(b),
                (Self::Letter(a), Self::Letter(b)) => a.cmp(b),
                (Self::Suffix(a), Self::Suffix(b)) => a.cmp(b),
                _ => Ordering::Equal,
            })
    }
}

impl PartialOrd for Token {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// An Alpine package version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApkVersion {
    tokens: Vec<Token>,
}

impl ApkVersion {
    /// Parses an apk version.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: String| VersionError::invalid(Scheme::Alpine, input, reason);
        let s = input.trim().as_bytes();
        if s.is_empty() || !s[0].is_ascii_digit() {
            return Err(err("must start with a digit".into()));
        }
        let mut tokens = Vec::new();
        let mut kind = Kind::Digit;
        let mut i = 0;
        let mut after_zeros = false;
        loop {
            let start = i;
            let (token, next) = match kind {
                Kind::End => {
                    tokens.push(Token::End);
                    return Ok(Self { tokens });
                }
                Kind::DigitOrZero if s.get(i) == Some(&b'0') => {
                    while s.get(i) == Some(&b'0') {
                        i += 1;
                    }
                    (
                        Token::Number(kind, Value::Zeros(std::cmp::Reverse(i - start))),
                        Some(Kind::Digit),
                    )
                }
                Kind::DigitOrZero | Kind::Digit | Kind::SuffixNumber | Kind::Revision => {
                    while s.get(i).is_some_and(u8::is_ascii_digit) {
                        i += 1;
                    }
                    if i == start && !after_zeros {
                        return Err(err(format!("expected digits at byte {i}")));
                    }
                    let run = std::str::from_utf8(&s[start..i]).unwrap_or("");
                    (Token::Number(kind, Value::Number(Digits::new(run))), None)
                }
                Kind::Letter => {
                    i += 1;
                    (Token::Letter(s[start]), None)
                }
                Kind::Suffix => {
                    let rest = &s[i..];
                    let pre = PRE_SUFFIXES.iter().position(|p| rest.starts_with(p.as_bytes()));
                    let post = POST_SUFFIXES.iter().position(|p| rest.starts_with(p.as_bytes()));
                    let (value, len) = match (pre, post) {
                        (Some(p), _) => (p as i8 - PRE_SUFFIXES.len() as i8, PRE_SUFFIXES[p].len()),
                        (None, Some(p)) => (p as i8, POST_SUFFIXES[p].len()),
                        (None, None) => return Err(err(format!("unknown suffix at byte {i}"))),
                    };
                    i += len;
                    (Token::Suffix(value), None)
                }
            };
            after_zeros = next.is_some();
            tokens.push(token);
            kind = if i >= s.len() {
                Kind::End
            } else if let Some(next) = next {
                next
            } else {
                next_kind(kind, s, &mut i).ok_or_else(|| err(format!("unexpected character at byte {i}")))?
            };
        }
    }
}

/// What the character at `i` starts, given the kind of the token just read (apk's `next_token`).
fn next_kind(previous: Kind, s: &[u8], i: &mut usize) -> Option<Kind> {
    let c = s[*i];
    let next = if matches!(previous, Kind::Digit | Kind::DigitOrZero) && c.is_ascii_lowercase() {
        Kind::Letter
    } else if previous == Kind::Letter && c.is_ascii_digit() {
        Kind::Digit
    } else if previous == Kind::Suffix && c.is_ascii_digit() {
        Kind::SuffixNumber
    } else {
        let kind = match c {
            b'.' => Kind::DigitOrZero,
            b'_' => Kind::Suffix,
            b'-' if s.get(*i + 1) == Some(&b'r') => {
                *i += 1;
                Kind::Revision
            }
            _ => return None,
        };
        *i += 1;
        kind
    };
    // Kinds only move forward, except `.` after a number, `_` after a suffix number and a digit
    // after a letter.
    let allowed = rank(next) >= rank(previous)
        || matches!(
            (next, previous),
            (Kind::DigitOrZero, Kind::Digit)
                | (Kind::Suffix, Kind::SuffixNumber)
                | (Kind::Digit, Kind::Letter)
        );
    allowed.then_some(next)
}

fn rank(kind: Kind) -> u8 {
    match kind {
        Kind::DigitOrZero => 0,
        Kind::Digit => 1,
        Kind::Letter => 2,
        Kind::Suffix => 3,
        Kind::SuffixNumber => 4,
        Kind::Revision => 5,
        Kind::End => 6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        ApkVersion::parse(a).unwrap().cmp(&ApkVersion::parse(b).unwrap())
    }

    #[test]
    fn apk_order() {
        let chain = [
            "1.2_alpha",
            "1.2_alpha1",
            "1.2_beta2",
            "1.2_pre1",
            "1.2_rc1",
            "1.2",
            "1.2-r1",
            "1.2-r10",
            "1.2_cvs",
            "1.2_git20230101",
            "1.2_p1",
            "1.2_p2-r3",
            "1.2a",
            "1.2b",
            "1.2.1",
            "1.10",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.05", "1.1"), Ordering::Less);
        assert_eq!(cmp("1.005", "1.05"), Ordering::Less);
        assert_eq!(cmp("3.0.8-r0", "3.0.8-r0"), Ordering::Equal);
        assert_eq!(cmp("1.2.3_rc1-r0", "1.2.3-r0"), Ordering::Less);
        for bad in [
            "", "a1", "1.2_foo", "1.2-1", "1.2A", "1..2", "1.2a.3", "1.2-r", "1.2_",
        ] {
            assert!(ApkVersion::parse(bad).is_err(), "{bad:?}");
        }
    }
}
