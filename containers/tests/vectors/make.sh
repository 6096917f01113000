#!/usr/bin/env bash
# Makes the interoperability vectors in this folder: signatures produced by tools nobody here
# wrote (openssl, pyHanko, signxml) over small documents, with a throwaway P-256 test PKI whose
# certificates are valid for 30 years. `containers/tests/vectors.rs` checks that our `verify`
# reads each one as its producer meant. Run from anywhere; needs openssl, ghostscript and the
# repository's .venv (scripts/setup.sh). The outputs are committed; rerunning makes new keys.
set -euo pipefail
cd "$(dirname "$0")"
venv=../../../.venv/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The test PKI: a root and a signer, both P-256, ecdsa-with-SHA256.
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/root.key"
openssl req -x509 -new -key "$tmp/root.key" -sha256 -days 10950 -subj "/C=ES/O=Vectores/CN=Vectores Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out root.pem
openssl ecparam -name prime256v1 -genkey -noout -out "$tmp/signer.key"
openssl req -new -key "$tmp/signer.key" -subj "/C=ES/serialNumber=IDCES-99999999R/CN=FIRMANTE PRUEBA" -out "$tmp/signer.csr"
printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n' > "$tmp/ext.cnf"
openssl x509 -req -in "$tmp/signer.csr" -CA root.pem -CAkey "$tmp/root.key" -CAcreateserial -CAserial "$tmp/root.srl" -sha256 -days 10950 \
  -extfile "$tmp/ext.cnf" -out "$tmp/signer.pem"

printf 'Solicitud de prueba: vector de interoperabilidad.\n' > document.txt

# CAdES by openssl (with -cades: signing-certificate-v2), detached and attached.
openssl cms -sign -cades -binary -md sha256 -in document.txt -signer "$tmp/signer.pem" -inkey "$tmp/signer.key" \
  -certfile root.pem -outform DER -out openssl-detached.p7s
openssl cms -sign -cades -binary -nodetach -md sha256 -in document.txt -signer "$tmp/signer.pem" \
  -inkey "$tmp/signer.key" -certfile root.pem -outform DER -out openssl-attached.p7m

# PAdES by pyHanko over a PDF made by Ghostscript.
printf '%%!PS\n/Helvetica findfont 20 scalefont setfont 72 720 moveto (Vector PAdES) show showpage\n' > "$tmp/in.ps"
gs -q -dBATCH -dNOPAUSE -dSAFER -sDEVICE=pdfwrite -sOutputFile="$tmp/in.pdf" "$tmp/in.ps"
"$venv/pyhanko" sign addsig --field Firma1 --use-pades pemder --key "$tmp/signer.key" --cert "$tmp/signer.pem" \
  --chain root.pem --no-pass "$tmp/in.pdf" pyhanko-pades.pdf

# XAdES enveloped by signxml: with its default (Canonical XML 1.1), with Canonical XML 1.0 and
# with exclusive C14N. The document's root declares a namespace it does not use, so inclusive
# and exclusive canonical forms differ. signxml writes its KeyInfo and SignedProperties
# references without transforms (so, by xmldsig-core1 §4.4.3.2, inclusive C14N 1.0) but digests
# them with its c14n_algorithm: with exclusive C14N the digests are wrong, and xmlsec1 and
# signxml's own verifier refuse signxml-xades.xml as we do. No xml:* attribute on the root:
# lxml's C14N of an element (signxml's) does not inherit them as C14N 1.0 §2.4 says (xmlsec1 does).
"$venv/python" - "$tmp/signer.key" "$tmp/signer.pem" root.pem <<'PY'
import sys
from lxml import etree
from signxml import SignatureConstructionMethod
from signxml.xades import XAdESSigner
key, cert, root = (open(p, "rb").read() for p in sys.argv[1:4])
for name, c14n in [
    ("signxml-xades.xml", "http://www.w3.org/2001/10/xml-exc-c14n#"),
    ("signxml-xades-inclusive.xml", None),
    ("signxml-xades-c14n10.xml", "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"),
]:
    doc = etree.fromstring(
        b'<Factura xmlns="urn:ejemplo" xmlns:otro="urn:otro">'
        b'<Importe moneda="EUR">42.00</Importe></Factura>'
    )
    options = {} if c14n is None else {"c14n_algorithm": c14n}
    signer = XAdESSigner(
        method=SignatureConstructionMethod.enveloped,
        signature_algorithm="ecdsa-sha256",
        digest_algorithm="sha256",
        **options,
    )
    signed = signer.sign(doc, key=key, cert=[cert.decode(), root.decode()])
    open(name, "wb").write(etree.tostring(signed, xml_declaration=True, encoding="UTF-8"))
PY
echo "vectors made in $(pwd)"
