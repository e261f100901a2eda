//! Revisions of a supplier advisory (issue 9, item 1). The supplier publishes a new version of
//! an advisory it published (a CSAF document with a later `/document/tracking/version`, a
//! CycloneDX VEX with a later `version`, or the form); Ward keeps every revision whole, the first
//! included ([`ward_store::SupplierAdvisoryStore::supplier_advisory_revisions`]).
//!
//! - **Refused**, with the reason and nothing kept, when the version does not come after the
//!   current one ([`compare_versions`]: whole numbers or semantic versions), when a document
//!   carries another tracking id, when it sets an embargo, or when it names a product that is not
//!   one of the supplier's confirmed products (the same checks as a first publication).
//! - **Under embargo**, a revision only replaces what the national team sees.
//! - **Released**, the revision is made known at once: the advisory Ward matches is replaced (so
//!   the exposure index re-resolves it to customers' assets), what it states not affected is
//!   recorded as the supplier's VEX, and the alert is extended to organisations newly exposed
//!   (they get the alert as any newly exposed organisation does). The organisations the alert had
//!   already reached are told what changed, in words ([`describe_changes`]).
//! - **The alert reads as the revision does**: its title, summary (when the revision gives one) and
//!   required actions are rewritten with the revision, and its timeline says what changed, when and
//!   by whom (a `revised` entry). Organisations it reached that Ward no longer sees exposed once the
//!   revision is matched get a `no_longer_exposed` entry; their records stay, with their answers.
//! - **A statement withdrawn** (not affected or fixed in the revision before, no longer stated) is
//!   replaced by the supplier's statement on the same vulnerability and product, `affected` when
//!   the revision states that version affected, else `under_investigation`: VEX has no
//!   withdrawal, and the newer statement replaces the older, so those customers need to act again.

use std::cmp::Ordering;

use serde::Serialize;
use ward_core::OrgId;
use ward_core::supplier::advisory::{
    AdvisoryFormat, AdvisoryRevision, AdvisoryState, SupplierAdvisory, compare_versions,
};
use ward_core::vuln::{CpeMatch, VexStatement, VexStatus};

use super::{Drafted, Submission, problem};
use crate::App;
use crate::actor::Actor;
use crate::alerts::Issued;
use crate::authz::{Action, authorise, authorise_on};
use crate::error::{AppError, AppResult, FieldProblem};
use crate::exposure::statements::VexInput;

/// What revising did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Revised {
    pub advisory: String,
    /// The revision's number (the first publication is 1).
    pub revision: u32,
    pub version: String,
    /// What changed, in words.
    pub changes: Vec<String>,
    pub state: AdvisoryState,
    /// Organisations the advisory's alert had reached, told what changed.
    pub told: u64,
    /// The alert this revision issued, when the advisory stated nothing affected before.
    pub alert: Option<Issued>,
}

/// The revision's version: the one given, which must come after `current`; for the form, when
/// none is given, the next whole number.
fn next_version(
    current: &str,
    given: Option<&str>,
    format: AdvisoryFormat,
    path: &str,
) -> Result<String, FieldProblem> {
    let Some(v) = given else {
        return match (format, current.trim().parse::<u64>()) {
            (AdvisoryFormat::Form, Ok(n)) => Ok((n + 1).to_string()),
            _ => Err(problem(
                path,
                format!("give this revision's version, after the current version {current}"),
            )),
        };
    };
    match compare_versions(v, current) {
        Some(Ordering::Greater) => Ok(v.to_owned()),
        Some(_) => Err(problem(
            path,
            format!(
                "version {v} does not come after the current version {current}: a revision must advance it"
            ),
        )),
        None => Err(problem(
            path,
            format!(
                "'{v}' is not a version Ward can order (a whole number, or a semantic version such as 1.2.0)"
            ),
        )),
    }
}

/// A criterion as people read it: the CPE's product and the versions it covers.
fn criterion_words(c: &CpeMatch) -> String {
    let fields: Vec<&str> = c.criteria.split(':').collect();
    let product = match (fields.get(3), fields.get(4)) {
        (Some(vendor), Some(product)) => format!("{vendor} {product}"),
        _ => c.criteria.clone(),
    };
    let mut versions = Vec::new();
    match fields.get(5) {
        Some(&v) if v != "*" && v != "-" => versions.push(v.replace('\\', "")),
        _ => {}
    }
    if let Some(v) = &c.version_start_including {
        versions.push(format!("from {v}"));
    }
    if let Some(v) = &c.version_start_excluding {
        versions.push(format!("after {v}"));
    }
    if let Some(v) = &c.version_end_including {
        versions.push(format!("up to {v}"));
    }
    if let Some(v) = &c.version_end_excluding {
        versions.push(format!("before {v}"));
    }
    if versions.is_empty() {
        format!("{product}, every version")
    } else {
        format!("{product} {}", versions.join(" "))
    }
}

fn statement_words(s: &VexStatement) -> String {
    let product = s
        .product
        .name
        .clone()
        .or_else(|| s.product.cpe.clone())
        .unwrap_or_else(|| "a product".to_owned());
    match &s.product.version {
        Some(v) => format!("{} in {product} {v}", s.vulnerability),
        None => format!("{} in {product}", s.vulnerability),
    }
}

/// What a revision changes, in words; "No change to the advisory's content" when nothing does.
pub fn describe_changes(before: &SupplierAdvisory, after: &AdvisoryRevision) -> Vec<String> {
    let mut out = Vec::new();
    if before.title != after.title {
        out.push(format!("Title now reads \"{}\"", after.title));
    }
    if after.severity.is_more_severe_than(before.severity) {
        out.push(format!(
            "Severity raised from {} to {}",
            before.severity.label(),
            after.severity.label()
        ));
    } else if before.severity.is_more_severe_than(after.severity) {
        out.push(format!(
            "Severity lowered from {} to {}",
            before.severity.label(),
            after.severity.label()
        ));
    }
    for cve in &after.advisory.aliases {
        if !before.advisory.aliases.contains(cve) {
            out.push(format!("Vulnerability added: {cve}"));
        }
    }
    for cve in &before.advisory.aliases {
        if !after.advisory.aliases.contains(cve) {
            out.push(format!("Vulnerability no longer listed: {cve}"));
        }
    }
    let criteria = |a: &ward_core::vuln::Advisory| -> Vec<CpeMatch> {
        a.affected.iter().flat_map(|x| x.cpes.iter().cloned()).collect()
    };
    let (old, new) = (criteria(&before.advisory), criteria(&after.advisory));
    for c in new.iter().filter(|c| !old.contains(c)) {
        out.push(format!("Now stated affected: {}", criterion_words(c)));
    }
    for c in old.iter().filter(|c| !new.contains(c)) {
        out.push(format!("No longer stated affected: {}", criterion_words(c)));
    }
    for s in after
        .not_affected
        .iter()
        .filter(|s| !before.not_affected.contains(s))
    {
        out.push(format!("Stated not affected: {}", statement_words(s)));
    }
    for s in after.fixed.iter().filter(|s| !before.fixed.contains(s)) {
        out.push(format!("Stated fixed: {}", statement_words(s)));
    }
    for s in before
        .not_affected
        .iter()
        .filter(|s| !after.not_affected.contains(s))
    {
        out.push(format!("No longer stated not affected: {}", statement_words(s)));
    }
    for s in before.fixed.iter().filter(|s| !after.fixed.contains(s)) {
        out.push(format!("No longer stated fixed: {}", statement_words(s)));
    }
    for a in after.actions.iter().filter(|a| !before.actions.contains(a)) {
        out.push(format!("New action: {a}"));
    }
    for a in before.actions.iter().filter(|a| !after.actions.contains(a)) {
        out.push(format!("Action withdrawn: {a}"));
    }
    if out.is_empty() {
        out.push("No change to the advisory's content".to_owned());
    }
    out
}

impl App {
    /// Publish a new revision of a supplier's advisory (see the module documentation). The
    /// caller must be one who may publish for the advisory's supplier; another supplier's advisory
    /// reads as not found.
    pub async fn revise_supplier_advisory<B>(
        &self,
        actor: &Actor,
        id: &str,
        submission: Submission<B>,
    ) -> AppResult<Revised>
    where
        B: AsRef<[u8]> + Send + 'static,
    {
        let now = self.now();
        let scope = authorise(actor, Action::PublishSupplierAdvisories, now)?;
        let record = self.store().get_supplier_advisory(&scope, id).await?;
        let scope = authorise_on(
            self.store(),
            actor,
            Action::PublishSupplierAdvisories,
            record.supplier,
            now,
        )
        .await?;
        let confirmed = self.confirmed_products(Some(record.supplier)).await?;
        let drafted: Drafted = self.draft(&confirmed, submission).await?;
        let mut problems = Vec::new();
        if let Some(doc_id) = &drafted.id
            && doc_id != &record.id
        {
            problems.push(problem(
                "/document/tracking/id",
                format!(
                    "'{doc_id}' is not this advisory's id ({}): a revision keeps the tracking id",
                    record.id
                ),
            ));
        }
        if drafted.embargo_until.is_some() {
            problems.push(problem(
                "embargo_until",
                "a revision keeps the advisory's embargo: leave it empty",
            ));
        }
        let version = next_version(
            &record.version,
            drafted.version.as_deref(),
            drafted.format,
            drafted.version_path,
        )
        .unwrap_or_else(|p| {
            problems.push(p);
            String::new()
        });
        if !problems.is_empty() {
            return Err(AppError::Invalid(problems));
        }
        if !drafted.not_affected.is_empty() || !drafted.fixed.is_empty() {
            authorise_on(self.store(), actor, Action::StateVex, record.supplier, now).await?;
        }
        let number = self
            .store()
            .supplier_advisory_revisions(&scope, id)
            .await?
            .last()
            .map_or(1, |r| r.number)
            + 1;
        let mut stated_fixed = drafted.fixed;
        super::fixed::name_advisory(&mut stated_fixed, &record.id);
        let mut advisory = drafted.advisory;
        advisory.id = record.id.clone();
        advisory.published = record.advisory.published;
        advisory.modified = Some(now);
        let mut revision = AdvisoryRevision {
            advisory_id: record.id.clone(),
            number,
            version,
            title: drafted.title,
            severity: drafted.severity,
            format: drafted.format,
            advisory,
            actions: drafted.actions,
            not_affected: drafted.not_affected,
            fixed: stated_fixed,
            changes: Vec::new(),
            published_by: actor.audit_actor().principal,
            published_at: now,
        };
        revision.changes = describe_changes(&record, &revision);
        let meta = actor.audit(now);
        self.store()
            .revise_supplier_advisory(&scope, &revision, &self.settings().alert_clocks, &meta)
            .await?;
        let mut current = record.clone();
        current.title.clone_from(&revision.title);
        current.severity = revision.severity;
        current.format = revision.format;
        current.advisory = revision.advisory.clone();
        current.actions.clone_from(&revision.actions);
        current.version.clone_from(&revision.version);
        current.not_affected.clone_from(&revision.not_affected);
        current.fixed.clone_from(&revision.fixed);
        let (told, alert) = if record.released_at.is_some() {
            self.withdraw_statements(&record, &current, number, &meta).await?;
            self.make_revision_known(&mut current, &revision, &meta).await?
        } else {
            (0, None)
        };
        Ok(Revised {
            advisory: record.id,
            revision: number,
            version: revision.version,
            changes: revision.changes,
            state: current.state(),
            told,
            alert,
        })
    }

    /// A released advisory's revision made known: the organisations its alert reached are read
    /// first (and told what changed), then the revision replaces what Ward matches, which extends
    /// the alert to organisations newly exposed, or issues one when there was none.
    async fn make_revision_known(
        &self,
        current: &mut SupplierAdvisory,
        revision: &AdvisoryRevision,
        meta: &ward_store::AuditMeta,
    ) -> AppResult<(u64, Option<Issued>)> {
        let reached: Vec<OrgId> = match current.alert {
            Some(alert) => self
                .store()
                .get_alert(&ward_store::Scope::All, alert)
                .await?
                .recipients
                .iter()
                .map(|r| r.org)
                .collect(),
            None => Vec::new(),
        };
        let issued = self.make_known(current, meta).await?;
        match &issued {
            Some(i) => {
                self.store()
                    .set_supplier_advisory_alert(&current.id, i.alert)
                    .await?;
                current.alert = Some(i.alert);
            }
            None if current.alert.is_some() => self.queue_alert_extension_logged().await,
            None => {}
        }
        if let Some(alert) = current.alert
            && !reached.is_empty()
        {
            self.note_no_longer_exposed(current, alert, revision.number, &reached, meta)
                .await?;
        }
        if let Err(e) = self
            .tell_of_revision(current, revision.number, &revision.changes, &reached)
            .await
        {
            tracing::warn!(advisory = %current.id, error = %e, "a revision's notices were not queued");
        }
        Ok((reached.len() as u64, issued))
    }

    /// The organisations of `reached` that Ward no longer sees exposed to the advisory once the
    /// revision is matched get a timeline entry on its alert (their records stay).
    async fn note_no_longer_exposed(
        &self,
        current: &SupplierAdvisory,
        alert: ward_core::AlertId,
        number: u32,
        reached: &[OrgId],
        meta: &ward_store::AuditMeta,
    ) -> AppResult<u64> {
        let index = self.exposure_index().await?;
        let exposed = match index.resolve_advisories(std::slice::from_ref(&current.id)) {
            Ok(resolved) => {
                let visible = index.visible(&ward_store::Scope::All);
                index.open_exposure_by_org(&resolved.advisories, &visible, None)
            }
            Err(_) => Default::default(),
        };
        let gone: Vec<OrgId> = reached
            .iter()
            .copied()
            .filter(|o| !exposed.contains_key(o))
            .collect();
        if gone.is_empty() {
            return Ok(0);
        }
        let text = format!(
            "Revision {number} (version {}) of {}: Ward no longer sees this organisation exposed; \
             its record and answers stay",
            current.version, current.id
        );
        Ok(self
            .store()
            .note_no_longer_exposed(&ward_store::Scope::All, alert, &gone, &text, meta)
            .await?)
    }

    /// What `before` stated not affected or fixed and `after` no longer states is replaced by the
    /// supplier's statement on the same vulnerability and product: `affected` when the revision
    /// states that very version affected, else `under_investigation` (see the module documentation).
    async fn withdraw_statements(
        &self,
        before: &SupplierAdvisory,
        after: &SupplierAdvisory,
        number: u32,
        meta: &ward_store::AuditMeta,
    ) -> AppResult<()> {
        let inputs = |a: &SupplierAdvisory| -> Vec<VexInput> {
            let not_affected = a
                .not_affected
                .iter()
                .filter_map(|s| super::not_affected::input(a.supplier, s).ok());
            let fixed = a
                .fixed
                .iter()
                .filter_map(|s| super::fixed::input(a.supplier, s).ok());
            not_affected.chain(fixed).collect()
        };
        let still = inputs(after);
        let mut withdrawn: Vec<VexInput> = Vec::new();
        for mut input in inputs(before) {
            let kept = still
                .iter()
                .chain(&withdrawn)
                .any(|s| s.vulnerability == input.vulnerability && s.cpe == input.cpe);
            if kept {
                continue;
            }
            // Stated affected now, exactly: the supplier says so; else the matches decide.
            let affected_now = after.advisory.affected.iter().flat_map(|a| &a.cpes).any(|c| {
                Some(&c.criteria) == input.cpe.as_ref()
                    && c.version_start_including.is_none()
                    && c.version_start_excluding.is_none()
                    && c.version_end_including.is_none()
                    && c.version_end_excluding.is_none()
            });
            input.status = if affected_now {
                VexStatus::Affected
            } else {
                VexStatus::UnderInvestigation
            };
            input.justification = None;
            input.detail = Some(format!(
                "Withdrawn by revision {number} of {}: the supplier no longer states it",
                before.id
            ));
            withdrawn.push(input);
        }
        if withdrawn.is_empty() {
            return Ok(());
        }
        self.record_vex(&ward_store::Scope::All, before.supplier, &withdrawn, meta)
            .await
            .map(|_| ())
    }

    /// The revisions of an advisory the caller may see, oldest first.
    pub async fn supplier_advisory_revisions(
        &self,
        actor: &Actor,
        id: &str,
    ) -> AppResult<Vec<AdvisoryRevision>> {
        let scope = authorise(actor, Action::ReadSupplierAdvisories, self.now())?;
        Ok(self.store().supplier_advisory_revisions(&scope, id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revision_must_advance_the_version() {
        let next = |current, given, format| next_version(current, given, format, "version");
        assert_eq!(next("1", None, AdvisoryFormat::Form).unwrap(), "2");
        assert_eq!(
            next("1.0.0", Some("1.1.0"), AdvisoryFormat::Csaf).unwrap(),
            "1.1.0"
        );
        assert!(
            next("2", Some("2"), AdvisoryFormat::Csaf)
                .unwrap_err()
                .message
                .contains("does not come after")
        );
        assert!(next("2", Some("1"), AdvisoryFormat::CycloneDx).is_err());
        assert!(
            next("2", Some("two"), AdvisoryFormat::Form)
                .unwrap_err()
                .message
                .contains("not a version")
        );
        assert!(
            next("3", None, AdvisoryFormat::CycloneDx)
                .unwrap_err()
                .message
                .contains("give this revision's version")
        );
        assert!(next("1.0.0", None, AdvisoryFormat::Form).is_err());
    }

    #[test]
    fn criteria_read_as_product_and_versions() {
        let c = CpeMatch {
            criteria: "cpe:2.3:a:pathlab:lims:*:*:*:*:*:*:*:*".into(),
            version_start_including: None,
            version_start_excluding: None,
            version_end_including: None,
            version_end_excluding: Some("4.3".into()),
            vulnerable: true,
        };
        assert_eq!(criterion_words(&c), "pathlab lims before 4.3");
        let exact = CpeMatch {
            criteria: "cpe:2.3:a:pathlab:lims:4.2:*:*:*:*:*:*:*".into(),
            version_end_excluding: None,
            ..c
        };
        assert_eq!(criterion_words(&exact), "pathlab lims 4.2");
    }
}
