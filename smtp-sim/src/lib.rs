//! A fake receiving MX for integration tests.
//!
//! `smtp-sim` will drive `smtp-core`'s server session over tokio and answer as real receivers do:
//! throttling, block lists, PTR checks, provider-specific replies, greylisting, rate limits and
//! bounces sent after acceptance. Its issue comes after the session state machine lands; this crate
//! holds its place in the workspace until then.
