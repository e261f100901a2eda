//! Imports of organisations and assets. Parsing is all-or-nothing: every problem is collected with
//! its file, line and column (or JSON path), and nothing is stored unless the whole file is clean.

pub mod assets;
pub mod orgs;
pub mod training;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::heavy::feed_error;
use ward_feeds::Limits;

/// Looks at the parse deadline every so often inside an import's loop, so that a parse whose
/// caller has given up stops.
#[derive(Debug)]
pub(crate) struct Ticker<'a> {
    file: &'a str,
    limits: &'a Limits,
    steps: u32,
}

impl<'a> Ticker<'a> {
    pub(crate) fn new(file: &'a str, limits: &'a Limits) -> Self {
        Self {
            file,
            limits,
            steps: 0,
        }
    }
    /// One step: every 1024, look at the deadline.
    pub(crate) fn tick(&mut self) -> AppResult<()> {
        self.steps = self.steps.wrapping_add(1);
        if self.steps % 1024 == 1 {
            self.check()?;
        }
        Ok(())
    }
    /// Look at the deadline now.
    pub(crate) fn check(&self) -> AppResult<()> {
        self.limits.check_deadline(self.file).map_err(feed_error)
    }
}

impl App {
    /// Import assets from an uploaded file: the role is checked before anything is read, then a
    /// heavy-request permit is taken, then the file is parsed off the async workers within the
    /// parse deadline, and only then are the records imported (each organisation checked).
    pub async fn import_assets_file<B>(
        &self,
        actor: &Actor,
        format: assets::AssetFormat,
        file: &str,
        bytes: B,
    ) -> AppResult<ImportSummary>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        authorise(actor, Action::WriteInventory, self.now())?;
        let permit = self.heavy_permit()?;
        let name = file.to_owned();
        let records = self
            .parse_off_workers(&permit, file, move |limits| {
                assets::parse_with(format, &name, bytes.as_ref(), limits)
            })
            .await?;
        self.import_assets(actor, file, &records).await
    }

    /// Import organisations from an uploaded file, in the same order as
    /// [`App::import_assets_file`]; `effective` is the date the changes take effect.
    pub async fn import_orgs_file<B>(
        &self,
        actor: &Actor,
        format: orgs::OrgFormat,
        file: &str,
        bytes: B,
    ) -> AppResult<ImportSummary>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let now = self.now();
        authorise(actor, Action::ImportOrgs, now)?;
        let permit = self.heavy_permit()?;
        let name = file.to_owned();
        let records = self
            .parse_off_workers(&permit, file, move |limits| {
                orgs::parse_with(format, &name, bytes.as_ref(), limits)
            })
            .await?;
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        self.import_orgs(actor, file, &records, today).await
    }
}

/// Most problems reported for one file; the count says how many there were in all.
pub const MAX_PROBLEMS: usize = 100;

/// Collects problems while reading a file.
#[derive(Debug, Default)]
pub struct Problems {
    file: String,
    items: Vec<FieldProblem>,
    total: usize,
}

impl Problems {
    pub fn new(file: &str) -> Self {
        Self {
            file: file.to_owned(),
            items: Vec::new(),
            total: 0,
        }
    }
    pub fn at_line(&mut self, line: u64, column: Option<usize>, message: impl Into<String>) {
        let path = match column {
            Some(c) => format!("{}:{line}:{c}", self.file),
            None => format!("{}:{line}", self.file),
        };
        self.push(path, message);
    }
    pub fn at_path(&mut self, path: &str, message: impl Into<String>) {
        let p = format!("{}:{path}", self.file);
        self.push(p, message);
    }
    fn push(&mut self, path: String, message: impl Into<String>) {
        self.total += 1;
        if self.items.len() < MAX_PROBLEMS {
            self.items.push(FieldProblem {
                path,
                message: message.into(),
            });
        }
    }
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }
    /// Ok when clean, else an `Invalid` error listing the problems (and how many were left out).
    pub fn into_result(mut self) -> Result<(), AppError> {
        if self.total == 0 {
            return Ok(());
        }
        if self.total > self.items.len() {
            let more = self.total - self.items.len();
            self.items.push(FieldProblem {
                path: self.file.clone(),
                message: format!("... and {more} more problems; nothing was imported"),
            });
        }
        Err(AppError::Invalid(self.items))
    }
}

/// Parse `YYYYMMDD` or `YYYY-MM-DD`; empty means none.
pub fn parse_date(s: &str) -> Result<Option<jiff::civil::Date>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let iso = if s.len() == 8 && s.chars().all(|c| c.is_ascii_digit()) {
        format!("{}-{}-{}", &s[0..4], &s[4..6], &s[6..8])
    } else {
        s.to_owned()
    };
    iso.parse::<jiff::civil::Date>()
        .map(Some)
        .map_err(|_| format!("'{s}' is not a date (YYYYMMDD or YYYY-MM-DD)"))
}

/// Parse a yes/no cell.
pub fn parse_bool(s: &str) -> Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "y" | "1" => Ok(true),
        "false" | "no" | "n" | "0" | "" => Ok(false),
        other => Err(format!("'{other}' is not yes or no")),
    }
}

/// Summary of an import, for people and scripts.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub file: String,
    pub records: u64,
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Parent organisations named by the file but not known, created as placeholders.
    pub placeholders: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_booleans() {
        assert_eq!(parse_date("20110701").unwrap().unwrap().to_string(), "2011-07-01");
        assert_eq!(
            parse_date("2011-07-01").unwrap().unwrap().to_string(),
            "2011-07-01"
        );
        assert_eq!(parse_date(" ").unwrap(), None);
        assert!(parse_date("20111301").is_err());
        assert!(parse_bool("Yes").unwrap());
        assert!(parse_bool("maybe").is_err());
    }

    #[test]
    fn problems_are_capped_but_counted() {
        let mut p = Problems::new("f.csv");
        for i in 0..150 {
            p.at_line(i, Some(1), "bad");
        }
        let Err(AppError::Invalid(items)) = p.into_result() else {
            panic!("expected invalid")
        };
        assert_eq!(items.len(), MAX_PROBLEMS + 1);
        assert!(items[MAX_PROBLEMS].message.contains("50 more"));
    }
}
