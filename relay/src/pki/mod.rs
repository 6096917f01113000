//! The relay's certification authority: a root and an issuing CA, created at first start with
//! their keys sealed under the master key, and the citizen certificate profile
//! (C=ES, serialNumber IDCES-<DNI>, givenName, surname, CN; digitalSignature + nonRepudiation)
//! and its professional variant (R6: plus O, organizationIdentifier and title, under a policy of
//! identification only, with no powers of representation).
//! Beside it, the revocation services the certificates point to (`crl`, `ocsp`), and the
//! time-stamping authority (`tsa`) with its own key and certificate under the issuing CA;
//! `upstream` is the client of an outside TSA that CSC `signatures/timestamp` may use instead.

pub mod crl;
pub mod ocsp;
pub mod services;
pub mod tsa;
pub mod upstream;

use std::time::{Duration, UNIX_EPOCH};

use der::asn1::{Ia5String, PrintableStringRef, SetOfVec, Utf8StringRef};
use der::{Any, Decode, Encode, EncodePem};
use p256::ecdsa::{DerSignature, VerifyingKey};
use spki::SubjectPublicKeyInfoOwned;
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::builder::{Builder, CertificateBuilder, Profile};
use x509_cert::ext::pkix::certpolicy::{
    CertificatePolicies, DisplayText, PolicyInformation, PolicyQualifierInfo, UserNotice,
};
use x509_cert::ext::pkix::crl::dp::DistributionPoint;
use x509_cert::ext::pkix::name::{DistributionPointName, GeneralName};
use x509_cert::ext::pkix::{
    AccessDescription, AuthorityInfoAccessSyntax, CrlDistributionPoints, ExtendedKeyUsage,
    SubjectKeyIdentifier,
};
use x509_cert::name::{Name, RdnSequence, RelativeDistinguishedName};
use x509_cert::serial_number::SerialNumber;
use x509_cert::time::{Time, Validity};

use crate::Error;
use crate::crypto::random_bytes;
use crate::keys::offline::OfflineRoot;
use crate::keys::{CaKey, Custody, StoredKey};
use crate::store::Store;

const ROOT_LIFETIME: i64 = 20 * 365 * 24 * 3600;
const ISSUING_LIFETIME: i64 = 10 * 365 * 24 * 3600;
/// The TSA certificate's lifetime, cut to the issuing CA's own end.
const TSA_LIFETIME: i64 = 5 * 365 * 24 * 3600;

/// The citizen's identity as it appears in her certificate.
pub struct CitizenSubject<'a> {
    pub id_number: &'a str,
    pub given_name: &'a str,
    pub surname: &'a str,
}

/// A professional certificate's subject (R6): she, as an employee of an entity. Nothing here
/// reads as a power to act for the entity: the policy says so in the certificate itself.
pub struct ProfessionalSubject<'a> {
    pub citizen: CitizenSubject<'a>,
    /// O: the entity's name.
    pub organization: &'a str,
    /// organizationIdentifier (2.5.4.97), ETSI EN 319 412-1 form: `VATES-P2000000J`.
    pub organization_identifier: &'a str,
    /// title (2.5.4.12): her role, e.g. "Técnica de urbanismo".
    pub role: &'a str,
}

/// organizationIdentifier (X.520, 2.5.4.97).
pub const OID_ORGANIZATION_IDENTIFIER: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("2.5.4.97");

/// The policy of professional certificates: an employee's certificate for identification only,
/// granting no powers of representation. An arc under the enterprise number IANA keeps for
/// documentation (32473, RFC 5612), a placeholder until nubefirma has a number of its own:
/// `1.3.6.1.4.1.32473.1` is nubefirma's certificate policies, `.2` this one.
pub const OID_POLICY_EMPLOYEE_IDENTIFICATION_ONLY: const_oid::ObjectIdentifier =
    const_oid::ObjectIdentifier::new_unwrap("1.3.6.1.4.1.32473.1.2");

/// The user notice that policy carries (RFC 5280 DisplayText: at most 200 characters).
pub const EMPLOYEE_POLICY_NOTICE: &str = "Employee certificate for identification only: it names the holder as an employee of the organization and grants no powers of representation.";

/// A certificate just issued: its DER and its serial number (hex, for CRL and OCSP lookups).
pub struct IssuedCertificate {
    pub der: Vec<u8>,
    pub serial_hex: String,
}

pub struct Ca {
    root_der: Vec<u8>,
    issuing_der: Vec<u8>,
    issuing_name: Name,
    issuing_key: CaKey,
    /// Where relying parties fetch the CRL and ask OCSP (written into citizen certificates).
    crl_url: String,
    ocsp_url: String,
    /// The time-stamping unit: its certificate (issued by the issuing CA) and key.
    tsa_der: Vec<u8>,
    tsa_key: CaKey,
    /// Signs identity assertions (compact JWS) for portals; its public half is at
    /// `/.well-known/jwks.json`. No certificate: portals trust it through the relay's URL.
    assertion_key: CaKey,
}

enum AttrValue<'a> {
    Printable(&'a str),
    Utf8(&'a str),
}

fn name(attrs: &[(const_oid::ObjectIdentifier, AttrValue<'_>)]) -> Result<Name, Error> {
    let mut rdns = Vec::new();
    for (oid, value) in attrs {
        let value = match value {
            AttrValue::Printable(s) => Any::encode_from(
                &PrintableStringRef::new(s).map_err(|e| Error::internal("printable string", e))?,
            ),
            AttrValue::Utf8(s) => Any::encode_from(
                &Utf8StringRef::new(s).map_err(|e| Error::internal("utf8 string", e))?,
            ),
        }
        .map_err(|e| Error::internal("name attribute", e))?;
        let atv = AttributeTypeAndValue { oid: *oid, value };
        let set = SetOfVec::try_from(vec![atv]).map_err(|e| Error::internal("rdn", e))?;
        rdns.push(RelativeDistinguishedName(set));
    }
    Ok(RdnSequence(rdns))
}

fn validity(from: i64, lifetime: i64) -> Result<Validity, Error> {
    let at = |t: i64| -> Result<Time, Error> {
        let secs = u64::try_from(t).map_err(|_| Error::Internal("time before 1970".into()))?;
        Time::try_from(UNIX_EPOCH + Duration::from_secs(secs))
            .map_err(|e| Error::internal("time", e))
    };
    Ok(Validity {
        not_before: at(from)?,
        not_after: at(from + lifetime)?,
    })
}

/// A positive random serial number of 128 bits (RFC 5280: unique, at most 20 octets).
fn random_serial() -> Result<SerialNumber, Error> {
    let mut bytes = random_bytes::<16>();
    bytes[0] &= 0x7f;
    bytes[0] |= 0x01;
    SerialNumber::new(&bytes).map_err(|e| Error::internal("serial", e))
}

/// A time as RFC 5280 §4.1.2.5 wants it in certificates and CRLs: UTCTime through 2049,
/// GeneralizedTime from 2050.
pub(crate) fn x509_time(t: i64) -> Result<Time, Error> {
    let general = generalized_time(t)?;
    let date = general.to_date_time();
    if date.year() < 2050 {
        der::asn1::UtcTime::from_date_time(date)
            .map(Time::UtcTime)
            .map_err(|e| Error::internal("time", e))
    } else {
        Ok(Time::GeneralTime(general))
    }
}

/// A GeneralizedTime in whole seconds, Z (OCSP, TSTInfo).
pub(crate) fn generalized_time(t: i64) -> Result<der::asn1::GeneralizedTime, Error> {
    let secs = u64::try_from(t).map_err(|_| Error::Internal("time before 1970".into()))?;
    der::asn1::GeneralizedTime::from_unix_duration(Duration::from_secs(secs))
        .map_err(|e| Error::internal("time", e))
}

/// The key identifier a certificate's issuer-side references use: the certificate's own
/// subjectKeyIdentifier, or (when it has none) the RFC 5280 §4.2.1.2 method 1 SHA-1 of its key.
pub(crate) fn issuer_key_identifier(cert: &Certificate) -> Result<der::asn1::OctetString, Error> {
    let own = cert
        .tbs_certificate
        .extensions
        .iter()
        .flatten()
        .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_SUBJECT_KEY_IDENTIFIER);
    let ski = match own {
        Some(ext) => SubjectKeyIdentifier::from_der(ext.extn_value.as_bytes())
            .map_err(|e| Error::internal("subject key identifier", e))?,
        None => SubjectKeyIdentifier::try_from(der::referenced::OwnedToRef::owned_to_ref(
            &cert.tbs_certificate.subject_public_key_info,
        ))
        .map_err(|e| Error::internal("subject key identifier", e))?,
    };
    Ok(ski.0)
}

fn spki_of(key: &VerifyingKey) -> Result<SubjectPublicKeyInfoOwned, Error> {
    SubjectPublicKeyInfoOwned::from_key(*key).map_err(|e| Error::internal("spki", e))
}

fn uri(url: &str) -> Result<GeneralName, Error> {
    Ia5String::new(url)
        .map(GeneralName::UniformResourceIdentifier)
        .map_err(|e| Error::internal("URL in certificate", e))
}

/// Extra extensions a profile adds to x509-cert's own.
type AddExtensions<'a> =
    &'a dyn Fn(&mut CertificateBuilder<'_, CaKey>) -> Result<(), x509_cert::builder::Error>;

fn build(
    profile: Profile,
    validity: Validity,
    subject: Name,
    subject_key: &VerifyingKey,
    signer: &CaKey,
    extensions: AddExtensions<'_>,
) -> Result<IssuedCertificate, Error> {
    let serial = random_serial()?;
    let serial_hex = hex::encode(serial.as_bytes());
    let mut builder = CertificateBuilder::new(
        profile,
        serial,
        validity,
        subject,
        spki_of(subject_key)?,
        signer,
    )
    .map_err(|e| Error::internal("certificate builder", e))?;
    extensions(&mut builder).map_err(|e| Error::internal("certificate extension", e))?;
    let cert = builder
        .build::<DerSignature>()
        .map_err(|e| Error::internal("certificate build", e))?;
    Ok(IssuedCertificate {
        der: cert
            .to_der()
            .map_err(|e| Error::internal("certificate encode", e))?,
        serial_hex,
    })
}

fn no_extensions(_: &mut CertificateBuilder<'_, CaKey>) -> Result<(), x509_cert::builder::Error> {
    Ok(())
}

/// The CRL distribution point and the OCSP access description a certificate of the issuing CA
/// carries.
fn revocation_pointers(
    crl_url: &str,
    ocsp_url: &str,
) -> Result<(CrlDistributionPoints, AuthorityInfoAccessSyntax), Error> {
    let crl_pointer = CrlDistributionPoints(vec![DistributionPoint {
        distribution_point: Some(DistributionPointName::FullName(vec![uri(crl_url)?])),
        reasons: None,
        crl_issuer: None,
    }]);
    let ocsp_pointer = AuthorityInfoAccessSyntax(vec![AccessDescription {
        access_method: const_oid::db::rfc5280::ID_AD_OCSP,
        access_location: uri(ocsp_url)?,
    }]);
    Ok((crl_pointer, ocsp_pointer))
}

fn tsa_certificate(
    issuing_der: &[u8],
    issuing_name: &Name,
    issuing_key: &CaKey,
    crl_url: &str,
    ocsp_url: &str,
    key: &VerifyingKey,
    now: i64,
) -> Result<IssuedCertificate, Error> {
    use const_oid::db::rfc4519::{C, CN, O};
    let issuing =
        Certificate::from_der(issuing_der).map_err(|e| Error::internal("issuing cert", e))?;
    let issuing_end = issuing
        .tbs_certificate
        .validity
        .not_after
        .to_unix_duration()
        .as_secs();
    let issuing_end = i64::try_from(issuing_end).map_err(|e| Error::internal("issuing end", e))?;
    let lifetime = TSA_LIFETIME.min(issuing_end - now);
    if lifetime <= 0 {
        return Err(Error::Internal("the issuing CA has expired".into()));
    }
    let (crl_pointer, ocsp_pointer) = revocation_pointers(crl_url, ocsp_url)?;
    // Only id-kp-timeStamping: x509-cert marks such an ExtendedKeyUsage critical.
    let usage = ExtendedKeyUsage(vec![const_oid::db::rfc5280::ID_KP_TIME_STAMPING]);
    let subject = name(&[
        (C, AttrValue::Printable("ES")),
        (O, AttrValue::Utf8("nubefirma")),
        (CN, AttrValue::Utf8("nubefirma TSA")),
    ])?;
    build(
        Profile::Leaf {
            issuer: issuing_name.clone(),
            enable_key_agreement: false,
            enable_key_encipherment: false,
        },
        validity(now, lifetime)?,
        subject,
        key,
        issuing_key,
        &|builder| {
            builder.add_extension(&usage)?;
            builder.add_extension(&crl_pointer)?;
            builder.add_extension(&ocsp_pointer)
        },
    )
}

/// certificatePolicies of a professional certificate: the employee policy, with a user notice
/// (RFC 5280 §4.2.1.4) saying in words what it means. Not critical: a relying party that does
/// not know the policy still reads the certificate, and the subject alone grants nothing.
fn employee_policy() -> Result<CertificatePolicies, Error> {
    let notice = UserNotice {
        notice_ref: None,
        explicit_text: Some(DisplayText::Utf8String(EMPLOYEE_POLICY_NOTICE.to_owned())),
    };
    let qualifier = Any::from_der(
        &notice
            .to_der()
            .map_err(|e| Error::internal("user notice", e))?,
    )
    .map_err(|e| Error::internal("user notice", e))?;
    Ok(CertificatePolicies(vec![PolicyInformation {
        policy_identifier: OID_POLICY_EMPLOYEE_IDENTIFICATION_ONLY,
        policy_qualifiers: Some(vec![PolicyQualifierInfo {
            policy_qualifier_id: const_oid::db::rfc5280::ID_QT_UNOTICE,
            qualifier: Some(qualifier),
        }]),
    }]))
}

/// The CA before its TSA is loaded or made.
struct CaCore {
    root_der: Vec<u8>,
    issuing_der: Vec<u8>,
    issuing_name: Name,
    issuing_key: CaKey,
    crl_url: String,
    ocsp_url: String,
}

impl CaCore {
    /// Loads the TSA key and certificate and the assertion key, or makes them (first start, or
    /// a CA that predates them).
    async fn with_tsa(self, store: &Store, custody: &dyn Custody, now: i64) -> Result<Ca, Error> {
        let assertion_key = match store.ca_material("assertion_key").await? {
            Some(sealed) => custody.ca_key("assertion_key", &StoredKey(sealed))?,
            None => {
                let (_, stored) = custody.generate_ca_key("assertion_key")?;
                match store
                    .save_ca_material(&[("assertion_key", stored.0.clone())])
                    .await
                {
                    Ok(()) => custody.ca_key("assertion_key", &stored)?,
                    // Another relay on this database made one first: use that one.
                    Err(err) => match store.ca_material("assertion_key").await? {
                        Some(sealed) => custody.ca_key("assertion_key", &StoredKey(sealed))?,
                        None => return Err(err),
                    },
                }
            }
        };
        let (tsa_der, tsa_key) = match (
            store.ca_material("tsa_cert").await?,
            store.ca_material("tsa_key").await?,
        ) {
            (Some(der), Some(sealed)) => (der, custody.ca_key("tsa_key", &StoredKey(sealed))?),
            _ => {
                let (public, stored) = custody.generate_ca_key("tsa_key")?;
                let key = custody.ca_key("tsa_key", &stored)?;
                let cert = tsa_certificate(
                    &self.issuing_der,
                    &self.issuing_name,
                    &self.issuing_key,
                    &self.crl_url,
                    &self.ocsp_url,
                    &public,
                    now,
                )?;
                store
                    .save_ca_material(&[("tsa_cert", cert.der.clone()), ("tsa_key", stored.0)])
                    .await?;
                (cert.der, key)
            }
        };
        Ok(Ca {
            root_der: self.root_der,
            issuing_der: self.issuing_der,
            issuing_name: self.issuing_name,
            issuing_key: self.issuing_key,
            crl_url: self.crl_url,
            ocsp_url: self.ocsp_url,
            tsa_der,
            tsa_key,
            assertion_key,
        })
    }
}

fn pointers(public_url: &str) -> (String, String) {
    let base = public_url.trim_end_matches('/');
    (format!("{base}/pki/crl"), format!("{base}/pki/ocsp"))
}

impl Ca {
    /// Loads the CA from the store (`None` before `ca init`). `public_url` is the relay's base
    /// URL for the CRL and OCSP pointers. A CA made before the TSA existed gets its TSA here.
    pub async fn load(
        store: &Store,
        custody: &dyn Custody,
        now: i64,
        public_url: &str,
    ) -> Result<Option<Self>, Error> {
        let (crl_url, ocsp_url) = pointers(public_url);
        let (Some(root_der), Some(issuing_der), Some(stored)) = (
            store.ca_material("root_cert").await?,
            store.ca_material("issuing_cert").await?,
            store.ca_material("issuing_key").await?,
        ) else {
            return Ok(None);
        };
        let issuing_key = custody.ca_key("issuing_key", &StoredKey(stored))?;
        let cert =
            Certificate::from_der(&issuing_der).map_err(|e| Error::internal("issuing cert", e))?;
        let ca = CaCore {
            root_der,
            issuing_der,
            issuing_name: cert.tbs_certificate.subject,
            issuing_key,
            crl_url,
            ocsp_url,
        };
        ca.with_tsa(store, custody, now).await.map(Some)
    }

    /// The key ceremony (`nubefirma-relay ca init`): a root key made here and returned for
    /// offline keeping, the root certificate, and an issuing CA (and TSA) whose keys stay in
    /// `custody`. The store gets the certificates and the custody handles, never the root key.
    pub async fn init(
        store: &Store,
        custody: &dyn Custody,
        now: i64,
        public_url: &str,
    ) -> Result<(Self, OfflineRoot), Error> {
        if store.ca_material("root_cert").await?.is_some() {
            return Err(Error::Conflict("this relay already has a CA"));
        }
        let (crl_url, ocsp_url) = pointers(public_url);
        use const_oid::db::rfc4519::{C, CN, O};
        let root = OfflineRoot::generate();
        let root_key = root.ca_key();
        let root_public = *root_key.public_key();
        let root_name = name(&[
            (C, AttrValue::Printable("ES")),
            (O, AttrValue::Utf8("nubefirma")),
            (CN, AttrValue::Utf8("nubefirma Root CA")),
        ])?;
        let root_cert = build(
            Profile::Root,
            validity(now, ROOT_LIFETIME)?,
            root_name.clone(),
            &root_public,
            &root_key,
            &no_extensions,
        )?;

        let (issuing_public, issuing_stored) = custody.generate_ca_key("issuing_key")?;
        let issuing_key = custody.ca_key("issuing_key", &issuing_stored)?;
        let issuing_name = name(&[
            (C, AttrValue::Printable("ES")),
            (O, AttrValue::Utf8("nubefirma")),
            (CN, AttrValue::Utf8("nubefirma Citizen CA")),
        ])?;
        let issuing = build(
            Profile::SubCA {
                issuer: root_name,
                path_len_constraint: Some(0),
            },
            validity(now, ISSUING_LIFETIME)?,
            issuing_name.clone(),
            &issuing_public,
            &root_key,
            &no_extensions,
        )?;
        store
            .save_ca_material(&[
                ("root_cert", root_cert.der.clone()),
                ("issuing_cert", issuing.der.clone()),
                ("issuing_key", issuing_stored.0),
            ])
            .await?;
        let ca = CaCore {
            root_der: root_cert.der,
            issuing_der: issuing.der,
            issuing_name,
            issuing_key,
            crl_url,
            ocsp_url,
        };
        Ok((ca.with_tsa(store, custody, now).await?, root))
    }

    /// A certificate for the time-stamping unit's key (RFC 3161 §2.3: extendedKeyUsage
    /// id-kp-timeStamping only, critical), from `now` for five years but not past the issuing
    /// CA's end.
    pub fn issue_tsa_certificate(
        &self,
        key: &VerifyingKey,
        now: i64,
    ) -> Result<IssuedCertificate, Error> {
        tsa_certificate(
            &self.issuing_der,
            &self.issuing_name,
            &self.issuing_key,
            &self.crl_url,
            &self.ocsp_url,
            key,
            now,
        )
    }

    /// The TSA's granted answer to `query` (see `tsa::build_response`), with the TSA certificate
    /// and the chain above it when the client asked for certificates.
    pub fn timestamp(
        &self,
        query: &tsa::TsaQuery,
        serial: &[u8; 16],
        gen_time: i64,
        policy_oid: const_oid::ObjectIdentifier,
    ) -> Result<Vec<u8>, Error> {
        tsa::build_response(
            query,
            self.tsa_key(),
            &self.tsa_der,
            &self.chain_der(),
            serial,
            gen_time,
            policy_oid,
        )
    }

    /// The TSA certificate (DER).
    pub fn tsa_cert_der(&self) -> &[u8] {
        &self.tsa_der
    }

    /// The key that signs identity assertions.
    pub(crate) fn assertion_key(&self) -> &CaKey {
        &self.assertion_key
    }

    /// The TSA key handle.
    pub(crate) fn tsa_key(&self) -> &CaKey {
        &self.tsa_key
    }

    /// A citizen certificate for `key`, valid from `now` for `lifetime` seconds.
    pub fn issue_citizen(
        &self,
        subject: &CitizenSubject<'_>,
        key: &VerifyingKey,
        now: i64,
        lifetime: i64,
    ) -> Result<IssuedCertificate, Error> {
        self.issue_leaf(subject, None, key, now, lifetime)
    }

    /// A professional certificate (R6) for `key`: the citizen profile plus O,
    /// organizationIdentifier and title, and the employee policy (identification only, no
    /// powers of representation) with its user notice.
    pub fn issue_professional(
        &self,
        subject: &ProfessionalSubject<'_>,
        key: &VerifyingKey,
        now: i64,
        lifetime: i64,
    ) -> Result<IssuedCertificate, Error> {
        self.issue_leaf(&subject.citizen, Some(subject), key, now, lifetime)
    }

    fn issue_leaf(
        &self,
        subject: &CitizenSubject<'_>,
        professional: Option<&ProfessionalSubject<'_>>,
        key: &VerifyingKey,
        now: i64,
        lifetime: i64,
    ) -> Result<IssuedCertificate, Error> {
        use const_oid::db::rfc4519::{C, CN, GIVEN_NAME, O, SERIAL_NUMBER, SN, TITLE};
        let serial = format!("IDCES-{}", subject.id_number);
        let common_name = format!(
            "{} {} - {}",
            subject.surname, subject.given_name, subject.id_number
        )
        .to_uppercase();
        let (crl_pointer, ocsp_pointer) = revocation_pointers(&self.crl_url, &self.ocsp_url)?;
        let mut attrs = vec![(C, AttrValue::Printable("ES"))];
        if let Some(p) = professional {
            attrs.push((O, AttrValue::Utf8(p.organization)));
            attrs.push((
                OID_ORGANIZATION_IDENTIFIER,
                AttrValue::Utf8(p.organization_identifier),
            ));
        }
        attrs.extend([
            (SERIAL_NUMBER, AttrValue::Printable(&serial)),
            (SN, AttrValue::Utf8(subject.surname)),
            (GIVEN_NAME, AttrValue::Utf8(subject.given_name)),
        ]);
        if let Some(p) = professional {
            attrs.push((TITLE, AttrValue::Utf8(p.role)));
        }
        attrs.push((CN, AttrValue::Utf8(&common_name)));
        let subject_name = name(&attrs)?;
        let policies = professional.map(|_| employee_policy()).transpose()?;
        build(
            Profile::Leaf {
                issuer: self.issuing_name.clone(),
                enable_key_agreement: false,
                enable_key_encipherment: false,
            },
            validity(now, lifetime)?,
            subject_name,
            key,
            &self.issuing_key,
            &|builder| {
                builder.add_extension(&crl_pointer)?;
                builder.add_extension(&ocsp_pointer)?;
                if let Some(policies) = &policies {
                    builder.add_extension(policies)?;
                }
                Ok(())
            },
        )
    }

    /// The issuing CA's certificate (DER): the issuer of citizen certificates, CRLs and OCSP.
    pub fn issuing_der(&self) -> &[u8] {
        &self.issuing_der
    }

    /// The issuing CA's key handle, for the CRL, OCSP and TSA builders.
    pub(crate) fn issuing_key(&self) -> &CaKey {
        &self.issuing_key
    }

    /// The issuing CA then the root, DER: what a verifier needs above a citizen certificate.
    pub fn chain_der(&self) -> Vec<Vec<u8>> {
        vec![self.issuing_der.clone(), self.root_der.clone()]
    }

    /// The issuing CA's CRL listing `revoked` (see `crl::build_crl`).
    pub fn crl(
        &self,
        revoked: &[crl::RevokedCert],
        this_update: i64,
        next_update: i64,
        crl_number: u64,
    ) -> Result<Vec<u8>, Error> {
        crl::build_crl(
            &self.issuing_der,
            self.issuing_key(),
            revoked,
            this_update,
            next_update,
            crl_number,
        )
    }

    /// The issuing CA's signed OCSP answer to `query` (see `ocsp::build_response`).
    pub fn ocsp_response(
        &self,
        query: &ocsp::OcspQuery,
        statuses: &[(ocsp::CertIdRef, ocsp::CertStatusAnswer)],
        produced_at: i64,
        next_update: Option<i64>,
    ) -> Result<Vec<u8>, Error> {
        ocsp::build_response(
            query,
            &self.issuing_der,
            self.issuing_key(),
            statuses,
            produced_at,
            next_update,
        )
    }

    pub fn root_pem(&self) -> Result<String, Error> {
        Certificate::from_der(&self.root_der)
            .and_then(|c| c.to_pem(der::pem::LineEnding::LF))
            .map_err(|e| Error::internal("root pem", e))
    }
}

#[cfg(test)]
pub(crate) mod test_support {
    //! A CA in an in-memory store, and openssl as the independent relying party.

    use std::path::{Path, PathBuf};
    use std::process::Command;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

    use super::{Ca, CitizenSubject, IssuedCertificate};
    use crate::keys::{Custody, SoftCustody};
    use crate::store::Store;

    pub(crate) struct TestCa {
        pub custody: SoftCustody,
        pub ca: Ca,
        /// A day ago, so every certificate and list is already valid for openssl.
        pub now: i64,
    }

    impl TestCa {
        pub async fn new() -> Self {
            let custody = SoftCustody::new([1u8; 32]);
            let store = Store::in_memory().await.expect("store");
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("clock")
                .as_secs() as i64
                - 86400;
            let (ca, _root) = Ca::init(&store, &custody, now, "http://relay.test")
                .await
                .expect("ca");
            Self { custody, ca, now }
        }

        pub fn citizen_certificate(&self, id_number: &str) -> IssuedCertificate {
            let (public, _) = self
                .custody
                .generate_ca_key(&format!("citizen {id_number}"))
                .expect("key");
            let subject = CitizenSubject {
                id_number,
                given_name: "Ana",
                surname: "García",
            };
            self.ca
                .issue_citizen(&subject, &public, self.now, 365 * 86400)
                .expect("issue")
        }

        /// chain.pem: the issuing CA then the root.
        pub fn chain_pem(&self, dir: &Path) -> PathBuf {
            let mut text = String::new();
            for der in self.ca.chain_der() {
                text.push_str(&pem("CERTIFICATE", &der));
            }
            let path = dir.join("chain.pem");
            std::fs::write(&path, text).expect("write");
            path
        }
    }

    pub(crate) fn pem(label: &str, der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let mut text = format!("-----BEGIN {label}-----\n");
        for line in body.as_bytes().chunks(64) {
            text.push_str(std::str::from_utf8(line).expect("base64"));
            text.push('\n');
        }
        text.push_str(&format!("-----END {label}-----\n"));
        text
    }

    pub(crate) fn pem_file(dir: &Path, name: &str, label: &str, der: &[u8]) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, pem(label, der)).expect("write");
        path
    }

    /// Runs openssl; its stdout and stderr together (the exit status is in the text it prints).
    pub(crate) fn openssl(args: &[&str]) -> String {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .expect("openssl");
        format!(
            "{}{}status: {}\n",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            out.status
        )
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::{TestCa, openssl, pem_file};
    use super::*;
    use der::referenced::OwnedToRef;

    #[tokio::test]
    async fn the_tsa_certificate_is_for_time_stamping_only() {
        let t = TestCa::new().await;
        let cert = Certificate::from_der(t.ca.tsa_cert_der()).expect("tsa cert");
        let eku = cert
            .tbs_certificate
            .extensions
            .iter()
            .flatten()
            .find(|e| e.extn_id == const_oid::db::rfc5280::ID_CE_EXT_KEY_USAGE)
            .expect("extended key usage");
        assert!(eku.critical, "RFC 3161 §2.3: the EKU must be critical");
        let usage = ExtendedKeyUsage::from_der(eku.extn_value.as_bytes()).expect("eku");
        assert_eq!(usage.0, vec![const_oid::db::rfc5280::ID_KP_TIME_STAMPING]);
        assert_eq!(
            t.ca.tsa_key().public_key(),
            &VerifyingKey::try_from(cert.tbs_certificate.subject_public_key_info.owned_to_ref())
                .expect("key")
        );

        let dir = tempfile::tempdir().expect("tempdir");
        let tsa = pem_file(dir.path(), "tsa.pem", "CERTIFICATE", t.ca.tsa_cert_der());
        let chain = t.chain_pem(dir.path());
        let tsa_path = tsa.to_str().expect("path");
        let out = openssl(&["x509", "-in", tsa_path, "-noout", "-text"]);
        assert!(out.contains("X509v3 Extended Key Usage: critical"), "{out}");
        assert!(out.contains("Time Stamping"), "{out}");
        assert!(out.contains("http://relay.test/pki/crl"), "{out}");
        assert!(
            out.contains("OCSP - URI:http://relay.test/pki/ocsp"),
            "{out}"
        );
        let out = openssl(&[
            "verify",
            "-purpose",
            "timestampsign",
            "-CAfile",
            chain.to_str().expect("path"),
            tsa_path,
        ]);
        assert!(out.contains(": OK"), "{out}");
    }

    #[tokio::test]
    async fn a_professional_certificate_chains_and_carries_the_entity_and_the_policy() {
        let t = TestCa::new().await;
        let (public, _) = t.custody.generate_ca_key("employee").expect("key");
        let subject = ProfessionalSubject {
            citizen: CitizenSubject {
                id_number: "12345678Z",
                given_name: "Marta",
                surname: "Ruiz Sanz",
            },
            organization: "Ayuntamiento de Ejemplo",
            organization_identifier: "VATES-P2000000J",
            role: "Técnica de urbanismo",
        };
        let issued =
            t.ca.issue_professional(&subject, &public, t.now, 365 * 86400)
                .expect("issue");
        let dir = tempfile::tempdir().expect("tempdir");
        let leaf = pem_file(dir.path(), "leaf.pem", "CERTIFICATE", &issued.der);
        let chain = t.chain_pem(dir.path());
        let leaf_path = leaf.to_str().expect("path");
        // Path validation reads the policy extension and accepts it. (The CA certificates name
        // no policy, so a relying party that demands an explicit policy on the whole path
        // would need anyPolicy in them: not made yet.)
        let out = openssl(&[
            "verify",
            "-policy_check",
            "-CAfile",
            chain.to_str().expect("path"),
            leaf_path,
        ]);
        assert!(out.contains(": OK"), "{out}");
        let out = openssl(&["x509", "-in", leaf_path, "-noout", "-text"]);
        assert!(out.contains("organizationIdentifier"), "{out}");
        assert!(out.contains("Policy: 1.3.6.1.4.1.32473.1.2"), "{out}");
        assert!(out.contains(EMPLOYEE_POLICY_NOTICE), "{out}");
        assert!(EMPLOYEE_POLICY_NOTICE.len() <= 200, "RFC 5280 DisplayText");
    }

    #[tokio::test]
    async fn the_tsa_is_kept_and_added_to_a_ca_that_predates_it() {
        let custody = crate::keys::SoftCustody::new([1u8; 32]);
        let store = Store::in_memory().await.expect("store");
        let now = 1_800_000_000;
        let (first, _root) = Ca::init(&store, &custody, now, "http://relay.test")
            .await
            .expect("ca");
        let again = Ca::load(&store, &custody, now + 10, "http://relay.test")
            .await
            .expect("ca")
            .expect("a CA");
        assert_eq!(first.tsa_cert_der(), again.tsa_cert_der());
        assert_eq!(first.tsa_key().public_key(), again.tsa_key().public_key());

        // A store holding only the root and issuing CA, as before the TSA existed.
        let older = Store::in_memory().await.expect("store");
        let mut items = Vec::new();
        for name in ["root_cert", "issuing_cert", "issuing_key"] {
            let value = store.ca_material(name).await.expect("read").expect("item");
            items.push((name, value));
        }
        older.save_ca_material(&items).await.expect("save");
        let upgraded = Ca::load(&older, &custody, now + 20, "http://relay.test")
            .await
            .expect("ca")
            .expect("a CA");
        assert_eq!(upgraded.issuing_der(), first.issuing_der());
        assert_ne!(upgraded.tsa_cert_der(), first.tsa_cert_der());
        assert!(older.ca_material("tsa_cert").await.expect("read").is_some());
        let reloaded = Ca::load(&older, &custody, now + 30, "http://relay.test")
            .await
            .expect("ca")
            .expect("a CA");
        assert_eq!(reloaded.tsa_cert_der(), upgraded.tsa_cert_der());
        let tsa = Certificate::from_der(upgraded.tsa_cert_der()).expect("cert");
        assert_eq!(
            tsa.tbs_certificate.issuer,
            Certificate::from_der(first.issuing_der())
                .expect("cert")
                .tbs_certificate
                .subject
        );
    }
}
