//! Never a panic, never a hang, same input same output: arbitrary bytes, corpus messages cut
//! and mutated at random, and a very large bounce (whose speed the `classify` bench measures).

use std::path::PathBuf;

use bounce_classify::{Outcome, classify};
use proptest::prelude::*;

/// The development corpus: `<repo>/../shared/corpus/sisimai/dev`, else `/work/shared/…`.
fn corpus_dir() -> Option<PathBuf> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    [
        repo.join("../shared/corpus/sisimai/dev"),
        PathBuf::from("/work/shared/corpus/sisimai/dev"),
    ]
    .into_iter()
    .find(|p| p.is_dir())
}

fn corpus() -> Vec<Vec<u8>> {
    let Some(dir) = corpus_dir() else {
        eprintln!("corpus missing: ../shared/corpus/sisimai/dev not found; corpus rows skipped");
        return Vec::new();
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_do_not_panic(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let a = classify(&bytes);
        prop_assert_eq!(a, classify(&bytes));
    }

    #[test]
    fn header_like_garbage_does_not_panic(s in "([A-Za-z-]{1,12}: [ -~]{0,40}\r?\n){0,8}\r?\n[ -~\n]{0,400}") {
        let a = classify(s.as_bytes());
        prop_assert_eq!(a, classify(s.as_bytes()));
    }
}

#[test]
fn corpus_messages_cut_and_mutated_do_not_panic() {
    let corpus = corpus();
    // A fixed-seed xorshift: deterministic and enough to spread cuts and flips.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for msg in &corpus {
        for _ in 0..4 {
            let cut = (next() as usize) % (msg.len() + 1);
            let mut m = msg[..cut].to_vec();
            for _ in 0..8 {
                if m.is_empty() {
                    break;
                }
                let at = (next() as usize) % m.len();
                m[at] = next() as u8;
            }
            let a = classify(&m);
            assert_eq!(a, classify(&m), "not deterministic");
        }
    }
}

#[test]
fn corpus_is_classified_deterministically_and_mostly_as_bounces() {
    let corpus = corpus();
    if corpus.is_empty() {
        return;
    }
    let bounces = corpus
        .iter()
        .filter(|m| matches!(classify(m), Outcome::Bounce(_)))
        .count();
    assert!(
        bounces * 100 >= corpus.len() * 95,
        "{bounces} of {}",
        corpus.len()
    );
}

/// A 20 MB bounce (its returned message padded with address- and code-like lines) is read as one
/// bounce with one recipient. Its speed is measured by the `classify/large_bounce` bench.
#[test]
fn a_twenty_megabyte_bounce_gives_its_one_recipient() {
    let mut msg = b"From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail Returned to Sender\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"B\"\n\n--B\n\
Content-Type: text/plain\n\n<a@example.com>: host mx.example.com said: 550 5.1.1 User unknown\n--B\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; a@example.com\nAction: failed\nStatus: 5.1.1\n--B\n\
Content-Type: message/rfc822\n\nFrom: s@example.org\nSubject: big\n\n"
        .to_vec();
    let line = b"0123456789 abcdefghijklmnopqrstuvwxyz @ <x@y.z> 550 5.1.1 ABCDEFGHIJKLMNOP\n";
    while msg.len() < 20 * 1024 * 1024 {
        msg.extend_from_slice(line);
    }
    msg.extend_from_slice(b"--B--\n");
    let Outcome::Bounce(r) = classify(&msg) else {
        panic!("not read as a bounce")
    };
    assert_eq!(r.recipients.len(), 1);
    assert_eq!(r.recipients[0].recipient, "a@example.com");
}

/// A malformed multipart tree on which mail-parser 0.11.9's `debug_assert!` fires (found by the
/// `classify` fuzz target). Its release build recovers; the workspace builds mail-parser without
/// debug assertions in tests too (root Cargo.toml), so this must not panic.
#[test]
fn mail_parsers_debug_assertion_input_does_not_panic() {
    let input = include_bytes!("../../../fuzz/seeds/classify/mail-parser-debug-assert");
    assert_eq!(classify(input), classify(input));
}
