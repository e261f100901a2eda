//! The backend-neutral backup format (defined once in [`ward_store::backup`]) as this schema reads
//! and writes it: the SQL that reads each table as JSON lines, the batch insert that loads them,
//! and the checks a restored row must pass before PostgreSQL sees it.
//!
//! Column names in the format are the column names here. Types map as: uuid → `uuid`, text → `text`,
//! integer and timestamp (microseconds) → `bigint`, float → `double precision`, date → `date`,
//! boolean → `boolean`, JSON → `jsonb`. Rows are ordered by their key with text compared in the "C"
//! collation (byte order, as SQLite compares), so both backends write the same bytes for the same
//! data.

use serde_json::{Map, Value};
use ward_store::backup::{BackupTable, ColumnType, table};
use ward_store::{StoreError, StoreResult};

/// Tables whose id is `GENERATED ALWAYS AS IDENTITY`: a restore inserts the backed-up ids over it.
const IDENTITY_ALWAYS: &[&str] = &["vex_statements"];

/// Serial ids a restore keeps, as (table, column): their sequences are moved past the largest
/// restored id so new rows do not collide.
pub(crate) const SEQUENCES: &[(&str, &str)] = &[("software", "id"), ("vex_statements", "id")];

/// The SQL type a column's JSON value is read back as.
fn sql_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::Uuid => "uuid",
        ColumnType::Text => "text",
        ColumnType::Integer | ColumnType::Timestamp => "bigint",
        ColumnType::Float => "double precision",
        ColumnType::Date => "date",
        ColumnType::Boolean => "boolean",
        ColumnType::Json => "jsonb",
    }
}

/// The FROM clause (the table aliased `t`) and the row order of a table's backup cursor.
fn from_and_order(t: &BackupTable) -> (String, String) {
    if t.name == "organisations" {
        // Parents first: by depth in the hierarchy, then id. A cycle (which the store never
        // writes) would leave rows without a depth; they come last.
        let from = "organisations t LEFT JOIN (
                   WITH RECURSIVE tree(id, depth) AS (
                       SELECT id, 0 FROM organisations WHERE parent_id IS NULL
                     UNION ALL
                       SELECT o.id, tree.depth + 1 FROM organisations o JOIN tree ON o.parent_id = tree.id
                        WHERE tree.depth < 64
                   )
                   SELECT id, min(depth) AS depth FROM tree GROUP BY id
               ) x ON x.id = t.id";
        return (from.to_owned(), "coalesce(x.depth, 1000), t.id".to_owned());
    }
    let order: Vec<String> = t
        .key
        .iter()
        .map(|k| match t.column(k).map(|c| c.ty) {
            Some(ColumnType::Text) => format!("t.{k} COLLATE \"C\""),
            _ => format!("t.{k}"),
        })
        .collect();
    (format!("{} t", t.name), order.join(", "))
}

/// The cursor over the table's rows, each as one compact JSON object with sorted keys. Built
/// only from the constants in `ward_store::backup::TABLES`.
pub(crate) fn declare_sql(t: &BackupTable) -> String {
    let mut cols: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
    cols.sort_unstable();
    let fields: Vec<String> = cols.iter().map(|c| format!("t.{c} AS \"{c}\"")).collect();
    let (from, order) = from_and_order(t);
    format!(
        "DECLARE ward_backup NO SCROLL CURSOR FOR SELECT row_to_json(r)::text AS line FROM {from} \
         CROSS JOIN LATERAL (SELECT {}) r ORDER BY {order}",
        fields.join(", ")
    )
}

/// The batch insert from a JSON array of row objects bound as `$1`. Built only from the
/// constants in `ward_store::backup::TABLES`.
pub(crate) fn insert_sql(t: &BackupTable) -> String {
    let targets: Vec<&str> = t.columns.iter().map(|c| c.name).collect();
    let values: Vec<String> = t
        .columns
        .iter()
        .map(|c| {
            if t.org_from_asset && c.name == "org_id" {
                "a.org_id".to_owned()
            } else {
                format!("r.\"{}\"", c.name)
            }
        })
        .collect();
    let defs: Vec<String> = t
        .columns
        .iter()
        .map(|c| format!("\"{}\" {}", c.name, sql_type(c.ty)))
        .collect();
    let join = if t.org_from_asset {
        " LEFT JOIN assets a ON a.id = r.asset_id"
    } else {
        ""
    };
    let overriding = if IDENTITY_ALWAYS.contains(&t.name) {
        " OVERRIDING SYSTEM VALUE"
    } else {
        ""
    };
    format!(
        "INSERT INTO {} ({}){overriding} SELECT {} FROM jsonb_to_recordset($1::jsonb) AS r({}){join}",
        t.name,
        targets.join(", "),
        values.join(", "),
        defs.join(", "),
    )
}

/// Whether rows of `t` as PostgreSQL prints them must be rewritten by [`rewrite_row`].
pub(crate) fn needs_rewrite(t: &BackupTable) -> bool {
    t.has_type(ColumnType::Json) || t.has_type(ColumnType::Float)
}

/// A row as PostgreSQL printed it, re-serialised as the format writes it: compact, keys sorted
/// (PostgreSQL prints jsonb with spaces and its own key order), and floats as `serde_json` writes
/// an `f64` (PostgreSQL prints `1` for 1.0 and `1e-05` for 1e-5).
pub(crate) fn rewrite_row(t: &BackupTable, text: &str) -> StoreResult<String> {
    let corrupt = || StoreError::Backend(format!("a stored {} row is not JSON", t.name));
    let mut v: Value = serde_json::from_str(text).map_err(|_| corrupt())?;
    let Value::Object(row) = &mut v else {
        return Err(corrupt());
    };
    for c in t.columns.iter().filter(|c| c.ty == ColumnType::Float) {
        if let Some(slot) = row.get_mut(c.name)
            && let Some(x) = slot.as_f64()
        {
            *slot = serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number);
        }
    }
    Ok(v.to_string())
}

/// Check a row's keys and the JSON kind of each value against the column types, naming the
/// line and column (PostgreSQL would quietly turn a number into text).
pub(crate) fn check_row(t: &BackupTable, fields: &Map<String, Value>, n: usize) -> StoreResult<()> {
    for (k, v) in fields {
        let Some(col) = t.column(k) else {
            return Err(StoreError::Snapshot(format!(
                "line {n}: table {} has no column '{k}'",
                t.name
            )));
        };
        let ok = match (col.ty, v) {
            (_, Value::Null) | (ColumnType::Json, _) => true,
            (ColumnType::Uuid | ColumnType::Text | ColumnType::Date, Value::String(_))
            | (ColumnType::Boolean, Value::Bool(_))
            | (ColumnType::Float, Value::Number(_)) => true,
            (ColumnType::Integer | ColumnType::Timestamp, Value::Number(x)) => x.is_i64(),
            _ => false,
        };
        if !ok {
            let want = match col.ty {
                ColumnType::Integer | ColumnType::Timestamp => "an integer",
                ColumnType::Float => "a number",
                ColumnType::Boolean => "true or false",
                _ => "a string",
            };
            return Err(StoreError::Snapshot(format!(
                "line {n}: {}.{k}: expected {want}",
                t.name
            )));
        }
    }
    Ok(())
}

/// Parse a row line into its table and row object, naming the line on error.
pub(crate) fn parse_line(line: &str, n: usize) -> StoreResult<(&'static BackupTable, Value)> {
    let v: Value =
        serde_json::from_str(line).map_err(|e| StoreError::Snapshot(format!("line {n}: not JSON ({e})")))?;
    let Value::Object(mut obj) = v else {
        return Err(StoreError::Snapshot(format!("line {n}: expected an object")));
    };
    let name = obj
        .get("table")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let t = table(&name).ok_or_else(|| StoreError::Snapshot(format!("line {n}: unknown table '{name}'")))?;
    let row = obj.remove("row").unwrap_or(Value::Null);
    let Value::Object(fields) = &row else {
        return Err(StoreError::Snapshot(format!("line {n}: 'row' must be an object")));
    };
    check_row(t, fields, n)?;
    Ok((t, row))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ward_store::backup::TABLES;

    #[test]
    fn the_sql_of_every_table_names_every_column() {
        for t in TABLES {
            let (declare, insert) = (declare_sql(t), insert_sql(t));
            for c in t.columns {
                assert!(
                    declare.contains(&format!("t.{} AS \"{}\"", c.name, c.name)),
                    "{}.{}",
                    t.name,
                    c.name
                );
                assert!(
                    insert.contains(&format!("\"{}\" {}", c.name, sql_type(c.ty))),
                    "{}.{}",
                    t.name,
                    c.name
                );
            }
            assert_eq!(insert.contains("a.org_id"), t.org_from_asset);
            assert_eq!(
                insert.contains("OVERRIDING SYSTEM VALUE"),
                t.name == "vex_statements"
            );
        }
        for (t, c) in SEQUENCES {
            assert!(table(t).and_then(|t| t.column(c)).is_some(), "{t}.{c}");
        }
        let kev = declare_sql(table("kev").unwrap());
        assert!(kev.ends_with("ORDER BY t.cve COLLATE \"C\""), "{kev}");
    }

    #[test]
    fn floats_and_json_are_rewritten_as_serde_json_writes_them() {
        let epss = table("epss").unwrap();
        let jobs = table("jobs").unwrap();
        assert!(needs_rewrite(epss) && needs_rewrite(jobs));
        assert!(!needs_rewrite(table("kev").unwrap()));
        assert_eq!(
            rewrite_row(
                epss,
                r#"{"cve":"CVE-1","epss":1e-05,"percentile":1,"score_date":null}"#
            )
            .unwrap(),
            // As the SQLite backend writes the same row: serde_json's form of each f64.
            format!(
                r#"{{"cve":"CVE-1","epss":{},"percentile":{},"score_date":null}}"#,
                Value::from(1e-5),
                Value::from(1.0)
            )
        );
        assert_eq!(
            rewrite_row(jobs, r#"{"payload": {"b": 1, "a": {"y": [1, 2], "x": null}}}"#).unwrap(),
            r#"{"payload":{"a":{"x":null,"y":[1,2]},"b":1}}"#
        );
        assert!(rewrite_row(epss, "[1]").is_err());
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse_line(r#"{"table":"nope","row":{}}"#, 7).err().unwrap();
        assert!(e.to_string().contains("line 7"));
        let e = parse_line(r#"{"table":"users","row":{"shoe_size":1}}"#, 3)
            .err()
            .unwrap();
        assert!(e.to_string().contains("shoe_size"));
        let e = parse_line(r#"{"table":"organisations","row":{"code":17}}"#, 4)
            .err()
            .unwrap();
        assert!(e.to_string().contains("organisations.code"), "{e}");
        let e = parse_line(r#"{"table":"users","row":{"failed_logins":1.5}}"#, 5)
            .err()
            .unwrap();
        assert!(e.to_string().contains("integer"), "{e}");
        let e = parse_line(r#"{"table":"epss","row":{"epss":"0.5"}}"#, 8)
            .err()
            .unwrap();
        assert!(e.to_string().contains("epss.epss"), "{e}");
        assert!(parse_line(r#"{"table":"epss","row":{"epss":0.5,"percentile":1}}"#, 9).is_ok());
        assert!(parse_line(r#"{"table":"jobs","row":{"payload":{"a":[1]},"attempts":2}}"#, 6).is_ok());
    }
}
