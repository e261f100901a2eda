//! The client's address behind trusted reverse proxies, for sign-in throttling.
//!
//! `X-Forwarded-For` is read only when the TCP peer is itself a trusted proxy (anyone else could
//! write any address into it). The header is then walked from the right, skipping addresses that
//! are trusted proxies too; the first one that is not is the client. If every address is trusted
//! (or the header is missing or unreadable), the peer's address stands.

use std::net::IpAddr;
use std::str::FromStr;

/// A trusted proxy: one address (`10.0.0.5`) or a network (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrustedProxy {
    net: IpAddr,
    prefix: u8,
}

impl TrustedProxy {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(n), IpAddr::V4(a)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(n) & mask == u32::from(a) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(a)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(n) & mask == u128::from(a) & mask
            }
            _ => false,
        }
    }
}

impl FromStr for TrustedProxy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net = IpAddr::from_str(addr)
            .map_err(|_| format!("'{s}' is not an IP address or network (like 10.0.0.0/8)"))?
            .to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("'{s}': the prefix length must be 0 to {max}"))?,
        };
        Ok(Self { net, prefix })
    }
}

/// The client address for a request from `peer` carrying `forwarded_for` (every
/// `X-Forwarded-For` header value, in order).
pub fn client_address(peer: IpAddr, forwarded_for: &[&str], trusted: &[TrustedProxy]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|t| t.contains(ip));
    let peer = peer.to_canonical();
    if !is_trusted(peer) {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for
        .iter()
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for hop in hops.iter().rev() {
        let Ok(ip) = IpAddr::from_str(hop) else {
            // An unreadable entry: nothing to its left can be trusted either.
            return peer;
        };
        let ip = ip.to_canonical();
        if !is_trusted(ip) {
            return ip;
        }
    }
    peer
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn networks_parse_and_match() {
        let t: TrustedProxy = "10.0.0.0/8".parse().unwrap();
        assert!(t.contains(ip("10.20.30.40")));
        assert!(!t.contains(ip("11.0.0.1")));
        let one: TrustedProxy = "127.0.0.1".parse().unwrap();
        assert!(one.contains(ip("127.0.0.1")) && !one.contains(ip("127.0.0.2")));
        assert!(
            one.contains(ip("::ffff:127.0.0.1")),
            "IPv4-mapped IPv6 peers match"
        );
        let v6: TrustedProxy = "fd00::/8".parse().unwrap();
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        assert!("10.0.0.0/33".parse::<TrustedProxy>().is_err());
        assert!("proxy.local".parse::<TrustedProxy>().is_err());
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_peers() {
        let trusted = vec!["10.0.0.0/8".parse().unwrap()];
        // A direct caller cannot choose its address by sending the header.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["198.51.100.1"], &trusted),
            ip("203.0.113.9")
        );
        // Behind the proxy: the right-most address that is not a trusted proxy.
        assert_eq!(
            client_address(ip("10.0.0.5"), &["198.51.100.1, 203.0.113.7, 10.1.1.1"], &trusted),
            ip("203.0.113.7"),
            "the left-most entries are whatever the client sent"
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &["198.51.100.1", "203.0.113.7"], &trusted),
            ip("203.0.113.7"),
            "several headers read as one list"
        );
        assert_eq!(client_address(ip("10.0.0.5"), &[], &trusted), ip("10.0.0.5"));
        assert_eq!(
            client_address(ip("10.0.0.5"), &["garbage, 203.0.113.7"], &trusted),
            ip("203.0.113.7")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), &["203.0.113.7, garbage"], &trusted),
            ip("10.0.0.5")
        );
        // Nothing trusted: the header is ignored altogether.
        assert_eq!(
            client_address(ip("10.0.0.5"), &["198.51.100.1"], &[]),
            ip("10.0.0.5")
        );
    }
}
