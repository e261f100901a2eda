//! Supplier advisories and naming consent, once for both backends.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use ward_core::audit::digest_json;
use ward_core::org::OrgKind;
use ward_core::supplier::advisory::{AdvisoryRevision, NamingConsent, SupplierAdvisory};
use ward_core::{AlertId, OrgId};

use super::suppliers::org_kind_in;
use super::{Arg, Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::supplier_advisories::SupplierAdvisoryStore;
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, supplier_id, title, severity, format, advisory, actions, embargo_until, \
                       published_by, published_at, released_at, released_by, alert_id, version, not_affected, fixed";
const REVISION_COLUMNS: &str = "advisory_id, number, version, title, severity, format, advisory, actions, \
                                not_affected, changes, published_by, published_at, fixed";
const CONSENT_COLUMNS: &str = "org_id, may_be_named, changed_by, changed_at";

/// The longest advisory id kept.
const MAX_ID_LEN: usize = 200;

fn advisory_row(r: &impl RowRead) -> StoreResult<SupplierAdvisory> {
    Ok(SupplierAdvisory {
        id: r.text("id")?,
        supplier: r.id("supplier_id")?,
        title: r.text("title")?,
        severity: r.parsed("severity")?,
        format: r.parsed("format")?,
        advisory: serde_json::from_str(&r.text("advisory")?).map_err(|_| corrupt_column("advisory"))?,
        actions: serde_json::from_str(&r.text("actions")?).map_err(|_| corrupt_column("actions"))?,
        embargo_until: r.opt_date("embargo_until")?,
        published_by: r.text("published_by")?,
        published_at: r.ts("published_at")?,
        released_at: r.opt_ts("released_at")?,
        released_by: r.opt_text("released_by")?,
        alert: r.opt_id("alert_id")?,
        // Rows from before revisions were kept: version 1, nothing stated not affected.
        version: r.opt_text("version")?.unwrap_or_else(|| "1".to_owned()),
        not_affected: match r.opt_text("not_affected")? {
            Some(t) => serde_json::from_str(&t).map_err(|_| corrupt_column("not_affected"))?,
            None => Vec::new(),
        },
        fixed: json_list(r, "fixed")?,
    })
}

/// A JSON list kept as text in a column added later (NULL in rows from before: none).
fn json_list<T: serde::de::DeserializeOwned>(r: &impl RowRead, column: &str) -> StoreResult<Vec<T>> {
    match r.opt_text(column)? {
        Some(t) => serde_json::from_str(&t).map_err(|_| corrupt_column(column)),
        None => Ok(Vec::new()),
    }
}

fn revision_row(r: &impl RowRead) -> StoreResult<AdvisoryRevision> {
    let json = |c: &str| r.text(c);
    Ok(AdvisoryRevision {
        advisory_id: r.text("advisory_id")?,
        number: r.u32("number")?,
        version: r.text("version")?,
        title: r.text("title")?,
        severity: r.parsed("severity")?,
        format: r.parsed("format")?,
        advisory: serde_json::from_str(&json("advisory")?).map_err(|_| corrupt_column("advisory"))?,
        actions: serde_json::from_str(&json("actions")?).map_err(|_| corrupt_column("actions"))?,
        not_affected: serde_json::from_str(&json("not_affected")?)
            .map_err(|_| corrupt_column("not_affected"))?,
        fixed: json_list(r, "fixed")?,
        changes: serde_json::from_str(&json("changes")?).map_err(|_| corrupt_column("changes"))?,
        published_by: r.text("published_by")?,
        published_at: r.ts("published_at")?,
    })
}

/// Keep one revision (inside the caller's transaction).
async fn insert_revision(tx: &mut impl Exec, v: &AdvisoryRevision) -> StoreResult<()> {
    tx.execute(
        Sql::new(format!(
            "INSERT INTO supplier_advisory_revisions ({REVISION_COLUMNS}) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .arg(v.advisory_id.clone())
        .arg(i64::from(v.number))
        .arg(v.version.clone())
        .arg(v.title.clone())
        .arg(v.severity.to_string())
        .arg(v.format.as_str())
        .arg(to_json(&v.advisory)?)
        .arg(to_json(&v.actions)?)
        .arg(to_json(&v.not_affected)?)
        .arg(to_json(&v.changes)?)
        .arg(v.published_by.clone())
        .arg(v.published_at)
        .arg(to_json(&v.fixed)?),
    )
    .await?;
    Ok(())
}

fn consent_row(r: &impl RowRead) -> StoreResult<NamingConsent> {
    Ok(NamingConsent {
        org: r.id("org_id")?,
        may_be_named: r.bool("may_be_named")?,
        changed_by: r.text("changed_by")?,
        changed_at: r.ts("changed_at")?,
    })
}

/// What the audit record says of an advisory (no document body: its digest is in `after`).
fn summary(a: &SupplierAdvisory) -> String {
    serde_json::json!({
        "title": a.title, "severity": a.severity.to_string(), "format": a.format.as_str(),
        "cves": a.advisory.aliases, "embargo_until": a.embargo_until.map(|d| d.to_string()),
    })
    .to_string()
}

fn to_json(v: &impl serde::Serialize) -> StoreResult<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Backend(format!("cannot write JSON: {e}")))
}

/// Refuse what no stored advisory may be.
fn check(a: &SupplierAdvisory) -> StoreResult<()> {
    let id = a.id.trim();
    if id.is_empty() || id.len() > MAX_ID_LEN || id != a.id || a.id.chars().any(char::is_control) {
        return Err(StoreError::Invalid(format!(
            "id: an advisory id is 1 to {MAX_ID_LEN} characters without spaces at either end"
        )));
    }
    if a.advisory.id != a.id {
        return Err(StoreError::Invalid(
            "id: the advisory kept must carry the same id".into(),
        ));
    }
    if a.title.trim().is_empty() {
        return Err(StoreError::Invalid("title: must not be empty".into()));
    }
    Ok(())
}

#[async_trait]
impl<B: SqlBackend> SupplierAdvisoryStore for B {
    async fn create_supplier_advisory(
        &self,
        scope: &Scope,
        a: &SupplierAdvisory,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        check(a)?;
        let mut tx = self.write().await?;
        if org_kind_in(&mut tx, scope, a.supplier).await? != OrgKind::Supplier {
            return Err(StoreError::Invalid(
                "supplier: advisories are published by suppliers only".into(),
            ));
        }
        let exists = tx
            .fetch_optional(Sql::new("SELECT id FROM supplier_advisories WHERE id = $1").arg(a.id.clone()))
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict(format!(
                "id: an advisory {} was already published",
                a.id
            )));
        }
        tx.execute(
            Sql::new(format!(
                "INSERT INTO supplier_advisories ({COLUMNS}) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
            ))
            .arg(a.id.clone())
            .arg(a.supplier)
            .arg(a.title.clone())
            .arg(a.severity.to_string())
            .arg(a.format.as_str())
            .arg(to_json(&a.advisory)?)
            .arg(to_json(&a.actions)?)
            .arg(a.embargo_until)
            .arg(a.published_by.clone())
            .arg(a.published_at)
            .arg(a.released_at)
            .arg(a.released_by.clone())
            .arg(a.alert)
            .arg(a.version.clone())
            .arg(to_json(&a.not_affected)?)
            .arg(to_json(&a.fixed)?),
        )
        .await?;
        insert_revision(&mut tx, &AdvisoryRevision::first(a)).await?;
        let event = meta
            .change("supplier_advisory.publish", "supplier_advisory", a.id.clone())
            .org(a.supplier)
            .after(digest_json(a))
            .detail(summary(a))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await
    }

    async fn list_supplier_advisories(&self, scope: &Scope) -> StoreResult<Vec<SupplierAdvisory>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM supplier_advisories WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "supplier_id");
        q.push(" ORDER BY published_at DESC, id");
        db.fetch_all(q).await?.iter().map(advisory_row).collect()
    }

    async fn get_supplier_advisory(&self, scope: &Scope, id: &str) -> StoreResult<SupplierAdvisory> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM supplier_advisories WHERE id = $1")).arg(id);
        db.scope_filter(&mut q, scope, "supplier_id");
        match db.fetch_optional(q).await? {
            Some(r) => advisory_row(&r),
            None => Err(StoreError::not_found("supplier advisory", id)),
        }
    }

    async fn claim_supplier_advisory_release(
        &self,
        id: &str,
        at: Timestamp,
        meta: &AuditMeta,
    ) -> StoreResult<bool> {
        let mut tx = self.write().await?;
        let released_by = meta.actor.principal.clone();
        let n = tx
            .execute(
                Sql::new(
                    "UPDATE supplier_advisories SET released_at = $1, released_by = $2 \
                     WHERE id = $3 AND released_at IS NULL",
                )
                .arg(at)
                .arg(released_by)
                .arg(id),
            )
            .await?;
        if n == 0 {
            return Ok(false);
        }
        let row = tx
            .fetch_one(Sql::new(format!("SELECT {COLUMNS} FROM supplier_advisories WHERE id = $1")).arg(id))
            .await?;
        let after = advisory_row(&row)?;
        let event = meta
            .change("supplier_advisory.release", "supplier_advisory", id)
            .org(after.supplier)
            .after(digest_json(&after))
            .detail(summary(&after))
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn undo_supplier_advisory_release(&self, id: &str) -> StoreResult<()> {
        let mut tx = self.write().await?;
        tx.execute(
            Sql::new(
                "UPDATE supplier_advisories SET released_at = NULL, released_by = NULL \
                 WHERE id = $1 AND alert_id IS NULL",
            )
            .arg(id),
        )
        .await?;
        tx.commit().await
    }

    async fn set_supplier_advisory_alert(&self, id: &str, alert: AlertId) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let n = tx
            .execute(
                Sql::new(
                    "UPDATE supplier_advisories SET alert_id = $1 WHERE id = $2 AND released_at IS NOT NULL",
                )
                .arg(alert)
                .arg(id),
            )
            .await?;
        if n == 0 {
            return Err(StoreError::not_found("supplier advisory", id));
        }
        tx.commit().await
    }

    async fn supplier_advisories_due(&self, day: Date) -> StoreResult<Vec<SupplierAdvisory>> {
        let mut db = self.read().await?;
        let q = Sql::new(format!(
            "SELECT {COLUMNS} FROM supplier_advisories \
             WHERE released_at IS NULL AND embargo_until <= $1 ORDER BY embargo_until, id"
        ))
        .arg(day);
        db.fetch_all(q).await?.iter().map(advisory_row).collect()
    }

    async fn revise_supplier_advisory(
        &self,
        scope: &Scope,
        v: &AdvisoryRevision,
        clocks: &ward_core::alert::ClockSettings,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        if v.advisory.id != v.advisory_id {
            return Err(StoreError::Invalid(
                "id: the advisory kept must carry the same id".into(),
            ));
        }
        if v.title.trim().is_empty() || v.version.trim().is_empty() {
            return Err(StoreError::Invalid("a revision has a title and a version".into()));
        }
        let mut tx = self.write().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM supplier_advisories WHERE id = $1"))
            .arg(v.advisory_id.clone());
        tx.scope_filter(&mut q, scope, "supplier_id");
        let Some(row) = tx.fetch_optional(q).await? else {
            return Err(StoreError::not_found("supplier advisory", &v.advisory_id));
        };
        let before = advisory_row(&row)?;
        let latest = tx
            .fetch_one(
                Sql::new(
                    "SELECT COALESCE(MAX(number), 0) AS latest FROM supplier_advisory_revisions \
                     WHERE advisory_id = $1",
                )
                .arg(v.advisory_id.clone()),
            )
            .await?
            .i64("latest")?;
        if i64::from(v.number) != latest + 1 {
            return Err(StoreError::Conflict(format!(
                "revision: {} already has revision {latest}; publish yours again on top of it",
                v.advisory_id
            )));
        }
        insert_revision(&mut tx, v).await?;
        tx.execute(
            Sql::new(
                "UPDATE supplier_advisories SET title = $1, severity = $2, format = $3, advisory = $4, \
                 actions = $5, version = $6, not_affected = $7, fixed = $8 WHERE id = $9",
            )
            .arg(v.title.clone())
            .arg(v.severity.to_string())
            .arg(v.format.as_str())
            .arg(to_json(&v.advisory)?)
            .arg(to_json(&v.actions)?)
            .arg(v.version.clone())
            .arg(to_json(&v.not_affected)?)
            .arg(to_json(&v.fixed)?)
            .arg(v.advisory_id.clone()),
        )
        .await?;
        let event = meta
            .change(
                "supplier_advisory.revise",
                "supplier_advisory",
                v.advisory_id.clone(),
            )
            .org(before.supplier)
            .before(digest_json(&before))
            .after(digest_json(v))
            .detail(
                serde_json::json!({
                    "revision": v.number, "version": v.version, "from_version": before.version,
                    "changes": v.changes,
                })
                .to_string(),
            )
            .build();
        let mut events = vec![event];
        // The alert raised from it reads as the revision does.
        if let Some(alert) = before.alert {
            events.push(super::alert_revisions::revise_alert_text(&mut tx, alert, v, clocks, meta).await?);
        }
        audit::append_events(&mut tx, self.keys(), events).await?;
        tx.commit().await
    }

    async fn supplier_advisory_revisions(
        &self,
        scope: &Scope,
        id: &str,
    ) -> StoreResult<Vec<AdvisoryRevision>> {
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT id FROM supplier_advisories WHERE id = $1").arg(id);
        db.scope_filter(&mut q, scope, "supplier_id");
        if db.fetch_optional(q).await?.is_none() {
            return Err(StoreError::not_found("supplier advisory", id));
        }
        let q = Sql::new(format!(
            "SELECT {REVISION_COLUMNS} FROM supplier_advisory_revisions WHERE advisory_id = $1 ORDER BY number"
        ))
        .arg(id);
        db.fetch_all(q).await?.iter().map(revision_row).collect()
    }

    async fn set_naming_consent(
        &self,
        scope: &Scope,
        c: &NamingConsent,
        meta: &AuditMeta,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
        org_kind_in(&mut tx, scope, c.org).await?;
        let before = tx
            .fetch_optional(
                Sql::new(format!(
                    "SELECT {CONSENT_COLUMNS} FROM org_naming_consent WHERE org_id = $1"
                ))
                .arg(c.org),
            )
            .await?
            .map(|r| consent_row(&r))
            .transpose()?;
        tx.execute(Sql::new("DELETE FROM org_naming_consent WHERE org_id = $1").arg(c.org))
            .await?;
        tx.execute(
            Sql::new(format!(
                "INSERT INTO org_naming_consent ({CONSENT_COLUMNS}) VALUES ($1, $2, $3, $4)"
            ))
            .arg(c.org)
            .arg(c.may_be_named)
            .arg(c.changed_by.clone())
            .arg(c.changed_at),
        )
        .await?;
        let event = meta
            .change("org.naming_consent", "organisation", c.org.to_string())
            .org(c.org)
            .before_opt(before.as_ref().map(digest_json))
            .after(digest_json(c))
            .detail(serde_json::json!({"may_be_named": c.may_be_named}).to_string())
            .build();
        audit::append_events(&mut tx, self.keys(), vec![event]).await?;
        tx.commit().await
    }

    async fn naming_consent(&self, org: OrgId) -> StoreResult<Option<NamingConsent>> {
        let mut db = self.read().await?;
        db.fetch_optional(
            Sql::new(format!(
                "SELECT {CONSENT_COLUMNS} FROM org_naming_consent WHERE org_id = $1"
            ))
            .arg(org),
        )
        .await?
        .map(|r| consent_row(&r))
        .transpose()
    }

    async fn orgs_consenting_to_be_named(&self, orgs: &[OrgId]) -> StoreResult<Vec<OrgId>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let mut q = Sql::new("SELECT org_id FROM org_naming_consent WHERE may_be_named = $1 AND ").arg(true);
        q.in_list(
            dialect,
            "org_id",
            Arg::Uuids(orgs.iter().map(|o| *o.as_uuid()).collect()),
        );
        q.push(" ORDER BY org_id");
        db.fetch_all(q).await?.iter().map(|r| r.id("org_id")).collect()
    }
}
