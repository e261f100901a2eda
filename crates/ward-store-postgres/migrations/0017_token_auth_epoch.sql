-- `api_tokens.auth_epoch`: a number on each token that moves forward, in the same transaction,
-- whenever anything that decides whether the token stands changes: the token row itself (revoked,
-- expiry, role, organisation, owner), its owner's account (disabled or enabled, deleted), any of
-- the owner's role grants (added, changed, including an expiry, or removed), and the organisation
-- tree (a parent or kind changed, or an organisation deleted: every token moves, since a grant on
-- a region covers whatever lies beneath it).
--
-- Each server keeps the verdict of the full check (token, owner, grants, ancestors) per token with
-- the epoch it was decided at, and on every request reads only the token row: the same epoch
-- means nothing the verdict rests on has changed (time aside, which the server checks itself), so
-- revocation stays immediate on every server without reading the owner and grants each time.
-- See `ward_app::accounts::verdicts` and docs/security.md.
--
-- Why triggers: the cache is only as immediate as the rarest write path that forgets to move the
-- epoch. Triggers move it on every write to these tables, whichever code makes it: the app, the
-- command line, a restore, a future path, or an operator's SQL.
--
-- The new value is the larger of the old one plus one and the clock in microseconds, so it never
-- goes back, and a database made again (a restore into a new database) starts from the clock,
-- past any value a running server may have kept from the old one. Concurrent writers serialise on
-- the token row, and the second one reads the first one's committed value.

CREATE FUNCTION ward_auth_epoch_after(previous bigint) RETURNS bigint
    LANGUAGE sql VOLATILE
    RETURN greatest(previous + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint);

ALTER TABLE api_tokens ADD COLUMN auth_epoch bigint NOT NULL DEFAULT ward_auth_epoch_after(0);

-- `last_used_at` (written at most every five minutes per token) is not in the list: it decides
-- nothing.
CREATE FUNCTION ward_auth_epoch_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.auth_epoch := ward_auth_epoch_after(OLD.auth_epoch);
    RETURN NEW;
END $$;

CREATE TRIGGER auth_epoch_token_update
    BEFORE UPDATE OF token_hash, created_by, role, org_id, expires_at, revoked_at ON api_tokens
    FOR EACH ROW
    WHEN (OLD.token_hash IS DISTINCT FROM NEW.token_hash OR OLD.created_by IS DISTINCT FROM NEW.created_by
          OR OLD.role IS DISTINCT FROM NEW.role OR OLD.org_id IS DISTINCT FROM NEW.org_id
          OR OLD.expires_at IS DISTINCT FROM NEW.expires_at OR OLD.revoked_at IS DISTINCT FROM NEW.revoked_at)
    EXECUTE FUNCTION ward_auth_epoch_token();

-- The tokens of the owner a row of `users` (column `id`) or `role_grants` (column `user_id`)
-- names, before and after the change (one function per table: a record has only its own fields).
CREATE FUNCTION ward_auth_epoch_user() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE api_tokens SET auth_epoch = ward_auth_epoch_after(auth_epoch) WHERE created_by = OLD.id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.id IS DISTINCT FROM OLD.id) THEN
        UPDATE api_tokens SET auth_epoch = ward_auth_epoch_after(auth_epoch) WHERE created_by = NEW.id;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION ward_auth_epoch_grant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE api_tokens SET auth_epoch = ward_auth_epoch_after(auth_epoch) WHERE created_by = OLD.user_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        UPDATE api_tokens SET auth_epoch = ward_auth_epoch_after(auth_epoch) WHERE created_by = NEW.user_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER auth_epoch_owner_update AFTER UPDATE OF id, disabled ON users
    FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.disabled IS DISTINCT FROM NEW.disabled)
    EXECUTE FUNCTION ward_auth_epoch_user();
CREATE TRIGGER auth_epoch_owner_delete AFTER DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION ward_auth_epoch_user();
CREATE TRIGGER auth_epoch_grant_change AFTER INSERT OR UPDATE OR DELETE ON role_grants
    FOR EACH ROW EXECUTE FUNCTION ward_auth_epoch_grant();

CREATE FUNCTION ward_auth_epoch_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE api_tokens SET auth_epoch = ward_auth_epoch_after(auth_epoch);
    RETURN NULL;
END $$;

-- Organisation imports rewrite every field of the organisations they name: only a real change of
-- the tree moves the tokens. The check walks the tree by `parent_id`; `path` is derived from the
-- parents and codes, and a move changes it on every organisation beneath the one moved, so it is
-- left out: the moved organisation's new parent has moved every token already, and a path
-- rebuilt with no move (a restore, a renamed code) changes no verdict.
CREATE TRIGGER auth_epoch_tree_update AFTER UPDATE OF id, parent_id, kind ON organisations
    FOR EACH ROW
    WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.parent_id IS DISTINCT FROM NEW.parent_id
          OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION ward_auth_epoch_all();
CREATE TRIGGER auth_epoch_tree_delete AFTER DELETE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION ward_auth_epoch_all();
