//! The built-in scenario library, written for Ward. Each scenario is modelled on a pattern in
//! `DOMAIN.md` (three real incidents and three common threats) and uses only the facts given
//! there; the injects are what a facilitator reads out, in the order and at the time offsets a
//! three-to-four-hour tabletop exercise would use.

use super::{ExerciseKind, ExerciseRole, Inject, Scenario, ScenarioId};
use ExerciseRole::*;

fn inject(offset_minutes: u32, target: ExerciseRole, text: &str, expected: &str) -> Inject {
    Inject {
        offset_minutes,
        target,
        text: text.to_owned(),
        expected: expected.to_owned(),
    }
}

fn texts(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| (*s).to_owned()).collect()
}

/// The scenario a built-in id names.
pub(super) fn scenario(id: ScenarioId) -> Scenario {
    match id {
        ScenarioId::Wannacry2017 => Scenario {
            id,
            title: "Worm across unpatched systems".into(),
            modelled_on: "WannaCry, May 2017".into(),
            summary: "A self-spreading ransomware worm reaches many sites independently through one \
                      unpatched, unsupported operating system. In 2017 a third of trusts and hundreds of \
                      GP practices were disrupted, diagnostic devices were infected, appointments were \
                      cancelled and ambulances diverted; no national exercise had ever been run."
                .into(),
            kind: ExerciseKind::Tabletop,
            objectives: texts(&[
                "Find every system still running an unsupported operating system within the first hour",
                "Decide when to isolate the network, and who may decide it out of hours",
                "Keep emergency and diagnostic services going on paper while devices are rebuilt",
                "Report to the national team and the regulators inside their clocks",
            ]),
            roles: vec![
                IncidentLead,
                ItOnCall,
                Executive,
                ClinicalLead,
                Communications,
                RegionalCoordinator,
            ],
            injects: vec![
                inject(
                    0,
                    ItOnCall,
                    "Service desk: three wards report screens showing a ransom demand; the same message appears on an imaging workstation.",
                    "Start the incident process, isolate the affected machines and call the incident lead.",
                ),
                inject(
                    20,
                    IncidentLead,
                    "The national team warns that a worm is spreading between organisations through a known operating system flaw.",
                    "Check the asset register for unsupported and unpatched systems and decide whether to cut external links.",
                ),
                inject(
                    45,
                    ClinicalLead,
                    "Radiology cannot read scans: several diagnostic devices run the affected operating system.",
                    "Invoke the downtime procedure for diagnostics and decide which patients to divert.",
                ),
                inject(
                    70,
                    Executive,
                    "The emergency department asks to divert ambulances to a neighbouring hospital.",
                    "Decide on diversion with the region and record who decided and why.",
                ),
                inject(
                    100,
                    Communications,
                    "Local press ask whether operations are cancelled and whether patient data was taken.",
                    "Agree a holding statement with the incident lead; say what is known and when the next update is.",
                ),
                inject(
                    140,
                    RegionalCoordinator,
                    "Twenty GP practices in the ICB report the same ransom screen.",
                    "Coordinate mutual aid across the ICB and share what is known with the region.",
                ),
                inject(
                    180,
                    IncidentLead,
                    "A patch and a way to stop the worm spreading are published.",
                    "Plan patching and rebuild in order of clinical priority, and set the recovery checkpoints.",
                ),
            ],
        },
        ScenarioId::Advanced2022 => Scenario {
            id,
            title: "Shared software platform lost".into(),
            modelled_on: "Advanced (Adastra) ransomware, August 2022".into(),
            summary: "Ransomware takes down a software platform that many organisations share. In 2022 \
                      attackers came in through a customer account without multi-factor authentication; \
                      the platform served about 85% of NHS 111 services, and mental health and care \
                      records were unavailable for weeks."
                .into(),
            kind: ExerciseKind::Tabletop,
            objectives: texts(&[
                "Run urgent care and records on paper for weeks, not hours",
                "Agree with the supplier how and when it will be safe to reconnect",
                "Check which of our own supplier accounts lack multi-factor authentication",
                "Rebuild the records backlog without losing clinical information",
            ]),
            roles: vec![
                IncidentLead,
                SupplierManager,
                ClinicalLead,
                BusinessContinuity,
                InformationGovernance,
                Communications,
            ],
            injects: vec![
                inject(
                    0,
                    ClinicalLead,
                    "The urgent care system stops responding; call handlers cannot see patient records or book callbacks.",
                    "Move call handling to the paper downtime forms and tell the incident lead.",
                ),
                inject(
                    15,
                    SupplierManager,
                    "The supplier confirms a ransomware attack and has taken its hosted platform offline; no date for return.",
                    "Open the contract's incident terms, ask for the indicators of compromise and a named contact.",
                ),
                inject(
                    40,
                    IncidentLead,
                    "The supplier says the attackers entered through a customer account that had no multi-factor authentication.",
                    "Check our own accounts on the platform and on other supplier portals; disable or protect any without a second factor.",
                ),
                inject(
                    90,
                    BusinessContinuity,
                    "Day three: paper processes are holding, but staff are tiring and the backlog is growing.",
                    "Review rotas and the continuity plan for a weeks-long outage; decide what stops and what continues.",
                ),
                inject(
                    150,
                    InformationGovernance,
                    "The supplier cannot yet say whether patient data was copied.",
                    "Decide on reporting to the ICO within 72 hours and record the reasoning.",
                ),
                inject(
                    210,
                    SupplierManager,
                    "Week four: the supplier offers to reconnect a rebuilt platform.",
                    "Agree the assurance needed before reconnecting, and plan back-entry of records kept on paper.",
                ),
            ],
        },
        ScenarioId::Synnovis2024 => Scenario {
            id,
            title: "Shared pathology supplier lost".into(),
            modelled_on: "Synnovis pathology ransomware, June 2024".into(),
            summary: "Ransomware stops the pathology service several trusts and GP services depend on. In \
                      2024 two London trusts and GP services in six boroughs lost pathology and blood \
                      transfusion; over 10,000 outpatient appointments and 1,693 elective procedures \
                      were postponed in ten weeks; core systems came back after about ten weeks."
                .into(),
            kind: ExerciseKind::StressTest,
            objectives: texts(&[
                "Keep blood transfusion safe without the laboratory information system",
                "Decide which elective work to postpone, and how to tell patients",
                "Find another laboratory with spare capacity through the region",
                "Plan for an outage of ten weeks, not ten days",
            ]),
            roles: vec![
                IncidentLead,
                ClinicalLead,
                SupplierManager,
                RegionalCoordinator,
                Executive,
                Communications,
            ],
            injects: vec![
                inject(
                    0,
                    ClinicalLead,
                    "Pathology results stop arriving; the laboratory reports its systems encrypted.",
                    "Switch to urgent-only testing by phone and paper, and tell the incident lead.",
                ),
                inject(
                    20,
                    ClinicalLead,
                    "Blood transfusion cannot match blood electronically; stocks of universal donor blood are falling.",
                    "Move to emergency blood protocols and ask the region for blood stock support.",
                ),
                inject(
                    60,
                    Executive,
                    "Theatres ask whether tomorrow's elective list goes ahead.",
                    "Decide which procedures to postpone on clinical priority and record the decision.",
                ),
                inject(
                    100,
                    RegionalCoordinator,
                    "GP practices in six boroughs cannot send routine blood tests.",
                    "Arrange mutual aid from another laboratory and tell practices what to send where.",
                ),
                inject(
                    150,
                    SupplierManager,
                    "The supplier estimates several weeks before core systems are back.",
                    "Plan for a long outage: staffing, a second supplier, and reporting to the national team.",
                ),
                inject(
                    200,
                    Communications,
                    "Patients call asking whether their appointment is cancelled.",
                    "Publish clear advice on what is postponed and how patients will be contacted.",
                ),
            ],
        },
        ScenarioId::RegionalDdos => Scenario {
            id,
            title: "Denial of service on a regional network".into(),
            modelled_on: "A distributed denial-of-service attack on a shared regional network".into(),
            summary: "Floods of traffic make a network shared by the organisations of a region unusable: \
                      online booking, shared records and links to national services slow down or stop, \
                      while local systems keep working."
                .into(),
            kind: ExerciseKind::Tabletop,
            objectives: texts(&[
                "Tell an attack from an ordinary outage, and know who runs the shared network",
                "Keep the services that need the network going on local systems",
                "Coordinate one response across the region instead of one per organisation",
            ]),
            roles: vec![
                NetworkTeam,
                ItOnCall,
                IncidentLead,
                RegionalCoordinator,
                Communications,
            ],
            injects: vec![
                inject(
                    0,
                    ItOnCall,
                    "Staff report that shared records and online booking are very slow; local systems are fine.",
                    "Check the local network, log the symptoms and call the network team.",
                ),
                inject(
                    20,
                    NetworkTeam,
                    "Traffic on the regional link is many times its normal peak, from thousands of addresses.",
                    "Contact the network provider to filter the traffic and tell the incident lead it is an attack.",
                ),
                inject(
                    45,
                    RegionalCoordinator,
                    "Other organisations in the region report the same slowdown.",
                    "Open a regional call, agree one incident lead for the shared network and one line to the public.",
                ),
                inject(
                    80,
                    IncidentLead,
                    "Links to national services fail intermittently; prescriptions and referrals queue.",
                    "Switch to the fallback routes and paper processes for referrals and prescriptions.",
                ),
                inject(
                    120,
                    Communications,
                    "A group claims the attack on social media and threatens to continue.",
                    "Share the claim with the national team and avoid amplifying it in public messages.",
                ),
            ],
        },
        ScenarioId::Insider => Scenario {
            id,
            title: "Insider misuse of access".into(),
            modelled_on: "A member of staff misusing legitimate access".into(),
            summary: "A member of staff with legitimate access looks up and copies records they have no \
                      reason to see, and is about to leave the organisation."
                .into(),
            kind: ExerciseKind::Tabletop,
            objectives: texts(&[
                "Spot unusual access early from the audit trail",
                "Remove access quickly and fairly, with human resources involved",
                "Decide on reporting a personal data breach within 72 hours",
            ]),
            roles: vec![
                InformationGovernance,
                HumanResources,
                IncidentLead,
                ItOnCall,
                Executive,
            ],
            injects: vec![
                inject(
                    0,
                    InformationGovernance,
                    "The audit report shows one account viewed several hundred records outside its team last week.",
                    "Preserve the audit evidence and open a confidential investigation with the incident lead.",
                ),
                inject(
                    30,
                    HumanResources,
                    "The account belongs to someone who has resigned and leaves on Friday.",
                    "Agree with the incident lead how and when to suspend access, following the disciplinary policy.",
                ),
                inject(
                    60,
                    ItOnCall,
                    "The same account downloaded a large export to a personal storage service.",
                    "Suspend the account now, block the storage service and keep the logs.",
                ),
                inject(
                    100,
                    Executive,
                    "A patient complains that a stranger knew details of their treatment.",
                    "Decide on reporting to the ICO and on telling the patients affected.",
                ),
            ],
        },
        ScenarioId::MedicalDevice => Scenario {
            id,
            title: "Compromised medical device".into(),
            modelled_on: "Malware on networked medical devices".into(),
            summary:
                "Networked medical devices run outdated software that cannot be patched quickly; one is \
                      infected and starts scanning the network. In 2017 over a thousand diagnostic \
                      devices were infected by one worm."
                    .into(),
            kind: ExerciseKind::LivePlay,
            objectives: texts(&[
                "Know where every networked medical device is and what software it runs",
                "Isolate a device safely without harming the patient using it",
                "Work with the manufacturer on a fix and keep the clinical safety record up to date",
            ]),
            roles: vec![
                ClinicalEngineering,
                ItOnCall,
                ClinicalLead,
                SupplierManager,
                IncidentLead,
            ],
            injects: vec![
                inject(
                    0,
                    ItOnCall,
                    "Monitoring shows an infusion pump gateway scanning other machines on the clinical network.",
                    "Find the device in the asset register and call clinical engineering.",
                ),
                inject(
                    20,
                    ClinicalEngineering,
                    "The gateway runs an operating system the manufacturer no longer supports.",
                    "Isolate the gateway and check which pumps depend on it, with the clinical lead.",
                ),
                inject(
                    45,
                    ClinicalLead,
                    "Ward staff ask whether pumps in use are safe to continue.",
                    "Decide on manual programming and extra checks; record the clinical safety decision.",
                ),
                inject(
                    90,
                    SupplierManager,
                    "The manufacturer says a fix will take six weeks.",
                    "Agree interim controls (network separation, monitoring) and record the risk.",
                ),
                inject(
                    130,
                    IncidentLead,
                    "Two more devices of the same model are found at another site.",
                    "Share the indicators with the region and the national team.",
                ),
            ],
        },
    }
}
