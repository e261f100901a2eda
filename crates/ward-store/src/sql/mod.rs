//! SQL written once for both engines.
//!
//! A store rule that needs the database builds a [`Sql`] statement: text with `$n` placeholders
//! (both SQLite and PostgreSQL accept them) and the bound values as [`Arg`]s in their domain form
//! (a UUID, a date, a timestamp in microseconds). It runs the statement through an [`Exec`] and
//! reads rows through [`RowRead`]. Each backend implements those two traits once, binding each
//! `Arg` in the form its schema stores (UUIDs are text on SQLite and `uuid` on PostgreSQL; dates
//! are `YYYY-MM-DD` text on SQLite and `date` on PostgreSQL).
//!
//! Where the engines really differ, the difference is a method of [`Exec`] (an identifier list, a
//! scope filter, the audit chain's lock) or stays in the backend crate (bulk loads, text search,
//! migrations). See `docs/storage.md`.

pub mod accounts;
mod alert_escalations;
mod alert_figures;
mod alert_revisions;
mod alerts;
mod assessments;
pub mod assets;
mod assurance;
mod assurance_rollup;
pub mod audit;
mod backend;
pub mod bulk;
mod coordinated;
mod dead_deliveries;
pub mod dependency_graph;
mod deployments;
mod error;
mod evidence_files;
mod exec;
mod exec_impl;
mod exercise_participants;
mod exercises;
mod first_seen;
mod improvement;
mod incident_links;
mod incident_reminders;
mod incident_tasks;
mod incidents;
pub mod inventory;
pub mod jobs;
mod links;
mod notices;
mod org_plan;
pub mod orgs;
mod people;
mod profiles;
mod recovery;
mod risks;
pub mod rollups;
mod row;
pub mod sector;
mod signoff;
mod supplier_advisories;
mod suppliers;
mod tech_assessments;
pub mod vuln;

pub use backend::{SqlBackend, Tx};
pub use error::{DbErrorKind, db_error};
pub use exec::{Dialect, Exec, scope_filter};
pub use row::{RowRead, corrupt_column};

use jiff::Timestamp;
use jiff::civil::Date;
use uuid::Uuid;

/// One bound value, in its domain form; backends bind each in their stored form. Nulls are typed
/// (PostgreSQL needs to know what a null parameter is), so every scalar variant holds an `Option`.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Bool(Option<bool>),
    I64(Option<i64>),
    F64(Option<f64>),
    Text(Option<String>),
    Uuid(Option<Uuid>),
    Date(Option<Date>),
    /// A list of UUIDs, for [`Sql::in_list`] (bound as an array on PostgreSQL, as JSON text on SQLite).
    Uuids(Vec<Uuid>),
    /// A list of texts, for [`Sql::in_list`].
    Texts(Vec<String>),
}

/// Conversion into an [`Arg`]; implemented for the domain values stores bind.
pub trait IntoArg {
    fn into_arg(self) -> Arg;
    /// The typed null of this kind of value.
    fn null() -> Arg
    where
        Self: Sized;
}

impl IntoArg for Arg {
    fn into_arg(self) -> Arg {
        self
    }
    fn null() -> Arg {
        Arg::Text(None)
    }
}

macro_rules! into_arg {
    ($($t:ty => $variant:ident |$v:ident| $e:expr;)*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                let $v = self;
                Arg::$variant(Some($e))
            }
            fn null() -> Arg {
                Arg::$variant(None)
            }
        }
    )*};
}

into_arg! {
    bool => Bool |v| v;
    i64 => I64 |v| v;
    i32 => I64 |v| i64::from(v);
    u32 => I64 |v| i64::from(v);
    u8 => I64 |v| i64::from(v);
    f64 => F64 |v| v;
    String => Text |v| v;
    &str => Text |v| v.to_owned();
    &String => Text |v| v.clone();
    Uuid => Uuid |v| v;
    Date => Date |v| v;
    Timestamp => I64 |v| v.as_microsecond();
    ward_core::OrgId => Uuid |v| *v.as_uuid();
    ward_core::ServiceId => Uuid |v| *v.as_uuid();
    ward_core::AssetId => Uuid |v| *v.as_uuid();
    ward_core::ProductId => Uuid |v| *v.as_uuid();
    ward_core::DependencyId => Uuid |v| *v.as_uuid();
    ward_core::UserId => Uuid |v| *v.as_uuid();
    ward_core::GrantId => Uuid |v| *v.as_uuid();
    ward_core::TokenId => Uuid |v| *v.as_uuid();
    ward_core::JobId => Uuid |v| *v.as_uuid();
    ward_core::AssessmentId => Uuid |v| *v.as_uuid();
    ward_core::AlertId => Uuid |v| *v.as_uuid();
    ward_core::RiskId => Uuid |v| *v.as_uuid();
    ward_core::IncidentId => Uuid |v| *v.as_uuid();
    ward_core::DeploymentId => Uuid |v| *v.as_uuid();
    ward_core::CertificateId => Uuid |v| *v.as_uuid();
    ward_core::TimelineEntryId => Uuid |v| *v.as_uuid();
    ward_core::IncidentTaskId => Uuid |v| *v.as_uuid();
    ward_core::CoordinatedIncidentId => Uuid |v| *v.as_uuid();
    ward_core::ExerciseId => Uuid |v| *v.as_uuid();
    ward_core::ExerciseEntryId => Uuid |v| *v.as_uuid();
    ward_core::ExerciseActionId => Uuid |v| *v.as_uuid();
    ward_core::ImprovementActionId => Uuid |v| *v.as_uuid();
    ward_core::BoardMemberId => Uuid |v| *v.as_uuid();
    ward_core::EvidenceFileId => Uuid |v| *v.as_uuid();
    ward_core::NoticeId => Uuid |v| *v.as_uuid();
    ward_core::TechAssessmentId => Uuid |v| *v.as_uuid();
    ward_core::TechFindingId => Uuid |v| *v.as_uuid();
    ward_core::RemediationActionId => Uuid |v| *v.as_uuid();
}

impl<T: IntoArg> IntoArg for Option<T> {
    fn into_arg(self) -> Arg {
        self.map_or_else(T::null, IntoArg::into_arg)
    }
    fn null() -> Arg {
        T::null()
    }
}

/// A statement: SQL text with `$1`, `$2`, ... placeholders and its bound values. Build it with
/// [`Sql::new`] and [`Sql::bind`] (which appends the next placeholder), or give [`Sql::new`] text
/// that already numbers its placeholders and the values in order to [`Sql::arg`].
#[derive(Debug, Clone, Default)]
pub struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    /// Start a statement with literal SQL (no placeholders yet).
    pub fn new(sql: impl Into<String>) -> Self {
        Self {
            text: sql.into(),
            args: Vec::new(),
        }
    }

    /// Append literal SQL.
    pub fn push(&mut self, sql: &str) -> &mut Self {
        self.text.push_str(sql);
        self
    }

    /// Append the next placeholder and bind `v` to it.
    pub fn bind(&mut self, v: impl IntoArg) -> &mut Self {
        self.args.push(v.into_arg());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Add the value of the next numbered placeholder already in the text.
    pub fn arg(mut self, v: impl IntoArg) -> Self {
        self.args.push(v.into_arg());
        self
    }

    /// Append `<column> IN (<the list>)` for a list bound as one value: `= ANY($n)` on
    /// PostgreSQL, `IN (SELECT value FROM json_each($n))` on SQLite. An empty list matches nothing.
    pub fn in_list(&mut self, dialect: Dialect, column: &str, list: Arg) -> &mut Self {
        self.text.push_str(column);
        match dialect {
            Dialect::Postgres => {
                self.text.push_str(" = ANY(");
                self.bind(list);
                self.text.push(')');
            }
            Dialect::Sqlite => {
                self.text.push_str(" IN (SELECT value FROM json_each(");
                self.bind(list);
                self.text.push_str("))");
            }
        }
        self
    }

    /// The SQL text.
    pub fn sql(&self) -> &str {
        &self.text
    }

    /// The bound values, in placeholder order.
    pub fn args(&self) -> &[Arg] {
        &self.args
    }

    /// Both parts, for a backend to run.
    pub fn into_parts(self) -> (String, Vec<Arg>) {
        (self.text, self.args)
    }
}

/// The JSON array text SQLite reads a list from (`json_each`).
pub fn list_json(list: &Arg) -> String {
    match list {
        Arg::Uuids(v) => {
            serde_json::to_string(&v.iter().map(|u| u.to_string()).collect::<Vec<_>>()).unwrap_or_default()
        }
        Arg::Texts(v) => serde_json::to_string(v).unwrap_or_default(),
        _ => "[]".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_numbers_placeholders_in_order() {
        let mut q = Sql::new("SELECT 1 FROM t WHERE a = ");
        q.bind(1i64).push(" AND b = ").bind("x");
        q.push(" AND ")
            .in_list(Dialect::Postgres, "c", Arg::Texts(vec!["y".into()]));
        assert_eq!(q.sql(), "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c = ANY($3)");
        assert_eq!(q.args().len(), 3);
        let mut s = Sql::new("");
        s.in_list(Dialect::Sqlite, "c", Arg::Texts(vec![]));
        assert_eq!(s.sql(), "c IN (SELECT value FROM json_each($1))");
    }

    #[test]
    fn lists_become_json_arrays() {
        let u = Uuid::nil();
        assert_eq!(
            list_json(&Arg::Uuids(vec![u])),
            "[\"00000000-0000-0000-0000-000000000000\"]"
        );
        assert_eq!(list_json(&Arg::Texts(vec!["a\"b".into()])), "[\"a\\\"b\"]");
    }
}
