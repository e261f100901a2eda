//! ward-store-sqlite
