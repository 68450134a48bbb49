//! Bounce classification.
//!
//! Reads RFC 3464 delivery status notifications, the non-standard bounces of real MTAs, ARF
//! complaints and single SMTP replies, and tells per recipient the reason, whether the address is
//! bad, and what the sender should do.
