//! RFC 5965 Abuse Reporting Format complaints, as a mailbox provider's feedback loop sends
//! them to the sender: a human-readable part, the `message/feedback-report` part, and the
//! reported message (with the `Received` field the simulator added, which is where
//! `Source-IP` comes from).
//!
//! The complaint comes from `complaints@email-abuse.amazonses.com` for the SES mailbox
//! simulator's recipients (Amazon SES forwards its complaints from that address), and from
//! `fbl@<hostname>` otherwise. The feedback type is `abuse`, what a "this is spam" click gives.

use super::{Ids, Original, Reporter, Request, head, mime, part, received};

/// The address Amazon SES forwards complaints from.
const SES_COMPLAINTS: &str = "complaints@email-abuse.amazonses.com";

/// The complaint, as described in the module documentation.
pub(super) fn build(
    reporter: &Reporter,
    original: &Original<'_>,
    request: &Request<'_>,
    ids: &mut Ids,
) -> Vec<u8> {
    let rcpt = request.recipient;
    let ses = reporter.is_ses(rcpt, request.persona);
    let from = if ses {
        SES_COMPLAINTS.to_owned()
    } else {
        format!("\"Feedback Loop\" <fbl@{}>", reporter.hostname)
    };
    let from_domain = if ses {
        mime::domain_of(SES_COMPLAINTS)
    } else {
        &reporter.hostname
    };
    let queue_id = ids.queue_id();
    let token = ids.token();
    let boundary = format!("{queue_id}.{token}/{from_domain}");
    let date = mime::rfc5322_date(request.now);
    let arrival = mime::rfc5322_date(original.arrival);
    let message_id = format!(
        "<{}.{token}@{from_domain}>",
        mime::compact_date(request.now)
    );
    let subject = match mime::header(original.raw, "subject").filter(|s| !s.is_empty()) {
        Some(s) => format!("FW: {s}"),
        None => "Abuse report".to_owned(),
    };
    // The domain the complaint is about: the RFC 5322.From domain, else the envelope sender's.
    let reported_domain = mime::header(original.raw, "from")
        .and_then(|f| {
            let addr = f
                .rsplit_once('<')
                .map_or(f.as_str(), |(_, a)| a.split('>').next().unwrap_or(a));
            let d = mime::domain_of(addr.trim()).trim().to_owned();
            (!d.is_empty()).then_some(d)
        })
        .unwrap_or_else(|| mime::domain_of(original.sender).to_owned());

    let mut human = format!(
        "This is an abuse report for a message received from IP address {} on {arrival}.\r\n\
         The recipient <{rcpt}> reported it as unwanted mail.\r\n",
        original.client.ip
    );
    if let Some(comment) = request.text.map(str::trim).filter(|t| !t.is_empty()) {
        human.push_str("\r\n");
        human.push_str(&String::from_utf8_lossy(&mime::crlf(comment.as_bytes())));
        human.push_str("\r\n");
    }
    human.push_str(
        "\r\nThe report in the second part follows RFC 5965; the reported message is attached.\r\n",
    );

    let report = [
        ("Feedback-Type", "abuse".to_owned()),
        (
            "User-Agent",
            format!("smtp-sim/{}", env!("CARGO_PKG_VERSION")),
        ),
        ("Version", "1".to_owned()),
        ("Original-Mail-From", format!("<{}>", original.sender)),
        ("Original-Rcpt-To", format!("<{rcpt}>")),
        ("Arrival-Date", arrival.clone()),
        ("Reporting-MTA", format!("dns; {}", reporter.hostname)),
        ("Source-IP", original.client.ip.to_string()),
        ("Reported-Domain", reported_domain),
    ]
    .iter()
    .map(|(n, v)| format!("{n}: {}\r\n", mime::clean(v)))
    .collect::<String>();

    let mut reported = received(&reporter.hostname, original, rcpt, &queue_id).into_bytes();
    reported.extend_from_slice(&mime::crlf(original.raw));
    let cte = if mime::is_7bit(&reported) {
        "7bit"
    } else {
        "8bit"
    };
    let human_type = if human.is_ascii() {
        "text/plain; charset=us-ascii"
    } else {
        "text/plain; charset=utf-8"
    };

    let mut out = Vec::with_capacity(reported.len() + human.len() + report.len() + 1024);
    head(
        &mut out,
        [
            ("From", &from),
            ("To", original.sender),
            ("Subject", &subject),
            ("Date", &date),
            ("Message-ID", &message_id),
        ],
        &[
            ("Auto-Submitted", "auto-generated".into()),
            ("MIME-Version", "1.0".into()),
            (
                "Content-Type",
                format!("multipart/report; report-type=feedback-report; boundary=\"{boundary}\""),
            ),
        ],
    );
    out.extend_from_slice(b"\r\nThis is a MIME-encapsulated message.\r\n");
    part(
        &mut out,
        &boundary,
        &[("Content-Type", human_type)],
        human.as_bytes(),
    );
    part(
        &mut out,
        &boundary,
        &[("Content-Type", "message/feedback-report")],
        report.as_bytes(),
    );
    part(
        &mut out,
        &boundary,
        &[
            ("Content-Type", "message/rfc822"),
            ("Content-Disposition", "inline"),
            ("Content-Transfer-Encoding", cte),
        ],
        &reported,
    );
    out.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    out
}
