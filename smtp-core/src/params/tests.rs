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
