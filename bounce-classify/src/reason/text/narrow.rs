//! Statements read before any cause: the sending service's suppression list, deliberate
//! deferrals (greylisting, recipient verification in progress), Postfix's DNSBL template, and
//! the classic MTAs' group (statements of Sendmail, Exim, qmail, Postfix, Courier, Domino that a
//! broader phrase further down would misread).

use super::Rule;
use crate::reason::Reason;

/// This group's rules, in the order they are tried.
pub(super) const RULES: &[Rule] = &[
    (
        Reason::Suppressed,
        &[
            "suppression list",
            "on the suppression",
            "suppressed address",
        ],
    ),
    // A receiver that defers a first attempt on purpose and asks for a retry later: greylisting
    // (postgrey's "Greylisted", whatever Postfix prefix it comes under) and Postfix's recipient
    // verification still under way. Back off and retry; the address is not judged.
    (
        Reason::RateLimited,
        &[
            "greylist",
            "graylist",
            "grey-list",
            "gray-list",
            "verification in progress",
        ],
    ),
    // Postfix's DNSBL template names the client's IP and the zone listing it (`Client host
    // [192.0.2.1] blocked using zen.spamhaus.org; <the zone's own text>`): whatever the zone's
    // text says after it (`Return Path RPBL Listed`) is a quote, not the server's reason.
    (Reason::Blocked, &["] blocked using"]),
    // --- Classic MTAs' group (Sendmail, Exim, qmail, Postfix, …): statements met in their
    // bounces that a broader phrase further down would misread. Kept together to ease merges.
    (Reason::NotCompliantRfc, &["multiple addresses in from"]),
    (
        Reason::PolicyViolation,
        &[
            "header error",
            "content presents a potential security issue",
        ],
    ),
    // The client's name and address do not verify against each other.
    (
        Reason::RequirePtr,
        &["unverifyable sending", "unverifiable sending"],
    ),
    // An address (not an IP) on the receiver's block list, or a mailing list (fml, …) telling
    // the sender it may not post: the sender is refused.
    (
        Reason::Rejected,
        &[
            "address that has been blacklisted",
            "address has been blacklisted",
            "you are not a member",
        ],
    ),
    // Postfix: a DNS lookup that returned TRY_AGAIN, not NXDOMAIN.
    (Reason::NetworkError, &["host not found, try again"]),
    // Courier's Sender ID check: the message names no responsible sender (RFC 4407's PRA).
    (Reason::Rejected, &["purported responsible address"]),
    // A URI block list (URIBL, SURBL) lists a domain found in the message body: a verdict on
    // the content, not on the sending host.
    (
        Reason::SpamDetected,
        &["blacklisted url", "blocklisted url", "^uribl", "^surbl"],
    ),
    // A sending relay (Amazon SES behind Postfix) that refuses a sender identity it has not
    // verified: the relay will not carry the message.
    (
        Reason::NoRelaying,
        &[
            "identities failed the check",
            "email address is not verified",
        ],
    ),
    // Domino's router and sendmail's status comments: the destination domain cannot be routed.
    (
        Reason::HostUnknown,
        &["no route found to domain", "host name lookup failure"],
    ),
    // Postfix's HELO restrictions (`reject_non_fqdn_helo_hostname`, `reject_invalid_…`,
    // `reject_unknown_…`): the client's own name is refused, whatever follows the colon ("Host
    // not found" is about the client, not the recipient's domain).
    (Reason::Blocked, &["helo command rejected"]),
    // --- end of the classic MTAs' group.
];
