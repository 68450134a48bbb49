//! Bounces in shapes the development corpus does not have (or has only once), written for this
//! project after the layouts of real MTAs and services: each must give its recipients, in order,
//! with the reason the text states. They guard recipient extraction, which matters more on
//! unseen bounces than any one label. Each is read with LF, CRLF and CR line ends.

use bounce_classify::{Outcome, Reason, classify};

/// The recipients a bounce must give, in order, with their reasons.
type Expected = &'static [(&'static str, Reason)];

/// `(name, message, expected)`.
const CASES: &[(&str, &str, Expected)] = &[
    (
        "hmail",
        r#"Return-Path: <>
From: MAILER-DAEMON@mail.acme-corp.test
To: sender@shop.test
Subject: Message undeliverable: Spring sale
Date: Tue, 3 Mar 2026 10:00:00 +0100

Your message did not reach some or all of the intended recipients.

   Sent: Tue, 3 Mar 2026 09:59:58 +0100
   Subject: Spring sale

The following recipient(s) could not be reached:

bob.miller@partner.test
   Error Type: SMTP
   Remote server (203.0.113.9) issued an error.
   hMailServer sent: RCPT TO:<bob.miller@partner.test>
   Remote server replied: 550 5.1.1 <bob.miller@partner.test>: Recipient address rejected: User unknown in virtual mailbox table

"#,
        &[("bob.miller@partner.test", Reason::UserUnknown)],
    ),
    (
        "groupwise",
        r#"From: postmaster@gw.univ.test
To: sender@shop.test
Subject: Undeliverable mail
Date: Tue, 3 Mar 2026 10:00:00 +0100

The message that you sent was undeliverable to the following:
	jdoe@univ.test (user not found)

Possibly truncated original message follows:
From: sender@shop.test
To: jdoe@univ.test
Subject: hi

hello
"#,
        &[("jdoe@univ.test", Reason::UserUnknown)],
    ),
    (
        "mdaemon",
        r#"From: MDaemon@mail.firm.test
To: sender@shop.test
Subject: Permanent Delivery Failure
Date: Tue, 3 Mar 2026 10:00:00 +0000

The attached message had PERMANENT fatal delivery errors!

After one or more unsuccessful delivery attempts the attached message has
been removed from the mail queue on this server.  The number and frequency
of delivery attempts are determined by local configuration parameters.

YOU DO NOT NEED TO RESEND YOUR MESSAGE!

Session Transcript:
--------------------------------------------
 Tue 2026-03-03 10:00:00: Parsing message <mail.firm.test\pd50000000001.msg>
 Tue 2026-03-03 10:00:00: *  From: sender@shop.test
 Tue 2026-03-03 10:00:00: *  To: erin@remote.test
 Tue 2026-03-03 10:00:00: Attempting SMTP connection to [remote.test]
 Tue 2026-03-03 10:00:01: --> RCPT To:<erin@remote.test>
 Tue 2026-03-03 10:00:01: <-- 550 5.1.1 <erin@remote.test>: Recipient address rejected: User unknown
 Tue 2026-03-03 10:00:01: --> QUIT
--------------------------------------------
"#,
        &[("erin@remote.test", Reason::UserUnknown)],
    ),
    (
        "courier",
        r#"From: Courier mail server at mx.host.test <@>
To: sender@shop.test
Subject: NOTICE: mail delivery status.
Date: Tue, 3 Mar 2026 10:00:00 +0000

This is a delivery status notification from mx.host.test,
running the Courier mail server, version 1.1.

The original message was received on Tue, 3 Mar 2026 09:59:00 +0000
from shop.test [192.0.2.1]

---------------------------------------------------------------------------

                           UNDELIVERABLE MAIL

Your message to the following recipients cannot be delivered:

<ivy@host.test>:
    mx.host.test [192.0.2.5]:
>>> RCPT TO:<ivy@host.test>
<<< 550 User ivy@host.test does not exist

---------------------------------------------------------------------------
"#,
        &[("ivy@host.test", Reason::UserUnknown)],
    ),
    (
        "exim-multi",
        r#"From: Mail Delivery System <Mailer-Daemon@mx1.hosting.test>
To: sender@shop.test
Subject: Mail delivery failed: returning message to sender
Date: Tue, 3 Mar 2026 10:00:00 +0000
X-Failed-Recipients: a1@one.test, B2@Two.test, c3@three.test

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  a1@one.test
    host mx.one.test [198.51.100.3]
    SMTP error from remote mail server after RCPT TO:<a1@one.test>:
    550 5.1.1 <a1@one.test>: Recipient address rejected: User unknown
  B2@Two.test
    Unrouteable address
  c3@three.test
    host mx.three.test [198.51.100.4]
    SMTP error from remote mail server after end of data:
    552 5.3.4 Message size exceeds fixed maximum message size

------ This is a copy of the message, including all the headers. ------

Return-path: <sender@shop.test>
To: a1@one.test, B2@Two.test, c3@three.test
Subject: news
"#,
        &[
            ("a1@one.test", Reason::UserUnknown),
            ("B2@Two.test", Reason::HostUnknown),
            ("c3@three.test", Reason::EmailTooLarge),
        ],
    ),
    (
        "quoted",
        r#"From: MAILER-DAEMON@mail.shop.test (Mail Delivery System)
To: sender@shop.test
Subject: Undelivered Mail Returned to Sender

This is the mail system at host mail.shop.test.

<"john smith"@corp.test>: host mx.corp.test[203.0.113.1] said: 554 5.7.1
    <"john smith"@corp.test>: Relay access denied (in reply to RCPT TO command)
"#,
        &[(r#""john smith"@corp.test"#, Reason::NoRelaying)],
    ),
    (
        "utf8",
        r#"From: MAILER-DAEMON@mail.shop.test (Mail Delivery System)
To: sender@shop.test
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=utf-8

<用户@例子.测试>: host mx.xn--fsqu00a.xn--0zwm56d[203.0.113.1] said: 550 5.1.1 mailbox unavailable (in reply to RCPT TO command)

--B1
Content-Type: message/global-delivery-status

Reporting-MTA: dns; mail.shop.test

Final-Recipient: utf-8; 用户@例子.测试
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 mailbox unavailable

--B1--
"#,
        &[("用户@例子.测试", Reason::UserUnknown)],
    ),
    (
        "notype",
        r#"From: MAILER-DAEMON@relay.test
Subject: Delivery Status Notification (Failure)
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Delivery failed.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; relay.test

Final-Recipient: pat@remote.test
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 No such user

Final-Recipient: RFC822; <quinn@remote.test>
Action: failed
Status: 5.2.2

Original-Recipient: rfc822; rose@remote.test
Action: failed
Status: 5.1.2
--b--
"#,
        &[
            ("pat@remote.test", Reason::UserUnknown),
            ("quinn@remote.test", Reason::MailboxFull),
            ("rose@remote.test", Reason::HostUnknown),
        ],
    ),
    (
        // nullmailer gives up the whole message when one recipient is refused and reports that
        // recipient's reply for every one of them: the reply names someone else, so it says
        // nothing of the others' mailboxes (not a hard bounce for them).
        "one reply for every recipient",
        r#"From: Message Delivery Subsystem <MAILER-DAEMON@app-vm>
To: <billing@shop.test>
Subject: Returned mail: Could not send message
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: text/plain; charset=us-ascii

This is the mail delivery system of app-vm. Your message was not delivered to:

	<gone@remote.test>
	<anna@remote.test>
	<ben@remote.test>

--r
Content-Type: message/delivery-status

Reporting-MTA: x-local-hostname; app-vm

Final-Recipient: rfc822; gone@remote.test
Action: failed
Status: 5.1.1
Diagnostic-Code: SMTP; 550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown

Final-Recipient: rfc822; anna@remote.test
Action: failed
Status: 5.1.1
Diagnostic-Code: SMTP; 550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown

Final-Recipient: rfc822; ben@remote.test
Action: failed
Status: 5.1.1
Diagnostic-Code: SMTP; 550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown
--r--
"#,
        &[
            ("gone@remote.test", Reason::UserUnknown),
            ("anna@remote.test", Reason::OnHold),
            ("ben@remote.test", Reason::OnHold),
        ],
    ),
    (
        // The same layout with a refusal of the client: it was about the transaction, and
        // stands for every recipient.
        "one client refusal for every recipient",
        r#"From: Message Delivery Subsystem <MAILER-DAEMON@app-vm>
To: <billing@shop.test>
Subject: Returned mail: Could not send message
Content-Type: multipart/report; report-type=delivery-status; boundary="r"

--r
Content-Type: message/delivery-status

Reporting-MTA: x-local-hostname; app-vm

Final-Recipient: rfc822; carl@remote.test
Action: failed
Status: 5.7.1
Diagnostic-Code: SMTP; 554 5.7.1 <carl@remote.test>: Relay access denied

Final-Recipient: rfc822; dora@remote.test
Action: failed
Status: 5.7.1
Diagnostic-Code: SMTP; 554 5.7.1 <carl@remote.test>: Relay access denied
--r--
"#,
        &[
            ("carl@remote.test", Reason::NoRelaying),
            ("dora@remote.test", Reason::NoRelaying),
        ],
    ),
];

#[test]
fn every_recipient_is_found_with_its_reason() {
    for (name, raw, want) in CASES {
        for eol in ["\n", "\r\n", "\r"] {
            let input = raw.replace('\n', eol);
            let Outcome::Bounce(report) = classify(input.as_bytes()) else {
                panic!("{name} ({eol:?}): not read as a bounce");
            };
            let got: Vec<(&str, Reason)> = report
                .recipients
                .iter()
                .map(|r| (r.recipient.as_str(), r.reason))
                .collect();
            assert_eq!(&got, want, "{name} ({eol:?})");
        }
    }
}

/// Messages people write about bounces, and ordinary mail that shares their words: none is a
/// bounce, so none may make a sender suppress an address.
const NOT_BOUNCES: &[(&str, &str)] = &[
    (
        "a reply about a bounce",
        r#"From: Alice <alice@example.org>
To: bob@example.net
Subject: Re: the mail I sent you bounced
Date: Mon, 5 Jan 2026 10:00:00 +0000
Message-ID: <1@example.org>
In-Reply-To: <0@example.net>

Hi Bob,

my message to carol@example.com came back with "550 5.1.1 User unknown".
Can you check her address? It was undeliverable twice.

Alice
"#,
    ),
    (
        "a German reply quoting a delivery failure",
        r#"From: Jonas <jonas@example.de>
To: team@example.de
Subject: AW: Delivery failed
Date: Mon, 5 Jan 2026 11:00:00 +0100

Die Mail an kunde@example.com kam zurück: 552 5.2.2 Mailbox full.
Ich versuche es morgen noch einmal.
"#,
    ),
    (
        "a service's mail from no-reply",
        r#"From: Example Accounts <no-reply@accounts.example>
To: bob@example.net
Subject: Your password was changed
Date: Mon, 5 Jan 2026 10:00:00 +0000

Hi,

the password of your account bob@example.net was changed.
If this was not you, write to security@accounts.example.
"#,
    ),
    (
        "a carrier's parcel notice",
        r#"From: Parcel Express <noreply@parcels.example>
To: bob@example.net
Subject: Delivery Notification: your parcel arrives today

Your parcel 1234 arrives today between 10:00 and 12:00.
Questions? Write to support@parcels.example.
"#,
    ),
    (
        "a newsletter",
        r#"From: News <news@shop.example>
To: bob@example.net
Subject: Weekly deals
List-Unsubscribe: <mailto:unsub@shop.example>

Delivery failed? Not with our couriers! Write to support@shop.example.
"#,
    ),
];

#[test]
fn messages_about_bounces_are_not_bounces() {
    for (name, raw) in NOT_BOUNCES {
        for eol in ["\n", "\r\n", "\r"] {
            let input = raw.replace('\n', eol);
            let outcome = classify(input.as_bytes());
            assert!(
                matches!(outcome, Outcome::NotBounce),
                "{name} ({eol:?}): {outcome:?}"
            );
        }
    }
}
