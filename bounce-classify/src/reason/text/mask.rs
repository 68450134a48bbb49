//! Masking the data in a folded diagnostic: addresses, and the recipient's own domain where it
//! stands alone, are names, not statements. A phrase must not fire inside them: `virus@…` is
//! not a virus, `…@throttle.example` not a rate limit, and in Exim's "all hosts for
//! 'throttle.example' have been failing" only the words after the domain speak.

use std::ops::Range;

/// Overwrites every address in `folded` (already lower case), and each stand-alone occurrence
/// of `recipient`'s domain, with `x` in place of each letter and digit. The shape stays (an
/// address still reads as one, `<xxxx@xxxxxxx.xxx>`, a domain as a domain) and so do the
/// positions of everything else.
pub(crate) fn mask_addresses(folded: &mut String, recipient: Option<&str>) {
    let mut ranges: Vec<Range<usize>> = if folded.contains('@') {
        crate::scan::addresses(folded)
            .iter()
            .map(|f| f.start..f.end)
            .collect()
    } else {
        Vec::new()
    };
    let domain = recipient
        .and_then(|r| r.rsplit_once('@'))
        .map(|(_, d)| d.trim_end_matches('>').to_ascii_lowercase())
        .filter(|d| d.contains('.'));
    if let Some(domain) = domain {
        let bytes = folded.as_bytes();
        // Part of a longer name, or of an address (masked above), if a name byte touches it.
        let in_name = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'@');
        for (at, _) in folded.match_indices(domain.as_str()) {
            let end = at + domain.len();
            let alone =
                (at == 0 || !in_name(bytes[at - 1])) && bytes.get(end).is_none_or(|&b| !in_name(b));
            if alone {
                ranges.push(at..end);
            }
        }
    }
    for range in ranges {
        let masked: String = folded[range.clone()]
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { 'x' } else { c })
            .collect();
        folded.replace_range(range, &masked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_the_recipients_domain_are_masked() {
        let cases = [
            (
                "550 5.1.1 <virus@example.com>: user unknown",
                None,
                "550 5.1.1 <xxxxx@xxxxxxx.xxx>: user unknown",
            ),
            (
                "t3@throttle.example host 127.0.0.1 [127.0.0.1] retry timeout exceeded",
                Some("t3@throttle.example"),
                "xx@xxxxxxxx.xxxxxxx host 127.0.0.1 [127.0.0.1] retry timeout exceeded",
            ),
            (
                "all hosts for 'throttle.example' have been failing",
                Some("t5@Throttle.Example"),
                "all hosts for 'xxxxxxxx.xxxxxxx' have been failing",
            ),
            // Another name that contains the domain is left alone.
            (
                "[bn3.prod.outlook.com] refused",
                Some("a@outlook.com"),
                "[bn3.prod.outlook.com] refused",
            ),
            ("no address here", Some("a@b.example"), "no address here"),
            // Non-ASCII stays as it is, and the text stays valid.
            (
                "<用户@例子.测试> user unknown",
                None,
                "<用户@例子.测试> user unknown",
            ),
        ];
        for (text, recipient, want) in cases {
            let mut folded = text.to_string();
            mask_addresses(&mut folded, recipient);
            assert_eq!(folded, want, "{text}");
        }
    }
}
