//! Our own endpoints beside the CSC API: activation, levels and identity assertions, and the
//! citizen's credentials (`/api/v1`, `/.well-known/jwks.json`),
//! a professional certificate's six steps (`/api/v1/professional`), an entity's administrator
//! (`/entity/v1`), the registry office (`/office/v1`), the PKI (`/pki/*`), the service itself
//! (`/healthz`, `/openapi.json`) and, in dev mode, the outbox.

pub mod account;
pub mod activation;
pub mod credentials;
pub mod dev;
pub mod entity;
pub mod identity;
pub mod office;
pub mod pki;
pub mod professional;
pub mod service;
