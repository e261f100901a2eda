-- Cyber alerts: the alert, each targeted organisation's record (its affected assets, its clocks
-- and its answers) and the timeline. Lists (advisories, actions, references, assets) are JSON
-- arrays kept as text.
CREATE TABLE alerts (
    id                 uuid PRIMARY KEY,
    severity           text NOT NULL,
    title              text NOT NULL,
    summary            text NOT NULL,
    advisories         text NOT NULL,
    actions            text NOT NULL,
    reference_links    text NOT NULL,
    tlp                text NOT NULL,
    issuer_id          uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    area_id            uuid REFERENCES organisations (id) DEFERRABLE,
    issued_by          text NOT NULL,
    issued_at          bigint NOT NULL,
    acknowledge_hours  bigint NOT NULL,
    first_update_hours bigint NOT NULL,
    remediate_days     bigint NOT NULL,
    kev_due            date
);
CREATE INDEX alerts_issued ON alerts (issued_at);

CREATE TABLE alert_recipients (
    alert_id             uuid NOT NULL REFERENCES alerts (id) DEFERRABLE,
    org_id               uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    reason               text NOT NULL,
    assets               text NOT NULL,
    targeted_at          bigint NOT NULL,
    acknowledge_by       bigint NOT NULL,
    first_update_by      bigint NOT NULL,
    remediate_by         bigint NOT NULL,
    acknowledged_at      bigint,
    applicability        text,
    applicability_reason text,
    first_update_at      bigint,
    closed_at            bigint,
    close_reason         text,
    PRIMARY KEY (alert_id, org_id)
);
CREATE INDEX alert_recipients_org ON alert_recipients (org_id);

-- org_id: the organisation an entry concerns; NULL for the issue itself.
CREATE TABLE alert_events (
    alert_id uuid NOT NULL REFERENCES alerts (id) DEFERRABLE,
    seq      bigint NOT NULL,
    org_id   uuid REFERENCES organisations (id) DEFERRABLE,
    at       bigint NOT NULL,
    kind     text NOT NULL,
    actor    text NOT NULL,
    note     text,
    PRIMARY KEY (alert_id, seq)
);
