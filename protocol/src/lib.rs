//! Wire types shared by the SDK (in the browser) and the relay (on the server), so both sides
//! agree by construction: CSC API v2 requests and answers, error codes, DNI/NIE identifiers and
//! the document verification code. Pure: no I/O, no clock.

pub mod api;
pub mod csc;
pub mod csc_v1;
pub mod error;
pub mod id_number;
pub mod lang;
pub mod level;
pub mod verification;

pub use error::{ErrorBody, ErrorCode};
pub use id_number::{IdNumber, IdNumberError};
pub use lang::Lang;
pub use level::{AuthKey, Level};
