-- Cyber alerts: the alert, each targeted organisation's record (its affected assets, its clocks
-- and its answers) and the timeline. Lists (advisories, actions, references, assets) are JSON
-- arrays kept as text.
CREATE TABLE alerts (
    id                 TEXT PRIMARY KEY NOT NULL,
    severity           TEXT NOT NULL,
    title              TEXT NOT NULL,
    summary            TEXT NOT NULL,
    advisories         TEXT NOT NULL,
    actions            TEXT NOT NULL,
    reference_links    TEXT NOT NULL,
    tlp                TEXT NOT NULL,
    issuer_id          TEXT NOT NULL REFERENCES organisations (id),
    area_id            TEXT REFERENCES organisations (id),
    issued_by          TEXT NOT NULL,
    issued_at          INTEGER NOT NULL,
    acknowledge_hours  INTEGER NOT NULL,
    first_update_hours INTEGER NOT NULL,
    remediate_days     INTEGER NOT NULL,
    kev_due            TEXT
);
CREATE INDEX alerts_issued ON alerts (issued_at);

CREATE TABLE alert_recipients (
    alert_id             TEXT NOT NULL REFERENCES alerts (id),
    org_id               TEXT NOT NULL REFERENCES organisations (id),
    reason               TEXT NOT NULL,
    assets               TEXT NOT NULL,
    targeted_at          INTEGER NOT NULL,
    acknowledge_by       INTEGER NOT NULL,
    first_update_by      INTEGER NOT NULL,
    remediate_by         INTEGER NOT NULL,
    acknowledged_at      INTEGER,
    applicability        TEXT,
    applicability_reason TEXT,
    first_update_at      INTEGER,
    closed_at            INTEGER,
    close_reason         TEXT,
    PRIMARY KEY (alert_id, org_id)
);
CREATE INDEX alert_recipients_org ON alert_recipients (org_id);

-- org_id: the organisation an entry concerns; NULL for the issue itself.
CREATE TABLE alert_events (
    alert_id TEXT NOT NULL REFERENCES alerts (id),
    seq      INTEGER NOT NULL,
    org_id   TEXT REFERENCES organisations (id),
    at       INTEGER NOT NULL,
    kind     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    note     TEXT,
    PRIMARY KEY (alert_id, seq)
);
