//! ward-demo
