//! Browser tests (wasm-bindgen-test in Chromium, Firefox and WebKit): what needs a real DOM and real
//! Blobs. Run by scripts/test.sh with `--target wasm32-unknown-unknown --test browser`.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use nubefirma_sdk::i18n::{Lang, Msg, text};
use nubefirma_sdk::web::file_hash::Hashing;
use nubefirma_sdk::web::professional_forms::ProCode;
use nubefirma_sdk::web::widgets::{Action, CertificateChoice, ContactField, WidgetHost};
use sha2::{Digest, Sha256};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Blob, HtmlElement, HtmlFormElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn blob_of(bytes: &[u8]) -> Blob {
    let parts = Array::of1(&Uint8Array::from(bytes));
    Blob::new_with_u8_array_sequence(&parts).expect("blob")
}

fn mount() -> HtmlElement {
    let document = web_sys::window()
        .expect("window")
        .document()
        .expect("document");
    let el: HtmlElement = document
        .create_element("div")
        .expect("div")
        .dyn_into()
        .expect("html element");
    document
        .body()
        .expect("body")
        .append_child(&el)
        .expect("append");
    el
}

#[wasm_bindgen_test]
async fn blob_hash_over_several_chunks_equals_sha256_of_the_bytes() {
    // 10.5 MiB: read as a stream of the browser's chunks, progress told every 4 MiB or so.
    let data: Vec<u8> = (0..(21 * 512 * 1024u32))
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let mut seen = Vec::new();
    let digest = Hashing::default()
        .digest(&blob_of(&data), true, |done, total| {
            seen.push((done, total));
            true
        })
        .await
        .expect("hash")
        .expect("read to its end");
    let expected: [u8; 32] = Sha256::digest(&data).into();
    assert_eq!(digest.sha256, expected);
    assert_eq!(digest.size, data.len() as u64);
    assert_eq!(digest.crc32, Some(crc32fast::hash(&data)));
    assert!(
        seen.len() >= 2,
        "progress while reading, not only at the end: {seen:?}"
    );
    for pair in seen.windows(2) {
        assert!(pair[1].0 - pair[0].0 >= 4.0 * 1024.0 * 1024.0 || pair[1].0 == data.len() as f64);
    }
    assert_eq!(
        seen.last().copied(),
        Some((data.len() as f64, data.len() as f64))
    );
}

#[wasm_bindgen_test]
async fn empty_blob_hashes_to_sha256_of_nothing() {
    let digest = Hashing::default()
        .digest(&blob_of(&[]), false, |_, _| true)
        .await
        .expect("hash")
        .expect("read to its end");
    let expected: [u8; 32] = Sha256::digest(b"").into();
    assert_eq!(digest.sha256, expected);
    assert_eq!(digest.crc32, None);
}

#[wasm_bindgen_test]
async fn hashing_stops_when_progress_says_so() {
    let data = vec![7u8; 12 * 1024 * 1024];
    let mut calls = 0;
    let digest = Hashing::default()
        .digest(&blob_of(&data), false, |_, _| {
            calls += 1;
            false
        })
        .await
        .expect("no error");
    assert_eq!(digest, None, "cancelled at the first report, 4 MiB in");
    assert_eq!(calls, 1);
}

#[wasm_bindgen_test]
async fn login_widget_reports_the_submitted_values() {
    let host = mount();
    let ui = WidgetHost::attach(&host, Lang::Eu).expect("attach");
    ui.show_login();
    let shadow = host.shadow_root().expect("open shadow root");
    let id: HtmlInputElement = shadow
        .get_element_by_id("nf-id")
        .expect("id input")
        .dyn_into()
        .expect("input");
    id.set_value("12345678z");
    let form: HtmlFormElement = shadow
        .query_selector("form")
        .expect("query")
        .expect("form")
        .dyn_into()
        .expect("form");
    assert!(shadow.inner_html().contains("NAN/AIZ"), "labels in Basque");
    let pending = ui.next_action();
    form.request_submit().expect("submit");
    assert_eq!(pending.await.expect("action"), Action::Submit);
    assert_eq!(ui.value("nf-id"), "12345678z");
}

#[wasm_bindgen_test]
async fn cancel_button_is_reported_as_cancel() {
    let host = mount();
    let ui = WidgetHost::attach(&host, Lang::Es).expect("attach");
    ui.show_login();
    let shadow = host.shadow_root().expect("shadow");
    let cancel: HtmlElement = shadow
        .query_selector("[data-action=cancel]")
        .expect("query")
        .expect("cancel button")
        .dyn_into()
        .expect("element");
    let pending = ui.next_action();
    cancel.click();
    assert_eq!(pending.await.expect("action"), Action::Cancel);
}

#[wasm_bindgen_test]
fn otp_widget_shows_file_names_as_text_never_as_markup() {
    let host = mount();
    let ui = WidgetHost::attach(&host, Lang::En).expect("attach");
    let evil = r#"<img id="pwned" src="x">.pdf"#.to_owned();
    ui.show_otp(&[(evil.clone(), 2048.0)], "0427");
    let shadow = host.shadow_root().expect("shadow");
    assert!(
        shadow.get_element_by_id("pwned").is_none(),
        "no element injected"
    );
    let name = shadow
        .query_selector("#nf-documents .nf-name")
        .expect("query")
        .expect("name");
    assert_eq!(name.text_content().as_deref(), Some(evil.as_str()));
    let size = shadow
        .query_selector("#nf-documents .nf-size")
        .expect("query")
        .expect("size");
    assert_eq!(size.text_content().as_deref(), Some("2 KB"));
    let vc = shadow.get_element_by_id("nf-vc").expect("vc");
    assert_eq!(vc.text_content().as_deref(), Some("0427"));
}

fn html_element(shadow: &web_sys::ShadowRoot, selector: &str) -> HtmlElement {
    shadow
        .query_selector(selector)
        .expect("query")
        .unwrap_or_else(|| panic!("{selector} present"))
        .dyn_into()
        .expect("html element")
}

#[wasm_bindgen_test]
async fn certificate_offer_speaks_every_language_and_generate_submits() {
    for lang in Lang::ALL {
        let host = mount();
        let ui = WidgetHost::attach(&host, lang).expect("attach");
        ui.show_certificate_offer();
        let shadow = host.shadow_root().expect("shadow");
        let generate = html_element(&shadow, "#nf-generate");
        assert_eq!(
            generate.text_content().as_deref(),
            Some(text(lang, &Msg::Generate).as_str()),
            "{lang:?}"
        );
        assert_eq!(generate.get_attribute("type").as_deref(), Some("submit"));
        let explain = html_element(&shadow, "#nf-explain");
        assert_eq!(
            explain.text_content().as_deref(),
            Some(text(lang, &Msg::CertExplain).as_str()),
            "{lang:?}"
        );
        assert!(shadow.get_element_by_id("nf-error").is_some());
        html_element(&shadow, "[data-action=cancel]");
        let pending = ui.next_action();
        generate.click();
        assert_eq!(pending.await.expect("action"), Action::Submit);
    }
}

#[wasm_bindgen_test]
async fn certificate_code_field_is_a_one_time_code_field_with_resend() {
    for lang in Lang::ALL {
        let host = mount();
        let ui = WidgetHost::attach(&host, lang).expect("attach");
        ui.show_certificate_code();
        let shadow = host.shadow_root().expect("shadow");
        let input: HtmlInputElement = shadow
            .get_element_by_id("nf-cert-code")
            .expect("code input")
            .dyn_into()
            .expect("input");
        // The attribute, not the `autocomplete` IDL property: Firefox reflects tokens it does not
        // support (one-time-code among them) as "", though the markup is what autofill reads.
        assert_eq!(
            input.get_attribute("autocomplete").as_deref(),
            Some("one-time-code")
        );
        assert_eq!(input.get_attribute("inputmode").as_deref(), Some("numeric"));
        assert_eq!(input.max_length(), 6);
        assert_eq!(
            html_element(&shadow, "h2").text_content(),
            Some(text(lang, &Msg::CertCodeTitle)),
            "{lang:?} title"
        );
        html_element(&shadow, "#nf-submit");
        let pending = ui.next_action();
        html_element(&shadow, "[data-action=resend]").click();
        assert_eq!(pending.await.expect("action"), Action::Resend);
    }
}

#[wasm_bindgen_test]
async fn chooser_lists_certificates_as_text_first_preselected() {
    let evil = r#"<img id="pwned" src="x"> - 12345678Z"#;
    let choices = [
        CertificateChoice {
            credential_id: "cred-one".into(),
            name: evil.into(),
            detail: "valid until 2028-02-03".into(),
        },
        CertificateChoice {
            credential_id: r#"cred"two"#.into(),
            name: "GARCÍA LÓPEZ MARÍA - 12345678Z".into(),
            detail: "valid until 2029-01-01".into(),
        },
    ];
    for lang in Lang::ALL {
        let host = mount();
        let ui = WidgetHost::attach(&host, lang).expect("attach");
        ui.show_chooser(&choices);
        let shadow = host.shadow_root().expect("shadow");
        assert!(
            shadow.get_element_by_id("pwned").is_none(),
            "no element injected"
        );
        let list = shadow.get_element_by_id("nf-choose").expect("list");
        let radios = list
            .query_selector_all("input[type=radio][name=nf-credential]")
            .expect("radios");
        assert_eq!(radios.length(), 2);
        assert!(list.text_content().unwrap_or_default().contains(evil));
        assert_eq!(
            html_element(&shadow, "h2").text_content(),
            Some(text(lang, &Msg::ChooseTitle)),
            "{lang:?} title"
        );
        assert_eq!(ui.checked("nf-credential").as_deref(), Some("cred-one"));
        let second: HtmlInputElement = radios.get(1).expect("second").dyn_into().expect("input");
        second.click();
        assert_eq!(ui.checked("nf-credential").as_deref(), Some(r#"cred"two"#));
        let pending = ui.next_action();
        html_element(&shadow, "#nf-submit").click();
        assert_eq!(pending.await.expect("action"), Action::Submit);
    }
}

/// The errors the login form shows while she stays in it (flow.rs `log_in`); the others end the
/// journey in an error card of their own.
fn login_errors() -> Vec<Msg> {
    vec![
        Msg::IdMalformed,
        Msg::IdWrongLetter('Z'),
        Msg::PasswordMissing,
        Msg::WrongCredentials,
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ]
}

/// The errors an SMS code form shows while she stays in it (flow.rs `authorize`,
/// `create_credential`, `wrong_code`, `resent`; widgets.rs `wait_before_new_code`, the countdown).
fn code_errors() -> Vec<Msg> {
    vec![
        Msg::OtpFormat,
        Msg::CardNumberFormat,
        Msg::WrongOtp {
            attempts_left: Some(4),
        },
        Msg::WrongOtp {
            attempts_left: None,
        },
        Msg::OtpDead {
            attempts_left: Some(1),
        },
        Msg::OtpDead {
            attempts_left: Some(3),
        },
        Msg::ResendIn { seconds: 29 },
        Msg::ResendIn { seconds: 1800 },
        Msg::CodeExpired,
        Msg::RelayUnreachable,
    ]
}

#[wasm_bindgen_test]
fn no_error_moves_the_buttons_at_320_px_in_any_language() {
    // A 320 px screen less a portal's usual 16 px margins each side.
    let host = mount();
    host.style().set_property("width", "288px").expect("width");
    let top = |shadow: &web_sys::ShadowRoot| {
        html_element(shadow, "#nf-submit")
            .get_bounding_client_rect()
            .top()
    };
    type Show = dyn Fn(&WidgetHost);
    let reset_errors = vec![
        Msg::OtpFormat,
        Msg::WrongResetCodes { attempts_left: 2 },
        Msg::WrongResetCodes { attempts_left: 1 },
        Msg::ResetDead,
        Msg::WeakPassword,
        Msg::RelayUnreachable,
    ];
    let pin_start_errors = vec![
        Msg::IdMalformed,
        Msg::IdWrongLetter('W'),
        Msg::BirthDateMissing,
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let pin_errors = vec![
        Msg::OtpFormat,
        Msg::WrongPin { attempts_left: 2 },
        Msg::WrongPin { attempts_left: 1 },
        Msg::PinDead,
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let change_password_errors = vec![
        Msg::PasswordMissing,
        Msg::WeakPassword,
        Msg::WrongPassword { attempts_left: 4 },
        Msg::WrongPassword { attempts_left: 1 },
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let contact_errors = vec![
        Msg::PhoneInvalid,
        Msg::EmailInvalid,
        Msg::ContactTaken,
        Msg::SameContact,
        Msg::ResendIn { seconds: 29 },
        Msg::RelayUnreachable,
    ];
    let contact_code_errors: Vec<Msg> = code_errors()
        .into_iter()
        .chain([Msg::ContactTaken, Msg::TooManyAttempts { seconds: 59 }])
        .collect();
    let confirm_errors = vec![
        Msg::RenewNeedsNewEmail,
        Msg::PasswordMissing,
        Msg::WrongPassword { attempts_left: 2 },
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let activation_errors = vec![
        Msg::IdMalformed,
        Msg::IdWrongLetter('W'),
        Msg::ActivationCodeMissing,
        Msg::WrongActivationCode { attempts_left: 4 },
        Msg::WrongActivationCode { attempts_left: 1 },
        Msg::ActivationCodeBlocked,
        Msg::AlreadyActive,
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let activation_code_errors = vec![
        Msg::OtpFormat,
        Msg::WrongCode { attempts_left: 4 },
        Msg::WrongCode { attempts_left: 1 },
        Msg::WeakPassword,
        Msg::TermsMissing,
        Msg::ActivationDead,
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let pro_code_errors = vec![
        Msg::OtpFormat,
        Msg::WrongCode { attempts_left: 2 },
        Msg::WrongCode { attempts_left: 1 },
        Msg::OtpDead {
            attempts_left: None,
        },
        Msg::ResendIn { seconds: 59 },
        Msg::CodeExpired,
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let pro_password_errors = vec![
        Msg::PasswordMissing,
        Msg::WeakPassword,
        Msg::WrongPassword { attempts_left: 4 },
        Msg::WrongPassword { attempts_left: 1 },
        Msg::TooManyAttempts { seconds: 59 },
        Msg::RelayUnreachable,
    ];
    let forms: [(&str, &Show, Vec<Msg>); 22] = [
        (
            "activation",
            &|ui| ui.show_activation_start(""),
            activation_errors,
        ),
        (
            "activation code and password",
            &|ui| ui.show_activation_complete(),
            activation_code_errors,
        ),
        (
            "first password",
            &|ui| ui.show_first_password(),
            vec![
                Msg::WeakPassword,
                Msg::TooManyAttempts { seconds: 59 },
                Msg::RelayUnreachable,
            ],
        ),
        (
            "change password",
            &|ui| ui.show_change_password(),
            change_password_errors,
        ),
        (
            "new mobile",
            &|ui| ui.show_contact_start(ContactField::Phone),
            contact_errors.clone(),
        ),
        (
            "mobile codes",
            &|ui| ui.show_contact_codes(ContactField::Phone, true),
            contact_code_errors,
        ),
        (
            "confirm with the password",
            &|ui| ui.show_confirm_password(Msg::RevokeAccountExplain, Msg::RevokeAccount),
            confirm_errors,
        ),
        ("login", &|ui| ui.show_login(), login_errors()),
        (
            "login offering a PIN",
            &|ui| ui.show_login_offering(true),
            login_errors(),
        ),
        (
            "PIN request",
            &|ui| ui.show_pin_start("12345678Z"),
            pin_start_errors,
        ),
        ("PIN", &|ui| ui.show_pin_code(), pin_errors),
        (
            "reinforced level",
            &|ui| ui.show_reinforce(),
            code_errors()
                .into_iter()
                .chain([Msg::TooManyAttempts { seconds: 59 }])
                .collect(),
        ),
        (
            "SMS code",
            &|ui| ui.show_otp(&[("solicitud.pdf".into(), 48_000.0)], "0427"),
            code_errors(),
        ),
        (
            "certificate code",
            &|ui| ui.show_certificate_code(),
            code_errors(),
        ),
        ("password reset", &|ui| ui.show_reset_codes(), reset_errors),
        (
            "professional: send me the code",
            &|ui| ui.show_pro_start(),
            vec![
                Msg::ResendIn { seconds: 59 },
                Msg::TooManyAttempts { seconds: 59 },
                Msg::RelayUnreachable,
            ],
        ),
        (
            "professional: registration code",
            &|ui| ui.show_pro_code(ProCode::Registration),
            pro_code_errors.clone(),
        ),
        (
            "professional: ID expiry date",
            &|ui| ui.show_pro_expiry(),
            vec![
                Msg::ProExpiryMissing,
                Msg::WrongExpiry { attempts_left: 2 },
                Msg::WrongExpiry { attempts_left: 1 },
                Msg::TooManyAttempts { seconds: 59 },
                Msg::RelayUnreachable,
            ],
        ),
        (
            "professional: new password",
            &|ui| ui.show_pro_password(true),
            pro_password_errors.clone(),
        ),
        (
            "professional: current password",
            &|ui| ui.show_pro_password(false),
            pro_password_errors,
        ),
        (
            "professional: terms",
            &|ui| ui.show_pro_terms(),
            vec![
                Msg::ProTermsMissing,
                Msg::TooManyAttempts { seconds: 59 },
                Msg::RelayUnreachable,
            ],
        ),
        (
            "professional: final code",
            &|ui| ui.show_pro_code(ProCode::Issuance),
            pro_code_errors,
        ),
    ];
    let mut moved = Vec::new();
    for lang in Lang::ALL {
        let ui = WidgetHost::attach(&host, lang).expect("attach");
        for (form, show, errors) in &forms {
            show(&ui);
            let shadow = host.shadow_root().expect("shadow");
            let before = top(&shadow);
            for msg in errors {
                let said = text(lang, msg);
                ui.set_error(&said);
                let after = top(&shadow);
                if after != before {
                    moved.push(format!("{lang:?} {form}: +{}px «{said}»", after - before));
                }
            }
            ui.set_error("");
        }
    }
    assert!(
        moved.is_empty(),
        "errors moved the buttons:\n{}",
        moved.join("\n")
    );
}
