//! Assurance framework files into [`Framework`]: the WebCAF format and the CISO Assistant library
//! format, told apart by their content.
//!
//! A file whose structure is broken (an outcome filed under a principle it does not belong to, a
//! column other than the three, an indicator without text, no outcomes at all) is refused whole
//! with [`FeedError::Rejected`], which lists every problem with its YAML path; nothing of it should
//! be stored. Imperfections that leave the framework usable (a local id used twice, a repeated or
//! missing NCSC index) are kept and reported as problems of the returned [`Doc`], and the affected
//! indicators get the distinct, stable identifiers described in [`ward_core::assurance`].

mod ciso;
mod webcaf;

use std::collections::HashSet;

use serde_json::Value;
use ward_core::assurance::{Framework, FrameworkFormat, Level};

use crate::json::at;
use crate::limits::Limits;
use crate::problem::{Action, Ctx, Doc, FeedError, Problem};

/// Read a framework file. `version` names the framework version where the format does not carry it
/// (WebCAF files do not); without it the version is taken from the file name (`webcaf-caf-4.0.yaml`).
pub fn parse_framework(
    file: &str,
    text: &str,
    limits: &Limits,
    version: Option<&str>,
) -> Result<Doc<Framework>, FeedError> {
    let value = crate::yaml::to_pairs_with(file, text, limits)?;
    limits.check_deadline(file)?;
    let mut read = Reader::new(file);
    let top = read.mapping(&value, "").unwrap_or_default();
    let framework = match detect(&top) {
        Some(FrameworkFormat::Webcaf) => {
            let version = match version.map(str::to_owned).or_else(|| version_in_name(file)) {
                Some(v) => v,
                None => {
                    return Err(read.ctx.format_error(
                        "a WebCAF framework file",
                        "the WebCAF format does not say which version it is, and the file name does \
                         not either (such as webcaf-caf-4.0.yaml); name the version",
                    ));
                }
            };
            webcaf::read(&mut read, &top, &version)
        }
        Some(FrameworkFormat::CisoAssistant) => ciso::read(&mut read, &top, version),
        None => {
            return Err(read.ctx.format_error(
                "a framework file",
                "neither a WebCAF file (no `objectives`) nor a CISO Assistant library (no \
                 `objects.framework.requirement_nodes`)",
            ));
        }
    };
    limits.check_deadline(file)?;
    read.finish(framework)
}

/// Which format a framework file's top-level mapping is in.
fn detect(top: &[(&str, &Value)]) -> Option<FrameworkFormat> {
    if get(top, "objectives").is_some() {
        return Some(FrameworkFormat::Webcaf);
    }
    let objects = get(top, "objects").and_then(pairs_of)?;
    let framework = get(&objects, "framework").and_then(pairs_of)?;
    get(&framework, "requirement_nodes").map(|_| FrameworkFormat::CisoAssistant)
}

/// The last run of digits and dots in the file's name that holds a dot (`4.0` in
/// `frameworks/webcaf-caf-4.0.yaml`).
fn version_in_name(file: &str) -> Option<String> {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = name
        .strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name);
    stem.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .rfind(|t| t.contains('.') && t.chars().any(|c| c.is_ascii_digit()))
        .map(str::to_owned)
}

/// A mapping read as `[key, value]` pairs in document order (see `yaml::Maps::Pairs`).
fn pairs_of(v: &Value) -> Option<Vec<(&str, &Value)>> {
    let items = v.as_array()?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.as_array().map(Vec::as_slice) {
            Some([Value::String(k), v]) => out.push((k.as_str(), v)),
            _ => return None,
        }
    }
    Some(out)
}

/// The value of `key` (the last, if the key is repeated).
fn get<'v>(m: &[(&str, &'v Value)], key: &str) -> Option<&'v Value> {
    m.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// A scalar's text, trimmed; `None` when absent, null, empty or not a scalar.
fn text(m: &[(&str, &Value)], key: &str) -> Option<String> {
    match get(m, key)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Reads one framework file: collects the warnings (kept problems) and the structural errors that
/// refuse the file.
struct Reader {
    ctx: Ctx,
    errors: Vec<Problem>,
    ids: HashSet<String>,
}

impl Reader {
    fn new(file: &str) -> Self {
        Self {
            ctx: Ctx::new(file),
            errors: Vec::new(),
            ids: HashSet::new(),
        }
    }

    /// A structural problem: the file will be refused.
    fn error(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        if self.errors.len() < crate::limits::MAX_PROBLEMS {
            self.errors.push(Problem {
                file: self.ctx.file.clone(),
                path: path.into(),
                reason: reason.into(),
                action: Action::Skipped,
            });
        }
    }

    /// An imperfection that keeps the framework usable.
    fn warn(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.ctx.flag(path, reason);
    }

    /// `v` as a mapping, or an error at `path`.
    fn mapping<'v>(&mut self, v: &'v Value, path: &str) -> Option<Vec<(&'v str, &'v Value)>> {
        let m = pairs_of(v);
        if m.is_none() {
            let shown = if path.is_empty() { "/" } else { path };
            self.error(shown, "expected a mapping");
        }
        m
    }

    /// A mapping field that may be absent or empty (`{}`, null).
    fn opt_mapping<'v>(
        &mut self,
        m: &[(&'v str, &'v Value)],
        path: &str,
        key: &str,
    ) -> Vec<(&'v str, &'v Value)> {
        match get(m, key) {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => self.mapping(v, &at(path, key)).unwrap_or_default(),
        }
    }

    /// A required text field, or an error at its path.
    fn required(&mut self, m: &[(&str, &Value)], path: &str, key: &str, what: &str) -> String {
        text(m, key).unwrap_or_else(|| {
            self.error(at(path, key), format!("{what} has no {key}"));
            String::new()
        })
    }

    /// Claim an identifier for an indicator: `preferred` (its NCSC index or reference id) when no
    /// earlier indicator took it, otherwise `<fallback>#<local>`, then `#<position>` appended. The
    /// warning says which name it got and why.
    fn claim(
        &mut self,
        path: &str,
        preferred: Option<&str>,
        fallback: &str,
        local: &str,
        position: usize,
    ) -> String {
        if let Some(p) = preferred
            && self.ids.insert(p.to_owned())
        {
            return p.to_owned();
        }
        let base = match preferred {
            Some(p) => format!("{p}#{local}"),
            None => format!("{fallback}#{local}"),
        };
        let mut id = base.clone();
        let mut n = position;
        while !self.ids.insert(id.clone()) {
            // Taken too (local ids repeated): the position in its column, counting on if need be.
            id = format!("{base}#{n}");
            n += 1;
        }
        match preferred {
            Some(p) => self.warn(
                path,
                format!("identifier {p} is used by an earlier indicator; this one is known as {id}"),
            ),
            None => self.warn(path, format!("no identifier; this indicator is known as {id}")),
        }
        id
    }

    fn finish(self, framework: Framework) -> Result<Doc<Framework>, FeedError> {
        let mut errors = self.errors;
        if framework.outcomes().next().is_none() && errors.is_empty() {
            errors.push(Problem {
                file: self.ctx.file.clone(),
                path: "/".into(),
                reason: "the framework has no outcomes".into(),
                action: Action::Skipped,
            });
        }
        if !errors.is_empty() {
            return Err(FeedError::Rejected {
                file: self.ctx.file.clone(),
                problems: errors,
            });
        }
        Ok(self.ctx.finish_doc(framework))
    }
}

/// The column a WebCAF indicator map is under, from its key.
fn column(key: &str) -> Option<Level> {
    key.parse().ok()
}

#[cfg(test)]
mod tests;
