use super::*;

#[test]
fn orcpt_decoding() {
    let o = values::orcpt(b"rfc822;a+2Bb@example.org").unwrap();
    assert_eq!(o.decoded(), "a+b@example.org");
    let o = values::orcpt(b"utf-8;j\\x{00E9}r\\x{00F4}me@example.org").unwrap();
    assert_eq!(o.decoded(), "jérôme@example.org");
    let o = values::orcpt(b"x400;c+3Dus").unwrap();
    assert_eq!(o.addr_type(), &AddrType::Other("x400".into()));
    for bad in [
        &b"rfc822"[..],
        b";a@b",
        b"rfc822;",
        b"utf-8;a\\x{1}b",
        b"rfc822;a+zz",
    ] {
        assert!(
            values::orcpt(bad).is_none(),
            "{}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn keyword_dispatch_is_exact() {
    for k in ["SIZEX", "SIZ", "BODY-", "NOTIFYY", "MT-PRIORITYX"] {
        assert!(known(k.as_bytes()).is_none(), "{k}");
    }
    assert!(known(b"mt-priority").is_some());
}

proptest::proptest! {
    #[test]
    fn orcpt_check_agrees_with_orcpt_parse(v in "(rfc822|RFC822|utf-8|UTF-8|x400|a b|)(;)?([a-z@.+;=]|\\+2B|\\+[0-9a-f]{2}|\\\\x\\{[0-9A-F]{1,7}\\}|é){0,8}") {
        proptest::prop_assert_eq!(values::orcpt_ok(v.as_bytes()), values::orcpt(v.as_bytes()).is_some(), "{}", v);
    }

    #[test]
    fn known_dispatch_agrees_with_upper_case_match(k in "[a-zA-Z0-9-]{1,12}") {
        let upper = k.to_ascii_uppercase();
        let want = ["SIZE", "BODY", "SMTPUTF8", "RET", "ENVID", "AUTH", "REQUIRETLS", "MT-PRIORITY", "HOLDFOR", "HOLDUNTIL", "BY", "NOTIFY", "ORCPT"].contains(&upper.as_str());
        proptest::prop_assert_eq!(known(k.as_bytes()).is_some(), want);
    }
}

proptest::proptest! {
    #[test]
    fn folded_comparison_is_case_insensitive_equality(token in "[!-~\\x{80}-\\x{10ffff}]{0,16}", name in proptest::sample::select(vec!["BY", "RET", "SIZE", "8BITMIME", "7BIT", "BINARYMIME", "MT-PRIORITY", "utf-8", "rfc822", "NEVER", "HOLDUNTIL"])) {
        let cased: String = token.chars().map(|c| if c.is_ascii_alphabetic() && token.len() % 2 == 0 { c.to_ascii_uppercase() } else { c }).collect();
        for t in [token.as_bytes(), cased.as_bytes(), name.as_bytes(), name.to_ascii_lowercase().as_bytes()] {
            proptest::prop_assert_eq!(crate::syntax::eq_folded(t, name.as_bytes()), t.eq_ignore_ascii_case(name.as_bytes()));
        }
    }
}
