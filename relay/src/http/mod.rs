//! The HTTP layer's building blocks, below every handler: the error answer (`error`), the JSON
//! extractor with CSC-shaped rejections (`json`) and the caller extractors (`extract`). Routes
//! are assembled above the handlers, in `router`.

pub mod error;
pub mod extract;
pub mod json;

pub use error::ApiError;
pub use extract::{
    BasicCredentials, CitizenSession, ClientAddress, EntityAdmin, IdentifiedSession, Operator,
    PasswordChangeSession, PreferredLang, RequestOrigin,
};
pub use json::Json;
