//! Reply parsing side by side: smtp-core, smtp-proto 0.2.5 and lettre 0.11.23 on the same bytes.
//!
//! `ehlo_reply`: a 10-line EHLO response (Exchange Online's), parsed into capabilities by each.
//! `error_reply`: Gmail's 4-line `550-5.1.1` user-unknown reply, parsed into code, status and text.
#![allow(missing_docs)] // criterion_group! generates an undocumented public fn.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use smtp_core::ehlo::EhloResponse;
use smtp_core::reply::{ReplyConfig, parse_reply};

const EHLO: &str = "250-BN8NAM12FT011.mail.protection.outlook.com Hello [192.0.2.1]\r\n\
250-SIZE 157286400\r\n\
250-PIPELINING\r\n\
250-DSN\r\n\
250-ENHANCEDSTATUSCODES\r\n\
250-STARTTLS\r\n\
250-8BITMIME\r\n\
250-BINARYMIME\r\n\
250-CHUNKING\r\n\
250 SMTPUTF8\r\n";

const ERROR: &str = "550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n\
550-5.1.1 double-checking the recipient's email address for typos or\r\n\
550-5.1.1 unnecessary spaces. Learn more at\r\n\
550 5.1.1  https://support.google.com/mail/?p=NoSuchUser 41be03b00d2f7-b93bf44ee3esi123456a12.389 - gsmtp\r\n";

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
