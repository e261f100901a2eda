//! First sightings of exposures: recorded once per (organisation, vulnerability), a later sighting
//! changes nothing, read only inside the scope; one audit record per batch that recorded any.

use super::fixtures::{AuditCursor, Fixture, at};
use crate::check_eq;
use std::sync::Arc;
use ward_store::{Scope, Store};

/// The first-sighting round trip on one backend.
pub async fn first_seen_round_trip(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "FS");
    let [_national, _region, icb, a, b] = fx.small_tree().await?;
    let meta = |secs: i64| fx.meta(secs);
    let mut cursor = AuditCursor::at_end(&store).await?;
    let first = vec![
        (a.id, "CVE-2021-44228".to_owned()),
        (b.id, "CVE-2021-44228".to_owned()),
        (a.id, "GHSA-xxxx-yyyy-zzzz".to_owned()),
    ];
    check_eq!(store.record_first_seen(&first, &meta(100)).await?, 3, "all new");
    cursor
        .expect(
            &store,
            "one record for the batch",
            &[("exposure.first_seen", None)],
        )
        .await?;

    // Seen again later, with one new pair: only the new one is recorded, the others keep 100.
    let again = vec![
        (a.id, "CVE-2021-44228".to_owned()),
        (b.id, "CVE-2024-0001".to_owned()),
    ];
    check_eq!(store.record_first_seen(&again, &meta(500)).await?, 1, "one new");
    check_eq!(store.record_first_seen(&again, &meta(900)).await?, 0, "none new");
    cursor
        .expect(&store, "nothing new, no record", &[("exposure.first_seen", None)])
        .await?;

    let wanted = vec![
        (a.id, "CVE-2021-44228".to_owned()),
        (b.id, "CVE-2021-44228".to_owned()),
        (b.id, "CVE-2024-0001".to_owned()),
        (a.id, "CVE-2024-0001".to_owned()),
    ];
    let mut all = store.first_seen(&Scope::All, &wanted).await?;
    all.sort();
    let mut expected = vec![
        ((a.id, "CVE-2021-44228".to_owned()), at(100)),
        ((b.id, "CVE-2021-44228".to_owned()), at(100)),
        ((b.id, "CVE-2024-0001".to_owned()), at(500)),
    ];
    expected.sort();
    check_eq!(
        all,
        expected,
        "the first sightings, and nothing for a pair never seen"
    );
    let in_a = store.first_seen(&Scope::subtree(a.id), &wanted).await?;
    check_eq!(
        in_a,
        vec![((a.id, "CVE-2021-44228".to_owned()), at(100))],
        "a trust's scope reads its own"
    );
    let in_icb = store.first_seen(&Scope::subtree(icb.id), &wanted).await?;
    check_eq!(in_icb.len(), 3, "the ICB's subtree reads both trusts'");
    check_eq!(store.first_seen(&Scope::All, &[]).await?, vec![], "nothing asked");
    Ok(())
}
