//! Arbitrary-length decimal numbers, compared by value without overflow.

use std::cmp::Ordering;

/// A run of ASCII digits with its leading zeros removed, ordered by numeric value.
///
/// Versions in the wild carry numbers longer than `u64` (timestamps glued together, build numbers),
/// so numbers are kept as text: a longer run of significant digits is the larger number, and runs of
/// equal length compare digit by digit.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Digits(Box<str>);

impl Digits {
    /// Builds a number from a run of ASCII digits (the caller guarantees the run holds only digits).
    pub(crate) fn new(run: &str) -> Self {
        Self(run.trim_start_matches('0').into())
    }

    /// Whether the number is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Digits {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.as_bytes().cmp(other.0.as_bytes()))
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares two runs of ASCII digits by numeric value (leading zeros ignored), without allocating.
pub(crate) fn cmp_digit_runs(a: &[u8], b: &[u8]) -> Ordering {
    let a = strip_zeros(a);
    let b = strip_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn strip_zeros(run: &[u8]) -> &[u8] {
    let start = run.iter().position(|&c| c != b'0').unwrap_or(run.len());
    &run[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value() {
        assert!(Digits::new("10") > Digits::new("9"));
        assert_eq!(Digits::new("007"), Digits::new("7"));
        assert!(Digits::new("0").is_zero());
        assert!(Digits::new("123456789012345678901234567890") > Digits::new("99999999999999999999"));
        assert_eq!(cmp_digit_runs(b"0010", b"10"), Ordering::Equal);
        assert_eq!(cmp_digit_runs(b"2", b"10"), Ordering::Less);
    }
}
