//! Asset lists and search at national scale.
//!
//! * **Text of three characters or more** is a case-insensitive substring of the asset's name or
//!   hostname or of an installed software name. Candidates come from the FTS5 trigram indexes
//!   `asset_text` and `software_text` (migrations 0005 and 0006; inserted assets are indexed once
//!   per batch by [`index_assets`], updates and deletes by triggers): the query asks for rows holding every
//!   trigram of the text (the indexes keep no positions, `detail=none`), then LIKE on the base
//!   table keeps only real substrings. Software is searched in the small `software` table first and
//!   reaches assets through the inverted index `asset_software (software_id, asset_num)`.
//! * **Shorter text** matches the start of the asset's name (ASCII letters in either case), as
//!   index ranges over `assets_name`/`assets_org_name`: substrings of one or two characters
//!   match nearly everything and no index helps them.
//! * **No text**: one organisation's page comes from `assets_org_name (org_id, name, id)`; the total
//!   comes from the per-organisation counters (`rollups`) when the filters map onto one of them,
//!   so a national list does not count a million rows per page.
//!
//! Totals are exact up to [`COUNT_CAP`] matches (or the end of the requested page, if further);
//! beyond that the count stops and the page says `total_is_lower_bound`. With fewer matches than
//! the cap a page sorts the matches; with more, it walks the name index in order and probes the
//! matches, so neither a count nor a sort ever covers hundreds of thousands of rows twice.

use crate::audit::push_page;
use crate::codec::{DbResult, get, get_parsed, get_parsed_opt, like_pattern, to_u32};
use crate::scope;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};
use ward_store::{AssetFilter, AssetSummary, PageRequest, Scope, StoreResult};

/// Shortest text searched as a substring through the trigram indexes.
const MIN_SUBSTRING_CHARS: usize = 3;
/// Most trigrams put into one index query (any subset finds every real match).
const MAX_TRIGRAMS: usize = 16;

/// What the text filter asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    None,
    /// Name ranges `[from, to)` (`to` None: no upper bound), one per letter-case variant.
    Prefix(Vec<(String, Option<String>)>),
    /// LIKE pattern and FTS5 query.
    Substring {
        like: String,
        fts: String,
    },
}

impl Text {
    fn of(filter: &AssetFilter) -> Self {
        let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) else {
            return Self::None;
        };
        if text.chars().count() < MIN_SUBSTRING_CHARS {
            return Self::Prefix(prefix_ranges(text));
        }
        Self::Substring {
            like: like_pattern(text),
            fts: trigram_query(text),
        }
    }
}

/// An FTS5 query asking for every (distinct) trigram of `text`, each as a quoted string.
fn trigram_query(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut grams: Vec<String> = Vec::new();
    for w in chars.windows(3) {
        let g: String = w.iter().flat_map(|c| c.to_lowercase()).collect();
        if !grams.contains(&g) {
            grams.push(g);
        }
    }
    if grams.len() > MAX_TRIGRAMS {
        // Keep an even spread, first and last included.
        let n = grams.len();
        grams = (0..MAX_TRIGRAMS)
            .map(|i| grams[i * (n - 1) / (MAX_TRIGRAMS - 1)].clone())
            .collect();
    }
    grams
        .iter()
        .map(|g| format!("\"{}\"", g.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" AND ")
}

/// The half-open name ranges holding the names that start with `prefix`, ignoring the case of
/// ASCII letters as SQLite's LIKE does: one range per case variant.
fn prefix_ranges(prefix: &str) -> Vec<(String, Option<String>)> {
    let mut variants = vec![String::new()];
    for c in prefix.chars() {
        let (lower, upper) = (c.to_ascii_lowercase(), c.to_ascii_uppercase());
        let mut next = Vec::with_capacity(variants.len() * 2);
        for v in &variants {
            next.push(format!("{v}{upper}"));
            if lower != upper {
                next.push(format!("{v}{lower}"));
            }
        }
        variants = next;
    }
    variants
        .into_iter()
        .map(|from| {
            let to = successor(&from);
            (from, to)
        })
        .collect()
}

/// The smallest string above every string that starts with `s` (UTF-8 order is code point order):
/// `s` with its last character replaced by the next one, or None when there is no such character.
fn successor(s: &str) -> Option<String> {
    let mut chars: Vec<char> = s.chars().collect();
    while let Some(last) = chars.pop() {
        let mut next = u32::from(last) + 1;
        if (0xD800..0xE000).contains(&next) {
            next = 0xE000;
        }
        if let Some(c) = char::from_u32(next) {
            chars.push(c);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// Add the assets numbered `first..=last`, just inserted, to the trigram index: one statement per
/// batch (a trigger per row cost three times as much; see migration 0006).
pub(crate) async fn index_assets(conn: &mut SqliteConnection, first: i64, last: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO asset_text (rowid, name, hostname) \
         SELECT num, name, hostname FROM assets WHERE num BETWEEN ? AND ?",
    )
    .bind(first)
    .bind(last)
    .execute(&mut *conn)
    .await
    .db()?;
    Ok(())
}

/// Rebuild the trigram index of assets from the table (after a restore).
pub(crate) async fn reindex_assets(conn: &mut SqliteConnection) -> StoreResult<()> {
    sqlx::query("INSERT INTO asset_text (asset_text) VALUES ('rebuild')")
        .execute(&mut *conn)
        .await
        .db()?;
    Ok(())
}

/// The page's columns, selected from `a` (assets) joined to `o` (organisations).
const SUMMARY_COLUMNS: &str = "a.id, a.org_id, o.name AS org_name, a.name, a.kind, a.hostname, \
     a.internet_facing, (SELECT count(*) FROM asset_software x WHERE x.asset_num = a.num) AS software_count, \
     (SELECT count(*) FROM asset_services x WHERE x.asset_num = a.num) AS service_count";

fn summary_from_row(row: &SqliteRow) -> StoreResult<AssetSummary> {
    Ok(AssetSummary {
        id: get_parsed(row, "id")?,
        org: get_parsed(row, "org_id")?,
        org_name: get(row, "org_name")?,
        name: get(row, "name")?,
        kind: get_parsed(row, "kind")?,
        hostname: get_parsed_opt::<String>(row, "hostname")?,
        internet_facing: get(row, "internet_facing")?,
        software_count: to_u32("software_count", get(row, "software_count")?)?,
        service_count: to_u32("service_count", get(row, "service_count")?)?,
    })
}

/// Push `WITH ... scope_orgs ..., matched(num) AS (...)` for a substring search: the asset numbers
/// whose name or hostname holds the text, or that carry software whose name holds it.
fn push_with_matched(qb: &mut QueryBuilder<Sqlite>, scope: &Scope, like: &str, fts: &str) {
    scope::push_with(qb, scope);
    qb.push(
        ", matched(num) AS (SELECT a.num FROM asset_text f JOIN assets a ON a.num = f.rowid \
         WHERE asset_text MATCH ",
    );
    qb.push_bind(fts.to_owned());
    qb.push(" AND (a.name LIKE ")
        .push_bind(like.to_owned())
        .push(" ESCAPE '\\'");
    qb.push(" OR a.hostname LIKE ")
        .push_bind(like.to_owned())
        .push(" ESCAPE '\\')");
    qb.push(
        " UNION SELECT x.asset_num FROM asset_software x WHERE x.software_id IN \
         (SELECT s.id FROM software_text g JOIN software s ON s.id = g.rowid WHERE software_text MATCH ",
    );
    qb.push_bind(fts.to_owned());
    qb.push(" AND s.name LIKE ")
        .push_bind(like.to_owned())
        .push(" ESCAPE '\\')) ");
}

/// Push the conditions on `a` other than a substring: scope, organisation, name prefix, kind,
/// exposure, service.
fn push_conditions(qb: &mut QueryBuilder<Sqlite>, scope: &Scope, filter: &AssetFilter, text: &Text) {
    scope::push_filter(qb, scope, "a.org_id");
    if let Some(org) = filter.org {
        qb.push(" AND a.org_id = ").push_bind(org.to_string());
    }
    if let Text::Prefix(ranges) = text {
        qb.push(" AND (");
        for (i, (from, to)) in ranges.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push("(a.name >= ").push_bind(from.clone());
            if let Some(to) = to {
                qb.push(" AND a.name < ").push_bind(to.clone());
            }
            qb.push(")");
        }
        qb.push(")");
    }
    if let Some(kind) = filter.kind {
        qb.push(" AND a.kind = ").push_bind(kind.as_str());
    }
    if let Some(facing) = filter.internet_facing {
        qb.push(" AND a.internet_facing = ").push_bind(facing);
    }
    if let Some(service) = filter.service {
        qb.push(" AND EXISTS (SELECT 1 FROM asset_services y WHERE y.asset_num = a.num AND y.service_id = ");
        qb.push_bind(service.to_string()).push(")");
    }
}

/// The number of matches, counting no further than `stop_at`.
pub(crate) async fn count_assets(
    conn: &mut SqliteConnection,
    scope: &Scope,
    filter: &AssetFilter,
    stop_at: u64,
) -> StoreResult<u64> {
    let text = Text::of(filter);
    let mut qb = QueryBuilder::new("");
    match &text {
        Text::Substring { like, fts } => {
            push_with_matched(&mut qb, scope, like, fts);
            qb.push("SELECT count(*) FROM (SELECT 1 FROM matched m CROSS JOIN assets a WHERE a.num = m.num");
        }
        _ => {
            scope::push_with(&mut qb, scope);
            qb.push("SELECT count(*) FROM (SELECT 1 FROM assets a WHERE 1");
        }
    }
    push_conditions(&mut qb, scope, filter, &text);
    qb.push(" LIMIT ")
        .push_bind(i64::try_from(stop_at).unwrap_or(i64::MAX))
        .push(")");
    let n: i64 = qb.build_query_scalar().fetch_one(&mut *conn).await.db()?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// One page of matches ordered by name then id; `many`: more matches than were counted.
pub(crate) async fn asset_page(
    conn: &mut SqliteConnection,
    scope: &Scope,
    filter: &AssetFilter,
    page: PageRequest,
    many: bool,
) -> StoreResult<Vec<AssetSummary>> {
    let text = Text::of(filter);
    let mut qb = QueryBuilder::new("");
    match &text {
        Text::Substring { like, fts } => {
            push_with_matched(&mut qb, scope, like, fts);
            if many {
                // Many matches: walk the name index in order and probe the matches (`+` keeps
                // SQLite from driving the join from them and sorting them all).
                qb.push("SELECT ").push(SUMMARY_COLUMNS).push(
                    " FROM assets a JOIN organisations o ON o.id = a.org_id \
                     WHERE +a.num IN (SELECT num FROM matched)",
                );
            } else {
                qb.push("SELECT ").push(SUMMARY_COLUMNS).push(
                    " FROM matched m CROSS JOIN assets a JOIN organisations o ON o.id = a.org_id \
                     WHERE a.num = m.num",
                );
            }
        }
        _ => {
            scope::push_with(&mut qb, scope);
            qb.push("SELECT ")
                .push(SUMMARY_COLUMNS)
                .push(" FROM assets a JOIN organisations o ON o.id = a.org_id WHERE 1");
        }
    }
    push_conditions(&mut qb, scope, filter, &text);
    push_page(&mut qb, " ORDER BY a.name, a.id", page);
    let rows = qb.build().fetch_all(&mut *conn).await.db()?;
    rows.iter().map(summary_from_row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigram_queries_quote_each_distinct_trigram() {
        assert_eq!(
            trigram_query("Citrix"),
            "\"cit\" AND \"itr\" AND \"tri\" AND \"rix\""
        );
        assert_eq!(trigram_query("aaaa"), "\"aaa\"");
        assert_eq!(trigram_query("a\"b c"), "\"a\"\"b\" AND \"\"\"b \" AND \"b c\"");
        let long = "abcdefghijklmnopqrstuvwxyz";
        let q = trigram_query(long);
        assert_eq!(q.matches(" AND ").count(), MAX_TRIGRAMS - 1);
        assert!(q.starts_with("\"abc\"") && q.ends_with("\"xyz\""), "{q}");
    }

    #[test]
    fn short_text_becomes_case_variant_prefix_ranges() {
        assert_eq!(
            prefix_ranges("a"),
            vec![("A".into(), Some("B".into())), ("a".into(), Some("b".into()))]
        );
        let r = prefix_ranges("w1");
        assert_eq!(
            r,
            vec![("W1".into(), Some("W2".into())), ("w1".into(), Some("w2".into()))]
        );
        assert_eq!(prefix_ranges("ab").len(), 4);
        assert_eq!(prefix_ranges("é").len(), 1);
    }

    #[test]
    fn successors_bound_every_extension() {
        assert_eq!(successor("az").as_deref(), Some("a{"));
        assert_eq!(successor("a\u{D7FF}").as_deref(), Some("a\u{E000}"));
        assert_eq!(successor("a\u{10FFFF}").as_deref(), Some("b"));
        assert_eq!(successor("\u{10FFFF}"), None);
        let end = successor("ab").unwrap_or_default();
        for s in ["ab", "abc", "ab\u{10FFFF}x", "ab~~"] {
            assert!(s >= "ab" && s < end.as_str(), "{s}");
        }
        assert!("ac" >= end.as_str() && "aa~" < "ab");
    }

    #[test]
    fn text_of_a_filter() {
        let f = |t: &str| AssetFilter {
            text: Some(t.into()),
            ..Default::default()
        };
        assert_eq!(Text::of(&f("  ")), Text::None);
        assert!(matches!(Text::of(&f(" ab ")), Text::Prefix(r) if r.len() == 4));
        assert!(matches!(Text::of(&f("50%")), Text::Substring { like, .. } if like == "%50\\%%"));
    }
}
