//! Builders for contract data: fixed timestamps, unique ids, organisations, services, assets,
//! and a cursor over the audit trail.

use anyhow::Context;
use jiff::{SignedDuration, Timestamp};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use ward_core::asset::{Asset, AssetKind, InstalledSoftware, SoftwareSource};
use ward_core::audit::{AuditActor, AuditRecord};
use ward_core::org::{OdsCode, OrgKind, Organisation};
use ward_core::risk::Consequence;
use ward_core::role::Role;
use ward_core::service::{Service, ServiceKind, ThroughputUnit};
use ward_core::{AssetId, OrgId, ServiceId};
use ward_store::{AuditFilter, AuditMeta, PageRequest, Scope, Store};

/// The contract's "now": a fixed instant with a non-zero microsecond part, so round trips of
/// timestamps are checked to the microsecond.
pub const T0_MICROS: i64 = 1_750_000_000_123_456;

/// Starts at 1,000 so numbers in messages always have the four digits the refusal comparison masks.
static COUNTER: AtomicU64 = AtomicU64::new(1_000);

/// `T0` moved by `secs` seconds.
pub fn at(secs: i64) -> Timestamp {
    let t0 = Timestamp::from_microsecond(T0_MICROS).unwrap_or(Timestamp::UNIX_EPOCH);
    t0.checked_add(SignedDuration::from_secs(secs)).unwrap_or(t0)
}

/// A process-unique number.
pub fn next_number() -> u64 {
    COUNTER.fetch_add(1, Ordering::Relaxed)
}

/// A new identifier of any kind: `new_id(OrgId::new_at)`. Ids made later sort later.
pub fn new_id<T>(make: fn(Timestamp, [u8; 10]) -> T) -> T {
    let mut random = [0_u8; 10];
    random[2..].copy_from_slice(&next_number().to_be_bytes());
    make(at(0), random)
}

/// Builds data for one check. `prefix` keeps its organisation codes apart from other checks'.
#[derive(Clone)]
pub struct Fixture {
    pub store: Arc<dyn Store>,
    prefix: String,
}

impl Fixture {
    /// `prefix`: two or three capital letters unique to the check.
    pub fn new(store: Arc<dyn Store>, prefix: &str) -> Self {
        Self {
            store,
            prefix: prefix.to_owned(),
        }
    }

    /// Who makes the contract's changes, at `T0 + secs`.
    pub fn meta(&self, secs: i64) -> AuditMeta {
        AuditMeta {
            actor: AuditActor {
                principal: "user:contract".into(),
                role: Some(Role::NationalAnalyst),
                acting_org: None,
            },
            at: at(secs),
            request_id: Some(format!("req-{}", next_number())),
        }
    }

    /// An organisation whose code is the check's prefix plus `suffix`.
    pub fn org(
        &self,
        suffix: &str,
        name: &str,
        kind: OrgKind,
        parent: Option<OrgId>,
    ) -> anyhow::Result<Organisation> {
        let code = format!("{}{}", self.prefix, suffix);
        Ok(Organisation {
            id: new_id(OrgId::new_at),
            code: OdsCode::parse(&code).with_context(|| format!("fixture code {code}"))?,
            name: name.to_owned(),
            kind,
            parent,
            postcode: Some("LS1 4HR".into()),
            opened: Some(jiff::civil::date(2001, 4, 1)),
            closed: None,
        })
    }

    /// Upsert organisations (effective 2025-01-01) and return them.
    pub async fn save_orgs(&self, orgs: Vec<Organisation>) -> anyhow::Result<Vec<Organisation>> {
        self.store
            .upsert_orgs(&orgs, jiff::civil::date(2025, 1, 1), &self.meta(0))
            .await?;
        Ok(orgs)
    }

    /// A national body, a region, an ICB and two trusts under the ICB, saved. Returns
    /// `[national, region, icb, trust_a, trust_b]`.
    pub async fn small_tree(&self) -> anyhow::Result<[Organisation; 5]> {
        let national = self.org("N", "National body", OrgKind::NationalBody, None)?;
        let region = self.org("R", "Region", OrgKind::Region, Some(national.id))?;
        let icb = self.org("I", "Integrated care board", OrgKind::Icb, Some(region.id))?;
        let a = self.org("TA", "Trust A", OrgKind::NhsTrust, Some(icb.id))?;
        let b = self.org("TB", "Trust B", OrgKind::NhsTrust, Some(icb.id))?;
        let saved = self.save_orgs(vec![national, region, icb, a, b]).await?;
        match <[Organisation; 5]>::try_from(saved) {
            Ok(tree) => Ok(tree),
            Err(_) => anyhow::bail!("small_tree: expected five organisations"),
        }
    }
}

/// A service of `org`.
pub fn service(org: OrgId, name: &str, kind: ServiceKind, criticality: u8) -> anyhow::Result<Service> {
    Ok(Service {
        id: new_id(ServiceId::new_at),
        org,
        name: name.to_owned(),
        kind,
        criticality: Consequence::new(criticality)?,
        daily_throughput: 120,
        throughput_unit: ThroughputUnit::Patients,
    })
}

/// A package with a purl.
pub fn package(name: &str, version: &str) -> InstalledSoftware {
    InstalledSoftware {
        name: name.to_owned(),
        vendor: None,
        version: version.to_owned(),
        purl: Some(format!("pkg:generic/{name}@{version}")),
        cpe: None,
        source: SoftwareSource::Import,
    }
}

/// An asset of `org` with the given software and services.
pub fn asset(
    org: OrgId,
    name: &str,
    kind: AssetKind,
    software: Vec<InstalledSoftware>,
    services: Vec<ServiceId>,
) -> Asset {
    Asset {
        id: new_id(AssetId::new_at),
        org,
        name: name.to_owned(),
        kind,
        hostname: Some(format!(
            "{}.nhs.example",
            name.to_ascii_lowercase().replace(' ', "-")
        )),
        internet_facing: false,
        services,
        software,
    }
}

/// Reads the audit records appended since it was made (or last advanced).
#[derive(Debug, Clone, Copy)]
pub struct AuditCursor {
    last_seq: i64,
}

impl AuditCursor {
    /// A cursor at the current end of the trail.
    pub async fn at_end(store: &Arc<dyn Store>) -> anyhow::Result<Self> {
        let page = store
            .audit_for_scope(
                &Scope::All,
                &AuditFilter::default(),
                PageRequest { offset: 0, limit: 1 },
            )
            .await?;
        Ok(Self {
            last_seq: page.items.first().map_or(0, |r| r.seq),
        })
    }

    /// Records appended since the cursor, oldest first; moves the cursor past them.
    pub async fn take(&mut self, store: &Arc<dyn Store>) -> anyhow::Result<Vec<AuditRecord>> {
        let records = store.audit_page(self.last_seq + 1, 10_000).await?;
        if let Some(last) = records.last() {
            self.last_seq = last.seq;
        }
        Ok(records)
    }

    /// Fail unless exactly these (action, organisation) pairs were appended, in this order.
    pub async fn expect(
        &mut self,
        store: &Arc<dyn Store>,
        what: &str,
        expected: &[(&str, Option<OrgId>)],
    ) -> anyhow::Result<Vec<AuditRecord>> {
        let records = self.take(store).await?;
        let got: Vec<(&str, Option<OrgId>)> = records
            .iter()
            .map(|r| (r.event.action.as_str(), r.event.org))
            .collect();
        if got != expected {
            anyhow::bail!("{what}: audit records {got:?}, expected {expected:?}");
        }
        Ok(records)
    }
}
