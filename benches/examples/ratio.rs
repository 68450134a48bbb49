//! Peer time / smtp-core time on a loaded machine: runs each side in short interleaved rounds and
//! keeps the fastest round of each, which other jobs on the machine can only slow down.
//!
//! `cargo run --release -p benches --example ratio [commands|lines|replies|data|classify]`
//! (`lines`: each line of the command mix timed alone; `data-core` / `data-proto` run one side
//! of `data` alone); `core` runs only smtp-core's command
//! paths (`mix` only its command mix, `lineN` line N of it) and `proto` only smtp-proto's
//! (`mix-proto` only its command mix), the same work, for a profiler or callgrind; `mix-dist` prints the spread of 400 interleaved
//! command-mix rounds per side (min, quartiles, mean, paired ratios); `classify-only` runs only bounce-classify over the
//! development corpus (ten times) and `parse-only` only mail-parser's parse of it.

use benches::{COMMAND_MIX, pipelined_stream};
use smtp_core::command::{CommandConfig, CommandDecoder, Decoded, parse_command};
use std::hint::black_box;
use std::time::Instant;

fn min_time(rounds: usize, iters: usize, mut f: impl FnMut()) -> f64 {
    let mut best = f64::MAX;
    for _ in 0..rounds {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        best = best.min(t.elapsed().as_secs_f64() / iters as f64);
    }
    best
}

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    let config = CommandConfig::default();
    let mix_core = || {
        for line in COMMAND_MIX {
            match parse_command(black_box(line), &config) {
                Decoded::Complete { value, .. } => {
                    black_box(value);
                }
                other => panic!("{other:?}"),
            }
        }
    };
    let mix_proto = || {
        for line in COMMAND_MIX {
            let r = smtp_proto::Request::parse(&mut black_box(line).iter());
            black_box(r.ok());
        }
    };
    let stream = pipelined_stream(500);
    let pipe_core = || {
        let mut decoder = CommandDecoder::new(CommandConfig::default());
        for read in stream.chunks(4096) {
            let mut input = black_box(read);
            loop {
                let (used, item) = decoder.decode(input);
                input = &input[used..];
                match item {
                    Some(Ok(p)) => {
                        black_box(p);
                    }
                    Some(Err(e)) => panic!("{e}"),
                    None => break,
                }
            }
        }
    };
    let pipe_proto = || {
        let mut receiver = smtp_proto::request::receiver::RequestReceiver::default();
        for read in stream.chunks(4096) {
            let mut iter = black_box(read).iter();
            loop {
                match receiver.ingest(&mut iter) {
                    Ok(r) => {
                        black_box(r);
                    }
                    Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                    Err(e) => panic!("{e:?}"),
                }
            }
        }
    };
    if which == "core" {
        for _ in 0..300 {
            pipe_core();
        }
        for _ in 0..100000 {
            mix_core();
        }
        return;
    }
    if which == "mix" {
        for _ in 0..100000 {
            mix_core();
        }
        return;
    }
    if which == "mix-proto" {
        for _ in 0..100000 {
            mix_proto();
        }
        return;
    }
    if which == "proto" {
        for _ in 0..300 {
            pipe_proto();
        }
        for _ in 0..100000 {
            mix_proto();
        }
        return;
    }
    if let Some(n) = which
        .strip_prefix("line")
        .and_then(|n| n.parse::<usize>().ok())
    {
        // `lineN [count]`: line N of the mix, `count` (default a million) times, for a profiler.
        let line = COMMAND_MIX[n];
        let count = std::env::args()
            .nth(2)
            .and_then(|c| c.parse().ok())
            .unwrap_or(1_000_000);
        for _ in 0..count {
            black_box(parse_command(black_box(line), &config));
        }
        return;
    }
    if which == "lines" {
        // Each line of the mix on its own: where the two parsers differ.
        for line in COMMAND_MIX {
            let (mut a, mut b) = (f64::MAX, f64::MAX);
            for _ in 0..20 {
                a = a.min(min_time(10, 5000, || {
                    black_box(parse_command(black_box(line), &config));
                }));
                b = b.min(min_time(10, 5000, || {
                    black_box(smtp_proto::Request::parse(&mut black_box(*line).iter()).ok());
                }));
            }
            let text = String::from_utf8_lossy(line);
            println!(
                "{:6.1} ns {:6.1} ns ratio {:.2}  {}",
                a * 1e9,
                b * 1e9,
                b / a,
                text.trim_end()
            );
        }
        return;
    }
    if which == "classify" || which == "classify-only" || which == "parse-only" {
        let corpus = benches::bounce_corpus().expect("../shared/corpus/sisimai/dev is missing");
        let ours = || {
            let n = corpus
                .iter()
                .filter(|m| bounce_classify::classify(black_box(m)).report().is_some())
                .count();
            black_box(n);
        };
        if which == "classify-only" {
            for _ in 0..10 {
                ours();
            }
            return;
        }
        let parser = mail_parser::MessageParser::default();
        let theirs = || {
            let n = corpus
                .iter()
                .filter(|m| parser.parse(black_box(m.as_slice())).is_some())
                .count();
            black_box(n);
        };
        if which == "parse-only" {
            for _ in 0..10 {
                theirs();
            }
            return;
        }
        let (mut a, mut b) = (f64::MAX, f64::MAX);
        for _ in 0..15 {
            a = a.min(min_time(3, 5, ours));
            b = b.min(min_time(3, 5, theirs));
        }
        println!(
            "classify corpus: bounce-classify {:.2} ms mail-parser {:.2} ms ratio {:.2}",
            a * 1e3,
            b * 1e3,
            a / b
        );
        return;
    }
    if which.starts_with("data") {
        use smtp_core::transfer::{DataConfig, DataReceiver, DataStatus};
        let wire = benches::data_wire_1mib();
        if which == "data-core" || which == "data-proto" {
            // One side alone, 200 times, for a profiler or callgrind.
            let mut m = Vec::with_capacity(wire.len());
            for _ in 0..200 {
                m.clear();
                if which == "data-core" {
                    let mut r = DataReceiver::new(DataConfig::default());
                    let st = r.feed(black_box(&wire), &mut m);
                    assert!(matches!(st, DataStatus::Done { outcome: Ok(_), .. }));
                } else {
                    let mut r = smtp_proto::request::receiver::DataReceiver::new();
                    assert!(r.ingest(&mut black_box(&wire[..]).iter(), &mut m));
                }
                black_box(m.len());
            }
            return;
        }
        let mut m1 = Vec::with_capacity(wire.len());
        let mut m2 = Vec::with_capacity(wire.len());
        let (mut a, mut b) = (f64::MAX, f64::MAX);
        for _ in 0..30 {
            a = a.min(min_time(5, 20, || {
                m1.clear();
                let mut r = DataReceiver::new(DataConfig::default());
                let st = r.feed(black_box(&wire), &mut m1);
                assert!(matches!(st, DataStatus::Done { outcome: Ok(_), .. }));
                black_box(m1.len());
            }));
            b = b.min(min_time(5, 20, || {
                m2.clear();
                let mut r = smtp_proto::request::receiver::DataReceiver::new();
                let mut bytes = black_box(&wire[..]).iter();
                assert!(r.ingest(&mut bytes, &mut m2));
                black_box(m2.len());
            }));
        }
        assert_eq!(m1, m2);
        println!(
            "data  core {:.1} us proto {:.1} us ratio {:.2}",
            a * 1e6,
            b * 1e6,
            b / a
        );
        return;
    }
    if which == "mix-dist" || which == "mix-dist-raw" {
        // The command mix in 400 interleaved rounds of 2,000 iterations per side: the spread of
        // the round times (min, quartiles, mean) and the median of the paired ratios, each
        // proto round over the core round just before it (same machine state).
        // On-CPU time of this thread (ns), from the scheduler: a round's wall time minus this
        // is time spent waiting while another process ran.
        let on_cpu = || {
            std::fs::read_to_string("/proc/thread-self/schedstat")
                .ok()
                .and_then(|s| s.split(' ').next()?.parse::<f64>().ok())
                .unwrap_or(f64::NAN)
        };
        let round = |f: &dyn Fn()| {
            let c = on_cpu();
            let t = Instant::now();
            for _ in 0..2000 {
                f();
            }
            let wall = t.elapsed().as_secs_f64() / 2000.0 * 1e6;
            if which == "mix-dist-raw" {
                print!("{wall:.3} {:.3} ", (on_cpu() - c) / 2000.0 / 1e3);
            }
            wall
        };
        let (mut a, mut b, mut r) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..400 {
            let x = round(&mix_core);
            let y = round(&mix_proto);
            a.push(x);
            b.push(y);
            r.push(y / x);
            if which == "mix-dist-raw" {
                println!();
            }
        }
        let stats = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            let n = v.len();
            let mean = v.iter().sum::<f64>() / n as f64;
            (v[0], v[n / 4], v[n / 2], v[3 * n / 4], mean)
        };
        for (name, v) in [("core ", &mut a), ("proto", &mut b)] {
            let (min, q1, med, q3, mean) = stats(v);
            println!(
                "{name} us: min {min:.3} q1 {q1:.3} median {med:.3} q3 {q3:.3} mean {mean:.3}"
            );
        }
        let (min, q1, med, q3, _) = stats(&mut r);
        println!("paired ratio: min {min:.2} q1 {q1:.2} median {med:.2} q3 {q3:.2}");
        return;
    }
    if which == "replies" || which.starts_with("ehlo-") || which.starts_with("error-") {
        replies(&which);
        return;
    }
    let (mut a, mut b, mut c, mut d) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..20 {
        a = a.min(min_time(10, 2000, mix_core));
        b = b.min(min_time(10, 2000, mix_proto));
        c = c.min(min_time(3, 20, pipe_core));
        d = d.min(min_time(3, 20, pipe_proto));
    }
    println!(
        "command_mix core {:.3} us proto {:.3} us ratio {:.2}",
        a * 1e6,
        b * 1e6,
        b / a
    );
    println!(
        "pipelined   core {:.1} us proto {:.1} us ratio {:.2}",
        c * 1e6,
        d * 1e6,
        d / c
    );
}

/// The reply groups: interleaved timing of both sides (`replies`), or one side alone run
/// `argv[2]` times (default 10000) for a profiler: `ehlo-core`, `ehlo-proto`, `error-core`,
/// `error-proto`. Every side keeps its parsed value alive in `black_box` and drops it in the loop.
fn replies(which: &str) {
    let ehlo = benches::EHLO_REPLY.as_bytes();
    let error = benches::ERROR_REPLY.as_bytes();
    let rc = smtp_core::reply::ReplyConfig::default();
    let ehlo_core = || {
        black_box(smtp_core::ehlo::EhloResponse::parse(black_box(ehlo), &rc).unwrap());
    };
    let ehlo_proto = || {
        black_box(smtp_proto::EhloResponse::parse(&mut black_box(ehlo).iter()).unwrap());
    };
    let error_core = || {
        let (r, _) = smtp_core::reply::parse_reply(black_box(error), &rc).unwrap();
        black_box((r.code(), r.status(), r));
    };
    let error_proto = || {
        black_box(
            smtp_proto::response::parser::ResponseReceiver::default()
                .parse(&mut black_box(error).iter())
                .unwrap(),
        );
    };
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|n| n.parse().ok())
        .unwrap_or(10000);
    let alone: Option<&dyn Fn()> = match which {
        "ehlo-core" => Some(&ehlo_core),
        "ehlo-proto" => Some(&ehlo_proto),
        "error-core" => Some(&error_core),
        "error-proto" => Some(&error_proto),
        _ => None,
    };
    if let Some(f) = alone {
        for _ in 0..n {
            f();
        }
        return;
    }
    let (mut a, mut b, mut c, mut d) = (f64::MAX, f64::MAX, f64::MAX, f64::MAX);
    for _ in 0..20 {
        a = a.min(min_time(10, 2000, ehlo_core));
        b = b.min(min_time(10, 2000, ehlo_proto));
        c = c.min(min_time(10, 2000, error_core));
        d = d.min(min_time(10, 2000, error_proto));
    }
    println!(
        "ehlo  core {:.1} ns proto {:.1} ns ratio {:.2}",
        a * 1e9,
        b * 1e9,
        b / a
    );
    println!(
        "error core {:.1} ns proto {:.1} ns ratio {:.2}",
        c * 1e9,
        d * 1e9,
        d / c
    );
}
