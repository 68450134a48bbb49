//! SPF against the example zone of RFC 7208 Appendix A, the macro examples of §7.4, the
//! processing limits of §4.6.4, and DMARC policy lookup and alignment.

use std::net::IpAddr;

use super::spf_macro::{MacroContext, expand};
use super::*;
use crate::scenario::IpPattern;

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

/// RFC 7208 Appendix A: the example.com and example.org zones.
fn appendix_a() -> World {
    let mut w = World::default();
    w.add_mx("example.com", 10, "mx.example.com")
        .add_mx("example.com", 20, "mx2.example.com")
        .add_addr("mx.example.com", ip("192.0.2.129"))
        .add_addr("mx2.example.com", ip("192.0.2.130"))
        .add_addr("amy.example.com", ip("192.0.2.65"))
        .add_addr("bob.example.com", ip("192.0.2.66"))
        .add_addr("mail-a.example.com", ip("192.0.2.129"))
        .add_addr("mail-b.example.com", ip("192.0.2.130"))
        .add_addr("mail-c.example.org", ip("192.0.2.140"))
        .add_addr("example.com", ip("192.0.2.10"))
        .add_addr("example.com", ip("192.0.2.11"))
        .add_mx("example.org", 10, "mail-c.example.org")
        .add_ptr(ip("192.0.2.10"), "example.com")
        .add_ptr(ip("192.0.2.11"), "example.com")
        .add_ptr(ip("192.0.2.65"), "amy.example.com")
        .add_ptr(ip("192.0.2.66"), "bob.example.com")
        .add_ptr(ip("192.0.2.129"), "mail-a.example.com")
        .add_ptr(ip("192.0.2.130"), "mail-b.example.com")
        .add_ptr(ip("192.0.2.140"), "mail-c.example.org")
        .add_ptr(ip("10.0.0.4"), "bob.example.com");
    w
}

fn spf_with(record: &str, client: &str) -> SpfResult {
    let mut w = appendix_a();
    w.add_txt("example.com", record);
    check_host(
        &w,
        ip(client),
        "example.com",
        "user@example.com",
        "helo.example.com",
    )
}

#[test]
fn appendix_a_examples() {
    use SpfResult::*;
    let cases = [
        ("v=spf1 +all", "198.51.100.1", Pass),
        ("v=spf1 a -all", "192.0.2.10", Pass),
        ("v=spf1 a -all", "192.0.2.11", Pass),
        ("v=spf1 a -all", "192.0.2.12", Fail),
        ("v=spf1 a:example.org -all", "192.0.2.10", Fail),
        ("v=spf1 mx -all", "192.0.2.129", Pass),
        ("v=spf1 mx -all", "192.0.2.130", Pass),
        ("v=spf1 mx -all", "192.0.2.140", Fail),
        ("v=spf1 mx:example.org -all", "192.0.2.140", Pass),
        ("v=spf1 mx mx:example.org -all", "192.0.2.140", Pass),
        ("v=spf1 mx/30 mx:example.org/30 -all", "192.0.2.131", Pass),
        ("v=spf1 mx/30 mx:example.org/30 -all", "192.0.2.143", Pass),
        ("v=spf1 mx/30 mx:example.org/30 -all", "192.0.2.144", Fail),
        ("v=spf1 ptr -all", "192.0.2.65", Pass),
        ("v=spf1 ptr -all", "192.0.2.140", Fail),
        // 10.0.0.4's PTR name does not resolve back to it: not validated.
        ("v=spf1 ptr -all", "10.0.0.4", Fail),
        ("v=spf1 ip4:192.0.2.128/28 -all", "192.0.2.65", Fail),
        ("v=spf1 ip4:192.0.2.128/28 -all", "192.0.2.129", Pass),
        ("v=spf1 ~all", "192.0.2.1", Softfail),
        ("v=spf1 ?all", "192.0.2.1", Neutral),
        ("v=spf1 ip4:192.0.2.1", "192.0.2.2", Neutral),
        ("v=spf1 ip6:2001:db8::/32 -all", "2001:db8::1", Pass),
        ("v=spf1 ip6:2001:db8::/32 -all", "192.0.2.1", Fail),
        ("v=spf1 ip4:192.0.2.0/24 -all", "2001:db8::1", Fail),
        ("V=SPF1 IP4:192.0.2.1 -ALL", "192.0.2.1", Pass),
        ("v=spf1 a//64 -all", "192.0.2.10", Pass),
        ("v=spf1 a/24//64 -all", "192.0.2.200", Pass),
        ("v=spf1 unknown-mod=x ip4:192.0.2.1 -all", "192.0.2.1", Pass),
        // Syntax errors anywhere in the record: permerror, even after a matching term.
        ("v=spf1 ip4:192.0.2.1 foo -all", "192.0.2.1", Permerror),
        ("v=spf1 ip4:192.0.2.1/33 -all", "192.0.2.1", Permerror),
        ("v=spf1 ip4:2001:db8::1 -all", "192.0.2.1", Permerror),
        ("v=spf1 a: -all", "192.0.2.1", Permerror),
        ("v=spf1 include -all", "192.0.2.1", Permerror),
        ("v=spf1 all/24", "192.0.2.1", Permerror),
        ("v=spf1 ptr/24 -all", "192.0.2.1", Permerror),
        ("v=spf1 a/ -all", "192.0.2.1", Permerror),
        (
            "v=spf1 redirect=a.example redirect=b.example",
            "192.0.2.1",
            Permerror,
        ),
        ("v=spf1 exists:%{ -all", "192.0.2.1", Permerror),
        // A record that only looks like SPF is not one.
        ("v=spf10 -all", "192.0.2.1", None),
    ];
    for (record, client, expected) in cases {
        assert_eq!(spf_with(record, client), expected, "{record} for {client}");
    }
}

#[test]
fn record_selection_and_errors() {
    let mut w = World::default();
    w.add_txt("two.example", "v=spf1 -all")
        .add_txt("two.example", "v=spf1 +all");
    w.add_txt("other.example", "google-site-verification=x");
    w.add_tempfail("down.example");
    let client = ip("192.0.2.1");
    let cases = [
        ("two.example", SpfResult::Permerror),
        ("other.example", SpfResult::None),
        ("missing.example", SpfResult::None),
        ("down.example", SpfResult::Temperror),
        ("nodot", SpfResult::None),
    ];
    for (domain, expected) in cases {
        assert_eq!(
            check_host(&w, client, domain, "a@b", "h"),
            expected,
            "{domain}"
        );
    }
}

#[test]
fn include_and_redirect() {
    let mut w = World::default();
    w.add_txt("example.com", "v=spf1 include:_spf.provider.example -all")
        .add_txt("_spf.provider.example", "v=spf1 ip4:198.51.100.0/24 ~all")
        .add_txt("redir.example", "v=spf1 redirect=example.com")
        .add_txt("redir-all.example", "v=spf1 ?all redirect=example.com")
        .add_txt("redir-none.example", "v=spf1 redirect=nothing.example")
        .add_txt("inc-none.example", "v=spf1 include:nothing.example -all")
        .add_txt("inc-temp.example", "v=spf1 include:down.example -all")
        .add_tempfail("down.example")
        .add_txt("inc-fail.example", "v=spf1 include:example.com ?all");
    let cases = [
        ("example.com", "198.51.100.7", SpfResult::Pass),
        // The included record's ~all does not match the include: the outer -all decides.
        ("example.com", "203.0.113.1", SpfResult::Fail),
        ("redir.example", "198.51.100.7", SpfResult::Pass),
        ("redir.example", "203.0.113.1", SpfResult::Fail),
        ("redir-all.example", "203.0.113.1", SpfResult::Neutral),
        ("redir-none.example", "203.0.113.1", SpfResult::Permerror),
        ("inc-none.example", "203.0.113.1", SpfResult::Permerror),
        ("inc-temp.example", "203.0.113.1", SpfResult::Temperror),
        ("inc-fail.example", "203.0.113.1", SpfResult::Neutral),
    ];
    for (domain, client, expected) in cases {
        assert_eq!(
            check_host(&w, ip(client), domain, "a@x.example", "h"),
            expected,
            "{domain} for {client}"
        );
    }
}

#[test]
fn dns_term_limit_is_ten() {
    // A chain of includes: n.example includes n+1.example; the last passes.
    let chain = |len: usize| {
        let mut w = World::default();
        for i in 0..len {
            w.add_txt(
                &format!("d{i}.example"),
                &format!("v=spf1 include:d{}.example -all", i + 1),
            );
        }
        w.add_txt(&format!("d{len}.example"), "v=spf1 +all");
        w
    };
    let client = ip("192.0.2.1");
    assert_eq!(
        check_host(&chain(10), client, "d0.example", "a@b", "h"),
        SpfResult::Pass
    );
    assert_eq!(
        check_host(&chain(11), client, "d0.example", "a@b", "h"),
        SpfResult::Permerror
    );
    // Terms that query no DNS do not count.
    let mut w = World::default();
    let many: String = (1..=20).map(|i| format!(" ip4:10.0.0.{i}")).collect();
    w.add_txt("flat.example", &format!("v=spf1{many} -all"));
    assert_eq!(
        check_host(&w, ip("10.0.0.20"), "flat.example", "a@b", "h"),
        SpfResult::Pass
    );
    // MX with more than ten hosts: permerror.
    let mut w = World::default();
    for i in 0..11 {
        w.add_mx("mx.example", i, &format!("mx{i}.example"));
        w.add_addr(&format!("mx{i}.example"), ip(&format!("10.1.0.{i}")));
    }
    w.add_txt("mx.example", "v=spf1 mx -all");
    assert_eq!(
        check_host(&w, ip("10.1.0.1"), "mx.example", "a@b", "h"),
        SpfResult::Permerror
    );
}

#[test]
fn void_lookup_limit_is_two() {
    let mut w = World::default();
    w.add_txt(
        "two.example",
        "v=spf1 a:n1.example a:n2.example ip4:192.0.2.1 -all",
    )
    .add_txt(
        "three.example",
        "v=spf1 a:n1.example a:n2.example a:n3.example ip4:192.0.2.1 -all",
    )
    .add_txt(
        "nodata.example",
        "v=spf1 mx:txt-only.example a:txt-only.example exists:txt-only.example ip4:192.0.2.1 -all",
    )
    .add_txt("txt-only.example", "hello");
    let client = ip("192.0.2.1");
    assert_eq!(
        check_host(&w, client, "two.example", "a@b", "h"),
        SpfResult::Pass
    );
    assert_eq!(
        check_host(&w, client, "three.example", "a@b", "h"),
        SpfResult::Permerror
    );
    // NODATA answers count as void too.
    assert_eq!(
        check_host(&w, client, "nodata.example", "a@b", "h"),
        SpfResult::Permerror
    );
}

#[test]
fn macro_examples_of_rfc7208_section_7_4() {
    let v4 = MacroContext {
        sender: "strong-bad@email.example.com",
        domain: "email.example.com",
        ip: ip("192.0.2.3"),
        helo: "mx.example.org",
    };
    let cases = [
        ("%{s}", "strong-bad@email.example.com"),
        ("%{o}", "email.example.com"),
        ("%{d}", "email.example.com"),
        ("%{d4}", "email.example.com"),
        ("%{d3}", "email.example.com"),
        ("%{d2}", "example.com"),
        ("%{d1}", "com"),
        ("%{dr}", "com.example.email"),
        ("%{d2r}", "example.email"),
        ("%{l}", "strong-bad"),
        ("%{l-}", "strong.bad"),
        ("%{lr}", "strong-bad"),
        ("%{lr-}", "bad.strong"),
        ("%{l1r-}", "strong"),
        (
            "%{ir}.%{v}._spf.%{d2}",
            "3.2.0.192.in-addr._spf.example.com",
        ),
        ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
        (
            "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}",
            "bad.strong.lp.3.2.0.192.in-addr._spf.example.com",
        ),
        (
            "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}",
            "3.2.0.192.in-addr.strong.lp._spf.example.com",
        ),
        (
            "%{d2}.trusted-domains.example.net",
            "example.com.trusted-domains.example.net",
        ),
        ("%{h}", "mx.example.org"),
        ("a%%b%_c%-d", "a%b c%20d"),
        ("%{L}", "strong-bad"),
        ("%{S}", "strong-bad%40email.example.com"),
    ];
    for (text, expected) in cases {
        assert_eq!(expand(text, &v4).as_deref(), Ok(expected), "{text}");
    }
    let v6 = MacroContext {
        ip: ip("2001:db8::cb01"),
        ..v4
    };
    assert_eq!(
        expand("%{ir}.%{v}._spf.%{d2}", &v6).unwrap(),
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"
    );
    for bad in ["%{x}", "%{d0}", "%{", "%x", "%{dq}", "a b", "%{c}"] {
        assert!(expand(bad, &v4).is_err(), "{bad:?} should not expand");
    }
}

#[test]
fn exists_with_macros_and_null_sender() {
    let mut w = World::default();
    w.add_txt("example.com", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all")
        .add_addr("3.2.0.192.bob._spf.example.com", ip("127.0.0.2"))
        .add_txt("helo.example", "v=spf1 ip4:192.0.2.3 -all");
    let client = ip("192.0.2.3");
    assert_eq!(
        check_host(&w, client, "example.com", "bob@example.com", "h"),
        SpfResult::Pass
    );
    assert_eq!(
        check_host(&w, client, "example.com", "eve@example.com", "h"),
        SpfResult::Fail
    );
    // The null sender is checked as postmaster@<helo>.
    assert_eq!(
        spf_for_mail_from(&w, client, "", "helo.example"),
        ("helo.example".to_owned(), SpfResult::Pass)
    );
    assert_eq!(
        spf_for_mail_from(&w, client, "a@Example.COM", "x"),
        ("example.com".to_owned(), SpfResult::Fail)
    );
}

#[test]
fn dmarc_policy_and_alignment() {
    let mut w = World::default();
    w.add_txt(
        "_dmarc.example.com",
        "v=DMARC1; p=reject; sp=quarantine; aspf=r",
    )
    .add_txt("_dmarc.strict.example", "v=DMARC1; p=reject; aspf=s")
    .add_txt("_dmarc.none.example", "v=DMARC1; p=none")
    .add_txt("_dmarc.bad.example", "p=reject; v=DMARC1")
    .add_txt("_dmarc.shop.co.jp", "v=DMARC1; p=reject");
    let cases = [
        // (From domain, SPF result, MAIL FROM domain, pass, policy, reject)
        (
            "example.com",
            SpfResult::Pass,
            "bounce.example.com",
            Some(true),
            Some(DmarcPolicy::Reject),
            false,
        ),
        (
            "example.com",
            SpfResult::Pass,
            "other.example",
            Some(false),
            Some(DmarcPolicy::Reject),
            true,
        ),
        (
            "example.com",
            SpfResult::Fail,
            "example.com",
            Some(false),
            Some(DmarcPolicy::Reject),
            true,
        ),
        (
            "news.example.com",
            SpfResult::Fail,
            "x.example",
            Some(false),
            Some(DmarcPolicy::Quarantine),
            false,
        ),
        (
            "strict.example",
            SpfResult::Pass,
            "mail.strict.example",
            Some(false),
            Some(DmarcPolicy::Reject),
            true,
        ),
        (
            "strict.example",
            SpfResult::Pass,
            "strict.example",
            Some(true),
            Some(DmarcPolicy::Reject),
            false,
        ),
        (
            "none.example",
            SpfResult::Fail,
            "x.example",
            Some(false),
            Some(DmarcPolicy::None),
            false,
        ),
        (
            "bad.example",
            SpfResult::Fail,
            "x.example",
            None,
            None,
            false,
        ),
        (
            "nothing.example",
            SpfResult::Fail,
            "x.example",
            None,
            None,
            false,
        ),
        (
            "mail.shop.co.jp",
            SpfResult::Pass,
            "shop.co.jp",
            Some(true),
            Some(DmarcPolicy::Reject),
            false,
        ),
    ];
    for (from, spf, spf_domain, pass, policy, reject) in cases {
        let r = dmarc_check(&w, from, (spf, spf_domain), None);
        assert_eq!(
            (r.pass, r.policy, r.reject()),
            (pass, policy, reject),
            "{from} {spf:?} {spf_domain}"
        );
    }
    // An aligned DKIM pass rescues a failing SPF.
    let r = dmarc_check(
        &w,
        "example.com",
        (SpfResult::Fail, "x.example"),
        Some("example.com"),
    );
    assert_eq!(r.pass, Some(true));
    assert_eq!(org_domain("a.b.example.ne.jp"), "example.ne.jp");
    assert_eq!(org_domain("Mail.Example.COM."), "example.com");
    assert_eq!(org_domain("com"), "com");
}

#[test]
fn world_answers() {
    let mut w = World::default();
    w.add_addr("host.example", ip("192.0.2.1"))
        .add_ptr(ip("::ffff:192.0.2.1"), "Host.Example.")
        .list(
            "zen.spamhaus.org",
            IpPattern::new("192.0.2.0/24").unwrap(),
            "https://www.spamhaus.org/query/ip/{client_ip}",
        )
        .add_zone("bl.spamcop.net");
    assert_eq!(w.ptr(ip("192.0.2.1")), Ok(vec!["host.example".to_owned()]));
    assert_eq!(w.ptr(ip("192.0.2.2")), Err(DnsError::NxDomain));
    assert_eq!(w.addrs("HOST.example.", false), Ok(vec![ip("192.0.2.1")]));
    assert_eq!(w.addrs("host.example", true), Ok(vec![]));
    assert_eq!(w.txt("host.example"), Ok(vec![]));
    assert_eq!(w.txt("nohost.example"), Err(DnsError::NxDomain));
    let listing = w.dnsbl("zen.spamhaus.org", ip("192.0.2.77")).unwrap();
    assert_eq!(
        listing.reason_for(ip("192.0.2.77")),
        "https://www.spamhaus.org/query/ip/192.0.2.77"
    );
    assert!(w.dnsbl("zen.spamhaus.org", ip("192.0.3.1")).is_none());
    assert_eq!(w.listed_in(ip("192.0.2.9")), vec!["zen.spamhaus.org"]);
    w.delist(ip("192.0.2.9"));
    assert!(w.listed_in(ip("192.0.2.9")).is_empty());
    assert!(w.has_zone("bl.spamcop.net"));
}
