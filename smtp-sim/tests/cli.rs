//! The `smtp-sim` binary: `check` on good and bad files, and `serve` greeting SMTP clients and
//! answering /health on loopback, then stopping cleanly on SIGINT.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_smtp-sim");

fn scratch(name: &str, text: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("smtp-sim-cli-{}-{name}", std::process::id()));
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn check_accepts_the_examples_and_locates_errors() {
    let good = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/default.toml");
    let out = Command::new(BIN).args(["check", good]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("ok (7 rules)"));

    let bad = scratch(
        "bad.toml",
        "[[rule]]\nid = \"r\"\nwhen = { step = \"rcpt\" }\ndo = { kind = \"reply\", code = 250, status = \"5.0.0\", text = \"x\" }\nexpect = { reason = \"delivered\" }\n",
    );
    let out = Command::new(BIN).arg("check").arg(&bad).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!(
        "{}:4:45: rule[0].do.status: expected a status of class 2",
        bad.display()
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    std::fs::remove_file(bad).unwrap();
}

#[test]
fn serve_listens_for_smtp_and_the_api_and_stops_on_ctrl_c() {
    let mut child = Command::new(BIN)
        .args(["serve", "--api", "127.0.0.1:0", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut next = |prefix: &str| {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        line.trim()
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{prefix} in {line:?}"))
            .to_owned()
    };
    let smtp = next("smtp: ");
    let smtp = smtp
        .strip_suffix(" (STARTTLS)")
        .expect("STARTTLS by default");
    let api = next("api: http://");

    let mut session = BufReader::new(TcpStream::connect(smtp).unwrap());
    let mut greeting = String::new();
    session.read_line(&mut greeting).unwrap();
    assert_eq!(greeting, "220 mx.smtp-sim.test ESMTP\r\n");
    session.get_mut().write_all(b"EHLO c.example\r\n").unwrap();
    let mut ehlo = String::new();
    while !ehlo.contains("250 ") {
        session.read_line(&mut ehlo).unwrap();
    }
    assert!(ehlo.contains("STARTTLS"), "{ehlo}");
    session.get_mut().write_all(b"QUIT\r\n").unwrap();

    let mut conn = TcpStream::connect(&api).unwrap();
    conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains(&format!("\"smtp\":\"{smtp}\"")),
        "{response}"
    );

    // Ctrl-C: a clean stop.
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status:?} {stderr}");
    assert!(stderr.contains("smtp-sim: stopped"), "{stderr}");
}
