//! `classify`: the whole development corpus through bounce-classify, against mail-parser's parse
//! alone of the same messages (the floor any MIME-aware classifier pays; target: at most 2× its
//! time); and `large_bounce`: one 20 MB bounce (target: under 100 ms).
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn classify(c: &mut Criterion) {
    let Some(corpus) = benches::bounce_corpus() else {
        eprintln!(
            "classify: ../shared/corpus/sisimai/dev is missing beside the repository; skipped"
        );
        return;
    };
    let mut group = c.benchmark_group("classify");
    group.throughput(Throughput::Elements(corpus.len() as u64));
    group.bench_function("bounce-classify", |b| {
        b.iter(|| {
            corpus
                .iter()
                .filter(|m| bounce_classify::classify(black_box(m)).report().is_some())
                .count()
        })
    });
    group.bench_function("mail-parser", |b| {
        let parser = mail_parser::MessageParser::default();
        b.iter(|| {
            corpus
                .iter()
                .filter(|m| parser.parse(black_box(m.as_slice())).is_some())
                .count()
        })
    });
    group.finish();

    let big = benches::large_bounce(20 * 1024 * 1024);
    let mut group = c.benchmark_group("large_bounce");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(big.len() as u64));
    group.bench_function("bounce-classify", |b| {
        b.iter(|| {
            bounce_classify::classify(black_box(&big))
                .report()
                .is_some()
        })
    });
    group.finish();
}

criterion_group!(benches, classify);
criterion_main!(benches);
