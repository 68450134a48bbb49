//! Enhanced mail system status codes (RFC 3463, RFC 5248 and the later IANA registrations).
//!
//! ```text
//! status-code = class "." subject "." detail
//! class       = "2" / "4" / "5"
//! subject     = 1*3digit
//! detail      = 1*3digit
//! ```
//!
//! ```
//! use smtp_core::status::{EnhancedStatus, StatusClass};
//!
//! let status: EnhancedStatus = "5.1.1".parse().unwrap();
//! assert_eq!(status.class, StatusClass::Permanent);
//! assert_eq!(status.meaning(), Some("Bad destination mailbox address"));
//! assert!(status.agrees_with_reply_code(550));
//! assert_eq!(status.to_string(), "5.1.1");
//! ```

use std::fmt;
use std::str::FromStr;

/// The first number of a status code: whether the report is a success or a failure, and whether
/// the failure is worth retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusClass {
    /// `2`: the action succeeded.
    Success,
    /// `4`: persistent transient failure; the same message may succeed later.
    PersistentTransient,
    /// `5`: permanent failure; resending the same message will not succeed.
    Permanent,
}

impl StatusClass {
    /// The class digit as written on the wire.
    pub const fn digit(self) -> u8 {
        match self {
            StatusClass::Success => 2,
            StatusClass::PersistentTransient => 4,
            StatusClass::Permanent => 5,
        }
    }

    /// The class for a digit, if it is one of 2, 4, 5.
    pub const fn from_digit(digit: u8) -> Option<Self> {
        match digit {
            2 => Some(StatusClass::Success),
            4 => Some(StatusClass::PersistentTransient),
            5 => Some(StatusClass::Permanent),
            _ => None,
        }
    }
}

/// An enhanced status code such as `5.1.1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnhancedStatus {
    /// Success, transient or permanent.
    pub class: StatusClass,
    /// The subject (1 address, 2 mailbox, 3 mail system, 4 network, 5 protocol, 6 content,
    /// 7 security).
    pub subject: u16,
    /// The detail within the subject.
    pub detail: u16,
}

/// Why a text is not an enhanced status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidStatus;

impl fmt::Display for InvalidStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not an enhanced status code (expected class.subject.detail such as 5.1.1)")
    }
}

impl std::error::Error for InvalidStatus {}

impl EnhancedStatus {
    /// Builds a status code from its three parts.
    pub const fn new(class: StatusClass, subject: u16, detail: u16) -> Self {
        EnhancedStatus {
            class,
            subject,
            detail,
        }
    }

    /// `X.0.0` of the given class: the code to use when nothing more specific applies.
    pub const fn undefined(class: StatusClass) -> Self {
        Self::new(class, 0, 0)
    }

    /// Reads a status code at the start of `input`, returning it and the number of bytes it
    /// took. The code must end at the end of input or before a byte that is neither a digit nor
    /// a dot, so that `5.1.10` is never read as `5.1.1` and an IP address is not a status.
    pub fn parse_prefix(input: &[u8]) -> Option<(Self, usize)> {
        // The usual form, one digit each (`5.1.1`), without the general loop below.
        if let Some(&[c, b'.', s, b'.', d]) = input.first_chunk::<5>()
            && s.is_ascii_digit()
            && d.is_ascii_digit()
            && !input
                .get(5)
                .is_some_and(|b| b.is_ascii_digit() || *b == b'.')
        {
            let class = StatusClass::from_digit(c.wrapping_sub(b'0'))?;
            return Some((
                Self::new(class, u16::from(s - b'0'), u16::from(d - b'0')),
                5,
            ));
        }
        let class = StatusClass::from_digit(input.first()?.wrapping_sub(b'0'))?;
        if input.get(1) != Some(&b'.') {
            return None;
        }
        let (subject, subject_len) = number(&input[2..])?;
        let rest = 2 + subject_len;
        if input.get(rest) != Some(&b'.') {
            return None;
        }
        let (detail, detail_len) = number(&input[rest + 1..])?;
        let end = rest + 1 + detail_len;
        match input.get(end) {
            Some(b) if b.is_ascii_digit() || *b == b'.' => None,
            _ => Some((Self::new(class, subject, detail), end)),
        }
    }

    /// Finds the first status code in free text (a reply's text, a diagnostic), returning it and
    /// its byte offset. A candidate must not be glued to a preceding digit or dot.
    pub fn find(text: &[u8]) -> Option<(Self, usize)> {
        let mut from = 0;
        while let Some(pos) = text[from..]
            .iter()
            .position(|b| matches!(b, b'2' | b'4' | b'5'))
        {
            let at = from + pos;
            let glued = at > 0 && (text[at - 1].is_ascii_digit() || text[at - 1] == b'.');
            if !glued && let Some((status, _)) = Self::parse_prefix(&text[at..]) {
                return Some((status, at));
            }
            from = at + 1;
        }
        None
    }

    /// Whether this code may accompany a reply with the given basic code: RFC 3463 requires the
    /// class to match the reply's first digit (2xx with 2.x.x, 4xx with 4.x.x, 5xx with 5.x.x).
    pub const fn agrees_with_reply_code(self, reply_code: u16) -> bool {
        reply_code / 100 == self.class.digit() as u16
    }

    /// The registered meaning of the subject and detail, whatever the class.
    pub fn meaning(self) -> Option<&'static str> {
        REGISTRY
            .iter()
            .find(|(subject, detail, _)| *subject == self.subject && *detail == self.detail)
            .map(|(_, _, meaning)| *meaning)
    }

    /// Writes the code as `class.subject.detail`.
    pub fn write_to(self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_string().as_bytes());
    }
}

/// Reads 1 to 3 digits; RFC 3463 allows no more.
fn number(input: &[u8]) -> Option<(u16, usize)> {
    let len = input
        .iter()
        .take(4)
        .take_while(|b| b.is_ascii_digit())
        .count();
    if len == 0 || len > 3 {
        return None;
    }
    let value = input[..len]
        .iter()
        .fold(0u16, |acc, b| acc * 10 + u16::from(b - b'0'));
    Some((value, len))
}

impl fmt::Display for EnhancedStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.class.digit(), self.subject, self.detail)
    }
}

impl FromStr for EnhancedStatus {
    type Err = InvalidStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match Self::parse_prefix(s.as_bytes()) {
            Some((status, len)) if len == s.len() => Ok(status),
            _ => Err(InvalidStatus),
        }
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for EnhancedStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for EnhancedStatus {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Subject, detail and meaning of every registered code (IANA "Enumerated Status Codes", from
/// RFC 3463 and the RFCs that added to it, named per row).
const REGISTRY: &[(u16, u16, &str)] = &[
    (0, 0, "Other undefined status"),
    // Addressing (RFC 3463 §3.2)
    (1, 0, "Other address status"),
    (1, 1, "Bad destination mailbox address"),
    (1, 2, "Bad destination system address"),
    (1, 3, "Bad destination mailbox address syntax"),
    (1, 4, "Destination mailbox address ambiguous"),
    (1, 5, "Destination address valid"),
    (1, 6, "Destination mailbox has moved, no forwarding address"),
    (1, 7, "Bad sender's mailbox address syntax"),
    (1, 8, "Bad sender's system address"),
    (1, 9, "Message relayed to non-compliant mailer"), // RFC 3886
    (1, 10, "Recipient address has null MX"),          // RFC 7505
    // Mailbox (RFC 3463 §3.3)
    (2, 0, "Other or undefined mailbox status"),
    (2, 1, "Mailbox disabled, not accepting messages"),
    (2, 2, "Mailbox full"),
    (2, 3, "Message length exceeds administrative limit"),
    (2, 4, "Mailing list expansion problem"),
    // Mail system (RFC 3463 §3.4)
    (3, 0, "Other or undefined mail system status"),
    (3, 1, "Mail system full"),
    (3, 2, "System not accepting network messages"),
    (3, 3, "System not capable of selected features"),
    (3, 4, "Message too big for system"),
    (3, 5, "System incorrectly configured"),
    (3, 6, "Requested priority was changed"), // RFC 6710
    // Network and routing (RFC 3463 §3.5)
    (4, 0, "Other or undefined network or routing status"),
    (4, 1, "No answer from host"),
    (4, 2, "Bad connection"),
    (4, 3, "Directory server failure"),
    (4, 4, "Unable to route"),
    (4, 5, "Mail system congestion"),
    (4, 6, "Routing loop detected"),
    (4, 7, "Delivery time expired"),
    // Mail delivery protocol (RFC 3463 §3.6)
    (5, 0, "Other or undefined protocol status"),
    (5, 1, "Invalid command"),
    (5, 2, "Syntax error"),
    (5, 3, "Too many recipients"),
    (5, 4, "Invalid command arguments"),
    (5, 5, "Wrong protocol version"),
    (5, 6, "Authentication exchange line is too long"), // RFC 4954
    // Content (RFC 3463 §3.7)
    (6, 0, "Other or undefined media error"),
    (6, 1, "Media not supported"),
    (6, 2, "Conversion required and prohibited"),
    (6, 3, "Conversion required but not supported"),
    (6, 4, "Conversion with loss performed"),
    (6, 5, "Conversion failed"),
    (6, 6, "Message content not available"), // RFC 4468
    (
        6,
        7,
        "Non-ASCII addresses not permitted for that sender/recipient",
    ), // RFC 6531
    (
        6,
        8,
        "UTF-8 string reply is required, but not permitted by the SMTP client",
    ), // RFC 6531
    (
        6,
        9,
        "UTF-8 header message cannot be transferred to one or more recipients",
    ), // RFC 6531
    // Security or policy (RFC 3463 §3.8)
    (7, 0, "Other or undefined security status"),
    (7, 1, "Delivery not authorized, message refused"),
    (7, 2, "Mailing list expansion prohibited"),
    (7, 3, "Security conversion required but not possible"),
    (7, 4, "Security features not supported"),
    (7, 5, "Cryptographic failure"),
    (7, 6, "Cryptographic algorithm not supported"),
    (7, 7, "Message integrity failure"),
    (7, 8, "Authentication credentials invalid"), // RFC 4954
    (7, 9, "Authentication mechanism is too weak"), // RFC 4954
    (7, 10, "Encryption needed"),                 // RFC 5248
    (
        7,
        11,
        "Encryption required for requested authentication mechanism",
    ), // RFC 4954
    (7, 12, "A password transition is needed"),   // RFC 4954
    (7, 13, "User account disabled"),             // RFC 5248
    (7, 14, "Trust relationship required"),       // RFC 5248
    (7, 15, "Priority level is too low"),         // RFC 6710
    (7, 16, "Message is too big for the specified priority"), // RFC 6710
    (7, 17, "Mailbox owner has changed"),         // RFC 7293
    (7, 18, "Domain owner has changed"),          // RFC 7293
    (7, 19, "RRVS test cannot be completed"),     // RFC 7293
    (7, 20, "No passing DKIM signature found"),   // RFC 7372
    (7, 21, "No acceptable DKIM signature found"), // RFC 7372
    (7, 22, "No valid author-matched DKIM signature found"), // RFC 7372
    (7, 23, "SPF validation failed"),             // RFC 7372
    (7, 24, "SPF validation error"),              // RFC 7372
    (7, 25, "Reverse DNS validation failed"),     // RFC 7372
    (7, 26, "Multiple authentication checks failed"), // RFC 7372
    (7, 27, "Sender address has null MX"),        // RFC 7505
    (7, 28, "Mail flood detected"),               // IANA registration (2016)
    (7, 29, "ARC validation failure"),            // RFC 8617
    (7, 30, "REQUIRETLS support required"),       // RFC 8689
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_known_answers() {
        type Parts = (u8, u16, u16);
        let cases: &[(&str, Option<Parts>)] = &[
            ("2.0.0", Some((2, 0, 0))),
            ("5.1.1", Some((5, 1, 1))),
            ("4.7.25", Some((4, 7, 25))),
            ("5.7.606", Some((5, 7, 606))),
            ("5.1.1000", None),
            ("3.1.1", None),
            ("5.1", None),
            ("5..1", None),
            ("5.1.1.", None),
            ("5.1.1 ", None),
            ("", None),
        ];
        for (input, expected) in cases {
            let got = input.parse::<EnhancedStatus>().ok();
            let want = expected
                .map(|(c, s, d)| EnhancedStatus::new(StatusClass::from_digit(c).unwrap(), s, d));
            assert_eq!(got, want, "input {input:?}");
        }
    }

    #[test]
    fn finds_codes_in_text_but_not_inside_numbers() {
        let cases: &[(&str, Option<(&str, usize)>)] = &[
            (
                "550 5.1.1 <a@b>: Recipient address rejected",
                Some(("5.1.1", 4)),
            ),
            ("#5.1.1 smtp;550", Some(("5.1.1", 1))),
            ("from 192.0.2.1 port 25", None),
            ("id 12.4.5.6 then 4.2.2 full", Some(("4.2.2", 17))),
            ("status 5.1.10 null MX", Some(("5.1.10", 7))),
            ("no code here", None),
        ];
        for (text, expected) in cases {
            let got = EnhancedStatus::find(text.as_bytes()).map(|(s, at)| (s.to_string(), at));
            let want = expected.map(|(s, at)| (s.to_string(), at));
            assert_eq!(got, want, "text {text:?}");
        }
    }

    #[test]
    fn class_must_agree_with_reply_code() {
        let status: EnhancedStatus = "4.2.2".parse().unwrap();
        assert!(status.agrees_with_reply_code(452));
        assert!(!status.agrees_with_reply_code(552));
        assert!(!status.agrees_with_reply_code(250));
    }

    #[test]
    fn knows_the_later_registrations() {
        let meaning = |s: &str| s.parse::<EnhancedStatus>().unwrap().meaning();
        assert_eq!(meaning("5.1.10"), Some("Recipient address has null MX"));
        assert_eq!(meaning("4.7.25"), Some("Reverse DNS validation failed"));
        assert_eq!(
            meaning("5.7.26"),
            Some("Multiple authentication checks failed")
        );
        assert_eq!(meaning("5.7.30"), Some("REQUIRETLS support required"));
        assert_eq!(meaning("5.7.606"), None);
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_writes_the_text_and_revalidates() {
        let status: EnhancedStatus = "5.7.1".parse().unwrap();
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"5.7.1\"");
        assert_eq!(
            serde_json::from_str::<EnhancedStatus>("\"5.7.1\"").unwrap(),
            status
        );
        assert!(serde_json::from_str::<EnhancedStatus>("\"9.9.9\"").is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn status() -> impl Strategy<Value = EnhancedStatus> {
            (
                prop_oneof![Just(2u8), Just(4), Just(5)],
                0u16..1000,
                0u16..1000,
            )
                .prop_map(|(c, s, d)| {
                    EnhancedStatus::new(StatusClass::from_digit(c).unwrap(), s, d)
                })
        }

        proptest! {
            #[test]
            fn display_then_parse_is_identity(s in status()) {
                prop_assert_eq!(s.to_string().parse::<EnhancedStatus>(), Ok(s));
            }

            #[test]
            fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..32)) {
                let _ = EnhancedStatus::parse_prefix(&bytes);
                let _ = EnhancedStatus::find(&bytes);
            }
        }
    }
}
