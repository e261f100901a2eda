-- The read path at national scale: organisation paths and per-organisation counters.
--
-- 1. `organisations.path` is the materialised hierarchy: the codes from the top of the tree down to
--    the organisation, each followed by '/' (for example '/X26/Y56/QKK/RJZ/'). Codes are upper-case
--    letters and digits, so every character of a path sorts below '~' and the subtree of an
--    organisation whose path is P is the index range P <= path < P || '~'. `upsert_orgs` keeps it
--    (re-parenting rewrites the descendants in the same transaction); it is never empty.
--
-- 2. `org_rollups` holds, per organisation and metric, the count for the organisation itself (`own`)
--    and for its whole subtree (`subtree`, itself included). Every write that changes a count
--    changes these rows in the same transaction, so an overview is one short index read instead of
--    counting a million assets. Metrics (the Rust side in `src/rollups.rs` uses the same names):
--      services, services.clinical, services.critical (criticality 4 or 5),
--      assets, assets.kind.<asset kind>, assets.internet_facing, software.installs,
--      orgs.kind.<organisation kind> (1 for an open organisation of that kind).
--    Rows are created on first use and may hold zeros.

ALTER TABLE organisations ADD COLUMN path TEXT NOT NULL DEFAULT '';

WITH RECURSIVE p(id, path, depth) AS (
    SELECT id, '/' || code || '/', 0 FROM organisations WHERE parent_id IS NULL
    UNION ALL
    SELECT o.id, p.path || o.code || '/', p.depth + 1
      FROM organisations o JOIN p ON o.parent_id = p.id
     WHERE p.depth < 64
)
UPDATE organisations SET path = p.path FROM p WHERE organisations.id = p.id;

CREATE INDEX organisations_path ON organisations (path);

CREATE TABLE org_rollups (
    org_id  TEXT NOT NULL REFERENCES organisations (id),
    metric  TEXT NOT NULL,
    own     INTEGER NOT NULL DEFAULT 0,
    subtree INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, metric)
) WITHOUT ROWID;

INSERT INTO org_rollups (org_id, metric, own)
    SELECT org_id, metric, sum(n) FROM (
        SELECT org_id, 'services' AS metric, count(*) AS n FROM services GROUP BY org_id
        UNION ALL
        SELECT org_id, 'services.clinical', count(*) FROM services WHERE kind = 'clinical' GROUP BY org_id
        UNION ALL
        SELECT org_id, 'services.critical', count(*) FROM services WHERE criticality >= 4 GROUP BY org_id
        UNION ALL
        SELECT org_id, 'assets', count(*) FROM assets GROUP BY org_id
        UNION ALL
        SELECT org_id, 'assets.kind.' || kind, count(*) FROM assets GROUP BY org_id, kind
        UNION ALL
        SELECT org_id, 'assets.internet_facing', count(*) FROM assets WHERE internet_facing GROUP BY org_id
        UNION ALL
        SELECT a.org_id, 'software.installs', count(*)
          FROM asset_software x JOIN assets a ON a.num = x.asset_num GROUP BY a.org_id
        UNION ALL
        SELECT id, 'orgs.kind.' || kind, 1 FROM organisations WHERE closed IS NULL
    ) GROUP BY org_id, metric;

-- Subtree sums: every organisation gets the sum of `own` over the organisations in its path range.
INSERT INTO org_rollups (org_id, metric, own, subtree)
    SELECT a.id, r.metric, 0, sum(r.own)
      FROM organisations a
      JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~'
      JOIN org_rollups r ON r.org_id = d.id
     WHERE a.path <> ''
     GROUP BY a.id, r.metric
    ON CONFLICT (org_id, metric) DO UPDATE SET subtree = excluded.subtree;
