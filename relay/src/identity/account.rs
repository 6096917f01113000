//! Account status as a pure state machine: one transition function, tested as a full
//! state × event table. The store applies a transition with a compare-and-set update.
//!
//! R20: five wrong entries in a row (passwords and second-factor codes together) block the
//! account. An entry is *reserved* before it is judged (`PasswordTry`, `OtpTry`), so parallel
//! guesses never judge more than the budget left. A right password clears only password
//! failures: second-factor failures survive new logins, and only a right second factor (which
//! needs the password too) clears them.

use crate::limits::MAX_FAILED_ATTEMPTS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// Registered at the office; waiting for the citizen to activate (R12).
    PendingActivation,
    Active,
    /// Too many failed password/OTP entries (R20); only a password reset unblocks it.
    Blocked,
    /// Revoked by her or by an operator (R24): final. She can register again as a new account.
    Revoked,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::PendingActivation => "pending_activation",
            Self::Active => "active",
            Self::Blocked => "blocked",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending_activation" => Some(Self::PendingActivation),
            "active" => Some(Self::Active),
            "blocked" => Some(Self::Blocked),
            "revoked" => Some(Self::Revoked),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountState {
    pub status: AccountStatus,
    /// Password entries reserved or judged wrong since the last right password.
    pub password_failures: u32,
    /// Second-factor entries reserved or judged wrong since the last right second factor.
    pub otp_failures: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountEvent {
    /// Activation completed with SMS code and a new password.
    Activated,
    /// A password is about to be judged: reserve one entry of the budget.
    PasswordTry,
    PasswordRejected,
    PasswordAccepted,
    /// A second-factor code is about to be judged: reserve one entry of the budget.
    OtpTry,
    OtpRejected,
    OtpAccepted,
    /// Her password was reset (R20): with the proof the reset asked for, it unblocks.
    PasswordReset,
    /// She, or an operator, revoked the account (R24).
    Revoke,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionRefused {
    NotActive,
    /// Blocked, or the whole budget is reserved by entries being judged right now.
    Blocked,
    AlreadyActive,
    Revoked,
}

impl AccountState {
    pub const PENDING: Self = Self {
        status: AccountStatus::PendingActivation,
        password_failures: 0,
        otp_failures: 0,
    };

    fn failures(self) -> u32 {
        self.password_failures.saturating_add(self.otp_failures)
    }

    /// Wrong entries the citizen may still make before the account blocks.
    pub fn attempts_left(self) -> u32 {
        MAX_FAILED_ATTEMPTS.saturating_sub(self.failures())
    }

    fn with(self, password_failures: u32, otp_failures: u32) -> Self {
        let status = if self.status == AccountStatus::Active
            && password_failures.saturating_add(otp_failures) >= MAX_FAILED_ATTEMPTS
        {
            AccountStatus::Blocked
        } else {
            self.status
        };
        Self {
            status,
            password_failures,
            otp_failures,
        }
    }
}

pub fn transition(
    state: AccountState,
    event: AccountEvent,
) -> Result<AccountState, TransitionRefused> {
    use AccountEvent::*;
    use AccountStatus::*;
    let (p, o) = (state.password_failures, state.otp_failures);
    match (state.status, event) {
        (Revoked, _) => Err(TransitionRefused::Revoked),
        (_, Revoke) => Ok(AccountState {
            status: Revoked,
            password_failures: 0,
            otp_failures: 0,
        }),
        (Active | Blocked, PasswordReset) => Ok(AccountState {
            status: Active,
            password_failures: 0,
            otp_failures: 0,
        }),
        (PendingActivation, Activated) => Ok(AccountState {
            status: Active,
            password_failures: 0,
            otp_failures: 0,
        }),
        (PendingActivation, _) => Err(TransitionRefused::NotActive),
        (Active, Activated) => Err(TransitionRefused::AlreadyActive),
        (Blocked, _) => Err(TransitionRefused::Blocked),
        (Active, PasswordTry | OtpTry) if state.attempts_left() == 0 => {
            Err(TransitionRefused::Blocked)
        }
        // A reservation never blocks by itself: the entry may be right.
        (Active, PasswordTry) => Ok(AccountState {
            password_failures: p + 1,
            ..state
        }),
        (Active, OtpTry) => Ok(AccountState {
            otp_failures: o + 1,
            ..state
        }),
        // The failure was counted by the reservation; a wrong entry that used up the budget blocks.
        (Active, PasswordRejected | OtpRejected) => Ok(state.with(p, o)),
        (Active, PasswordAccepted) => Ok(state.with(0, o)),
        (Active, OtpAccepted) => Ok(state.with(0, 0)),
    }
}

#[cfg(test)]
mod tests {
    use super::AccountEvent::*;
    use super::AccountStatus::*;
    use super::TransitionRefused as No;
    use super::*;

    fn st(status: AccountStatus, password_failures: u32, otp_failures: u32) -> AccountState {
        AccountState {
            status,
            password_failures,
            otp_failures,
        }
    }

    #[test]
    fn full_state_event_table() {
        let pending = st(PendingActivation, 0, 0);
        let table: &[(AccountState, AccountEvent, Result<AccountState, No>)] = &[
            (pending, Activated, Ok(st(Active, 0, 0))),
            (pending, PasswordTry, Err(No::NotActive)),
            (pending, PasswordRejected, Err(No::NotActive)),
            (pending, PasswordAccepted, Err(No::NotActive)),
            (pending, OtpTry, Err(No::NotActive)),
            (pending, OtpRejected, Err(No::NotActive)),
            (pending, OtpAccepted, Err(No::NotActive)),
            (st(Active, 0, 0), Activated, Err(No::AlreadyActive)),
            (st(Active, 1, 2), PasswordTry, Ok(st(Active, 2, 2))),
            (st(Active, 4, 0), PasswordTry, Ok(st(Active, 5, 0))),
            (st(Active, 3, 2), PasswordTry, Err(No::Blocked)),
            (st(Active, 2, 2), PasswordRejected, Ok(st(Active, 2, 2))),
            (st(Active, 3, 2), PasswordRejected, Ok(st(Blocked, 3, 2))),
            (st(Active, 3, 2), PasswordAccepted, Ok(st(Active, 0, 2))),
            (st(Active, 1, 1), OtpTry, Ok(st(Active, 1, 2))),
            (st(Active, 0, 5), OtpTry, Err(No::Blocked)),
            (st(Active, 1, 4), OtpRejected, Ok(st(Blocked, 1, 4))),
            (st(Active, 1, 2), OtpRejected, Ok(st(Active, 1, 2))),
            (st(Active, 1, 4), OtpAccepted, Ok(st(Active, 0, 0))),
            (st(Blocked, 3, 2), Activated, Err(No::Blocked)),
            (st(Blocked, 3, 2), PasswordTry, Err(No::Blocked)),
            (st(Blocked, 3, 2), PasswordAccepted, Err(No::Blocked)),
            (st(Blocked, 3, 2), OtpTry, Err(No::Blocked)),
            (st(Blocked, 3, 2), OtpAccepted, Err(No::Blocked)),
            // R20: a reset unblocks and clears both budgets; a pending account has no password.
            (st(Blocked, 3, 2), PasswordReset, Ok(st(Active, 0, 0))),
            (st(Active, 1, 1), PasswordReset, Ok(st(Active, 0, 0))),
            (pending, PasswordReset, Err(No::NotActive)),
            // R24: any account can be revoked, once; nothing happens to a revoked one.
            (pending, Revoke, Ok(st(Revoked, 0, 0))),
            (st(Active, 1, 0), Revoke, Ok(st(Revoked, 0, 0))),
            (st(Blocked, 3, 2), Revoke, Ok(st(Revoked, 0, 0))),
            (st(Revoked, 0, 0), Revoke, Err(No::Revoked)),
            (st(Revoked, 0, 0), PasswordTry, Err(No::Revoked)),
            (st(Revoked, 0, 0), PasswordReset, Err(No::Revoked)),
            (st(Revoked, 0, 0), Activated, Err(No::Revoked)),
        ];
        for (from, event, expected) in table {
            assert_eq!(transition(*from, *event), *expected, "{from:?} + {event:?}");
        }
    }

    fn wrong(state: AccountState, try_: AccountEvent, reject: AccountEvent) -> AccountState {
        let reserved = transition(state, try_).expect("budget left");
        transition(reserved, reject).expect("judged")
    }

    #[test]
    fn the_fifth_wrong_entry_blocks_passwords_and_codes_together() {
        let mut state = st(Active, 0, 0);
        for n in 1..=5 {
            state = if n % 2 == 0 {
                wrong(state, OtpTry, OtpRejected)
            } else {
                wrong(state, PasswordTry, PasswordRejected)
            };
            assert_eq!(state.status == Blocked, n == 5, "after {n} wrong entries");
        }
        assert_eq!(state.attempts_left(), 0);
    }

    #[test]
    fn a_right_password_does_not_refill_the_second_factor_budget() {
        let mut state = st(Active, 0, 0);
        for _ in 0..4 {
            state = wrong(state, OtpTry, OtpRejected);
        }
        let relogged = transition(
            transition(state, PasswordTry).expect("try"),
            PasswordAccepted,
        )
        .expect("right password");
        assert_eq!(relogged.attempts_left(), 1);
        assert_eq!(wrong(relogged, OtpTry, OtpRejected).status, Blocked);
    }

    #[test]
    fn status_names_round_trip() {
        for s in [PendingActivation, Active, Blocked, Revoked] {
            assert_eq!(AccountStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AccountStatus::parse("deleted"), None);
    }
}
