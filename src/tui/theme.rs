//! Themes: semantic slots only. Render code asks `theme.style(Slot::X)` and never names a colour:
//! only theme files do.
//!
//! Shipped themes live in `themes/*.toml` and are embedded in the binary (`dark`, `light`,
//! `high-contrast`). A user adds or overrides one with a file `NAME.toml` in the config's
//! `themes` folder. A theme file looks like:
//!
//! ```toml
//! name = "mine"
//! syntect = "base16-ocean.dark"   # a syntect bundled theme, used for fenced code blocks
//! extends = "dark"                # optional: slots not listed here come from this theme
//! [slots]
//! heading = { fg = "cyan", modifiers = ["bold"] }
//! selection = { bg = "#303030" }
//! ```
//!
//! Without `extends`, every slot must be defined. Errors name the file and the line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;
use toml::Spanned;

use crate::strings::render as s;

/// What a piece of the screen means. Themes map each slot to a style.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Slot {
    Base,
    Muted,
    Accent,
    Border,
    BorderFocused,
    Title,
    Error,
    Warn,
    Ok,
    MetricLabel,
    MetricValue,
    /// A figure that is an estimate (`~`).
    Estimated,
    Selection,
    BadgeOpen,
    BadgeClosed,
    Simulated,
    Reasoning,
    Heading,
    Emphasis,
    Strong,
    InlineCode,
    CodeBlock,
    Link,
    Quote,
    Sparkline,
    Spinner,
    StatusBar,
    /// The ```` ```lang ```` lines around a code block and the continuation marker of a code
    /// line hard-wrapped at the pane's width.
    CodeFence,
    /// The URL shown after a link's text.
    LinkUrl,
    /// List bullets and numbers.
    ListMarker,
    /// A horizontal rule.
    Rule,
    /// Column separators and the line under a table's header.
    TableBorder,
    /// A table's header cells.
    TableHeader,
}

impl Slot {
    /// Every slot, in declaration order.
    pub const ALL: [Slot; 33] = [
        Slot::Base,
        Slot::Muted,
        Slot::Accent,
        Slot::Border,
        Slot::BorderFocused,
        Slot::Title,
        Slot::Error,
        Slot::Warn,
        Slot::Ok,
        Slot::MetricLabel,
        Slot::MetricValue,
        Slot::Estimated,
        Slot::Selection,
        Slot::BadgeOpen,
        Slot::BadgeClosed,
        Slot::Simulated,
        Slot::Reasoning,
        Slot::Heading,
        Slot::Emphasis,
        Slot::Strong,
        Slot::InlineCode,
        Slot::CodeBlock,
        Slot::Link,
        Slot::Quote,
        Slot::Sparkline,
        Slot::Spinner,
        Slot::StatusBar,
        Slot::CodeFence,
        Slot::LinkUrl,
        Slot::ListMarker,
        Slot::Rule,
        Slot::TableBorder,
        Slot::TableHeader,
    ];

    /// The slot's key in a theme file (snake_case).
    pub fn key(self) -> &'static str {
        match self {
            Slot::Base => "base",
            Slot::Muted => "muted",
            Slot::Accent => "accent",
            Slot::Border => "border",
            Slot::BorderFocused => "border_focused",
            Slot::Title => "title",
            Slot::Error => "error",
            Slot::Warn => "warn",
            Slot::Ok => "ok",
            Slot::MetricLabel => "metric_label",
            Slot::MetricValue => "metric_value",
            Slot::Estimated => "estimated",
            Slot::Selection => "selection",
            Slot::BadgeOpen => "badge_open",
            Slot::BadgeClosed => "badge_closed",
            Slot::Simulated => "simulated",
            Slot::Reasoning => "reasoning",
            Slot::Heading => "heading",
            Slot::Emphasis => "emphasis",
            Slot::Strong => "strong",
            Slot::InlineCode => "inline_code",
            Slot::CodeBlock => "code_block",
            Slot::Link => "link",
            Slot::Quote => "quote",
            Slot::Sparkline => "sparkline",
            Slot::Spinner => "spinner",
            Slot::StatusBar => "status_bar",
            Slot::CodeFence => "code_fence",
            Slot::LinkUrl => "link_url",
            Slot::ListMarker => "list_marker",
            Slot::Rule => "rule",
            Slot::TableBorder => "table_border",
            Slot::TableHeader => "table_header",
        }
    }

    /// The slot named `key` in a theme file.
    pub fn from_key(key: &str) -> Option<Slot> {
        Slot::ALL.into_iter().find(|s| s.key() == key)
    }
}

/// The syntect themes bundled with syntect (`ThemeSet::load_defaults`), usable as `syntect = ..`.
pub const SYNTECT_THEMES: [&str; 7] = [
    "base16-ocean.dark",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.light",
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
];

const BUILTIN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Theme {
    pub name: String,
    /// The syntect theme used for code blocks.
    pub syntect: String,
    styles: BTreeMap<Slot, Style>,
}

/// Why a theme could not be loaded. The message names the file (and line) at fault.
#[derive(Debug, thiserror::Error)]
pub enum ThemeError {
    #[error("{}", s::theme_not_found(name, searched.as_deref()))]
    NotFound {
        name: String,
        searched: Option<PathBuf>,
    },
    #[error("{}", s::theme_unreadable(path, source))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}:{line}: {message}")]
    Invalid {
        file: String,
        line: usize,
        message: String,
    },
}

impl Theme {
    pub fn style(&self, slot: Slot) -> Style {
        self.styles.get(&slot).copied().unwrap_or_default()
    }

    /// Does this theme define `slot` itself (rather than falling back to the default style)?
    pub fn defines(&self, slot: Slot) -> bool {
        self.styles.contains_key(&slot)
    }

    /// The names of the themes shipped inside the binary.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTIN.iter().map(|(n, _)| *n).collect()
    }

    /// The built-in dark theme (the default).
    pub fn dark() -> Theme {
        Theme::builtin("dark").unwrap_or_else(|| Theme {
            name: "dark".into(),
            syntect: SYNTECT_THEMES[0].into(),
            styles: BTreeMap::new(),
        })
    }

    /// A shipped theme by name (`dark`, `light`, `high-contrast`).
    pub fn builtin(name: &str) -> Option<Theme> {
        let (_, src) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Theme::from_toml(src, &format!("themes/{name}.toml"), None).ok()
    }

    /// Load a theme: `name` is a file path (ends in `.toml`), a user theme `user_dir/NAME.toml`
    /// (where `user_dir` is the folder of user themes, normally `config_dir/themes`; a user file
    /// overrides a built-in of the same name), or a built-in name.
    pub fn load(name: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        if name.ends_with(".toml") {
            return Theme::load_file(Path::new(name), user_dir);
        }
        if let Some(dir) = user_dir {
            let path = dir.join(format!("{name}.toml"));
            if path.is_file() {
                return Theme::load_file(&path, user_dir);
            }
        }
        if let Some((_, src)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            return Theme::from_toml(src, &format!("themes/{name}.toml"), None);
        }
        Err(ThemeError::NotFound {
            name: name.to_string(),
            searched: user_dir.map(|d| d.join(format!("{name}.toml"))),
        })
    }

    fn load_file(path: &Path, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let src = std::fs::read_to_string(path).map_err(|source| ThemeError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Theme::from_toml(&src, &path.display().to_string(), user_dir)
    }

    /// Parse a theme file's text; `file` names it in errors. `extends = NAME` is resolved with
    /// [`Theme::load`] (built-ins, or `user_dir`).
    pub fn from_toml(src: &str, file: &str, user_dir: Option<&Path>) -> Result<Theme, ThemeError> {
        let invalid = |span: Option<std::ops::Range<usize>>, message: String| ThemeError::Invalid {
            file: file.to_string(),
            line: span.map_or(1, |r| line_of(src, r.start)),
            message,
        };
        let parsed: ThemeFile =
            toml::from_str(src).map_err(|e| invalid(e.span(), e.message().to_string()))?;

        let syntect = parsed.syntect.get_ref();
        if !SYNTECT_THEMES.contains(&syntect.as_str()) {
            return Err(invalid(
                Some(parsed.syntect.span()),
                s::unknown_syntect_theme(syntect, &SYNTECT_THEMES),
            ));
        }

        let mut styles = BTreeMap::new();
        if let Some(parent) = &parsed.extends {
            let name = parent.get_ref();
            if name == parsed.name.get_ref() {
                return Err(invalid(Some(parent.span()), s::theme_extends_itself(name)));
            }
            let base = Theme::load(name, user_dir)
                .map_err(|e| invalid(Some(parent.span()), s::theme_extends_failed(name, &e)))?;
            styles = base.styles;
        }
        for (key, value) in &parsed.slots {
            let Some(slot) = Slot::from_key(key) else {
                return Err(invalid(Some(value.span()), s::unknown_slot(key)));
            };
            let style = value
                .get_ref()
                .resolve()
                .map_err(|(span, msg)| invalid(Some(span), msg))?;
            styles.insert(slot, style);
        }
        let missing: Vec<&str> = Slot::ALL
            .iter()
            .filter(|s| !styles.contains_key(s))
            .map(|s| s.key())
            .collect();
        if !missing.is_empty() {
            return Err(invalid(
                Some(parsed.slots_span()),
                s::missing_slots(&missing),
            ));
        }
        Ok(Theme {
            name: parsed.name.into_inner(),
            syntect: syntect.clone(),
            styles,
        })
    }
}

/// 1-based line of byte offset `at` in `src`.
fn line_of(src: &str, at: usize) -> usize {
    let at = at.min(src.len());
    src.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1
}

/// A theme file as written (strings), before it is resolved to styles.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    name: Spanned<String>,
    syntect: Spanned<String>,
    #[serde(default)]
    extends: Option<Spanned<String>>,
    #[serde(default)]
    slots: BTreeMap<String, Spanned<StyleFile>>,
}

impl ThemeFile {
    /// Where to point an error about missing slots: the first slot, else the name.
    fn slots_span(&self) -> std::ops::Range<usize> {
        self.slots
            .values()
            .map(|v| v.span())
            .min_by_key(|r| r.start)
            .unwrap_or(self.name.span())
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleFile {
    #[serde(default)]
    fg: Option<Spanned<String>>,
    #[serde(default)]
    bg: Option<Spanned<String>>,
    #[serde(default)]
    modifiers: Vec<Spanned<String>>,
}

type SpanError = (std::ops::Range<usize>, String);

impl StyleFile {
    fn resolve(&self) -> Result<Style, SpanError> {
        let colour = |c: &Spanned<String>| {
            Color::from_str(c.get_ref()).map_err(|_| (c.span(), s::bad_colour(c.get_ref())))
        };
        let mut style = Style::default();
        if let Some(fg) = &self.fg {
            style = style.fg(colour(fg)?);
        }
        if let Some(bg) = &self.bg {
            style = style.bg(colour(bg)?);
        }
        for m in &self.modifiers {
            let modifier = match m.get_ref().as_str() {
                "bold" => Modifier::BOLD,
                "dim" => Modifier::DIM,
                "italic" => Modifier::ITALIC,
                "underlined" => Modifier::UNDERLINED,
                "slow_blink" => Modifier::SLOW_BLINK,
                "rapid_blink" => Modifier::RAPID_BLINK,
                "reversed" => Modifier::REVERSED,
                "hidden" => Modifier::HIDDEN,
                "crossed_out" => Modifier::CROSSED_OUT,
                other => return Err((m.span(), s::bad_modifier(other))),
            };
            style = style.add_modifier(modifier);
        }
        Ok(style)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_theme_parses_and_defines_every_slot() {
        for name in Theme::builtin_names() {
            let theme = Theme::load(name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(theme.name, name);
            for slot in Slot::ALL {
                assert!(theme.defines(slot), "{name} lacks {}", slot.key());
            }
            assert!(SYNTECT_THEMES.contains(&theme.syntect.as_str()));
        }
        assert_eq!(Theme::dark(), Theme::load("dark", None).expect("dark"));
    }

    #[test]
    fn slot_keys_round_trip() {
        for slot in Slot::ALL {
            assert_eq!(Slot::from_key(slot.key()), Some(slot));
        }
    }

    #[test]
    fn broken_theme_names_file_and_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cases = [
            (
                "syntax",
                "name = \"x\"\nsyntect = \"InspiredGitHub\"\n[slots\n",
                3,
                "",
            ),
            (
                "colour",
                "name = \"x\"\nsyntect = \"InspiredGitHub\"\nextends = \"dark\"\n[slots]\nbase = {}\nheading = { fg = \"blurple\" }\n",
                6,
                "blurple",
            ),
            (
                "slot",
                "name = \"x\"\nsyntect = \"InspiredGitHub\"\nextends = \"dark\"\n[slots]\n\nheadline = {}\n",
                6,
                "headline",
            ),
            (
                "modifier",
                "name = \"x\"\nsyntect = \"InspiredGitHub\"\nextends = \"dark\"\n[slots]\nlink = { modifiers = [\"blink\"] }\n",
                5,
                "blink",
            ),
            (
                "syntect",
                "name = \"x\"\nsyntect = \"Monokai\"\n",
                2,
                "Monokai",
            ),
            (
                "missing",
                "name = \"x\"\nsyntect = \"InspiredGitHub\"\n[slots]\nbase = {}\n",
                4,
                "heading",
            ),
        ];
        for (file, src, line, needle) in cases {
            std::fs::write(dir.path().join(format!("{file}.toml")), src).expect("write");
            let err = Theme::load(file, Some(dir.path())).expect_err(file);
            let msg = err.to_string();
            let expected = format!("{file}.toml:{line}:");
            assert!(msg.contains(&expected), "{file}: {msg}");
            assert!(msg.contains(needle), "{file}: {msg}");
        }
    }

    #[test]
    fn user_theme_extends_and_overrides() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = "name = \"mine\"\nsyntect = \"base16-mocha.dark\"\nextends = \"light\"\n[slots]\nheading = { fg = \"#ff8800\", modifiers = [\"bold\", \"underlined\"] }\n";
        std::fs::write(dir.path().join("mine.toml"), src).expect("write");
        let theme = Theme::load("mine", Some(dir.path())).expect("mine");
        let light = Theme::load("light", None).expect("light");
        assert_eq!(theme.syntect, "base16-mocha.dark");
        assert_eq!(theme.style(Slot::Link), light.style(Slot::Link));
        assert_eq!(
            theme.style(Slot::Heading),
            Style::default()
                .fg(Color::Rgb(0xff, 0x88, 0))
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        );
        let by_path = dir.path().join("mine.toml");
        let again = Theme::load(&by_path.display().to_string(), Some(dir.path())).expect("path");
        assert_eq!(again, theme);
    }

    #[test]
    fn unknown_theme_is_a_clear_error() {
        let err = Theme::load("nope", None).expect_err("nope");
        let msg = err.to_string();
        assert!(msg.contains("nope") && msg.contains("dark"), "{msg}");
    }
}
