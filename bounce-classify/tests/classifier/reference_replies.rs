//! Generalisation check: the real reply texts of the MX reply catalogue
//! (`shared/reference/mx-replies.md`, section 2) go through [`classify_reply`] with the step
//! they answered, and must give the reason and hard/soft that the taxonomy
//! (`shared/reference/bounce-taxonomy.md`) implies.
//!
//! The texts were copied into this table from the catalogue (facts: what real servers say); the
//! reference is not read at test time. Each row names its catalogue row in a comment. Where the
//! catalogue abridges a text with `…`, the row keeps the words it gives. `<ip>`, `<id>` and
//! `<rcpt>` placeholders are filled with documentation addresses.

use bounce_classify::{Command, classify_reply};

/// One reply and what the taxonomy says it means.
struct Row {
    code: u16,
    /// The reply text: enhanced status (if any) and words, without the reply code.
    text: &'static str,
    step: Option<Command>,
    /// The taxonomy's reason name.
    reason: &'static str,
    /// Is the address itself bad?
    hard: bool,
}

const fn row(
    code: u16,
    text: &'static str,
    step: Option<Command>,
    reason: &'static str,
    hard: bool,
) -> Row {
    Row {
        code,
        text,
        step,
        reason,
        hard,
    }
}

const RCPT: Option<Command> = Some(Command::Rcpt);
const MAIL: Option<Command> = Some(Command::Mail);
const DATA: Option<Command> = Some(Command::Data);
const CONN: Option<Command> = Some(Command::Conn);

const ROWS: &[Row] = &[
    // --- 2.1 Gmail ---
    // 2.1 "550-5.1.1 The email account that you tried to reach does not exist" (RCPT).
    row(
        550,
        "5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking the recipient's email address for typos or unnecessary spaces. Learn more at\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser a1b2c3 - gsmtp",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.1 "421-4.7.28 … unusual rate of unsolicited mail … temporarily rate limited" (MAIL).
    row(
        421,
        "4.7.28 [192.0.2.1] Our system has detected an unusual rate of unsolicited mail originating from your IP address. To protect our users from spam, mail sent from your IP address has been temporarily rate limited. Please visit https://support.google.com/mail/?p=UnsolicitedRateLimitError to review our Bulk Email Senders Guidelines. - gsmtp",
        MAIL,
        "ratelimited",
        false,
    ),
    // 2.1 421-4.7.28, the newer form (DATA).
    row(
        421,
        "4.7.28 Gmail has detected an unusual rate of mail originating from your DKIM domain. - gsmtp",
        DATA,
        "ratelimited",
        false,
    ),
    // 2.1 "550-5.7.26 The MAIL FROM domain … SPF record with a hard fail policy" (end of DATA).
    row(
        550,
        "5.7.26 The MAIL FROM domain [example.org] has an SPF record with a hard fail policy (-all) but it fails to pass SPF checks with the ip: [192.0.2.1]. To best protect our users from spam and phishing, the message has been blocked. https://support.google.com/mail/answer/81126#authentication - gsmtp",
        DATA,
        "authfailure",
        false,
    ),
    // 2.1 550-5.7.26 "Unauthenticated email from d is not accepted due to domain's DMARC policy".
    row(
        550,
        "5.7.26 Unauthenticated email from example.org is not accepted due to domain's DMARC policy. - gsmtp",
        DATA,
        "authfailure",
        false,
    ),
    // 2.1 550-5.7.26 "This mail has been blocked because the sender is unauthenticated."
    row(
        550,
        "5.7.26 This mail has been blocked because the sender is unauthenticated. Gmail requires all senders to authenticate with either SPF or DKIM. - gsmtp",
        DATA,
        "authfailure",
        false,
    ),
    // 2.1 "550-5.7.25 … does not have a PTR record setup" (end of DATA).
    row(
        550,
        "5.7.25 [192.0.2.1] The IP address sending this message does not have a PTR record setup, or the corresponding forward DNS entry does not point to the sending IP. As a policy, Gmail does not accept messages from IPs with missing PTR records. For more information, go to https://support.google.com/mail/answer/81126#ip-practices a1b2c3 - gsmtp",
        DATA,
        "requireptr",
        false,
    ),
    // 2.1 550-5.7.25, the 4xx variant "421 4.7.0 … does not have a PTR record … temporarily
    // rate limited": the PTR record is the cause.
    row(
        421,
        "4.7.0 [192.0.2.1] The IP address sending this message does not have a PTR record, mail sent from your IP address has been temporarily rate limited. - gsmtp",
        DATA,
        "requireptr",
        false,
    ),
    // 2.1 "452-4.2.2 The email account that you tried to reach is over quota" (RCPT).
    row(
        452,
        "4.2.2 The email account that you tried to reach is over quota. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
        RCPT,
        "mailboxfull",
        false,
    ),
    // 2.1 452-4.2.2, newer "The recipient's inbox is out of storage space."
    row(
        452,
        "4.2.2 The recipient's inbox is out of storage space. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaTemp - gsmtp",
        RCPT,
        "mailboxfull",
        false,
    ),
    // 2.1 permanent "552-5.2.2 The recipient's inbox is out of storage space and inactive."
    row(
        552,
        "5.2.2 The recipient's inbox is out of storage space and inactive. Please direct the recipient to https://support.google.com/mail/?p=OverQuotaPerm - gsmtp",
        RCPT,
        "mailboxfull",
        false,
    ),
    // 2.1 "421-4.7.0 TLS required for RCPT domain, closing connection."
    row(
        421,
        "4.7.0 TLS required for RCPT domain, closing connection. - gsmtp",
        RCPT,
        "failedstarttls",
        false,
    ),
    // 2.1 "421-4.7.0 Try again later, closing connection." (no cause named: retry).
    row(
        421,
        "4.7.0 Try again later, closing connection. - gsmtp",
        Some(Command::Helo),
        "systemerror",
        false,
    ),
    // 2.1 "421-4.7.0 IP not in whitelist for RCPT domain, closing connection."
    row(
        421,
        "4.7.0 IP not in whitelist for RCPT domain, closing connection. - gsmtp",
        RCPT,
        "blocked",
        false,
    ),
    // 2.1 "450-4.2.1 The user you are trying to contact is receiving mail at a rate …" (RCPT).
    row(
        450,
        "4.2.1 The user you are trying to contact is receiving mail at a rate that prevents additional messages from being delivered. Please resend your message at a later time. - gsmtp",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.1 "552-5.2.3 / 5.3.4 Your message exceeded Google's message size limits." (DATA).
    row(
        552,
        "5.3.4 Your message exceeded Google's message size limits. Please visit https://support.google.com/mail/?p=MaxSizeError to view our size guidelines. - gsmtp",
        DATA,
        "emailtoolarge",
        false,
    ),
    // --- 2.2 Yahoo / AOL ---
    // 2.2 "421 4.7.0 [TSS04] Messages from <ip> temporarily deferred due to unexpected volume or
    // user complaints" (MAIL FROM): refused at MAIL FROM, the sender's transaction is refused
    // (`rejected`, the step's reading; the decision is the same as for its reputation).
    row(
        421,
        "4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        MAIL,
        "rejected",
        false,
    ),
    // 2.2 [TSS04], the older text "…due to user complaints…", quoted without its step (as a
    // relay's DSN does): the code names the sending IP's standing.
    row(
        421,
        "4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred due to user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes",
        None,
        "badreputation",
        false,
    ),
    // 2.2 "553 5.7.1 [BL21] Connections will not be accepted from <ip>, because the ip is in
    // Spamhaus's list" (MAIL FROM).
    row(
        553,
        "5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus's list; see http://postmaster.yahoo.com/550-bl23.html",
        MAIL,
        "blocked",
        false,
    ),
    // 2.2 "[BL23] Connections not accepted from IP addresses on Spamhaus XBL".
    row(
        553,
        "5.7.1 [BL23] Connections not accepted from IP addresses on Spamhaus XBL",
        MAIL,
        "blocked",
        false,
    ),
    // 2.2 "553 5.7.2 [TSS09] All messages from <ip> will be permanently deferred" (MAIL FROM).
    row(
        553,
        "5.7.2 [TSS09] All messages from 192.0.2.1 will be permanently deferred; Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes",
        MAIL,
        "blocked",
        false,
    ),
    // 2.2 "554 5.7.9 Message not accepted for policy reasons." (end of DATA).
    row(
        554,
        "5.7.9 Message not accepted for policy reasons. See https://postmaster.yahooinc.com/error-codes",
        DATA,
        "policyviolation",
        false,
    ),
    // 2.2 auth variant "550 5.7.9 This mail has been blocked because the sender is
    // unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM."
    row(
        550,
        "5.7.9 This mail has been blocked because the sender is unauthenticated. Yahoo requires all senders to authenticate with either SPF or DKIM.",
        DATA,
        "authfailure",
        false,
    ),
    // 2.2 "554 delivery error: dd This user doesn't have a yahoo.com account" (end of DATA).
    row(
        554,
        "delivery error: dd This user doesn't have a yahoo.com account (nobody@yahoo.com) [0] - mta1061.mail.ne1.yahoo.com",
        DATA,
        "userunknown",
        true,
    ),
    // 2.2 "421 Max message per connection reached, closing transmission channel".
    row(
        421,
        "Max message per connection reached, closing transmission channel",
        MAIL,
        "ratelimited",
        false,
    ),
    // 2.2 "450 User is receiving mail too quickly".
    row(
        450,
        "User is receiving mail too quickly",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.2 "451 Message temporarily deferred due to unresolvable RFC.5321 from domain": the
    // envelope sender's domain is refused (the step is not given in the catalogue).
    row(
        451,
        "Message temporarily deferred due to unresolvable RFC.5321 from domain",
        None,
        "rejected",
        false,
    ),
    // 2.2 "450 4.7.25 Forward-confirmed reverse DNS failed" (connect/MAIL).
    row(
        450,
        "4.7.25 Forward-confirmed reverse DNS failed",
        MAIL,
        "requireptr",
        false,
    ),
    // --- 2.3 Microsoft ---
    // 2.3 "550 5.7.1 (S3150) Unfortunately, messages from [<ip>] weren't sent." (MAIL FROM).
    row(
        550,
        "5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3150). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors. [Name=Protocol Filter Agent][AGT=PFA][MxId=11BA9C3F4A6D1] [BN3PEPF0000B06D.namprd21.prod.outlook.com 2025-11-25T08:06:40.951Z 08DE2B6F2A61F2C1]",
        MAIL,
        "blocked",
        false,
    ),
    // 2.3 the same with S3140.
    row(
        550,
        "5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. Please contact your Internet service provider since part of their network is on our block list (S3140). You can also refer your provider to http://mail.live.com/mail/troubleshooting.aspx#errors.",
        MAIL,
        "blocked",
        false,
    ),
    // 2.3 "550 5.7.606 Access denied, banned sending IP [<ip>]." (RCPT/DATA).
    row(
        550,
        "5.7.606 Access denied, banned sending IP [192.0.2.1]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to  http://go.microsoft.com/fwlink/?LinkID=526655 (AS16012609)",
        RCPT,
        "blocked",
        false,
    ),
    // 2.3 "451 4.7.500 Server busy. Please try again later from [<ip>]. (AS77712344)": Exchange
    // Online's 4.7.500–699 range throttles the sending IP.
    row(
        451,
        "4.7.500 Server busy. Please try again later from [192.0.2.1]. (AS77712344) [BN1NAM02FT003.eop-nam02.prod.protection.outlook.com]",
        CONN,
        "ratelimited",
        false,
    ),
    // 2.3 the same range with "(S77719)".
    row(
        451,
        "4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77719) [BN1NAM02FT003.eop-nam02.prod.protection.outlook.com]",
        MAIL,
        "ratelimited",
        false,
    ),
    // 2.3 "451 4.7.650 The mail server [<ip>] has been temporarily rate limited due to IP
    // reputation." (MAIL FROM): the cause named is the reputation.
    row(
        451,
        "4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due to IP reputation. For e-mail delivery information, see https://postmaster.live.com (S843)",
        MAIL,
        "badreputation",
        false,
    ),
    // 2.3 "550 5.5.0 Requested action not taken: mailbox unavailable." (Outlook.com user unknown).
    row(
        550,
        "5.5.0 Requested action not taken: mailbox unavailable. [BN1NAM02FT003.eop-nam12.prod.protection.outlook.com]",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.3 EXO "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup".
    row(
        550,
        "5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.3 "550 5.7.509 Access denied, sending domain [X] does not pass DMARC verification".
    row(
        550,
        "5.7.509 Access denied, sending domain [EXAMPLE.ORG] does not pass DMARC verification and has a DMARC policy of reject.",
        DATA,
        "authfailure",
        false,
    ),
    // 2.3 "550 5.7.515 …doesn't meet the required authentication level…".
    row(
        550,
        "5.7.515 Access denied, sending domain [EXAMPLE.ORG] doesn't meet the required authentication level.",
        DATA,
        "authfailure",
        false,
    ),
    // 2.3 "550 5.7.1 Service unavailable, Client host [<ip>] blocked using Spamhaus." (RCPT).
    row(
        550,
        "5.7.1 Service unavailable, Client host [192.0.2.1] blocked using Spamhaus. To request removal from this list see https://www.spamhaus.org/query/ip/192.0.2.1 (AS16012611)",
        RCPT,
        "blocked",
        false,
    ),
    // 2.3 "554 5.2.122 The recipient has exceeded their limit for the number of messages they
    // can receive per hour."
    row(
        554,
        "5.2.122 The recipient has exceeded their limit for the number of messages they can receive per hour.",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.3 "554 5.2.121 The sender has exceeded the limit for the number of messages they can
    // send to this recipient per hour."
    row(
        554,
        "5.2.121 The sender has exceeded the limit for the number of messages they can send to this recipient per hour.",
        RCPT,
        "ratelimited",
        false,
    ),
    // --- 2.4 DNSBL rejects as Postfix prints them (RCPT) ---
    // 2.4 Spamhaus (real log).
    row(
        554,
        "5.7.1 Service unavailable; Client host [192.0.2.53] blocked using zen.spamhaus.org; http://www.spamhaus.org/sbl/query/SBLCSS / http://www.spamhaus.org/query/bl?ip=192.0.2.53",
        RCPT,
        "blocked",
        false,
    ),
    // 2.4 SpamCop.
    row(
        554,
        "5.7.1 Service unavailable; Client host [192.0.2.34] blocked using bl.spamcop.net; Blocked - see https://www.spamcop.net/bl.shtml?192.0.2.34",
        RCPT,
        "blocked",
        false,
    ),
    // 2.4 Return Path.
    row(
        554,
        "5.7.1 Service unavailable; Client host [192.0.2.7] blocked using returnpath.dnsbl; Return Path RPBL Listed",
        RCPT,
        "blocked",
        false,
    ),
    // --- 2.5 Reverse-DNS rejects (Postfix smtpd_check.c) ---
    // 2.5 reject_unknown_reverse_client_hostname.
    row(
        450,
        "4.7.1 Client host rejected: cannot find your reverse hostname, [192.0.2.1]",
        RCPT,
        "requireptr",
        false,
    ),
    // 2.5 reject_unknown_client_hostname (FCrDNS), RFC 7372 code.
    row(
        450,
        "4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]",
        RCPT,
        "requireptr",
        false,
    ),
    // 2.5 the same with unknown_client_reject_code = 550 (seen in the wild).
    row(
        550,
        "5.7.1 Client host rejected: cannot find your hostname, [192.0.2.1]",
        RCPT,
        "requireptr",
        false,
    ),
    // --- 2.6 Greylisting ---
    // 2.6 postgrey via a Postfix policy (RCPT).
    row(
        450,
        "4.2.0 <rcpt@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.6 other implementations: "Greylisted, try again in 500 seconds".
    row(
        450,
        "4.7.1 <rcpt@example.net>: Recipient address rejected: Greylisted, try again in 500 seconds",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.6 generic "451 4.7.1 Please try again later": no cause named, a passing trouble (retry).
    row(
        451,
        "4.7.1 Please try again later",
        RCPT,
        "systemerror",
        false,
    ),
    // --- 2.7 Generic Postfix texts ---
    // 2.7 "550 5.1.1 <x>: Recipient address rejected: User unknown in local recipient table".
    row(
        550,
        "5.1.1 <x@example.net>: Recipient address rejected: User unknown in local recipient table",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.7 the same "… in virtual mailbox table".
    row(
        550,
        "5.1.1 <x@example.net>: Recipient address rejected: User unknown in virtual mailbox table",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.7 "552 5.3.4 Message size exceeds fixed limit".
    row(
        552,
        "5.3.4 Message size exceeds fixed limit",
        DATA,
        "emailtoolarge",
        false,
    ),
    // 2.7 "452 4.5.3 Error: too many recipients".
    row(
        452,
        "4.5.3 Error: too many recipients",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.7 anvil "421 4.7.0 <host> Error: too many connections from <ip>".
    row(
        421,
        "4.7.0 mx.example.net Error: too many connections from 192.0.2.1",
        CONN,
        "ratelimited",
        false,
    ),
    // 2.7 anvil "450 4.7.1 Error: too much mail from <ip>".
    row(
        450,
        "4.7.1 Error: too much mail from 192.0.2.1",
        MAIL,
        "ratelimited",
        false,
    ),
    // 2.7 anvil "450 4.7.1 Error: too many recipients from <ip>".
    row(
        450,
        "4.7.1 Error: too many recipients from 192.0.2.1",
        RCPT,
        "ratelimited",
        false,
    ),
    // 2.7 postscreen "421 <myhostname> Service unavailable - try again later": no cause named.
    row(
        421,
        "mx.example.net Service unavailable - try again later",
        CONN,
        "systemerror",
        false,
    ),
    // 2.7 mailbox full as relayed from LDAs: "552 5.2.2 Mailbox full".
    row(552, "5.2.2 Mailbox full", RCPT, "mailboxfull", false),
    // 2.7 "552 5.2.2 Over quota".
    row(552, "5.2.2 Over quota", RCPT, "mailboxfull", false),
    // --- 2.8 Japanese mobile carriers ---
    // 2.8 docomo "550 Unknown user <addr>" at RCPT: the mailbox does not exist.
    row(
        550,
        "Unknown user <nobody@docomo.ne.jp>",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.8 docomo, the same words after end of DATA: the refusal filter.
    row(
        550,
        "Unknown user <somebody@docomo.ne.jp>",
        DATA,
        "filtered",
        false,
    ),
    // 2.8 docomo mailbox full "552 Too much mail data <addr>".
    row(
        552,
        "Too much mail data <somebody@docomo.ne.jp>",
        RCPT,
        "mailboxfull",
        false,
    ),
    // 2.8 docomo "500 Line Too Long" (a line over 1000 bytes in the message): the message
    // breaks RFC 5322's line limit.
    row(500, "Line Too Long", DATA, "notcompliantrfc", false),
    // 2.8 docomo "552 too many recipients".
    row(552, "too many recipients", RCPT, "ratelimited", false),
    // 2.8 docomo "503 bad sequence of commands".
    row(503, "bad sequence of commands", RCPT, "syntaxerror", false),
    // 2.8 au/KDDI unknown user at RCPT "550 <addr>: User unknown".
    row(
        550,
        "<nobody@ezweb.ne.jp>: User unknown",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.8 au/KDDI filtered at DATA "550 : User unknown" (empty address).
    row(550, ": User unknown", DATA, "filtered", false),
    // 2.8 au "554 <x@y>: Relay access denied" (malformed / foreign domain recipient).
    row(
        554,
        "<x@example.org>: Relay access denied",
        RCPT,
        "norelaying",
        false,
    ),
    // 2.8 SoftBank unknown user "550 Invalid recipient: <xxx@i.softbank.jp>".
    row(
        550,
        "Invalid recipient: <nobody@i.softbank.jp>",
        RCPT,
        "userunknown",
        true,
    ),
    // 2.8 SoftBank "553 <domain> does not exist" (the envelope-from domain has no DNS).
    row(
        553,
        "nowhere.example does not exist",
        MAIL,
        "rejected",
        false,
    ),
    // Not in the table: au's "554 Error: no valid recipients" at DATA (a consequence of the
    // earlier RCPT refusals, judging no address), docomo's "554 5.0.0 Service unavailable" (the
    // bounce's summary, not a reply) and SoftBank's bare `421` (no text to read).
    // --- 2.9 Amazon SES mailbox simulator ---
    // 2.9 bounce@simulator.amazonses.com: "550 5.1.1 user unknown".
    row(550, "5.1.1 user unknown", RCPT, "userunknown", true),
    // 2.9 the same, "Unknown User".
    row(550, "5.1.1 Unknown User", RCPT, "userunknown", true),
];

#[test]
fn catalogue_replies_read_as_the_taxonomy_says() {
    assert!(!ROWS.is_empty());
    let mut wrong = Vec::new();
    for r in ROWS {
        let v = classify_reply(r.code, None, r.text, r.step);
        let permanent = r.code >= 500;
        if v.reason.as_str() != r.reason || v.hard_bounce != r.hard || v.permanent != permanent {
            wrong.push(format!(
                "{} {} ({:?}): want {} hard {} permanent {permanent}, got {} hard {} permanent {} by {}",
                r.code,
                r.text,
                r.step,
                r.reason,
                r.hard,
                v.reason.as_str(),
                v.hard_bounce,
                v.permanent,
                v.rule
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} catalogue replies read otherwise:\n{}",
        wrong.len(),
        ROWS.len(),
        wrong.join("\n")
    );
}
