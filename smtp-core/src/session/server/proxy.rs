//! The PROXY protocol header (HAProxy, versions 1 and 2) that a load balancer, or a test client,
//! sends before any SMTP byte to name the real client.
//!
//! ```text
//! v1 = "PROXY" SP ( "TCP4" / "TCP6" ) SP src-addr SP dst-addr SP src-port SP dst-port CRLF
//!    / "PROXY" SP "UNKNOWN" *( SP / VCHAR ) CRLF          ; at most 107 octets in all
//! v2 = sig ver-cmd fam len addresses tlvs                   ; sig is the 12 octets below
//! ```

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The v2 signature: `\r\n\r\n\0\r\nQUIT\n`.
const V2_SIGNATURE: &[u8; 12] = b"\r\n\r\n\0\r\nQUIT\n";
/// Longest v1 header, CRLF included (the specification's own bound).
const V1_MAX: usize = 107;
/// Longest v2 header accepted: the fixed part and 4 KiB of addresses and TLVs.
const V2_MAX: usize = 16 + 4096;

/// A parsed PROXY header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyHeader {
    /// 1 or 2.
    pub version: u8,
    /// The real client, when the header names one (not for `UNKNOWN`, v2 `LOCAL`, or an address
    /// family other than TCP/UDP over IPv4/IPv6).
    pub source: Option<SocketAddr>,
    /// The address the client connected to, when named.
    pub destination: Option<SocketAddr>,
}

/// Why bytes are not (yet) a PROXY header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyError {
    /// The header is not complete: read more.
    Incomplete,
    /// The bytes are not a PROXY header; the reason is for logs.
    Invalid(&'static str),
}

/// Reads a PROXY header (v1 or v2) from the start of `input`, returning it and its length.
///
/// ```
/// use smtp_core::session::server::parse_proxy_header;
///
/// let (h, n) = parse_proxy_header(b"PROXY TCP4 203.0.113.9 192.0.2.1 4711 25\r\nEHLO").unwrap();
/// assert_eq!(n, 42);
/// assert_eq!(h.source.unwrap().to_string(), "203.0.113.9:4711");
/// ```
pub fn parse_proxy_header(input: &[u8]) -> Result<(ProxyHeader, usize), ProxyError> {
    // The two versions differ in their first octet ('\r' against 'P').
    if !input.is_empty() && input.len() < V2_SIGNATURE.len() && V2_SIGNATURE.starts_with(input) {
        return Err(ProxyError::Incomplete);
    }
    if input.starts_with(V2_SIGNATURE) {
        return v2(input);
    }
    let prefix = b"PROXY ";
    let n = input.len().min(prefix.len());
    if input[..n] != prefix[..n] {
        return Err(ProxyError::Invalid("not a PROXY header"));
    }
    v1(input)
}

/// The v1 text header.
fn v1(input: &[u8]) -> Result<(ProxyHeader, usize), ProxyError> {
    let window = &input[..input.len().min(V1_MAX)];
    let Some(lf) = window.iter().position(|b| *b == b'\n') else {
        return if input.len() >= V1_MAX {
            Err(ProxyError::Invalid("v1 header longer than 107 octets"))
        } else {
            Err(ProxyError::Incomplete)
        };
    };
    if lf == 0 || window[lf - 1] != b'\r' {
        return Err(ProxyError::Invalid("v1 header does not end in CRLF"));
    }
    let line = std::str::from_utf8(&window[..lf - 1])
        .map_err(|_| ProxyError::Invalid("v1 header is not ASCII"))?;
    let mut words = line.split(' ');
    let _proxy = words.next();
    let header = |source, destination| ProxyHeader {
        version: 1,
        source,
        destination,
    };
    match words.next() {
        Some("UNKNOWN") => Ok((header(None, None), lf + 1)),
        Some(family @ ("TCP4" | "TCP6")) => {
            let fields: Vec<&str> = words.collect();
            let [src, dst, sport, dport] = fields[..] else {
                return Err(ProxyError::Invalid("v1 header needs four fields"));
            };
            let ip = |s: &str| -> Result<IpAddr, ProxyError> {
                let ip = if family == "TCP4" {
                    s.parse::<Ipv4Addr>().map(IpAddr::V4)
                } else {
                    s.parse::<Ipv6Addr>().map(IpAddr::V6)
                };
                ip.map_err(|_| ProxyError::Invalid("v1 address does not match its family"))
            };
            let port = |s: &str| -> Result<u16, ProxyError> {
                if s.is_empty() || s.len() > 5 || (s.len() > 1 && s.starts_with('0')) {
                    return Err(ProxyError::Invalid("v1 port"));
                }
                s.parse().map_err(|_| ProxyError::Invalid("v1 port"))
            };
            let source = SocketAddr::new(ip(src)?, port(sport)?);
            let destination = SocketAddr::new(ip(dst)?, port(dport)?);
            Ok((header(Some(source), Some(destination)), lf + 1))
        }
        _ => Err(ProxyError::Invalid("v1 protocol family")),
    }
}

/// The v2 binary header.
fn v2(input: &[u8]) -> Result<(ProxyHeader, usize), ProxyError> {
    if input.len() < 16 {
        return Err(ProxyError::Incomplete);
    }
    let version_command = input[12];
    if version_command >> 4 != 2 {
        return Err(ProxyError::Invalid("v2 version"));
    }
    let family = input[13];
    let len = usize::from(u16::from_be_bytes([input[14], input[15]]));
    let total = 16 + len;
    if total > V2_MAX {
        return Err(ProxyError::Invalid("v2 header too long"));
    }
    if input.len() < total {
        return Err(ProxyError::Incomplete);
    }
    let body = &input[16..total];
    let header = |source, destination| ProxyHeader {
        version: 2,
        source,
        destination,
    };
    match version_command & 0x0f {
        // LOCAL: a health check from the proxy itself; the connection's own address stands.
        0 => return Ok((header(None, None), total)),
        1 => {}
        _ => return Err(ProxyError::Invalid("v2 command")),
    }
    let addresses = match family >> 4 {
        1 if body.len() >= 12 => {
            let ip = |at: usize| {
                IpAddr::V4(Ipv4Addr::new(
                    body[at],
                    body[at + 1],
                    body[at + 2],
                    body[at + 3],
                ))
            };
            Some((ip(0), ip(4), &body[8..12]))
        }
        2 if body.len() >= 36 => {
            let ip = |at: usize| {
                let mut octets = [0u8; 16];
                octets.copy_from_slice(&body[at..at + 16]);
                IpAddr::V6(Ipv6Addr::from(octets))
            };
            Some((ip(0), ip(16), &body[32..36]))
        }
        1 | 2 => return Err(ProxyError::Invalid("v2 address block too short")),
        _ => None,
    };
    Ok(match addresses {
        Some((src, dst, ports)) => {
            let sport = u16::from_be_bytes([ports[0], ports[1]]);
            let dport = u16::from_be_bytes([ports[2], ports[3]]);
            (
                header(
                    Some(SocketAddr::new(src, sport)),
                    Some(SocketAddr::new(dst, dport)),
                ),
                total,
            )
        }
        None => (header(None, None), total),
    })
}

/// Writes a v2 PROXY header for a TCP connection from `source` to `destination` (for test
/// clients that present themselves as another address).
pub fn write_proxy_v2(source: SocketAddr, destination: SocketAddr, out: &mut Vec<u8>) {
    out.extend_from_slice(V2_SIGNATURE);
    out.push(0x21);
    match (source.ip(), destination.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            out.push(0x11);
            out.extend_from_slice(&12u16.to_be_bytes());
            out.extend_from_slice(&s.octets());
            out.extend_from_slice(&d.octets());
        }
        (s, d) => {
            let v6 = |ip: IpAddr| match ip {
                IpAddr::V4(v4) => v4.to_ipv6_mapped(),
                IpAddr::V6(v6) => v6,
            };
            out.push(0x21);
            out.extend_from_slice(&36u16.to_be_bytes());
            out.extend_from_slice(&v6(s).octets());
            out.extend_from_slice(&v6(d).octets());
        }
    }
    out.extend_from_slice(&source.port().to_be_bytes());
    out.extend_from_slice(&destination.port().to_be_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_known_answers() {
        type Expected = Result<(Option<&'static str>, usize), ProxyError>;
        let cases: [(&[u8], Expected); 9] = [
            (
                b"PROXY TCP4 198.51.100.22 203.0.113.7 35646 25\r\n",
                Ok((Some("198.51.100.22:35646"), 47)),
            ),
            (
                b"PROXY TCP6 2001:db8::1 2001:db8::2 1 25\r\nQUIT",
                Ok((Some("[2001:db8::1]:1"), 41)),
            ),
            (b"PROXY UNKNOWN\r\n", Ok((None, 15))),
            (b"PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n", Ok((None, 35))),
            (b"PROXY TCP4 198.51.100.22", Err(ProxyError::Incomplete)),
            (b"PRO", Err(ProxyError::Incomplete)),
            (
                b"PROXY TCP4 2001:db8::1 203.0.113.7 1 25\r\n",
                Err(ProxyError::Invalid("v1 address does not match its family")),
            ),
            (
                b"PROXY TCP4 1.2.3.4 5.6.7.8 65536 25\r\n",
                Err(ProxyError::Invalid("v1 port")),
            ),
            (
                b"EHLO x\r\n",
                Err(ProxyError::Invalid("not a PROXY header")),
            ),
        ];
        for (input, expected) in cases {
            let got = parse_proxy_header(input).map(|(h, n)| (h.source.map(|s| s.to_string()), n));
            let expected = expected.map(|(s, n)| (s.map(str::to_owned), n));
            assert_eq!(got, expected, "{}", String::from_utf8_lossy(input));
        }
        let long = [b"PROXY UNKNOWN ".as_slice(), &[b'x'; 100]].concat();
        assert!(matches!(
            parse_proxy_header(&long),
            Err(ProxyError::Invalid(_))
        ));
    }

    #[test]
    fn v2_round_trip_at_every_cut() {
        let pairs = [
            ("203.0.113.9:4711", "192.0.2.1:25"),
            ("[2001:db8::9]:4711", "[2001:db8::1]:25"),
        ];
        for (s, d) in pairs {
            let (s, d): (SocketAddr, SocketAddr) = (s.parse().unwrap(), d.parse().unwrap());
            let mut wire = Vec::new();
            write_proxy_v2(s, d, &mut wire);
            let n = wire.len();
            wire.extend_from_slice(b"EHLO x\r\n");
            let (h, used) = parse_proxy_header(&wire).unwrap();
            assert_eq!(
                (h.version, h.source, h.destination, used),
                (2, Some(s), Some(d), n)
            );
            for cut in 1..n {
                assert_eq!(
                    parse_proxy_header(&wire[..cut]),
                    Err(ProxyError::Incomplete),
                    "{cut}"
                );
            }
        }
        // LOCAL command: no address.
        let mut local = V2_SIGNATURE.to_vec();
        local.extend_from_slice(&[0x20, 0x00, 0, 0]);
        assert_eq!(parse_proxy_header(&local).unwrap().0.source, None);
        let mut bad = V2_SIGNATURE.to_vec();
        bad.extend_from_slice(&[0x11, 0x11, 0, 0]);
        assert!(matches!(
            parse_proxy_header(&bad),
            Err(ProxyError::Invalid(_))
        ));
    }
}
