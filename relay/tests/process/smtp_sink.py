"""A real SMTP server for the relay's tests (aiosmtpd, nobody here wrote it): STARTTLS required,
AUTH PLAIN/LOGIN required with one user name and password, every message written to a folder as
JSON with what the session showed (TLS in use, the authenticated login).

    smtp_sink.py PORT CERT KEY USER PASSWORD FOLDER

Prints "ready" on standard output once it listens."""

import json
import pathlib
import ssl
import sys
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# aiosmtpd 1.4 warns about its own deprecated attribute on every AUTH.
warnings.filterwarnings("ignore", category=DeprecationWarning)

port, cert, key, user, password, folder = sys.argv[1:7]
out = pathlib.Path(folder)
out.mkdir(parents=True, exist_ok=True)


class Sink:
    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf8", errors="replace"),
            "tls": session.ssl is not None,
            "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else session.auth_data,
        }
        (out / f"{self.count:04}.json").write_text(json.dumps(record))
        return "250 OK"


def authenticate(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user and auth_data.password.decode() == password:
        return AuthResult(success=True, auth_data=auth_data.login)
    return AuthResult(success=False, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
controller = Controller(
    Sink(),
    hostname="127.0.0.1",
    port=int(port),
    server_hostname="localhost",
    tls_context=context,
    require_starttls=True,
    authenticator=authenticate,
    auth_required=True,
    auth_require_tls=True,
)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
