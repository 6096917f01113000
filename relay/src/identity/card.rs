//! The legacy coordinate card (R21): 16 positions, A1 … D4, each with a 3-digit number, printed
//! for accounts that had one before SMS codes. Instead of an SMS code the relay asks for the
//! number at one position drawn at random each time; the answer is judged like an SMS code
//! (three entries per code, five for the account, R20). The relay keeps only a MAC of each
//! number. She can switch to SMS codes in her panel (R26), and renewal replaces the card (R25).

use nubefirma_protocol::IdNumber;
use serde_json::json;

use super::session::Session;
use crate::audit::Event;
use crate::crypto::{random_bytes, random_digits};
use crate::records::{Citizen, StoredCard};
use crate::{Error, Relay};

/// The positions, in the order the card prints them and the store keeps their MACs.
pub const POSITIONS: [&str; 16] = [
    "A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "C4", "D1", "D2", "D3", "D4",
];

const MAC_BYTES: usize = 32;

/// The MAC context of a position's number: her account and the position.
pub(crate) fn card_context(citizen_id: &str, position: &str) -> String {
    format!("card:{citizen_id}:{position}")
}

/// A card just made: what is printed for her, once.
pub struct PrintedCard {
    pub serial: String,
    /// Position and number, A1 … D4.
    pub numbers: Vec<(&'static str, String)>,
}

/// A position drawn uniformly (16 divides 256: no bias).
fn random_position() -> (usize, &'static str) {
    let i = usize::from(random_bytes::<1>()[0]) % POSITIONS.len();
    (i, POSITIONS[i])
}

impl Relay {
    /// `nubefirma-relay office issue-card`: a new card for an active account (an old one's
    /// replacement, or a legacy account brought over); its numbers are returned to print, once.
    pub async fn issue_card(&self, identifier: &str, operator: &str) -> Result<PrintedCard, Error> {
        let id_number: IdNumber = identifier
            .parse()
            .map_err(|e| Error::InvalidRequest(format!("idNumber: {e}")))?;
        let citizen = self
            .store
            .citizen_by_id_number(id_number.as_str())
            .await?
            .ok_or_else(|| Error::InvalidRequest("idNumber: no account with this ID".into()))?;
        let numbers: Vec<(&'static str, String)> =
            POSITIONS.iter().map(|p| (*p, random_digits(3))).collect();
        let mut value_macs = Vec::with_capacity(POSITIONS.len() * MAC_BYTES);
        for (position, number) in &numbers {
            value_macs.extend(
                self.custody
                    .code_mac(&card_context(&citizen.id, position), number)?,
            );
        }
        let serial = random_digits(8);
        if !self
            .store
            .save_card(
                &citizen.id,
                &StoredCard {
                    serial: serial.clone(),
                    value_macs,
                },
                self.now(),
            )
            .await?
        {
            return Err(Error::Conflict("a card goes only to an active account"));
        }
        self.audit(
            Event::new("card_issued")
                .citizen(&citizen.id)
                .operator(operator)
                .detail(json!({ "serial": serial })),
        )
        .await?;
        Ok(PrintedCard { serial, numbers })
    }

    /// A position to ask instead of an SMS code, and the MAC its number must match.
    pub(crate) async fn card_challenge(
        &self,
        citizen: &Citizen,
    ) -> Result<(Vec<u8>, &'static str), Error> {
        let card = self
            .store
            .card(&citizen.id)
            .await?
            .filter(|c| c.value_macs.len() == POSITIONS.len() * MAC_BYTES)
            .ok_or_else(|| Error::Internal("card account without a usable card".into()))?;
        let (i, position) = random_position();
        Ok((
            card.value_macs[i * MAC_BYTES..(i + 1) * MAC_BYTES].to_vec(),
            position,
        ))
    }

    /// `POST /api/v1/account/second-factor`: she drops her card for SMS codes (R21, R26), with
    /// her password again (counted toward R20).
    pub async fn switch_to_sms(&self, session: &Session, password_text: &str) -> Result<(), Error> {
        let citizen = self.citizen_of(session).await?;
        if citizen.second_factor != "card" {
            return Err(Error::Conflict("your second factor is already SMS codes"));
        }
        self.check_password_again(&citizen, password_text).await?;
        self.store.drop_card(&citizen.id).await?;
        self.audit(
            Event::new("second_factor_changed")
                .citizen(&citizen.id)
                .detail(json!({ "from": "card", "to": "sms", "why": "her choice" })),
        )
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_positions_letters_with_numbers() {
        assert_eq!(POSITIONS.len(), 16);
        let unique: std::collections::HashSet<_> = POSITIONS.iter().collect();
        assert_eq!(unique.len(), 16);
        assert!(POSITIONS.iter().all(|p| {
            let b = p.as_bytes();
            b.len() == 2 && (b'A'..=b'D').contains(&b[0]) && (b'1'..=b'4').contains(&b[1])
        }));
    }

    #[test]
    fn positions_are_drawn_from_all_sixteen() {
        let seen: std::collections::HashSet<_> = (0..2000).map(|_| random_position().1).collect();
        assert_eq!(seen.len(), 16);
    }
}
