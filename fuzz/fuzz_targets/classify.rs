#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| smtp_fuzz::classify::classify_message(data));
