//! Curated aliases: the only way software known by name (no purl, no CPE) gets a CPE.
//!
//! Rule: a record whose name equals one of an alias's names (case-insensitive, spaces collapsed)
//! gets the alias's CPE vendor and product, with the record's version, **only if** the record's
//! vendor is empty or is one of the alias's vendor spellings. There is no fuzzy matching, and no
//! product name alone ever selects a vendor: `git` from one vendor never becomes another vendor's
//! `git`. The built-in table ([`AliasTable::builtin`]) covers a few products that health and care
//! organisations record by hand (edge appliances, mail and web servers); deployments extend it with
//! [`AliasTable::with`].

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::cpe::{Cpe, CpeValue};

/// One curated alias.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpeAlias {
    /// Product names as people write them (`NetScaler ADC`, `Citrix ADC`).
    pub names: Vec<String>,
    /// Vendor spellings accepted for this product (`Citrix`, `Cloud Software Group`).
    pub vendors: Vec<String>,
    /// CPE part: `a`, `o` or `h`.
    pub part: String,
    /// CPE vendor (`citrix`).
    pub cpe_vendor: String,
    /// CPE product (`netscaler_application_delivery_controller`).
    pub cpe_product: String,
}

/// Aliases indexed by normalised name.
#[derive(Debug, Clone, Default)]
pub struct AliasTable {
    aliases: Vec<CpeAlias>,
    by_name: HashMap<String, Vec<usize>>,
}

fn key(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn vendor_key(text: &str) -> String {
    key(&text.replace([',', '.'], " "))
        .trim_end_matches(" inc")
        .trim_end_matches(" ltd")
        .trim_end_matches(" corporation")
        .trim_end_matches(" corp")
        .to_owned()
}

impl AliasTable {
    /// A table of these aliases.
    pub fn new(aliases: Vec<CpeAlias>) -> Self {
        let mut table = Self::default();
        for alias in aliases {
            table = table.with(alias);
        }
        table
    }

    /// This table plus one alias.
    pub fn with(mut self, alias: CpeAlias) -> Self {
        let index = self.aliases.len();
        for name in &alias.names {
            self.by_name.entry(key(name)).or_default().push(index);
        }
        self.aliases.push(alias);
        self
    }

    /// The built-in aliases (see the module docs).
    pub fn builtin() -> Self {
        let a = |names: &[&str], vendors: &[&str], part: &str, vendor: &str, product: &str| CpeAlias {
            names: names.iter().map(|s| (*s).to_owned()).collect(),
            vendors: vendors.iter().map(|s| (*s).to_owned()).collect(),
            part: part.to_owned(),
            cpe_vendor: vendor.to_owned(),
            cpe_product: product.to_owned(),
        };
        Self::new(vec![
            a(
                &[
                    "NetScaler ADC",
                    "Citrix ADC",
                    "NetScaler Application Delivery Controller",
                ],
                &["Citrix", "Citrix Systems", "Cloud Software Group", "NetScaler"],
                "a",
                "citrix",
                "netscaler_application_delivery_controller",
            ),
            a(
                &["NetScaler Gateway", "Citrix Gateway"],
                &["Citrix", "Citrix Systems", "Cloud Software Group", "NetScaler"],
                "a",
                "citrix",
                "netscaler_gateway",
            ),
            a(&["FortiOS"], &["Fortinet"], "o", "fortinet", "fortios"),
            a(
                &["PAN-OS"],
                &["Palo Alto Networks"],
                "o",
                "paloaltonetworks",
                "pan-os",
            ),
            a(
                &["Ivanti Connect Secure", "Pulse Connect Secure"],
                &["Ivanti", "Pulse Secure"],
                "a",
                "ivanti",
                "connect_secure",
            ),
            a(
                &["Microsoft Exchange Server", "Exchange Server"],
                &["Microsoft"],
                "a",
                "microsoft",
                "exchange_server",
            ),
            a(
                &["VMware ESXi", "ESXi"],
                &["VMware", "Broadcom"],
                "o",
                "vmware",
                "esxi",
            ),
            a(
                &["OpenSSL"],
                &["OpenSSL", "OpenSSL Project"],
                "a",
                "openssl",
                "openssl",
            ),
            a(&["OpenSSH"], &["OpenBSD", "OpenSSH"], "a", "openbsd", "openssh"),
            a(
                &["Apache Tomcat"],
                &["Apache", "Apache Software Foundation"],
                "a",
                "apache",
                "tomcat",
            ),
            a(
                &["Apache HTTP Server"],
                &["Apache", "Apache Software Foundation"],
                "a",
                "apache",
                "http_server",
            ),
            a(&["nginx"], &["F5", "F5 Networks", "nginx"], "a", "f5", "nginx"),
            a(
                &["MOVEit Transfer"],
                &["Progress", "Progress Software"],
                "a",
                "progress",
                "moveit_transfer",
            ),
        ])
    }

    /// Every alias, in the order added.
    pub fn aliases(&self) -> &[CpeAlias] {
        &self.aliases
    }

    /// The CPE for a name-only record, or `None` (see the module's rule).
    pub fn resolve(&self, vendor: Option<&str>, name: &str, version: &str) -> Option<Cpe> {
        let vendor = vendor.map(vendor_key).filter(|v| !v.is_empty());
        let candidates = self.by_name.get(&key(name))?;
        let alias = candidates
            .iter()
            .map(|i| &self.aliases[*i])
            .find(|alias| match &vendor {
                None => true,
                Some(v) => alias.vendors.iter().any(|known| vendor_key(known) == *v),
            })?;
        let value = |s: &str| CpeValue::Value {
            text: s.to_lowercase(),
            wildcard: false,
        };
        let version = version.trim();
        Some(Cpe {
            part: value(&alias.part),
            vendor: value(&alias.cpe_vendor),
            product: value(&alias.cpe_product),
            version: if version.is_empty() {
                CpeValue::Any
            } else {
                value(version)
            },
            rest: std::array::from_fn(|_| CpeValue::Any),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_only_with_a_known_or_absent_vendor() {
        let t = AliasTable::builtin();
        let c = t
            .resolve(Some("Citrix Systems, Inc."), "netscaler  adc", "13.1-49.13")
            .unwrap();
        assert_eq!(
            c.to_string(),
            "cpe:2.3:a:citrix:netscaler_application_delivery_controller:13\\.1\\-49\\.13:*:*:*:*:*:*:*"
        );
        assert!(t.resolve(None, "FortiOS", "7.2.4").is_some());
        assert!(t.resolve(Some("Acme"), "FortiOS", "7.2.4").is_none());
        assert!(t.resolve(None, "Git", "2.40").is_none());
        assert!(t.resolve(None, "NetScaler", "13.1").is_none(), "no partial names");
    }
}
