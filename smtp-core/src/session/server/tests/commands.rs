//! `Config::ask_commands`: the commands the session answers by itself become questions.

use std::time::Instant;

use super::super::*;
use super::{drive, lax, scripted};

/// Runs `input` (one read) through a session with `ask_commands`, answering each
/// `CommandRequest` from `answers` in order (`None`: the session's own answer) and accepting
/// every other question. Returns the verbs asked about, the wire after the greeting, and the
/// session.
fn run(
    config: Config,
    input: &[u8],
    answers: &[Option<&str>],
) -> (Vec<String>, String, ServerSession) {
    let now = Instant::now();
    let mut s = ServerSession::new(config, now);
    let mut answers = answers.iter();
    let mut asked = Vec::new();
    let wire = drive(&mut s, now, input, |event| match event {
        Event::CommandRequest(command) => {
            let mut line = Vec::new();
            command.write_to(&mut line);
            asked.push(String::from_utf8(line).unwrap().trim_end().to_owned());
            let text = answers.next().expect("an answer for each question");
            Some(scripted(*text))
        }
        Event::Client(_) | Event::Sender(_) | Event::Recipient(_) | Event::Message(_) => {
            Some(Answer::Accept)
        }
        _ => None,
    });
    assert!(answers.next().is_none(), "every answer used");
    (asked, wire, s)
}

fn asking() -> Config {
    Config {
        ask_commands: true,
        ..lax()
    }
}

/// Input, the answers to the command questions, the commands asked about, the wire after the
/// greeting.
type Row = (
    &'static [u8],
    &'static [Option<&'static str>],
    &'static [&'static str],
    &'static str,
);

#[test]
fn command_questions_known_answers() {
    let cases: [Row; 9] = [
        // Accepting gives the session's own answers.
        (
            b"NOOP\r\nVRFY bob\r\nEXPN list\r\nHELP\r\nFOO bar\r\nRSET\r\n",
            &[None, None, None, None, None, None],
            &["NOOP", "VRFY bob", "EXPN list", "HELP", "FOO bar", "RSET"],
            "250 2.0.0 Ok\r\n252 2.0.0 Send some mail, I'll try my best\r\n\
             502 5.5.1 Error: command not implemented\r\n\
             214 2.0.0 Commands and their syntax: RFC 5321\r\n\
             500 5.5.2 Error: command not recognized\r\n250 2.0.0 Ok\r\n",
        ),
        // Scripted replies, one per command, in order.
        (
            b"VRFY bob\r\nVRFY eve\r\nEXPN staff\r\n",
            &[
                Some("252 2.1.5 Cannot VRFY user\r\n"),
                Some("550 5.1.1 <eve>: Recipient address rejected\r\n"),
                Some("250-alice@x.example\r\n250 bob@x.example\r\n"),
            ],
            &["VRFY bob", "VRFY eve", "EXPN staff"],
            "252 2.1.5 Cannot VRFY user\r\n550 5.1.1 <eve>: Recipient address rejected\r\n\
             250-alice@x.example\r\n250 bob@x.example\r\n",
        ),
        // A 2xx answer to RSET resets the transaction: RCPT then needs MAIL.
        (
            b"HELO c\r\nMAIL FROM:<a@x.example>\r\nRSET\r\nRCPT TO:<b@y.example>\r\n",
            &[Some("250 2.0.0 Flushed\r\n")],
            &["RSET"],
            "250 localhost\r\n250 2.1.0 Ok\r\n250 2.0.0 Flushed\r\n503 5.5.1 Error: need MAIL command\r\n",
        ),
        // A refused RSET leaves the transaction open.
        (
            b"HELO c\r\nMAIL FROM:<a@x.example>\r\nRSET\r\nRCPT TO:<b@y.example>\r\n",
            &[Some("451 4.3.0 Try again\r\n")],
            &["RSET"],
            "250 localhost\r\n250 2.1.0 Ok\r\n451 4.3.0 Try again\r\n250 2.1.5 Ok\r\n",
        ),
        // The default answer to RSET resets, as without the option.
        (
            b"HELO c\r\nMAIL FROM:<a@x.example>\r\nRSET\r\nMAIL FROM:<a@x.example>\r\n",
            &[None],
            &["RSET"],
            "250 localhost\r\n250 2.1.0 Ok\r\n250 2.0.0 Ok\r\n250 2.1.0 Ok\r\n",
        ),
        // A 421 closes: nothing after it is read.
        (
            b"NOOP\r\nNOOP\r\nNOOP\r\nNOOP\r\n",
            &[None, None, Some("421 4.7.0 Go away\r\n")],
            &["NOOP", "NOOP", "NOOP"],
            "250 2.0.0 Ok\r\n250 2.0.0 Ok\r\n421 4.7.0 Go away\r\n",
        ),
        // A refused NOOP or unknown verb changes nothing.
        (
            b"HELO c\r\nNOOP\r\nXYZZY\r\nMAIL FROM:<a@x.example>\r\n",
            &[Some("554 5.7.1 No\r\n"), Some("250 2.0.0 Fine\r\n")],
            &["NOOP", "XYZZY"],
            "250 localhost\r\n554 5.7.1 No\r\n250 2.0.0 Fine\r\n250 2.1.0 Ok\r\n",
        ),
        // The commands with their own questions or rules are not asked about.
        (
            b"HELO c\r\nMAIL FROM:<a@x.example>\r\nQUIT\r\n",
            &[],
            &[],
            "250 localhost\r\n250 2.1.0 Ok\r\n221 2.0.0 Bye\r\n",
        ),
        // Syntax errors are answered by the session, not asked about.
        (
            b"VRFY\r\nNOOP\r\n",
            &[Some("250 2.0.0 Asked\r\n")],
            &["NOOP"],
            "501 ",
        ),
    ];
    for (input, answers, want_asked, want_wire) in cases {
        let (asked, wire, _) = run(asking(), input, answers);
        let shown = String::from_utf8_lossy(input);
        assert_eq!(asked, want_asked, "{shown}");
        if want_wire.len() == 4 {
            assert!(wire.starts_with(want_wire), "{shown}: {wire}");
            assert!(wire.ends_with("250 2.0.0 Asked\r\n"), "{shown}: {wire}");
        } else {
            assert_eq!(wire, want_wire, "{shown}");
        }
    }
}

#[test]
fn a_421_answer_closes_and_refusals_count_as_errors() {
    let (_, _, s) = run(
        asking(),
        b"NOOP\r\nNOOP\r\nNOOP\r\n",
        &[Some("550 5.7.1 No\r\n"), None, Some("421 4.7.0 Bye\r\n")],
    );
    assert!(s.is_closed());
    assert_eq!(s.error_count(), 2);
}

#[test]
fn without_the_option_nothing_is_asked() {
    let input = b"NOOP\r\nVRFY bob\r\nEXPN list\r\nHELP\r\nFOO bar\r\nRSET\r\n";
    let (asked, plain, _) = run(lax(), input, &[]);
    assert!(asked.is_empty());
    let (_, accepted, _) = run(asking(), input, &[None; 6]);
    assert_eq!(plain, accepted, "accepting every question changes nothing");
}

#[test]
fn pipelining_checks_come_before_the_question() {
    // Without PIPELINING (HELO), a NOOP followed by more input is improper: with the Reject
    // policy the session closes with 554 and asks nothing.
    let config = Config {
        ask_commands: true,
        ..Config::default()
    };
    let (asked, wire, s) = run(config, b"HELO c\r\nNOOP\r\nNOOP\r\n", &[]);
    assert!(asked.is_empty());
    assert!(s.is_closed());
    assert!(
        wire.ends_with("554 5.5.0 Error: SMTP protocol synchronization\r\n"),
        "{wire}"
    );
}
