//! An organisation's answers to an alert.

use ward_core::alert::{Applicability, Recipient, Response};
use ward_core::vuln::VexStatus;
use ward_core::{AlertId, OrgId};
use ward_store::Scope;

use super::problem;
use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::exposure::statements::VexInput;

fn check(response: &Response) -> Result<(), Vec<FieldProblem>> {
    let mut p = Vec::new();
    let long = |text: &str, max: usize| text.trim().chars().count() > max;
    match response {
        Response::Acknowledge => {}
        Response::Applicability {
            applicability,
            reason,
            justification,
        } => {
            let reason = reason.as_deref().map(str::trim).filter(|r| !r.is_empty());
            if reason.is_some_and(|r| long(r, 2000)) {
                p.push(problem("reason", "at most 2,000 characters"));
            }
            match applicability {
                Applicability::NotAffected => {
                    if reason.is_none() {
                        p.push(problem("reason", "say why the organisation is not affected"));
                    }
                    if justification.is_none() {
                        p.push(problem(
                            "justification",
                            "give the VEX justification (for example vulnerable_code_not_in_execute_path)",
                        ));
                    }
                }
                Applicability::Affected => {
                    if justification.is_some() {
                        p.push(problem(
                            "justification",
                            "a justification is given only for not_affected",
                        ));
                    }
                }
            }
        }
        Response::Update { text } => {
            if text.trim().is_empty() {
                p.push(problem("text", "must not be empty"));
            } else if long(text, 10_000) {
                p.push(problem("text", "at most 10,000 characters"));
            }
        }
        Response::Close { reason } => {
            if reason.as_deref().is_some_and(|r| long(r, 2000)) {
                p.push(problem("reason", "at most 2,000 characters"));
            }
        }
    }
    if p.is_empty() { Ok(()) } else { Err(p) }
}

/// Blank reasons are no reasons.
fn tidy(response: Response) -> Response {
    let clean = |r: Option<String>| r.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    match response {
        Response::Applicability {
            applicability,
            reason,
            justification,
        } => Response::Applicability {
            applicability,
            reason: clean(reason),
            justification,
        },
        Response::Update { text } => Response::Update {
            text: text.trim().to_owned(),
        },
        Response::Close { reason } => Response::Close {
            reason: clean(reason),
        },
        other => other,
    }
}

impl App {
    /// Record `org`'s answer to an alert. Organisations answer for themselves and those beneath
    /// them. Not affected writes the organisation's VEX statement (through [`App::state_vex`]) on
    /// every software item Ward sees exposed there; closing is refused while Ward still sees an
    /// open exposure to the alert's advisories in `org`, unless a reason is given (recorded).
    pub async fn respond_to_alert(
        &self,
        actor: &Actor,
        id: AlertId,
        org: OrgId,
        response: Response,
    ) -> AppResult<Recipient> {
        let now = self.now();
        let scope = authorise_on(self.store(), actor, Action::RespondAlerts, org, now).await?;
        check(&response).map_err(AppError::Invalid)?;
        let response = tidy(response);
        // The record must be in scope before anything else is written.
        let detail = self.store().get_alert(&Scope::Orgs(vec![org]), id).await;
        let detail = match detail {
            Ok(d) if d.recipients.iter().any(|r| r.org == org) => d,
            Ok(_) | Err(ward_store::StoreError::NotFound { .. }) => {
                return Err(AppError::NotFound("alert".into()));
            }
            Err(e) => return Err(e.into()),
        };
        let needs_exposure = matches!(
            response,
            Response::Close { reason: None }
                | Response::Applicability {
                    applicability: Applicability::NotAffected,
                    ..
                }
        );
        if needs_exposure && detail.recipients.iter().all(|r| r.closed_at.is_none()) {
            let index = self.exposure_index().await?;
            let known: Vec<String> = detail
                .alert
                .advisories
                .iter()
                .filter(|a| !index.advisories_named(a).is_empty())
                .cloned()
                .collect();
            let advisories = index
                .resolve_advisories(&known)
                .map(|r| r.advisories)
                .unwrap_or_default();
            let visible = index.visible(&Scope::Orgs(vec![org]));
            let open = index
                .open_exposure_by_org(&advisories, &visible, None)
                .remove(&org)
                .unwrap_or_default();
            match &response {
                Response::Close { .. } if !open.is_empty() => {
                    return Err(AppError::Conflict(format!(
                        "Ward still sees {} open exposure(s) to this alert's advisories in this organisation \
                         (first: {} on {}); give a reason to close it anyway",
                        open.len(),
                        open[0].advisory,
                        open[0].name
                    )));
                }
                Response::Applicability {
                    reason,
                    justification,
                    ..
                } => {
                    let mut seen = std::collections::BTreeSet::new();
                    for a in &open {
                        if (a.purl.is_none() && a.cpe.is_none())
                            || !seen.insert((a.advisory.clone(), a.purl.clone(), a.cpe.clone()))
                        {
                            continue;
                        }
                        let input = VexInput {
                            org,
                            vulnerability: a.advisory.clone(),
                            purl: a.purl.clone(),
                            cpe: if a.purl.is_some() { None } else { a.cpe.clone() },
                            status: VexStatus::NotAffected,
                            justification: justification.clone(),
                            detail: reason.clone(),
                        };
                        self.state_vex(actor, &input).await?;
                    }
                }
                _ => {}
            }
        }
        Ok(self
            .store()
            .respond_to_alert(&scope, id, org, &response, &actor.audit(now))
            .await?)
    }
}
