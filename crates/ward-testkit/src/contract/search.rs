//! Asset search: substrings through the text indexes (kept in step by inserts, updates and
//! deletes), short text as a name prefix, filters combined with text, and totals that stop
//! counting at 10,000 matches and say so.

use super::fixtures::{Fixture, asset, next_number, package};
use crate::check_eq;
use std::sync::Arc;
use ward_core::asset::{Asset, AssetKind};
use ward_store::{AssetFilter, Page, PageRequest, Scope, Store};

/// Where the stores stop counting matches of a search.
pub(super) const COUNT_CAP: u64 = 10_000;

const ALL_ROWS: PageRequest = PageRequest {
    offset: 0,
    limit: 1000,
};

async fn search(
    store: &Arc<dyn Store>,
    scope: &Scope,
    filter: AssetFilter,
    page: PageRequest,
) -> anyhow::Result<Page<String>> {
    let p = store.list_assets(scope, &filter, page).await?;
    Ok(Page {
        items: p.items.into_iter().map(|s| s.name).collect(),
        total: p.total,
        total_is_lower_bound: p.total_is_lower_bound,
        offset: p.offset,
        limit: p.limit,
    })
}

fn text(t: &str) -> AssetFilter {
    AssetFilter {
        text: Some(t.to_owned()),
        ..Default::default()
    }
}

/// Names found by `filter` in `scope` (first 1000), in list order.
async fn names(store: &Arc<dyn Store>, scope: &Scope, filter: AssetFilter) -> anyhow::Result<Vec<String>> {
    Ok(search(store, scope, filter, ALL_ROWS).await?.items)
}

/// Substring and prefix search, filters with text, and index upkeep on update and delete.
pub async fn asset_search_follows_writes(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "SE");
    let [_n, _r, icb, a, b] = fx.small_tree().await?;
    let tag = format!("zq{}", next_number());
    let scope = Scope::subtree(icb.id);
    let mut gateway = asset(
        a.id,
        &format!("Citrix {tag} gateway"),
        AssetKind::NetworkDevice,
        vec![package("NetScaler ADC", "14.1")],
        vec![],
    );
    gateway.hostname = Some(format!("remote.{tag}.nhs.example"));
    gateway.internet_facing = true;
    let desktop = asset(
        a.id,
        &format!("Desktop {tag} 100% ready_x"),
        AssetKind::EndUserDevice,
        vec![package(&format!("Citrix Workspace {tag}"), "2402")],
        vec![],
    );
    let pump = asset(
        b.id,
        &format!("Infusion pump {tag}"),
        AssetKind::MedicalDevice,
        vec![],
        vec![],
    );
    let batch = vec![gateway.clone(), desktop.clone(), pump.clone()];
    store.insert_assets(&Scope::All, &batch, &fx.meta(1)).await?;
    let gw_name = gateway.name.clone();
    let desk_name = desktop.name.clone();
    let pump_name = pump.name.clone();

    check_eq!(
        names(&store, &scope, text(&tag)).await?,
        [gw_name.clone(), desk_name.clone(), pump_name.clone()],
        "a substring of every name"
    );
    check_eq!(
        names(&store, &scope, text(&format!("CITRIX {}", tag.to_uppercase()))).await?,
        vec![gw_name.clone()],
        "case does not matter"
    );
    check_eq!(
        names(&store, &scope, text(&format!("workspace {tag}"))).await?,
        vec![desk_name.clone()],
        "a software name"
    );
    check_eq!(
        names(&store, &scope, text(&format!("remote.{tag}.nhs"))).await?,
        vec![gw_name.clone()],
        "a hostname"
    );
    check_eq!(
        names(&store, &scope, text("100% ready_x")).await?,
        vec![desk_name.clone()],
        "wildcard characters are literal"
    );
    check_eq!(
        names(&store, &scope, text("100%_ready")).await?,
        Vec::<String>::new(),
        "wildcard characters do not match other characters"
    );
    check_eq!(
        names(&store, &scope, text(&format!("gateway {tag}"))).await?,
        Vec::<String>::new(),
        "words in another order are not a substring"
    );
    check_eq!(
        names(
            &store,
            &scope,
            AssetFilter {
                internet_facing: Some(true),
                ..text(&tag)
            }
        )
        .await?,
        vec![gw_name.clone()],
        "text with exposure"
    );
    check_eq!(
        names(
            &store,
            &scope,
            AssetFilter {
                org: Some(b.id),
                ..text(&tag)
            }
        )
        .await?,
        vec![pump_name.clone()],
        "text with organisation"
    );
    check_eq!(
        names(&store, &Scope::subtree(b.id), text("citrix")).await?,
        Vec::<String>::new(),
        "text inside a narrower scope"
    );

    // Shorter than three characters: the start of the name, either case.
    check_eq!(
        names(&store, &scope, text("DE")).await?,
        vec![desk_name.clone()],
        "a two-letter prefix"
    );
    check_eq!(
        names(&store, &scope, text("es")).await?,
        Vec::<String>::new(),
        "two letters match the start of a name, not the middle"
    );
    check_eq!(
        names(&store, &scope, text("i")).await?,
        vec![pump_name.clone()],
        "one letter matches the start of a name"
    );

    // Updates and deletes keep the index in step.
    let mut renamed = gateway.clone();
    renamed.name = format!("Remote access {tag} appliance");
    renamed.hostname = Some(format!("vpn.{tag}.nhs.example"));
    renamed.software = vec![package("FortiOS", "7.4")];
    store.update_asset(&Scope::All, &renamed, &fx.meta(2)).await?;
    check_eq!(
        names(&store, &scope, text(&format!("citrix {tag}"))).await?,
        Vec::<String>::new(),
        "the old name after an update"
    );
    check_eq!(
        names(&store, &scope, text(&format!("vpn.{tag}"))).await?,
        vec![renamed.name.clone()],
        "the new hostname after an update"
    );
    check_eq!(
        names(&store, &scope, text("fortios")).await?,
        vec![renamed.name.clone()],
        "new software after an update"
    );
    store.delete_asset(&Scope::All, pump.id, &fx.meta(3)).await?;
    check_eq!(
        names(&store, &scope, text(&tag)).await?,
        [desk_name, renamed.name],
        "a deleted asset is gone from search"
    );
    let page = search(&store, &scope, text(&tag), ALL_ROWS).await?;
    check_eq!(
        (page.total, page.total_is_lower_bound),
        (2, false),
        "exact totals for few matches"
    );
    Ok(())
}

/// A search with more than 10,000 matches reports 10,000 as a lower bound; lists without text
/// still count exactly; a page past the cap extends the count to its end.
pub async fn search_totals_stop_at_the_cap(store: Arc<dyn Store>) -> anyhow::Result<()> {
    let fx = Fixture::new(store.clone(), "CA");
    let [_n, _r, _icb, a, _b] = fx.small_tree().await?;
    let tag = format!("cap{}", next_number());
    let count = COUNT_CAP as usize + 120;
    let many: Vec<Asset> = (0..count)
        .map(|i| {
            let mut x = asset(
                a.id,
                &format!("Tablet {tag} {i:05}"),
                AssetKind::EndUserDevice,
                // Batches this large take the backends' bulk paths (COPY on PostgreSQL) for the
                // software links too.
                vec![package("tablet-os", &format!("1.{}", i % 7))],
                vec![],
            );
            x.hostname = None;
            x
        })
        .collect();
    for chunk in many.chunks(2_500) {
        store.insert_assets(&Scope::All, chunk, &fx.meta(1)).await?;
    }
    let scope = Scope::subtree(a.id);
    let first = search(&store, &scope, text(&tag), PageRequest { offset: 0, limit: 50 }).await?;
    check_eq!(
        (first.total, first.total_is_lower_bound, first.items.len()),
        (COUNT_CAP, true, 50),
        "a search with more matches than the cap"
    );
    check_eq!(
        first.items.first().cloned(),
        Some(format!("Tablet {tag} 00000")),
        "the first page is in name order"
    );
    let plain = search(
        &store,
        &scope,
        AssetFilter::default(),
        PageRequest { offset: 0, limit: 50 },
    )
    .await?;
    check_eq!(
        (plain.total, plain.total_is_lower_bound),
        (count as u64, false),
        "a list without text counts exactly"
    );
    let deep = search(
        &store,
        &scope,
        text(&tag),
        PageRequest {
            offset: COUNT_CAP + 50,
            limit: 100,
        },
    )
    .await?;
    check_eq!(
        (deep.total, deep.total_is_lower_bound, deep.items.len()),
        (count as u64, false, 70),
        "a page reaching past the last match counts exactly"
    );
    check_eq!(
        deep.items.first().cloned(),
        Some(format!("Tablet {tag} {:05}", COUNT_CAP + 50)),
        "the page past the cap starts where it should"
    );
    let middle = search(
        &store,
        &scope,
        text(&tag),
        PageRequest {
            offset: COUNT_CAP - 50,
            limit: 100,
        },
    )
    .await?;
    check_eq!(
        (middle.total, middle.total_is_lower_bound, middle.items.len()),
        (COUNT_CAP + 50, true, 100),
        "a page across the cap counts to its own end"
    );
    Ok(())
}
