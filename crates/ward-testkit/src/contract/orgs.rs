//! Organisations: upsert by code, reads, filters, pagination, closing, the hierarchy and its links.

use super::fixtures::{AuditCursor, Fixture, new_id};
use crate::{check_eq, check_err};
use jiff::civil::date;
use std::sync::Arc;
use ward_core::OrgId;
use ward_core::audit::digest_json;
use ward_core::org::{OrgKind, OrgLink, Organisation};
use ward_core::text::ByText;
use ward_store::{OrgFilter, PageRequest, Scope, Store, StoreError, UpsertCounts};

fn sorted_by_name(orgs: &[&Organisation]) -> Vec<Organisation> {
    let mut v: Vec<Organisation> = orgs.iter().map(|o| (*o).clone()).collect();
    v.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
    v
}

/// Upsert, read back, re-upsert unchanged, rename by code, filter, page, close.
pub async fn orgs_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "OR");
    let mut cursor = AuditCursor::at_end(&store).await?;
    let n = fx.org("N", "Contract national", OrgKind::NationalBody, None)?;
    let r = fx.org("R", "North east and Yorkshire", OrgKind::Region, Some(n.id))?;
    let i1 = fx.org("I1", "West Yorkshire ICB", OrgKind::Icb, Some(r.id))?;
    let i2 = fx.org("I2", "Humber ICB", OrgKind::Icb, Some(r.id))?;
    let t1 = fx.org("T1", "Leeds Teaching Hospitals", OrgKind::NhsTrust, Some(i1.id))?;
    let t2 = fx.org("T2", "Airedale Foundation Trust", OrgKind::NhsTrust, Some(i1.id))?;
    let mut p1 = fx.org("P1", "Beech 100%_x Practice", OrgKind::GpPractice, Some(i1.id))?;
    p1.postcode = None;
    p1.opened = None;
    let t3 = fx.org("T3", "Hull University Teaching", OrgKind::NhsTrust, Some(i2.id))?;
    let all = vec![
        n.clone(),
        r.clone(),
        i1.clone(),
        i2.clone(),
        t1.clone(),
        t2.clone(),
        p1.clone(),
        t3.clone(),
    ];

    let counts = store.upsert_orgs(&all, date(2025, 1, 1), &fx.meta(1)).await?;
    check_eq!(
        counts,
        UpsertCounts {
            inserted: 8,
            updated: 0,
            unchanged: 0
        },
        "first upsert counts"
    );
    let expected: Vec<(&str, Option<OrgId>)> = all.iter().map(|o| ("org.create", Some(o.id))).collect();
    let records = cursor.expect(&store, "first upsert", &expected).await?;
    for (rec, org) in records.iter().zip(&all) {
        check_eq!(rec.event.entity, "organisation", "entity of org.create");
        check_eq!(rec.event.entity_id, org.id.to_string(), "entity_id of org.create");
        check_eq!(
            rec.event.after,
            Some(digest_json(org)),
            "after digest of org.create"
        );
        check_eq!(rec.event.before, None, "before digest of org.create");
    }

    for o in &all {
        check_eq!(store.get_org(&Scope::All, o.id).await?, *o, "get_org {}", o.code);
        check_eq!(
            store.get_org_by_code(&Scope::All, &o.code).await?,
            *o,
            "get_org_by_code {}",
            o.code
        );
    }

    let counts = store.upsert_orgs(&all, date(2025, 2, 1), &fx.meta(2)).await?;
    check_eq!(
        counts,
        UpsertCounts {
            inserted: 0,
            updated: 0,
            unchanged: 8
        },
        "unchanged upsert counts"
    );
    cursor.expect(&store, "unchanged upsert", &[]).await?;

    // The same code under a fresh id updates the stored organisation and keeps its id.
    let mut renamed = t3.clone();
    renamed.id = new_id(OrgId::new_at);
    renamed.name = "Hull University Teaching Hospitals".into();
    let counts = store
        .upsert_orgs(std::slice::from_ref(&renamed), date(2025, 2, 1), &fx.meta(3))
        .await?;
    check_eq!(
        counts,
        UpsertCounts {
            inserted: 0,
            updated: 1,
            unchanged: 0
        },
        "rename counts"
    );
    let t3 = Organisation {
        name: renamed.name.clone(),
        ..t3
    };
    check_eq!(
        store.get_org_by_code(&Scope::All, &t3.code).await?,
        t3,
        "renamed organisation keeps its id"
    );
    let recs = cursor
        .expect(&store, "rename", &[("org.update", Some(t3.id))])
        .await?;
    let all_before: Vec<&Organisation> = all.iter().filter(|o| o.code == t3.code).collect();
    check_eq!(
        recs[0].event.before,
        all_before.first().map(|o| digest_json(*o)),
        "before digest of org.update"
    );
    check_eq!(
        recs[0].event.after,
        Some(digest_json(&t3)),
        "after digest of org.update"
    );
    check_err!(
        store.get_org(&Scope::All, renamed.id).await,
        StoreError::NotFound { .. },
        "the unused id"
    );

    // Listing, ordered by name then code, inside the national subtree.
    let scope = Scope::subtree(n.id);
    let everyone = sorted_by_name(&[&n, &r, &i1, &i2, &t1, &t2, &p1, &t3]);
    let page = store
        .list_orgs(
            &scope,
            &OrgFilter::default(),
            PageRequest {
                offset: 0,
                limit: 100,
            },
        )
        .await?;
    check_eq!(page.items, everyone, "list_orgs order");
    check_eq!(page.total, 8, "list_orgs total");
    let mut paged = Vec::new();
    for offset in [0, 3, 6] {
        let p = store
            .list_orgs(&scope, &OrgFilter::default(), PageRequest { offset, limit: 3 })
            .await?;
        check_eq!(p.total, 8, "total on page at {offset}");
        check_eq!(p.offset, offset, "offset echoed");
        paged.extend(p.items);
    }
    check_eq!(paged, everyone, "pages joined");
    let past = store
        .list_orgs(
            &scope,
            &OrgFilter::default(),
            PageRequest { offset: 20, limit: 5 },
        )
        .await?;
    check_eq!((past.items.len(), past.total), (0, 8), "page past the end");

    let list = |filter: OrgFilter| {
        let store = store.clone();
        let scope = scope.clone();
        async move {
            let p = store
                .list_orgs(
                    &scope,
                    &filter,
                    PageRequest {
                        offset: 0,
                        limit: 100,
                    },
                )
                .await?;
            anyhow::Ok(
                p.items
                    .into_iter()
                    .map(|o| o.code.to_string())
                    .collect::<Vec<_>>(),
            )
        }
    };
    let codes = |orgs: &[&Organisation]| {
        sorted_by_name(orgs)
            .into_iter()
            .map(|o| o.code.to_string())
            .collect::<Vec<_>>()
    };
    check_eq!(
        list(OrgFilter {
            kind: Some(OrgKind::NhsTrust),
            ..Default::default()
        })
        .await?,
        codes(&[&t1, &t2, &t3]),
        "kind filter"
    );
    check_eq!(
        list(OrgFilter {
            parent: Some(i1.id),
            ..Default::default()
        })
        .await?,
        codes(&[&t1, &t2, &p1]),
        "parent filter"
    );
    check_eq!(
        list(OrgFilter {
            text: Some("lEEDS".into()),
            ..Default::default()
        })
        .await?,
        codes(&[&t1]),
        "text is case-insensitive"
    );
    check_eq!(
        list(OrgFilter {
            text: Some(t2.code.to_string().to_lowercase()),
            ..Default::default()
        })
        .await?,
        codes(&[&t2]),
        "text matches codes"
    );
    check_eq!(
        list(OrgFilter {
            text: Some("%".into()),
            ..Default::default()
        })
        .await?,
        codes(&[&p1]),
        "% is literal"
    );
    check_eq!(
        list(OrgFilter {
            text: Some("_".into()),
            ..Default::default()
        })
        .await?,
        codes(&[&p1]),
        "_ is literal"
    );
    check_eq!(
        list(OrgFilter {
            text: Some("100%_x".into()),
            ..Default::default()
        })
        .await?,
        codes(&[&p1]),
        "wildcards in text"
    );

    // Closing keeps the organisation with its date; lists hide it unless asked.
    let closed = Organisation {
        closed: Some(date(2025, 3, 31)),
        ..t2.clone()
    };
    let counts = store
        .upsert_orgs(std::slice::from_ref(&closed), date(2025, 3, 31), &fx.meta(4))
        .await?;
    check_eq!(counts.updated, 1, "closing counts as an update");
    cursor
        .expect(&store, "close", &[("org.update", Some(t2.id))])
        .await?;
    check_eq!(
        store.get_org(&Scope::All, t2.id).await?,
        closed,
        "closed organisation kept"
    );
    let open = list(OrgFilter::default()).await?;
    check_eq!(open.len(), 7, "closed organisation hidden by default");
    if open.contains(&t2.code.to_string()) {
        anyhow::bail!("closed organisation listed without include_closed");
    }
    let with_closed = list(OrgFilter {
        include_closed: true,
        ..Default::default()
    })
    .await?;
    check_eq!(with_closed.len(), 8, "include_closed lists it");

    // Exact-organisation scope reads only what it names.
    let only_t1 = Scope::Orgs(vec![t1.id]);
    check_eq!(
        store.get_org(&only_t1, t1.id).await?,
        t1,
        "get inside exact scope"
    );
    check_err!(
        store.get_org(&only_t1, t2.id).await,
        StoreError::NotFound { .. },
        "get outside exact scope"
    );
    check_err!(
        store.get_org(&only_t1, i1.id).await,
        StoreError::NotFound { .. },
        "parent outside exact scope"
    );
    check_err!(
        store.get_org_by_code(&only_t1, &t2.code).await,
        StoreError::NotFound { .. },
        "code outside scope"
    );
    let p = store
        .list_orgs(&only_t1, &OrgFilter::default(), PageRequest::default())
        .await?;
    check_eq!(
        (p.items, p.total),
        (vec![t1.clone()], 1),
        "list inside exact scope"
    );
    let none = Scope::Subtrees(vec![]);
    let p = store
        .list_orgs(&none, &OrgFilter::default(), PageRequest::default())
        .await?;
    check_eq!((p.items.len(), p.total), (0, 0), "an empty scope sees nothing");
    Ok(())
}

/// Ancestors, children, dated links when a parent changes, cycles and missing parents refused.
pub async fn org_hierarchy_and_links(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "HL");
    let n = fx.org("N", "Hierarchy national", OrgKind::NationalBody, None)?;
    let r = fx.org("R", "Hierarchy region", OrgKind::Region, Some(n.id))?;
    let i1 = fx.org("I1", "Alpha ICB", OrgKind::Icb, Some(r.id))?;
    let i2 = fx.org("I2", "Beta ICB", OrgKind::Icb, Some(r.id))?;
    let t = fx.org("T", "Moving trust", OrgKind::NhsTrust, Some(i1.id))?;
    store
        .upsert_orgs(
            &[n.clone(), r.clone(), i1.clone(), i2.clone(), t.clone()],
            date(2025, 1, 1),
            &fx.meta(10),
        )
        .await?;
    let mut cursor = AuditCursor::at_end(&store).await?;

    check_eq!(
        store.org_ancestors(t.id).await?,
        vec![i1.id, r.id, n.id],
        "ancestors nearest first"
    );
    check_eq!(
        store.org_ancestors(n.id).await?,
        Vec::<OrgId>::new(),
        "a root has no ancestors"
    );
    check_err!(
        store.org_ancestors(new_id(OrgId::new_at)).await,
        StoreError::NotFound { .. },
        "unknown ancestors"
    );
    let link = |parent: OrgId, from, to| OrgLink {
        child: t.id,
        parent,
        valid_from: from,
        valid_to: to,
    };
    check_eq!(
        store.org_links(&Scope::All, t.id).await?,
        vec![link(i1.id, date(2025, 1, 1), None)],
        "first link"
    );
    check_eq!(
        store.org_children(&Scope::All, r.id).await?,
        vec![i1.clone(), i2.clone()],
        "children by name"
    );
    check_eq!(
        store.org_children(&Scope::All, t.id).await?,
        Vec::<Organisation>::new(),
        "a leaf has no children"
    );

    // Move the trust on 1 June: the old link closes that day, the new one opens.
    let moved = Organisation {
        parent: Some(i2.id),
        ..t.clone()
    };
    let counts = store
        .upsert_orgs(std::slice::from_ref(&moved), date(2025, 6, 1), &fx.meta(11))
        .await?;
    check_eq!(
        counts,
        UpsertCounts {
            inserted: 0,
            updated: 1,
            unchanged: 0
        },
        "move counts"
    );
    cursor
        .expect(&store, "move", &[("org.update", Some(t.id))])
        .await?;
    check_eq!(
        store.org_links(&Scope::All, t.id).await?,
        vec![
            link(i1.id, date(2025, 1, 1), Some(date(2025, 6, 1))),
            link(i2.id, date(2025, 6, 1), None)
        ],
        "links after the move"
    );
    check_eq!(
        store.org_ancestors(t.id).await?,
        vec![i2.id, r.id, n.id],
        "ancestors after the move"
    );
    check_eq!(
        store.org_children(&Scope::All, i1.id).await?,
        Vec::<Organisation>::new(),
        "old parent's children"
    );
    check_eq!(
        store.org_children(&Scope::All, i2.id).await?,
        vec![moved.clone()],
        "new parent's children"
    );
    check_eq!(
        store.get_org(&Scope::subtree(i2.id), t.id).await?,
        moved,
        "the subtree follows the move"
    );
    check_err!(
        store.get_org(&Scope::subtree(i1.id), t.id).await,
        StoreError::NotFound { .. },
        "old subtree"
    );

    // Refused changes store nothing and audit nothing.
    let cycle = Organisation {
        parent: Some(t.id),
        ..r.clone()
    };
    check_err!(
        store
            .upsert_orgs(std::slice::from_ref(&cycle), date(2025, 7, 1), &fx.meta(12))
            .await,
        StoreError::Invalid(_),
        "a parent beneath the organisation"
    );
    let own = Organisation {
        parent: Some(r.id),
        ..r.clone()
    };
    check_err!(
        store
            .upsert_orgs(std::slice::from_ref(&own), date(2025, 7, 1), &fx.meta(12))
            .await,
        StoreError::Invalid(_),
        "its own parent"
    );
    let orphan = fx.org(
        "X",
        "Orphan trust",
        OrgKind::NhsTrust,
        Some(new_id(OrgId::new_at)),
    )?;
    let fine = fx.org("Y", "Fine trust", OrgKind::NhsTrust, Some(i1.id))?;
    check_err!(
        store
            .upsert_orgs(&[fine.clone(), orphan.clone()], date(2025, 7, 1), &fx.meta(12))
            .await,
        StoreError::Invalid(_),
        "a missing parent"
    );
    check_err!(
        store.get_org(&Scope::All, fine.id).await,
        StoreError::NotFound { .. },
        "batch rolled back"
    );
    check_eq!(
        store.get_org(&Scope::All, r.id).await?,
        r,
        "region unchanged after refused cycle"
    );
    cursor.expect(&store, "refused upserts", &[]).await?;

    // Parents earlier in the same batch, including one named by a replaced id.
    let i3 = fx.org("I3", "Gamma ICB", OrgKind::Icb, Some(r.id))?;
    let t9 = fx.org("T9", "Gamma trust", OrgKind::NhsTrust, Some(i3.id))?;
    store
        .upsert_orgs(&[i3.clone(), t9.clone()], date(2025, 7, 1), &fx.meta(13))
        .await?;
    let mut i3_again = i3.clone();
    i3_again.id = new_id(OrgId::new_at);
    let t10 = fx.org("T10", "Gamma second trust", OrgKind::NhsTrust, Some(i3_again.id))?;
    let counts = store
        .upsert_orgs(&[i3_again, t10.clone()], date(2025, 7, 1), &fx.meta(14))
        .await?;
    check_eq!(
        counts,
        UpsertCounts {
            inserted: 1,
            updated: 0,
            unchanged: 1
        },
        "batch with a replaced id"
    );
    check_eq!(
        store.get_org(&Scope::All, t10.id).await?.parent,
        Some(i3.id),
        "parent id mapped to the stored one"
    );
    cursor
        .expect(
            &store,
            "batches with parents",
            &[
                ("org.create", Some(i3.id)),
                ("org.create", Some(t9.id)),
                ("org.create", Some(t10.id)),
            ],
        )
        .await?;

    // Scoped reads of the hierarchy.
    let only_i1 = Scope::Orgs(vec![i1.id]);
    check_err!(
        store.org_links(&only_i1, t.id).await,
        StoreError::NotFound { .. },
        "links outside scope"
    );
    check_err!(
        store.org_children(&only_i1, i2.id).await,
        StoreError::NotFound { .. },
        "children outside scope"
    );
    check_err!(
        store.org_overview(&only_i1, i2.id).await,
        StoreError::NotFound { .. },
        "overview outside scope"
    );
    check_eq!(
        store.org_children(&Scope::Orgs(vec![i2.id]), i2.id).await?,
        Vec::<Organisation>::new(),
        "exact scope hides children"
    );
    let regional = Scope::subtree(r.id);
    check_eq!(
        store.org_children(&regional, r.id).await?.len(),
        3,
        "children of the region in its subtree"
    );

    // The overview counts open organisations beneath, by kind.
    let overview = store.org_overview(&Scope::All, r.id).await?;
    let kinds: Vec<(ByText<OrgKind>, u64)> = overview.orgs_by_kind.into_iter().collect();
    check_eq!(
        kinds,
        vec![(ByText(OrgKind::Icb), 3), (ByText(OrgKind::NhsTrust), 3)],
        "overview organisations by kind"
    );
    Ok(())
}
