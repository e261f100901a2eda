-- Every request with a bearer token reads the token, its owner's state and all the owner's grants
-- in one query (`token_with_owner`). With an index on user_id alone, SQLite looked up each grant's
-- row in the table and then sorted the grants in a temporary B-tree for `ORDER BY created_at, id`.
-- This index holds every column that query reads, in that order, so SQLite reads the grants from
-- the index alone and needs no sort. It replaces the narrower index, which it makes redundant
-- (user_id leads both). Measured in BENCHMARKS.md (issue 6).
CREATE INDEX role_grants_owner_covering
    ON role_grants (user_id, created_at, id, role, org_id, expires_at, granted_by);
DROP INDEX role_grants_user;
