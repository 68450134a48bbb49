//! Known answers, and properties: a bucket never admits more than its burst plus its refill,
//! and one identity's events never change another's answers.

use std::net::IpAddr;

use proptest::prelude::*;

use super::*;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

#[test]
fn every_kind_of_limit() {
    let mut l = RateLimits::new(vec![
        Limit::new("conc", Scope::ClientIp, Counted::Concurrent, 2, 0),
        Limit::new("msgs", Scope::SenderDomain, Counted::Messages, 3, 3_600_000),
        Limit::new(
            "rcpts",
            Scope::RecipientDomain,
            Counted::Recipients,
            2,
            60_000,
        ),
    ]);
    let a = ip("192.0.2.1");
    assert!(l.connect(a, Timestamp(0)).is_ok());
    assert!(l.connect(a, Timestamp(0)).is_ok());
    let err = l.connect(a, Timestamp(0)).unwrap_err();
    assert_eq!(
        (err.limit.as_str(), err.key.as_str()),
        ("conc", "192.0.2.1")
    );
    assert!(
        l.connect(ip("192.0.2.2"), Timestamp(0)).is_ok(),
        "another client is not counted"
    );
    l.disconnect(a);
    assert_eq!(l.open_connections(a), 1);
    assert!(l.connect(a, Timestamp(0)).is_ok());
    // Three messages per hour per sender domain, whoever sends them; the null sender is free.
    for (n, sender) in ["a@x.example", "b@X.EXAMPLE", "c@x.example"]
        .iter()
        .enumerate()
    {
        assert!(
            l.message(ip(&format!("10.0.0.{n}")), sender, Timestamp(0))
                .is_ok()
        );
    }
    assert_eq!(
        l.message(a, "d@x.example", Timestamp(0)).unwrap_err().key,
        "x.example"
    );
    assert!(l.message(a, "", Timestamp(0)).is_ok());
    assert!(
        l.message(a, "d@x.example", Timestamp(1_200_000)).is_ok(),
        "20 min: one back"
    );
    // Recipients per recipient domain.
    assert!(
        l.recipient(a, "s@x.example", "1@gmail.com", Timestamp(0))
            .is_ok()
    );
    assert!(
        l.recipient(a, "s@x.example", "2@gmail.com", Timestamp(0))
            .is_ok()
    );
    assert!(
        l.recipient(a, "s@x.example", "3@gmail.com", Timestamp(0))
            .is_err()
    );
    assert!(
        l.recipient(a, "s@x.example", "3@yahoo.com", Timestamp(0))
            .is_ok()
    );
    assert_eq!(l.tokens("rcpts", "gmail.com", Timestamp(30_000)), Some(1));
}

#[test]
fn a_refusal_takes_no_token_from_other_limits() {
    let mut l = RateLimits::new(vec![
        Limit::new("ip", Scope::ClientIp, Counted::Recipients, 10, 60_000),
        Limit::new(
            "dom",
            Scope::RecipientDomain,
            Counted::Recipients,
            1,
            60_000,
        ),
    ]);
    let a = ip("192.0.2.1");
    assert!(l.recipient(a, "s@x", "1@d.example", Timestamp(0)).is_ok());
    for _ in 0..5 {
        assert_eq!(
            l.recipient(a, "s@x", "2@d.example", Timestamp(0))
                .unwrap_err()
                .limit,
            "dom"
        );
    }
    assert_eq!(l.tokens("ip", "192.0.2.1", Timestamp(0)), Some(9));
}

#[test]
fn frequent_calls_lose_no_refill() {
    // 2 per minute, asked every millisecond: 2 at once, then one every 30 s.
    let mut l = RateLimits::new(vec![Limit::new(
        "c",
        Scope::ClientIp,
        Counted::Connections,
        2,
        60_000,
    )]);
    let a = ip("192.0.2.1");
    let admitted: Vec<u64> = (0..=120_000)
        .filter(|t| l.connect(a, Timestamp(*t)).is_ok())
        .collect();
    assert_eq!(admitted, [0, 1, 30_000, 60_000, 90_000, 120_000]);
}

#[test]
fn refilled_buckets_are_forgotten_but_limits_hold() {
    // A client per second, each sending once: the map keeps only the buckets not yet full
    // again (a minute's worth), and a client still limited stays limited through a sweep.
    let mut l = RateLimits::new(vec![Limit::new(
        "m",
        Scope::ClientIp,
        Counted::Messages,
        1,
        60_000,
    )]);
    let limited = ip("198.51.100.1");
    assert!(l.message(limited, "a@x.example", Timestamp(0)).is_ok());
    for n in 0..20_000u32 {
        let client = IpAddr::from(std::net::Ipv4Addr::from(0x0a00_0000u32 + n));
        assert!(
            l.message(client, "a@x.example", Timestamp(u64::from(n) * 1000))
                .is_ok()
        );
        if n < 59 {
            let err = l.message(limited, "a@x.example", Timestamp(u64::from(n) * 1000));
            assert!(err.is_err(), "refused until its minute is over (n = {n})");
        }
    }
    assert!(
        l.buckets.len() <= 2 * SWEEP_MIN,
        "{} buckets kept",
        l.buckets.len()
    );
    assert_eq!(l.tokens("m", "10.0.78.31", Timestamp(19_999_000)), Some(0));
}

proptest! {
    /// Over any run, a bucket admits at most `max` plus what refilled: max * elapsed / per.
    #[test]
    fn never_more_than_burst_plus_refill(
        max in 1u32..20,
        per_ms in 1u64..100_000,
        gaps in proptest::collection::vec(0u64..5_000, 1..200),
    ) {
        let mut l = RateLimits::new(vec![Limit::new("c", Scope::ClientIp, Counted::Connections, max, per_ms)]);
        let a = ip("192.0.2.1");
        let mut now = 0;
        let mut admitted = 0u64;
        for gap in gaps {
            now += gap;
            if l.connect(a, Timestamp(now)).is_ok() {
                admitted += 1;
            }
            let bound = u64::from(max) + u64::from(max) * now / per_ms;
            prop_assert!(admitted <= bound, "{admitted} admitted by {now} ms, bound {bound}");
            let tokens = l.tokens("c", "192.0.2.1", Timestamp(now)).unwrap();
            prop_assert!(tokens <= u64::from(max));
        }
    }

    /// Interleaving another client's events changes nothing for the first.
    #[test]
    fn identities_do_not_leak(
        events in proptest::collection::vec((any::<bool>(), 0u8..3, 0u64..3_000), 1..150),
    ) {
        let limits = vec![
            Limit::new("conn", Scope::ClientIp, Counted::Connections, 3, 10_000),
            Limit::new("conc", Scope::ClientIp, Counted::Concurrent, 2, 0),
            Limit::new("msg", Scope::SenderDomain, Counted::Messages, 2, 10_000),
            Limit::new("rcpt", Scope::RecipientDomain, Counted::Recipients, 4, 10_000),
        ];
        let (a, b) = (ip("192.0.2.1"), ip("198.51.100.1"));
        let run = |with_b: bool| {
            let mut l = RateLimits::new(limits.clone());
            let mut answers = Vec::new();
            let mut now = 0;
            for (is_b, op, gap) in &events {
                now += gap;
                let (who, sender, rcpt) = if *is_b {
                    if !with_b { continue; }
                    (b, "s@b.example", "r@rb.example")
                } else {
                    (a, "s@a.example", "r@ra.example")
                };
                let r = match op {
                    0 => l.connect(who, Timestamp(now)),
                    1 => l.message(who, sender, Timestamp(now)),
                    _ => { l.disconnect(who); l.recipient(who, sender, rcpt, Timestamp(now)) }
                };
                if !*is_b { answers.push(r.is_ok()); }
            }
            answers
        };
        prop_assert_eq!(run(false), run(true));
    }
}
