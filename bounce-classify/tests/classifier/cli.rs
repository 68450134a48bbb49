//! The `bounce-classify` binary: the lines of a folder in order, an error line for a file that
//! cannot be read (and the run going on), the exit code, and one thread writing what several do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_bounce-classify");

const BOUNCE: &str = "From: MAILER-DAEMON@mx.example.org\nSubject: Undelivered Mail\n\
Content-Type: multipart/report; report-type=delivery-status; boundary=\"b\"\n\n--b\n\
Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\n\
Final-Recipient: rfc822; one@example.com\nAction: failed\nStatus: 5.1.1\n\n\
Final-Recipient: rfc822; two@example.com\nAction: failed\nStatus: 5.2.2\n--b--\n";

const NOT_A_BOUNCE: &str = "From: alice@example.org\nSubject: lunch\n\nAt noon?\n";

/// A fresh scratch folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("bounce-classify-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(args: &[&str], path: &Path) -> Output {
    Command::new(BIN).args(args).arg(path).output().unwrap()
}

/// Each line's `source` (relative to `dir`), `message` and `index`, `kind` or `error`.
fn summary(stdout: &[u8], dir: &Path) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let source = v["source"].as_str().unwrap().replace(&prefix, "");
            let what = match (&v["error"], &v["kind"]) {
                (serde_json::Value::String(e), _) => format!("error {e}"),
                (_, kind) => format!("{} {}", kind.as_str().unwrap(), v["index"]),
            };
            format!("{source} {} {what}", v["message"])
        })
        .collect()
}

#[test]
fn a_folder_gives_its_lines_in_order_and_an_unreadable_file_an_error() {
    let dir = scratch("folder");
    std::fs::write(dir.join("a-bounce.eml"), BOUNCE).unwrap();
    std::fs::write(dir.join("b-empty.eml"), "").unwrap();
    std::fs::write(
        dir.join("c-mbox"),
        format!("From a@b Mon\n{NOT_A_BOUNCE}\nFrom c@d Tue\n{BOUNCE}"),
    )
    .unwrap();
    std::fs::create_dir(dir.join("d-sub")).unwrap();
    std::fs::write(dir.join("d-sub/x.eml"), NOT_A_BOUNCE).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("gone"), dir.join("c-dangling.eml")).unwrap();

    let mut want = vec![
        "a-bounce.eml 0 bounce 1",
        "a-bounce.eml 0 bounce 2",
        "b-empty.eml 0 error empty input",
    ];
    if cfg!(unix) {
        want.push("c-dangling.eml 0 error No such file or directory (os error 2)");
    }
    want.extend([
        "c-mbox 0 not-bounce null",
        "c-mbox 1 bounce 1",
        "c-mbox 1 bounce 2",
        "d-sub/x.eml 0 not-bounce null",
    ]);
    let one = run(&["--threads", "1"], &dir);
    assert_eq!(summary(&one.stdout, &dir), want);
    // Some input failed: exit code 1, and nothing on stderr (the errors are lines).
    assert_eq!(one.status.code(), Some(1));
    assert!(
        one.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );

    let two = run(&["--threads", "2"], &dir);
    assert_eq!(two.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&two.stdout),
        String::from_utf8_lossy(&one.stdout)
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn good_input_exits_0_and_a_missing_input_gives_an_error_line() {
    let dir = scratch("good");
    std::fs::write(dir.join("a.eml"), BOUNCE).unwrap();
    let out = run(&["--threads", "1"], &dir);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(summary(&out.stdout, &dir).len(), 2);

    let missing = dir.join("missing");
    let out = run(&["--threads", "1"], &missing);
    assert_eq!(out.status.code(), Some(1));
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["source"], missing.display().to_string());
    assert_eq!(line["message"], 0);
    assert!(line["error"].as_str().unwrap().contains("os error 2"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The development corpus: one thread (no pool) writes byte for byte what several do.
#[test]
fn one_thread_writes_what_several_do_over_the_corpus() {
    let beside = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/sisimai/dev");
    let Some(corpus) = [beside.clone(), "/work/shared/corpus/sisimai/dev".into()]
        .into_iter()
        .find(|p| p.is_dir())
    else {
        eprintln!(
            "corpus missing: neither {} nor /work/shared/corpus/sisimai/dev; test skipped",
            beside.display()
        );
        return;
    };
    let one = run(&["--threads", "1"], &corpus);
    let two = run(&["--threads", "2"], &corpus);
    assert_eq!(one.status.code(), two.status.code());
    assert!(one.stdout.len() > 10_000, "the corpus gives lines");
    assert!(one.stdout == two.stdout, "--threads 1 and 2 differ");
}
