//! Reading JSON values field by field, with JSON-pointer paths in every error.

use serde_json::{Map, Value};

use crate::limits::Limits;
use crate::problem::FeedError;

/// A field that is missing or of the wrong type, at `path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bad {
    pub path: String,
    pub reason: String,
}

impl Bad {
    pub(crate) fn new(path: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            reason: reason.into(),
        }
    }
}

/// The JSON pointer of `key` under `path` (`~` and `/` escaped as RFC 6901 says).
pub(crate) fn at(path: &str, key: impl std::fmt::Display) -> String {
    let key = key.to_string().replace('~', "~0").replace('/', "~1");
    format!("{path}/{key}")
}

/// The name of a JSON value's type, for error messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Parse a whole document; a syntax error names the file, line and column.
pub(crate) fn parse_document(file: &str, text: &str) -> Result<Value, FeedError> {
    parse_bytes(file, text.as_bytes())
}

/// Parse a whole document from bytes (UTF-8, with or without a byte-order mark), within the default
/// [`Limits`].
pub(crate) fn parse_bytes(file: &str, bytes: &[u8]) -> Result<Value, FeedError> {
    parse_bytes_with(file, bytes, &Limits::default())
}

/// Parse a whole document from bytes within `limits`. JSON has no aliases, so the text bounds the
/// bytes; what it does not bound is the overhead of many tiny values (`[[],[],...]` costs some
/// tens of bytes per input byte), so the nodes are counted first, without parsing, and a document
/// with more than `limits.max_nodes` is refused before memory is spent on it.
pub(crate) fn parse_bytes_with(file: &str, bytes: &[u8], limits: &Limits) -> Result<Value, FeedError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    limits.check_deadline(file)?;
    if nodes_at_most(bytes) > limits.max_nodes {
        return Err(limits.too_many_nodes(file, "the document holds"));
    }
    let value = serde_json::from_slice(bytes).map_err(|e| FeedError::Syntax {
        file: file.to_owned(),
        at: format!("line {}, column {}", e.line(), e.column()),
        reason: e.to_string(),
    })?;
    limits.check_deadline(file)?;
    Ok(value)
}

/// An upper bound on the number of values (and keys) in a JSON text: one, plus one per `[`, `{`,
/// `,` and `:` outside strings.
fn nodes_at_most(bytes: &[u8]) -> usize {
    let mut nodes = 1usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
        } else {
            match b {
                b'"' => in_string = true,
                b'[' | b'{' | b',' | b':' => nodes = nodes.saturating_add(1),
                _ => {}
            }
        }
    }
    nodes
}

pub(crate) fn object<'v>(v: &'v Value, path: &str) -> Result<&'v Map<String, Value>, Bad> {
    v.as_object()
        .ok_or_else(|| Bad::new(path, format!("expected an object, found {}", kind(v))))
}

/// A field that must be a non-empty string.
pub(crate) fn req_str(m: &Map<String, Value>, path: &str, key: &str) -> Result<String, Bad> {
    match m.get(key) {
        None | Some(Value::Null) => Err(Bad::new(at(path, key), "missing")),
        Some(Value::String(s)) if s.trim().is_empty() => Err(Bad::new(at(path, key), "empty")),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(other) => Err(Bad::new(
            at(path, key),
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

/// An optional string field; absent, `null` and empty are `None`.
pub(crate) fn opt_str(m: &Map<String, Value>, path: &str, key: &str) -> Result<Option<String>, Bad> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(Bad::new(
            at(path, key),
            format!("expected a string, found {}", kind(other)),
        )),
    }
}

/// An optional array field; absent and `null` are empty.
pub(crate) fn opt_arr<'v>(m: &'v Map<String, Value>, path: &str, key: &str) -> Result<&'v [Value], Bad> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(Bad::new(
            at(path, key),
            format!("expected an array, found {}", kind(other)),
        )),
    }
}

/// An optional object field.
pub(crate) fn opt_obj<'v>(
    m: &'v Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<Option<&'v Map<String, Value>>, Bad> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(Bad::new(
            at(path, key),
            format!("expected an object, found {}", kind(other)),
        )),
    }
}

/// An optional array of strings; any non-string element is an error naming it.
pub(crate) fn str_list(m: &Map<String, Value>, path: &str, key: &str) -> Result<Vec<String>, Bad> {
    let base = at(path, key);
    let mut out = Vec::new();
    for (i, item) in opt_arr(m, path, key)?.iter().enumerate() {
        match item {
            Value::String(s) => out.push(s.clone()),
            other => {
                return Err(Bad::new(
                    at(&base, i),
                    format!("expected a string, found {}", kind(other)),
                ));
            }
        }
    }
    Ok(out)
}

/// An optional number (or numeric string) field.
pub(crate) fn opt_f64(m: &Map<String, Value>, path: &str, key: &str) -> Result<Option<f64>, Bad> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| Bad::new(at(path, key), format!("'{}' is not a number", clip(s)))),
        Some(other) => Err(Bad::new(
            at(path, key),
            format!("expected a number, found {}", kind(other)),
        )),
    }
}

/// An optional boolean field.
pub(crate) fn opt_bool(m: &Map<String, Value>, path: &str, key: &str) -> Result<Option<bool>, Bad> {
    match m.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(Bad::new(
            at(path, key),
            format!("expected a boolean, found {}", kind(other)),
        )),
    }
}

/// A value shortened for an error message.
pub(crate) fn clip(text: &str) -> String {
    const MAX: usize = 80;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut s: String = text.chars().take(MAX).collect();
        s.push('…');
        s
    }
}
