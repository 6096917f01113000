//! The CA material (certificates, sealed keys), written once in one transaction.

use async_trait::async_trait;

use crate::Error;

#[async_trait]
pub trait CaStore: Send + Sync {
    async fn ca_material(&self, name: &str) -> Result<Option<Vec<u8>>, Error>;

    /// Stores all CA items in one transaction, so a crash never leaves half a CA. An item
    /// already stored is an error, and then nothing is written.
    async fn save_ca_material(&self, items: &[(&str, Vec<u8>)]) -> Result<(), Error>;
}
