//! Backup and restore: a snapshot restored into an empty database reads back identically.

use super::audit::verify_chain;
use super::fixtures::{Fixture, asset, next_number, package};
use super::inventory::table_counts;
use crate::{check_eq, check_err};
use serde_json::Value;
use std::sync::Arc;
use ward_core::asset::AssetKind;
use ward_core::job::JobStatus;
use ward_store::vuln::AdvisoryFilter;
use ward_store::{
    AssetFilter, OrgFilter, PageRequest, ProductFilter, Scope, ServiceFilter, Store, StoreError,
};

const PAGE: u32 = 1000;

/// Every line of a backup after the header, parsed and sorted, so backups from different
/// backends compare by content.
fn rows_of(backup: &[u8]) -> anyhow::Result<Vec<Value>> {
    let text = std::str::from_utf8(backup)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Value = serde_json::from_str(lines.next().unwrap_or_default())?;
    check_eq!(
        header.get("ward_backup").and_then(Value::as_u64),
        Some(1),
        "backup header"
    );
    let mut rows = lines
        .map(serde_json::from_str::<Value>)
        .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by_key(|v| v.to_string());
    Ok(rows)
}

/// What a person can see through the store, read in full.
async fn everything(store: &Arc<dyn Store>) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    let all = Scope::All;
    let mut offset = 0;
    loop {
        let filter = OrgFilter {
            include_closed: true,
            ..Default::default()
        };
        let page = store
            .list_orgs(&all, &filter, PageRequest { offset, limit: PAGE })
            .await?;
        for o in &page.items {
            out.push(format!("{o:?}"));
            out.push(format!("{:?}", store.org_links(&all, o.id).await?));
            // Counters are rebuilt on restore: every overview must read back the same.
            out.push(format!("{:?}", store.org_overview(&all, o.id).await?));
        }
        offset += u64::from(PAGE);
        if offset >= page.total {
            break;
        }
    }
    let mut offset = 0;
    loop {
        let page = store
            .list_services(
                &all,
                &ServiceFilter::default(),
                PageRequest { offset, limit: PAGE },
            )
            .await?;
        out.extend(page.items.iter().map(|s| format!("{s:?}")));
        offset += u64::from(PAGE);
        if offset >= page.total {
            break;
        }
    }
    let mut offset = 0;
    loop {
        let page = store
            .list_assets(&all, &AssetFilter::default(), PageRequest { offset, limit: PAGE })
            .await?;
        for s in &page.items {
            out.push(format!("{s:?}"));
            out.push(format!("{:?}", store.get_asset(&all, s.id).await?));
        }
        offset += u64::from(PAGE);
        if offset >= page.total {
            break;
        }
    }
    out.push(format!(
        "{:?}",
        store
            .list_products(
                &ProductFilter::default(),
                PageRequest {
                    offset: 0,
                    limit: PAGE
                }
            )
            .await?
    ));
    out.push(format!("{:?}", store.list_dependencies(&all, None).await?));
    for u in store.list_users(&all).await? {
        out.push(format!("{u:?} {:?}", store.grants_of(u.id).await?));
    }
    out.push(format!("{:?}", store.list_tokens(None).await?));
    let mut from = 1;
    loop {
        let page = store.audit_page(from, PAGE).await?;
        let Some(last) = page.last() else { break };
        from = last.seq + 1;
        out.extend(page.iter().map(|r| format!("{r:?}")));
    }
    // Vulnerability data (the EPSS and KEV rows are compared by `vuln_backup_restore`).
    out.push(format!("{:?}", store.vuln_totals().await?));
    out.push(format!("{:?}", store.kev_catalog().await?));
    out.push(format!("{:?}", store.list_eol_releases(None).await?));
    out.push(format!("{:?}", store.list_feed_sources().await?));
    let filter = AdvisoryFilter {
        include_withdrawn: true,
        ..AdvisoryFilter::default()
    };
    let mut offset = 0;
    loop {
        let page = store
            .list_advisories(&filter, PageRequest { offset, limit: PAGE })
            .await?;
        for a in &page.items {
            out.push(format!("{a:?} {:?}", store.get_advisory(&a.id).await?));
        }
        offset += u64::from(PAGE);
        if offset >= page.total {
            break;
        }
    }
    for status in [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Dead,
    ] {
        out.push(format!("{status:?} {}", store.count_jobs(status).await?));
    }
    Ok(out)
}

/// Back up `source`, restore into the empty `target`, and compare everything readable. Then
/// check the restored database keeps working (new software rows, dedup, audit appends) and
/// that a second restore is refused.
pub async fn backup_restore(source: Arc<dyn Store>, target: Arc<dyn Store>) -> anyhow::Result<()> {
    let mut backup: Vec<u8> = Vec::new();
    let written = source.backup(&mut backup).await?;
    let restored = target.restore(&mut backup.as_slice()).await?;
    check_eq!(restored, written, "rows restored per table");
    let mut again: Vec<u8> = Vec::new();
    let rewritten = target.backup(&mut again).await?;
    check_eq!(rewritten, written, "rows in a backup of the restored database");
    if rows_of(&again)? != rows_of(&backup)? {
        anyhow::bail!("a backup of the restored database differs from the original backup");
    }
    let (before, after) = (everything(&source).await?, everything(&target).await?);
    // The text indexes are rebuilt on restore: searches for stored names find the same assets.
    let sample = source
        .list_assets(
            &Scope::All,
            &AssetFilter::default(),
            PageRequest { offset: 0, limit: 40 },
        )
        .await?;
    for s in sample.items.iter().filter(|s| s.name.chars().count() >= 3) {
        let filter = AssetFilter {
            text: Some(s.name.clone()),
            ..Default::default()
        };
        let page = PageRequest {
            offset: 0,
            limit: 100,
        };
        let (x, y) = (
            source.list_assets(&Scope::All, &filter, page).await?,
            target.list_assets(&Scope::All, &filter, page).await?,
        );
        check_eq!(y, x, "search for '{}' after restore", s.name);
        check_eq!(
            x.items.is_empty(),
            false,
            "search for the stored name '{}'",
            s.name
        );
    }
    if let Some((i, (x, y))) = before.iter().zip(&after).enumerate().find(|(_, (x, y))| x != y) {
        anyhow::bail!("restored database differs at item {i}: {x} != {y}");
    }
    check_eq!(before.len(), after.len(), "items readable after restore");
    check_eq!(
        verify_chain(&target).await?,
        verify_chain(&source).await?,
        "restored audit chain verifies"
    );

    // The restored database keeps working: new and known software, audit appends.
    // A prefix of its own: the source may itself be a restored database that ran this before.
    let fx = Fixture::new(target.clone(), &format!("BR{}", next_number()));
    let [_n, _r, _icb, a, _b] = fx.small_tree().await?;
    let counts = table_counts(&target).await?;
    let known = source_package(&backup)?;
    let x = asset(
        a.id,
        "After restore",
        AssetKind::Server,
        vec![package(&format!("restored-new-{}", next_number()), "1"), known],
        vec![],
    );
    target
        .insert_assets(&Scope::All, std::slice::from_ref(&x), &fx.meta(90))
        .await?;
    check_eq!(
        target.get_asset(&Scope::All, x.id).await?,
        x,
        "asset inserted after restore"
    );
    let counts_after = table_counts(&target).await?;
    let grew = |t: &str| counts_after.get(t).copied().unwrap_or(0) - counts.get(t).copied().unwrap_or(0);
    check_eq!(grew("software"), 1, "only the new package adds a software row");
    verify_chain(&target).await?;

    check_err!(
        target.restore(&mut backup.as_slice()).await,
        StoreError::Snapshot(_),
        "restoring into a non-empty database"
    );
    Ok(())
}

/// A package present in the backup's software table.
fn source_package(backup: &[u8]) -> anyhow::Result<ward_core::asset::InstalledSoftware> {
    for v in rows_of(backup)? {
        if v.get("table").and_then(Value::as_str) == Some("software")
            && let Some(row) = v.get("row")
        {
            let text = |k: &str| row.get(k).and_then(Value::as_str).map(str::to_owned);
            return Ok(ward_core::asset::InstalledSoftware {
                name: text("name").unwrap_or_default(),
                vendor: text("vendor"),
                version: text("version").unwrap_or_default(),
                purl: text("purl"),
                cpe: text("cpe"),
                source: ward_core::asset::SoftwareSource::Import,
            });
        }
    }
    anyhow::bail!("the backup holds no software rows")
}

/// Malformed backups are refused with `Snapshot`, naming the problem, and leave the empty
/// database empty (so a good restore still works afterwards).
pub async fn restore_refuses_bad_input(empty: Arc<dyn Store>) -> anyhow::Result<()> {
    let header = r#"{"ward_backup":1,"backend":"contract"}"#;
    let org = r#"{"table":"organisations","row":{"id":"0190a000-0000-7000-8000-000000000001","code":"BAD1","name":"Bad","kind":"nhs_trust","parent_id":null,"postcode":null,"opened":null,"closed":null}}"#;
    let cases = [
        ("", "an empty file"),
        ("{\"hello\":1}\n", "a missing header"),
        (
            &format!("{header}\n{{\"table\":\"secrets\",\"row\":{{}}}}\n"),
            "an unknown table",
        ),
        (
            &format!("{header}\n{{\"table\":\"organisations\",\"row\":{{\"shoe\":1}}}}\n"),
            "an unknown column",
        ),
        (
            &format!("{header}\n{}\n", org.replace("\"BAD1\"", "17")),
            "a number for text",
        ),
        (&format!("{header}\nnot json\n"), "a line that is not JSON"),
        (
            &format!(
                "{header}\n{}\n",
                org.replace(
                    "\"parent_id\":null",
                    "\"parent_id\":\"0190a000-0000-7000-8000-0000000000ff\""
                )
            ),
            "a parent that is not in the backup",
        ),
        (
            &format!(
                "{header}\n{{\"table\":\"epss\",\"row\":{{\"cve\":\"CVE-2024-1\",\"epss\":\"high\",\"percentile\":0.5}}}}\n"
            ),
            "a string for a score",
        ),
        (
            &format!(
                "{header}\n{{\"table\":\"vex_ids\",\"row\":{{\"vuln_id\":\"CVE-2024-1\",\"statement_id\":99}}}}\n"
            ),
            "an id of a VEX statement that is not in the backup",
        ),
        (
            &format!(
                "{header}\n{{\"table\":\"eol_releases\",\"row\":{{\"product\":\"gone\",\"position\":0,\"cycle\":\"1\"}}}}\n"
            ),
            "a release of a product that is not in the backup",
        ),
    ];
    for (text, what) in cases {
        let result = empty.restore(&mut text.as_bytes()).await;
        check_err!(result, StoreError::Snapshot(_), "restoring {what}");
    }
    let restored = empty
        .restore(&mut format!("{header}\n{org}\n").as_bytes())
        .await?;
    check_eq!(
        restored.tables.get("organisations").copied(),
        Some(1),
        "a good restore after refused ones"
    );
    Ok(())
}
