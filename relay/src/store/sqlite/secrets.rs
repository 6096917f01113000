//! Single-use secrets: the compare-and-set every attempt goes through, and the tables of
//! codes, SADs, PIN keys, resets, activations, contact changes, operator logins and
//! coordinate cards.

use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{SqliteArguments, SqliteRow};

use super::{SqliteStore, digests, flag, secret_state_of};
use crate::Error;
use crate::domain::{CredentialId, Digests};
use crate::identity::one_time::SecretState;
use crate::records::{Activation, Code, ContactChange, OperatorLogin, Pin, Reset, Sad, StoredCard};
use crate::store::{SecretRow, SecretStore};

type Query<'q> = sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments>;

fn select_sql(row: SecretRow<'_>) -> &'static str {
    match row {
        SecretRow::ActivationCode { .. } => {
            "SELECT activation_failures AS attempts, activation_code_hash IS NULL AS used
             FROM citizens WHERE id = ?"
        }
        SecretRow::ActivationSms { .. } => "SELECT attempts, used FROM activations WHERE id = ?",
        SecretRow::Code { .. } => "SELECT attempts, used FROM codes WHERE id = ?",
        SecretRow::Sad { .. } => "SELECT 0 AS attempts, used FROM sads WHERE sad_hash = ?",
        SecretRow::Reset { .. } => "SELECT attempts, used FROM resets WHERE id = ?",
        SecretRow::OperatorLogin { .. } => {
            "SELECT attempts, used FROM operator_logins WHERE id = ?"
        }
        SecretRow::Pin { .. } => "SELECT attempts, used FROM pins WHERE id = ?",
        SecretRow::ContactChange { .. } => {
            "SELECT attempts, used FROM contact_changes WHERE id = ?"
        }
    }
}

/// Parameters: new attempts, new used, key, old attempts, old used.
fn update_sql(row: SecretRow<'_>) -> &'static str {
    match row {
        // `used` of an activation code changes only when activation completes (in one
        // transaction with the account), never through this path (?2, ?5 unused).
        SecretRow::ActivationCode { .. } => {
            "UPDATE citizens SET activation_failures = ?1
             WHERE id = ?3 AND activation_failures = ?4 AND activation_code_hash IS NOT NULL
               AND ?2 = ?5"
        }
        SecretRow::ActivationSms { .. } => {
            "UPDATE activations SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
        }
        SecretRow::Code { .. } => {
            "UPDATE codes SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
        }
        // A SAD has no attempts (?1, ?4): it is found by its own hash, then consumed.
        SecretRow::Sad { .. } => "UPDATE sads SET used = ?2 WHERE sad_hash = ?3 AND used = ?5",
        SecretRow::Reset { .. } => {
            "UPDATE resets SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
        }
        SecretRow::OperatorLogin { .. } => {
            "UPDATE operator_logins SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
        }
        SecretRow::Pin { .. } => {
            "UPDATE pins SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
        }
        SecretRow::ContactChange { .. } => {
            "UPDATE contact_changes SET attempts = ?1, used = ?2 WHERE id = ?3 AND attempts = ?4 AND used = ?5"
        }
    }
}

/// Binds the row's key: text ids as text (SQLite never finds TEXT equal to a BLOB).
fn bind_key<'q>(row: SecretRow<'q>, query: Query<'q>) -> Query<'q> {
    match row {
        SecretRow::ActivationCode { citizen_id: id }
        | SecretRow::ActivationSms { id }
        | SecretRow::Code { id }
        | SecretRow::Reset { id }
        | SecretRow::OperatorLogin { id }
        | SecretRow::Pin { id }
        | SecretRow::ContactChange { id } => query.bind(id),
        SecretRow::Sad { hash } => query.bind(hash),
    }
}

/// Compare-and-set of a single-use secret's state through `conn` (the pool's, or a
/// transaction's): true if it was still `from`.
pub(super) async fn update_secret_on(
    conn: &mut sqlx::SqliteConnection,
    row: SecretRow<'_>,
    from: SecretState,
    to: SecretState,
) -> Result<bool, Error> {
    let query = sqlx::query(update_sql(row))
        .bind(i64::from(to.attempts))
        .bind(i64::from(to.used));
    let done = bind_key(row, query)
        .bind(i64::from(from.attempts))
        .bind(i64::from(from.used))
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

fn code_from_row(r: &SqliteRow) -> Result<Code, Error> {
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

fn sad_from_row(r: &SqliteRow) -> Result<Sad, Error> {
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

fn pin_from_row(r: &SqliteRow) -> Result<Pin, Error> {
    Ok(Pin {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        code_mac: r.try_get("code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn reset_from_row(r: &SqliteRow) -> Result<Reset, Error> {
    Ok(Reset {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        sms_code_mac: r.try_get("sms_code_mac")?,
        email_code_mac: r.try_get("email_code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn activation_from_row(r: &SqliteRow) -> Result<Activation, Error> {
    Ok(Activation {
        id: r.try_get("id")?,
        citizen_id: r.try_get("citizen_id")?,
        sms_code_mac: r.try_get("sms_code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn contact_change_from_row(r: &SqliteRow) -> Result<ContactChange, Error> {
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

fn operator_login_from_row(r: &SqliteRow) -> Result<OperatorLogin, Error> {
    Ok(OperatorLogin {
        id: r.try_get("id")?,
        operator_id: r.try_get("operator_id")?,
        code_mac: r.try_get("code_mac")?,
        state: secret_state_of(r)?,
        expires_at: r.try_get("expires_at")?,
    })
}

fn card_from_row(r: &SqliteRow) -> Result<StoredCard, Error> {
    Ok(StoredCard {
        serial: r.try_get("serial")?,
        value_macs: r.try_get("value_macs")?,
    })
}

#[async_trait]
impl SecretStore for SqliteStore {
    async fn secret_state(&self, row: SecretRow<'_>) -> Result<Option<SecretState>, Error> {
        let found = bind_key(row, sqlx::query(select_sql(row)))
            .fetch_optional(&self.pool)
            .await?;
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
        sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ? AND purpose = ? AND used = 0")
            .bind(&code.citizen_id)
            .bind(&code.purpose)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO codes (id, citizen_id, purpose, credential_id, code_mac, hashes, attempts,
                used, expires_at, created_at, card_position)
             VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?)",
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
            "SELECT * FROM codes WHERE citizen_id = ? AND purpose = ? AND used = 0
             ORDER BY created_at DESC, rowid DESC LIMIT 1",
        )
        .bind(citizen_id)
        .bind(purpose)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(code_from_row).transpose()
    }

    async fn code(&self, id: &str) -> Result<Option<Code>, Error> {
        let row = sqlx::query("SELECT * FROM codes WHERE id = ?")
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
            "INSERT INTO sads (sad_hash, credential_id, hashes, expires_at, used) VALUES (?, ?, ?, ?, 0)",
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
        let row = sqlx::query("SELECT * FROM sads WHERE sad_hash = ?")
            .bind(sad_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(sad_from_row).transpose()
    }

    // --- PIN keys, resets, activations ---

    async fn insert_pin(&self, pin: &Pin) -> Result<(), Error> {
        sqlx::query("INSERT INTO pins (id, citizen_id, code_mac, expires_at) VALUES (?, ?, ?, ?)")
            .bind(&pin.id)
            .bind(&pin.citizen_id)
            .bind(&pin.code_mac)
            .bind(pin.expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn pin(&self, id: &str) -> Result<Option<Pin>, Error> {
        let row = sqlx::query("SELECT * FROM pins WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(pin_from_row).transpose()
    }

    async fn insert_reset(&self, r: &Reset) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO resets (id, citizen_id, sms_code_mac, email_code_mac, expires_at)
             VALUES (?, ?, ?, ?, ?)",
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
        let row = sqlx::query("SELECT * FROM resets WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(reset_from_row).transpose()
    }

    async fn insert_activation(&self, a: &Activation) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO activations (id, citizen_id, sms_code_mac, attempts, expires_at, used)
             VALUES (?, ?, ?, 0, ?, 0)",
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
        let row = sqlx::query("SELECT * FROM activations WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(activation_from_row).transpose()
    }

    // --- contact changes ---

    async fn insert_contact_change(&self, c: &ContactChange, now: i64) -> Result<(), Error> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE contact_changes SET used = 1 WHERE citizen_id = ? AND used = 0")
            .bind(&c.citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO contact_changes (id, citizen_id, kind, old_value, new_value, code_mac,
                current_code_mac, takes_from, expires_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
        let row = sqlx::query("SELECT * FROM contact_changes WHERE id = ?")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(contact_change_from_row).transpose()
    }

    // --- operator logins ---

    async fn insert_operator_login(&self, l: &OperatorLogin) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO operator_logins (id, operator_id, code_mac, expires_at) VALUES (?, ?, ?, ?)",
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
        let row = sqlx::query("SELECT * FROM operator_logins WHERE id = ?")
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
        let done = sqlx::query(
            "UPDATE citizens SET second_factor = 'card' WHERE id = ? AND status = 'active'",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO coordinate_cards (citizen_id, serial, value_macs, created_at)
             VALUES (?, ?, ?, ?)
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
        sqlx::query("UPDATE codes SET used = 1 WHERE citizen_id = ? AND used = 0")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn card(&self, citizen_id: &str) -> Result<Option<StoredCard>, Error> {
        let row =
            sqlx::query("SELECT serial, value_macs FROM coordinate_cards WHERE citizen_id = ?")
                .bind(citizen_id)
                .fetch_optional(&self.pool)
                .await?;
        row.as_ref().map(card_from_row).transpose()
    }

    async fn drop_card(&self, citizen_id: &str) -> Result<bool, Error> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query(
            "UPDATE citizens SET second_factor = 'sms' WHERE id = ? AND second_factor = 'card'",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM coordinate_cards WHERE citizen_id = ?")
            .bind(citizen_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE codes SET used = 1 WHERE citizen_id = ? AND used = 0 AND card_position IS NOT NULL",
        )
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}
