//! ward-store-postgres
