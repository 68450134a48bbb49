//! Cross-crate integration tests: one test binary, one module per subject.

mod integration {
    mod core_client;
    mod lettre_client;
    mod listener;
}
