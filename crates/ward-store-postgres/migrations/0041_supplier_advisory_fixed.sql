-- What a supplier's advisory states fixed (issue 9 leftovers, item 1): the versions it names as
-- fixed, kept with the advisory and each revision as VEX statements (JSON list as text; NULL in
-- rows from before, read as none) and recorded as the supplier's VEX once it is released.

ALTER TABLE supplier_advisories ADD COLUMN fixed text;
ALTER TABLE supplier_advisory_revisions ADD COLUMN fixed text;
