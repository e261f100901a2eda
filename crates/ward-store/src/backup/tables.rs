//! The list of tables a backup carries, with their columns and keys, parents first. Kept apart
//! from the backup format (`super`) because every new domain adds its tables: each domain keeps
//! its list in its own file under `tables/`, and [`TABLES`] joins them in order.

use super::{BackupColumn, BackupTable, ColumnType};

const fn col(name: &'static str, ty: ColumnType) -> BackupColumn {
    BackupColumn { name, ty }
}

const fn entry(
    name: &'static str,
    columns: &'static [BackupColumn],
    key: &'static [&'static str],
) -> BackupTable {
    BackupTable {
        name,
        columns,
        key,
        org_from_asset: false,
    }
}

mod alerts;
mod assurance;
mod foundation;
mod people;
mod response;
mod risks;
mod suppliers;
mod tech_assessments;
mod vulnerabilities;

/// The domains' lists, in backup order: a domain's tables refer only to its own earlier tables and
/// to the domains before it (suppliers come after alerts: a supplier advisory names its alert; technology assessments come
/// after risks: a finding names the risk it raised).
const PARTS: &[&[BackupTable]] = &[
    foundation::TABLES,
    vulnerabilities::TABLES,
    assurance::TABLES,
    people::TABLES,
    alerts::TABLES,
    suppliers::TABLES,
    risks::TABLES,
    response::TABLES,
    tech_assessments::TABLES,
];

const fn count(parts: &[&[BackupTable]]) -> usize {
    let (mut n, mut p) = (0, 0);
    while p < parts.len() {
        n += parts[p].len();
        p += 1;
    }
    n
}

const fn concat<const N: usize>(parts: &[&[BackupTable]]) -> [BackupTable; N] {
    let mut out = [entry("", &[], &[]); N];
    let (mut k, mut p) = (0, 0);
    while p < parts.len() {
        let mut i = 0;
        while i < parts[p].len() {
            out[k] = parts[p][i];
            k += 1;
            i += 1;
        }
        p += 1;
    }
    out
}

const ALL: [BackupTable; count(PARTS)] = concat(PARTS);

/// Every table in a backup, parents first: the domains' lists one after another.
pub const TABLES: &[BackupTable] = &ALL;
