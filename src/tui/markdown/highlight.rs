//! Syntax highlighting of fenced code with syntect.
//!
//! Loading syntect's syntax and theme sets takes tens of milliseconds, so they are loaded once,
//! lazily, into a `OnceLock`. [`preload`] starts the load on a background thread (the workbench
//! calls it at start-up, so the first frame does not wait for it); until the load is done,
//! [`MdCache`](super::MdCache) renders code blocks plain and lays them out again once it is
//! ready. [`super::render`] (exports, tests) waits for the load.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use ratatui::style::{Color, Modifier, Style};
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, HighlightState, ThemeSet};
use syntect::parsing::{ParseState, SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

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

    /// Highlight `code` as `lang`, resuming from `memo` (the lines highlighted by an earlier call
    /// on a prefix of `code`) and stopping once `deadline` has passed. Returns `None` if the
    /// language is unknown. Otherwise `memo.lines` holds the complete lines highlighted so far,
    /// and the result is the highlighted last line when it has no newline yet (a stream still
    /// running) and everything before it was done. At least `min_lines` lines are highlighted
    /// whatever the deadline. `base` is patched with syntect's foreground
    /// (its background is ignored so the terminal's shows through).
    pub(crate) fn highlight(
        &self,
        memo: &mut Option<Memo>,
        code: &str,
        lang: &str,
        theme: &str,
        base: Style,
        budget: Budget,
    ) -> Option<Option<Vec<(String, Style)>>> {
        let Budget {
            deadline,
            min_lines,
        } = budget;
        let syntax = self.syntax(lang)?;
        let th = self.themes.themes.get(theme)?;
        let valid = memo.as_ref().is_some_and(|m| {
            m.lang == lang && m.theme == theme && m.base == base && code.starts_with(&m.done)
        });
        if !valid {
            let h = HighlightLines::new(syntax, th);
            *memo = Some(Memo {
                lang: lang.to_string(),
                theme: theme.to_string(),
                base,
                done: String::new(),
                lines: Vec::new(),
                state: h.state(),
            });
        }
        let m = memo.as_mut()?;
        let (hs, ps) = m.state.clone();
        let mut h = HighlightLines::from_state(th, hs, ps);
        let mut partial = None;
        let start = m.done.len();
        let progress_floor = m.lines.len() + min_lines;
        for line in LinesWithEndings::from(&code[start..]) {
            if !line.ends_with('\n') {
                let (hs, ps) = h.state();
                m.state = (hs.clone(), ps.clone());
                let mut scratch = HighlightLines::from_state(th, hs, ps);
                partial = scratch
                    .highlight_line(line, &self.syntaxes)
                    .ok()
                    .map(|r| segments(r, base));
                return Some(partial);
            }
            // `min_lines` per call at least, so that highlighting always progresses.
            if m.lines.len() >= progress_floor && deadline.is_some_and(|d| Instant::now() >= d) {
                break;
            }
            // A line syntect fails on stays plain (and counts as done: it would fail again, and
            // code left pending keeps the App drawing).
            let segs = match h.highlight_line(line, &self.syntaxes) {
                Ok(regions) => segments(regions, base),
                Err(_) => {
                    let text = line.trim_end_matches(['\n', '\r']);
                    (!text.is_empty())
                        .then(|| (text.to_string(), base))
                        .into_iter()
                        .collect()
                }
            };
            m.lines.push(segs);
            m.done.push_str(line);
        }
        m.state = h.state();
        Some(partial)
    }
}

/// Syntect regions → styled segments without the line's newline.
fn segments(
    regions: Vec<(syntect::highlighting::Style, &str)>,
    base: Style,
) -> Vec<(String, Style)> {
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
    segs
}

/// How much highlighting one call may do: new lines until `deadline` (none: all), and at least
/// `min_lines` lines of each block whatever the deadline (so that work always progresses).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    pub deadline: Option<Instant>,
    pub min_lines: usize,
}

/// What has been highlighted of one code block, to resume from when the block grows (a stream)
/// or when highlighting was cut short by the frame's time budget.
#[derive(Clone)]
pub(crate) struct Memo {
    lang: String,
    theme: String,
    base: Style,
    /// The code highlighted so far (whole lines).
    done: String,
    /// Highlighted segments of each line of `done`.
    pub lines: Vec<Vec<(String, Style)>>,
    state: (HighlightState, ParseState),
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Memo")
            .field("lang", &self.lang)
            .field("lines", &self.lines.len())
            .finish()
    }
}
