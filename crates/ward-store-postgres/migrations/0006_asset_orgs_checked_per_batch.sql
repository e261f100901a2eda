-- assets.org_id without its per-row foreign-key trigger: the organisations of an import are
-- checked and locked once per batch instead.
--
-- Why: the foreign key ran one lookup-and-lock of the organisation per inserted asset, 0.13-0.18 s
-- of RI triggers for 40,000 assets that name 200 organisations (EXPLAIN ANALYZE of the same
-- insert with and without the constraint), a tenth of the whole import.
--
-- What keeps assets.org_id pointing at an organisation instead:
--   * insert_assets checks that every organisation of the batch exists inside the caller's scope
--     and then takes FOR KEY SHARE on those organisation rows, in id order, in one statement:
--     the same lock the foreign key took, once per organisation instead of once per asset, held
--     to the end of the transaction;
--   * update_asset refuses to change an asset's organisation;
--   * organisations are never deleted and their ids never change. Code that starts deleting them
--     must deal with their assets first;
--   * restore checks assets.org_id set-based after loading (`assets::check_loaded_rows`).
-- Every other tenant table keeps its foreign key to organisations.

ALTER TABLE assets DROP CONSTRAINT assets_org_id_fkey;
