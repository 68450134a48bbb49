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
