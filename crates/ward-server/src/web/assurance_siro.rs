//! The SIRO on the assessment page: who the organisation named, who signed the assessment off,
//! and (for whoever manages the organisation's users) the form that names the SIRO.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use ward_app::assurance::assessments::AssessmentView;
use ward_app::authz::Action;
use ward_app::{App, AppError};
use ward_core::UserId;
use ward_core::assurance::AssessmentStatus;

use super::views::Choice;
use super::{PageResult, Signed, WebForm};
use crate::state::AppState;

/// The SIRO section of the assessment page.
pub(super) struct SiroSection {
    /// Who the named SIRO is, in words, or that none is named yet.
    pub(super) line: String,
    /// Who signed the assessment off and when, in words.
    pub(super) signed: Option<String>,
    /// Whether the person looking is the named SIRO (only they see "Sign off").
    pub(super) is_siro: bool,
    /// The people who could be named, for whoever manages the organisation's users, before the
    /// assessment is signed off; empty otherwise (no form is shown).
    pub(super) choices: Vec<Choice>,
}

impl SiroSection {
    pub(super) async fn of(app: &App, page: &Signed, v: &AssessmentView) -> Result<Self, AppError> {
        let line = match &v.siro {
            Some(s) => format!(
                "{} is the named SIRO (since {}) and signs this organisation's assessments off.",
                s.name,
                s.named_at.strftime("%-d %b %Y")
            ),
            None => "No SIRO is named yet: only a named SIRO can sign an assessment off.".to_owned(),
        };
        let signed = v.signed_off.as_ref().map(|s| {
            format!(
                "Signed off by {} (SIRO) on {}.",
                s.name,
                s.signed_at.strftime("%-d %b %Y")
            )
        });
        let is_siro = v
            .siro
            .as_ref()
            .is_some_and(|s| Some(s.user) == page.actor.user_id());
        // The form is offered where it matters: before the assessment is signed off.
        let before_sign_off = matches!(
            v.assessment.head.status,
            AssessmentStatus::Draft | AssessmentStatus::Submitted
        );
        let choices = if before_sign_off && page.may(Action::ManageUsers) {
            match app.siro_candidates(&page.actor, v.assessment.head.org).await {
                Ok(found) => found
                    .into_iter()
                    .map(|c| Choice {
                        selected: v.siro.as_ref().is_some_and(|s| s.user == c.user),
                        value: c.user.to_string(),
                        label: c.name,
                    })
                    .collect(),
                // Managing users somewhere else does not reach this organisation.
                Err(AppError::NotFound(_) | AppError::Forbidden(_)) => Vec::new(),
                Err(e) => return Err(e),
            }
        } else {
            Vec::new()
        };
        Ok(Self {
            line,
            signed,
            is_siro,
            choices,
        })
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct SiroForm {
    csrf: String,
    user: String,
}

/// `POST /assessments/{id}/siro`: name the assessment's organisation's SIRO.
pub(super) async fn name(
    State(s): State<AppState>,
    page: Signed,
    Path(id): Path<String>,
    WebForm(form): WebForm<SiroForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let id: ward_core::AssessmentId = id
        .parse()
        .map_err(|_| fail(AppError::NotFound("assessment".into())))?;
    let user: UserId = form
        .user
        .parse()
        .map_err(|_| fail(AppError::invalid("user", "choose a person from the list")))?;
    let v = s.app.assessment(&page.actor, id).await.map_err(&fail)?;
    s.app
        .name_siro(&page.actor, v.assessment.head.org, user)
        .await
        .map_err(&fail)?;
    Ok(Redirect::to(&format!("/assessments/{id}?done=siro")).into_response())
}
