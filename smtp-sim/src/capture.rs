//! What the simulator keeps: accepted messages (bounded, optionally spooled to a folder),
//! session transcripts, the event log, and the outbox of reports owed to senders.

mod events;
mod outbox;
mod spool;
mod store;
mod transcript;

#[cfg(test)]
mod tests;

pub use events::{Event, EventKind, EventLog};
pub use outbox::{Outbox, OutboxEntry, OutboxState, ReportKind};
pub use spool::Spool;
pub use store::{
    CaptureError, CapturedMessage, CapturedRecipient, Disposition, Envelope, MessageStore,
    NewMessage, StoreLimits,
};
pub use transcript::{Direction, Transcript, TranscriptLine, Transcripts};

/// Everything kept, behind one lock in the simulator.
#[derive(Debug)]
pub struct Capture {
    /// Accepted messages.
    pub store: MessageStore,
    /// Session transcripts.
    pub transcripts: Transcripts,
    /// Decisions.
    pub events: EventLog,
    /// Reports owed.
    pub outbox: Outbox,
}

impl Capture {
    /// Forgets messages, transcripts, events in memory and reports.
    pub fn clear(&mut self) {
        self.store.clear();
        self.transcripts.clear();
        self.events.clear();
        self.outbox.clear();
    }
}
