-- The read path at national scale: organisation paths and per-organisation counters (the same design
-- as the SQLite backend's migration 0004; see `src/rollups.rs`).
--
-- 1. `organisations.path`: the codes from the top of the tree down to the organisation, each followed
--    by '/' ('/X26/Y56/QKK/RJZ/'). Codes are upper-case letters and digits, so in the "C" collation
--    every path character sorts below '~' and a subtree is the index range P <= path < P || '~'.
--    `ward_scope` now expands subtrees through that range instead of a recursive walk.
-- 2. `org_rollups`: per organisation and metric, the count for the organisation itself (`own`) and
--    for its subtree (`subtree`, itself included), kept in the transaction of every write that
--    changes them. Metrics: services, services.clinical, services.critical, assets,
--    assets.kind.<asset kind>, assets.internet_facing, software.installs, orgs.kind.<org kind>
--    (open organisations only).

ALTER TABLE organisations ADD COLUMN path text COLLATE "C" NOT NULL DEFAULT '';

WITH RECURSIVE p(id, path, depth) AS (
    SELECT id, '/' || code || '/', 0 FROM organisations WHERE parent_id IS NULL
  UNION ALL
    SELECT o.id, p.path || o.code || '/', p.depth + 1
      FROM organisations o JOIN p ON o.parent_id = p.id
     WHERE p.depth < 64
)
UPDATE organisations o SET path = p.path FROM p WHERE o.id = p.id;

CREATE INDEX organisations_path ON organisations (path);

-- The organisations a scope covers: every organisation ('all'), the listed ones ('orgs'), or the
-- listed ones and everything beneath them ('subtrees', one path range per root).
CREATE OR REPLACE FUNCTION ward_scope(mode text, roots uuid[]) RETURNS TABLE (id uuid)
LANGUAGE sql STABLE AS $$
    SELECT o.id FROM organisations o WHERE mode = 'all'
  UNION ALL
    SELECT o.id FROM organisations o WHERE mode = 'orgs' AND o.id = ANY (roots)
  UNION ALL
    SELECT d.id FROM organisations r
      JOIN organisations d ON d.path >= r.path AND d.path < r.path || '~'
     WHERE mode = 'subtrees' AND r.id = ANY (roots) AND r.path <> ''
$$;

CREATE TABLE org_rollups (
    org_id   uuid NOT NULL REFERENCES organisations (id) DEFERRABLE,
    metric   text NOT NULL,
    own      bigint NOT NULL DEFAULT 0,
    subtree  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, metric)
);

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
        SELECT org_id, 'software.installs', count(*) FROM asset_software GROUP BY org_id
      UNION ALL
        SELECT id, 'orgs.kind.' || kind, 1 FROM organisations WHERE closed IS NULL
    ) AS counted GROUP BY org_id, metric;

INSERT INTO org_rollups (org_id, metric, own, subtree)
    SELECT a.id, r.metric, 0, sum(r.own)
      FROM organisations a
      JOIN organisations d ON d.path >= a.path AND d.path < a.path || '~'
      JOIN org_rollups r ON r.org_id = d.id
     WHERE a.path <> ''
     GROUP BY a.id, r.metric
    ON CONFLICT (org_id, metric) DO UPDATE SET subtree = EXCLUDED.subtree;
