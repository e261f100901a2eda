//! The links section of the incident page: what the incident is linked to (alerts, exposures and
//! risks, named by their titles where the reader may see them) and the form to link more, a
//! picker per kind offering what the store would accept (`ward_app::incident_link_choices`), with
//! identifiers typed by hand for anything not offered.

use std::collections::HashMap;

use axum::extract::{Path, State};
use ward_app::AppError;
use ward_app::incident_link_choices::{IncidentLinkChoices, MAX_EXPOSURES};
use ward_core::OrgId;
use ward_core::incident::IncidentLinks;
use ward_core::risk::register::ExposureRef;

use super::incident_form::{Choice, TypedForm};
use super::incidents::{Refused, incident_id, page_again, refused, saved, take_csrf};
use super::{PageResult, Signed, WebForm};
use crate::state::AppState;

pub(super) struct LinkLine {
    pub(super) label: String,
    pub(super) href: String,
    pub(super) key: String,
}

/// One kind of link the form offers to pick.
pub(super) struct LinkKind {
    /// The form's `kind` value: `alert`, `risk` or `exposure`.
    pub(super) kind: &'static str,
    pub(super) label: &'static str,
    pub(super) offered: Vec<Choice>,
    /// Said instead of a picker when nothing is offered.
    pub(super) none: &'static str,
    /// Said under the picker when more exist than are offered.
    pub(super) more: Option<String>,
}

/// What the link form offers for the incident's organisation, also naming what is linked: read
/// only for people who may link or when something is linked to name; nothing when the choices
/// cannot be listed (the page then shows identifiers and keeps the typed form).
pub(super) async fn link_choices_for(
    st: &AppState,
    s: &Signed,
    org: OrgId,
    links: &IncidentLinks,
) -> IncidentLinkChoices {
    let linked = !(links.alerts.is_empty() && links.risks.is_empty() && links.exposures.is_empty());
    if !linked && !s.may(ward_app::authz::Action::WriteIncidents) {
        return IncidentLinkChoices::default();
    }
    st.app
        .incident_link_choices(&s.actor, org)
        .await
        .unwrap_or_default()
}

fn choices(picks: &[ward_app::incident_choices::Pick]) -> Vec<Choice> {
    picks
        .iter()
        .map(|p| Choice {
            value: p.id.clone(),
            label: p.label.clone(),
        })
        .collect()
}

/// The pickers of the link form, risks first (what an incident most often raises).
pub(super) fn link_kinds(c: &IncidentLinkChoices) -> Vec<LinkKind> {
    let more = (c.exposures_total > c.exposures.len() as u64).then(|| {
        format!(
            "The {MAX_EXPOSURES} most urgent of {} open exposures; link any other by its identifiers below.",
            c.exposures_total
        )
    });
    vec![
        LinkKind {
            kind: "risk",
            label: "A risk",
            offered: choices(&c.risks),
            none: "No risks in the organisation's register.",
            more: None,
        },
        LinkKind {
            kind: "alert",
            label: "An alert",
            offered: choices(&c.alerts),
            none: "No alerts were sent to the organisation.",
            more: None,
        },
        LinkKind {
            kind: "exposure",
            label: "An exposure",
            offered: choices(&c.exposures),
            none: "The organisation has no open exposures.",
            more,
        },
    ]
}

/// The lines of the links section, named from the choices where they hold the linked thing, and
/// the value the remove button sends for each.
pub(super) fn link_lines(l: &IncidentLinks, c: &IncidentLinkChoices) -> Vec<LinkLine> {
    let named = |picks: &[ward_app::incident_choices::Pick], id: &str| {
        picks.iter().find(|p| p.id == id).map(|p| p.label.clone())
    };
    let alerts = l.alerts.iter().map(|a| LinkLine {
        label: named(&c.alerts, &a.to_string())
            .map_or_else(|| format!("Alert {a}"), |t| format!("Alert: {t}")),
        href: format!("/alerts/{a}"),
        key: format!("alert:{a}"),
    });
    let risks = l.risks.iter().map(|r| LinkLine {
        label: named(&c.risks, &r.to_string()).map_or_else(|| format!("Risk {r}"), |t| format!("Risk: {t}")),
        href: format!("/risks/{r}"),
        key: format!("risk:{r}"),
    });
    let exposures = l.exposures.iter().map(|x| LinkLine {
        label: named(&c.exposures, &x.key()).map_or_else(
            || format!("Exposure to {} on asset {}", x.advisory, x.asset),
            |t| format!("Exposure: {t}"),
        ),
        href: format!("/assets/{}", x.asset),
        key: format!("exposure:{}", x.key()),
    });
    alerts.chain(exposures).chain(risks).collect()
}

/// Apply the link form to the stored links: `remove` names one (`kind:target`); otherwise `kind`
/// (alert, risk or exposure) with `target` (the alert's or risk's id, or an exposure's
/// `<advisory>@<asset>` as its picker sends it), or for an exposure typed by hand `advisory` and
/// `asset`.
fn changed_links(form: &mut TypedForm, mut links: IncidentLinks) -> Option<IncidentLinks> {
    let remove = form.value("remove").to_owned();
    if !remove.is_empty() {
        links.alerts.retain(|a| format!("alert:{a}") != remove);
        links.risks.retain(|r| format!("risk:{r}") != remove);
        links
            .exposures
            .retain(|x| format!("exposure:{}", x.key()) != remove);
        return Some(links);
    }
    let target = form.value("target").trim().to_owned();
    let bad = |form: &mut TypedForm, field: &str, m: &str| {
        form.add_problem(&ward_app::FieldProblem {
            path: field.into(),
            message: m.into(),
        });
    };
    match form.value("kind") {
        "alert" => match target.parse() {
            Ok(a) => links.alerts.push(a),
            Err(_) => {
                bad(form, "target", "choose an alert, or give its identifier");
                return None;
            }
        },
        "risk" => match target.parse() {
            Ok(r) => links.risks.push(r),
            Err(_) => {
                bad(form, "target", "choose a risk, or give its identifier");
                return None;
            }
        },
        "exposure" => {
            if let Some(x) = ExposureRef::from_key(&target) {
                links.exposures.push(x);
                return Some(links);
            }
            let advisory = form.value("advisory").trim().to_owned();
            match form.value("asset").trim().parse() {
                Ok(asset) if !advisory.is_empty() => links.exposures.push(ExposureRef { advisory, asset }),
                _ => {
                    bad(
                        form,
                        "advisory",
                        "choose an exposure, or give the advisory and the asset's identifier",
                    );
                    return None;
                }
            }
        }
        _ => {
            bad(form, "kind", "choose an alert, a risk or an exposure");
            return None;
        }
    }
    Some(links)
}

/// `POST /incidents/{id}/links`: link an alert, a risk or an exposure, or remove a link. One
/// outside the incident's organisation is refused on the form as not found.
pub(super) async fn change_links(
    State(st): State<AppState>,
    s: Signed,
    Path(id): Path<String>,
    WebForm(mut f): WebForm<HashMap<String, String>>,
) -> PageResult {
    s.check_csrf(&st, &take_csrf(&mut f))?;
    let id = incident_id(&s, &id)?;
    let before = st.app.incident(&s.actor, id).await.map_err(s.fail())?;
    let mut form = TypedForm::from_sent(f);
    let Some(links) = changed_links(&mut form, before.links) else {
        return page_again(&st, &s, id, Refused::Link(form)).await;
    };
    match st.app.set_incident_links(&s.actor, id, links).await {
        Ok(_) => saved(id, "#links-h"),
        Err(AppError::NotFound(what)) if what != "incident" => {
            form.general
                .push(format!("No such {what} in this incident's organisation."));
            page_again(&st, &s, id, Refused::Link(form)).await
        }
        Err(e) => {
            refused(&s, &mut form, e)?;
            page_again(&st, &s, id, Refused::Link(form)).await
        }
    }
}
