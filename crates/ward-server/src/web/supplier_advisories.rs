//! The supplier advisory pathway's pages: a supplier contact's "Publish an advisory" (the form
//! and the CSAF / CycloneDX VEX upload) and its advisories with their progress drawn as SVG bars
//! (counts, and names only of organisations that agreed); the national team's view of every
//! advisory, with "Release now" for embargoed ones; an organisation admin's choice whether
//! suppliers may name it. Each advisory shows its version, what the supplier states not affected
//! and its revision history; its supplier publishes a revision from there.

use super::charts::{Segment, progress_bar};
use super::exposure::parse_enum;
use super::import::upload_error;
use super::views::{Choice, Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, WebQuery, chrome_at, optional_date, render};
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use strum::IntoEnumIterator;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::supplier_advisories::progress::AdvisoryProgress;
use ward_app::supplier_advisories::{AdvisoryForm, Published, Submission, UploadOptions};
use ward_core::alert::Severity;
use ward_core::supplier::advisory::{AdvisoryRevision, AdvisoryState};

struct NamedLine {
    name: String,
    code: String,
    standing: &'static str,
}

struct AdvisoryLine {
    id: String,
    title: String,
    supplier: String,
    severity: &'static str,
    format: &'static str,
    cves: String,
    state: &'static str,
    embargoed: bool,
    embargo_until: String,
    alert: Option<String>,
    targeted: u64,
    overdue: u64,
    segments: Vec<Segment>,
    /// The bar in words (the SVG's title).
    words: String,
    named: Vec<NamedLine>,
    unnamed: u64,
    version: String,
    /// What the supplier states not affected, in words.
    not_affected: Vec<String>,
    revisions: Vec<RevisionLine>,
}

struct RevisionLine {
    number: u32,
    version: String,
    published: String,
    changes: Vec<String>,
}

struct ProductChoice {
    id: String,
    name: String,
}

#[derive(Template)]
#[template(path = "supplier_advisories.html")]
struct AdvisoriesPage {
    chrome: Option<Chrome>,
    title: String,
    can_read: bool,
    can_publish: bool,
    can_release: bool,
    can_consent: bool,
    national: bool,
    rows: Vec<AdvisoryLine>,
    products: Vec<ProductChoice>,
    severities: Vec<Choice>,
    notice: Option<String>,
    problems: Vec<String>,
    may_be_named: bool,
}

fn standing(n: &ward_app::supplier_advisories::progress::NamedCustomer) -> &'static str {
    if n.remediated {
        "Remediated"
    } else if n.not_affected {
        "Not affected"
    } else if n.overdue {
        "Overdue"
    } else if n.acknowledged {
        "Acknowledged"
    } else {
        "Not yet acknowledged"
    }
}

fn line(a: AdvisoryProgress, revisions: Vec<AdvisoryRevision>) -> AdvisoryLine {
    let p = a.progress;
    let acknowledged_open = p.acknowledged.saturating_sub(p.remediated + p.not_affected);
    let segments = progress_bar(
        p.targeted,
        &[
            ("Remediated", "seg-remediated", p.remediated),
            ("Not affected", "seg-not-affected", p.not_affected),
            ("Acknowledged, still open", "seg-acknowledged", acknowledged_open),
        ],
    );
    let words = format!(
        "{} organisations reached: {} remediated, {} not affected, {} acknowledged and still open, {} overdue",
        p.targeted, p.remediated, p.not_affected, acknowledged_open, p.overdue
    );
    AdvisoryLine {
        id: a.advisory.id.clone(),
        title: a.advisory.title.clone(),
        supplier: format!("{} ({})", a.supplier.name, a.supplier.code),
        severity: a.advisory.severity.label(),
        format: a.advisory.format.label(),
        cves: a.advisory.advisory.aliases.join(", "),
        state: a.state.label(),
        embargoed: a.state == AdvisoryState::Embargoed,
        embargo_until: a
            .advisory
            .embargo_until
            .map(|d| d.to_string())
            .unwrap_or_default(),
        alert: a.advisory.alert.map(|id| id.to_string()),
        targeted: p.targeted,
        overdue: p.overdue,
        segments,
        words,
        named: a
            .named
            .iter()
            .map(|n| NamedLine {
                name: n.org.name.clone(),
                code: n.org.code.clone(),
                standing: standing(n),
            })
            .collect(),
        unnamed: a.unnamed,
        version: a.advisory.version.clone(),
        not_affected: a
            .advisory
            .not_affected
            .iter()
            .map(|s| {
                let product = s
                    .product
                    .name
                    .clone()
                    .or_else(|| s.product.cpe.clone())
                    .unwrap_or_default();
                let why = s
                    .justification
                    .as_ref()
                    .map(|j| format!(" ({})", j.label()))
                    .unwrap_or_default();
                format!("{} in {product}{why}", s.vulnerability)
            })
            .collect(),
        revisions: revisions
            .into_iter()
            .rev()
            .map(|r| RevisionLine {
                number: r.number,
                version: r.version,
                published: ward_core::local_time::show(r.published_at),
                changes: r.changes,
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    done: Option<String>,
}

async fn page_for(
    s: &AppState,
    page: &Signed,
    notice: Option<String>,
    problems: Vec<String>,
) -> Result<AdvisoriesPage, AppError> {
    let can_read = page.may(Action::ReadSupplierAdvisories);
    let can_publish = page.may(Action::PublishSupplierAdvisories);
    let can_consent = page.may(Action::SetNamingConsent);
    if !(can_read || can_publish || can_consent) {
        return Err(AppError::forbidden(
            "your role does not take part in suppliers' advisories",
        ));
    }
    let mut rows = Vec::new();
    if can_read {
        for a in s.app.supplier_advisories(&page.actor).await? {
            let revisions = s
                .app
                .supplier_advisory_revisions(&page.actor, &a.advisory.id)
                .await?;
            rows.push(line(a, revisions));
        }
    }
    let products = if can_publish {
        s.app
            .confirmed_products(Some(page.actor.org))
            .await?
            .into_iter()
            .filter(|p| p.cpe.is_some())
            .map(|p| ProductChoice {
                id: p.id.to_string(),
                name: p.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let may_be_named = if can_consent {
        s.app
            .naming_consent(&page.actor, page.actor.org)
            .await?
            .may_be_named
    } else {
        false
    };
    Ok(AdvisoriesPage {
        chrome: chrome_at(page, Section::Suppliers),
        title: if can_publish {
            "Your advisories".into()
        } else if can_read {
            "Supplier advisories".into()
        } else {
            "Naming to suppliers".into()
        },
        can_read,
        can_publish,
        can_release: page.may(Action::ReleaseSupplierAdvisories),
        can_consent,
        national: page.may(Action::ReleaseSupplierAdvisories),
        rows,
        products,
        severities: Severity::iter()
            .map(|v| Choice {
                value: v.to_string(),
                label: v.label().to_owned(),
                selected: v == Severity::High,
            })
            .collect(),
        notice,
        problems,
        may_be_named,
    })
}

/// `GET /supplier-advisories`.
pub(super) async fn list(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<PageQuery>,
) -> PageResult {
    let notice = match q.done.as_deref() {
        Some("released") => Some(
            "Your advisory is published: the organisations running the affected versions have its alert.",
        ),
        Some("embargoed") => {
            Some("Your advisory is kept under embargo: only the national team sees it until its date.")
        }
        Some("release") => Some("The advisory is released: its alert went to the organisations exposed."),
        Some("revised") => Some(
            "Your revision is published: the organisations already told have been told what changed, \
             and any newly affected receive the alert.",
        ),
        Some("named") => {
            Some("Suppliers may now see your organisation's name in their advisories' progress.")
        }
        Some("unnamed") => Some("Suppliers see your organisation only in their counts, never by name."),
        _ => None,
    }
    .map(str::to_owned);
    let view = page_for(&s, &page, notice, Vec::new())
        .await
        .map_err(page.fail())?;
    Ok(render(StatusCode::OK, &view))
}

/// The page again with what was wrong with a submission, or the error page for anything else.
async fn refused(s: &AppState, page: &Signed, e: AppError) -> PageResult {
    let (status, problems) = match e {
        AppError::Invalid(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            fields
                .into_iter()
                .map(|f| format!("{}: {}", f.path, f.message))
                .collect(),
        ),
        AppError::Conflict(m) => (StatusCode::CONFLICT, vec![m]),
        AppError::TooLarge { path, message } => {
            (StatusCode::PAYLOAD_TOO_LARGE, vec![format!("{path}: {message}")])
        }
        e @ (AppError::TimedOut(_) | AppError::Busy { .. }) => {
            (StatusCode::SERVICE_UNAVAILABLE, vec![e.to_string()])
        }
        other => return Err(page.fail()(other)),
    };
    let view = page_for(s, page, None, problems).await.map_err(page.fail())?;
    Ok(render(status, &view))
}

fn done(p: &Published) -> Redirect {
    Redirect::to(match p.state {
        AdvisoryState::Released => "/supplier-advisories?done=released",
        AdvisoryState::Embargoed => "/supplier-advisories?done=embargoed",
    })
}

/// The publishing form.
#[derive(Debug, Default, Deserialize)]
pub(super) struct PublishForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    /// CVE ids, separated by commas or spaces.
    #[serde(default)]
    cves: String,
    #[serde(default)]
    product: String,
    /// Affected versions, separated by commas.
    #[serde(default)]
    versions: String,
    #[serde(default)]
    fixed_version: String,
    #[serde(default)]
    required_action: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    embargo_until: String,
}

fn listed(v: &str) -> Vec<String> {
    v.split([',', ' ', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `POST /supplier-advisories`: the form.
pub(super) async fn publish(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<PublishForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let form = (|| -> Result<AdvisoryForm, AppError> {
        Ok(AdvisoryForm {
            title: f.title.clone(),
            summary: f.summary.clone(),
            cves: listed(&f.cves),
            product: f
                .product
                .parse()
                .map_err(|_| AppError::invalid("product", "choose one of your confirmed products"))?,
            versions: f
                .versions
                .split(',')
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
                .collect(),
            fixed_version: Some(f.fixed_version.trim().to_owned()).filter(|v| !v.is_empty()),
            required_action: f.required_action.clone(),
            severity: parse_enum("severity", &f.severity)?,
            embargo_until: optional_date("embargo_until", &f.embargo_until)?,
            version: None,
        })
    })();
    let form = match form {
        Ok(form) => form,
        Err(e) => return refused(&s, &page, e).await,
    };
    let supplier = page.actor.org.to_string();
    let submission: Submission<Vec<u8>> = Submission::Form(form);
    match s
        .app
        .publish_supplier_advisory(&page.actor, &supplier, submission)
        .await
    {
        Ok(p) => Ok(done(&p).into_response()),
        Err(e) => refused(&s, &page, e).await,
    }
}

/// Read the upload form (multipart: `csrf` first, then the options and `file`): the submission,
/// or what was wrong with the fields. The caller's right to publish is checked before the file
/// is read: a role that may not publish never makes the server buffer it.
async fn read_upload(
    s: &AppState,
    page: &Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Result<Submission<Vec<u8>>, AppError>, PageError> {
    let chrome = &page.chrome;
    let mut mp = multipart.map_err(|_| {
        PageError::new(
            Some(chrome),
            ApiError::bad_request("send the file from the advisories page"),
        )
    })?;
    let token = match mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        Some(f) if f.name() == Some("csrf") => f.text().await.map_err(|e| upload_error(chrome, &e))?,
        _ => String::new(),
    };
    page.check_csrf(s, &token)?;
    if !page.may(Action::PublishSupplierAdvisories) {
        return Err(page.fail()(AppError::forbidden(
            "your role does not allow publishing suppliers' advisories",
        )));
    }
    let (mut file, mut bytes) = (String::new(), Vec::new());
    let (mut severity, mut embargo, mut title, mut action) =
        (String::new(), String::new(), String::new(), String::new());
    while let Some(f) = mp.next_field().await.map_err(|e| upload_error(chrome, &e))? {
        let name = f.name().unwrap_or_default().to_owned();
        if name == "file" {
            file = super::import::file_label(f.file_name());
            bytes = f.bytes().await.map_err(|e| upload_error(chrome, &e))?.to_vec();
            continue;
        }
        let text = f.text().await.map_err(|e| upload_error(chrome, &e))?;
        match name.as_str() {
            "severity" => severity = text,
            "embargo_until" => embargo = text,
            "title" => title = text,
            "required_action" => action = text,
            _ => {}
        }
    }
    if bytes.is_empty() {
        return Ok(Err(AppError::invalid(
            "file",
            "choose a CSAF 2.0 or CycloneDX VEX file",
        )));
    }
    let options = (|| -> Result<UploadOptions, AppError> {
        Ok(UploadOptions {
            severity: if severity.trim().is_empty() {
                None
            } else {
                Some(parse_enum("severity", severity.trim())?)
            },
            embargo_until: optional_date("embargo_until", &embargo)?,
            title: Some(title).filter(|t| !t.trim().is_empty()),
            required_action: Some(action).filter(|a| !a.trim().is_empty()),
        })
    })();
    Ok(options.map(|options| Submission::Document { file, bytes, options }))
}

/// `POST /supplier-advisories/upload` (multipart: `csrf` first, then the options and `file`).
pub(super) async fn upload(
    State(s): State<AppState>,
    page: Signed,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let submission = match read_upload(&s, &page, multipart).await? {
        Ok(submission) => submission,
        Err(e) => return refused(&s, &page, e).await,
    };
    let supplier = page.actor.org.to_string();
    match s
        .app
        .publish_supplier_advisory(&page.actor, &supplier, submission)
        .await
    {
        Ok(p) => Ok(done(&p).into_response()),
        Err(e) => refused(&s, &page, e).await,
    }
}

/// `POST /supplier-advisories/{id}/revisions` (multipart, as the upload): a new revision of the
/// supplier's advisory.
pub(super) async fn revise(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    let submission = match read_upload(&s, &page, multipart).await? {
        Ok(submission) => submission,
        Err(e) => return refused(&s, &page, e).await,
    };
    match s.app.revise_supplier_advisory(&page.actor, &id, submission).await {
        Ok(_) => Ok(Redirect::to("/supplier-advisories?done=revised").into_response()),
        Err(e @ AppError::NotFound(_)) => Err(page.fail()(e)),
        Err(e) => refused(&s, &page, e).await,
    }
}

/// A form with nothing but its CSRF token.
#[derive(Debug, Default, Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /supplier-advisories/{id}/release`: the national team releases one now.
pub(super) async fn release(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<TokenForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    s.app
        .release_supplier_advisory(&page.actor, &id)
        .await
        .map_err(page.fail())?;
    Ok(Redirect::to("/supplier-advisories?done=release").into_response())
}

/// The naming choice.
#[derive(Debug, Default, Deserialize)]
pub(super) struct ConsentForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    may_be_named: String,
}

/// `POST /supplier-advisories/naming`: an organisation admin's choice.
pub(super) async fn consent(
    State(s): State<AppState>,
    page: Signed,
    WebForm(f): WebForm<ConsentForm>,
) -> PageResult {
    page.check_csrf(&s, &f.csrf)?;
    let yes = f.may_be_named == "yes";
    s.app
        .set_naming_consent(&page.actor, page.actor.org, yes)
        .await
        .map_err(page.fail())?;
    Ok(Redirect::to(if yes {
        "/supplier-advisories?done=named"
    } else {
        "/supplier-advisories?done=unnamed"
    })
    .into_response())
}
