//! The technology assessment request form: what was typed (so a refused form comes back as it was
//! sent, with status 422), each problem beside its field, and the pickers of the organisation's own
//! suppliers and products (select lists from its data, no script).

use ward_app::FieldProblem;
use ward_app::tech_assessment_choices::TechChoices;
use ward_core::tech_assessment::{TechKind, TechRequestInput};
use ward_core::{OrgId, ProductId};

use super::sent_form::{FormFields, SentForm};

/// One option of a select.
pub(crate) struct SelectOption {
    pub value: String,
    pub label: String,
}

/// The fields the form has, with the words an error summary uses for each.
#[derive(Debug, Clone)]
pub(crate) struct TechRequestFields;

impl FormFields for TechRequestFields {
    const FIELDS: &'static [(&'static str, &'static str)] = &[
        ("technology", "Technology"),
        ("kind", "Kind"),
        ("supplier", "Supplier"),
        ("product", "Product"),
        ("description", "What it is"),
        ("wanted_by", "Wanted by"),
    ];
}

/// The form as typed, with each problem by field.
pub(crate) type RequestState = SentForm<TechRequestFields>;

impl RequestState {
    /// The form as sent (the CSRF token left out).
    pub(crate) fn sent(values: &[(&str, &str)]) -> Self {
        Self::from_sent(
            values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }
    /// Put a problem from the app beside its field.
    pub(crate) fn add_problem(&mut self, p: &FieldProblem) {
        self.place(&p.path, &p.message);
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
