-- Profiles (minimum standards): a target status per outcome for one category of organisation,
-- against one framework version; every publication is a new numbered version, kept.
CREATE TABLE profiles (
    framework         text NOT NULL,
    framework_version text NOT NULL,
    category          text NOT NULL,
    version           bigint NOT NULL,
    effective_from    date NOT NULL,
    targets           text NOT NULL,
    published_at      bigint NOT NULL,
    PRIMARY KEY (framework, framework_version, category, version),
    FOREIGN KEY (framework, framework_version) REFERENCES frameworks (id, version) DEFERRABLE
);
