//! Single-use secrets: the compare-and-set every attempt goes through, and the tables of
//! codes, SADs, PIN keys, resets, activations, contact changes, operator logins and
//! coordinate cards.

use async_trait::async_trait;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row};

use super::{PgStore, digests, flag, lock_citizen, secret_state_of};
use crate::Error;
use crate::domain::{CredentialId, Digests};
use crate::identity::one_time::SecretState;
use crate::records::{Activation, Code, ContactChange, OperatorLogin, Pin, Reset, Sad, StoredCard};
use crate::store::{SecretRow, SecretStore};

/// The SQL of the secrets that have `attempts` and `used` columns and a text `id`: reading the
/// state, and its compare-and-set (new attempts, new used, id, old attempts, old used).
fn counted_sql(row: SecretRow<'_>) -> Option<(&'static str, &'static str, &str)> {
    macro_rules! table {
        ($table:literal, $id:expr) => {
            Some((
                concat!("SELECT attempts, used FROM ", $table, " WHERE id = $1"),
                concat!(
                    "UPDATE ",
                    $table,
                    " SET attempts = $1, used = $2 WHERE id = $3 AND attempts = $4 AND used = $5"
                ),
                $id,
            ))
        };
    }
    match row {
        SecretRow::ActivationSms { id } => table!("activations", id),
        SecretRow::Code { id } => table!("codes", id),
        SecretRow::Reset { id } => table!("resets", id),
        SecretRow::OperatorLogin { id } => table!("operator_logins", id),
        SecretRow::Pin { id } => table!("pins", id),
        SecretRow::ContactChange { id } => table!("contact_changes", id),
        SecretRow::ActivationCode { .. } | SecretRow::Sad { .. } => None,
    }
}

/// Compare-and-set of a single-use secret's state through `conn` (the pool's, or a
/// transaction's): true if it was still `from`. One `UPDATE` whose `WHERE` names the state
/// read: a parallel writer of the same row waits for this one's commit, re-checks the
/// `WHERE` against the row as committed, and changes nothing — exactly one wins.
pub(super) async fn update_secret_on(
    conn: &mut PgConnection,
    row: SecretRow<'_>,
    from: SecretState,
    to: SecretState,
) -> Result<bool, Error> {
    let (to_attempts, from_attempts) = (i64::from(to.attempts), i64::from(from.attempts));
    let done = match row {
        // `used` of an activation code changes only when activation completes (in one
        // transaction with the account), never through this path.
        SecretRow::ActivationCode { citizen_id } => {
            if to.used != from.used {
                return Ok(false);
            }
            sqlx::query(
                "UPDATE citizens SET activation_failures = $1
                 WHERE id = $2 AND activation_failures = $3 AND activation_code_hash IS NOT NULL",
            )
            .bind(to_attempts)
            .bind(citizen_id)
            .bind(from_attempts)
            .execute(&mut *conn)
            .await?
        }
        // A SAD has no attempts: it is found by its own hash, then consumed.
        SecretRow::Sad { hash } => {
            sqlx::query("UPDATE sads SET used = $1 WHERE sad_hash = $2 AND used = $3")
                .bind(to.used)
                .bind(hash)
                .bind(from.used)
                .execute(&mut *conn)
                .await?
        }
        counted => {
            let Some((_, update, id)) = counted_sql(counted) else {
                return Err(Error::Internal("a secret row without a table".into()));
            };
            sqlx::query(update)
                .bind(to_attempts)
                .bind(to.used)
                .bind(id)
                .bind(from_attempts)
                .bind(from.used)
                .execute(&mut *conn)
                .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

fn code_from_row(r: &PgRow) -> Result<Code, Error> {
    let credential_id: Option<String> = r.try_get("credential_id")?;
    let hashes: Option<String> = r.try_get("hashes")?;
    Ok(Code {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        purpose: r.try_get("purpose")?,
        credential_id: credential_id.map(CredentialId::from_stored),
        code_mac: r.try_get("code_mac")?,
        hashes: hashes.as_deref().map(digests).transpose()?,
        card_position: r.try_get("card_position")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn sad_from_row(r: &PgRow) -> Result<Sad, Error> {
    let hashes: String = r.try_get("hashes")?;
    Ok(Sad {
        credential_id: CredentialId::from_stored(r.try_get("credential_id")?),
        digests: digests(&hashes)?,
        state: SecretState {
            attempts: 0,
            used: flag(r, "used")?,
        },
        expires_at: r.try_get("expires_at")?,
    })
}

fn pin_from_row(r: &PgRow) -> Result<Pin, Error> {
    Ok(Pin {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        code_mac: r.try_get("code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn reset_from_row(r: &PgRow) -> Result<Reset, Error> {
    Ok(Reset {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        sms_code_mac: r.try_get("sms_code_mac")?,
        email_code_mac: r.try_get("email_code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn activation_from_row(r: &PgRow) -> Result<Activation, Error> {
    Ok(Activation {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        sms_code_mac: r.try_get("sms_code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn contact_change_from_row(r: &PgRow) -> Result<ContactChange, Error> {
    Ok(ContactChange {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        kind: r.try_get("kind")?,
        old_value: r.try_get("old_value")?,
        new_value: r.try_get("new_value")?,
        code_mac: r.try_get("code_mac")?,
        current_code_mac: r.try_get("current_code_mac")?,
        takes_from: r.try_get("takes_from")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn operator_login_from_row(r: &PgRow) -> Result<OperatorLogin, Error> {
    Ok(OperatorLogin {
        id: r.try_get("id")?,
        operator_id: r.try_get("operator_id")?,
        code_mac: r.try_get("code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn card_from_row(r: &PgRow) -> Result<StoredCard, Error> {
    Ok(StoredCard {
        serial: r.try_get("serial")?,
        value_macs: r.try_get("value_macs")?,
    })
}

#[async_trait]
impl SecretStore for PgStore {
    async fn secret_state(&self, row: SecretRow<'_>) -> Result<Option<SecretState>, Error> {
        let found =
            match row {
                SecretRow::ActivationCode { citizen_id } => sqlx::query(
                    "SELECT activation_failures AS attempts, activation_code_hash IS NULL AS used
                     FROM citizens WHERE id = $1",
                )
                .bind(citizen_id)
                .fetch_optional(&self.pool)
                .await?,
                SecretRow::Sad { hash } => {
                    sqlx::query("SELECT 0::BIGINT AS attempts, used FROM sads WHERE sad_hash = $1")
                        .bind(hash)
                        .fetch_optional(&self.pool)
                        .await?
                }
                counted => {
                    let Some((select, _, id)) = counted_sql(counted) else {
                        return Err(Error::Internal("a secret row without a table".into()));
                    };
                    sqlx::query(select)
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?
                }
            };
        found.as_ref().map(secret_state_of).transpose()
    }

    async fn update_secret(
        &self,
        row: SecretRow<'_>,
        from: SecretState,
        to: SecretState,
    ) -> Result<bool, Error> {
        let mut conn = self.pool.acquire().await?;
        update_secret_on(&mut conn, row, from, to).await
    }

    // --- codes ---

    async fn replace_code(&self, code: &Code, now: i64) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        // Her row's lock first: two codes sent at once (on two relays) queue here, so the
        // second retires the first and only the newest stays live, as in SQLite.
        lock_citizen(&mut tx, &code.citizen_id).await?;
        sqlx::query(
            "UPDATE codes SET used = TRUE WHERE citizen_id = $1 AND purpose = $2 AND NOT used",
        )
        .bind(&code.citizen_id)
        .bind(&code.purpose)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO codes (id, citizen_id, purpose, credential_id, code_mac, hashes, attempts,
                used, expires_at, created_at, card_position)
             VALUES ($1, $2, $3, $4, $5, $6, 0, FALSE, $7, $8, $9)",
        )
        .bind(&code.id)
        .bind(&code.citizen_id)
        .bind(&code.purpose)
        .bind(code.credential_id.as_ref().map(CredentialId::as_str))
        .bind(&code.code_mac)
        .bind(code.hashes.as_ref().map(Digests::to_canonical))
        .bind(code.expires_at)
        .bind(now)
        .bind(&code.card_position)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn live_code(&self, citizen_id: &str, purpose: &str) -> Result<Option<Code>, Error> {
        let row = sqlx::query(
            "SELECT * FROM codes WHERE citizen_id = $1 AND purpose = $2 AND NOT used
             ORDER BY created_at DESC, n DESC LIMIT 1",
        )
        .bind(citizen_id)
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(code_from_row).transpose()
    }

    async fn code(&self, id: &str) -> Result<Option<Code>, Error> {
        let row = sqlx::query("SELECT * FROM codes WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(code_from_row).transpose()
    }

    // --- SADs ---

    async fn insert_sad(
        &self,
        sad_hash: &[u8],
        credential_id: &CredentialId,
        digests: &Digests,
        expires_at: i64,
    ) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO sads (sad_hash, credential_id, hashes, expires_at, used)
             VALUES ($1, $2, $3, $4, FALSE)",
        )
        .bind(sad_hash)
        .bind(credential_id.as_str())
        .bind(digests.to_canonical())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn sad(&self, sad_hash: &[u8]) -> Result<Option<Sad>, Error> {
        let row = sqlx::query("SELECT * FROM sads WHERE sad_hash = $1")
            .bind(sad_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(sad_from_row).transpose()
    }

    // --- PIN keys, resets, activations ---

    async fn insert_pin(&self, pin: &Pin) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO pins (id, citizen_id, code_mac, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&pin.id)
        .bind(&pin.citizen_id)
        .bind(&pin.code_mac)
        .bind(pin.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn pin(&self, id: &str) -> Result<Option<Pin>, Error> {
        let row = sqlx::query("SELECT * FROM pins WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(pin_from_row).transpose()
    }

    async fn insert_reset(&self, r: &Reset) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO resets (id, citizen_id, sms_code_mac, email_code_mac, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&r.id)
        .bind(&r.citizen_id)
        .bind(&r.sms_code_mac)
        .bind(&r.email_code_mac)
        .bind(r.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn reset(&self, id: &str) -> Result<Option<Reset>, Error> {
        let row = sqlx::query("SELECT * FROM resets WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(reset_from_row).transpose()
    }

    async fn insert_activation(&self, a: &Activation) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO activations (id, citizen_id, sms_code_mac, attempts, expires_at, used)
             VALUES ($1, $2, $3, 0, $4, FALSE)",
        )
        .bind(&a.id)
        .bind(&a.citizen_id)
        .bind(&a.sms_code_mac)
        .bind(a.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn activation(&self, id: &str) -> Result<Option<Activation>, Error> {
        let row = sqlx::query("SELECT * FROM activations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(activation_from_row).transpose()
    }

    // --- contact changes ---

    async fn insert_contact_change(&self, c: &ContactChange, now: i64) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        // Her row's lock first, so two changes asked at once leave only the newer pending.
        lock_citizen(&mut tx, &c.citizen_id).await?;
        sqlx::query("UPDATE contact_changes SET used = TRUE WHERE citizen_id = $1 AND NOT used")
            .bind(&c.citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO contact_changes (id, citizen_id, kind, old_value, new_value, code_mac,
                current_code_mac, takes_from, expires_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&c.id)
        .bind(&c.citizen_id)
        .bind(&c.kind)
        .bind(&c.old_value)
        .bind(&c.new_value)
        .bind(&c.code_mac)
        .bind(&c.current_code_mac)
        .bind(&c.takes_from)
        .bind(c.expires_at)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn contact_change(&self, id: &str) -> Result<Option<ContactChange>, Error> {
        let row = sqlx::query("SELECT * FROM contact_changes WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(contact_change_from_row).transpose()
    }

    // --- operator logins ---

    async fn insert_operator_login(&self, l: &OperatorLogin) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO operator_logins (id, operator_id, code_mac, expires_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&l.id)
        .bind(&l.operator_id)
        .bind(&l.code_mac)
        .bind(l.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn operator_login(&self, id: &str) -> Result<Option<OperatorLogin>, Error> {
        let row = sqlx::query("SELECT * FROM operator_logins WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(operator_login_from_row).transpose()
    }

    // --- coordinate cards ---

    async fn save_card(
        &self,
        citizen_id: &str,
        card: &StoredCard,
        now: i64,
    ) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        // The account's row first (its lock held to the commit), then the card and codes.
        let done = sqlx::query(
            "UPDATE citizens SET second_factor = 'card' WHERE id = $1 AND status = 'active'",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO coordinate_cards (citizen_id, serial, value_macs, created_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (citizen_id) DO UPDATE SET serial = excluded.serial,
                value_macs = excluded.value_macs, created_at = excluded.created_at",
        )
        .bind(citizen_id)
        .bind(&card.serial)
        .bind(&card.value_macs)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        // Codes asked from an earlier card, or sent by SMS, stop working.
        sqlx::query("UPDATE codes SET used = TRUE WHERE citizen_id = $1 AND NOT used")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn card(&self, citizen_id: &str) -> Result<Option<StoredCard>, Error> {
        let row =
            sqlx::query("SELECT serial, value_macs FROM coordinate_cards WHERE citizen_id = $1")
                .bind(citizen_id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(card_from_row).transpose()
    }

    async fn drop_card(&self, citizen_id: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        // Her row's lock first, even when she has no card, so a card saved meanwhile is
        // either dropped here or saved after: never half of each.
        lock_citizen(&mut tx, citizen_id).await?;
        let done = sqlx::query(
            "UPDATE citizens SET second_factor = 'sms' WHERE id = $1 AND second_factor = 'card'",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM coordinate_cards WHERE citizen_id = $1")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE codes SET used = TRUE
             WHERE citizen_id = $1 AND NOT used AND card_position IS NOT NULL",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
