//! Finding the first phrase of the table in folded text: one Aho-Corasick pass over every
//! phrase, the lowest phrase number (the table order) winning.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use super::rules;
use crate::reason::Reason;

/// Finds `phrase` in folded text, honouring the `^`/`$` word-boundary marks. The reference
/// meaning of a phrase; [`first_match`] is the one-pass form over the whole table.
#[cfg(test)]
pub(crate) fn has(text: &str, phrase: &str) -> bool {
    let start_b = phrase.starts_with('^');
    let end_b = phrase.ends_with('$');
    let p = phrase.trim_start_matches('^').trim_end_matches('$');
    if !start_b && !end_b {
        return text.contains(p);
    }
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(i) = text[from..].find(p) {
        let s = from + i;
        let e = s + p.len();
        let ok_s = !start_b || s == 0 || !bytes[s - 1].is_ascii_alphanumeric();
        let ok_e = !end_b || e == bytes.len() || !bytes[e].is_ascii_alphanumeric();
        if ok_s && ok_e {
            return true;
        }
        from = s + 1;
        while !text.is_char_boundary(from) {
            from += 1;
        }
    }
    false
}

/// The first rule whose phrase occurs in the text (and, within the rule, its first phrase that
/// occurs): what trying `has` on each phrase of the table in order gives, in one pass.
pub(crate) fn first_match(folded: &str) -> Option<(Reason, &'static str)> {
    scan(folded, None)
}

/// [`first_match`], and with `markers` also the provider markers (`crate::reason::provider`)
/// the text contains, each once, found in the same pass.
pub(crate) fn scan(
    folded: &str,
    mut markers: Option<&mut Vec<&'static str>>,
) -> Option<(Reason, &'static str)> {
    let table = &*PHRASES;
    let bytes = folded.as_bytes();
    let mut best: Option<usize> = None;
    // Every occurrence of every phrase; the lowest phrase number (the table order) wins.
    for m in table.automaton.find_overlapping_iter(folded) {
        let id = m.pattern().as_usize();
        if let Some(marker) = id
            .checked_sub(table.phrases.len())
            .map(|i| table.markers[i])
        {
            if let Some(found) = markers.as_deref_mut()
                && !found.contains(&marker)
            {
                found.push(marker);
            }
            continue;
        }
        if best.is_some_and(|b| id >= b) {
            continue;
        }
        let p = &table.phrases[id];
        let ok_s =
            !p.start_boundary || m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphanumeric();
        let ok_e =
            !p.end_boundary || m.end() == bytes.len() || !bytes[m.end()].is_ascii_alphanumeric();
        if ok_s && ok_e {
            best = Some(id);
            if id == 0 && markers.is_none() {
                break;
            }
        }
    }
    best.map(|id| (table.phrases[id].reason, table.phrases[id].written))
}

/// The rules (`super::rules`) flattened in order, with one automaton over all the phrases.
struct Phrases {
    /// Phrase number `i` of the automaton is `phrases[i]`; the numbers after the phrases' are
    /// the provider markers, `markers[i - phrases.len()]`.
    automaton: AhoCorasick,
    phrases: Vec<Phrase>,
    markers: Vec<&'static str>,
}

/// One phrase of the table.
struct Phrase {
    reason: Reason,
    /// As written in the table (with its `^`/`$` marks): reported as the rule that fired.
    written: &'static str,
    start_boundary: bool,
    end_boundary: bool,
}

static PHRASES: LazyLock<Phrases> = LazyLock::new(|| {
    let phrases: Vec<Phrase> = rules()
        .flat_map(|(reason, phrases)| {
            phrases.iter().map(|written| Phrase {
                reason: *reason,
                written,
                start_boundary: written.starts_with('^'),
                end_boundary: written.ends_with('$'),
            })
        })
        .collect();
    let mut markers: Vec<&'static str> = crate::reason::provider::all_markers().collect();
    markers.sort_unstable();
    markers.dedup();
    // Standard semantics: overlapping search reports every occurrence of every phrase.
    let automaton = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .build(
            phrases
                .iter()
                .map(|p| p.written.trim_start_matches('^').trim_end_matches('$'))
                .chain(markers.iter().copied()),
        )
        .expect("the phrase table builds into an automaton");
    Phrases {
        automaton,
        phrases,
        markers,
    }
});
