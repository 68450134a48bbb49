//! The `smtp-sim` binary: `check` on good and bad files, and `serve` answering /health on
//! loopback while saying that the SMTP listener is not built yet.

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
fn serve_runs_the_api_and_says_smtp_is_not_built() {
    let mut child = Command::new(BIN)
        .args(["serve", "--api", "127.0.0.1:0", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let addr = line
        .trim()
        .strip_prefix("api: http://")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_owned();

    let mut conn = TcpStream::connect(&addr).unwrap();
    conn.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    conn.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"ok\""), "{response}");

    child.kill().unwrap();
    child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(
        stderr.contains("SMTP listener is not built yet"),
        "{stderr}"
    );
}
