//! Where Loopdesk may send requests. Outbound calls (group robots, webhooks) go to public addresses only, unless
//! the operator allows an internal network for on-premises receivers: otherwise anyone who can configure a
//! channel could make the server call its own admin ports or a cloud metadata service (SSRF).

use std::net::IpAddr;

use ipnet::IpNet;

/// Whether an address is not on the public internet: loopback, private, link-local (cloud metadata lives at
/// 169.254.169.254), carrier-grade NAT, unique-local, multicast, broadcast, unspecified or documentation ranges,
/// including IPv4 addresses written as IPv6.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 198 && (b == 18 || b == 19))
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || first == 0x2001 && v6.segments()[1] == 0x0db8
        }
    }
}

/// The internal networks an operator allows outbound calls to (`LOOPDESK_OUTBOUND_ALLOW=10.1.2.0/24,192.168.5.7`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboundAllow(Vec<IpNet>);

impl OutboundAllow {
    /// Comma-separated networks (`10.0.0.0/8`) or single addresses; an error names the entry it cannot read.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut nets = Vec::new();
        for entry in text.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            let net = entry
                .parse::<IpNet>()
                .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("{entry:?} is neither an address nor a network like 10.0.0.0/8"))?;
            nets.push(net);
        }
        Ok(OutboundAllow(nets))
    }

    /// Whether a request may go to this address.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        !is_internal(ip) || self.0.iter().any(|net| net.contains(&ip))
    }
}

/// The proxies in front of Loopdesk whose `X-Forwarded-For` is believed (`LOOPDESK_TRUSTED_PROXIES`). Empty (the
/// default): the client is the peer of the TCP connection, and the header is ignored (anyone could write it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Comma-separated networks or single addresses, as [`OutboundAllow::parse`].
    pub fn parse(text: &str) -> Result<Self, String> {
        OutboundAllow::parse(text).map(|allow| TrustedProxies(allow.0))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = unmapped(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address: the connection's peer, unless the peer is a trusted proxy; then the right-most
    /// address of `X-Forwarded-For` that is not itself a trusted proxy (addresses left of it could be made up by
    /// the client). An unreadable entry ends the walk at the last address believed.
    pub fn client_address(&self, peer: IpAddr, forwarded_for: Option<&str>) -> IpAddr {
        let mut client = unmapped(peer);
        if !self.trusts(client) {
            return client;
        }
        let Some(header) = forwarded_for else { return client };
        for entry in header.rsplit(',').map(str::trim) {
            let Ok(ip) = entry.parse::<IpAddr>() else { break };
            client = unmapped(ip);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The key sign-in throttling counts a client under: an IPv4 address, or the /64 network of an IPv6 address (one
/// site holds a whole /64, so counting single IPv6 addresses would give each attacker billions of keys).
pub fn client_key(ip: IpAddr) -> String {
    match unmapped(ip) {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            let net = std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0);
            format!("{net}/64")
        }
    }
}

/// Host names that always mean this machine, refused without asking DNS.
pub fn is_local_name(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "localhost" || host.ends_with(".localhost")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn internal_addresses_are_refused_by_default() {
        for internal in [
            "127.0.0.1",
            "10.2.3.4",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
        ] {
            assert!(is_internal(ip(internal)), "{internal}");
            assert!(!OutboundAllow::default().permits(ip(internal)), "{internal}");
        }
        for public in ["8.8.8.8", "203.119.1.1", "2400:3200::1", "172.32.0.1"] {
            assert!(!is_internal(ip(public)), "{public}");
            assert!(OutboundAllow::default().permits(ip(public)), "{public}");
        }
    }

    #[test]
    fn an_operator_allows_named_networks_only() {
        let allow = OutboundAllow::parse("10.1.2.0/24, 192.168.5.7").unwrap();
        assert!(allow.permits(ip("10.1.2.99")));
        assert!(allow.permits(ip("192.168.5.7")));
        assert!(allow.permits(ip("::ffff:10.1.2.3")));
        assert!(!allow.permits(ip("10.1.3.1")));
        assert!(!allow.permits(ip("169.254.169.254")));
        assert!(OutboundAllow::parse("10.0.0.0/8,intranet").unwrap_err().contains("intranet"));
        assert!(is_local_name("LOCALHOST.") && is_local_name("api.localhost") && !is_local_name("localhost.cn"));
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() {
        let none = TrustedProxies::default();
        assert_eq!(none.client_address(ip("203.0.113.9"), Some("198.51.100.1")), ip("203.0.113.9"));
        assert_eq!(none.client_address(ip("::ffff:203.0.113.9"), None), ip("203.0.113.9"));
    }

    #[test]
    fn behind_a_trusted_proxy_the_right_most_untrusted_forwarded_address_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, 192.168.1.1").unwrap();
        // The client wrote a fake first entry; the proxies appended the real one.
        let chain = Some("1.2.3.4, 203.0.113.7, 10.0.0.5");
        assert_eq!(proxies.client_address(ip("192.168.1.1"), chain), ip("203.0.113.7"));
        assert_eq!(proxies.client_address(ip("10.1.1.1"), Some("203.0.113.7")), ip("203.0.113.7"));
        // No header: the proxy itself; an untrusted peer is believed over any header.
        assert_eq!(proxies.client_address(ip("10.1.1.1"), None), ip("10.1.1.1"));
        assert_eq!(proxies.client_address(ip("203.0.113.50"), chain), ip("203.0.113.50"));
        // Garbage stops the walk at the last address believed.
        assert_eq!(proxies.client_address(ip("10.1.1.1"), Some("junk, 10.0.0.9")), ip("10.0.0.9"));
        assert!(TrustedProxies::parse("10.0.0.0/8, nonsense").is_err());
    }

    #[test]
    fn ipv6_clients_count_per_64_network() {
        assert_eq!(client_key(ip("2001:db8:1:2:aaaa::1")), client_key(ip("2001:db8:1:2:bbbb::2")));
        assert_ne!(client_key(ip("2001:db8:1:2::1")), client_key(ip("2001:db8:1:3::1")));
        assert_eq!(client_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(client_key(ip("::ffff:203.0.113.9")), "203.0.113.9");
    }
}
