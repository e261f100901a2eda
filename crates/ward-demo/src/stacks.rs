//! Software stacks and device types: what a server of each role runs, which medical devices sit in
//! which clinical area, and how a sector product shows up as installed software.

use crate::catalogue::{self as cat, Posture, Slot};
use crate::suppliers::{self, ProductKey, SUPPLIERS};
use rand::Rng;
use rand_chacha::ChaCha8Rng;
use ward_core::asset::{InstalledSoftware, SoftwareSource};

/// The installed record of one of the catalogue's sector products, at a current or stale version.
pub(crate) fn install_product(
    key: ProductKey,
    rng: &mut ChaCha8Rng,
    posture: Posture,
) -> Option<InstalledSoftware> {
    let spec = suppliers::spec(key);
    let stale = !spec.stale.is_empty()
        && rng.random_bool(match posture {
            Posture::Good => 0.06,
            Posture::Typical => 0.15,
            Posture::Poor => 0.35,
        });
    let list = if stale || spec.current.is_empty() {
        spec.stale
    } else {
        spec.current
    };
    let version = *list.get(rng.random_range(0..list.len().max(1)))?;
    Some(InstalledSoftware {
        name: spec.name.to_owned(),
        vendor: SUPPLIERS.get(spec.supplier).map(|s| s.name.to_owned()),
        version: version.to_owned(),
        purl: None,
        cpe: Some(spec.cpe_at(version)),
        source: SoftwareSource::Demo,
    })
}

/// The kinds of server this generator builds, each with its software stack.
#[derive(Clone, Copy)]
pub(crate) enum ServerRole {
    Application,
    Database,
    Web,
    DomainController,
    File,
    Integration,
    LinuxWeb,
    Analytics,
}

impl ServerRole {
    pub(crate) const ALL: [ServerRole; 8] = [
        Self::Application,
        Self::Database,
        Self::Web,
        Self::DomainController,
        Self::File,
        Self::Integration,
        Self::LinuxWeb,
        Self::Analytics,
    ];
    pub(crate) fn label(self) -> &'static str {
        match self {
            Self::Application => "Application server",
            Self::Database => "Database server",
            Self::Web => "Web server",
            Self::DomainController => "Domain controller",
            Self::File => "File and print server",
            Self::Integration => "Integration engine",
            Self::LinuxWeb => "Linux web server",
            Self::Analytics => "Analytics server",
        }
    }
    pub(crate) fn stack(self) -> &'static [&'static Slot] {
        use cat::*;
        match self {
            Self::Application => &[
                &WINDOWS_SERVER_OS,
                &DEFENDER,
                &VCREDIST,
                &DOTNET,
                &JAVA_RUNTIME,
                &LOG4J,
                &JACKSON,
                &SPRING_CORE,
                &TOMCAT,
                &OPENSSL,
            ],
            Self::Database => &[
                &WINDOWS_SERVER_OS,
                &DEFENDER,
                &VCREDIST,
                &DOTNET,
                &SQL_SERVER,
                &OPENSSL,
            ],
            Self::Web => &[&WINDOWS_SERVER_OS, &DEFENDER, &DOTNET, &IIS, &OPENSSL, &VCREDIST],
            Self::DomainController => &[&WINDOWS_SERVER_OS, &DEFENDER, &VCREDIST, &DOTNET, &ARCHIVER],
            Self::File => &[
                &WINDOWS_SERVER_OS,
                &DEFENDER,
                &VCREDIST,
                &DOTNET,
                &ARCHIVER,
                &PDF_READER,
            ],
            Self::Integration => &[
                &LINUX_OS,
                &OPENSSL,
                &OPENSSH,
                &JAVA_RUNTIME,
                &LOG4J,
                &JACKSON,
                &POSTGRES,
            ],
            Self::LinuxWeb => &[
                &LINUX_OS,
                &OPENSSL,
                &OPENSSH,
                &WEB_SERVER,
                &NODE,
                &LODASH,
                &EXPRESS,
                &AXIOS,
            ],
            Self::Analytics => &[
                &LINUX_OS, &OPENSSL, &OPENSSH, &POSTGRES, &REQUESTS, &URLLIB3, &DJANGO,
            ],
        }
    }
}

/// Medical devices found in the area of each service.
pub(crate) fn devices_for(slug: &str) -> &'static [&'static str] {
    match slug {
        "ed" => &[
            "Patient monitor",
            "Infusion pump",
            "Point-of-care blood analyser",
            "ECG cart",
        ],
        "radiology" => &[
            "CT scanner console",
            "MRI console",
            "Digital X-ray workstation",
            "Ultrasound system",
        ],
        "pathology" => &["Haematology analyser", "Chemistry analyser", "Blood gas analyser"],
        "transfusion" => &["Blood grouping analyser", "Blood bank fridge monitor"],
        "maternity" => &["CTG fetal monitor", "Infusion pump", "Neonatal incubator"],
        "theatres" => &["Anaesthesia workstation", "Infusion pump", "Surgical video tower"],
        "pharmacy" => &["Dispensing robot controller", "Aseptic unit monitor"],
        "dispatch" | "nhs111" | "transport" => &["Defibrillator monitor", "Vehicle mobile data terminal"],
        "appointments" | "prescribing" | "referrals" => &["ECG machine", "Spirometer workstation"],
        _ => &["Patient monitor", "Vital signs monitor"],
    }
}

pub(crate) const DEVICE_VENDORS: [&str; 4] = [
    "Halcyon Medical",
    "Vireo Diagnostics",
    "Northstar Imaging",
    "Aurora Devices",
];

pub(crate) const TRUST_SYSTEMS: [&str; 8] = [
    "Bed management",
    "Theatre scheduling",
    "Maternity information system",
    "Pharmacy stock control",
    "Electronic rostering",
    "Document management",
    "Clinical coding",
    "Patient flow dashboard",
];
