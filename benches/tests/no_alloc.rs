//! The command-mix path allocates nothing (counted with a counting global allocator).

use benches::COMMAND_MIX;
use smtp_core::command::{CommandConfig, Decoded, parse_command};

#[test]
fn command_mix_does_not_allocate() {
    let config = CommandConfig::default();
    let info = allocation_counter::measure(|| {
        for line in COMMAND_MIX {
            let Decoded::Complete { value, .. } = parse_command(line, &config) else {
                panic!("{}", String::from_utf8_lossy(line));
            };
            std::hint::black_box(value);
        }
    });
    assert_eq!(info.count_total, 0, "allocations on the command-mix path");
    // Unknown and rare parameters are kept as text of the line: no allocation either.
    let info = allocation_counter::measure(|| {
        std::hint::black_box(parse_command(
            b"MAIL FROM:<a@b> X-P=1 HOLDFOR=10 AUTH=<> BY=5;R\r\n",
            &config,
        ));
    });
    assert_eq!(info.count_total, 0, "allocations for unknown parameters");
    // The counter works: detaching a parsed command from its input allocates.
    let info = allocation_counter::measure(|| {
        if let Decoded::Complete { value, .. } =
            parse_command(b"MAIL FROM:<a@b> X-P=1\r\n", &config)
        {
            std::hint::black_box(value.command.into_owned());
        }
    });
    assert!(info.count_total > 0);
}
