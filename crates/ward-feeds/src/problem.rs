//! What a parse returns: the items it could read, and the problems it met on the way.

use std::fmt;

/// The result of parsing one input: every item that could be read, and a problem for every entry that
/// was skipped or kept with a flag. One malformed entry never costs the rest of the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    /// The items read, in input order.
    pub items: Vec<T>,
    /// Problems met, in input order.
    pub problems: Vec<Problem>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            problems: Vec::new(),
        }
    }
}

impl<T> Parsed<T> {
    /// How many entries were skipped.
    pub fn skipped(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.action == Action::Skipped)
            .count()
    }

    /// How many problems were flagged on entries that were kept.
    pub fn flagged(&self) -> usize {
        self.problems.iter().filter(|p| p.action == Action::Kept).count()
    }

    /// Apply `f` to every item, keeping the problems.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Parsed<U> {
        Parsed {
            items: self.items.into_iter().map(f).collect(),
            problems: self.problems,
        }
    }

    /// Append another result's items and problems.
    pub fn extend(&mut self, other: Parsed<T>) {
        self.items.extend(other.items);
        self.problems.extend(other.problems);
    }
}

/// The result of parsing one document that yields one value (an SBOM, a CSAF advisory, a product's
/// release cycles): the value, and the problems met on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Doc<T> {
    /// What was read.
    pub value: T,
    /// Problems met, in input order.
    pub problems: Vec<Problem>,
}

impl<T> Doc<T> {
    /// How many entries were skipped.
    pub fn skipped(&self) -> usize {
        self.problems
            .iter()
            .filter(|p| p.action == Action::Skipped)
            .count()
    }

    /// How many problems were flagged on entries that were kept.
    pub fn flagged(&self) -> usize {
        self.problems.iter().filter(|p| p.action == Action::Kept).count()
    }
}

/// What happened to the entry a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// The entry (or the part of it named by the path) was left out.
    Skipped,
    /// The entry was kept; the problem is a flag for whoever uses it (an unknown ecosystem, a version
    /// that does not parse, an optional field of the wrong type that was dropped).
    Kept,
}

/// One problem in one input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file (or archive entry, `archive.zip!path/in/archive.json`) the problem is in.
    pub file: String,
    /// Where in the file: a JSON pointer (`/vulnerabilities/3/cve/id`) for JSON and YAML, `line N` for
    /// line-based formats, an element path for XML.
    pub path: String,
    /// What is wrong.
    pub reason: String,
    /// Whether the entry was skipped or kept.
    pub action: Action,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = match self.action {
            Action::Skipped => "skipped",
            Action::Kept => "kept",
        };
        write!(f, "{} {}: {} ({action})", self.file, self.path, self.reason)
    }
}

/// An input that cannot be read at all. Each variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {source}")]
    Read {
        /// The file.
        file: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not well-formed in its syntax (JSON, YAML, XML, CSV, gzip, zip).
    #[error("{file}: {at}: {reason}")]
    Syntax {
        /// The file.
        file: String,
        /// Where: `line L, column C`, or a JSON pointer.
        at: String,
        /// What is wrong.
        reason: String,
    },
    /// The file is well-formed but is not the format it was read as (no `vulnerabilities` array in a KEV
    /// file, a CycloneDX document without `bomFormat`, ...).
    #[error("{file}: not {expected}: {reason}")]
    Format {
        /// The file.
        file: String,
        /// The format it was read as.
        expected: &'static str,
        /// Why it is not that format.
        reason: String,
    },
    /// The input expands past a limit (decompressed bytes, YAML aliases, nodes, line length): refused
    /// before the memory was spent. See [`crate::limits`].
    #[error("{file}: refused: {reason} (limit on {limit})")]
    TooLarge {
        /// The file.
        file: String,
        /// Which limit: `expanded bytes`, `nodes`, `line length`.
        limit: &'static str,
        /// What was found.
        reason: String,
    },
    /// The file reads, but its structure is broken in ways that make it unusable (an outcome under
    /// the wrong principle, an unknown column, a statement without text): refused whole, with every
    /// problem and its path.
    #[error("{file}: refused, {} problem(s): {}", problems.len(), list(problems))]
    Rejected {
        /// The file.
        file: String,
        /// Every problem found, each with its path.
        problems: Vec<Problem>,
    },
    /// The caller's deadline passed while the file was being read; the work stopped.
    #[error("{file}: reading stopped: it took longer than the time allowed")]
    Deadline {
        /// The file.
        file: String,
    },
}

fn list(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.path, p.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Collects problems while one file is read.
#[derive(Debug)]
pub(crate) struct Ctx {
    pub file: String,
    pub problems: Vec<Problem>,
    /// Problems past [`crate::limits::MAX_PROBLEMS`], counted but not kept.
    dropped: u64,
}

impl Ctx {
    pub(crate) fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            problems: Vec::new(),
            dropped: 0,
        }
    }

    pub(crate) fn skip(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.push(path.into(), reason.into(), Action::Skipped);
    }

    pub(crate) fn flag(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.push(path.into(), reason.into(), Action::Kept);
    }

    fn push(&mut self, path: String, reason: String, action: Action) {
        if self.problems.len() >= crate::limits::MAX_PROBLEMS {
            self.dropped = self.dropped.saturating_add(1);
            return;
        }
        self.problems.push(Problem {
            file: self.file.clone(),
            path,
            reason,
            action,
        });
    }

    /// The value, or `None` with the problem flagged (for optional parts whose loss keeps the entry).
    pub(crate) fn keep<T>(&mut self, result: Result<T, crate::json::Bad>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(bad) => {
                self.flag(bad.path, format!("{}; ignored", bad.reason));
                None
            }
        }
    }

    /// The problems kept, with one more saying how many were left out past the limit.
    fn into_problems(mut self) -> Vec<Problem> {
        if self.dropped > 0 {
            self.problems.push(Problem {
                file: self.file.clone(),
                path: String::new(),
                reason: format!(
                    "... and {} more problems (only the first {} are listed)",
                    self.dropped,
                    crate::limits::MAX_PROBLEMS
                ),
                action: Action::Kept,
            });
        }
        self.problems
    }

    pub(crate) fn finish<T>(self, items: Vec<T>) -> Parsed<T> {
        Parsed {
            items,
            problems: self.into_problems(),
        }
    }

    pub(crate) fn finish_doc<T>(self, value: T) -> Doc<T> {
        Doc {
            value,
            problems: self.into_problems(),
        }
    }

    pub(crate) fn format_error(&self, expected: &'static str, reason: impl Into<String>) -> FeedError {
        FeedError::Format {
            file: self.file.clone(),
            expected,
            reason: reason.into(),
        }
    }
}
