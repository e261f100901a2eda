//! Risk registers, once for both backends.
//!
//! A risk's three scores and its controls are kept as JSON text (the same on both engines); its
//! current score and grade are also columns, so that filters and roll-ups are set-based SQL. Links
//! are rows of `risk_links` (`kind`, `target`: an id, or `<advisory>@<asset>` for an exposure).

use async_trait::async_trait;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ward_core::org::OrgKind;
use ward_core::risk::register::{Acceptance, ExposureRef, Risk, RiskDetails, RiskLinks};
use ward_core::risk::vocabulary::VocabularyEntry;
use ward_core::{OrgId, RiskId, UserId};

use super::links::{count_in, link_rows};
use super::{Arg, Exec, RowRead, Sql, SqlBackend, Tx, audit, corrupt_column};
use crate::risks::{GradeCount, RiskFilter, RiskStore, refusals};
use crate::{AuditMeta, Scope, StoreError, StoreResult};

const COLUMNS: &str = "id, org_id, title, description, source, event, consequence, inherent_score, \
    current_score, target_score, current_value, current_grade, owner_id, review_date, treatment, \
    treatment_plan, controls, approver_id, approved_at, created_at, updated_at";

/// Link kinds as stored in `risk_links.kind`.
const ASSET: &str = "asset";
const SERVICE: &str = "service";
const SUPPLIER: &str = "supplier";
const EXPOSURE: &str = "exposure";

fn to_json<T: Serialize>(column: &str, v: &T) -> StoreResult<String> {
    serde_json::to_string(v)
        .map_err(|e| StoreError::Backend(format!("{column} cannot be written as JSON: {e}")))
}

fn from_json<T: DeserializeOwned>(r: &impl RowRead, column: &str) -> StoreResult<T> {
    serde_json::from_str(&r.text(column)?).map_err(|_| corrupt_column(column))
}

fn risk_row(r: &impl RowRead, links: RiskLinks) -> StoreResult<Risk> {
    let approver: Option<UserId> = r.opt_id("approver_id")?;
    let acceptance = match (approver, r.opt_ts("approved_at")?) {
        (Some(approver), Some(approved_at)) => Some(Acceptance {
            approver,
            approved_at,
        }),
        _ => None,
    };
    Ok(Risk {
        id: r.id("id")?,
        org: r.id("org_id")?,
        details: RiskDetails {
            title: r.text("title")?,
            description: r.text("description")?,
            source: r.text("source")?,
            event: r.text("event")?,
            consequence: r.text("consequence")?,
            inherent: from_json(r, "inherent_score")?,
            current: from_json(r, "current_score")?,
            target: from_json(r, "target_score")?,
            owner: r.id("owner_id")?,
            review_date: r.date("review_date")?,
            treatment: r.parsed("treatment")?,
            treatment_plan: r.text("treatment_plan")?,
            controls: from_json(r, "controls")?,
            links,
        },
        acceptance,
        created_at: r.ts("created_at")?,
        updated_at: r.ts("updated_at")?,
    })
}

/// The links of the given risks, by risk.
async fn links_of<E: Exec + ?Sized>(
    db: &mut E,
    ids: &[RiskId],
) -> StoreResult<std::collections::HashMap<RiskId, RiskLinks>> {
    let owners = ids.iter().map(|i| *i.as_uuid()).collect();
    let mut out: std::collections::HashMap<RiskId, RiskLinks> = std::collections::HashMap::new();
    for l in link_rows(db, "risk_links", "risk_id", owners).await? {
        let links = out.entry(RiskId::from_uuid(l.owner)).or_default();
        let target = l.target;
        let bad = || corrupt_column("target");
        match l.kind.as_str() {
            ASSET => links.assets.push(target.parse().map_err(|_| bad())?),
            SERVICE => links.services.push(target.parse().map_err(|_| bad())?),
            SUPPLIER => links.suppliers.push(target.parse().map_err(|_| bad())?),
            EXPOSURE => links
                .exposures
                .push(ExposureRef::from_key(&target).ok_or_else(bad)?),
            _ => return Err(corrupt_column("kind")),
        }
    }
    for l in out.values_mut() {
        l.exposures.sort();
    }
    Ok(out)
}

/// The risk if it is in scope; not found otherwise.
async fn risk_in_scope<E: Exec + ?Sized>(db: &mut E, scope: &Scope, id: RiskId) -> StoreResult<Risk> {
    let mut q = Sql::new(format!("SELECT {COLUMNS} FROM risks WHERE id = $1")).arg(id);
    db.scope_filter(&mut q, scope, "org_id");
    let Some(row) = db.fetch_optional(q).await? else {
        return Err(StoreError::not_found("risk", id.to_string()));
    };
    let mut links = links_of(db, &[id]).await?;
    risk_row(&row, links.remove(&id).unwrap_or_default())
}

/// Refuse links to another organisation's assets, services or exposures, or to suppliers that
/// are not supplier organisations.
async fn check_links<E: Exec + ?Sized>(db: &mut E, org: OrgId, l: &RiskLinks) -> StoreResult<()> {
    let org_arg = || Arg::Uuid(Some(*org.as_uuid()));
    let uuids = |v: &mut dyn Iterator<Item = uuid::Uuid>| {
        let mut v: Vec<uuid::Uuid> = v.collect();
        v.sort();
        v.dedup();
        v
    };
    let checks: [(&str, &str, &str, Vec<uuid::Uuid>); 3] = [
        (
            "assets",
            "assets",
            "assets of this organisation",
            uuids(&mut l.assets.iter().map(|a| *a.as_uuid())),
        ),
        (
            "services",
            "services",
            "services of this organisation",
            uuids(&mut l.services.iter().map(|a| *a.as_uuid())),
        ),
        (
            "exposures",
            "assets",
            "exposures of this organisation's assets",
            uuids(&mut l.exposures.iter().map(|x| *x.asset.as_uuid())),
        ),
    ];
    for (field, table, what, ids) in checks {
        if ids.is_empty() {
            continue;
        }
        let missing = count_in(db, table, "org_id = $1", org_arg(), ids).await?;
        if missing > 0 {
            return Err(refusals::not_the_orgs(field, what, missing));
        }
    }
    if !l.suppliers.is_empty() {
        let ids = uuids(&mut l.suppliers.iter().map(|s| *s.as_uuid()));
        let missing = count_in(
            db,
            "organisations",
            "kind = $1",
            Arg::Text(Some(OrgKind::Supplier.as_str().to_owned())),
            ids,
        )
        .await?;
        if missing > 0 {
            return Err(refusals::not_the_orgs(
                "suppliers",
                "supplier organisations",
                missing,
            ));
        }
    }
    Ok(())
}

async fn write_links<E: Exec + ?Sized>(db: &mut E, id: RiskId, l: &RiskLinks) -> StoreResult<()> {
    db.execute(Sql::new("DELETE FROM risk_links WHERE risk_id = $1").arg(id))
        .await?;
    let rows = l
        .assets
        .iter()
        .map(|a| (ASSET, a.to_string()))
        .chain(l.services.iter().map(|s| (SERVICE, s.to_string())))
        .chain(l.suppliers.iter().map(|s| (SUPPLIER, s.to_string())))
        .chain(l.exposures.iter().map(|x| (EXPOSURE, x.key())));
    for (kind, target) in rows {
        db.execute(
            Sql::new("INSERT INTO risk_links (risk_id, kind, target) VALUES ($1, $2, $3)")
                .arg(id)
                .arg(kind)
                .arg(target),
        )
        .await?;
    }
    Ok(())
}

/// The values of every column of `risk`, in [`COLUMNS`] order.
fn values(risk: &Risk) -> StoreResult<Vec<Arg>> {
    use super::IntoArg;
    let d = &risk.details;
    let (value, grade) = risk.current();
    Ok(vec![
        risk.id.into_arg(),
        risk.org.into_arg(),
        d.title.as_str().into_arg(),
        d.description.as_str().into_arg(),
        d.source.as_str().into_arg(),
        d.event.as_str().into_arg(),
        d.consequence.as_str().into_arg(),
        to_json("inherent_score", &d.inherent)?.into_arg(),
        to_json("current_score", &d.current)?.into_arg(),
        to_json("target_score", &d.target)?.into_arg(),
        value.into_arg(),
        <&str>::from(grade).into_arg(),
        d.owner.into_arg(),
        d.review_date.into_arg(),
        <&str>::from(d.treatment).into_arg(),
        d.treatment_plan.as_str().into_arg(),
        to_json("controls", &d.controls)?.into_arg(),
        risk.acceptance.as_ref().map(|a| a.approver).into_arg(),
        risk.acceptance.as_ref().map(|a| a.approved_at).into_arg(),
        risk.created_at.into_arg(),
        risk.updated_at.into_arg(),
    ])
}

/// Replace the stored row of `risk` (same id) with its values.
async fn write_row<E: Exec + ?Sized>(db: &mut E, risk: &Risk, insert: bool) -> StoreResult<()> {
    let vals = values(risk)?;
    let mut q = if insert {
        let marks: Vec<String> = (1..=vals.len()).map(|i| format!("${i}")).collect();
        Sql::new(format!(
            "INSERT INTO risks ({COLUMNS}) VALUES ({})",
            marks.join(", ")
        ))
    } else {
        let sets: Vec<String> = COLUMNS
            .split(", ")
            .enumerate()
            .skip(2)
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        Sql::new(format!("UPDATE risks SET {} WHERE id = $1", sets.join(", ")))
    };
    for v in vals {
        q = q.arg(v);
    }
    db.execute(q).await?;
    Ok(())
}

fn summary(risk: &Risk) -> String {
    let (score, grade) = risk.current();
    serde_json::json!({
        "title": risk.details.title, "score": score, "grade": grade,
        "treatment": risk.details.treatment, "owner": risk.details.owner,
        "review_date": risk.details.review_date.to_string(),
    })
    .to_string()
}

fn grade_count(r: &impl RowRead) -> StoreResult<GradeCount> {
    Ok(GradeCount {
        org: r.id("org_id")?,
        code: r.text("code")?,
        name: r.text("name")?,
        kind: r.parsed("kind")?,
        grade: r.parsed("grade")?,
        risks: r.u64("n")?,
    })
}

/// Record a new risk inside the caller's transaction (audited as `risk.create`): its organisation
/// must be in scope and its links the organisation's own. Shared by `create_risk` and the
/// exercise action that raises a risk from a lesson, so both apply one rule.
pub(super) async fn insert_risk<E: Exec + ?Sized>(
    tx: &mut E,
    keys: &crate::StoreKeys,
    scope: &Scope,
    risk: &Risk,
    meta: &AuditMeta,
) -> StoreResult<()> {
    let mut q = Sql::new("SELECT 1 AS n FROM organisations WHERE id = $1").arg(risk.org);
    tx.scope_filter(&mut q, scope, "id");
    if tx.fetch_optional(q).await?.is_none() {
        return Err(StoreError::not_found("organisation", risk.org.to_string()));
    }
    check_links(tx, risk.org, &risk.details.links).await?;
    write_row(tx, risk, true).await?;
    write_links(tx, risk.id, &risk.details.links).await?;
    let event = meta
        .change("risk.create", "risk", risk.id.to_string())
        .org(risk.org)
        .detail(summary(risk))
        .build();
    audit::append(tx, keys, event).await?;
    Ok(())
}

#[async_trait]
impl<B: SqlBackend> RiskStore for B {
    async fn risk_vocabulary(&self) -> StoreResult<Vec<VocabularyEntry>> {
        let mut db = self.read().await?;
        let rows = db
            .fetch_all(Sql::new(
                "SELECT kind, code, label FROM risk_vocabulary ORDER BY kind, added_at, code",
            ))
            .await?;
        rows.iter()
            .map(|r| {
                Ok(VocabularyEntry {
                    kind: r.parsed("kind")?,
                    code: r.text("code")?,
                    label: r.text("label")?,
                    built_in: false,
                })
            })
            .collect()
    }

    async fn add_risk_vocabulary(&self, e: &VocabularyEntry, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        let kind: &str = e.kind.into();
        let taken = Sql::new("SELECT 1 AS n FROM risk_vocabulary WHERE kind = $1 AND code = $2")
            .arg(kind)
            .arg(e.code.as_str());
        if tx.fetch_optional(taken).await?.is_some() {
            return Err(refusals::vocabulary_taken(kind, &e.code));
        }
        tx.execute(
            Sql::new("INSERT INTO risk_vocabulary (kind, code, label, added_at) VALUES ($1, $2, $3, $4)")
                .arg(kind)
                .arg(e.code.as_str())
                .arg(e.label.as_str())
                .arg(meta.at),
        )
        .await?;
        let event = meta
            .change(
                "risk_vocabulary.add",
                "risk_vocabulary",
                format!("{kind}:{}", e.code),
            )
            .detail(serde_json::json!({ "label": e.label }).to_string())
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await
    }

    async fn create_risk(&self, scope: &Scope, risk: &Risk, meta: &AuditMeta) -> StoreResult<()> {
        let mut tx = self.write().await?;
        insert_risk(&mut tx, self.keys(), scope, risk, meta).await?;
        tx.commit().await
    }

    async fn update_risk(
        &self,
        scope: &Scope,
        id: RiskId,
        details: &RiskDetails,
        meta: &AuditMeta,
    ) -> StoreResult<Risk> {
        let mut tx = self.write().await?;
        let before = risk_in_scope(&mut tx, scope, id).await?;
        check_links(&mut tx, before.org, &details.links).await?;
        let after = Risk {
            acceptance: before.acceptance_after(details),
            details: details.clone(),
            updated_at: meta.at,
            ..before.clone()
        };
        write_row(&mut tx, &after, false).await?;
        write_links(&mut tx, id, &details.links).await?;
        let event = meta
            .change("risk.update", "risk", id.to_string())
            .org(after.org)
            .detail(summary(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn approve_risk(
        &self,
        scope: &Scope,
        id: RiskId,
        approver: UserId,
        meta: &AuditMeta,
    ) -> StoreResult<Risk> {
        let mut tx = self.write().await?;
        let before = risk_in_scope(&mut tx, scope, id).await?;
        before
            .check_approver(approver)
            .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let after = Risk {
            acceptance: Some(Acceptance {
                approver,
                approved_at: meta.at,
            }),
            updated_at: meta.at,
            ..before
        };
        write_row(&mut tx, &after, false).await?;
        let event = meta
            .change("risk.approve", "risk", id.to_string())
            .org(after.org)
            .detail(summary(&after))
            .build();
        audit::append(&mut tx, self.keys(), event).await?;
        tx.commit().await?;
        Ok(after)
    }

    async fn get_risk(&self, scope: &Scope, id: RiskId) -> StoreResult<Risk> {
        let mut db = self.read().await?;
        risk_in_scope(&mut db, scope, id).await
    }

    async fn list_risks(&self, scope: &Scope, f: &RiskFilter) -> StoreResult<Vec<Risk>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM risks WHERE 1 = 1"));
        db.scope_filter(&mut q, scope, "org_id");
        if let Some(org) = f.org {
            db.scope_filter(&mut q, &Scope::subtree(org), "org_id");
        }
        if let Some(g) = f.grade {
            q.push(" AND current_grade = ").bind(<&str>::from(g));
        }
        if let Some(t) = f.treatment {
            q.push(" AND treatment = ").bind(<&str>::from(t));
        }
        if let Some(d) = f.review_before {
            q.push(" AND review_date < ").bind(d);
        }
        if let Some(o) = f.owner {
            q.push(" AND owner_id = ").bind(o);
        }
        q.push(" ORDER BY current_value DESC, created_at DESC, id");
        let rows = db.fetch_all(q).await?;
        let ids: Vec<RiskId> = rows.iter().map(|r| r.id("id")).collect::<StoreResult<_>>()?;
        let mut links = links_of(&mut db, &ids).await?;
        rows.iter()
            .zip(&ids)
            .map(|(r, id)| risk_row(r, links.remove(id).unwrap_or_default()))
            .collect()
    }

    async fn risk_grade_counts(&self, scope: &Scope) -> StoreResult<(Vec<GradeCount>, Vec<GradeCount>)> {
        let mut db = self.read().await?;
        let mut own = Sql::new(
            "SELECT o.id AS org_id, o.code, o.name, o.kind, r.current_grade AS grade, COUNT(*) AS n \
             FROM risks r JOIN organisations o ON o.id = r.org_id WHERE 1 = 1",
        );
        db.scope_filter(&mut own, scope, "r.org_id");
        own.push(" GROUP BY o.id, o.code, o.name, o.kind, r.current_grade ORDER BY o.code, r.current_grade");
        let own = db
            .fetch_all(own)
            .await?
            .iter()
            .map(grade_count)
            .collect::<StoreResult<_>>()?;

        let mut up = Sql::new(
            "SELECT a.id AS org_id, a.code, a.name, a.kind, r.current_grade AS grade, COUNT(*) AS n \
             FROM risks r JOIN organisations o ON o.id = r.org_id \
             JOIN organisations a ON o.path >= a.path AND o.path < a.path || '~' AND a.path <> '' \
             WHERE ",
        );
        let kinds = [OrgKind::Icb, OrgKind::Region, OrgKind::NationalBody]
            .map(|k| k.as_str().to_owned())
            .to_vec();
        up.in_list(db.dialect(), "a.kind", Arg::Texts(kinds));
        db.scope_filter(&mut up, scope, "r.org_id");
        db.scope_filter(&mut up, scope, "a.id");
        up.push(" GROUP BY a.id, a.code, a.name, a.kind, r.current_grade ORDER BY a.code, r.current_grade");
        let up = db
            .fetch_all(up)
            .await?
            .iter()
            .map(grade_count)
            .collect::<StoreResult<_>>()?;
        Ok((own, up))
    }

    async fn people_names(&self, ids: &[UserId]) -> StoreResult<std::collections::HashMap<UserId, String>> {
        let mut out = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT id, display_name FROM users WHERE ");
        q.in_list(
            db.dialect(),
            "id",
            Arg::Uuids(ids.iter().map(|i| *i.as_uuid()).collect()),
        );
        for r in db.fetch_all(q).await? {
            out.insert(r.id("id")?, r.text("display_name")?);
        }
        Ok(out)
    }

    async fn org_labels(
        &self,
        scope: &Scope,
        ids: &[OrgId],
    ) -> StoreResult<std::collections::HashMap<OrgId, (String, String)>> {
        let mut out = std::collections::HashMap::new();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut db = self.read().await?;
        let mut q = Sql::new("SELECT id, code, name FROM organisations WHERE ");
        q.in_list(
            db.dialect(),
            "id",
            Arg::Uuids(ids.iter().map(|i| *i.as_uuid()).collect()),
        );
        db.scope_filter(&mut q, scope, "id");
        for r in db.fetch_all(q).await? {
            out.insert(r.id("id")?, (r.text("code")?, r.text("name")?));
        }
        Ok(out)
    }
}
