//! ward-testkit
