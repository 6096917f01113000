#!/usr/bin/env python3
"""The end-to-end signing journey in Firefox and WebKit, driven by Selenium (offline).

Usage (from the repository root, scripts/test.sh does this):
    .venv/bin/python www-tests/engines/test_sign.py firefox
    xvfb-run -a .venv/bin/python www-tests/engines/test_sign.py webkit

Starts its own relay (`--listen 127.0.0.1:0`, a fresh data folder) and demo-site server on free
ports, registers, activates and gives a certificate to each citizen over the relay's HTTP API (as
www-tests/tests/helpers.mjs does), then in the browser: picks a file in the portal, chooses the
format and level, signs, logs in in the widget (inside its open shadow root), enters the SMS code
from the dev outbox and takes the signed file (read in the page; Firefox also downloads it, and
the two must be equal), which tools nobody here wrote check (openssl cms
-cades for CAdES and ASiC-E; pyHanko and pdfsig for PAdES). Prints one cargo-style `test result:` line, which
scripts/test.sh adds up.

Environment: CARGO_TARGET_DIR (where the relay binary is, as cargo), GECKODRIVER (geckodriver's
path; else found on PATH), WEBKITDRIVER (default /usr/bin/WebKitWebDriver), NUBEFIRMA_KEEP_WORK
(keep the data, logs and signed files, which are kept anyway when a test fails). Selenium Manager is
kept offline (SE_OFFLINE, SE_AVOID_STATS): every path is given explicitly.
"""

import base64
import glob
import hashlib
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request

os.environ["SE_OFFLINE"] = "true"
os.environ["SE_AVOID_STATS"] = "true"

from selenium import webdriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.select import Select  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TARGET = os.environ.get("CARGO_TARGET_DIR") or os.path.join(ROOT, "target")
RELAY_BIN = os.path.join(ROOT, TARGET, "debug", "nubefirma-relay")
LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
WAIT = 30  # seconds for anything the page or the relay should do


# ---------------------------------------------------------------- relay, demo site, HTTP API


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, check, timeout=WAIT, every=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


def http(method, url, body=None, headers=None):
    """(status, parsed JSON or text) of one request; never raises on HTTP errors."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    # The relay writes the SMS in the language the client names (Spanish by default); the
    # widgets here speak English, so the API calls too.
    req.add_header("accept-language", "en")
    if data is not None:
        req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=WAIT) as res:
            status, raw = res.status, res.read()
    except urllib.error.HTTPError as err:
        status, raw = err.code, err.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


class Servers:
    """A relay on a fresh data folder and the demo site pointing at it."""

    def __init__(self, work):
        self.procs = []
        try:
            self.start(work)
        except BaseException:
            self.stop()
            raise

    def start(self, work):
        self.data = os.path.join(work, "data")
        site_port = free_port()
        self.site = f"http://127.0.0.1:{site_port}"
        self.relay_log = open(os.path.join(work, "relay.log"), "w+")
        self.relay_proc = subprocess.Popen(
            [RELAY_BIN, "serve", "--dev", "--data", self.data, "--listen", "127.0.0.1:0",
             "--cors-origin", self.site],
            stdout=self.relay_log, stderr=subprocess.STDOUT, cwd=work)
        self.procs.append(self.relay_proc)

        def listening():
            if self.relay_proc.poll() is not None:
                raise AssertionError(f"relay exited: {open(self.relay_log.name).read()}")
            match = re.search(r"listening on (http://\S+)", open(self.relay_log.name).read())
            return match and match.group(1)

        self.relay = wait_for("the relay to listen", listening, timeout=60)
        self.site_log = open(os.path.join(work, "site.log"), "w+")
        self.site_proc = subprocess.Popen(
            ["node", os.path.join(ROOT, "demo-site", "serve.mjs"), "--port", str(site_port),
             "--relay", self.relay],
            stdout=self.site_log, stderr=subprocess.STDOUT)
        self.procs.append(self.site_proc)

        def site_up():
            try:
                with urllib.request.urlopen(self.site + "/", timeout=2) as res:
                    return res.status == 200
            except OSError:
                return False

        wait_for("the demo site", site_up)
        self.ca_pem = os.path.join(self.data, "ca.pem")
        with open(os.path.join(self.data, "operator.token")) as f:
            self.operator_token = f.read().strip()

    def stop(self):
        for proc in reversed(self.procs):
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()

    # The citizen, over the relay's API (as www-tests/tests/helpers.mjs does).

    def sms_to(self, phone, index):
        """The text of SMS number `index` (0-based) to the phone, once it is there."""
        def nth():
            status, messages = http("GET", f"{self.relay}/dev/outbox?to={phone}")
            assert status == 200, messages
            sms = [m for m in messages if m["channel"] == "sms"]
            return len(sms) > index and sms[index]["text"]
        return wait_for(f"SMS {index} to {phone}", nth)

    @staticmethod
    def code_in(sms):
        match = re.search(r"\b(\d{6})\b", sms)
        assert match, f"a 6-digit code in: {sms}"
        return match.group(1)

    def citizen_with_certificate(self):
        """Registered, activated and with a cloud certificate: SMS 0 activation, 1 certificate."""
        number = random.randint(10_000_000, 99_999_999)
        citizen = {
            "idNumber": f"{number}{LETTERS[number % 23]}", "givenName": "Ane",
            "surname": "Etxeberria Núñez", "birthDate": "1990-02-03",
            "phone": f"6{random.randint(10_000_000, 99_999_999)}",
            "email": f"ane.{number}@example.org",
        }
        password = "correct horse battery"
        status, body = http("POST", f"{self.relay}/office/v1/citizens", citizen,
                            {"authorization": f"Bearer {self.operator_token}"})
        assert status == 201, body
        status, body = http("POST", f"{self.relay}/api/v1/activation/start",
                            {"idNumber": citizen["idNumber"], "activationCode": body["activationCode"]})
        assert status == 200, body
        status, body = http("POST", f"{self.relay}/api/v1/activation/complete", {
            "activationId": body["activationId"],
            "smsCode": self.code_in(self.sms_to(citizen["phone"], 0)),
            "password": password, "acceptTerms": True})
        assert status == 200, body
        basic = base64.b64encode(f"{citizen['idNumber']}:{password}".encode()).decode()
        status, body = http("POST", f"{self.relay}/csc/v2/auth/login", {},
                            {"authorization": f"Basic {basic}"})
        assert status == 200, body
        bearer = {"authorization": f"Bearer {body['access_token']}"}
        status, body = http("POST", f"{self.relay}/api/v1/credentials", {}, bearer)
        assert status == 202, body
        sms = self.sms_to(citizen["phone"], 1)
        assert "create your cloud signing certificate" in sms, sms
        status, body = http("POST", f"{self.relay}/api/v1/credentials/{body['challengeId']}/confirm",
                            {"smsCode": self.code_in(sms)}, bearer)
        assert status == 201, body
        http("POST", f"{self.relay}/csc/v2/auth/revoke", {}, bearer)
        citizen["password"] = password
        return citizen


# ---------------------------------------------------------------- browsers


def which(name, *fallbacks):
    for candidate in (name, *fallbacks):
        found = shutil.which(candidate) or (os.path.exists(candidate) and candidate)
        if found:
            return found
    raise AssertionError(f"{name} not found (scripts/setup.sh installs it)")


def firefox(download_dir):
    from selenium.webdriver.firefox.service import Service
    options = webdriver.FirefoxOptions()
    options.binary_location = which("firefox-esr", "firefox")
    options.add_argument("-headless")
    for key, value in {
        "browser.download.folderList": 2,
        "browser.download.dir": download_dir,
        "browser.download.useDownloadDir": True,
        "browser.download.always_ask_before_handling_new_types": False,
        "browser.helperApps.neverAsk.saveToDisk":
            "application/pkcs7-signature,application/pkcs7-mime,application/pdf,application/xml,"
            "application/vnd.etsi.asic-e+zip,application/octet-stream",
        "pdfjs.disabled": True,
        "intl.accept_languages": "en-GB",
        # Offline: nothing to update, report or fetch in the background.
        "app.update.enabled": False, "datareporting.policy.dataSubmissionEnabled": False,
        "network.captive-portal-service.enabled": False, "network.connectivity-service.enabled": False,
        "browser.safebrowsing.downloads.enabled": False, "extensions.update.enabled": False,
    }.items():
        options.set_preference(key, value)
    driver = os.environ.get("GECKODRIVER") or which("geckodriver")
    return webdriver.Firefox(options=options, service=Service(executable_path=driver))


def webkit(_download_dir):
    from selenium.webdriver.webkitgtk.options import Options
    from selenium.webdriver.webkitgtk.service import Service
    options = Options()
    # Debian's libwebkit2gtk-4.1-0 ships MiniBrowser outside PATH; it needs a display (xvfb-run).
    minibrowser = sorted(glob.glob("/usr/lib/*/webkit2gtk-4.1/MiniBrowser"))
    if not minibrowser:
        raise AssertionError("MiniBrowser not found (Debian libwebkit2gtk-4.1-0)")
    options.binary_location = minibrowser[0]
    options.add_argument("--automation")
    driver = os.environ.get("WEBKITDRIVER", "/usr/bin/WebKitWebDriver")
    return webdriver.WebKitGTK(options=options, service=Service(executable_path=driver))


ENGINES = {"firefox": firefox, "webkit": webkit}


# ---------------------------------------------------------------- the journey


class Journey:
    def __init__(self, engine, servers, work):
        self.engine, self.servers, self.work = engine, servers, work
        self.downloads = os.path.join(work, f"downloads-{engine}")
        os.makedirs(self.downloads, exist_ok=True)
        self.driver = ENGINES[engine](self.downloads)
        self.driver.set_page_load_timeout(WAIT)
        self.driver.set_script_timeout(WAIT)

    def quit(self):
        try:
            self.driver.quit()
        except Exception:  # noqa: BLE001 - best effort at the end
            pass

    def until(self, what, check, timeout=WAIT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(
            lambda d: check(), message=f"{self.engine}: {what}")

    def widget(self, selector):
        """An element inside the SDK's open shadow root (in #nubefirma), or None."""
        host = self.driver.find_element(By.ID, "nubefirma")
        found = host.shadow_root.find_elements(By.CSS_SELECTOR, selector)
        return found[0] if found and found[0].is_displayed() else None

    def sign(self, citizen, paths, fmt, level="B"):
        """Signs the files in the portal (one SMS code) in format `fmt` at `level`; returns the
        first signed file's name and bytes."""
        d = self.driver
        d.get(self.servers.site + "/")
        self.until("the SDK to load", lambda: d.find_elements(By.CSS_SELECTOR, "#sign[data-ready=true]"))
        # Several files: one send_keys with the paths a line each (the input is `multiple`).
        d.find_element(By.ID, "file").send_keys("\n".join(paths))
        Select(d.find_element(By.ID, "format")).select_by_value(fmt)
        Select(d.find_element(By.ID, "level")).select_by_value(level)
        Select(d.find_element(By.ID, "lang")).select_by_value("en")
        # Keep each Blob the portal makes a link to, to read the result inside the page (below).
        d.execute_script("""
            const make = URL.createObjectURL;
            window.nfBlobs = {};
            URL.createObjectURL = (blob) => { const url = make.call(URL, blob); window.nfBlobs[url] = blob; return url; };
            // Which hashing Workers the SDK starts, and whether it had to hash on the page.
            window.nfWorkers = [];
            window.nfFallbacks = [];
            const NativeWorker = window.Worker;
            window.Worker = class extends NativeWorker {
                constructor(url, options) { super(url, options); window.nfWorkers.push(String(url)); }
            };
            const warn = console.warn;
            console.warn = (...args) => {
                if (String(args[0]).includes('hashing on the page')) window.nfFallbacks.push(args.map(String).join(' '));
                warn.apply(console, args);
            };
        """)
        d.find_element(By.ID, "sign").click()

        self.until("the login widget", lambda: self.widget("#nf-id")).send_keys(citizen["idNumber"])
        self.widget("#nf-password").send_keys(citizen["password"])
        self.widget("#nf-submit").click()

        otp = self.until("the SMS code widget", lambda: self.widget("#nf-otp"))
        sms = self.servers.sms_to(citizen["phone"], 2)
        shown = self.widget("#nf-vc").text.strip()
        assert re.fullmatch(r"\d{4}", shown), shown
        assert f"Verification code {shown}" in sms, (shown, sms)
        # One signature per file, but an ASiC-E is one signature over its manifest.
        signatures = 1 if fmt == "asice" else len(paths)
        assert f"to sign {signatures} document(s)" in sms, sms
        host = d.find_element(By.ID, "nubefirma")
        names = [e.text for e in host.shadow_root.find_elements(By.CSS_SELECTOR, "#nf-documents .nf-name")]
        assert names == [os.path.basename(p) for p in paths], names
        otp.send_keys(self.servers.code_in(sms))
        self.widget("#nf-submit").click()

        def link():
            result = d.find_element(By.ID, "result")
            if "Not signed" in result.text:
                raise AssertionError(f"{self.engine}: {result.text}")
            return d.find_elements(By.ID, "download")
        link = self.until("the signed file's link", link, timeout=60)[0]
        # The documents were hashed in the SDK's module Worker, not on the page (PAdES reads
        # each PDF whole on the page, to write the signature into it: no Worker then).
        workers = d.execute_script("return window.nfWorkers")
        if fmt == "pades":
            assert workers == [], workers
        else:
            assert len(workers) == 1 and workers[0].endswith("/pkg/hash-worker.js"), workers
        fallbacks = d.execute_script("return window.nfFallbacks")
        assert fallbacks == [], f"{self.engine}: {fallbacks}"
        name = link.get_attribute("download")
        in_page = self.blob_of(link)
        if self.engine == "firefox":
            downloaded = self.download(link, name)
            assert downloaded == in_page, "the download is the portal's Blob"
        return name, in_page

    def download(self, link, name):
        """Firefox saves it into the download folder (browser.download.dir)."""
        target = os.path.join(self.downloads, name)
        link.click()
        self.until(f"{name} downloaded", lambda: os.path.exists(target)
                   and not os.path.exists(target + ".part") and os.path.getsize(target) > 0)
        with open(target, "rb") as f:
            return f.read()

    def blob_of(self, link):
        """The bytes behind the link's blob: URL, read in the page. WebKit's driver cannot choose a
        download folder, and the portal's CSP (connect-src) refuses fetch() of a blob: URL, so the
        Blob kept when the portal made the URL is read with a FileReader."""
        encoded = self.driver.execute_async_script("""
            const [href, done] = arguments;
            const blob = window.nfBlobs[href];
            if (!blob) return done('ERROR no Blob behind ' + href);
            const reader = new FileReader();
            reader.onload = () => done(reader.result.split(',')[1]);
            reader.onerror = () => done('ERROR ' + reader.error);
            reader.readAsDataURL(blob);
        """, link.get_attribute("href"))
        assert not encoded.startswith("ERROR"), encoded
        return base64.b64decode(encoded)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def test_cades(journey, work):
    servers = journey.servers
    citizen = servers.citizen_with_certificate()
    doc = os.path.join(work, f"informe-{journey.engine}.txt")
    with open(doc, "w") as f:
        f.write(f"NUBEFIRMA-PAYLOAD-{os.urandom(16 * 1024).hex()}")
    name, p7s = journey.sign(citizen, [doc], "cades")
    assert name == os.path.basename(doc) + ".p7s", name
    p7s_path = os.path.join(work, f"{journey.engine}-{name}")
    with open(p7s_path, "wb") as f:
        f.write(p7s)
    signer = os.path.join(work, f"{journey.engine}-signer.pem")
    ok = run(["openssl", "cms", "-verify", "-cades", "-binary", "-inform", "DER", "-in", p7s_path,
              "-content", doc, "-CAfile", servers.ca_pem, "-purpose", "any", "-out", os.devnull,
              "-signer", signer])
    assert ok.returncode == 0 and "Verification successful" in ok.stderr, ok.stderr
    subject = run(["openssl", "x509", "-in", signer, "-noout", "-subject", "-nameopt", "RFC2253"]).stdout
    assert f"IDCES-{citizen['idNumber']}" in subject, subject


def test_pades(journey, work):
    servers = journey.servers
    citizen = servers.citizen_with_certificate()
    pdf = os.path.join(work, f"contrato-{journey.engine}.pdf")
    made = run(["gs", "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-sDEVICE=pdfwrite", f"-sOutputFile={pdf}",
                "-c", "/Helvetica findfont 24 scalefont setfont 72 720 moveto "
                      f"({journey.engine} contrato) show showpage"])
    assert made.returncode == 0, made.stderr
    name, signed = journey.sign(citizen, [pdf], "pades")
    assert name == f"contrato-{journey.engine}_signed.pdf", name
    with open(pdf, "rb") as f:
        original = f.read()
    assert signed.startswith(original), "an incremental update keeps the original bytes"
    out = os.path.join(work, f"{journey.engine}-{name}")
    with open(out, "wb") as f:
        f.write(signed)
    pyhanko = os.path.join(os.path.dirname(sys.executable), "pyhanko")
    ok = run([pyhanko, "sign", "validate", "--trust", servers.ca_pem, "--trust-replace",
              "--no-revocation-check", "--pretty-print", out])
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "The signature is judged VALID" in ok.stdout, ok.stdout
    assert "The signature covers the entire file." in ok.stdout, ok.stdout
    ok = run(["pdfsig", out])
    assert "Signature is Valid." in ok.stdout and "Total document signed" in ok.stdout, ok.stdout


def test_asice_two_files_level_t(journey, work):
    """Two files with one SMS code, one of them hashed over several 1 MiB slices, in an ASiC-E
    with CAdES at level T (the relay's TSA through CSC signatures/timestamp)."""
    servers = journey.servers
    citizen = servers.citizen_with_certificate()
    docs = {f"anexo-{journey.engine}.bin": os.urandom(2_500_000), "nota.txt": b"nota de entrega\n"}
    paths = []
    for name, data in docs.items():
        paths.append(os.path.join(work, name))
        with open(paths[-1], "wb") as f:
            f.write(data)
    name, asice = journey.sign(citizen, paths, "asice", level="T")
    assert name == f"anexo-{journey.engine}.asice", name
    out = os.path.join(work, f"{journey.engine}-{name}")
    with open(out, "wb") as f:
        f.write(asice)
    unzipped = os.path.join(work, f"{journey.engine}-asice")
    ok = run(["unzip", "-q", out, "-d", unzipped])
    assert ok.returncode == 0, ok.stderr
    for entry, data in docs.items():
        with open(os.path.join(unzipped, entry), "rb") as f:
            assert f.read() == data, f"{entry} carried unchanged"
    manifest = os.path.join(unzipped, "META-INF", "ASiCManifest.xml")
    with open(manifest) as f:
        listed = f.read()
    for entry, data in docs.items():
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        assert entry in listed and digest in listed, f"{entry} and its SHA-256 in the manifest"
    p7s = os.path.join(unzipped, "META-INF", "signature001.p7s")
    ok = run(["openssl", "cms", "-verify", "-cades", "-binary", "-inform", "DER", "-in", p7s,
              "-content", manifest, "-CAfile", servers.ca_pem, "-purpose", "any", "-out", os.devnull])
    assert ok.returncode == 0 and "Verification successful" in ok.stderr, ok.stderr
    printed = run(["openssl", "cms", "-cmsout", "-print", "-inform", "DER", "-in", p7s]).stdout
    assert "id-smime-aa-timeStampToken" in printed, "level T: a signature timestamp"


TESTS = [test_cades, test_pades, test_asice_two_files_level_t]


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in ENGINES:
        sys.exit(f"usage: {sys.argv[0]} {'|'.join(ENGINES)}")
    engine = sys.argv[1]
    started = time.monotonic()
    work = tempfile.mkdtemp(prefix=f"nubefirma-{engine}-")
    passed, failed = 0, 0
    servers = journey = None
    try:
        servers = Servers(work)
        journey = Journey(engine, servers, work)
        print(f"running {len(TESTS)} tests in {engine}")
        for test in TESTS:
            t0 = time.monotonic()
            try:
                test(journey, work)
                passed += 1
                print(f"test {engine}::{test.__name__} ... ok ({time.monotonic() - t0:.1f} s)", flush=True)
            except Exception:  # noqa: BLE001 - report and go on with the next test
                failed += 1
                print(f"test {engine}::{test.__name__} ... FAILED", flush=True)
                traceback.print_exc()
    except Exception:  # noqa: BLE001 - the browser or a server did not start: every test fails
        traceback.print_exc()
        failed = len(TESTS) - passed
    finally:
        if journey:
            journey.quit()
        if servers:
            servers.stop()
    if failed or os.environ.get("NUBEFIRMA_KEEP_WORK"):
        print(f"(kept for inspection: {work})")
    else:
        shutil.rmtree(work, ignore_errors=True)
    status = "ok" if failed == 0 else "FAILED"
    print(f"\ntest result: {status}. {passed} passed; {failed} failed; 0 ignored; 0 measured; "
          f"0 filtered out; finished in {time.monotonic() - started:.2f}s")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
