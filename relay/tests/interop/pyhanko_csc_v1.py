"""pyHanko, a CSC client nobody here wrote, signs PDFs through the relay's /csc/v1 wire.

Called by relay/tests/interop.rs with a logged-in citizen's token and credential. The
authorization step is what a portal does: ask for the SMS code (v1 `sendOTP`), read it from the
development outbox (the citizen's phone), send it to `credentials/authorize` with the hashes
pyHanko computed. Then pyHanko's own validator checks every signature against our root CA.

usage: pyhanko_csc_v1.py BASE_URL TOKEN CREDENTIAL_ID PHONE CA_PEM OUT_DIR N_DOCUMENTS
"""

import asyncio
import base64
import json
import re
import sys
import urllib.parse
import urllib.request
from io import BytesIO

import aiohttp
from asn1crypto import pem, x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.signers import csc_signer
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext


def minimal_pdf(text: str) -> bytes:
    """A one-page PDF with a classic xref table, built by hand."""
    content = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class SmsAuthorization(csc_signer.CSCAuthorizationManager):
    """Explicit authorization with an SMS code read from the development outbox."""

    def __init__(self, info, credential, session, base, phone):
        super().__init__(info, credential)
        self.session = session
        self.base = base
        self.phone = phone
        self.authorizations = 0

    async def authorize_signature(self, hash_b64s):
        self.authorizations += 1
        async with self.session.post(
            self.csc_session_info.endpoint_url("credentials/sendOTP"),
            headers=self.auth_headers,
            json={"credentialID": self.csc_session_info.credential_id},
        ) as response:
            assert response.status == 204, await response.text()
        outbox = f"{self.base}/dev/outbox?to={urllib.parse.quote(self.phone)}"
        async with self.session.get(outbox) as response:
            messages = await response.json()
        sms = messages[-1]["text"]
        # No Accept-Language from this client: the relay writes Spanish.
        assert "no ha dicho qué documentos" in sms, sms
        otp = re.search(r"\b(\d{6})\b", sms).group(1)
        body = self.format_csc_auth_request(otp=otp, hash_b64s=hash_b64s)
        async with self.session.post(
            self.csc_session_info.endpoint_url("credentials/authorize"),
            headers=self.auth_headers,
            json=body,
        ) as response:
            assert response.status == 200, await response.text()
            return self.parse_csc_auth_response(await response.json())


async def main(base, token, credential_id, phone, ca_pem, out_dir, count):
    with open(ca_pem, "rb") as f:
        _, _, der = pem.unarmor(f.read())
    root = x509.Certificate.load(der)
    async with aiohttp.ClientSession() as session:
        info = csc_signer.CSCServiceSessionInfo(
            service_url=base, credential_id=credential_id, oauth_token=token, api_ver="v1"
        )
        credential = await csc_signer.fetch_certs_in_csc_credential(session, info)
        auth = SmsAuthorization(info, credential, session, base, phone)
        # One batch: pyHanko collects the hashes of all documents, then one authorize, one signHash.
        signer = csc_signer.CSCSigner(session, auth_manager=auth, batch_size=count, batch_autocommit=True)
        meta = signers.PdfSignatureMetadata(field_name="Firma", md_algorithm="sha256")
        jobs = []
        for n in range(count):
            writer = IncrementalPdfFileWriter(BytesIO(minimal_pdf(f"Documento {n}")))
            jobs.append(signers.async_sign_pdf(writer, meta, signer=signer))
        outputs = await asyncio.gather(*jobs)
    results = []
    for n, output in enumerate(outputs):
        data = output.getvalue()
        path = f"{out_dir}/signed-{n}.pdf"
        with open(path, "wb") as f:
            f.write(data)
        reader = PdfFileReader(BytesIO(data))
        status = await async_validate_pdf_signature(
            reader.embedded_signatures[0], ValidationContext(trust_roots=[root])
        )
        results.append(
            {
                "path": path,
                "intact": status.intact,
                "valid": status.valid,
                "trusted": status.trusted,
                "signer": status.signing_cert.subject.human_friendly,
            }
        )
    print(json.dumps({"authorizations": auth.authorizations, "documents": results}))


if __name__ == "__main__":
    base, token, credential_id, phone, ca_pem, out_dir, count = sys.argv[1:8]
    asyncio.run(main(base, token, credential_id, phone, ca_pem, out_dir, int(count)))
