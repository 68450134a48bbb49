//! Yahoo and AOL (Yahoo Inc.): bracketed codes and the `dd` delivery errors.
//!
//! Yahoo puts a code in brackets into its replies (`[TSS04]`, `[BL21]`); the postmaster pages
//! explain them. `[TSS04]`/`[TSS05]`/`[IPTS04]`/`[IPTS05]` defer the sending IP at `MAIL FROM`
//! for volume or complaints (its reputation); `[TSS06]`/`[TSS09]`/`[TSS11]` refuse it for good; `[BL21]`/`[BL23]`
//! name the block list it is on.

use super::Hit;
use crate::reason::{Evidence, Reason};
use crate::report::Command;

pub(super) const MARKERS: &[(&str, Reason)] = &[
    ("[tss06]", Reason::Blocked),
    ("[tss09]", Reason::Blocked),
    ("[tss11]", Reason::Blocked),
    ("[bl21]", Reason::Blocked),
    ("[bl23]", Reason::Blocked),
    // Yahoo's mailbox store answers after the data; "dd This user doesn't have a yahoo.com
    // account" is its statement that the account does not exist.
    (
        "delivery error: dd this user doesn't have a",
        Reason::UserUnknown,
    ),
];

/// The deferral codes Yahoo gives at `MAIL FROM`.
pub(super) const DEFERRALS: &[&str] = &["[tss04]", "[tss05]", "[ipts04]", "[ipts05]"];

pub(super) fn classify(folded: &str, ev: &Evidence<'_>) -> Hit {
    if let Some(code) = DEFERRALS.iter().find(|c| super::has_marker(folded, c, ev)) {
        // The code names the sending IP's standing (its volume or the complaints about it):
        // `badreputation`. At MAIL FROM, where Yahoo sends it, the refusal is the sender's
        // transaction (the step's reading, `rejected`); the decision is the same either way
        // (fix the sending infrastructure).
        let reason = match ev.command {
            Some(Command::Mail) => Reason::Rejected,
            _ => Reason::BadReputation,
        };
        return Some((reason, code));
    }
    super::first_marker(folded, MARKERS, ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    #[test]
    fn deferrals_depend_on_the_step() {
        let text = fold(
            "421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        );
        let at = |command| Evidence {
            command,
            ..Evidence::default()
        };
        assert_eq!(
            classify(&text, &at(Some(Command::Mail))).map(|h| h.0),
            Some(Reason::Rejected)
        );
        assert_eq!(
            classify(&text, &at(None)).map(|h| h.0),
            Some(Reason::BadReputation)
        );
        assert_eq!(
            classify(&text, &at(Some(Command::Rcpt))).map(|h| h.0),
            Some(Reason::BadReputation)
        );
    }

    #[test]
    fn dd_user_unknown() {
        let text = fold(
            "554 delivery error: dd This user doesn't have a yahoo.com account (a@yahoo.com) [0] - mta1.mail.example.yahoo.com",
        );
        let ev = Evidence {
            command: Some(Command::Data),
            ..Evidence::default()
        };
        assert_eq!(classify(&text, &ev).map(|h| h.0), Some(Reason::UserUnknown));
        assert_eq!(
            classify(&fold("554 delivery error: dd mailbox full"), &ev),
            None
        );
    }
}
