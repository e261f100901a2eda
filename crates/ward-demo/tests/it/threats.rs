//! The demo's threat data against the demo's own sector, through the real exposure engine: every
//! advisory exposes something, patched catalogue releases are not matched while unpatched ones are,
//! and every end-of-life product recognises the catalogue's software.

use crate::plan;
use jiff::civil::{Date, date};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use ward_core::AssetId;
use ward_core::asset::Asset;
use ward_core::vuln::{CvssVector, SeverityKind};
use ward_demo::{DemoThreats, Scale, threats};
use ward_engine::{EolCatalog, Inventory, Matches, Verdict, match_all, unsupported_software};

struct Sector {
    assets: Vec<Asset>,
    inventory: Inventory,
    data: DemoThreats,
    matches: Matches,
}

/// The region-scale sector of the default seed: the smallest that draws every catalogue family
/// (the small one has no stale NetScaler and no DrayTek router).
fn region() -> &'static Sector {
    static SECTOR: OnceLock<Sector> = OnceLock::new();
    SECTOR.get_or_init(|| sector(Scale::Region))
}

fn sector(scale: Scale) -> Sector {
    let p = plan(2017, scale);
    let assets: Vec<Asset> = (0..p.orgs.len()).flat_map(|i| p.inventory(i).assets).collect();
    let inventory = Inventory::build(
        assets
            .iter()
            .flat_map(|a| a.software.iter().map(move |s| (a.id, a.org, s))),
    );
    let data = threats();
    let matches = match_all(&inventory, &data.advisories);
    Sector {
        assets,
        inventory,
        data,
        matches,
    }
}

impl Sector {
    fn index(&self, id: &str) -> u32 {
        let i = self
            .data
            .advisories
            .iter()
            .position(|a| a.id == id)
            .unwrap_or_else(|| panic!("no demo advisory {id}"));
        u32::try_from(i).unwrap()
    }

    /// Assets exposed to advisory `id` (affected verdicts only).
    fn exposed(&self, id: &str) -> BTreeSet<AssetId> {
        self.matches
            .of_advisory(self.index(id))
            .iter()
            .filter(|m| m.verdict == Verdict::Affected)
            .flat_map(|m| m.assets(&self.inventory))
            .filter_map(|a| self.inventory.asset_id(*a))
            .collect()
    }

    /// Assets carrying software of this name and version.
    fn carriers(&self, name: &str, version: &str) -> BTreeSet<AssetId> {
        self.assets
            .iter()
            .filter(|a| a.software.iter().any(|s| s.name == name && s.version == version))
            .map(|a| a.id)
            .collect()
    }

    /// Every carrier of an `affected` release is exposed; no carrier of a `patched` release is
    /// (unless it also carries an affected one). Every release named must be in the sector.
    fn boundary(&self, id: &str, affected: &[(&str, &str)], patched: &[(&str, &str)]) {
        let exposed = self.exposed(id);
        let mut unpatched = BTreeSet::new();
        for (name, version) in affected {
            let c = self.carriers(name, version);
            assert!(!c.is_empty(), "{id}: the sector has no {name} {version}");
            let missed = c.difference(&exposed).count();
            assert_eq!(
                missed,
                0,
                "{id}: {missed} of {} assets with {name} {version} not exposed",
                c.len()
            );
            unpatched.extend(c);
        }
        for (name, version) in patched {
            let c: BTreeSet<AssetId> = self
                .carriers(name, version)
                .difference(&unpatched)
                .copied()
                .collect();
            assert!(
                !c.is_empty(),
                "{id}: the sector has no {name} {version} on its own"
            );
            let wrong = c.intersection(&exposed).count();
            assert_eq!(
                wrong, 0,
                "{id}: {wrong} assets with patched {name} {version} exposed"
            );
        }
    }
}

#[test]
fn every_advisory_exposes_part_of_the_sector_and_all_criteria_evaluate() {
    let s = region();
    assert!(
        s.data.advisories.len() >= 25,
        "{} advisories",
        s.data.advisories.len()
    );
    assert!(
        s.matches.notes.is_empty(),
        "unusable affected entries: {:?}",
        s.matches.notes
    );
    let undecided: Vec<_> = s
        .matches
        .matches
        .iter()
        .filter(|m| m.verdict != Verdict::Affected)
        .map(|m| (&s.data.advisories[m.advisory as usize].id, &m.verdict))
        .collect();
    assert!(undecided.is_empty(), "cannot evaluate: {undecided:?}");
    for a in &s.data.advisories {
        let exposed = s.exposed(&a.id);
        assert!(
            !exposed.is_empty(),
            "{} exposes nothing in the region sector",
            a.id
        );
    }
}

/// The sector `ward demo` loads by default. Its only NetScaler runs the patched 14.1-43.56, so the
/// two NetScaler advisories expose nothing there; every other advisory exposes something.
#[test]
fn small_sector_is_exposed_to_all_but_the_netscaler_advisories() {
    let s = sector(Scale::Small);
    let netscaler = ["CVE-2023-4966", "CVE-2025-5777"];
    let adc: BTreeSet<&str> = s
        .assets
        .iter()
        .flat_map(|a| &a.software)
        .filter(|sw| sw.name == "NetScaler ADC")
        .map(|sw| sw.version.as_str())
        .collect();
    assert_eq!(adc, BTreeSet::from(["14.1-43.56"]));
    for a in &s.data.advisories {
        let n = s.exposed(&a.id).len();
        if netscaler.contains(&a.id.as_str()) {
            assert_eq!(n, 0, "{} exposes the patched NetScaler", a.id);
        } else {
            assert!(n > 0, "{} exposes nothing in the small sector", a.id);
        }
    }
}

#[test]
fn patched_releases_are_not_matched_and_unpatched_ones_are() {
    let s = region();
    let adc = "NetScaler ADC";
    s.boundary(
        "CVE-2023-4966",
        &[(adc, "13.1-49.13")],
        &[(adc, "13.0-92.19"), (adc, "13.1-58.32"), (adc, "14.1-43.56")],
    );
    s.boundary(
        "CVE-2025-5777",
        &[(adc, "13.1-49.13"), (adc, "13.0-92.19")],
        &[(adc, "13.1-58.32"), (adc, "14.1-43.56")],
    );
    let fos = "FortiOS";
    let fos_current = [(fos, "7.2.11"), (fos, "7.4.8"), (fos, "7.6.3")];
    s.boundary(
        "CVE-2022-42475",
        &[(fos, "6.4.9")],
        &[&[(fos, "7.0.12"), (fos, "7.2.4")][..], &fos_current].concat(),
    );
    s.boundary(
        "CVE-2023-27997",
        &[(fos, "6.4.9"), (fos, "7.2.4")],
        &[&[(fos, "7.0.12")][..], &fos_current].concat(),
    );
    s.boundary(
        "CVE-2024-21762",
        &[(fos, "6.4.9"), (fos, "7.0.12"), (fos, "7.2.4")],
        &fos_current,
    );
    let l4j = "log4j-core";
    let l4j_current = [(l4j, "2.17.1"), (l4j, "2.20.0"), (l4j, "2.23.1")];
    s.boundary(
        "CVE-2021-44228",
        &[(l4j, "2.14.1")],
        &[&[(l4j, "2.16.0")][..], &l4j_current].concat(),
    );
    s.boundary(
        "CVE-2021-45105",
        &[(l4j, "2.14.1"), (l4j, "2.16.0")],
        &l4j_current,
    );
    let ssl = "OpenSSL";
    s.boundary(
        "CVE-2022-0778",
        &[(ssl, "1.1.1k"), (ssl, "1.0.2u")],
        &[(ssl, "1.1.1w"), (ssl, "3.0.2"), (ssl, "3.0.13")],
    );
    s.boundary(
        "CVE-2024-5535",
        &[(ssl, "3.0.13"), (ssl, "3.2.2"), (ssl, "1.1.1w")],
        &[(ssl, "3.0.15")],
    );
    let ssh = "OpenSSH";
    s.boundary(
        "CVE-2024-6387",
        &[(ssh, "9.6p1")],
        &[(ssh, "9.8p1"), (ssh, "7.4p1"), (ssh, "8.2p1")],
    );
    let mv = "MOVEit Transfer";
    s.boundary(
        "CVE-2023-34362",
        &[(mv, "2022.1.4")],
        &[(mv, "2023.0.6"), (mv, "2024.0.2")],
    );
    s.boundary(
        "CVE-2024-5806",
        &[(mv, "2023.0.6")],
        &[(mv, "2022.1.4"), (mv, "2024.0.2")],
    );
    let tc = "tomcat-embed-core";
    s.boundary(
        "CVE-2020-1938",
        &[(tc, "9.0.30")],
        &[(tc, "8.5.51"), (tc, "9.0.89"), (tc, "10.1.24")],
    );
    let u3 = "urllib3";
    s.boundary(
        "CVE-2024-37891",
        &[(u3, "1.26.4"), (u3, "1.24.1")],
        &[(u3, "1.26.19"), (u3, "2.2.2")],
    );
    let ex = "express";
    s.boundary(
        "CVE-2024-43796",
        &[(ex, "4.16.4"), (ex, "4.17.1"), (ex, "4.19.2")],
        &[(ex, "4.21.0")],
    );
    let w10 = "Windows 10 Enterprise 22H2";
    s.boundary(
        "CVE-2024-38063",
        &[
            (w10, "10.0.19045.2965"),
            ("Windows 10 Enterprise 21H2", "10.0.19044.3086"),
        ],
        &[
            (w10, "10.0.19045.5854"),
            ("Windows 10 IoT Enterprise LTSC 2021", "10.0.19044.5854"),
            ("Windows Server 2019 Standard", "10.0.17763.7314"),
        ],
    );
    let ics = "Ivanti Connect Secure";
    s.boundary(
        "CVE-2025-0282",
        &[(ics, "22.7R2.4")],
        &[(ics, "22.7R2.8"), (ics, "22.4R2.2")],
    );
    s.boundary(
        "CVE-2025-22457",
        &[(ics, "22.7R2.4"), (ics, "22.4R2.2")],
        &[(ics, "22.7R2.8")],
    );
    let xe = "Cisco IOS XE";
    s.boundary(
        "CVE-2023-20198",
        &[(xe, "16.12.4"), (xe, "17.3.1")],
        &[(xe, "17.9.5"), (xe, "17.12.3")],
    );
    s.boundary(
        "CVE-2022-41082",
        &[
            ("Microsoft Exchange Server 2016 CU23", "15.1.2507.6"),
            ("Microsoft Exchange Server 2019 CU11", "15.2.986.5"),
        ],
        &[
            ("Microsoft Exchange Server 2019 CU14", "15.2.1544.4"),
            ("Microsoft Exchange Server 2019 CU15", "15.2.1748.10"),
        ],
    );
    let esx = "VMware ESXi";
    s.boundary(
        "CVE-2021-21974",
        &[(esx, "6.5 Update 3"), (esx, "6.7 Update 3")],
        &[(esx, "7.0 Update 3"), (esx, "8.0 Update 3")],
    );
    s.boundary(
        "CVE-2024-37085",
        &[(esx, "7.0 Update 3")],
        &[(esx, "8.0 Update 3")],
    );
    let dt = "DrayTek Vigor 2865 firmware";
    s.boundary("CVE-2022-32548", &[(dt, "4.3.1.1")], &[(dt, "4.4.5.3")]);
}

/// Product and cycle of every unsupported item on `today`, with the assets carrying it.
fn unsupported(s: &Sector, today: Date) -> BTreeMap<(String, String), BTreeSet<AssetId>> {
    let catalog = EolCatalog::new(s.data.eol.clone());
    let mut out: BTreeMap<(String, String), BTreeSet<AssetId>> = BTreeMap::new();
    for item in unsupported_software(&catalog, &s.inventory, today) {
        let assets = item.assets.iter().filter_map(|a| s.inventory.asset_id(*a));
        out.entry((item.finding.product, item.finding.cycle))
            .or_default()
            .extend(assets);
    }
    out
}

#[test]
fn every_end_of_life_product_recognises_catalogue_software() {
    let s = region();
    // Far enough ahead that every dated cycle has ended: each product must flag something, which
    // proves the engine finds the product and a cycle for the catalogue's software.
    let later = unsupported(s, date(2040, 1, 1));
    let today = unsupported(s, date(2026, 6, 1));
    for p in &s.data.eol {
        assert!(
            later.keys().any(|(product, _)| *product == p.product),
            "{}: recognises no catalogue software",
            p.product
        );
        // On a fixed realistic date every product except RHEL (8 and 9 are supported) flags
        // something, and RHEL flags nothing.
        let flags = today.keys().any(|(product, _)| *product == p.product);
        assert_eq!(flags, p.product != "rhel", "{} on 2026-06-01", p.product);
    }
    let cycle = |product: &str, cycle: &str| {
        today
            .get(&(product.to_owned(), cycle.to_owned()))
            .cloned()
            .unwrap_or_default()
    };
    let flagged = [
        (
            "windows",
            "10-22h2",
            "Windows 10 Enterprise 22H2",
            "10.0.19045.2965",
        ),
        (
            "windows-server",
            "2012",
            "Windows Server 2012 R2 Standard",
            "6.3.9600",
        ),
        (
            "windows-server",
            "2008",
            "Windows Server 2008 R2 Standard SP1",
            "6.1.7601",
        ),
        (
            "msexchange",
            "2016",
            "Microsoft Exchange Server 2016 CU23",
            "15.1.2507.6",
        ),
        ("vmware-esxi", "6.5", "VMware ESXi", "6.5 Update 3"),
        ("centos", "7", "CentOS Linux 7", "7.9.2009"),
        ("ubuntu", "18.04", "Ubuntu 18.04 LTS", "18.04"),
        ("fortios", "6.4", "FortiOS", "6.4.9"),
        (
            "mssqlserver",
            "2014",
            "Microsoft SQL Server 2014 SP3",
            "12.0.6449.1",
        ),
        ("log4j", "1", "log4j", "1.2.17"),
        ("postgresql", "10", "PostgreSQL", "10.23"),
    ];
    for (product, c, name, version) in flagged {
        let carriers = s.carriers(name, version);
        assert!(!carriers.is_empty(), "the sector has no {name} {version}");
        assert!(
            carriers.is_subset(&cycle(product, c)),
            "{name} {version} not flagged as {product} {c}"
        );
    }
    // Supported releases: their cycle is found (it flags them in 2040) but not flagged today.
    let supported = [
        (
            "windows",
            "11-24h2-iot-lts",
            "Windows 11 Enterprise 24H2",
            "10.0.26100.4061",
        ),
        (
            "windows-server",
            "2022",
            "Windows Server 2022 Standard",
            "10.0.20348.3692",
        ),
        ("ubuntu", "24.04", "Ubuntu 24.04 LTS", "24.04"),
        ("rhel", "9", "Red Hat Enterprise Linux 9", "9.4"),
        ("vmware-esxi", "8.0", "VMware ESXi", "8.0 Update 3"),
        ("fortios", "7.4", "FortiOS", "7.4.8"),
        ("postgresql", "16", "PostgreSQL", "16.3"),
    ];
    for (product, c, name, version) in supported {
        let carriers = s.carriers(name, version);
        assert!(!carriers.is_empty(), "the sector has no {name} {version}");
        let key = (product.to_owned(), c.to_owned());
        let in_2040 = later.get(&key).cloned().unwrap_or_default();
        assert!(
            carriers.is_subset(&in_2040),
            "{name} {version} is not recognised as {product} {c}"
        );
        assert!(
            cycle(product, c).is_disjoint(&carriers),
            "{name} {version} flagged on 2026-06-01"
        );
    }
}

#[test]
fn facts_are_consistent() {
    let t = threats();
    assert_eq!(t, threats(), "deterministic");
    let ids: BTreeSet<&str> = t.advisories.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids.len(), t.advisories.len(), "unique ids");
    for a in &t.advisories {
        assert!(a.id.starts_with("CVE-"), "{}", a.id);
        assert!(
            a.aliases.iter().all(|g| g.starts_with("GHSA-") && g.len() == 19),
            "{}: {:?}",
            a.id,
            a.aliases
        );
        assert!(!a.affected.is_empty() && a.published.is_some(), "{}", a.id);
        assert!(a.summary.as_deref().is_some_and(|s| s.len() > 10), "{}", a.id);
        for sev in &a.severity {
            let parsed = CvssVector::parse(&sev.score).unwrap_or_else(|e| panic!("{}: {e}", a.id));
            if sev.kind == SeverityKind::CvssV3 {
                let computed = parsed.base_score().unwrap();
                assert!(
                    (computed - sev.base_score.unwrap()).abs() < 0.05,
                    "{}: vector scores {computed}, stated {:?}",
                    a.id,
                    sev.base_score
                );
            }
        }
    }
    assert_eq!(t.epss.len(), t.advisories.len());
    assert!(
        t.epss
            .iter()
            .all(|e| (0.0..=1.0).contains(&e.epss) && (0.0..=1.0).contains(&e.percentile))
    );
    assert_eq!(t.kev_catalog.count, Some(t.kev.len() as u64));
    for k in &t.kev {
        assert!(ids.contains(k.cve.as_str()));
        assert!(k.due_date.is_some_and(|d| d >= k.date_added), "{}", k.cve);
    }
    let products: BTreeSet<&str> = t.eol.iter().map(|p| p.product.as_str()).collect();
    assert_eq!(products.len(), t.eol.len(), "unique products");
}

/// The KEV facts against CISA's catalogue in `../shared/data` (a snapshot of 2025-08-25), when the
/// checkout has it beside it.
#[test]
fn kev_entries_agree_with_cisa_catalogue() {
    let Some(path) = crate::skip::shared_data("kev/known_exploited_vulnerabilities.json") else {
        return;
    };
    let text = std::fs::read_to_string(&path).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let real: BTreeMap<&str, &serde_json::Value> = json["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["cveID"].as_str().unwrap(), v))
        .collect();
    let t = threats();
    for a in &t.advisories {
        let demo = t.kev.iter().find(|k| k.cve == a.id);
        match (demo, real.get(a.id.as_str())) {
            (Some(k), Some(r)) => {
                assert_eq!(
                    k.date_added.to_string(),
                    r["dateAdded"].as_str().unwrap(),
                    "{} dateAdded",
                    a.id
                );
                assert_eq!(
                    k.due_date.map(|d| d.to_string()).as_deref(),
                    r["dueDate"].as_str(),
                    "{} dueDate",
                    a.id
                );
                assert_eq!(
                    k.known_ransomware,
                    r["knownRansomwareCampaignUse"] == "Known",
                    "{} ransomware",
                    a.id
                );
            }
            (None, None) => {}
            (Some(_), None) => panic!("{} is marked KEV but CISA does not list it", a.id),
            (None, Some(_)) => panic!("{} is in CISA's catalogue but has no demo KEV entry", a.id),
        }
    }
}

/// Issue 11 saw "218 unsupported" open 273 rows: the demo's OpenSSL and log4j are recorded with a
/// package URL and a CPE, and each was listed once per identifier. On the demo sector every asset
/// now appears once per unsupported release and version, whichever identifier found it.
#[test]
fn each_asset_is_unsupported_once_per_installed_release() {
    let s = region();
    let catalog = EolCatalog::new(s.data.eol.clone());
    let found = unsupported_software(&catalog, &s.inventory, date(2026, 6, 1));
    let version = |software: ward_engine::eol::SoftwareRef| match software {
        ward_engine::eol::SoftwareRef::PackageVersion(v) => s
            .inventory
            .versions()
            .get(v as usize)
            .map(|r| s.inventory.text(r.version).to_owned()),
        ward_engine::eol::SoftwareRef::Cpe(c) => s
            .inventory
            .cpes()
            .get(c as usize)
            .and_then(|c| c.version_text().map(str::to_owned)),
        ward_engine::eol::SoftwareRef::Named(n) => s
            .inventory
            .named()
            .get(n as usize)
            .map(|r| s.inventory.text(r.version).to_owned()),
    };
    let mut rows: BTreeMap<(u32, String, String, Option<String>), usize> = BTreeMap::new();
    for item in &found {
        for a in &item.assets {
            let key = (
                *a,
                item.finding.product.clone(),
                item.finding.cycle.clone(),
                version(item.software),
            );
            *rows.entry(key).or_default() += 1;
        }
    }
    let twice: Vec<_> = rows.iter().filter(|(_, n)| **n > 1).take(5).collect();
    assert!(twice.is_empty(), "listed more than once: {twice:?}");
    let assets: BTreeSet<u32> = rows.keys().map(|k| k.0).collect();
    println!(
        "demo region sector on 2026-06-01: {} unsupported installs on {} assets",
        rows.len(),
        assets.len()
    );
}
