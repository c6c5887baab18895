//! CIDR blocks as the API server reads them in NetworkPolicy `ipBlock`s (`netutils.
//! ParseCIDRSloppy`: Go's `net.ParseCIDR` that also takes leading zeros in IPv4 octets and
//! the prefix length), and whether an address falls inside one.

// `core::net`: the address types alone, no sockets.
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A network: the address with the bits past the prefix cleared, and the prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// `10.0.0.0/8`, `10.1.2.3/24` (an interface address: the network is `10.1.2.0/24`),
    /// `2001:db8::/64`; `None` for anything `ParseCIDRSloppy` refuses.
    pub fn parse(text: &str) -> Option<Cidr> {
        let (address, prefix) = text.split_once('/')?;
        let address = parse_ip_sloppy(address)?;
        let bits = match address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => 128,
        };
        if prefix.is_empty() || !prefix.bytes().all(|b| b.is_ascii_digit()) || prefix.len() > 3 {
            return None;
        }
        let prefix: u8 = prefix.parse().ok().filter(|p| *p <= bits)?;
        Some(Cidr {
            network: mask(address, prefix),
            prefix,
        })
    }

    pub fn prefix(self) -> u8 {
        self.prefix
    }

    /// Whether `address` is in this network (an IPv4 address is never in an IPv6 one).
    pub fn contains(self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(_), IpAddr::V4(_)) | (IpAddr::V6(_), IpAddr::V6(_)) => {
                mask(address, self.prefix) == self.network
            }
            _ => false,
        }
    }

    /// The network's first address (Go's `IPNet.IP`).
    pub fn network(self) -> IpAddr {
        self.network
    }
}

/// An IP address as `netutils.ParseIPSloppy` reads it: IPv4 octets may have leading zeros.
pub fn parse_ip_sloppy(text: &str) -> Option<IpAddr> {
    if text.contains(':') {
        return text.parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = u8::try_from(part.parse::<u32>().ok()?).ok()?;
    }
    parts
        .next()
        .is_none()
        .then_some(IpAddr::V4(Ipv4Addr::from(octets)))
}

fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(v4) => {
            let bits = u32::from(v4);
            let kept = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V4(Ipv4Addr::from(bits & kept))
        }
        IpAddr::V6(v6) => {
            let bits = u128::from(v6);
            let kept = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            IpAddr::V6(Ipv6Addr::from(bits & kept))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        parse_ip_sloppy(text).unwrap()
    }

    #[test]
    fn parses_as_parse_cidr_sloppy_does() {
        assert!(Cidr::parse("10.0.0.0/8").is_some());
        assert!(Cidr::parse("010.000.0.0/08").is_some());
        assert!(Cidr::parse("2001:db8::/64").is_some());
        assert_eq!(
            Cidr::parse("10.1.2.3/24").map(Cidr::network),
            Some(ip("10.1.2.0"))
        );
        for bad in [
            "10.0.0.0",
            "10.0.0.0/33",
            "10.0.0/8",
            "256.0.0.0/8",
            "a.b.c.d/8",
            "10.0.0.0/",
            "/8",
            "10.0.0.0/-1",
            "2001:db8::/129",
        ] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn contains_the_addresses_of_its_network() {
        let Some(block) = Cidr::parse("10.244.1.0/24") else {
            panic!("unparsed");
        };
        assert!(block.contains(ip("10.244.1.7")));
        assert!(!block.contains(ip("10.244.2.7")));
        assert!(!block.contains(ip("::1")));
        let everything = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(everything.contains(ip("172.18.0.3")));
        assert!(
            Cidr::parse("10.244.1.5/32")
                .unwrap()
                .contains(ip("10.244.1.5"))
        );
    }
}
