//! The records the relay keeps: what a citizen, a session, a credential or a single-use secret
//! is, whatever stores it. The rules in `identity` read and build these; every storage backend
//! (`store::sqlite` today) maps them to and from its rows. Plain data: no I/O, no SQL.

mod activation;
mod card;
mod citizen;
mod code;
mod contact_change;
mod credential;
mod operator;
mod outbox;
mod pin;
mod professional;
mod reset;
mod sad;
mod session;

pub use activation::Activation;
pub use card::StoredCard;
pub use citizen::{Citizen, NewCitizen};
pub use code::Code;
pub use contact_change::ContactChange;
pub use credential::Credential;
pub use operator::{Operator, OperatorLogin};
pub use outbox::OutboxRow;
pub use pin::Pin;
pub use professional::{Entity, Invitation, PendingCitizen};
pub use reset::Reset;
pub use sad::Sad;
pub use session::{NewSession, Session};
