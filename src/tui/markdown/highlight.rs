//! Syntax highlighting of fenced code with syntect.
//!
//! Loading syntect's syntax and theme sets takes tens of milliseconds, so they are loaded once,
//! lazily, into a `OnceLock`. [`preload`] starts the load on a background thread (the workbench
//! calls it at start-up, so the first frame does not wait for it); until the load is done,
//! [`MdCache`](super::MdCache) renders code blocks plain and lays them out again once it is
//! ready. [`super::render`] (exports, tests) waits for the load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};

pub(crate) struct Highlighter {
    syntaxes: SyntaxSet,
    themes: ThemeSet,
}

static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
static STARTED: AtomicBool = AtomicBool::new(false);

fn load() -> Highlighter {
    Highlighter {
        syntaxes: SyntaxSet::load_defaults_newlines(),
        themes: ThemeSet::load_defaults(),
    }
}

/// Start loading syntect's sets on a background thread (once; later calls do nothing).
pub fn preload() {
    if STARTED.swap(true, Ordering::AcqRel) || HIGHLIGHTER.get().is_some() {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("juxta-syntect".into())
        .spawn(|| {
            HIGHLIGHTER.get_or_init(load);
        });
    if spawned.is_err() {
        // No thread: the next blocking caller loads it.
        STARTED.store(false, Ordering::Release);
    }
}

/// The highlighter if it is loaded; otherwise start loading it in the background and say no.
pub(crate) fn if_ready() -> Option<&'static Highlighter> {
    let h = HIGHLIGHTER.get();
    if h.is_none() {
        preload();
    }
    h
}

/// The highlighter, loading it on this thread if needed (waits for a load in progress).
pub(crate) fn blocking() -> &'static Highlighter {
    HIGHLIGHTER.get_or_init(load)
}

/// Is the highlighter loaded?
pub fn is_ready() -> bool {
    HIGHLIGHTER.get().is_some()
}

impl Highlighter {
    fn syntax(&self, lang: &str) -> Option<&SyntaxReference> {
        let lang = lang.trim().to_ascii_lowercase();
        let token = match lang.as_str() {
            "ts" | "typescript" | "tsx" | "jsx" | "javascript" | "node" | "mjs" => "js",
            "shell" | "zsh" | "console" | "shellscript" | "bash" | "sh" => "sh",
            "c++" | "cxx" | "hpp" => "cpp",
            "golang" => "go",
            "yml" => "yaml",
            "jsonc" | "json5" => "json",
            "py" | "python3" => "python",
            "rs" => "rust",
            "text" | "txt" | "plain" | "plaintext" => return None,
            other => other,
        };
        self.syntaxes.find_syntax_by_token(token)
    }

    /// Highlight `code` (lines ending in `\n`) as `lang`; `None` if the language is unknown. Each
    /// line comes back as styled segments without its newline; `base` is patched with the
    /// syntect foreground (syntect's background is ignored so the terminal's shows through).
    pub(crate) fn highlight(
        &self,
        code: &str,
        lang: &str,
        theme: &str,
        base: Style,
    ) -> Option<Vec<Vec<(String, Style)>>> {
        let syntax = self.syntax(lang)?;
        let theme = self.themes.themes.get(theme)?;
        let mut h = HighlightLines::new(syntax, theme);
        let mut out = Vec::new();
        for line in syntect::util::LinesWithEndings::from(code) {
            let Ok(regions) = h.highlight_line(line, &self.syntaxes) else {
                return None;
            };
            let mut segs: Vec<(String, Style)> = Vec::with_capacity(regions.len());
            for (st, text) in regions {
                let text = text.trim_end_matches(['\n', '\r']);
                if text.is_empty() {
                    continue;
                }
                let mut style = base;
                if st.foreground.a > 0 {
                    style = style.fg(Color::Rgb(
                        st.foreground.r,
                        st.foreground.g,
                        st.foreground.b,
                    ));
                }
                if st.font_style.contains(FontStyle::BOLD) {
                    style = style.add_modifier(Modifier::BOLD);
                }
                if st.font_style.contains(FontStyle::ITALIC) {
                    style = style.add_modifier(Modifier::ITALIC);
                }
                if st.font_style.contains(FontStyle::UNDERLINE) {
                    style = style.add_modifier(Modifier::UNDERLINED);
                }
                match segs.last_mut() {
                    Some((t, s)) if *s == style => t.push_str(text),
                    _ => segs.push((text.to_string(), style)),
                }
            }
            out.push(segs);
        }
        Some(out)
    }
}
