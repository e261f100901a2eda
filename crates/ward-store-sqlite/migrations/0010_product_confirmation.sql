-- A supplier speaks (VEX) only for products a national role has confirmed as its own. Products
-- already stored cannot show who listed them, so they start unconfirmed and are reviewed again;
-- products national roles list (imports, the demo) are written as confirmed.
ALTER TABLE products ADD COLUMN status TEXT NOT NULL DEFAULT 'unconfirmed'
    CHECK (status IN ('unconfirmed', 'confirmed', 'rejected'));
CREATE INDEX products_status ON products (status, supplier_id);
