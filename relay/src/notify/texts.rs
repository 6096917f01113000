//! What the SMS say, in the citizen's language (the one her client names in `Accept-Language`;
//! Spanish by default). Each text carries the code first, says what it is for, how long it is
//! valid, and never to share it; a signing code also says how many documents and repeats the
//! verification code her screen shows. Pure, so each language is tested for its facts.

use nubefirma_protocol::Lang;

/// "5 minutos", "1 minut", "5 minutu", …: a lifetime as each language says it.
pub fn duration(lang: Lang, seconds: i64) -> String {
    let (n, unit) = if seconds % 86400 == 0 && seconds >= 86400 {
        (seconds / 86400, 3)
    } else if seconds % 3600 == 0 && seconds >= 3600 {
        (seconds / 3600, 2)
    } else if seconds % 60 == 0 && seconds >= 60 {
        (seconds / 60, 1)
    } else {
        (seconds, 0)
    };
    let one = n == 1;
    let word = match (lang, unit, one) {
        (Lang::Es | Lang::Gl, 3, true) => "día",
        (Lang::Es | Lang::Gl, 3, false) => "días",
        (Lang::Ca, 3, true) => "dia",
        (Lang::Ca, 3, false) => "dies",
        (Lang::Eu, 3, _) => "egun",
        (Lang::En, 3, true) => "day",
        (Lang::En, 3, false) => "days",
        (Lang::Es | Lang::Gl, 2, true) => "hora",
        (Lang::Es | Lang::Gl, 2, false) => "horas",
        (Lang::Es | Lang::Gl, 1, true) => "minuto",
        (Lang::Es | Lang::Gl, 1, false) => "minutos",
        (Lang::Es | Lang::Gl, _, true) => "segundo",
        (Lang::Es | Lang::Gl, _, false) => "segundos",
        (Lang::Ca, 2, true) => "hora",
        (Lang::Ca, 2, false) => "hores",
        (Lang::Ca, 1, true) => "minut",
        (Lang::Ca, 1, false) => "minuts",
        (Lang::Ca, _, true) => "segon",
        (Lang::Ca, _, false) => "segons",
        // Basque nouns after a number stay in the indefinite form.
        (Lang::Eu, 2, _) => "ordu",
        (Lang::Eu, 1, _) => "minutu",
        (Lang::Eu, _, _) => "segundo",
        (Lang::En, 2, true) => "hour",
        (Lang::En, 2, false) => "hours",
        (Lang::En, 1, true) => "minute",
        (Lang::En, 1, false) => "minutes",
        (Lang::En, _, true) => "second",
        (Lang::En, _, false) => "seconds",
    };
    format!("{n} {word}")
}

/// The code to sign `count` documents whose verification code is `vc`.
pub fn signing(lang: Lang, code: &str, count: usize, vc: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para firmar {count} documento(s). Código de verificación {vc}: comprueba que coincide con el de tu pantalla. Válido {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per signar {count} document(s). Codi de verificació {vc}: comprova que coincideix amb el de la pantalla. Vàlid {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da {count} dokumentu sinatzeko zure kodea. Egiaztapen-kodea {vc}: egiaztatu pantailakoarekin bat datorrela. {valid}z balio du. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para asinar {count} documento(s). Código de verificación {vc}: comproba que coincide co da túa pantalla. Válido {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to sign {count} document(s). Verification code {vc}: check it matches the screen. Valid {valid}. Never share it."
        ),
    }
}

/// The code to sign when the client named no documents (CSC v1 without hashes): a warning.
pub fn signing_unbound(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código de firma. ATENCIÓN: la aplicación no ha dicho qué documentos firmas. Úsalo solo si has empezado tú una firma. Válido {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi de signatura. ATENCIÓ: l'aplicació no ha dit quins documents signes. Fes-lo servir només si has començat tu una signatura. Vàlid {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da zure sinadura-kodea. KONTUZ: aplikazioak ez du esan zer dokumentu sinatzen dituzun. Erabili zuk zeuk sinadura bat hasi baduzu bakarrik. {valid}z balio du. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código de sinatura. ATENCIÓN: a aplicación non dixo que documentos asinas. Úsao só se comezaches ti unha sinatura. Válido {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your signing code. WARNING: the application did not say which documents you are signing. Use it only if you started a signature yourself. Valid {valid}. Never share it."
        ),
    }
}

/// The code to create her cloud signing certificate (R16).
pub fn certificate(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para crear tu certificado de firma en la nube. Válido {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per crear el teu certificat de signatura al núvol. Vàlid {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da hodeiko sinadura-ziurtagiria sortzeko zure kodea. {valid}z balio du. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para crear o teu certificado de sinatura na nube. Válido {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to create your cloud signing certificate. Valid {valid}. Never share it."
        ),
    }
}

/// The code that completes her activation (R9).
pub fn activation(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código de activación. Caduca en {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi d'activació. Caduca d'aquí a {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da zure aktibazio-kodea. {valid} barru iraungiko da. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código de activación. Caduca en {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your activation code. It expires in {valid}. Never share it."
        ),
    }
}

/// The SMS half of a forgotten password's reset (R20): the other code goes by email.
pub fn reset_sms(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para restablecer la contraseña (el otro te llega por correo). Caduca en {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per restablir la contrasenya (l'altre t'arriba per correu). Caduca d'aquí a {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da pasahitza berrezartzeko zure kodea (bestea posta elektronikoz jasoko duzu). {valid} barru iraungiko da. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para restablecer o contrasinal (o outro chégache por correo). Caduca en {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to reset your password (the other one comes by email). It expires in {valid}. Never share it."
        ),
    }
}

/// The email half of a forgotten password's reset (R20).
pub fn reset_email(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código de correo para restablecer la contraseña; el otro te llega por SMS. Caduca en {valid}. Si no lo has pedido tú, no hagas nada: tu contraseña no cambia."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi de correu per restablir la contrasenya; l'altre t'arriba per SMS. Caduca d'aquí a {valid}. Si no l'has demanat tu, no facis res: la contrasenya no canvia."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da pasahitza berrezartzeko posta-kodea; bestea SMS bidez jasoko duzu. {valid} barru iraungiko da. Zuk eskatu ez baduzu, ez egin ezer: pasahitza ez da aldatuko."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código de correo para restablecer o contrasinal; o outro chégache por SMS. Caduca en {valid}. Se non o pediches ti, non fagas nada: o contrasinal non cambia."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your email code to reset your password; the other one comes by SMS. It expires in {valid}. If you did not ask for it, do nothing: your password stays as it is."
        ),
    }
}

/// After a reset: her password changed, her account is unblocked, and her certificate must be
/// made again (its key was wrapped under the old password).
pub fn password_changed(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "nubefirma: tu contraseña ha cambiado y tu cuenta está desbloqueada. Tu certificado anterior queda revocado; se creará uno nuevo en tu próxima firma. Si no has sido tú, acude a una oficina de registro."
        }
        Lang::Ca => {
            "nubefirma: la teva contrasenya ha canviat i el compte està desbloquejat. El certificat anterior queda revocat; se'n crearà un de nou en la pròxima signatura. Si no has estat tu, ves a una oficina de registre."
        }
        Lang::Eu => {
            "nubefirma: zure pasahitza aldatu da eta kontua desblokeatuta dago. Aurreko ziurtagiria baliogabetuta geratu da; berri bat sortuko da hurrengo sinaduran. Zu izan ez bazara, joan erregistro-bulego batera."
        }
        Lang::Gl => {
            "nubefirma: o teu contrasinal cambiou e a túa conta está desbloqueada. O certificado anterior queda revogado; crearase un novo na túa próxima sinatura. Se non fuches ti, acude a unha oficina de rexistro."
        }
        Lang::En => {
            "nubefirma: your password has changed and your account is unblocked. Your previous certificate is revoked; a new one will be made at your next signature. If this was not you, go to a registry office."
        }
    }
}

/// 30 days before her account expires (R25): how to renew, and what happens if she does not.
pub fn expiry_notice(lang: Lang, date: &str) -> String {
    match lang {
        Lang::Es => format!(
            "nubefirma: tu cuenta caduca el {date}. Para renovarla, entra en el panel de tu cuenta desde cualquier servicio que use nubefirma y elige «Renovar» antes de esa fecha. Si caduca, tendrás que registrarte de nuevo en una oficina."
        ),
        Lang::Ca => format!(
            "nubefirma: el teu compte caduca el {date}. Per renovar-lo, entra al tauler del compte des de qualsevol servei que faci servir nubefirma i tria «Renova» abans d'aquesta data. Si caduca, t'hauràs de registrar de nou en una oficina."
        ),
        Lang::Eu => format!(
            "nubefirma: zure kontua {date}(e)an iraungiko da. Berritzeko, sartu kontuaren panelean nubefirma erabiltzen duen edozein zerbitzutatik eta aukeratu «Berritu» data hori baino lehen. Iraungitzen bada, berriro erregistratu beharko duzu bulego batean."
        ),
        Lang::Gl => format!(
            "nubefirma: a túa conta caduca o {date}. Para renovala, entra no panel da túa conta desde calquera servizo que use nubefirma e escolle «Renovar» antes desa data. Se caduca, terás que rexistrarte de novo nunha oficina."
        ),
        Lang::En => format!(
            "nubefirma: your account expires on {date}. To renew it, open your account panel from any service that uses nubefirma and choose \"Renew\" before that date. If it expires, you will have to register again at an office."
        ),
    }
}

/// A registry-office operator's login code.
pub fn operator_login(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para entrar en la oficina de registro. Caduca en {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per entrar a l'oficina de registre. Caduca d'aquí a {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da erregistro-bulegoan sartzeko zure kodea. {valid} barru iraungiko da. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para entrar na oficina de rexistro. Caduca en {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to sign in to the registry office. It expires in {valid}. Never share it."
        ),
    }
}

/// After her account is revoked (R24), by her or at an office.
pub fn account_revoked(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "nubefirma: tu cuenta y tus certificados han sido revocados. Ya no puedes identificarte ni firmar con ellos; para volver a usar el servicio, regístrate de nuevo en una oficina."
        }
        Lang::Ca => {
            "nubefirma: el teu compte i els teus certificats han estat revocats. Ja no pots identificar-te ni signar amb ells; per tornar a fer servir el servei, registra't de nou en una oficina."
        }
        Lang::Eu => {
            "nubefirma: zure kontua eta ziurtagiriak baliogabetu dira. Ezin duzu haiekin identifikatu edo sinatu; zerbitzua berriro erabiltzeko, erregistratu berriro bulego batean."
        }
        Lang::Gl => {
            "nubefirma: a túa conta e os teus certificados foron revogados. Xa non podes identificarte nin asinar con eles; para volver usar o servizo, rexístrate de novo nunha oficina."
        }
        Lang::En => {
            "nubefirma: your account and your certificates have been revoked. You can no longer identify yourself or sign with them; to use the service again, register again at an office."
        }
    }
}

/// A password she changed in her panel (R26): unlike a reset, her certificates keep working.
pub fn password_changed_by_her(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "nubefirma: tu contraseña ha cambiado. Tus certificados siguen valiendo y las demás sesiones se han cerrado. Si no has sido tú, restablece tu contraseña o acude a una oficina de registro."
        }
        Lang::Ca => {
            "nubefirma: la teva contrasenya ha canviat. Els teus certificats continuen vàlids i les altres sessions s'han tancat. Si no has estat tu, restableix la contrasenya o ves a una oficina de registre."
        }
        Lang::Eu => {
            "nubefirma: zure pasahitza aldatu da. Zure ziurtagiriek balio dute oraindik, eta beste saioak itxi dira. Zu izan ez bazara, berrezarri pasahitza edo joan erregistro-bulego batera."
        }
        Lang::Gl => {
            "nubefirma: o teu contrasinal cambiou. Os teus certificados seguen valendo e as demais sesións pecháronse. Se non fuches ti, restablece o contrasinal ou acude a unha oficina de rexistro."
        }
        Lang::En => {
            "nubefirma: your password has changed. Your certificates still work and your other sessions were ended. If this was not you, reset your password or go to a registry office."
        }
    }
}

/// The code sent to the mobile phone she wants to use instead of hers (R26, R8).
pub fn new_phone_code(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para usar este móvil en tu cuenta. Caduca en {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per fer servir aquest mòbil al teu compte. Caduca d'aquí a {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da mugikor hau zure kontuan erabiltzeko kodea. {valid} barru iraungiko da. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para usar este móbil na túa conta. Caduca en {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to use this mobile phone for your account. It expires in {valid}. Never share it."
        ),
    }
}

/// The code sent to her current phone when she asks to replace it: whoever has it would get
/// her signing codes, so it says so.
pub fn replace_phone_code(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para cambiar el móvil de tu cuenta por otro. Quien lo tenga podrá recibir tus códigos de firma: si no lo has pedido tú, no lo des a nadie. Caduca en {valid}."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per canviar el mòbil del teu compte per un altre. Qui el tingui podrà rebre els teus codis de signatura: si no l'has demanat tu, no el donis a ningú. Caduca d'aquí a {valid}."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da zure kontuko mugikorra beste batengatik aldatzeko kodea. Kode hau duenak zure sinadura-kodeak jaso ahal izango ditu: zuk eskatu ez baduzu, ez eman inori. {valid} barru iraungiko da."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para cambiar o móbil da túa conta por outro. Quen o teña poderá recibir os teus códigos de sinatura: se non o pediches ti, non llo deas a ninguén. Caduca en {valid}."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to replace the mobile phone of your account. Whoever has it can receive your signing codes: if you did not ask for it, give it to nobody. It expires in {valid}."
        ),
    }
}

/// The code sent to the email address she wants to use instead of hers (R26, R23).
pub fn new_email_code(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para usar esta dirección de correo en tu cuenta. Caduca en {valid}. Si no lo has pedido tú, no hagas nada."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per fer servir aquesta adreça de correu al teu compte. Caduca d'aquí a {valid}. Si no l'has demanat tu, no facis res."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da helbide elektroniko hau zure kontuan erabiltzeko kodea. {valid} barru iraungiko da. Zuk eskatu ez baduzu, ez egin ezer."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para usar este enderezo de correo na túa conta. Caduca en {valid}. Se non o pediches ti, non fagas nada."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to use this email address for your account. It expires in {valid}. If you did not ask for it, do nothing."
        ),
    }
}

/// To her old phone, once the new one took its place.
pub fn phone_changed(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "nubefirma: el móvil de tu cuenta ha cambiado; los códigos llegarán al nuevo número. Si no has sido tú, acude a una oficina de registro."
        }
        Lang::Ca => {
            "nubefirma: el mòbil del teu compte ha canviat; els codis arribaran al número nou. Si no has estat tu, ves a una oficina de registre."
        }
        Lang::Eu => {
            "nubefirma: zure kontuko mugikorra aldatu da; kodeak zenbaki berrira iritsiko dira. Zu izan ez bazara, joan erregistro-bulego batera."
        }
        Lang::Gl => {
            "nubefirma: o móbil da túa conta cambiou; os códigos chegarán ao novo número. Se non fuches ti, acude a unha oficina de rexistro."
        }
        Lang::En => {
            "nubefirma: the mobile phone of your account has changed; codes will go to the new number. If this was not you, go to a registry office."
        }
    }
}

/// To her old email address, once the new one took its place.
pub fn email_changed(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "nubefirma: el correo de tu cuenta ha cambiado; los avisos llegarán a la nueva dirección. Si no has sido tú, acude a una oficina de registro."
        }
        Lang::Ca => {
            "nubefirma: el correu del teu compte ha canviat; els avisos arribaran a l'adreça nova. Si no has estat tu, ves a una oficina de registre."
        }
        Lang::Eu => {
            "nubefirma: zure kontuko helbide elektronikoa aldatu da; oharrak helbide berrira iritsiko dira. Zu izan ez bazara, joan erregistro-bulego batera."
        }
        Lang::Gl => {
            "nubefirma: o correo da túa conta cambiou; os avisos chegarán ao novo enderezo. Se non fuches ti, acude a unha oficina de rexistro."
        }
        Lang::En => {
            "nubefirma: the email address of your account has changed; notices will go to the new address. If this was not you, go to a registry office."
        }
    }
}

/// To the holder of an account whose phone another person proved to be theirs (R22).
pub fn phone_taken_over(lang: Lang) -> &'static str {
    match lang {
        Lang::Es => {
            "nubefirma: otra persona ha demostrado que el móvil de tu cuenta es suyo, así que tu cuenta y tus certificados se han revocado. Para volver a usar el servicio, regístrate de nuevo en una oficina con tu móvil actual."
        }
        Lang::Ca => {
            "nubefirma: una altra persona ha demostrat que el mòbil del teu compte és seu, així que el teu compte i els teus certificats s'han revocat. Per tornar a fer servir el servei, registra't de nou en una oficina amb el teu mòbil actual."
        }
        Lang::Eu => {
            "nubefirma: beste pertsona batek frogatu du zure kontuko mugikorra berea dela; beraz, zure kontua eta ziurtagiriak baliogabetu dira. Zerbitzua berriro erabiltzeko, erregistratu berriro bulego batean zure oraingo mugikorrarekin."
        }
        Lang::Gl => {
            "nubefirma: outra persoa demostrou que o móbil da túa conta é seu, así que a túa conta e os teus certificados foron revogados. Para volver usar o servizo, rexístrate de novo nunha oficina co teu móbil actual."
        }
        Lang::En => {
            "nubefirma: another person has proved that your account's mobile number is theirs, so your account and your certificates have been revoked. To use the service again, register again at an office with your current mobile."
        }
    }
}

/// A first password sent at activation (R14): she must change it at first use.
pub fn first_password(lang: Lang, password: &str) -> String {
    match lang {
        Lang::Es => format!(
            "nubefirma: tu primera contraseña es {password} . Tendrás que cambiarla al entrar por primera vez. No la compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: la teva primera contrasenya és {password} . L'hauràs de canviar quan entris per primera vegada. No la comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: zure lehen pasahitza {password} da. Lehen aldiz sartzean aldatu beharko duzu. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: o teu primeiro contrasinal é {password} . Terás que cambialo ao entrar por primeira vez. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: your first password is {password} . You will have to change it when you first sign in. Never share it."
        ),
    }
}

/// The PIN key (R4): identification only, never signing.
pub fn pin(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu PIN para identificarte (no sirve para firmar). Válido {valid}. Si no lo has pedido tú, ignóralo. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu PIN per identificar-te (no serveix per signar). Vàlid {valid}. Si no l'has demanat tu, ignora'l. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da identifikatzeko zure PINa (ez du sinatzeko balio). {valid}z balio du. Zuk eskatu ez baduzu, ez egin kasurik. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu PIN para identificarte (non serve para asinar). Válido {valid}. Se non o pediches ti, ignórao. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your PIN to identify yourself (it cannot sign). Valid {valid}. If you did not ask for it, ignore it. Never share it."
        ),
    }
}

/// The SMS code that raises a password login to the reinforced level (R1).
pub fn login_code(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para entrar con nivel reforzado. Válido {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per entrar amb nivell reforçat. Vàlid {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da maila indartuarekin sartzeko zure kodea. {valid}z balio du. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para entrar con nivel reforzado. Válido {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to sign in at the reinforced level. Valid {valid}. Never share it."
        ),
    }
}

/// The email of a professional certificate's invitation (R13, step 1). It carries the entity's
/// name (given by the registry office, never typed by the entity's administrator), the link with
/// its single-use token, and how long it is valid: nothing else the administrator typed.
pub fn invitation_email(lang: Lang, entity: &str, link: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {entity} te invita a obtener tu certificado profesional de empleado (solo te identifica como empleado; no te da poderes de representación). Sigue este enlace, válido {valid} y de un solo uso: {link} Te pediremos un código por SMS, la fecha de caducidad de tu DNI, tu contraseña y la aceptación de las condiciones. Si no lo esperabas, ignora este correo."
        ),
        Lang::Ca => format!(
            "nubefirma: {entity} et convida a obtenir el teu certificat professional d'empleat (només t'identifica com a empleat; no et dona poders de representació). Segueix aquest enllaç, vàlid {valid} i d'un sol ús: {link} Et demanarem un codi per SMS, la data de caducitat del teu DNI, la contrasenya i l'acceptació de les condicions. Si no ho esperaves, ignora aquest correu."
        ),
        Lang::Eu => format!(
            "nubefirma: {entity} erakundeak zure langile-ziurtagiri profesionala lortzera gonbidatzen zaitu (langile gisa identifikatzen zaitu soilik; ez dizu ordezkaritza-ahalmenik ematen). Jarraitu esteka hau; behin bakarrik erabil daiteke eta {valid} barru iraungiko da: {link} SMS bidezko kode bat, zure NANaren iraungitze-data, pasahitza eta baldintzen onarpena eskatuko dizkizugu. Espero ez bazenuen, ez egin kasurik mezu honi."
        ),
        Lang::Gl => format!(
            "nubefirma: {entity} invítate a obter o teu certificado profesional de empregado (só te identifica como empregado; non che dá poderes de representación). Segue esta ligazón, válida {valid} e dun só uso: {link} Pedirémosche un código por SMS, a data de caducidade do teu DNI, o contrasinal e a aceptación das condicións. Se non o agardabas, ignora este correo."
        ),
        Lang::En => format!(
            "nubefirma: {entity} invites you to get your professional employee certificate (it only identifies you as an employee; it gives you no powers of representation). Follow this link, valid {valid} and for one use only: {link} We will ask for a code sent by SMS, the expiry date of your ID card, your password and your acceptance of the terms. If you did not expect this, ignore this email."
        ),
    }
}

/// A professional certificate's SMS registration code (R13, step 2).
pub fn professional_registration(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código de registro para tu certificado profesional. Válido {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi de registre per al teu certificat professional. Vàlid {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da zure ziurtagiri profesionalerako erregistro-kodea. {valid}z balio du. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código de rexistro para o teu certificado profesional. Válido {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your registration code for your professional certificate. Valid {valid}. Never share it."
        ),
    }
}

/// A professional certificate's final SMS code, which issues it (R13, step 6).
pub fn professional_issuance(lang: Lang, code: &str, valid_seconds: i64) -> String {
    let valid = duration(lang, valid_seconds);
    match lang {
        Lang::Es => format!(
            "nubefirma: {code} es tu código para emitir tu certificado profesional. Válido {valid}. No lo compartas nunca."
        ),
        Lang::Ca => format!(
            "nubefirma: {code} és el teu codi per emetre el teu certificat professional. Vàlid {valid}. No el comparteixis mai."
        ),
        Lang::Eu => format!(
            "nubefirma: {code} da zure ziurtagiri profesionala jaulkitzeko kodea. {valid}z balio du. Ez partekatu inoiz."
        ),
        Lang::Gl => format!(
            "nubefirma: {code} é o teu código para emitir o teu certificado profesional. Válido {valid}. Non o compartas nunca."
        ),
        Lang::En => format!(
            "nubefirma: {code} is your code to issue your professional certificate. Valid {valid}. Never share it."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_in_every_language_carries_its_facts() {
        let mut seen = std::collections::HashSet::new();
        for lang in Lang::ALL {
            let text = signing(lang, "482913", 3, "7261", 300);
            assert!(text.starts_with("nubefirma: 482913 "), "{text}");
            assert!(text.contains('3') && text.contains("7261"), "{text}");
            assert!(text.contains(&duration(lang, 300)), "{text}");
            assert!(seen.insert(text), "each language its own words");
            for text in [
                signing_unbound(lang, "482913", 300),
                certificate(lang, "482913", 300),
                activation(lang, "482913", 600),
                reset_sms(lang, "482913", 900),
                reset_email(lang, "482913", 900),
                operator_login(lang, "482913", 300),
                pin(lang, "482913", 600),
                login_code(lang, "482913", 300),
                new_phone_code(lang, "482913", 300),
                replace_phone_code(lang, "482913", 300),
                new_email_code(lang, "482913", 300),
                professional_registration(lang, "482913", 300),
                professional_issuance(lang, "482913", 300),
            ] {
                assert!(text.starts_with("nubefirma: 482913 "), "{text}");
                assert!(seen.insert(text.clone()), "{text}");
            }
        }
    }

    #[test]
    fn notices_speak_every_language_and_carry_nothing_typed() {
        let mut seen = std::collections::HashSet::new();
        for lang in Lang::ALL {
            for text in [
                password_changed(lang),
                account_revoked(lang),
                phone_taken_over(lang),
                password_changed_by_her(lang),
                phone_changed(lang),
                email_changed(lang),
            ] {
                assert!(text.starts_with("nubefirma: "), "{text}");
                assert!(seen.insert(text), "{text}");
            }
        }
    }

    #[test]
    fn r14_a_first_password_reads_apart_and_says_it_must_be_changed() {
        let mut seen = std::collections::HashSet::new();
        for lang in Lang::ALL {
            let text = first_password(lang, "Kx7mP2qRt9aB");
            // Spaces around it: a phone that links words must not swallow the full stop.
            assert!(text.contains(" Kx7mP2qRt9aB "), "{text}");
            assert!(seen.insert(text));
        }
    }

    #[test]
    fn the_invitation_email_speaks_every_language_and_carries_only_the_entity_and_the_link() {
        let link = "https://relay.example/professional#invitation=abc&token=xyz";
        let mut seen = std::collections::HashSet::new();
        for lang in Lang::ALL {
            let text = invitation_email(lang, "Ayuntamiento de Ejemplo", link, 7 * 24 * 3600);
            assert!(
                text.starts_with("nubefirma: Ayuntamiento de Ejemplo "),
                "{text}"
            );
            assert!(
                text.contains(&format!(" {link} ")),
                "the link stands alone: {text}"
            );
            assert!(text.contains(&duration(lang, 7 * 24 * 3600)), "{text}");
            assert!(text.contains("DNI") || text.contains("NAN") || text.contains("ID card"));
            assert!(seen.insert(text), "each language its own words");
        }
        assert_eq!(duration(Lang::Es, 7 * 24 * 3600), "7 días");
        assert_eq!(duration(Lang::Eu, 24 * 3600), "1 egun");
    }

    #[test]
    fn durations_read_as_each_language_says_them() {
        assert_eq!(duration(Lang::Es, 300), "5 minutos");
        assert_eq!(duration(Lang::Es, 60), "1 minuto");
        assert_eq!(duration(Lang::Ca, 300), "5 minuts");
        assert_eq!(duration(Lang::Eu, 300), "5 minutu");
        assert_eq!(duration(Lang::Gl, 7200), "2 horas");
        assert_eq!(duration(Lang::En, 1), "1 second");
        assert_eq!(duration(Lang::En, 90), "90 seconds");
    }
}
