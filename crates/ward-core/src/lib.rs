//! Ward's domain: identifiers, organisations and their hierarchy, services, assets, suppliers,
//! dependencies, roles, the NPSA risk language, TLP, and the audit chain. No I/O lives here.

pub mod account;
pub mod alert;
pub mod asset;
pub mod assurance;
pub mod audit;
pub mod certificate;
pub mod clock;
pub mod coordinated;
pub mod dependency;
pub mod deployment;
pub mod error;
pub mod exercise;
pub mod ids;
pub mod incident;
pub mod incident_reminder;
pub mod incident_task;
pub mod job;
pub mod keys;
pub mod local_time;
pub mod notice;
pub mod org;
pub mod questionnaire;
pub mod recovery;
pub mod risk;
pub mod role;
pub mod search;
pub mod service;
pub mod simulation;
pub mod spreadsheet;
pub mod supplier;
pub mod tech_assessment;
pub mod text;
pub mod tlp;
pub mod training;
pub mod vuln;

pub use error::ValidationError;
pub use ids::*;
