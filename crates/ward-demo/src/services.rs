//! Services each kind of organisation delivers, with NPSA criticality and daily throughput, and the
//! dependency rules that make outages cascade the way the real incidents did: trust services lean on
//! their EPR and the area's pathology (outpatient clinics too: they need blood results); practices on their GP system and the hub trust's pathology
//! service; 111 on the shared urgent care platform; care providers on their care-management system and
//! the prescribing GP practice.

use crate::key::Key;
use crate::sector::{CareType, Shape, TrustType};
use ward_core::ServiceId;
use ward_core::service::{ServiceKind, ThroughputUnit};

/// A service an organisation of some shape delivers.
pub(crate) struct Template {
    /// Stable short name, used in identifiers and in dependency rules.
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: ServiceKind,
    pub criticality: u8,
    /// Daily throughput of a mid-sized organisation; business services count 0.
    pub base: u32,
    pub unit: ThroughputUnit,
}

/// The purpose a product serves for an organisation (see `sector::Choices`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Need {
    Record,
    Pathology,
    Imaging,
    Urgent,
    Dispatch,
    Connectivity,
    RemoteSupport,
}

/// One dependency rule of a service.
pub(crate) enum Rule {
    /// The product the organisation uses for this need.
    Product(Need, &'static str),
    /// Another service of the same organisation.
    Own(&'static str, &'static str),
    /// The pathology service of the area's hub trust.
    HubPathology(&'static str),
    /// A service of the linked organisation (care provider: its GP practice; care site: its provider).
    Linked(&'static str, &'static str),
}

const fn t(
    slug: &'static str,
    name: &'static str,
    clinical: bool,
    criticality: u8,
    base: u32,
    appointments: bool,
) -> Template {
    Template {
        slug,
        name,
        kind: if clinical {
            ServiceKind::Clinical
        } else {
            ServiceKind::Business
        },
        criticality,
        base,
        unit: if appointments {
            ThroughputUnit::Appointments
        } else {
            ThroughputUnit::Patients
        },
    }
}

const FINANCE: Template = t("finance", "Finance and payroll", false, 2, 0, false);

const ACUTE: [Template; 9] = [
    t("ed", "Emergency department", true, 5, 280, false),
    t("pathology", "Pathology and blood sciences", true, 5, 1800, false),
    t("transfusion", "Blood transfusion", true, 5, 90, false),
    t("radiology", "Radiology and imaging", true, 4, 900, false),
    t("outpatients", "Outpatients", true, 3, 2500, true),
    t("maternity", "Maternity", true, 5, 120, false),
    t("theatres", "Theatres and elective surgery", true, 4, 80, false),
    t("pharmacy", "Pharmacy and medicines", true, 4, 1500, false),
    FINANCE,
];

const MENTAL_HEALTH: [Template; 5] = [
    t("mh_wards", "Inpatient mental health wards", true, 5, 300, false),
    t("cmht", "Community mental health teams", true, 4, 900, true),
    t("crisis", "Crisis line and home treatment", true, 5, 150, false),
    t("pharmacy", "Pharmacy and medicines", true, 4, 400, false),
    FINANCE,
];

const COMMUNITY: [Template; 4] = [
    t("district_nursing", "District nursing", true, 4, 1200, false),
    t("clinics", "Community clinics", true, 3, 1500, true),
    t("utc", "Urgent treatment centre", true, 4, 250, false),
    FINANCE,
];

const AMBULANCE: [Template; 4] = [
    t(
        "dispatch",
        "Emergency call handling and dispatch",
        true,
        5,
        3500,
        false,
    ),
    t("nhs111", "NHS 111 and clinical assessment", true, 5, 4000, false),
    t("transport", "Patient transport", true, 3, 1200, false),
    FINANCE,
];

const PRACTICE: [Template; 3] = [
    t("appointments", "GP appointments", true, 3, 180, true),
    t(
        "prescribing",
        "Prescribing and repeat medication",
        true,
        4,
        250,
        false,
    ),
    t("referrals", "Referrals and test requests", true, 3, 60, false),
];

const CARE_HOME_PROVIDER: [Template; 3] = [
    t("care_records", "Care records and care plans", true, 3, 40, false),
    t("emar", "Medication administration (eMAR)", true, 4, 40, false),
    t("rostering", "Staff rostering", false, 2, 0, false),
];

const HOME_CARE_PROVIDER: [Template; 3] = [
    t("care_records", "Visit notes and care plans", true, 3, 60, false),
    t("emar", "Medication administration (eMAR)", true, 4, 45, false),
    t("rostering", "Visit scheduling and rostering", false, 3, 0, false),
];

const CARE_HOME_SITE: [Template; 2] = [
    t("medication_rounds", "Medication rounds", true, 4, 30, false),
    t("care_planning", "Resident care planning", true, 3, 30, false),
];

const HOME_CARE_SITE: [Template; 2] = [
    t("home_visits", "Home care visits", true, 4, 70, false),
    t(
        "medication_rounds",
        "Medication prompts on visits",
        true,
        4,
        40,
        false,
    ),
];

const ICB: [Template; 2] = [
    t(
        "commissioning",
        "Commissioning and contracting",
        false,
        2,
        0,
        false,
    ),
    t("shared_record", "Shared care record", true, 3, 3000, false),
];

const REGION: [Template; 1] = [t(
    "oversight",
    "Regional operations and oversight",
    false,
    2,
    0,
    false,
)];

const NATIONAL: [Template; 2] = [
    t("csoc", "Cyber security operations centre", false, 3, 0, false),
    t("alerting", "National cyber alerting", false, 3, 0, false),
];

/// The services an organisation of this shape delivers.
pub(crate) fn templates(shape: Shape) -> &'static [Template] {
    match shape {
        Shape::National => &NATIONAL,
        Shape::Region => &REGION,
        Shape::Icb => &ICB,
        Shape::Trust(TrustType::Acute) => &ACUTE,
        Shape::Trust(TrustType::MentalHealth) => &MENTAL_HEALTH,
        Shape::Trust(TrustType::Community) => &COMMUNITY,
        Shape::Trust(TrustType::Ambulance) => &AMBULANCE,
        Shape::Practice => &PRACTICE,
        Shape::Provider {
            care: CareType::CareHome,
            ..
        } => &CARE_HOME_PROVIDER,
        Shape::Provider {
            care: CareType::HomeCare,
            ..
        } => &HOME_CARE_PROVIDER,
        Shape::Site(CareType::CareHome) => &CARE_HOME_SITE,
        Shape::Site(CareType::HomeCare) => &HOME_CARE_SITE,
        Shape::Supplier => &[],
    }
}

const EPR_DOWN: &str = "Paper notes and printed lists; results and orders by phone";
const LIMS_DOWN: &str = "Urgent samples only, couriered to another laboratory network";
const CLINIC_RESULTS_DOWN: &str =
    "Clinics go ahead without new blood results; those that need them are postponed";
const HUB_DOWN: &str = "Only urgent blood tests, by phone and courier; routine tests paused";
const PACS_DOWN: &str = "Images read on the scanner consoles, reports given by phone";
const URGENT_DOWN: &str = "Paper triage and call-backs; calls diverted to neighbouring services";
const CAD_DOWN: &str = "Manual dispatch with paper call cards and radio";
const GP_DOWN: &str = "Paper appointment lists and handwritten prescriptions";
const CARE_DOWN: &str = "Printed care plans and paper medication charts";
const PRESCRIBING_DOWN: &str = "Repeat medication requested from the practice by phone";
const OWN_DOWN: &str = "Point-of-care testing and manual workarounds only";
const NETWORK_DOWN: &str = "Mobile data and phone consultations only";
const SUPPORT_DOWN: &str = "No remote support from the supplier until the link is restored";

/// The dependency rules of a service, by slug.
pub(crate) fn rules(slug: &str) -> &'static [Rule] {
    use Need::*;
    use Rule::*;
    match slug {
        "ed" => &[
            Product(Record, EPR_DOWN),
            Own("pathology", OWN_DOWN),
            Own("radiology", OWN_DOWN),
        ],
        "pathology" => &[Product(Pathology, LIMS_DOWN), Product(Record, EPR_DOWN)],
        "transfusion" => &[Product(Pathology, LIMS_DOWN), Own("pathology", OWN_DOWN)],
        "radiology" => &[Product(Imaging, PACS_DOWN), Product(Record, EPR_DOWN)],
        // Clinics need blood results, as at the trusts Synnovis served in 2024.
        "outpatients" => &[Product(Record, EPR_DOWN), Own("pathology", CLINIC_RESULTS_DOWN)],
        "pharmacy" | "cmht" | "crisis" | "district_nursing" => &[Product(Record, EPR_DOWN)],
        "maternity" => &[
            Product(Record, EPR_DOWN),
            Own("pathology", OWN_DOWN),
            Own("transfusion", OWN_DOWN),
        ],
        "theatres" => &[
            Product(Record, EPR_DOWN),
            Own("transfusion", OWN_DOWN),
            Own("pathology", OWN_DOWN),
        ],
        "mh_wards" => &[Product(Record, EPR_DOWN), Own("pharmacy", OWN_DOWN)],
        "clinics" => &[Product(Record, EPR_DOWN), HubPathology(HUB_DOWN)],
        "utc" => &[
            Product(Urgent, URGENT_DOWN),
            Product(Record, EPR_DOWN),
            HubPathology(HUB_DOWN),
        ],
        "dispatch" | "transport" => &[Product(Dispatch, CAD_DOWN)],
        "nhs111" => &[Product(Urgent, URGENT_DOWN), Own("dispatch", CAD_DOWN)],
        "appointments" => &[Product(Record, GP_DOWN), Product(Connectivity, NETWORK_DOWN)],
        "prescribing" => &[Product(Record, GP_DOWN)],
        "referrals" => &[
            Product(Record, GP_DOWN),
            Product(Pathology, LIMS_DOWN),
            HubPathology(HUB_DOWN),
        ],
        "care_records" => &[Product(Record, CARE_DOWN), Product(RemoteSupport, SUPPORT_DOWN)],
        "emar" => &[
            Product(Record, CARE_DOWN),
            Linked("prescribing", PRESCRIBING_DOWN),
        ],
        "medication_rounds" => &[Linked("emar", CARE_DOWN)],
        "care_planning" => &[Linked("care_records", CARE_DOWN)],
        "home_visits" => &[Linked("care_records", CARE_DOWN), Linked("rostering", CARE_DOWN)],
        _ => &[],
    }
}

/// The identifier of an organisation's service: derived from the seed, the organisation's code and the
/// service's slug, so other organisations' inventories can point at it without generating it.
pub(crate) fn service_id(seed: u64, org_code: &str, slug: &str) -> ServiceId {
    ServiceId::from_uuid(Key::new(seed, "service").text(org_code).text(slug).uuid())
}
