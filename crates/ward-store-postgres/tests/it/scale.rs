//! National-scale smoke run, ignored by default (it takes a while on a small machine):
//! `WARD_TEST_POSTGRES_URL=... cargo test -p ward-store-postgres --test it -- --ignored --nocapture`.
//! It prints the import rate; it asserts only what was stored, never the speed.

use crate::support::*;
use ward_store::{InventoryStore, OrgStore, Scope};

#[tokio::test]
#[ignore = "scale run: 100k assets with 10 installs each"]
async fn a_hundred_thousand_assets_import_in_one_call() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let s = &db.store;
    s.upsert_orgs(&hierarchy(), jiff::civil::date(2024, 4, 1), &meta())
        .await
        .unwrap();
    let trusts = [oid(4), oid(5), oid(8)];
    let assets: Vec<_> = (0..100_000u128)
        .map(|n| {
            let sw = (0..10u128)
                .map(|k| {
                    software(
                        &format!("pkg{}", (n * 7 + k * 131) % 5_000),
                        &format!("1.{}", k % 4),
                    )
                })
                .collect();
            asset(n + 1, trusts[(n % 3) as usize], sw)
        })
        .collect();
    let started = std::time::Instant::now();
    let n = s.insert_assets(&Scope::All, &assets, &meta()).await.unwrap();
    let took = started.elapsed();
    assert_eq!(n, 100_000);
    let installs: i64 = sqlx::query_scalar("SELECT count(*) FROM asset_software")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(installs, 1_000_000);
    eprintln!(
        "imported 100000 assets / 1000000 installs in {:.1}s = {:.0} assets/min",
        took.as_secs_f64(),
        100_000.0 / took.as_secs_f64() * 60.0
    );
}
