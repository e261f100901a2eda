//! What the incident form offers to pick: the organisation's own services and assets (what the
//! store accepts, so a choice never fails for being another organisation's), and the suppliers of
//! the register, those the organisation depends on first.

use serde::Serialize;
use ward_core::OrgId;
use ward_core::org::OrgKind;
use ward_store::{AssetFilter, OrgFilter, PageRequest, Scope, ServiceFilter};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise_on};
use crate::error::AppResult;

/// Most services, assets or suppliers offered on the form (the API takes any of the
/// organisation's own).
pub const MAX_CHOICES: u32 = 500;

/// One thing that may be picked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pick {
    pub id: String,
    pub label: String,
}

/// What the incident form offers for one organisation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct IncidentChoices {
    pub services: Vec<Pick>,
    pub assets: Vec<Pick>,
    /// How many assets the organisation has (more than offered when over [`MAX_CHOICES`]).
    pub assets_total: u64,
    pub suppliers: Vec<Pick>,
}

impl App {
    /// The choices of the incident form for `org`, for those who may record its incidents.
    pub async fn incident_choices(&self, actor: &Actor, org: OrgId) -> AppResult<IncidentChoices> {
        let scope = authorise_on(self.store(), actor, Action::WriteIncidents, org, self.now()).await?;
        let page = PageRequest {
            offset: 0,
            limit: MAX_CHOICES,
        };
        let services = self
            .store()
            .list_services(
                &scope,
                &ServiceFilter {
                    org: Some(org),
                    ..ServiceFilter::default()
                },
                page,
            )
            .await?;
        let (assets, assets_total) = self.own_asset_picks(&scope, org).await?;
        let suppliers = self
            .store()
            .list_orgs(
                &Scope::All,
                &OrgFilter {
                    kind: Some(OrgKind::Supplier),
                    ..OrgFilter::default()
                },
                page,
            )
            .await?;
        let register = self.supplier_register_index().await?;
        let depended = register.suppliers_of(&[org]).remove(&org).unwrap_or_default();
        let mut suppliers: Vec<(bool, Pick)> = suppliers
            .items
            .into_iter()
            .map(|s| {
                let depends = depended.contains(&s.id);
                let label = if depends {
                    format!("{} ({}), which you depend on", s.name, s.code.as_str())
                } else {
                    format!("{} ({})", s.name, s.code.as_str())
                };
                (
                    !depends,
                    Pick {
                        id: s.id.to_string(),
                        label,
                    },
                )
            })
            .collect();
        suppliers.sort_by(|a, b| (a.0, &a.1.label).cmp(&(b.0, &b.1.label)));
        Ok(IncidentChoices {
            services: services
                .items
                .into_iter()
                .filter(|s| s.org == org)
                .map(|s| Pick {
                    id: s.id.to_string(),
                    label: s.name,
                })
                .collect(),
            assets_total,
            assets,
            suppliers: suppliers.into_iter().map(|(_, p)| p).collect(),
        })
    }
}

impl App {
    /// `org`'s own assets as picks, "name (hostname)" where the hostname says more, in the
    /// store's order (at most [`MAX_CHOICES`]), and how many it has in all.
    pub(crate) async fn own_asset_picks(&self, scope: &Scope, org: OrgId) -> AppResult<(Vec<Pick>, u64)> {
        let page = PageRequest {
            offset: 0,
            limit: MAX_CHOICES,
        };
        let filter = AssetFilter {
            org: Some(org),
            ..AssetFilter::default()
        };
        let assets = self.store().list_assets(scope, &filter, page).await?;
        let picks = assets
            .items
            .into_iter()
            .filter(|a| a.org == org)
            .map(|a| Pick {
                id: a.id.to_string(),
                label: match a.hostname {
                    Some(h) if h != a.name => format!("{} ({h})", a.name),
                    _ => a.name,
                },
            })
            .collect();
        Ok((picks, assets.total))
    }
}
