//! Products and their confirmation: the status round-trips and filters lists, only the whole
//! sector's scope confirms or rejects (audited, in the same transaction), and a supplier-scoped
//! write can neither make nor keep a product confirmed.

use super::fixtures::{AuditCursor, Fixture, new_id};
use crate::{check_eq, check_err};
use std::sync::Arc;
use ward_core::ProductId;
use ward_core::org::OrgKind;
use ward_core::supplier::{Product, ProductCategory, ProductStatus};
use ward_store::{PageRequest, ProductFilter, Scope, Store, StoreError};

const ALL_ROWS: PageRequest = PageRequest {
    offset: 0,
    limit: 1000,
};

/// Confirmation status: stored as given by national writes, forced by scope for supplier writes,
/// changed only through `set_product_status` with the whole sector's scope.
pub async fn product_confirmation(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "PC");
    let [_n, _r, _icb, trust, _b] = fx.small_tree().await?;
    let supplier = fx
        .save_orgs(vec![fx.org("S", "Confirm Systems", OrgKind::Supplier, None)?])
        .await?
        .remove(0);
    let own = Scope::Orgs(vec![supplier.id]);
    let mut cursor = AuditCursor::at_end(&store).await?;

    let listed = Product {
        id: new_id(ProductId::new_at),
        supplier: supplier.id,
        name: "Confirm LIMS".into(),
        category: ProductCategory::Pathology,
        cpe: Some("cpe:2.3:a:confirm:lims:*:*:*:*:*:*:*:*".into()),
        status: ProductStatus::Unconfirmed,
    };
    // A supplier-scoped write may not claim a confirmed status.
    let claimed = Product {
        status: ProductStatus::Confirmed,
        ..listed.clone()
    };
    check_err!(
        store
            .upsert_products(&own, std::slice::from_ref(&claimed), &fx.meta(1))
            .await,
        StoreError::Forbidden { .. },
        "a supplier-scoped write claiming confirmation"
    );
    check_eq!(
        store
            .upsert_products(&own, std::slice::from_ref(&listed), &fx.meta(2))
            .await?,
        1,
        "the supplier lists its product"
    );
    cursor
        .expect(&store, "listing", &[("product.create", Some(supplier.id))])
        .await?;
    check_eq!(
        store.get_product(listed.id).await?,
        listed.clone(),
        "read back unconfirmed"
    );
    check_err!(
        store.get_product(new_id(ProductId::new_at)).await,
        StoreError::NotFound { .. },
        "an unknown product"
    );

    // Only the whole sector's scope decides.
    for scope in [own.clone(), Scope::subtree(trust.id)] {
        check_err!(
            store
                .set_product_status(&scope, listed.id, ProductStatus::Confirmed, &fx.meta(3))
                .await,
            StoreError::Forbidden { .. },
            "confirming from {scope:?}"
        );
    }
    cursor.expect(&store, "refused confirmations", &[]).await?;
    check_eq!(
        store.get_product(listed.id).await?.status,
        ProductStatus::Unconfirmed,
        "still unconfirmed"
    );

    let confirmed = store
        .set_product_status(&Scope::All, listed.id, ProductStatus::Confirmed, &fx.meta(4))
        .await?;
    check_eq!(confirmed.status, ProductStatus::Confirmed, "returned confirmed");
    check_eq!(
        store.get_product(listed.id).await?,
        confirmed.clone(),
        "stored confirmed"
    );
    let recs = cursor
        .expect(&store, "confirmation", &[("product.confirm", Some(supplier.id))])
        .await?;
    check_eq!(
        recs[0].event.after.clone(),
        Some(ward_core::audit::digest_json(&confirmed)),
        "the audit record digests the confirmed product"
    );
    // The same decision again writes nothing.
    store
        .set_product_status(&Scope::All, listed.id, ProductStatus::Confirmed, &fx.meta(5))
        .await?;
    cursor.expect(&store, "repeated confirmation", &[]).await?;

    // Lists filter by status.
    let of = |status| ProductFilter {
        supplier: Some(supplier.id),
        status: Some(status),
        ..ProductFilter::default()
    };
    check_eq!(
        store
            .list_products(&of(ProductStatus::Confirmed), ALL_ROWS)
            .await?
            .items,
        vec![confirmed.clone()],
        "confirmed list"
    );
    check_eq!(
        store
            .list_products(&of(ProductStatus::Unconfirmed), ALL_ROWS)
            .await?
            .total,
        0,
        "unconfirmed list"
    );

    // A supplier-scoped change to a confirmed product cannot keep it confirmed.
    let renamed = Product {
        name: "Confirm LIMS 2".into(),
        ..confirmed.clone()
    };
    check_err!(
        store
            .upsert_products(&own, std::slice::from_ref(&renamed), &fx.meta(6))
            .await,
        StoreError::Forbidden { .. },
        "a supplier keeping a changed product confirmed"
    );

    let rejected = store
        .set_product_status(&Scope::All, listed.id, ProductStatus::Rejected, &fx.meta(7))
        .await?;
    check_eq!(rejected.status, ProductStatus::Rejected, "rejected");
    cursor
        .expect(&store, "rejection", &[("product.reject", Some(supplier.id))])
        .await?;
    check_err!(
        store
            .set_product_status(
                &Scope::All,
                new_id(ProductId::new_at),
                ProductStatus::Confirmed,
                &fx.meta(8)
            )
            .await,
        StoreError::NotFound { .. },
        "confirming an unknown product"
    );
    Ok(())
}
