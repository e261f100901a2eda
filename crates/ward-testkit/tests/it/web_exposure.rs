//! The exposure pages over plain HTTP: the prioritised list, "who is exposed", and the asset page's
//! statement and SBOM forms.

use crate::web::{Visitor, hidden};
use reqwest::StatusCode;
use ward_core::role::Role;
use ward_testkit::spawn_app;

#[tokio::test]
async fn the_exposure_list_ranks_and_explains_within_the_footprint() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let page = v.get("/exposures").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Exposure</h1>"));
    assert!(page.body.contains("CVE-2021-44228") && page.body.contains("LIMS server"));
    assert!(
        page.body.contains("its US federal deadline was 24 Dec 2021"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Catastrophic harm (5) if Pathology stops"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("Patient administration server"),
        "the foreign trust stays hidden"
    );
    assert!(page.body.contains("/api/v1/exposures/export?format=csv"));

    let home = v.get("/").await;
    assert!(
        home.body.contains("Exposures needing security action"),
        "the overview shows exposure"
    );
    assert!(
        home.body.contains("href=\"/exposures?org=RJZ&#38;kev=yes\""),
        "{}",
        home.body
    );
    assert!(home.body.contains("Unsupported software"));

    let unsupported = v.get("/unsupported").await;
    assert_eq!(unsupported.status, StatusCode::OK);
    assert!(unsupported.body.contains("Remote access gateway") && unsupported.body.contains("30 Sep 2026"));

    let none = v.get("/exposures?q=nothing-like-this").await;
    assert!(none.body.contains("Nothing matches"));
    let bad = v.get("/exposures?org=ZZZ9").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("No organisation with the code ZZZ9") && bad.body.contains("Nothing matches"));
    let foreign = v.get("/exposures?org=RA7").await;
    assert!(
        foreign.body.contains("No organisation with the code RA7"),
        "a foreign code reads as unknown"
    );

    // The national view of one advisory lists both trusts; the admin's only their own.
    let own = v.get("/advisories/CVE-2021-44228").await;
    assert!(own.body.contains("Your exposure") && own.body.contains("Riverside Hospitals NHS Trust"));
    assert!(!own.body.contains("Harbour University Hospitals"));
    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let national = n.get("/advisories/CVE-2021-44228").await;
    assert!(national.body.contains("Who is exposed"));
    assert!(
        national.body.contains("Riverside Hospitals NHS Trust")
            && national.body.contains("Harbour University Hospitals")
    );
    assert_eq!(
        n.get("/advisories/CVE-1999-0001").await.status,
        StatusCode::NOT_FOUND
    );

    // Supplier contacts do not get the section at all.
    let mut s = Visitor::new(&t);
    s.sign_in_as(Role::SupplierContact).await;
    let home = s.get("/").await;
    assert!(!home.body.contains("href=\"/exposures\""));
    assert!(!home.body.contains("Exposures needing security action"));
    assert_eq!(s.get("/exposures").await.status, StatusCode::FORBIDDEN);
}

/// Every download link on the Exposure page works under every filter the page offers (the links
/// once carried the page's `kev=yes`, which the API refused as not a boolean).
#[tokio::test]
async fn every_export_link_works_under_every_filter() {
    let t = spawn_app().await;
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let filters = [
        "",
        "kev=yes",
        "internet_facing=yes",
        "kev=yes&internet_facing=yes",
        "status=all",
        "status=affected",
        "advisory=CVE-2021-44228",
        "q=lims",
        "org=RJZ",
        "sort=published&kev=yes",
        "org=RJZ&status=all&kev=yes&internet_facing=yes&q=server",
    ];
    let mut followed = 0;
    for filter in filters {
        let page = v.get(&format!("/exposures?{filter}")).await;
        assert_eq!(page.status, StatusCode::OK, "/exposures?{filter}");
        let links: Vec<String> = page
            .body
            .split("href=\"")
            .skip(1)
            .filter_map(|rest| rest.split('"').next())
            .filter(|href| href.starts_with("/api/v1/exposures/export"))
            .map(|href| href.replace("&amp;", "&").replace("&#38;", "&"))
            .collect();
        assert_eq!(links.len(), 3, "CSV, JSON and VEX links under {filter}");
        for link in links {
            let reply = v.get(&link).await;
            assert_eq!(
                reply.status,
                StatusCode::OK,
                "{link} (under /exposures?{filter}): {}",
                reply.body
            );
            followed += 1;
        }
    }
    assert_eq!(followed, filters.len() * 3);
    // The filter reaches the export: known-exploited only keeps Log4Shell, a text that matches
    // nothing exports no rows.
    let kev = v.get("/api/v1/exposures/export?format=csv&kev=true").await;
    assert!(kev.body.contains("CVE-2021-44228"), "{}", kev.body);
    let page = v.get("/exposures?q=nothing-like-this").await;
    let href = page
        .body
        .split("href=\"")
        .filter_map(|rest| rest.split('"').next())
        .find(|href| href.starts_with("/api/v1/exposures/export?format=csv"))
        .expect("a CSV link")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let none = v.get(&href).await;
    assert_eq!(none.body.lines().count(), 1, "only the header row: {}", none.body);
}

#[tokio::test]
async fn a_statement_from_the_asset_page_changes_the_status_and_an_auditor_sees_no_form() {
    let t = spawn_app().await;
    let lims = t.world.trust_assets[0];
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgMember).await;
    let page = v.get(&format!("/assets/{lims}")).await;
    assert!(page.body.contains("Vulnerabilities affecting it"));
    assert!(page.body.contains("Say whether this affects you"));
    let csrf = hidden(&page.body, "csrf");
    let purl = "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1";

    // The form is on its own page, reached from the asset page's link.
    let link = page
        .body
        .split("href=\"")
        .filter_map(|r| r.split('"').next())
        .find(|h| h.contains("/statement?"))
        .expect("a link to the statement page")
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    let form = v.get(&link).await;
    assert_eq!(form.status, StatusCode::OK, "{link}");
    assert!(
        form.body
            .contains("<h1>Does CVE-2021-44228 affect LIMS server?</h1>"),
        "{}",
        form.body
    );
    assert!(
        form.body.contains(&format!("value=\"{purl}\"")),
        "the software identifier is carried"
    );

    // Without a justification, not affected is refused: the problem is beside its field, on the
    // same page, and what was typed is kept.
    let r = v
        .post(
            &format!("/assets/{lims}/vex"),
            &[
                ("csrf", &csrf),
                ("vulnerability", "CVE-2021-44228"),
                ("purl", purl),
                ("cpe", ""),
                ("status", "not_affected"),
                ("justification", ""),
                ("detail", "We checked the JNDI setting on every node"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"justification-problem\""), "{}", r.body);
    assert!(r.body.contains("say why"), "{}", r.body);
    assert!(
        r.body
            .contains(">We checked the JNDI setting on every node</textarea>"),
        "what was typed is kept"
    );
    assert!(
        r.body.contains("<option value=\"not_affected\" selected>"),
        "the choice is kept"
    );
    assert!(
        !r.body.contains("Something in the request was not right"),
        "not an error page"
    );
    // No choice at all is named too.
    let r = v
        .post(
            &format!("/assets/{lims}/vex"),
            &[
                ("csrf", &csrf),
                ("vulnerability", "CVE-2021-44228"),
                ("purl", purl),
                ("status", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"status-problem\""));

    let r = v
        .post(
            &format!("/assets/{lims}/vex"),
            &[
                ("csrf", &csrf),
                ("vulnerability", "CVE-2021-44228"),
                ("purl", purl),
                ("cpe", ""),
                ("status", "not_affected"),
                ("justification", "vulnerable_code_not_in_execute_path"),
                ("detail", "Lookups are switched off"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = v.get(r.location.as_deref().unwrap()).await;
    assert!(after.body.contains("Your statement is recorded"));
    assert!(after.body.contains("Not affected") && after.body.contains("Lookups are switched off"));
    let open = v.get("/exposures").await;
    assert!(!open.body.contains("LIMS server"), "nothing left to do");

    // A forged form without the token changes nothing.
    let r = v
        .post(
            &format!("/assets/{lims}/vex"),
            &[
                ("csrf", "forged"),
                ("vulnerability", "CVE-2021-44228"),
                ("purl", purl),
                ("status", "affected"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let mut a = Visitor::new(&t);
    a.sign_in_as(Role::Auditor).await;
    let seen = a.get(&format!("/assets/{lims}")).await;
    assert!(seen.body.contains("Vulnerabilities affecting it"));
    assert!(!seen.body.contains("Say whether this affects you") && !seen.body.contains("Load SBOM"));
}

#[tokio::test]
async fn an_sbom_loaded_from_the_asset_page_shows_up_as_software_and_exposure() {
    let t = spawn_app().await;
    let vpn = t.world.trust_assets[1];
    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::OrgAdmin).await;
    let page = v.get(&format!("/assets/{vpn}")).await;
    let csrf = hidden(&page.body, "csrf");
    // A file that is not an SBOM: the reason beside the file field on the asset page itself, not
    // an error page, and nothing stored.
    let broken = v
        .post_file(
            &format!("/assets/{vpn}/sbom"),
            &[("csrf", &csrf)],
            "gateway.cdx.json",
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"library","name":"#,
        )
        .await;
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", broken.body);
    assert!(
        broken
            .body
            .contains("That file was not loaded, and nothing was changed")
            && broken.body.contains("gateway.cdx.json")
            && broken.body.contains("aria-invalid=\"true\"")
            && broken.body.contains("Load SBOM"),
        "{}",
        broken.body
    );
    let csrf = hidden(&broken.body, "csrf");
    let sbom = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
        {"type":"library","group":"org.apache.logging.log4j","name":"log4j-core","version":"2.14.1",
         "purl":"pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}]}"#;
    let r = v
        .post_file(
            &format!("/assets/{vpn}/sbom"),
            &[("csrf", &csrf)],
            "gateway.cdx.json",
            sbom,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = v.get(r.location.as_deref().unwrap()).await;
    assert!(
        after.body.contains("SBOM loaded: 1 software records stored"),
        "{}",
        after.body
    );
    assert!(after.body.contains("CVE-2021-44228"));
    let list = v.get("/exposures").await;
    let gateway = list
        .body
        .find("Remote access gateway")
        .expect("the gateway is listed");
    let lims = list.body.find("LIMS server").expect("the LIMS server is listed");
    assert!(gateway < lims, "the internet-facing gateway ranks first");
}

#[tokio::test]
async fn a_supplier_publishes_a_statement_from_its_products_page() {
    let t = spawn_app().await;
    let product = ward_core::supplier::Product {
        id: ward_core::ProductId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0901)),
        supplier: t.world.supplier,
        name: "PathLab Middleware".into(),
        category: ward_core::supplier::ProductCategory::Pathology,
        cpe: Some("cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*".into()),
        status: ward_core::supplier::ProductStatus::Unconfirmed,
    };
    let actor = ward_app::Actor::system("test", t.world.national);
    t.app
        .upsert_products(&actor, std::slice::from_ref(&product))
        .await
        .unwrap();

    let mut v = Visitor::new(&t);
    v.sign_in_as(Role::SupplierContact).await;
    let page = v.get("/products").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Your products") && page.body.contains("PathLab Middleware"));
    assert!(page.body.contains("Say whether a vulnerability affects it"));
    let csrf = hidden(&page.body, "csrf");
    let r = v
        .post(
            "/products/vex",
            &[
                ("csrf", &csrf),
                ("cpe", "cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*"),
                ("vulnerability", "CVE-2099-0002"),
                ("status", "not_affected"),
                ("justification", "component_not_present"),
                ("detail", "Not shipped in our builds"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = v.get(r.location.as_deref().unwrap()).await;
    assert!(after.body.contains("Your statement is published"));
    let stored = t
        .store
        .vex_for(&ward_store::Scope::All, "CVE-2099-0002")
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].org, Some(t.world.supplier));
    assert_eq!(
        stored[0].statement.status,
        ward_core::vuln::VexStatus::NotAffected
    );

    // Someone else's product CPE is refused and nothing more is stored.
    let r = v
        .post(
            "/products/vex",
            &[
                ("csrf", &csrf),
                ("cpe", "cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*"),
                ("vulnerability", "CVE-2021-44228"),
                ("status", "not_affected"),
                ("justification", "component_not_present"),
                ("detail", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        t.store
            .vex_for(&ward_store::Scope::All, "CVE-2021-44228")
            .await
            .unwrap()
            .is_empty()
    );

    // Organisation members see the catalogue without the form.
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgMember).await;
    let page = m.get("/products").await;
    assert!(page.body.contains("Suppliers' products") && page.body.contains("PathLab Middleware"));
    assert!(!page.body.contains("Say whether a vulnerability affects it"));
}

#[tokio::test]
async fn a_national_analyst_confirms_a_product_and_pages_name_the_supplier_behind_a_statement() {
    let t = spawn_app().await;
    let cpe = "cpe:2.3:a:pathlab:middleware:*:*:*:*:*:*:*:*";
    let supplier_user = &t.world.users[&Role::SupplierContact];
    let supplier = ward_app::Actor {
        principal: ward_app::Principal::User(supplier_user.id),
        role: Role::SupplierContact,
        org: t.world.supplier,
        grant: None,
        expires_at: None,
        request_id: None,
    };
    let product = ward_core::supplier::Product {
        id: ward_core::ProductId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0902)),
        supplier: t.world.supplier,
        name: "PathLab Middleware".into(),
        category: ward_core::supplier::ProductCategory::Pathology,
        cpe: Some(cpe.into()),
        status: ward_core::supplier::ProductStatus::Confirmed,
    };
    let listed = t.app.create_product(&supplier, &product).await.unwrap();
    assert_eq!(listed.status, ward_core::supplier::ProductStatus::Unconfirmed);

    // The supplier sees it awaiting confirmation, without the statement form for it.
    let mut s = Visitor::new(&t);
    s.sign_in_as(Role::SupplierContact).await;
    let page = s.get("/products").await;
    assert!(page.body.contains("Awaiting confirmation"), "{}", page.body);
    assert!(
        page.body
            .contains("once the national team confirms the product is yours")
    );
    assert!(!page.body.contains("Confirm PathLab Middleware"));
    // Listing from the page: a wildcard CPE is refused; an exact one is listed unconfirmed.
    let csrf = hidden(&page.body, "csrf");
    let r = s
        .post(
            "/products",
            &[
                ("csrf", &csrf),
                ("name", "Anything"),
                ("category", "other"),
                ("cpe", "cpe:2.3:a:apache:*:*:*:*:*:*:*:*:*"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = s
        .post(
            "/products",
            &[
                ("csrf", &csrf),
                ("name", "PathLab Courier"),
                ("category", "pathology"),
                ("cpe", "cpe:2.3:a:pathlab:courier:*:*:*:*:*:*:*:*"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = s.get(r.location.as_deref().unwrap()).await;
    assert!(after.body.contains("Your product is listed") && after.body.contains("PathLab Courier"));
    let courier = t
        .store
        .list_products(
            &ward_store::ProductFilter {
                text: Some("Courier".into()),
                ..Default::default()
            },
            ward_store::PageRequest::default(),
        )
        .await
        .unwrap();
    assert_eq!(
        courier.items[0].status,
        ward_core::supplier::ProductStatus::Unconfirmed
    );

    // Someone other than a national analyst cannot confirm it from the page.
    let mut m = Visitor::new(&t);
    m.sign_in_as(Role::OrgAdmin).await;
    let csrf = m.csrf().await;
    let path = format!("/products/{}/review", product.id);
    let r = m.post(&path, &[("csrf", &csrf), ("status", "confirmed")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let mut n = Visitor::new(&t);
    n.sign_in_as(Role::NationalAnalyst).await;
    let page = n.get("/products").await;
    assert!(page.body.contains("Confirm PathLab Middleware"), "{}", page.body);
    let csrf = hidden(&page.body, "csrf");
    let r = n.post(&path, &[("csrf", &csrf), ("status", "confirmed")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let after = n.get(r.location.as_deref().unwrap()).await;
    assert!(after.body.contains("The product is confirmed"), "{}", after.body);

    // The trust runs it, an advisory names it, and the supplier says it is not affected.
    let member = ward_app::Actor::system("test", t.world.national);
    let asset = ward_core::asset::Asset {
        id: ward_core::AssetId::from_uuid(uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0903)),
        org: t.world.trust,
        name: "Lab middleware".into(),
        kind: ward_core::asset::AssetKind::Server,
        hostname: None,
        internet_facing: false,
        services: vec![],
        software: vec![ward_core::asset::InstalledSoftware {
            cpe: Some("cpe:2.3:a:pathlab:middleware:4.2:*:*:*:*:*:*:*".into()),
            ..software("PathLab Middleware", "4.2")
        }],
    };
    t.app.create_assets(&member, &[asset]).await.unwrap();
    let nvd = serde_json::json!({"vulnerabilities": [{"cve": {
        "id": "CVE-2099-0003", "published": "2099-01-01T00:00:00.000", "lastModified": "2099-01-01T00:00:00.000",
        "descriptions": [{"lang": "en", "value": "Test flaw in PathLab Middleware before 5.0"}],
        "configurations": [{"nodes": [{"operator": "OR", "negate": false, "cpeMatch": [
            {"vulnerable": true, "criteria": cpe, "versionEndExcluding": "5.0"}
        ]}]}]
    }}]});
    let parsed = ward_feeds::parse_nvd("test.json", &nvd.to_string()).unwrap();
    t.store
        .upsert_advisories(&parsed.items, &member.audit(t.app.now()))
        .await
        .unwrap();
    let input = ward_app::exposure::statements::VexInput {
        org: t.world.supplier,
        vulnerability: "CVE-2099-0003".into(),
        purl: None,
        cpe: Some(cpe.into()),
        status: ward_core::vuln::VexStatus::NotAffected,
        justification: Some(ward_core::vuln::Justification::VulnerableCodeNotPresent),
        detail: Some("Not in the NHS build".into()),
    };
    t.app.state_vex(&supplier, &input).await.unwrap();

    let list = n.get("/exposures?advisory=CVE-2099-0003&status=all").await;
    assert!(
        list.body.contains("Supplier statement by Pathlab Systems"),
        "{}",
        list.body
    );
    let adv = n.get("/advisories/CVE-2099-0003").await;
    assert!(adv.body.contains("Suppliers&#39; statements") || adv.body.contains("Suppliers' statements"));
    assert!(
        adv.body.contains("Supplier statement by Pathlab Systems"),
        "{}",
        adv.body
    );
}

fn software(name: &str, version: &str) -> ward_core::asset::InstalledSoftware {
    ward_core::asset::InstalledSoftware {
        name: name.into(),
        version: version.into(),
        vendor: None,
        purl: None,
        cpe: None,
        source: ward_core::asset::SoftwareSource::Manual,
    }
}
