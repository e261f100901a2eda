//! The backend-neutral backup format as this schema reads and writes it: one [`TableSpec`] per
//! table, mapping the format's JSON keys to columns and SQL types, and the checks a restored row
//! must pass before PostgreSQL sees it.
//!
//! The format is the one documented in `ward-store-sqlite`'s backup module: a header line
//! `{"ward_backup":1,"backend":"postgres"}`, then one line per row, `{"table":"<name>","row":{...}}`,
//! tables in foreign-key order (organisations parents first, other rows in key order). Values: uuids
//! as strings, timestamps as integer microseconds, dates as `YYYY-MM-DD`, booleans as JSON booleans,
//! job payloads as JSON values, software ids as integers. Row keys are written sorted, as
//! `serde_json` writes a map, so both backends write the same bytes for the same row.

use serde_json::{Map, Value};
use ward_store::{StoreError, StoreResult};

/// The format version written in the header.
pub(crate) const FORMAT_VERSION: u64 = 1;

/// One column as it appears in a backup: its JSON key, the PostgreSQL column it comes from, and
/// the SQL type the JSON value is read back as.
#[derive(Debug)]
pub(crate) struct Col {
    pub json: &'static str,
    pub column: &'static str,
    pub ty: &'static str,
}

const fn c(json: &'static str, column: &'static str, ty: &'static str) -> Col {
    Col { json, column, ty }
}

/// One backed-up table.
#[derive(Debug)]
pub(crate) struct TableSpec {
    pub name: &'static str,
    pub cols: &'static [Col],
    /// The FROM clause (the table aliased `t`) and the row order.
    pub from: &'static str,
    pub order_by: &'static str,
    /// Link tables: `org_id` is restored from the asset, whatever the row says.
    pub org_from_asset: bool,
}

impl TableSpec {
    #[cfg(test)]
    fn has_key(&self, k: &str) -> bool {
        self.cols.iter().any(|c| c.json == k)
    }

    /// The cursor over the table's rows, each as one compact JSON object with sorted keys. Built
    /// only from the constants in [`TABLES`].
    pub(crate) fn declare_sql(&self) -> String {
        let mut cols: Vec<&Col> = self.cols.iter().collect();
        cols.sort_by_key(|c| c.json);
        let fields: Vec<String> = cols
            .iter()
            .map(|c| format!("t.{} AS \"{}\"", c.column, c.json))
            .collect();
        format!(
            "DECLARE ward_backup NO SCROLL CURSOR FOR SELECT row_to_json(r)::text AS line FROM {} \
             CROSS JOIN LATERAL (SELECT {}) r ORDER BY {}",
            self.from,
            fields.join(", "),
            self.order_by
        )
    }

    /// The batch insert from a JSON array of row objects bound as `$1`. Built only from the
    /// constants in [`TABLES`].
    pub(crate) fn insert_sql(&self) -> String {
        let targets: Vec<&str> = self.cols.iter().map(|c| c.column).collect();
        let values: Vec<String> = self
            .cols
            .iter()
            .map(|c| {
                if self.org_from_asset && c.column == "org_id" {
                    "a.org_id".to_owned()
                } else {
                    format!("r.\"{}\"", c.json)
                }
            })
            .collect();
        let defs: Vec<String> = self
            .cols
            .iter()
            .map(|c| format!("\"{}\" {}", c.json, c.ty))
            .collect();
        let join = if self.org_from_asset {
            " LEFT JOIN assets a ON a.id = r.asset_id"
        } else {
            ""
        };
        format!(
            "INSERT INTO {} ({}) SELECT {} FROM jsonb_to_recordset($1::jsonb) AS r({}){}",
            self.name,
            targets.join(", "),
            values.join(", "),
            defs.join(", "),
            join
        )
    }

    /// Check a row's keys and the JSON kind of each value against the column types, naming the
    /// line and column (PostgreSQL would quietly turn a number into text).
    pub(crate) fn check_row(&self, fields: &Map<String, Value>, n: usize) -> StoreResult<()> {
        for (k, v) in fields {
            let Some(col) = self.cols.iter().find(|c| c.json == k) else {
                return Err(StoreError::Snapshot(format!(
                    "line {n}: table {} has no column '{k}'",
                    self.name
                )));
            };
            let ok = match (col.ty, v) {
                (_, Value::Null) | ("jsonb", _) => true,
                ("uuid" | "text" | "date", Value::String(_)) | ("boolean", Value::Bool(_)) => true,
                ("bigint" | "integer", Value::Number(x)) => x.is_i64(),
                _ => false,
            };
            if !ok {
                let want = match col.ty {
                    "bigint" | "integer" => "an integer",
                    "boolean" => "true or false",
                    _ => "a string",
                };
                return Err(StoreError::Snapshot(format!(
                    "line {n}: {}.{k}: expected {want}",
                    self.name
                )));
            }
        }
        Ok(())
    }
}

/// Every table in foreign-key order, with the shared format's column names.
pub(crate) const TABLES: &[TableSpec] = &[
    TableSpec {
        name: "organisations",
        cols: &[
            c("id", "id", "uuid"),
            c("code", "code", "text"),
            c("name", "name", "text"),
            c("kind", "kind", "text"),
            c("parent_id", "parent_id", "uuid"),
            c("postcode", "postcode", "text"),
            c("opened", "opened", "date"),
            c("closed", "closed", "date"),
        ],
        from: "organisations t LEFT JOIN (
                   WITH RECURSIVE tree(id, depth) AS (
                       SELECT id, 0 FROM organisations WHERE parent_id IS NULL
                     UNION ALL
                       SELECT o.id, tree.depth + 1 FROM organisations o JOIN tree ON o.parent_id = tree.id
                        WHERE tree.depth < 64
                   )
                   SELECT id, min(depth) AS depth FROM tree GROUP BY id
               ) x ON x.id = t.id",
        order_by: "coalesce(x.depth, 1000), t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "org_links",
        cols: &[
            c("child_id", "child_id", "uuid"),
            c("parent_id", "parent_id", "uuid"),
            c("valid_from", "valid_from", "date"),
            c("valid_to", "valid_to", "date"),
        ],
        from: "org_links t",
        order_by: "t.child_id, t.valid_from",
        org_from_asset: false,
    },
    TableSpec {
        name: "services",
        cols: &[
            c("id", "id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("name", "name", "text"),
            c("kind", "kind", "text"),
            c("criticality", "criticality", "integer"),
            c("daily_throughput", "daily_throughput", "bigint"),
            c("throughput_unit", "throughput_unit", "text"),
        ],
        from: "services t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "software",
        cols: &[
            c("id", "id", "bigint"),
            c("name", "name", "text"),
            c("vendor", "vendor", "text"),
            c("version", "version", "text"),
            c("purl", "purl", "text"),
            c("cpe", "cpe", "text"),
        ],
        from: "software t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "assets",
        cols: &[
            c("id", "id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("name", "name", "text"),
            c("kind", "kind", "text"),
            c("hostname", "hostname", "text"),
            c("internet_facing", "internet_facing", "boolean"),
        ],
        from: "assets t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "asset_services",
        cols: &[
            c("asset_id", "asset_id", "uuid"),
            c("service_id", "service_id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("position", "position", "integer"),
        ],
        from: "asset_services t",
        order_by: "t.asset_id, t.position",
        org_from_asset: true,
    },
    TableSpec {
        name: "asset_software",
        cols: &[
            c("asset_id", "asset_id", "uuid"),
            c("software_id", "software_id", "bigint"),
            c("org_id", "org_id", "uuid"),
            c("source", "source", "text"),
            c("position", "position", "integer"),
        ],
        from: "asset_software t",
        order_by: "t.asset_id, t.position",
        org_from_asset: true,
    },
    TableSpec {
        name: "products",
        cols: &[
            c("id", "id", "uuid"),
            c("supplier_id", "supplier_id", "uuid"),
            c("name", "name", "text"),
            c("category", "category", "text"),
            c("cpe", "cpe", "text"),
        ],
        from: "products t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "dependencies",
        cols: &[
            c("id", "id", "uuid"),
            c("org_id", "org_id", "uuid"),
            c("service_id", "service_id", "uuid"),
            c("target_kind", "target_kind", "text"),
            c("target_id", "target_id", "uuid"),
            c("note", "note", "text"),
        ],
        from: "dependencies t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "users",
        cols: &[
            c("id", "id", "uuid"),
            c("email", "email", "text"),
            c("display_name", "display_name", "text"),
            c("password_hash", "password_hash", "text"),
            c("totp_secret", "totp_secret", "text"),
            c("totp_last_step", "totp_last_step", "bigint"),
            c("disabled", "disabled", "boolean"),
            c("failed_logins", "failed_logins", "bigint"),
            c("locked_until", "locked_until", "bigint"),
            c("created_at", "created_at", "bigint"),
        ],
        from: "users t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "role_grants",
        cols: &[
            c("id", "id", "uuid"),
            c("user_id", "user_id", "uuid"),
            c("role", "role", "text"),
            c("org_id", "org_id", "uuid"),
            c("created_at", "created_at", "bigint"),
            c("expires_at", "expires_at", "bigint"),
            c("granted_by", "granted_by", "uuid"),
        ],
        from: "role_grants t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "sessions",
        cols: &[
            c("id_hash", "id_hash", "text"),
            c("user_id", "user_id", "uuid"),
            c("acting_grant_id", "acting_grant_id", "uuid"),
            c("mfa_pending", "mfa_pending", "boolean"),
            c("csrf_token", "csrf_token", "text"),
            c("pending_totp_secret", "pending_totp_secret", "text"),
            c("created_at", "created_at", "bigint"),
            c("last_seen_at", "last_seen_at", "bigint"),
            c("expires_at", "expires_at", "bigint"),
        ],
        from: "sessions t",
        order_by: "t.id_hash",
        org_from_asset: false,
    },
    TableSpec {
        name: "api_tokens",
        cols: &[
            c("id", "id", "uuid"),
            c("name", "name", "text"),
            c("token_hash", "token_hash", "text"),
            c("created_by", "created_by", "uuid"),
            c("role", "role", "text"),
            c("org_id", "org_id", "uuid"),
            c("created_at", "created_at", "bigint"),
            c("expires_at", "expires_at", "bigint"),
            c("revoked_at", "revoked_at", "bigint"),
            c("last_used_at", "last_used_at", "bigint"),
        ],
        from: "api_tokens t",
        order_by: "t.id",
        org_from_asset: false,
    },
    TableSpec {
        name: "audit_log",
        cols: &[
            c("seq", "seq", "bigint"),
            c("at", "at", "bigint"),
            c("actor_principal", "actor_principal", "text"),
            c("actor_role", "actor_role", "text"),
            c("actor_org", "actor_org", "uuid"),
            c("action", "action", "text"),
            c("entity", "entity", "text"),
            c("entity_id", "entity_id", "text"),
            c("org_id", "org_id", "uuid"),
            c("before_digest", "before_digest", "text"),
            c("after_digest", "after_digest", "text"),
            c("detail", "detail", "text"),
            c("request_id", "request_id", "text"),
            c("prev_hash", "prev_hash", "text"),
            c("hash", "hash", "text"),
        ],
        from: "audit_log t",
        order_by: "t.seq",
        org_from_asset: false,
    },
    TableSpec {
        name: "jobs",
        cols: &[
            c("id", "id", "uuid"),
            c("kind", "kind", "text"),
            c("payload", "payload", "jsonb"),
            c("status", "status", "text"),
            c("run_at", "run_at", "bigint"),
            c("attempts", "attempts", "bigint"),
            c("max_attempts", "max_attempts", "bigint"),
            c("lease_owner", "lease_owner", "text"),
            c("lease_until", "lease_until", "bigint"),
            c("last_error", "last_error", "text"),
            c("created_at", "created_at", "bigint"),
            c("dedupe_key", "dedupe_key", "text"),
        ],
        from: "jobs t",
        order_by: "t.id",
        org_from_asset: false,
    },
];

pub(crate) fn spec(name: &str) -> Option<&'static TableSpec> {
    TABLES.iter().find(|t| t.name == name)
}

/// Check the header line.
pub(crate) fn check_header(line: &str) -> StoreResult<()> {
    let v: Value = serde_json::from_str(line)
        .map_err(|_| StoreError::Snapshot("line 1: not a Ward backup header".into()))?;
    match v.get("ward_backup").and_then(Value::as_u64) {
        Some(FORMAT_VERSION) => Ok(()),
        Some(other) => Err(StoreError::Snapshot(format!(
            "line 1: backup format {other} is not supported"
        ))),
        None => Err(StoreError::Snapshot("line 1: not a Ward backup header".into())),
    }
}

/// Parse a row line into its table and row object, naming the line on error.
pub(crate) fn parse_line(line: &str, n: usize) -> StoreResult<(&'static TableSpec, Value)> {
    let v: Value =
        serde_json::from_str(line).map_err(|e| StoreError::Snapshot(format!("line {n}: not JSON ({e})")))?;
    let Value::Object(mut obj) = v else {
        return Err(StoreError::Snapshot(format!("line {n}: expected an object")));
    };
    let table = obj
        .get("table")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let t = spec(&table).ok_or_else(|| StoreError::Snapshot(format!("line {n}: unknown table '{table}'")))?;
    let row = obj.remove("row").unwrap_or(Value::Null);
    let Value::Object(fields) = &row else {
        return Err(StoreError::Snapshot(format!("line {n}: 'row' must be an object")));
    };
    t.check_row(fields, n)?;
    Ok((t, row))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_is_listed_once_and_its_sql_names_every_column() {
        let mut names: Vec<_> = TABLES.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TABLES.len());
        for t in TABLES {
            let (declare, insert) = (t.declare_sql(), t.insert_sql());
            for c in t.cols {
                assert!(
                    declare.contains(&format!("t.{} AS \"{}\"", c.column, c.json)),
                    "{}.{}",
                    t.name,
                    c.json
                );
                assert!(
                    insert.contains(&format!("\"{}\" {}", c.json, c.ty)),
                    "{}.{}",
                    t.name,
                    c.json
                );
            }
            assert_eq!(insert.contains("a.org_id"), t.org_from_asset);
            assert_eq!(t.org_from_asset, t.has_key("asset_id") && t.has_key("org_id"));
        }
        assert!(spec("org_links").is_some_and(|t| t.has_key("child_id")));
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
        assert!(parse_line(r#"{"table":"jobs","row":{"payload":{"a":[1]},"attempts":2}}"#, 6).is_ok());
        assert!(check_header(r#"{"ward_backup":2}"#).is_err());
        assert!(check_header(r#"{"ward_backup":1,"backend":"sqlite"}"#).is_ok());
    }
}
