//! Suppliers' products: the shared catalogue, for supplier contacts the place to say whether a
//! published vulnerability affects one of their confirmed products (a VEX statement every
//! organisation running it then sees), and for national analysts the place to confirm or reject
//! that a listed product is its supplier's.

use super::exposure::{optional_enum, parse_enum, vex_justifications, vex_statuses};
use super::views::{Choice, Chrome, Pager, Section};
use super::{PageResult, Signed, WebForm, WebQuery, chrome_at, page_request, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::exposure::statements::VexInput;
use ward_core::ProductId;
use ward_core::role::Role;
use ward_core::supplier::{Product, ProductCategory, ProductStatus};
use ward_core::vuln::{Justification, VexStatus};
use ward_store::ProductFilter;

struct ProductLine {
    id: String,
    name: String,
    category: &'static str,
    cpe: String,
    /// The CPE as people name the software.
    cpe_name: String,
    status: &'static str,
    status_label: &'static str,
    confirmed: bool,
}

#[derive(Template)]
#[template(path = "products.html")]
struct ProductsPage {
    chrome: Option<Chrome>,
    title: String,
    supplier: bool,
    /// Whether the person may confirm or reject products (national analysts).
    reviewer: bool,
    /// Whether the person may ask what losing a product would stop.
    can_impact: bool,
    rows: Vec<ProductLine>,
    pager: Pager,
    notice: Option<String>,
    vex_statuses: Vec<Choice>,
    vex_justifications: Vec<Choice>,
    categories: Vec<Choice>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ProductsQuery {
    offset: Option<String>,
    limit: Option<String>,
    done: Option<String>,
}

/// `GET /products`.
pub(super) async fn products(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<ProductsQuery>,
) -> PageResult {
    let fail = page.fail();
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let found = s
        .app
        .list_products(&page.actor, &ProductFilter::default(), pr)
        .await
        .map_err(&fail)?;
    let supplier = page.actor.role == Role::SupplierContact;
    let reviewer = page.may(Action::ConfirmProducts);
    let view = ProductsPage {
        chrome: chrome_at(&page, Section::Products),
        title: if supplier {
            "Your products"
        } else {
            "Suppliers' products"
        }
        .into(),
        supplier,
        reviewer,
        can_impact: page.may(ward_app::authz::Action::ReadImpact),
        pager: Pager::new(&found, "/products", &[]),
        rows: found
            .items
            .iter()
            .map(|p| ProductLine {
                id: p.id.to_string(),
                name: p.name.clone(),
                category: p.category.as_str(),
                cpe: p.cpe.clone().unwrap_or_default(),
                cpe_name: p
                    .cpe
                    .as_deref()
                    .map(ward_app::exposure::name_of_identifier)
                    .unwrap_or_default(),
                status: p.status.as_str(),
                status_label: p.status.label(),
                confirmed: p.status == ProductStatus::Confirmed,
            })
            .collect(),
        notice: match q.done.as_deref() {
            Some("statement") => Some(
                "Your statement is published. Organisations running the product see it with their exposure, as your statement.",
            ),
            Some("listed") => Some(
                "Your product is listed. The national team confirms it is yours before your statements about it apply.",
            ),
            Some("confirmed") => Some("The product is confirmed: its supplier's statements about it now apply."),
            Some("rejected") => Some("The product is rejected: its supplier's statements about it have no effect."),
            _ => None,
        }
        .map(str::to_owned),
        vex_statuses: vex_statuses(),
        vex_justifications: vex_justifications(),
        categories: ProductCategory::iter()
            .map(|c| Choice {
                value: c.as_str().to_owned(),
                label: c.as_str().replace('_', " "),
                selected: false,
            })
            .collect(),
    };
    Ok(render(StatusCode::OK, &view))
}

/// The statement form of the products page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SupplierVexForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    vulnerability: String,
    #[serde(default)]
    cpe: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    detail: String,
}

/// `POST /products/vex`: a supplier contact's statement about one of its products.
pub(super) async fn state_vex(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<SupplierVexForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let status: VexStatus = parse_enum("status", &form.status).map_err(&fail)?;
    let justification: Option<Justification> =
        optional_enum("justification", &form.justification).map_err(&fail)?;
    let input = VexInput {
        org: page.actor.org,
        vulnerability: form.vulnerability,
        purl: None,
        cpe: Some(form.cpe).filter(|c| !c.trim().is_empty()),
        status,
        justification,
        detail: Some(form.detail).filter(|d| !d.trim().is_empty()),
    };
    s.app.state_vex(&page.actor, &input).await.map_err(&fail)?;
    Ok(Redirect::to("/products?done=statement").into_response())
}

/// The review form of the products page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ReviewForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    status: String,
}

/// `POST /products/{id}/review`: a national analyst confirms or rejects a product.
pub(super) async fn review(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<ReviewForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id: ProductId = id
        .parse()
        .map_err(|_| AppError::NotFound("product".into()))
        .map_err(&fail)?;
    let status: ProductStatus = parse_enum("status", &form.status).map_err(&fail)?;
    let after = s
        .app
        .review_product(&page.actor, id, status)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/products?done={}", after.status.as_str())).into_response())
}

/// The listing form of the products page (supplier contacts).
#[derive(Debug, Default, Deserialize)]
pub(super) struct ListForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    cpe: String,
}

/// `POST /products`: a supplier contact lists a product (unconfirmed until a national analyst
/// confirms it).
pub(super) async fn list_product(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<ListForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let name = ward_core::error::require_text("name", &form.name, 200)
        .map_err(AppError::from)
        .map_err(&fail)?;
    let category: ProductCategory = parse_enum("category", &form.category).map_err(&fail)?;
    let bytes = ward_app::accounts::secrets::random_bytes::<10>().map_err(&fail)?;
    let product = Product {
        id: ProductId::new_at(s.app.now(), bytes),
        supplier: page.actor.org,
        name,
        category,
        cpe: Some(form.cpe).filter(|c| !c.trim().is_empty()),
        status: ProductStatus::Unconfirmed,
    };
    s.app.create_product(&page.actor, &product).await.map_err(&fail)?;
    Ok(Redirect::to("/products?done=listed").into_response())
}
