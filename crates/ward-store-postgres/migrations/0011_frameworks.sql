-- Assurance frameworks (CAF 3.2, CAF 4.0, Cyber Essentials...) as versioned reference data. The
-- parsed framework is kept whole as a JSON document; the digest of that document tells an import
-- of the same content (which changes nothing) from a changed one.
CREATE TABLE frameworks (
    id          text NOT NULL,
    version     text NOT NULL,
    name        text NOT NULL,
    format      text NOT NULL,
    outcomes    bigint NOT NULL,
    indicators  bigint NOT NULL,
    digest      text NOT NULL,
    document    text NOT NULL,
    imported_at bigint NOT NULL,
    PRIMARY KEY (id, version)
);
