//! Sender profiles: the repository's `scenarios/internet.toml` replayed from "a fresh EC2
//! instance" (127.1.0.1) and from the same sender "after the fixes" (127.2.0.1), and the
//! determinism of the whole: the same scenario, seed and client behaviour give byte-identical
//! transcripts, events and reports.

use std::time::Duration;

use smtp_sim::SmtpSim;
use smtp_sim::capture::{Event, Transcript};
use smtp_sim::scenario::Scenario;

use super::internet_client::{Attempt, EPOCH, Via, body, classifier_disagreements, send_paused};

const FROM: &str = "app@shop.example";
const RCPTS: [&str; 5] = [
    "user@example.net",
    "friend@gmail.com",
    "nobody@gmail.com",
    "someone@docomo.ne.jp",
    "cannot-receive@ezweb.ne.jp",
];

fn internet_scenario() -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../smtp-sim/scenarios/internet.toml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    Scenario::from_toml(&text, Some(path)).unwrap_or_else(|e| panic!("{e}"))
}

async fn sim(seed: u64) -> SmtpSim {
    SmtpSim::builder()
        .scenario(internet_scenario())
        .seed(seed)
        .epoch(EPOCH)
        .without_idle_timeouts()
        .start()
        .await
        .unwrap()
}

fn rcpt_codes(attempt: &Attempt) -> Vec<u16> {
    RCPTS
        .iter()
        .map(|r| attempt.code(&format!("RCPT {r}")).unwrap_or(0))
        .collect()
}

/// Both senders, the same recipients, a first try and a retry six minutes later.
async fn replay(sim: &SmtpSim) -> [Attempt; 4] {
    let fresh = Via::Source("127.1.0.1".parse().unwrap());
    let fixed = Via::Source("127.2.0.1".parse().unwrap());
    let data = body("Shop <app@shop.example>");
    let a = send_paused(sim, &fresh, FROM, &RCPTS, &data).await;
    let b = send_paused(sim, &fixed, FROM, &RCPTS, &data).await;
    tokio::time::sleep(Duration::from_secs(360)).await;
    let c = send_paused(sim, &fresh, FROM, &RCPTS, &data).await;
    let d = send_paused(sim, &fixed, FROM, &RCPTS, &data).await;
    [a, b, c, d]
}

#[tokio::test(start_paused = true)]
async fn fresh_ec2_and_after_the_fixes_meet_different_fates() {
    let sim = sim(9).await;
    let [fresh1, fixed1, fresh2, fixed2] = replay(&sim).await;
    // The fresh instance is on zen.spamhaus.org: every recipient is refused at RCPT, for ever.
    assert_eq!(rcpt_codes(&fresh1), [554; 5], "{fresh1:?}");
    assert_eq!(fresh1, fresh2);
    let text = &fresh1.at("RCPT user@example.net").unwrap().text;
    assert_eq!(
        text,
        "5.7.1 Service unavailable; Client host [203.0.113.66] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/203.0.113.66"
    );
    // After the fixes: greylisted first, then delivered except to the unknown Gmail user.
    assert_eq!(rcpt_codes(&fixed1), [450; 5], "{fixed1:?}");
    assert_eq!(rcpt_codes(&fixed2), [250, 250, 550, 250, 250], "{fixed2:?}");
    assert!(fixed2.delivered(), "{fixed2:?}");
    let messages = sim.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].client.ip.to_string(), "203.0.113.77");
    assert_eq!(messages[0].envelope.recipients.len(), 4);
    // au bounces afterwards for the mailbox that cannot receive.
    let outbox = sim.outbox();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].recipient, "cannot-receive@ezweb.ne.jp");
    let mut rules: Vec<String> = sim
        .events()
        .into_iter()
        .filter(|e| e.code.is_some_and(|c| c >= 400))
        .filter_map(|e| e.rule)
        .collect();
    rules.dedup();
    assert_eq!(rules, ["dnsbl", "greylist", "dnsbl", "gmail.unknown"]);
    assert_eq!(classifier_disagreements(&sim), Vec::<String>::new());
}

/// What a run leaves behind, to compare runs.
type Run = (Vec<Transcript>, Vec<Event>, Vec<Vec<u8>>, [Attempt; 4]);

async fn run(seed: u64) -> Run {
    let sim = sim(seed).await;
    let attempts = replay(&sim).await;
    let reports = sim
        .outbox()
        .into_iter()
        .map(|e| e.content.unwrap_or_default())
        .collect();
    let out = (sim.transcripts(), sim.events(), reports, attempts);
    sim.shutdown().await;
    out
}

/// Everything the server said, one session after another, as text.
fn server_text(transcripts: &[Transcript]) -> String {
    transcripts
        .iter()
        .flat_map(|t| t.lines.iter())
        .map(|l| format!("{:?} {} {}\r\n", l.direction, l.at.millis(), l.text))
        .collect()
}

#[tokio::test(start_paused = true)]
async fn same_scenario_seed_and_client_give_identical_bytes() {
    let first = run(9).await;
    let second = run(9).await;
    assert_eq!(server_text(&first.0), server_text(&second.0));
    assert_eq!(first.0, second.0, "transcripts");
    assert_eq!(first.1, second.1, "events");
    assert_eq!(first.2, second.2, "reports");
    assert_eq!(first.3, second.3, "what the client read");
    assert!(!first.2.is_empty() && first.1.len() > 20);
    // The seed matters: Gmail's trace id and the report's Message-ID change with it.
    let other = run(10).await;
    assert_ne!(server_text(&first.0), server_text(&other.0));
    assert_ne!(first.2, other.2);
}
