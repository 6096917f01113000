#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into DIR/<target>/ (default: containers/fuzz/seeds),
# made fresh by openssl on every run, never committed: a P-256 PKI (root, issuing CA, signer, TSA),
# CAdES detached (.p7s) and attached (.p7m) signatures over the fuzz targets' SEED_DOCUMENT, an
# RFC 3161 token over the detached signature's value, and both containers at level T (the token
# spliced in as the signature-time-stamp unsigned attribute by a few lines of Python, stdlib only);
# and for the targets to come, a PDF with a CAdES signature over its byte range, an XML in the
# shape of an enveloped XAdES signature, and ASiC-E ZIPs.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
out=$(realpath -m "${1:-seeds}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key" 2>/dev/null; }
cat > ext.cnf <<'CNF'
[req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[signer]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
[tsa]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
CNF
# cert NAME ISSUER SUBJECT EXTENSIONS: NAME.pem, signed by ISSUER.key (NAME itself: self-signed).
cert() {
  key "$1"
  if [ "$1" = "$2" ]; then
    openssl req -x509 -new -key "$1.key" -sha256 -days 3650 -subj "$3" \
      -config ext.cnf -extensions "$4" -out "$1.pem"
  else
    openssl req -new -key "$1.key" -subj "$3" -config ext.cnf -out "$1.csr"
    openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -sha256 \
      -days 3650 -extfile ext.cnf -extensions "$4" -out "$1.pem" 2>/dev/null
  fi
}
cert root root "/C=ES/O=Nubefirma Fuzz/CN=Fuzz Root CA" ca
cert issuing root "/C=ES/O=Nubefirma Fuzz/CN=Fuzz Issuing CA" ca
cert signer issuing "/C=ES/O=Nubefirma Fuzz/serialNumber=IDCES-99999999R/CN=FUZZ PRUEBA" signer
cert tsa root "/C=ES/O=Nubefirma Fuzz/CN=Fuzz TSA" tsa
cat issuing.pem root.pem > chain.pem
openssl x509 -in signer.pem -outform DER -out signer.der

# The same bytes as SEED_DOCUMENT in fuzz_targets/cades_detached.rs.
printf 'Documento de prueba para el fuzzing.\n' > document.txt
sign() {
  openssl cms -sign -binary -cades -md sha256 -in document.txt -signer signer.pem \
    -inkey signer.key -certfile chain.pem -outform DER "$@"
}
sign -out detached.p7s
sign -nodetach -out attached.p7m

# DER surgery in a few lines of Python: the signature value's imprint, and level T.
cat > der.py <<'PY'
"""der.py imprint CMS | stamp CMS TOKEN OUT | split P7S TOKEN OUT (one-byte tags: all there is)."""
import hashlib
import sys

def header(b, i):
    """(value start, value end) of the DER element at i."""
    n = b[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        n, i = int.from_bytes(b[i:i + k], "big"), i + k
    return i, i + n

def elements(b, start, end):
    out = []
    while start < end:
        out.append((start, header(b, start)[1]))
        start = out[-1][1]
    return out

def tlv(tag, value):
    n = len(value)
    k = (n.bit_length() + 7) // 8
    return bytes([tag]) + (bytes([n]) if n < 0x80 else bytes([0x80 | k]) + n.to_bytes(k, "big")) + value

def signer_info(cms):
    """ContentInfo { type, [0] { SignedData { ..., SET { SignerInfo } } } }: the parts."""
    content_type, explicit = elements(cms, *header(cms, 0))
    *head, signer_infos = elements(cms, *header(cms, header(cms, explicit[0])[0]))
    [signer] = elements(cms, *header(cms, signer_infos[0]))
    return content_type, head, signer

ID_AA_SIGNATURE_TIME_STAMP_TOKEN = bytes.fromhex("060b2a864886f70d010910020e")
read = lambda path: open(path, "rb").read()
command, *args = sys.argv[1:]
if command == "imprint":  # SHA-256 of the signature value: the signer info's last element.
    cms = read(args[0])
    _, _, signer = signer_info(cms)
    *_, value = elements(cms, *header(cms, signer[0]))
    print(hashlib.sha256(cms[slice(*header(cms, value[0]))]).hexdigest())
elif command == "stamp":  # The token as the signer's signature-time-stamp, lengths rewritten.
    cms, token = read(args[0]), read(args[1])
    content_type, head, signer = signer_info(cms)
    attribute = tlv(0x30, ID_AA_SIGNATURE_TIME_STAMP_TOKEN + tlv(0x31, token))
    signer = tlv(0x30, cms[slice(*header(cms, signer[0]))] + tlv(0xA1, attribute))
    body = b"".join(cms[s:e] for s, e in head) + tlv(0x31, signer)
    out = tlv(0x30, cms[slice(*content_type)] + tlv(0xA0, tlv(0x30, body)))
    open(args[2], "wb").write(out)
elif command == "split":  # timestamp_token's input: len(p7s) as a big-endian u16, p7s, token.
    p7s, token = read(args[0]), read(args[1])
    open(args[2], "wb").write(len(p7s).to_bytes(2, "big") + p7s + token)
elif command == "pdf":  # A one-page PDF with a signature field; /Contents zeros, to be filled.
    out, signed_range = args
    contents = b"<" + b"0" * 2 * 2400 + b">"  # room for the ~2 KB CMS
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [4 0 R] >>",
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Signature1) /Rect [0 0 0 0] /F 132 /P 3 0 R /V 5 0 R >>",
        b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached "
        b"/ByteRange [0000000000 0000000000 0000000000 0000000000] /Contents " + contents
        + b" /M (D:20240301120000Z) >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    start = pdf.index(contents)
    end = start + len(contents)
    ranges = b"%010d %010d %010d %010d" % (0, start, end, len(pdf) - end)
    at = pdf.index(b"0000000000 0000000000 0000000000 0000000000")
    pdf[at:at + len(ranges)] = ranges
    open(out, "wb").write(pdf)
    open(signed_range, "wb").write(pdf[:start] + pdf[end:])
elif command == "pdf-fill":  # The CMS into /Contents, hex, zero-padded.
    pdf, p7s = bytearray(read(args[0])), read(args[1])
    assert len(p7s) <= 2400, "the CMS outgrew /Contents"
    at = pdf.index(b"/Contents <") + len(b"/Contents <")
    pdf[at:at + 2 * len(p7s)] = p7s.hex().upper().encode()
    open(args[2], "wb").write(pdf)
elif command == "zip":  # ASiC-E: mimetype first and stored, then the given files.
    import zipfile
    out, *files = args
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.etsi.asic-e+zip",
                   compress_type=zipfile.ZIP_STORED)
        for pair in files:
            name, path = pair.split("=", 1)
            z.write(path, name)
PY

# An RFC 3161 token over the detached signature's value.
imprint=$(python3 der.py imprint detached.p7s)
cat > tsa.cnf <<'CNF'
[tsa]
default_tsa = fuzz
[fuzz]
serial = ./tsa-serial
signer_digest = sha256
digests = sha256
default_policy = 1.3.6.1.4.1.99999.1
ess_cert_id_alg = sha256
accuracy = secs:1
ordering = no
tsa_name = yes
CNF
echo 01 > tsa-serial
openssl ts -query -digest "$imprint" -sha256 -cert -out request.tsq 2>/dev/null
openssl ts -reply -config tsa.cnf -section fuzz -queryfile request.tsq -signer tsa.pem \
  -inkey tsa.key -chain root.pem -token_out -out token.tst 2>/dev/null

# CAdES-T. The attached container's signature value is not the detached one's, so its
# timestamp is "not over this signature": a seed of that branch.
python3 der.py stamp detached.p7s token.tst detached-t.p7s
python3 der.py stamp attached.p7m token.tst attached-t.p7m
python3 der.py split detached.p7s token.tst p7s+token
python3 der.py split detached-t.p7s token.tst p7s-t+token
python3 der.py split attached.p7m token.tst p7m+token

# Seeds of the targets to come (pdf_reader, xml_signature, zip_container; docs/fuzzing.md).
# PAdES: the CMS over the PDF's byte range (openssl adds signing-time, which PAdES forbids: a
# problem for the validator to report, still a seed that reaches the signature checks).
python3 der.py pdf zeroed-contents.pdf signed-range.bin
openssl cms -sign -binary -cades -md sha256 -in signed-range.bin -signer signer.pem \
  -inkey signer.key -certfile chain.pem -outform DER -out pdf.p7s
python3 der.py pdf-fill zeroed-contents.pdf pdf.p7s signed.pdf
# XAdES: an enveloped signature's shape with the real certificate; its values do not verify.
certificate=$(openssl x509 -in signer.pem -outform DER | base64 -w0)
cat > enveloped.xml <<XML
<?xml version="1.0" encoding="UTF-8"?>
<doc xmlns="urn:nubefirma:fuzz"><item id="a">Documento de prueba para el fuzzing.</item><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="S1"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/><ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>$(python3 -c 'print("A"*43 + "=")')</ds:DigestValue></ds:Reference><ds:Reference Type="http://uri.etsi.org/01903#SignedProperties" URI="#S1-SP"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>$(python3 -c 'print("B"*43 + "=")')</ds:DigestValue></ds:Reference></ds:SignedInfo><ds:SignatureValue>$(python3 -c 'print("C"*86 + "==")')</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>$certificate</ds:X509Certificate></ds:X509Data></ds:KeyInfo><ds:Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#S1"><xades:SignedProperties Id="S1-SP"><xades:SignedSignatureProperties><xades:SigningTime>2024-03-01T12:00:00Z</xades:SigningTime><xades:SigningCertificateV2><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>$(openssl x509 -in signer.pem -outform DER | openssl dgst -sha256 -binary | base64 -w0)</ds:DigestValue></xades:CertDigest></xades:Cert></xades:SigningCertificateV2></xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature></doc>
XML
# ASiC-E: a CAdES signature over the document (no ASiCManifest: a problem to report), and one
# with the XAdES shape above.
python3 der.py zip asic-cades.asice document.txt=document.txt META-INF/signature.p7s=detached.p7s
python3 der.py zip asic-xades.asice document.txt=document.txt META-INF/signatures001.xml=enveloped.xml

rm -rf "$out"
mkdir -p "$out"/{cades_detached,timestamp_token,trust_anchors,pdf_reader,xml_signature,zip_container}
cp detached.p7s attached.p7m detached-t.p7s attached-t.p7m token.tst "$out/cades_detached/"
cp detached.p7s detached-t.p7s token.tst p7s+token p7s-t+token p7m+token "$out/timestamp_token/"
cp root.pem chain.pem signer.der detached.p7s attached.p7m "$out/trust_anchors/"
cat signer.pem issuing.pem root.pem tsa.pem > "$out/trust_anchors/all.pem"
cp signed.pdf zeroed-contents.pdf "$out/pdf_reader/"
cp enveloped.xml "$out/xml_signature/"
cp asic-cades.asice asic-xades.asice "$out/zip_container/"
# The committed interoperability vectors (containers/tests/vectors: openssl, pyHanko, signxml),
# when there: signatures by other producers.
vectors=$here/../tests/vectors
if [ -d "$vectors" ]; then
  for f in openssl-detached.p7s openssl-attached.p7m; do
    [ -f "$vectors/$f" ] && cp "$vectors/$f" "$out/cades_detached/" && cp "$vectors/$f" "$out/trust_anchors/"
  done
  [ -f "$vectors/root.pem" ] && cp "$vectors/root.pem" "$out/trust_anchors/vectors-root.pem"
  [ -f "$vectors/pyhanko-pades.pdf" ] && cp "$vectors/pyhanko-pades.pdf" "$out/pdf_reader/"
  for f in "$vectors"/signxml-*.xml; do [ -f "$f" ] && cp "$f" "$out/xml_signature/"; done
fi
# `any_container` (verify::verify, which tells the kinds apart) starts from every container.
mkdir -p "$out/any_container"
for dir in cades_detached pdf_reader xml_signature zip_container; do
  for f in "$out/$dir"/*; do cp "$f" "$out/any_container/$dir-$(basename "$f")"; done
done
echo "seeds: $(find "$out" -type f | wc -l) files in $out"
