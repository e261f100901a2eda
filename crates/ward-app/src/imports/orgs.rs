//! Organisation imports: the ODS `etr.csv` (trusts) and `epraccur.csv` (GP practices) extracts,
//! and Ward's own CSV and JSON.

use super::{ImportSummary, Problems, Ticker, parse_date};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};
use ward_core::OrgId;
use ward_core::org::{OdsCode, OrgKind, Organisation, check_parent};
use ward_feeds::Limits;
use ward_store::Scope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::VariantNames)]
#[strum(serialize_all = "kebab-case", parse_err_ty = AppError, parse_err_fn = unknown_org_format)]
pub enum OrgFormat {
    /// ODS `etr.csv`: header-less; code, name, national grouping, high-level health geography,
    /// five address lines, postcode, open date, close date, ...
    OdsTrusts,
    /// ODS `epraccur.csv`: header-less, 27 columns, same first twelve as `etr`.
    OdsGp,
    /// Ward CSV with a header: `code,name,kind,parent_code,postcode,opened,closed`.
    #[strum(serialize = "csv")]
    WardCsv,
    /// Ward JSON: an array of objects with the same fields.
    #[strum(serialize = "json")]
    WardJson,
}

fn unknown_org_format(s: &str) -> AppError {
    use strum::VariantNames;
    AppError::invalid(
        "format",
        format!("'{s}' is not one of {}", OrgFormat::VARIANTS.join(", ")),
    )
}

/// One organisation as read from a file, with its parent named by code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgRecord {
    pub code: OdsCode,
    pub name: String,
    pub kind: OrgKind,
    pub parent: Option<OdsCode>,
    /// The parent's parent, when the file names it (ODS files give region and area).
    pub grandparent: Option<OdsCode>,
    pub postcode: Option<String>,
    pub opened: Option<Date>,
    pub closed: Option<Date>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct WardOrgRow {
    code: String,
    name: String,
    kind: String,
    #[serde(default)]
    parent_code: Option<String>,
    #[serde(default)]
    postcode: Option<String>,
    #[serde(default)]
    opened: Option<String>,
    #[serde(default)]
    closed: Option<String>,
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Read a file into records, or every problem found in it.
pub fn parse(format: OrgFormat, file: &str, bytes: &[u8]) -> AppResult<Vec<OrgRecord>> {
    parse_with(format, file, bytes, &Limits::default())
}

/// [`parse`], stopping with [`AppError::TimedOut`] once the deadline of `limits` passes.
pub fn parse_with(format: OrgFormat, file: &str, bytes: &[u8], limits: &Limits) -> AppResult<Vec<OrgRecord>> {
    let mut ticker = Ticker::new(file, limits);
    match format {
        OrgFormat::OdsTrusts => parse_ods(file, bytes, OrgKind::NhsTrust, &mut ticker),
        OrgFormat::OdsGp => parse_ods(file, bytes, OrgKind::GpPractice, &mut ticker),
        OrgFormat::WardCsv => parse_ward_csv(file, bytes, &mut ticker),
        OrgFormat::WardJson => parse_ward_json(file, bytes, &mut ticker),
    }
}

fn parse_ods(file: &str, bytes: &[u8], kind: OrgKind, ticker: &mut Ticker) -> AppResult<Vec<OrgRecord>> {
    let mut problems = Problems::new(file);
    let mut out = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    for rec in rdr.records() {
        ticker.tick()?;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                problems.at_line(line, None, format!("unreadable CSV: {e}"));
                continue;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        if rec.len() < 12 {
            problems.at_line(
                line,
                None,
                format!("expected at least 12 columns, found {}", rec.len()),
            );
            continue;
        }
        let field = |i: usize| rec.get(i).unwrap_or("");
        let code = match OdsCode::parse(field(0)) {
            Ok(c) => c,
            Err(e) => {
                problems.at_line(line, Some(1), e.message);
                continue;
            }
        };
        let name = match ward_core::error::require_text("name", field(1), 200) {
            Ok(n) => n,
            Err(e) => {
                problems.at_line(line, Some(2), e.message);
                continue;
            }
        };
        let region = OdsCode::parse(field(2)).ok();
        let area = OdsCode::parse(field(3)).ok();
        let opened = parse_date(field(10))
            .map_err(|m| problems.at_line(line, Some(11), m))
            .ok()
            .flatten();
        let closed = parse_date(field(11))
            .map_err(|m| problems.at_line(line, Some(12), m))
            .ok()
            .flatten();
        let (parent, grandparent) = match (area, region) {
            (Some(a), r) => (Some(a), r),
            (None, r) => (r, None),
        };
        out.push(OrgRecord {
            code,
            name,
            kind,
            parent,
            grandparent,
            postcode: opt(field(9)),
            opened,
            closed,
        });
    }
    problems.into_result()?;
    Ok(out)
}

fn ward_row(row: WardOrgRow, mut report: impl FnMut(&str, String)) -> Option<OrgRecord> {
    let code = OdsCode::parse(&row.code)
        .map_err(|e| report("code", e.message))
        .ok();
    let name = ward_core::error::require_text("name", &row.name, 200)
        .map_err(|e| report("name", e.message))
        .ok();
    let kind = row
        .kind
        .parse::<OrgKind>()
        .map_err(|e| report("kind", e.message))
        .ok();
    let parent = match row
        .parent_code
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(p) => OdsCode::parse(p)
            .map_err(|e| report("parent_code", e.message))
            .ok()
            .map(Some),
        None => Some(None),
    };
    let opened = parse_date(row.opened.as_deref().unwrap_or(""))
        .map_err(|m| report("opened", m))
        .ok();
    let closed = parse_date(row.closed.as_deref().unwrap_or(""))
        .map_err(|m| report("closed", m))
        .ok();
    Some(OrgRecord {
        code: code?,
        name: name?,
        kind: kind?,
        parent: parent?,
        grandparent: None,
        postcode: row.postcode.as_deref().and_then(opt),
        opened: opened?,
        closed: closed?,
    })
}

const WARD_COLUMNS: [&str; 7] = [
    "code",
    "name",
    "kind",
    "parent_code",
    "postcode",
    "opened",
    "closed",
];

fn parse_ward_csv(file: &str, bytes: &[u8], ticker: &mut Ticker) -> AppResult<Vec<OrgRecord>> {
    let mut problems = Problems::new(file);
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let headers = rdr
        .headers()
        .map_err(|e| AppError::invalid(format!("{file}:1"), e.to_string()))?
        .clone();
    for (i, h) in headers.iter().enumerate() {
        if !WARD_COLUMNS.contains(&h) {
            problems.at_line(
                1,
                Some(i + 1),
                format!("unknown column '{h}'; expected {}", WARD_COLUMNS.join(",")),
            );
        }
    }
    let mut out = Vec::new();
    for rec in rdr.records() {
        ticker.tick()?;
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                problems.at_line(
                    e.position().map_or(0, csv::Position::line),
                    None,
                    format!("unreadable CSV: {e}"),
                );
                continue;
            }
        };
        let line = rec.position().map_or(0, csv::Position::line);
        let row: WardOrgRow = match rec.deserialize(Some(&headers)) {
            Ok(r) => r,
            Err(e) => {
                problems.at_line(line, None, e.to_string());
                continue;
            }
        };
        let col = |name: &str| headers.iter().position(|h| h == name).map(|i| i + 1);
        if let Some(r) = ward_row(row, |field, m| {
            problems.at_line(line, col(field), format!("{field}: {m}"))
        }) {
            out.push(r);
        }
    }
    problems.into_result()?;
    Ok(out)
}

fn parse_ward_json(file: &str, bytes: &[u8], ticker: &mut Ticker) -> AppResult<Vec<OrgRecord>> {
    ticker.check()?;
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let rows: Vec<WardOrgRow> = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        AppError::invalid(
            format!("{file}:{path} (line {}, column {})", inner.line(), inner.column()),
            inner.to_string(),
        )
    })?;
    let mut problems = Problems::new(file);
    let mut out = Vec::new();
    for (i, row) in rows.into_iter().enumerate() {
        ticker.tick()?;
        if let Some(r) = ward_row(row, |field, m| problems.at_path(&format!("[{i}].{field}"), m)) {
            out.push(r);
        }
    }
    problems.into_result()?;
    Ok(out)
}

/// Guess the kind of a parent that a file names but does not describe.
fn placeholder_kind(code: &OdsCode) -> OrgKind {
    if code.as_str().starts_with('Y') && code.as_str().len() == 3 {
        OrgKind::Region
    } else {
        OrgKind::Icb
    }
}

impl App {
    /// Store parsed organisations (insert or update by code), in one transaction. Parents named but
    /// unknown are created as placeholders so the hierarchy holds; closed organisations keep their dates.
    pub async fn import_orgs(
        &self,
        actor: &Actor,
        file: &str,
        records: &[OrgRecord],
        effective: Date,
    ) -> AppResult<ImportSummary> {
        let now = self.now();
        authorise(actor, Action::ImportOrgs, now)?;
        let all = Scope::All;
        let mut ids: HashMap<OdsCode, (OrgId, OrgKind)> = HashMap::new();
        let mut batch: Vec<Organisation> = Vec::new();
        let mut placeholders = 0u64;
        let in_file: BTreeMap<&OdsCode, &OrgRecord> = records.iter().map(|r| (&r.code, r)).collect();

        // Resolve a code to an id: the file's earlier rows, the database, or a new placeholder.
        for r in records {
            for (code, parent) in [(&r.grandparent, None), (&r.parent, r.grandparent.as_ref())] {
                let Some(code) = code else { continue };
                if ids.contains_key(code) || in_file.contains_key(code) {
                    continue;
                }
                match self.store().get_org_by_code(&all, code).await {
                    Ok(o) => {
                        ids.insert(code.clone(), (o.id, o.kind));
                    }
                    Err(ward_store::StoreError::NotFound { .. }) => {
                        let kind = placeholder_kind(code);
                        let parent_id = parent
                            .and_then(|p| ids.get(p))
                            .filter(|(_, pk)| check_parent(kind, *pk).is_ok())
                            .map(|(id, _)| *id);
                        let id = OrgId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?);
                        batch.push(Organisation {
                            id,
                            code: code.clone(),
                            name: format!("{} {}", kind.label(), code),
                            kind,
                            parent: parent_id,
                            postcode: None,
                            opened: None,
                            closed: None,
                        });
                        ids.insert(code.clone(), (id, kind));
                        placeholders += 1;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        }
        for r in records {
            let id = match ids.get(&r.code) {
                Some((id, _)) => *id,
                None => match self.store().get_org_by_code(&all, &r.code).await {
                    Ok(o) => o.id,
                    Err(ward_store::StoreError::NotFound { .. }) => {
                        OrgId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?)
                    }
                    Err(e) => return Err(e.into()),
                },
            };
            ids.insert(r.code.clone(), (id, r.kind));
        }
        let mut problems = Problems::new(file);
        for r in records {
            let parent = match &r.parent {
                Some(p) => match ids.get(p) {
                    Some((pid, pkind)) => {
                        if let Err(e) = check_parent(r.kind, *pkind) {
                            problems.at_path(&format!("{}.parent", r.code), e.message);
                        }
                        Some(*pid)
                    }
                    None => None,
                },
                None => None,
            };
            let (id, _) = ids[&r.code];
            batch.push(Organisation {
                id,
                code: r.code.clone(),
                name: r.name.clone(),
                kind: r.kind,
                parent,
                postcode: r.postcode.clone(),
                opened: r.opened,
                closed: r.closed,
            });
        }
        problems.into_result()?;
        let counts = self
            .store()
            .upsert_orgs(&batch, effective, &actor.audit(now))
            .await?;
        self.exposure_changed();
        Ok(ImportSummary {
            file: file.to_owned(),
            records: records.len() as u64,
            inserted: counts.inserted.saturating_sub(placeholders),
            updated: counts.updated,
            unchanged: counts.unchanged,
            placeholders,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_by_name_and_others_refused_with_the_list() {
        let all = ["ods-trusts", "ods-gp", "csv", "json"].map(|f| f.parse::<OrgFormat>().unwrap());
        assert_eq!(
            all,
            [
                OrgFormat::OdsTrusts,
                OrgFormat::OdsGp,
                OrgFormat::WardCsv,
                OrgFormat::WardJson
            ]
        );
        assert_eq!(
            "xml".parse::<OrgFormat>().unwrap_err().to_string(),
            "invalid input: format: 'xml' is not one of ods-trusts, ods-gp, csv, json"
        );
    }

    #[test]
    fn ods_trust_rows_parse_with_region_and_area() {
        let row = b"R1A,WORCESTERSHIRE HEALTH AND CARE NHS TRUST,Y55,Q77,ISAAC MADDOX HOUSE,SHRUB HILL,,WORCESTER,WORCS,WR4 9RW,20110701,,,,,,,,,,,0,,F\n";
        let recs = parse(OrgFormat::OdsTrusts, "etr.csv", row).unwrap();
        assert_eq!(recs[0].code.as_str(), "R1A");
        assert_eq!(recs[0].parent.as_ref().unwrap().as_str(), "Q77");
        assert_eq!(recs[0].grandparent.as_ref().unwrap().as_str(), "Y55");
        assert_eq!(recs[0].opened.unwrap().to_string(), "2011-07-01");
        assert_eq!(recs[0].closed, None);
    }

    #[test]
    fn bad_rows_name_line_and_column_and_nothing_is_returned() {
        let data = b"R1A,A TRUST,Y55,Q77,,,,,,WR4 9RW,20110701,,\nR1B,B TRUST,Y55,Q77,,,,,,X,20110701,2020\nR!!,C,Y55,Q77,,,,,,X,,\n";
        let Err(AppError::Invalid(p)) = parse(OrgFormat::OdsTrusts, "etr.csv", data) else {
            panic!()
        };
        assert_eq!(p.len(), 2);
        assert_eq!(p[0].path, "etr.csv:2:12");
        assert_eq!(p[1].path, "etr.csv:3:1");
    }

    #[test]
    fn ward_json_reports_the_path_of_an_unknown_field() {
        let data = br#"[{"code":"RJZ","name":"A","kind":"nhs_trust"},{"code":"RJ1","name":"B","kind":"nhs_trust","colour":"red"}]"#;
        let Err(AppError::Invalid(p)) = parse(OrgFormat::WardJson, "orgs.json", data) else {
            panic!()
        };
        assert!(p[0].path.starts_with("orgs.json:[1]"), "{}", p[0].path);
        assert!(p[0].message.contains("colour"));
    }

    #[test]
    fn ward_csv_checks_kinds() {
        let data = b"code,name,kind\nRJZ,King's,nhs_trust\nQMF,Somewhere,castle\n";
        let Err(AppError::Invalid(p)) = parse(OrgFormat::WardCsv, "o.csv", data) else {
            panic!()
        };
        assert_eq!(p[0].path, "o.csv:3:3");
    }
}
