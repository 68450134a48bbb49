//! Replies and EHLO responses: round trips, and the reader fed in pieces.

use smtp_core::ehlo::EhloResponse;
use smtp_core::reply::{ReplyConfig, ReplyError, ReplyReader, parse_reply};

/// Raw bytes as replies: an accepted reply writes back to exactly the bytes it was read from and
/// parses back equal; a reader fed the bytes in two pieces gives what it gives for one piece.
pub fn reply(data: &[u8]) {
    let config = ReplyConfig {
        max_line_len: 64,
        max_lines: 8,
        ..ReplyConfig::default()
    };
    let mut input = data;
    while let Ok((reply, rest)) = parse_reply(input, &config) {
        let bytes = reply.to_bytes();
        assert_eq!(bytes, &input[..input.len() - rest.len()]);
        let (again, tail) = parse_reply(&bytes, &config).expect("written reply parses");
        assert!(tail.is_empty());
        assert_eq!(again, reply);
        if rest.len() == input.len() {
            break;
        }
        input = rest;
    }
    let cut = data
        .first()
        .map_or(0, |b| usize::from(*b) % (data.len() + 1));
    let whole = read(&[data], &config);
    let (a, b) = data.split_at(cut);
    assert_eq!(read(&[a, b], &config), whole);
}

fn read(pieces: &[&[u8]], config: &ReplyConfig) -> Vec<Result<Vec<u8>, ReplyError>> {
    let mut reader = ReplyReader::new(config.clone());
    let mut out = Vec::new();
    for piece in pieces {
        reader.push(piece);
        assert!(reader.buffered() <= piece.len() + config.max_lines * config.max_line_len);
        while let Some(result) = reader.next_reply() {
            out.push(result.map(|r| r.to_bytes()));
        }
    }
    out
}

/// Raw bytes as an EHLO response: an accepted one, written back, parses back equal, and its
/// written form is stable.
pub fn ehlo(data: &[u8]) {
    let config = ReplyConfig::default();
    if let Ok((ehlo, _)) = EhloResponse::parse(data, &config) {
        let bytes = ehlo
            .to_reply()
            .expect("a parsed response writes")
            .to_bytes();
        let (again, rest) = EhloResponse::parse(&bytes, &config).expect("written response parses");
        assert!(rest.is_empty());
        assert_eq!(again, ehlo);
    }
}
