//! The development SMS/email outbox (`--dev` only).

#[derive(Debug, Clone)]
pub struct OutboxRow {
    pub recipient: String,
    pub channel: String,
    pub text: String,
    pub sent_at: i64,
}
