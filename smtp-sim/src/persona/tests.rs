//! Each persona's answer, on the wire, at its step.

use super::*;

fn wire(persona: Persona, situation: Situation) -> (Step, String, Reason) {
    let vars = Vars {
        rcpt: "rcpt@example.net",
        sender: "app@sender.example",
        from_domain: "sender.example",
        client_ip: "203.0.113.7".into(),
        hostname: "mx.example.net",
        zone: "zen.spamhaus.org",
        reason: "https://www.spamhaus.org/query/ip/203.0.113.7",
        id: "ID",
    };
    let a = persona.answer(situation);
    let text = match a.act {
        Act::Refuse(r) | Act::Close(r) => String::from_utf8(r.render(&vars).to_wire()).unwrap(),
        Act::Accept => "accept".into(),
        Act::Discard => "discard".into(),
        Act::AcceptThenBounce { status, diagnostic } => format!("bounce {status} {diagnostic}"),
    };
    (a.step, text, a.reason)
}

#[test]
fn replies_and_steps() {
    use MailboxState as M;
    use Persona as P;
    use Situation as S;
    let cases = [
        (
            P::Postfix,
            S::Dnsbl,
            Step::Rcpt,
            "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.7\r\n",
            Reason::Blocked,
        ),
        (
            P::Postfix,
            S::NoReverseName,
            Step::Rcpt,
            "450 4.7.1 Client host rejected: cannot find your reverse hostname, [203.0.113.7]\r\n",
            Reason::Requireptr,
        ),
        (
            P::Postfix,
            S::FcrdnsFailed,
            Step::Rcpt,
            "450 4.7.25 Client host rejected: cannot find your hostname, [203.0.113.7]\r\n",
            Reason::Requireptr,
        ),
        (
            P::Postfix,
            S::Greylisted,
            Step::Rcpt,
            "450 4.2.0 <rcpt@example.net>: Recipient address rejected: Greylisted, see http://postgrey.schweikert.ch/help/example.net.html\r\n",
            Reason::Ratelimited,
        ),
        (
            P::Postfix,
            S::RateLimited(Counted::Concurrent),
            Step::Connect,
            "421 4.7.0 mx.example.net Error: too many connections from 203.0.113.7\r\n",
            Reason::Ratelimited,
        ),
        (
            P::Postfix,
            S::Mailbox(M::Unknown),
            Step::Rcpt,
            "550 5.1.1 <rcpt@example.net>: Recipient address rejected: User unknown in virtual mailbox table\r\n",
            Reason::Userunknown,
        ),
        (
            P::Gmail,
            S::Mailbox(M::Unknown),
            Step::Rcpt,
            "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n550-5.1.1 double-checking the recipient's email address for typos or\r\n550-5.1.1 unnecessary spaces. Learn more at\r\n550 5.1.1 https://support.google.com/mail/?p=NoSuchUser ID - gsmtp\r\n",
            Reason::Userunknown,
        ),
        (
            P::Gmail,
            S::Unauthenticated,
            Step::EndOfData,
            "550-5.7.26 This mail has been blocked because the sender is unauthenticated.\r\n550-5.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\r\n550 5.7.26 https://support.google.com/mail/answer/81126#authentication ID - gsmtp\r\n",
            Reason::Authfailure,
        ),
        (
            P::Yahoo,
            S::Mailbox(M::Unknown),
            Step::EndOfData,
            "554 delivery error: dd This user doesn't have a example.net account (rcpt@example.net) [0] - mta1061.mail.ne1.yahoo.com\r\n",
            Reason::Userunknown,
        ),
        (
            P::Yahoo,
            S::RateLimited(Counted::Messages),
            Step::Mail,
            "421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes\r\n",
            Reason::Rejected,
        ),
        (
            P::Outlook,
            S::RateLimited(Counted::Connections),
            Step::Mail,
            "451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (AS77712344) [ID.prod.protection.outlook.com]\r\n",
            Reason::Ratelimited,
        ),
        (
            P::ExchangeOnline,
            S::Mailbox(M::Unknown),
            Step::Rcpt,
            "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\r\n",
            Reason::Userunknown,
        ),
        (
            P::Docomo,
            S::Mailbox(M::Unknown),
            Step::Rcpt,
            "550 Unknown user rcpt@example.net\r\n",
            Reason::Userunknown,
        ),
        (
            P::Docomo,
            S::Mailbox(M::Filtered),
            Step::EndOfData,
            "550 Unknown user rcpt@example.net\r\n",
            Reason::Filtered,
        ),
        (
            P::Au,
            S::Mailbox(M::Filtered),
            Step::EndOfData,
            "550 : User unknown\r\n",
            Reason::Filtered,
        ),
        (
            P::Au,
            S::Mailbox(M::Disabled),
            Step::Rcpt,
            "bounce 5.2.1 550 5.2.1 <{rcpt}>: Mailbox disabled, not accepting messages",
            Reason::Suspend,
        ),
        (
            P::Softbank,
            S::Mailbox(M::Filtered),
            Step::Rcpt,
            "discard",
            Reason::Filtered,
        ),
        (
            P::Softbank,
            S::Mailbox(M::Unknown),
            Step::Rcpt,
            "550 Invalid recipient: <rcpt@example.net>\r\n",
            Reason::Userunknown,
        ),
        // No reply of its own: Postfix's.
        (
            P::Softbank,
            S::Dnsbl,
            Step::Rcpt,
            "554 5.7.1 Service unavailable; Client host [203.0.113.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.7\r\n",
            Reason::Blocked,
        ),
    ];
    for (persona, situation, step, text, reason) in cases {
        assert_eq!(
            wire(persona, situation),
            (step, text.to_owned(), reason),
            "{persona:?} {situation:?}"
        );
    }
}

#[test]
fn values_bring_no_placeholders() {
    let vars = Vars {
        rcpt: "{client_ip}@x.example",
        client_ip: "192.0.2.1".into(),
        ..Vars::default()
    };
    assert_eq!(
        fill("<{rcpt}> from {client_ip} {other}", &vars),
        "<{client_ip}@x.example> from 192.0.2.1 {other}"
    );
}

#[test]
fn every_reply_is_well_formed() {
    for situation in Situation::ALL {
        for persona in Persona::ALL {
            let a = persona.answer(situation);
            if let Act::Refuse(r) | Act::Close(r) = a.act {
                assert!((400..600).contains(&r.code), "{persona:?} {situation:?}");
                if let Some(s) = r.status {
                    let s: smtp_core::status::EnhancedStatus = s.parse().unwrap();
                    assert!(
                        s.agrees_with_reply_code(r.code),
                        "{persona:?} {situation:?}"
                    );
                }
                for line in r.lines {
                    assert!(
                        line.len() <= 500 && !line.contains(['\r', '\n']),
                        "{persona:?} {situation:?}"
                    );
                }
                if matches!(a.act, Act::Close(_)) {
                    assert_eq!(r.code, 421);
                }
            }
        }
    }
}
