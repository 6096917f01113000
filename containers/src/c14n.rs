//! Exclusive XML Canonicalization 1.0 without comments (W3C xml-exc-c14n, over Canonical XML
//! 1.0 §2), of a document or of one element's subtree, optionally leaving one subtree out (the
//! enveloped-signature transform, xmldsig-core1 §6.6.4). Enough for XAdES: what we sign is
//! written in canonical form directly, this reads what others wrote.
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

/// The exclusive canonical form of a whole document (comments removed).
pub fn canonicalize_document(xml: &[u8]) -> Result<Vec<u8>, C14nError> {
    let doc = parse(xml)?;
    canonicalize(doc.root(), None)
}

/// The exclusive canonical form of `node`'s subtree (an element, or the document root for the
/// whole document), without comments and without the subtree of `exclude`.
pub fn canonicalize(node: Node<'_, '_>, exclude: Option<NodeId>) -> Result<Vec<u8>, C14nError> {
    let mut out = Vec::new();
    let mut rendered = Vec::new();
    if node.is_root() {
        // Canonical XML 1.0 §2.4 (document order): PIs before the document element end with
        // #xA, after it start with one; the XML declaration, DTD and outside text are dropped.
        let mut seen_element = false;
        for child in node.children() {
            match child.node_type() {
                NodeType::Element => {
                    if Some(child.id()) != exclude {
                        element(&mut out, child, exclude, &mut rendered, 0)?;
                    }
                    seen_element = true;
                }
                NodeType::PI => {
                    if seen_element {
                        out.push(b'\n');
                    }
                    pi(&mut out, child);
                    if !seen_element {
                        out.push(b'\n');
                    }
                }
                _ => {}
            }
        }
    } else if node.is_element() {
        element(&mut out, node, exclude, &mut rendered, 0)?;
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

fn element<'a>(
    out: &mut Vec<u8>,
    node: Node<'a, '_>,
    exclude: Option<NodeId>,
    rendered: &mut Vec<(&'a str, &'a str)>,
    depth: usize,
) -> Result<(), C14nError> {
    if depth >= MAX_DEPTH {
        return Err(C14nError(format!("nesting deeper than {MAX_DEPTH}")));
    }
    let text = node.document().input_text();
    let qname = element_qname(node)?;

    // xml-exc-c14n §3: a namespace node is output when visibly utilized (by the element's own
    // name or an attribute's) and not already in effect in the output ancestors.
    let mut utilized: Vec<(&str, &str)> =
        vec![(prefix_of(qname), node.tag_name().namespace().unwrap_or(""))];
    let mut attributes = Vec::new();
    for attr in node.attributes() {
        let attr_qname = text
            .get(attr.range_qname())
            .ok_or_else(|| C14nError("attribute position".into()))?;
        let prefix = prefix_of(attr_qname);
        if !prefix.is_empty() && prefix != "xml" {
            utilized.push((prefix, attr.namespace().unwrap_or("")));
        }
        attributes.push((
            attr.namespace().unwrap_or(""),
            attr.name(),
            attr_qname,
            attr.value(),
        ));
    }
    utilized.sort_unstable();
    utilized.dedup();
    let mark = rendered.len();
    out.push(b'<');
    out.extend_from_slice(qname.as_bytes());
    for (prefix, uri) in utilized {
        if prefix == "xml" && uri == XML_NAMESPACE {
            continue;
        }
        let current = rendered
            .iter()
            .rev()
            .find(|(p, _)| *p == prefix)
            .map(|(_, u)| *u);
        // Canonical XML §2.3: an empty default namespace is output (xmlns="") only to undo a
        // non-empty one in effect; a prefix is never undeclared (XML Namespaces 1.0).
        let render = if prefix.is_empty() {
            current.unwrap_or("") != uri
        } else {
            current != Some(uri)
        };
        if render {
            if prefix.is_empty() {
                out.extend_from_slice(b" xmlns=\"");
            } else {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(prefix.as_bytes());
                out.extend_from_slice(b"=\"");
            }
            escape_attribute(out, uri);
            out.push(b'"');
            rendered.push((prefix, uri));
        }
    }
    // Canonical XML §2.2: attributes sorted by namespace URI then local name.
    attributes.sort_unstable_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    for (_, _, attr_qname, value) in attributes {
        out.push(b' ');
        out.extend_from_slice(attr_qname.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attribute(out, value);
        out.push(b'"');
    }
    out.push(b'>');
    for child in node.children() {
        if Some(child.id()) == exclude {
            continue;
        }
        match child.node_type() {
            NodeType::Element => element(out, child, exclude, rendered, depth + 1)?,
            NodeType::Text => escape_text(out, child.text().unwrap_or("")),
            NodeType::PI => pi(out, child),
            NodeType::Comment | NodeType::Root => {}
        }
    }
    out.extend_from_slice(b"</");
    out.extend_from_slice(qname.as_bytes());
    out.push(b'>');
    rendered.truncate(mark);
    Ok(())
}

fn pi(out: &mut Vec<u8>, node: Node<'_, '_>) {
    if let Some(pi) = node.pi() {
        out.extend_from_slice(b"<?");
        out.extend_from_slice(pi.target.as_bytes());
        if let Some(value) = pi.value.filter(|v| !v.is_empty()) {
            out.push(b' ');
            out.extend_from_slice(value.as_bytes());
        }
        out.extend_from_slice(b"?>");
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

    /// lxml's exclusive C14N (libxml2's, written by others) of a whole document.
    fn lxml_c14n(xml: &[u8]) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("in.xml");
        std::fs::write(&path, xml).unwrap();
        let out = Command::new(python())
            .args([
                "-c",
                "import sys; from lxml import etree; \
                 t = etree.parse(sys.argv[1]); \
                 sys.stdout.buffer.write(etree.tostring(t, method='c14n', exclusive=True, with_comments=False))",
            ])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
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
        for end in 0..doc.len() {
            let _ = canonicalize_document(&doc.as_bytes()[..end]);
        }
    }
}
