//! Professional certificates (R6, R13): entities, and the invitations whose six steps live in
//! one record. Every step is a compare-and-set on the invitation's state; the last one issues
//! the certificate in the same transaction that spends the invitation (and activates a new
//! account).

use async_trait::async_trait;

use crate::Error;
use crate::identity::invitation::InvitationState;
use crate::records::{Credential, Entity, Invitation, PendingCitizen};

/// What a step writes beside the new state.
#[derive(Debug, Clone, Copy)]
pub enum InvitationWrite<'a> {
    /// Only the state.
    State,
    /// A new SMS code replaces the live one.
    Code { mac: &'a [u8], expires_at: i64 },
    /// Step 4: her KEK sealed under the token; for a new account the verifier and KEK salt
    /// chosen, for an existing one the verifier the KEK belongs to.
    Password {
        password_hash: Option<&'a str>,
        kek_salt: Option<&'a [u8]>,
        sealed_kek: &'a [u8],
        kek_of: Option<&'a str>,
    },
    /// Made void.
    Finished { at: i64 },
}

/// How the issuing transaction ended.
#[derive(Debug)]
pub enum Issuance {
    Issued(Credential),
    /// The invitation's state changed since it was read (a parallel call was first).
    Lost,
    /// Her account changed since step 4 (activated elsewhere, its password changed, blocked
    /// or revoked): nothing was written.
    AccountMoved,
}

/// Builds the credential step 6 issues (key and certificate), called inside the issuing
/// transaction once the invitation is won. It must not use the store.
pub type MakeCredential<'a> = Box<dyn FnOnce() -> Result<Credential, Error> + Send + 'a>;

#[async_trait]
pub trait ProfessionalStore: Send + Sync {
    /// A new entity; an organization identifier already taken is a conflict.
    async fn insert_entity(&self, e: &Entity, now: i64) -> Result<(), Error>;

    async fn entity_by_org_identifier(&self, org: &str) -> Result<Option<Entity>, Error>;

    async fn entity(&self, id: &str) -> Result<Option<Entity>, Error>;

    /// The invitation, and her pending account when the invitation makes it, in one
    /// transaction. A phone or ID number already taken (R5, R8), or an email on another live
    /// account (R23), is a conflict.
    async fn insert_invitation(
        &self,
        i: &Invitation,
        new_citizen: Option<&PendingCitizen>,
    ) -> Result<(), Error>;

    async fn invitation(&self, id: &str) -> Result<Option<Invitation>, Error>;

    /// An entity's invitations, newest first.
    async fn invitations_of_entity(&self, entity_id: &str) -> Result<Vec<Invitation>, Error>;

    /// Compare-and-set of an invitation's state, with what the step writes beside it.
    async fn advance_invitation(
        &self,
        id: &str,
        from: InvitationState,
        to: InvitationState,
        write: InvitationWrite<'_>,
    ) -> Result<bool, Error>;

    /// Step 6: in one transaction, the invitation goes from `from` to `to` (issued), her new
    /// account is activated with the password of step 4 (or her existing account is checked
    /// to be as step 4 found it), and the credential `make` builds is stored. `make` runs only
    /// once the invitation is won, so a parallel call that lost signs no certificate.
    async fn issue_professional(
        &self,
        invitation: &Invitation,
        from: InvitationState,
        to: InvitationState,
        account_expires_at: i64,
        now: i64,
        make: MakeCredential<'_>,
    ) -> Result<Issuance, Error>;
}
