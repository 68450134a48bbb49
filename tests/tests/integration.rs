//! Cross-crate integration tests: one test binary, one module per subject.

mod integration {
    mod core_client;
    mod internet_auth;
    mod internet_checks;
    mod internet_client;
    mod internet_limits;
    mod internet_personas;
    mod internet_profiles;
    mod internet_throttle;
    mod lettre_client;
    mod listener;
    mod report_delivery;
    mod scenario_replies;
    mod soak;
}
