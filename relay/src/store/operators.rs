//! Registry-office operators and entity administrators, and their sessions.

use async_trait::async_trait;

use crate::Error;
use crate::records::Operator;

#[async_trait]
pub trait OperatorStore: Send + Sync {
    /// A new operator; a name already taken is a conflict.
    async fn insert_operator(&self, o: &Operator, now: i64) -> Result<(), Error>;

    async fn operator_by_name(&self, name: &str) -> Result<Option<Operator>, Error>;

    async fn operator_by_id(&self, id: &str) -> Result<Option<Operator>, Error>;

    /// Reserves one password entry before it is judged, in one statement (parallel requests
    /// never reserve past `budget`): false when none is left.
    async fn reserve_operator_entry(&self, id: &str, budget: u32) -> Result<bool, Error>;

    /// A right password gives the reserved entry back and clears the count.
    async fn clear_operator_failures(&self, id: &str) -> Result<(), Error>;

    async fn insert_operator_session(
        &self,
        token_hash: &[u8],
        operator_id: &str,
        now: i64,
    ) -> Result<(), Error>;

    /// The operator of a live session (used within `idle` seconds), touching it.
    async fn operator_of_session(
        &self,
        token_hash: &[u8],
        now: i64,
        idle: i64,
    ) -> Result<Option<Operator>, Error>;
}
