-- Suppliers' advisories about their own products (issue 9, item 6). The advisory as the exposure
-- index will match it and its actions are JSON kept as text; an embargoed advisory has no
-- released_at until it is released (by the national team, or by Ward at embargo_until), and the
-- alert issued from it is recorded once released. An organisation's consent to be named to
-- suppliers is one row per organisation (no row: not named).

CREATE TABLE supplier_advisories (
    id            TEXT PRIMARY KEY NOT NULL,
    supplier_id   TEXT NOT NULL REFERENCES organisations (id),
    title         TEXT NOT NULL,
    severity      TEXT NOT NULL,
    format        TEXT NOT NULL,
    advisory      TEXT NOT NULL,
    actions       TEXT NOT NULL,
    embargo_until TEXT,
    published_by  TEXT NOT NULL,
    published_at  INTEGER NOT NULL,
    released_at   INTEGER,
    released_by   TEXT,
    alert_id      TEXT REFERENCES alerts (id)
);
CREATE INDEX supplier_advisories_supplier ON supplier_advisories (supplier_id, published_at);
CREATE INDEX supplier_advisories_embargo ON supplier_advisories (embargo_until) WHERE released_at IS NULL;

CREATE TABLE org_naming_consent (
    org_id       TEXT PRIMARY KEY NOT NULL REFERENCES organisations (id),
    may_be_named INTEGER NOT NULL,
    changed_by   TEXT NOT NULL,
    changed_at   INTEGER NOT NULL
);
