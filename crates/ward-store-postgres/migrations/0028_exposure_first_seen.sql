-- When Ward first saw an organisation exposed to a vulnerability (named as people know it: its CVE
-- where it has one). The default remediation clock of an exposure no alert covers counts from
-- here. Written once per pair; a later sighting leaves it alone.

CREATE TABLE exposure_first_seen (
    org_id        uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    vulnerability text NOT NULL,
    first_seen_at bigint NOT NULL,
    PRIMARY KEY (org_id, vulnerability)
);
