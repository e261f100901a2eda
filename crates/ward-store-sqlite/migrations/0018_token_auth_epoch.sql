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
-- past any value a running server may have kept from the old one.

ALTER TABLE api_tokens ADD COLUMN auth_epoch INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET auth_epoch = CAST(unixepoch('subsec') * 1000000 AS INTEGER);

CREATE TRIGGER auth_epoch_token_insert AFTER INSERT ON api_tokens BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE id = NEW.id;
END;

-- `last_used_at` (written at most every five minutes per token) is not in the list: it decides
-- nothing.
CREATE TRIGGER auth_epoch_token_update
    AFTER UPDATE OF token_hash, created_by, role, org_id, expires_at, revoked_at ON api_tokens
    WHEN OLD.token_hash IS NOT NEW.token_hash OR OLD.created_by IS NOT NEW.created_by
      OR OLD.role IS NOT NEW.role OR OLD.org_id IS NOT NEW.org_id
      OR OLD.expires_at IS NOT NEW.expires_at OR OLD.revoked_at IS NOT NEW.revoked_at
BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE id = NEW.id;
END;

CREATE TRIGGER auth_epoch_owner_update AFTER UPDATE OF id, disabled ON users
    WHEN OLD.id IS NOT NEW.id OR OLD.disabled IS NOT NEW.disabled
BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE created_by IN (OLD.id, NEW.id);
END;

CREATE TRIGGER auth_epoch_owner_delete AFTER DELETE ON users BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE created_by = OLD.id;
END;

CREATE TRIGGER auth_epoch_grant_insert AFTER INSERT ON role_grants BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE created_by = NEW.user_id;
END;

CREATE TRIGGER auth_epoch_grant_update AFTER UPDATE ON role_grants BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE created_by IN (OLD.user_id, NEW.user_id);
END;

CREATE TRIGGER auth_epoch_grant_delete AFTER DELETE ON role_grants BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER))
     WHERE created_by = OLD.user_id;
END;

-- Organisation imports rewrite every field of the organisations they name: only a real change of
-- the tree moves the tokens. The check walks the tree by `parent_id`; `path` is derived from the
-- parents and codes, and a move changes it on every organisation beneath the one moved, so it is
-- left out: the moved organisation's new parent has moved every token already, and a path
-- rebuilt with no move (a restore, a renamed code) changes no verdict.
CREATE TRIGGER auth_epoch_tree_update AFTER UPDATE OF id, parent_id, kind ON organisations
    WHEN OLD.id IS NOT NEW.id OR OLD.parent_id IS NOT NEW.parent_id OR OLD.kind IS NOT NEW.kind
BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;

CREATE TRIGGER auth_epoch_tree_delete AFTER DELETE ON organisations BEGIN
    UPDATE api_tokens SET auth_epoch = max(auth_epoch + 1, CAST(unixepoch('subsec') * 1000000 AS INTEGER));
END;
