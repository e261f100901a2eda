-- Vulnerability intelligence: advisories, KEV, EPSS, VEX statements, end-of-life dates and feed
-- source state. Global reference data, except VEX statements an organisation enters (org_id set).
-- Conventions as in 0001: timestamps INTEGER microseconds, dates TEXT 'YYYY-MM-DD', booleans 0/1;
-- whole records are kept as JSON text (doc) next to the columns that are queried.

-- One advisory per id; doc is the ward_core Advisory as JSON, digest the SHA-256 of that JSON.
CREATE TABLE advisories (
    id        TEXT PRIMARY KEY NOT NULL,
    source    TEXT NOT NULL,
    summary   TEXT,
    published INTEGER,
    modified  INTEGER,
    withdrawn INTEGER,
    digest    TEXT NOT NULL,
    doc       TEXT NOT NULL,
    stored_at INTEGER NOT NULL
);
CREATE INDEX advisories_modified ON advisories (modified, id);

-- Every alias of an advisory (CVE-2021-44228 -> GHSA-jfh8-c2jp-5v3q, RUSTSEC-..., PYSEC-...).
CREATE TABLE advisory_aliases (
    alias       TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (alias, advisory_id)
) WITHOUT ROWID;
CREATE INDEX advisory_aliases_advisory ON advisory_aliases (advisory_id);

-- The packages (ecosystem base, normalised name) and CPE vendor:product pairs (ecosystem 'CPE') an
-- advisory affects: the exposure engine's lookup from a package to its advisories.
CREATE TABLE advisory_packages (
    name_key    TEXT NOT NULL,
    ecosystem   TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    PRIMARY KEY (name_key, ecosystem, advisory_id)
) WITHOUT ROWID;
CREATE INDEX advisory_packages_advisory ON advisory_packages (advisory_id);
CREATE INDEX advisory_packages_ecosystem ON advisory_packages (ecosystem, advisory_id);

-- CISA's Known Exploited Vulnerabilities; cwes is a JSON array.
CREATE TABLE kev (
    cve              TEXT PRIMARY KEY NOT NULL,
    vendor           TEXT NOT NULL,
    product          TEXT NOT NULL,
    name             TEXT NOT NULL,
    date_added       TEXT NOT NULL,
    due_date         TEXT,
    known_ransomware INTEGER NOT NULL,
    description      TEXT,
    required_action  TEXT NOT NULL,
    notes            TEXT,
    cwes             TEXT NOT NULL,
    digest           TEXT NOT NULL
) WITHOUT ROWID;

-- The header of the last catalogue imported (one row).
CREATE TABLE kev_catalog (
    id              INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    title           TEXT,
    catalog_version TEXT,
    date_released   TEXT,
    count           INTEGER
);

CREATE TABLE epss (
    cve        TEXT PRIMARY KEY NOT NULL,
    epss       REAL NOT NULL,
    percentile REAL NOT NULL,
    score_date TEXT
) WITHOUT ROWID;

-- VEX statements; org_id NULL for feed statements. doc is the VexStatement as JSON.
CREATE TABLE vex_statements (
    id            INTEGER PRIMARY KEY NOT NULL,
    org_id        TEXT REFERENCES organisations (id),
    source        TEXT NOT NULL,
    vulnerability TEXT NOT NULL,
    product_key   TEXT NOT NULL,
    status        TEXT NOT NULL,
    digest        TEXT NOT NULL,
    doc           TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX vex_identity ON vex_statements (
    coalesce(org_id, ''), source, vulnerability, product_key
);
CREATE INDEX vex_org ON vex_statements (org_id);

-- The vulnerability id and aliases of each statement.
CREATE TABLE vex_ids (
    vuln_id      TEXT NOT NULL,
    statement_id INTEGER NOT NULL REFERENCES vex_statements (id) ON DELETE CASCADE,
    PRIMARY KEY (vuln_id, statement_id)
) WITHOUT ROWID;
CREATE INDEX vex_ids_statement ON vex_ids (statement_id);

-- endoflife.date products; identifiers is a JSON array of {kind, value}.
CREATE TABLE eol_products (
    product     TEXT PRIMARY KEY NOT NULL,
    title       TEXT,
    category    TEXT,
    identifiers TEXT NOT NULL,
    digest      TEXT NOT NULL
) WITHOUT ROWID;

-- Release cycles in source order; the support fields hold a date 'YYYY-MM-DD' or 'true'/'false'.
CREATE TABLE eol_releases (
    product             TEXT NOT NULL REFERENCES eol_products (product) ON DELETE CASCADE,
    position            INTEGER NOT NULL,
    cycle               TEXT NOT NULL,
    codename            TEXT,
    release_date        TEXT,
    eol                 TEXT,
    eoas                TEXT,
    eoes                TEXT,
    lts                 TEXT,
    latest              TEXT,
    latest_release_date TEXT,
    PRIMARY KEY (product, position)
) WITHOUT ROWID;

-- Conditional-download state per feed URL.
CREATE TABLE feed_sources (
    url           TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    version       TEXT,
    last_checked  INTEGER,
    last_success  INTEGER,
    last_error    TEXT,
    bytes         INTEGER
) WITHOUT ROWID;
