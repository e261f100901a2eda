//! The exposure list grouped: one line per vulnerability or per organisation, each with the number
//! of rows that its own filter (`advisory=…` or `org=…`, added to the list's filters) opens.
//!
//! A line counts exactly the rows its link opens, so a group is what that filter selects: a
//! vulnerability's line counts the selected rows of every advisory known by its id (its CVE when it
//! has one, so GHSA and NVD records of one CVE are one line); an organisation's line counts the
//! selected rows of that organisation and those beneath it (as the list's organisation filter
//! does). Lines are ordered by their highest priority, then by how many rows they hold.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use ward_store::{Page, PageRequest};

use super::index::{AssetIx, ExposureIndex, OrgIx, RowIx, Visible};
use super::view::{ExposureFilter, OrgRef, Sort};
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// What to group the exposure list by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum GroupBy {
    /// One line per vulnerability (its CVE, else its advisory id).
    Advisory,
    /// One line per organisation owning exposed assets.
    Org,
}

/// One line of a grouped list.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ExposureGroup {
    /// The filter value that opens this line's rows: an advisory id, or an organisation code.
    pub key: String,
    /// For a vulnerability: its summary, when the advisory has one.
    pub summary: Option<String>,
    /// For an organisation: the organisation and the one it is part of (when visible).
    pub org: Option<OrgRef>,
    pub part_of: Option<OrgRef>,
    /// Rows the line's link opens.
    pub rows: u64,
    /// Distinct assets among them.
    pub assets: u64,
    /// Distinct organisations owning those assets.
    pub orgs: u64,
    /// Distinct vulnerabilities among them.
    pub advisories: u64,
    /// Rows on internet-facing assets.
    pub internet_facing: u64,
    /// The highest priority among them.
    pub max_priority: f64,
}

#[derive(Default)]
struct Tally {
    rows: u64,
    assets: BTreeSet<AssetIx>,
    orgs: BTreeSet<OrgIx>,
    advisories: BTreeSet<String>,
    internet_facing: u64,
    max: f32,
}

impl Tally {
    fn add(&mut self, index: &ExposureIndex, row: RowIx) {
        let r = index.rows.get(row);
        let asset = index.sector.asset(r.asset);
        self.rows += 1;
        self.assets.insert(r.asset);
        self.orgs.insert(asset.org);
        self.advisories.insert(index.vulnerability_key(row).to_owned());
        if asset.internet_facing {
            self.internet_facing += 1;
        }
        self.max = self.max.max(r.score);
    }
}

impl ExposureIndex {
    /// The id a vulnerability's rows are grouped and filtered by: the advisory's CVE, else its id.
    fn vulnerability_key(&self, row: RowIx) -> &str {
        let a = self
            .threats
            .advisory(self.threats.advisory_of(self.rows.get(row).matched));
        a.cve().unwrap_or(&a.id)
    }

    /// `rows` (already selected for a caller who sees `visible`) grouped `by`, in line order.
    pub(crate) fn groups(&self, visible: &Visible, rows: &[RowIx], by: GroupBy) -> Vec<ExposureGroup> {
        let mut tallies: BTreeMap<String, (Tally, Option<OrgIx>)> = BTreeMap::new();
        match by {
            GroupBy::Advisory => {
                // By the key in upper case (the filter ignores case), shown as first written.
                let keys: HashMap<String, &str> = rows
                    .iter()
                    .map(|r| {
                        let k = self.vulnerability_key(*r);
                        (k.to_ascii_uppercase(), k)
                    })
                    .collect();
                for &row in rows {
                    let a = self
                        .threats
                        .advisory(self.threats.advisory_of(self.rows.get(row).matched));
                    // Every key the row's advisory is known by: what `advisory=<key>` selects.
                    let named: BTreeSet<&str> = a
                        .all_ids()
                        .filter_map(|id| keys.get(&id.to_ascii_uppercase()).copied())
                        .collect();
                    for key in named {
                        tallies.entry(key.to_owned()).or_default().0.add(self, row);
                    }
                }
            }
            GroupBy::Org => {
                let owners: BTreeSet<OrgIx> = rows
                    .iter()
                    .map(|r| self.sector.asset(self.rows.get(*r).asset).org)
                    .collect();
                let mut by_path: HashMap<&str, OrgIx> = HashMap::new();
                for o in &owners {
                    by_path.insert(self.sector.org(*o).path.as_str(), *o);
                }
                for &row in rows {
                    let owner = self.sector.asset(self.rows.get(row).asset).org;
                    // The owner and every owner above it: what `org=<code>` selects.
                    let path = self.sector.org(owner).path.as_str();
                    for (end, _) in path.match_indices('/').skip(1) {
                        if let Some(o) = by_path.get(&path[..=end]) {
                            let code = self.sector.org(*o).code.to_string();
                            let entry = tallies.entry(code).or_default();
                            entry.1 = Some(*o);
                            entry.0.add(self, row);
                        }
                    }
                }
            }
        }
        let summaries: HashMap<String, Option<String>> = match by {
            GroupBy::Advisory => rows
                .iter()
                .map(|r| {
                    let a = self
                        .threats
                        .advisory(self.threats.advisory_of(self.rows.get(*r).matched));
                    (self.vulnerability_key(*r).to_owned(), a.summary.clone())
                })
                .collect(),
            GroupBy::Org => HashMap::new(),
        };
        let mut out: Vec<ExposureGroup> = tallies
            .into_iter()
            .map(|(key, (t, org))| ExposureGroup {
                summary: summaries.get(&key).cloned().flatten(),
                org: org.map(|o| self.org_ref(o)),
                part_of: org.and_then(|o| self.part_of(o, visible)),
                key,
                rows: t.rows,
                assets: t.assets.len() as u64,
                orgs: t.orgs.len() as u64,
                advisories: t.advisories.len() as u64,
                internet_facing: t.internet_facing,
                max_priority: (f64::from(t.max) * 10.0).round() / 10.0,
            })
            .collect();
        out.sort_by(|x, y| {
            y.max_priority
                .total_cmp(&x.max_priority)
                .then(y.rows.cmp(&x.rows))
                .then(x.key.cmp(&y.key))
        });
        out
    }
}

impl App {
    /// The exposures the actor may see and `filter` selects, grouped `by`, a page of lines.
    pub async fn group_exposures(
        &self,
        actor: &Actor,
        filter: &ExposureFilter,
        by: GroupBy,
        page: PageRequest,
    ) -> AppResult<Page<ExposureGroup>> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        let (index, rows) = self.selected_exposures(actor, filter, Sort::Priority).await?;
        let visible = index.visible(&scope);
        let lines = index.groups(&visible, &rows, by);
        let limit = page.clamped_limit();
        let start = usize::try_from(page.offset)
            .unwrap_or(usize::MAX)
            .min(lines.len());
        let end = start.saturating_add(limit as usize).min(lines.len());
        Ok(Page {
            total: lines.len() as u64,
            items: lines
                .get(start..end)
                .map(<[ExposureGroup]>::to_vec)
                .ok_or_else(|| AppError::Internal("grouped page out of range".into()))?,
            total_is_lower_bound: false,
            offset: page.offset,
            limit,
        })
    }
}
