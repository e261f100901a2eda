-- Ward schema for SQLite.
-- Identifiers are UUID text (lower-case, hyphenated); timestamps are INTEGER microseconds since the
-- Unix epoch; dates are TEXT 'YYYY-MM-DD'; booleans are INTEGER 0/1.
-- Every tenant-owned row carries its organisation (org_id, or supplier_id for products), indexed.

CREATE TABLE organisations (
    id        TEXT PRIMARY KEY NOT NULL,
    code      TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL,
    parent_id TEXT REFERENCES organisations (id),
    postcode  TEXT,
    opened    TEXT,
    closed    TEXT
);
CREATE INDEX organisations_parent ON organisations (parent_id);
CREATE INDEX organisations_name ON organisations (name, code);

-- Dated parent links: child sat under parent from valid_from until valid_to (exclusive).
CREATE TABLE org_links (
    child_id   TEXT NOT NULL REFERENCES organisations (id),
    parent_id  TEXT NOT NULL REFERENCES organisations (id),
    valid_from TEXT NOT NULL,
    valid_to   TEXT,
    PRIMARY KEY (child_id, valid_from)
) WITHOUT ROWID;
CREATE INDEX org_links_parent ON org_links (parent_id);

CREATE TABLE services (
    id               TEXT PRIMARY KEY NOT NULL,
    org_id           TEXT NOT NULL REFERENCES organisations (id),
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL,
    criticality      INTEGER NOT NULL,
    daily_throughput INTEGER NOT NULL,
    throughput_unit  TEXT NOT NULL
);
CREATE INDEX services_org ON services (org_id);
CREATE INDEX services_name ON services (name, id);

-- Distinct software identities, shared by every asset that carries the same package.
CREATE TABLE software (
    id      INTEGER PRIMARY KEY NOT NULL,
    name    TEXT NOT NULL,
    vendor  TEXT,
    version TEXT NOT NULL,
    purl    TEXT,
    cpe     TEXT
);
-- NULL and '' must stay distinct and NULLs must compare equal, hence the blob stand-in for NULL.
CREATE UNIQUE INDEX software_identity ON software (
    name, version, coalesce(vendor, x'00'), coalesce(purl, x'00'), coalesce(cpe, x'00')
);
CREATE INDEX software_purl ON software (purl) WHERE purl IS NOT NULL;

CREATE TABLE assets (
    id              TEXT PRIMARY KEY NOT NULL,
    org_id          TEXT NOT NULL REFERENCES organisations (id),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    hostname        TEXT,
    internet_facing INTEGER NOT NULL
);
CREATE INDEX assets_org ON assets (org_id);
CREATE INDEX assets_name ON assets (name, id);

-- position keeps the order of Asset::services. Link rows belong to their asset's organisation;
-- they do not repeat org_id (backups derive it from assets).
CREATE TABLE asset_services (
    asset_id   TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    service_id TEXT NOT NULL REFERENCES services (id),
    PRIMARY KEY (asset_id, position)
) WITHOUT ROWID;
CREATE INDEX asset_services_service ON asset_services (service_id);

-- position keeps the order of Asset::software. The (software_id, asset_id) index is the inverted
-- index from a package to the assets that carry it.
CREATE TABLE asset_software (
    asset_id    TEXT NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    software_id INTEGER NOT NULL REFERENCES software (id),
    source      TEXT NOT NULL,
    PRIMARY KEY (asset_id, position)
) WITHOUT ROWID;
CREATE INDEX asset_software_software ON asset_software (software_id, asset_id);

CREATE TABLE products (
    id          TEXT PRIMARY KEY NOT NULL,
    supplier_id TEXT NOT NULL REFERENCES organisations (id),
    name        TEXT NOT NULL,
    category    TEXT NOT NULL,
    cpe         TEXT
);
CREATE INDEX products_supplier ON products (supplier_id);
CREATE INDEX products_name ON products (name, id);

-- target_id names an asset, product or service according to target_kind.
CREATE TABLE dependencies (
    id          TEXT PRIMARY KEY NOT NULL,
    org_id      TEXT NOT NULL REFERENCES organisations (id),
    service_id  TEXT NOT NULL REFERENCES services (id),
    target_kind TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    note        TEXT
);
CREATE INDEX dependencies_org ON dependencies (org_id);
CREATE INDEX dependencies_service ON dependencies (service_id);
CREATE INDEX dependencies_target ON dependencies (target_kind, target_id);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    totp_secret    TEXT,
    totp_last_step INTEGER,
    disabled       INTEGER NOT NULL,
    failed_logins  INTEGER NOT NULL,
    locked_until   INTEGER,
    created_at     INTEGER NOT NULL
);

CREATE TABLE role_grants (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organisations (id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER,
    granted_by TEXT REFERENCES users (id)
);
CREATE INDEX role_grants_user ON role_grants (user_id);
CREATE INDEX role_grants_org ON role_grants (org_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    acting_grant_id TEXT REFERENCES role_grants (id) ON DELETE SET NULL,
    mfa_pending  INTEGER NOT NULL,
    csrf_token   TEXT NOT NULL,
    pending_totp_secret TEXT,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_by   TEXT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organisations (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX api_tokens_created_by ON api_tokens (created_by);
CREATE INDEX api_tokens_org ON api_tokens (org_id);

-- The tamper-evident trail: hash = chain_hash(prev_hash, seq, event).
CREATE TABLE audit_log (
    seq            INTEGER PRIMARY KEY NOT NULL,
    at              INTEGER NOT NULL,
    actor_principal TEXT NOT NULL,
    actor_role      TEXT,
    actor_org       TEXT,
    action         TEXT NOT NULL,
    entity         TEXT NOT NULL,
    entity_id      TEXT NOT NULL,
    org_id         TEXT,
    before_digest  TEXT,
    after_digest   TEXT,
    detail         TEXT,
    request_id     TEXT,
    prev_hash      TEXT NOT NULL,
    hash           TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);

CREATE TABLE jobs (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    lease_owner  TEXT,
    lease_until  INTEGER,
    last_error   TEXT,
    created_at   INTEGER NOT NULL,
    dedupe_key   TEXT
);
CREATE INDEX jobs_due ON jobs (status, kind, run_at);
CREATE UNIQUE INDEX jobs_dedupe ON jobs (dedupe_key)
    WHERE dedupe_key IS NOT NULL AND status IN ('queued', 'running');
