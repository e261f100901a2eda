//! Suppliers and their products. Sector-specific suppliers are invented (none is named after a
//! supplier from a real incident); infrastructure vendors are real, because their products, CPEs and
//! advisories are what exposure matching works on.
//!
//! Market shares are skewed on purpose, mirroring how concentrated the real market is: one urgent care
//! platform behind most NHS 111 services, two GP clinical systems behind nearly every practice, one
//! pathology partnership behind a whole city.

use ward_core::supplier::ProductCategory;

/// A supplier organisation.
pub(crate) struct SupplierSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub postcode: Option<&'static str>,
}

/// A product, with the versions customers run: `current` are supported releases, `stale` are old ones.
/// Infrastructure products leave both empty: their installed versions come from the software catalogue,
/// which carries each version's exact CPE.
pub(crate) struct ProductSpec {
    pub key: ProductKey,
    pub supplier: usize,
    pub name: &'static str,
    pub category: ProductCategory,
    /// CPE 2.3 vendor and product parts, e.g. `("citrix", "netscaler_application_delivery_controller")`.
    pub cpe: (&'static str, &'static str),
    pub part: char,
    pub current: &'static [&'static str],
    pub stale: &'static [&'static str],
}

impl ProductSpec {
    /// The product's CPE with any version (`*`), as recorded on the product.
    pub(crate) fn cpe_any(&self) -> String {
        format!(
            "cpe:2.3:{}:{}:{}:*:*:*:*:*:*:*:*",
            self.part, self.cpe.0, self.cpe.1
        )
    }
    /// The CPE of one installed version.
    pub(crate) fn cpe_at(&self, version: &str) -> String {
        format!(
            "cpe:2.3:{}:{}:{}:{}:*:*:*:*:*:*:*",
            self.part, self.cpe.0, self.cpe.1, version
        )
    }
}

/// Every product in the catalogue; `key as usize` is its index in [`PRODUCTS`] and in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ProductKey {
    MeridianEpr,
    KestrelRecord,
    LumenEpr,
    HarbourRecord,
    BeaconMentalHealth,
    CapitalLab,
    VeritasLims,
    ClearpathLims,
    LucentPacs,
    PrismRisPacs,
    BeaconUrgentCare,
    CompassUrgentCare,
    PinnacleGp,
    QuillPractice,
    VantageGp,
    HearthCareRecords,
    WillowEmar,
    TandemCarePlanner,
    BeaconCareRecords,
    BridgewayRemote,
    NorthlineHscn,
    SentinelCad,
    NetScalerAdc,
    FortiGate,
    ConnectSecure,
    ExchangeServer,
    Esxi,
    MoveitTransfer,
}

#[rustfmt::skip]
pub(crate) const SUPPLIERS: [SupplierSpec; 26] = [
    SupplierSpec { code: "8MH01", name: "Meridian Health Systems Ltd", postcode: Some("LS1 4AP") },
    SupplierSpec { code: "8KH02", name: "Kestrel Health Informatics Ltd", postcode: Some("B3 2RT") },
    SupplierSpec { code: "8LC03", name: "Lumen Clinical Software Ltd", postcode: Some("M2 5BQ") },
    SupplierSpec { code: "8HS04", name: "Harbourside Systems Ltd", postcode: Some("BS1 6XN") },
    SupplierSpec { code: "8CP05", name: "Capital Pathology Partnership LLP", postcode: Some("SE1 9RT") },
    SupplierSpec { code: "8VD06", name: "Veritas Diagnostics Software Ltd", postcode: Some("CB4 0WS") },
    SupplierSpec { code: "8CL07", name: "Clearpath Laboratory Systems Ltd", postcode: Some("NG7 2RD") },
    SupplierSpec { code: "8LI08", name: "Lucent Imaging Ltd", postcode: Some("RG1 3BE") },
    SupplierSpec { code: "8PR09", name: "Prism Radiology Systems Ltd", postcode: Some("OX4 2JY") },
    SupplierSpec { code: "8BC10", name: "Beacon Clinical Software Ltd", postcode: Some("EC2A 4NE") },
    SupplierSpec { code: "8CC11", name: "Compass Clinical Systems Ltd", postcode: Some("S1 2HE") },
    SupplierSpec { code: "8PP12", name: "Pinnacle Primary Care Systems Ltd", postcode: Some("LS11 5DL") },
    SupplierSpec { code: "8QH13", name: "Quill Health Ltd", postcode: Some("HX1 1UB") },
    SupplierSpec { code: "8VM14", name: "Vantage Medical Software Ltd", postcode: Some("GL50 1TA") },
    SupplierSpec { code: "8HD15", name: "Hearth Digital Care Ltd", postcode: Some("NE1 3DY") },
    SupplierSpec { code: "8WC16", name: "Willow Care Technology Ltd", postcode: Some("CV1 2WT") },
    SupplierSpec { code: "8TS17", name: "Tandem Social Care Software Ltd", postcode: Some("BN1 1AE") },
    SupplierSpec { code: "8BR18", name: "Bridgeway Remote Ltd", postcode: Some("MK9 2FA") },
    SupplierSpec { code: "8NN19", name: "Northline Networks Ltd", postcode: Some("WA1 1QN") },
    SupplierSpec { code: "8SD20", name: "Sentinel Dispatch Systems Ltd", postcode: Some("DE1 3QT") },
    // Real infrastructure vendors (no address: the demo invents nothing about them but their products).
    SupplierSpec { code: "8MS21", name: "Microsoft", postcode: None },
    SupplierSpec { code: "8CT22", name: "Citrix (Cloud Software Group)", postcode: None },
    SupplierSpec { code: "8FT23", name: "Fortinet", postcode: None },
    SupplierSpec { code: "8IV24", name: "Ivanti", postcode: None },
    SupplierSpec { code: "8VW25", name: "VMware (Broadcom)", postcode: None },
    SupplierSpec { code: "8PG26", name: "Progress Software", postcode: None },
];

/// Index of the supplier whose products every demo city depends on for pathology.
pub(crate) const PATHOLOGY_SUPPLIER: usize = 4;
const MICROSOFT: usize = 20;
const CITRIX: usize = 21;
const FORTINET: usize = 22;
const IVANTI: usize = 23;
const VMWARE: usize = 24;
const PROGRESS: usize = 25;

macro_rules! product {
    ($key:ident, $sup:expr, $name:literal, $cat:ident, $part:literal, $v:literal, $p:literal, [$($cur:literal),*], [$($old:literal),*]) => {
        ProductSpec {
            key: ProductKey::$key,
            supplier: $sup,
            name: $name,
            category: ProductCategory::$cat,
            cpe: ($v, $p),
            part: $part,
            current: &[$($cur),*],
            stale: &[$($old),*],
        }
    };
}

#[rustfmt::skip]
pub(crate) const PRODUCTS: [ProductSpec; 28] = [
    product!(MeridianEpr, 0, "Meridian EPR", ElectronicPatientRecord, 'a', "meridian_health_systems", "meridian_epr", ["2024.3", "2025.1"], ["2021.4", "2022.2"]),
    product!(KestrelRecord, 1, "Kestrel Clinical Record", ElectronicPatientRecord, 'a', "kestrel_health", "kestrel_clinical_record", ["9.4.2", "9.5.0"], ["8.7.1"]),
    product!(LumenEpr, 2, "Lumen EPR", ElectronicPatientRecord, 'a', "lumen_clinical", "lumen_epr", ["12.2", "12.3"], ["10.9"]),
    product!(HarbourRecord, 3, "Harbour Community Record", ElectronicPatientRecord, 'a', "harbourside", "harbour_community_record", ["6.1.4", "6.2.0"], ["5.3.9"]),
    product!(BeaconMentalHealth, 9, "Beacon Mental Health Notes", ElectronicPatientRecord, 'a', "beacon_clinical", "beacon_mental_health_notes", ["4.8", "5.0"], ["4.2"]),
    product!(CapitalLab, PATHOLOGY_SUPPLIER, "CapitalLab LIMS", Pathology, 'a', "capital_pathology", "capitallab_lims", ["7.3.1", "7.4.0"], ["6.9.2"]),
    product!(VeritasLims, 5, "Veritas LIMS", Pathology, 'a', "veritas_diagnostics", "veritas_lims", ["2023.2", "2024.1"], ["2019.4"]),
    product!(ClearpathLims, 6, "Clearpath LIMS", Pathology, 'a', "clearpath_laboratory", "clearpath_lims", ["11.0.3", "11.1.0"], ["9.8.7"]),
    product!(LucentPacs, 7, "Lucent PACS", Imaging, 'a', "lucent_imaging", "lucent_pacs", ["8.2", "8.3"], ["7.0"]),
    product!(PrismRisPacs, 8, "Prism RIS-PACS", Imaging, 'a', "prism_radiology", "prism_ris_pacs", ["5.5.1", "5.6.0"], ["4.1.3"]),
    product!(BeaconUrgentCare, 9, "Beacon Urgent Care", UrgentCarePlatform, 'a', "beacon_clinical", "beacon_urgent_care", ["3.14", "3.15"], ["3.9"]),
    product!(CompassUrgentCare, 10, "Compass Urgent Care", UrgentCarePlatform, 'a', "compass_clinical", "compass_urgent_care", ["2.7.0"], ["2.3.5"]),
    product!(PinnacleGp, 11, "Pinnacle GP", GpClinicalSystem, 'a', "pinnacle_primary_care", "pinnacle_gp", ["9.12", "9.13"], ["9.8"]),
    product!(QuillPractice, 12, "Quill Practice", GpClinicalSystem, 'a', "quill_health", "quill_practice", ["24.3", "25.1"], ["22.4"]),
    product!(VantageGp, 13, "Vantage GP", GpClinicalSystem, 'a', "vantage_medical", "vantage_gp", ["4.2.0"], ["3.9.1"]),
    product!(HearthCareRecords, 14, "Hearth Care Records", CareManagement, 'a', "hearth_digital_care", "hearth_care_records", ["5.4", "5.5"], ["4.9"]),
    product!(WillowEmar, 15, "Willow eMAR", CareManagement, 'a', "willow_care", "willow_emar", ["3.2.1", "3.3.0"], ["2.8.4"]),
    product!(TandemCarePlanner, 16, "Tandem Care Planner", CareManagement, 'a', "tandem_social_care", "tandem_care_planner", ["2025.2"], ["2022.1"]),
    product!(BeaconCareRecords, 9, "Beacon Care Records", CareManagement, 'a', "beacon_clinical", "beacon_care_records", ["6.0"], ["5.2"]),
    product!(BridgewayRemote, 17, "Bridgeway Remote Support", RemoteAccess, 'a', "bridgeway_remote", "bridgeway_remote_support", ["15.2.4", "15.3.0"], ["12.7.9"]),
    product!(NorthlineHscn, 18, "Northline HSCN Connect", Network, 'a', "northline_networks", "hscn_connect", ["4.1"], ["3.6"]),
    product!(SentinelCad, 19, "Sentinel CAD", Other, 'a', "sentinel_dispatch", "sentinel_cad", ["11.4", "11.5"], ["10.2"]),
    product!(NetScalerAdc, CITRIX, "Citrix NetScaler ADC", RemoteAccess, 'a', "citrix", "netscaler_application_delivery_controller", [], []),
    product!(FortiGate, FORTINET, "Fortinet FortiGate (FortiOS)", Network, 'o', "fortinet", "fortios", [], []),
    product!(ConnectSecure, IVANTI, "Ivanti Connect Secure", RemoteAccess, 'a', "ivanti", "connect_secure", [], []),
    product!(ExchangeServer, MICROSOFT, "Microsoft Exchange Server", Infrastructure, 'a', "microsoft", "exchange_server", [], []),
    product!(Esxi, VMWARE, "VMware ESXi", Infrastructure, 'o', "vmware", "esxi", [], []),
    product!(MoveitTransfer, PROGRESS, "Progress MOVEit Transfer", Other, 'a', "progress", "moveit_transfer", [], []),
];

/// The product spec for a key.
pub(crate) fn spec(key: ProductKey) -> &'static ProductSpec {
    &PRODUCTS[key as usize]
}

// Compile-time check that `PRODUCTS` is listed in `ProductKey` order, so `key as usize` indexes it.
const _: () = {
    let mut i = 0;
    while i < PRODUCTS.len() {
        assert!(
            PRODUCTS[i].key as usize == i,
            "PRODUCTS must be listed in ProductKey order"
        );
        i += 1;
    }
};
