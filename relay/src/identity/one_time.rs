//! Single-use secrets as one pure state machine: the signing OTP, the SAD, the certificate
//! challenge's SMS code and the activation SMS code all live, are tried, get used or die by the
//! same rules. Tested as a full state × event table, like `account`.
//!
//! An attempt is counted *before* the code is judged (`Try`), and the store applies each
//! transition with compare-and-set, so N parallel guesses can never judge more codes than the
//! budget left.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretState {
    /// Entries tried so far (right or wrong).
    pub attempts: u32,
    pub used: bool,
}

/// The fixed facts of one secret: when it dies, and how many entries it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecretPolicy {
    pub expires_at: i64,
    pub max_attempts: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretEvent {
    /// Someone is about to compare a code with this secret: reserve one attempt.
    Try { now: i64 },
    /// The code tried was right: the secret is spent.
    Accept,
    /// Spend the secret without a code (a SAD is its own proof: it is looked up by its hash).
    Consume { now: i64 },
    /// The code tried was right but the secret lives on (an activation code opens the SMS step
    /// and stays valid until activation completes): give the reserved attempt back.
    Refund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRefused {
    Used,
    Expired,
    /// No attempts left: the secret is dead.
    Exhausted,
}

pub fn transition(
    state: SecretState,
    policy: SecretPolicy,
    event: SecretEvent,
) -> Result<SecretState, SecretRefused> {
    if state.used {
        return Err(SecretRefused::Used);
    }
    match event {
        SecretEvent::Try { now } | SecretEvent::Consume { now } if now > policy.expires_at => {
            Err(SecretRefused::Expired)
        }
        SecretEvent::Try { .. } if state.attempts >= policy.max_attempts => {
            Err(SecretRefused::Exhausted)
        }
        SecretEvent::Try { .. } => Ok(SecretState {
            attempts: state.attempts + 1,
            used: false,
        }),
        SecretEvent::Accept | SecretEvent::Consume { .. } => Ok(SecretState {
            attempts: state.attempts,
            used: true,
        }),
        SecretEvent::Refund => Ok(SecretState {
            attempts: state.attempts.saturating_sub(1),
            used: false,
        }),
    }
}

impl SecretState {
    pub const FRESH: Self = Self {
        attempts: 0,
        used: false,
    };

    /// Entries left before the secret dies.
    pub fn attempts_left(self, policy: SecretPolicy) -> u32 {
        policy.max_attempts.saturating_sub(self.attempts)
    }
}

#[cfg(test)]
mod tests {
    use super::SecretEvent::*;
    use super::SecretRefused::*;
    use super::*;

    const POLICY: SecretPolicy = SecretPolicy {
        expires_at: 100,
        max_attempts: 3,
    };

    fn st(attempts: u32, used: bool) -> SecretState {
        SecretState { attempts, used }
    }

    #[test]
    fn full_state_event_table() {
        let live = Try { now: 100 };
        let late = Try { now: 101 };
        let table: &[(SecretState, SecretEvent, Result<SecretState, SecretRefused>)] = &[
            (st(0, false), live, Ok(st(1, false))),
            (st(2, false), live, Ok(st(3, false))),
            (st(3, false), live, Err(Exhausted)),
            (st(0, false), late, Err(Expired)),
            (st(3, false), late, Err(Expired)),
            (st(1, true), live, Err(Used)),
            (st(1, true), late, Err(Used)),
            (st(1, false), Accept, Ok(st(1, true))),
            (st(3, false), Accept, Ok(st(3, true))),
            (st(1, true), Accept, Err(Used)),
            (st(0, false), Consume { now: 100 }, Ok(st(0, true))),
            (st(0, false), Consume { now: 101 }, Err(Expired)),
            (st(0, true), Consume { now: 50 }, Err(Used)),
            (st(2, false), Refund, Ok(st(1, false))),
            (st(0, false), Refund, Ok(st(0, false))),
            (st(2, true), Refund, Err(Used)),
        ];
        for (from, event, expected) in table {
            assert_eq!(
                transition(*from, POLICY, *event),
                *expected,
                "{from:?} + {event:?}"
            );
        }
    }

    #[test]
    fn a_secret_allows_exactly_its_budget_of_tries() {
        let mut state = SecretState::FRESH;
        for _ in 0..3 {
            state = transition(state, POLICY, Try { now: 0 }).expect("within budget");
        }
        assert_eq!(state.attempts_left(POLICY), 0);
        assert_eq!(transition(state, POLICY, Try { now: 0 }), Err(Exhausted));
    }
}
