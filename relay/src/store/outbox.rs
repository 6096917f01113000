//! The development SMS/email outbox (`--dev` only).

use async_trait::async_trait;

use crate::Error;
use crate::records::OutboxRow;

#[async_trait]
pub trait OutboxStore: Send + Sync {
    async fn push_outbox(&self, msg: &OutboxRow) -> Result<(), Error>;

    /// Messages to `recipient` (all when `None`: the latest 200), oldest first.
    async fn outbox(&self, recipient: Option<&str>) -> Result<Vec<OutboxRow>, Error>;
}
