//! Broad words and vague statements, read last: RFC 5322 breaches, spam, content errors,
//! syntax errors, full systems, DNS, local mailers, system errors, security, policy, then
//! statements that delivery was given up and vague statements of a passing trouble.

use super::Rule;
use crate::reason::Reason;

/// This group's rules, in the order they are tried.
pub(super) const RULES: &[Rule] = &[
    (
        Reason::NotCompliantRfc,
        &[
            "rfc 5322",
            "rfc5322",
            "rfc 2822",
            "rfc2822",
            "not rfc compliant",
            "duplicate header",
            "bare lf",
            "there are multiple",
            "header is missing",
            "missing required header",
        ],
    ),
    (
        Reason::SpamDetected,
        &[
            "spam",
            "junk",
            "unsolicited",
            "bulk mail",
            "blocked for abuse",
            "content rejected",
            "message content",
            "content filter",
            "scored",
            "phish",
            "suspicious",
        ],
    ),
    (
        Reason::ContentError,
        &[
            "malformed",
            "header syntax",
            "invalid header",
            "content error",
        ],
    ),
    (
        Reason::SyntaxError,
        &[
            "syntax error",
            "command unrecognized",
            "command not recognized",
            "unrecognized command",
            "bad sequence",
            "sequence of commands",
            "out of sequence",
            "line too long",
        ],
    ),
    (
        Reason::SystemFull,
        &[
            "system full",
            "insufficient system storage",
            "disk full",
            "file system full",
            "no space left",
        ],
    ),
    (
        Reason::NetworkError,
        &["dns error", "dns lookup", "name server", "connect to"],
    ),
    (
        Reason::MailerError,
        &[
            "mailer error",
            "x-unix",
            "command failed",
            "exit code",
            "pipe to",
            "procmail",
            "mail program",
        ],
    ),
    (
        Reason::SystemError,
        &[
            "system error",
            "internal error",
            "server error",
            "local error",
            // Postfix: a lookup table (LDAP, SQL, …) did not answer.
            "temporary lookup failure",
            "system problem",
            "transaction failed",
            "currently unavailable",
            "service unavailable",
            "configuration error",
        ],
    ),
    (
        Reason::SecurityError,
        &[
            "security",
            "authentication failed",
            "not authorized",
            "unauthorized",
        ],
    ),
    (
        Reason::PolicyViolation,
        &[
            "policy",
            "prohibited",
            "not allowed",
            "not accepted",
            "refused",
            "restricted",
        ],
    ),
    (Reason::UserUnknown, &["not found"]),
    (
        Reason::Expired,
        &[
            // Statements that delivery was given up; any concrete cause named beside them
            // (a DNS failure, a refused connection) comes first.
            "could not be delivered for",
            "still undelivered after",
            "undeliverable for",
            "unable to deliver this message after",
            "queue too long",
            "too long in queue",
            "giving up",
            "gave up",
            "expired",
            "maximum time",
            "has been delayed",
        ],
    ),
    // Vague statements of a passing trouble: weaker than a statement that delivery was given up.
    (
        Reason::SystemError,
        &[
            "temporarily unavailable",
            "try again later",
            "temporarily deferred",
        ],
    ),
    (Reason::Filtered, &["filtered", "filter"]),
];
