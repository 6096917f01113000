//! The widgets' texts in the five languages the UI speaks: es, ca, eu, gl, en. Pure: a match per
//! message, so a message missing in one language fails the build.

use crate::wire::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Es,
    Ca,
    Eu,
    Gl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::Es, Lang::Ca, Lang::Eu, Lang::Gl, Lang::En];

    /// From a BCP 47 tag such as "ca-ES" or "eu"; Spanish when nothing matches.
    pub fn from_tag(tag: &str) -> Self {
        let primary = tag
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "ca" | "va" => Self::Ca,
            "eu" => Self::Eu,
            "gl" => Self::Gl,
            "en" => Self::En,
            _ => Self::Es,
        }
    }

    pub fn tag(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::Ca => "ca",
            Self::Eu => "eu",
            Self::Gl => "gl",
            Self::En => "en",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    LoginTitle,
    IdLabel,
    PasswordLabel,
    Continue,
    Cancel,
    IdMalformed,
    IdWrongLetter(char),
    PasswordMissing,
    /// Login refused: the same for any reason (unknown ID, wrong password, blocked account).
    WrongCredentials,
    /// Too many logins from here (429).
    TooManyAttempts {
        seconds: u32,
    },
    AccountBlocked,
    AccountNotActive,
    Hashing,
    OtpTitle,
    YouAreSigning,
    VerificationCode,
    CodeSent,
    OtpLabel,
    Sign,
    ResendCode,
    OtpFormat,
    WrongOtp {
        attempts_left: Option<u32>,
    },
    /// The code had its last wrong entry, expired or was replaced: a new one is needed.
    OtpDead {
        attempts_left: Option<u32>,
    },
    /// A new SMS code is not allowed yet (429).
    ResendIn {
        seconds: u32,
    },
    CertTitle,
    CertExplain,
    Generate,
    CertCodeTitle,
    Confirm,
    Creating,
    ChooseTitle,
    ValidUntil(Date),
    SerialNumber,
    CredentialUnusable,
    Signing,
    /// For example DNI/NIE numbers, under the field.
    IdHint,
    ShowPassword,
    CapsLockOn,
    /// The SMS code's time left, counting down.
    CodeExpiresIn {
        seconds: u32,
    },
    CodeExpired,
    /// Beside "send another code" while the relay allows none.
    NewCodeIn {
        seconds: u32,
    },
    ProgressTitle,
    /// A document read and ready for the SMS code; then signed.
    FileReady,
    FileSigned,
    ResultTitle,
    SignedCount {
        count: u32,
    },
    FormatLabel,
    LevelLabel,
    /// The signature levels, as the result widget names them.
    LevelB,
    LevelT,
    OutputsLabel,
    Close,
    RelayUnreachable,
    /// The relay could not deliver her code (SMS gateway or mail server down).
    DeliveryFailed,
    NoCredential,
    FileUnreadable,
    /// A document that cannot be signed in the format asked for, and why.
    Document {
        name: String,
        problem: DocumentProblem,
    },
    SessionExpired,
    Unexpected,
    /// The forgotten password's journey (R20, R26), from the login widget.
    ForgotPassword,
    ResetTitle,
    ResetExplain,
    SendCodes,
    ResetCodesTitle,
    ResetCodesExplain,
    SmsCodeLabel,
    EmailCodeLabel,
    NewPasswordLabel,
    PasswordPolicyHint,
    ChangePassword,
    /// The relay found the new password weak.
    WeakPassword,
    /// One of the two codes was wrong: entries left for this reset (not the account's budget).
    WrongResetCodes {
        attempts_left: u32,
    },
    /// The reset's codes expired or were used up: ask again.
    ResetDead,
    /// Back at the login widget after a reset.
    PasswordChanged,
    /// The PIN key (R4), offered by the login widget when the service asks for the low level.
    UsePin,
    PinTitle,
    PinExplain,
    BirthDateLabel,
    BirthDateMissing,
    SendPin,
    UsePassword,
    PinCodeTitle,
    PinSent,
    PinLabel,
    /// A wrong PIN: entries left for this PIN.
    WrongPin {
        attempts_left: u32,
    },
    /// The PIN expired, was used or had its last wrong entry.
    PinDead,
    /// The SMS step to the reinforced level (R1).
    ReinforceTitle,
    ReinforceExplain,
    /// The self-service panel (R26), `account()`.
    PanelTitle,
    PanelMobile,
    PanelEmail,
    AccountValidUntil(Date),
    PanelCertificates,
    PanelNoCertificates,
    CertValid,
    CertRevoked,
    CertExpired,
    CertSuspended,
    RevokeCertificate,
    ChangePhone,
    ChangeEmail,
    RenewAccount,
    RevokeAccount,
    CurrentPasswordLabel,
    PanelPasswordChanged,
    NewPhoneLabel,
    NewEmailLabel,
    SendCode,
    ContactCodesTitle,
    CodeToNewPhone,
    CodeToNewEmail,
    CodeToCurrentPhone,
    PhoneChanged,
    EmailChanged,
    ConfirmTitle,
    RevokeCertExplain,
    RenewExplain,
    RevokeAccountExplain,
    CertificateRevoked,
    AccountRenewed(Date),
    AccountRevokedDone,
    /// A wrong password inside the panel: entries left before the account is blocked (R20).
    WrongPassword {
        attempts_left: u32,
    },
    PhoneInvalid,
    EmailInvalid,
    /// The phone or email is on another account (R8, R23).
    ContactTaken,
    SameContact,
    Back,
    /// Her first password came by SMS (R14): she chooses her own before anything else.
    FirstPasswordTitle,
    FirstPasswordExplain,
    /// Activation (R12, R14), `activate()`.
    ActivateTitle,
    ActivationCodeLabel,
    ActivationCodeHint,
    ActivationCodeMissing,
    ActivationCodeBlocked,
    AlreadyActive,
    ActivateCodesTitle,
    PasswordBySmsLabel,
    TermsLabel,
    TermsMissing,
    Activate,
    Activated,
    ActivatedBySms,
    ActivationDead,
    /// The coordinate card (R21): the position asked instead of an SMS code.
    CardAsked {
        position: String,
    },
    CardNumberLabel {
        position: String,
    },
    /// A card number is 3 digits.
    CardNumberFormat,
    SecondFactorCard,
    SwitchToSms,
    SwitchToSmsExplain,
    SwitchedToSms,
    /// Renewal refused until her email is her own (R23).
    RenewNeedsNewEmail,
    /// The new mobile is on another account (R22): confirming takes it from that account.
    PhoneOnAnotherAccount,
    /// A wrong SMS code with a budget of its own (activation): entries left.
    WrongCode {
        attempts_left: u32,
    },
    /// A wrong activation code: entries left before it is blocked.
    WrongActivationCode {
        attempts_left: u32,
    },
    // The professional certificate's six steps (R13), `professional()`.
    ProTitle,
    /// "Step n of 6": where she is in the six steps.
    ProStep(u8),
    ProExplain,
    SendMeTheCode,
    ProCodeTitle,
    ProExpiryTitle,
    ProExpiryLabel,
    ProExpiryHint,
    ProExpiryMissing,
    /// A wrong expiry date: entries left before the invitation is void.
    WrongExpiry {
        attempts_left: u32,
    },
    InvitationVoided,
    InvitationDead,
    ProNewPasswordTitle,
    ProNewPasswordExplain,
    ProCurrentPasswordTitle,
    ProCurrentPasswordExplain,
    ProTermsTitle,
    ProTermsExplain,
    ProTermsMissing,
    ProFinalTitle,
    /// Issued; `new_account`: her account was made by this invitation and is active now.
    ProIssued {
        new_account: bool,
    },
    ProCodeExplain,
    ProExpiryExplain,
    ProFinalExplain,
}

/// Why a document cannot be signed as asked: each has its own words for the citizen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DocumentProblem {
    /// A password-protected (encrypted) PDF.
    Encrypted,
    /// Not a readable PDF (damaged, truncated, or not a PDF at all).
    NotAPdf,
    /// A PDF built in a way this signer does not handle.
    UnsupportedPdf,
    /// The visible signature's page does not exist.
    NoSuchPage { page: u32, pages: u32 },
    /// An XML signature was asked for a document that is not well-formed XML.
    NotXml,
    /// Too large to hold in memory for this format (detached formats have no such limit).
    TooLarge { max_mib: u32 },
    /// Two documents of one ASiC-E share a name.
    DuplicateName,
}

/// The text of `msg` in `lang`.
pub fn text(lang: Lang, msg: &Msg) -> String {
    use Lang::*;
    use Msg::*;
    let s: &str = match (msg, lang) {
        (LoginTitle, Es) => "Identifícate para firmar",
        (LoginTitle, Ca) => "Identifica't per signar",
        (LoginTitle, Eu) => "Identifikatu sinatzeko",
        (LoginTitle, Gl) => "Identifícate para asinar",
        (LoginTitle, En) => "Sign in to sign",
        (IdLabel, Eu) => "NAN/AIZ",
        (IdLabel, _) => "DNI/NIE",
        (PasswordLabel, Es) => "Contraseña",
        (PasswordLabel, Ca) => "Contrasenya",
        (PasswordLabel, Eu) => "Pasahitza",
        (PasswordLabel, Gl) => "Contrasinal",
        (PasswordLabel, En) => "Password",
        (Continue, Es | Gl) => "Continuar",
        (Continue, Ca) => "Continua",
        (Continue, Eu) => "Jarraitu",
        (Continue, En) => "Continue",
        (Cancel, Es | Gl) => "Cancelar",
        (Cancel, Ca) => "Cancel·la",
        (Cancel, Eu) => "Utzi",
        (Cancel, En) => "Cancel",
        (IdMalformed, Es) => {
            "Escribe un DNI (8 cifras y una letra) o un NIE (X, Y o Z, 7 cifras y una letra)."
        }
        (IdMalformed, Ca) => {
            "Escriu un DNI (8 xifres i una lletra) o un NIE (X, Y o Z, 7 xifres i una lletra)."
        }
        (IdMalformed, Eu) => {
            "Idatzi NAN bat (8 zifra eta letra bat) edo AIZ bat (X, Y edo Z, 7 zifra eta letra bat)."
        }
        (IdMalformed, Gl) => {
            "Escribe un DNI (8 cifras e unha letra) ou un NIE (X, Y ou Z, 7 cifras e unha letra)."
        }
        (IdMalformed, En) => {
            "Enter a DNI (8 digits and a letter) or an NIE (X, Y or Z, 7 digits and a letter)."
        }
        (Document { name, problem }, lang) => return document_problem(lang, name, problem),
        (IdWrongLetter(c), lang) => {
            return match lang {
                Es => format!("La letra no corresponde al número (debería ser {c})."),
                Ca => format!("La lletra no correspon al número (hauria de ser {c})."),
                Eu => format!("Letra ez dator bat zenbakiarekin ({c} izan beharko luke)."),
                Gl => format!("A letra non corresponde ao número (debería ser {c})."),
                En => format!("The letter does not match the number (it should be {c})."),
            };
        }
        (PasswordMissing, Es) => "Escribe tu contraseña.",
        (PasswordMissing, Ca) => "Escriu la teva contrasenya.",
        (PasswordMissing, Eu) => "Idatzi zure pasahitza.",
        (PasswordMissing, Gl) => "Escribe o teu contrasinal.",
        (PasswordMissing, En) => "Enter your password.",
        (WrongCredentials, Es) => {
            "DNI/NIE o contraseña incorrectos. Tras 5 fallos seguidos, la cuenta se bloquea."
        }
        (WrongCredentials, Ca) => {
            "DNI/NIE o contrasenya incorrectes. Després de 5 errors seguits, el compte es bloqueja."
        }
        (WrongCredentials, Eu) => {
            "NAN/AIZ edo pasahitz okerra. Jarraian 5 huts eginez gero, kontua blokeatu egiten da."
        }
        (WrongCredentials, Gl) => {
            "DNI/NIE ou contrasinal incorrectos. Tras 5 fallos seguidos, a conta bloquéase."
        }
        (WrongCredentials, En) => {
            "Wrong DNI/NIE or password. After 5 failures in a row, the account is blocked."
        }
        (TooManyAttempts { seconds: n }, lang) => {
            return match lang {
                Es => format!("Demasiados intentos. Vuelve a intentarlo en {n} s."),
                Ca => format!("Massa intents. Torna-ho a provar d'aquí a {n} s."),
                Eu => format!("Saiakera gehiegi. Saiatu berriro {n} s barru."),
                Gl => format!("Demasiados intentos. Volve tentalo en {n} s."),
                En => format!("Too many attempts. Try again in {n} s."),
            };
        }
        (AccountBlocked, Es) => {
            "Tu cuenta está bloqueada por demasiados intentos fallidos. Restablece la contraseña para desbloquearla."
        }
        (AccountBlocked, Ca) => {
            "El teu compte està bloquejat per massa intents fallits. Restableix la contrasenya per desbloquejar-lo."
        }
        (AccountBlocked, Eu) => {
            "Zure kontua blokeatuta dago huts egindako saiakera gehiegirengatik. Berrezarri pasahitza desblokeatzeko."
        }
        (AccountBlocked, Gl) => {
            "A túa conta está bloqueada por demasiados intentos fallidos. Restablece o contrasinal para desbloqueala."
        }
        (AccountBlocked, En) => {
            "Your account is blocked after too many failed attempts. Reset your password to unblock it."
        }
        (AccountNotActive, Es) => "Tu cuenta aún no está activada.",
        (AccountNotActive, Ca) => "El teu compte encara no està activat.",
        (AccountNotActive, Eu) => "Zure kontua oraindik ez dago aktibatuta.",
        (AccountNotActive, Gl) => "A túa conta aínda non está activada.",
        (AccountNotActive, En) => "Your account is not activated yet.",
        (Hashing, Es) => "Preparando los documentos…",
        (Hashing, Ca) => "S'estan preparant els documents…",
        (Hashing, Eu) => "Dokumentuak prestatzen…",
        (Hashing, Gl) => "Preparando os documentos…",
        (Hashing, En) => "Preparing the documents…",
        (OtpTitle, Es) => "Confirma la firma con el código SMS",
        (OtpTitle, Ca) => "Confirma la signatura amb el codi SMS",
        (OtpTitle, Eu) => "Berretsi sinadura SMS kodearekin",
        (OtpTitle, Gl) => "Confirma a sinatura co código SMS",
        (OtpTitle, En) => "Confirm the signature with the SMS code",
        (YouAreSigning, Es) => "Vas a firmar:",
        (YouAreSigning, Ca) => "Signaràs aquests documents:",
        (YouAreSigning, Eu) => "Hau sinatuko duzu:",
        (YouAreSigning, Gl) => "Vas asinar:",
        (YouAreSigning, En) => "You are about to sign:",
        (VerificationCode, Es) => "Código de verificación (debe coincidir con el del SMS)",
        (VerificationCode, Ca) => "Codi de verificació (ha de coincidir amb el de l'SMS)",
        (VerificationCode, Eu) => "Egiaztapen-kodea (SMSkoarekin bat etorri behar da)",
        (VerificationCode, Gl) => "Código de verificación (debe coincidir co do SMS)",
        (VerificationCode, En) => "Verification code (must match the one in the SMS)",
        (CodeSent, Es) => "Te hemos enviado un SMS con el código.",
        (CodeSent, Ca) => "T'hem enviat un SMS amb el codi.",
        (CodeSent, Eu) => "SMS bat bidali dizugu kodearekin.",
        (CodeSent, Gl) => "Enviámosche un SMS co código.",
        (CodeSent, En) => "We have sent you an SMS with the code.",
        (OtpLabel, Es | Gl) => "Código recibido por SMS",
        (OtpLabel, Ca) => "Codi rebut per SMS",
        (OtpLabel, Eu) => "SMS bidez jasotako kodea",
        (OtpLabel, En) => "Code received by SMS",
        (Sign, Es) => "Firmar",
        (Sign, Ca) => "Signa",
        (Sign, Eu) => "Sinatu",
        (Sign, Gl) => "Asinar",
        (Sign, En) => "Sign",
        (ResendCode, Es) => "Enviar otro código",
        (ResendCode, Ca) => "Envia un altre codi",
        (ResendCode, Eu) => "Bidali beste kode bat",
        (ResendCode, Gl) => "Enviar outro código",
        (ResendCode, En) => "Send another code",
        (OtpFormat, Es) => "El código tiene 6 cifras.",
        (OtpFormat, Ca) => "El codi té 6 xifres.",
        (OtpFormat, Eu) => "Kodeak 6 zifra ditu.",
        (OtpFormat, Gl) => "O código ten 6 cifras.",
        (OtpFormat, En) => "The code has 6 digits.",
        (WrongOtp { attempts_left }, lang) => {
            let wrong = match lang {
                Es | Gl => "Código incorrecto.",
                Ca => "Codi incorrecte.",
                Eu => "Kode okerra.",
                En => "Wrong code.",
            };
            return with_attempts_left(lang, wrong, *attempts_left);
        }
        (OtpDead { attempts_left }, lang) => {
            let dead = match lang {
                Es => "Este código ya no sirve: pide otro.",
                Ca => "Aquest codi ja no serveix: demana'n un altre.",
                Eu => "Kode hau ez da baliagarria jada: eskatu beste bat.",
                Gl => "Este código xa non serve: pide outro.",
                En => "This code no longer works: ask for another.",
            };
            return with_attempts_left(lang, dead, *attempts_left);
        }
        (ResendIn { seconds: n }, lang) => {
            return match lang {
                Es => format!("Podrás pedir un código nuevo en {n} s."),
                Ca => format!("Podràs demanar un codi nou d'aquí a {n} s."),
                Eu => format!("Kode berri bat eskatu ahal izango duzu {n} s barru."),
                Gl => format!("Poderás pedir un código novo en {n} s."),
                En => format!("You can ask for a new code in {n} s."),
            };
        }
        (CertTitle, Es) => "Aún no tienes un certificado en la nube",
        (CertTitle, Ca) => "Encara no tens cap certificat al núvol",
        (CertTitle, Eu) => "Oraindik ez duzu hodeiko ziurtagiririk",
        (CertTitle, Gl) => "Aínda non tes un certificado na nube",
        (CertTitle, En) => "You do not have a cloud certificate yet",
        (CertExplain, Es) => {
            "Para firmar necesitas un certificado de firma en la nube. Podemos crearlo ahora mismo: te enviaremos un código por SMS para confirmarlo."
        }
        (CertExplain, Ca) => {
            "Per signar necessites un certificat de signatura al núvol. El podem crear ara mateix: t'enviarem un codi per SMS per confirmar-ho."
        }
        (CertExplain, Eu) => {
            "Sinatzeko hodeiko sinadura-ziurtagiri bat behar duzu. Orain bertan sor dezakegu: SMS bidez kode bat bidaliko dizugu berresteko."
        }
        (CertExplain, Gl) => {
            "Para asinar necesitas un certificado de sinatura na nube. Podemos crealo agora mesmo: enviarémosche un código por SMS para confirmalo."
        }
        (CertExplain, En) => {
            "To sign you need a cloud signing certificate. We can create it right now: we will send you a code by SMS to confirm it."
        }
        (Generate, Es) => "Crear mi certificado",
        (Generate, Ca) => "Crea el meu certificat",
        (Generate, Eu) => "Sortu nire ziurtagiria",
        (Generate, Gl) => "Crear o meu certificado",
        (Generate, En) => "Create my certificate",
        (CertCodeTitle, Es) => "Confirma la creación de tu certificado",
        (CertCodeTitle, Ca) => "Confirma la creació del teu certificat",
        (CertCodeTitle, Eu) => "Berretsi zure ziurtagiriaren sorrera",
        (CertCodeTitle, Gl) => "Confirma a creación do teu certificado",
        (CertCodeTitle, En) => "Confirm the creation of your certificate",
        (Confirm, Es | Gl) => "Confirmar",
        (Confirm, Ca) => "Confirma",
        (Confirm, Eu) => "Berretsi",
        (Confirm, En) => "Confirm",
        (Creating, Es) => "Creando tu certificado…",
        (Creating, Ca) => "S'està creant el teu certificat…",
        (Creating, Eu) => "Zure ziurtagiria sortzen…",
        (Creating, Gl) => "Creando o teu certificado…",
        (Creating, En) => "Creating your certificate…",
        (ChooseTitle, Es) => "Elige el certificado con el que firmar",
        (ChooseTitle, Ca) => "Tria el certificat amb què vols signar",
        (ChooseTitle, Eu) => "Aukeratu sinatzeko ziurtagiria",
        (ChooseTitle, Gl) => "Escolle o certificado co que asinar",
        (ChooseTitle, En) => "Choose the certificate to sign with",
        (ValidUntil(date), lang) => {
            let d = date_text(lang, *date);
            return match lang {
                Es => format!("válido hasta el {d}"),
                Ca => format!("vàlid fins al {d}"),
                Eu => format!("{d} arte baliozkoa"),
                Gl => format!("válido ata o {d}"),
                En => format!("valid until {d}"),
            };
        }
        (SerialNumber, Es | Gl) => "n.º de serie",
        (SerialNumber, Ca) => "núm. de sèrie",
        (SerialNumber, Eu) => "serie-zenbakia",
        (SerialNumber, En) => "serial number",
        (CredentialUnusable, Es) => {
            "Este certificado ya no puede firmar (revocado, suspendido o caducado). Vuelve a empezar para elegir o crear otro."
        }
        (CredentialUnusable, Ca) => {
            "Aquest certificat ja no pot signar (revocat, suspès o caducat). Torna a començar per triar-ne o crear-ne un altre."
        }
        (CredentialUnusable, Eu) => {
            "Ziurtagiri honek ezin du jada sinatu (baliogabetuta, etenda edo iraungita). Hasi berriro beste bat aukeratzeko edo sortzeko."
        }
        (CredentialUnusable, Gl) => {
            "Este certificado xa non pode asinar (revogado, suspendido ou caducado). Volve comezar para escoller ou crear outro."
        }
        (CredentialUnusable, En) => {
            "This certificate can no longer sign (revoked, suspended or expired). Start again to choose or create another one."
        }
        (Signing, Es) => "Firmando…",
        (Signing, Ca) => "S'està signant…",
        (Signing, Eu) => "Sinatzen…",
        (Signing, Gl) => "Asinando…",
        (Signing, En) => "Signing…",
        (IdHint, Es) => "Por ejemplo, 12345678Z o X1234567L",
        (IdHint, Ca) => "Per exemple, 12345678Z o X1234567L",
        (IdHint, Eu) => "Adibidez, 12345678Z edo X1234567L",
        (IdHint, Gl) => "Por exemplo, 12345678Z ou X1234567L",
        (IdHint, En) => "For example, 12345678Z or X1234567L",
        (ShowPassword, Es) => "Mostrar contraseña",
        (ShowPassword, Ca) => "Mostra la contrasenya",
        (ShowPassword, Eu) => "Erakutsi pasahitza",
        (ShowPassword, Gl) => "Amosar o contrasinal",
        (ShowPassword, En) => "Show password",
        (CapsLockOn, Es) => "Tienes activadas las mayúsculas (Bloq Mayús).",
        (CapsLockOn, Ca) => "Tens activades les majúscules (Bloq Maj).",
        (CapsLockOn, Eu) => "Maiuskulak aktibatuta dituzu (Blok Maius).",
        (CapsLockOn, Gl) => "Tes activadas as maiúsculas (Bloq Maiús).",
        (CapsLockOn, En) => "Caps Lock is on.",
        (CodeExpiresIn { seconds }, lang) => {
            let left = format!("{}:{:02}", seconds / 60, seconds % 60);
            return match lang {
                Es => format!("El código caduca en {left}."),
                Ca => format!("El codi caduca d'aquí a {left}."),
                Eu => format!("Kodea {left} barru iraungiko da."),
                Gl => format!("O código caduca en {left}."),
                En => format!("The code expires in {left}."),
            };
        }
        (CodeExpired, Es) => "El código ha caducado: pide otro con «Enviar otro código».",
        (CodeExpired, Ca) => "El codi ha caducat: demana'n un altre amb «Envia un altre codi».",
        (CodeExpired, Eu) => "Kodea iraungi da: eskatu beste bat «Bidali beste kode bat» sakatuta.",
        (CodeExpired, Gl) => "O código caducou: pide outro con «Enviar outro código».",
        (CodeExpired, En) => "The code has expired: ask for a new one with “Send another code”.",
        (NewCodeIn { seconds: n }, lang) => {
            return match lang {
                Es => format!("Nuevo código en {n} s"),
                Ca => format!("Codi nou d'aquí a {n} s"),
                Eu => format!("Kode berria {n} s barru"),
                Gl => format!("Novo código en {n} s"),
                En => format!("New code in {n} s"),
            };
        }
        (ProgressTitle, Es) => "Firma en curso",
        (ProgressTitle, Ca) => "Signatura en curs",
        (ProgressTitle, Eu) => "Sinadura martxan",
        (ProgressTitle, Gl) => "Sinatura en curso",
        (ProgressTitle, En) => "Signing in progress",
        (FileReady, Es) => "listo",
        (FileReady, Ca) => "a punt",
        (FileReady, Eu) => "prest",
        (FileReady, Gl) => "listo",
        (FileReady, En) => "ready",
        (FileSigned, Es) => "firmado",
        (FileSigned, Ca) => "signat",
        (FileSigned, Eu) => "sinatuta",
        (FileSigned, Gl) => "asinado",
        (FileSigned, En) => "signed",
        (ResultTitle, Es) => "Firma completada",
        (ResultTitle, Ca) => "Signatura completada",
        (ResultTitle, Eu) => "Sinadura osatu da",
        (ResultTitle, Gl) => "Sinatura completada",
        (ResultTitle, En) => "Signature complete",
        (SignedCount { count: 1 }, Es) => "Has firmado este documento:",
        (SignedCount { count: 1 }, Ca) => "Has signat aquest document:",
        (SignedCount { count: 1 }, Eu) => "Dokumentu hau sinatu duzu:",
        (SignedCount { count: 1 }, Gl) => "Asinaches este documento:",
        (SignedCount { count: 1 }, En) => "You have signed this document:",
        (SignedCount { count: n }, lang) => {
            return match lang {
                Es => format!("Has firmado estos {n} documentos:"),
                Ca => format!("Has signat aquests {n} documents:"),
                Eu => format!("{n} dokumentu hauek sinatu dituzu:"),
                Gl => format!("Asinaches estes {n} documentos:"),
                En => format!("You have signed these {n} documents:"),
            };
        }
        (FormatLabel, Es | Gl) => "Formato",
        (FormatLabel, Ca) => "Format",
        (FormatLabel, Eu) => "Formatua",
        (FormatLabel, En) => "Format",
        (LevelLabel, Es | Gl) => "Nivel",
        (LevelLabel, Ca) => "Nivell",
        (LevelLabel, Eu) => "Maila",
        (LevelLabel, En) => "Level",
        (LevelB, Es) => "B (básica)",
        (LevelB, Ca) => "B (bàsica)",
        (LevelB, Eu) => "B (oinarrizkoa)",
        (LevelB, Gl) => "B (básica)",
        (LevelB, En) => "B (basic)",
        (LevelT, Es) => "T (con sello de tiempo)",
        (LevelT, Ca) => "T (amb segell de temps)",
        (LevelT, Eu) => "T (denbora-zigiluarekin)",
        (LevelT, Gl) => "T (con selo de tempo)",
        (LevelT, En) => "T (with a trusted timestamp)",
        (OutputsLabel, Es) => "Archivos firmados",
        (OutputsLabel, Ca) => "Fitxers signats",
        (OutputsLabel, Eu) => "Sinatutako fitxategiak",
        (OutputsLabel, Gl) => "Ficheiros asinados",
        (OutputsLabel, En) => "Signed files",
        (Close, Es) => "Cerrar",
        (Close, Ca) => "Tanca",
        (Close, Eu) => "Itxi",
        (Close, Gl) => "Pechar",
        (Close, En) => "Done",
        (RelayUnreachable, Es) => {
            "No se puede contactar con el servicio de firma. Inténtalo de nuevo."
        }
        (RelayUnreachable, Ca) => {
            "No es pot contactar amb el servei de signatura. Torna-ho a provar."
        }
        (RelayUnreachable, Eu) => "Ezin da sinadura-zerbitzura konektatu. Saiatu berriro.",
        (RelayUnreachable, Gl) => "Non se pode contactar co servizo de sinatura. Téntao de novo.",
        (RelayUnreachable, En) => "Cannot reach the signing service. Please try again.",
        (DeliveryFailed, Es) => {
            "No hemos podido enviarte el código. Inténtalo de nuevo en un momento."
        }
        (DeliveryFailed, Ca) => {
            "No t'hem pogut enviar el codi. Torna-ho a provar d'aquí a un moment."
        }
        (DeliveryFailed, Eu) => "Ezin izan dizugu kodea bidali. Saiatu berriro geroxeago.",
        (DeliveryFailed, Gl) => "Non puidemos enviarche o código. Téntao de novo nun momento.",
        (DeliveryFailed, En) => "We could not send you the code. Please try again in a moment.",
        (NoCredential, Es) => "No se ha firmado: no tienes un certificado en la nube.",
        (NoCredential, Ca) => "No s'ha signat: no tens cap certificat al núvol.",
        (NoCredential, Eu) => "Ez da sinatu: ez duzu hodeiko ziurtagiririk.",
        (NoCredential, Gl) => "Non se asinou: non tes un certificado na nube.",
        (NoCredential, En) => "Not signed: you have no cloud certificate.",
        (FileUnreadable, Es) => "No se ha podido leer el documento. Vuelve a elegirlo.",
        (FileUnreadable, Ca) => "No s'ha pogut llegir el document. Torna a triar-lo.",
        (FileUnreadable, Eu) => "Ezin izan da dokumentua irakurri. Aukeratu berriro.",
        (FileUnreadable, Gl) => "Non se puido ler o documento. Volve escollelo.",
        (FileUnreadable, En) => "The document could not be read. Choose it again.",
        (SessionExpired, Es) => "La sesión ha caducado. Vuelve a empezar.",
        (SessionExpired, Ca) => "La sessió ha caducat. Torna a començar.",
        (SessionExpired, Eu) => "Saioa iraungi da. Hasi berriro.",
        (SessionExpired, Gl) => "A sesión caducou. Volve comezar.",
        (SessionExpired, En) => "The session has expired. Please start again.",
        (Unexpected, Es) => "Se ha producido un error inesperado.",
        (Unexpected, Ca) => "S'ha produït un error inesperat.",
        (Unexpected, Eu) => "Ustekabeko errore bat gertatu da.",
        (Unexpected, Gl) => "Produciuse un erro inesperado.",
        (Unexpected, En) => "An unexpected error occurred.",
        (ForgotPassword, Es) => "¿Has olvidado tu contraseña?",
        (ForgotPassword, Ca) => "Has oblidat la contrasenya?",
        (ForgotPassword, Eu) => "Pasahitza ahaztu zaizu?",
        (ForgotPassword, Gl) => "Esqueciches o contrasinal?",
        (ForgotPassword, En) => "Forgot your password?",
        (ResetTitle, Es) => "Restablece tu contraseña",
        (ResetTitle, Ca) => "Restableix la contrasenya",
        (ResetTitle, Eu) => "Berrezarri pasahitza",
        (ResetTitle, Gl) => "Restablece o teu contrasinal",
        (ResetTitle, En) => "Reset your password",
        (ResetExplain, Es) => {
            "Te enviaremos un código por SMS y otro por correo electrónico. Con los dos eliges una contraseña nueva y, si tu cuenta estaba bloqueada, se desbloquea."
        }
        (ResetExplain, Ca) => {
            "T'enviarem un codi per SMS i un altre per correu electrònic. Amb tots dos tries una contrasenya nova i, si el compte estava bloquejat, es desbloqueja."
        }
        (ResetExplain, Eu) => {
            "Kode bat bidaliko dizugu SMS bidez eta beste bat posta elektronikoz. Bi kodeekin pasahitz berria aukeratuko duzu, eta kontua blokeatuta bazegoen, desblokeatu egingo da."
        }
        (ResetExplain, Gl) => {
            "Enviarémosche un código por SMS e outro por correo electrónico. Cos dous escolles un contrasinal novo e, se a túa conta estaba bloqueada, desbloquéase."
        }
        (ResetExplain, En) => {
            "We will send you one code by SMS and another by email. With both you choose a new password and, if your account was blocked, it is unblocked."
        }
        (SendCodes, Es) => "Enviar los códigos",
        (SendCodes, Ca) => "Envia els codis",
        (SendCodes, Eu) => "Bidali kodeak",
        (SendCodes, Gl) => "Enviar os códigos",
        (SendCodes, En) => "Send the codes",
        (ResetCodesTitle, Es) => "Escribe los dos códigos",
        (ResetCodesTitle, Ca) => "Escriu els dos codis",
        (ResetCodesTitle, Eu) => "Idatzi bi kodeak",
        (ResetCodesTitle, Gl) => "Escribe os dous códigos",
        (ResetCodesTitle, En) => "Enter both codes",
        (ResetCodesExplain, Es) => {
            "Si tu DNI/NIE tiene cuenta, te hemos enviado un código al móvil y otro al correo. Tu certificado actual se revocará: se creará uno nuevo en tu próxima firma."
        }
        (ResetCodesExplain, Ca) => {
            "Si el teu DNI/NIE té compte, t'hem enviat un codi al mòbil i un altre al correu. El certificat actual es revocarà: se'n crearà un de nou en la pròxima signatura."
        }
        (ResetCodesExplain, Eu) => {
            "Zure NAN/AIZak kontua badu, kode bat bidali dizugu mugikorrera eta beste bat postara. Oraingo ziurtagiria baliogabetu egingo da: berri bat sortuko da hurrengo sinaduran."
        }
        (ResetCodesExplain, Gl) => {
            "Se o teu DNI/NIE ten conta, enviámosche un código ao móbil e outro ao correo. O teu certificado actual revogarase: crearase un novo na túa próxima sinatura."
        }
        (ResetCodesExplain, En) => {
            "If your DNI/NIE has an account, we have sent one code to your mobile and another to your email. Your current certificate will be revoked: a new one is made at your next signature."
        }
        (SmsCodeLabel, Es) => "Código del SMS",
        (SmsCodeLabel, Ca) => "Codi de l'SMS",
        (SmsCodeLabel, Eu) => "SMSko kodea",
        (SmsCodeLabel, Gl) => "Código do SMS",
        (SmsCodeLabel, En) => "Code from the SMS",
        (EmailCodeLabel, Es) => "Código del correo",
        (EmailCodeLabel, Ca) => "Codi del correu",
        (EmailCodeLabel, Eu) => "Posta elektronikoko kodea",
        (EmailCodeLabel, Gl) => "Código do correo",
        (EmailCodeLabel, En) => "Code from the email",
        (NewPasswordLabel, Es) => "Contraseña nueva",
        (NewPasswordLabel, Ca) => "Contrasenya nova",
        (NewPasswordLabel, Eu) => "Pasahitz berria",
        (NewPasswordLabel, Gl) => "Contrasinal novo",
        (NewPasswordLabel, En) => "New password",
        (PasswordPolicyHint, Es) => "Al menos 8 caracteres, sin tu DNI/NIE ni tu nombre.",
        (PasswordPolicyHint, Ca) => "Almenys 8 caràcters, sense el DNI/NIE ni el teu nom.",
        (PasswordPolicyHint, Eu) => "Gutxienez 8 karaktere, NAN/AIZ eta izena erabili gabe.",
        (PasswordPolicyHint, Gl) => "Polo menos 8 caracteres, sen o teu DNI/NIE nin o teu nome.",
        (PasswordPolicyHint, En) => "At least 8 characters, without your DNI/NIE or your name.",
        (ChangePassword, Es) => "Cambiar la contraseña",
        (ChangePassword, Ca) => "Canvia la contrasenya",
        (ChangePassword, Eu) => "Aldatu pasahitza",
        (ChangePassword, Gl) => "Cambiar o contrasinal",
        (ChangePassword, En) => "Change password",
        (WeakPassword, Es) => {
            "Esa contraseña no sirve: al menos 8 caracteres, sin tu DNI/NIE ni tu nombre."
        }
        (WeakPassword, Ca) => {
            "Aquesta contrasenya no serveix: almenys 8 caràcters, sense el DNI/NIE ni el teu nom."
        }
        (WeakPassword, Eu) => {
            "Pasahitz horrek ez du balio: gutxienez 8 karaktere, NAN/AIZ eta izena erabili gabe."
        }
        (WeakPassword, Gl) => {
            "Ese contrasinal non serve: polo menos 8 caracteres, sen o teu DNI/NIE nin o teu nome."
        }
        (WeakPassword, En) => {
            "That password will not do: at least 8 characters, without your DNI/NIE or your name."
        }
        (WrongResetCodes { attempts_left: n }, lang) => {
            return match (lang, n) {
                (Es, 1) => "Algún código no es correcto. Te queda 1 intento.".to_owned(),
                (Es, n) => format!("Algún código no es correcto. Te quedan {n} intentos."),
                (Ca, 1) => "Algun codi no és correcte. Et queda 1 intent.".to_owned(),
                (Ca, n) => format!("Algun codi no és correcte. Et queden {n} intents."),
                (Eu, 1) => "Kodeetako bat ez da zuzena. Saiakera 1 geratzen zaizu.".to_owned(),
                (Eu, n) => format!("Kodeetako bat ez da zuzena. {n} saiakera geratzen zaizkizu."),
                (Gl, 1) => "Algún código non é correcto. Quédache 1 intento.".to_owned(),
                (Gl, n) => format!("Algún código non é correcto. Quédanche {n} intentos."),
                (En, 1) => "One of the codes is wrong. 1 attempt left.".to_owned(),
                (En, n) => format!("One of the codes is wrong. {n} attempts left."),
            };
        }
        (ResetDead, Es) => "Estos códigos ya no sirven: pide otros.",
        (ResetDead, Ca) => "Aquests codis ja no serveixen: demana'n uns altres.",
        (ResetDead, Eu) => "Kode hauek ez dute balio jada: eskatu beste batzuk.",
        (ResetDead, Gl) => "Estes códigos xa non serven: pide outros.",
        (ResetDead, En) => "These codes no longer work: ask for new ones.",
        (PasswordChanged, Es) => "Contraseña cambiada. Entra con la nueva.",
        (PasswordChanged, Ca) => "Contrasenya canviada. Entra amb la nova.",
        (PasswordChanged, Eu) => "Pasahitza aldatu da. Sartu berriarekin.",
        (PasswordChanged, Gl) => "Contrasinal cambiado. Entra co novo.",
        (PasswordChanged, En) => "Password changed. Sign in with the new one.",
        (UsePin, Es) => "Identificarme con un PIN por SMS",
        (UsePin, Ca) => "Identificar-me amb un PIN per SMS",
        (UsePin, Eu) => "SMS bidezko PIN batekin identifikatu",
        (UsePin, Gl) => "Identificarme cun PIN por SMS",
        (UsePin, En) => "Identify me with a PIN by SMS",
        (PinTitle, Es) => "Identificarte con un PIN",
        (PinTitle, Ca) => "Identificar-te amb un PIN",
        (PinTitle, Eu) => "PIN batekin identifikatu",
        (PinTitle, Gl) => "Identificarte cun PIN",
        (PinTitle, En) => "Identify yourself with a PIN",
        (PinExplain, Es) => {
            "Te enviaremos un PIN por SMS. Sirve solo para identificarte; para firmar necesitas tu contraseña."
        }
        (PinExplain, Ca) => {
            "T'enviarem un PIN per SMS. Només serveix per identificar-te; per signar necessites la contrasenya."
        }
        (PinExplain, Eu) => {
            "PIN bat bidaliko dizugu SMS bidez. Identifikatzeko bakarrik balio du; sinatzeko pasahitza behar duzu."
        }
        (PinExplain, Gl) => {
            "Enviarémosche un PIN por SMS. Só serve para identificarte; para asinar necesitas o teu contrasinal."
        }
        (PinExplain, En) => {
            "We will send you a PIN by SMS. It only identifies you; to sign you need your password."
        }
        (BirthDateLabel, Es) => "Fecha de nacimiento",
        (BirthDateLabel, Ca) => "Data de naixement",
        (BirthDateLabel, Eu) => "Jaiotze-data",
        (BirthDateLabel, Gl) => "Data de nacemento",
        (BirthDateLabel, En) => "Date of birth",
        (BirthDateMissing, Es) => "Escribe tu fecha de nacimiento.",
        (BirthDateMissing, Ca) => "Escriu la data de naixement.",
        (BirthDateMissing, Eu) => "Idatzi zure jaiotze-data.",
        (BirthDateMissing, Gl) => "Escribe a túa data de nacemento.",
        (BirthDateMissing, En) => "Enter your date of birth.",
        (SendPin, Es) => "Enviar PIN",
        (SendPin, Ca) => "Envia el PIN",
        (SendPin, Eu) => "Bidali PINa",
        (SendPin, Gl) => "Enviar o PIN",
        (SendPin, En) => "Send PIN",
        (UsePassword, Es) => "Usar mi contraseña",
        (UsePassword, Ca) => "Fer servir la contrasenya",
        (UsePassword, Eu) => "Nire pasahitza erabili",
        (UsePassword, Gl) => "Usar o meu contrasinal",
        (UsePassword, En) => "Use my password instead",
        (PinCodeTitle, Es) => "Escribe tu PIN",
        (PinCodeTitle, Ca) => "Escriu el PIN",
        (PinCodeTitle, Eu) => "Idatzi zure PINa",
        (PinCodeTitle, Gl) => "Escribe o teu PIN",
        (PinCodeTitle, En) => "Enter your PIN",
        (PinSent, Es) => {
            "Si los datos son de una cuenta activa, su móvil ha recibido un PIN por SMS."
        }
        (PinSent, Ca) => {
            "Si les dades són d'un compte actiu, el seu mòbil ha rebut un PIN per SMS."
        }
        (PinSent, Eu) => {
            "Datuak kontu aktibo batenak badira, haren mugikorrak PIN bat jaso du SMS bidez."
        }
        (PinSent, Gl) => "Se os datos son dunha conta activa, o seu móbil recibiu un PIN por SMS.",
        (PinSent, En) => {
            "If the details are those of an active account, its phone has received a PIN by SMS."
        }
        (PinLabel, Es) => "PIN (6 cifras)",
        (PinLabel, Ca) => "PIN (6 xifres)",
        (PinLabel, Eu) => "PINa (6 digitu)",
        (PinLabel, Gl) => "PIN (6 díxitos)",
        (PinLabel, En) => "PIN (6 digits)",
        (WrongPin { attempts_left: n }, lang) => {
            return match (lang, n) {
                (Es, 1) => "PIN incorrecto. Te queda 1 intento.".to_owned(),
                (Es, n) => format!("PIN incorrecto. Te quedan {n} intentos."),
                (Ca, 1) => "PIN incorrecte. Et queda 1 intent.".to_owned(),
                (Ca, n) => format!("PIN incorrecte. Et queden {n} intents."),
                (Eu, 1) => "PINa ez da zuzena. Saiakera 1 geratzen zaizu.".to_owned(),
                (Eu, n) => format!("PINa ez da zuzena. {n} saiakera geratzen zaizkizu."),
                (Gl, 1) => "PIN incorrecto. Quédache 1 intento.".to_owned(),
                (Gl, n) => format!("PIN incorrecto. Quédanche {n} intentos."),
                (En, 1) => "Wrong PIN. 1 attempt left.".to_owned(),
                (En, n) => format!("Wrong PIN. {n} attempts left."),
            };
        }
        (PinDead, Es) => "Ese PIN ya no sirve: pide otro.",
        (PinDead, Ca) => "Aquest PIN ja no serveix: demana'n un altre.",
        (PinDead, Eu) => "PIN horrek ez du balio jada: eskatu beste bat.",
        (PinDead, Gl) => "Ese PIN xa non serve: pide outro.",
        (PinDead, En) => "That PIN no longer works: ask for a new one.",
        (ReinforceTitle, Es) => "Nivel reforzado: código SMS",
        (ReinforceTitle, Ca) => "Nivell reforçat: codi SMS",
        (ReinforceTitle, Eu) => "Maila indartua: SMS kodea",
        (ReinforceTitle, Gl) => "Nivel reforzado: código SMS",
        (ReinforceTitle, En) => "Reinforced level: SMS code",
        (ReinforceExplain, Es) => {
            "Este servicio pide el nivel reforzado: escribe el código que te hemos enviado al móvil."
        }
        (ReinforceExplain, Ca) => {
            "Aquest servei demana el nivell reforçat: escriu el codi que t'hem enviat al mòbil."
        }
        (ReinforceExplain, Eu) => {
            "Zerbitzu honek maila indartua eskatzen du: idatzi mugikorrera bidali dizugun kodea."
        }
        (ReinforceExplain, Gl) => {
            "Este servizo pide o nivel reforzado: escribe o código que che enviamos ao móbil."
        }
        (ReinforceExplain, En) => {
            "This service asks for the reinforced level: enter the code we have sent to your phone."
        }
        (PanelTitle, Es) => "Tu cuenta",
        (PanelTitle, Ca) => "El teu compte",
        (PanelTitle, Eu) => "Zure kontua",
        (PanelTitle, Gl) => "A túa conta",
        (PanelTitle, En) => "Your account",
        (PanelMobile, Es) => "Móvil",
        (PanelMobile, Ca) => "Mòbil",
        (PanelMobile, Eu) => "Mugikorra",
        (PanelMobile, Gl) => "Móbil",
        (PanelMobile, En) => "Mobile",
        (PanelEmail, Es) => "Correo electrónico",
        (PanelEmail, Ca) => "Correu electrònic",
        (PanelEmail, Eu) => "Posta elektronikoa",
        (PanelEmail, Gl) => "Correo-e",
        (PanelEmail, En) => "Email",
        (AccountValidUntil(date), lang) => {
            let d = date_text(lang, *date);
            return match lang {
                Es => format!("Cuenta válida hasta el {d}"),
                Ca => format!("Compte vàlid fins al {d}"),
                Eu => format!("Kontuak {d} arte balio du"),
                Gl => format!("Conta válida ata o {d}"),
                En => format!("Account valid until {d}"),
            };
        }
        (PanelCertificates, Es) => "Tus certificados",
        (PanelCertificates, Ca) => "Els teus certificats",
        (PanelCertificates, Eu) => "Zure ziurtagiriak",
        (PanelCertificates, Gl) => "Os teus certificados",
        (PanelCertificates, En) => "Your certificates",
        (PanelNoCertificates, Es) => {
            "Aún no tienes certificado: se crea al firmar por primera vez."
        }
        (PanelNoCertificates, Ca) => {
            "Encara no tens certificat: es crea quan signes per primera vegada."
        }
        (PanelNoCertificates, Eu) => {
            "Oraindik ez duzu ziurtagiririk: lehen aldiz sinatzean sortzen da."
        }
        (PanelNoCertificates, Gl) => {
            "Aínda non tes certificado: créase ao asinar por primeira vez."
        }
        (PanelNoCertificates, En) => {
            "You have no certificate yet: one is made when you first sign."
        }
        (CertValid, Es) => "vigente",
        (CertValid, Ca) => "vigent",
        (CertValid, Eu) => "indarrean",
        (CertValid, Gl) => "vixente",
        (CertValid, En) => "valid",
        (CertRevoked, Es) => "revocado",
        (CertRevoked, Ca) => "revocat",
        (CertRevoked, Eu) => "baliogabetua",
        (CertRevoked, Gl) => "revogado",
        (CertRevoked, En) => "revoked",
        (CertExpired, Es) => "caducado",
        (CertExpired, Ca) => "caducat",
        (CertExpired, Eu) => "iraungita",
        (CertExpired, Gl) => "caducado",
        (CertExpired, En) => "expired",
        (CertSuspended, Es) => "suspendido",
        (CertSuspended, Ca) => "suspès",
        (CertSuspended, Eu) => "etenda",
        (CertSuspended, Gl) => "suspendido",
        (CertSuspended, En) => "suspended",
        (RevokeCertificate, Es) => "Revocar",
        (RevokeCertificate, Ca) => "Revoca",
        (RevokeCertificate, Eu) => "Baliogabetu",
        (RevokeCertificate, Gl) => "Revogar",
        (RevokeCertificate, En) => "Revoke",
        (ChangePhone, Es) => "Cambiar el móvil",
        (ChangePhone, Ca) => "Canvia el mòbil",
        (ChangePhone, Eu) => "Aldatu mugikorra",
        (ChangePhone, Gl) => "Cambiar o móbil",
        (ChangePhone, En) => "Change mobile",
        (ChangeEmail, Es) => "Cambiar el correo",
        (ChangeEmail, Ca) => "Canvia el correu",
        (ChangeEmail, Eu) => "Aldatu posta",
        (ChangeEmail, Gl) => "Cambiar o correo",
        (ChangeEmail, En) => "Change email",
        (RenewAccount, Es) => "Renovar la cuenta",
        (RenewAccount, Ca) => "Renova el compte",
        (RenewAccount, Eu) => "Berritu kontua",
        (RenewAccount, Gl) => "Renovar a conta",
        (RenewAccount, En) => "Renew account",
        (RevokeAccount, Es) => "Revocar la cuenta",
        (RevokeAccount, Ca) => "Revoca el compte",
        (RevokeAccount, Eu) => "Baliogabetu kontua",
        (RevokeAccount, Gl) => "Revogar a conta",
        (RevokeAccount, En) => "Revoke account",
        (CurrentPasswordLabel, Es) => "Contraseña actual",
        (CurrentPasswordLabel, Ca) => "Contrasenya actual",
        (CurrentPasswordLabel, Eu) => "Oraingo pasahitza",
        (CurrentPasswordLabel, Gl) => "Contrasinal actual",
        (CurrentPasswordLabel, En) => "Current password",
        (PanelPasswordChanged, Es) => "Contraseña cambiada. Tus certificados siguen valiendo.",
        (PanelPasswordChanged, Ca) => {
            "Contrasenya canviada. Els teus certificats continuen vàlids."
        }
        (PanelPasswordChanged, Eu) => "Pasahitza aldatu da. Zure ziurtagiriek balio dute oraindik.",
        (PanelPasswordChanged, Gl) => "Contrasinal cambiado. Os teus certificados seguen valendo.",
        (PanelPasswordChanged, En) => "Password changed. Your certificates still work.",
        (NewPhoneLabel, Es) => "Nuevo móvil",
        (NewPhoneLabel, Ca) => "Mòbil nou",
        (NewPhoneLabel, Eu) => "Mugikor berria",
        (NewPhoneLabel, Gl) => "Novo móbil",
        (NewPhoneLabel, En) => "New mobile",
        (NewEmailLabel, Es) => "Nuevo correo electrónico",
        (NewEmailLabel, Ca) => "Correu electrònic nou",
        (NewEmailLabel, Eu) => "Posta elektroniko berria",
        (NewEmailLabel, Gl) => "Novo correo-e",
        (NewEmailLabel, En) => "New email",
        (SendCode, Es) => "Enviar código",
        (SendCode, Ca) => "Envia el codi",
        (SendCode, Eu) => "Bidali kodea",
        (SendCode, Gl) => "Enviar o código",
        (SendCode, En) => "Send code",
        (ContactCodesTitle, Es) => "Confirma el cambio",
        (ContactCodesTitle, Ca) => "Confirma el canvi",
        (ContactCodesTitle, Eu) => "Berretsi aldaketa",
        (ContactCodesTitle, Gl) => "Confirma o cambio",
        (ContactCodesTitle, En) => "Confirm the change",
        (CodeToNewPhone, Es) => "Código enviado al nuevo móvil",
        (CodeToNewPhone, Ca) => "Codi enviat al mòbil nou",
        (CodeToNewPhone, Eu) => "Mugikor berrira bidalitako kodea",
        (CodeToNewPhone, Gl) => "Código enviado ao novo móbil",
        (CodeToNewPhone, En) => "Code sent to the new mobile",
        (CodeToNewEmail, Es) => "Código enviado al nuevo correo",
        (CodeToNewEmail, Ca) => "Codi enviat al correu nou",
        (CodeToNewEmail, Eu) => "Posta berrira bidalitako kodea",
        (CodeToNewEmail, Gl) => "Código enviado ao novo correo",
        (CodeToNewEmail, En) => "Code sent to the new email",
        (CodeToCurrentPhone, Es) => "Código enviado a tu móvil actual",
        (CodeToCurrentPhone, Ca) => "Codi enviat al teu mòbil actual",
        (CodeToCurrentPhone, Eu) => "Oraingo mugikorrera bidalitako kodea",
        (CodeToCurrentPhone, Gl) => "Código enviado ao teu móbil actual",
        (CodeToCurrentPhone, En) => "Code sent to your current mobile",
        (PhoneChanged, Es) => "Móvil cambiado.",
        (PhoneChanged, Ca) => "Mòbil canviat.",
        (PhoneChanged, Eu) => "Mugikorra aldatu da.",
        (PhoneChanged, Gl) => "Móbil cambiado.",
        (PhoneChanged, En) => "Mobile changed.",
        (EmailChanged, Es) => "Correo cambiado.",
        (EmailChanged, Ca) => "Correu canviat.",
        (EmailChanged, Eu) => "Posta aldatu da.",
        (EmailChanged, Gl) => "Correo cambiado.",
        (EmailChanged, En) => "Email changed.",
        (ConfirmTitle, Es) => "Confirma con tu contraseña",
        (ConfirmTitle, Ca) => "Confirma amb la contrasenya",
        (ConfirmTitle, Eu) => "Berretsi zure pasahitzarekin",
        (ConfirmTitle, Gl) => "Confirma co teu contrasinal",
        (ConfirmTitle, En) => "Confirm with your password",
        (RevokeCertExplain, Es) => {
            "El certificado dejará de firmar para siempre. Podrás crear otro al firmar."
        }
        (RevokeCertExplain, Ca) => {
            "El certificat deixarà de signar per sempre. En podràs crear un altre quan signis."
        }
        (RevokeCertExplain, Eu) => {
            "Ziurtagiriak ez du berriro sinatuko. Beste bat sor dezakezu sinatzean."
        }
        (RevokeCertExplain, Gl) => {
            "O certificado deixará de asinar para sempre. Poderás crear outro ao asinar."
        }
        (RevokeCertExplain, En) => {
            "The certificate will never sign again. You can make another when you sign."
        }
        (RenewExplain, Es) => "Tu cuenta seguirá activa cinco años más desde hoy.",
        (RenewExplain, Ca) => "El teu compte continuarà actiu cinc anys més des d'avui.",
        (RenewExplain, Eu) => {
            "Zure kontuak beste bost urtez jarraituko du aktibo, gaurtik aurrera."
        }
        (RenewExplain, Gl) => "A túa conta seguirá activa cinco anos máis desde hoxe.",
        (RenewExplain, En) => "Your account stays active for five more years from today.",
        (RevokeAccountExplain, Es) => {
            "Se revocarán tu cuenta y tus certificados. No se puede deshacer: para volver, tendrás que registrarte de nuevo en una oficina."
        }
        (RevokeAccountExplain, Ca) => {
            "Es revocaran el teu compte i els teus certificats. No es pot desfer: per tornar, t'hauràs de registrar de nou en una oficina."
        }
        (RevokeAccountExplain, Eu) => {
            "Zure kontua eta ziurtagiriak baliogabetuko dira. Ezin da desegin: itzultzeko, berriro erregistratu beharko duzu bulego batean."
        }
        (RevokeAccountExplain, Gl) => {
            "Revogaranse a túa conta e os teus certificados. Non se pode desfacer: para volver, terás que rexistrarte de novo nunha oficina."
        }
        (RevokeAccountExplain, En) => {
            "Your account and your certificates will be revoked. It cannot be undone: to come back, you will have to register again at an office."
        }
        (CertificateRevoked, Es) => "Certificado revocado.",
        (CertificateRevoked, Ca) => "Certificat revocat.",
        (CertificateRevoked, Eu) => "Ziurtagiria baliogabetu da.",
        (CertificateRevoked, Gl) => "Certificado revogado.",
        (CertificateRevoked, En) => "Certificate revoked.",
        (AccountRenewed(date), lang) => {
            let d = date_text(lang, *date);
            return match lang {
                Es => format!("Cuenta renovada hasta el {d}."),
                Ca => format!("Compte renovat fins al {d}."),
                Eu => format!("Kontua {d} arte berritu da."),
                Gl => format!("Conta renovada ata o {d}."),
                En => format!("Account renewed until {d}."),
            };
        }
        (AccountRevokedDone, Es) => "Tu cuenta y tus certificados están revocados.",
        (AccountRevokedDone, Ca) => "El teu compte i els teus certificats estan revocats.",
        (AccountRevokedDone, Eu) => "Zure kontua eta ziurtagiriak baliogabetuta daude.",
        (AccountRevokedDone, Gl) => "A túa conta e os teus certificados están revogados.",
        (AccountRevokedDone, En) => "Your account and your certificates are revoked.",
        (WrongPassword { attempts_left: n }, lang) => {
            return match (lang, n) {
                (Es, 1) => {
                    "La contraseña no es correcta. Te queda 1 intento antes del bloqueo.".to_owned()
                }
                (Es, n) => format!(
                    "La contraseña no es correcta. Te quedan {n} intentos antes del bloqueo."
                ),
                (Ca, 1) => "La contrasenya no és correcta. Et queda 1 intent abans del bloqueig."
                    .to_owned(),
                (Ca, n) => format!(
                    "La contrasenya no és correcta. Et queden {n} intents abans del bloqueig."
                ),
                (Eu, 1) => "Pasahitza ez da zuzena. Saiakera 1 geratzen zaizu blokeatu aurretik."
                    .to_owned(),
                (Eu, n) => format!(
                    "Pasahitza ez da zuzena. {n} saiakera geratzen zaizkizu blokeatu aurretik."
                ),
                (Gl, 1) => {
                    "O contrasinal non é correcto. Quédache 1 intento antes do bloqueo.".to_owned()
                }
                (Gl, n) => format!(
                    "O contrasinal non é correcto. Quédanche {n} intentos antes do bloqueo."
                ),
                (En, 1) => {
                    "Wrong password. 1 attempt left before the account is blocked.".to_owned()
                }
                (En, n) => {
                    format!("Wrong password. {n} attempts left before the account is blocked.")
                }
            };
        }
        (PhoneInvalid, Es) => {
            "Escribe un móvil español (9 cifras, empieza por 6 o 7) o uno internacional con +."
        }
        (PhoneInvalid, Ca) => {
            "Escriu un mòbil espanyol (9 xifres, comença per 6 o 7) o un d'internacional amb +."
        }
        (PhoneInvalid, Eu) => {
            "Idatzi Espainiako mugikor bat (9 digitu, 6 edo 7rekin hasita) edo nazioarteko bat +-ekin."
        }
        (PhoneInvalid, Gl) => {
            "Escribe un móbil español (9 díxitos, empeza por 6 ou 7) ou un internacional con +."
        }
        (PhoneInvalid, En) => {
            "Enter a Spanish mobile (9 digits starting with 6 or 7) or an international one with +."
        }
        (EmailInvalid, Es) => "Esa dirección de correo no es válida.",
        (EmailInvalid, Ca) => "Aquesta adreça de correu no és vàlida.",
        (EmailInvalid, Eu) => "Helbide elektroniko hori ez da baliozkoa.",
        (EmailInvalid, Gl) => "Ese enderezo de correo non é válido.",
        (EmailInvalid, En) => "That email address is not valid.",
        (ContactTaken, Es) => "Ese dato ya está en otra cuenta: usa otro.",
        (ContactTaken, Ca) => "Aquesta dada ja és en un altre compte: fes-ne servir una altra.",
        (ContactTaken, Eu) => "Datu hori beste kontu batean dago jada: erabili beste bat.",
        (ContactTaken, Gl) => "Ese dato xa está noutra conta: usa outro.",
        (ContactTaken, En) => "That is already on another account: use another one.",
        (SameContact, Es) => "Es el que ya tienes.",
        (SameContact, Ca) => "És el que ja tens.",
        (SameContact, Eu) => "Lehendik duzuna da.",
        (SameContact, Gl) => "É o que xa tes.",
        (SameContact, En) => "That is the one you already have.",
        (Back, Es) => "Volver",
        (Back, Ca) => "Torna",
        (Back, Eu) => "Itzuli",
        (Back, Gl) => "Volver",
        (Back, En) => "Back",
        (FirstPasswordTitle, Es) => "Elige tu contraseña",
        (FirstPasswordTitle, Ca) => "Tria la teva contrasenya",
        (FirstPasswordTitle, Eu) => "Aukeratu zure pasahitza",
        (FirstPasswordTitle, Gl) => "Escolle o teu contrasinal",
        (FirstPasswordTitle, En) => "Choose your password",
        (FirstPasswordExplain, Es) => {
            "Tu primera contraseña llegó por SMS. Para seguir, elige una tuya."
        }
        (FirstPasswordExplain, Ca) => {
            "La teva primera contrasenya va arribar per SMS. Per continuar, tria'n una de teva."
        }
        (FirstPasswordExplain, Eu) => {
            "Zure lehen pasahitza SMS bidez iritsi zen. Jarraitzeko, aukeratu zurea."
        }
        (FirstPasswordExplain, Gl) => {
            "O teu primeiro contrasinal chegou por SMS. Para seguir, escolle un teu."
        }
        (FirstPasswordExplain, En) => "Your first password came by SMS. To go on, choose your own.",
        (ActivateTitle, Es) => "Activa tu cuenta",
        (ActivateTitle, Ca) => "Activa el teu compte",
        (ActivateTitle, Eu) => "Aktibatu zure kontua",
        (ActivateTitle, Gl) => "Activa a túa conta",
        (ActivateTitle, En) => "Activate your account",
        (ActivationCodeLabel, Es) => "Código de activación",
        (ActivationCodeLabel, Ca) => "Codi d'activació",
        (ActivationCodeLabel, Eu) => "Aktibazio-kodea",
        (ActivationCodeLabel, Gl) => "Código de activación",
        (ActivationCodeLabel, En) => "Activation code",
        (ActivationCodeHint, Es) => {
            "El de la carta de la oficina de registro, como XXXX-XXXX-XXXX."
        }
        (ActivationCodeHint, Ca) => "El de la carta de l'oficina de registre, com XXXX-XXXX-XXXX.",
        (ActivationCodeHint, Eu) => "Erregistro-bulegoko gutunekoa, XXXX-XXXX-XXXX bezalakoa.",
        (ActivationCodeHint, Gl) => "O da carta da oficina de rexistro, como XXXX-XXXX-XXXX.",
        (ActivationCodeHint, En) => "The one in the registry office's letter, like XXXX-XXXX-XXXX.",
        (ActivationCodeMissing, Es) => "Escribe el código de activación.",
        (ActivationCodeMissing, Ca) => "Escriu el codi d'activació.",
        (ActivationCodeMissing, Eu) => "Idatzi aktibazio-kodea.",
        (ActivationCodeMissing, Gl) => "Escribe o código de activación.",
        (ActivationCodeMissing, En) => "Enter the activation code.",
        (ActivationCodeBlocked, Es) => {
            "Ese código de activación ya no sirve: pide uno nuevo en una oficina de registro."
        }
        (ActivationCodeBlocked, Ca) => {
            "Aquest codi d'activació ja no serveix: demana'n un de nou en una oficina de registre."
        }
        (ActivationCodeBlocked, Eu) => {
            "Aktibazio-kode horrek ez du balio jada: eskatu berri bat erregistro-bulego batean."
        }
        (ActivationCodeBlocked, Gl) => {
            "Ese código de activación xa non serve: pide un novo nunha oficina de rexistro."
        }
        (ActivationCodeBlocked, En) => {
            "That activation code no longer works: ask a registry office for a new one."
        }
        (AlreadyActive, Es) => "Esta cuenta ya está activa: entra con tu contraseña.",
        (AlreadyActive, Ca) => "Aquest compte ja és actiu: entra amb la contrasenya.",
        (AlreadyActive, Eu) => "Kontu hau aktibo dago jada: sartu zure pasahitzarekin.",
        (AlreadyActive, Gl) => "Esta conta xa está activa: entra co teu contrasinal.",
        (AlreadyActive, En) => "This account is already active: sign in with your password.",
        (ActivateCodesTitle, Es) => "Código SMS y contraseña",
        (ActivateCodesTitle, Ca) => "Codi SMS i contrasenya",
        (ActivateCodesTitle, Eu) => "SMS kodea eta pasahitza",
        (ActivateCodesTitle, Gl) => "Código SMS e contrasinal",
        (ActivateCodesTitle, En) => "SMS code and password",
        (PasswordBySmsLabel, Es) => {
            "Prefiero recibir una primera contraseña por SMS (la cambiaré al entrar)"
        }
        (PasswordBySmsLabel, Ca) => {
            "Prefereixo rebre una primera contrasenya per SMS (la canviaré en entrar)"
        }
        (PasswordBySmsLabel, Eu) => {
            "Nahiago dut lehen pasahitz bat SMS bidez jaso (sartzean aldatuko dut)"
        }
        (PasswordBySmsLabel, Gl) => {
            "Prefiro recibir un primeiro contrasinal por SMS (cambiareino ao entrar)"
        }
        (PasswordBySmsLabel, En) => {
            "I would rather get a first password by SMS (I will change it when I sign in)"
        }
        (TermsLabel, Es) => "Acepto las condiciones de uso",
        (TermsLabel, Ca) => "Accepto les condicions d'ús",
        (TermsLabel, Eu) => "Erabilera-baldintzak onartzen ditut",
        (TermsLabel, Gl) => "Acepto as condicións de uso",
        (TermsLabel, En) => "I accept the terms of use",
        (TermsMissing, Es) => "Para activar la cuenta tienes que aceptar las condiciones de uso.",
        (TermsMissing, Ca) => "Per activar el compte has d'acceptar les condicions d'ús.",
        (TermsMissing, Eu) => "Kontua aktibatzeko erabilera-baldintzak onartu behar dituzu.",
        (TermsMissing, Gl) => "Para activar a conta tes que aceptar as condicións de uso.",
        (TermsMissing, En) => "To activate the account you must accept the terms of use.",
        (Activate, Es) => "Activar",
        (Activate, Ca) => "Activa",
        (Activate, Eu) => "Aktibatu",
        (Activate, Gl) => "Activar",
        (Activate, En) => "Activate",
        (Activated, Es) => "Tu cuenta está activa. Ya puedes entrar con tu contraseña.",
        (Activated, Ca) => "El teu compte és actiu. Ja pots entrar amb la contrasenya.",
        (Activated, Eu) => "Zure kontua aktibo dago. Orain zure pasahitzarekin sar zaitezke.",
        (Activated, Gl) => "A túa conta está activa. Xa podes entrar co teu contrasinal.",
        (Activated, En) => "Your account is active. You can sign in with your password now.",
        (ActivatedBySms, Es) => {
            "Tu cuenta está activa. Tu primera contraseña va por SMS: al entrar elegirás la tuya."
        }
        (ActivatedBySms, Ca) => {
            "El teu compte és actiu. La primera contrasenya va per SMS: en entrar triaràs la teva."
        }
        (ActivatedBySms, Eu) => {
            "Zure kontua aktibo dago. Lehen pasahitza SMS bidez doa: sartzean zurea aukeratuko duzu."
        }
        (ActivatedBySms, Gl) => {
            "A túa conta está activa. O primeiro contrasinal vai por SMS: ao entrar escollerás o teu."
        }
        (ActivatedBySms, En) => {
            "Your account is active. Your first password is on its way by SMS: you will choose your own when you sign in."
        }
        (ActivationDead, Es) => {
            "Esta activación caducó o tuvo demasiados códigos erróneos: empieza de nuevo."
        }
        (ActivationDead, Ca) => {
            "Aquesta activació ha caducat o ha tingut massa codis erronis: torna a començar."
        }
        (ActivationDead, Eu) => {
            "Aktibazio hau iraungi da edo kode oker gehiegi izan ditu: hasi berriro."
        }
        (ActivationDead, Gl) => {
            "Esta activación caducou ou tivo demasiados códigos erróneos: comeza de novo."
        }
        (ActivationDead, En) => "This activation expired or had too many wrong codes: start again.",
        (CardAsked { position }, lang) => {
            return match lang {
                Es => format!(
                    "Escribe el número de la posición {position} de tu tarjeta de coordenadas."
                ),
                Ca => format!(
                    "Escriu el número de la posició {position} de la teva targeta de coordenades."
                ),
                Eu => format!("Idatzi zure koordenatu-txartelaren {position} posizioko zenbakia."),
                Gl => format!(
                    "Escribe o número da posición {position} da túa tarxeta de coordenadas."
                ),
                En => format!("Enter the number at position {position} of your coordinate card."),
            };
        }
        (CardNumberLabel { position }, lang) => {
            return match lang {
                Es => format!("Número en {position} (3 cifras)"),
                Ca => format!("Número a {position} (3 xifres)"),
                Eu => format!("{position} posizioko zenbakia (3 digitu)"),
                Gl => format!("Número en {position} (3 díxitos)"),
                En => format!("Number at {position} (3 digits)"),
            };
        }
        (CardNumberFormat, Es) => "El número de la tarjeta tiene 3 cifras.",
        (CardNumberFormat, Ca) => "El número de la targeta té 3 xifres.",
        (CardNumberFormat, Eu) => "Txartelaren zenbakiak 3 digitu ditu.",
        (CardNumberFormat, Gl) => "O número da tarxeta ten 3 díxitos.",
        (CardNumberFormat, En) => "The card number has 3 digits.",
        (SecondFactorCard, Es) => "Segundo factor: tarjeta de coordenadas",
        (SecondFactorCard, Ca) => "Segon factor: targeta de coordenades",
        (SecondFactorCard, Eu) => "Bigarren faktorea: koordenatu-txartela",
        (SecondFactorCard, Gl) => "Segundo factor: tarxeta de coordenadas",
        (SecondFactorCard, En) => "Second factor: coordinate card",
        (SwitchToSms, Es) => "Usar códigos SMS",
        (SwitchToSms, Ca) => "Fer servir codis SMS",
        (SwitchToSms, Eu) => "Erabili SMS kodeak",
        (SwitchToSms, Gl) => "Usar códigos SMS",
        (SwitchToSms, En) => "Use SMS codes",
        (SwitchToSmsExplain, Es) => {
            "Dejarás de usar la tarjeta de coordenadas: los códigos te llegarán por SMS a tu móvil."
        }
        (SwitchToSmsExplain, Ca) => {
            "Deixaràs d'usar la targeta de coordenades: els codis t'arribaran per SMS al mòbil."
        }
        (SwitchToSmsExplain, Eu) => {
            "Koordenatu-txartela erabiltzeari utziko diozu: kodeak SMS bidez iritsiko zaizkizu mugikorrera."
        }
        (SwitchToSmsExplain, Gl) => {
            "Deixarás de usar a tarxeta de coordenadas: os códigos chegarán por SMS ao teu móbil."
        }
        (SwitchToSmsExplain, En) => {
            "You will stop using the coordinate card: codes will come by SMS to your mobile."
        }
        (SwitchedToSms, Es) => "Desde ahora los códigos llegan por SMS.",
        (SwitchedToSms, Ca) => "A partir d'ara els codis arriben per SMS.",
        (SwitchedToSms, Eu) => "Aurrerantzean kodeak SMS bidez iritsiko dira.",
        (SwitchedToSms, Gl) => "Desde agora os códigos chegan por SMS.",
        (SwitchedToSms, En) => "From now on codes come by SMS.",
        (RenewNeedsNewEmail, Es) => {
            "Tu correo también está en otra cuenta: cámbialo primero y después renueva."
        }
        (RenewNeedsNewEmail, Ca) => {
            "El teu correu també és en un altre compte: canvia'l primer i després renova."
        }
        (RenewNeedsNewEmail, Eu) => {
            "Zure posta beste kontu batean ere badago: aldatu lehenik, eta gero berritu."
        }
        (RenewNeedsNewEmail, Gl) => {
            "O teu correo tamén está noutra conta: cámbiao primeiro e despois renova."
        }
        (RenewNeedsNewEmail, En) => {
            "Your email is also on another account: change it first, then renew."
        }
        (PhoneOnAnotherAccount, Es) => {
            "Este móvil está en otra cuenta. Si es tuyo, confírmalo con el código: esa cuenta se revocará y se avisará a su titular por correo."
        }
        (PhoneOnAnotherAccount, Ca) => {
            "Aquest mòbil és en un altre compte. Si és teu, confirma-ho amb el codi: aquell compte es revocarà i se n'avisarà el titular per correu."
        }
        (PhoneOnAnotherAccount, Eu) => {
            "Mugikor hau beste kontu batean dago. Zurea bada, berretsi kodearekin: kontu hori baliogabetu egingo da eta titularrari posta bidez jakinaraziko zaio."
        }
        (PhoneOnAnotherAccount, Gl) => {
            "Este móbil está noutra conta. Se é teu, confírmao co código: esa conta revogarase e avisarase o seu titular por correo."
        }
        (PhoneOnAnotherAccount, En) => {
            "This mobile is on another account. If it is yours, confirm with the code: that account will be revoked and its holder told by email."
        }
        (WrongCode { attempts_left: n }, lang) => {
            return match (lang, n) {
                (Es, 1) => "Código incorrecto. Te queda 1 intento.".to_owned(),
                (Es, n) => format!("Código incorrecto. Te quedan {n} intentos."),
                (Ca, 1) => "Codi incorrecte. Et queda 1 intent.".to_owned(),
                (Ca, n) => format!("Codi incorrecte. Et queden {n} intents."),
                (Eu, 1) => "Kodea ez da zuzena. Saiakera 1 geratzen zaizu.".to_owned(),
                (Eu, n) => format!("Kodea ez da zuzena. {n} saiakera geratzen zaizkizu."),
                (Gl, 1) => "Código incorrecto. Quédache 1 intento.".to_owned(),
                (Gl, n) => format!("Código incorrecto. Quédanche {n} intentos."),
                (En, 1) => "Wrong code. 1 attempt left.".to_owned(),
                (En, n) => format!("Wrong code. {n} attempts left."),
            };
        }
        (WrongActivationCode { attempts_left: n }, lang) => {
            return match (lang, n) {
                (Es, 1) => "El código de activación no es correcto. Te queda 1 intento.".to_owned(),
                (Es, n) => {
                    format!("El código de activación no es correcto. Te quedan {n} intentos.")
                }
                (Ca, 1) => "El codi d'activació no és correcte. Et queda 1 intent.".to_owned(),
                (Ca, n) => format!("El codi d'activació no és correcte. Et queden {n} intents."),
                (Eu, 1) => "Aktibazio-kodea ez da zuzena. Saiakera 1 geratzen zaizu.".to_owned(),
                (Eu, n) => format!("Aktibazio-kodea ez da zuzena. {n} saiakera geratzen zaizkizu."),
                (Gl, 1) => "O código de activación non é correcto. Quédache 1 intento.".to_owned(),
                (Gl, n) => {
                    format!("O código de activación non é correcto. Quédanche {n} intentos.")
                }
                (En, 1) => "Wrong activation code. 1 attempt left.".to_owned(),
                (En, n) => format!("Wrong activation code. {n} attempts left."),
            };
        }
        (ProTitle, Es) => "Tu certificado profesional",
        (ProTitle, Ca) => "El teu certificat professional",
        (ProTitle, Eu) => "Zure ziurtagiri profesionala",
        (ProTitle, Gl) => "O teu certificado profesional",
        (ProTitle, En) => "Your professional certificate",
        (ProStep(n), lang) => {
            return match lang {
                Es | Gl => format!("Paso {n} de 6"),
                Ca => format!("Pas {n} de 6"),
                Eu => format!("{n}/6 urratsa"),
                En => format!("Step {n} of 6"),
            };
        }
        (ProExplain, Es) => {
            "Tu entidad te ha invitado a obtener un certificado profesional. Primero te enviaremos un código por SMS al móvil."
        }
        (ProExplain, Ca) => {
            "La teva entitat t'ha convidat a obtenir un certificat professional. Primer t'enviarem un codi per SMS al mòbil."
        }
        (ProExplain, Eu) => {
            "Zure erakundeak ziurtagiri profesional bat lortzera gonbidatu zaitu. Lehenik, kode bat bidaliko dizugu SMS bidez mugikorrera."
        }
        (ProExplain, Gl) => {
            "A túa entidade convidoute a obter un certificado profesional. Primeiro enviarémosche un código por SMS ao móbil."
        }
        (ProExplain, En) => {
            "Your entity has invited you to get a professional certificate. First we will send a code by SMS to your mobile."
        }
        (SendMeTheCode, Es) => "Envíame el código",
        (SendMeTheCode, Ca) => "Envia'm el codi",
        (SendMeTheCode, Eu) => "Bidali kodea",
        (SendMeTheCode, Gl) => "Envíame o código",
        (SendMeTheCode, En) => "Send me the code",
        (ProCodeTitle, Es) => "Código de registro",
        (ProCodeTitle, Ca) => "Codi de registre",
        (ProCodeTitle, Eu) => "Erregistro-kodea",
        (ProCodeTitle, Gl) => "Código de rexistro",
        (ProCodeTitle, En) => "Registration code",
        (ProExpiryTitle, Es) => "Tu documento de identidad",
        (ProExpiryTitle, Ca) => "El teu document d'identitat",
        (ProExpiryTitle, Eu) => "Zure nortasun-agiria",
        (ProExpiryTitle, Gl) => "O teu documento de identidade",
        (ProExpiryTitle, En) => "Your ID document",
        (ProExpiryLabel, Es) => "Fecha de caducidad de tu DNI o NIE",
        (ProExpiryLabel, Ca) => "Data de caducitat del teu DNI o NIE",
        (ProExpiryLabel, Eu) => "Zure NANaren edo AIZaren iraungitze-data",
        (ProExpiryLabel, Gl) => "Data de caducidade do teu DNI ou NIE",
        (ProExpiryLabel, En) => "Expiry date of your DNI or NIE",
        (ProExpiryHint, Es) => "Tal como figura en el documento.",
        (ProExpiryHint, Ca) => "Tal com figura al document.",
        (ProExpiryHint, Eu) => "Agirian agertzen den bezala.",
        (ProExpiryHint, Gl) => "Tal como figura no documento.",
        (ProExpiryHint, En) => "As printed on the document.",
        (ProExpiryMissing, Es) => "Escribe la fecha de caducidad.",
        (ProExpiryMissing, Ca) => "Escriu la data de caducitat.",
        (ProExpiryMissing, Eu) => "Idatzi iraungitze-data.",
        (ProExpiryMissing, Gl) => "Escribe a data de caducidade.",
        (ProExpiryMissing, En) => "Enter the expiry date.",
        (WrongExpiry { attempts_left: n }, lang) => {
            return match (lang, n) {
                (Es, 1) => "No es la fecha que dio tu entidad. Te queda 1 intento antes de que se anule la invitación.".to_owned(),
                (Es, n) => format!("No es la fecha que dio tu entidad. Te quedan {n} intentos antes de que se anule la invitación."),
                (Ca, 1) => "No és la data que va donar la teva entitat. Et queda 1 intent abans que s'anul·li la invitació.".to_owned(),
                (Ca, n) => format!("No és la data que va donar la teva entitat. Et queden {n} intents abans que s'anul·li la invitació."),
                (Eu, 1) => "Ez da zure erakundeak emandako data. Saiakera 1 geratzen zaizu gonbidapena baliogabetu aurretik.".to_owned(),
                (Eu, n) => format!("Ez da zure erakundeak emandako data. {n} saiakera geratzen zaizkizu gonbidapena baliogabetu aurretik."),
                (Gl, 1) => "Non é a data que deu a túa entidade. Quédache 1 intento antes de que se anule o convite.".to_owned(),
                (Gl, n) => format!("Non é a data que deu a túa entidade. Quédanche {n} intentos antes de que se anule o convite."),
                (En, 1) => "That is not the date your entity gave. 1 attempt left before the invitation is cancelled.".to_owned(),
                (En, n) => format!("That is not the date your entity gave. {n} attempts left before the invitation is cancelled."),
            };
        }
        (InvitationVoided, Es) => {
            "La fecha no era la correcta por tercera vez y la invitación se ha anulado. Pide una nueva a tu entidad."
        }
        (InvitationVoided, Ca) => {
            "La data no era la correcta per tercera vegada i la invitació s'ha anul·lat. Demana'n una de nova a la teva entitat."
        }
        (InvitationVoided, Eu) => {
            "Hirugarren aldiz ez da data zuzena izan, eta gonbidapena baliogabetu da. Eskatu beste bat zure erakundeari."
        }
        (InvitationVoided, Gl) => {
            "A data non era a correcta por terceira vez e o convite anulouse. Pídelle un novo á túa entidade."
        }
        (InvitationVoided, En) => {
            "That date was wrong for the third time, so the invitation has been cancelled. Ask your entity for a new one."
        }
        (InvitationDead, Es) => {
            "Esta invitación ya no se puede usar: caducó, se retiró, ya se usó o sus pasos quedaron a medias. Pide una nueva a tu entidad."
        }
        (InvitationDead, Ca) => {
            "Aquesta invitació ja no es pot fer servir: ha caducat, s'ha retirat, ja s'ha fet servir o els passos van quedar a mitges. Demana'n una de nova a la teva entitat."
        }
        (InvitationDead, Eu) => {
            "Gonbidapen hau ezin da gehiago erabili: iraungi da, erretiratu dute, erabili da edo urratsak erdizka geratu dira. Eskatu beste bat zure erakundeari."
        }
        (InvitationDead, Gl) => {
            "Este convite xa non se pode usar: caducou, retirouse, xa se usou ou os seus pasos quedaron a medias. Pídelle un novo á túa entidade."
        }
        (InvitationDead, En) => {
            "This invitation can no longer be used: it expired, was withdrawn, was used, or its steps were left halfway. Ask your entity for a new one."
        }
        (ProNewPasswordTitle, Es) => "Elige tu contraseña",
        (ProNewPasswordTitle, Ca) => "Tria la teva contrasenya",
        (ProNewPasswordTitle, Eu) => "Aukeratu zure pasahitza",
        (ProNewPasswordTitle, Gl) => "Escolle o teu contrasinal",
        (ProNewPasswordTitle, En) => "Choose your password",
        (ProNewPasswordExplain, Es) => {
            "Aún no tienes cuenta en nubefirma. Esta será la contraseña de tu cuenta nueva."
        }
        (ProNewPasswordExplain, Ca) => {
            "Encara no tens compte a nubefirma. Aquesta serà la contrasenya del teu compte nou."
        }
        (ProNewPasswordExplain, Eu) => {
            "Oraindik ez duzu nubefirma konturik. Hau izango da zure kontu berriaren pasahitza."
        }
        (ProNewPasswordExplain, Gl) => {
            "Aínda non tes conta en nubefirma. Este será o contrasinal da túa conta nova."
        }
        (ProNewPasswordExplain, En) => {
            "You do not have a nubefirma account yet. This will be your new account's password."
        }
        (ProCurrentPasswordTitle, Es) => "La contraseña de tu cuenta",
        (ProCurrentPasswordTitle, Ca) => "La contrasenya del teu compte",
        (ProCurrentPasswordTitle, Eu) => "Zure kontuaren pasahitza",
        (ProCurrentPasswordTitle, Gl) => "O contrasinal da túa conta",
        (ProCurrentPasswordTitle, En) => "Your account's password",
        (ProCurrentPasswordExplain, Es) => {
            "Ya tienes cuenta en nubefirma: escribe su contraseña actual. El certificado irá a esa cuenta."
        }
        (ProCurrentPasswordExplain, Ca) => {
            "Ja tens compte a nubefirma: escriu-ne la contrasenya actual. El certificat anirà a aquest compte."
        }
        (ProCurrentPasswordExplain, Eu) => {
            "Baduzu nubefirma kontu bat: idatzi haren oraingo pasahitza. Ziurtagiria kontu horretan egongo da."
        }
        (ProCurrentPasswordExplain, Gl) => {
            "Xa tes conta en nubefirma: escribe o seu contrasinal actual. O certificado irá a esa conta."
        }
        (ProCurrentPasswordExplain, En) => {
            "You already have a nubefirma account: enter its current password. The certificate will go on that account."
        }
        (ProTermsTitle, Es) => "Condiciones de uso",
        (ProTermsTitle, Ca) => "Condicions d'ús",
        (ProTermsTitle, Eu) => "Erabilera-baldintzak",
        (ProTermsTitle, Gl) => "Condicións de uso",
        (ProTermsTitle, En) => "Terms of use",
        (ProTermsExplain, Es) => {
            "El certificado profesional te identifica como parte del personal de tu entidad. No te da poder para actuar en su nombre."
        }
        (ProTermsExplain, Ca) => {
            "El certificat professional t'identifica com a part del personal de la teva entitat. No et dona poder per actuar en nom seu."
        }
        (ProTermsExplain, Eu) => {
            "Ziurtagiri profesionalak zure erakundeko langile gisa identifikatzen zaitu. Ez dizu haren izenean jarduteko ahalmenik ematen."
        }
        (ProTermsExplain, Gl) => {
            "O certificado profesional identifícate como parte do persoal da túa entidade. Non che dá poder para actuar no seu nome."
        }
        (ProTermsExplain, En) => {
            "The professional certificate identifies you as one of your entity's staff. It gives you no power to act on its behalf."
        }
        (ProTermsMissing, Es) => {
            "Para obtener el certificado tienes que aceptar las condiciones de uso."
        }
        (ProTermsMissing, Ca) => "Per obtenir el certificat has d'acceptar les condicions d'ús.",
        (ProTermsMissing, Eu) => "Ziurtagiria lortzeko erabilera-baldintzak onartu behar dituzu.",
        (ProTermsMissing, Gl) => "Para obter o certificado tes que aceptar as condicións de uso.",
        (ProTermsMissing, En) => "To get the certificate you must accept the terms of use.",
        (ProFinalTitle, Es) => "Confirma el certificado",
        (ProFinalTitle, Ca) => "Confirma el certificat",
        (ProFinalTitle, Eu) => "Berretsi ziurtagiria",
        (ProFinalTitle, Gl) => "Confirma o certificado",
        (ProFinalTitle, En) => "Confirm the certificate",
        (ProIssued { new_account: false }, Es) => {
            "Tu certificado profesional está listo. Ya puedes firmar con él."
        }
        (ProIssued { new_account: false }, Ca) => {
            "El teu certificat professional és a punt. Ja pots signar-hi."
        }
        (ProIssued { new_account: false }, Eu) => {
            "Zure ziurtagiri profesionala prest dago. Orain harekin sina dezakezu."
        }
        (ProIssued { new_account: false }, Gl) => {
            "O teu certificado profesional está listo. Xa podes asinar con el."
        }
        (ProIssued { new_account: false }, En) => {
            "Your professional certificate is ready. You can sign with it now."
        }
        (ProIssued { new_account: true }, Es) => {
            "Tu cuenta está activa y tu certificado profesional, listo. Entra con tu contraseña para firmar con él."
        }
        (ProIssued { new_account: true }, Ca) => {
            "El teu compte és actiu i el certificat professional, a punt. Entra amb la contrasenya per signar-hi."
        }
        (ProIssued { new_account: true }, Eu) => {
            "Zure kontua aktibo dago eta ziurtagiri profesionala prest. Sartu zure pasahitzarekin harekin sinatzeko."
        }
        (ProIssued { new_account: true }, Gl) => {
            "A túa conta está activa e o certificado profesional, listo. Entra co teu contrasinal para asinar con el."
        }
        (ProIssued { new_account: true }, En) => {
            "Your account is active and your professional certificate is ready. Sign in with your password to sign with it."
        }
        (ProCodeExplain, Es) => "Así comprobamos que el móvil que dio tu entidad es el tuyo.",
        (ProCodeExplain, Ca) => {
            "Així comprovem que el mòbil que va donar la teva entitat és el teu."
        }
        (ProCodeExplain, Eu) => {
            "Horrela egiaztatzen dugu zure erakundeak emandako mugikorra zurea dela."
        }
        (ProCodeExplain, Gl) => "Así comprobamos que o móbil que deu a túa entidade é o teu.",
        (ProCodeExplain, En) => "This shows that the mobile your entity gave is yours.",
        (ProExpiryExplain, Es) => "Así comprobamos que eres la persona a quien invitó tu entidad.",
        (ProExpiryExplain, Ca) => {
            "Així comprovem que ets la persona que va convidar la teva entitat."
        }
        (ProExpiryExplain, Eu) => {
            "Horrela egiaztatzen dugu zure erakundeak gonbidatutako pertsona zarela."
        }
        (ProExpiryExplain, Gl) => "Así comprobamos que es a persoa á que convidou a túa entidade.",
        (ProExpiryExplain, En) => "This shows that you are the person your entity invited.",
        (ProFinalExplain, Es) => "Último paso: este código confirma la emisión del certificado.",
        (ProFinalExplain, Ca) => "Darrer pas: aquest codi confirma l'emissió del certificat.",
        (ProFinalExplain, Eu) => {
            "Azken urratsa: kode honek ziurtagiriaren jaulkipena berresten du."
        }
        (ProFinalExplain, Gl) => "Último paso: este código confirma a emisión do certificado.",
        (ProFinalExplain, En) => "Last step: this code confirms that the certificate is issued.",
    };
    s.to_owned()
}

fn document_problem(lang: Lang, name: &str, problem: &DocumentProblem) -> String {
    use DocumentProblem::*;
    use Lang::*;
    match (problem, lang) {
        (Encrypted, Es) => format!(
            "«{name}» está protegido con contraseña. Quítale la protección y vuelve a elegirlo."
        ),
        (Encrypted, Ca) => format!(
            "«{name}» està protegit amb contrasenya. Treu-li la protecció i torna a triar-lo."
        ),
        (Encrypted, Eu) => {
            format!("«{name}» pasahitzez babestuta dago. Kendu babesa eta aukeratu berriro.")
        }
        (Encrypted, Gl) => format!(
            "«{name}» está protexido con contrasinal. Quítalle a protección e volve escollelo."
        ),
        (Encrypted, En) => {
            format!("“{name}” is password-protected. Remove the protection and choose it again.")
        }
        (NotAPdf, Es) => format!("«{name}» no es un PDF válido o está dañado."),
        (NotAPdf, Ca) => format!("«{name}» no és un PDF vàlid o està malmès."),
        (NotAPdf, Eu) => format!("«{name}» ez da baliozko PDF bat, edo hondatuta dago."),
        (NotAPdf, Gl) => format!("«{name}» non é un PDF válido ou está danado."),
        (NotAPdf, En) => format!("“{name}” is not a valid PDF, or it is damaged."),
        (UnsupportedPdf, Es) => {
            format!("No se puede firmar «{name}» dentro del PDF. Fírmalo como CAdES o ASiC-E.")
        }
        (UnsupportedPdf, Ca) => {
            format!("No es pot signar «{name}» dins del PDF. Signa'l com a CAdES o ASiC-E.")
        }
        (UnsupportedPdf, Eu) => {
            format!("Ezin da «{name}» PDFaren barruan sinatu. Sinatu CAdES edo ASiC-E gisa.")
        }
        (UnsupportedPdf, Gl) => {
            format!("Non se pode asinar «{name}» dentro do PDF. Asínao como CAdES ou ASiC-E.")
        }
        (UnsupportedPdf, En) => {
            format!("“{name}” cannot be signed inside the PDF. Sign it as CAdES or ASiC-E.")
        }
        (NoSuchPage { page, pages }, Es) => {
            format!("«{name}» no tiene página {page} (tiene {pages}).")
        }
        (NoSuchPage { page, pages }, Ca) => {
            format!("«{name}» no té pàgina {page} (en té {pages}).")
        }
        (NoSuchPage { page, pages }, Eu) => {
            format!("«{name}» dokumentuak ez du {page}. orrialderik ({pages} ditu).")
        }
        (NoSuchPage { page, pages }, Gl) => {
            format!("«{name}» non ten páxina {page} (ten {pages}).")
        }
        (NoSuchPage { page, pages }, En) => {
            format!("“{name}” has no page {page} (it has {pages}).")
        }
        (NotXml, Es) => format!("«{name}» no es un documento XML válido."),
        (NotXml, Ca) => format!("«{name}» no és un document XML vàlid."),
        (NotXml, Eu) => format!("«{name}» ez da baliozko XML dokumentu bat."),
        (NotXml, Gl) => format!("«{name}» non é un documento XML válido."),
        (NotXml, En) => format!("“{name}” is not a valid XML document."),
        (DuplicateName, Es) => format!(
            "Hay dos documentos llamados «{name}». Cambia el nombre de uno y vuelve a elegirlos."
        ),
        (DuplicateName, Ca) => format!(
            "Hi ha dos documents anomenats «{name}». Canvia el nom d'un i torna a triar-los."
        ),
        (DuplicateName, Eu) => {
            format!("«{name}» izeneko bi dokumentu daude. Aldatu baten izena eta aukeratu berriro.")
        }
        (DuplicateName, Gl) => {
            format!("Hai dous documentos chamados «{name}». Cambia o nome dun e volve escollelos.")
        }
        (DuplicateName, En) => {
            format!("Two documents are named “{name}”. Rename one and choose them again.")
        }
        (TooLarge { max_mib }, Es) => format!(
            "«{name}» supera los {max_mib} MB que se pueden firmar en este formato. Fírmalo como CAdES."
        ),
        (TooLarge { max_mib }, Ca) => format!(
            "«{name}» supera els {max_mib} MB que es poden signar en aquest format. Signa'l com a CAdES."
        ),
        (TooLarge { max_mib }, Eu) => format!(
            "«{name}» dokumentuak formatu honetan sina daitezkeen {max_mib} MBak gainditzen ditu. Sinatu CAdES gisa."
        ),
        (TooLarge { max_mib }, Gl) => format!(
            "«{name}» supera os {max_mib} MB que se poden asinar neste formato. Asínao como CAdES."
        ),
        (TooLarge { max_mib }, En) => format!(
            "“{name}” is larger than the {max_mib} MB this format can sign. Sign it as CAdES."
        ),
    }
}

/// `lead` then, when known, how many wrong entries are left before the account blocks.
fn with_attempts_left(lang: Lang, lead: &str, attempts_left: Option<u32>) -> String {
    use Lang::*;
    let Some(n) = attempts_left else {
        return lead.to_owned();
    };
    let tail = match (lang, n) {
        (Es, 1) => "Te queda 1 intento antes del bloqueo.".to_owned(),
        (Es, n) => format!("Te quedan {n} intentos antes del bloqueo."),
        (Ca, 1) => "Et queda 1 intent abans del bloqueig.".to_owned(),
        (Ca, n) => format!("Et queden {n} intents abans del bloqueig."),
        (Eu, 1) => "Saiakera 1 geratzen zaizu blokeatu aurretik.".to_owned(),
        (Eu, n) => format!("{n} saiakera geratzen zaizkizu blokeatu aurretik."),
        (Gl, 1) => "Quédache 1 intento antes do bloqueo.".to_owned(),
        (Gl, n) => format!("Quédanche {n} intentos antes do bloqueo."),
        (En, 1) => "1 attempt left before the account is blocked.".to_owned(),
        (En, n) => format!("{n} attempts left before the account is blocked."),
    };
    format!("{lead} {tail}")
}

/// The words of a visible PAdES signature, in the citizen's language (WinAnsi characters only,
/// as the PDF's standard font needs).
pub fn appearance_labels(lang: Lang) -> nubefirma_containers::pades::AppearanceLabels {
    use nubefirma_containers::pades::AppearanceLabels;
    match lang {
        Lang::Es => AppearanceLabels::SPANISH,
        Lang::Ca => AppearanceLabels {
            signed_by: "Signat digitalment per",
            id_number: "NIF/NIE",
            date: "Data",
        },
        Lang::Eu => AppearanceLabels {
            signed_by: "Sinatzaile digitala",
            id_number: "IFZ/AIZ",
            date: "Data",
        },
        Lang::Gl => AppearanceLabels {
            signed_by: "Asinado dixitalmente por",
            id_number: "NIF/NIE",
            date: "Data",
        },
        Lang::En => AppearanceLabels {
            signed_by: "Digitally signed by",
            id_number: "ID number",
            date: "Date",
        },
    }
}

/// A date as each language writes it.
pub fn date_text(lang: Lang, date: Date) -> String {
    let Date { year, month, day } = date;
    match lang {
        Lang::Es | Lang::Ca | Lang::Gl => format!("{day:02}/{month:02}/{year}"),
        Lang::Eu => format!("{year}/{month:02}/{day:02}"),
        Lang::En => format!("{year}-{month:02}-{day:02}"),
    }
}

/// A file size as people read it in any of the five languages: whole bytes, KB or MB (units
/// of 1024, rounded up, so a non-empty file never shows as 0).
pub fn file_size(bytes: f64) -> String {
    let bytes = if bytes.is_finite() && bytes > 0.0 {
        bytes
    } else {
        0.0
    };
    if bytes < 1024.0 {
        format!("{bytes:.0} B")
    } else if bytes < 1024.0 * 1024.0 {
        format!("{:.0} KB", (bytes / 1024.0).ceil())
    } else {
        format!("{:.0} MB", (bytes / (1024.0 * 1024.0)).ceil())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_sizes_read_as_people_say_them() {
        assert_eq!(file_size(0.0), "0 B");
        assert_eq!(file_size(1023.0), "1023 B");
        assert_eq!(file_size(1025.0), "2 KB");
        assert_eq!(file_size(250.0 * 1024.0), "250 KB");
        assert_eq!(file_size(3.5 * 1024.0 * 1024.0), "4 MB");
        assert_eq!(file_size(f64::NAN), "0 B");
    }

    fn all_messages() -> Vec<Msg> {
        use Msg::*;
        vec![
            LoginTitle,
            IdLabel,
            PasswordLabel,
            Continue,
            Cancel,
            IdMalformed,
            IdWrongLetter('Z'),
            PasswordMissing,
            WrongCredentials,
            TooManyAttempts { seconds: 12 },
            AccountBlocked,
            AccountNotActive,
            Hashing,
            OtpTitle,
            YouAreSigning,
            VerificationCode,
            CodeSent,
            OtpLabel,
            Sign,
            ResendCode,
            OtpFormat,
            WrongOtp {
                attempts_left: Some(2),
            },
            WrongOtp {
                attempts_left: None,
            },
            OtpDead {
                attempts_left: Some(1),
            },
            ResendIn { seconds: 29 },
            CertTitle,
            CertExplain,
            Generate,
            CertCodeTitle,
            Confirm,
            Creating,
            ChooseTitle,
            ValidUntil(Date {
                year: 2028,
                month: 2,
                day: 3,
            }),
            SerialNumber,
            CredentialUnusable,
            Signing,
            IdHint,
            ShowPassword,
            CapsLockOn,
            CodeExpiresIn { seconds: 299 },
            CodeExpired,
            NewCodeIn { seconds: 12 },
            ProgressTitle,
            FileReady,
            FileSigned,
            ResultTitle,
            SignedCount { count: 1 },
            SignedCount { count: 3 },
            FormatLabel,
            LevelLabel,
            LevelB,
            LevelT,
            OutputsLabel,
            Close,
            RelayUnreachable,
            DeliveryFailed,
            NoCredential,
            FileUnreadable,
            SessionExpired,
            Unexpected,
            ForgotPassword,
            ResetTitle,
            ResetExplain,
            SendCodes,
            ResetCodesTitle,
            ResetCodesExplain,
            SmsCodeLabel,
            EmailCodeLabel,
            NewPasswordLabel,
            PasswordPolicyHint,
            ChangePassword,
            WeakPassword,
            WrongResetCodes { attempts_left: 1 },
            WrongResetCodes { attempts_left: 2 },
            ResetDead,
            PasswordChanged,
            UsePin,
            PinTitle,
            PinExplain,
            BirthDateLabel,
            BirthDateMissing,
            SendPin,
            UsePassword,
            PinCodeTitle,
            PinSent,
            PinLabel,
            WrongPin { attempts_left: 1 },
            WrongPin { attempts_left: 2 },
            PinDead,
            ReinforceTitle,
            ReinforceExplain,
            PanelTitle,
            PanelMobile,
            PanelEmail,
            AccountValidUntil(Date {
                year: 2031,
                month: 5,
                day: 27,
            }),
            PanelCertificates,
            PanelNoCertificates,
            CertValid,
            CertRevoked,
            CertExpired,
            CertSuspended,
            RevokeCertificate,
            ChangePhone,
            ChangeEmail,
            RenewAccount,
            RevokeAccount,
            CurrentPasswordLabel,
            PanelPasswordChanged,
            NewPhoneLabel,
            NewEmailLabel,
            SendCode,
            ContactCodesTitle,
            CodeToNewPhone,
            CodeToNewEmail,
            CodeToCurrentPhone,
            PhoneChanged,
            EmailChanged,
            ConfirmTitle,
            RevokeCertExplain,
            RenewExplain,
            RevokeAccountExplain,
            CertificateRevoked,
            AccountRenewed(Date {
                year: 2031,
                month: 5,
                day: 27,
            }),
            AccountRevokedDone,
            WrongPassword { attempts_left: 1 },
            WrongPassword { attempts_left: 4 },
            PhoneInvalid,
            EmailInvalid,
            ContactTaken,
            SameContact,
            Back,
            FirstPasswordTitle,
            FirstPasswordExplain,
            ActivateTitle,
            ActivationCodeLabel,
            ActivationCodeHint,
            ActivationCodeMissing,
            ActivationCodeBlocked,
            AlreadyActive,
            ActivateCodesTitle,
            PasswordBySmsLabel,
            TermsLabel,
            TermsMissing,
            Activate,
            Activated,
            ActivatedBySms,
            ActivationDead,
            CardAsked {
                position: "C3".into(),
            },
            CardNumberLabel {
                position: "C3".into(),
            },
            CardNumberFormat,
            SecondFactorCard,
            SwitchToSms,
            SwitchToSmsExplain,
            SwitchedToSms,
            RenewNeedsNewEmail,
            PhoneOnAnotherAccount,
            WrongCode { attempts_left: 1 },
            WrongCode { attempts_left: 4 },
            WrongActivationCode { attempts_left: 1 },
            WrongActivationCode { attempts_left: 3 },
            ProTitle,
            ProStep(1),
            ProStep(6),
            ProExplain,
            SendMeTheCode,
            ProCodeTitle,
            ProExpiryTitle,
            ProExpiryLabel,
            ProExpiryHint,
            ProExpiryMissing,
            WrongExpiry { attempts_left: 1 },
            WrongExpiry { attempts_left: 2 },
            InvitationVoided,
            InvitationDead,
            ProNewPasswordTitle,
            ProNewPasswordExplain,
            ProCurrentPasswordTitle,
            ProCurrentPasswordExplain,
            ProTermsTitle,
            ProTermsExplain,
            ProTermsMissing,
            ProFinalTitle,
            ProIssued { new_account: false },
            ProIssued { new_account: true },
            ProCodeExplain,
            ProExpiryExplain,
            ProFinalExplain,
        ]
        .into_iter()
        .chain(
            [
                DocumentProblem::Encrypted,
                DocumentProblem::NotAPdf,
                DocumentProblem::UnsupportedPdf,
                DocumentProblem::NoSuchPage { page: 7, pages: 3 },
                DocumentProblem::NotXml,
                DocumentProblem::TooLarge { max_mib: 256 },
                DocumentProblem::DuplicateName,
            ]
            .into_iter()
            .map(|problem| Document {
                name: "solicitud.pdf".into(),
                problem,
            }),
        )
        .collect()
    }

    #[test]
    fn every_message_has_a_text_in_every_language() {
        for lang in Lang::ALL {
            for msg in all_messages() {
                assert!(!text(lang, &msg).trim().is_empty(), "{msg:?} in {lang:?}");
            }
        }
    }

    #[test]
    fn visible_signature_labels_are_winansi_in_every_language() {
        let mut first_lines = std::collections::HashSet::new();
        for lang in Lang::ALL {
            let labels = appearance_labels(lang);
            for text in [labels.signed_by, labels.id_number, labels.date] {
                assert!(
                    !text.is_empty() && text.chars().all(|c| (c as u32) < 0x100),
                    "{text}"
                );
            }
            first_lines.insert(labels.signed_by);
        }
        assert_eq!(first_lines.len(), 5);
    }

    #[test]
    fn languages_differ_where_they_should() {
        let titles: std::collections::HashSet<String> = Lang::ALL
            .iter()
            .map(|l| text(*l, &Msg::LoginTitle))
            .collect();
        assert_eq!(titles.len(), 5, "each language has its own login title");
    }

    #[test]
    fn counts_and_letters_reach_the_text() {
        for lang in Lang::ALL {
            assert!(text(lang, &Msg::WrongCredentials).contains('5'));
            assert!(text(lang, &Msg::TooManyAttempts { seconds: 17 }).contains("17 s"));
            assert!(text(lang, &Msg::ResendIn { seconds: 23 }).contains("23 s"));
            let wrong = Msg::WrongOtp {
                attempts_left: Some(4),
            };
            assert!(text(lang, &wrong).contains('4'));
            let dead = Msg::OtpDead {
                attempts_left: Some(3),
            };
            assert!(text(lang, &dead).contains('3'));
            assert!(text(lang, &dead).starts_with(&text(
                lang,
                &Msg::OtpDead {
                    attempts_left: None
                }
            )));
            let date = Date {
                year: 2028,
                month: 2,
                day: 3,
            };
            assert!(text(lang, &Msg::ValidUntil(date)).contains("2028"));
            assert!(text(lang, &Msg::IdWrongLetter('K')).contains('K'));
            let page = Msg::Document {
                name: "a.pdf".into(),
                problem: DocumentProblem::NoSuchPage { page: 9, pages: 2 },
            };
            let page_text = text(lang, &page);
            assert!(
                page_text.contains("a.pdf") && page_text.contains('9') && page_text.contains('2')
            );
        }
    }

    #[test]
    fn countdowns_read_as_minutes_and_seconds() {
        for lang in Lang::ALL {
            assert!(text(lang, &Msg::CodeExpiresIn { seconds: 299 }).contains("4:59"));
            assert!(text(lang, &Msg::CodeExpiresIn { seconds: 61 }).contains("1:01"));
            assert!(text(lang, &Msg::NewCodeIn { seconds: 23 }).contains("23 s"));
            assert!(text(lang, &Msg::SignedCount { count: 3 }).contains('3'));
            assert_ne!(
                text(lang, &Msg::SignedCount { count: 1 }),
                text(lang, &Msg::SignedCount { count: 2 })
            );
        }
    }

    #[test]
    fn one_attempt_left_is_singular() {
        let one = Msg::WrongOtp {
            attempts_left: Some(1),
        };
        assert_eq!(
            text(Lang::En, &one),
            "Wrong code. 1 attempt left before the account is blocked."
        );
        assert!(text(Lang::Es, &one).contains("Te queda 1 intento "));
    }

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::from_tag("ca-ES"), Lang::Ca);
        assert_eq!(Lang::from_tag("eu"), Lang::Eu);
        assert_eq!(Lang::from_tag("gl_ES"), Lang::Gl);
        assert_eq!(Lang::from_tag("EN-gb"), Lang::En);
        assert_eq!(Lang::from_tag("fr"), Lang::Es);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), lang);
        }
    }
}
