//! Other providers: Orange and La Poste (France), Cox, Spectrum (Charter), Apple iCloud,
//! Cloudflare Email Routing.

use super::Hit;
use crate::reason::{Evidence, Reason};

pub(super) const MARKERS: &[(&str, Reason)] = &[
    // iCloud calls an address that no longer exists "inactive".
    ("inactive email address", Reason::UserUnknown),
];

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    // Each reader needs its word in the text (found in the provider step's one pass).
    let has = |m| super::has_marker(folded, m, ev);
    ORANGE
        .iter()
        .any(|m| has(m))
        .then(|| orange(folded))
        .flatten()
        .or_else(|| has(AUP).then(|| aup(folded)).flatten())
        .or_else(|| has(UPSTREAM).then(|| cloudflare(folded)).flatten())
        .or_else(|| super::first_marker(folded, MARKERS, ev))
}

/// The prefixes of Orange's and La Poste's codes.
pub(super) const ORANGE: [&str; 2] = ["ofr", "lpn"];
/// Cox's and Spectrum's rule names start with it.
pub(super) const AUP: &str = "aup#";
/// Cloudflare's forwarding failure.
pub(super) const UPSTREAM: &str = "upstream error";

/// Orange (`OFR…_nnn`, wanadoo.fr, orange.fr) and La Poste (`LPN…_nnn`) end their replies with
/// a code whose three digits name the refusal: `1nn` refuses the client host at connection,
/// `999` is a temporary refusal of the client ("Service refusé, veuillez essayer plus tard"),
/// `505` a temporary refusal of the transaction by the server, `506` a message rejected as spam
/// ("Mail rejeté"). Codes about the recipient (`416` invalid, `426` blocked account) carry
/// plain words that the text step reads.
fn orange(folded: &str) -> Hit {
    for prefix in ORANGE {
        for (at, _) in folded.match_indices(prefix) {
            if at > 0 && folded.as_bytes()[at - 1].is_ascii_alphanumeric() {
                continue;
            }
            let rest = &folded[at + prefix.len()..];
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit());
            let Some(code) = rest.strip_prefix('_') else {
                continue;
            };
            let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
            let hit = match digits.as_str() {
                d if d.len() == 3 && d.starts_with('1') => (Reason::Blocked, "orange 1nn"),
                "999" => (Reason::Blocked, "orange 999"),
                "505" => (Reason::SystemError, "orange 505"),
                "506" => (Reason::SpamDetected, "orange 506"),
                _ => continue,
            };
            return Some(hit);
        }
    }
    None
}

/// Cox and Spectrum name the acceptable-use rule that refused the sender: `AUP#CDRBL`,
/// `AUP#RBL`, `AUP#CXBL`… (the sending IP is on a block list), and Spectrum's inbound
/// connection and volume limits `AUP#In-13nn`.
fn aup(folded: &str) -> Hit {
    let (_, rest) = folded.split_once(AUP)?;
    let code: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if code.ends_with("bl") {
        return Some((Reason::Blocked, "aup#…bl"));
    }
    if let Some(n) = code.strip_prefix("in-")
        && n.len() == 4
        && n.starts_with("13")
    {
        return Some((Reason::RateLimited, "aup#in-13nn"));
    }
    None
}

/// Cloudflare Email Routing forwards to the real mailbox; "Upstream error" means that forward
/// failed on the destination's side.
fn cloudflare(folded: &str) -> Hit {
    (folded.contains(UPSTREAM) && folded.contains("cloudflare"))
        .then_some((Reason::SystemError, "cloudflare upstream error"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn provider_codes() {
        let cases = [
            (
                "550 mwinf0000 ME Adresse IP source bloquee. Client host blocked. OFR006_102 [102]",
                Some(Reason::Blocked),
            ),
            (
                "421 mwinf0000 ME Service refuse. Veuillez essayer plus tard. Service refused, please try later. OFR_999 [999]",
                Some(Reason::Blocked),
            ),
            (
                "421 4.2.1 Service refuse. Service refused, please try later. LPN006_107",
                Some(Reason::Blocked),
            ),
            (
                "421 4.2.0 Service refuse. Service refused, please try later. OFR005_505 [505]",
                Some(Reason::SystemError),
            ),
            (
                "550 5.2.0 Mail rejete. Mail rejected. ofr_506 [506]",
                Some(Reason::SpamDetected),
            ),
            ("550 5.1.1 Invalid recipient. OFR_416 [416]", None),
            ("550 see http://example.org/lofr_999", None),
            (
                "550 5.1.0 <s@example.com> sender rejected. Refer to Error Codes. AUP#CDRBL",
                Some(Reason::Blocked),
            ),
            (
                "550 5.1.0 <s@example.com> sender rejected. Please see the error codes page. AUP#In-1310",
                Some(Reason::RateLimited),
            ),
            ("550 5.1.0 sender rejected AUP#MXRT", None),
            (
                "421 4.3.0 Upstream error, please check https://developers.cloudflare.com/email-routing/postmaster",
                Some(Reason::SystemError),
            ),
            (
                "550 5.1.1 <a@icloud.example>: inactive email address",
                Some(Reason::UserUnknown),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &Evidence::default()).map(|h| h.0),
                want,
                "{text}"
            );
        }
    }
}
