-- Every request with a bearer token reads the token, its owner's state and all the owner's grants
-- in one query (`token_with_owner`). This index returns the grants in `ORDER BY created_at, id`
-- order and carries the other columns that query reads, so an owner with many grants is read by an
-- index-only scan, without a sort. It replaces role_grants (user_id, created_at), which it makes
-- redundant. Measured in BENCHMARKS.md (issue 6).
CREATE INDEX role_grants_owner_covering
    ON role_grants (user_id, created_at, id) INCLUDE (role, org_id, expires_at, granted_by);
DROP INDEX role_grants_user;
