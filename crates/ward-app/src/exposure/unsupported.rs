//! Unsupported software: assets running a release past its end of security support, with the
//! date it ended, whether or not any advisory names it.

use jiff::civil::Date;
use serde::Serialize;
use ward_core::{AssetId, OrgId};
use ward_engine::eol::SoftwareRef;
use ward_store::{Page, PageRequest};

use super::index::{AssetIx, ExposureIndex, UnsupportedIx, Visible};
use super::view::OrgRef;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::AppResult;

/// One asset running one unsupported release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnsupportedRow {
    pub org: OrgRef,
    /// The organisation `org` is part of (its ICB or region), when the caller can see it.
    pub part_of: Option<OrgRef>,
    pub asset: AssetId,
    pub asset_name: String,
    pub internet_facing: bool,
    /// The software as recorded: a package URL, a CPE, or the name and version.
    pub software: String,
    /// The software as people name it ("Fortinet Fortios 7.2.4").
    pub software_name: String,
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
        let inv = self.sector.inventory();
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
        asset: Option<AssetIx>,
    ) -> Vec<(UnsupportedIx, AssetIx)> {
        let mut out: Vec<(UnsupportedIx, AssetIx)> = self
            .threats
            .unsupported_installs()
            .filter(|(_, a)| {
                let org = self.sector.asset(*a).org;
                asset.is_none_or(|x| x == *a)
                    && visible.org(org)
                    && root.is_none_or(|p| self.sector.in_subtree(org, p))
            })
            .collect();
        out.sort_by(|x, y| {
            let eol = |r: &(UnsupportedIx, AssetIx)| self.threats.unsupported_item(r.0).finding.eol;
            // Known dates first, oldest first; then by organisation and asset name.
            (eol(x).is_none(), eol(x))
                .cmp(&(eol(y).is_none(), eol(y)))
                .then_with(|| {
                    let name = |r: &(UnsupportedIx, AssetIx)| {
                        let a = self.sector.asset(r.1);
                        (&self.sector.org(a.org).name, &a.name)
                    };
                    name(x).cmp(&name(y))
                })
                .then(x.cmp(y))
        });
        out
    }

    pub(crate) fn unsupported_row(
        &self,
        (item, asset): (UnsupportedIx, AssetIx),
        visible: &Visible,
    ) -> UnsupportedRow {
        let u = self.threats.unsupported_item(item);
        let a = self.sector.asset(asset);
        let software = self.software_label(u.software);
        UnsupportedRow {
            org: self.org_ref(a.org),
            part_of: self.part_of(a.org, visible),
            asset: a.id,
            asset_name: a.name.clone(),
            internet_facing: a.internet_facing,
            software_name: ward_engine::software_name::name_of_identifier(&software),
            software,
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
        let root = org.and_then(|o| index.org_path(o));
        let asset_index = match asset {
            Some(a) => match index.sector.find_asset(a) {
                Some(i) => Some(i),
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
        let rows = index.unsupported_rows(&visible, root, asset_index);
        let start = usize::try_from(page.offset).unwrap_or(usize::MAX).min(rows.len());
        let end = start
            .saturating_add(page.clamped_limit() as usize)
            .min(rows.len());
        Ok(Page {
            items: rows[start..end]
                .iter()
                .map(|r| index.unsupported_row(*r, &visible))
                .collect(),
            total: rows.len() as u64,
            total_is_lower_bound: false,
            offset: page.offset,
            limit: page.clamped_limit(),
        })
    }
}
