//! The audit trail in the web UI: browse the records about the organisations in the footprint
//! in words, filter them by action, person and days (a filter that does not read is shown beside
//! its field, with what was typed kept), and verify the whole chain (national team).

use super::{CsrfForm, Tabs, names};
use crate::state::AppState;
use crate::web::views::{Choice, Chrome, Pager, Section};
use crate::web::{PageResult, Signed, WebForm, WebQuery, chrome_at, page_request, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use ward_app::AppError;
use ward_app::authz::Action;
use ward_core::audit::AuditRecord;
use ward_core::{OrgId, UserId};

struct AuditLine {
    seq: i64,
    at: String,
    who: String,
    what: String,
    org: String,
    detail: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditPage {
    chrome: Option<Chrome>,
    title: String,
    tabs: Tabs,
    rows: Vec<AuditLine>,
    pager: Pager,
    may_verify: bool,
    verdict: Option<(bool, String)>,
    /// The filter: actions and people to choose from, the days as typed.
    actions: Vec<Choice>,
    actors: Vec<Choice>,
    from: String,
    to: String,
    filtered: bool,
    /// Problems with the typed filter, by field (`from`, `to`).
    problems: Vec<(String, String)>,
}

impl AuditPage {
    fn problem(&self, field: &str) -> Option<&str> {
        self.problems
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// `user.mfa_reset` as "User: mfa reset".
fn action_words(action: &str) -> String {
    let (entity, verb) = action.split_once('.').unwrap_or((action, ""));
    let mut entity = entity.replace('_', " ");
    if let Some(first) = entity.get(0..1) {
        entity = first.to_uppercase() + entity.get(1..).unwrap_or("");
    }
    if verb.is_empty() {
        entity
    } else {
        format!("{entity}: {}", verb.replace(['_', '.'], " "))
    }
}

/// A record's detail for a person: a JSON object of counts reads "inserted 1 · removed 0", empty
/// values left out; any other text as it is.
fn detail_words(detail: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(detail) else {
        return detail.to_owned();
    };
    map.iter()
        .filter_map(|(k, v)| {
            let v = match v {
                serde_json::Value::String(s) if s.is_empty() => return None,
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => return None,
                other => other.to_string(),
            };
            Some(format!("{} {v}", k.replace('_', " ")))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[derive(Debug, Default, Deserialize)]
pub(in crate::web) struct AuditQuery {
    offset: Option<String>,
    limit: Option<String>,
    action: Option<String>,
    actor: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn audit_page(
    s: &AppState,
    page: &Signed,
    q: &AuditQuery,
) -> Result<(StatusCode, AuditPage), crate::web::PageError> {
    let fail = page.fail();
    let pr = page_request(q.offset.as_deref(), q.limit.as_deref()).map_err(&fail)?;
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let (action, actor, from, to) = (text(&q.action), text(&q.actor), text(&q.from), text(&q.to));
    // A filter that does not read is shown beside its field, with what was typed kept, over the
    // unfiltered trail.
    let (filter, problems) =
        match ward_app::audit::audit_filter(Some(&action), Some(&actor), Some(&from), Some(&to)) {
            Ok(f) => (f, Vec::new()),
            Err(AppError::Invalid(p)) => (
                ward_store::AuditFilter::default(),
                p.into_iter().map(|p| (p.path, p.message)).collect(),
            ),
            Err(e) => return Err(fail(e)),
        };
    let found = s.app.audit_log(&page.actor, &filter, pr).await.map_err(&fail)?;
    let ids: Vec<OrgId> = found.items.iter().filter_map(|r| r.event.org).collect();
    let orgs = s.app.org_labels(&page.actor, ids).await.map_err(&fail)?;
    let people = names(&s.app, page).await;
    let recorded = s.app.audit_actions(&page.actor).await.map_err(&fail)?;
    let mut actions: Vec<(String, String)> = Vec::new();
    for a in &recorded {
        // Each entity once ("User: every action"), then its actions.
        let entity = a.split_once('.').map_or(a.as_str(), |(e, _)| e);
        if a.contains('.') && !actions.iter().any(|(v, _)| v == entity) {
            actions.push((
                entity.to_owned(),
                format!("{}: every action", action_words(entity)),
            ));
        }
        actions.push((a.clone(), action_words(a)));
    }
    let actions = Choice::list(
        "Any action",
        &action,
        actions.iter().map(|(v, l)| (v.as_str(), l.as_str())),
    );
    let mut by_name: Vec<(String, String)> = people
        .iter()
        .map(|(id, name)| (format!("user:{id}"), name.clone()))
        .collect();
    by_name.sort_by(|a, b| a.1.cmp(&b.1));
    let actors = Choice::list(
        "Anyone",
        &actor,
        by_name.iter().map(|(v, l)| (v.as_str(), l.as_str())),
    );
    let who = |r: &AuditRecord| {
        let a = &r.event.actor;
        let role = a.role.map(|r| format!(", {}", r.label())).unwrap_or_default();
        match a.principal.split_once(':') {
            Some(("user", id)) => {
                let name = id
                    .parse::<UserId>()
                    .ok()
                    .and_then(|u| people.get(&u).cloned())
                    .unwrap_or_else(|| "A person".to_owned());
                format!("{name}{role}")
            }
            Some(("token", _)) => format!("An API token{role}"),
            Some(("system", what)) => format!("Ward ({})", what.replace(['_', '-'], " ")),
            _ => "Unknown".to_owned(),
        }
    };
    let status = if problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let filtered = [&action, &actor, &from, &to].iter().any(|v| !v.is_empty());
    Ok((
        status,
        AuditPage {
            chrome: chrome_at(page, Section::Admin),
            title: "Audit trail".into(),
            tabs: Tabs::of(page, "audit"),
            pager: Pager::new(
                &found,
                "/admin/audit",
                &[
                    ("action", &action),
                    ("actor", &actor),
                    ("from", &from),
                    ("to", &to),
                ],
            ),
            actions,
            actors,
            filtered,
            problems,
            rows: found
                .items
                .iter()
                .map(|r| AuditLine {
                    seq: r.seq,
                    at: r.event.at.strftime("%-d %b %Y %H:%M:%S UTC").to_string(),
                    who: who(r),
                    what: action_words(&r.event.action),
                    org: r
                        .event
                        .org
                        .and_then(|o| orgs.get(&o).cloned())
                        .unwrap_or_default(),
                    detail: r.event.detail.as_deref().map(detail_words).unwrap_or_default(),
                })
                .collect(),
            may_verify: page.may(Action::VerifyAudit),
            verdict: None,
            from,
            to,
        },
    ))
}

/// `GET /admin/audit`: the records about organisations in the footprint, newest first.
pub(in crate::web) async fn audit(
    State(s): State<AppState>,
    page: Signed,
    WebQuery(q): WebQuery<AuditQuery>,
) -> PageResult {
    let (status, view) = audit_page(&s, &page, &q).await?;
    Ok(render(status, &view))
}

/// `POST /admin/audit/verify`: walk the whole chain and say whether it is intact.
pub(in crate::web) async fn verify(
    State(s): State<AppState>,
    page: Signed,
    WebForm(form): WebForm<CsrfForm>,
) -> PageResult {
    page.check_csrf(&s, &form.csrf)?;
    let fail = page.fail();
    let report = s.app.verify_audit(&page.actor).await.map_err(&fail)?;
    let (_, mut view) = audit_page(&s, &page, &AuditQuery::default()).await?;
    view.verdict = Some(match (&report.first_break, report.first_break_seq) {
        (None, _) => (
            true,
            format!(
                "The audit trail is intact: {} records checked against its signed head.",
                crate::web::views::thousands(report.checked)
            ),
        ),
        (Some(why), seq) => (
            false,
            format!(
                "The audit trail is broken{}: {why}",
                seq.map(|s| format!(" at record {s}")).unwrap_or_default()
            ),
        ),
    });
    Ok(render(StatusCode::OK, &view))
}

#[cfg(test)]
mod tests {
    use super::action_words;

    #[test]
    fn actions_read_as_words() {
        assert_eq!(action_words("user.mfa_reset"), "User: mfa reset");
        assert_eq!(action_words("orgs.import"), "Orgs: import");
        assert_eq!(action_words("framework"), "Framework");
        assert_eq!(
            super::detail_words(r#"{"catalog_version":"","inserted":1,"records":"1"}"#),
            "inserted 1 · records 1"
        );
        assert_eq!(super::detail_words("2 assets"), "2 assets");
    }
}
