//! Unsupported software: installed releases past their end of life (end of security support).
//!
//! # Finding the product
//! 1. By purl: the product's `purl` identifiers, normalised and without version, equal the
//!    software's purl without version or qualifiers (`pkg:maven/org.apache.logging.log4j/log4j-core`).
//! 2. By CPE: the product's `cpe` identifiers (2.3 or 2.2 form) have the software CPE's part,
//!    vendor and product.
//! 3. By name, for operating systems and appliances that inventories record by name or that NVD
//!    splits into per-release CPE products: the small table in [`NAME_MAP`]. An entry matches when
//!    the software name starts with one of its prefixes on a word boundary (case-insensitive) and
//!    the vendor, when recorded, is one of its vendors; or when a CPE product starts with one of its
//!    CPE product prefixes (`windows_server_2019` → `windows-server`). The first entry that matches
//!    wins, so `windows server` comes before `windows`.
//!
//! # Finding the release cycle
//! 1. A cycle named in the software name (`Windows Server 2012 R2` → `2012-r2`, words joined by `-`);
//! 2. the cycle that is the longest prefix of the version by components (`13.1` for `13.1-49.13`,
//!    `2.12` before `2` for `2.12.1`);
//! 3. a cycle whose `latest` is a prefix of the version by components (Windows builds: `10.0.19045`
//!    for `10.0.19045.4291`).
//!
//! When several cycles fit equally (Windows' Enterprise and Home editions of one build), the one
//! supported longest is taken, so an unknown edition is never flagged early.
//!
//! # The flag
//! A release is unsupported when its `eol` (end of security support) is reached on `today`. The
//! finding also gives the end of active support (`eoas`) and of extended, usually paid, support
//! (`eoes`) when the data has them.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::Serialize;
use ward_core::vuln::{EolDate, EolProduct, EolRelease};

use crate::cpe::{Cpe, CpeValue};
use crate::inventory::{AssetIdx, Inventory};
use crate::purl::Purl;

/// One entry of the name map: (name prefixes, vendors, CPE product prefixes, product).
pub type NameMapEntry = (
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
    &'static str,
);

/// The documented name map for operating systems and appliances (see the module docs).
pub const NAME_MAP: &[NameMapEntry] = &[
    (
        &["windows server", "microsoft windows server"],
        &["microsoft"],
        &["windows_server"],
        "windows-server",
    ),
    (
        &["windows", "microsoft windows"],
        &["microsoft"],
        &["windows_10", "windows_11", "windows_7", "windows_8"],
        "windows",
    ),
    (
        &["red hat enterprise linux", "rhel"],
        &["red hat", "redhat"],
        &[],
        "rhel",
    ),
    (&["ubuntu"], &["canonical"], &[], "ubuntu"),
    (&["debian"], &["debian"], &[], "debian"),
    (
        &["vmware esxi", "esxi"],
        &["vmware", "broadcom"],
        &[],
        "vmware-esxi",
    ),
    (&["fortios"], &["fortinet"], &[], "fortios"),
    (
        &["pan-os"],
        &["palo alto networks", "paloaltonetworks"],
        &[],
        "pan-os",
    ),
    (
        &["citrix virtual apps and desktops"],
        &["citrix", "cloud software group"],
        &[],
        "citrix-vad",
    ),
    (
        &["microsoft exchange server", "exchange server"],
        &["microsoft"],
        &[],
        "msexchange",
    ),
    (
        &["microsoft sql server", "sql server"],
        &["microsoft"],
        &[],
        "mssqlserver",
    ),
    (&["macos", "mac os x"], &["apple"], &[], "macos"),
];

/// End-of-life data indexed for lookups.
#[derive(Debug, Clone, Default)]
pub struct EolCatalog {
    products: Vec<EolProduct>,
    by_purl: HashMap<String, usize>,
    by_cpe: HashMap<(String, String, String), usize>,
    by_name: HashMap<String, usize>,
}

/// A release past its end of life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unsupported {
    /// The product's short name (`windows`).
    pub product: String,
    /// The release cycle (`10-21h2-w`).
    pub cycle: String,
    /// The end of security support: the date, or `None` when the data says only that it has passed.
    pub eol: Option<Date>,
    /// End of active support, when the data has it.
    pub eoas: Option<EolDate>,
    /// End of extended (usually paid) support, when the data has it.
    pub eoes: Option<EolDate>,
    /// How the product was recognised (`purl`, `cpe`, `name`).
    pub via: &'static str,
}

/// What kind of inventory item a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum SoftwareRef {
    /// Index into [`Inventory::versions`].
    PackageVersion(u32),
    /// Index into [`Inventory::cpes`].
    Cpe(u32),
    /// Index into [`Inventory::named`].
    Named(u32),
}

/// One unsupported item of the inventory and the assets carrying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsupportedItem {
    /// The item.
    pub software: SoftwareRef,
    /// Why it is unsupported.
    pub finding: Unsupported,
    /// The assets carrying it, sorted.
    pub assets: Vec<AssetIdx>,
}

fn purl_key(text: &str) -> Option<String> {
    Some(Purl::parse(text).ok()?.normalised().without_version().to_string())
}

fn cpe_key(cpe: &Cpe) -> Option<(String, String, String)> {
    let (v, p) = cpe.vendor_product()?;
    let part = cpe.part.concrete().unwrap_or("a");
    Some((part.to_owned(), v.to_owned(), p.to_owned()))
}

impl EolCatalog {
    /// Indexes `products` (endoflife.date's product files, as `ward-feeds` parses them).
    pub fn new(products: Vec<EolProduct>) -> Self {
        let mut catalog = Self::default();
        for (i, product) in products.iter().enumerate() {
            for id in &product.identifiers {
                match id.kind.as_str() {
                    "purl" => {
                        if let Some(k) = purl_key(&id.value) {
                            catalog.by_purl.entry(k).or_insert(i);
                        }
                    }
                    "cpe" => {
                        // Identifiers are prefixes such as `cpe:2.3:a:apache:log4j`.
                        if let Some(k) = Cpe::parse(&id.value).ok().as_ref().and_then(cpe_key) {
                            catalog.by_cpe.entry(k).or_insert(i);
                        }
                    }
                    _ => {}
                }
            }
            catalog.by_name.insert(product.product.clone(), i);
        }
        catalog.products = products;
        catalog
    }

    /// The products indexed.
    pub fn products(&self) -> &[EolProduct] {
        &self.products
    }

    fn product_by_name_map(&self, vendor: Option<&str>, name: &str) -> Option<usize> {
        let name = words(name).join(" ");
        let vendor = vendor.map(|v| words(v).join(" ")).filter(|v| !v.is_empty());
        NAME_MAP.iter().find_map(|(prefixes, vendors, _, product)| {
            let named = prefixes
                .iter()
                .any(|p| name == *p || name.starts_with(&format!("{p} ")));
            let vendor_ok = vendor.as_deref().is_none_or(|v| {
                vendors
                    .iter()
                    .any(|known| v == *known || v.starts_with(&format!("{known} ")))
            });
            (named && vendor_ok)
                .then(|| self.by_name.get(*product).copied())
                .flatten()
        })
    }

    fn product_by_cpe(&self, cpe: &Cpe) -> Option<(usize, &'static str)> {
        let key = cpe_key(cpe)?;
        if let Some(i) = self.by_cpe.get(&key) {
            return Some((*i, "cpe"));
        }
        NAME_MAP.iter().find_map(|(_, _, cpe_prefixes, product)| {
            cpe_prefixes
                .iter()
                .any(|p| key.2 == *p || key.2.starts_with(&format!("{p}_")))
                .then(|| self.by_name.get(*product).map(|i| (*i, "name")))
                .flatten()
        })
    }

    /// Checks software identified by purl (without version), CPE or name, at `version`, on `today`.
    pub fn check(
        &self,
        purl: Option<&str>,
        cpe: Option<&Cpe>,
        vendor: Option<&str>,
        name: &str,
        version: &str,
        today: Date,
    ) -> Option<Unsupported> {
        let found = purl
            .and_then(purl_key)
            .and_then(|k| self.by_purl.get(&k).map(|i| (*i, "purl")))
            .or_else(|| cpe.and_then(|c| self.product_by_cpe(c)))
            .or_else(|| self.product_by_name_map(vendor, name).map(|i| (i, "name")))?;
        let product = self.products.get(found.0)?;
        let release = find_cycle(&product.releases, name, version)?;
        if !release.is_end_of_life(today) {
            return None;
        }
        Some(Unsupported {
            product: product.product.clone(),
            cycle: release.cycle.clone(),
            eol: release.eol.and_then(EolDate::date),
            eoas: release.eoas,
            eoes: release.eoes,
            via: found.1,
        })
    }
}

fn words(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_lowercase).collect()
}

/// Version components: split on `.`, `-`, `_`, space and `+`, and where digits are followed by a
/// letter (`1.1.1k` → `1`, `1`, `1`, `k`), so OpenSSL-style letter releases fall in their cycle.
fn components(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for part in text
        .to_lowercase()
        .split(['.', '-', '_', ' ', '+'])
        .filter(|s| !s.is_empty())
    {
        let split = part.char_indices().find(|(i, c)| {
            *i > 0 && c.is_ascii_alphabetic() && part[..*i].bytes().all(|b| b.is_ascii_digit())
        });
        match split {
            Some((i, _)) => {
                out.push(part[..i].to_owned());
                out.push(part[i..].to_owned());
            }
            None => out.push(part.to_owned()),
        }
    }
    out
}

fn is_prefix(prefix: &[String], of: &[String]) -> bool {
    !prefix.is_empty() && prefix.len() <= of.len() && prefix.iter().zip(of).all(|(a, b)| a == b)
}

/// How long a release is supported, for choosing among equally good cycles.
fn support_rank(release: &EolRelease) -> (u8, Option<Date>) {
    match release.eol {
        None | Some(EolDate::Flag(false)) => (2, None),
        Some(EolDate::Date(d)) => (1, Some(d)),
        Some(EolDate::Flag(true)) => (0, None),
    }
}

fn most_supported<'a>(candidates: impl Iterator<Item = (usize, &'a EolRelease)>) -> Option<&'a EolRelease> {
    let all: Vec<(usize, &EolRelease)> = candidates.collect();
    let best = all.iter().map(|(len, _)| *len).max()?;
    all.into_iter()
        .filter(|(len, _)| *len == best)
        .map(|(_, r)| r)
        .max_by_key(|r| support_rank(r))
}

/// The release cycle of `version` (see the module docs).
pub fn find_cycle<'a>(releases: &'a [EolRelease], name: &str, version: &str) -> Option<&'a EolRelease> {
    let name_words = words(name);
    let by_name = most_supported(releases.iter().filter_map(|r| {
        let cycle = r.cycle.to_lowercase();
        let n = cycle.split('-').count();
        (n <= name_words.len() && name_words.windows(n).any(|w| w.join("-") == cycle)).then_some((n, r))
    }));
    if by_name.is_some() {
        return by_name;
    }
    let v = components(version);
    let by_cycle = most_supported(releases.iter().filter_map(|r| {
        let c = components(&r.cycle);
        is_prefix(&c, &v).then_some((c.len(), r))
    }));
    if by_cycle.is_some() {
        return by_cycle;
    }
    most_supported(releases.iter().filter_map(|r| {
        let latest = components(r.latest.as_deref()?);
        is_prefix(&latest, &v).then_some((latest.len(), r))
    }))
}

/// Every unsupported item of `inventory` on `today`, in index order (package versions, CPEs, then
/// name-only records). An asset appears once per piece of software: a CPE finding on an asset
/// whose package version (named with that CPE, [`Inventory::same_as_version`]) is already flagged
/// is the same software and is left out; an item left with no assets is dropped.
pub fn unsupported_software(
    catalog: &EolCatalog,
    inventory: &Inventory,
    today: Date,
) -> Vec<UnsupportedItem> {
    let mut out = Vec::new();
    let mut flagged_versions = vec![false; inventory.versions().len()];
    for (i, v) in inventory.versions().iter().enumerate() {
        let purl = inventory.text(v.purl);
        let name = Purl::parse(purl).map(|p| p.name).unwrap_or_default();
        if let Some(finding) = catalog.check(Some(purl), None, None, &name, inventory.text(v.version), today)
        {
            if let Some(f) = flagged_versions.get_mut(i) {
                *f = true;
            }
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            out.push(UnsupportedItem {
                software: SoftwareRef::PackageVersion(i),
                finding,
                assets: inventory.assets_of_version(i).to_vec(),
            });
        }
    }
    for (i, cpe) in inventory.cpes().iter().enumerate() {
        // No version (`-`, as NVD writes Windows 7): the release can still be named by the
        // product and update fields (`windows_7` + `sp1` → `windows 7 sp1`).
        let version = cpe.version_text().unwrap_or("");
        let mut name = match &cpe.product {
            CpeValue::Value { text, .. } => text.replace('_', " "),
            _ => String::new(),
        };
        if let CpeValue::Value { text, .. } = &cpe.rest[0] {
            name.push(' ');
            name.push_str(&text.replace('_', " "));
        }
        if let Some(finding) = catalog.check(None, Some(cpe), None, &name, version, today) {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            let assets: Vec<AssetIdx> = inventory
                .assets_of_cpe(i)
                .iter()
                .copied()
                .filter(|a| {
                    inventory
                        .same_as_version(i, *a)
                        .is_none_or(|v| !flagged_versions.get(v as usize).copied().unwrap_or(false))
                })
                .collect();
            if !assets.is_empty() {
                out.push(UnsupportedItem {
                    software: SoftwareRef::Cpe(i),
                    finding,
                    assets,
                });
            }
        }
    }
    for (i, named) in inventory.named().iter().enumerate() {
        let vendor = named.vendor.map(|v| inventory.text(v));
        let name = inventory.text(named.name);
        if let Some(finding) = catalog.check(None, None, vendor, name, inventory.text(named.version), today) {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            out.push(UnsupportedItem {
                software: SoftwareRef::Named(i),
                finding,
                assets: inventory.assets_of_named(i).to_vec(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use ward_core::vuln::ProductIdentifier;

    fn release(cycle: &str, eol: Option<EolDate>, latest: Option<&str>) -> EolRelease {
        EolRelease {
            product: String::new(),
            cycle: cycle.into(),
            codename: None,
            release_date: None,
            eol,
            eoas: None,
            eoes: None,
            lts: None,
            latest: latest.map(Into::into),
            latest_release_date: None,
        }
    }

    #[test]
    fn cycles_by_longest_prefix_then_latest_build() {
        let log4j = [
            release("2", Some(EolDate::Flag(false)), Some("2.25.0")),
            release("2.12", Some(EolDate::Date(date(2021, 12, 14))), Some("2.12.4")),
            release("1", Some(EolDate::Date(date(2015, 8, 5))), Some("1.2.17")),
        ];
        assert_eq!(
            find_cycle(&log4j, "log4j-core", "2.12.1").map(|r| r.cycle.as_str()),
            Some("2.12")
        );
        assert_eq!(
            find_cycle(&log4j, "log4j-core", "2.17.1").map(|r| r.cycle.as_str()),
            Some("2")
        );
        assert_eq!(
            find_cycle(&log4j, "log4j", "1.2.17").map(|r| r.cycle.as_str()),
            Some("1")
        );
        assert!(find_cycle(&log4j, "log4j", "3.0.0").is_none());
        let windows = [
            release(
                "10-22h2",
                Some(EolDate::Date(date(2025, 10, 14))),
                Some("10.0.19045"),
            ),
            release(
                "10-21h2-e",
                Some(EolDate::Date(date(2024, 6, 11))),
                Some("10.0.19044"),
            ),
            release(
                "10-21h2-w",
                Some(EolDate::Date(date(2023, 6, 13))),
                Some("10.0.19044"),
            ),
        ];
        let r = find_cycle(&windows, "Microsoft Windows 10 Enterprise", "10.0.19044.3086");
        assert_eq!(
            r.map(|r| r.cycle.as_str()),
            Some("10-21h2-e"),
            "the longer-supported edition"
        );
    }

    #[test]
    fn flags_by_purl_cpe_and_name() {
        let products = vec![
            EolProduct {
                product: "log4j".into(),
                title: None,
                category: None,
                identifiers: vec![
                    ProductIdentifier {
                        kind: "purl".into(),
                        value: "pkg:maven/log4j/log4j".into(),
                    },
                    ProductIdentifier {
                        kind: "cpe".into(),
                        value: "cpe:2.3:a:apache:log4j".into(),
                    },
                ],
                releases: vec![release(
                    "1",
                    Some(EolDate::Date(date(2015, 8, 5))),
                    Some("1.2.17"),
                )],
            },
            EolProduct {
                product: "windows-server".into(),
                title: None,
                category: None,
                identifiers: vec![],
                releases: vec![
                    release(
                        "2012-r2",
                        Some(EolDate::Date(date(2023, 10, 10))),
                        Some("6.3.9600"),
                    ),
                    release("2019", Some(EolDate::Date(date(2029, 1, 9))), Some("10.0.17763")),
                ],
            },
        ];
        let c = EolCatalog::new(products);
        let today = date(2025, 1, 1);
        let hit = c.check(
            Some("pkg:maven/log4j/log4j@1.2.17?type=jar"),
            None,
            None,
            "log4j",
            "1.2.17",
            today,
        );
        assert_eq!(
            hit.as_ref().map(|u| (u.via, u.eol)),
            Some(("purl", Some(date(2015, 8, 5))))
        );
        let cpe = Cpe::parse("cpe:2.3:a:apache:log4j:1.2.17:*:*:*:*:*:*:*").unwrap();
        assert_eq!(
            c.check(None, Some(&cpe), None, "log4j", "1.2.17", today)
                .map(|u| u.via),
            Some("cpe")
        );
        let server = c.check(
            None,
            None,
            Some("Microsoft"),
            "Windows Server 2012 R2 Standard",
            "6.3.9600",
            today,
        );
        assert_eq!(server.map(|u| u.cycle), Some("2012-r2".to_owned()));
        assert!(
            c.check(None, None, None, "Windows Server 2019", "10.0.17763.5458", today)
                .is_none()
        );
        assert!(
            c.check(
                None,
                None,
                Some("Acme"),
                "Windows Server 2012 R2",
                "6.3.9600",
                today
            )
            .is_none()
        );
        let nvd = Cpe::parse("cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*").unwrap();
        assert!(c.product_by_cpe(&nvd).is_some());
    }

    /// The "218 unsupported" that opened 273 rows: one OpenSSL install recorded with both a
    /// package URL and a CPE was listed twice. Now once per asset; an asset that has only the CPE
    /// still counts.
    #[test]
    fn software_named_by_purl_and_cpe_is_unsupported_once() {
        let openssl = EolProduct {
            product: "openssl".into(),
            title: None,
            category: None,
            identifiers: vec![
                ProductIdentifier {
                    kind: "purl".into(),
                    value: "pkg:generic/openssl".into(),
                },
                ProductIdentifier {
                    kind: "cpe".into(),
                    value: "cpe:2.3:a:openssl:openssl".into(),
                },
            ],
            releases: vec![release("1.1.1", Some(EolDate::Date(date(2023, 9, 11))), None)],
        };
        let catalog = EolCatalog::new(vec![openssl]);
        let record = |purl: Option<&str>| ward_core::asset::InstalledSoftware {
            name: "OpenSSL".into(),
            vendor: None,
            version: "1.1.1k".into(),
            purl: purl.map(Into::into),
            cpe: Some("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*".into()),
            source: ward_core::asset::SoftwareSource::Import,
        };
        let both = record(Some("pkg:generic/openssl@1.1.1k"));
        let cpe_only = record(None);
        let id = |n| ward_core::AssetId::from_uuid(uuid::Uuid::from_u128(n));
        let org = ward_core::OrgId::from_uuid(uuid::Uuid::from_u128(9));
        let inventory = Inventory::build([(id(1), org, &both), (id(2), org, &both), (id(3), org, &cpe_only)]);
        let found = unsupported_software(&catalog, &inventory, date(2025, 1, 1));
        let mut per_asset: Vec<AssetIdx> = found.iter().flat_map(|u| u.assets.clone()).collect();
        per_asset.sort_unstable();
        assert_eq!(per_asset, [0, 1, 2], "each asset once: {found:?}");
        assert!(matches!(found[0].software, SoftwareRef::PackageVersion(_)));
        assert_eq!(
            found[1].assets,
            [2],
            "the CPE-only asset is found through the CPE"
        );
    }

    #[test]
    fn letter_releases_and_versionless_cpes_find_their_cycle() {
        let openssl = [
            release("1.1.1", Some(EolDate::Date(date(2023, 9, 11))), Some("1.1.1w")),
            release("3.0", Some(EolDate::Date(date(2026, 9, 7))), Some("3.0.17")),
        ];
        assert_eq!(
            find_cycle(&openssl, "openssl", "1.1.1k").map(|r| r.cycle.as_str()),
            Some("1.1.1")
        );
        assert!(find_cycle(&openssl, "openssl", "1.1.0l").is_none());
        assert_eq!(components("10-22h2"), ["10", "22", "h2"]);

        let windows = EolProduct {
            product: "windows".into(),
            title: None,
            category: None,
            identifiers: vec![],
            releases: vec![
                release("7-sp1", Some(EolDate::Date(date(2020, 1, 14))), None),
                release(
                    "11-24h2-e",
                    Some(EolDate::Date(date(2027, 10, 12))),
                    Some("10.0.26100"),
                ),
            ],
        };
        let catalog = EolCatalog::new(vec![windows]);
        let inventory = Inventory::build([(
            ward_core::AssetId::from_uuid(uuid::Uuid::from_u128(1)),
            ward_core::OrgId::from_uuid(uuid::Uuid::from_u128(2)),
            &ward_core::asset::InstalledSoftware {
                name: "Windows 7 Professional SP1".into(),
                vendor: Some("Microsoft".into()),
                version: "6.1.7601".into(),
                purl: None,
                cpe: Some("cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*".into()),
                source: ward_core::asset::SoftwareSource::Import,
            },
        )]);
        let found = unsupported_software(&catalog, &inventory, date(2025, 1, 1));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].finding.cycle, "7-sp1");
        assert_eq!(found[0].finding.eol, Some(date(2020, 1, 14)));
    }
}
