//! VEX statements entered by an organisation about its own assets: "we run this software, and this
//! vulnerability does not affect us because ...". They are layered over the matches (never
//! deleting them) for that organisation's assets only, and each one is audited.

use serde::Deserialize;
use ward_core::OrgId;
use ward_core::org::OrgKind;
use ward_core::vuln::{Justification, ProductRef, VexStatement, VexStatus};
use ward_store::vuln::{StoredVex, VulnCounts};

use crate::App;
use crate::actor::Actor;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};

/// The `source` of every statement entered in Ward by an organisation: one statement per
/// (organisation, vulnerability, product), a newer one replacing the older. Who entered it is in
/// the audit trail.
pub const ORG_SOURCE: &str = "ward:organisation";

/// A statement as an organisation enters it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VexInput {
    /// The organisation making the statement (its assets are the ones it covers).
    pub org: OrgId,
    /// The vulnerability (`CVE-2021-44228`, a GHSA id, an advisory id).
    pub vulnerability: String,
    /// The software, by package URL (`pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1`)...
    #[serde(default)]
    pub purl: Option<String>,
    /// ...or by CPE 2.3 name.
    #[serde(default)]
    pub cpe: Option<String>,
    /// `not_affected`, `affected`, `fixed` or `under_investigation`.
    #[schema(value_type = String)]
    pub status: VexStatus,
    /// Required for `not_affected`: why (`component_not_present`, `vulnerable_code_not_present`,
    /// `vulnerable_code_cannot_be_controlled_by_adversary`, `vulnerable_code_not_in_execute_path`,
    /// `inline_mitigations_already_exist`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub justification: Option<Justification>,
    /// What was checked or done, in words.
    #[serde(default)]
    pub detail: Option<String>,
}

pub(crate) fn check(input: &VexInput) -> Result<VexStatement, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut problem = |path: &str, message: String| {
        problems.push(FieldProblem {
            path: path.to_owned(),
            message,
        });
    };
    let vulnerability = input.vulnerability.trim();
    if vulnerability.is_empty() || vulnerability.len() > 100 || vulnerability.chars().any(char::is_whitespace)
    {
        problem(
            "vulnerability",
            "give one vulnerability id such as CVE-2021-44228".into(),
        );
    }
    let purl = input.purl.as_deref().map(str::trim).filter(|s| !s.is_empty());
    let cpe = input.cpe.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if purl.is_none() && cpe.is_none() {
        problem("purl", "name the software by package URL or CPE".into());
    }
    if let Some(p) = purl
        && let Err(e) = ward_engine::Purl::parse(p)
    {
        problem("purl", format!("'{p}' is not a package URL: {e}"));
    }
    if let Some(c) = cpe
        && let Err(e) = ward_engine::Cpe::parse(c)
    {
        problem("cpe", format!("'{c}' is not a CPE name: {e}"));
    }
    let detail = input.detail.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if detail.is_some_and(|d| d.chars().count() > 2000) {
        problem("detail", "at most 2,000 characters".into());
    }
    if input.status == VexStatus::NotAffected && input.justification.is_none() {
        problem(
            "justification",
            "say why the software is not affected (for example, the vulnerable code is never run)".into(),
        );
    }
    if input.status != VexStatus::NotAffected && input.justification.is_some() {
        problem(
            "justification",
            "a justification is given only when the software is not affected".into(),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(VexStatement {
        vulnerability: vulnerability.to_owned(),
        aliases: Vec::new(),
        product: ProductRef {
            purl: purl.map(str::to_owned),
            cpe: cpe.map(str::to_owned),
            ..ProductRef::default()
        },
        status: input.status,
        source_status: input.status.as_str().to_owned(),
        justification: input.justification.clone(),
        detail: detail.map(str::to_owned),
        actions: Vec::new(),
        source: ORG_SOURCE.to_owned(),
    })
}

impl App {
    /// Records an organisation's statement about its own assets (replacing its earlier statement
    /// on the same vulnerability and software).
    ///
    /// A statement made for a supplier organisation (whoever makes it) is about the supplier's
    /// own products, wherever they are installed, and applies to every organisation's assets
    /// (below any statement an organisation makes about its own). So it is accepted only when
    /// every identifier it carries belongs to one of the supplier's confirmed products
    /// ([`crate::products::uncovered_identifier`]); otherwise 422 naming the identifier.
    pub async fn state_vex(&self, actor: &Actor, input: &VexInput) -> AppResult<VulnCounts> {
        let scope = authorise_on(self.store(), actor, Action::StateVex, input.org, self.now()).await?;
        self.record_vex(
            &scope,
            input.org,
            std::slice::from_ref(input),
            &actor.audit(self.now()),
        )
        .await
    }

    /// [`App::state_vex`] once authorised, for several statements of one organisation `org` at
    /// once (one audit record): each is checked, a supplier's against its confirmed products,
    /// and they are kept together or not at all. A supplier's advisory records what it states not
    /// affected through here when it is released (its publisher was authorised to state VEX for
    /// the supplier when publishing).
    pub(crate) async fn record_vex(
        &self,
        scope: &ward_store::Scope,
        org: OrgId,
        inputs: &[VexInput],
        meta: &ward_store::AuditMeta,
    ) -> AppResult<VulnCounts> {
        let mut statements = Vec::with_capacity(inputs.len());
        for input in inputs {
            if input.org != org {
                return Err(AppError::invalid(
                    "org",
                    "every statement is the same organisation's",
                ));
            }
            statements.push(check(input).map_err(AppError::Invalid)?);
        }
        let found = self.store().get_org(scope, org).await?;
        if found.kind == OrgKind::Supplier {
            let confirmed = self.confirmed_products(Some(org)).await?;
            for statement in &statements {
                if let Some((field, identifier)) =
                    crate::products::uncovered_identifier(&confirmed, &statement.product)
                {
                    return Err(AppError::invalid(
                        field,
                        format!(
                            "{identifier} is not an identifier of one of your organisation's confirmed products; \
                             a supplier speaks only for its own products once the national team has confirmed them"
                        ),
                    ));
                }
            }
        }
        let counts = self
            .store()
            .upsert_vex(scope, Some(org), &statements, meta)
            .await?;
        self.exposure_changed();
        Ok(counts)
    }

    /// Statements about `vulnerability` (id or alias) the actor may see: feed statements and those
    /// of organisations in its scope.
    pub async fn vex_statements(&self, actor: &Actor, vulnerability: &str) -> AppResult<Vec<StoredVex>> {
        let scope = authorise(actor, Action::ReadExposure, self.now())?;
        Ok(self.store().vex_for(&scope, vulnerability.trim()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> VexInput {
        VexInput {
            org: OrgId::from_uuid(uuid::Uuid::nil()),
            vulnerability: "CVE-2021-44228".into(),
            purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into()),
            cpe: None,
            status: VexStatus::NotAffected,
            justification: Some(Justification::VulnerableCodeNotInExecutePath),
            detail: Some("JNDI lookups disabled".into()),
        }
    }

    #[test]
    fn a_complete_statement_is_accepted() {
        let s = check(&input()).expect("valid");
        assert_eq!(s.source, ORG_SOURCE);
        assert_eq!(s.status, VexStatus::NotAffected);
        assert_eq!(s.product.purl.as_deref(), input().purl.as_deref());
    }

    #[test]
    fn every_problem_is_named() {
        let mut bad = input();
        bad.vulnerability = "two ids".into();
        bad.purl = Some("log4j".into());
        bad.justification = None;
        let problems = check(&bad).expect_err("invalid");
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, vec!["vulnerability", "purl", "justification"]);

        let mut none = input();
        none.purl = None;
        assert_eq!(check(&none).expect_err("no software")[0].path, "purl");

        let mut affected = input();
        affected.status = VexStatus::Affected;
        assert_eq!(
            check(&affected).expect_err("justification")[0].path,
            "justification"
        );
    }
}
