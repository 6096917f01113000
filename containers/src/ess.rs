//! The ESS `signing-certificate-v2` attribute ([RFC 5035 Section 3]), which CAdES-BASELINE-B
//! requires among the signed attributes so the signature names, by hash, the certificate it was
//! made with.
//!
//! ```text
//! id-aa-signingCertificateV2 OBJECT IDENTIFIER ::= { iso(1)
//!     member-body(2) us(840) rsadsi(113549) pkcs(1) pkcs9(9)
//!     smime(16) id-aa(2) 47 }
//! ```
//!
//! [RFC 5035 Section 3]: https://www.rfc-editor.org/rfc/rfc5035#section-3

use const_oid::db::rfc5912::ID_SHA_256;
use der::Sequence;
use der::asn1::OctetString;
use spki::AlgorithmIdentifierOwned;
use x509_cert::ext::pkix::certpolicy::PolicyInformation;
use x509_cert::ext::pkix::name::GeneralNames;
use x509_cert::serial_number::SerialNumber;

/// The `SigningCertificateV2` type is defined in [RFC 5035 Section 3].
///
/// ```text
/// SigningCertificateV2 ::=  SEQUENCE {
///     certs        SEQUENCE OF ESSCertIDv2,
///     policies     SEQUENCE OF PolicyInformation OPTIONAL
/// }
/// ```
///
/// [RFC 5035 Section 3]: https://www.rfc-editor.org/rfc/rfc5035#section-3
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct SigningCertificateV2 {
    /// The first entry identifies the signer's certificate.
    pub certs: Vec<EssCertIdV2>,
    /// Policies under which the certificates may be used; absent in CAdES-BASELINE-B.
    #[asn1(optional = "true")]
    pub policies: Option<Vec<PolicyInformation>>,
}

/// The `ESSCertIDv2` type is defined in [RFC 5035 Section 4].
///
/// ```text
/// ESSCertIDv2 ::=  SEQUENCE {
///     hashAlgorithm           AlgorithmIdentifier
///                DEFAULT {algorithm id-sha256},
///     certHash                 Hash,
///     issuerSerial             IssuerSerial OPTIONAL
/// }
///
/// Hash ::= OCTET STRING
/// ```
///
/// `hashAlgorithm` is `None` for the DEFAULT, SHA-256: DER omits a value equal to the DEFAULT, so
/// `Some(sha256_algorithm())` would not be DER. [`EssCertIdV2::hash_algorithm`] resolves it.
///
/// [RFC 5035 Section 4]: https://www.rfc-editor.org/rfc/rfc5035#section-4
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct EssCertIdV2 {
    /// Algorithm of `cert_hash`; `None` means the DEFAULT, SHA-256.
    #[asn1(optional = "true")]
    pub hash_algorithm: Option<AlgorithmIdentifierOwned>,
    /// Hash of the whole DER certificate.
    pub cert_hash: OctetString,
    /// Issuer and serial number of the certificate.
    #[asn1(optional = "true")]
    pub issuer_serial: Option<IssuerSerial>,
}

impl EssCertIdV2 {
    /// The algorithm of `cert_hash`, with the DEFAULT filled in.
    pub fn hash_algorithm(&self) -> AlgorithmIdentifierOwned {
        self.hash_algorithm.clone().unwrap_or_else(sha256_algorithm)
    }
}

/// The `IssuerSerial` type is defined in [RFC 5035 Section 4].
///
/// ```text
/// IssuerSerial ::= SEQUENCE {
///     issuer                   GeneralNames,
///     serialNumber             CertificateSerialNumber
/// }
/// ```
///
/// [RFC 5035 Section 4]: https://www.rfc-editor.org/rfc/rfc5035#section-4
#[derive(Clone, Debug, Eq, PartialEq, Sequence)]
pub struct IssuerSerial {
    /// The certificate's issuer, as a single `directoryName`.
    pub issuer: GeneralNames,
    /// The certificate's serial number.
    pub serial_number: SerialNumber,
}

/// `{algorithm id-sha256}` with parameters absent: the DEFAULT of `ESSCertIDv2.hashAlgorithm`,
/// and the digest algorithm identifier CMS uses for SHA-256 ([RFC 5754 Section 2]).
///
/// [RFC 5754 Section 2]: https://www.rfc-editor.org/rfc/rfc5754#section-2
pub fn sha256_algorithm() -> AlgorithmIdentifierOwned {
    AlgorithmIdentifierOwned {
        oid: ID_SHA_256,
        parameters: None,
    }
}
