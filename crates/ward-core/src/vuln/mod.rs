//! Vulnerability intelligence as plain data: advisories and the packages they affect, SBOMs and
//! their components, VEX statements, exploitation signals (KEV, EPSS, CVSS) and end-of-life dates.
//!
//! These types are what `ward-feeds` parses every external format into and what the exposure engine
//! matches. They do no I/O and read no clock. Field names follow the OSV schema where OSV has the
//! concept (`ranges[].type`, `events`, `introduced`, `fixed`, `last_affected`, `limit`, `versions`), so
//! an OSV `affected` entry maps 1:1 and serialises back to OSV's wire form.

pub mod advisory;
pub mod cvss;
pub mod eol;
pub mod names;
pub mod sbom;
pub mod signals;
pub mod vex;

pub use advisory::{
    Advisory, AdvisorySource, Affected, CpeMatch, Event, PackageRef, Range, RangeKind, Reference, Severity,
    SeverityKind, VendorProduct,
};
pub use cvss::{CvssBand, CvssError, CvssV3, CvssV4, CvssVector};
pub use eol::{EolDate, EolProduct, EolRelease, ProductIdentifier};
pub use sbom::{Component, DependencyEdge, Sbom, SbomFormat};
pub use signals::{EpssHeader, EpssScore, KevCatalog, KevEntry};
pub use vex::{Justification, ProductRef, VexStatement, VexStatus};
