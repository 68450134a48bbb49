//! XCLIENT (Postfix `XCLIENT_README`): a trusted client names the real client it speaks for.
//!
//! ```text
//! xclient-command = XCLIENT 1*( SP attribute-name "=" attribute-value ) CRLF
//! attribute-name  = ( NAME / ADDR / PORT / PROTO / HELO / LOGIN / DESTADDR / DESTPORT )
//! attribute-value = xtext   ; or [UNAVAILABLE] / [TEMPUNAVAIL]: the value is unknown
//! ```
//!
//! The attributes replace those of the session's [`ClientInfo`]; the server then answers with a
//! new `220` greeting, and the client starts over with EHLO.

use std::net::IpAddr;

use crate::command::Attributes;

use super::events::{ClientInfo, Origin};

/// Why an XCLIENT attribute was refused (the session answers `501 5.5.4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BadAttribute;

/// Applies the attributes to a copy of `client`, all or nothing.
pub(super) fn apply(
    attributes: &Attributes<'_>,
    client: &ClientInfo,
) -> Result<ClientInfo, BadAttribute> {
    let mut next = client.clone();
    next.origin = Origin::Xclient;
    for (name, value) in attributes.iter() {
        let decoded = value.decode();
        let value = std::str::from_utf8(&decoded).map_err(|_| BadAttribute)?;
        let unknown = value.eq_ignore_ascii_case("[UNAVAILABLE]")
            || value.eq_ignore_ascii_case("[TEMPUNAVAIL]");
        let text = || (!unknown).then(|| value.to_owned());
        match name.to_ascii_uppercase().as_str() {
            "ADDR" => next.addr = if unknown { None } else { Some(address(value)?) },
            "PORT" => {
                next.port = if unknown {
                    None
                } else {
                    Some(value.parse().map_err(|_| BadAttribute)?)
                }
            }
            // Kept as sent when unknown: the markers say the lookup failed (permanently or
            // temporarily), which a server's reverse-name checks act on.
            "NAME" => next.name = Some(value.to_owned()),
            "HELO" => next.helo = text(),
            "PROTO" => {
                if !unknown
                    && !["SMTP", "ESMTP"]
                        .iter()
                        .any(|p| p.eq_ignore_ascii_case(value))
                {
                    return Err(BadAttribute);
                }
                next.proto = text().map(|p| p.to_ascii_uppercase());
            }
            "LOGIN" => next.login = text(),
            // The server's own address and port: accepted and not kept.
            "DESTADDR" | "DESTPORT" => {}
            _ => return Err(BadAttribute),
        }
    }
    Ok(next)
}

/// `ADDR`: an IPv4 address, or `IPV6:` and an IPv6 address (Postfix also takes it bare).
fn address(value: &str) -> Result<IpAddr, BadAttribute> {
    let bare = match value.get(..5) {
        Some(p) if p.eq_ignore_ascii_case("IPV6:") => &value[5..],
        _ => value,
    };
    bare.parse().map_err(|_| BadAttribute)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::{Command, CommandConfig, Decoded, parse_command};

    fn attrs(line: &str) -> Attributes<'static> {
        let Decoded::Complete { value, .. } =
            parse_command(line.as_bytes(), &CommandConfig::default())
        else {
            panic!("{line}")
        };
        match value.command.into_owned() {
            Command::Xclient(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn attributes_known_answers() {
        let base = ClientInfo::default();
        let c = apply(&attrs("XCLIENT ADDR=203.0.113.5 NAME=mx.example PORT=4711 PROTO=esmtp HELO=h.example LOGIN=alice\r\n"), &base).unwrap();
        assert_eq!(c.addr, Some("203.0.113.5".parse().unwrap()));
        assert_eq!(
            (c.port, c.name.as_deref(), c.helo.as_deref()),
            (Some(4711), Some("mx.example"), Some("h.example"))
        );
        assert_eq!(
            (c.proto.as_deref(), c.login.as_deref(), c.origin),
            (Some("ESMTP"), Some("alice"), Origin::Xclient)
        );
        let c = apply(
            &attrs("XCLIENT ADDR=IPV6:2001:db8::5 NAME=[UNAVAILABLE]\r\n"),
            &c,
        )
        .unwrap();
        assert_eq!(c.addr, Some("2001:db8::5".parse().unwrap()));
        assert_eq!(c.name.as_deref(), Some("[UNAVAILABLE]"));
        assert_eq!(c.login.as_deref(), Some("alice"), "unnamed attributes stay");
        for bad in [
            "XCLIENT ADDR=not-an-ip\r\n",
            "XCLIENT PORT=99999\r\n",
            "XCLIENT PROTO=LMTP\r\n",
        ] {
            assert_eq!(apply(&attrs(bad), &base), Err(BadAttribute), "{bad}");
        }
    }
}
