//! Reading the hierarchy and the inventory, and everyday changes to it.

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult};
use ward_core::asset::Asset;
use ward_core::org::{OdsCode, OrgLink, Organisation};
use ward_core::service::Service;
use ward_core::supplier::Product;
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::{
    AssetFilter, AssetSummary, OrgFilter, OrgOverview, Page, PageRequest, ProductFilter, Scope, ServiceFilter,
};

/// One organisation with what sits around it in the hierarchy, as far as the actor may see.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct OrgDetail {
    pub org: Organisation,
    /// Nearest first, only those inside the actor's footprint.
    pub ancestors: Vec<Organisation>,
    pub children: Vec<Organisation>,
    pub links: Vec<OrgLink>,
    pub overview: OrgOverview,
}

impl App {
    /// The organisation the actor is acting for, with its overview.
    pub async fn home(&self, actor: &Actor) -> AppResult<OrgDetail> {
        self.org_detail(actor, actor.org).await
    }

    pub async fn org_detail(&self, actor: &Actor, id: OrgId) -> AppResult<OrgDetail> {
        let scope = authorise_on(self.store(), actor, Action::ReadOrgs, id, self.now()).await?;
        let org = self.store().get_org(&scope, id).await?;
        let mut ancestors = Vec::new();
        for a in self.store().org_ancestors(id).await? {
            match self.store().get_org(&scope, a).await {
                Ok(o) => ancestors.push(o),
                Err(ward_store::StoreError::NotFound { .. } | ward_store::StoreError::Forbidden { .. }) => {
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        let children = self.store().org_children(&scope, id).await?;
        let links = self.store().org_links(&scope, id).await?;
        let overview = if authorise(actor, Action::ReadInventory, self.now()).is_ok() {
            self.store().org_overview(&scope, id).await?
        } else {
            OrgOverview::default()
        };
        Ok(OrgDetail {
            org,
            ancestors,
            children,
            links,
            overview,
        })
    }

    pub async fn org_by_code(&self, actor: &Actor, code: &str) -> AppResult<Organisation> {
        let scope = authorise(actor, Action::ReadOrgs, self.now())?;
        let code = OdsCode::parse(code)?;
        Ok(self.store().get_org_by_code(&scope, &code).await?)
    }

    pub async fn list_orgs(
        &self,
        actor: &Actor,
        f: &OrgFilter,
        p: PageRequest,
    ) -> AppResult<Page<Organisation>> {
        let scope = authorise(actor, Action::ReadOrgs, self.now())?;
        Ok(self.store().list_orgs(&scope, f, p).await?)
    }

    pub async fn list_services(
        &self,
        actor: &Actor,
        f: &ServiceFilter,
        p: PageRequest,
    ) -> AppResult<Page<Service>> {
        let scope = authorise(actor, Action::ReadInventory, self.now())?;
        Ok(self.store().list_services(&scope, f, p).await?)
    }

    pub async fn service(&self, actor: &Actor, id: ServiceId) -> AppResult<Service> {
        let scope = authorise(actor, Action::ReadInventory, self.now())?;
        Ok(self.store().get_service(&scope, id).await?)
    }

    pub async fn list_assets(
        &self,
        actor: &Actor,
        f: &AssetFilter,
        p: PageRequest,
    ) -> AppResult<Page<AssetSummary>> {
        let scope = authorise(actor, Action::ReadInventory, self.now())?;
        // A quoted search ("log4j") searches for what is inside the quotes.
        let f = AssetFilter {
            text: f.text.as_deref().and_then(ward_core::search::search_text),
            ..f.clone()
        };
        Ok(self.store().list_assets(&scope, &f, p).await?)
    }

    pub async fn asset(&self, actor: &Actor, id: AssetId) -> AppResult<Asset> {
        let scope = authorise(actor, Action::ReadInventory, self.now())?;
        Ok(self.store().get_asset(&scope, id).await?)
    }

    /// Add services to an organisation in the actor's footprint.
    pub async fn create_services(&self, actor: &Actor, services: &[Service]) -> AppResult<u64> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteInventory, now)?;
        for (i, s) in services.iter().enumerate() {
            ward_core::error::require_text("name", &s.name, 200).map_err(|e| e.at(&format!("[{i}]")))?;
        }
        let n = self
            .store()
            .insert_services(&scope, services, &actor.audit(now))
            .await?;
        self.exposure_changed();
        Ok(n)
    }

    /// Add assets (validated first; stored all or nothing).
    pub async fn create_assets(&self, actor: &Actor, assets: &[Asset]) -> AppResult<u64> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteInventory, now)?;
        let mut problems = Vec::new();
        for (i, a) in assets.iter().enumerate() {
            if let Err(e) = a.validate() {
                let e = e.at(&format!("[{i}]"));
                problems.push(crate::FieldProblem {
                    path: e.field,
                    message: e.message,
                });
            }
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let n = self
            .store()
            .insert_assets(&scope, assets, &actor.audit(now))
            .await?;
        self.exposure_changed();
        self.queue_alert_extension_logged().await;
        Ok(n)
    }

    pub async fn update_asset(&self, actor: &Actor, asset: &Asset) -> AppResult<()> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteInventory, now)?;
        asset.validate()?;
        self.store()
            .update_asset(&scope, asset, &actor.audit(now))
            .await?;
        self.exposure_changed();
        self.queue_alert_extension_logged().await;
        Ok(())
    }

    pub async fn delete_asset(&self, actor: &Actor, id: AssetId) -> AppResult<()> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteInventory, now)?;
        self.store().delete_asset(&scope, id, &actor.audit(now)).await?;
        self.exposure_changed();
        Ok(())
    }

    /// The shared product catalogue. Supplier contacts see only their own products.
    pub async fn list_products(
        &self,
        actor: &Actor,
        f: &ProductFilter,
        p: PageRequest,
    ) -> AppResult<Page<Product>> {
        let scope = authorise(actor, Action::ReadOrgs, self.now())?;
        let mut f = f.clone();
        if let Scope::Orgs(orgs) = &scope
            && let Some(own) = orgs.first()
        {
            if f.supplier.is_some_and(|s| s != *own) {
                return Ok(Page {
                    items: vec![],
                    total: 0,
                    total_is_lower_bound: false,
                    offset: p.offset,
                    limit: p.clamped_limit(),
                });
            }
            f.supplier = Some(*own);
        }
        Ok(self.store().list_products(&f, p).await?)
    }

    /// Organisations the actor may switch to or look at first: the roots of their footprint.
    pub async fn scope_roots(&self, actor: &Actor) -> AppResult<Vec<Organisation>> {
        let scope = authorise(actor, Action::ReadOrgs, self.now())?;
        Ok(vec![self.store().get_org(&scope, actor.org).await?])
    }

    /// "Name (CODE)" for each of `ids` the actor may see (others are left out), for pages that
    /// name the organisations of records they list.
    pub async fn org_labels(
        &self,
        actor: &Actor,
        ids: impl IntoIterator<Item = OrgId>,
    ) -> AppResult<std::collections::BTreeMap<OrgId, String>> {
        let scope = authorise(actor, Action::ReadOrgs, self.now())?;
        let ids: Vec<OrgId> = ids
            .into_iter()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        // One query for the whole page, confined to the scope (was one read per organisation).
        Ok(self
            .store()
            .org_labels(&scope, &ids)
            .await?
            .into_iter()
            .map(|(id, (code, name))| (id, format!("{name} ({code})")))
            .collect())
    }

    /// Used by the API layer to confirm a referenced organisation is visible.
    pub async fn check_org_visible(&self, actor: &Actor, org: OrgId) -> AppResult<()> {
        authorise_on(self.store(), actor, Action::ReadOrgs, org, self.now())
            .await
            .map(|_| ())
    }
}
