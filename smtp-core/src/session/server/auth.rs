//! The server side of AUTH (RFC 4954) for the PLAIN (RFC 4616) and LOGIN mechanisms: the `334`
//! exchange, `*` to cancel, and the credentials in a redacting wrapper.

use std::fmt;

use crate::command::{Auth, InitialResponse};

/// A SASL mechanism the server can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMechanism {
    /// `PLAIN` (RFC 4616): `authzid NUL authcid NUL passwd` in one response.
    Plain,
    /// `LOGIN` (draft-murchison-sasl-login): the user name, then the password, each asked for
    /// with a `334` challenge.
    Login,
}

impl AuthMechanism {
    /// The name as offered in the EHLO reply.
    pub const fn as_str(self) -> &'static str {
        match self {
            AuthMechanism::Plain => "PLAIN",
            AuthMechanism::Login => "LOGIN",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [AuthMechanism::Plain, AuthMechanism::Login]
            .into_iter()
            .find(|m| m.as_str().eq_ignore_ascii_case(name))
    }
}

/// A password: its `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// The password. Handle with care.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// What the client authenticated with; the password never shows in `Debug`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The mechanism used.
    pub mechanism: AuthMechanism,
    /// The identity to act as (PLAIN's authzid), when given and not empty.
    pub authzid: Option<String>,
    /// The user name (authcid).
    pub username: String,
    /// The password.
    pub password: Password,
}

/// Where an exchange stands, waiting for the client's next response line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Exchange {
    /// PLAIN sent `334 ` and waits for the response.
    Plain,
    /// LOGIN asked for the user name.
    LoginUser,
    /// LOGIN asked for the password.
    LoginPassword(String),
}

/// What the session does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Step {
    /// Send this challenge and read a response line in `Exchange`.
    Challenge(&'static [u8], Exchange),
    /// The exchange is over: ask the application.
    Done(Credentials),
    /// The exchange failed with this reply.
    Failed(&'static [u8]),
}

pub(super) const ABORTED: &[u8] = b"501 5.0.0 Authentication aborted\r\n";
pub(super) const BAD_BASE64: &[u8] = b"501 5.5.2 Cannot decode response\r\n";
pub(super) const UNKNOWN_MECHANISM: &[u8] = b"504 5.5.4 Unrecognized authentication type\r\n";
const USERNAME: &[u8] = b"334 VXNlcm5hbWU6\r\n";
const PASSWORD: &[u8] = b"334 UGFzc3dvcmQ6\r\n";
const EMPTY: &[u8] = b"334 \r\n";

/// Starts an exchange for the AUTH command, given the mechanisms on offer.
pub(super) fn start(auth: &Auth<'_>, offered: &[AuthMechanism]) -> Step {
    let Some(mechanism) =
        AuthMechanism::from_name(auth.mechanism.as_str()).filter(|m| offered.contains(m))
    else {
        return Step::Failed(UNKNOWN_MECHANISM);
    };
    let initial = auth.initial_response.as_ref().map(|r| match r {
        InitialResponse::Empty => Some(Vec::new()),
        InitialResponse::Data(secret) => decode_base64(secret.expose().as_bytes()),
    });
    match (mechanism, initial) {
        (AuthMechanism::Plain, None) => Step::Challenge(EMPTY, Exchange::Plain),
        (AuthMechanism::Login, None) => Step::Challenge(USERNAME, Exchange::LoginUser),
        (_, Some(None)) => Step::Failed(BAD_BASE64),
        (AuthMechanism::Plain, Some(Some(data))) => plain(&data),
        (AuthMechanism::Login, Some(Some(data))) => login_user(data),
    }
}

/// Takes the client's response line (without its CRLF) in `exchange`.
pub(super) fn respond(exchange: Exchange, line: &[u8]) -> Step {
    if line == b"*" {
        return Step::Failed(ABORTED);
    }
    let Some(data) = decode_base64(line) else {
        return Step::Failed(BAD_BASE64);
    };
    match exchange {
        Exchange::Plain => plain(&data),
        Exchange::LoginUser => login_user(data),
        Exchange::LoginPassword(username) => match String::from_utf8(data) {
            Ok(password) => Step::Done(Credentials {
                mechanism: AuthMechanism::Login,
                authzid: None,
                username,
                password: Password(password),
            }),
            Err(_) => Step::Failed(BAD_BASE64),
        },
    }
}

/// `message = [authzid] UTF8NUL authcid UTF8NUL passwd` (RFC 4616 §2).
fn plain(data: &[u8]) -> Step {
    let mut parts = data.split(|b| *b == 0);
    let (Some(authzid), Some(authcid), Some(passwd), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Step::Failed(BAD_BASE64);
    };
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).ok();
    match (text(authzid), text(authcid), text(passwd)) {
        (Some(authzid), Some(username), Some(password)) if !username.is_empty() => {
            Step::Done(Credentials {
                mechanism: AuthMechanism::Plain,
                authzid: Some(authzid).filter(|a| !a.is_empty()),
                username,
                password: Password(password),
            })
        }
        _ => Step::Failed(BAD_BASE64),
    }
}

fn login_user(data: Vec<u8>) -> Step {
    match String::from_utf8(data) {
        Ok(username) => Step::Challenge(PASSWORD, Exchange::LoginPassword(username)),
        Err(_) => Step::Failed(BAD_BASE64),
    }
}

/// Decodes standard base64 (RFC 4648 §4) with padding; an empty input is the empty string.
pub(crate) fn decode_base64(input: &[u8]) -> Option<Vec<u8>> {
    fn value(b: u8) -> Option<u32> {
        Some(match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    }
    if !input.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let quads = input.chunks_exact(4);
    let count = quads.len();
    for (i, quad) in quads.enumerate() {
        let pad = quad.iter().rev().take_while(|b| **b == b'=').count();
        if pad > 2 || (pad > 0 && i + 1 != count) {
            return None;
        }
        let mut n = 0u32;
        for b in &quad[..4 - pad] {
            n = (n << 6) | value(*b)?;
        }
        n <<= 6 * pad as u32;
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// Encodes standard base64 with padding (for clients and tests).
#[cfg(test)]
pub(crate) fn encode_base64(input: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(input.len().div_ceil(3) * 4);
    for chunk in input.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_known_answers_and_round_trip() {
        let cases: [(&[u8], &str); 5] = [
            (b"", ""),
            (b"f", "Zg=="),
            (b"fo", "Zm8="),
            (b"foo", "Zm9v"),
            (b"\0user\0pass", "AHVzZXIAcGFzcw=="),
        ];
        for (raw, encoded) in cases {
            assert_eq!(encode_base64(raw), encoded);
            assert_eq!(decode_base64(encoded.as_bytes()).as_deref(), Some(raw));
        }
        for bad in ["Zg=", "Z===", "Zg==Zg==", "Zm9v!", "*"] {
            assert_eq!(decode_base64(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn plain_splits_the_three_fields() {
        let Step::Done(c) = plain(b"admin\0user\0secret") else {
            panic!()
        };
        assert_eq!(c.authzid.as_deref(), Some("admin"));
        assert_eq!(c.username, "user");
        assert_eq!(c.password.expose(), "secret");
        assert!(!format!("{c:?}").contains("secret"));
        for bad in [&b"user\0secret"[..], b"\0\0secret", b"a\0b\0c\0d"] {
            assert_eq!(plain(bad), Step::Failed(BAD_BASE64));
        }
    }
}
