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

/// Every row line of a backup (between the header and the MAC trailer), parsed and sorted, so
/// backups from different backends compare by content. The audit records of restores are left
/// out: a restore appends one, so a backup of a restored database has one more.
fn rows_of(backup: &[u8]) -> anyhow::Result<Vec<Value>> {
    let text = std::str::from_utf8(backup)?;
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header: Value = serde_json::from_str(lines.next().unwrap_or_default())?;
    check_eq!(
        header.get("ward_backup").and_then(Value::as_u64),
        Some(ward_store::backup::FORMAT_VERSION),
        "backup header"
    );
    let mut rows = lines
        .map(serde_json::from_str::<Value>)
        .collect::<Result<Vec<_>, _>>()?;
    check_eq!(
        rows.pop().and_then(|t| t.get("ward_backup_mac").map(|_| ())),
        Some(()),
        "the backup ends with its MAC trailer"
    );
    rows.retain(|v| !is_restore_record(v));
    rows.sort_by_key(|v| v.to_string());
    Ok(rows)
}

/// Whether a backup row is the audit record of a restore.
fn is_restore_record(v: &Value) -> bool {
    v.get("table").and_then(Value::as_str) == Some("audit_log")
        && v.pointer("/row/action").and_then(Value::as_str) == Some("backup.restore")
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
    out.push(format!(
        "{:?}",
        store
            .list_risks(&all, &ward_store::risks::RiskFilter::default())
            .await?
    ));
    out.push(format!("{:?}", store.risk_vocabulary().await?));
    let incidents = store
        .list_incidents(&all, &ward_store::incidents::IncidentFilter::default())
        .await?;
    for i in &incidents {
        out.push(format!(
            "{i:?} {:?} {:?} {:?} {:?}",
            store.incident_timeline(&all, i.id).await?,
            store.incident_tasks(&all, i.id).await?,
            store.incident_links(&all, i.id).await?,
            store.incident_reminders(&all, i.id).await?
        ));
    }
    for c in store.list_coordinated(&all).await? {
        out.push(format!(
            "{c:?} {:?} {:?}",
            store.coordinated_members(&all, c.id).await?,
            store.shared_timeline(&all, c.id).await?
        ));
    }
    let mut from = 1;
    loop {
        let page = store.audit_page(from, PAGE).await?;
        let Some(last) = page.last() else { break };
        from = last.seq + 1;
        // A restore appends its own record; compare the rest.
        out.extend(
            page.iter()
                .filter(|r| r.event.action != "backup.restore")
                .map(|r| format!("{:?} {:?}", r.event, r.hash)),
        );
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
    // Alerts with their records and timelines (figures at a fixed time, so they compare).
    for a in store.list_alerts(&all, jiff::Timestamp::UNIX_EPOCH).await? {
        out.push(format!("{a:?} {:?}", store.get_alert(&all, a.alert.id).await?));
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
    let restored = target
        .restore(&mut backup.as_slice(), &crate::db::restore_meta())
        .await?;
    check_eq!(restored, written, "rows restored per table");
    let mut again: Vec<u8> = Vec::new();
    let rewritten = target.backup(&mut again).await?;
    let mut expected = written.clone();
    if let Some(n) = expected.tables.get_mut("audit_log") {
        *n += 1;
    }
    check_eq!(
        rewritten,
        expected,
        "rows in a backup of the restored database (and the restore's audit record)"
    );
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
        verify_chain(&source).await? + 1,
        "restored audit chain verifies, ending with the restore's record"
    );
    let last = target
        .audit_page(i64::try_from(verify_chain(&target).await?)?, 1)
        .await?;
    check_eq!(
        last.first()
            .map(|r| (r.event.action.clone(), r.event.detail.is_some())),
        Some(("backup.restore".to_owned(), true)),
        "the restore is audited with its counts"
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
        target
            .restore(&mut backup.as_slice(), &crate::db::restore_meta())
            .await,
        StoreError::Snapshot(_),
        "restoring into a non-empty database"
    );
    Ok(())
}

/// `text` (a header and rows) with the MAC trailer the test key gives it.
pub fn sign(text: &str) -> String {
    sign_with(text, &crate::db::test_key())
}

/// A backup (possibly edited) with its MAC trailer replaced by one the test key gives it, so a
/// test of what a restore checks row by row is not stopped by the MAC first.
pub fn resign(backup: &str) -> String {
    let body: String = backup
        .lines()
        .filter(|l| !l.starts_with("{\"ward_backup_mac\""))
        .map(|l| format!("{l}\n"))
        .collect();
    sign(&body)
}

/// `text` with a MAC trailer made with `key` (a forger's or another deployment's).
pub fn sign_with(text: &str, key: &ward_core::keys::InstanceKey) -> String {
    use std::io::Write;
    let keys = ward_store::StoreKeys::new(key);
    let mut out: Vec<u8> = Vec::new();
    let mut w = ward_store::backup::MacWriter::new(&mut out, &keys);
    let written = w
        .write_all(text.as_bytes())
        .map_err(|e| e.to_string())
        .and_then(|()| w.finish().map_err(|e| e.to_string()));
    match written {
        Ok(()) => String::from_utf8_lossy(&out).into_owned(),
        Err(_) => String::new(),
    }
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
    let header =
        ward_store::backup::header_line("contract", &ward_store::StoreKeys::new(&crate::db::test_key()));
    let header = header.as_str();
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
        (
            &format!(
                "{header}\n{org}\n{{\"table\":\"training_people\",\"row\":{{\"org_id\":\"0190a000-0000-7000-8000-000000000001\",\"person_ref\":\"E1\",\"role\":\"matron\"}}}}\n"
            ),
            "a training role Ward does not know",
        ),
        (
            &format!(
                "{header}\n{org}\n{{\"table\":\"training_completions\",\"row\":{{\"org_id\":\"0190a000-0000-7000-8000-000000000001\",\"person_ref\":\"E1\",\"course\":\"not a code!\",\"completed_on\":\"2026-01-01\"}}}}\n"
            ),
            "a course code a write would refuse",
        ),
    ];
    for (text, what) in cases {
        // Signed, so it is the rows that are refused, not the MAC.
        let result = empty
            .restore(&mut sign(text).as_bytes(), &crate::db::restore_meta())
            .await;
        check_err!(result, StoreError::Snapshot(_), "restoring {what}");
    }
    let good = format!("{header}\n{org}\n");
    let refused = [
        (good.clone(), "a backup without its MAC trailer"),
        (
            format!("{good}{{\"ward_backup_mac\":\"{}\"}}\n", "0".repeat(64)),
            "a backup with a wrong MAC",
        ),
        (
            sign(&good).replace("\"Bad\"", "\"Worse\""),
            "a backup edited after it was signed",
        ),
        (
            sign_with(&good, &ward_core::keys::InstanceKey::from_bytes([1; 32])),
            "a backup signed with another key",
        ),
        (
            format!(
                "{}{{\"table\":\"kev_catalog\",\"row\":{{\"id\":1}}}}\n",
                sign(&good)
            ),
            "rows after the MAC trailer",
        ),
    ];
    for (text, what) in refused {
        let result = empty
            .restore(&mut text.as_bytes(), &crate::db::restore_meta())
            .await;
        check_err!(result, StoreError::Snapshot(_), "restoring {what}");
    }
    let restored = empty
        .restore(&mut sign(&good).as_bytes(), &crate::db::restore_meta())
        .await?;
    check_eq!(
        restored.tables.get("organisations").copied(),
        Some(1),
        "a good restore after refused ones"
    );
    Ok(())
}
