//! Harness for the `dsn` target: RFC 3464 delivery-status fields.

use smtp_core::dsn::DeliveryStatus;

/// Parses `data` as delivery-status fields (the parser is total: it never fails), writes the
/// result in canonical form and checks that parsing the canonical form gives the same value, and
/// that writing is idempotent.
pub fn dsn_roundtrip(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = DeliveryStatus::parse(text);
    let written = parsed.to_string();
    let reparsed = DeliveryStatus::parse(&written);
    assert_eq!(
        reparsed, parsed,
        "canonical form reads back differently:\n{written}"
    );
    assert_eq!(reparsed.to_string(), written, "writing is not idempotent");
}
