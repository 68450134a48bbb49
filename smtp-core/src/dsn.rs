//! RFC 3464 `message/delivery-status` fields: read and write.
//!
//! A delivery status notification carries one per-message group of fields followed by one group
//! per recipient (RFC 3464 §2.1):
//!
//! ```text
//! delivery-status-content = per-message-fields 1*( CRLF per-recipient-fields )
//! ```
//!
//! Real MTAs stretch the grammar: folded lines, LF or CR line ends, missing address types
//! (`Final-Recipient: user@example.org`), odd case, no blank line between groups or several blank
//! lines, `X-` extension fields anywhere. [`DeliveryStatus::parse`] reads all of it and never fails:
//! what it cannot place it keeps as an extension field. [`DeliveryStatus`]'s `Display` writes the
//! canonical form with CRLF line ends, which `parse` reads back to the same value.
//!
//! ```
//! use smtp_core::dsn::{Action, DeliveryStatus};
//!
//! let text = "Reporting-MTA: dns; mx.example.org\n\n\
//!             Final-Recipient: rfc822; user@example.com\nAction: failed\nStatus: 5.1.1\n\
//!             Diagnostic-Code: smtp; 550 5.1.1 No such user\n";
//! let dsn = DeliveryStatus::parse(text);
//! assert_eq!(dsn.per_message.reporting_mta.as_ref().unwrap().value, "mx.example.org");
//! let rcpt = &dsn.recipients[0];
//! assert_eq!(rcpt.final_recipient.as_ref().unwrap().address(), "user@example.com");
//! assert_eq!(rcpt.action, Some(Action::Failed));
//! assert_eq!(DeliveryStatus::parse(&dsn.to_string()), dsn);
//! ```

mod fields;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::status::EnhancedStatus;

use fields::RawField;
pub use fields::{Field, TypedValue};

/// The `Action` field of a recipient group (RFC 3464 §2.3.3).
///
/// ```text
/// action-field = "Action" ":" action-value
/// action-value = "failed" / "delayed" / "delivered" / "relayed" / "expanded"
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum Action {
    /// The message could not be delivered and will not be retried.
    Failed,
    /// Delivery is delayed; the reporting MTA keeps trying.
    Delayed,
    /// Delivered to the recipient's mailbox.
    Delivered,
    /// Relayed to a system that sends no further DSN.
    Relayed,
    /// Delivered and forwarded to several addresses (a list).
    Expanded,
    /// A value outside RFC 3464, kept lower-cased as written.
    Other(String),
}

impl Action {
    /// Reads an action value: case-insensitive, the first word only (some MTAs write
    /// `failed (bad destination)`).
    pub fn parse(value: &str) -> Action {
        let word = value
            .split(|c: char| c.is_whitespace() || c == '(' || c == ';')
            .find(|w| !w.is_empty())
            .unwrap_or("");
        let is = |known: &str| word.eq_ignore_ascii_case(known);
        if is("failed") || is("failure") {
            Action::Failed
        } else if is("delayed") {
            Action::Delayed
        } else if is("delivered") {
            Action::Delivered
        } else if is("relayed") {
            Action::Relayed
        } else if is("expanded") {
            Action::Expanded
        } else {
            Action::Other(word.to_ascii_lowercase())
        }
    }

    /// The value as written on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            Action::Failed => "failed",
            Action::Delayed => "delayed",
            Action::Delivered => "delivered",
            Action::Relayed => "relayed",
            Action::Expanded => "expanded",
            Action::Other(s) => s,
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The per-message fields (RFC 3464 §2.2).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PerMessage {
    /// `Original-Envelope-Id`: the ENVID the sender gave.
    pub original_envelope_id: Option<String>,
    /// `Reporting-MTA`: `mta-name-type; mta-name` of the MTA writing the DSN.
    pub reporting_mta: Option<TypedValue>,
    /// `DSN-Gateway`: set when the DSN was translated from a foreign system.
    pub dsn_gateway: Option<TypedValue>,
    /// `Received-From-MTA`: the MTA the reporting MTA received the message from.
    pub received_from_mta: Option<TypedValue>,
    /// `Arrival-Date`: when the reporting MTA received the message (RFC 5322 date, kept as text).
    pub arrival_date: Option<String>,
    /// Any other field of the group, in order (`X-Postfix-Queue-ID`, …).
    pub extensions: Vec<Field>,
}

/// The fields of one recipient group (RFC 3464 §2.3).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PerRecipient {
    /// `Original-Recipient`: the address as the sender gave it (ORCPT).
    pub original_recipient: Option<TypedValue>,
    /// `Final-Recipient`: the address the reporting MTA tried.
    pub final_recipient: Option<TypedValue>,
    /// `Action`.
    pub action: Option<Action>,
    /// `Status`: the enhanced status code as written (`5.1.1`, sometimes with a comment).
    pub status: Option<String>,
    /// `Remote-MTA`: the server that gave the diagnostic.
    pub remote_mta: Option<TypedValue>,
    /// `Diagnostic-Code`: `diagnostic-type; text`, usually `smtp; 550 5.1.1 …`.
    pub diagnostic_code: Option<TypedValue>,
    /// `Last-Attempt-Date`.
    pub last_attempt_date: Option<String>,
    /// `Final-Log-ID`.
    pub final_log_id: Option<String>,
    /// `Will-Retry-Until`.
    pub will_retry_until: Option<String>,
    /// Any other field of the group, in order (`X-Display-Name`, `X-Actual-Recipient`, …).
    pub extensions: Vec<Field>,
}

impl PerRecipient {
    /// True when no field of the group is set.
    pub fn is_empty(&self) -> bool {
        *self == PerRecipient::default()
    }

    /// The `Status` field read as an enhanced status code: the first code in the field's text, so
    /// that `5.1.1 (user unknown)` and `550 5.1.1` both give `5.1.1`.
    pub fn status_code(&self) -> Option<EnhancedStatus> {
        EnhancedStatus::find(self.status.as_deref()?.as_bytes()).map(|(s, _)| s)
    }

    /// The extension field named `name` (case-insensitive), if any.
    pub fn extension(&self, name: &str) -> Option<&str> {
        self.extensions
            .iter()
            .find(|f| f.name.eq_ignore_ascii_case(name))
            .map(|f| f.value.as_str())
    }
}

/// A whole `message/delivery-status` body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DeliveryStatus {
    /// The per-message group.
    pub per_message: PerMessage,
    /// The recipient groups in the order written.
    pub recipients: Vec<PerRecipient>,
}

/// Where a known field belongs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    Message,
    Recipient,
    Other,
}

fn field_kind(name: &str) -> Known {
    const MESSAGE: [&str; 5] = [
        "original-envelope-id",
        "reporting-mta",
        "dsn-gateway",
        "received-from-mta",
        "arrival-date",
    ];
    const RECIPIENT: [&str; 9] = [
        "original-recipient",
        "final-recipient",
        "action",
        "status",
        "remote-mta",
        "diagnostic-code",
        "last-attempt-date",
        "final-log-id",
        "will-retry-until",
    ];
    if MESSAGE.iter().any(|m| name.eq_ignore_ascii_case(m)) {
        Known::Message
    } else if RECIPIENT.iter().any(|m| name.eq_ignore_ascii_case(m)) {
        Known::Recipient
    } else {
        Known::Other
    }
}

impl DeliveryStatus {
    /// Reads a `message/delivery-status` body. Never fails; lines that are not fields are skipped.
    ///
    /// Group boundaries: a blank line ends a recipient group; a `Final-Recipient` arriving when
    /// the current group already has one starts a new group even without a blank line, and so
    /// does an `Original-Recipient` when the group has one. Fields may come in any order within
    /// a group (`Action` before `Final-Recipient` is seen). Extension fields go to the group
    /// being read.
    pub fn parse(input: &str) -> DeliveryStatus {
        let mut out = DeliveryStatus::default();
        let mut current: Option<PerRecipient> = None;
        let mut blank_since_field = false;
        for item in fields::unfold(input) {
            let Some(field) = item else {
                blank_since_field = true;
                continue;
            };
            let kind = field_kind(field.name);
            match kind {
                Known::Message => {
                    if current.as_ref().is_some_and(|c| !c.is_empty()) {
                        // A per-message field after recipients: a second DSN group glued on.
                        // Keep the first value; the field is not a recipient's.
                        if !set_message_field(&mut out.per_message, &field, false)
                            && let Some(c) = current.as_mut()
                        {
                            c.extensions.push(field.into_field());
                        }
                    } else {
                        set_message_field(&mut out.per_message, &field, true);
                    }
                }
                Known::Recipient => {
                    let starts_new = match current.as_ref() {
                        None => true,
                        Some(c) => {
                            (blank_since_field && !c.is_empty())
                                || (field.name.eq_ignore_ascii_case("final-recipient")
                                    && c.final_recipient.is_some())
                                || (field.name.eq_ignore_ascii_case("original-recipient")
                                    && c.original_recipient.is_some())
                        }
                    };
                    if starts_new {
                        if let Some(c) = current.take()
                            && !c.is_empty()
                        {
                            out.recipients.push(c);
                        }
                        current = Some(PerRecipient::default());
                    }
                    if let Some(c) = current.as_mut() {
                        set_recipient_field(c, field);
                    }
                }
                Known::Other => match current.as_mut() {
                    Some(c) if !blank_since_field || c.is_empty() => {
                        c.extensions.push(field.into_field())
                    }
                    Some(_) => {
                        // An extension after a blank line opens the next recipient group.
                        if let Some(c) = current.take() {
                            out.recipients.push(c);
                        }
                        let mut c = PerRecipient::default();
                        c.extensions.push(field.into_field());
                        current = Some(c);
                    }
                    None => out.per_message.extensions.push(field.into_field()),
                },
            }
            blank_since_field = false;
        }
        if let Some(c) = current
            && !c.is_empty()
        {
            out.recipients.push(c);
        }
        out
    }
}

/// Stores a per-message field; with `overwrite` false an already set field is left alone and
/// `false` returned.
fn set_message_field(m: &mut PerMessage, field: &RawField<'_>, overwrite: bool) -> bool {
    let mut buf = [0; MAX_NAME];
    let name = lower_name(field.name, &mut buf);
    let slot_typed = match name {
        "reporting-mta" => Some(&mut m.reporting_mta),
        "dsn-gateway" => Some(&mut m.dsn_gateway),
        "received-from-mta" => Some(&mut m.received_from_mta),
        _ => None,
    };
    if let Some(slot) = slot_typed {
        if slot.is_some() && !overwrite {
            return false;
        }
        *slot = Some(TypedValue::parse(&field.value));
        return true;
    }
    let slot = match name {
        "original-envelope-id" => &mut m.original_envelope_id,
        _ => &mut m.arrival_date,
    };
    if slot.is_some() && !overwrite {
        return false;
    }
    *slot = Some(field.value.trim().to_string());
    true
}

/// Longest field name kept ([`fields`] skips longer ones).
const MAX_NAME: usize = 64;

/// `name` ASCII-lower-cased into `buf` (no allocation); a name longer than `buf` (never kept by
/// [`fields`]) or not valid after the copy reads as empty.
fn lower_name<'b>(name: &str, buf: &'b mut [u8; MAX_NAME]) -> &'b str {
    let Some(out) = buf.get_mut(..name.len()) else {
        return "";
    };
    out.copy_from_slice(name.as_bytes());
    out.make_ascii_lowercase();
    std::str::from_utf8(out).unwrap_or("")
}

fn set_recipient_field(r: &mut PerRecipient, field: RawField<'_>) {
    let mut buf = [0; MAX_NAME];
    let name = lower_name(field.name, &mut buf);
    let v = field.value.trim();
    match name {
        "original-recipient" => r.original_recipient = Some(TypedValue::parse(v)),
        "final-recipient" => r.final_recipient = Some(TypedValue::parse(v)),
        "action" => r.action = Some(Action::parse(v)),
        "status" => r.status = Some(trimmed(field.into_value())),
        "remote-mta" => r.remote_mta = Some(TypedValue::parse(v)),
        "diagnostic-code" => r.diagnostic_code = Some(TypedValue::parse(v)),
        "last-attempt-date" => r.last_attempt_date = Some(trimmed(field.into_value())),
        "final-log-id" => r.final_log_id = Some(trimmed(field.into_value())),
        "will-retry-until" => r.will_retry_until = Some(trimmed(field.into_value())),
        _ => r.extensions.push(field.into_field()),
    }
}

/// `value` without surrounding white space; moved, not copied, when it has none (values come
/// trimmed from `fields::unfold`).
fn trimmed(value: String) -> String {
    if value.trim().len() == value.len() {
        value
    } else {
        value.trim().to_string()
    }
}

fn write_opt(f: &mut fmt::Formatter<'_>, name: &str, v: Option<&dyn fmt::Display>) -> fmt::Result {
    match v {
        Some(v) => write!(f, "{name}: {v}\r\n"),
        None => Ok(()),
    }
}

fn write_extensions(f: &mut fmt::Formatter<'_>, ext: &[Field]) -> fmt::Result {
    ext.iter()
        .try_for_each(|x| write!(f, "{}: {}\r\n", x.name, x.value))
}

impl fmt::Display for PerMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_opt(
            f,
            "Original-Envelope-Id",
            self.original_envelope_id.as_ref().map(|v| v as _),
        )?;
        write_opt(
            f,
            "Reporting-MTA",
            self.reporting_mta.as_ref().map(|v| v as _),
        )?;
        write_opt(f, "DSN-Gateway", self.dsn_gateway.as_ref().map(|v| v as _))?;
        write_opt(
            f,
            "Received-From-MTA",
            self.received_from_mta.as_ref().map(|v| v as _),
        )?;
        write_opt(
            f,
            "Arrival-Date",
            self.arrival_date.as_ref().map(|v| v as _),
        )?;
        write_extensions(f, &self.extensions)
    }
}

impl fmt::Display for PerRecipient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_opt(
            f,
            "Original-Recipient",
            self.original_recipient.as_ref().map(|v| v as _),
        )?;
        write_opt(
            f,
            "Final-Recipient",
            self.final_recipient.as_ref().map(|v| v as _),
        )?;
        write_opt(f, "Action", self.action.as_ref().map(|v| v as _))?;
        write_opt(f, "Status", self.status.as_ref().map(|v| v as _))?;
        write_opt(f, "Remote-MTA", self.remote_mta.as_ref().map(|v| v as _))?;
        write_opt(
            f,
            "Diagnostic-Code",
            self.diagnostic_code.as_ref().map(|v| v as _),
        )?;
        write_opt(
            f,
            "Last-Attempt-Date",
            self.last_attempt_date.as_ref().map(|v| v as _),
        )?;
        write_opt(
            f,
            "Final-Log-ID",
            self.final_log_id.as_ref().map(|v| v as _),
        )?;
        write_opt(
            f,
            "Will-Retry-Until",
            self.will_retry_until.as_ref().map(|v| v as _),
        )?;
        write_extensions(f, &self.extensions)
    }
}

impl fmt::Display for DeliveryStatus {
    /// Writes the canonical form: the per-message group, then each recipient group after a blank
    /// line, CRLF line ends, no folding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.per_message)?;
        for r in &self.recipients {
            f.write_str("\r\n")?;
            write!(f, "{r}")?;
        }
        Ok(())
    }
}
