//! `data_unstuff`: 1 MiB of message text through a DATA receiver, ours and smtp-proto 0.2.5's.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smtp_core::transfer::{DataConfig, DataReceiver, DataStatus};

fn data_unstuff(c: &mut Criterion) {
    let wire = benches::data_wire_1mib();
    let mut group = c.benchmark_group("data_unstuff");
    group.throughput(Throughput::Bytes(wire.len() as u64));

    // Both write into a reused buffer with room for the message, so that neither pays for
    // growing it.
    let mut message = Vec::with_capacity(wire.len());
    group.bench_function("smtp-core", |b| {
        b.iter(|| {
            message.clear();
            let mut receiver = DataReceiver::new(DataConfig::default());
            let status = receiver.feed(black_box(&wire), &mut message);
            assert!(matches!(status, DataStatus::Done { outcome: Ok(_), .. }));
            black_box(message.len())
        })
    });

    let mut message = Vec::with_capacity(wire.len());
    group.bench_function("smtp-proto", |b| {
        b.iter(|| {
            message.clear();
            let mut receiver = smtp_proto::request::receiver::DataReceiver::new();
            let mut bytes = black_box(&wire[..]).iter();
            assert!(receiver.ingest(&mut bytes, &mut message));
            black_box(message.len())
        })
    });
    group.finish();
}

criterion_group!(benches, data_unstuff);
criterion_main!(benches);
