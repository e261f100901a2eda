//! First sightings of exposures, once for both backends.

use std::collections::BTreeSet;

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::OrgId;

use super::bulk::{Column, Rows};
use super::{Arg, Exec, RowRead, Sql, SqlBackend, Tx, audit};
use crate::first_seen::{ExposureKey, FirstSeenStore};
use crate::{AuditMeta, Scope, StoreResult};

/// Pairs per read statement.
const READ_CHUNK: usize = 500;

#[async_trait]
impl<B: SqlBackend> FirstSeenStore for B {
    async fn record_first_seen(&self, pairs: &[ExposureKey], meta: &AuditMeta) -> StoreResult<u64> {
        if pairs.is_empty() {
            return Ok(0);
        }
        let mut tx = self.write().await?;
        let rows = Rows::new("exposure_first_seen")
            .column(
                "org_id",
                Column::uuid(pairs.iter().map(|(o, _)| Some(*o.as_uuid()))),
            )
            .column(
                "vulnerability",
                Column::text(pairs.iter().map(|(_, v)| Some(v.clone()))),
            )
            .column(
                "first_seen_at",
                Column::i64(pairs.iter().map(|_| Some(meta.at.as_microsecond()))),
            )
            .on_conflict("ON CONFLICT (org_id, vulnerability) DO NOTHING");
        let recorded = tx.insert_rows(rows).await?;
        if recorded > 0 {
            let detail = serde_json::json!({ "recorded": recorded });
            let event = meta
                .change("exposure.first_seen", "exposure", "sector")
                .detail(detail.to_string())
                .build();
            audit::append(&mut tx, self.keys(), event).await?;
        }
        tx.commit().await?;
        Ok(recorded)
    }

    async fn first_seen(
        &self,
        scope: &Scope,
        pairs: &[ExposureKey],
    ) -> StoreResult<Vec<(ExposureKey, Timestamp)>> {
        let wanted: BTreeSet<&ExposureKey> = pairs.iter().collect();
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let mut out = Vec::new();
        let list: Vec<&ExposureKey> = wanted.iter().copied().collect();
        for chunk in list.chunks(READ_CHUNK) {
            let orgs: BTreeSet<OrgId> = chunk.iter().map(|(o, _)| *o).collect();
            let names: BTreeSet<&str> = chunk.iter().map(|(_, v)| v.as_str()).collect();
            let mut q =
                Sql::new("SELECT org_id, vulnerability, first_seen_at FROM exposure_first_seen WHERE ");
            q.in_list(
                dialect,
                "org_id",
                Arg::Uuids(orgs.iter().map(|o| *o.as_uuid()).collect()),
            );
            q.push(" AND ");
            q.in_list(
                dialect,
                "vulnerability",
                Arg::Texts(names.iter().map(|s| (*s).to_owned()).collect()),
            );
            db.scope_filter(&mut q, scope, "org_id");
            for r in db.fetch_all(q).await? {
                let key: ExposureKey = (r.id("org_id")?, r.text("vulnerability")?);
                if wanted.contains(&key) {
                    out.push((key, r.ts("first_seen_at")?));
                }
            }
        }
        out.sort();
        Ok(out)
    }
}
