//! Allocations per message through the wired client and server sessions (the figure in
//! docs/performance.md, "Sessions").

#[test]
fn allocations_per_message_are_bounded() {
    let message = benches::message_text(4 * 1024);
    let one =
        allocation_counter::measure(|| assert_eq!(benches::session_roundtrip(&message, 1), 1));
    let ten =
        allocation_counter::measure(|| assert_eq!(benches::session_roundtrip(&message, 10), 10));
    let per_message = (ten.count_total - one.count_total) / 9;
    println!(
        "session_roundtrip allocations: {} for a 1-message connection, {} per further message",
        one.count_total, per_message
    );
    // A regression guard, well above the measured figure.
    assert!(per_message < 120, "{per_message} allocations per message");
    assert!(one.count_total > 0, "the counter counts");
}
