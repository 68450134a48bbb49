//! Harness for the `classify` target: bounce-classify's message entry point on arbitrary bytes.

use bounce_classify::{Outcome, Reason, classify};

/// Classifies `data` twice and checks the invariants every outcome must keep: the same input
/// gives the same outcome; a report is never empty and names every recipient (but a complaint's,
/// which feedback loops often redact); the hard-bounce
/// flag agrees with the reason (and, for notaccept, the permanence) it was given; the outcome
/// serialises.
pub fn classify_message(data: &[u8]) {
    let first = classify(data);
    assert_eq!(first, classify(data), "same input, different outcome");
    if let Outcome::Bounce(report) = &first {
        assert!(
            !report.recipients.is_empty(),
            "a bounce report without recipients"
        );
        for r in &report.recipients {
            // A complaint is worth reporting even when its recipient was redacted or lost.
            assert!(
                !r.recipient.trim().is_empty() || r.reason == Reason::Feedback,
                "a recipient without an address: {r:?}"
            );
            assert_eq!(
                r.hard_bounce,
                r.reason.is_hard_bounce(r.permanent),
                "hard-bounce flag disagrees with the reason: {r:?}"
            );
        }
    }
    serde_json::to_string(&first).expect("outcome serialises");
}
