//! The five languages the citizen-facing texts speak (es, ca, eu, gl, en), and how a client
//! names hers: a BCP 47 tag, or an HTTP `Accept-Language` list. Spanish when nothing matches.

/// A language of the widgets and the SMS texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Es,
    Ca,
    Eu,
    Gl,
    En,
}

impl Lang {
    pub const ALL: [Lang; 5] = [Lang::Es, Lang::Ca, Lang::Eu, Lang::Gl, Lang::En];

    /// From a BCP 47 tag such as `ca-ES`, `eu` or `gl_ES`; `None` for any other language.
    /// Valencian (`va`, and `ca-valencia`) reads as Catalan.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag
            .trim()
            .split(['-', '_', '.'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "es" => Some(Self::Es),
            "ca" | "va" => Some(Self::Ca),
            "eu" => Some(Self::Eu),
            "gl" => Some(Self::Gl),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header (RFC 9110 §12.5.4) that we speak, by
    /// quality then order; `None` when there is none (the caller's default then applies).
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut ranked: Vec<(u16, usize, Self)> = header
            .split(',')
            .take(32)
            .enumerate()
            .filter_map(|(order, item)| {
                let mut parts = item.split(';');
                let lang = Self::from_tag(parts.next()?)?;
                let quality =
                    parts
                        .find_map(|p| p.trim().strip_prefix("q="))
                        .map_or(Some(1000), |q| {
                            q.trim()
                                .parse::<f32>()
                                .ok()
                                .filter(|q| (0.0..=1.0).contains(q))
                                .map(|q| (q * 1000.0) as u16)
                        })?;
                (quality > 0).then_some((quality, order, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|(_, _, lang)| *lang)
    }

    /// The tag to send or store: `es`, `ca`, `eu`, `gl`, `en`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Es => "es",
            Self::Ca => "ca",
            Self::Eu => "eu",
            Self::Gl => "gl",
            Self::En => "en",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_map_to_languages() {
        assert_eq!(Lang::from_tag("ca-ES"), Some(Lang::Ca));
        assert_eq!(Lang::from_tag("ca-ES-valencia"), Some(Lang::Ca));
        assert_eq!(Lang::from_tag("eu"), Some(Lang::Eu));
        assert_eq!(Lang::from_tag("gl_ES.UTF-8"), Some(Lang::Gl));
        assert_eq!(Lang::from_tag("EN-gb"), Some(Lang::En));
        assert_eq!(Lang::from_tag("fr"), None);
        assert_eq!(Lang::from_tag(""), None);
        for lang in Lang::ALL {
            assert_eq!(Lang::from_tag(lang.tag()), Some(lang));
        }
    }

    #[test]
    fn accept_language_picks_the_best_one_we_speak() {
        assert_eq!(Lang::from_accept_language("eu"), Some(Lang::Eu));
        assert_eq!(
            Lang::from_accept_language("fr-FR, fr;q=0.9, gl;q=0.8, en;q=0.7"),
            Some(Lang::Gl)
        );
        assert_eq!(
            Lang::from_accept_language("en;q=0.5, ca;q=0.9"),
            Some(Lang::Ca)
        );
        assert_eq!(Lang::from_accept_language("es;q=0, en"), Some(Lang::En));
        assert_eq!(Lang::from_accept_language("de, fr"), None);
        assert_eq!(Lang::from_accept_language("en;q=2"), None);
        assert_eq!(Lang::from_accept_language(""), None);
        assert_eq!(Lang::from_accept_language(";;;,,,q=,"), None);
    }
}
