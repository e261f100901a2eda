-- Asset link rows (asset_software, asset_services) without foreign keys, as on PostgreSQL
-- (its migration 0004).
--
-- Why: SQLite checks a foreign key on every inserted row by looking the parent up. The two keys
-- of asset_software (asset, software) cost 0.08-0.10 s of the 0.27 s it takes to write 200,000
-- links (measured with the same multi-row statements, with and without the REFERENCES clauses).
--
-- What keeps the links consistent instead (the store is the only writer of these tables):
--   * insert_assets writes links only for the assets it has just inserted in the same
--     transaction, after checking that every organisation and service exists inside the caller's
--     scope, with software ids it has just inserted or read;
--   * update_asset replaces the links of an asset it has just read inside its write transaction,
--     and delete_asset removes them itself (there is no cascade any more);
--   * services and software rows are never deleted. Code that starts deleting them must remove or
--     refuse their links first;
--   * restore turns each link's asset id into a number with a lookup that yields NULL, refused by
--     NOT NULL, for a missing asset, and then checks software and service ids with one set-based
--     query per table (`assets::check_link_rows`).
-- SQLite cannot drop a constraint, so both tables are rebuilt; their rows and indexes stay the same.

CREATE TABLE asset_services_unchecked (
    asset_num  INTEGER NOT NULL,
    position   INTEGER NOT NULL,
    service_id TEXT NOT NULL,
    PRIMARY KEY (asset_num, position)
) WITHOUT ROWID;
INSERT INTO asset_services_unchecked (asset_num, position, service_id)
    SELECT asset_num, position, service_id FROM asset_services;
DROP TABLE asset_services;
ALTER TABLE asset_services_unchecked RENAME TO asset_services;
CREATE INDEX asset_services_service ON asset_services (service_id);

CREATE TABLE asset_software_unchecked (
    asset_num   INTEGER NOT NULL,
    position    INTEGER NOT NULL,
    software_id INTEGER NOT NULL,
    source      TEXT NOT NULL,
    PRIMARY KEY (asset_num, position)
) WITHOUT ROWID;
INSERT INTO asset_software_unchecked (asset_num, position, software_id, source)
    SELECT asset_num, position, software_id, source FROM asset_software;
DROP TABLE asset_software;
ALTER TABLE asset_software_unchecked RENAME TO asset_software;
-- The inverted index from a package to the assets that carry it.
CREATE INDEX asset_software_software ON asset_software (software_id, asset_num);
