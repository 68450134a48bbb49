//! Shared inputs for the criterion benchmarks in `benches/benches/`.

/// A realistic mix of command lines, as a submission or relay client sends them in one
/// session (weighted towards MAIL and RCPT, with the parameters real clients add).
pub const COMMAND_MIX: &[&[u8]] = &[
    b"EHLO mail-ed1-f54.google.com\r\n",
    b"STARTTLS\r\n",
    b"EHLO mail-ed1-f54.google.com\r\n",
    b"AUTH PLAIN AHVzZXJAZXhhbXBsZS5jb20Ac2VjcmV0cGFzc3dvcmQ=\r\n",
    b"MAIL FROM:<newsletter-bounces+user=example.org@lists.example.com> SIZE=48213 BODY=8BITMIME\r\n",
    b"RCPT TO:<alice@example.org>\r\n",
    b"RCPT TO:<bob.smith@mail.example.net> NOTIFY=FAILURE,DELAY ORCPT=rfc822;bob.smith@example.net\r\n",
    b"RCPT TO:<carol@example.org>\r\n",
    b"DATA\r\n",
    b"MAIL FROM:<> SIZE=2048\r\n",
    b"RCPT TO:<postmaster@example.org>\r\n",
    b"BDAT 2048 LAST\r\n",
    b"RSET\r\n",
    b"MAIL FROM:<sender@example.com> BODY=8BITMIME SMTPUTF8 RET=HDRS ENVID=QQ314159\r\n",
    b"RCPT TO:<dave@example.org>\r\n",
    b"NOOP\r\n",
    b"QUIT\r\n",
];

/// A pipelined stream (RFC 2920) of `transactions` envelope transactions: MAIL, three RCPT,
/// RSET, as one byte string.
pub fn pipelined_stream(transactions: usize) -> Vec<u8> {
    let mut out = b"EHLO client.example.org\r\n".to_vec();
    for i in 0..transactions {
        out.extend_from_slice(
            format!(
                "MAIL FROM:<sender{i}@example.com> SIZE={} BODY=8BITMIME\r\n\
                 RCPT TO:<alice{i}@example.org>\r\n\
                 RCPT TO:<bob@mail{i}.example.net> NOTIFY=FAILURE\r\n\
                 RCPT TO:<carol@example.org>\r\n\
                 RSET\r\n",
                1000 + i
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(b"QUIT\r\n");
    out
}

/// A deterministic stream of pseudo-random numbers (no RNG crate: the inputs must be the same on
/// every machine and every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        // Knuth's MMIX constants.
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> usize {
        (self.next() % n) as usize
    }
}

const WORDS: &[&str] = &[
    "the", "delivery", "of", "message", "to", "server", "was", "deferred", "because", "mailbox",
    "quota", "and", "a", "report", "will", "follow", "please", "see", "attached", "invoice",
    "meeting", "tomorrow", "at", "ten", "regards", "thanks", "for", "your", "order", "shipping",
];

const BASE64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// About `size` octets of realistic message text, with CRLF line ends: a header block, then
/// MIME parts of prose (lines up to 78 columns, some starting with a dot, some quoted, some
/// empty) and base64 (76-column lines), as a mail client writes them. Not dot-stuffed.
pub fn message_text(size: usize) -> Vec<u8> {
    let mut rng = Lcg(0x5eed);
    let mut out = Vec::with_capacity(size + 1024);
    out.extend_from_slice(
        b"Received: from mail.example.org (mail.example.org [192.0.2.25])\r\n\
          \tby mx.example.net with ESMTPS id 4XyZ12; Mon, 2 Dec 2024 10:00:00 +0000\r\n\
          From: Alice Example <alice@example.org>\r\n\
          To: Bob Example <bob@example.net>\r\n\
          Subject: Quarterly report and invoice\r\n\
          Date: Mon, 2 Dec 2024 10:00:00 +0000\r\n\
          Message-ID: <20241202100000.12345@example.org>\r\n\
          MIME-Version: 1.0\r\n\
          Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n",
    );
    while out.len() < size {
        out.extend_from_slice(b"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n");
        for _ in 0..40 + rng.below(40) {
            match rng.below(20) {
                0 => {}
                1 => out.extend_from_slice(b"."),
                2 => out.extend_from_slice(b"> "),
                _ => {}
            }
            let mut column = 0;
            let width = 40 + rng.below(38);
            while column < width {
                let word = WORDS[rng.below(WORDS.len() as u64)];
                out.extend_from_slice(word.as_bytes());
                out.push(b' ');
                column += word.len() + 1;
            }
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(
            b"--b1\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n",
        );
        for _ in 0..100 + rng.below(200) {
            for _ in 0..76 {
                out.push(BASE64[rng.below(64)]);
            }
            out.extend_from_slice(b"\r\n");
        }
    }
    out.extend_from_slice(b"--b1--\r\n");
    out
}

/// 1 MiB of [`message_text`] in `DATA` wire form: dot-stuffed, ending with `CRLF "." CRLF`.
pub fn data_wire_1mib() -> Vec<u8> {
    smtp_core::transfer::dot_stuff(&message_text(1 << 20))
}

/// The bounces of the development corpus (`<repo>/../shared/corpus/sisimai/dev`), read at bench
/// time (or from `/work/shared`); `None` when neither exists.
pub fn bounce_corpus() -> Option<Vec<Vec<u8>>> {
    // `../shared` beside the repository; a worktree elsewhere falls back to /work/shared.
    let dir = [
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/sisimai/dev"),
        std::path::PathBuf::from("/work/shared/corpus/sisimai/dev"),
    ]
    .into_iter()
    .find(|d| d.is_dir())?;
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "eml"))
        .collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read(p).ok()).collect()
}

/// A delivery status notification of about `size` bytes: one failed recipient, and a returned
/// message padded with lines full of addresses and status codes, the worst case for a
/// classifier that scans text.
pub fn large_bounce(size: usize) -> Vec<u8> {
    let mut msg = b"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\n<a@example.com>: host mx.example.com said: 550 5.1.1 User unknown\n--B\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n--B\n\
Content-Type: message/rfc822\n\nFrom: s@example.org\nSubject: big\n\n"
        .to_vec();
    let line = b"0123456789 abcdefghijklmnopqrstuvwxyz @ <x@y.z> 550 5.1.1 ABCDEFGHIJKLMNOP\n";
    while msg.len() < size {
        msg.extend_from_slice(line);
    }
    msg.extend_from_slice(b"--B--\n");
    msg
}

/// One SMTP connection carried out in memory between a `ClientSession` and a `ServerSession`:
/// greeting, EHLO, `messages` transactions of `message` to two recipients (pipelined, DATA),
/// QUIT. The server accepts everything. Returns the number of messages the server took.
pub fn session_roundtrip(message: &[u8], messages: usize) -> usize {
    use smtp_core::session::client::{ClientConfig, ClientSession, Outgoing};
    use smtp_core::session::server::{Answer, Config, Event, ServerSession};

    let now = std::time::Instant::now();
    let mut server = ServerSession::new(Config::default(), now);
    let mut client = ClientSession::new(ClientConfig::default(), now);
    let outgoing = Outgoing::new(
        "sender@example.org",
        &["a@example.net", "b@example.net"],
        message.to_vec(),
    )
    .expect("valid addresses");
    for _ in 0..messages {
        client.send(outgoing.clone());
    }
    client.quit();
    let mut received = 0;
    loop {
        let mut progressed = false;
        while let Some(event) = server.poll_event() {
            progressed = true;
            match event {
                Event::Message(m) => {
                    received += 1;
                    std::hint::black_box(m.data);
                    server.answer(Answer::Accept, now).expect("question");
                }
                Event::Client(_) | Event::Sender(_) | Event::Recipient(_) | Event::Auth(_) => {
                    server.answer(Answer::Accept, now).expect("question");
                }
                _ => {}
            }
        }
        while let Some(bytes) = server.poll_transmit() {
            progressed = true;
            client.handle_input(&bytes, now);
        }
        while client.poll_event().is_some() {
            progressed = true;
        }
        while let Some(bytes) = client.poll_transmit() {
            progressed = true;
            server.handle_input(&bytes, now);
        }
        if !progressed {
            break;
        }
    }
    assert!(client.is_closed() && server.is_closed());
    received
}

/// Exchange Online's 10-line EHLO response, the input of the `ehlo_reply` benchmarks.
pub const EHLO_REPLY: &str = "250-BN8NAM12FT011.mail.protection.outlook.com Hello [192.0.2.1]\r\n\
250-SIZE 157286400\r\n\
250-PIPELINING\r\n\
250-DSN\r\n\
250-ENHANCEDSTATUSCODES\r\n\
250-STARTTLS\r\n\
250-8BITMIME\r\n\
250-BINARYMIME\r\n\
250-CHUNKING\r\n\
250 SMTPUTF8\r\n";

/// Gmail's 4-line `550-5.1.1` user-unknown reply, the input of the `error_reply` benchmarks.
pub const ERROR_REPLY: &str = "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n\
550-5.1.1 double-checking the recipient's email address for typos or\r\n\
550-5.1.1 unnecessary spaces. Learn more at\r\n\
550 5.1.1  https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-b93bf44ee3esi123456a12.389 - gsmtp\r\n";
