//! Scope enforcement in SQL. Every scoped query starts with the `scope_orgs` common table
//! expression and filters its tenant column with [`push_filter`]; nothing scoped is read or
//! written without it. A subtree is a range of materialised paths (`organisations.path`, kept by
//! `upsert_orgs`), so even a region of thousands of organisations is one index range scan.

use sqlx::{QueryBuilder, Sqlite};
use ward_core::OrgId;
use ward_store::Scope;

/// Push `WITH RECURSIVE scope_orgs(id) AS (...)`: the organisations the scope covers. Callers may
/// append further common table expressions after a comma. For [`Scope::All`] the expression is
/// never referenced, so SQLite never evaluates it.
pub(crate) fn push_with(qb: &mut QueryBuilder<Sqlite>, scope: &Scope) {
    qb.push("WITH RECURSIVE scope_orgs(id) AS (");
    match scope {
        Scope::All => {
            qb.push("SELECT id FROM organisations");
        }
        Scope::Orgs(ids) => {
            qb.push("SELECT id FROM organisations WHERE ");
            push_in(qb, "id", ids);
        }
        Scope::Subtrees(roots) => {
            // Each root's subtree is a range of the `organisations_path` index (see `rollups`).
            qb.push(
                "SELECT d.id FROM organisations r \
                 JOIN organisations d ON d.path >= r.path AND d.path < r.path || '~' \
                 WHERE r.path <> '' AND ",
            );
            push_in(qb, "r.id", roots);
        }
    }
    qb.push(") ");
}

/// Push ` AND <column> IN scope_orgs` unless the scope is everything.
pub(crate) fn push_filter(qb: &mut QueryBuilder<Sqlite>, scope: &Scope, column: &str) {
    if !matches!(scope, Scope::All) {
        qb.push(" AND ")
            .push(column)
            .push(" IN (SELECT id FROM scope_orgs)");
    }
}

/// Push `<column> IN (?, ?, ...)`, or a false condition for an empty list.
pub(crate) fn push_in(qb: &mut QueryBuilder<Sqlite>, column: &str, ids: &[OrgId]) {
    if ids.is_empty() {
        qb.push("0");
        return;
    }
    qb.push(column).push(" IN (");
    let mut list = qb.separated(", ");
    for id in ids {
        list.push_bind(id.to_string());
    }
    qb.push(")");
}
