//! XML canonicalization without DTDs, of a document or of one element's subtree, optionally
//! leaving one subtree out (the enveloped-signature transform, xmldsig-core1 §6.6.4):
//!
//! - Canonical XML 1.0 (W3C REC-xml-c14n-20010315), "inclusive": an apex element renders
//!   every namespace in scope (inherited ones too) and the `xml:*` attributes of its
//!   ancestors (§2.4); what producers digest when a same-document reference has no
//!   transforms (xmldsig-core1 §4.4.3.2).
//! - Canonical XML 1.1 (W3C xml-c14n11): the same, except that `xml:id` is not inherited and
//!   `xml:base` would be joined with its ancestors' — refused here as an error.
//! - Exclusive XML Canonicalization 1.0 (W3C xml-exc-c14n): a namespace is rendered where
//!   visibly utilized, and no `xml:*` attribute is inherited; the prefixes of an
//!   `InclusiveNamespaces PrefixList` are treated as in inclusive mode.
//!
//! Each with or without comments. Enough for XAdES: what we sign is written in exclusive
//! canonical form directly, this reads what others wrote.
//!
//! Parsing is roxmltree's, with DTDs refused (so no entity can expand: no billion laughs, no
//! external entities) and a node limit; nesting deeper than [`MAX_DEPTH`] is an error.

use core::fmt;

use roxmltree::{Document, Node, NodeId, NodeType, ParsingOptions};

/// Deepest element nesting canonicalized (recursion bound, so hostile input cannot exhaust the
/// stack, in wasm least of all).
pub const MAX_DEPTH: usize = 256;
/// Most nodes a parsed document may have.
const MAX_NODES: u32 = 2_000_000;
const XML_NAMESPACE: &str = "http://www.w3.org/XML/1998/namespace";

/// Why a document could not be parsed or canonicalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C14nError(pub String);

impl fmt::Display for C14nError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "XML: {}", self.0)
    }
}

impl std::error::Error for C14nError {}

/// Parses UTF-8 XML, refusing any DOCTYPE (roxmltree's `allow_dtd: false`) and encodings other
/// than UTF-8 declared in the XML declaration (the bytes would be misread).
pub fn parse(xml: &[u8]) -> Result<Document<'_>, C14nError> {
    let text = core::str::from_utf8(xml).map_err(|_| C14nError("not UTF-8".into()))?;
    check_declared_encoding(text)?;
    Document::parse_with_options(
        text,
        ParsingOptions {
            allow_dtd: false,
            nodes_limit: MAX_NODES,
            ..ParsingOptions::default()
        },
    )
    .map_err(|e| C14nError(e.to_string()))
}

fn check_declared_encoding(text: &str) -> Result<(), C14nError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some(rest) = text.strip_prefix("<?xml") else {
        return Ok(());
    };
    let declaration = rest.split("?>").next().unwrap_or("");
    let Some(at) = declaration.find("encoding") else {
        return Ok(());
    };
    let value: String = declaration[at + "encoding".len()..]
        .trim_start()
        .trim_start_matches('=')
        .trim_start()
        .chars()
        .skip(1)
        .take_while(|c| *c != '"' && *c != '\'')
        .collect();
    if value.eq_ignore_ascii_case("utf-8") || value.eq_ignore_ascii_case("utf8") {
        Ok(())
    } else {
        Err(C14nError(format!("encoding {value:?} is not UTF-8")))
    }
}

/// Canonical XML 1.0 (inclusive), without comments.
pub const C14N10: &str = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";
/// Canonical XML 1.0 (inclusive), with comments.
pub const C14N10_WITH_COMMENTS: &str =
    "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments";
/// Canonical XML 1.1, without comments.
pub const C14N11: &str = "http://www.w3.org/2006/12/xml-c14n11";
/// Canonical XML 1.1, with comments.
pub const C14N11_WITH_COMMENTS: &str = "http://www.w3.org/2006/12/xml-c14n11#WithComments";
/// Exclusive XML Canonicalization 1.0, without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// Exclusive XML Canonicalization 1.0, with comments.
pub const EXC_C14N_WITH_COMMENTS: &str = "http://www.w3.org/2001/10/xml-exc-c14n#WithComments";

/// How namespaces and inherited `xml:*` attributes are treated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Canonical XML 1.0.
    Inclusive10,
    /// Canonical XML 1.1.
    Inclusive11,
    /// Exclusive C14N, with the prefixes of its `InclusiveNamespaces PrefixList` (`#default`
    /// for the default namespace), rendered as in inclusive mode.
    Exclusive(Vec<String>),
}

/// One canonicalization algorithm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Method {
    /// Inclusive 1.0, 1.1 or exclusive.
    pub mode: Mode,
    /// Whether comments are kept (the `#WithComments` variants).
    pub with_comments: bool,
}

impl Method {
    /// Exclusive C14N without comments and without inclusive prefixes: what we write.
    pub fn exclusive() -> Self {
        Self {
            mode: Mode::Exclusive(Vec::new()),
            with_comments: false,
        }
    }

    /// Canonical XML 1.0 without comments: what a same-document reference without transforms
    /// is digested as (xmldsig-core1 §4.4.3.2).
    pub fn inclusive() -> Self {
        Self {
            mode: Mode::Inclusive10,
            with_comments: false,
        }
    }

    /// The algorithm an XML-DSig `Algorithm` URI names, with an exclusive `PrefixList`'s
    /// prefixes (ignored by the inclusive ones); `None` for any other URI.
    pub fn from_uri(uri: &str, prefix_list: &[String]) -> Option<Self> {
        let (mode, with_comments) = match uri {
            C14N10 => (Mode::Inclusive10, false),
            C14N10_WITH_COMMENTS => (Mode::Inclusive10, true),
            C14N11 => (Mode::Inclusive11, false),
            C14N11_WITH_COMMENTS => (Mode::Inclusive11, true),
            EXC_C14N => (Mode::Exclusive(prefix_list.to_vec()), false),
            EXC_C14N_WITH_COMMENTS => (Mode::Exclusive(prefix_list.to_vec()), true),
            _ => return None,
        };
        Some(Self {
            mode,
            with_comments,
        })
    }

    /// Whether `uri` names an exclusive canonicalization (the only ones with a `PrefixList`).
    pub fn is_exclusive_uri(uri: &str) -> bool {
        uri == EXC_C14N || uri == EXC_C14N_WITH_COMMENTS
    }
}

/// The exclusive canonical form of a whole document (comments removed).
pub fn canonicalize_document(xml: &[u8]) -> Result<Vec<u8>, C14nError> {
    canonicalize_document_with(xml, &Method::exclusive())
}

/// The canonical form of a whole document by `method`.
pub fn canonicalize_document_with(xml: &[u8], method: &Method) -> Result<Vec<u8>, C14nError> {
    let doc = parse(xml)?;
    canonicalize_with(doc.root(), None, method)
}

/// The exclusive canonical form of `node`'s subtree (an element, or the document root for the
/// whole document), without comments and without the subtree of `exclude`.
pub fn canonicalize(node: Node<'_, '_>, exclude: Option<NodeId>) -> Result<Vec<u8>, C14nError> {
    canonicalize_with(node, exclude, &Method::exclusive())
}

/// The canonical form by `method` of `node`'s subtree (an element, or the document root for
/// the whole document), without the subtree of `exclude`.
pub fn canonicalize_with(
    node: Node<'_, '_>,
    exclude: Option<NodeId>,
    method: &Method,
) -> Result<Vec<u8>, C14nError> {
    let mut out = Vec::new();
    let mut rendered = Vec::new();
    let mut c = Canonicalizer {
        method,
        exclude,
        out: &mut out,
    };
    if node.is_root() {
        // Canonical XML 1.0 §2.4 (document order): PIs (and comments, when kept) before the
        // document element end with #xA, after it start with one; the XML declaration, DTD
        // and outside text are dropped.
        let mut seen_element = false;
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => {
                    if Some(child.id()) != exclude {
                        c.element(child, &mut rendered, 0)?;
                    }
                    seen_element = true;
                }
                NodeType::PI | NodeType::Comment if child.is_pi() || method.with_comments => {
                    if seen_element {
                        c.out.push(b'\n');
                    }
                    c.leaf(child);
                    if !seen_element {
                        c.out.push(b'\n');
                    }
                }
                _ => {}
            }
        }
    } else if node.is_element() {
        c.element(node, &mut rendered, 0)?;
    } else {
        return Err(C14nError(
            "only elements and documents are canonicalized".into(),
        ));
    }
    Ok(out)
}

/// The qualified name as written in the source (roxmltree resolves prefixes away).
fn element_qname<'a>(node: Node<'_, 'a>) -> Result<&'a str, C14nError> {
    let text = node.document().input_text();
    let start = node.range().start + 1;
    let rest = text
        .get(start..)
        .ok_or_else(|| C14nError("element position".into()))?;
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .ok_or_else(|| C14nError("element name".into()))?;
    Ok(&rest[..end])
}

fn prefix_of(qname: &str) -> &str {
    qname.split_once(':').map_or("", |(p, _)| p)
}

/// An attribute to render: namespace URI and local name (the sort key), qualified name as
/// written, value.
type Attribute<'a> = (&'a str, &'a str, String, &'a str);

struct Canonicalizer<'m, 'o> {
    method: &'m Method,
    exclude: Option<NodeId>,
    out: &'o mut Vec<u8>,
}

impl Canonicalizer<'_, '_> {
    /// Whether namespace `prefix` ("" the default) is rendered as in inclusive mode.
    fn inclusive_prefix(&self, prefix: &str) -> bool {
        match &self.method.mode {
            Mode::Inclusive10 | Mode::Inclusive11 => true,
            Mode::Exclusive(list) => list.iter().any(|p| {
                if prefix.is_empty() {
                    p == "#default"
                } else {
                    p == prefix
                }
            }),
        }
    }

    /// Canonical XML 1.0 §2.4 and 1.1 §2.4: an element whose parent is not output (the apex)
    /// takes the `xml:*` attributes of its nearest ancestors that it lacks; 1.1 leaves
    /// `xml:id` out and would join `xml:base` (refused); exclusive C14N takes none.
    fn inherited_xml_attributes<'a>(
        &self,
        node: Node<'a, '_>,
        attributes: &mut Vec<Attribute<'a>>,
    ) -> Result<(), C14nError> {
        let version_11 = match self.method.mode {
            Mode::Inclusive10 => false,
            Mode::Inclusive11 => true,
            Mode::Exclusive(_) => return Ok(()),
        };
        for ancestor in node.ancestors().skip(1) {
            for attr in ancestor.attributes() {
                if attr.namespace() != Some(XML_NAMESPACE) {
                    continue;
                }
                if version_11 && attr.name() == "id" {
                    continue;
                }
                if version_11 && attr.name() == "base" {
                    return Err(C14nError(
                        "xml:base on an ancestor (C14N 1.1 fix-up) is not supported".into(),
                    ));
                }
                if !attributes
                    .iter()
                    .any(|a| a.0 == XML_NAMESPACE && a.1 == attr.name())
                {
                    attributes.push((
                        XML_NAMESPACE,
                        attr.name(),
                        format!("xml:{}", attr.name()),
                        attr.value(),
                    ));
                }
            }
        }
        Ok(())
    }

    fn element<'a>(
        &mut self,
        node: Node<'a, '_>,
        rendered: &mut Vec<(&'a str, &'a str)>,
        depth: usize,
    ) -> Result<(), C14nError> {
        if depth >= MAX_DEPTH {
            return Err(C14nError(format!("nesting deeper than {MAX_DEPTH}")));
        }
        let text = node.document().input_text();
        let qname = element_qname(node)?;

        // Namespace nodes to consider. Exclusive (xml-exc-c14n §3): those visibly utilized, by
        // the element's own name or an attribute's. Inclusive (Canonical XML §2.3): every one
        // in scope, with the default as "" when none is. Either way one is output only when
        // not already in effect in the output ancestors.
        let mut candidates: Vec<(&str, &str)> =
            vec![(prefix_of(qname), node.tag_name().namespace().unwrap_or(""))];
        let mut attributes: Vec<Attribute<'a>> = Vec::new();
        for attr in node.attributes() {
            let attr_qname = text
                .get(attr.range_qname())
                .ok_or_else(|| C14nError("attribute position".into()))?;
            let prefix = prefix_of(attr_qname);
            if !prefix.is_empty() && prefix != "xml" {
                candidates.push((prefix, attr.namespace().unwrap_or("")));
            }
            attributes.push((
                attr.namespace().unwrap_or(""),
                attr.name(),
                attr_qname.to_owned(),
                attr.value(),
            ));
        }
        let mut default_in_scope = false;
        for ns in node.namespaces() {
            let prefix = ns.name().unwrap_or("");
            default_in_scope |= prefix.is_empty();
            if self.inclusive_prefix(prefix) {
                candidates.push((prefix, ns.uri()));
            }
        }
        if !default_in_scope && self.inclusive_prefix("") {
            candidates.push(("", ""));
        }
        candidates.sort_unstable();
        candidates.dedup();
        let apex = depth == 0;
        if apex {
            self.inherited_xml_attributes(node, &mut attributes)?;
        }

        let mark = rendered.len();
        self.out.push(b'<');
        self.out.extend_from_slice(qname.as_bytes());
        for (prefix, uri) in candidates {
            if prefix == "xml" {
                continue;
            }
            let current = rendered
                .iter()
                .rev()
                .find(|(p, _)| *p == prefix)
                .map(|(_, u)| *u);
            // Canonical XML §2.3: an empty default namespace is output (xmlns="") only to undo
            // a non-empty one in effect; a prefix is never undeclared (XML Namespaces 1.0).
            let render = if prefix.is_empty() {
                current.unwrap_or("") != uri
            } else {
                !uri.is_empty() && current != Some(uri)
            };
            if render {
                if prefix.is_empty() {
                    self.out.extend_from_slice(b" xmlns=\"");
                } else {
                    self.out.extend_from_slice(b" xmlns:");
                    self.out.extend_from_slice(prefix.as_bytes());
                    self.out.extend_from_slice(b"=\"");
                }
                escape_attribute(self.out, uri);
                self.out.push(b'"');
                rendered.push((prefix, uri));
            }
        }
        // Canonical XML §2.2: attributes sorted by namespace URI then local name.
        attributes.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
        for (_, _, attr_qname, value) in attributes {
            self.out.push(b' ');
            self.out.extend_from_slice(attr_qname.as_bytes());
            self.out.extend_from_slice(b"=\"");
            escape_attribute(self.out, value);
            self.out.push(b'"');
        }
        self.out.push(b'>');
        for child in node.children() {
            if Some(child.id()) == self.exclude {
                continue;
            }
            match child.node_type() {
                NodeType::Element => self.element(child, rendered, depth + 1)?,
                NodeType::Text => escape_text(self.out, child.text().unwrap_or("")),
                NodeType::PI | NodeType::Comment => self.leaf(child),
                NodeType::Root => {}
            }
        }
        self.out.extend_from_slice(b"</");
        self.out.extend_from_slice(qname.as_bytes());
        self.out.push(b'>');
        rendered.truncate(mark);
        Ok(())
    }

    /// A processing instruction, or a comment when comments are kept.
    fn leaf(&mut self, node: Node<'_, '_>) {
        if let Some(pi) = node.pi() {
            self.out.extend_from_slice(b"<?");
            self.out.extend_from_slice(pi.target.as_bytes());
            if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
                self.out.push(b' ');
                self.out.extend_from_slice(value.as_bytes());
            }
            self.out.extend_from_slice(b"?>");
        } else if node.is_comment() && self.method.with_comments {
            // Canonical XML §2.3: comment text as it is (no escaping).
            self.out.extend_from_slice(b"<!--");
            self.out
                .extend_from_slice(node.text().unwrap_or("").as_bytes());
            self.out.extend_from_slice(b"-->");
        }
    }
}

/// Canonical XML §2.3: text escapes `&`, `<`, `>` and #xD.
pub fn escape_text(out: &mut Vec<u8>, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '\r' => out.extend_from_slice(b"&#xD;"),
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// Canonical XML §2.3: attribute values escape `&`, `<`, `"`, #x9, #xA and #xD.
pub fn escape_attribute(out: &mut Vec<u8>, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\t' => out.extend_from_slice(b"&#x9;"),
            '\n' => out.extend_from_slice(b"&#xA;"),
            '\r' => out.extend_from_slice(b"&#xD;"),
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    pub(crate) fn python() -> PathBuf {
        let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run scripts/setup.sh",
            python.display()
        );
        python
    }

    /// lxml's C14N (libxml2's, written by others) of a whole document, or with `id` of the
    /// element whose `Id` it is (lxml renders the apex's inherited namespaces, but not its
    /// ancestors' `xml:*` attributes: [`xmlsec1_reference`] checks those).
    fn lxml_c14n_with(xml: &[u8], method: &Method, id: Option<&str>) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.xml");
        std::fs::write(&path, xml).unwrap();
        let (exclusive, prefixes) = match &method.mode {
            Mode::Exclusive(list) => ("1", list.join(" ")),
            Mode::Inclusive10 => ("", String::new()),
            Mode::Inclusive11 => panic!("lxml has no C14N 1.1"),
        };
        let out = Command::new(python())
            .args([
                "-c",
                "import sys; from lxml import etree; \
                 t = etree.parse(sys.argv[1]); \
                 n = t.xpath('//*[@Id=$i]', i=sys.argv[5])[0] if sys.argv[5] else t; \
                 p = sys.argv[4].split() or None; \
                 sys.stdout.buffer.write(etree.tostring(n, method='c14n', exclusive=bool(sys.argv[2]), \
                     with_comments=bool(sys.argv[3]), inclusive_ns_prefixes=p))",
            ])
            .arg(&path)
            .arg(exclusive)
            .arg(if method.with_comments { "1" } else { "" })
            .arg(prefixes)
            .arg(id.unwrap_or(""))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    }

    fn lxml_c14n(xml: &[u8]) -> Vec<u8> {
        lxml_c14n_with(xml, &Method::exclusive(), None)
    }

    /// What xmlsec1 digests for a reference `uri` with `transforms` (the inside of
    /// `ds:Transforms`, or nothing) in `xml`, with `Id` an ID attribute on the elements named
    /// `id_node` (`[namespace:]name`), whose root element gets an HMAC signature as its
    /// last child: (the signed document, the base64 SHA-256 digest, xmlsec1's pre-digest text).
    fn xmlsec1_reference(
        xml: &str,
        id_node: &str,
        uri: &str,
        transforms: &str,
    ) -> (String, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let at = xml.rfind("</").unwrap();
        let transforms = if transforms.is_empty() {
            String::new()
        } else {
            format!("<Transforms>{transforms}</Transforms>")
        };
        let signature = format!(
            "<Signature xmlns=\"http://www.w3.org/2000/09/xmldsig#\"><SignedInfo>\
             <CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/>\
             <SignatureMethod Algorithm=\"http://www.w3.org/2001/04/xmldsig-more#hmac-sha256\"/>\
             <Reference URI=\"{uri}\">{transforms}\
             <DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/>\
             <DigestValue/></Reference></SignedInfo><SignatureValue/></Signature>"
        );
        let template = format!("{}{signature}{}", &xml[..at], &xml[at..]);
        std::fs::write(dir.path().join("t.xml"), &template).unwrap();
        std::fs::write(dir.path().join("k"), b"secret").unwrap();
        let out = Command::new("/usr/bin/xmlsec1")
            .current_dir(dir.path())
            .args([
                "--sign",
                "--hmackey",
                "k",
                "--id-attr:Id",
                id_node,
                "--store-references",
                "--output",
                "s.xml",
                "t.xml",
            ])
            .output()
            .unwrap_or_else(|e| panic!("xmlsec1: {e}: run scripts/setup.sh"));
        let log = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "{template}\n{}{log}",
            String::from_utf8_lossy(&out.stderr)
        );
        let signed = std::fs::read_to_string(dir.path().join("s.xml")).unwrap();
        let digest = signed
            .split("<DigestValue>")
            .nth(1)
            .and_then(|s| s.split("</DigestValue>").next())
            .unwrap()
            .to_owned();
        let predigest = log
            .split("== PreDigest data - start buffer:\n")
            .nth(1)
            .and_then(|s| s.split("\n== PreDigest data - end buffer").next())
            .unwrap_or("")
            .to_owned();
        (signed, digest, predigest)
    }

    const TRICKY: &[&str] = &[
        // Namespaces: unused ones dropped, used ones pushed down, default undeclared.
        r#"<a:r xmlns:a="urn:a" xmlns:b="urn:b" xmlns="urn:d"><x/><b:y a:k="1"/><z xmlns=""><w/></z></a:r>"#,
        // Attribute order: unqualified first by name, then by namespace URI.
        r#"<r xmlns:z="urn:a" xmlns:a="urn:z" z:b="1" a:a="2" c="3" b="4" xml:lang="es"/>"#,
        // Entities and character references, escaping.
        "<r a=\"&lt;&amp;&gt;&quot;&apos;&#9;&#10;&#13;\">&lt;&amp;&gt;&quot;&apos;&#13;&#x20AC;</r>",
        // CRLF line ends and whitespace in attributes.
        "<r a=\"x\r\ny\tz\">line1\r\nline2\rline3\n</r>\r\n",
        // CDATA and whitespace text.
        "<r>  <![CDATA[<&>]]>  \n  <e>  </e>\n</r>",
        // Prolog and epilog: declaration, PIs, comments.
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<!-- c --><?pi data?>\n<r><!-- in --><?p?></r>\n<?after x?><!-- end -->",
        // Redeclared prefixes and the same URI under two prefixes.
        r#"<p:r xmlns:p="urn:1"><p:c xmlns:p="urn:2"><p:d xmlns:p="urn:1"/></p:c><q:e xmlns:q="urn:1"/></p:r>"#,
        // Non-ASCII text.
        "<r t=\"año €\">Núñez — 日本</r>",
    ];

    #[test]
    fn our_c14n_of_tricky_documents_equals_lxml() {
        for doc in TRICKY {
            let ours = canonicalize_document(doc.as_bytes()).unwrap();
            assert_eq!(
                String::from_utf8_lossy(&ours),
                String::from_utf8_lossy(&lxml_c14n(doc.as_bytes())),
                "{doc}"
            );
        }
    }

    /// The modes lxml can compute (its `inclusive_ns_prefixes` drops `#default`, as it keeps
    /// only prefixes in the document's dictionary: xmlsec1 checks that one).
    fn modes() -> Vec<Method> {
        let mut all = Vec::new();
        for mode in [
            Mode::Exclusive(Vec::new()),
            Mode::Inclusive10,
            Mode::Exclusive(vec!["u".into()]),
        ] {
            for with_comments in [false, true] {
                all.push(Method {
                    mode: mode.clone(),
                    with_comments,
                });
            }
        }
        all
    }

    #[test]
    fn every_mode_of_tricky_documents_equals_lxml() {
        let extra = [
            // Inherited and redundant declarations, an undeclared default, a prefix listed.
            r#"<r xmlns="urn:d" xmlns:u="urn:u" xmlns:v="urn:v"><s xmlns:u="urn:u"><u:t xmlns=""><w xmlns="urn:d"/></u:t></s></r>"#,
            "<!--a--><r><!--b--><s>x<!-- c -->y</s></r><!--d-->",
        ];
        for doc in TRICKY.iter().chain(&extra) {
            for method in modes() {
                let ours = canonicalize_document_with(doc.as_bytes(), &method).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&lxml_c14n_with(doc.as_bytes(), &method, None)),
                    "{method:?} {doc}"
                );
            }
        }
    }

    #[test]
    fn every_mode_of_a_subtree_equals_lxml() {
        let docs = [
            r#"<a:r xmlns:a="urn:a" xmlns="urn:d" xmlns:u="urn:u" xmlns:z="urn:z"><a:s Id="x" b="1"><t/><u:v xmlns=""><w/></u:v><!--c--></a:s></a:r>"#,
            r#"<r xmlns:u="urn:u"><p xmlns="urn:d"><e Id="x" xmlns:u="urn:u2"><f xmlns:u="urn:u"/></e></p></r>"#,
            r#"<r xmlns="urn:d"><e Id="x" xmlns=""><f/></e></r>"#,
        ];
        for doc in docs {
            for method in modes() {
                let parsed = parse(doc.as_bytes()).unwrap();
                let apex = parsed
                    .descendants()
                    .find(|n| n.attribute("Id") == Some("x"))
                    .unwrap();
                let ours = canonicalize_with(apex, None, &method).unwrap();
                assert_eq!(
                    String::from_utf8_lossy(&ours),
                    String::from_utf8_lossy(&lxml_c14n_with(doc.as_bytes(), &method, Some("x"))),
                    "{method:?} {doc}"
                );
            }
        }
    }

    /// xmlsec1 (libxml2's C14N over real XPath node-sets) digests the same bytes as ours for
    /// references as producers write them: no transforms (inclusive 1.0, with the ancestors'
    /// `xml:*` attributes), C14N 1.1 (`xml:id` not inherited), exclusive with a PrefixList,
    /// and the enveloped transform alone or before a C14N.
    #[test]
    fn references_digest_as_xmlsec1_digests_them() {
        let doc = r#"<r xmlns="urn:d" xmlns:u="urn:u" xmlns:v="urn:v" xml:lang="es" xml:id="top"><p xml:space="preserve" xml:lang="ca"><e Id="x" a="1"><!-- c --><u:f v:g="2"> t </u:f><h xmlns=""/></e></p><?pi x?></r>"#;
        let prefix_list = |list: &str| {
            format!(
                "<Transform Algorithm=\"{EXC_C14N}\"><ec:InclusiveNamespaces \
                 xmlns:ec=\"{EXC_C14N}\" PrefixList=\"{list}\"/></Transform>"
            )
        };
        let transform = |uri: &str| format!("<Transform Algorithm=\"{uri}\"/>");
        let enveloped = transform("http://www.w3.org/2000/09/xmldsig#enveloped-signature");
        let exclusive = |list: &[&str]| Method {
            mode: Mode::Exclusive(list.iter().map(|p| p.to_string()).collect()),
            with_comments: false,
        };
        let c14n11 = Method {
            mode: Mode::Inclusive11,
            with_comments: false,
        };
        let cases: Vec<(&str, String, Method)> = vec![
            ("#x", String::new(), Method::inclusive()),
            ("#x", transform(C14N10), Method::inclusive()),
            ("#x", transform(C14N11), c14n11.clone()),
            ("#x", transform(EXC_C14N), exclusive(&[])),
            (
                "#x",
                prefix_list("u #default"),
                exclusive(&["u", "#default"]),
            ),
            ("#x", prefix_list("v"), exclusive(&["v"])),
            ("", enveloped.clone(), Method::inclusive()),
            (
                "",
                format!("{enveloped}{}", transform(C14N10)),
                Method::inclusive(),
            ),
            ("", format!("{enveloped}{}", transform(C14N11)), c14n11),
            (
                "",
                format!("{enveloped}{}", prefix_list("u")),
                exclusive(&["u"]),
            ),
        ];
        for (uri, transforms, method) in cases {
            let (signed, digest, predigest) = xmlsec1_reference(doc, "urn:d:e", uri, &transforms);
            let parsed = parse(signed.as_bytes()).unwrap();
            let signature = parsed
                .descendants()
                .find(|n| n.has_tag_name(("http://www.w3.org/2000/09/xmldsig#", "Signature")))
                .unwrap();
            let ours = if uri.is_empty() {
                canonicalize_with(parsed.root(), Some(signature.id()), &method).unwrap()
            } else {
                let apex = parsed
                    .descendants()
                    .find(|n| n.attribute("Id") == Some("x"))
                    .unwrap();
                canonicalize_with(apex, None, &method).unwrap()
            };
            if uri == "#x" {
                let text = String::from_utf8_lossy(&ours);
                let inclusive = !matches!(method.mode, Mode::Exclusive(_));
                assert_eq!(text.contains(r#"xml:lang="ca""#), inclusive, "{text}");
                assert_eq!(
                    text.contains(r#"xml:id="top""#),
                    method.mode == Mode::Inclusive10,
                    "{text}"
                );
            }
            use base64::Engine as _;
            use sha2::Digest as _;
            assert_eq!(
                base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(&ours)),
                digest,
                "{uri:?} {transforms}\nours:    {}\nxmlsec1: {predigest}",
                String::from_utf8_lossy(&ours)
            );
        }
    }

    #[test]
    fn c14n11_refuses_an_inherited_xml_base() {
        let doc = parse(br#"<r xml:base="http://a/b/"><e xml:base="c/"/></r>"#).unwrap();
        let e = doc.root_element().first_element_child().unwrap();
        let c14n11 = Method {
            mode: Mode::Inclusive11,
            with_comments: false,
        };
        assert!(canonicalize_with(e, None, &c14n11).is_err());
        // 1.0 copies it as it is, 1.1 of the whole document needs no fix-up.
        assert_eq!(
            canonicalize_with(e, None, &Method::inclusive()).unwrap(),
            br#"<e xml:base="c/"></e>"#
        );
        assert!(canonicalize_with(doc.root(), None, &c14n11).is_ok());
    }

    #[test]
    fn a_subtree_takes_the_namespaces_it_uses_from_its_ancestors() {
        let doc = parse(
            br#"<a:r xmlns:a="urn:a" xmlns="urn:d" xmlns:u="urn:u"><a:s b="1"><t/></a:s></a:r>"#,
        )
        .unwrap();
        let s = doc
            .descendants()
            .find(|n| n.has_tag_name(("urn:a", "s")))
            .unwrap();
        assert_eq!(
            canonicalize(s, None).unwrap(),
            br#"<a:s xmlns:a="urn:a" b="1"><t xmlns="urn:d"></t></a:s>"#
        );
        let t = s.first_element_child().unwrap();
        assert_eq!(
            canonicalize(doc.root(), Some(t.id())).unwrap(),
            br#"<a:r xmlns:a="urn:a"><a:s b="1"></a:s></a:r>"#
        );
    }

    #[test]
    fn hostile_documents_are_errors_never_panics() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><l>&c;</l>"#;
        assert!(canonicalize_document(laughs.as_bytes()).is_err());
        let external = r#"<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert!(canonicalize_document(external.as_bytes()).is_err());
        assert!(canonicalize_document(b"<!DOCTYPE r><r/>").is_err());
        let deep = "<a>".repeat(100_000) + &"</a>".repeat(100_000);
        assert!(canonicalize_document(deep.as_bytes()).is_err());
        let just_deep_enough = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(canonicalize_document(just_deep_enough.as_bytes()).is_ok());
        assert!(
            canonicalize_document(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>").is_err()
        );
        assert!(canonicalize_document(b"\xff\xfe<\x00r\x00/\x00>\x00").is_err());
        for bad in [
            &b""[..],
            b"<",
            b"<a>",
            b"<a></b>",
            b"text",
            b"<a x='1' x='2'/>",
            b"<p:a/>",
        ] {
            assert!(canonicalize_document(bad).is_err(), "{bad:?}");
        }
        let doc = TRICKY.concat();
        let c14n11 = Method {
            mode: Mode::Inclusive11,
            with_comments: true,
        };
        for end in 0..doc.len() {
            let _ = canonicalize_document(&doc.as_bytes()[..end]);
            let _ = canonicalize_document_with(&doc.as_bytes()[..end], &Method::inclusive());
            let _ = canonicalize_document_with(&doc.as_bytes()[..end], &c14n11);
        }
        let deep_inclusive = "<a xmlns:p=\"urn:p\" xml:lang=\"es\">".repeat(MAX_DEPTH + 1)
            + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(
            canonicalize_document_with(deep_inclusive.as_bytes(), &Method::inclusive()).is_err()
        );
    }
}
