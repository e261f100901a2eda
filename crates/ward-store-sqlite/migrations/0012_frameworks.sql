-- Assurance frameworks (CAF 3.2, CAF 4.0, Cyber Essentials...) as versioned reference data. The
-- parsed framework is kept whole as a JSON document; the digest of that document tells an import
-- of the same content (which changes nothing) from a changed one.
CREATE TABLE frameworks (
    id          TEXT NOT NULL,
    version     TEXT NOT NULL,
    name        TEXT NOT NULL,
    format      TEXT NOT NULL,
    outcomes    INTEGER NOT NULL,
    indicators  INTEGER NOT NULL,
    digest      TEXT NOT NULL,
    document    TEXT NOT NULL,
    imported_at INTEGER NOT NULL,
    PRIMARY KEY (id, version)
);
