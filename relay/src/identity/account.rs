//! Account status as a pure state machine: one transition function, tested as a full
//! state × event table. The store applies a transition with a compare-and-set update.

use crate::limits::MAX_FAILED_ATTEMPTS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Registered at the office; waiting for the citizen to activate (R12).
    PendingActivation,
    Active,
    /// Too many failed password/OTP entries (R20); only a password reset unblocks it.
    Blocked,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingActivation => "pending_activation",
            Self::Active => "active",
            Self::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending_activation" => Some(Self::PendingActivation),
            "active" => Some(Self::Active),
            "blocked" => Some(Self::Blocked),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    pub status: AccountStatus,
    /// Consecutive wrong passwords or OTPs since the last success.
    pub failed_attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountEvent {
    /// Activation completed with SMS code and a new password.
    Activated,
    /// A wrong password or OTP.
    FactorRejected,
    /// A right password or OTP.
    FactorAccepted,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionRefused {
    NotActive,
    Blocked,
    AlreadyActive,
}

pub fn transition(
    state: AccountState,
    event: AccountEvent,
) -> Result<AccountState, TransitionRefused> {
    use AccountEvent::*;
    use AccountStatus::*;
    match (state.status, event) {
        (PendingActivation, Activated) => Ok(AccountState {
            status: Active,
            failed_attempts: 0,
        }),
        (PendingActivation, FactorRejected | FactorAccepted) => Err(TransitionRefused::NotActive),
        (Active, Activated) => Err(TransitionRefused::AlreadyActive),
        (Active, FactorAccepted) => Ok(AccountState {
            status: Active,
            failed_attempts: 0,
        }),
        (Active, FactorRejected) => {
            let failed_attempts = state.failed_attempts.saturating_add(1);
            let status = if failed_attempts >= MAX_FAILED_ATTEMPTS {
                Blocked
            } else {
                Active
            };
            Ok(AccountState {
                status,
                failed_attempts,
            })
        }
        (Blocked, _) => Err(TransitionRefused::Blocked),
    }
}

impl AccountState {
    /// Wrong entries the citizen may still make before the account blocks.
    pub fn attempts_left(self) -> u32 {
        MAX_FAILED_ATTEMPTS.saturating_sub(self.failed_attempts)
    }
}

#[cfg(test)]
mod tests {
    use super::AccountEvent::*;
    use super::AccountStatus::*;
    use super::*;

    fn st(status: AccountStatus, failed_attempts: u32) -> AccountState {
        AccountState {
            status,
            failed_attempts,
        }
    }

    #[test]
    fn full_state_event_table() {
        let table: &[(
            AccountState,
            AccountEvent,
            Result<AccountState, TransitionRefused>,
        )] = &[
            (st(PendingActivation, 0), Activated, Ok(st(Active, 0))),
            (
                st(PendingActivation, 0),
                FactorRejected,
                Err(TransitionRefused::NotActive),
            ),
            (
                st(PendingActivation, 0),
                FactorAccepted,
                Err(TransitionRefused::NotActive),
            ),
            (
                st(Active, 0),
                Activated,
                Err(TransitionRefused::AlreadyActive),
            ),
            (st(Active, 3), FactorAccepted, Ok(st(Active, 0))),
            (st(Active, 0), FactorRejected, Ok(st(Active, 1))),
            (st(Active, 3), FactorRejected, Ok(st(Active, 4))),
            (st(Active, 4), FactorRejected, Ok(st(Blocked, 5))),
            (st(Blocked, 5), Activated, Err(TransitionRefused::Blocked)),
            (
                st(Blocked, 5),
                FactorRejected,
                Err(TransitionRefused::Blocked),
            ),
            (
                st(Blocked, 5),
                FactorAccepted,
                Err(TransitionRefused::Blocked),
            ),
        ];
        for (from, event, expected) in table {
            assert_eq!(transition(*from, *event), *expected, "{from:?} + {event:?}");
        }
    }

    #[test]
    fn the_fifth_wrong_entry_blocks() {
        let mut state = st(Active, 0);
        for n in 1..=5 {
            state = transition(state, FactorRejected).expect("still active before");
            assert_eq!(state.status == Blocked, n == 5, "after {n} wrong entries");
        }
        assert_eq!(state.attempts_left(), 0);
    }

    #[test]
    fn status_names_round_trip() {
        for s in [PendingActivation, Active, Blocked] {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AccountStatus::parse("deleted"), None);
    }
}
