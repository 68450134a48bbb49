#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smtp_fuzz::dsn::dsn_roundtrip(data));
