-- The signed head of the audit chain: one row, (last seq, last hash, MAC with the instance key's
-- audit-head sub-key), updated in the same transaction as every append (ward_store::keys). It is
-- also where an append finds the record to link to. `ward audit verify` checks that the chain ends
-- exactly here, so deleting the newest records or rewriting the chain shows without the key.
CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq INTEGER NOT NULL,
    hash TEXT NOT NULL,
    mac TEXT NOT NULL
);
