//! The storage contract. Small traits, one per area; every tenant-scoped method takes the caller's
//! [`Scope`] and must never return or change a row outside it. Every change takes an [`AuditMeta`]
//! and appends its audit record in the same transaction as the change.
//!
//! Two implementations exist (`ward-store-sqlite`, `ward-store-postgres`); `ward-testkit` holds the
//! contract suite both must pass.

pub mod alerts;
pub mod assurance;
pub mod assurance_rollup;
pub mod backup;
pub mod deployments;
mod digest;
mod error;
pub mod evidence_files;
pub mod exercises;
pub mod first_seen;
pub mod improvement;
pub mod incidents;
pub mod keys;
pub mod notices;
pub mod people;
mod query;
pub mod recovery;
pub mod refusals;
pub mod restore_check;
pub mod risks;
pub mod rollup;
pub mod sector;
pub mod signoff;
pub mod sql;
pub mod supplier_advisories;
pub mod suppliers;
pub mod tech_assessments;
pub mod vuln;

pub use alerts::{AlertFigureStore, AlertStore, DeliveryStore, EscalationStore};
pub use assurance::{AssessmentStore, FrameworkStore, ProfileStore};
pub use assurance_rollup::AssuranceRollupStore;
pub use deployments::DeploymentStore;
pub use digest::digest_json_sliced;
pub use error::{StoreError, StoreErrorKind, StoreResult};
pub use evidence_files::EvidenceFileStore;
pub use exercises::ExerciseStore;
pub use first_seen::FirstSeenStore;
pub use improvement::ImprovementStore;
pub use incidents::IncidentStore;
pub use keys::StoreKeys;
pub use notices::{DigestClaim, NoticeStore};
pub use people::PeopleStore;
pub use query::*;
pub use recovery::RecoveryStore;
pub use risks::RiskStore;
pub use sector::SectorStore;
pub use signoff::SignOffStore;
pub use supplier_advisories::SupplierAdvisoryStore;
pub use suppliers::SupplierStore;
pub use tech_assessments::TechAssessmentStore;
pub use vuln::{AdvisoryStore, EolStore, ExploitSignalStore, FeedSourceStore, VexStore, VulnStore};

use async_trait::async_trait;
use jiff::Timestamp;
use ward_core::account::{ApiToken, Email, Session, User};
use ward_core::asset::Asset;
use ward_core::audit::{AuditActor, AuditEvent, AuditRecord, SignedHead};
use ward_core::dependency::Dependency;
use ward_core::job::Job;
use ward_core::org::{OdsCode, OrgLink, Organisation};
use ward_core::role::RoleGrant;
use ward_core::service::Service;
use ward_core::supplier::Product;
use ward_core::*;

/// Who is making a change and when; the store turns it into an [`AuditEvent`] with the entity, the
/// owning organisation and the before/after digests it sees inside its transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditMeta {
    pub actor: AuditActor,
    pub at: Timestamp,
    pub request_id: Option<String>,
}

impl AuditMeta {
    /// Start the event for one change: what was done (`asset.create`), to which kind of entity
    /// (`asset`) and which one. The rest is named by the builder's methods, then
    /// [`EventBuilder::build`].
    pub fn change(&self, action: &str, entity: &str, entity_id: impl Into<String>) -> EventBuilder {
        EventBuilder(AuditEvent {
            at: self.at,
            actor: self.actor.clone(),
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id: entity_id.into(),
            org: None,
            before: None,
            after: None,
            detail: None,
            request_id: self.request_id.clone(),
        })
    }
}

/// An audit event being described; see [`AuditMeta::change`].
#[derive(Debug, Clone)]
#[must_use = "an event is recorded only once built and appended"]
pub struct EventBuilder(AuditEvent);

impl EventBuilder {
    /// The organisation that owns the changed data.
    pub fn org(self, org: OrgId) -> Self {
        self.org_opt(Some(org))
    }
    /// The owning organisation, when there is one.
    pub fn org_opt(mut self, org: Option<OrgId>) -> Self {
        self.0.org = org;
        self
    }
    /// The digest of the entity's JSON form before the change.
    pub fn before(self, digest: impl Into<String>) -> Self {
        self.before_opt(Some(digest.into()))
    }
    pub fn before_opt(mut self, digest: Option<String>) -> Self {
        self.0.before = digest;
        self
    }
    /// The digest of the entity's JSON form after the change.
    pub fn after(self, digest: impl Into<String>) -> Self {
        self.after_opt(Some(digest.into()))
    }
    pub fn after_opt(mut self, digest: Option<String>) -> Self {
        self.0.after = digest;
        self
    }
    /// Detail that is safe to show (counts, file names, never secrets).
    pub fn detail(self, detail: impl Into<String>) -> Self {
        self.detail_opt(Some(detail.into()))
    }
    pub fn detail_opt(mut self, detail: Option<String>) -> Self {
        self.0.detail = detail;
        self
    }
    pub fn build(self) -> AuditEvent {
        self.0
    }
}

/// The shared check of every product write: outside the whole sector's scope (a supplier writing
/// its own products) a product is stored only as `unconfirmed`, so no write but a national one
/// can make, or keep, a product confirmed.
pub fn check_product_write(scope: &Scope, i: usize, p: &Product) -> StoreResult<()> {
    if !matches!(scope, Scope::All) && p.status != ward_core::supplier::ProductStatus::Unconfirmed {
        return Err(StoreError::Forbidden {
            entity: "product",
            id: format!(
                "products[{i}].status: only national roles confirm or reject products ({})",
                p.id
            ),
        });
    }
    Ok(())
}

/// The shared part of [`InventoryStore::set_product_status`]: only the whole sector's scope may
/// decide, and the audit record of a change from `before` to `status` (None when nothing changes).
pub fn product_status_change(
    scope: &Scope,
    before: &Product,
    status: ward_core::supplier::ProductStatus,
    audit: &AuditMeta,
) -> StoreResult<Option<(Product, AuditEvent)>> {
    use ward_core::supplier::ProductStatus;
    if !matches!(scope, Scope::All) {
        return Err(StoreError::forbidden("product", before.id));
    }
    if before.status == status {
        return Ok(None);
    }
    let after = Product {
        status,
        ..before.clone()
    };
    let action = match status {
        ProductStatus::Confirmed => "product.confirm",
        ProductStatus::Rejected => "product.reject",
        ProductStatus::Unconfirmed => "product.unconfirm",
    };
    let event = audit
        .change(action, "product", before.id.to_string())
        .org(before.supplier)
        .before(ward_core::audit::digest_json(before))
        .after(ward_core::audit::digest_json(&after))
        .detail(format!("{} -> {}", before.status.as_str(), status.as_str()))
        .build();
    Ok(Some((after, event)))
}

/// Organisations and the hierarchy.
#[async_trait]
pub trait OrgStore: Send + Sync {
    /// Insert or update organisations by code, in one transaction. Parents must exist already or be
    /// earlier in the slice. Records dated parent links when a parent changes (closing the old link
    /// on `effective`). One audit record per created or changed organisation.
    async fn upsert_orgs(
        &self,
        orgs: &[Organisation],
        effective: jiff::civil::Date,
        audit: &AuditMeta,
    ) -> StoreResult<UpsertCounts>;
    async fn get_org(&self, scope: &Scope, id: OrgId) -> StoreResult<Organisation>;
    async fn get_org_by_code(&self, scope: &Scope, code: &OdsCode) -> StoreResult<Organisation>;
    /// Organisations inside the scope that match the filter, ordered by name then code.
    async fn list_orgs(
        &self,
        scope: &Scope,
        filter: &OrgFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Organisation>>;
    /// Ancestors of `id`, nearest first (parent, grandparent, ...). Not scoped: used to decide scope.
    async fn org_ancestors(&self, id: OrgId) -> StoreResult<Vec<OrgId>>;
    /// Dated parent links of one organisation, oldest first.
    async fn org_links(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<OrgLink>>;
    /// Direct children of `id` inside the scope, ordered by name.
    async fn org_children(&self, scope: &Scope, id: OrgId) -> StoreResult<Vec<Organisation>>;
    /// Count organisations in scope per kind, plus totals of services and assets: the overview.
    async fn org_overview(&self, scope: &Scope, id: OrgId) -> StoreResult<OrgOverview>;
}

/// Services, assets, products and dependencies.
#[async_trait]
pub trait InventoryStore: Send + Sync {
    /// Insert services in one transaction (ids are new). Each service's org must be inside `scope`.
    async fn insert_services(
        &self,
        scope: &Scope,
        services: &[Service],
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
    async fn get_service(&self, scope: &Scope, id: ServiceId) -> StoreResult<Service>;
    async fn list_services(
        &self,
        scope: &Scope,
        filter: &ServiceFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Service>>;
    /// Insert assets with their software and service links in one transaction. Each asset's org
    /// (and each linked service) must be inside `scope`, else nothing is stored and `Forbidden` returns.
    /// Audited as one record per call (`assets.import`, with the count and a digest of the batch)
    /// when more than one asset is given, or one `asset.create` record for a single asset.
    async fn insert_assets(&self, scope: &Scope, assets: &[Asset], audit: &AuditMeta) -> StoreResult<u64>;
    async fn get_asset(&self, scope: &Scope, id: AssetId) -> StoreResult<Asset>;
    /// Replace an asset (same id); its org may not change.
    async fn update_asset(&self, scope: &Scope, asset: &Asset, audit: &AuditMeta) -> StoreResult<()>;
    async fn delete_asset(&self, scope: &Scope, id: AssetId, audit: &AuditMeta) -> StoreResult<()>;
    /// Asset summaries in scope matching the filter, ordered by name then id.
    async fn list_assets(
        &self,
        scope: &Scope,
        filter: &AssetFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AssetSummary>>;
    /// Upsert products by id. Products are a shared catalogue: readable by everyone, written only by
    /// the supplier (scope must cover `product.supplier`) or national roles. The `status` is
    /// stored as given: the caller (`ward-app`) decides it from who lists the product.
    async fn upsert_products(
        &self,
        scope: &Scope,
        products: &[Product],
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
    async fn list_products(&self, filter: &ProductFilter, page: PageRequest) -> StoreResult<Page<Product>>;
    /// One product of the shared catalogue (`NotFound` when there is none).
    async fn get_product(&self, id: ProductId) -> StoreResult<Product>;
    /// Set a product's confirmation status (a national decision: `scope` must be [`Scope::All`],
    /// else `Forbidden`). Writes and audits (`product.confirm`, `product.reject` or
    /// `product.unconfirm`, before/after digests) in one transaction only when the status
    /// changes; returns the product as stored afterwards.
    async fn set_product_status(
        &self,
        scope: &Scope,
        id: ProductId,
        status: ward_core::supplier::ProductStatus,
        audit: &AuditMeta,
    ) -> StoreResult<Product>;
    async fn insert_dependencies(
        &self,
        scope: &Scope,
        deps: &[Dependency],
        audit: &AuditMeta,
    ) -> StoreResult<u64>;
    /// Dependencies of services inside the scope (optionally of one service).
    async fn list_dependencies(
        &self,
        scope: &Scope,
        service: Option<ServiceId>,
    ) -> StoreResult<Vec<Dependency>>;
}

/// A change to the sessions table that the store makes together with its audit record, in one
/// transaction ([`AccountStore::change_session`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionChange {
    /// A new session (sign-in).
    Open(Session),
    /// Replace a session by a new one with another id (after the second factor).
    Rotate { old_hash: String, new: Session },
    /// Change a session in place (the acting grant).
    Update(Session),
    /// End one session (sign-out), by the hash of its id.
    Close(String),
}

/// What deciding whether a credential of a user still stands needs: the account's state and all
/// of its grants (expired ones included, oldest first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountStanding {
    pub disabled: bool,
    pub grants: Vec<RoleGrant>,
}

/// `api_tokens.auth_epoch`: moves forward, by database triggers in the same transaction, whenever
/// anything that decides whether a token stands changes (the token row, its owner's account, the
/// owner's grants, the organisation tree). Values are never reused, so a verdict kept with the
/// epoch it was decided at holds exactly while the token row still carries that epoch (time
/// aside). The migrations (SQLite 0018, PostgreSQL 0017) say which writes move it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AuthEpoch(pub i64);

/// A token with its owner's standing and the token's [`AuthEpoch`], read in one statement, so the
/// epoch is the one the standing was read at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenWithOwner {
    pub token: ApiToken,
    pub epoch: AuthEpoch,
    pub owner: AccountStanding,
}

/// Accounts, role grants, sessions and API tokens.
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_user(&self, user: &User, audit: &AuditMeta) -> StoreResult<()>;
    /// Create an account and its first grant in one transaction (both audited): a grant that fails
    /// leaves no account behind.
    async fn create_user_with_grant(
        &self,
        user: &User,
        grant: &RoleGrant,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// Count one wrong second-factor code (atomically) and return the new count.
    async fn record_mfa_failure(&self, id: UserId) -> StoreResult<u32>;
    /// Set the second-factor failure count and the last accepted TOTP step (a correct code: 0 and
    /// its step; an administrator's reset: 0).
    async fn set_mfa_state(
        &self,
        id: UserId,
        failed_mfa: u32,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()>;
    /// Lock an account until `until`, audited as `user.locked` with `detail`, in one transaction.
    async fn lock_user(
        &self,
        id: UserId,
        until: Timestamp,
        detail: &str,
        audit: &AuditMeta,
    ) -> StoreResult<()>;
    /// The account state and grants of a user in one read, or None for an unknown user: checked
    /// on every use of an API token.
    async fn account_standing(&self, user: UserId) -> StoreResult<Option<AccountStanding>>;
    /// The token whose secret hashes to `token_hash`, with its owner's standing and its epoch, in
    /// one query: the full check of a bearer request whose verdict is not already known at this
    /// epoch. None when no such token (or owner) exists.
    async fn token_with_owner(&self, token_hash: &str) -> StoreResult<Option<TokenWithOwner>>;
    /// The token whose secret hashes to `token_hash` with its epoch: the one-row read every bearer
    /// request makes.
    async fn token_with_epoch(&self, token_hash: &str) -> StoreResult<Option<(ApiToken, AuthEpoch)>>;
    /// Make a session change and append its audit record in one transaction.
    async fn change_session(&self, change: &SessionChange, event: &AuditEvent) -> StoreResult<()>;
    async fn get_token(&self, id: TokenId) -> StoreResult<ApiToken>;
    /// Tokens over organisations inside the scope, whoever issued them, oldest first.
    async fn list_tokens_in(&self, scope: &Scope) -> StoreResult<Vec<ApiToken>>;
    /// Count one attempt under `key` in the window starting at `window_start`; returns the count
    /// in that window including this one. The caller decides keys, windows and limits.
    async fn count_attempt(&self, key: &str, window_start: Timestamp) -> StoreResult<u32>;
    /// Forget the attempt counts of windows that started before `before`.
    async fn prune_attempts(&self, before: Timestamp) -> StoreResult<u64>;
    /// Replace a user row (disable, MFA changes, password). Audited with `action`.
    async fn update_user(&self, user: &User, action: &str, audit: &AuditMeta) -> StoreResult<()>;
    /// Record a failed login or reset the counter, without an audit digest of secrets.
    async fn set_login_state(
        &self,
        id: UserId,
        failed_logins: u32,
        locked_until: Option<Timestamp>,
        totp_last_step: Option<i64>,
    ) -> StoreResult<()>;
    async fn get_user(&self, id: UserId) -> StoreResult<User>;
    async fn find_user_by_email(&self, email: &Email) -> StoreResult<Option<User>>;
    /// Users holding any grant inside the scope (all users for `Scope::All`), ordered by email.
    async fn list_users(&self, scope: &Scope) -> StoreResult<Vec<User>>;
    async fn add_grant(&self, grant: &RoleGrant, audit: &AuditMeta) -> StoreResult<()>;
    async fn revoke_grant(&self, id: GrantId, audit: &AuditMeta) -> StoreResult<()>;
    /// All grants of a user, expired ones included, oldest first.
    async fn grants_of(&self, user: UserId) -> StoreResult<Vec<RoleGrant>>;
    /// The grants at any of `orgs` (expired ones included) of users whose account is not
    /// disabled, in one read: who to tell at those organisations (the caller keeps the active).
    async fn grants_at(&self, orgs: &[OrgId]) -> StoreResult<Vec<RoleGrant>>;
    async fn create_session(&self, session: &Session) -> StoreResult<()>;
    async fn get_session(&self, id_hash: &str) -> StoreResult<Option<Session>>;
    async fn update_session(&self, session: &Session) -> StoreResult<()>;
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;
    /// Remove every session of a user (disable, password or MFA reset).
    async fn delete_sessions_of(&self, user: UserId) -> StoreResult<u64>;
    async fn delete_expired_sessions(&self, now: Timestamp) -> StoreResult<u64>;
    async fn create_token(&self, token: &ApiToken, audit: &AuditMeta) -> StoreResult<()>;
    async fn find_token_by_hash(&self, token_hash: &str) -> StoreResult<Option<ApiToken>>;
    async fn list_tokens(&self, created_by: Option<UserId>) -> StoreResult<Vec<ApiToken>>;
    async fn revoke_token(&self, id: TokenId, at: Timestamp, audit: &AuditMeta) -> StoreResult<()>;
    async fn touch_token(&self, id: TokenId, at: Timestamp) -> StoreResult<()>;
}

/// The audit trail.
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Append a standalone event (sign-in, export, denied access) in its own transaction.
    async fn append_audit(&self, event: &AuditEvent) -> StoreResult<AuditRecord>;
    /// Records with `seq >= from`, in order, at most `limit`.
    async fn audit_page(&self, from: i64, limit: u32) -> StoreResult<Vec<AuditRecord>>;
    /// Records about organisations inside the scope that `filter` admits, newest first.
    async fn audit_for_scope(
        &self,
        scope: &Scope,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> StoreResult<Page<AuditRecord>>;
    /// The distinct actions of the records about organisations inside the scope, sorted (what a
    /// filter by action can choose from).
    async fn audit_actions(&self, scope: &Scope) -> StoreResult<Vec<String>>;
    /// The signed head of the chain as stored (`None` before the first record). Not checked here:
    /// `ChainVerifier::finish` checks it.
    async fn audit_head(&self) -> StoreResult<Option<SignedHead>>;
}

/// Background jobs, claimed with leases so several servers can share one database.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Queue a job. With a `dedupe_key`, a second queued/running job with the same key is not added
    /// and the existing id is returned.
    async fn enqueue_job(&self, job: &Job, dedupe_key: Option<&str>) -> StoreResult<JobId>;
    /// Claim the oldest due job of one of `kinds` (queued with `run_at <= now`, or running with an
    /// expired lease): set it running, owned by `worker` until `lease_until`, attempts + 1.
    /// Two concurrent claimers never get the same job (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
    async fn claim_job(
        &self,
        kinds: &[ward_core::job::JobKind],
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> StoreResult<Option<Job>>;
    /// Mark succeeded; only the lease owner may. Returns false if the lease was lost.
    async fn complete_job(&self, id: JobId, worker: &str) -> StoreResult<bool>;
    /// Record a failure: requeue at `retry_at`, or mark dead when `retry_at` is None.
    async fn fail_job(
        &self,
        id: JobId,
        worker: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> StoreResult<bool>;
    async fn get_job(&self, id: JobId) -> StoreResult<Job>;
    async fn count_jobs(&self, status: ward_core::job::JobStatus) -> StoreResult<u64>;
}

/// Whole-database operations.
#[async_trait]
pub trait AdminStore: Send + Sync {
    /// Apply pending migrations.
    async fn migrate(&self) -> StoreResult<()>;
    /// Cheap liveness check of the connection.
    async fn ping(&self) -> StoreResult<()>;
    /// Write a consistent snapshot of every table as JSON lines (`{"table":..,"row":{..}}`),
    /// read inside one repeatable-read transaction, with a header naming the instance key and a
    /// MAC trailer ([`backup`]). Backend-neutral: restorable into either backend with the same key.
    async fn backup(&self, out: &mut (dyn std::io::Write + Send)) -> StoreResult<BackupCounts>;
    /// Load a snapshot into an empty, migrated database in one transaction: the MAC is checked as
    /// it streams and every row re-checked ([`restore_check`]); nothing is stored on any failure.
    /// Signs the restored chain's head and appends a `backup.restore` record made from `audit`.
    async fn restore(
        &self,
        input: &mut (dyn std::io::BufRead + Send),
        audit: &AuditMeta,
    ) -> StoreResult<BackupCounts>;
    /// A short name for logs: `sqlite` or `postgres`.
    fn backend(&self) -> &'static str;
}

/// Everything a Ward deployment needs from storage.
pub trait Store:
    OrgStore
    + InventoryStore
    + AccountStore
    + AuditStore
    + JobStore
    + AdminStore
    + VulnStore
    + SectorStore
    + FrameworkStore
    + AssessmentStore
    + ProfileStore
    + AlertStore
    + EscalationStore
    + DeliveryStore
    + AlertFigureStore
    + RiskStore
    + IncidentStore
    + ExerciseStore
    + DeploymentStore
    + FirstSeenStore
    + ImprovementStore
    + PeopleStore
    + SupplierStore
    + SignOffStore
    + EvidenceFileStore
    + RecoveryStore
    + NoticeStore
    + SupplierAdvisoryStore
    + TechAssessmentStore
    + AssuranceRollupStore
{
}
impl<T> Store for T where
    T: OrgStore
        + InventoryStore
        + AccountStore
        + AuditStore
        + JobStore
        + AdminStore
        + VulnStore
        + SectorStore
        + FrameworkStore
        + AssessmentStore
        + ProfileStore
        + AlertStore
        + EscalationStore
        + DeliveryStore
        + AlertFigureStore
        + RiskStore
        + IncidentStore
        + ExerciseStore
        + DeploymentStore
        + FirstSeenStore
        + ImprovementStore
        + PeopleStore
        + SupplierStore
        + SignOffStore
        + EvidenceFileStore
        + RecoveryStore
        + NoticeStore
        + SupplierAdvisoryStore
        + TechAssessmentStore
        + AssuranceRollupStore
{
}
