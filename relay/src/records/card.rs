//! Coordinate cards (R21): the MAC of each position's number, never the numbers.

/// A citizen's card as stored.
#[derive(Debug, Clone)]
pub struct StoredCard {
    pub serial: String,
    /// 16 MACs of 32 bytes, positions A1 … D4 in order.
    pub value_macs: Vec<u8>,
}
