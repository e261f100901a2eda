//! End-of-life dates for the products of the catalogue, in endoflife.date's model: `eoas` is the end
//! of active support, `eol` the end of security support, `eoes` the end of extended (usually paid)
//! support.
//!
//! The exposure engine finds a product by purl, by the CPE vendor and product named in the
//! product's identifiers, or through its name map (Windows, Windows Server, RHEL, Ubuntu, ESXi,
//! FortiOS, Exchange, SQL Server); it then finds the cycle from the software name, the version's
//! leading components, or a cycle's `latest` build. For software identified by CPE the "name" is the
//! CPE product, so two demo choices follow:
//! - Windows Server: NVD names 2012 R2 and 2008 R2 `windows_server_2012:r2` and
//!   `windows_server_2008:r2`, so the engine sees the name "windows server 2012" and the version
//!   "r2". The cycles `2012` and `2008` are what it can find; both R2 releases share their
//!   predecessor's dates (security support ended 2023-10-10 and 2020-01-14 respectively).
//! - SQL Server: NVD names releases `sql_server_2014:sp3`, so the cycles are named by year.
//!
//! Windows 7, XP and Embedded Standard 7 carry NVD CPEs whose version is `-` (the release is in the
//! product name), which the engine does not evaluate for end of life; their cycles are listed for
//! inventories that record those systems by name.

use jiff::civil::{Date, date};
use ward_core::vuln::{EolDate, EolProduct, EolRelease, ProductIdentifier};

fn d(y: i16, m: i8, day: i8) -> Option<EolDate> {
    Some(EolDate::Date(date(y, m, day)))
}

const NO: Option<EolDate> = Some(EolDate::Flag(false));

/// One release cycle: (cycle, released, end of active support, end of life, end of extended
/// support, latest build or version when the engine needs it to recognise the cycle).
type Cycle = (
    &'static str,
    Option<Date>,
    Option<EolDate>,
    Option<EolDate>,
    Option<EolDate>,
    Option<&'static str>,
);

fn r(y: i16, m: i8, day: i8) -> Option<Date> {
    Some(date(y, m, day))
}

fn product(
    name: &str,
    title: &str,
    category: &str,
    identifiers: &[(&str, &str)],
    cycles: &[Cycle],
) -> EolProduct {
    EolProduct {
        product: name.to_owned(),
        title: Some(title.to_owned()),
        category: Some(category.to_owned()),
        identifiers: identifiers
            .iter()
            .map(|(kind, value)| ProductIdentifier {
                kind: (*kind).to_owned(),
                value: (*value).to_owned(),
            })
            .collect(),
        releases: cycles
            .iter()
            .map(|(cycle, released, eoas, eol, eoes, latest)| EolRelease {
                product: name.to_owned(),
                cycle: (*cycle).to_owned(),
                codename: None,
                release_date: *released,
                eol: *eol,
                eoas: *eoas,
                eoes: *eoes,
                lts: None,
                latest: latest.map(str::to_owned),
                latest_release_date: None,
            })
            .collect(),
    }
}

#[rustfmt::skip]
pub(super) fn products() -> Vec<EolProduct> {
    vec![
        product("windows", "Microsoft Windows", "os", &[
            ("cpe", "cpe:2.3:o:microsoft:windows"),
            ("cpe", "cpe:2.3:o:microsoft:windows_xp"),
            ("cpe", "cpe:2.3:o:microsoft:windows_embedded_standard_7"),
        ], &[
            ("11-24h2-iot-lts", r(2024, 10, 1), d(2029, 10, 9), d(2034, 10, 10), None, Some("10.0.26100")),
            ("11-24h2-e", r(2024, 10, 1), d(2027, 10, 12), d(2027, 10, 12), None, Some("10.0.26100")),
            ("11-24h2-w", r(2024, 10, 1), d(2026, 10, 13), d(2026, 10, 13), None, Some("10.0.26100")),
            ("11-23h2-e", r(2023, 10, 31), d(2026, 11, 10), d(2026, 11, 10), None, Some("10.0.22631")),
            ("11-23h2-w", r(2023, 10, 31), d(2025, 11, 11), d(2025, 11, 11), None, Some("10.0.22631")),
            ("10-22h2", r(2022, 10, 18), d(2025, 10, 14), d(2025, 10, 14), d(2028, 10, 10), Some("10.0.19045")),
            ("10-21h2-iot-lts", r(2021, 11, 16), d(2027, 1, 12), d(2032, 1, 13), None, Some("10.0.19044")),
            ("10-21h2-e-lts", r(2021, 11, 16), d(2027, 1, 12), d(2027, 1, 12), None, Some("10.0.19044")),
            ("10-21h2-e", r(2021, 11, 16), d(2024, 6, 11), d(2024, 6, 11), None, Some("10.0.19044")),
            ("10-21h2-w", r(2021, 11, 16), d(2023, 6, 13), d(2023, 6, 13), None, Some("10.0.19044")),
            ("7-sp1", r(2011, 2, 22), d(2015, 1, 13), d(2020, 1, 14), d(2023, 1, 10), Some("6.1.7601")),
            ("5-sp3", r(2008, 4, 21), d(2009, 4, 14), d(2014, 4, 8), None, Some("5.1.2600")),
        ]),
        product("windows-server", "Microsoft Windows Server", "os", &[], &[
            ("2022", r(2021, 8, 18), d(2026, 10, 13), d(2031, 10, 14), None, Some("10.0.20348")),
            ("2019", r(2018, 11, 13), d(2024, 1, 9), d(2029, 1, 9), None, Some("10.0.17763")),
            ("2016", r(2016, 10, 15), d(2022, 1, 11), d(2027, 1, 12), d(2030, 1, 12), Some("10.0.14393")),
            ("2012-r2", r(2013, 11, 25), d(2018, 10, 9), d(2023, 10, 10), d(2026, 10, 13), Some("6.3.9600")),
            ("2012", r(2012, 10, 30), d(2018, 10, 9), d(2023, 10, 10), d(2026, 10, 13), Some("6.2.9200")),
            ("2008-r2-sp1", r(2011, 2, 22), d(2015, 1, 13), d(2020, 1, 14), d(2023, 1, 10), Some("6.1.7601")),
            ("2008", None, d(2015, 1, 13), d(2020, 1, 14), d(2023, 1, 10), None),
        ]),
        product("msexchange", "Microsoft Exchange Server", "server-app", &[
            ("cpe", "cpe:2.3:a:microsoft:exchange_server"),
        ], &[
            ("2019", r(2018, 10, 22), d(2024, 1, 9), d(2025, 10, 14), d(2026, 11, 1), None),
            ("2016", r(2015, 10, 1), d(2020, 10, 13), d(2025, 10, 14), d(2026, 11, 1), None),
        ]),
        product("mssqlserver", "Microsoft SQL Server", "database", &[
            ("cpe", "cpe:2.3:a:microsoft:sql_server"),
            ("cpe", "cpe:2.3:a:microsoft:sql_server_2012"),
            ("cpe", "cpe:2.3:a:microsoft:sql_server_2014"),
            ("cpe", "cpe:2.3:a:microsoft:sql_server_2019"),
            ("cpe", "cpe:2.3:a:microsoft:sql_server_2022"),
        ], &[
            ("2022", r(2022, 11, 16), d(2028, 1, 11), d(2033, 1, 11), None, None),
            ("2019", r(2019, 11, 4), d(2025, 2, 28), d(2030, 1, 8), None, None),
            ("2014", None, d(2019, 7, 9), d(2024, 7, 9), d(2027, 7, 12), None),
            ("2012", None, d(2017, 7, 11), d(2022, 7, 12), d(2025, 7, 8), None),
        ]),
        product("office", "Microsoft Office", "app", &[("cpe", "cpe:2.3:a:microsoft:office")], &[
            ("2021", r(2021, 10, 5), d(2026, 10, 13), d(2026, 10, 13), None, None),
            ("2013", r(2013, 1, 9), d(2018, 4, 10), d(2023, 4, 11), None, None),
        ]),
        product("vmware-esxi", "VMware ESXi", "os", &[("cpe", "cpe:2.3:o:vmware:esxi")], &[
            ("8.0", r(2022, 10, 11), None, d(2027, 10, 11), None, None),
            ("7.0", r(2020, 4, 2), None, d(2025, 10, 2), None, None),
            ("6.7", r(2018, 4, 17), None, d(2022, 10, 15), None, None),
            ("6.5", r(2016, 11, 15), None, d(2022, 10, 15), None, None),
        ]),
        product("ubuntu", "Ubuntu", "os", &[("cpe", "cpe:2.3:o:canonical:ubuntu_linux")], &[
            ("24.04", r(2024, 4, 25), d(2029, 5, 31), d(2029, 5, 31), d(2036, 5, 31), None),
            ("22.04", r(2022, 4, 21), d(2024, 9, 30), d(2027, 4, 1), d(2032, 4, 9), None),
            ("18.04", r(2018, 4, 26), d(2023, 5, 31), d(2023, 5, 31), d(2028, 4, 1), None),
        ]),
        product("centos", "CentOS Linux", "os", &[("cpe", "cpe:2.3:o:centos:centos")], &[
            ("7", r(2014, 7, 7), d(2020, 8, 6), d(2024, 6, 30), None, None),
        ]),
        product("rhel", "Red Hat Enterprise Linux", "os", &[("cpe", "cpe:2.3:o:redhat:enterprise_linux")], &[
            ("9", r(2022, 5, 18), d(2027, 5, 31), d(2032, 5, 31), d(2036, 5, 31), None),
            ("8", r(2019, 5, 7), d(2024, 5, 31), d(2029, 5, 31), d(2033, 5, 31), None),
            ("7", r(2014, 6, 10), d(2019, 8, 6), d(2024, 6, 30), d(2029, 5, 31), None),
        ]),
        product("fortios", "Fortinet FortiOS", "os", &[("cpe", "cpe:2.3:o:fortinet:fortios")], &[
            ("7.6", r(2024, 7, 25), d(2028, 7, 25), d(2030, 1, 25), None, None),
            ("7.4", r(2023, 5, 11), d(2027, 5, 11), d(2028, 11, 11), None, None),
            ("7.2", r(2022, 3, 31), d(2025, 3, 31), d(2026, 9, 30), None, None),
            ("7.0", r(2021, 3, 30), d(2024, 3, 30), d(2025, 9, 30), None, None),
            ("6.4", r(2020, 3, 31), d(2023, 3, 31), d(2024, 9, 30), None, None),
        ]),
        product("cisco-ios-xe", "Cisco IOS XE", "os", &[("cpe", "cpe:2.3:o:cisco:ios_xe")], &[
            ("17.12", r(2023, 7, 28), d(2026, 1, 28), d(2027, 7, 28), None, None),
            ("17.9", r(2022, 7, 29), d(2025, 1, 29), d(2026, 7, 29), None, None),
            ("17.3", r(2020, 7, 31), d(2023, 1, 31), d(2024, 7, 31), None, None),
            ("16.12", r(2019, 7, 31), d(2022, 1, 31), d(2023, 7, 31), None, None),
        ]),
        product("android", "Android", "os", &[("cpe", "cpe:2.3:o:google:android")], &[
            ("14", r(2023, 10, 4), None, NO, None, None),
            ("13", r(2022, 8, 15), None, d(2026, 3, 2), None, None),
            ("10", r(2019, 9, 3), None, d(2023, 3, 6), None, None),
            ("9", r(2018, 8, 6), None, d(2022, 1, 1), None, None),
        ]),
        product("log4j", "Apache Log4j", "framework", &[
            ("purl", "pkg:maven/org.apache.logging.log4j/log4j-core"),
            ("purl", "pkg:maven/log4j/log4j"),
            ("cpe", "cpe:2.3:a:apache:log4j"),
        ], &[
            ("2", r(2014, 7, 12), None, NO, None, None),
            ("2.12", r(2019, 6, 26), None, d(2021, 12, 14), None, None),
            ("1", r(2001, 1, 8), None, d(2015, 10, 15), None, None),
        ]),
        product("spring-framework", "Spring Framework", "framework", &[
            ("purl", "pkg:maven/org.springframework/spring-core"),
            ("cpe", "cpe:2.3:a:vmware:spring_framework"),
        ], &[
            ("6.1", r(2023, 11, 30), None, d(2025, 6, 30), d(2032, 6, 30), None),
            ("5.3", r(2020, 10, 31), None, d(2024, 8, 31), d(2029, 6, 30), None),
            ("5.2", r(2019, 9, 30), None, d(2021, 12, 31), d(2029, 6, 30), None),
        ]),
        product("tomcat", "Apache Tomcat", "server-app", &[
            ("purl", "pkg:maven/org.apache.tomcat.embed/tomcat-embed-core"),
            ("cpe", "cpe:2.3:a:apache:tomcat"),
        ], &[
            ("10.1", r(2022, 9, 23), None, NO, None, None),
            ("9.0", r(2017, 9, 27), None, d(2027, 3, 31), None, None),
            ("8.5", r(2016, 3, 17), None, d(2024, 3, 31), None, None),
        ]),
        product("django", "Django", "framework", &[
            ("purl", "pkg:pypi/django"),
            ("cpe", "cpe:2.3:a:djangoproject:django"),
        ], &[
            ("5.0", r(2023, 12, 4), d(2024, 8, 7), d(2025, 4, 2), None, None),
            ("4.2", r(2023, 4, 3), d(2023, 12, 4), d(2026, 4, 7), None, None),
            ("3.2", r(2021, 4, 6), d(2021, 12, 7), d(2024, 4, 1), None, None),
            ("2.2", r(2019, 4, 1), d(2019, 12, 2), d(2022, 4, 11), None, None),
        ]),
        product("nodejs", "Node.js", "framework", &[("cpe", "cpe:2.3:a:nodejs:node.js")], &[
            ("22", r(2024, 4, 24), d(2025, 10, 21), d(2027, 4, 30), None, None),
            ("20", r(2023, 4, 18), d(2024, 10, 22), d(2026, 4, 30), None, None),
            ("16", r(2021, 4, 20), d(2022, 10, 18), d(2023, 9, 11), None, None),
            ("14", r(2020, 4, 21), d(2021, 10, 19), d(2023, 4, 30), None, None),
        ]),
        product("postgresql", "PostgreSQL", "database", &[("cpe", "cpe:2.3:a:postgresql:postgresql")], &[
            ("16", r(2023, 9, 14), None, d(2028, 11, 9), None, None),
            ("15", r(2022, 10, 13), None, d(2027, 11, 11), None, None),
            ("11", r(2018, 10, 18), None, d(2023, 11, 9), None, None),
            ("10", r(2017, 10, 5), None, d(2022, 11, 10), None, None),
        ]),
        product("openssl", "OpenSSL", "framework", &[("cpe", "cpe:2.3:a:openssl:openssl")], &[
            ("3.2", r(2023, 11, 23), None, d(2025, 11, 23), None, None),
            ("3.0", r(2021, 9, 7), None, d(2026, 9, 7), None, None),
            ("1.1.1", r(2018, 9, 11), None, d(2023, 9, 11), None, Some("1.1.1w")),
            ("1.0.2", r(2015, 1, 22), None, d(2019, 12, 31), None, Some("1.0.2u")),
        ]),
        product("nginx", "nginx", "server-app", &[("cpe", "cpe:2.3:a:f5:nginx")], &[
            ("1.26", r(2024, 4, 23), None, d(2025, 4, 23), None, None),
            ("1.24", r(2023, 4, 11), None, d(2024, 4, 23), None, None),
            ("1.18", r(2020, 4, 21), None, d(2021, 4, 20), None, None),
        ]),
    ]
}
