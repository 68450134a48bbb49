//! Japanese mobile carriers: au (KDDI, ezweb.ne.jp / au.com), NTT docomo, SoftBank.
//!
//! au answers an unknown address at `RCPT TO` with `550 <address>: User unknown`, but its
//! receiver-side refusal settings (受信拒否) answer after the data with the same words and an
//! empty address: `550 : User unknown`. The empty address is the filter's signature.

use super::Hit;
use crate::reason::{Evidence, Reason};

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    (super::has_marker(folded, USER_UNKNOWN, ev) && empty_address_user_unknown(folded))
        .then_some((Reason::Filtered, "<code> : user unknown"))
}

/// The words of the refusal.
pub(super) const USER_UNKNOWN: &str = "user unknown";

/// `550 : User unknown` or `550: : User unknown` (a relay quoting it): a reply code, then a colon
/// where the address would be, then "user unknown".
fn empty_address_user_unknown(folded: &str) -> bool {
    folded.match_indices(USER_UNKNOWN).any(|(at, _)| {
        let before = folded[..at].trim_end();
        let Some(before) = before.strip_suffix(':') else {
            return false;
        };
        let before = before.trim_end();
        let before = before.strip_suffix(':').unwrap_or(before);
        let code = before.rsplit(' ').next().unwrap_or("");
        code.len() == 3 && code.starts_with(['4', '5']) && code.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn empty_address_is_the_refusal_filter() {
        let cases = [
            ("550 : User unknown", true),
            ("<a@ezweb.ne.jp>:\n550: : User unknown", true),
            (
                "Remote server returned unknown recipient -> 550 : User unknown",
                true,
            ),
            ("550 <a@ezweb.ne.jp>: User unknown", false),
            ("550: <a@ezweb.ne.jp>: User unknown", false),
            ("550 User unknown", false),
            ("reason: User unknown", false),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &Evidence::default()).is_some(),
                want,
                "{text}"
            );
        }
    }
}
