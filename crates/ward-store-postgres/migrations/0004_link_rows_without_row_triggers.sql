-- Asset link rows (asset_software, asset_services) without per-row foreign-key triggers, and
-- without the org_id indexes no query needs.
--
-- Why: PostgreSQL checks a foreign key with a trigger per inserted row that looks the parent up and
-- locks it (FOR KEY SHARE). An import of 40,000 assets writes 200,000 software links; their three
-- foreign keys (asset, software, organisation) took 3.3 s of the 5 s the import spent writing
-- links, each check costing more than the insert itself (EXPLAIN ANALYZE on the bulk INSERT).
-- The org_id indexes were read only by a count that now comes from org_rollups.
--
-- What keeps the links consistent instead (the store is the only writer of these tables):
--   * insert_assets writes links only for assets it inserted in the same transaction, after
--     checking that every organisation and service exists inside the caller's scope, with software
--     ids it has just inserted or read; the org_id of a link is its asset's organisation;
--   * update_asset replaces links only after locking the asset row (FOR NO KEY UPDATE), so a
--     concurrent delete waits; delete_asset removes the links itself (there is no cascade);
--   * organisations, services and software rows are never deleted. Code that starts deleting
--     them must remove or refuse their links first;
--   * restore checks every link row against assets, software and services with one set-based
--     query per table and refuses a backup whose rows do not fit (`backup.rs`).
-- The asset tables themselves keep their foreign keys.

ALTER TABLE asset_software
    DROP CONSTRAINT asset_software_asset_id_fkey,
    DROP CONSTRAINT asset_software_software_id_fkey,
    DROP CONSTRAINT asset_software_org_id_fkey;
DROP INDEX asset_software_org;

ALTER TABLE asset_services
    DROP CONSTRAINT asset_services_asset_id_fkey,
    DROP CONSTRAINT asset_services_service_id_fkey,
    DROP CONSTRAINT asset_services_org_id_fkey;
DROP INDEX asset_services_org;
