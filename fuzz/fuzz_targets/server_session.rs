#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|script: smtp_fuzz::server_session::Script<'_>| {
    smtp_fuzz::server_session::run(&script);
});
