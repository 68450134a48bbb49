#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| smtp_fuzz::sim_driver::run(data));
