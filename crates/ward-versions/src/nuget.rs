//! NuGet versions: SemVer 2.0 extended to four numeric parts, as `NuGetVersion` orders them.
//!
//! `Major[.Minor[.Patch[.Revision]]][-Label(.Label)*][+Metadata]`. Missing numeric parts are zero
//! (`1.0` = `1.0.0.0`); leading zeros are accepted (legacy packages) and ignored. A version without a
//! pre-release label is greater than one with labels; labels compare in order, numeric labels by value
//! and before alphanumeric ones, alphanumeric labels case-insensitively (`1.0.0-RC1` = `1.0.0-rc1`);
//! a longer label list wins when all shared labels are equal. Build metadata is ignored.

use std::cmp::Ordering;

use crate::digits::Digits;
use crate::{Scheme, VersionError};

#[derive(Debug, Clone, PartialEq, Eq)]
enum Label {
    Numeric(Digits),
    Text(Box<str>),
}

impl Ord for Label {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Numeric(a), Self::Numeric(b)) => a.cmp(b),
            (Self::Numeric(_), Self::Text(_)) => Ordering::Less,
            (Self::Text(_), Self::Numeric(_)) => Ordering::Greater,
            (Self::Text(a), Self::Text(b)) => a.cmp(b),
        }
    }
}

impl PartialOrd for Label {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A NuGet package version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NugetVersion {
    numbers: [Digits; 4],
    labels: Vec<Label>,
}

impl NugetVersion {
    /// Parses a NuGet version (1 to 4 numeric parts, optional labels and metadata).
    pub fn parse(input: &str) -> Result<Self, VersionError> {
        let err = |reason: &str| VersionError::invalid(Scheme::NuGet, input, reason);
        let text = input.trim();
        let text = text
            .split_once('+')
            .map_or(text, |(head, meta)| if meta.is_empty() { "" } else { head });
        if text.is_empty() {
            return Err(err("empty version or empty metadata"));
        }
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 4 {
            return Err(err("more than four numeric parts"));
        }
        let mut numbers: [Digits; 4] = std::array::from_fn(|_| Digits::new("0"));
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err("numeric parts must be digits"));
            }
            *slot = Digits::new(part);
        }
        let mut labels = Vec::new();
        if let Some(pre) = pre {
            for label in pre.split('.') {
                if label.is_empty() || !label.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-') {
                    return Err(err("pre-release labels must be non-empty [0-9A-Za-z-]"));
                }
                labels.push(if label.bytes().all(|c| c.is_ascii_digit()) {
                    Label::Numeric(Digits::new(label))
                } else {
                    Label::Text(label.to_ascii_lowercase().into())
                });
            }
        }
        Ok(Self { numbers, labels })
    }
}

impl Ord for NugetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.labels.cmp(&other.labels),
            }
        })
    }
}

impl PartialOrd for NugetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        NugetVersion::parse(a)
            .unwrap()
            .cmp(&NugetVersion::parse(b).unwrap())
    }

    #[test]
    fn nuget_order() {
        let chain = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-Beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "1.10.0",
        ];
        for pair in chain.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-RC1", "1.0.0-rc1"), Ordering::Equal);
        assert_eq!(cmp("01.02.03", "1.2.3"), Ordering::Equal);
        assert_eq!(cmp("1.0.0+abc", "1.0.0+def"), Ordering::Equal);
        assert!(NugetVersion::parse("1.2.3.4.5").is_err());
        assert!(NugetVersion::parse("1.0.0-").is_err());
        assert!(NugetVersion::parse("1.0.0+").is_err());
        assert!(NugetVersion::parse("1..0").is_err());
    }
}
