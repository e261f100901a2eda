-- Vulnerability intelligence: advisories, KEV, EPSS, VEX statements, end-of-life dates and feed
-- source state. Global reference data, except VEX statements an organisation enters (org_id set).
-- Conventions as in 0001: timestamps bigint microseconds, dates `date`; whole records are kept as
-- JSON text (doc) next to the columns that are queried.

-- One advisory per id; doc is the ward_core Advisory as JSON, digest the SHA-256 of that JSON.
CREATE TABLE advisories (
    id        text PRIMARY KEY,
    source    text NOT NULL,
    summary   text,
    published bigint,
    modified  bigint,
    withdrawn bigint,
    digest    text NOT NULL,
    doc       text NOT NULL,
    stored_at bigint NOT NULL
);
CREATE INDEX advisories_modified ON advisories (modified, id);

-- Every alias of an advisory (CVE-2021-44228 -> GHSA-jfh8-c2jp-5v3q, RUSTSEC-..., PYSEC-...).
CREATE TABLE advisory_aliases (
    alias       text NOT NULL,
    advisory_id text NOT NULL REFERENCES advisories (id) ON DELETE CASCADE DEFERRABLE,
    PRIMARY KEY (alias, advisory_id)
);
CREATE INDEX advisory_aliases_advisory ON advisory_aliases (advisory_id);

-- The packages (ecosystem base, normalised name) and CPE vendor:product pairs (ecosystem 'CPE') an
-- advisory affects: the exposure engine's lookup from a package to its advisories.
CREATE TABLE advisory_packages (
    name_key    text NOT NULL,
    ecosystem   text NOT NULL,
    advisory_id text NOT NULL REFERENCES advisories (id) ON DELETE CASCADE DEFERRABLE,
    PRIMARY KEY (name_key, ecosystem, advisory_id)
);
CREATE INDEX advisory_packages_advisory ON advisory_packages (advisory_id);
CREATE INDEX advisory_packages_ecosystem ON advisory_packages (ecosystem, advisory_id);

-- CISA's Known Exploited Vulnerabilities; cwes is a JSON array.
CREATE TABLE kev (
    cve              text PRIMARY KEY,
    vendor           text NOT NULL,
    product          text NOT NULL,
    name             text NOT NULL,
    date_added       date NOT NULL,
    due_date         date,
    known_ransomware boolean NOT NULL,
    description      text,
    required_action  text NOT NULL,
    notes            text,
    cwes             text NOT NULL,
    digest           text NOT NULL
);

-- The header of the last catalogue imported (one row).
CREATE TABLE kev_catalog (
    id              integer PRIMARY KEY CHECK (id = 1),
    title           text,
    catalog_version text,
    date_released   text,
    count           bigint
);

CREATE TABLE epss (
    cve        text PRIMARY KEY,
    epss       double precision NOT NULL,
    percentile double precision NOT NULL,
    score_date date
);

-- VEX statements; org_id NULL for feed statements. doc is the VexStatement as JSON.
CREATE TABLE vex_statements (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id        uuid REFERENCES organisations (id) DEFERRABLE,
    source        text NOT NULL,
    vulnerability text NOT NULL,
    product_key   text NOT NULL,
    status        text NOT NULL,
    digest        text NOT NULL,
    doc           text NOT NULL,
    updated_at    bigint NOT NULL,
    CONSTRAINT vex_identity UNIQUE NULLS NOT DISTINCT (org_id, source, vulnerability, product_key)
);
CREATE INDEX vex_org ON vex_statements (org_id);

-- The vulnerability id and aliases of each statement.
CREATE TABLE vex_ids (
    vuln_id      text NOT NULL,
    statement_id bigint NOT NULL REFERENCES vex_statements (id) ON DELETE CASCADE DEFERRABLE,
    PRIMARY KEY (vuln_id, statement_id)
);
CREATE INDEX vex_ids_statement ON vex_ids (statement_id);

-- endoflife.date products; identifiers is a JSON array of {kind, value}.
CREATE TABLE eol_products (
    product     text PRIMARY KEY,
    title       text,
    category    text,
    identifiers text NOT NULL,
    digest      text NOT NULL
);

-- Release cycles in source order; the support fields hold a date 'YYYY-MM-DD' or 'true'/'false'.
CREATE TABLE eol_releases (
    product             text NOT NULL REFERENCES eol_products (product) ON DELETE CASCADE DEFERRABLE,
    position            integer NOT NULL,
    cycle               text NOT NULL,
    codename            text,
    release_date        date,
    eol                 text,
    eoas                text,
    eoes                text,
    lts                 text,
    latest              text,
    latest_release_date date,
    PRIMARY KEY (product, position)
);

-- Conditional-download state per feed URL.
CREATE TABLE feed_sources (
    url           text PRIMARY KEY,
    name          text NOT NULL,
    etag          text,
    last_modified text,
    version       text,
    last_checked  bigint,
    last_success  bigint,
    last_error    text,
    bytes         bigint
);
