//! Maven versions, ordered by the rules of Maven's `ComparableVersion` as the POM reference's
//! "version order specification" documents them.
//!
//! - The version is lower-cased and cut into tokens at `.`, at `-`, and at every transition between
//!   digits and other characters (a transition counts as a `-`). An empty token (`1..2`, leading `.`)
//!   is the number `0`.
//! - A qualifier starts a new hyphen group even when written after a dot (`1.0.alpha1` =
//!   `1.0-alpha-1`, as Maven 3.9 does), so numbers and qualifiers never share a group position except
//!   at a group's start.
//! - `a1`, `b1`, `m1` (a single letter directly followed by a digit) mean `alpha`, `beta`, `milestone`;
//!   `cr` means `rc`; `ga`, `final` and `release` mean the empty qualifier.
//! - Trailing "null" tokens (`0` and the empty qualifier) are removed from the end of every hyphen
//!   group, and groups left empty disappear (`1.0` = `1`, `1-ga-1` = `1-1`).
//! - Groups nest: each hyphen group is a list that ends the group before it. Lists are compared item
//!   by item, padding the shorter with null: numbers by value; qualifiers `alpha` < `beta` <
//!   `milestone` < `rc` = `cr` < `snapshot` < `""` = `ga` = `final` = `release` < `sp` < any other
//!   qualifier (others alphabetically); across kinds, qualifier < nested list < number (so
//!   `1-alpha` < `1-1` < `1.1`). Against null a number counts as `0`, a qualifier as `""`, and a list
//!   by its own items against null.
//!
//! Numbers have no size limit and non-ASCII digits count as letters.

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

/// Known qualifiers in order; index 5 is the release (empty) qualifier.
const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_RANK: usize = 5;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Qualifier {
    rank: usize,
    /// The text, used only to order unknown qualifiers among themselves.
    text: Box<str>,
}

impl Qualifier {
    fn new(raw: &str, followed_by_digit: bool) -> Self {
        let expanded = match raw {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "cr" => "rc",
            "ga" | "final" | "release" => "",
            other => other,
        };
        match QUALIFIERS.iter().position(|q| *q == expanded) {
            Some(rank) => Self {
                rank,
                text: "".into(),
            },
            None => Self {
                rank: QUALIFIERS.len(),
                text: expanded.into(),
            },
        }
    }

    fn is_release(&self) -> bool {
        self.rank == RELEASE_RANK
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Number(Digits),
    Qualifier(Qualifier),
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Self::Number(n) => n.is_zero(),
            Self::Qualifier(q) => q.is_release(),
        }
    }
}

/// A Maven artifact version (see the module documentation for the rules).
#[derive(Debug, Clone)]
pub struct MavenVersion {
    /// Hyphen groups after normalisation; group 0 is the top-level list and may be empty.
    groups: Vec<Vec<Item>>,
}

impl MavenVersion {
    /// Parses a Maven version. Any non-empty string is a Maven version.
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let text = input.trim().to_lowercase();
        if text.is_empty() {
            return Err(VersionError::invalid(Scheme::Maven, input, "empty version"));
        }
        Ok(Self {
            groups: normalise(tokenise(&text)),
        })
    }
}

/// A token and whether it opens a new hyphen group.
type Token = (bool, Item);

fn tokenise(text: &str) -> Vec<Token> {
    let mut tokens: Vec<Token> = Vec::new();
    let mut hyphen = false; // separator before the current token
    let mut current = String::new();
    let mut in_digits = false;
    let push = |tokens: &mut Vec<Token>, hyphen: bool, run: &str, digits: bool, before_digit: bool| {
        if digits {
            tokens.push((hyphen, Item::Number(Digits::new(run))));
        } else {
            // Qualifiers always open a group (Maven 3.9 treats `.X` as `-X`).
            tokens.push((true, Item::Qualifier(Qualifier::new(run, before_digit))));
        }
    };
    for c in text.chars() {
        match c {
            '.' | '-' => {
                if current.is_empty() {
                    tokens.push((hyphen, Item::Number(Digits::new("0"))));
                } else {
                    push(&mut tokens, hyphen, &current, in_digits, false);
                    current.clear();
                }
                hyphen = c == '-';
            }
            '0'..='9' => {
                if !current.is_empty() && !in_digits {
                    push(&mut tokens, hyphen, &current, false, true);
                    current.clear();
                    hyphen = true;
                }
                in_digits = true;
                current.push(c);
            }
            _ => {
                if !current.is_empty() && in_digits {
                    push(&mut tokens, hyphen, &current, true, false);
                    current.clear();
                    hyphen = true;
                }
                in_digits = false;
                current.push(c);
            }
        }
    }
    if !current.is_empty() {
        push(&mut tokens, hyphen, &current, in_digits, false);
    }
    tokens
}

fn normalise(tokens: Vec<Token>) -> Vec<Vec<Item>> {
    let mut groups: Vec<Vec<Item>> = vec![Vec::new()];
    for (opens_group, item) in tokens {
        if opens_group {
            groups.push(Vec::new());
        }
        if let Some(group) = groups.last_mut() {
            group.push(item);
        }
    }
    for group in &mut groups {
        while group.last().is_some_and(Item::is_null) {
            group.pop();
        }
    }
    let mut kept = Vec::with_capacity(groups.len());
    for (index, group) in groups.into_iter().enumerate() {
        if index == 0 || !group.is_empty() {
            kept.push(group);
        }
    }
    kept
}

/// One element of a list: an item of the group, or the nested list holding the following groups.
#[derive(Clone, Copy)]
enum Element<'a> {
    Item(&'a Item),
    Nested(&'a [Vec<Item>]),
}

/// The elements of the list formed by `groups[0]` followed by the nested rest.
fn elements(groups: &[Vec<Item>]) -> impl Iterator<Item = Element<'_>> {
    let (first, rest) = match groups.split_first() {
        Some((first, rest)) => (first.as_slice(), rest),
        None => (&[][..], &[][..]),
    };
    first
        .iter()
        .map(Element::Item)
        .chain((!rest.is_empty()).then_some(Element::Nested(rest)))
}

fn compare_lists(a: &[Vec<Item>], b: &[Vec<Item>]) -> Ordering {
    let mut left = elements(a);
    let mut right = elements(b);
    loop {
        let ord = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (Some(x), None) => against_null(x),
            (None, Some(y)) => against_null(y).reverse(),
            (Some(x), Some(y)) => compare_elements(x, y),
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
}

fn against_null(element: Element<'_>) -> Ordering {
    match element {
        Element::Item(Item::Number(n)) => {
            if n.is_zero() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Element::Item(Item::Qualifier(q)) => q.rank.cmp(&RELEASE_RANK),
        Element::Nested(groups) => compare_lists(groups, &[]),
    }
}

fn compare_elements(x: Element<'_>, y: Element<'_>) -> Ordering {
    use Element::{Item as I, Nested as N};
    match (x, y) {
        (I(Item::Number(a)), I(Item::Number(b))) => a.cmp(b),
        (I(Item::Qualifier(a)), I(Item::Qualifier(b))) => a.cmp(b),
        (N(a), N(b)) => compare_lists(a, b),
        (I(Item::Number(_)), _) => Ordering::Greater,
        (_, I(Item::Number(_))) => Ordering::Less,
        (I(Item::Qualifier(_)), N(_)) => Ordering::Less,
        (N(_), I(Item::Qualifier(_))) => Ordering::Greater,
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare_lists(&self.groups, &other.groups)
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        MavenVersion::parse(a)
            .unwrap()
            .cmp(&MavenVersion::parse(b).unwrap())
    }

    #[test]
    fn qualifier_order() {
        let chain = [
            "1-alpha",
            "1-alpha-1",
            "1-alpha2",
            "1-beta",
            "1-milestone",
            "1-rc",
            "1-snapshot",
            "1",
            "1-sp",
            "1-zzz",
            "1-1",
            "1.1",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
    }

    #[test]
    fn equalities_from_the_specification() {
        for (a, b) in [
            ("1.0", "1"),
            ("1.0.0", "1"),
            ("1.ga", "1"),
            ("1-ga", "1"),
            ("1-0", "1"),
            ("1.final", "1"),
            ("1.0-rc1", "1-cr1"),
            ("1.foo", "1-foo"),
            ("1-a1", "1-alpha-1"),
            ("1-ga-1", "1-1"),
            ("1.0.RELEASE", "1"),
            ("1.0-Beta2", "1-b2"),
        ] {
            assert_eq!(cmp(a, b), Ordering::Equal, "{a} = {b}");
        }
    }

    #[test]
    fn orderings_from_the_specification() {
        for (a, b) in [
            ("1", "1.1"),
            ("1-snapshot", "1"),
            ("1-foo2", "1-foo10"),
            ("1-foo", "1-1"),
            ("1-1", "1.1"),
            ("1-ga", "1-sp"),
            ("1-ga.1", "1-sp.1"),
            ("1-sp-1", "1-ga-1"),
            ("1-a1", "1-ga"),
            ("2.0.0-M1", "2.0.0"),
            ("2.17.0", "2.17.1"),
            ("2.9.10.7", "2.9.10.8"),
            ("2.12.7.1", "2.13.0"),
            ("1.0-SNAPSHOT", "1.0"),
        ] {
            assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
        }
    }
}
