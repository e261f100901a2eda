//! Real software with real versions, CPE 2.3 names and package URLs, grouped into slots. Each slot has
//! `current` releases (supported and patched) and `stale` ones (unsupported, or carrying well-known
//! vulnerabilities: log4j-core 2.14.1, NetScaler 13.1-49.13, MOVEit Transfer 2023.0.0, Windows 7 and
//! Server 2008 R2, ...). An estate's patching posture decides how often the stale side is drawn.

use rand::Rng;
use rand_chacha::ChaCha8Rng;
use ward_core::asset::{InstalledSoftware, SoftwareSource};

/// One installable release.
pub(crate) struct Sw {
    pub name: &'static str,
    pub vendor: &'static str,
    pub version: &'static str,
    pub purl: Option<&'static str>,
    pub cpe: Option<&'static str>,
}

impl Sw {
    /// The installed-software record for this release.
    pub(crate) fn install(&self) -> InstalledSoftware {
        InstalledSoftware {
            name: self.name.to_owned(),
            vendor: Some(self.vendor.to_owned()),
            version: self.version.to_owned(),
            purl: self.purl.map(str::to_owned),
            cpe: self.cpe.map(str::to_owned),
            source: SoftwareSource::Demo,
        }
    }
}

/// A choice of releases for one role (endpoint OS, log4j-core, VPN firmware, ...).
pub(crate) struct Slot {
    /// Chance of drawing a stale release for an estate of typical posture.
    pub risk: f64,
    pub current: &'static [Sw],
    pub stale: &'static [Sw],
}

/// How well an organisation keeps its estate patched; multiplies every slot's risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Posture {
    Good,
    Typical,
    Poor,
}

impl Posture {
    fn factor(self) -> f64 {
        match self {
            Self::Good => 0.4,
            Self::Typical => 1.0,
            Self::Poor => 2.4,
        }
    }
    /// Most estates are kept well, a meaningful minority is not.
    pub(crate) fn draw(rng: &mut ChaCha8Rng) -> Self {
        match rng.random_range(0..100u32) {
            0..60 => Self::Good,
            60..90 => Self::Typical,
            _ => Self::Poor,
        }
    }
}

impl Slot {
    /// Draw a release for an estate of the given posture.
    pub(crate) fn pick(&self, rng: &mut ChaCha8Rng, posture: Posture) -> &'static Sw {
        let p = (self.risk * posture.factor()).clamp(0.0, 0.9);
        let stale = !self.stale.is_empty() && rng.random::<f64>() < p;
        let list = if stale || self.current.is_empty() {
            self.stale
        } else {
            self.current
        };
        &list[rng.random_range(0..list.len())]
    }
    /// Draw a release and turn it into an installed-software record.
    pub(crate) fn install(&self, rng: &mut ChaCha8Rng, posture: Posture) -> InstalledSoftware {
        self.pick(rng, posture).install()
    }
}

const fn sw(
    name: &'static str,
    vendor: &'static str,
    version: &'static str,
    purl: Option<&'static str>,
    cpe: Option<&'static str>,
) -> Sw {
    Sw {
        name,
        vendor,
        version,
        purl,
        cpe,
    }
}

const MS: &str = "Microsoft";
const ASF: &str = "Apache Software Foundation";

// ---- operating systems -------------------------------------------------------------------------------

#[rustfmt::skip]
pub(crate) const ENDPOINT_OS: Slot = Slot { risk: 0.07, current: &[
    sw("Windows 10 Enterprise 22H2", MS, "10.0.19045.5854", None, Some("cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.5854:*:*:*:*:*:x64:*")),
    sw("Windows 10 Enterprise 22H2", MS, "10.0.19045.5854", None, Some("cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.5854:*:*:*:*:*:x64:*")),
    sw("Windows 11 Enterprise 23H2", MS, "10.0.22631.5335", None, Some("cpe:2.3:o:microsoft:windows_11_23h2:10.0.22631.5335:*:*:*:*:*:x64:*")),
    sw("Windows 11 Enterprise 24H2", MS, "10.0.26100.4061", None, Some("cpe:2.3:o:microsoft:windows_11_24h2:10.0.26100.4061:*:*:*:*:*:x64:*")),
], stale: &[
    sw("Windows 10 Enterprise 22H2", MS, "10.0.19045.2965", None, Some("cpe:2.3:o:microsoft:windows_10_22h2:10.0.19045.2965:*:*:*:*:*:x64:*")),
    sw("Windows 10 Enterprise 21H2", MS, "10.0.19044.3086", None, Some("cpe:2.3:o:microsoft:windows_10_21h2:10.0.19044.3086:*:*:*:*:*:x64:*")),
    sw("Windows 7 Professional SP1", MS, "6.1.7601", None, Some("cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const WINDOWS_SERVER_OS: Slot = Slot { risk: 0.22, current: &[
    sw("Windows Server 2016 Standard", MS, "10.0.14393.8066", None, Some("cpe:2.3:o:microsoft:windows_server_2016:10.0.14393.8066:*:*:*:*:*:*:*")),
    sw("Windows Server 2019 Standard", MS, "10.0.17763.7314", None, Some("cpe:2.3:o:microsoft:windows_server_2019:10.0.17763.7314:*:*:*:*:*:*:*")),
    sw("Windows Server 2019 Standard", MS, "10.0.17763.7314", None, Some("cpe:2.3:o:microsoft:windows_server_2019:10.0.17763.7314:*:*:*:*:*:*:*")),
    sw("Windows Server 2022 Standard", MS, "10.0.20348.3692", None, Some("cpe:2.3:o:microsoft:windows_server_2022:10.0.20348.3692:*:*:*:*:*:*:*")),
], stale: &[
    sw("Windows Server 2012 R2 Standard", MS, "6.3.9600", None, Some("cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*")),
    sw("Windows Server 2012 R2 Standard", MS, "6.3.9600", None, Some("cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*")),
    sw("Windows Server 2008 R2 Standard SP1", MS, "6.1.7601", None, Some("cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:x64:*")),
]};

#[rustfmt::skip]
pub(crate) const LINUX_OS: Slot = Slot { risk: 0.2, current: &[
    sw("Ubuntu 22.04 LTS", "Canonical", "22.04", None, Some("cpe:2.3:o:canonical:ubuntu_linux:22.04:*:*:*:lts:*:*:*")),
    sw("Ubuntu 24.04 LTS", "Canonical", "24.04", None, Some("cpe:2.3:o:canonical:ubuntu_linux:24.04:*:*:*:lts:*:*:*")),
    sw("Red Hat Enterprise Linux 9", "Red Hat", "9.4", None, Some("cpe:2.3:o:redhat:enterprise_linux:9.0:*:*:*:*:*:*:*")),
    sw("Red Hat Enterprise Linux 8", "Red Hat", "8.10", None, Some("cpe:2.3:o:redhat:enterprise_linux:8.0:*:*:*:*:*:*:*")),
], stale: &[
    sw("Ubuntu 18.04 LTS", "Canonical", "18.04", None, Some("cpe:2.3:o:canonical:ubuntu_linux:18.04:*:*:*:lts:*:*:*")),
    sw("CentOS Linux 7", "CentOS Project", "7.9.2009", None, Some("cpe:2.3:o:centos:centos:7:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const HYPERVISOR: Slot = Slot { risk: 0.2, current: &[
    sw("VMware ESXi", "VMware", "8.0 Update 3", None, Some("cpe:2.3:o:vmware:esxi:8.0:update_3:*:*:*:*:*:*")),
    sw("VMware ESXi", "VMware", "7.0 Update 3", None, Some("cpe:2.3:o:vmware:esxi:7.0:update_3:*:*:*:*:*:*")),
], stale: &[
    sw("VMware ESXi", "VMware", "6.7 Update 3", None, Some("cpe:2.3:o:vmware:esxi:6.7:update_3:*:*:*:*:*:*")),
    sw("VMware ESXi", "VMware", "6.5 Update 3", None, Some("cpe:2.3:o:vmware:esxi:6.5:update_3:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const MEDICAL_OS: Slot = Slot { risk: 0.3, current: &[
    sw("Windows 10 IoT Enterprise LTSC 2021", MS, "10.0.19044.5854", None, Some("cpe:2.3:o:microsoft:windows_10_21h2:10.0.19044.5854:*:*:*:*:*:x64:*")),
    sw("Windows 11 IoT Enterprise LTSC 2024", MS, "10.0.26100.4061", None, Some("cpe:2.3:o:microsoft:windows_11_24h2:10.0.26100.4061:*:*:*:*:*:x64:*")),
], stale: &[
    sw("Windows Embedded Standard 7 SP1", MS, "6.1.7601", None, Some("cpe:2.3:o:microsoft:windows_embedded_standard_7:-:sp1:*:*:*:*:*:*")),
    sw("Windows 7 Professional SP1", MS, "6.1.7601", None, Some("cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*")),
    sw("Windows XP Embedded SP3", MS, "5.1.2600", None, Some("cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*")),
]};

// ---- network and edge -------------------------------------------------------------------------------

#[rustfmt::skip]
pub(crate) const FORTIOS: Slot = Slot { risk: 0.2, current: &[
    sw("FortiOS", "Fortinet", "7.4.8", None, Some("cpe:2.3:o:fortinet:fortios:7.4.8:*:*:*:*:*:*:*")),
    sw("FortiOS", "Fortinet", "7.2.11", None, Some("cpe:2.3:o:fortinet:fortios:7.2.11:*:*:*:*:*:*:*")),
    sw("FortiOS", "Fortinet", "7.6.3", None, Some("cpe:2.3:o:fortinet:fortios:7.6.3:*:*:*:*:*:*:*")),
], stale: &[
    sw("FortiOS", "Fortinet", "7.0.12", None, Some("cpe:2.3:o:fortinet:fortios:7.0.12:*:*:*:*:*:*:*")),
    sw("FortiOS", "Fortinet", "7.2.4", None, Some("cpe:2.3:o:fortinet:fortios:7.2.4:*:*:*:*:*:*:*")),
    sw("FortiOS", "Fortinet", "6.4.9", None, Some("cpe:2.3:o:fortinet:fortios:6.4.9:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const NETSCALER: Slot = Slot { risk: 0.22, current: &[
    sw("NetScaler ADC", "Citrix", "14.1-43.56", None, Some("cpe:2.3:a:citrix:netscaler_application_delivery_controller:14.1-43.56:*:*:*:*:*:*:*")),
    sw("NetScaler ADC", "Citrix", "13.1-58.32", None, Some("cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-58.32:*:*:*:*:*:*:*")),
], stale: &[
    sw("NetScaler ADC", "Citrix", "13.1-49.13", None, Some("cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.1-49.13:*:*:*:*:*:*:*")),
    sw("NetScaler ADC", "Citrix", "13.0-92.19", None, Some("cpe:2.3:a:citrix:netscaler_application_delivery_controller:13.0-92.19:*:*:*:*:*:*:*")),
    sw("NetScaler ADC", "Citrix", "14.1-8.50", None, Some("cpe:2.3:a:citrix:netscaler_application_delivery_controller:14.1-8.50:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const CONNECT_SECURE: Slot = Slot { risk: 0.25, current: &[
    sw("Ivanti Connect Secure", "Ivanti", "22.7R2.8", None, Some("cpe:2.3:a:ivanti:connect_secure:22.7:r2.8:*:*:*:*:*:*")),
], stale: &[
    sw("Ivanti Connect Secure", "Ivanti", "22.7R2.4", None, Some("cpe:2.3:a:ivanti:connect_secure:22.7:r2.4:*:*:*:*:*:*")),
    sw("Ivanti Connect Secure", "Ivanti", "22.4R2.2", None, Some("cpe:2.3:a:ivanti:connect_secure:22.4:r2.2:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const IOS_XE: Slot = Slot { risk: 0.15, current: &[
    sw("Cisco IOS XE", "Cisco", "17.9.5", None, Some("cpe:2.3:o:cisco:ios_xe:17.9.5:*:*:*:*:*:*:*")),
    sw("Cisco IOS XE", "Cisco", "17.12.3", None, Some("cpe:2.3:o:cisco:ios_xe:17.12.3:*:*:*:*:*:*:*")),
], stale: &[
    sw("Cisco IOS XE", "Cisco", "16.12.4", None, Some("cpe:2.3:o:cisco:ios_xe:16.12.4:*:*:*:*:*:*:*")),
    sw("Cisco IOS XE", "Cisco", "17.3.1", None, Some("cpe:2.3:o:cisco:ios_xe:17.3.1:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const SMALL_ROUTER: Slot = Slot { risk: 0.3, current: &[
    sw("DrayTek Vigor 2865 firmware", "DrayTek", "4.4.5.3", None, Some("cpe:2.3:o:draytek:vigor2865_firmware:4.4.5.3:*:*:*:*:*:*:*")),
    sw("FortiOS", "Fortinet", "7.2.11", None, Some("cpe:2.3:o:fortinet:fortios:7.2.11:*:*:*:*:*:*:*")),
], stale: &[
    sw("DrayTek Vigor 2865 firmware", "DrayTek", "4.3.1.1", None, Some("cpe:2.3:o:draytek:vigor2865_firmware:4.3.1.1:*:*:*:*:*:*:*")),
    sw("DrayTek Vigor 2960 firmware", "DrayTek", "1.5.1.4", None, Some("cpe:2.3:o:draytek:vigor2960_firmware:1.5.1.4:*:*:*:*:*:*:*")),
]};

// ---- server products ----------------------------------------------------------------------------------

#[rustfmt::skip]
pub(crate) const EXCHANGE: Slot = Slot { risk: 0.3, current: &[
    sw("Microsoft Exchange Server 2019 CU14", MS, "15.2.1544.4", None, Some("cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_14:*:*:*:*:*:*")),
    sw("Microsoft Exchange Server 2019 CU15", MS, "15.2.1748.10", None, Some("cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_15:*:*:*:*:*:*")),
], stale: &[
    sw("Microsoft Exchange Server 2016 CU23", MS, "15.1.2507.6", None, Some("cpe:2.3:a:microsoft:exchange_server:2016:cumulative_update_23:*:*:*:*:*:*")),
    sw("Microsoft Exchange Server 2019 CU11", MS, "15.2.986.5", None, Some("cpe:2.3:a:microsoft:exchange_server:2019:cumulative_update_11:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const MOVEIT: Slot = Slot { risk: 0.25, current: &[
    sw("MOVEit Transfer", "Progress Software", "2024.0.2", None, Some("cpe:2.3:a:progress:moveit_transfer:2024.0.2:*:*:*:*:*:*:*")),
    sw("MOVEit Transfer", "Progress Software", "2023.0.6", None, Some("cpe:2.3:a:progress:moveit_transfer:2023.0.6:*:*:*:*:*:*:*")),
], stale: &[
    sw("MOVEit Transfer", "Progress Software", "2023.0.0", None, Some("cpe:2.3:a:progress:moveit_transfer:2023.0.0:*:*:*:*:*:*:*")),
    sw("MOVEit Transfer", "Progress Software", "2022.1.4", None, Some("cpe:2.3:a:progress:moveit_transfer:2022.1.4:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const SQL_SERVER: Slot = Slot { risk: 0.18, current: &[
    sw("Microsoft SQL Server 2019", MS, "15.0.4430.1", None, Some("cpe:2.3:a:microsoft:sql_server_2019:15.0.4430.1:*:*:*:*:*:x64:*")),
    sw("Microsoft SQL Server 2022", MS, "16.0.4185.3", None, Some("cpe:2.3:a:microsoft:sql_server_2022:16.0.4185.3:*:*:*:*:*:x64:*")),
], stale: &[
    sw("Microsoft SQL Server 2014 SP3", MS, "12.0.6449.1", None, Some("cpe:2.3:a:microsoft:sql_server_2014:sp3:*:*:*:*:*:x64:*")),
    sw("Microsoft SQL Server 2012 SP4", MS, "11.0.7001.0", None, Some("cpe:2.3:a:microsoft:sql_server_2012:sp4:*:*:*:*:*:x64:*")),
]};

#[rustfmt::skip]
pub(crate) const POSTGRES: Slot = Slot { risk: 0.15, current: &[
    sw("PostgreSQL", "PostgreSQL Global Development Group", "15.7", None, Some("cpe:2.3:a:postgresql:postgresql:15.7:*:*:*:*:*:*:*")),
    sw("PostgreSQL", "PostgreSQL Global Development Group", "16.3", None, Some("cpe:2.3:a:postgresql:postgresql:16.3:*:*:*:*:*:*:*")),
], stale: &[
    sw("PostgreSQL", "PostgreSQL Global Development Group", "10.23", None, Some("cpe:2.3:a:postgresql:postgresql:10.23:*:*:*:*:*:*:*")),
    sw("PostgreSQL", "PostgreSQL Global Development Group", "11.22", None, Some("cpe:2.3:a:postgresql:postgresql:11.22:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const DOTNET: Slot = Slot { risk: 0.15, current: &[
    sw("Microsoft .NET Framework", MS, "4.8.1", None, Some("cpe:2.3:a:microsoft:.net_framework:4.8.1:*:*:*:*:*:*:*")),
    sw("Microsoft .NET Framework", MS, "4.8", None, Some("cpe:2.3:a:microsoft:.net_framework:4.8:*:*:*:*:*:*:*")),
], stale: &[
    sw("Microsoft .NET Framework", MS, "4.5.2", None, Some("cpe:2.3:a:microsoft:.net_framework:4.5.2:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const IIS: Slot = Slot { risk: 0.0, current: &[
    sw("Internet Information Services", MS, "10.0", None, Some("cpe:2.3:a:microsoft:internet_information_services:10.0:*:*:*:*:*:*:*")),
], stale: &[] };

#[rustfmt::skip]
pub(crate) const DEFENDER: Slot = Slot { risk: 0.0, current: &[
    sw("Microsoft Defender Antivirus", MS, "4.18.25040.2", None, None),
], stale: &[] };

#[rustfmt::skip]
pub(crate) const VCREDIST: Slot = Slot { risk: 0.0, current: &[
    sw("Microsoft Visual C++ 2015-2022 Redistributable (x64)", MS, "14.40.33810.0", None, None),
], stale: &[] };

#[rustfmt::skip]
pub(crate) const JAVA_RUNTIME: Slot = Slot { risk: 0.2, current: &[
    sw("Eclipse Temurin JRE", "Eclipse Adoptium", "17.0.11", None, Some("cpe:2.3:a:eclipse:temurin:17.0.11:*:*:*:*:*:*:*")),
    sw("Eclipse Temurin JRE", "Eclipse Adoptium", "21.0.3", None, Some("cpe:2.3:a:eclipse:temurin:21.0.3:*:*:*:*:*:*:*")),
], stale: &[
    sw("Java SE Runtime Environment 8", "Oracle", "1.8.0_202", None, Some("cpe:2.3:a:oracle:jre:1.8.0:update_202:*:*:*:*:*:*")),
    sw("Java SE Runtime Environment 7", "Oracle", "1.7.0_80", None, Some("cpe:2.3:a:oracle:jre:1.7.0:update_80:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const NODE: Slot = Slot { risk: 0.2, current: &[
    sw("Node.js", "OpenJS Foundation", "20.14.0", None, Some("cpe:2.3:a:nodejs:node.js:20.14.0:*:*:*:-:*:*:*")),
    sw("Node.js", "OpenJS Foundation", "22.3.0", None, Some("cpe:2.3:a:nodejs:node.js:22.3.0:*:*:*:-:*:*:*")),
], stale: &[
    sw("Node.js", "OpenJS Foundation", "14.17.0", None, Some("cpe:2.3:a:nodejs:node.js:14.17.0:*:*:*:-:*:*:*")),
    sw("Node.js", "OpenJS Foundation", "16.20.2", None, Some("cpe:2.3:a:nodejs:node.js:16.20.2:*:*:*:-:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const WEB_SERVER: Slot = Slot { risk: 0.12, current: &[
    sw("nginx", "F5", "1.24.0", None, Some("cpe:2.3:a:f5:nginx:1.24.0:*:*:*:open_source:*:*:*")),
    sw("nginx", "F5", "1.26.1", None, Some("cpe:2.3:a:f5:nginx:1.26.1:*:*:*:open_source:*:*:*")),
    sw("Apache HTTP Server", ASF, "2.4.62", None, Some("cpe:2.3:a:apache:http_server:2.4.62:*:*:*:*:*:*:*")),
], stale: &[
    sw("Apache HTTP Server", ASF, "2.4.49", None, Some("cpe:2.3:a:apache:http_server:2.4.49:*:*:*:*:*:*:*")),
    sw("nginx", "F5", "1.18.0", None, Some("cpe:2.3:a:f5:nginx:1.18.0:*:*:*:open_source:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const OPENSSL: Slot = Slot { risk: 0.2, current: &[
    sw("OpenSSL", "OpenSSL Project", "3.0.13", Some("pkg:generic/openssl@3.0.13"), Some("cpe:2.3:a:openssl:openssl:3.0.13:*:*:*:*:*:*:*")),
    sw("OpenSSL", "OpenSSL Project", "3.0.15", Some("pkg:generic/openssl@3.0.15"), Some("cpe:2.3:a:openssl:openssl:3.0.15:*:*:*:*:*:*:*")),
    sw("OpenSSL", "OpenSSL Project", "3.2.2", Some("pkg:generic/openssl@3.2.2"), Some("cpe:2.3:a:openssl:openssl:3.2.2:*:*:*:*:*:*:*")),
], stale: &[
    sw("OpenSSL", "OpenSSL Project", "1.1.1k", Some("pkg:generic/openssl@1.1.1k"), Some("cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*")),
    sw("OpenSSL", "OpenSSL Project", "1.1.1w", Some("pkg:generic/openssl@1.1.1w"), Some("cpe:2.3:a:openssl:openssl:1.1.1w:*:*:*:*:*:*:*")),
    sw("OpenSSL", "OpenSSL Project", "3.0.2", Some("pkg:generic/openssl@3.0.2"), Some("cpe:2.3:a:openssl:openssl:3.0.2:*:*:*:*:*:*:*")),
    sw("OpenSSL", "OpenSSL Project", "1.0.2u", Some("pkg:generic/openssl@1.0.2u"), Some("cpe:2.3:a:openssl:openssl:1.0.2u:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const OPENSSH: Slot = Slot { risk: 0.15, current: &[
    sw("OpenSSH", "OpenBSD", "9.6p1", None, Some("cpe:2.3:a:openbsd:openssh:9.6:p1:*:*:*:*:*:*")),
    sw("OpenSSH", "OpenBSD", "9.8p1", None, Some("cpe:2.3:a:openbsd:openssh:9.8:p1:*:*:*:*:*:*")),
], stale: &[
    sw("OpenSSH", "OpenBSD", "7.4p1", None, Some("cpe:2.3:a:openbsd:openssh:7.4:p1:*:*:*:*:*:*")),
    sw("OpenSSH", "OpenBSD", "8.2p1", None, Some("cpe:2.3:a:openbsd:openssh:8.2:p1:*:*:*:*:*:*")),
]};

// ---- libraries (Maven, npm, PyPI) ---------------------------------------------------------------------

#[rustfmt::skip]
pub(crate) const LOG4J: Slot = Slot { risk: 0.1, current: &[
    sw("log4j-core", ASF, "2.17.1", Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1"), Some("cpe:2.3:a:apache:log4j:2.17.1:*:*:*:*:*:*:*")),
    sw("log4j-core", ASF, "2.20.0", Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.20.0"), Some("cpe:2.3:a:apache:log4j:2.20.0:*:*:*:*:*:*:*")),
    sw("log4j-core", ASF, "2.23.1", Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.23.1"), Some("cpe:2.3:a:apache:log4j:2.23.1:*:*:*:*:*:*:*")),
], stale: &[
    sw("log4j-core", ASF, "2.14.1", Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"), Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")),
    sw("log4j-core", ASF, "2.14.1", Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"), Some("cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*")),
    sw("log4j-core", ASF, "2.16.0", Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.16.0"), Some("cpe:2.3:a:apache:log4j:2.16.0:*:*:*:*:*:*:*")),
    sw("log4j", ASF, "1.2.17", Some("pkg:maven/log4j/log4j@1.2.17"), Some("cpe:2.3:a:apache:log4j:1.2.17:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const JACKSON: Slot = Slot { risk: 0.15, current: &[
    sw("jackson-databind", "FasterXML", "2.13.5", Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.13.5"), Some("cpe:2.3:a:fasterxml:jackson-databind:2.13.5:*:*:*:*:*:*:*")),
    sw("jackson-databind", "FasterXML", "2.15.4", Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.15.4"), Some("cpe:2.3:a:fasterxml:jackson-databind:2.15.4:*:*:*:*:*:*:*")),
    sw("jackson-databind", "FasterXML", "2.17.1", Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.17.1"), Some("cpe:2.3:a:fasterxml:jackson-databind:2.17.1:*:*:*:*:*:*:*")),
], stale: &[
    sw("jackson-databind", "FasterXML", "2.9.10.8", Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.10.8"), Some("cpe:2.3:a:fasterxml:jackson-databind:2.9.10.8:*:*:*:*:*:*:*")),
    sw("jackson-databind", "FasterXML", "2.9.8", Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.8"), Some("cpe:2.3:a:fasterxml:jackson-databind:2.9.8:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const SPRING_CORE: Slot = Slot { risk: 0.12, current: &[
    sw("spring-core", "VMware", "5.3.37", Some("pkg:maven/org.springframework/spring-core@5.3.37"), Some("cpe:2.3:a:vmware:spring_framework:5.3.37:*:*:*:*:*:*:*")),
    sw("spring-core", "VMware", "6.1.8", Some("pkg:maven/org.springframework/spring-core@6.1.8"), Some("cpe:2.3:a:vmware:spring_framework:6.1.8:*:*:*:*:*:*:*")),
], stale: &[
    sw("spring-core", "VMware", "5.3.17", Some("pkg:maven/org.springframework/spring-core@5.3.17"), Some("cpe:2.3:a:vmware:spring_framework:5.3.17:*:*:*:*:*:*:*")),
    sw("spring-core", "VMware", "5.2.19.RELEASE", Some("pkg:maven/org.springframework/spring-core@5.2.19.RELEASE"), Some("cpe:2.3:a:vmware:spring_framework:5.2.19:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const TOMCAT: Slot = Slot { risk: 0.15, current: &[
    sw("tomcat-embed-core", ASF, "9.0.89", Some("pkg:maven/org.apache.tomcat.embed/tomcat-embed-core@9.0.89"), Some("cpe:2.3:a:apache:tomcat:9.0.89:*:*:*:*:*:*:*")),
    sw("tomcat-embed-core", ASF, "10.1.24", Some("pkg:maven/org.apache.tomcat.embed/tomcat-embed-core@10.1.24"), Some("cpe:2.3:a:apache:tomcat:10.1.24:*:*:*:*:*:*:*")),
], stale: &[
    sw("tomcat-embed-core", ASF, "9.0.30", Some("pkg:maven/org.apache.tomcat.embed/tomcat-embed-core@9.0.30"), Some("cpe:2.3:a:apache:tomcat:9.0.30:*:*:*:*:*:*:*")),
    sw("tomcat-embed-core", ASF, "8.5.51", Some("pkg:maven/org.apache.tomcat.embed/tomcat-embed-core@8.5.51"), Some("cpe:2.3:a:apache:tomcat:8.5.51:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const LODASH: Slot = Slot { risk: 0.18, current: &[
    sw("lodash", "OpenJS Foundation", "4.17.21", Some("pkg:npm/lodash@4.17.21"), Some("cpe:2.3:a:lodash:lodash:4.17.21:*:*:*:*:node.js:*:*")),
], stale: &[
    sw("lodash", "OpenJS Foundation", "4.17.15", Some("pkg:npm/lodash@4.17.15"), Some("cpe:2.3:a:lodash:lodash:4.17.15:*:*:*:*:node.js:*:*")),
    sw("lodash", "OpenJS Foundation", "4.17.11", Some("pkg:npm/lodash@4.17.11"), Some("cpe:2.3:a:lodash:lodash:4.17.11:*:*:*:*:node.js:*:*")),
]};

#[rustfmt::skip]
pub(crate) const EXPRESS: Slot = Slot { risk: 0.15, current: &[
    sw("express", "OpenJS Foundation", "4.19.2", Some("pkg:npm/express@4.19.2"), None),
    sw("express", "OpenJS Foundation", "4.21.0", Some("pkg:npm/express@4.21.0"), None),
], stale: &[
    sw("express", "OpenJS Foundation", "4.17.1", Some("pkg:npm/express@4.17.1"), None),
    sw("express", "OpenJS Foundation", "4.16.4", Some("pkg:npm/express@4.16.4"), None),
]};

#[rustfmt::skip]
pub(crate) const AXIOS: Slot = Slot { risk: 0.15, current: &[
    sw("axios", "axios", "1.7.2", Some("pkg:npm/axios@1.7.2"), None),
], stale: &[
    sw("axios", "axios", "0.21.1", Some("pkg:npm/axios@0.21.1"), None),
]};

#[rustfmt::skip]
pub(crate) const REQUESTS: Slot = Slot { risk: 0.15, current: &[
    sw("requests", "Python Software Foundation", "2.32.3", Some("pkg:pypi/requests@2.32.3"), Some("cpe:2.3:a:python:requests:2.32.3:*:*:*:*:*:*:*")),
    sw("requests", "Python Software Foundation", "2.31.0", Some("pkg:pypi/requests@2.31.0"), Some("cpe:2.3:a:python:requests:2.31.0:*:*:*:*:*:*:*")),
], stale: &[
    sw("requests", "Python Software Foundation", "2.25.1", Some("pkg:pypi/requests@2.25.1"), Some("cpe:2.3:a:python:requests:2.25.1:*:*:*:*:*:*:*")),
    sw("requests", "Python Software Foundation", "2.22.0", Some("pkg:pypi/requests@2.22.0"), Some("cpe:2.3:a:python:requests:2.22.0:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const URLLIB3: Slot = Slot { risk: 0.15, current: &[
    sw("urllib3", "urllib3", "2.2.2", Some("pkg:pypi/urllib3@2.2.2"), Some("cpe:2.3:a:python:urllib3:2.2.2:*:*:*:*:*:*:*")),
    sw("urllib3", "urllib3", "1.26.19", Some("pkg:pypi/urllib3@1.26.19"), Some("cpe:2.3:a:python:urllib3:1.26.19:*:*:*:*:*:*:*")),
], stale: &[
    sw("urllib3", "urllib3", "1.26.4", Some("pkg:pypi/urllib3@1.26.4"), Some("cpe:2.3:a:python:urllib3:1.26.4:*:*:*:*:*:*:*")),
    sw("urllib3", "urllib3", "1.24.1", Some("pkg:pypi/urllib3@1.24.1"), Some("cpe:2.3:a:python:urllib3:1.24.1:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const DJANGO: Slot = Slot { risk: 0.15, current: &[
    sw("Django", "Django Software Foundation", "4.2.13", Some("pkg:pypi/django@4.2.13"), Some("cpe:2.3:a:djangoproject:django:4.2.13:*:*:*:*:*:*:*")),
    sw("Django", "Django Software Foundation", "5.0.6", Some("pkg:pypi/django@5.0.6"), Some("cpe:2.3:a:djangoproject:django:5.0.6:*:*:*:*:*:*:*")),
], stale: &[
    sw("Django", "Django Software Foundation", "3.2.12", Some("pkg:pypi/django@3.2.12"), Some("cpe:2.3:a:djangoproject:django:3.2.12:*:*:*:*:*:*:*")),
    sw("Django", "Django Software Foundation", "2.2.28", Some("pkg:pypi/django@2.2.28"), Some("cpe:2.3:a:djangoproject:django:2.2.28:*:*:*:*:*:*:*")),
]};

// ---- end-user applications ----------------------------------------------------------------------------

#[rustfmt::skip]
pub(crate) const BROWSER: Slot = Slot { risk: 0.1, current: &[
    sw("Google Chrome", "Google", "136.0.7103.114", None, Some("cpe:2.3:a:google:chrome:136.0.7103.114:*:*:*:*:*:*:*")),
    sw("Microsoft Edge", MS, "136.0.3240.76", None, Some("cpe:2.3:a:microsoft:edge_chromium:136.0.3240.76:*:*:*:*:*:*:*")),
    sw("Microsoft Edge", MS, "136.0.3240.76", None, Some("cpe:2.3:a:microsoft:edge_chromium:136.0.3240.76:*:*:*:*:*:*:*")),
], stale: &[
    sw("Google Chrome", "Google", "118.0.5993.88", None, Some("cpe:2.3:a:google:chrome:118.0.5993.88:*:*:*:*:*:*:*")),
    sw("Microsoft Edge", MS, "109.0.1518.140", None, Some("cpe:2.3:a:microsoft:edge_chromium:109.0.1518.140:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const OFFICE: Slot = Slot { risk: 0.1, current: &[
    sw("Microsoft 365 Apps for enterprise", MS, "16.0.18730.20168", None, Some("cpe:2.3:a:microsoft:365_apps:-:*:*:*:enterprise:*:*:*")),
], stale: &[
    sw("Microsoft Office 2013", MS, "15.0.5589.1000", None, Some("cpe:2.3:a:microsoft:office:2013:sp1:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const PDF_READER: Slot = Slot { risk: 0.12, current: &[
    sw("Adobe Acrobat Reader", "Adobe", "25.001.20474", None, Some("cpe:2.3:a:adobe:acrobat_reader_dc:25.001.20474:*:*:*:continuous:*:*:*")),
], stale: &[
    sw("Adobe Acrobat Reader DC", "Adobe", "21.001.20145", None, Some("cpe:2.3:a:adobe:acrobat_reader_dc:21.001.20145:*:*:*:continuous:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const ARCHIVER: Slot = Slot { risk: 0.2, current: &[
    sw("7-Zip", "Igor Pavlov", "24.09", None, Some("cpe:2.3:a:7-zip:7-zip:24.09:*:*:*:*:*:*:*")),
], stale: &[
    sw("7-Zip", "Igor Pavlov", "19.00", None, Some("cpe:2.3:a:7-zip:7-zip:19.00:*:*:*:*:*:*:*")),
    sw("7-Zip", "Igor Pavlov", "16.04", None, Some("cpe:2.3:a:7-zip:7-zip:16.04:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const FIREFOX: Slot = Slot { risk: 0.12, current: &[
    sw("Mozilla Firefox ESR", "Mozilla", "128.11.0", None, Some("cpe:2.3:a:mozilla:firefox_esr:128.11.0:*:*:*:*:*:*:*")),
], stale: &[
    sw("Mozilla Firefox ESR", "Mozilla", "102.5.0", None, Some("cpe:2.3:a:mozilla:firefox_esr:102.5.0:*:*:*:*:*:*:*")),
]};

#[rustfmt::skip]
pub(crate) const ANDROID: Slot = Slot { risk: 0.25, current: &[
    sw("Android", "Google", "14", None, Some("cpe:2.3:o:google:android:14.0:*:*:*:*:*:*:*")),
    sw("Android", "Google", "13", None, Some("cpe:2.3:o:google:android:13.0:*:*:*:*:*:*:*")),
], stale: &[
    sw("Android", "Google", "10", None, Some("cpe:2.3:o:google:android:10.0:*:*:*:*:*:*:*")),
    sw("Android", "Google", "9", None, Some("cpe:2.3:o:google:android:9.0:*:*:*:*:*:*:*")),
]};

/// Optional desktop applications, drawn without repeats after the OS.
pub(crate) const DESKTOP_EXTRAS: [&Slot; 6] =
    [&BROWSER, &OFFICE, &PDF_READER, &ARCHIVER, &JAVA_RUNTIME, &FIREFOX];

/// Libraries a Java application ships with.
pub(crate) const JAVA_LIBS: [&Slot; 4] = [&LOG4J, &JACKSON, &SPRING_CORE, &TOMCAT];
/// Libraries a Node.js front end ships with.
pub(crate) const NODE_LIBS: [&Slot; 3] = [&LODASH, &EXPRESS, &AXIOS];
/// Libraries a Python integration service ships with.
pub(crate) const PYTHON_LIBS: [&Slot; 3] = [&REQUESTS, &URLLIB3, &DJANGO];
