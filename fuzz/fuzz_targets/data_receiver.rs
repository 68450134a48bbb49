#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: smtp_fuzz::data_receiver::Input<'_>| {
    smtp_fuzz::data_receiver::run(&input);
});
