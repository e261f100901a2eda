//! A small, explicit world for tests: two regions, a trust in each, a practice, a care provider
//! with a site, a supplier, services and assets, and one user per role.

use jiff::Timestamp;
use std::collections::BTreeMap;
use std::sync::Arc;
use ward_core::account::{Email, User};
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::AuditActor;
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::risk::Consequence;
use ward_core::role::{Role, RoleGrant};
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::supplier::{Product, ProductCategory};
use ward_core::*;
use ward_store::{AuditMeta, Scope, Store};

/// Every fixture user's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A fixture user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub org: OrgId,
    /// Base32 TOTP secret when enrolled.
    pub totp: Option<String>,
}

#[derive(Debug, Clone)]
pub struct World {
    pub national: OrgId,
    pub london: OrgId,
    pub icb: OrgId,
    pub trust: OrgId,
    pub practice: OrgId,
    pub provider: OrgId,
    pub site: OrgId,
    pub south_west: OrgId,
    pub foreign_icb: OrgId,
    pub foreign_trust: OrgId,
    pub supplier: OrgId,
    pub trust_services: Vec<ServiceId>,
    pub trust_assets: Vec<AssetId>,
    pub foreign_services: Vec<ServiceId>,
    pub foreign_assets: Vec<AssetId>,
    pub product: ProductId,
    /// The CVE of the one advisory in the world (Log4Shell): it exposes the trust's LIMS server
    /// and the foreign trust's patient administration server.
    pub advisory: &'static str,
    /// One user per role; `foreign_admin` administers the foreign trust.
    pub users: BTreeMap<Role, TestUser>,
    pub foreign_admin: TestUser,
}

fn uuid_n(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0000 | n)
}

fn org(n: u128, code: &str, name: &str, kind: OrgKind, parent: Option<OrgId>) -> Organisation {
    Organisation {
        id: OrgId::from_uuid(uuid_n(n)),
        code: OdsCode::parse(code).expect("fixture codes are valid"),
        name: name.into(),
        kind,
        parent,
        postcode: None,
        opened: None,
        closed: None,
    }
}

fn service(n: u128, org: OrgId, name: &str, crit: u8) -> Service {
    Service {
        id: ServiceId::from_uuid(uuid_n(n)),
        org,
        name: name.into(),
        kind: ServiceKind::Clinical,
        criticality: Consequence::new(crit).expect("fixture criticality is 1-5"),
        daily_throughput: 300,
        throughput_unit: ThroughputUnit::Patients,
    }
}

fn sw(name: &str, version: &str, purl: Option<&str>) -> InstalledSoftware {
    InstalledSoftware {
        name: name.into(),
        vendor: None,
        version: version.into(),
        purl: purl.map(Into::into),
        cpe: None,
        source: SoftwareSource::Manual,
    }
}

/// Build the world in `store`. Users get `password_hash` (hash of [`PASSWORD`], made by the caller
/// with the cost it wants).
pub async fn build(store: &Arc<dyn Store>, password_hash: &str, now: Timestamp) -> anyhow::Result<World> {
    let meta = AuditMeta {
        actor: AuditActor::system("fixtures"),
        at: now,
        request_id: None,
    };
    let national = org(1, "X26", "NHS England", OrgKind::NationalBody, None);
    let london = org(2, "Y56", "London", OrgKind::Region, Some(national.id));
    let icb = org(3, "QMF", "North East London ICB", OrgKind::Icb, Some(london.id));
    let trust = org(
        4,
        "RJZ",
        "Riverside Hospitals NHS Trust",
        OrgKind::NhsTrust,
        Some(icb.id),
    );
    let practice = org(
        5,
        "F84001",
        "Canal Street Surgery",
        OrgKind::GpPractice,
        Some(icb.id),
    );
    let provider = org(
        6,
        "VN101",
        "Elm Care Homes Ltd",
        OrgKind::CareProvider,
        Some(icb.id),
    );
    let site = org(7, "VN101S1", "Elm House", OrgKind::CareSite, Some(provider.id));
    let south_west = org(8, "Y58", "South West", OrgKind::Region, Some(national.id));
    let foreign_icb = org(9, "QUY", "Avon ICB", OrgKind::Icb, Some(south_west.id));
    let foreign_trust = org(
        10,
        "RA7",
        "Harbour University Hospitals",
        OrgKind::NhsTrust,
        Some(foreign_icb.id),
    );
    let supplier = org(11, "SUP001", "Pathlab Systems", OrgKind::Supplier, None);
    let all = vec![
        national.clone(),
        london.clone(),
        icb.clone(),
        trust.clone(),
        practice.clone(),
        provider.clone(),
        site.clone(),
        south_west.clone(),
        foreign_icb.clone(),
        foreign_trust.clone(),
        supplier.clone(),
    ];
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    store.upsert_orgs(&all, today, &meta).await?;

    let trust_services = vec![
        service(100, trust.id, "Emergency department", 5),
        service(101, trust.id, "Pathology", 5),
    ];
    let foreign_services = vec![service(102, foreign_trust.id, "Emergency department", 5)];
    store.insert_services(&Scope::All, &trust_services, &meta).await?;
    store
        .insert_services(&Scope::All, &foreign_services, &meta)
        .await?;

    let lims = Asset {
        id: AssetId::from_uuid(uuid_n(200)),
        org: trust.id,
        name: "LIMS server".into(),
        kind: AssetKind::Server,
        hostname: Some("lims01.rjz.nhs.uk".into()),
        internet_facing: false,
        services: vec![trust_services[1].id],
        software: vec![
            sw(
                "log4j-core",
                "2.14.1",
                Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
            ),
            sw("OpenSSL", "3.0.2", None),
        ],
    };
    let vpn = Asset {
        id: AssetId::from_uuid(uuid_n(201)),
        org: trust.id,
        name: "Remote access gateway".into(),
        kind: AssetKind::NetworkDevice,
        hostname: Some("vpn.rjz.nhs.uk".into()),
        internet_facing: true,
        services: vec![trust_services[0].id],
        software: vec![sw("FortiOS", "7.2.4", None)],
    };
    let pas = Asset {
        id: AssetId::from_uuid(uuid_n(202)),
        org: foreign_trust.id,
        name: "Patient administration server".into(),
        kind: AssetKind::Server,
        hostname: None,
        internet_facing: false,
        services: vec![foreign_services[0].id],
        software: vec![sw(
            "log4j-core",
            "2.14.1",
            Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
        )],
    };
    store
        .insert_assets(&Scope::All, &[lims.clone(), vpn.clone()], &meta)
        .await?;
    store
        .insert_assets(&Scope::All, std::slice::from_ref(&pas), &meta)
        .await?;
    let product = Product {
        id: ProductId::from_uuid(uuid_n(300)),
        supplier: supplier.id,
        name: "PathLab LIMS".into(),
        category: ProductCategory::Pathology,
        cpe: Some(PRODUCT_CPE.into()),
        status: ward_core::supplier::ProductStatus::Confirmed,
    };
    store
        .upsert_products(&Scope::All, std::slice::from_ref(&product), &meta)
        .await?;

    let specs: [(Role, &str, OrgId, bool); 7] = [
        (Role::NationalAnalyst, "national", national.id, true),
        (Role::RegionalLead, "regional", london.id, true),
        (Role::OrgAdmin, "admin", trust.id, true),
        (Role::OrgMember, "member", trust.id, false),
        (Role::Auditor, "auditor", icb.id, false),
        (Role::SupplierContact, "supplier", supplier.id, false),
        (Role::IncidentResponder, "responder", trust.id, true),
    ];
    let mut users = BTreeMap::new();
    for (i, (role, name, org_id, mfa)) in specs.into_iter().enumerate() {
        let u = add_user(store, &meta, 400 + i as u128, name, password_hash, mfa, now).await?;
        let expires = role
            .requires_expiry()
            .then(|| now + jiff::SignedDuration::from_hours(24 * 7));
        grant(store, &meta, 500 + i as u128, &u, role, org_id, expires, now).await?;
        users.insert(
            role,
            TestUser {
                id: u.id,
                email: u.email.to_string(),
                role,
                org: org_id,
                totp: u.totp_secret,
            },
        );
    }
    let fa = add_user(store, &meta, 450, "foreign.admin", password_hash, true, now).await?;
    grant(
        store,
        &meta,
        550,
        &fa,
        Role::OrgAdmin,
        foreign_trust.id,
        None,
        now,
    )
    .await?;
    let foreign_admin = TestUser {
        id: fa.id,
        email: fa.email.to_string(),
        role: Role::OrgAdmin,
        org: foreign_trust.id,
        totp: fa.totp_secret,
    };

    seed_threats(store, &meta).await?;

    Ok(World {
        national: national.id,
        london: london.id,
        icb: icb.id,
        trust: trust.id,
        practice: practice.id,
        provider: provider.id,
        site: site.id,
        south_west: south_west.id,
        foreign_icb: foreign_icb.id,
        foreign_trust: foreign_trust.id,
        supplier: supplier.id,
        trust_services: trust_services.iter().map(|s| s.id).collect(),
        trust_assets: vec![lims.id, vpn.id],
        foreign_services: foreign_services.iter().map(|s| s.id).collect(),
        foreign_assets: vec![pas.id],
        product: product.id,
        advisory: LOG4SHELL_CVE,
        users,
        foreign_admin,
    })
}

/// The CPE of the supplier's one product (listed by the national team, so confirmed).
pub const PRODUCT_CPE: &str = "cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*";

/// The CVE id of the world's advisory.
pub const LOG4SHELL_CVE: &str = "CVE-2021-44228";

/// Log4Shell as an OSV record (facts from the public advisory; wording ours), and its KEV entry.
const LOG4SHELL_OSV: &str = r#"{
  "schema_version": "1.6.0",
  "id": "GHSA-jfh8-c2jp-5v3q",
  "aliases": ["CVE-2021-44228"],
  "summary": "Log4j 2 runs code named in logged text through JNDI lookups",
  "published": "2021-12-10T00:00:00Z",
  "modified": "2021-12-10T00:00:00Z",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}],
  "affected": [{
    "package": {"ecosystem": "Maven", "name": "org.apache.logging.log4j:log4j-core"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.0-beta9"}, {"fixed": "2.15.0"}]}]
  }]
}"#;

async fn seed_threats(store: &Arc<dyn Store>, meta: &AuditMeta) -> anyhow::Result<()> {
    let parsed = ward_feeds::parse_osv_json("log4shell.json", LOG4SHELL_OSV)?;
    anyhow::ensure!(
        parsed.problems.is_empty(),
        "fixture advisory: {:?}",
        parsed.problems
    );
    store.upsert_advisories(&parsed.items, meta).await?;
    let kev = ward_core::vuln::KevEntry {
        cve: LOG4SHELL_CVE.into(),
        vendor: "Apache".into(),
        product: "Log4j2".into(),
        name: "Apache Log4j2 remote code execution".into(),
        date_added: jiff::civil::date(2021, 12, 10),
        due_date: Some(jiff::civil::date(2021, 12, 24)),
        known_ransomware: true,
        description: None,
        required_action: "Apply the vendor's update.".into(),
        notes: None,
        cwes: vec!["CWE-917".into()],
    };
    let catalog = ward_core::vuln::KevCatalog {
        title: Some("Test catalogue".into()),
        catalog_version: None,
        date_released: None,
        count: Some(1),
    };
    store.upsert_kev(&catalog, &[kev], false, meta).await?;
    // FortiOS release cycles, so that the gateway's FortiOS 7.2.4 is unsupported software.
    let cycle = |cycle: &str, eol: jiff::civil::Date| ward_core::vuln::EolRelease {
        product: "fortios".into(),
        cycle: cycle.into(),
        codename: None,
        release_date: None,
        eol: Some(ward_core::vuln::EolDate::Date(eol)),
        eoas: None,
        eoes: None,
        lts: None,
        latest: None,
        latest_release_date: None,
    };
    let fortios = ward_core::vuln::EolProduct {
        product: "fortios".into(),
        title: Some("FortiOS".into()),
        category: Some("os".into()),
        identifiers: vec![],
        releases: vec![
            cycle("7.4", jiff::civil::date(2027, 11, 30)),
            cycle("7.2", jiff::civil::date(2026, 9, 30)),
        ],
    };
    store.upsert_eol(&[fortios], meta).await?;
    Ok(())
}

async fn add_user(
    store: &Arc<dyn Store>,
    meta: &AuditMeta,
    n: u128,
    name: &str,
    password_hash: &str,
    mfa: bool,
    now: Timestamp,
) -> anyhow::Result<User> {
    // A distinct, fixed secret per user (base32 of 20 bytes).
    let secret =
        mfa.then(|| ward_app::accounts::totp::base32_encode(format!("ward-test-secret-{n:04}").as_bytes()));
    let id = UserId::from_uuid(uuid_n(n));
    // Stored sealed with the test instance key, as the app stores it.
    let sealer = ward_app::sealed::TotpSealer::new(&crate::db::test_key());
    let sealed = secret.as_deref().map(|s| sealer.seal(id, s)).transpose()?;
    let u = User {
        id,
        email: Email::parse(&format!("{name}@test.ward.example"))?,
        display_name: name.replace('.', " "),
        password_hash: password_hash.to_owned(),
        totp_secret: sealed,
        totp_last_step: None,
        disabled: false,
        failed_logins: 0,
        locked_until: None,
        created_at: now,
    };
    store.create_user(&u, meta).await?;
    // The caller gets the secret in clear, as an authenticator app holds it.
    Ok(User {
        totp_secret: secret,
        ..u
    })
}

#[allow(clippy::too_many_arguments)]
async fn grant(
    store: &Arc<dyn Store>,
    meta: &AuditMeta,
    n: u128,
    u: &User,
    role: Role,
    org: OrgId,
    expires_at: Option<Timestamp>,
    now: Timestamp,
) -> anyhow::Result<()> {
    let g = RoleGrant {
        id: GrantId::from_uuid(uuid_n(n)),
        user: u.id,
        role,
        org,
        created_at: now,
        expires_at,
        granted_by: None,
    };
    store.add_grant(&g, meta).await?;
    Ok(())
}

/// A small CAF-shaped framework in the WebCAF format: outcome A1.a with all three columns
/// (one indicator each) and A1.b with an achieved column only, enough to reach every derived
/// status.
pub const SMALL_CAF: &str = "objectives:
  A:
    title: Managing risk
    principles:
      A1:
        title: Governance
        outcomes:
          A1.a:
            title: Board direction
            indicators:
              not-achieved:
                A1.a.1:
                  description: Nobody on the board owns security.
                  ncsc-index: A1.a.NA.1
              partially-achieved:
                A1.a.2:
                  description: Security is discussed now and then.
                  ncsc-index: A1.a.PA.1
              achieved:
                A1.a.3:
                  description: The board owns security risk and reviews it.
                  ncsc-index: A1.a.A.1
          A1.b:
            title: Roles and responsibilities
            indicators:
              achieved:
                A1.b.1:
                  description: Roles are named and people know them.
                  ncsc-index: A1.b.A.1
";
