//! RFC 3464 delivery status notifications: failures, delay notices and success notices.
//!
//! Two voices, as real mail systems write them:
//! - **relay** (the default): the simulator accepted the message and the next server refused
//!   it; the notice quotes that server's reply and the command it answered, in the words and
//!   layout of Postfix's notices: `<rcpt>: host H said: 550 … (in reply to RCPT TO command)`,
//!   with `Remote-MTA` and `Diagnostic-Code: smtp; …`. A diagnostic that is not an SMTP reply
//!   is a local failure (`Diagnostic-Code: X-Postfix; …`, no remote).
//! - **receiver** (persona `au`): the receiving system accepted the message and bounced it
//!   itself later (mx-replies.md §2.8): its own host reports, with no remote server and no
//!   command.

use smtp_core::dsn::{Action, DeliveryStatus, Field, PerMessage, PerRecipient, TypedValue};
use smtp_core::params::Ret;
use smtp_core::status::{EnhancedStatus, StatusClass};

use super::{Ids, Original, Reporter, Request, head, mime, part, received};
use crate::persona::Persona;
use crate::scenario::Step;
use crate::types::Timestamp;

/// How long a delay notice says the message will be retried: Postfix's
/// `maximal_queue_lifetime` default, 5 days.
const RETRY_FOR_MS: u64 = 5 * 86_400 * 1000;

/// The host a persona's mail is delivered to (mx-replies.md §2), for `Remote-MTA`.
fn persona_host(persona: Persona, recipient_domain: &str) -> Option<String> {
    Some(match persona {
        Persona::Gmail => "gmail-smtp-in.l.google.com".into(),
        Persona::Yahoo => "mta7.am0.yahoodns.net".into(),
        Persona::Outlook => "outlook-com.olc.protection.outlook.com".into(),
        Persona::ExchangeOnline => {
            format!(
                "{}.mail.protection.outlook.com",
                recipient_domain.replace('.', "-")
            )
        }
        Persona::Docomo => "mfsmax.docomo.ne.jp".into(),
        Persona::Au => "msmx.au.com".into(),
        Persona::Softbank => "mx.softbank.ne.jp".into(),
        Persona::Postfix | Persona::SesSimulator => return None,
    })
}

/// The reply code at the start of a diagnostic (`550 5.1.1 …`, `550-…`, `421`), if it is one.
fn reply_code(text: &str) -> Option<u16> {
    let b = text.as_bytes();
    let digits = b.len() >= 3 && b[..3].iter().all(u8::is_ascii_digit);
    let ends = b.get(3).is_none_or(|c| matches!(c, b' ' | b'-'));
    if !(digits && ends && (b'2'..=b'5').contains(&b[0])) {
        return None;
    }
    text[..3].parse().ok()
}

/// The status reported: the rule's, else the one in the diagnostic, else by the reply code's
/// class, else 5.0.0.
fn status_of(request: &Request<'_>, text: &str) -> EnhancedStatus {
    if let Some(s) = request.status {
        return s;
    }
    if let Some((s, _)) = EnhancedStatus::find(text.as_bytes()) {
        return s;
    }
    let class = reply_code(text)
        .and_then(|c| StatusClass::from_digit((c / 100) as u8))
        .unwrap_or(StatusClass::Permanent);
    EnhancedStatus::undefined(class)
}

/// The command an answer at `step` was given to, as Postfix names it.
fn command(step: Step) -> &'static str {
    match step {
        Step::Connect => "initial greeting",
        Step::Helo => "EHLO",
        Step::Mail => "MAIL FROM",
        Step::Data => "DATA",
        Step::EndOfData => "end of DATA",
        Step::Auth => "AUTH",
        Step::Noop => "NOOP",
        Step::Rset => "RSET",
        Step::Vrfy => "VRFY",
        Step::Rcpt | Step::Any => "RCPT TO",
    }
}

/// The notice, as described in the module documentation.
pub(super) fn build(
    reporter: &Reporter,
    original: &Original<'_>,
    request: &Request<'_>,
    ids: &mut Ids,
) -> Vec<u8> {
    let rcpt = request.recipient;
    let rcpt_domain = mime::domain_of(rcpt);
    // A multi-line diagnostic becomes one line: the DSN field and the notice line hold one.
    let cleaned = request
        .text
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "));
    let given = cleaned.as_deref().filter(|t| !t.is_empty());
    let status = status_of(request, given.unwrap_or(""));
    let action = match status.class {
        StatusClass::Success => Action::Delivered,
        StatusClass::PersistentTransient => Action::Delayed,
        StatusClass::Permanent => Action::Failed,
    };
    let receiver_voice = request.persona == Some(Persona::Au);
    let persona_host = request.persona.and_then(|p| persona_host(p, rcpt_domain));
    let reporting = match (&persona_host, receiver_voice) {
        (Some(h), true) => h.clone(),
        _ => reporter.hostname.clone(),
    };
    let default_text;
    let diagnostic = match given {
        Some(t) => t,
        None => {
            default_text = match action {
                Action::Delivered => "250 2.0.0 Ok: delivered to mailbox".to_owned(),
                _ => status.meaning().unwrap_or("delivery failed").to_owned(),
            };
            &default_text
        }
    };
    let is_reply = reply_code(diagnostic).is_some();
    let remote = (is_reply && !receiver_voice).then(|| {
        persona_host
            .clone()
            .unwrap_or_else(|| rcpt_domain.to_owned())
    });

    let queue_id = ids.queue_id();
    let token = ids.token();
    let boundary = format!(
        "{queue_id}.{}/{}",
        original.arrival.millis() / 1000,
        reporting
    );
    let will_retry = Timestamp(original.arrival.millis() + RETRY_FOR_MS);

    // The recipient line of the human-readable part.
    let explanation = match (&remote, action.clone()) {
        (_, Action::Delivered) => format!("delivery via {reporting}: {diagnostic}"),
        (Some(host), _) => format!(
            "host {host} said: {diagnostic} (in reply to {} command)",
            command(request.step)
        ),
        (None, _) => diagnostic.to_owned(),
    };
    let returns_full = match original.ret {
        Some(Ret::Full) => true,
        Some(Ret::Hdrs) => false,
        None => action == Action::Failed,
    };
    let mut human = format!("This is the mail system at host {reporting}.\r\n\r\n");
    human.push_str(match action {
        Action::Delivered => {
            "Your message was delivered to the destination listed below, as you asked.\r\n"
        }
        Action::Delayed => {
            "This is a warning only: your message could not be delivered yet to the\r\n\
             destination listed below. Delivery will be tried again; you do not need to\r\n\
             send it again.\r\n"
        }
        _ => "Your message could not be delivered to the destination listed below.\r\n",
    });
    if action == Action::Delayed {
        human.push_str(&format!(
            "The mail system gives up on {}.\r\n",
            mime::rfc5322_date(will_retry)
        ));
    }
    human.push_str(if returns_full {
        "The message is attached.\r\n"
    } else {
        "The headers of the message are attached.\r\n"
    });
    human.push_str(&format!(
        "\r\nFor help, write to postmaster@{reporting} and include this report.\r\n\r\n"
    ));
    human.push_str(&mime::wrap(&format!("<{rcpt}>: {explanation}"), 78, "    "));
    human.push_str("\r\n");

    // The machine-readable part.
    let mut per_message = PerMessage {
        original_envelope_id: original.envid.map(str::to_owned),
        reporting_mta: Some(typed("dns", &reporting)),
        arrival_date: Some(mime::rfc5322_date(original.arrival)),
        ..PerMessage::default()
    };
    if !receiver_voice {
        per_message.extensions = vec![
            Field {
                name: "X-Postfix-Queue-ID".into(),
                value: queue_id.clone(),
            },
            Field {
                name: "X-Postfix-Sender".into(),
                value: format!("rfc822; {}", original.sender),
            },
        ];
    }
    let recipient = PerRecipient {
        original_recipient: request.orcpt.map(TypedValue::parse),
        final_recipient: Some(typed("rfc822", rcpt)),
        action: Some(action.clone()),
        status: Some(status.to_string()),
        remote_mta: remote.as_deref().map(|h| typed("dns", h)),
        diagnostic_code: Some(if is_reply {
            typed("smtp", diagnostic)
        } else {
            typed("X-Postfix", diagnostic)
        }),
        last_attempt_date: Some(mime::rfc5322_date(request.now)),
        will_retry_until: (action == Action::Delayed).then(|| mime::rfc5322_date(will_retry)),
        ..PerRecipient::default()
    };
    let status_part = DeliveryStatus {
        per_message,
        recipients: vec![recipient],
    }
    .to_string();

    // The returned message, with the Received field the simulator added on accepting it.
    let mut returned = received(&reporter.hostname, original, rcpt, &queue_id).into_bytes();
    if returns_full {
        returned.extend_from_slice(&mime::crlf(original.raw));
    } else {
        returned.extend_from_slice(&mime::header_block(original.raw));
    }
    let cte = if mime::is_7bit(&returned) {
        "7bit"
    } else {
        "8bit"
    };

    let subject = match action {
        Action::Delivered => "Successful Mail Delivery Report",
        Action::Delayed => "Delayed Mail (still being retried)",
        _ => "Undelivered Mail Returned to Sender",
    };
    let from = format!("MAILER-DAEMON@{reporting} (Mail Delivery System)");
    let date = mime::rfc5322_date(request.now);
    let message_id = format!("<{}.{token}@{reporting}>", mime::compact_date(request.now));
    let mut out = Vec::with_capacity(returned.len() + status_part.len() + human.len() + 1024);
    head(
        &mut out,
        [
            ("From", &from),
            ("To", original.sender),
            ("Subject", subject),
            ("Date", &date),
            ("Message-ID", &message_id),
        ],
        &[
            ("Auto-Submitted", "auto-replied".into()),
            ("MIME-Version", "1.0".into()),
            (
                "Content-Type",
                format!("multipart/report; report-type=delivery-status; boundary=\"{boundary}\""),
            ),
            ("Content-Transfer-Encoding", "8bit".into()),
        ],
    );
    out.extend_from_slice(b"\r\nThis is a MIME-encapsulated message.\r\n");
    let human_type = if human.is_ascii() {
        "text/plain; charset=us-ascii"
    } else {
        "text/plain; charset=utf-8"
    };
    part(
        &mut out,
        &boundary,
        &[
            ("Content-Description", "Notification"),
            ("Content-Type", human_type),
        ],
        human.as_bytes(),
    );
    part(
        &mut out,
        &boundary,
        &[
            ("Content-Description", "Delivery report"),
            ("Content-Type", "message/delivery-status"),
        ],
        status_part.as_bytes(),
    );
    let (description, content_type) = if returns_full {
        ("Undelivered Message", "message/rfc822")
    } else {
        ("Message Headers", "text/rfc822-headers")
    };
    part(
        &mut out,
        &boundary,
        &[
            ("Content-Description", description),
            ("Content-Type", content_type),
            ("Content-Transfer-Encoding", cte),
        ],
        &returned,
    );
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}

fn typed(kind: &str, value: &str) -> TypedValue {
    TypedValue {
        kind: Some(kind.to_owned()),
        value: value.to_owned(),
    }
}
