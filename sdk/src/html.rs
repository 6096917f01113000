//! Escaping for text placed into widget HTML: file names and messages come from outside.

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_markup_in_file_names() {
        assert_eq!(
            super::escape(r#"<img src=x onerror="alert(1)">&'.pdf"#),
            "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;.pdf"
        );
    }
}
