//! Unsupported software against the real endoflife.date product files in `../shared/data/eol`.

use jiff::civil::date;
use ward_engine::eol::{EolCatalog, SoftwareRef, unsupported_software};
use ward_engine::{Inventory, Unsupported};

use crate::helpers::*;
use crate::skip::shared_data;

fn catalog() -> Option<EolCatalog> {
    let dir = shared_data("eol/products")?;
    let mut products = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        if let Ok(doc) = ward_feeds::parse_eol_product(&path.display().to_string(), &text) {
            products.push(doc.value);
        }
    }
    assert!(products.len() > 400, "{} products", products.len());
    products.sort_by(|a, b| a.product.cmp(&b.product));
    Some(EolCatalog::new(products))
}

#[test]
fn real_lifecycle_data_flags_releases_past_end_of_life() {
    let Some(catalog) = catalog() else {
        return;
    };
    let rows = [
        (
            asset(1),
            org(1),
            named(Some("Microsoft"), "Windows Server 2012 R2 Standard", "6.3.9600"),
        ),
        (
            asset(2),
            org(1),
            named(
                Some("Microsoft Corporation"),
                "Microsoft Windows 10 Enterprise",
                "10.0.19045.4291",
            ),
        ),
        (asset(3), org(2), purl("pkg:maven/log4j/log4j@1.2.17?type=jar")),
        (
            asset(4),
            org(2),
            purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.12.1"),
        ),
        (asset(5), org(2), purl("pkg:npm/jquery@1.12.4")),
        (
            asset(6),
            org(3),
            cpe("cpe:2.3:o:canonical:ubuntu_linux:18.04:*:*:*:*:*:*:*"),
        ),
        (
            asset(7),
            org(3),
            purl("pkg:deb/debian/nginx@1.18.0-6?distro=debian-11"),
        ),
        (asset(8), org(3), purl("pkg:npm/lodash@4.17.19")),
        (
            asset(9),
            org(3),
            purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.25.1"),
        ),
    ];
    let inv = Inventory::build(rows.iter().map(|(a, o, s)| (*a, *o, s)));
    let found = |today| {
        let mut out: Vec<(u128, String, String, Unsupported)> = unsupported_software(&catalog, &inv, today)
            .into_iter()
            .flat_map(|item| {
                assert!(matches!(
                    item.software,
                    SoftwareRef::PackageVersion(_) | SoftwareRef::Cpe(_) | SoftwareRef::Named(_)
                ));
                let f = item.finding;
                item.assets
                    .iter()
                    .map(|a| {
                        (
                            inv.asset_id(*a).unwrap().as_uuid().as_u128(),
                            f.product.clone(),
                            f.cycle.clone(),
                            f.clone(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        out.sort_by_key(|(a, ..)| *a);
        out
    };
    let mid_2025 = found(date(2025, 6, 1));
    let summary: Vec<(u128, &str, &str)> = mid_2025
        .iter()
        .map(|(a, p, c, _)| (*a, p.as_str(), c.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (1, "windows-server", "2012-r2"),
            (3, "log4j", "1"),
            (4, "log4j", "2.12"),
            (5, "jquery", "1"),
            (6, "ubuntu", "18.04"),
            (7, "nginx", "1.18"),
        ]
    );
    for (_, _, _, f) in &mid_2025 {
        assert!(f.eol.is_none_or(|d| d <= date(2025, 6, 1)), "{f:?}");
    }
    assert_eq!(mid_2025[1].3.eol, Some(date(2015, 10, 15)));
    assert_eq!(mid_2025[1].3.via, "purl");
    assert_eq!(mid_2025[4].3.via, "cpe");
    assert_eq!(mid_2025[0].3.via, "name");
    // Windows 10 22H2 reaches end of life on 2025-10-14; extended updates continue, and are reported.
    let early_2026 = found(date(2026, 1, 1));
    let windows = early_2026
        .iter()
        .find(|(a, ..)| *a == 2)
        .expect("Windows 10 flagged in 2026");
    assert_eq!(windows.2, "10-22h2");
    assert!(windows.3.eoes.is_some());
}
