-- The asset trigram index without per-row column sizes, filled by the insert path instead of a
-- trigger.
--
-- Why: an import adds about 40,000 assets in multi-row INSERTs of 150 rows. With the per-row
-- trigger of migration 0005 the index added 0.14 s of CPU per 40,000 assets to 0.20 s of inserts
-- (sqlite3 shell, the same statements); written once per batch with INSERT ... SELECT over the new
-- asset numbers it adds 0.04 s. `columnsize=0` drops the per-row token counts FTS5 keeps for ranking,
-- which Ward never does (results are ordered by name).
--
-- Who keeps `asset_text` in step now: `insert_assets` indexes each batch it writes
-- (`search::index_assets`), a restore rebuilds the whole index, and the triggers below handle
-- updates and deletes. Code that inserts into `assets` any other way must index the rows too.

DROP TRIGGER assets_text_insert;
DROP TRIGGER assets_text_delete;
DROP TRIGGER assets_text_update;
DROP TABLE asset_text;

CREATE VIRTUAL TABLE asset_text USING fts5 (
    name, hostname, content = 'assets', content_rowid = 'num', tokenize = 'trigram', detail = none,
    columnsize = 0
);
INSERT INTO asset_text (asset_text) VALUES ('rebuild');

CREATE TRIGGER assets_text_delete AFTER DELETE ON assets BEGIN
    INSERT INTO asset_text (asset_text, rowid, name, hostname) VALUES ('delete', old.num, old.name, old.hostname);
END;
CREATE TRIGGER assets_text_update AFTER UPDATE OF num, name, hostname ON assets BEGIN
    INSERT INTO asset_text (asset_text, rowid, name, hostname) VALUES ('delete', old.num, old.name, old.hostname);
    INSERT INTO asset_text (rowid, name, hostname) VALUES (new.num, new.name, new.hostname);
END;
