-- Indexed asset search and per-organisation asset lists (see `src/search.rs`).
--
-- `asset_text` and `software_text` are FTS5 indexes of trigrams over assets (name, hostname) and
-- software names. They are external-content tables: they store only the index, the text stays in
-- `assets`/`software`, and the triggers below keep them in step in the same transaction as every
-- insert, update and delete (a restore too). `detail=none` keeps just the row ids per trigram, the
-- smallest index: a search asks for rows holding every trigram of the query and then checks the real
-- substring with LIKE on the base table, so false candidates never reach a result.

CREATE VIRTUAL TABLE asset_text USING fts5 (
    name, hostname, content = 'assets', content_rowid = 'num', tokenize = 'trigram', detail = none
);
INSERT INTO asset_text (asset_text) VALUES ('rebuild');

CREATE TRIGGER assets_text_insert AFTER INSERT ON assets BEGIN
    INSERT INTO asset_text (rowid, name, hostname) VALUES (new.num, new.name, new.hostname);
END;
CREATE TRIGGER assets_text_delete AFTER DELETE ON assets BEGIN
    INSERT INTO asset_text (asset_text, rowid, name, hostname) VALUES ('delete', old.num, old.name, old.hostname);
END;
CREATE TRIGGER assets_text_update AFTER UPDATE OF num, name, hostname ON assets BEGIN
    INSERT INTO asset_text (asset_text, rowid, name, hostname) VALUES ('delete', old.num, old.name, old.hostname);
    INSERT INTO asset_text (rowid, name, hostname) VALUES (new.num, new.name, new.hostname);
END;

CREATE VIRTUAL TABLE software_text USING fts5 (
    name, content = 'software', content_rowid = 'id', tokenize = 'trigram', detail = none
);
INSERT INTO software_text (software_text) VALUES ('rebuild');

CREATE TRIGGER software_text_insert AFTER INSERT ON software BEGIN
    INSERT INTO software_text (rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER software_text_delete AFTER DELETE ON software BEGIN
    INSERT INTO software_text (software_text, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER software_text_update AFTER UPDATE OF id, name ON software BEGIN
    INSERT INTO software_text (software_text, rowid, name) VALUES ('delete', old.id, old.name);
    INSERT INTO software_text (rowid, name) VALUES (new.id, new.name);
END;

-- One organisation's assets in list order (`org_id = ? ORDER BY name, id`) straight from an index;
-- it also serves every lookup by org_id alone, so it replaces `assets_org`.
CREATE INDEX assets_org_name ON assets (org_id, name, id);
DROP INDEX assets_org;
