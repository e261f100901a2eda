//! Unsupported software: assets running a release past its end of security support, with the
//! date it ended, whether or not any advisory names it.

use jiff::civil::Date;
use serde::Serialize;
use ward_core::{AssetId, OrgId};
use ward_engine::eol::SoftwareRef;
use ward_store::{Page, PageRequest};

use super::index::{ExposureIndex, Visible};
use super::view::OrgRef;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::AppResult;

/// One asset running one unsupported release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnsupportedRow {
    pub org: OrgRef,
    pub asset: AssetId,
    pub asset_name: String,
    pub internet_facing: bool,
    /// The software as recorded: a package URL, a CPE, or the name and version.
    pub software: String,
    /// The end-of-life product (`windows`, `rhel`, ...) and release cycle (`7-sp1`).
    pub product: String,
    pub cycle: String,
    /// When security support ended, when the data gives a date.
    #[schema(value_type = Option<String>, format = Date)]
    pub eol: Option<Date>,
}

impl ExposureIndex {
    /// The software as recorded: a package URL, a CPE, or the name and version.
    pub(crate) fn software_label(&self, s: SoftwareRef) -> String {
        let inv = &self.inventory;
        match s {
            SoftwareRef::PackageVersion(v) => inv
                .versions()
                .get(v as usize)
                .map(|r| inv.text(r.purl).to_owned())
                .unwrap_or_default(),
            SoftwareRef::Cpe(c) => inv
                .cpes()
                .get(c as usize)
                .map(ToString::to_string)
                .unwrap_or_default(),
            SoftwareRef::Named(n) => inv
                .named()
                .get(n as usize)
                .map(|r| format!("{} {}", inv.text(r.name), inv.text(r.version)))
                .unwrap_or_default(),
        }
    }

    /// Unsupported (asset, release) pairs inside `visible`, under `root` and for `asset` when
    /// given; the longest-unsupported first.
    pub(crate) fn unsupported_rows(
        &self,
        visible: &Visible,
        root: Option<&str>,
        asset: Option<u32>,
    ) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        for (i, item) in self.unsupported.iter().enumerate() {
            for &a in &item.assets {
                let org = self.org_of_asset(a);
                if asset.is_none_or(|x| x == a)
                    && visible.org(org)
                    && root.is_none_or(|p| self.orgs[org as usize].path.starts_with(p))
                {
                    out.push((u32::try_from(i).unwrap_or(u32::MAX), a));
                }
            }
        }
        out.sort_by(|x, y| {
            let eol = |r: &(u32, u32)| self.unsupported[r.0 as usize].finding.eol;
            // Known dates first, oldest first; then by organisation and asset name.
            (eol(x).is_none(), eol(x))
                .cmp(&(eol(y).is_none(), eol(y)))
                .then_with(|| {
                    let name = |r: &(u32, u32)| {
                        let a = &self.assets[r.1 as usize];
                        (&self.orgs[a.org as usize].name, &a.name)
                    };
                    name(x).cmp(&name(y))
                })
                .then(x.cmp(y))
        });
        out
    }

    pub(crate) fn unsupported_row(&self, (item, asset): (u32, u32)) -> UnsupportedRow {
        let u = &self.unsupported[item as usize];
        let a = &self.assets[asset as usize];
        UnsupportedRow {
            org: self.org_ref(a.org),
            asset: a.id,
            asset_name: a.name.clone(),
            internet_facing: a.internet_facing,
            software: self.software_label(u.software),
            product: u.finding.product.clone(),
            cycle: u.finding.cycle.clone(),
            eol: u.finding.eol,
        }
    }
}

impl App {
    /// Assets running unsupported software in the actor's footprint, in one organisation's subtree
    /// or on one asset.
    pub async fn list_unsupported(
        &self,
        actor: &Actor,
        org: Option<OrgId>,
        asset: Option<AssetId>,
        page: PageRequest,
    ) -> AppResult<Page<UnsupportedRow>> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        if let Some(o) = org {
            authorise_on(self.store(), actor, Action::ReadExposure, o, self.now()).await?;
        }
        let index = self.exposure_index().await?;
        let visible = index.visible(&scope);
        let root = org
            .and_then(|o| index.org_index.get(&o))
            .map(|i| index.orgs[*i as usize].path.clone());
        let asset_index = match asset {
            Some(a) => match index.asset_index.get(&a) {
                Some(i) => Some(*i),
                None => {
                    return Ok(Page {
                        items: Vec::new(),
                        total: 0,
                        total_is_lower_bound: false,
                        offset: page.offset,
                        limit: page.clamped_limit(),
                    });
                }
            },
            None => None,
        };
        let rows = index.unsupported_rows(&visible, root.as_deref(), asset_index);
        let start = usize::try_from(page.offset).unwrap_or(usize::MAX).min(rows.len());
        let end = start
            .saturating_add(page.clamped_limit() as usize)
            .min(rows.len());
        Ok(Page {
            items: rows[start..end]
                .iter()
                .map(|r| index.unsupported_row(*r))
                .collect(),
            total: rows.len() as u64,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }
}
