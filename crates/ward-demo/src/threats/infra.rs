//! Vulnerabilities of operating systems, network and edge appliances, and server products.

use super::{Vuln, branches, each, exact, range, v};

const WIN10_22H2: &str = "cpe:2.3:o:microsoft:windows_10_22h2:*:*:*:*:*:*:*:*";
const WIN10_21H2: &str = "cpe:2.3:o:microsoft:windows_10_21h2:*:*:*:*:*:*:*:*";
const WIN11_23H2: &str = "cpe:2.3:o:microsoft:windows_11_23h2:*:*:*:*:*:*:*:*";
const WIN11_24H2: &str = "cpe:2.3:o:microsoft:windows_11_24h2:*:*:*:*:*:*:*:*";
const SRV2016: &str = "cpe:2.3:o:microsoft:windows_server_2016:*:*:*:*:*:*:*:*";
const SRV2019: &str = "cpe:2.3:o:microsoft:windows_server_2019:*:*:*:*:*:*:*:*";
const SRV2022: &str = "cpe:2.3:o:microsoft:windows_server_2022:*:*:*:*:*:*:*:*";
const SRV2012R2: &str = "cpe:2.3:o:microsoft:windows_server_2012:r2:*:*:*:*:*:*:*";
const SRV2008R2: &str = "cpe:2.3:o:microsoft:windows_server_2008:r2:sp1:*:*:*:*:*:*";
const WIN7: &str = "cpe:2.3:o:microsoft:windows_7:-:sp1:*:*:*:*:*:*";
const WINXP: &str = "cpe:2.3:o:microsoft:windows_xp:-:sp3:*:*:*:*:*:*";
const WES7: &str = "cpe:2.3:o:microsoft:windows_embedded_standard_7:-:sp1:*:*:*:*:*:*";
const FORTIOS: &str = "cpe:2.3:o:fortinet:fortios:*:*:*:*:*:*:*:*";
const ADC: &str = "cpe:2.3:a:citrix:netscaler_application_delivery_controller:*:*:*:*:*:*:*:*";
const GATEWAY: &str = "cpe:2.3:a:citrix:netscaler_gateway:*:*:*:*:*:*:*:*";
const MOVEIT: &str = "cpe:2.3:a:progress:moveit_transfer:*:*:*:*:*:*:*:*";
const IOS_XE: &str = "cpe:2.3:o:cisco:ios_xe:*:*:*:*:*:*:*:*";

/// Ivanti Connect Secure releases as NVD names them: version `22.7`, update `r2.4`.
fn ics(update: &str) -> String {
    format!("cpe:2.3:a:ivanti:connect_secure:22.7:{update}:*:*:*:*:*:*")
}

fn exchange(year: &str, cu: u8) -> String {
    format!("cpe:2.3:a:microsoft:exchange_server:{year}:cumulative_update_{cu}:*:*:*:*:*:*")
}

fn esxi(release: &str, update: &str) -> String {
    format!("cpe:2.3:o:vmware:esxi:{release}:{update}:*:*:*:*:*:*")
}

#[rustfmt::skip]
pub(super) fn vulns() -> Vec<Vuln> {
    vec![
        // ---- Windows ----------------------------------------------------------------------------------
        v("CVE-2017-0144", (2017, 3, 17), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.1)
            .cwe(&["CWE-20"])
            .text("Windows SMBv1 server remote code execution (EternalBlue)",
                "Crafted SMBv1 packets let an unauthenticated attacker run code on a Windows machine that \
                 has not had the March 2017 (MS17-010) update. It was the spreading mechanism of WannaCry \
                 and NotPetya and is still used against unpatched legacy systems, such as medical devices \
                 on Windows XP and 7.")
            .cpes(each(&[WINXP, WIN7, WES7, SRV2008R2, SRV2012R2]))
            .kev("Microsoft", "SMBv1", (2022, 2, 10), (2022, 8, 10), true)
            .epss(0.943, 0.999),
        v("CVE-2019-0708", (2019, 5, 16), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-416"])
            .text("Remote Desktop Services pre-authentication remote code execution (BlueKeep)",
                "A use-after-free in Remote Desktop Services on Windows XP, 7, Server 2008 and 2008 R2 lets \
                 an attacker who can reach the RDP port run code as SYSTEM before signing in, so it can \
                 spread from machine to machine. Microsoft shipped fixes even for out-of-support releases.")
            .cpes(each(&[WINXP, WIN7, WES7, SRV2008R2]))
            .kev("Microsoft", "Remote Desktop Services", (2021, 11, 3), (2022, 5, 3), true)
            .epss(0.944, 0.999),
        v("CVE-2024-38063", (2024, 8, 13), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-191"])
            .text("Windows TCP/IP remote code execution through IPv6 packets",
                "An integer underflow in the Windows TCP/IP stack lets an unauthenticated attacker send \
                 specially crafted IPv6 packets that can lead to code execution. Machines with IPv6 \
                 disabled are not reachable this way. Fixed in the August 2024 cumulative updates.")
            .cpes(vec![
                range(WIN10_22H2, None, "10.0.19045.4780"),
                range(WIN10_21H2, None, "10.0.19044.4780"),
                range(WIN11_23H2, None, "10.0.22631.4037"),
                range(SRV2016, None, "10.0.14393.7259"),
                range(SRV2019, None, "10.0.17763.6189"),
                range(SRV2022, None, "10.0.20348.2655"),
                exact(SRV2012R2),
            ])
            .epss(0.054, 0.93),
        v("CVE-2025-29824", (2025, 4, 8), "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 7.8)
            .cwe(&["CWE-416"])
            .text("Windows Common Log File System driver elevation of privilege",
                "A use-after-free in the CLFS kernel driver lets a local user gain SYSTEM rights. It was \
                 used as a zero-day after initial access to deploy ransomware. Fixed in the April 2025 \
                 cumulative updates.")
            .cpes(vec![
                range(WIN10_22H2, None, "10.0.19045.5737"),
                range(WIN10_21H2, None, "10.0.19044.5737"),
                range(WIN11_23H2, None, "10.0.22631.5189"),
                range(WIN11_24H2, None, "10.0.26100.3775"),
                range(SRV2016, None, "10.0.14393.7970"),
                range(SRV2019, None, "10.0.17763.7136"),
                range(SRV2022, None, "10.0.20348.3453"),
                exact(SRV2012R2),
            ])
            .kev("Microsoft", "Windows", (2025, 4, 8), (2025, 4, 29), true)
            .epss(0.021, 0.84),
        // ---- Exchange ---------------------------------------------------------------------------------
        v("CVE-2022-41082", (2022, 10, 3), "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H", 8.8)
            .cwe(&["CWE-502"])
            .text("Exchange Server remote code execution through PowerShell (ProxyNotShell)",
                "An authenticated user can have Exchange deserialise untrusted data through remote \
                 PowerShell and run code on the server; chained with the SSRF CVE-2022-41040 it was \
                 exploited from September 2022. Fixed in the November 2022 security updates, which the \
                 base builds of these cumulative updates lack.")
            .cpes(vec![
                exact(&exchange("2016", 22)),
                exact(&exchange("2016", 23)),
                exact(&exchange("2019", 11)),
                exact(&exchange("2019", 12)),
            ])
            .kev("Microsoft", "Exchange Server", (2022, 9, 30), (2022, 10, 21), true)
            .epss(0.942, 0.999),
        v("CVE-2024-21410", (2024, 2, 13), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-287"])
            .text("Exchange Server NTLM credential relay elevation of privilege",
                "An attacker who captures a user's NTLM hash elsewhere (for example through Outlook) can \
                 relay it to Exchange and act as that user. Exchange 2019 CU14 turned on Extended \
                 Protection for Authentication by default, which closes the relay.")
            .cpes(vec![
                exact(&exchange("2016", 23)),
                exact(&exchange("2019", 12)),
                exact(&exchange("2019", 13)),
            ])
            .kev("Microsoft", "Exchange Server", (2024, 2, 15), (2024, 3, 7), false)
            .epss(0.372, 0.97),
        // ---- MOVEit Transfer --------------------------------------------------------------------------
        v("CVE-2023-34362", (2023, 6, 2), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-89"])
            .text("MOVEit Transfer SQL injection leading to data theft",
                "An unauthenticated SQL injection in the MOVEit Transfer web application lets an attacker \
                 read and change the database and plant a web shell. The Cl0p group used it in May 2023 \
                 to steal files from hundreds of organisations, NHS suppliers among them.")
            .cpes(branches(MOVEIT, &[
                (None, "2021.0.6"),
                (Some("2021.1.0"), "2021.1.4"),
                (Some("2022.0.0"), "2022.0.3"),
                (Some("2022.1.0"), "2022.1.5"),
                (Some("2023.0.0"), "2023.0.1"),
            ]))
            .kev("Progress", "MOVEit Transfer", (2023, 6, 2), (2023, 6, 23), true)
            .epss(0.945, 0.999),
        v("CVE-2024-5806", (2024, 6, 25), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N", 9.1)
            .cwe(&["CWE-287"])
            .text("MOVEit Transfer SFTP authentication bypass",
                "Improper authentication in the SFTP module of MOVEit Transfer 2023.0 and later lets an \
                 attacker sign in as another user in some configurations. Releases before 2023.0 do not \
                 have the affected code.")
            .cpes(branches(MOVEIT, &[
                (Some("2023.0.0"), "2023.0.11"),
                (Some("2023.1.0"), "2023.1.6"),
                (Some("2024.0.0"), "2024.0.2"),
            ]))
            .epss(0.912, 0.996),
        // ---- NetScaler ADC and Gateway ----------------------------------------------------------------
        v("CVE-2023-4966", (2023, 10, 10), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:L", 9.4)
            .cwe(&["CWE-119"])
            .text("NetScaler ADC and Gateway session token leak (Citrix Bleed)",
                "When a NetScaler is configured as a Gateway or AAA virtual server, a crafted request \
                 returns memory that holds valid session tokens, letting an attacker take over \
                 authenticated sessions without credentials or MFA. Ransomware groups used it widely \
                 in late 2023; patching alone does not end sessions already stolen.")
            .cpes(branches(ADC, &[
                (Some("13.0"), "13.0-92.19"),
                (Some("13.1"), "13.1-49.15"),
                (Some("14.1"), "14.1-8.50"),
            ]))
            .kev("Citrix", "NetScaler ADC and NetScaler Gateway", (2023, 10, 18), (2023, 11, 8), true)
            .epss(0.943, 0.999),
        v("CVE-2025-5777", (2025, 6, 17), "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:L/SI:L/SA:L", 9.3)
            .cwe(&["CWE-125"])
            .text("NetScaler ADC and Gateway memory over-read (CitrixBleed 2)",
                "Insufficient input validation lets an unauthenticated attacker read memory from a \
                 NetScaler configured as a Gateway or AAA virtual server, exposing session tokens. The \
                 end-of-life 12.1 and 13.0 lines are affected and will not be fixed.")
            .cpes(branches(ADC, &[
                (Some("12.1"), "13.1"),
                (Some("13.1"), "13.1-58.32"),
                (Some("14.1"), "14.1-43.56"),
            ]))
            .cpes(branches(GATEWAY, &[
                (Some("12.1"), "13.1"),
                (Some("13.1"), "13.1-58.32"),
                (Some("14.1"), "14.1-43.56"),
            ]))
            .kev("Citrix", "NetScaler ADC and Gateway", (2025, 7, 10), (2025, 7, 11), true)
            .epss(0.872, 0.994),
        // ---- FortiOS ----------------------------------------------------------------------------------
        v("CVE-2022-42475", (2023, 1, 2), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-122"])
            .text("FortiOS SSL-VPN heap overflow allowing unauthenticated code execution",
                "A heap-based buffer overflow in the FortiOS SSL-VPN daemon lets a remote attacker run \
                 code on the firewall with crafted requests. It was exploited as a zero-day against \
                 government and critical-infrastructure networks in late 2022.")
            .cpes(branches(FORTIOS, &[
                (Some("6.0.0"), "6.0.16"),
                (Some("6.2.0"), "6.2.12"),
                (Some("6.4.0"), "6.4.11"),
                (Some("7.0.0"), "7.0.9"),
                (Some("7.2.0"), "7.2.3"),
            ]))
            .kev("Fortinet", "FortiOS", (2022, 12, 13), (2023, 1, 3), true)
            .epss(0.941, 0.999),
        v("CVE-2023-27997", (2023, 6, 13), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-122"])
            .text("FortiOS SSL-VPN pre-authentication heap overflow (XORtigate)",
                "Another heap overflow in the SSL-VPN pre-authentication code lets a remote attacker run \
                 code on the appliance. Fixed in 6.0.17, 6.2.14, 6.4.13, 7.0.12 and 7.2.5.")
            .cpes(branches(FORTIOS, &[
                (Some("6.0.0"), "6.0.17"),
                (Some("6.2.0"), "6.2.14"),
                (Some("6.4.0"), "6.4.13"),
                (Some("7.0.0"), "7.0.12"),
                (Some("7.2.0"), "7.2.5"),
            ]))
            .kev("Fortinet", "FortiOS and FortiProxy SSL-VPN", (2023, 6, 13), (2023, 7, 4), true)
            .epss(0.937, 0.998),
        v("CVE-2024-21762", (2024, 2, 9), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-787"])
            .text("FortiOS SSL-VPN out-of-bounds write",
                "An out-of-bounds write in the SSL-VPN daemon lets an unauthenticated attacker run code \
                 with crafted HTTP requests. FortiOS 6.0 received no fix; the other lines were fixed in \
                 6.2.16, 6.4.15, 7.0.14, 7.2.7 and 7.4.3. Disabling SSL-VPN removes the exposure.")
            .cpes(branches(FORTIOS, &[
                (Some("6.0.0"), "6.2.0"),
                (Some("6.2.0"), "6.2.16"),
                (Some("6.4.0"), "6.4.15"),
                (Some("7.0.0"), "7.0.14"),
                (Some("7.2.0"), "7.2.7"),
                (Some("7.4.0"), "7.4.3"),
            ]))
            .kev("Fortinet", "FortiOS", (2024, 2, 9), (2024, 2, 16), true)
            .epss(0.926, 0.997),
        v("CVE-2024-55591", (2025, 1, 14), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8)
            .cwe(&["CWE-288"])
            .text("FortiOS authentication bypass through the Node.js websocket module",
                "Crafted requests to the management interface's websocket module give a remote attacker \
                 super-admin rights on FortiOS 7.0.0 to 7.0.16. Attackers created admin accounts and \
                 changed firewall policies on exposed management interfaces.")
            .cpes(branches(FORTIOS, &[(Some("7.0.0"), "7.0.17")]))
            .kev("Fortinet", "FortiOS and FortiProxy", (2025, 1, 14), (2025, 1, 21), true)
            .epss(0.932, 0.998),
        // ---- Ivanti Connect Secure --------------------------------------------------------------------
        v("CVE-2025-0282", (2025, 1, 8), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 9.0)
            .cwe(&["CWE-121"])
            .text("Ivanti Connect Secure stack overflow allowing unauthenticated code execution",
                "A stack-based buffer overflow in Connect Secure 22.7R2 to 22.7R2.4 lets a remote \
                 attacker run code on the VPN appliance. It was exploited before disclosure; Ivanti \
                 advises running its integrity checker as well as upgrading to 22.7R2.5.")
            .cpes(each(&[&ics("r2"), &ics("r2.1"), &ics("r2.2"), &ics("r2.3"), &ics("r2.4")]))
            .kev("Ivanti", "Connect Secure, Policy Secure, and ZTA Gateways", (2025, 1, 8), (2025, 1, 15), true)
            .epss(0.935, 0.998),
        v("CVE-2025-22457", (2025, 4, 3), "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H", 9.0)
            .cwe(&["CWE-121"])
            .text("Ivanti Connect Secure stack overflow in releases up to 22.7R2.5",
                "A stack overflow first fixed as a stability bug in 22.7R2.6 (February 2025) was later \
                 found to allow unauthenticated code execution and was exploited from March 2025. Every \
                 release before 22.7R2.6, including the unsupported 9.x and older 22.x lines, is affected.")
            .cpes({
                let mut c = vec![range("cpe:2.3:a:ivanti:connect_secure:*:*:*:*:*:*:*:*", None, "22.7")];
                for u in ["r1", "r1.1", "r1.2", "r2", "r2.1", "r2.2", "r2.3", "r2.4", "r2.5"] {
                    c.push(exact(&ics(u)));
                }
                c
            })
            .kev("Ivanti", "Connect Secure, Policy Secure, and ZTA Gateways", (2025, 4, 4), (2025, 4, 11), true)
            .epss(0.884, 0.995),
        // ---- Cisco IOS XE -----------------------------------------------------------------------------
        v("CVE-2023-20198", (2023, 10, 16), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)
            .cwe(&["CWE-420"])
            .text("Cisco IOS XE web UI lets an unauthenticated attacker create an admin account",
                "When the HTTP or HTTPS server of the web UI is enabled, a remote attacker can create a \
                 privilege-15 account and, with CVE-2023-20273, implant code. Tens of thousands of \
                 switches and routers were implanted in October 2023. Fixed in 17.9.4a, 17.6.6a, \
                 17.3.8a and 16.12.10a.")
            .cpes(branches(IOS_XE, &[
                (Some("16.1"), "16.12.10a"),
                (Some("17.1"), "17.3.8a"),
                (Some("17.4"), "17.6.6a"),
                (Some("17.7"), "17.9.4a"),
            ]))
            .kev("Cisco", "IOS XE Web UI", (2023, 10, 16), (2023, 10, 20), false)
            .epss(0.940, 0.999),
        // ---- DrayTek ----------------------------------------------------------------------------------
        v("CVE-2024-12987", (2024, 12, 27), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:L/A:L", 7.3)
            .cwe(&["CWE-78"])
            .text("DrayTek Vigor2960 and Vigor300B command injection in the web interface",
                "An unauthenticated OS command injection in the web management interface of Vigor2960 \
                 and Vigor300B firmware 1.5.1.4 lets a remote attacker run commands on the router. Both \
                 models are end of life; 1.5.1.5 fixes it.")
            .cpes(vec![
                range("cpe:2.3:o:draytek:vigor2960_firmware:*:*:*:*:*:*:*:*", None, "1.5.1.5"),
                range("cpe:2.3:o:draytek:vigor300b_firmware:*:*:*:*:*:*:*:*", None, "1.5.1.5"),
            ])
            .kev("DrayTek", "Vigor Routers", (2025, 5, 15), (2025, 6, 5), false)
            .epss(0.802, 0.990),
        v("CVE-2022-32548", (2022, 8, 3), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0)
            .cwe(&["CWE-120"])
            .text("DrayTek Vigor routers: unauthenticated code execution from the login page",
                "A buffer overflow in the web UI login handler of many Vigor models lets a remote attacker \
                 take over the router without credentials when the management interface or SSL VPN is \
                 reachable. The Vigor2865 series is fixed in 4.4.0.")
            .cpes(vec![
                range("cpe:2.3:o:draytek:vigor2865_firmware:*:*:*:*:*:*:*:*", None, "4.4.0"),
                range("cpe:2.3:o:draytek:vigor2866_firmware:*:*:*:*:*:*:*:*", None, "4.4.0"),
                range("cpe:2.3:o:draytek:vigor2927_firmware:*:*:*:*:*:*:*:*", None, "4.4.0"),
            ])
            .epss(0.115, 0.95),
        // ---- VMware ESXi ------------------------------------------------------------------------------
        v("CVE-2021-21974", (2021, 2, 24), "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 8.8)
            .cwe(&["CWE-787"])
            .text("VMware ESXi OpenSLP heap overflow (used by ESXiArgs ransomware)",
                "An attacker on the same network segment who can reach port 427 can overflow a heap \
                 buffer in the OpenSLP service and run code on the hypervisor. Unpatched ESXi 6.5 and \
                 6.7 hosts were mass-encrypted by the ESXiArgs campaign in February 2023.")
            .cpes(each(&[
                &esxi("6.5", "*"),
                &esxi("6.7", "*"),
                &esxi("7.0", "-"),
                &esxi("7.0", "update_1"),
                &esxi("7.0", "update_1a"),
                &esxi("7.0", "update_1b"),
            ]))
            .epss(0.939, 0.998),
        v("CVE-2024-37085", (2024, 6, 25), "CVSS:3.1/AV:A/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 6.8)
            .cwe(&["CWE-305"])
            .text("VMware ESXi Active Directory integration authentication bypass",
                "A domain-joined ESXi host gives full administrative access to members of an AD group \
                 named 'ESX Admins', even one created after joining; ransomware operators who held \
                 domain rights used this to take over hypervisors. Fixed in ESXi 8.0 Update 3; no fix \
                 is planned for 7.0.")
            .cpes(each(&[
                &esxi("7.0", "*"),
                &esxi("8.0", "-"),
                &esxi("8.0", "a"),
                &esxi("8.0", "b"),
                &esxi("8.0", "c"),
                &esxi("8.0", "update_1*"),
                &esxi("8.0", "update_2*"),
            ]))
            .kev("VMware", "ESXi", (2024, 7, 30), (2024, 8, 20), true)
            .epss(0.531, 0.98),
    ]
}
