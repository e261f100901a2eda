//! ward-app
