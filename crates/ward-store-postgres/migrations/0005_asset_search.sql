-- Indexed asset search (see `src/search.rs`): trigram GIN indexes serve case-insensitive substring
-- matches (ILIKE '%text%') on asset names, hostnames and software names. Software is searched in
-- the small `software` table first and reaches assets through `asset_software_software`.
-- One organisation's asset list already has `assets_org (org_id, name, id)`.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX assets_name_trgm ON assets USING gin (name gin_trgm_ops);
CREATE INDEX assets_hostname_trgm ON assets USING gin (hostname gin_trgm_ops);
CREATE INDEX software_name_trgm ON software USING gin (name gin_trgm_ops);
