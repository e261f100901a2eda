//! Frameworks: stored whole, read back equal, the same content again changes nothing (and is not
//! audited), changed content replaces the version with a `framework.replace` record.

use super::fixtures::{AuditCursor, Fixture, next_number};
use crate::check_eq;
use std::sync::Arc;
use ward_core::assurance::{Framework, FrameworkFormat, Indicator, Level, Objective, Outcome, Principle};
use ward_store::Store;
use ward_store::assurance::FrameworkPut;

fn framework(id: &str, version: &str, statements: usize) -> Framework {
    let indicators = (1..=statements)
        .map(|k| Indicator {
            id: format!("A1.a.A.{k}"),
            level: Level::Achieved,
            text: format!("Statement {k}, with \"quotes\" and é"),
        })
        .chain(std::iter::once(Indicator {
            id: "A1.a.NA.1".into(),
            level: Level::NotAchieved,
            text: "Nobody owns it.".into(),
        }))
        .collect();
    Framework {
        id: id.into(),
        version: version.into(),
        name: format!("Contract framework {id}"),
        format: FrameworkFormat::Webcaf,
        objectives: vec![Objective {
            code: "A".into(),
            title: "Managing risk".into(),
            description: String::new(),
            principles: vec![Principle {
                code: "A1".into(),
                title: "Governance".into(),
                description: "d".into(),
                outcomes: vec![Outcome {
                    code: "A1.a".into(),
                    title: "Board direction".into(),
                    description: String::new(),
                    indicators,
                    profiles: [("baseline".to_owned(), Level::PartiallyAchieved)].into(),
                }],
            }],
        }],
    }
}

/// Put, put again, replace, list and get.
pub async fn frameworks_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "FW");
    let id = format!("contract-{}", next_number());
    let mut cursor = AuditCursor::at_end(&store).await?;

    let v1 = framework(&id, "1.0", 2);
    check_eq!(
        store.put_framework(&v1, &fx.meta(1)).await?,
        FrameworkPut::Created,
        "first put"
    );
    let records = cursor
        .expect(&store, "first put", &[("framework.import", None)])
        .await?;
    check_eq!(records[0].event.entity_id, format!("{id}@1.0"), "audited entity");

    check_eq!(
        store.put_framework(&v1, &fx.meta(2)).await?,
        FrameworkPut::Unchanged,
        "same content"
    );
    cursor.expect(&store, "same content", &[]).await?;

    let v2 = framework(&id, "2.0", 3);
    check_eq!(
        store.put_framework(&v2, &fx.meta(3)).await?,
        FrameworkPut::Created,
        "another version"
    );
    let changed = framework(&id, "1.0", 4);
    check_eq!(
        store.put_framework(&changed, &fx.meta(4)).await?,
        FrameworkPut::Replaced,
        "changed content"
    );
    cursor
        .expect(
            &store,
            "new version, then replaced",
            &[("framework.import", None), ("framework.replace", None)],
        )
        .await?;

    check_eq!(
        store.get_framework(&id, "1.0").await?,
        Some(changed.clone()),
        "read back whole"
    );
    check_eq!(store.get_framework(&id, "2.0").await?, Some(v2), "other version");
    check_eq!(store.get_framework(&id, "9.9").await?, None, "no such version");

    let mine: Vec<_> = store
        .list_frameworks()
        .await?
        .into_iter()
        .filter(|s| s.id == id)
        .collect();
    check_eq!(
        mine.iter()
            .map(|s| (s.version.as_str(), s.outcomes, s.indicators))
            .collect::<Vec<_>>(),
        vec![("1.0", 1, 5), ("2.0", 1, 4)],
        "listed by version with counts"
    );
    check_eq!(mine[0].format, FrameworkFormat::Webcaf, "format");
    check_eq!(
        mine[0].imported_at,
        super::fixtures::at(4),
        "import time is the last change"
    );
    Ok(())
}
