//! YAML to a JSON value, keeping every plain scalar's text.
//!
//! YAML resolvers turn `fixed: 1.10` into the float 1.1, which would silently change a version. Here a
//! plain scalar becomes `null` (`null`, `Null`, `NULL`, `~`, empty) or a boolean (`true`/`false` in
//! the three YAML spellings) and otherwise stays a string with its exact text; quoted and block
//! scalars are always strings. The JSON readers then treat YAML and JSON documents alike.
//!
//! Only the first document of a stream is read. Aliases are expanded; nesting deeper than
//! [`MAX_DEPTH`] and documents that expand beyond [`MAX_NODES`] nodes are refused, so hostile input
//! cannot exhaust the stack or memory.

use std::collections::HashMap;

use serde_json::{Map, Value};
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use crate::problem::FeedError;

/// The deepest nesting accepted (the same limit `serde_json` applies).
pub const MAX_DEPTH: usize = 128;
/// The most nodes a document may expand to (aliases counted at their expanded size).
pub const MAX_NODES: usize = 5_000_000;

enum Open {
    Seq(Vec<Value>, usize),
    Map(Map<String, Value>, Option<String>, usize),
}

/// Read the first YAML document of `text` into a JSON value.
pub(crate) fn to_json(file: &str, text: &str) -> Result<Value, FeedError> {
    let error = |line: usize, col: usize, reason: String| FeedError::Syntax {
        file: file.to_owned(),
        at: format!("line {line}, column {}", col + 1),
        reason,
    };
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: HashMap<usize, Value> = HashMap::new();
    let mut nodes: usize = 0;
    loop {
        let (event, mark) = parser
            .next_token()
            .map_err(|e| error(e.marker().line(), e.marker().col(), e.info().to_owned()))?;
        let (value, anchor) = match event {
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
                stack.push(match event {
                    Event::SequenceStart(..) => Open::Seq(Vec::new(), anchor),
                    _ => Open::Map(Map::new(), None, anchor),
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(items, anchor)) => (Value::Array(items), anchor),
                Some(Open::Map(map, _, anchor)) => (Value::Object(map), anchor),
                None => return Err(error(mark.line(), mark.col(), "unbalanced collection end".into())),
            },
            Event::Scalar(text, style, anchor, _) => (scalar(text, style), anchor),
            Event::Alias(id) => match anchors.get(&id) {
                Some(v) => {
                    nodes = nodes.saturating_add(size(v));
                    (v.clone(), 0)
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
        nodes = nodes.saturating_add(1);
        if nodes > MAX_NODES {
            return Err(error(
                mark.line(),
                mark.col(),
                format!("document expands to more than {MAX_NODES} nodes"),
            ));
        }
        if anchor > 0 {
            anchors.insert(anchor, value.clone());
        }
        match stack.last_mut() {
            None => return Ok(value),
            Some(Open::Seq(items, _)) => items.push(value),
            Some(Open::Map(map, key, _)) => match key.take() {
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
                Some(k) => {
                    map.insert(k, value);
                }
            },
        }
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

/// The number of nodes in a value, counted without recursion.
fn size(v: &Value) -> usize {
    let mut count = 0usize;
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        count = count.saturating_add(1);
        match v {
            Value::Array(items) => todo.extend(items.iter()),
            Value::Object(map) => todo.extend(map.values()),
            _ => {}
        }
    }
    count
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
    fn deep_nesting_and_syntax_errors_name_the_place() {
        let deep = "[".repeat(1000);
        let err = to_json("deep.yaml", &deep).unwrap_err();
        assert!(err.to_string().contains("deep.yaml"), "{err}");
        let err = to_json("bad.yaml", "a: [1, 2\nb: }").unwrap_err();
        assert!(err.to_string().contains("line"), "{err}");
    }
}
