//! Suppliers' products and what a supplier may speak for.
//!
//! A supplier's VEX statement applies to every organisation running its product, so the one rule
//! here decides both when a statement is made ([`App::state_vex`](crate::App::state_vex)) and when
//! the exposure index layers stored statements ([`uncovered_identifier`]): a supplier speaks only
//! for products a national role has confirmed as its own, and only when **every** identifier the
//! statement carries names one of them.
//!
//! Products name their software by CPE (vendor and product exact, no wildcards). A CPE
//! vendor/product confirmed as one supplier's cannot be listed or confirmed for another. Products
//! carry no package URLs, so a supplier statement naming a purl is refused: a supplier's Maven or
//! npm coordinates would first need to be a confirmed identifier of one of its products.

use ward_core::ProductId;
use ward_core::supplier::{Product, ProductStatus};
use ward_core::vuln::ProductRef;
use ward_store::{PageRequest, ProductFilter, Scope};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise};
use crate::error::{AppError, AppResult};

/// The exact `(vendor, product)` of a CPE, or why it cannot identify a product.
pub fn cpe_identity(cpe: &str) -> Result<(String, String), String> {
    let parsed = ward_engine::Cpe::parse(cpe).map_err(|e| format!("'{cpe}' is not a CPE name: {e}"))?;
    match parsed.vendor_product() {
        Some((v, p)) if !v.trim().is_empty() && !p.trim().is_empty() => Ok((v.to_owned(), p.to_owned())),
        _ => Err(format!(
            "'{cpe}' must name the vendor and the product exactly (no '*', '-' or wildcards)"
        )),
    }
}

/// The first identifier of `product` (a statement's software) that none of `confirmed` names, as
/// `(field, identifier)`; `None` when every identifier belongs to one of them. `confirmed` are the
/// supplier's confirmed products (others are ignored, whatever the caller passes).
pub fn uncovered_identifier(confirmed: &[Product], product: &ProductRef) -> Option<(&'static str, String)> {
    if product.purl.is_none() && product.cpe.is_none() {
        return Some((
            "cpe",
            "(none: name the product by the CPE of one of your confirmed products)".to_owned(),
        ));
    }
    if let Some(purl) = &product.purl {
        // No product carries package URLs, so no purl is a supplier's to speak for.
        return Some(("purl", purl.clone()));
    }
    if let Some(cpe) = &product.cpe {
        let Ok(stated) = cpe_identity(cpe) else {
            return Some(("cpe", cpe.clone()));
        };
        let ours = confirmed
            .iter()
            .filter(|p| p.status == ProductStatus::Confirmed)
            .filter_map(|p| p.cpe.as_deref())
            .any(|c| cpe_identity(c).is_ok_and(|listed| listed == stated));
        if !ours {
            return Some(("cpe", cpe.clone()));
        }
    }
    match &product.platform {
        Some(platform) => uncovered_identifier(confirmed, platform),
        None => None,
    }
}

impl App {
    /// Every confirmed product, or those of one supplier.
    pub async fn confirmed_products(&self, supplier: Option<ward_core::OrgId>) -> AppResult<Vec<Product>> {
        let filter = ProductFilter {
            supplier,
            status: Some(ProductStatus::Confirmed),
            ..ProductFilter::default()
        };
        let mut out = Vec::new();
        loop {
            let page = self
                .store()
                .list_products(
                    &filter,
                    PageRequest {
                        offset: out.len() as u64,
                        limit: 1000,
                    },
                )
                .await?;
            let done = page.items.is_empty();
            out.extend(page.items);
            if done || out.len() as u64 >= page.total {
                return Ok(out);
            }
        }
    }

    /// Refuse a CPE whose vendor/product is confirmed as another supplier's product.
    fn check_not_claimed(confirmed: &[Product], p: &Product, identity: &(String, String)) -> AppResult<()> {
        let other = confirmed.iter().find(|c| {
            c.supplier != p.supplier
                && c.id != p.id
                && c.cpe
                    .as_deref()
                    .is_some_and(|cpe| cpe_identity(cpe).is_ok_and(|i| &i == identity))
        });
        match other {
            Some(_) => Err(AppError::Conflict(format!(
                "cpe: {}:{} is already confirmed as another supplier's product",
                identity.0, identity.1
            ))),
            None => Ok(()),
        }
    }

    /// Lists or changes products. A product a supplier contact lists (or changes) is unconfirmed
    /// until a national analyst confirms it; products national roles list are confirmed. A CPE
    /// must name its vendor and product exactly, and not one confirmed as another supplier's.
    pub async fn upsert_products(&self, actor: &Actor, products: &[Product]) -> AppResult<u64> {
        let now = self.now();
        let scope = authorise(actor, Action::WriteProducts, now)?;
        let status = if matches!(scope, Scope::All) {
            ProductStatus::Confirmed
        } else {
            ProductStatus::Unconfirmed
        };
        let confirmed = self.confirmed_products(None).await?;
        let mut checked = Vec::with_capacity(products.len());
        for (i, p) in products.iter().enumerate() {
            let path = if products.len() == 1 {
                "cpe".to_owned()
            } else {
                format!("products[{i}].cpe")
            };
            let cpe = p.cpe.as_deref().map(str::trim).filter(|c| !c.is_empty());
            if let Some(c) = cpe {
                let identity = cpe_identity(c).map_err(|m| AppError::invalid(&path, m))?;
                Self::check_not_claimed(&confirmed, p, &identity)?;
            }
            checked.push(Product {
                cpe: cpe.map(str::to_owned),
                status,
                ..p.clone()
            });
        }
        let written = self
            .store()
            .upsert_products(&scope, &checked, &actor.audit(now))
            .await?;
        self.exposure_changed();
        Ok(written)
    }

    /// Lists one product (as [`App::upsert_products`]) and returns it as stored, with its status.
    pub async fn create_product(&self, actor: &Actor, product: &Product) -> AppResult<Product> {
        self.upsert_products(actor, std::slice::from_ref(product)).await?;
        Ok(self.store().get_product(product.id).await?)
    }

    /// A national analyst confirms (or rejects) that a product is its supplier's. Confirming needs
    /// an exact CPE not confirmed for another supplier. Audited; exposure is re-layered at once.
    pub async fn review_product(
        &self,
        actor: &Actor,
        id: ProductId,
        status: ProductStatus,
    ) -> AppResult<Product> {
        let now = self.now();
        let scope = authorise(actor, Action::ConfirmProducts, now)?;
        if status == ProductStatus::Unconfirmed {
            return Err(AppError::invalid("status", "confirm or reject the product"));
        }
        let product = self.store().get_product(id).await?;
        if status == ProductStatus::Confirmed
            && let Some(cpe) = product.cpe.as_deref()
        {
            let identity = cpe_identity(cpe).map_err(|m| AppError::invalid("cpe", m))?;
            let confirmed = self.confirmed_products(None).await?;
            Self::check_not_claimed(&confirmed, &product, &identity)?;
        }
        let after = self
            .store()
            .set_product_status(&scope, id, status, &actor.audit(now))
            .await?;
        self.exposure_changed();
        Ok(after)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(cpe: &str, status: ProductStatus) -> Product {
        Product {
            id: ProductId::from_uuid(uuid::Uuid::nil()),
            supplier: ward_core::OrgId::from_uuid(uuid::Uuid::nil()),
            name: "LIMS".into(),
            category: ward_core::supplier::ProductCategory::Pathology,
            cpe: Some(cpe.into()),
            status,
        }
    }

    fn stated(cpe: Option<&str>, purl: Option<&str>) -> ProductRef {
        ProductRef {
            cpe: cpe.map(str::to_owned),
            purl: purl.map(str::to_owned),
            ..ProductRef::default()
        }
    }

    #[test]
    fn wildcard_and_blank_vendors_or_products_identify_nothing() {
        assert_eq!(
            cpe_identity("cpe:2.3:a:Pathlab:LIMS:*:*:*:*:*:*:*:*").unwrap(),
            ("pathlab".to_owned(), "lims".to_owned())
        );
        for bad in [
            "cpe:2.3:a:*:*:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:-:log4j:*:*:*:*:*:*:*:*",
            "cpe:2.3:a:apache:log4*:*:*:*:*:*:*:*:*",
            "log4j",
        ] {
            assert!(cpe_identity(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_identifier_must_be_a_confirmed_products() {
        let ours = [product(
            "cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*",
            ProductStatus::Confirmed,
        )];
        let own = "cpe:2.3:a:pathlab:lims:4.2:*:*:*:*:*:*:*";
        assert_eq!(uncovered_identifier(&ours, &stated(Some(own), None)), None);
        let purl = "pkg:maven/org.apache.logging.log4j/log4j-core";
        assert_eq!(
            uncovered_identifier(&ours, &stated(Some(own), Some(purl))),
            Some(("purl", purl.to_owned()))
        );
        let foreign = "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*";
        assert_eq!(
            uncovered_identifier(&ours, &stated(Some(foreign), None)),
            Some(("cpe", foreign.to_owned()))
        );
        assert!(uncovered_identifier(&ours, &stated(None, None)).is_some());
        let mut on_platform = stated(Some(own), None);
        on_platform.platform = Some(Box::new(stated(Some(foreign), None)));
        assert_eq!(
            uncovered_identifier(&ours, &on_platform),
            Some(("cpe", foreign.to_owned()))
        );
        // Unconfirmed or rejected products give no voice.
        for status in [ProductStatus::Unconfirmed, ProductStatus::Rejected] {
            let pending = [product("cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*", status)];
            assert!(uncovered_identifier(&pending, &stated(Some(own), None)).is_some());
        }
    }
}
