//! The incident form's pickers: a checkbox per service and asset of the incident's organisation
//! and per supplier of the register. Each box is a form field `service:<id>`, `asset:<id>` or
//! `supplier:<id>`; the hidden field `picks` says the form offered them, so a form without them
//! (someone who may not write, a failure to list) keeps what is stored. Whatever is sent, the
//! store accepts only the organisation's own services and assets and only suppliers: a forged
//! box is refused beside its list.

use std::collections::HashSet;
use std::str::FromStr;

use ward_app::incident_choices::{IncidentChoices, MAX_CHOICES};
use ward_core::incident::IncidentDetails;

use super::incident_form::TypedForm;

pub(crate) const SERVICE: &str = "service";
pub(crate) const ASSET: &str = "asset";
pub(crate) const SUPPLIER: &str = "supplier";
/// The hidden field saying the pickers were on the form.
pub(crate) const PICKS: &str = "picks";

/// The ids ticked for `kind` (`asset:<id>` fields), in the form's order; a box whose id does not
/// read is put on the form beside `field`.
pub(crate) fn picked<T: FromStr + Ord>(form: &mut TypedForm, kind: &str, field: &str) -> Option<Vec<T>> {
    let prefix = format!("{kind}:");
    let mut out = Vec::new();
    let mut bad = false;
    for (k, v) in &form.values {
        if let Some(id) = k.strip_prefix(&prefix)
            && !v.is_empty()
        {
            match id.parse() {
                Ok(id) => out.push(id),
                Err(_) => bad = true,
            }
        }
    }
    if bad {
        form.put(field, "one of the ticked boxes is not an identifier");
        return None;
    }
    out.sort();
    Some(out)
}

/// One box.
pub(crate) struct PickBox {
    /// The form field (`asset:<id>`).
    pub(crate) name: String,
    pub(crate) label: String,
}

/// The pickers as drawn.
#[derive(Default)]
pub(crate) struct Picks {
    /// Whether the form offers them (and sends `picks`).
    pub(crate) offered: bool,
    pub(crate) services: Vec<PickBox>,
    pub(crate) assets: Vec<PickBox>,
    pub(crate) suppliers: Vec<PickBox>,
    /// Said when the organisation has more assets than are offered.
    pub(crate) assets_note: Option<String>,
}

impl Picks {
    /// The boxes of `choices`, and of anything `stored` holds that they do not offer (so saving
    /// never drops a link the list left out).
    pub(crate) fn new(choices: IncidentChoices, stored: Option<&IncidentDetails>) -> Self {
        fn boxes(
            kind: &str,
            offered: Vec<ward_app::incident_choices::Pick>,
            stored: Vec<String>,
        ) -> Vec<PickBox> {
            let seen: HashSet<String> = offered.iter().map(|p| p.id.clone()).collect();
            let mut out: Vec<PickBox> = offered
                .into_iter()
                .map(|p| PickBox {
                    name: format!("{kind}:{}", p.id),
                    label: p.label,
                })
                .collect();
            out.extend(
                stored
                    .into_iter()
                    .filter(|id| !seen.contains(id))
                    .map(|id| PickBox {
                        name: format!("{kind}:{id}"),
                        label: format!("Recorded earlier ({id})"),
                    }),
            );
            out
        }
        let ids = |v: Option<Vec<String>>| v.unwrap_or_default();
        let total = choices.assets_total;
        let offered = choices.assets.len() as u64;
        Self {
            offered: true,
            services: boxes(
                SERVICE,
                choices.services,
                ids(stored.map(|d| d.services.iter().map(ToString::to_string).collect())),
            ),
            assets: boxes(
                ASSET,
                choices.assets,
                ids(stored.map(|d| d.assets.iter().map(ToString::to_string).collect())),
            ),
            suppliers: boxes(
                SUPPLIER,
                choices.suppliers,
                ids(stored.map(|d| d.suppliers.iter().map(ToString::to_string).collect())),
            ),
            assets_note: (total > offered).then(|| {
                format!("The first {MAX_CHOICES} of {total} assets are listed; the API takes any of them.")
            }),
        }
    }
}
