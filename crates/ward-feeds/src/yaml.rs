//! YAML to a JSON value, keeping every plain scalar's text.
//!
//! YAML resolvers turn `fixed: 1.10` into the float 1.1, which would silently change a version. Here a
//! plain scalar becomes `null` (`null`, `Null`, `NULL`, `~`, empty) or a boolean (`true`/`false` in
//! the three YAML spellings) and otherwise stays a string with its exact text; quoted and block
//! scalars are always strings. The JSON readers then treat YAML and JSON documents alike.
//!
//! Only the first document of a stream is read. Aliases are expanded; nesting deeper than
//! [`MAX_DEPTH`] is refused, and the document's expanded size (nodes, and bytes of keys and scalars,
//! with every alias counted at the size of what it repeats BEFORE it is copied, and every anchored
//! value counted again for the copy kept of it) is counted against [`Limits`], so hostile input
//! cannot exhaust the stack or memory. The deadline of the limits is looked at as events are read.

use std::collections::HashMap;

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use crate::limits::{Budget, Limits};
use crate::problem::FeedError;

/// The deepest nesting accepted (the same limit `serde_json` applies).
pub(crate) const MAX_DEPTH: usize = 128;

/// The expanded size of a value: nodes, and bytes of keys and scalar text.
#[derive(Debug, Clone, Copy, Default)]
struct Size {
    nodes: usize,
    bytes: u64,
}

impl Size {
    fn add(&mut self, other: Size) {
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.bytes = self.bytes.saturating_add(other.bytes);
    }
}

enum Open {
    Seq(Vec<Value>, usize, Size),
    Map(Vec<(String, Value)>, Option<String>, usize, Size),
}

/// How a mapping becomes JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Maps {
    /// A JSON object; a repeated key keeps its last value.
    Objects,
    /// An array of `[key, value]` pairs in document order, repeated keys kept: for formats whose
    /// order carries meaning or whose repeated keys must be reported.
    Pairs,
}

/// Read the first YAML document of `text` into a JSON value, within the default [`Limits`].
pub(crate) fn to_json(file: &str, text: &str) -> Result<Value, FeedError> {
    to_json_with(file, text, &Limits::default())
}

/// Read the first YAML document of `text` into a JSON value, within `limits`.
pub(crate) fn to_json_with(file: &str, text: &str, limits: &Limits) -> Result<Value, FeedError> {
    convert(file, text, limits, Maps::Objects)
}

/// Read the first YAML document of `text` into a JSON value within `limits`, every mapping as
/// [`Maps::Pairs`].
pub(crate) fn to_pairs_with(file: &str, text: &str, limits: &Limits) -> Result<Value, FeedError> {
    convert(file, text, limits, Maps::Pairs)
}

fn convert(file: &str, text: &str, limits: &Limits, maps: Maps) -> Result<Value, FeedError> {
    let error = |line: usize, col: usize, reason: String| FeedError::Syntax {
        file: file.to_owned(),
        at: format!("line {line}, column {}", col + 1),
        reason,
    };
    let mut budget = Budget::new(file, limits);
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, (Value, Size)> = HashMap::new();
    loop {
        budget.step()?;
        let (event, mark) = parser
            .next_token()
            .map_err(|e| error(e.marker().line(), e.marker().col(), e.info().to_owned()))?;
        let (value, anchor, size) = match event {
            Event::StreamEnd => return Ok(Value::Null),
            Event::Nothing | Event::StreamStart | Event::DocumentStart | Event::DocumentEnd => continue,
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(error(
                        mark.line(),
                        mark.col(),
                        format!("nested deeper than {MAX_DEPTH}"),
                    ));
                }
                budget.spend(0, 1)?;
                let own = Size { nodes: 1, bytes: 0 };
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new(), anchor, own),
                    _ => Open::Map(Vec::new(), None, anchor, own),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(items, anchor, size)) => (Value::Array(items), anchor, size),
                Some(Open::Map(entries, _, anchor, size)) => (mapping(entries, maps), anchor, size),
                None => return Err(error(mark.line(), mark.col(), "unbalanced collection end".into())),
            },
            Event::Scalar(text, style, anchor, _) => {
                let size = Size {
                    nodes: 1,
                    bytes: text.len() as u64,
                };
                budget.spend(size.bytes, size.nodes)?;
                (scalar(text, style), anchor, size)
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some((v, size)) => {
                    // Counted at its expanded size before the copy is made.
                    budget.spend(size.bytes, size.nodes)?;
                    (v.clone(), 0, *size)
                }
                None => {
                    return Err(error(
                        mark.line(),
                        mark.col(),
                        "alias to an unknown anchor".into(),
                    ));
                }
            },
        };
        if anchor > 0 {
            // The copy kept for later aliases costs as much as the value.
            budget.spend(size.bytes, size.nodes)?;
            anchors.insert(anchor, (value.clone(), size));
        }
        match stack.last_mut() {
            None => return Ok(value),
            Some(Open::Seq(items, _, total)) => {
                total.add(size);
                items.push(value);
            }
            Some(Open::Map(map, key, _, total)) => {
                total.add(size);
                match key.take() {
                    None => match value {
                        Value::String(k) => *key = Some(k),
                        Value::Null => *key = Some(String::new()),
                        Value::Bool(b) => *key = Some(b.to_string()),
                        _ => {
                            return Err(error(
                                mark.line(),
                                mark.col(),
                                "mapping keys must be scalars".into(),
                            ));
                        }
                    },
                    Some(k) => map.push((k, value)),
                }
            }
        }
    }
}

fn mapping(entries: Vec<(String, Value)>, maps: Maps) -> Value {
    match maps {
        Maps::Objects => Value::Object(entries.into_iter().collect::<Map<String, Value>>()),
        Maps::Pairs => Value::Array(
            entries
                .into_iter()
                .map(|(k, v)| Value::Array(vec![Value::String(k), v]))
                .collect(),
        ),
    }
}

fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::String(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => Value::String(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_scalars_keep_their_text() {
        let v = to_json(
            "t.yaml",
            "a: 1.10\nb: '007'\nc: 0x1F\nd: ~\ne: true\nf: [1.0, x]\ng: 2024-01-02\n",
        )
        .unwrap();
        assert_eq!(v["a"], "1.10");
        assert_eq!(v["b"], "007");
        assert_eq!(v["c"], "0x1F");
        assert_eq!(v["d"], Value::Null);
        assert_eq!(v["e"], true);
        assert_eq!(v["f"][0], "1.0");
        assert_eq!(v["g"], "2024-01-02");
    }

    #[test]
    fn aliases_expand_and_bombs_are_refused() {
        let v = to_json("t.yaml", "a: &x [1, 2]\nb: *x\n").unwrap();
        assert_eq!(v["b"][1], "2");
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_owned()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let err = to_json("bomb.yaml", &bomb).unwrap_err();
        assert!(err.to_string().contains("expands"), "{err}");
    }

    #[test]
    fn pairs_keep_document_order_and_repeated_keys() {
        let v = to_pairs_with("t.yaml", "b: 1\na: {y: 2, x: 3}\nb: 4\n", &Limits::default()).unwrap();
        assert_eq!(
            v,
            serde_json::json!([["b", "1"], ["a", [["y", "2"], ["x", "3"]]], ["b", "4"]])
        );
        let v = to_json("t.yaml", "b: 1\nb: 4\n").unwrap();
        assert_eq!(v["b"], "4");
    }

    #[test]
    fn deep_nesting_and_syntax_errors_name_the_place() {
        let deep = "[".repeat(1000);
        let err = to_json("deep.yaml", &deep).unwrap_err();
        assert!(err.to_string().contains("deep.yaml"), "{err}");
        let err = to_json("bad.yaml", "a: [1, 2\nb: }").unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
    }
}
