//! The supplier advisory pathway (issue 9, item 6): a supplier contact publishes an advisory
//! about its own products, as a CSAF 2.0 document, a CycloneDX VEX or a web form, through one
//! use case ([`App::publish_supplier_advisory`]).
//!
//! - **Who may speak.** The caller is authorised (a supplier contact, for its own organisation)
//!   *before* anything is parsed; a document is parsed off the async workers within
//!   [`App::parse_limits`] (bytes, nodes, deadline) and read strictly
//!   ([`ward_feeds::read_supplier_document`]): any reason it does not validate refuses it, each
//!   with its JSON pointer, and nothing is kept. Every product it names must be one a national
//!   analyst confirmed as the supplier's: the one rule of [`crate::products::uncovered_identifier`].
//! - **Publishing.** The advisory becomes a Ward [`Advisory`] whose affected entries are the
//!   products' CPEs with the stated versions ([`affected`]), stored like any feed's advisory so the
//!   exposure index matches it; then an alert is issued from it (issuer: the supplier; targets:
//!   every organisation exposed) with the usual clocks.
//! - **Embargo.** Until `embargo_until`, the advisory is kept but not released: not in the
//!   exposure index, no alert, seen by the national team (and the supplier) only. The national
//!   team may release it early; at the date the `supplier_advisories.release` job does. A release
//!   is claimed in the store first ([`ward_store::SupplierAdvisoryStore::claim_supplier_advisory_release`]),
//!   so it happens once across replicas.
//! - **Progress** ([`progress`]) is shown to the supplier in aggregate, naming only organisations
//!   that agreed to be named (their admins' choice, [`App::set_naming_consent`]).

pub mod affected;
mod fixed;
mod mail;
mod not_affected;
mod stated;

pub(crate) use mail::AdvisoryEmail;
pub mod progress;
pub mod revisions;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use ward_core::ProductId;
use ward_core::alert::Severity;
use ward_core::audit::AuditActor;
use ward_core::job::{Job, JobKind};
use ward_core::org::OrgKind;
use ward_core::supplier::advisory::{AdvisoryFormat, AdvisoryState, SupplierAdvisory};
use ward_core::vuln::{Advisory, AdvisorySource, ProductRef, Reference, VexStatement};
use ward_feeds::supplier_document::{DocumentSyntax, SupplierDocumentKind, is_cve_id};
use ward_feeds::{SupplierDocument, SupplierDocumentError};
use ward_store::{AuditMeta, Scope};

use crate::App;
use crate::actor::Actor;
use crate::alerts::{AlertIssuer, Issued, NewAlert};
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::heavy::feed_error;
use crate::products::uncovered_identifier;

/// The web form's fields (the API's JSON body).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdvisoryForm {
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// CVE ids (`CVE-2026-12345`).
    #[serde(default)]
    pub cves: Vec<String>,
    /// One of the supplier's confirmed products.
    #[schema(value_type = String)]
    pub product: ProductId,
    /// Affected versions; when none, every version before `fixed_version`.
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub fixed_version: Option<String>,
    /// What customers must do.
    #[serde(default)]
    pub required_action: String,
    pub severity: Severity,
    /// Held back (the national team alone sees it) until this day.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub embargo_until: Option<Date>,
    /// The advisory's version: `1` by default when first published; a revision's must come after
    /// the current one (by default, the next whole number).
    #[serde(default)]
    pub version: Option<String>,
}

/// What goes with an uploaded document (query parameters on the API, fields on the page).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UploadOptions {
    /// Overrides the severity the document's highest CVSS score gives.
    #[serde(default)]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub embargo_until: Option<Date>,
    /// The title, when the document has none (CycloneDX) or it should read otherwise.
    #[serde(default)]
    pub title: Option<String>,
    /// What customers must do, when the document's remediations do not say.
    #[serde(default)]
    pub required_action: Option<String>,
}

/// One advisory as submitted.
#[derive(Debug)]
pub enum Submission<B> {
    /// A CSAF 2.0 or CycloneDX VEX JSON document.
    Document {
        file: String,
        bytes: B,
        options: UploadOptions,
    },
    /// The web form.
    Form(AdvisoryForm),
}

/// What publishing did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Published {
    /// The advisory's id in Ward.
    pub advisory: String,
    pub state: AdvisoryState,
    #[schema(value_type = Option<String>, format = Date)]
    pub embargo_until: Option<Date>,
    /// The CVE ids it names.
    pub cves: Vec<String>,
    /// The alert issued (none while under embargo).
    pub alert: Option<Issued>,
}

/// An advisory ready to keep: everything but who and when.
struct Drafted {
    id: Option<String>,
    title: String,
    severity: Severity,
    format: AdvisoryFormat,
    advisory: Advisory,
    actions: Vec<String>,
    embargo_until: Option<Date>,
    /// The version the submission gives (none: the form's default).
    version: Option<String>,
    /// Where the version is given, to name it in a refusal.
    version_path: &'static str,
    /// The statements that products are not affected.
    not_affected: Vec<VexStatement>,
    /// The statements that versions are fixed (a form's without a CVE name the advisory once it
    /// has its id).
    fixed: Vec<VexStatement>,
}

/// How a claimed release went.
enum Release {
    /// This call released it: the alert issued, if the advisory states anything affected.
    Claimed(Option<Issued>),
    /// Another replica or person had released it already.
    AlreadyReleased,
}

fn problem(path: impl Into<String>, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        path: path.into(),
        message: message.into(),
    }
}

fn today(app: &App) -> Date {
    app.now().to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// The embargo date, which must be after today when given.
fn check_embargo(app: &App, until: Option<Date>, problems: &mut Vec<FieldProblem>) {
    if let Some(d) = until
        && d <= today(app)
    {
        problems.push(problem(
            "embargo_until",
            format!("{d} is not after today: leave it empty to release at once"),
        ));
    }
}

/// A document's own id may not pass for another source's: it would replace that record.
fn check_document_id(id: &str, problems: &mut Vec<FieldProblem>) {
    let upper = id.to_ascii_uppercase();
    let foreign = ["CVE-", "GHSA-", "PYSEC-", "RUSTSEC-", "GO-", "OSV-"]
        .iter()
        .any(|p| upper.starts_with(p));
    if foreign || id.trim() != id || id.is_empty() || id.len() > 120 || id.chars().any(char::is_control) {
        problems.push(problem(
            "/document/tracking/id",
            format!(
                "'{id}' cannot be an advisory id: use your own tracking id (such as PATHLAB-SA-2026-001)"
            ),
        ));
    }
}

fn bare_advisory(id: String, source: AdvisorySource) -> Advisory {
    Advisory {
        id,
        aliases: Vec::new(),
        related: Vec::new(),
        summary: None,
        details: None,
        published: None,
        modified: None,
        withdrawn: None,
        severity: Vec::new(),
        affected: Vec::new(),
        references: Vec::new(),
        cwes: Vec::new(),
        source,
    }
}

impl App {
    /// Publish a supplier's advisory (see the module documentation). `supplier` is its ODS code
    /// or identifier. Refused, with nothing kept, when the caller may not speak for the supplier,
    /// the document does not validate, or it names a product not confirmed as the supplier's.
    pub async fn publish_supplier_advisory<B>(
        &self,
        actor: &Actor,
        supplier: &str,
        submission: Submission<B>,
    ) -> AppResult<Published>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let now = self.now();
        authorise(actor, Action::PublishSupplierAdvisories, now)?;
        let supplier = self.supplier_id(supplier).await?;
        let scope = authorise_on(
            self.store(),
            actor,
            Action::PublishSupplierAdvisories,
            supplier,
            now,
        )
        .await
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound("supplier".into()),
            other => other,
        })?;
        let confirmed = self.confirmed_products(Some(supplier)).await?;
        let drafted = self.draft(&confirmed, submission).await?;
        if !drafted.not_affected.is_empty() || !drafted.fixed.is_empty() {
            // What it states not affected or fixed becomes the supplier's VEX: the publisher must
            // be one who may state it.
            authorise_on(self.store(), actor, Action::StateVex, supplier, now).await?;
        }
        let id = match drafted.id.clone() {
            Some(id) => {
                if self.store().get_supplier_advisory(&scope, &id).await.is_ok() {
                    return Err(AppError::Conflict(format!(
                        "id: {id} is already published: send this document as a revision of it \
                         (POST /api/v1/supplier-advisories/{id}/revisions/upload)"
                    )));
                }
                let index = self.exposure_index().await?;
                if !index.advisories_named(&id).is_empty() {
                    return Err(AppError::Conflict(format!(
                        "id: {id} is already an advisory Ward knows; use your own tracking id"
                    )));
                }
                id
            }
            None => {
                let org = self.store().get_org(&Scope::All, supplier).await?;
                let tail = crate::accounts::secrets::random_bytes::<3>()?;
                format!(
                    "{}-SA-{}-{:02X}{:02X}{:02X}",
                    org.code,
                    today(self).strftime("%Y%m%d"),
                    tail[0],
                    tail[1],
                    tail[2]
                )
            }
        };
        let mut advisory = drafted.advisory;
        advisory.id = id.clone();
        advisory.published.get_or_insert(now);
        let mut stated_fixed = drafted.fixed;
        fixed::name_advisory(&mut stated_fixed, &id);
        let record = SupplierAdvisory {
            id: id.clone(),
            supplier,
            title: drafted.title,
            severity: drafted.severity,
            format: drafted.format,
            advisory,
            actions: drafted.actions,
            version: drafted.version.unwrap_or_else(|| "1".to_owned()),
            not_affected: drafted.not_affected,
            fixed: stated_fixed,
            embargo_until: drafted.embargo_until,
            published_by: actor.audit_actor().principal,
            published_at: now,
            released_at: None,
            released_by: None,
            alert: None,
        };
        self.store()
            .create_supplier_advisory(&scope, &record, &actor.audit(now))
            .await?;
        let (state, alert) = if record.embargo_until.is_some() {
            // The national team is told at once, in Ward and by e-mail (through the job queue).
            self.tell_national_of_embargo_logged(&record).await;
            (AdvisoryState::Embargoed, None)
        } else {
            match self.release(&record, &actor.audit(now)).await? {
                Release::Claimed(alert) => (AdvisoryState::Released, alert),
                Release::AlreadyReleased => (AdvisoryState::Released, None),
            }
        };
        Ok(Published {
            advisory: id,
            state,
            embargo_until: record.embargo_until,
            cves: record.advisory.aliases.clone(),
            alert,
        })
    }

    /// Read and check a submission against the supplier's confirmed products.
    async fn draft<B>(
        &self,
        confirmed: &[ward_core::supplier::Product],
        submission: Submission<B>,
    ) -> AppResult<Drafted>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        match submission {
            Submission::Form(form) => self.draft_from_form(confirmed, form).await,
            Submission::Document { file, bytes, options } => {
                let doc = self.read_document(file, bytes).await?;
                self.draft_from_document(confirmed, doc, options)
            }
        }
    }

    /// Parse an uploaded document off the async workers, within the parse limits.
    async fn read_document<B>(&self, file: String, bytes: B) -> AppResult<SupplierDocument>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let permit = self.heavy_permit()?;
        let name = file.clone();
        let doc = self
            .parse_off_workers(&permit, &file, move |limits| {
                ward_feeds::read_supplier_document(&name, bytes.as_ref(), limits).map_err(|e| match e {
                    SupplierDocumentError::Unreadable(e) => feed_error(e),
                    SupplierDocumentError::Invalid(problems) => AppError::Invalid(
                        problems
                            .into_iter()
                            .map(|p| problem(if p.path.is_empty() { "/".into() } else { p.path }, p.reason))
                            .collect(),
                    ),
                })
            })
            .await?;
        drop(permit);
        Ok(doc)
    }

    async fn draft_from_form(
        &self,
        confirmed: &[ward_core::supplier::Product],
        form: AdvisoryForm,
    ) -> AppResult<Drafted> {
        let mut problems = Vec::new();
        let title = form.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            problems.push(problem("title", "1 to 200 characters"));
        }
        if form.summary.chars().count() > 10_000 {
            problems.push(problem("summary", "at most 10000 characters"));
        }
        let cves: Vec<String> = form
            .cves
            .iter()
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty())
            .collect();
        for (i, c) in cves.iter().enumerate() {
            if !is_cve_id(c) {
                problems.push(problem(
                    format!("cves[{i}]"),
                    format!("'{c}' is not a CVE id (CVE-YYYY-NNNN)"),
                ));
            }
        }
        if cves.len() > 50 {
            problems.push(problem("cves", "at most 50"));
        }
        check_embargo(self, form.embargo_until, &mut problems);
        // The product must be one of this supplier's confirmed products: the one rule.
        let product = confirmed.iter().find(|p| p.id == form.product);
        let cpe = product.and_then(|p| p.cpe.clone());
        let stated = ProductRef {
            cpe: cpe.clone(),
            ..ProductRef::default()
        };
        let affected = match (product, uncovered_identifier(confirmed, &stated)) {
            (Some(_), None) => {
                match affected::affected_from_form(
                    cpe.as_deref().unwrap_or_default(),
                    &form.versions,
                    form.fixed_version.as_deref(),
                ) {
                    Ok(a) => Some(a),
                    Err(p) => {
                        problems.push(p);
                        None
                    }
                }
            }
            _ => {
                problems.push(problem(
                    "product",
                    format!("{} is not one of your confirmed products", form.product),
                ));
                None
            }
        };
        let fixed_version = form
            .fixed_version
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty());
        // The fixed version becomes the supplier's "fixed" statement for the product.
        let stated_fixed = match (product, cpe.as_deref(), fixed_version) {
            (Some(p), Some(cpe), Some(f)) => {
                let stated = fixed::from_form(&p.name, cpe, &cves, f);
                for s in &stated {
                    if let Err(reason) = fixed::input(ward_core::OrgId::from_uuid(uuid::Uuid::nil()), s) {
                        problems.push(problem("fixed_version", reason));
                        break;
                    }
                }
                stated
            }
            _ => Vec::new(),
        };
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let mut advisory = bare_advisory(String::new(), AdvisorySource::Manual);
        advisory.aliases = cves;
        advisory.summary = Some(title.clone());
        advisory.details = Some(form.summary.trim().to_owned()).filter(|s| !s.is_empty());
        advisory.affected = affected.into_iter().collect();
        let mut actions = Vec::new();
        if !form.required_action.trim().is_empty() {
            actions.push(form.required_action.trim().to_owned());
        }
        if let Some(f) = form
            .fixed_version
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty())
        {
            let name = product.map_or("the product", |p| p.name.as_str());
            actions.push(format!("Upgrade {name} to version {f} or later"));
        }
        Ok(Drafted {
            id: None,
            title,
            severity: form.severity,
            format: AdvisoryFormat::Form,
            advisory,
            actions,
            embargo_until: form.embargo_until,
            version: form
                .version
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty()),
            version_path: "version",
            not_affected: Vec::new(),
            fixed: stated_fixed,
        })
    }

    fn draft_from_document(
        &self,
        confirmed: &[ward_core::supplier::Product],
        doc: SupplierDocument,
        options: UploadOptions,
    ) -> AppResult<Drafted> {
        let mut problems = Vec::new();
        let root = match (doc.kind, doc.syntax) {
            (SupplierDocumentKind::Csaf, _) => "/product_tree",
            (SupplierDocumentKind::CycloneDxVex, DocumentSyntax::Json) => "/components",
            (SupplierDocumentKind::CycloneDxVex, DocumentSyntax::Xml) => "/bom/components",
        };
        // Every product named, whatever its status: the supplier speaks for its own only.
        for s in &doc.statements {
            if let Some((field, identifier)) = uncovered_identifier(confirmed, &s.product) {
                let named = s
                    .product
                    .name
                    .as_deref()
                    .or(s.product.id.as_deref())
                    .unwrap_or("a product");
                let message = format!("{named}: {field} {identifier} is not one of your confirmed products");
                if !problems.iter().any(|p: &FieldProblem| p.message == message) {
                    problems.push(problem(root, message));
                }
            }
        }
        check_embargo(self, options.embargo_until, &mut problems);
        if let Some(id) = &doc.id {
            check_document_id(id, &mut problems);
        }
        let affected = match affected::affected_from_statements(&doc.statements) {
            Ok(a) => a,
            Err(p) => {
                problems.extend(p);
                Vec::new()
            }
        };
        let not_affected = not_affected::from_statements(root, &doc.statements, &mut problems);
        let stated_fixed = fixed::from_statements(root, &doc.statements, &mut problems);
        if problems.is_empty() && affected.is_empty() && not_affected.is_empty() && stated_fixed.is_empty() {
            let list = match doc.syntax {
                DocumentSyntax::Json => "/vulnerabilities",
                DocumentSyntax::Xml => "/bom/vulnerabilities",
            };
            problems.push(problem(
                list,
                "no product is stated affected (known_affected, or analysis state exploitable/in_triage), \
                 not affected (known_not_affected, not_affected) or fixed (fixed, resolved): nothing to \
                 tell customers",
            ));
        }
        let title = options
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .or(doc.title.clone())
            .unwrap_or_else(|| {
                format!(
                    "Vulnerability in your supplier's products: {}",
                    doc.cves.join(", ")
                )
            });
        if title.chars().count() > 200 {
            problems.push(problem("title", "at most 200 characters"));
        }
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        let severity = options
            .severity
            .unwrap_or_else(|| Severity::of_vulnerability(doc.highest_score, false));
        let (format, mut advisory) = match doc.advisory {
            Some(a) => (AdvisoryFormat::Csaf, a),
            None => (
                AdvisoryFormat::CycloneDx,
                bare_advisory(String::new(), AdvisorySource::Manual),
            ),
        };
        advisory.aliases = doc.cves.clone();
        advisory.summary = Some(title.clone());
        if advisory.details.is_none() {
            advisory.details = doc.summary.clone();
        }
        for url in &doc.references {
            if !advisory.references.iter().any(|r| &r.url == url) {
                advisory.references.push(Reference {
                    kind: None,
                    url: url.clone(),
                });
            }
        }
        advisory.affected = affected;
        let mut actions: Vec<String> = Vec::new();
        if let Some(a) = options
            .required_action
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            actions.push(a.to_owned());
        }
        for a in &doc.actions {
            if !actions.iter().any(|x| x == a) && actions.len() < 50 {
                actions.push(a.clone());
            }
        }
        let version_path = match (doc.kind, doc.syntax) {
            (SupplierDocumentKind::Csaf, _) => "/document/tracking/version",
            (SupplierDocumentKind::CycloneDxVex, DocumentSyntax::Json) => "/version",
            (SupplierDocumentKind::CycloneDxVex, DocumentSyntax::Xml) => "/bom/@version",
        };
        Ok(Drafted {
            id: doc.id,
            title,
            severity,
            format,
            advisory,
            actions,
            embargo_until: options.embargo_until,
            version: doc.version,
            version_path,
            not_affected,
            fixed: stated_fixed,
        })
    }

    /// Release a kept advisory, once: make it known ([`App::make_known`]). `AlreadyReleased` when
    /// another replica or person released it first. A failure gives the claim back, so the
    /// release is tried again.
    async fn release(&self, record: &SupplierAdvisory, meta: &AuditMeta) -> AppResult<Release> {
        let now = self.now();
        if !self
            .store()
            .claim_supplier_advisory_release(&record.id, now, meta)
            .await?
        {
            return Ok(Release::AlreadyReleased);
        }
        match self.make_known(record, meta).await {
            Ok(issued) => {
                if let Some(issued) = &issued {
                    self.store()
                        .set_supplier_advisory_alert(&record.id, issued.alert)
                        .await?;
                }
                Ok(Release::Claimed(issued))
            }
            Err(e) => {
                if let Err(undo) = self.store().undo_supplier_advisory_release(&record.id).await {
                    tracing::error!(error = %undo, advisory = %record.id, "a failed release could not be given back");
                }
                Err(e)
            }
        }
    }

    /// Make a released advisory (or its latest revision) known to the sector: stored as an
    /// advisory Ward knows, what it states not affected or fixed recorded as the supplier's VEX
    /// (before targeting, so those customers are not alerted), and, when it has no alert yet and states
    /// some product affected, its alert issued. Later exposures extend the alert as usual.
    async fn make_known(&self, record: &SupplierAdvisory, meta: &AuditMeta) -> AppResult<Option<Issued>> {
        self.store()
            .upsert_advisories(std::slice::from_ref(&record.advisory), meta)
            .await?;
        self.record_supplier_vex(record, meta).await?;
        self.exposure_changed();
        if record.alert.is_some() || record.advisory.affected.is_empty() {
            return Ok(None);
        }
        self.alert_from(record, meta).await.map(Some)
    }

    async fn alert_from(&self, record: &SupplierAdvisory, meta: &AuditMeta) -> AppResult<Issued> {
        let org = self.store().get_org(&Scope::All, record.supplier).await?;
        let new = NewAlert {
            severity: record.severity,
            title: record.title.clone(),
            summary: record
                .advisory
                .details
                .clone()
                .unwrap_or_else(|| format!("An advisory from {} about its products.", org.name)),
            advisories: vec![record.id.clone()],
            actions: record.actions.clone(),
            references: record
                .advisory
                .references
                .iter()
                .map(|r| r.url.clone())
                .filter(|u| {
                    (u.starts_with("https://") || u.starts_with("http://"))
                        && !u.contains(char::is_whitespace)
                })
                .take(50)
                .collect(),
            tlp: None,
            add_kinds: Vec::new(),
            add_area: None,
            clocks: None,
        };
        let by = AlertIssuer {
            org: record.supplier,
            area: None,
            principal: record.published_by.clone(),
        };
        let issued = self.issue_checked_alert(&Scope::All, by, new, meta).await?;
        self.queue_alert_extension_logged().await;
        Ok(issued)
    }

    /// The national team releases an embargoed advisory before its date.
    pub async fn release_supplier_advisory(&self, actor: &Actor, id: &str) -> AppResult<Published> {
        let now = self.now();
        let scope = authorise(actor, Action::ReleaseSupplierAdvisories, now)?;
        let record = self.store().get_supplier_advisory(&scope, id).await?;
        if record.released_at.is_some() {
            return Err(AppError::Conflict(format!("{id} was already released")));
        }
        let Release::Claimed(alert) = self.release(&record, &actor.audit(now)).await? else {
            return Err(AppError::Conflict(format!("{id} was already released")));
        };
        Ok(Published {
            advisory: record.id,
            state: AdvisoryState::Released,
            embargo_until: record.embargo_until,
            cves: record.advisory.aliases,
            alert,
        })
    }

    /// Release every advisory whose embargo ends today or earlier (as Ward itself). Returns the
    /// ids this run released.
    pub async fn release_due_supplier_advisories(&self) -> AppResult<Vec<String>> {
        let now = self.now();
        let meta = AuditMeta {
            actor: AuditActor::system("supplier_advisories.release"),
            at: now,
            request_id: None,
        };
        let mut released = Vec::new();
        for record in self.store().supplier_advisories_due(today(self)).await? {
            if let Release::Claimed(_) = self.release(&record, &meta).await? {
                released.push(record.id);
            }
        }
        Ok(released)
    }

    /// Queues the `supplier_advisories.release` job (once: a queued or running one is enough).
    pub async fn queue_embargo_release(&self) -> AppResult<()> {
        self.enqueue_job(
            JobKind::SupplierAdvisoriesRelease,
            serde_json::json!({}),
            None,
            3,
            Some("supplier_advisories.release"),
        )
        .await
        .map(|_| ())
    }

    /// The organisations of kind supplier whose advisories the caller may publish (a supplier
    /// contact: its own).
    pub async fn publishing_suppliers(&self, actor: &Actor) -> AppResult<Vec<ward_core::org::Organisation>> {
        let now = self.now();
        let scope = authorise(actor, Action::PublishSupplierAdvisories, now)?;
        let Scope::Orgs(orgs) = scope else {
            return Ok(Vec::new());
        };
        let mut out = Vec::new();
        for id in orgs {
            let org = self.store().get_org(&Scope::All, id).await?;
            if org.kind == OrgKind::Supplier {
                out.push(org);
            }
        }
        Ok(out)
    }
}

/// The `supplier_advisories.release` job: [`App::release_due_supplier_advisories`].
pub struct EmbargoReleaseJob;

#[async_trait::async_trait]
impl crate::jobs::JobHandler for EmbargoReleaseJob {
    fn kind(&self) -> JobKind {
        JobKind::SupplierAdvisoriesRelease
    }

    async fn run(&self, app: &App, _job: &Job) -> Result<(), String> {
        let released = app
            .release_due_supplier_advisories()
            .await
            .map_err(|e| e.to_string())?;
        if !released.is_empty() {
            tracing::info!(
                released = released.len(),
                "embargoed supplier advisories released"
            );
        }
        Ok(())
    }
}
