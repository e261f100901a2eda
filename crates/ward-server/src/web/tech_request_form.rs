//! The technology assessment request form: what was typed (so a refused form comes back as it was
//! sent, with status 422), each problem beside its field, and the pickers of the organisation's own
//! suppliers and products (select lists from its data, no script).

use std::collections::BTreeMap;

use ward_app::FieldProblem;
use ward_app::tech_assessment_choices::TechChoices;
use ward_core::tech_assessment::{TechKind, TechRequestInput};
use ward_core::{OrgId, ProductId};

/// The fields the form has, with the words an error summary uses for each.
const FIELDS: &[(&str, &str)] = &[
    ("technology", "Technology"),
    ("kind", "Kind"),
    ("supplier", "Supplier"),
    ("product", "Product"),
    ("description", "What it is"),
    ("wanted_by", "Wanted by"),
];

/// One option of a select.
pub(crate) struct SelectOption {
    pub value: String,
    pub label: String,
}

/// The form as typed, with each problem by field.
#[derive(Debug, Clone, Default)]
pub(crate) struct RequestState {
    values: BTreeMap<String, String>,
    errors: BTreeMap<String, String>,
    /// Problems with no field on the form.
    pub general: Vec<String>,
}

impl RequestState {
    /// The form as sent (the CSRF token left out).
    pub(crate) fn sent(values: &[(&str, &str)]) -> Self {
        Self {
            values: values
                .iter()
                .filter(|(k, _)| *k != "csrf")
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            ..Self::default()
        }
    }
    pub(crate) fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
    pub(crate) fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }
    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }
    pub(crate) fn all_errors(&self) -> Vec<String> {
        FIELDS
            .iter()
            .filter_map(|(f, label)| self.error(f).map(|m| format!("{label}: {m}")))
            .chain(self.general.iter().cloned())
            .collect()
    }
    fn put(&mut self, field: &str, message: &str) {
        self.errors
            .entry(field.to_owned())
            .and_modify(|e| {
                e.push(' ');
                e.push_str(message);
            })
            .or_insert_with(|| message.to_owned());
    }
    /// Put a problem from the app beside its field.
    pub(crate) fn add_problem(&mut self, p: &FieldProblem) {
        if FIELDS.iter().any(|(f, _)| *f == p.path) {
            self.put(&p.path, &p.message);
        } else {
            self.general.push(p.message.clone());
        }
    }

    /// The request as typed for `org`, or `None` with the problems of reading it on the form.
    pub(crate) fn read(&mut self, org: OrgId) -> Option<TechRequestInput> {
        let kind = self.value("kind").parse::<TechKind>();
        if kind.is_err() {
            self.put("kind", "choose a kind");
        }
        let supplier = match self.value("supplier").trim() {
            "" => Ok(None),
            v => v.parse::<OrgId>().map(Some),
        };
        if supplier.is_err() {
            self.put("supplier", "choose one of the suppliers listed");
        }
        let product = match self.value("product").trim() {
            "" => Ok(None),
            v => v.parse::<ProductId>().map(Some),
        };
        if product.is_err() {
            self.put("product", "choose one of the products listed");
        }
        let wanted_by = match self.value("wanted_by").trim() {
            "" => Ok(None),
            v => v.parse::<jiff::civil::Date>().map(Some),
        };
        if wanted_by.is_err() {
            self.put("wanted_by", "a date such as 2027-03-31");
        }
        let (Ok(kind), Ok(supplier), Ok(product), Ok(wanted_by)) = (kind, supplier, product, wanted_by)
        else {
            return None;
        };
        Some(TechRequestInput {
            org,
            technology: self.value("technology").to_owned(),
            kind,
            supplier,
            product,
            description: self.value("description").to_owned(),
            wanted_by,
        })
    }
}

/// The pickers: the organisation's suppliers and their products.
#[derive(Default)]
pub(crate) struct Pickers {
    pub suppliers: Vec<SelectOption>,
    pub products: Vec<SelectOption>,
}

impl From<TechChoices> for Pickers {
    fn from(c: TechChoices) -> Self {
        Self {
            suppliers: c
                .suppliers
                .into_iter()
                .map(|p| SelectOption {
                    value: p.id,
                    label: p.label,
                })
                .collect(),
            products: c
                .products
                .into_iter()
                .map(|p| SelectOption {
                    value: p.id.to_string(),
                    label: p.label,
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_does_not_read_is_put_beside_its_field_and_the_rest_is_kept() {
        let mut form = RequestState::sent(&[
            ("csrf", "x"),
            ("technology", "Pump"),
            ("kind", "toaster"),
            ("supplier", "not-an-id"),
            ("wanted_by", "soon"),
        ]);
        assert!(form.read(OrgId::from_uuid(uuid::Uuid::nil())).is_none());
        assert_eq!(form.value("technology"), "Pump");
        assert_eq!(form.value("csrf"), "");
        for f in ["kind", "supplier", "wanted_by"] {
            assert!(form.error(f).is_some(), "{f}");
        }
        assert!(form.error("product").is_none());
        form.add_problem(&FieldProblem {
            path: "elsewhere".into(),
            message: "general".into(),
        });
        assert_eq!(form.all_errors().len(), 4);
    }
}
