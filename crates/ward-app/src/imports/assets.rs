//! Asset imports: Ward CSV (one row per installed software item; rows of the same asset merge) and JSON.

use super::{ImportSummary, Problems, Ticker, parse_bool};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};
use futures_util::{StreamExt, TryStreamExt};
use std::collections::{HashMap, HashSet};
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::org::OdsCode;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_feeds::Limits;
use ward_store::{PageRequest, Scope, ServiceFilter, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::VariantNames)]
#[strum(serialize_all = "lowercase", parse_err_ty = AppError, parse_err_fn = unknown_asset_format)]
pub enum AssetFormat {
    /// Header row, then one row per (asset, software item):
    /// `org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe`.
    /// `services` is a `;`-separated list of service names in that organisation. Rows with the same
    /// org_code and asset_name form one asset; leave the software columns empty for none.
    Csv,
    /// An array of `{org_code, name, kind, hostname?, internet_facing, services?: [name], software?: [..]}`.
    Json,
}

fn unknown_asset_format(s: &str) -> AppError {
    use strum::VariantNames;
    AppError::invalid(
        "format",
        format!("'{s}' is not {}", AssetFormat::VARIANTS.join(" or ")),
    )
}

/// An asset as read from a file, still naming its organisation and services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRecord {
    pub org_code: OdsCode,
    pub name: String,
    pub kind: AssetKind,
    pub hostname: Option<String>,
    pub internet_facing: bool,
    pub services: Vec<String>,
    pub software: Vec<InstalledSoftware>,
    /// Where it came from, for error messages (`line 12` or `[3]`).
    pub origin: String,
}

/// The columns of a Ward asset CSV, in the order Ward writes them. Any order is read.
pub const CSV_COLUMNS: [&str; 11] = [
    "org_code",
    "asset_name",
    "kind",
    "hostname",
    "internet_facing",
    "services",
    "software_name",
    "software_vendor",
    "software_version",
    "purl",
    "cpe",
];

/// The columns a file must have; the others may be left out (read as empty).
const REQUIRED_COLUMNS: [&str; 4] = ["org_code", "asset_name", "kind", "internet_facing"];

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// One row of a Ward asset CSV as written: each cell found by its column's name. The fields are
/// the [`CSV_COLUMNS`]; those not in [`REQUIRED_COLUMNS`] read as empty when the column is absent.
#[derive(Debug, serde::Deserialize)]
struct CsvRow<'a> {
    org_code: &'a str,
    asset_name: &'a str,
    kind: &'a str,
    #[serde(default)]
    hostname: &'a str,
    internet_facing: &'a str,
    #[serde(default)]
    services: &'a str,
    #[serde(default)]
    software_name: &'a str,
    #[serde(default)]
    software_vendor: &'a str,
    #[serde(default)]
    software_version: &'a str,
    #[serde(default)]
    purl: &'a str,
    #[serde(default)]
    cpe: &'a str,
}

/// A row whose every cell was read and checked.
struct CheckedRow {
    org_code: OdsCode,
    name: String,
    kind: AssetKind,
    hostname: Option<String>,
    internet_facing: bool,
    services: Vec<String>,
    software: Option<InstalledSoftware>,
}

/// The first problem of a row: the column it is in (when the file has that column) and what is
/// wrong.
struct CellProblem {
    column: Option<usize>,
    message: String,
}

/// Where each column is in a file's header.
struct Columns(csv::StringRecord);

impl Columns {
    /// The position (counting from 1) of the column `name`.
    fn of(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|h| h == name).map(|i| i + 1)
    }

    fn problem(&self, name: &str, message: impl Into<String>) -> CellProblem {
        CellProblem {
            column: self.of(name),
            message: message.into(),
        }
    }
}

impl CsvRow<'_> {
    /// Reads every cell, stopping at the first that breaks a rule.
    fn check(&self, columns: &Columns) -> Result<CheckedRow, CellProblem> {
        let org_code = OdsCode::parse(self.org_code).map_err(|e| columns.problem("org_code", e.message))?;
        let name = ward_core::error::require_text("asset_name", self.asset_name, 200)
            .map_err(|e| columns.problem("asset_name", e.to_string()))?;
        let kind = self
            .kind
            .parse::<AssetKind>()
            .map_err(|e| columns.problem("kind", e.message))?;
        let internet_facing =
            parse_bool(self.internet_facing).map_err(|m| columns.problem("internet_facing", m))?;
        let software = match opt(self.software_name) {
            None => None,
            Some(name) => {
                let sw = InstalledSoftware {
                    name,
                    vendor: opt(self.software_vendor),
                    version: self.software_version.trim().to_owned(),
                    purl: opt(self.purl),
                    cpe: opt(self.cpe),
                    source: SoftwareSource::Import,
                };
                if let Err(e) = sw.validate() {
                    let column = match e.field.as_str() {
                        "version" => "software_version",
                        "purl" => "purl",
                        "cpe" => "cpe",
                        _ => "software_name",
                    };
                    return Err(columns.problem(column, e.to_string()));
                }
                Some(sw)
            }
        };
        Ok(CheckedRow {
            org_code,
            name,
            kind,
            hostname: opt(self.hostname),
            internet_facing,
            services: self.services.split(';').filter_map(opt).collect(),
            software,
        })
    }
}

pub fn parse(format: AssetFormat, file: &str, bytes: &[u8]) -> AppResult<Vec<AssetRecord>> {
    parse_with(format, file, bytes, &Limits::default())
}

/// [`parse`], stopping with [`AppError::TimedOut`] once the deadline of `limits` passes.
pub fn parse_with(
    format: AssetFormat,
    file: &str,
    bytes: &[u8],
    limits: &Limits,
) -> AppResult<Vec<AssetRecord>> {
    let mut ticker = Ticker::new(file, limits);
    match format {
        AssetFormat::Csv => parse_csv(file, bytes, &mut ticker),
        AssetFormat::Json => parse_json(file, bytes, &mut ticker),
    }
}

/// The header of a Ward asset CSV, its names trimmed; every unknown, repeated or missing column
/// is a problem on line 1.
fn read_header(header: &csv::StringRecord, problems: &mut Problems) -> Columns {
    let names: csv::StringRecord = header.iter().map(str::trim).collect();
    for (i, h) in names.iter().enumerate() {
        if !CSV_COLUMNS.contains(&h) {
            problems.at_line(1, Some(i + 1), format!("unknown column '{h}'"));
        } else if names.iter().take(i).any(|earlier| earlier == h) {
            problems.at_line(1, Some(i + 1), format!("column '{h}' appears twice"));
        }
    }
    for c in REQUIRED_COLUMNS {
        if !names.iter().any(|h| h == c) {
            problems.at_line(1, None, format!("missing column '{c}'"));
        }
    }
    Columns(names)
}

fn parse_csv(file: &str, bytes: &[u8], ticker: &mut Ticker) -> AppResult<Vec<AssetRecord>> {
    let mut problems = Problems::new(file);
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(bytes);
    let header = rdr
        .headers()
        .map_err(|e| AppError::invalid(format!("{file}:1"), e.to_string()))?;
    let columns = read_header(header, &mut problems);
    if !problems.is_empty() {
        problems.into_result()?;
        return Ok(Vec::new());
    }
    let mut out: Vec<AssetRecord> = Vec::new();
    let mut by_key: HashMap<(String, String), usize> = HashMap::new();
    // One record buffer for the whole file rather than a new one per row.
    let mut rec = csv::StringRecord::new();
    loop {
        ticker.tick()?;
        match rdr.read_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                problems.at_line(
                    e.position().map_or(0, csv::Position::line),
                    None,
                    format!("unreadable CSV: {e}"),
                );
                continue;
            }
        }
        let line = rec.position().map_or(0, csv::Position::line);
        let checked = rec
            .deserialize::<CsvRow<'_>>(Some(&columns.0))
            .map_err(|e| CellProblem {
                column: None,
                message: format!("unreadable row: {e}"),
            })
            .and_then(|row| row.check(&columns));
        let row = match checked {
            Ok(row) => row,
            Err(p) => {
                problems.at_line(line, p.column, p.message);
                continue;
            }
        };
        // Rows of one asset usually follow each other: try the last asset before the map.
        let known = match out.last() {
            Some(last) if last.org_code == row.org_code && last.name == row.name => Some(out.len() - 1),
            _ => by_key
                .get(&(row.org_code.as_str().to_owned(), row.name.clone()))
                .copied(),
        };
        match known {
            Some(i) => {
                let a = &mut out[i];
                if a.kind != row.kind || a.internet_facing != row.internet_facing {
                    problems.at_line(
                        line,
                        None,
                        format!("asset '{}' is described differently on {}", row.name, a.origin),
                    );
                    continue;
                }
                for s in row.services {
                    if !a.services.contains(&s) {
                        a.services.push(s);
                    }
                }
                a.software.extend(row.software);
            }
            None => {
                by_key.insert((row.org_code.as_str().to_owned(), row.name.clone()), out.len());
                out.push(AssetRecord {
                    org_code: row.org_code,
                    name: row.name,
                    kind: row.kind,
                    hostname: row.hostname,
                    internet_facing: row.internet_facing,
                    services: row.services,
                    software: row.software.into_iter().collect(),
                    origin: format!("line {line}"),
                });
            }
        }
    }
    problems.into_result()?;
    Ok(out)
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonAsset {
    org_code: String,
    name: String,
    kind: AssetKind,
    #[serde(default)]
    hostname: Option<String>,
    internet_facing: bool,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    software: Vec<JsonSoftware>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonSoftware {
    name: String,
    #[serde(default)]
    vendor: Option<String>,
    version: String,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    cpe: Option<String>,
}

fn parse_json(file: &str, bytes: &[u8], ticker: &mut Ticker) -> AppResult<Vec<AssetRecord>> {
    ticker.check()?;
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let rows: Vec<JsonAsset> = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        AppError::invalid(
            format!("{file}:{path} (line {}, column {})", inner.line(), inner.column()),
            inner.to_string(),
        )
    })?;
    let mut problems = Problems::new(file);
    let mut out = Vec::new();
    for (i, a) in rows.into_iter().enumerate() {
        ticker.tick()?;
        let Ok(org_code) =
            OdsCode::parse(&a.org_code).map_err(|e| problems.at_path(&format!("[{i}].org_code"), e.message))
        else {
            continue;
        };
        let software: Vec<InstalledSoftware> = a
            .software
            .into_iter()
            .map(|s| InstalledSoftware {
                name: s.name,
                vendor: s.vendor,
                version: s.version,
                purl: s.purl,
                cpe: s.cpe,
                source: SoftwareSource::Import,
            })
            .collect();
        let rec = AssetRecord {
            org_code,
            name: a.name.trim().to_owned(),
            kind: a.kind,
            hostname: a.hostname,
            internet_facing: a.internet_facing,
            services: a.services,
            software,
            origin: format!("[{i}]"),
        };
        if let Err(e) = ward_core::error::require_text("name", &rec.name, 200) {
            problems.at_path(&format!("[{i}].name"), e.message);
            continue;
        }
        for (j, s) in rec.software.iter().enumerate() {
            if let Err(e) = s.validate() {
                problems.at_path(&format!("[{i}].software[{j}].{}", e.field), e.message);
            }
        }
        out.push(rec);
    }
    problems.into_result()?;
    Ok(out)
}

/// Organisation and service lookups in flight at once during an import.
const LOOKUPS_IN_FLIGHT: usize = 8;

/// Random bits for `n` asset identifiers (10 bytes each) in one read of the operating system's
/// generator.
fn random_id_bits(n: usize) -> AppResult<Vec<u8>> {
    let mut buf = vec![0_u8; n * 10];
    getrandom::fill(&mut buf).map_err(|e| AppError::Internal(format!("no randomness available: {e}")))?;
    Ok(buf)
}

impl App {
    /// Resolve organisations and services named by the records and store every asset in one
    /// transaction. Any unknown organisation or service, or one outside the actor's footprint,
    /// stops the whole import.
    ///
    /// Each distinct organisation code is looked up once, and the services of an organisation
    /// only when one of its records names a service; the lookups run a few at a time rather than
    /// one after another, since each is a round trip to the database. Asset identifiers take
    /// their random bits from one read of the operating system's generator for the whole file.
    pub async fn import_assets(
        &self,
        actor: &Actor,
        file: &str,
        records: &[AssetRecord],
    ) -> AppResult<ImportSummary> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteInventory, now)?;
        let mut problems = Problems::new(file);
        let orgs = self.orgs_by_code(&scope, records).await?;
        let services = self.services_by_name(&scope, records, &orgs).await?;
        let random = random_id_bits(records.len())?;
        let mut assets = Vec::with_capacity(records.len());
        for (r, bits) in records.iter().zip(random.chunks_exact(10)) {
            let Some(org) = orgs.get(&r.org_code).copied().flatten() else {
                problems.at_path(
                    &r.origin,
                    format!(
                        "organisation {} is unknown or outside your organisation",
                        r.org_code
                    ),
                );
                continue;
            };
            let known = services.get(&org);
            let mut ids = Vec::with_capacity(r.services.len());
            for s in &r.services {
                match known.and_then(|m| m.get(&s.to_lowercase())) {
                    Some(id) => ids.push(*id),
                    None => problems.at_path(
                        &r.origin,
                        format!("service '{s}' does not exist in {}", r.org_code),
                    ),
                }
            }
            let mut id_bits = [0_u8; 10];
            id_bits.copy_from_slice(bits);
            assets.push(Asset {
                id: AssetId::new_at(now, id_bits),
                org,
                name: r.name.clone(),
                kind: r.kind,
                hostname: r.hostname.clone(),
                internet_facing: r.internet_facing,
                services: ids,
                software: r.software.clone(),
            });
        }
        problems.into_result()?;
        let n = self
            .store()
            .insert_assets(&scope, &assets, &actor.audit(now))
            .await?;
        self.exposure_changed();
        self.queue_alert_extension_logged().await;
        Ok(ImportSummary {
            file: file.to_owned(),
            records: records.len() as u64,
            inserted: n,
            ..Default::default()
        })
    }

    /// The organisation of every distinct code in `records`: `None` when it is unknown or outside
    /// the scope.
    async fn orgs_by_code(
        &self,
        scope: &Scope,
        records: &[AssetRecord],
    ) -> AppResult<HashMap<OdsCode, Option<OrgId>>> {
        let mut codes: Vec<&OdsCode> = Vec::new();
        let mut seen: HashSet<&OdsCode> = HashSet::new();
        for r in records {
            if seen.insert(&r.org_code) {
                codes.push(&r.org_code);
            }
        }
        let lookups: Vec<_> = codes
            .into_iter()
            .map(|code| self.import_org_lookup(scope, code))
            .collect();
        futures_util::stream::iter(lookups)
            .buffer_unordered(LOOKUPS_IN_FLIGHT)
            .try_collect()
            .await
    }

    /// One organisation code: its organisation, or `None` when unknown or outside the scope.
    async fn import_org_lookup(&self, scope: &Scope, code: &OdsCode) -> AppResult<(OdsCode, Option<OrgId>)> {
        match self.store().get_org_by_code(scope, code).await {
            Ok(o) => Ok((code.clone(), Some(o.id))),
            Err(StoreError::NotFound { .. } | StoreError::Forbidden { .. }) => Ok((code.clone(), None)),
            Err(e) => Err(e.into()),
        }
    }

    /// The services, by lower-case name, of every organisation whose records name a service.
    async fn services_by_name(
        &self,
        scope: &Scope,
        records: &[AssetRecord],
        orgs: &HashMap<OdsCode, Option<OrgId>>,
    ) -> AppResult<HashMap<OrgId, HashMap<String, ServiceId>>> {
        let mut wanted: Vec<OrgId> = Vec::new();
        let mut seen: HashSet<OrgId> = HashSet::new();
        for r in records.iter().filter(|r| !r.services.is_empty()) {
            if let Some(org) = orgs.get(&r.org_code).copied().flatten()
                && seen.insert(org)
            {
                wanted.push(org);
            }
        }
        let lookups: Vec<_> = wanted
            .into_iter()
            .map(|org| self.import_service_lookup(scope, org))
            .collect();
        futures_util::stream::iter(lookups)
            .buffer_unordered(LOOKUPS_IN_FLIGHT)
            .try_collect()
            .await
    }

    /// The services of one organisation, by lower-case name.
    async fn import_service_lookup(
        &self,
        scope: &Scope,
        org: OrgId,
    ) -> AppResult<(OrgId, HashMap<String, ServiceId>)> {
        let filter = ServiceFilter {
            org: Some(org),
            ..ServiceFilter::default()
        };
        let page = self
            .store()
            .list_services(
                scope,
                &filter,
                PageRequest {
                    offset: 0,
                    limit: 1000,
                },
            )
            .await?;
        let by_name = page
            .items
            .into_iter()
            .map(|s| (s.name.to_lowercase(), s.id))
            .collect();
        Ok((org, by_name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_read_by_name_and_others_refused_with_the_list() {
        assert_eq!("csv".parse::<AssetFormat>().unwrap(), AssetFormat::Csv);
        assert_eq!("json".parse::<AssetFormat>().unwrap(), AssetFormat::Json);
        assert_eq!(
            "CSV".parse::<AssetFormat>().unwrap_err().to_string(),
            "invalid input: format: 'CSV' is not csv or json"
        );
    }

    const HEADER: &str = "org_code,asset_name,kind,hostname,internet_facing,services,software_name,software_vendor,software_version,purl,cpe\n";

    #[test]
    fn rows_of_one_asset_merge() {
        let data = format!(
            "{HEADER}RJZ,LIMS server,server,lims01,no,Pathology,OpenSSL,OpenSSL,3.0.2,,cpe:2.3:a:openssl:openssl:3.0.2:*:*:*:*:*:*:*\n\
             RJZ,LIMS server,server,lims01,no,Pathology;Blood transfusion,log4j-core,Apache,2.14.1,pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1,\n"
        );
        let recs = parse(AssetFormat::Csv, "a.csv", data.as_bytes()).unwrap();
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].software.len(), 2);
        assert_eq!(recs[0].services, vec!["Pathology", "Blood transfusion"]);
    }

    #[test]
    fn rows_of_one_asset_merge_when_apart_too() {
        let data = format!(
            "{HEADER}RJZ,PC1,end_user_device,,no,,lodash,,4.17.15,,\n\
             RJZ,PC2,end_user_device,,no,,lodash,,4.17.21,,\n\
             RJZ,PC1,end_user_device,,no,,express,,4.18.2,,\n\
             RJZ,PC1,server,,no,,react,,18.2.0,,\n"
        );
        let Err(AppError::Invalid(p)) = parse(AssetFormat::Csv, "a.csv", data.as_bytes()) else {
            panic!("PC1 is described differently on line 5")
        };
        assert_eq!(p[0].path, "a.csv:5");
        let fixed = data.replace("RJZ,PC1,server,,no,,react,,18.2.0,,\n", "");
        let recs = parse(AssetFormat::Csv, "a.csv", fixed.as_bytes()).unwrap();
        let names: Vec<(&str, usize)> = recs.iter().map(|r| (r.name.as_str(), r.software.len())).collect();
        assert_eq!(names, vec![("PC1", 2), ("PC2", 1)]);
        assert_eq!(recs[0].software[1].name, "express");
    }

    #[test]
    fn a_bad_purl_names_line_and_column() {
        let data = format!("{HEADER}RJZ,PC,end_user_device,,no,,lodash,,4.17.15,npm/lodash,\n");
        let Err(AppError::Invalid(p)) = parse(AssetFormat::Csv, "a.csv", data.as_bytes()) else {
            panic!()
        };
        assert_eq!(p[0].path, "a.csv:2:10");
    }

    /// The problems of an invalid file, as (path, message).
    fn problems_of(data: &str) -> Vec<(String, String)> {
        match parse(AssetFormat::Csv, "a.csv", data.as_bytes()) {
            Err(AppError::Invalid(p)) => p.into_iter().map(|p| (p.path, p.message)).collect(),
            other => panic!("expected problems, got {other:?}"),
        }
    }

    #[test]
    fn each_bad_cell_is_reported_by_line_and_column() {
        let data = format!(
            "{HEADER}R!Z,PC1,end_user_device,,no,,,,,,\n\
             RJZ, ,end_user_device,,no,,,,,,\n\
             RJZ,PC3,toaster,,no,,,,,,\n\
             RJZ,PC4,end_user_device,,maybe,,,,,,\n\
             RJZ,PC5,end_user_device,,no,,lodash,,,,\n\
             RJZ,PC6,end_user_device,,no,,lodash,,4.17.15,,openssl\n\
             RJZ,PC7,end_user_device,,no,,lodash,,4.17.15,,,extra\n"
        );
        let p = problems_of(&data);
        let paths: Vec<&str> = p.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "a.csv:2:1",
                "a.csv:3:2",
                "a.csv:4:3",
                "a.csv:5:5",
                "a.csv:6:9",
                "a.csv:7:11",
                "a.csv:8"
            ]
        );
        assert!(p[1].1.contains("asset_name"), "{}", p[1].1);
        assert!(p[3].1.contains("'maybe' is not yes or no"), "{}", p[3].1);
        assert!(p[4].1.contains("version"), "{}", p[4].1);
        assert!(p[6].1.starts_with("unreadable CSV"), "{}", p[6].1);
    }

    #[test]
    fn columns_are_read_by_name_in_any_order_and_optional_ones_may_be_left_out() {
        let data = " internet_facing ,kind,asset_name,org_code,software_version,software_name\n\
                    yes,server,LIMS,RJZ,3.0.2,OpenSSL\n";
        let recs = parse(AssetFormat::Csv, "a.csv", data.as_bytes()).unwrap();
        assert_eq!(recs.len(), 1);
        let r = &recs[0];
        assert_eq!((r.org_code.as_str(), r.name.as_str()), ("RJZ", "LIMS"));
        assert_eq!(r.kind, AssetKind::Server);
        assert!(r.internet_facing);
        assert_eq!(r.hostname, None);
        assert!(r.services.is_empty());
        assert_eq!(r.software[0].name, "OpenSSL");
        assert_eq!(r.software[0].version, "3.0.2");
        assert_eq!(
            (r.software[0].purl.as_ref(), r.software[0].cpe.as_ref()),
            (None, None)
        );
    }

    #[test]
    fn a_problem_in_a_column_the_file_does_not_have_names_the_line() {
        // Software named without a version column: the version is empty, and there is no
        // column to point at.
        let data = "org_code,asset_name,kind,internet_facing,software_name\nRJZ,PC,server,no,lodash\n";
        let p = problems_of(data);
        assert_eq!(p[0].0, "a.csv:2");
        assert!(p[0].1.contains("version"), "{}", p[0].1);
    }

    #[test]
    fn unknown_repeated_and_missing_columns_are_reported_on_line_one() {
        let p = problems_of("org_code,asset_name,colour,asset_name,internet_facing\nRJZ,PC,red,PC,no\n");
        assert_eq!(
            p,
            vec![
                ("a.csv:1:3".to_owned(), "unknown column 'colour'".to_owned()),
                (
                    "a.csv:1:4".to_owned(),
                    "column 'asset_name' appears twice".to_owned()
                ),
                ("a.csv:1".to_owned(), "missing column 'kind'".to_owned()),
            ]
        );
    }

    #[test]
    fn json_wrong_type_names_the_path() {
        let data = br#"[{"org_code":"RJZ","name":"x","kind":"server","internet_facing":"maybe"}]"#;
        let Err(AppError::Invalid(p)) = parse(AssetFormat::Json, "a.json", data) else {
            panic!()
        };
        assert!(p[0].path.contains("[0].internet_facing"), "{}", p[0].path);
    }
}
