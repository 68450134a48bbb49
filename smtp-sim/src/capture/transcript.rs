//! Session transcripts: the commands and replies of each connection, as they went over the wire
//! (message data itself is not repeated here: it is in the store).

use std::collections::{BTreeMap, VecDeque};

use serde::Serialize;

use crate::types::{ClientIdentity, SessionId, Timestamp};

/// Who sent a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// The client.
    Client,
    /// The simulator.
    Server,
    /// Not on the wire: a note such as "connection dropped by rule x".
    Note,
}

/// One line of a transcript.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranscriptLine {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub direction: Direction,
    /// The line without its CRLF (bytes that are not UTF-8 shown as U+FFFD).
    pub text: String,
}

/// The transcript of one session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transcript {
    /// The session.
    pub session: SessionId,
    /// The client.
    pub client: ClientIdentity,
    /// When it connected.
    pub started: Timestamp,
    /// When it ended, if it has.
    pub ended: Option<Timestamp>,
    /// Lines kept (at most [`Transcripts::MAX_LINES`]).
    pub lines: Vec<TranscriptLine>,
    /// Lines not kept because the transcript was full.
    pub lines_dropped: u64,
}

/// The transcripts of the most recent sessions.
#[derive(Debug)]
pub struct Transcripts {
    max_sessions: usize,
    sessions: BTreeMap<SessionId, Transcript>,
    order: VecDeque<SessionId>,
}

impl Transcripts {
    /// Lines kept per session; a client that talks longer has the rest counted, not kept.
    pub const MAX_LINES: usize = 2_000;

    /// Keeps the last `max_sessions` sessions.
    pub fn new(max_sessions: usize) -> Self {
        Transcripts {
            max_sessions: max_sessions.max(1),
            sessions: BTreeMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Starts a transcript, forgetting the oldest if too many are kept.
    pub fn open(&mut self, session: SessionId, client: ClientIdentity, at: Timestamp) {
        while self.order.len() >= self.max_sessions {
            if let Some(old) = self.order.pop_front() {
                self.sessions.remove(&old);
            }
        }
        self.order.push_back(session);
        self.sessions.insert(
            session,
            Transcript {
                session,
                client,
                started: at,
                ended: None,
                lines: Vec::new(),
                lines_dropped: 0,
            },
        );
    }

    /// Adds a line (ignored if the session's transcript was already forgotten).
    pub fn line(&mut self, session: SessionId, at: Timestamp, direction: Direction, text: &[u8]) {
        if let Some(t) = self.sessions.get_mut(&session) {
            if t.lines.len() >= Self::MAX_LINES {
                t.lines_dropped += 1;
                return;
            }
            let text = String::from_utf8_lossy(text);
            let text = text.trim_end_matches(['\r', '\n']).to_owned();
            t.lines.push(TranscriptLine {
                at,
                direction,
                text,
            });
        }
    }

    /// Marks a session ended.
    pub fn close(&mut self, session: SessionId, at: Timestamp) {
        if let Some(t) = self.sessions.get_mut(&session) {
            t.ended = Some(at);
        }
    }

    /// One transcript.
    pub fn get(&self, session: SessionId) -> Option<&Transcript> {
        self.sessions.get(&session)
    }

    /// Every transcript kept, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &Transcript> {
        self.order.iter().filter_map(|id| self.sessions.get(id))
    }

    /// Forgets all.
    pub fn clear(&mut self) {
        self.sessions.clear();
        self.order.clear();
    }
}
