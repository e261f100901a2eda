-- Suppliers' advisories about their own products (issue 9, item 6). The advisory as the exposure
-- index will match it and its actions are JSON kept as text; an embargoed advisory has no
-- released_at until it is released (by the national team, or by Ward at embargo_until), and the
-- alert issued from it is recorded once released. An organisation's consent to be named to
-- suppliers is one row per organisation (no row: not named).

CREATE TABLE supplier_advisories (
    id            text PRIMARY KEY,
    supplier_id   uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    title         text NOT NULL,
    severity      text NOT NULL,
    format        text NOT NULL,
    advisory      text NOT NULL,
    actions       text NOT NULL,
    embargo_until date,
    published_by  text NOT NULL,
    published_at  bigint NOT NULL,
    released_at   bigint,
    released_by   text,
    alert_id      uuid REFERENCES alerts (id) DEFERRABLE
);
CREATE INDEX supplier_advisories_supplier ON supplier_advisories (supplier_id, published_at);
CREATE INDEX supplier_advisories_embargo ON supplier_advisories (embargo_until) WHERE released_at IS NULL;

CREATE TABLE org_naming_consent (
    org_id       uuid PRIMARY KEY REFERENCES organisations (id) DEFERRABLE,
    may_be_named boolean NOT NULL,
    changed_by   text NOT NULL,
    changed_at   bigint NOT NULL
);
