//! The critical supplier register (issue 9, item 5): suppliers with their products and the
//! organisations and services depending on them, criticality, concentration by region, and their
//! assurance records; certificates, which any organisation may hold, with reminders before expiry.
//!
//! Who sees what (`Action::ReadSuppliers`): the national team sees the whole register; a regional
//! lead, an organisation's people and auditors see the suppliers something in their footprint
//! depends on, with the counts of their footprint only; a supplier contact sees its own record
//! and no customers. The national team keeps the register (`Action::ManageSuppliers`); an
//! organisation's admin records its own certificates (`Action::RecordCertificates`).
//!
//! The register is built once per exposure index ([`crate::exposure::ExposureIndex`], rebuilt
//! after any change and at most five minutes old) from the stored dependency graph and the
//! index's inventory, and kept beside it; a request only sums the rows its caller may see.

mod reminders;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use tracing::instrument;
use ward_core::certificate::{Certificate, CertificateKind, DsptStatus, SupplierAssurance};
use ward_core::org::OrgKind;
use ward_core::{CertificateId, OrgId};
use ward_engine::impact::Visibility;
use ward_engine::supplier_register::{
    InstalledRelease, ProductUse, RegisterInput, RegisterView, SupplierFigures, SupplierRegister,
};
use ward_store::Scope;

use crate::authz::{Action, authorise, scope_contains};
use crate::exposure::ExposureIndex;
use crate::{Actor, App, AppError, AppResult};

pub use reminders::{CertificateEmailJob, CertificateReminderJob, ReminderRun};
pub use ward_engine::supplier_register::{AreaLevel, AreaRow, ConcentrationRow, SupplierSummary};

/// The register as one caller sees it, with the assurance records of the suppliers shown.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterPage {
    /// `sector` for national roles, `footprint` for everyone else.
    pub seen: &'static str,
    #[serde(flatten)]
    pub view: RegisterView,
    pub assurance: Vec<SupplierAssurance>,
    pub certificates: Vec<Certificate>,
}

/// One supplier's record.
#[derive(Debug, Clone, Serialize)]
pub struct SupplierRecord {
    pub seen: &'static str,
    #[serde(flatten)]
    pub figures: SupplierFigures,
    pub assurance: Option<SupplierAssurance>,
    pub certificates: Vec<Certificate>,
}

/// A supplier's assurance record as given (the supplier by ODS code or identifier).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssuranceInput {
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub charter_attested_on: Option<Date>,
    #[serde(default)]
    pub charter_attested_by: Option<String>,
    pub dspt_status: DsptStatus,
    #[serde(default)]
    pub dspt_year: Option<String>,
}

/// A certificate as given.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificateInput {
    /// The organisation holding it, by ODS code or identifier.
    pub org: String,
    pub kind: CertificateKind,
    #[serde(default)]
    pub reference: Option<String>,
    #[schema(value_type = String, format = Date)]
    pub issued_on: Date,
    #[schema(value_type = String, format = Date)]
    pub expires_on: Date,
}

fn visibility(scope: &Scope) -> Visibility {
    match scope {
        Scope::All => Visibility::All,
        Scope::Subtrees(v) => Visibility::Subtrees(v.clone()),
        Scope::Orgs(v) => Visibility::Orgs(v.clone()),
    }
}

fn seen(scope: &Scope) -> &'static str {
    if matches!(scope, Scope::All) {
        "sector"
    } else {
        "footprint"
    }
}

/// Trims a free text to `None` when blank.
fn given(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Where the inventory shows each product: per (product, organisation) the assets and the
/// services they support, and per product the releases installed.
fn inventory_uses(
    index: &ExposureIndex,
    products: &[ward_core::supplier::Product],
) -> (
    Vec<ProductUse>,
    Vec<(ward_core::ProductId, Vec<InstalledRelease>)>,
) {
    let inv = index.sector.inventory();
    let mut uses = Vec::new();
    let mut releases = Vec::new();
    for p in products {
        let Some((vendor, name)) = p
            .cpe
            .as_deref()
            .and_then(|c| crate::products::cpe_identity(c).ok())
        else {
            continue;
        };
        let mut per_org: BTreeMap<OrgId, (u32, BTreeSet<ward_core::ServiceId>)> = BTreeMap::new();
        let mut per_release: BTreeMap<(String, Option<String>), u32> = BTreeMap::new();
        for &cpe in inv.cpes_for(&vendor, &name) {
            let version = inv
                .cpes()
                .get(cpe as usize)
                .and_then(|c| c.version_text())
                .unwrap_or("*")
                .to_owned();
            for &asset in inv.assets_of_cpe(cpe) {
                let Some(org) = inv.org_of(asset) else { continue };
                let purl = inv
                    .same_as_version(cpe, asset)
                    .and_then(|v| inv.versions().get(v as usize))
                    .map(|v| inv.text(v.purl).to_owned());
                *per_release.entry((version.clone(), purl)).or_default() += 1;
                let entry = per_org.entry(org).or_default();
                entry.0 += 1;
                if let Some(ix) = inv.asset_id(asset).and_then(|id| index.sector.find_asset(id)) {
                    entry.1.extend(index.sector.direct_services(ix).iter().copied());
                }
            }
        }
        uses.extend(per_org.into_iter().map(|(org, (assets, services))| ProductUse {
            product: p.id,
            org,
            assets,
            services: services.into_iter().collect(),
        }));
        releases.push((
            p.id,
            per_release
                .into_iter()
                .map(|((version, purl), assets)| InstalledRelease {
                    version,
                    purl,
                    assets,
                })
                .collect(),
        ));
    }
    (uses, releases)
}

impl App {
    /// The register for the current exposure index, built on first use after each rebuild.
    pub async fn supplier_register_index(&self) -> AppResult<Arc<SupplierRegister>> {
        let index = self.exposure_index().await?;
        let cell = &index.suppliers;
        let built = cell
            .get_or_try_init(|| async {
                let started = std::time::Instant::now();
                let snapshot = self.store().dependency_snapshot().await?;
                let index = Arc::clone(&index);
                let register = tokio::task::spawn_blocking(move || {
                    let (uses, releases) = inventory_uses(&index, &snapshot.products);
                    SupplierRegister::build(RegisterInput {
                        orgs: &snapshot.orgs,
                        services: &snapshot.services,
                        products: &snapshot.products,
                        dependencies: &snapshot.dependencies,
                        uses: &uses,
                        releases: &releases,
                    })
                })
                .await
                .map_err(|e| AppError::Internal(format!("building the supplier register: {e}")))?;
                tracing::info!(
                    suppliers = register.len(),
                    elapsed_ms = started.elapsed().as_millis() as u64,
                    "supplier register built"
                );
                Ok::<_, AppError>(Arc::new(register))
            })
            .await?;
        Ok(Arc::clone(built))
    }

    /// The register as the caller may see it.
    #[instrument(skip_all, err)]
    pub async fn supplier_register(&self, actor: &Actor) -> AppResult<RegisterPage> {
        let scope = authorise(actor, Action::ReadSuppliers, self.now())?;
        let register = self.supplier_register_index().await?;
        let view = register.view(&visibility(&scope));
        let shown = Scope::Orgs(view.suppliers.iter().map(|s| s.supplier).collect());
        let assurance = self.store().list_supplier_assurance(&shown).await?;
        let certificates = self.store().list_certificates(&shown).await?;
        Ok(RegisterPage {
            seen: seen(&scope),
            view,
            assurance,
            certificates,
        })
    }

    /// Resolve a supplier named by ODS code or identifier; not found unless it is a supplier.
    pub(crate) async fn supplier_id(&self, text: &str) -> AppResult<OrgId> {
        let org = self.org_named(text).await?;
        let o = self.store().get_org(&Scope::All, org).await?;
        if o.kind != OrgKind::Supplier {
            return Err(AppError::NotFound("supplier".into()));
        }
        Ok(org)
    }

    /// An organisation by identifier or ODS code (not found when neither names one).
    async fn org_named(&self, text: &str) -> AppResult<OrgId> {
        if let Ok(id) = text.parse::<OrgId>() {
            return Ok(id);
        }
        let code =
            ward_core::org::OdsCode::parse(text).map_err(|_| AppError::NotFound("organisation".into()))?;
        Ok(self.store().get_org_by_code(&Scope::All, &code).await?.id)
    }

    /// One supplier's record (by ODS code or identifier) as the caller may see it: not found when
    /// it is not a supplier the caller sees.
    #[instrument(skip_all, err)]
    pub async fn supplier_record(&self, actor: &Actor, supplier: &str) -> AppResult<SupplierRecord> {
        let scope = authorise(actor, Action::ReadSuppliers, self.now())?;
        let id = self
            .supplier_id(supplier)
            .await
            .map_err(|_| AppError::NotFound("supplier".into()))?;
        let register = self.supplier_register_index().await?;
        let figures = register
            .figures(id, &visibility(&scope))
            .ok_or_else(|| AppError::NotFound("supplier".into()))?;
        let only = Scope::Orgs(vec![id]);
        let assurance = self
            .store()
            .list_supplier_assurance(&only)
            .await?
            .into_iter()
            .next();
        let certificates = self.store().list_certificates(&only).await?;
        Ok(SupplierRecord {
            seen: seen(&scope),
            figures,
            assurance,
            certificates,
        })
    }

    /// The national team records a supplier's assurance (charter attestation, DSPT status).
    #[instrument(skip_all, err)]
    pub async fn put_supplier_assurance(
        &self,
        actor: &Actor,
        supplier: &str,
        input: AssuranceInput,
    ) -> AppResult<SupplierAssurance> {
        let now = self.now();
        let scope = authorise(actor, Action::ManageSuppliers, now)?;
        let id = self.supplier_id(supplier).await?;
        let record = SupplierAssurance {
            supplier: id,
            charter_attested_on: input.charter_attested_on,
            charter_attested_by: given(input.charter_attested_by),
            dspt_status: input.dspt_status,
            dspt_year: given(input.dspt_year),
            updated_by: actor.user_id(),
            updated_at: now,
        };
        record.check()?;
        self.store()
            .put_supplier_assurance(&scope, &record, &actor.audit(now))
            .await?;
        Ok(record)
    }

    /// Record a certificate: the national team for any organisation, an organisation's admin for
    /// its own (and those beneath it).
    #[instrument(skip_all, err)]
    pub async fn add_certificate(&self, actor: &Actor, input: CertificateInput) -> AppResult<Certificate> {
        let now = self.now();
        let scope = authorise(actor, Action::RecordCertificates, now)?;
        let org = self.org_named(&input.org).await?;
        if !scope_contains(self.store(), &scope, org).await? {
            return Err(AppError::NotFound("organisation".into()));
        }
        let certificate = Certificate {
            id: CertificateId::new_at(now, crate::accounts::secrets::random_bytes::<10>()?),
            org,
            kind: input.kind,
            reference: given(input.reference),
            issued_on: input.issued_on,
            expires_on: input.expires_on,
            recorded_by: actor.user_id(),
            recorded_at: now,
        };
        certificate.check()?;
        self.store()
            .add_certificate(&scope, &certificate, &actor.audit(now))
            .await?;
        Ok(certificate)
    }

    /// Remove a certificate recorded in error (whoever may record it).
    #[instrument(skip_all, err)]
    pub async fn remove_certificate(&self, actor: &Actor, id: CertificateId) -> AppResult<()> {
        let now = self.now();
        let scope = authorise(actor, Action::RecordCertificates, now)?;
        Ok(self
            .store()
            .remove_certificate(&scope, id, &actor.audit(now))
            .await?)
    }

    /// The certificates of the caller's footprint (for a supplier contact, its own).
    pub async fn certificates(&self, actor: &Actor) -> AppResult<Vec<Certificate>> {
        let scope = authorise(actor, Action::ReadSuppliers, self.now())?;
        Ok(self.store().list_certificates(&scope).await?)
    }

    /// Whether `org` holds a certificate of `kind` in force today. The one question other rules
    /// ask (DSPT "Standards Exceeded" needs a current Cyber Essentials Plus certificate); the
    /// caller has already decided that it may see `org`.
    pub async fn holds_current_certificate(&self, org: OrgId, kind: CertificateKind) -> AppResult<bool> {
        let today = self.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        Ok(self.store().holds_current_certificate(org, kind, today).await?)
    }
}
