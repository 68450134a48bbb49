//! Command parsing, side by side with smtp-proto 0.2.5: `command_mix` (one-shot parse of each
//! line of a realistic mix) and `pipelined` (a long pipelined stream fed in 4 KiB reads through
//! each crate's streaming API).
#![allow(missing_docs)] // criterion_group! generates an undocumented public fn.

use std::hint::black_box;

use benches::{COMMAND_MIX, pipelined_stream};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smtp_core::command::{CommandConfig, CommandDecoder, Decoded, parse_command};

const READ: usize = 4096;

fn command_mix(c: &mut Criterion) {
    let bytes: usize = COMMAND_MIX.iter().map(|l| l.len()).sum();
    let mut group = c.benchmark_group("command_mix");
    group.throughput(Throughput::Bytes(bytes as u64));
    let config = CommandConfig::default();
    group.bench_function("smtp-core", |b| {
        b.iter(|| {
            for line in COMMAND_MIX {
                match parse_command(black_box(line), &config) {
                    Decoded::Complete { value, .. } => {
                        black_box(value);
                    }
                    other => panic!("{other:?}"),
                }
            }
        })
    });
    group.bench_function("smtp-proto", |b| {
        b.iter(|| {
            for line in COMMAND_MIX {
                let r = smtp_proto::Request::parse(&mut black_box(line).iter());
                assert!(r.is_ok(), "{r:?}");
                black_box(r.ok());
            }
        })
    });
    group.finish();
}

fn pipelined(c: &mut Criterion) {
    let stream = pipelined_stream(500);
    let mut group = c.benchmark_group("pipelined");
    group.throughput(Throughput::Bytes(stream.len() as u64));
    group.bench_function("smtp-core", |b| {
        b.iter(|| {
            let mut decoder = CommandDecoder::new(CommandConfig::default());
            let mut n = 0;
            for read in stream.chunks(READ) {
                let mut input = black_box(read);
                loop {
                    let (used, item) = decoder.decode(input);
                    input = &input[used..];
                    match item {
                        Some(Ok(parsed)) => {
                            black_box(parsed);
                            n += 1;
                        }
                        Some(Err(e)) => panic!("{e}"),
                        None => break,
                    }
                }
            }
            assert_eq!(n, 2 + 5 * 500);
        })
    });
    group.bench_function("smtp-proto", |b| {
        b.iter(|| {
            let mut receiver = smtp_proto::request::receiver::RequestReceiver::default();
            let mut n = 0;
            for read in stream.chunks(READ) {
                let mut iter = black_box(read).iter();
                loop {
                    match receiver.ingest(&mut iter) {
                        Ok(request) => {
                            black_box(request);
                            n += 1;
                        }
                        Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                        Err(e) => panic!("{e:?}"),
                    }
                }
            }
            assert_eq!(n, 2 + 5 * 500);
        })
    });
    group.finish();
}

criterion_group!(benches, command_mix, pipelined);
criterion_main!(benches);
