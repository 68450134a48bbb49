//! `session_roundtrip`: messages per second through a client and a server session wired in
//! memory (greeting, EHLO, pipelined MAIL/RCPT/DATA, QUIT).
#![allow(missing_docs)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn session_roundtrip(c: &mut Criterion) {
    let message = benches::message_text(4 * 1024);
    let mut group = c.benchmark_group("session_roundtrip");
    group.throughput(Throughput::Elements(1));
    group.bench_function("1 message per connection, 4 KiB", |b| {
        b.iter(|| assert_eq!(benches::session_roundtrip(&message, 1), 1))
    });
    group.throughput(Throughput::Elements(10));
    group.bench_function("10 messages per connection, 4 KiB", |b| {
        b.iter(|| assert_eq!(benches::session_roundtrip(&message, 10), 10))
    });
    group.finish();
}

criterion_group!(benches, session_roundtrip);
criterion_main!(benches);
