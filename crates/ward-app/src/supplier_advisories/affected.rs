//! What a supplier says is affected, as the CPE criteria the exposure index matches.
//!
//! Each statement (or the form) that a product is affected becomes one
//! [`Affected`](ward_core::vuln::Affected) entry naming the product's CPE: an exact version gives
//! a criterion with that version; a `vers:` range with one lower and one upper bound gives one
//! criterion with `versionStart…`/`versionEnd…` bounds, a `vers:` list of equal versions one
//! criterion per version; a fixed version alone gives "every version before it". The CPE's vendor
//! and product were already checked to be the supplier's confirmed product
//! ([`crate::products::uncovered_identifier`]).

use ward_core::vuln::{Affected, CpeMatch, ProductRef, VexStatement, VexStatus};
use ward_engine::{Cpe, CpeValue};

use crate::error::FieldProblem;

fn problem(path: impl Into<String>, message: impl Into<String>) -> FieldProblem {
    FieldProblem {
        path: path.into(),
        message: message.into(),
    }
}

/// A product's CPE with its version replaced, in the CPE 2.3 formatted form people read
/// (`cpe:2.3:a:pathlab:lims:4.2:*:…`): the stated text with its version field swapped when it is
/// plain, else the engine's escaped rendering (`4\.2`, read back the same).
fn with_version(text: &str, cpe: &Cpe, version: Option<&str>) -> String {
    let plain = |v: &str| {
        v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    };
    let fields: Vec<&str> = text.split(':').collect();
    if text.starts_with("cpe:2.3:") && !text.contains('\\') && fields.len() == 13 && version.is_none_or(plain)
    {
        let mut out = fields;
        out[5] = version.unwrap_or("*");
        return out.join(":");
    }
    match version {
        Some(v) => cpe.with_version(v).to_string(),
        None => {
            let mut any = cpe.clone();
            any.version = CpeValue::Any;
            any.to_string()
        }
    }
}

/// A product's CPE, parsed, with its text.
struct Named<'a> {
    text: &'a str,
    cpe: Cpe,
}

impl<'a> Named<'a> {
    fn parse(text: &'a str) -> Result<Self, String> {
        Ok(Self {
            text: text.trim(),
            cpe: Cpe::parse(text).map_err(|e| e.to_string())?,
        })
    }

    fn exact(&self, version: &str) -> CpeMatch {
        criterion(with_version(self.text, &self.cpe, Some(version)))
    }

    fn any(&self) -> CpeMatch {
        criterion(with_version(self.text, &self.cpe, None))
    }

    /// As stated (its own version, or `*`).
    fn stated(&self) -> CpeMatch {
        criterion(self.text.to_owned())
    }
}

fn criterion(criteria: String) -> CpeMatch {
    CpeMatch {
        criteria,
        version_start_including: None,
        version_start_excluding: None,
        version_end_including: None,
        version_end_excluding: None,
        vulnerable: true,
    }
}

/// The criteria of a purl `vers:` range (`vers:generic/>=4.0|<4.3`, `vers:generic/4.1|4.2`).
fn range_criteria(cpe: &Named<'_>, range: &str) -> Result<Vec<CpeMatch>, String> {
    let unusable = || {
        format!("'{range}': give one interval (vers:generic/>=A|<B) or a list of versions (vers:generic/A|B)")
    };
    let body = range
        .strip_prefix("vers:")
        .and_then(|r| r.split_once('/'))
        .map(|(_, constraints)| constraints.trim())
        .filter(|c| !c.is_empty())
        .ok_or_else(unusable)?;
    if body == "*" {
        return Ok(vec![cpe.any()]);
    }
    let mut bounded = cpe.any();
    let (mut lower, mut upper, mut equal) = (false, false, Vec::new());
    for c in body.split('|').map(str::trim) {
        let (op, v) = [">=", "<=", "!=", ">", "<", "="]
            .iter()
            .find_map(|op| c.strip_prefix(op).map(|v| (*op, v.trim())))
            .unwrap_or(("=", c));
        if v.is_empty() {
            return Err(unusable());
        }
        let v = v.to_owned();
        match op {
            ">=" if !lower => (lower, bounded.version_start_including) = (true, Some(v)),
            ">" if !lower => (lower, bounded.version_start_excluding) = (true, Some(v)),
            "<=" if !upper => (upper, bounded.version_end_including) = (true, Some(v)),
            "<" if !upper => (upper, bounded.version_end_excluding) = (true, Some(v)),
            "=" => equal.push(v),
            _ => return Err(unusable()),
        }
    }
    match (lower || upper, equal.is_empty()) {
        (true, true) => Ok(vec![bounded]),
        (false, false) => Ok(equal.iter().map(|v| cpe.exact(v)).collect()),
        _ => Err(unusable()),
    }
}

/// A product's CPE (parsed), its version range and its stated version (trimmed, none when
/// empty): what every kind of statement reads first.
fn stated_product(product: &ProductRef) -> Result<(Named<'_>, Option<&str>, Option<&str>), String> {
    let Some(text) = product.cpe.as_deref() else {
        return Err("the product has no CPE".into());
    };
    let version = product
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    Ok((Named::parse(text)?, product.version_range.as_deref(), version))
}

/// The criteria for one product stated affected, from its version, its range or its CPE's own
/// version (`*`: every version).
pub fn product_criteria(product: &ProductRef) -> Result<Vec<CpeMatch>, String> {
    match stated_product(product)? {
        (cpe, Some(range), _) => range_criteria(&cpe, range),
        (cpe, None, Some(v)) => Ok(vec![cpe.exact(v)]),
        (cpe, None, None) => Ok(vec![cpe.stated()]),
    }
}

/// The CPE a supplier's "not affected" statement is recorded under: with the stated version, or
/// as stated (its own version, or `*`: every version) when none is given. A range cannot be one
/// VEX statement, so it is refused with the reason.
pub fn not_affected_cpe(product: &ProductRef) -> Result<String, String> {
    match stated_product(product)? {
        (_, Some(range), _) => Err(format!(
            "'{range}': say which versions are not affected one by one (a range cannot be stated not affected)"
        )),
        (cpe, None, Some(v)) => Ok(cpe.exact(v).criteria),
        (cpe, None, None) => Ok(cpe.stated().criteria),
    }
}

/// The CPE a supplier's "fixed" statement is recorded under: the one version that contains the
/// fix (the stated version, or the CPE's own when it names one). A range, a wildcard or no version
/// at all would mark every version fixed, so each is refused with the reason.
pub fn fixed_cpe(product: &ProductRef) -> Result<String, String> {
    match stated_product(product)? {
        (_, Some(range), _) => Err(format!(
            "'{range}': name each fixed version one by one (a range cannot be stated fixed)"
        )),
        (cpe, None, Some(v)) => Ok(cpe.exact(v).criteria),
        (cpe, None, None) => match &cpe.cpe.version {
            CpeValue::Value { wildcard: false, .. } => Ok(cpe.stated().criteria),
            _ => Err("stated fixed without a version: name the version that contains the fix".into()),
        },
    }
}

/// The affected entries of `statements` (only those saying a product is affected count): one per
/// statement, its criteria deduplicated. A statement whose versions cannot be used is a problem
/// naming it.
pub fn affected_from_statements(statements: &[VexStatement]) -> Result<Vec<Affected>, Vec<FieldProblem>> {
    let mut out: Vec<Affected> = Vec::new();
    let mut problems = Vec::new();
    for s in statements.iter().filter(|s| s.status == VexStatus::Affected) {
        match product_criteria(&s.product) {
            Ok(cpes) => {
                let entry = Affected {
                    cpes,
                    ..Affected::default()
                };
                if !out.contains(&entry) {
                    out.push(entry);
                }
            }
            Err(reason) => problems.push(problem(
                format!(
                    "product {}",
                    s.product
                        .id
                        .as_deref()
                        .or(s.product.name.as_deref())
                        .unwrap_or("?")
                ),
                reason,
            )),
        }
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The affected entry of a form: the listed versions, or (none listed) every version before the
/// fixed one.
pub fn affected_from_form(
    product_cpe: &str,
    versions: &[String],
    fixed: Option<&str>,
) -> Result<Affected, FieldProblem> {
    let cpe = Named::parse(product_cpe).map_err(|e| problem("product", e))?;
    let versions: Vec<&str> = versions
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    let cpes = if !versions.is_empty() {
        versions.iter().map(|v| cpe.exact(v)).collect()
    } else if let Some(f) = fixed.map(str::trim).filter(|f| !f.is_empty()) {
        let mut before = cpe.any();
        before.version_end_excluding = Some(f.to_owned());
        vec![before]
    } else {
        return Err(problem(
            "versions",
            "name the affected versions, or the fixed version (every version before it is affected)",
        ));
    };
    Ok(Affected {
        cpes,
        ..Affected::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMS: &str = "cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*";

    fn cpe() -> Named<'static> {
        Named::parse(LIMS).unwrap()
    }

    #[test]
    fn an_interval_becomes_one_bounded_criterion_and_a_list_one_per_version() {
        let one = range_criteria(&cpe(), "vers:generic/>=4.0|<4.3").unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].version_start_including.as_deref(), Some("4.0"));
        assert_eq!(one[0].version_end_excluding.as_deref(), Some("4.3"));
        assert!(one[0].criteria.starts_with("cpe:2.3:a:pathlab:lims:*:"));
        let list = range_criteria(&cpe(), "vers:generic/4.1|4.2").unwrap();
        assert_eq!(list.len(), 2);
        assert!(list[1].criteria.starts_with("cpe:2.3:a:pathlab:lims:4.2:"));
        for bad in [
            "4.1",
            "vers:generic/",
            "vers:generic/>=1|>=2",
            "vers:generic/>=1|4.2",
            "vers:generic/!=3",
        ] {
            assert!(range_criteria(&cpe(), bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_form_needs_versions_or_a_fixed_version() {
        let listed = affected_from_form(LIMS, &["4.1".into(), " ".into()], Some("4.3")).unwrap();
        assert_eq!(listed.cpes.len(), 1);
        let before = affected_from_form(LIMS, &[], Some("4.3")).unwrap();
        assert_eq!(before.cpes[0].version_end_excluding.as_deref(), Some("4.3"));
        assert_eq!(affected_from_form(LIMS, &[], None).unwrap_err().path, "versions");
    }

    #[test]
    fn a_fixed_statement_names_one_version() {
        let product = |cpe: &str, version: Option<&str>, range: Option<&str>| ProductRef {
            cpe: Some(cpe.into()),
            version: version.map(str::to_owned),
            version_range: range.map(str::to_owned),
            ..ProductRef::default()
        };
        assert!(
            fixed_cpe(&product(LIMS, Some("4.3"), None))
                .unwrap()
                .starts_with("cpe:2.3:a:pathlab:lims:4.3:")
        );
        let own = "cpe:2.3:a:pathlab:lims:4.3:*:*:*:*:*:*:*";
        assert_eq!(fixed_cpe(&product(own, None, None)).unwrap(), own);
        assert!(
            fixed_cpe(&product(LIMS, None, None))
                .unwrap_err()
                .contains("without a version")
        );
        assert!(
            fixed_cpe(&product(LIMS, None, Some("vers:generic/>=4.3")))
                .unwrap_err()
                .contains("one by one")
        );
    }

    #[test]
    fn only_affected_statements_count() {
        let statement = |status, version: &str| VexStatement {
            vulnerability: "CVE-2026-1000".into(),
            aliases: vec![],
            product: ProductRef {
                id: Some("P1".into()),
                cpe: Some(LIMS.into()),
                version: Some(version.into()),
                ..ProductRef::default()
            },
            status,
            source_status: String::new(),
            justification: None,
            detail: None,
            actions: vec![],
            source: "test".into(),
        };
        let affected = affected_from_statements(&[
            statement(VexStatus::Affected, "4.2"),
            statement(VexStatus::Fixed, "4.3"),
            statement(VexStatus::Affected, "4.2"),
        ])
        .unwrap();
        assert_eq!(affected.len(), 1);
        assert!(
            affected[0].cpes[0]
                .criteria
                .starts_with("cpe:2.3:a:pathlab:lims:4.2:")
        );
    }
}
