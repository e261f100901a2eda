//! Risk register pages: the register with its 5x5 heat map, a risk's page with its edit form
//! (errors beside their fields, what was typed kept), a new-risk form, approving an acceptance,
//! raising a risk from an exposure row, and the quantitative view's loss exceedance curve. Charts
//! are SVG drawn here; no script.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_app::risks::{FairInputs, LossExceedance, NewRisk, Pert, RaiseFromExposure, RiskQuery, RiskView};
use ward_core::risk::RiskGrade;
use ward_core::risk::register::{ConsequenceDomain, RiskLinks};
use ward_core::risk::vocabulary::{Vocabulary, VocabularyKind};
use ward_core::{OrgId, RiskId};

use super::risk_form::{DOMAINS, RiskForm, STAGES, details_from_form};
use super::views::{Chrome, Section};
use super::{PageError, PageResult, Signed, WebForm, WebQuery, chrome_at, optional, render};
use crate::state::AppState;

/// A register row.
#[derive(Debug, Clone)]
pub(crate) struct RiskRow {
    pub id: String,
    pub title: String,
    pub score: u8,
    pub grade: &'static str,
    pub grade_label: &'static str,
    pub target: u8,
    pub owner: String,
    pub org_name: String,
    pub review: String,
    pub overdue: bool,
    pub treatment: String,
    pub awaits_approval: bool,
}

impl From<&RiskView> for RiskRow {
    fn from(v: &RiskView) -> Self {
        Self {
            id: v.risk.id.to_string(),
            title: v.risk.details.title.clone(),
            score: v.current_score,
            grade: v.grade.into(),
            grade_label: v.grade.label(),
            target: v.target_score,
            owner: v.owner_name.clone().unwrap_or_default(),
            org_name: v.org_name.clone(),
            review: v.risk.details.review_date.strftime("%-d %b %Y").to_string(),
            overdue: v.overdue,
            treatment: v.risk.details.treatment.to_string(),
            awaits_approval: v.awaits_approval,
        }
    }
}

#[derive(Template)]
#[template(path = "risks.html")]
struct RegisterPage {
    chrome: Option<Chrome>,
    title: String,
    rows: Vec<RiskRow>,
    cells: Vec<super::charts::HeatCell>,
    grade: String,
    overdue: bool,
    can_write: bool,
    counts: Vec<(&'static str, &'static str, usize)>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct RegisterQuery {
    grade: Option<String>,
    overdue: Option<String>,
}

/// `GET /risks`: the register of the organisations the person can see.
pub(crate) async fn register(
    State(state): State<AppState>,
    s: Signed,
    WebQuery(q): WebQuery<RegisterQuery>,
) -> PageResult {
    let fail = s.fail();
    let grade: Option<RiskGrade> = optional("grade", q.grade.as_deref()).map_err(&fail)?;
    let overdue = q.overdue.as_deref() == Some("yes");
    let query = RiskQuery {
        grade,
        overdue,
        ..RiskQuery::default()
    };
    let risks = state.app.risks(&s.actor, &query).await.map_err(&fail)?;
    let all = if grade.is_none() && !overdue {
        risks.clone()
    } else {
        state
            .app
            .risks(&s.actor, &RiskQuery::default())
            .await
            .map_err(&fail)?
    };
    let counts = [
        RiskGrade::Extreme,
        RiskGrade::High,
        RiskGrade::Moderate,
        RiskGrade::Low,
    ]
    .into_iter()
    .map(|g| (g.into(), g.label(), all.iter().filter(|r| r.grade == g).count()))
    .collect();
    let page = RegisterPage {
        chrome: chrome_at(&s, Section::Risks),
        title: "Risk register".into(),
        rows: risks.iter().map(RiskRow::from).collect(),
        cells: super::charts::heat_map(&ward_app::risks::heat::heat_counts(&all)),
        grade: grade.map(|g| g.to_string()).unwrap_or_default(),
        overdue,
        can_write: s.may(Action::WriteRisks),
        counts,
    };
    Ok(render(StatusCode::OK, &page))
}

/// A choice in a select.
#[derive(Debug, Clone)]
pub(crate) struct Opt {
    pub value: String,
    pub label: String,
}

/// The risk's page (or the new-risk page when `view` is None).
#[derive(Template)]
#[template(path = "risk.html")]
struct RiskPage {
    chrome: Option<Chrome>,
    title: String,
    view: Option<RiskView>,
    org: String,
    form: RiskForm,
    can_write: bool,
    can_approve: bool,
    sources: Vec<Opt>,
    events: Vec<Opt>,
    consequences: Vec<Opt>,
    owners: Vec<Opt>,
    stages: Vec<(&'static str, &'static str)>,
    domains: Vec<(ConsequenceDomain, &'static str)>,
    levels: Vec<Opt>,
    likelihoods: Vec<Opt>,
    treatments: Vec<Opt>,
    curve: Option<Curve>,
    quantify: QuantifyForm,
    saved: bool,
}

fn opts(v: &Vocabulary, kind: VocabularyKind) -> Vec<Opt> {
    v.of(kind)
        .map(|e| Opt {
            value: e.code.clone(),
            label: e.label.clone(),
        })
        .collect()
}

fn numbered(labels: [&str; 5]) -> Vec<Opt> {
    labels
        .iter()
        .enumerate()
        .map(|(i, l)| Opt {
            value: (i + 1).to_string(),
            label: format!("{} {l}", i + 1),
        })
        .collect()
}

impl RiskPage {
    async fn build(
        state: &AppState,
        s: &Signed,
        view: Option<RiskView>,
        org: OrgId,
        form: RiskForm,
    ) -> Result<Self, PageError> {
        let vocabulary = state.app.risk_vocabulary(&s.actor).await.map_err(s.fail())?;
        let mut owners = Vec::new();
        if let Some(me) = s.actor.user_id() {
            owners.push(Opt {
                value: me.to_string(),
                label: format!("{} (you)", s.view.user.display_name),
            });
        }
        if let Some(v) = &view
            && Some(v.risk.details.owner) != s.actor.user_id()
        {
            owners.insert(
                0,
                Opt {
                    value: v.risk.details.owner.to_string(),
                    label: v.owner_name.clone().unwrap_or_else(|| "The current owner".into()),
                },
            );
        }
        // Everyone else who may own the organisation's risks, by name.
        if s.may(Action::WriteRisks) {
            for o in state.app.risk_owners(&s.actor, org).await.unwrap_or_default() {
                let value = o.id.to_string();
                if owners.iter().all(|x| x.value != value) {
                    owners.push(Opt {
                        value,
                        label: o.display_name,
                    });
                }
            }
        }
        let title = view
            .as_ref()
            .map_or_else(|| "New risk".to_owned(), |v| v.risk.details.title.clone());
        Ok(Self {
            chrome: chrome_at(s, Section::Risks),
            title,
            org: org.to_string(),
            can_write: s.may(Action::WriteRisks),
            can_approve: s.may(Action::ApproveRisks)
                && view
                    .as_ref()
                    .is_some_and(|v| v.awaits_approval && Some(v.risk.details.owner) != s.actor.user_id()),
            sources: opts(&vocabulary, VocabularyKind::Source),
            events: opts(&vocabulary, VocabularyKind::Event),
            consequences: opts(&vocabulary, VocabularyKind::Consequence),
            owners,
            stages: STAGES.to_vec(),
            domains: DOMAINS.iter().map(|d| (*d, d.label())).collect(),
            levels: numbered(["Negligible", "Minor", "Moderate", "Major", "Catastrophic"]),
            likelihoods: numbered(["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]),
            treatments: ["reduce", "accept", "transfer", "avoid"]
                .iter()
                .map(|t| Opt {
                    value: (*t).to_owned(),
                    label: (*t).to_owned(),
                })
                .collect(),
            view,
            form,
            curve: None,
            quantify: QuantifyForm::default(),
            saved: false,
        })
    }
}

fn risk_id(s: &Signed, id: &str) -> Result<RiskId, PageError> {
    id.parse().map_err(|_| PageError::not_found(&s.chrome))
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewQuery {
    org: Option<String>,
}

/// `GET /risks/new`: an empty form for the person's own organisation.
pub(crate) async fn new_form(
    State(state): State<AppState>,
    s: Signed,
    WebQuery(q): WebQuery<NewQuery>,
) -> PageResult {
    let org = optional::<OrgId>("org", q.org.as_deref())
        .map_err(s.fail())?
        .unwrap_or(s.actor.org);
    let mut form = RiskForm::default();
    if let Some(me) = s.actor.user_id() {
        form.values.insert("owner".into(), me.to_string());
    }
    form.values.insert("treatment".into(), "reduce".into());
    let page = RiskPage::build(&state, &s, None, org, form).await?;
    Ok(render(StatusCode::OK, &page))
}

fn take_csrf(f: &mut HashMap<String, String>) -> String {
    f.remove("csrf").unwrap_or_default()
}

/// Re-render the form with the app's problems beside their fields, or fail the page.
async fn form_again(
    state: &AppState,
    s: &Signed,
    view: Option<RiskView>,
    org: OrgId,
    mut form: RiskForm,
    e: Option<AppError>,
) -> PageResult {
    match e {
        None => {}
        Some(AppError::Invalid(problems)) => problems.iter().for_each(|p| form.add_problem(p)),
        Some(other) => return Err(PageError::new(Some(&s.chrome), other)),
    }
    let page = RiskPage::build(state, s, view, org, form).await?;
    Ok(render(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

/// `POST /risks/new`.
pub(crate) async fn create(
    State(state): State<AppState>,
    s: Signed,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&state, &take_csrf(&mut f))?;
    let org = optional::<OrgId>("org", f.get("org").map(String::as_str))
        .map_err(s.fail())?
        .unwrap_or(s.actor.org);
    let mut form = RiskForm::from_sent(f);
    let Some(details) = details_from_form(&mut form, RiskLinks::default()) else {
        return form_again(&state, &s, None, org, form, None).await;
    };
    match state.app.create_risk(&s.actor, NewRisk { org, details }).await {
        Ok(v) => Ok(Redirect::to(&format!("/risks/{}?saved=1", v.risk.id)).into_response()),
        Err(e) => form_again(&state, &s, None, org, form, Some(e)).await,
    }
}

/// What the quantitative view's form holds (text, as typed).
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct QuantifyForm {
    #[serde(default)]
    pub fmin: String,
    #[serde(default)]
    pub fmode: String,
    #[serde(default)]
    pub fmax: String,
    #[serde(default)]
    pub mmin: String,
    #[serde(default)]
    pub mmode: String,
    #[serde(default)]
    pub mmax: String,
    #[serde(default)]
    pub seed: String,
    #[serde(default)]
    pub saved: Option<String>,
}

impl QuantifyForm {
    fn asked(&self) -> bool {
        !self.fmode.trim().is_empty() || !self.mmode.trim().is_empty()
    }
    fn inputs(&self) -> Result<FairInputs, AppError> {
        let n = |field: &str, v: &str| -> Result<f64, AppError> {
            v.trim()
                .replace(',', "")
                .parse::<f64>()
                .map_err(|_| AppError::invalid(field, format!("'{v}' is not a number")))
        };
        Ok(FairInputs {
            frequency: Pert {
                min: n("frequency.min", &self.fmin)?,
                mode: n("frequency.mode", &self.fmode)?,
                max: n("frequency.max", &self.fmax)?,
            },
            magnitude: Pert {
                min: n("magnitude.min", &self.mmin)?,
                mode: n("magnitude.mode", &self.mmode)?,
                max: n("magnitude.max", &self.mmax)?,
            },
            trials: 10_000,
            seed: if self.seed.trim().is_empty() {
                1
            } else {
                self.seed
                    .trim()
                    .parse()
                    .map_err(|_| AppError::invalid("seed", "must be a whole number"))?
            },
        })
    }
}

/// The loss exceedance curve as SVG coordinates and labels.
#[derive(Debug, Clone)]
pub(crate) struct Curve {
    /// `x,y x,y ...` inside a 400 x 200 plot offset by (60, 10).
    pub points: String,
    pub max_label: String,
    pub mean: String,
    pub p90: String,
    pub p99: String,
    pub error: Option<String>,
}

/// `£1,234,567` (rounded to pounds).
fn pounds(v: f64) -> String {
    format!("£{}", super::views::thousands(v.max(0.0).round() as u64))
}

fn curve(r: &LossExceedance) -> Curve {
    let max = if r.max > 0.0 { r.max } else { 1.0 };
    let points = r
        .curve
        .iter()
        .map(|p| {
            format!(
                "{:.1},{:.1}",
                60.0 + 400.0 * p.loss / max,
                10.0 + 200.0 * (1.0 - p.probability)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    Curve {
        points,
        max_label: pounds(r.max),
        mean: pounds(r.mean),
        p90: pounds(r.p90),
        p99: pounds(r.p99),
        error: None,
    }
}

/// What went wrong, in the words of each problem.
fn problem_text(e: AppError) -> String {
    let e = crate::error::ApiError::from(e);
    if e.fields.is_empty() {
        e.message
    } else {
        e.fields
            .iter()
            .map(|f| format!("{}: {}", f.path, f.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

fn failed_curve(e: AppError) -> Curve {
    Curve {
        points: String::new(),
        max_label: String::new(),
        mean: String::new(),
        p90: String::new(),
        p99: String::new(),
        error: Some(problem_text(e)),
    }
}

/// `GET /risks/{id}`: the risk, its edit form, and (when asked) its loss exceedance curve.
pub(crate) async fn risk_page(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebQuery(q): WebQuery<QuantifyForm>,
) -> PageResult {
    let id = risk_id(&s, &id)?;
    let view = state.app.risk(&s.actor, id).await.map_err(s.fail())?;
    let form = RiskForm::from_details(&view.risk.details);
    let org = view.risk.org;
    let mut page = RiskPage::build(&state, &s, Some(view), org, form).await?;
    page.saved = q.saved.is_some();
    if q.asked() {
        page.curve = Some(match q.inputs() {
            Ok(inputs) => match state.app.quantify_risk(&s.actor, inputs).await {
                Ok(r) => curve(&r),
                Err(e) => failed_curve(e),
            },
            Err(e) => failed_curve(e),
        });
    }
    page.quantify = q;
    Ok(render(StatusCode::OK, &page))
}

/// `POST /risks/{id}`: save the edit form.
pub(crate) async fn update(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&state, &take_csrf(&mut f))?;
    let id = risk_id(&s, &id)?;
    let before = state.app.risk(&s.actor, id).await.map_err(s.fail())?;
    let org = before.risk.org;
    let mut form = RiskForm::from_sent(f);
    let links = before.risk.details.links.clone();
    let Some(details) = details_from_form(&mut form, links) else {
        return form_again(&state, &s, Some(before), org, form, None).await;
    };
    match state.app.update_risk(&s.actor, id, details).await {
        Ok(_) => Ok(Redirect::to(&format!("/risks/{id}?saved=1")).into_response()),
        Err(e) => form_again(&state, &s, Some(before), org, form, Some(e)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CsrfOnly {
    #[serde(default)]
    csrf: String,
}

/// `POST /risks/{id}/approve`.
pub(crate) async fn approve(
    State(state): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(f): WebForm<CsrfOnly>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let id = risk_id(&s, &id)?;
    state.app.approve_risk(&s.actor, id).await.map_err(s.fail())?;
    Ok(Redirect::to(&format!("/risks/{id}?saved=1")).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct RaiseForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    advisory: String,
    #[serde(default)]
    asset: String,
}

/// `POST /risks/raise`: the "Raise a risk" button on an exposure row.
pub(crate) async fn raise(
    State(state): State<AppState>,
    s: Signed,
    WebForm(f): WebForm<RaiseForm>,
) -> PageResult {
    s.check_csrf(&state, &f.csrf)?;
    let asset = f.asset.parse().map_err(|_| PageError::not_found(&s.chrome))?;
    let v = state
        .app
        .raise_risk_from_exposure(
            &s.actor,
            RaiseFromExposure {
                advisory: f.advisory,
                asset,
                owner: None,
            },
        )
        .await
        .map_err(s.fail())?;
    Ok(Redirect::to(&format!("/risks/{}?saved=1", v.risk.id)).into_response())
}
