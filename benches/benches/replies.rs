//! Reply parsing side by side: smtp-core, smtp-proto 0.2.5 and lettre 0.11.23 on the same bytes.
//!
//! `ehlo_reply`: a 10-line EHLO response (Exchange Online's), parsed into capabilities by each.
//! `error_reply`: Gmail's 4-line `550-5.1.1` user-unknown reply, parsed into code, status and text.
#![allow(missing_docs)] // criterion_group! generates an undocumented public fn.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smtp_core::ehlo::EhloResponse;
use smtp_core::reply::{ReplyConfig, parse_reply};

const EHLO: &str = benches::EHLO_REPLY;
const ERROR: &str = benches::ERROR_REPLY;

fn ehlo_reply(c: &mut Criterion) {
    let mut group = c.benchmark_group("ehlo_reply");
    group.throughput(Throughput::Bytes(EHLO.len() as u64));
    let config = ReplyConfig::default();
    group.bench_function("smtp-core", |b| {
        b.iter(|| {
            let (ehlo, _) = EhloResponse::parse(black_box(EHLO.as_bytes()), &config).unwrap();
            ehlo
        })
    });
    group.bench_function("smtp-proto", |b| {
        b.iter(|| smtp_proto::EhloResponse::parse(&mut black_box(EHLO.as_bytes()).iter()).unwrap())
    });
    group.bench_function("lettre", |b| {
        b.iter(|| {
            let response: lettre::transport::smtp::response::Response =
                black_box(EHLO).parse().unwrap();
            lettre::transport::smtp::extension::ServerInfo::from_response(&response).unwrap()
        })
    });
    group.finish();
}

fn error_reply(c: &mut Criterion) {
    let mut group = c.benchmark_group("error_reply");
    group.throughput(Throughput::Bytes(ERROR.len() as u64));
    let config = ReplyConfig::default();
    group.bench_function("smtp-core", |b| {
        b.iter(|| {
            let (reply, _) = parse_reply(black_box(ERROR.as_bytes()), &config).unwrap();
            (reply.code(), reply.status(), reply)
        })
    });
    group.bench_function("smtp-proto", |b| {
        b.iter(|| {
            smtp_proto::response::parser::ResponseReceiver::default()
                .parse(&mut black_box(ERROR.as_bytes()).iter())
                .unwrap()
        })
    });
    group.bench_function("lettre", |b| {
        b.iter(|| {
            let response: lettre::transport::smtp::response::Response =
                black_box(ERROR).parse().unwrap();
            response
        })
    });
    group.finish();
}

criterion_group!(benches, ehlo_reply, error_reply);
criterion_main!(benches);
