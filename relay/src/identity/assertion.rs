//! Identity assertions (R3, R27): after she logs in inside the portal's page, the relay signs a
//! statement of who she is and at which level, addressed to that portal, which the portal's
//! server checks with the relay's public key. It is the "button that sends her to the identity
//! system and back", done without leaving the page.
//!
//! The statement is a compact JWS (RFC 7515) over JWT claims (RFC 7519), ES256, with the key's
//! RFC 7638 thumbprint as `kid`; the keys are published as a JWKS at `/.well-known/jwks.json`.
//! The audience is the `Origin` the browser put on the request, which the page's script cannot
//! forge, and must be one of the portals this relay serves (its CORS allow-list); the portal's
//! server gives a one-time `nonce` and checks it comes back, so an assertion made for one login
//! cannot be replayed into another.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use nubefirma_protocol::Level;
use p256::ecdsa::VerifyingKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::session::Session;
use crate::audit::Event;
use crate::crypto::random_id;
use crate::keys::CaKey;
use crate::limits::ASSERTION_LIFETIME_SECONDS;
use crate::{Error, Relay};

fn check_nonce(nonce: &str) -> Result<(), Error> {
    if nubefirma_protocol::level::is_acceptable_nonce(nonce) {
        Ok(())
    } else {
        Err(Error::InvalidRequest(
            "nonce: 16 to 128 characters of A-Z a-z 0-9 - _ . ~, made by the portal's server for this login".into(),
        ))
    }
}

/// The public key as a JWK's members, in RFC 7638's order (the thumbprint hashes exactly this).
fn jwk_members(public: &VerifyingKey) -> Result<(String, String), Error> {
    let point = public.to_encoded_point(false);
    let (Some(x), Some(y)) = (point.x(), point.y()) else {
        return Err(Error::Internal(
            "assertion key is the identity point".into(),
        ));
    };
    Ok((B64URL.encode(x), B64URL.encode(y)))
}

/// RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order, no spaces.
pub fn thumbprint(public: &VerifyingKey) -> Result<String, Error> {
    let (x, y) = jwk_members(public)?;
    let canonical = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
    Ok(B64URL.encode(Sha256::digest(canonical.as_bytes())))
}

/// The public key as a JWK for signature checks with ES256.
pub fn jwk(public: &VerifyingKey) -> Result<Value, Error> {
    let (x, y) = jwk_members(public)?;
    Ok(json!({
        "kty": "EC", "crv": "P-256", "x": x, "y": y,
        "use": "sig", "alg": "ES256", "kid": thumbprint(public)?,
    }))
}

/// `header.payload.signature`, ES256: the signature is R ‖ S, 32 bytes each (RFC 7518 §3.4),
/// not the DER the key's backend gives.
pub fn compact_jws(key: &CaKey, claims: &Value) -> Result<String, Error> {
    let header = json!({ "alg": "ES256", "typ": "JWT", "kid": thumbprint(key.public_key())? });
    let signing_input = format!(
        "{}.{}",
        B64URL.encode(header.to_string()),
        B64URL.encode(claims.to_string())
    );
    let der = key.sign(signing_input.as_bytes())?;
    let signature = p256::ecdsa::Signature::from_der(der.as_bytes())
        .map_err(|e| Error::internal("assertion signature", e))?;
    Ok(format!(
        "{signing_input}.{}",
        B64URL.encode(signature.to_bytes())
    ))
}

impl Relay {
    /// `GET /.well-known/jwks.json`: the keys identity assertions are signed with.
    pub fn jwks(&self) -> Result<Value, Error> {
        Ok(json!({ "keys": [jwk(self.ca.assertion_key().public_key())?] }))
    }

    /// `POST /api/v1/identity/assertion`: who she is, at `asked` level, for the portal at
    /// `origin`. Refused when the session has not reached that level (R3). Returns the JWS and
    /// its lifetime.
    pub async fn identity_assertion(
        &self,
        session: &Session,
        asked: Level,
        nonce: &str,
        origin: Option<&str>,
    ) -> Result<(String, i64), Error> {
        check_nonce(nonce)?;
        if session.must_change_password {
            return Err(Error::PasswordChangeRequired);
        }
        let audience = origin
            .filter(|o| self.cors_origins().iter().any(|allowed| allowed == o))
            .ok_or(Error::AccessDenied(
                "identity assertions are given only to a portal this relay serves, from its own page",
            ))?;
        if !session.level.meets(asked) {
            return Err(Error::InsufficientLevel(
                "the service asks for a higher level: sign in with your password and the SMS code",
            ));
        }
        let citizen = self.citizen_of(session).await?;
        let now = self.now();
        let jti = random_id();
        let claims = json!({
            "iss": self.public_url(),
            "sub": citizen.id,
            "aud": audience,
            "iat": now,
            "nbf": now,
            "exp": now + ASSERTION_LIFETIME_SECONDS,
            "jti": jti,
            "nonce": nonce,
            "acr": session.level.as_str(),
            "amr": nubefirma_protocol::level::methods(session.key, session.level),
            "id_number": citizen.id_number,
            "given_name": citizen.given_name,
            "family_name": citizen.surname,
        });
        let jws = compact_jws(self.ca.assertion_key(), &claims)?;
        self.audit(
            Event::new("identity_asserted")
                .citizen(&citizen.id)
                .detail(json!({
                    "audience": audience,
                    "level": session.level.as_str(),
                    "key": session.key.as_str(),
                    "jti": jti,
                })),
        )
        .await?;
        Ok((jws, ASSERTION_LIFETIME_SECONDS))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;

    #[test]
    fn the_rfc_7638_thumbprint_of_its_example_key() {
        // RFC 7638 §3.1 uses an RSA key; this checks our canonical form on the P-256 key of
        // RFC 7515 Appendix A.3, whose members are given there.
        let x = B64URL
            .decode("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU")
            .unwrap_or_default();
        let y = B64URL
            .decode("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0")
            .unwrap_or_default();
        let mut sec1 = vec![4u8];
        sec1.extend(x);
        sec1.extend(y);
        let key = VerifyingKey::from_sec1_bytes(&sec1).expect("RFC 7515 A.3 key");
        let canonical = r#"{"crv":"P-256","kty":"EC","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
        assert_eq!(
            thumbprint(&key).ok(),
            Some(B64URL.encode(Sha256::digest(canonical.as_bytes())))
        );
        let jwk = jwk(&key).expect("jwk");
        assert_eq!(jwk["x"], "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU");
        assert_eq!(jwk["alg"], "ES256");
    }

    #[test]
    fn a_jws_verifies_with_its_key_over_its_signing_input() {
        let custody = crate::keys::SoftCustody::new([3u8; 32]);
        let (_, stored) =
            crate::keys::Custody::generate_ca_key(&custody, "assertion_key").expect("key");
        let key = crate::keys::Custody::ca_key(&custody, "assertion_key", &stored).expect("handle");
        let jws = compact_jws(&key, &json!({ "sub": "x" })).expect("jws");
        let parts: Vec<&str> = jws.split('.').collect();
        assert_eq!(parts.len(), 3);
        let header: Value =
            serde_json::from_slice(&B64URL.decode(parts[0]).unwrap_or_default()).expect("header");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(header["kid"], thumbprint(key.public_key()).expect("kid"));
        let raw = B64URL.decode(parts[2]).unwrap_or_default();
        assert_eq!(raw.len(), 64, "R ‖ S, not DER");
        let signature = p256::ecdsa::Signature::from_slice(&raw).expect("signature");
        let input = format!("{}.{}", parts[0], parts[1]);
        assert!(
            key.public_key()
                .verify(input.as_bytes(), &signature)
                .is_ok()
        );
        assert!(key.public_key().verify(b"other", &signature).is_err());
    }
}
