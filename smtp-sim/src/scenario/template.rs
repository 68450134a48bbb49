//! Reply texts with placeholders: `{rcpt}`, `{sender}`, `{client_ip}`, `{helo}`, `{session}`,
//! `{hostname}`, `{rule}`; `{{` and `}}` stand for literal braces.

use std::fmt::Write as _;

/// A value a template can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// The recipient being answered (at end of data: the first recipient the rule matched).
    Rcpt,
    /// The envelope sender (empty for the null reverse-path).
    Sender,
    /// The client's IP address.
    ClientIp,
    /// The name the client gave in HELO/EHLO.
    Helo,
    /// The session id.
    Session,
    /// The simulator's host name.
    Hostname,
    /// The id of the rule that fired.
    Rule,
}

impl Placeholder {
    /// Every placeholder and its name in templates.
    pub const ALL: [(&'static str, Placeholder); 7] = [
        ("rcpt", Placeholder::Rcpt),
        ("sender", Placeholder::Sender),
        ("client_ip", Placeholder::ClientIp),
        ("helo", Placeholder::Helo),
        ("session", Placeholder::Session),
        ("hostname", Placeholder::Hostname),
        ("rule", Placeholder::Rule),
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Literal(String),
    Value(Placeholder),
}

/// A compiled template: one line of reply text (a multi-line reply has one template per line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// Where a template went wrong and what was expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError(pub String);

impl Template {
    /// Compiles a line. Line breaks and other control characters are refused: a reply line must
    /// stay one line on the wire.
    pub fn new(text: &str) -> Result<Self, TemplateError> {
        if let Some(c) = text.chars().find(|c| c.is_control()) {
            return Err(TemplateError(format!(
                "reply text without control characters (found {c:?}; write a multi-line reply \
                 as a list of lines)"
            )));
        }
        let mut pieces = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(pos) = rest.find(['{', '}']) {
            literal.push_str(&rest[..pos]);
            let tail = &rest[pos..];
            if tail.starts_with("{{") || tail.starts_with("}}") {
                literal.push_str(&tail[..1]);
                rest = &tail[2..];
                continue;
            }
            if tail.starts_with('}') {
                return Err(TemplateError(
                    "`}}` for a literal `}` (a lone `}` closes nothing)".into(),
                ));
            }
            let Some(end) = tail.find('}') else {
                return Err(TemplateError(
                    "`}` closing the placeholder (or `{{` for a literal `{`)".into(),
                ));
            };
            let name = &tail[1..end];
            let Some((_, placeholder)) = Placeholder::ALL.iter().find(|(n, _)| *n == name) else {
                let known: Vec<String> = Placeholder::ALL
                    .iter()
                    .map(|(n, _)| format!("{{{n}}}"))
                    .collect();
                return Err(TemplateError(format!(
                    "a known placeholder ({}), found {{{name}}}",
                    known.join(", ")
                )));
            };
            if !literal.is_empty() {
                pieces.push(Piece::Literal(std::mem::take(&mut literal)));
            }
            pieces.push(Piece::Value(*placeholder));
            rest = &tail[end + 1..];
        }
        literal.push_str(rest);
        if !literal.is_empty() {
            pieces.push(Piece::Literal(literal));
        }
        Ok(Template { pieces })
    }

    /// Fills the placeholders. Values are stripped of control characters so that nothing a
    /// client sent can break a reply line.
    pub fn render(&self, value: impl Fn(Placeholder) -> String) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(text),
                Piece::Value(p) => {
                    let v = value(*p);
                    out.extend(v.chars().filter(|c| !c.is_control()));
                }
            }
        }
        out
    }

    /// The template written back as source text.
    pub fn source(&self) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(text) => out.push_str(&text.replace('{', "{{").replace('}', "}}")),
                Piece::Value(p) => {
                    let name = Placeholder::ALL
                        .iter()
                        .find(|(_, q)| q == p)
                        .map(|(n, _)| *n);
                    let _ = write!(out, "{{{}}}", name.unwrap_or_default());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(p: Placeholder) -> String {
        match p {
            Placeholder::Rcpt => "bob@example.com".into(),
            Placeholder::ClientIp => "192.0.2.1".into(),
            Placeholder::Helo => "evil\r\n250 ok".into(),
            _ => "x".into(),
        }
    }

    #[test]
    fn renders_known_answers() {
        let cases = [
            (
                "<{rcpt}>: Recipient address rejected",
                "<bob@example.com>: Recipient address rejected",
            ),
            ("[{client_ip}] blocked", "[192.0.2.1] blocked"),
            ("{{literal}} {{{rcpt}}}", "{literal} {bob@example.com}"),
            ("helo {helo}", "helo evil250 ok"),
            ("", ""),
        ];
        for (source, expected) in cases {
            let t = Template::new(source).unwrap();
            assert_eq!(t.render(values), expected, "{source}");
            assert_eq!(
                Template::new(&t.source()).unwrap(),
                t,
                "{source} round trip"
            );
        }
    }

    #[test]
    fn refuses_bad_templates() {
        let cases = [
            ("{recipient}", "found {recipient}"),
            ("open {rcpt", "`}` closing"),
            ("lone } brace", "`}}` for a literal"),
            ("two\nlines", "control characters"),
        ];
        for (source, expected) in cases {
            let err = Template::new(source).unwrap_err();
            assert!(err.0.contains(expected), "{source}: {}", err.0);
        }
    }
}
