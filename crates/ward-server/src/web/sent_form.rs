//! A form as it was sent: what was typed (or stored), and each problem beside its field, so that
//! a refused form comes back as the person typed it. One type for every page's forms; each form
//! names its fields and the words a person reads for them through [`FormFields`], and adds its own
//! reading of the values in an `impl SentForm<ItsFields>` block beside its page.

use std::collections::{BTreeMap, HashMap};
use std::marker::PhantomData;

/// The fields of one kind of form, each with the words a person reads for it. A problem with a
/// field listed here is shown beside that field and, in the summary, led by its words.
pub(crate) trait FormFields {
    const FIELDS: &'static [(&'static str, &'static str)];
}

/// What a form holds, and each problem by field (or with no field: `general`).
#[derive(Debug, Clone)]
pub(crate) struct SentForm<F> {
    pub(crate) values: HashMap<String, String>,
    pub(crate) errors: BTreeMap<String, String>,
    /// Problems with no field on the form.
    pub(crate) general: Vec<String>,
    fields: PhantomData<F>,
}

impl<F> Default for SentForm<F> {
    fn default() -> Self {
        Self {
            values: HashMap::new(),
            errors: BTreeMap::new(),
            general: Vec::new(),
            fields: PhantomData,
        }
    }
}

impl<F: FormFields> SentForm<F> {
    /// The form as sent, without its CSRF token (which is checked, never shown again).
    pub(crate) fn from_sent(mut values: HashMap<String, String>) -> Self {
        values.remove("csrf");
        Self {
            values,
            ..Self::default()
        }
    }
    pub(crate) fn value(&self, name: &str) -> &str {
        self.values.get(name).map_or("", String::as_str)
    }
    /// A checkbox: sent with any value.
    pub(crate) fn checked(&self, name: &str) -> bool {
        !self.value(name).is_empty()
    }
    pub(crate) fn error(&self, name: &str) -> Option<&str> {
        self.errors.get(name).map(String::as_str)
    }
    pub(crate) fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }
    /// Every problem for the summary above the form, each led by its field's words where the
    /// field has them.
    pub(crate) fn all_errors(&self) -> Vec<String> {
        self.errors
            .iter()
            .map(|(field, m)| match Self::label(field) {
                Some(label) => format!("{label}: {m}"),
                None => m.clone(),
            })
            .chain(self.general.iter().cloned())
            .collect()
    }
    /// Put a problem beside a field (after any already there).
    pub(crate) fn put(&mut self, field: &str, message: &str) {
        self.errors
            .entry(field.to_owned())
            .and_modify(|e| {
                e.push(' ');
                e.push_str(message);
            })
            .or_insert_with(|| message.to_owned());
    }
    /// Put a problem beside its field when the form has that field, else above the form.
    pub(crate) fn place(&mut self, field: &str, message: &str) {
        if Self::label(field).is_some() {
            self.put(field, message);
        } else {
            self.general.push(message.to_owned());
        }
    }
    fn label(field: &str) -> Option<&'static str> {
        F::FIELDS.iter().find(|(f, _)| *f == field).map(|(_, l)| *l)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Two;
    impl FormFields for Two {
        const FIELDS: &'static [(&'static str, &'static str)] = &[("title", "Title"), ("due", "Due")];
    }

    #[test]
    fn problems_sit_beside_their_fields_and_the_rest_above_the_form() {
        let mut f = SentForm::<Two>::from_sent(HashMap::from([
            ("csrf".to_owned(), "secret".to_owned()),
            ("title".to_owned(), "Patch the LIMS".to_owned()),
        ]));
        assert_eq!(f.value("csrf"), "", "the token is never shown again");
        assert_eq!(f.value("title"), "Patch the LIMS");
        assert!(!f.has_errors());
        f.put("due", "choose a day");
        f.put("due", "after today");
        f.place("title", "too long");
        f.place("owner", "nobody may own it");
        assert_eq!(f.error("due"), Some("choose a day after today"));
        assert_eq!(
            f.all_errors(),
            vec![
                "Due: choose a day after today".to_owned(),
                "Title: too long".to_owned(),
                "nobody may own it".to_owned()
            ]
        );
    }
}
