//! What the response figures read, once for both backends: one row per record in scope (with its
//! first applicability and its escalation steps counted by the database), and the areas (ICB,
//! region, national body) above each organisation by the materialised path.

use async_trait::async_trait;
use ward_core::OrgId;
use ward_core::alert::Clocks;
use ward_core::alert::figures::RecordFacts;
use ward_core::org::OrgKind;

use super::{Arg, Exec, RowRead, Sql, SqlBackend};
use crate::alerts::AlertFigureStore;
use crate::{Scope, StoreResult};

#[async_trait]
impl<B: SqlBackend> AlertFigureStore for B {
    async fn response_facts(&self, scope: &Scope) -> StoreResult<Vec<(OrgId, RecordFacts)>> {
        let mut db = self.read().await?;
        let mut q = Sql::new(
            "SELECT r.org_id, r.targeted_at, r.acknowledge_by, r.first_update_by, r.remediate_by, \
             r.acknowledged_at, r.first_update_at, r.closed_at, \
             (SELECT MIN(e.at) FROM alert_events e WHERE e.alert_id = r.alert_id AND e.org_id = r.org_id \
              AND e.kind = 'applicability') AS applicability_at, \
             (SELECT COUNT(*) FROM alert_escalations s WHERE s.alert_id = r.alert_id AND s.org_id = r.org_id) \
              AS escalations \
             FROM alert_recipients r WHERE 1 = 1",
        );
        db.scope_filter(&mut q, scope, "r.org_id");
        q.push(" ORDER BY r.org_id, r.alert_id");
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.id("org_id")?,
                    RecordFacts {
                        targeted_at: r.ts("targeted_at")?,
                        clocks: Clocks {
                            acknowledge_by: r.ts("acknowledge_by")?,
                            first_update_by: r.ts("first_update_by")?,
                            remediate_by: r.ts("remediate_by")?,
                        },
                        acknowledged_at: r.opt_ts("acknowledged_at")?,
                        applicability_at: r.opt_ts("applicability_at")?,
                        first_update_at: r.opt_ts("first_update_at")?,
                        closed_at: r.opt_ts("closed_at")?,
                        escalations: r.u64("escalations")?,
                    },
                ))
            })
            .collect()
    }

    async fn figure_areas(&self, scope: &Scope, orgs: &[OrgId]) -> StoreResult<Vec<(OrgId, OrgId, OrgKind)>> {
        if orgs.is_empty() {
            return Ok(Vec::new());
        }
        let mut db = self.read().await?;
        let dialect = db.dialect();
        let kinds = Arg::Texts(
            [OrgKind::Icb, OrgKind::Region, OrgKind::NationalBody]
                .iter()
                .map(|k| k.as_str().to_owned())
                .collect(),
        );
        let mut q = Sql::new(
            "SELECT o.id AS org_id, a.id AS area_id, a.kind AS kind FROM organisations o \
             JOIN organisations a ON o.path >= a.path AND o.path < a.path || '~' AND a.path <> '' WHERE ",
        );
        q.in_list(dialect, "a.kind", kinds);
        q.push(" AND ");
        q.in_list(
            dialect,
            "o.id",
            Arg::Uuids(orgs.iter().map(|o| *o.as_uuid()).collect()),
        );
        db.scope_filter(&mut q, scope, "a.id");
        q.push(" ORDER BY o.id, a.path");
        db.fetch_all(q)
            .await?
            .iter()
            .map(|r| Ok((r.id("org_id")?, r.id("area_id")?, r.parsed("kind")?)))
            .collect()
    }
}
