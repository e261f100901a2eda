-- Profiles (minimum standards): a target status per outcome for one category of organisation,
-- against one framework version; every publication is a new numbered version, kept.
CREATE TABLE profiles (
    framework         TEXT NOT NULL,
    framework_version TEXT NOT NULL,
    category          TEXT NOT NULL,
    version           INTEGER NOT NULL,
    effective_from    TEXT NOT NULL,
    targets           TEXT NOT NULL,
    published_at      INTEGER NOT NULL,
    PRIMARY KEY (framework, framework_version, category, version),
    FOREIGN KEY (framework, framework_version) REFERENCES frameworks (id, version)
);
