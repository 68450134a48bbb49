//! The client side of `DATA`: dot-stuffing and the final `CRLF "." CRLF`.

use memchr::memchr2;

use super::DataSink;

/// Turns message bytes into `DATA` wire bytes (RFC 5321 §4.5.2): a `.` is doubled at the start of
/// every line, and [`finish`](Self::finish) ends the data with `CRLF "." CRLF`, adding the `CRLF`
/// the message's last line lacks, if it does.
///
/// Bare LF and bare CR in the message are written as `CRLF` (RFC 5321 §2.3.8 forbids sending
/// them), so the output never holds a line end that a lenient next hop could read differently
/// from a strict one: no smuggling through this writer. A message whose lines all end in `CRLF`
/// comes out of a [`DataReceiver`](super::DataReceiver) exactly as it went in.
///
/// ```
/// use smtp_core::transfer::DotStuffer;
///
/// let mut wire = Vec::new();
/// let mut stuffer = DotStuffer::new();
/// stuffer.write(b".hidden\r\nlast line", &mut wire);
/// stuffer.finish(&mut wire);
/// assert_eq!(wire, b"..hidden\r\nlast line\r\n.\r\n");
/// ```
#[derive(Debug, Clone, Default)]
pub struct DotStuffer {
    state: State,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum State {
    /// At the start of a line (the start of the message, or after `CRLF`).
    #[default]
    LineStart,
    /// Inside a line; the previous octet is not a CR.
    Text,
    /// Just after a CR, already written.
    Cr,
}

impl DotStuffer {
    /// A writer at the start of a message.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes the stuffed form of the next part of the message to `out`.
    pub fn write<S: DataSink + ?Sized>(&mut self, message: &[u8], out: &mut S) {
        let len = message.len();
        let mut pos = 0;
        let mut run = 0;
        let mut state = self.state;
        while pos < len {
            match state {
                State::LineStart => {
                    if message[pos] == b'.' {
                        // Write an extra dot; the message's own dot stays in the run.
                        out.write(&message[run..pos]);
                        out.write(b".");
                        run = pos;
                    }
                    state = State::Text;
                }
                State::Text => match memchr2(b'\r', b'\n', &message[pos..]) {
                    None => pos = len,
                    Some(found) => {
                        let at = pos + found;
                        if message[at] == b'\n' {
                            // Bare LF: write CRLF.
                            out.write(&message[run..at]);
                            out.write(b"\r");
                            run = at;
                            pos = at + 1;
                            state = State::LineStart;
                        } else if at + 1 == len {
                            pos = len;
                            state = State::Cr;
                        } else if message[at + 1] == b'\n' {
                            pos = at + 2;
                            state = State::LineStart;
                        } else {
                            // Bare CR: add the LF.
                            out.write(&message[run..=at]);
                            out.write(b"\n");
                            run = at + 1;
                            pos = at + 1;
                            state = State::LineStart;
                        }
                    }
                },
                State::Cr => {
                    if message[pos] == b'\n' {
                        pos += 1;
                    } else {
                        out.write(b"\n");
                    }
                    state = State::LineStart;
                }
            }
        }
        out.write(&message[run..]);
        self.state = state;
    }

    /// Ends the data: the missing line end, if any, then `"." CRLF`.
    pub fn finish<S: DataSink + ?Sized>(self, out: &mut S) {
        match self.state {
            State::LineStart => {}
            State::Text => out.write(b"\r\n"),
            State::Cr => out.write(b"\n"),
        }
        out.write(b".\r\n");
    }
}

/// The whole `DATA` wire form of `message` in one call: see [`DotStuffer`].
pub fn dot_stuff(message: &[u8]) -> Vec<u8> {
    // Room for the end and a few stuffed dots.
    let mut out = Vec::with_capacity(message.len() + message.len() / 64 + 5);
    let mut stuffer = DotStuffer::new();
    stuffer.write(message, &mut out);
    stuffer.finish(&mut out);
    out
}
