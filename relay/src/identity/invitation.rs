//! The six steps of a professional certificate's issuance (R13) as one pure state machine, kept
//! in one row and tested as a full state × event table, like `account` and `one_time`:
//! (1) the email's link, (2) an SMS registration code, (3) the expiry date of her ID document,
//! (4) her password, (5) the terms of use, (6) a final SMS code, and the certificate is issued.
//!
//! Each step needs the previous ones done, in order; none is done twice. An entry of a secret
//! (an SMS code or the date) is reserved (`Try`) before it is judged, and the store applies
//! every transition with compare-and-set on the whole state, so parallel calls cannot skip,
//! repeat or out-guess a step.

use crate::limits::{MAX_CODE_ATTEMPTS, MAX_IDENTITY_ATTEMPTS, MAX_INVITATION_CODES};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// (1) The email with the link went out.
    Invited,
    /// (2) An SMS registration code went to the invited mobile.
    RegistrationCodeSent,
    /// (2) done: the registration code was right. (3) asks the ID document's expiry date.
    RegistrationCodeChecked,
    /// (3) done.
    IdentityChecked,
    /// (4) done: a new account's password chosen, or an existing account's password given.
    PasswordSet,
    /// (5) done.
    TermsAccepted,
    /// (6) The final SMS code went out.
    IssuanceCodeSent,
    /// (6) done: the certificate is issued. Final.
    Issued,
    /// Made void (the date wrong too often, or withdrawn by her entity). Final.
    Void,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Invited => "invited",
            Self::RegistrationCodeSent => "registration_code_sent",
            Self::RegistrationCodeChecked => "registration_code_checked",
            Self::IdentityChecked => "identity_checked",
            Self::PasswordSet => "password_set",
            Self::TermsAccepted => "terms_accepted",
            Self::IssuanceCodeSent => "issuance_code_sent",
            Self::Issued => "issued",
            Self::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            Self::Invited,
            Self::RegistrationCodeSent,
            Self::RegistrationCodeChecked,
            Self::IdentityChecked,
            Self::PasswordSet,
            Self::TermsAccepted,
            Self::IssuanceCodeSent,
            Self::Issued,
            Self::Void,
        ]
        .into_iter()
        .find(|step| step.as_str() == s)
    }

    /// The endpoint (under `/api/v1/professional/{id}/`) that comes next: what an
    /// out-of-order call is told to do first.
    pub fn next_call(self) -> &'static str {
        match self {
            Self::Invited => "start",
            Self::RegistrationCodeSent => "sms",
            Self::RegistrationCodeChecked => "identity",
            Self::IdentityChecked => "password",
            Self::PasswordSet => "terms",
            Self::TermsAccepted => "complete",
            Self::IssuanceCodeSent => "confirm",
            Self::Issued | Self::Void => "nothing",
        }
    }

    /// Entries the secret asked at this step allows (0: the step asks none).
    fn max_attempts(self) -> u32 {
        match self {
            Self::RegistrationCodeSent | Self::IssuanceCodeSent => MAX_CODE_ATTEMPTS,
            Self::RegistrationCodeChecked => MAX_IDENTITY_ATTEMPTS,
            _ => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvitationState {
    pub step: Step,
    /// Entries of the secret asked at this step (the live SMS code, or the date).
    pub attempts: u32,
    /// SMS codes sent for this invitation, both SMS steps together.
    pub codes_sent: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationEvent {
    /// (2) Send a registration code (again, replacing the live one).
    SendRegistrationCode,
    /// (6) Send the final code (again, replacing the live one).
    SendIssuanceCode,
    /// Someone is about to judge an entry of this step's secret: reserve it.
    Try,
    /// The entry was right: the step is done.
    Right,
    /// The entry was wrong. The date's last wrong entry makes the invitation void; a code's
    /// last one only kills that code (a new one can be asked for, within `codes_sent`).
    Wrong,
    /// (4) The password was chosen (new account) or given right (existing account).
    Password,
    /// (5) She accepted the terms of use.
    Terms,
    /// Her entity withdrew the invitation.
    Withdraw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationRefused {
    /// Issued or void: nothing more happens.
    Finished,
    /// This call is not the next step (`step` is where the invitation is).
    OutOfOrder { step: Step },
    /// The secret of this step has no entries left (a code: ask for a new one).
    NoEntriesLeft,
    /// No more SMS codes for this invitation.
    NoCodesLeft,
}

impl InvitationState {
    pub const FRESH: Self = Self {
        step: Step::Invited,
        attempts: 0,
        codes_sent: 0,
    };

    fn at(self, step: Step) -> Self {
        Self {
            step,
            attempts: 0,
            codes_sent: self.codes_sent,
        }
    }

    /// Entries left for this step's secret.
    pub fn attempts_left(self) -> u32 {
        self.step.max_attempts().saturating_sub(self.attempts)
    }
}

pub fn transition(
    state: InvitationState,
    event: InvitationEvent,
) -> Result<InvitationState, InvitationRefused> {
    use InvitationEvent::*;
    use Step::*;
    let out_of_order = Err(InvitationRefused::OutOfOrder { step: state.step });
    let send = |to: Step| {
        if state.codes_sent >= MAX_INVITATION_CODES {
            Err(InvitationRefused::NoCodesLeft)
        } else {
            Ok(InvitationState {
                step: to,
                attempts: 0,
                codes_sent: state.codes_sent + 1,
            })
        }
    };
    match (state.step, event) {
        (Issued | Void, _) => Err(InvitationRefused::Finished),
        (_, Withdraw) => Ok(state.at(Void)),
        (Invited | RegistrationCodeSent, SendRegistrationCode) => send(RegistrationCodeSent),
        (TermsAccepted | IssuanceCodeSent, SendIssuanceCode) => send(IssuanceCodeSent),
        (RegistrationCodeSent | RegistrationCodeChecked | IssuanceCodeSent, Try) => {
            if state.attempts >= state.step.max_attempts() {
                Err(InvitationRefused::NoEntriesLeft)
            } else {
                Ok(InvitationState {
                    attempts: state.attempts + 1,
                    ..state
                })
            }
        }
        (RegistrationCodeSent, Right) => Ok(state.at(RegistrationCodeChecked)),
        (RegistrationCodeChecked, Right) => Ok(state.at(IdentityChecked)),
        (IssuanceCodeSent, Right) => Ok(state.at(Issued)),
        // The entries stay counted in the void state: the trail of what was tried.
        (RegistrationCodeChecked, Wrong) if state.attempts >= MAX_IDENTITY_ATTEMPTS => {
            Ok(InvitationState {
                step: Void,
                ..state
            })
        }
        (RegistrationCodeSent | RegistrationCodeChecked | IssuanceCodeSent, Wrong) => Ok(state),
        (IdentityChecked, Password) => Ok(state.at(PasswordSet)),
        (PasswordSet, Terms) => Ok(state.at(TermsAccepted)),
        _ => out_of_order,
    }
}

#[cfg(test)]
mod tests {
    use super::InvitationEvent::*;
    use super::InvitationRefused::*;
    use super::Step::*;
    use super::*;

    const ALL_STEPS: [Step; 9] = [
        Invited,
        RegistrationCodeSent,
        RegistrationCodeChecked,
        IdentityChecked,
        PasswordSet,
        TermsAccepted,
        IssuanceCodeSent,
        Issued,
        Void,
    ];
    const ALL_EVENTS: [InvitationEvent; 8] = [
        SendRegistrationCode,
        SendIssuanceCode,
        Try,
        Right,
        Wrong,
        Password,
        Terms,
        Withdraw,
    ];

    fn st(step: Step, attempts: u32, codes_sent: u32) -> InvitationState {
        InvitationState {
            step,
            attempts,
            codes_sent,
        }
    }

    /// What each step does with each event, from a state with one entry used and two codes
    /// sent; `None` is "out of order".
    fn expected(
        step: Step,
        event: InvitationEvent,
    ) -> Option<Result<InvitationState, InvitationRefused>> {
        let ok = |s: InvitationState| Some(Ok(s));
        match (step, event) {
            (Issued | Void, _) => Some(Err(Finished)),
            (_, Withdraw) => ok(st(Void, 0, 2)),
            (Invited | RegistrationCodeSent, SendRegistrationCode) => {
                ok(st(RegistrationCodeSent, 0, 3))
            }
            (TermsAccepted | IssuanceCodeSent, SendIssuanceCode) => ok(st(IssuanceCodeSent, 0, 3)),
            (RegistrationCodeSent | RegistrationCodeChecked | IssuanceCodeSent, Try) => {
                ok(st(step, 2, 2))
            }
            (RegistrationCodeSent, Right) => ok(st(RegistrationCodeChecked, 0, 2)),
            (RegistrationCodeChecked, Right) => ok(st(IdentityChecked, 0, 2)),
            (IssuanceCodeSent, Right) => ok(st(Issued, 0, 2)),
            (RegistrationCodeSent | RegistrationCodeChecked | IssuanceCodeSent, Wrong) => {
                ok(st(step, 1, 2))
            }
            (IdentityChecked, Password) => ok(st(PasswordSet, 0, 2)),
            (PasswordSet, Terms) => ok(st(TermsAccepted, 0, 2)),
            _ => None,
        }
    }

    #[test]
    fn full_state_event_table() {
        for step in ALL_STEPS {
            for event in ALL_EVENTS {
                let got = transition(st(step, 1, 2), event);
                let want = expected(step, event).unwrap_or(Err(OutOfOrder { step }));
                assert_eq!(got, want, "{step:?} + {event:?}");
            }
        }
    }

    #[test]
    fn the_steps_go_in_order_and_only_once() {
        let mut state = InvitationState::FRESH;
        for event in [
            SendRegistrationCode,
            Try,
            Right,
            Try,
            Right,
            Password,
            Terms,
        ] {
            state = transition(state, event).expect("in order");
        }
        assert_eq!(state.step, TermsAccepted);
        for again in [SendRegistrationCode, Password, Terms, Right] {
            assert!(
                matches!(transition(state, again), Err(OutOfOrder { .. })),
                "{again:?}"
            );
        }
        for event in [SendIssuanceCode, Try, Right] {
            state = transition(state, event).expect("in order");
        }
        assert_eq!(state, st(Issued, 0, 2));
        assert_eq!(transition(state, SendIssuanceCode), Err(Finished));
    }

    #[test]
    fn entries_and_codes_have_budgets() {
        // A code takes three entries, then a new code must be asked for.
        let mut state = st(RegistrationCodeSent, 0, 1);
        for _ in 0..MAX_CODE_ATTEMPTS {
            state = transition(state, Try).expect("within budget");
            state = transition(state, Wrong).expect("wrong");
        }
        assert_eq!(state.attempts_left(), 0);
        assert_eq!(transition(state, Try), Err(NoEntriesLeft));
        assert_eq!(transition(state, Wrong), Ok(state), "the step stays");
        let state = transition(state, SendRegistrationCode).expect("a new code");
        assert_eq!(state, st(RegistrationCodeSent, 0, 2));
        // The date's third wrong entry voids the invitation.
        let mut state = st(RegistrationCodeChecked, 0, 1);
        for n in 1..=MAX_IDENTITY_ATTEMPTS {
            state = transition(state, Try).expect("within budget");
            state = transition(state, Wrong).expect("wrong");
            assert_eq!(state.step == Void, n == MAX_IDENTITY_ATTEMPTS, "entry {n}");
        }
        assert_eq!(state, st(Void, MAX_IDENTITY_ATTEMPTS, 1));
        // Codes, both steps together.
        let spent = st(RegistrationCodeSent, 0, MAX_INVITATION_CODES);
        assert_eq!(transition(spent, SendRegistrationCode), Err(NoCodesLeft));
        let spent = st(TermsAccepted, 0, MAX_INVITATION_CODES);
        assert_eq!(transition(spent, SendIssuanceCode), Err(NoCodesLeft));
    }

    #[test]
    fn step_names_round_trip() {
        for step in ALL_STEPS {
            assert_eq!(Step::parse(step.as_str()), Some(step));
        }
        assert_eq!(Step::parse("done"), None);
    }
}
