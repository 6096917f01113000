//! Professional certificates (R6, R13): entities and invitations. Every step is a
//! compare-and-set on the invitation's row; the last one issues the certificate in the same
//! transaction that spends the invitation (and activates a new account).

use async_trait::async_trait;
use sqlx::Row;
use sqlx::postgres::PgRow;

use super::credentials::insert_credential_on;
use super::{PgStore, count, flag, is_unique_violation, lock_citizen, lock_email};
use crate::Error;
use crate::identity::invitation::{InvitationState, Step};
use crate::records::{Entity, Invitation, PendingCitizen};
use crate::store::{InvitationWrite, Issuance, MakeCredential, ProfessionalStore};

fn entity_from_row(r: &PgRow) -> Result<Entity, Error> {
    Ok(Entity {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        org_identifier: r.try_get("org_identifier")?,
    })
}

fn invitation_from_row(r: &PgRow) -> Result<Invitation, Error> {
    let step: String = r.try_get("step")?;
    Ok(Invitation {
        id: r.try_get("id")?,
        entity_id: r.try_get("entity_id")?,
        invited_by: r.try_get("invited_by")?,
        citizen_id: r.try_get("citizen_id")?,
        new_account: flag(r, "new_account")?,
        token_hash: r.try_get("token_hash")?,
        id_document_expiry: r.try_get("id_document_expiry")?,
        role: r.try_get("role")?,
        email: r.try_get("email")?,
        lang: r.try_get("lang")?,
        state: InvitationState {
            step: Step::parse(&step)
                .ok_or_else(|| Error::Internal(format!("unknown invitation step {step}")))?,
            attempts: count(r, "attempts")?,
            codes_sent: count(r, "codes_sent")?,
        },
        code_mac: r.try_get("code_mac")?,
        code_expires_at: r.try_get("code_expires_at")?,
        password_hash: r.try_get("password_hash")?,
        kek_salt: r.try_get("kek_salt")?,
        sealed_kek: r.try_get("sealed_kek")?,
        kek_of: r.try_get("kek_of")?,
        credential_id: r.try_get("credential_id")?,
        expires_at: r.try_get("expires_at")?,
        created_at: r.try_get("created_at")?,
        finished_at: r.try_get("finished_at")?,
    })
}

/// Compare-and-set of an invitation's state inside `conn`: true if `from` was still current.
async fn set_state(
    conn: &mut sqlx::PgConnection,
    id: &str,
    from: InvitationState,
    to: InvitationState,
    write: InvitationWrite<'_>,
) -> Result<bool, Error> {
    // One literal statement per kind of write: what each step may store beside the state.
    let sql = match write {
        InvitationWrite::State => {
            "UPDATE invitations SET step = $1, attempts = $2, codes_sent = $3
             WHERE id = $4 AND step = $5 AND attempts = $6 AND codes_sent = $7"
        }
        InvitationWrite::Code { .. } => {
            "UPDATE invitations SET step = $1, attempts = $2, codes_sent = $3,
                code_mac = $4, code_expires_at = $5
             WHERE id = $6 AND step = $7 AND attempts = $8 AND codes_sent = $9"
        }
        InvitationWrite::Password { .. } => {
            "UPDATE invitations SET step = $1, attempts = $2, codes_sent = $3,
                password_hash = $4, kek_salt = $5, sealed_kek = $6, kek_of = $7
             WHERE id = $8 AND step = $9 AND attempts = $10 AND codes_sent = $11"
        }
        InvitationWrite::Finished { .. } => {
            "UPDATE invitations SET step = $1, attempts = $2, codes_sent = $3, finished_at = $4
             WHERE id = $5 AND step = $6 AND attempts = $7 AND codes_sent = $8"
        }
    };
    let mut query = sqlx::query(sql)
        .bind(to.step.as_str())
        .bind(i64::from(to.attempts))
        .bind(i64::from(to.codes_sent));
    query = match write {
        InvitationWrite::State => query,
        InvitationWrite::Code { mac, expires_at } => query.bind(mac).bind(expires_at),
        InvitationWrite::Password {
            password_hash,
            kek_salt,
            sealed_kek,
            kek_of,
        } => query
            .bind(password_hash)
            .bind(kek_salt)
            .bind(sealed_kek)
            .bind(kek_of),
        InvitationWrite::Finished { at } => query.bind(at),
    };
    let done = query
        .bind(id)
        .bind(from.step.as_str())
        .bind(i64::from(from.attempts))
        .bind(i64::from(from.codes_sent))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

#[async_trait]
impl ProfessionalStore for PgStore {
    async fn insert_entity(&self, e: &Entity, now: i64) -> Result<(), Error> {
        let done = sqlx::query(
            "INSERT INTO entities (id, name, org_identifier, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&e.id)
        .bind(&e.name)
        .bind(&e.org_identifier)
        .bind(now)
        .execute(&self.pool)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(Error::Conflict(
                "an entity with this organization identifier exists",
            )),
            Err(e) => Err(e.into()),
        }
    }

    async fn entity_by_org_identifier(&self, org: &str) -> Result<Option<Entity>, Error> {
        let row = sqlx::query("SELECT * FROM entities WHERE org_identifier = $1")
            .bind(org)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(entity_from_row).transpose()
    }

    async fn entity(&self, id: &str) -> Result<Option<Entity>, Error> {
        let row = sqlx::query("SELECT * FROM entities WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(entity_from_row).transpose()
    }

    async fn insert_invitation(
        &self,
        i: &Invitation,
        new_citizen: Option<&PendingCitizen>,
    ) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        if let Some(c) = new_citizen {
            // R23 under the address's lock, as every write of an email (see `lock_email`).
            lock_email(&mut tx, &c.email).await?;
            // No activation code: she activates through the invitation's steps, not the
            // office's letter (the office can still make her one, R10).
            let done = sqlx::query(
                "INSERT INTO citizens (id, id_number, given_name, surname, birth_date, phone, email,
                    status, activation_code_hash, activation_expires_at, created_at)
                 SELECT $1, $2, $3, $4, $5, $6, $7, 'pending_activation', NULL, $8, $9
                 WHERE NOT EXISTS (SELECT 1 FROM citizens WHERE lower(email) = lower($10)
                     AND status <> 'revoked' AND (expires_at IS NULL OR expires_at > $11))",
            )
            .bind(&c.id)
            .bind(&c.id_number)
            .bind(&c.given_name)
            .bind(&c.surname)
            .bind(&c.birth_date)
            .bind(&c.phone)
            .bind(&c.email)
            .bind(i.expires_at)
            .bind(c.created_at)
            .bind(&c.email)
            .bind(c.created_at)
            .execute(&mut *tx)
            .await;
            match done {
                // Another live account has this email (R23).
                Ok(done) if done.rows_affected() == 0 => {
                    return Err(Error::Conflict(
                        "this email address is on another account; an address can belong to one person only (R23)",
                    ));
                }
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(Error::Conflict(
                        "this mobile phone belongs to another person's account (one phone per account)",
                    ));
                }
                Err(e) => return Err(e.into()),
            }
        }
        sqlx::query(
            "INSERT INTO invitations (id, entity_id, invited_by, citizen_id, new_account, token_hash,
                id_document_expiry, role, email, lang, step, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(&i.id)
        .bind(&i.entity_id)
        .bind(&i.invited_by)
        .bind(&i.citizen_id)
        .bind(i.new_account)
        .bind(&i.token_hash)
        .bind(&i.id_document_expiry)
        .bind(&i.role)
        .bind(&i.email)
        .bind(&i.lang)
        .bind(i.state.step.as_str())
        .bind(i.expires_at)
        .bind(i.created_at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn invitation(&self, id: &str) -> Result<Option<Invitation>, Error> {
        let row = sqlx::query("SELECT * FROM invitations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(invitation_from_row).transpose()
    }

    async fn invitations_of_entity(&self, entity_id: &str) -> Result<Vec<Invitation>, Error> {
        let rows = sqlx::query(
            "SELECT * FROM invitations WHERE entity_id = $1 ORDER BY created_at DESC, id",
        )
        .bind(entity_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(invitation_from_row).collect()
    }

    async fn advance_invitation(
        &self,
        id: &str,
        from: InvitationState,
        to: InvitationState,
        write: InvitationWrite<'_>,
    ) -> Result<bool, Error> {
        let mut conn = self.pool.acquire().await?;
        set_state(&mut conn, id, from, to, write).await
    }

    async fn issue_professional(
        &self,
        invitation: &Invitation,
        from: InvitationState,
        to: InvitationState,
        account_expires_at: i64,
        now: i64,
        make: MakeCredential<'_>,
    ) -> Result<Issuance, Error> {
        let mut tx = self.pool.begin().await?;
        // Her account row first (the order of every account transaction): nothing changes
        // her account between the check below and the commit.
        lock_citizen(&mut tx, &invitation.citizen_id).await?;
        if !set_state(
            &mut tx,
            &invitation.id,
            from,
            to,
            InvitationWrite::Finished { at: now },
        )
        .await?
        {
            return Ok(Issuance::Lost);
        }
        let account = if invitation.new_account {
            sqlx::query(
                "UPDATE citizens SET status = 'active', password_failures = 0, otp_failures = 0,
                    password_hash = $1, kek_salt = $2, activation_code_hash = NULL, expires_at = $3
                 WHERE id = $4 AND status = 'pending_activation'",
            )
            .bind(&invitation.password_hash)
            .bind(&invitation.kek_salt)
            .bind(account_expires_at)
            .bind(&invitation.citizen_id)
            .execute(&mut *tx)
            .await?
        } else {
            // Her key is sealed under the KEK of the password she gave at step 4: it must still
            // be her password, and the account still active (its row is locked above; a
            // SELECT counts its rows as an UPDATE does).
            sqlx::query(
                "SELECT id FROM citizens WHERE id = $1 AND status = 'active' AND password_hash = $2",
            )
            .bind(&invitation.citizen_id)
            .bind(&invitation.kek_of)
            .execute(&mut *tx)
            .await?
        };
        if account.rows_affected() != 1 {
            return Ok(Issuance::AccountMoved);
        }
        // `make` must not use the store: this transaction holds her account's row lock.
        let credential = make()?;
        insert_credential_on(&mut tx, &credential, now).await?;
        sqlx::query("UPDATE invitations SET credential_id = $1 WHERE id = $2")
            .bind(credential.id.as_str())
            .bind(&invitation.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Issuance::Issued(credential))
    }
}
