//! Who a connection is: every connection gets a virtual public identity (address, host name,
//! HELO name), so that tests on loopback can play many senders at once.
//!
//! Where the identity comes from, in order:
//!
//! 1. XCLIENT (Postfix's extension: `XCLIENT ADDR=203.0.113.7 NAME=mail.example.com HELO=x`):
//!    the session hands the attributes to [`apply_xclient`], which changes the identity of the
//!    rest of the connection.
//! 2. A PROXY protocol header: the session hands the source address it carried to
//!    [`IdentityMap::for_peer`] instead of the socket's peer address.
//! 3. The socket's peer address, looked up in the [`IdentityMap`]: a client binds a
//!    127.0.0.0/8 alias such as 127.1.2.3 (Linux routes the whole /8 to loopback) and is seen as
//!    the public identity mapped to it.
//! 4. Otherwise the map's default identity, or else the peer address itself.
//!
//! ```
//! use smtp_sim::identity::{IdentityMap, apply_xclient};
//! use smtp_sim::types::ClientIdentity;
//!
//! let mut map = IdentityMap::default();
//! map.insert("127.1.2.3".parse().unwrap(), ClientIdentity::from_ip("203.0.113.7".parse().unwrap()));
//! let mut id = map.for_peer("127.1.2.3".parse().unwrap());
//! assert_eq!(id.ip.to_string(), "203.0.113.7");
//! apply_xclient(&mut id, &[("ADDR", "IPV6:2001:db8::25"), ("NAME", "[UNAVAILABLE]")]).unwrap();
//! assert_eq!(id.ip.to_string(), "2001:db8::25");
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::net::IpAddr;

use crate::types::ClientIdentity;

/// The identities of loopback source addresses, and the identity of everyone else.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdentityMap {
    by_source: BTreeMap<IpAddr, ClientIdentity>,
    default: Option<ClientIdentity>,
}

impl IdentityMap {
    /// Connections from `source` (a loopback alias, or a PROXY header's source) are `identity`.
    pub fn insert(&mut self, source: IpAddr, identity: ClientIdentity) -> &mut Self {
        self.by_source.insert(source.to_canonical(), identity);
        self
    }

    /// Connections from unmapped sources are `identity` (without one, they are themselves).
    pub fn set_default(&mut self, identity: ClientIdentity) -> &mut Self {
        self.default = Some(identity);
        self
    }

    /// The identity of a connection from `peer` (the socket's peer address, or the source
    /// address of a PROXY protocol header).
    pub fn for_peer(&self, peer: IpAddr) -> ClientIdentity {
        let peer = peer.to_canonical();
        self.by_source
            .get(&peer)
            .or(self.default.as_ref())
            .cloned()
            .unwrap_or_else(|| ClientIdentity::from_ip(peer))
    }

    /// The mapped sources, in address order.
    pub fn sources(&self) -> impl Iterator<Item = (&IpAddr, &ClientIdentity)> {
        self.by_source.iter()
    }
}

/// What XCLIENT said about the host name (Postfix's `NAME` attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GivenName<'a> {
    /// Nothing was given: the simulated DNS decides.
    Ask,
    /// This name, taken as verified.
    Known(&'a str),
    /// The reverse lookup failed permanently (`[UNAVAILABLE]`).
    Unavailable,
    /// The reverse lookup failed temporarily (`[TEMPUNAVAIL]`).
    TempUnavailable,
}

/// How an identity's `name` field reads.
pub fn given_name(identity: &ClientIdentity) -> GivenName<'_> {
    match identity.name.as_deref() {
        None => GivenName::Ask,
        Some(n) if n.eq_ignore_ascii_case("[UNAVAILABLE]") => GivenName::Unavailable,
        Some(n) if n.eq_ignore_ascii_case("[TEMPUNAVAIL]") => GivenName::TempUnavailable,
        Some(n) => GivenName::Known(n),
    }
}

/// Why an XCLIENT command was refused. [`XclientError::reply`] gives the wire reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XclientError {
    /// An attribute name XCLIENT does not define.
    UnknownAttribute(String),
    /// A value that is not valid for its attribute (or bad xtext).
    BadValue {
        /// The attribute.
        name: String,
        /// The value as sent.
        value: String,
    },
}

impl XclientError {
    /// The reply: `501 5.5.4` and what was wrong (the project's own wording).
    pub fn reply(&self) -> (u16, &'static str, String) {
        match self {
            XclientError::UnknownAttribute(name) => {
                (501, "5.5.4", format!("Bad XCLIENT attribute name: {name}"))
            }
            XclientError::BadValue { name, value } => {
                (501, "5.5.4", format!("Bad XCLIENT {name} value: {value}"))
            }
        }
    }
}

impl fmt::Display for XclientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (code, status, text) = self.reply();
        write!(f, "{code} {status} {text}")
    }
}

impl std::error::Error for XclientError {}

/// Applies XCLIENT attributes (names case-insensitive, values xtext-encoded as Postfix's
/// XCLIENT_README says) to the identity: `ADDR` (IPv4, or `IPV6:` and an IPv6 address),
/// `NAME` (a host name, `[UNAVAILABLE]` or `[TEMPUNAVAIL]`), `HELO` (`[UNAVAILABLE]` clears it).
/// `PORT`, `PROTO`, `LOGIN`, `DESTADDR` and `DESTPORT` are accepted and ignored. Nothing
/// changes unless every attribute is valid.
pub fn apply_xclient(
    identity: &mut ClientIdentity,
    attributes: &[(&str, &str)],
) -> Result<(), XclientError> {
    let mut next = identity.clone();
    for &(name, raw) in attributes {
        let bad = || XclientError::BadValue {
            name: name.to_ascii_uppercase(),
            value: raw.to_owned(),
        };
        let value = decode_xtext(raw).ok_or_else(bad)?;
        let unavailable = value.eq_ignore_ascii_case("[UNAVAILABLE]");
        match name.to_ascii_uppercase().as_str() {
            "ADDR" if unavailable => {}
            "ADDR" => {
                let ip: IpAddr = match value.get(..5) {
                    Some(p) if p.eq_ignore_ascii_case("IPV6:") => {
                        value[5..].parse::<std::net::Ipv6Addr>().map(IpAddr::V6)
                    }
                    _ => value.parse::<std::net::Ipv4Addr>().map(IpAddr::V4),
                }
                .map_err(|_| bad())?;
                next.ip = ip.to_canonical();
            }
            "NAME" => {
                if !value.starts_with('[') && !is_host_name(&value) {
                    return Err(bad());
                }
                next.name = Some(value);
            }
            "HELO" => next.helo = (!unavailable).then_some(value),
            "PORT" | "PROTO" | "LOGIN" | "DESTADDR" | "DESTPORT" => {}
            other => return Err(XclientError::UnknownAttribute(other.to_owned())),
        }
    }
    *identity = next;
    Ok(())
}

/// RFC 3461 §4 xtext, decoded with smtp-core's codec; `None` if malformed or not UTF-8.
fn decode_xtext(text: &str) -> Option<String> {
    let xtext = smtp_core::xtext::XText::try_from(text).ok()?;
    String::from_utf8(xtext.decode().into_owned()).ok()
}

fn is_host_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn map_default_and_peer() {
        let mut map = IdentityMap::default();
        let fresh = ClientIdentity::from_ip(ip("203.0.113.7"));
        map.insert(ip("127.1.2.3"), fresh.clone());
        assert_eq!(map.for_peer(ip("127.1.2.3")), fresh);
        assert_eq!(map.for_peer(ip("::ffff:127.1.2.3")), fresh);
        assert_eq!(map.for_peer(ip("127.0.0.1")).ip, ip("127.0.0.1"));
        let default = ClientIdentity {
            name: Some("mail.example.com".into()),
            ..ClientIdentity::from_ip(ip("198.51.100.1"))
        };
        map.set_default(default.clone());
        assert_eq!(map.for_peer(ip("127.0.0.1")), default);
        assert_eq!(map.for_peer(ip("127.1.2.3")), fresh);
    }

    /// Attributes, and the address, name and HELO they give.
    type XclientRow = (
        &'static [(&'static str, &'static str)],
        IpAddr,
        Option<&'static str>,
        Option<&'static str>,
    );

    #[test]
    fn xclient_attributes() {
        let base = ClientIdentity::from_ip(ip("127.0.0.1"));
        let ok: [XclientRow; 6] = [
            (&[("ADDR", "192.0.2.9")], ip("192.0.2.9"), None, None),
            (
                &[("addr", "IPv6:2001:db8::1")],
                ip("2001:db8::1"),
                None,
                None,
            ),
            (
                &[("ADDR", "[UNAVAILABLE]"), ("NAME", "mx.example.org")],
                ip("127.0.0.1"),
                Some("mx.example.org"),
                None,
            ),
            (
                &[("NAME", "[TEMPUNAVAIL]"), ("HELO", "client+20name")],
                ip("127.0.0.1"),
                Some("[TEMPUNAVAIL]"),
                Some("client name"),
            ),
            (
                &[
                    ("HELO", "[UNAVAILABLE]"),
                    ("PROTO", "ESMTP"),
                    ("LOGIN", "u"),
                ],
                ip("127.0.0.1"),
                None,
                None,
            ),
            (
                &[("ADDR", "IPV6:::ffff:192.0.2.1")],
                ip("192.0.2.1"),
                None,
                None,
            ),
        ];
        for (attrs, want_ip, want_name, want_helo) in ok {
            let mut id = base.clone();
            apply_xclient(&mut id, attrs).unwrap();
            assert_eq!(
                (id.ip, id.name.as_deref(), id.helo.as_deref()),
                (want_ip, want_name, want_helo),
                "{attrs:?}"
            );
        }
        let bad: [(&[(&str, &str)], &str); 5] = [
            (
                &[("ADDR", "2001:db8::1")],
                "501 5.5.4 Bad XCLIENT ADDR value: 2001:db8::1",
            ),
            (
                &[("ADDR", "999.1.1.1")],
                "501 5.5.4 Bad XCLIENT ADDR value: 999.1.1.1",
            ),
            (
                &[("NAME", "bad name")],
                "501 5.5.4 Bad XCLIENT NAME value: bad name",
            ),
            (&[("HELO", "x+2")], "501 5.5.4 Bad XCLIENT HELO value: x+2"),
            (
                &[("ADDR", "192.0.2.1"), ("COLOR", "red")],
                "501 5.5.4 Bad XCLIENT attribute name: COLOR",
            ),
        ];
        for (attrs, reply) in bad {
            let mut id = base.clone();
            let err = apply_xclient(&mut id, attrs).unwrap_err();
            assert_eq!(err.to_string(), reply);
            assert_eq!(id, base, "nothing changes on error");
        }
    }

    #[test]
    fn given_names() {
        let mut id = ClientIdentity::from_ip(ip("192.0.2.1"));
        assert_eq!(given_name(&id), GivenName::Ask);
        for (name, want) in [
            ("mx.example.com", GivenName::Known("mx.example.com")),
            ("[UNAVAILABLE]", GivenName::Unavailable),
            ("[tempunavail]", GivenName::TempUnavailable),
        ] {
            id.name = Some(name.into());
            assert_eq!(given_name(&id), want);
        }
    }
}
