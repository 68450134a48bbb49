//! Evidence step 2: text patterns of the diagnostic, in a fixed written order.
//!
//! The text is folded first ([`fold`]): lower-cased, the `550-5.1.1 ` prefixes of continuation
//! lines removed, white space collapsed. Each rule is a reason and a list of phrases; the rules
//! are tried top to bottom and the first phrase found decides. The order puts the narrower
//! statement before the broader one: a refused *sender* before an unknown host ("Sender address
//! rejected: Domain not found" is about the sender), reputation and rate limits before block
//! lists, block lists before spam ("spamhaus" is not a spam verdict), full mailboxes before
//! disabled ones, hosts before users.
//!
//! A phrase may start with `^` (the match must begin at a word boundary) or end with `$` (it must
//! end at one).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::{Evidence, Reason, Verdict};
use crate::report::Command;

/// The rules, in the order they are tried. A reason may appear more than once: its precise
/// phrases early, its vaguer ones late.
pub(crate) const RULES: &[(Reason, &[&str])] = &[
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
    // --- end of the classic MTAs' group.
    (
        Reason::SpamDetected,
        &[
            "rejected due to spam",
            "spam classification",
            "classified as spam",
            "detected as spam",
            "identified as spam",
            "considered spam",
            "considered as spam",
            "looks like spam",
            "message is spam",
            "spam message rejected",
        ],
    ),
    (
        Reason::NotAccept,
        &[
            "null mx",
            "no mx record",
            "mail exchanger",
            "no smtp service",
            "type=mx",
            "doesn't receive email",
            "does not receive email",
            "does not accept mail",
            "not accepting network messages",
            "accepts no mail",
        ],
    ),
    (
        Reason::RequirePtr,
        &[
            "ptr record",
            "reverse dns",
            "reverse-dns",
            "^rdns",
            "reverse lookup",
            "reverse hostname",
            "reverse address",
            "forward-confirmed reverse",
            "cannot find your hostname",
            "cannot resolve your hostname",
            "client host rejected: cannot find",
            "ip name lookup failed",
            "no reverse",
            "resolve your address",
            "doesn't resolve",
            "does not resolve",
        ],
    ),
    (
        Reason::SecurityError,
        &[
            "unauthenticated senders",
            "authentication required",
            "must authenticate",
        ],
    ),
    // Gmail's statement that the rate of mail is the trouble names the identity it counted
    // ("from your IP address", "your DKIM domain"): the identity is not an authentication failure.
    (Reason::RateLimited, &["unusual rate"]),
    (
        Reason::AuthFailure,
        &[
            "^spf$",
            "^dkim$",
            "^dmarc$",
            "sender policy framework",
            "unauthenticated email",
            "sender is unauthenticated",
            "domain authentication",
            "authentication level",
            "authentication checks",
            "authentication information",
            "not authenticate",
            "sender id",
        ],
    ),
    (
        Reason::FailedStartTls,
        &[
            "starttls",
            "tls required",
            "requires tls",
            "tls is required",
            "must use tls",
            "encryption required",
            "tls negotiation",
            "secure connection required",
            "^tls$ handshake",
        ],
    ),
    (
        Reason::Suspend,
        &[
            "account is blocked",
            "account has been blocked",
            "temporary locked",
            "temporarily locked",
            "account is disabled",
            "account has been disabled",
        ],
    ),
    (
        Reason::NoRelaying,
        &[
            "relay access denied",
            "relaying denied",
            "relay denied",
            "relay not permitted",
            "relaying not permitted",
            "not permitted to relay",
            "unable to relay",
            "relaying not allowed",
            "not allowed to relay",
            "not configured to relay",
            "no relaying",
            "we do not relay",
            "relay prohibited",
            "insecure mail relay",
            "not a gateway",
            "cannot be relayed",
            "relaying mail to",
            "relay is not allowed",
        ],
    ),
    (
        Reason::Rejected,
        &[
            "sender address rejected",
            "sender rejected",
            "sender domain",
            "sender verify failed",
            "sender verification",
            "invalid sender",
            "unknown sender",
            "sender unknown",
            "sender is not allowed",
            "sender not allowed",
            "domain of sender",
            "sender's domain",
            "senders domain",
            "from address",
            "envelope sender",
            "envelope from",
            "mail from address",
            "return path",
            "return-path",
            "your address is not",
            "from domain",
            "not permitted to send",
            "sending address",
            "sender address",
        ],
    ),
    // Phrases that contain a later rule's words ("too much mail", "listed in").
    (Reason::MailboxFull, &["too much mail data"]),
    (Reason::UserUnknown, &["not listed in"]),
    (
        Reason::BadReputation,
        &[
            "reputation",
            "sender score",
            "user complaints",
            "poor sending",
        ],
    ),
    (
        Reason::RateLimited,
        &[
            "rate limit",
            "rate-limit",
            "ratelimit",
            "frequency limit",
            "too many connections",
            "too many concurrent",
            "too many messages",
            "too many recipients",
            "too many sessions",
            "too many smtp sessions",
            "too fast",
            "too quickly",
            "too much mail",
            "maximum number of connections",
            "connection limit",
            "throttl",
            "slow down",
            "at a rate",
            "unexpected volume",
            "exceeded the rate",
            "sending limit",
            "max message per connection",
            "per hour",
            "per minute",
        ],
    ),
    (
        Reason::Blocked,
        &[
            "spamhaus",
            "spamcop",
            "barracudacentral",
            "sorbs",
            "blacklist",
            "black list",
            "blocklist",
            "block list",
            "blocked list",
            "denylist",
            "^dnsbl",
            "^rbl$",
            "^rbl:",
            "listed in",
            "is listed",
            "listed on",
            "listed at",
            "banned sending ip",
            "client host rejected",
            "client host blocked",
            "refused to talk to me",
            "not accepting connections from",
            "connections not accepted",
            "connections will not be accepted",
            "use the smtp server of your isp",
            "your ip",
            "from your ip",
            "ip is in",
            "invalid ip",
            "sending ip",
            "blocked by",
            "has been blocked",
            "is blocked",
            "dynamic ip",
            "dialup",
            "residential",
            "permanently deferred",
            "mail server is not allowed",
            "not allowed to connect",
            "not in whitelist",
            "not whitelisted",
        ],
    ),
    // --- cls-providers group: phrases seen from providers and gateways (kept together so
    // that branches merge cleanly). ---
    // The Postfix DNSBL template (`… blocked using <zone>`), also quoted by relays.
    (Reason::Blocked, &["blocked using"]),
    // The client's name and address do not match (an HELO/PTR forward-confirmation check).
    (Reason::RequirePtr, &["mismatches client ip"]),
    // A forwarding service could not hand the message on to the destination.
    (Reason::SystemError, &["upstream error"]),
    // --- end of cls-providers group ---
    (
        Reason::VirusDetected,
        &["virus", "infected", "^worm$", "trojan", "malware"],
    ),
    (
        Reason::MailboxFull,
        &[
            "mailbox full",
            "mailbox is full",
            "mail box full",
            "mailbox has exceeded",
            "mailbox exceeds",
            "mailbox size",
            "over quota",
            "overquota",
            "quota exceeded",
            "exceeded quota",
            "exceeds quota",
            "exceed quota",
            "exceeded its quota",
            "exceeded the quota",
            "disk quota",
            "quota full",
            "out of storage",
            "storage space",
            "full mailbox",
            "mailfolder is full",
            "mailbox is over",
            "inbox is full",
            "exceeded storage",
            "insufficient space",
            "not enough space",
            "user is over",
            "would exceed",
            "^quota$",
        ],
    ),
    (
        Reason::ContentError,
        &[
            "headers too large",
            "header too large",
            "header size",
            "too many headers",
        ],
    ),
    (
        Reason::EmailTooLarge,
        &[
            "too large",
            "too big",
            "size limit",
            "message size",
            "size exceeds",
            "exceeds size",
            "exceeds the maximum",
            "maximum message size",
            "message length exceeds",
            "exceeded the maximum size",
            "size of the message",
            "message exceeded",
        ],
    ),
    (
        Reason::Suspend,
        &[
            "suspended",
            "disabled",
            "deactivated",
            "inactive",
            "not active",
            "is locked",
            "has been locked",
            "frozen",
            "on hold",
            "expired account",
            "account has expired",
            "account expired",
            "closed account",
            "account is closed",
            "has been closed",
            "no longer in use",
        ],
    ),
    (
        Reason::HasMoved,
        &[
            "has moved",
            "moved permanently",
            "no longer at this address",
            "address has changed",
        ],
    ),
    (
        Reason::Filtered,
        &[
            "recipient preferences",
            "refused by the recipient",
            "rejected by recipient",
        ],
    ),
    (
        Reason::Expired,
        &[
            "retry timeout exceeded",
            "retry time exceeded",
            "message expired",
            "delivery time expired",
            "aborted after",
            "timed out",
            "time out",
            "timeout",
        ],
    ),
    (
        Reason::NetworkError,
        &[
            "network error",
            "establish an smtp connection",
            "connection refused",
            "no route to host",
            "network is unreachable",
            "connection reset",
            "lost connection",
            "could not connect",
            "unable to connect",
            "loops back to myself",
            "mail loop",
            "too many hops",
            "hop count",
            "loop detected",
            "routing loop",
        ],
    ),
    (
        Reason::HostUnknown,
        &[
            "host unknown",
            "unknown host",
            "host not found",
            "domain not found",
            "domain does not exist",
            "domain doesn't exist",
            "no such domain",
            "unknown domain",
            "domain is not",
            "name or service not known",
            "nxdomain",
            "unrouteable address",
            "unroutable address",
            "could not find a gateway",
            "host or domain name not found",
            "illegal host",
            "domain name not found",
            "invalid domain",
            "no route for",
            "not a known domain",
            "unknown mail domain",
            "domain unknown",
            "domain could not be found",
            "bad destination system",
            "no such host",
        ],
    ),
    (
        Reason::UserUnknown,
        &[
            "user unknown",
            "unknown user",
            "unknown recipient",
            "recipient unknown",
            "no such user",
            "no such mailbox",
            "no such recipient",
            "no such account",
            "no such person",
            "no mailbox",
            "mailbox not found",
            "mailbox unavailable",
            "mailbox is unavailable",
            "mailbox does not exist",
            "mailbox doesn't exist",
            "mailbox not available",
            "recipient not found",
            "recipientnotfound",
            "user not found",
            "account not found",
            "address not found",
            "invalid recipient",
            "invalid address",
            "invalid mailbox",
            "not a valid mailbox",
            "is not a valid",
            "possibly incorrect",
            "does not exist",
            "doesn't exist",
            "not exist",
            "doesn't have a",
            "does not have an account",
            "no account",
            "addressee unknown",
            "unknown local part",
            "unknown or illegal alias",
            "bad destination mailbox",
            "nosuchuser",
            "not our customer",
            "undeliverable address",
            "unknown address",
            "invalid-recipient",
            "no valid recipients",
            "not a member",
            "are not member",
            "no longer available",
            "does not have a",
        ],
    ),
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
        &[
            "dns error",
            "dns lookup",
            "temporary lookup failure",
            "name server",
            "connect to",
        ],
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

/// Folds text for matching: lower case, continuation prefixes (`550-5.1.1 `) removed, white space
/// collapsed to single spaces.
pub(crate) fn fold(text: &str) -> String {
    if text.is_ascii() {
        return drop_inner_prefixes(fold_ascii(text));
    }
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let mut l = line.trim();
        if i > 0 {
            l = strip_reply_prefix(l);
        }
        for word in l.split_whitespace() {
            if !out.is_empty() {
                out.push(' ');
            }
            if word.is_ascii() {
                let at = out.len();
                out.push_str(word);
                out[at..].make_ascii_lowercase();
            } else {
                for c in word.chars() {
                    out.extend(c.to_lowercase());
                }
            }
        }
    }
    drop_inner_prefixes(out)
}

/// [`fold`]'s first step for ASCII text, byte by byte: the same lines, prefixes and words
/// (`char::is_whitespace` on ASCII is space, tab, LF, VT, FF and CR), lower-cased.
fn fold_ascii(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let mut l = line.trim();
        if i > 0 {
            l = strip_reply_prefix(l);
        }
        let mut gap = !out.is_empty();
        for &b in l.as_bytes() {
            if matches!(b, b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r') {
                gap = !out.is_empty();
            } else {
                if gap {
                    out.push(b' ');
                    gap = false;
                }
                out.push(b.to_ascii_lowercase());
            }
        }
    }
    // ASCII in, ASCII out.
    String::from_utf8(out).unwrap_or_default()
}

/// A multi-line reply flattened into one line by the reporting MTA (Postfix does this) keeps
/// its continuation prefixes inside the text: `550-5.7.1 Messages with multiple 550 5.7.1
/// addresses in From:`. Later copies of the leading `code[- ]status` prefix are removed.
fn drop_inner_prefixes(folded: String) -> String {
    let b = folded.as_bytes();
    if b.len() < 5 || !b[..3].iter().all(u8::is_ascii_digit) || !matches!(b[3], b'-' | b' ') {
        return folded;
    }
    let Some((_, n)) = smtp_core::status::EnhancedStatus::parse_prefix(&b[4..]) else {
        return folded;
    };
    let status = &folded[4..4 + n];
    let code = &folded[..3];
    let head_len = 4 + n;
    let mut rest = folded[head_len..].to_string();
    for sep in ['-', ' '] {
        rest = rest.replace(&format!(" {code}{sep}{status} "), " ");
    }
    format!("{}{rest}", &folded[..head_len])
}

/// `550-5.1.1 text` or `550 5.1.1 text` → `text` (only the code and status).
fn strip_reply_prefix(l: &str) -> &str {
    let b = l.as_bytes();
    if b.len() >= 4
        && b[..3].iter().all(u8::is_ascii_digit)
        && matches!(b[0], b'2' | b'4' | b'5')
        && matches!(b[3], b'-' | b' ')
    {
        let rest = l[4..].trim_start();
        if let Some((_, n)) = smtp_core::status::EnhancedStatus::parse_prefix(rest.as_bytes()) {
            return rest[n..].trim_start();
        }
        return rest;
    }
    l
}

/// Finds `phrase` in folded text, honouring the `^`/`$` word-boundary marks. The reference
/// meaning of a phrase; [`first_match`] is the one-pass form over the whole table.
#[cfg(test)]
pub(crate) fn has(text: &str, phrase: &str) -> bool {
    let start_b = phrase.starts_with('^');
    let end_b = phrase.ends_with('$');
    let p = phrase.trim_start_matches('^').trim_end_matches('$');
    if !start_b && !end_b {
        return text.contains(p);
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(p) {
        let s = from + i;
        let e = s + p.len();
        let ok_s = !start_b || s == 0 || !bytes[s - 1].is_ascii_alphanumeric();
        let ok_e = !end_b || e == bytes.len() || !bytes[e].is_ascii_alphanumeric();
        if ok_s && ok_e {
            return true;
        }
        from = s + 1;
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The first rule whose phrase occurs in the text (and, within the rule, its first phrase that
/// occurs): what trying `has` on each phrase of [`RULES`] in order gives, in one pass.
pub(crate) fn first_match(folded: &str) -> Option<(Reason, &'static str)> {
    let table = &*PHRASES;
    let bytes = folded.as_bytes();
    let mut best: Option<usize> = None;
    // Every occurrence of every phrase; the lowest phrase number (the table order) wins.
    for m in table.automaton.find_overlapping_iter(folded) {
        let id = m.pattern().as_usize();
        if best.is_some_and(|b| id >= b) {
            continue;
        }
        let p = &table.phrases[id];
        let ok_s =
            !p.start_boundary || m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
        let ok_e =
            !p.end_boundary || m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
        if ok_s && ok_e {
            best = Some(id);
            if id == 0 {
                break;
            }
        }
    }
    best.map(|id| (table.phrases[id].reason, table.phrases[id].written))
}

/// [`RULES`] flattened in order, with one automaton over all the phrases.
struct Phrases {
    /// Phrase number `i` of the automaton is `phrases[i]`.
    automaton: AhoCorasick,
    phrases: Vec<Phrase>,
}

/// One phrase of [`RULES`].
struct Phrase {
    reason: Reason,
    /// As written in the table (with its `^`/`$` marks): reported as the rule that fired.
    written: &'static str,
    start_boundary: bool,
    end_boundary: bool,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let phrases: Vec<Phrase> = RULES
        .iter()
        .flat_map(|(reason, phrases)| {
            phrases.iter().map(|written| Phrase {
                reason: *reason,
                written,
                start_boundary: written.starts_with('^'),
                end_boundary: written.ends_with('$'),
            })
        })
        .collect();
    // Standard semantics: overlapping search reports every occurrence of every phrase.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(
            phrases
                .iter()
                .map(|p| p.written.trim_start_matches('^').trim_end_matches('$')),
        )
        .expect("the phrase table builds into an automaton");
    Phrases { automaton, phrases }
});

/// Step 2 of the evidence order. Some readings depend on the other evidence:
/// - a user-unknown text at the DATA step is a recipient-side filter (carriers answer refusals
///   that way after the data) — unless the status code names an address failure (`X.1.x`): then
///   the MTA has attributed the reply to the address (a pipelined RCPT answer) and the status
///   decides;
/// - a user-unknown text under an `X.7.x` security status is a refusal by the recipient's
///   side's policy, `filtered`;
/// - "`<domain>` does not exist" names a host, not a user;
/// - an unknown host with a transient (4.x.x) status is a network (DNS) error;
/// - a line too long at the DATA step is the message breaking RFC 5322's line limit;
/// - at `MAIL FROM` only the sender is judged, so an address reason there is `rejected`; at the
///   connection or `HELO` nothing is known of the recipient yet, so a mailbox reason there is
///   the client being `blocked`.
pub(crate) fn classify(folded: &str, ev: &Evidence<'_>) -> Option<Verdict> {
    let (reason, phrase) = match first_match(folded) {
        Some(hit) => hit,
        None => (Reason::UserUnknown, bare_recipient_refusal(folded, ev)?),
    };
    let transient = ev
        .status
        .is_some_and(|s| s.class == smtp_core::status::StatusClass::PersistentTransient);
    let address_status = ev
        .status
        .filter(|s| s.subject == 1)
        .and_then(|_| super::codes::classify(ev))
        .map(|v| v.reason);
    let security = ev
        .status
        .filter(|s| s.subject != 0)
        .or_else(|| crate::scan::status(ev.text))
        .is_some_and(|s| s.subject == 7);
    let reason = match reason {
        Reason::UserUnknown if names_a_domain(folded, phrase) => Reason::HostUnknown,
        Reason::UserUnknown if ev.command == Some(Command::Data) => {
            address_status.unwrap_or(Reason::Filtered)
        }
        Reason::UserUnknown if security => Reason::Filtered,
        r => r,
    };
    let reason = match reason {
        // A temporary DNS failure says nothing certain about the domain.
        Reason::HostUnknown if transient => Reason::NetworkError,
        // A line too long in the data is the message breaking RFC 5322's 998-character line
        // limit (docomo's `500 Line Too Long`); at a command it is a command syntax error.
        Reason::SyntaxError if phrase == "line too long" && ev.command == Some(Command::Data) => {
            Reason::NotCompliantRfc
        }
        r => r,
    };
    let reason = match (ev.command, reason) {
        (
            Some(Command::Mail),
            Reason::UserUnknown | Reason::HostUnknown | Reason::HasMoved | Reason::Filtered,
        ) => Reason::Rejected,
        (
            Some(Command::Conn | Command::Helo),
            Reason::UserUnknown
            | Reason::HostUnknown
            | Reason::MailboxFull
            | Reason::Suspend
            | Reason::HasMoved
            | Reason::Filtered,
        ) => Reason::Blocked,
        (_, r) => r,
    };
    Some(Verdict {
        reason,
        rule: "text",
        matched: Some(phrase),
    })
}

/// Refusals of a recipient address that name no cause. Postfix's `Recipient address rejected:`
/// is a prefix: what follows it decides (`User unknown in virtual mailbox table`, `Greylisted`,
/// `Domain not found`, `Policy rejection`, …, all read through [`RULES`]), so these are looked at
/// only when no phrase of the table occurs.
pub(crate) const RECIPIENT_REFUSED: &[&str] = &[
    "recipient address rejected",
    "address rejected",
    "recipient rejected",
];

/// A refusal of the recipient address as the whole statement: a phrase of [`RECIPIENT_REFUSED`]
/// with nothing after it but punctuation (`550 <a@example.org>: Recipient address rejected.`),
/// in a reply that is not transient. The server has refused this address for good and given no
/// other cause: `userunknown`. Anything after the prefix that no rule reads, or a transient
/// (4xx) reply, decides nothing here: the status code and the fallback step go on.
fn bare_recipient_refusal(folded: &str, ev: &Evidence<'_>) -> Option<&'static str> {
    let transient = ev.reply_code.is_some_and(|c| (400..500).contains(&c))
        || ev
            .status
            .is_some_and(|s| s.class == smtp_core::status::StatusClass::PersistentTransient);
    if transient {
        return None;
    }
    RECIPIENT_REFUSED.iter().copied().find(|phrase| {
        folded.rfind(phrase).is_some_and(|at| {
            folded[at + phrase.len()..]
                .bytes()
                .all(|b| b.is_ascii_punctuation() || b == b' ')
        })
    })
}

/// Is the thing that "does not exist" a bare domain name (`553 mx.example.org does not exist`)?
fn names_a_domain(folded: &str, phrase: &str) -> bool {
    if !matches!(phrase, "does not exist" | "doesn't exist" | "not exist") {
        return false;
    }
    let Some(at) = folded.find(phrase) else {
        return false;
    };
    let word = folded[..at].split_whitespace().next_back().unwrap_or("");
    let word = word.trim_matches(|c: char| matches!(c, '<' | '>' | '"' | '\'' | ',' | ':'));
    !word.contains('@')
        && word.contains('.')
        && !word.ends_with('.')
        && word.split('.').count() >= 2
        && word
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
        && word.bytes().any(|b| b.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests;
