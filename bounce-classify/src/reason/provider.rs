//! Evidence step 1: a provider's own codes and texts.
//!
//! Providers, hosted services, carriers and filtering gateways write codes and sentences that
//! say more than any generic phrase: Gmail's help-page keys, Yahoo's `[TSS04]`, Microsoft's
//! `S3150` and `5.7.606`, Orange's `OFR_506`, Cox's `AUP#CDRBL`. They are read before the text
//! patterns. One file per provider family, tried in this order:
//!
//! 1. [`gateways`]: what a filtering gateway's report means (a user-unknown it reports without
//!    an `X.1.x` code is its own refusal, `filtered`), and the gateways' own sentences;
//! 2. [`amazon`]: Amazon SES's reports, read from the remote reply they quote;
//! 3. [`google`], [`yahoo`], [`microsoft`]: the big mailbox providers' codes and texts;
//! 4. [`carriers`]: Japanese mobile carriers (au/KDDI, docomo, SoftBank);
//! 5. [`isps`]: other providers (Orange/La Poste, Cox, Spectrum, Apple, Cloudflare, Tencent,
//!    Symantec MessageLabs, Mimecast).
//!
//! Every rule names the code or phrase it matched; markers are provider codes, help-page keys or
//! sentences only that provider writes, never generic words.

mod amazon;
mod carriers;
mod gateways;
mod google;
mod isps;
mod microsoft;
mod yahoo;

use super::{Evidence, Reason, Verdict};

/// A provider rule's answer: the reason and the code or phrase that gave it.
type Hit = Option<(Reason, &'static str)>;

/// Every marker the provider rules look for: their tables, Yahoo's deferral codes,
/// Microsoft's host, and the words other readers need before they look closer. The decision
/// finds all of them in its one pass over the text (`text::scan`, with the text step's
/// phrases) instead of one search per marker.
pub(crate) fn all_markers() -> impl Iterator<Item = &'static str> {
    let tables = [
        gateways::MARKERS,
        google::MARKERS,
        yahoo::MARKERS,
        microsoft::MARKERS,
        isps::MARKERS,
    ];
    tables
        .into_iter()
        .flatten()
        .map(|(m, _)| *m)
        .chain(yahoo::DEFERRALS.iter().copied())
        .chain([microsoft::OUTLOOK])
        .chain(isps::ORANGE)
        .chain([isps::AUP, isps::UPSTREAM, carriers::USER_UNKNOWN])
}

/// Does the folded text contain `marker` (one of [`all_markers`])? Read from the markers the
/// decision found when it did ([`Evidence::markers`]), else searched for.
fn has_marker(folded: &str, marker: &str, ev: &Evidence<'_>) -> bool {
    match ev.markers {
        Some(found) => found.contains(&marker),
        None => folded.contains(marker),
    }
}

/// The first marker of `table` (in table order) found in the folded text.
fn first_marker(folded: &str, table: &[(&'static str, Reason)], ev: &Evidence<'_>) -> Hit {
    if let Some(found) = ev.markers {
        // Most texts contain no marker at all.
        if found.is_empty() {
            return None;
        }
        return table
            .iter()
            .find(|(m, _)| found.contains(m))
            .map(|(m, r)| (*r, *m));
    }
    search_first_marker(folded, table)
}

/// [`first_marker`] by searching the text. Consecutive markers that share their first three
/// bytes (Gmail's `?p=` keys, Exchange's `resolver.` codes) are looked for only when those three
/// bytes occur: the same answer with one search instead of one per marker.
fn search_first_marker(folded: &str, table: &[(&'static str, Reason)]) -> Hit {
    const KEY: usize = 3;
    let mut i = 0;
    while i < table.len() {
        let m = table[i].0;
        let key = if m.len() > KEY && m.is_char_boundary(KEY) {
            &m[..KEY]
        } else {
            m
        };
        let run = table[i..]
            .iter()
            .take_while(|(n, _)| n.starts_with(key))
            .count();
        let group = &table[i..i + run];
        i += run;
        if run > 1 && !folded.contains(key) {
            continue;
        }
        if let Some((n, r)) = group.iter().find(|(n, _)| folded.contains(n)) {
            return Some((*r, *n));
        }
    }
    None
}

/// Step 1 of the evidence order.
pub(crate) fn classify(folded: &str, ev: &Evidence<'_>) -> Option<Verdict> {
    let rules: [fn(&str, &Evidence<'_>) -> Hit; 7] = [
        gateways::classify,
        amazon::classify,
        google::classify,
        yahoo::classify,
        microsoft::classify,
        carriers::classify,
        isps::classify,
    ];
    rules
        .iter()
        .find_map(|rule| rule(folded, ev))
        .map(|(reason, matched)| Verdict {
            reason,
            rule: "provider",
            matched: Some(matched),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::fold;

    /// Each marker of each provider's table, alone in a reply that says nothing else, decides
    /// through that provider's rule, with the reason its table gives.
    #[test]
    fn every_marker_decides() {
        type Table = &'static [(&'static str, Reason)];
        type Rule = fn(&str, &Evidence<'_>) -> Hit;
        let tables: [(&str, Table, Rule); 5] = [
            ("gateways", gateways::MARKERS, gateways::classify),
            ("google", google::MARKERS, google::classify),
            ("yahoo", yahoo::MARKERS, yahoo::classify),
            ("microsoft", microsoft::MARKERS, microsoft::classify),
            ("isps", isps::MARKERS, isps::classify),
        ];
        for (provider, table, classify) in tables {
            for (marker, reason) in table {
                let text = fold(&format!("550 5.0.0 Some words {marker} more words"));
                assert_eq!(
                    classify(&text, &Evidence::default()),
                    Some((*reason, *marker)),
                    "{provider}: {marker}"
                );
            }
        }
    }

    #[test]
    fn first_marker_keeps_the_table_order() {
        const TABLE: &[(&str, Reason)] = &[
            ("?p=a", Reason::UserUnknown),
            ("?p=b", Reason::MailboxFull),
            ("?q", Reason::Blocked),
            ("b c", Reason::Expired),
            ("?p=c", Reason::Suspend),
        ];
        let cases = [
            ("x ?p=b y ?p=a", Some((Reason::UserUnknown, "?p=a"))),
            ("x ?p=b", Some((Reason::MailboxFull, "?p=b"))),
            ("?p=c and b c", Some((Reason::Expired, "b c"))),
            ("?p=c", Some((Reason::Suspend, "?p=c"))),
            ("?p= only", None),
            ("?q", Some((Reason::Blocked, "?q"))),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(search_first_marker(text, TABLE), want, "{text}");
            // The same answer from the markers found in one pass.
            let found: Vec<&str> = TABLE
                .iter()
                .map(|(m, _)| *m)
                .filter(|m| text.contains(m))
                .collect();
            let ev = Evidence {
                markers: Some(&found),
                ..Evidence::default()
            };
            assert_eq!(first_marker(text, TABLE, &ev), want, "{text}");
        }
    }

    /// The one-pass search finds exactly the markers a search for each finds, overlapping and
    /// repeated ones included.
    #[test]
    fn one_pass_finds_every_marker() {
        let all: Vec<&str> = all_markers().collect();
        let mut texts: Vec<String> = all.iter().map(|m| format!("550 x {m} y")).collect();
        texts.push(all.join(""));
        texts.push(all.join(" "));
        texts.push("550 5.1.1 user unknown".to_string());
        texts.push(String::new());
        for text in &texts {
            let mut want: Vec<&str> = all.iter().copied().filter(|m| text.contains(m)).collect();
            want.sort_unstable();
            want.dedup();
            let mut got = Vec::new();
            crate::reason::text::scan(text, Some(&mut got));
            got.sort_unstable();
            assert_eq!(got, want, "{text}");
        }
    }

    /// Texts in the providers' shapes (written for this project) read through the whole step.
    #[test]
    fn real_shaped_texts() {
        let cases = [
            (
                "550-5.1.1 The email account that you tried to reach does not exist. Please try\n550-5.1.1 double-checking. Learn more at\n550 5.1.1  https://support.google.com/mail/?p=NoSuchUser x - gsmtp",
                Reason::UserUnknown,
            ),
            (
                "553 5.7.1 [BL21] Connections will not be accepted from 192.0.2.1, because the ip is in Spamhaus list",
                Reason::Blocked,
            ),
            (
                "550 5.7.1 Unfortunately, messages from [192.0.2.1] weren't sent. (S3150). [BN3.prod.outlook.com]",
                Reason::Blocked,
            ),
            (
                "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
                Reason::UserUnknown,
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                classify(&fold(text), &Evidence::default()).map(|v| v.reason),
                Some(want),
                "{text}"
            );
        }
        assert_eq!(
            classify(&fold("550 user unknown"), &Evidence::default()),
            None
        );
    }
}
