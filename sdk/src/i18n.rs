//! The widgets' texts in the five languages the UI speaks: es, ca, eu, gl, en. Pure: a match per
//! message, so a message missing in one language fails the build.

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
    WrongPassword { attempts_left: u32 },
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
    WrongOtp { attempts_left: u32 },
    Signing,
    Done,
    RelayUnreachable,
    NoCredential,
    FileUnreadable,
    SessionExpired,
    Unexpected,
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
        (WrongPassword { attempts_left: n }, lang) => {
            return match lang {
                Es => format!(
                    "DNI/NIE o contraseña incorrectos. Te quedan {n} intentos antes del bloqueo."
                ),
                Ca => format!(
                    "DNI/NIE o contrasenya incorrectes. Et queden {n} intents abans del bloqueig."
                ),
                Eu => format!(
                    "NAN/AIZ edo pasahitz okerra. {n} saiakera geratzen zaizkizu blokeatu aurretik."
                ),
                Gl => format!(
                    "DNI/NIE ou contrasinal incorrectos. Quédanche {n} intentos antes do bloqueo."
                ),
                En => format!(
                    "Wrong DNI/NIE or password. {n} attempts left before the account is blocked."
                ),
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
        (Hashing, Es) => "Preparando el documento…",
        (Hashing, Ca) => "S'està preparant el document…",
        (Hashing, Eu) => "Dokumentua prestatzen…",
        (Hashing, Gl) => "Preparando o documento…",
        (Hashing, En) => "Preparing the document…",
        (OtpTitle, Es) => "Confirma la firma con el código SMS",
        (OtpTitle, Ca) => "Confirma la signatura amb el codi SMS",
        (OtpTitle, Eu) => "Berretsi sinadura SMS kodearekin",
        (OtpTitle, Gl) => "Confirma a sinatura co código SMS",
        (OtpTitle, En) => "Confirm the signature with the SMS code",
        (YouAreSigning, Es) => "Vas a firmar:",
        (YouAreSigning, Ca) => "Signaràs:",
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
        (CodeSent, Eu) => "Kodea duen SMS bat bidali dizugu.",
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
        (WrongOtp { attempts_left: n }, lang) => {
            return match lang {
                Es => format!(
                    "Código incorrecto o caducado. Te quedan {n} intentos antes del bloqueo."
                ),
                Ca => {
                    format!("Codi incorrecte o caducat. Et queden {n} intents abans del bloqueig.")
                }
                Eu => format!(
                    "Kode okerra edo iraungia. {n} saiakera geratzen zaizkizu blokeatu aurretik."
                ),
                Gl => format!(
                    "Código incorrecto ou caducado. Quédanche {n} intentos antes do bloqueo."
                ),
                En => format!(
                    "Wrong or expired code. {n} attempts left before the account is blocked."
                ),
            };
        }
        (Signing, Es) => "Firmando…",
        (Signing, Ca) => "S'està signant…",
        (Signing, Eu) => "Sinatzen…",
        (Signing, Gl) => "Asinando…",
        (Signing, En) => "Signing…",
        (Done, Es) => "Documento firmado.",
        (Done, Ca) => "Document signat.",
        (Done, Eu) => "Dokumentua sinatuta.",
        (Done, Gl) => "Documento asinado.",
        (Done, En) => "Document signed.",
        (RelayUnreachable, Es) => {
            "No se puede contactar con el servicio de firma. Inténtalo de nuevo."
        }
        (RelayUnreachable, Ca) => {
            "No es pot contactar amb el servei de signatura. Torna-ho a provar."
        }
        (RelayUnreachable, Eu) => "Ezin da sinadura-zerbitzuarekin konektatu. Saiatu berriro.",
        (RelayUnreachable, Gl) => "Non se pode contactar co servizo de sinatura. Téntao de novo.",
        (RelayUnreachable, En) => "Cannot reach the signing service. Please try again.",
        (NoCredential, Es) => "No tienes un certificado en la nube.",
        (NoCredential, Ca) => "No tens cap certificat al núvol.",
        (NoCredential, Eu) => "Ez duzu hodeiko ziurtagiririk.",
        (NoCredential, Gl) => "Non tes un certificado na nube.",
        (NoCredential, En) => "You have no cloud certificate.",
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
        (Unexpected, Es) => "Ha ocurrido un error inesperado.",
        (Unexpected, Ca) => "S'ha produït un error inesperat.",
        (Unexpected, Eu) => "Ustekabeko errore bat gertatu da.",
        (Unexpected, Gl) => "Produciuse un erro inesperado.",
        (Unexpected, En) => "An unexpected error occurred.",
    };
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

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
            WrongPassword { attempts_left: 3 },
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
            WrongOtp { attempts_left: 2 },
            Signing,
            Done,
            RelayUnreachable,
            NoCredential,
            FileUnreadable,
            SessionExpired,
            Unexpected,
        ]
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
            assert!(text(lang, &Msg::WrongPassword { attempts_left: 3 }).contains('3'));
            assert!(text(lang, &Msg::WrongOtp { attempts_left: 4 }).contains('4'));
            assert!(text(lang, &Msg::IdWrongLetter('K')).contains('K'));
        }
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
