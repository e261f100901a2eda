//! What the technology assessment forms offer to pick for one organisation: the suppliers it
//! depends on (from its inventory and declared dependencies, as the supplier register reads them),
//! those suppliers' products, and its own assets. The request names a supplier and a product only
//! from these ([`App::check_tech_request_picks`]: the one rule, for the API and the page alike); a
//! finding names the organisation's own assets (the store accepts no other).

use serde::Serialize;
use ward_core::tech_assessment::TechRequestInput;
use ward_core::{OrgId, ProductId};
use ward_engine::impact::Visibility;

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::incident_choices::Pick;

/// One product that may be picked, with its supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProductPick {
    pub id: ProductId,
    pub supplier: OrgId,
    /// `Product (Supplier)`.
    pub label: String,
}

/// What the forms offer for one organisation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TechChoices {
    /// The suppliers it depends on, by name.
    pub suppliers: Vec<Pick>,
    /// Their products, by supplier then name.
    pub products: Vec<ProductPick>,
    /// Its own assets, by name (at most [`MAX_CHOICES`](crate::incident_choices::MAX_CHOICES)).
    pub assets: Vec<Pick>,
    /// How many assets it has (more than offered when over
    /// [`MAX_CHOICES`](crate::incident_choices::MAX_CHOICES)).
    pub assets_total: u64,
}

impl App {
    /// The choices of the technology assessment forms for `org`, for those who may ask for an
    /// assessment for it or assess its requests.
    pub async fn tech_choices(&self, actor: &Actor, org: OrgId) -> AppResult<TechChoices> {
        let now = self.now();
        let scope = match authorise_on(self.store(), actor, Action::RequestTechAssessments, org, now).await {
            Ok(scope) => scope,
            Err(_) => authorise_on(self.store(), actor, Action::AssessTechnology, org, now).await?,
        };
        let mut choices = self.depended_products(org).await?;
        (choices.assets, choices.assets_total) = self.own_asset_picks(&scope, org).await?;
        choices.assets.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(choices)
    }

    /// The suppliers `org` depends on and their products (no assets).
    async fn depended_products(&self, org: OrgId) -> AppResult<TechChoices> {
        let register = self.supplier_register_index().await?;
        let view = register.view(&Visibility::Orgs(vec![org]));
        let mut choices = TechChoices::default();
        for s in view.suppliers.iter().filter(|s| s.supplier != org) {
            choices.suppliers.push(Pick {
                id: s.supplier.to_string(),
                label: format!("{} ({})", s.name, s.code),
            });
            for p in &s.products {
                choices.products.push(ProductPick {
                    id: p.id,
                    supplier: s.supplier,
                    label: format!("{} ({})", p.name, s.name),
                });
            }
        }
        choices.suppliers.sort_by(|a, b| a.label.cmp(&b.label));
        choices.products.sort_by(|a, b| a.label.cmp(&b.label));
        Ok(choices)
    }

    /// A request names only a supplier its organisation depends on, and only a product of such a
    /// supplier (of the named supplier, when both are given); otherwise 422 naming the field.
    pub(crate) async fn check_tech_request_picks(&self, input: &TechRequestInput) -> AppResult<()> {
        if input.supplier.is_none() && input.product.is_none() {
            return Ok(());
        }
        let choices = self.depended_products(input.org).await?;
        let mut problems = Vec::new();
        if let Some(s) = input.supplier
            && !choices.suppliers.iter().any(|p| p.id == s.to_string())
        {
            problems.push(FieldProblem {
                path: "supplier".into(),
                message: "choose one of the suppliers your organisation depends on".into(),
            });
        }
        if let Some(id) = input.product {
            match choices.products.iter().find(|p| p.id == id) {
                None => problems.push(FieldProblem {
                    path: "product".into(),
                    message: "choose one of the products of the suppliers your organisation depends on"
                        .into(),
                }),
                Some(p) if input.supplier.is_some_and(|s| s != p.supplier) => problems.push(FieldProblem {
                    path: "product".into(),
                    message: "this product is not the chosen supplier's".into(),
                }),
                Some(_) => {}
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(problems))
        }
    }
}
