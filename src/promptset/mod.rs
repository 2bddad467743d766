//! Prompt sets (DESIGN §8): TOML, JSONL or plain text, parsed into one [`PromptSet`].
//!
//! - TOML: `name`, `description`, `system`, `[defaults]` (temperature, max_tokens, seed), a
//!   top-level `[vars]` shared by all prompts, `tags`, and `[[prompts]]` with `id`, `text`,
//!   `system`, `vars`, `tags`.
//! - JSONL (`.jsonl`, `.ndjson`): one `{"prompt": ...}` object per line, optional `id`, `system`,
//!   `vars`, `tags`; blank lines skipped.
//! - Plain text (anything else): one prompt per line; blank lines and `#` comments skipped.
//!
//! `{{name}}` (spaces inside the braces allowed) is replaced by the prompt's variable, else the
//! set's; an undefined variable is an error. Ids default to `p1`, `p2`, ... by position. Every
//! error names the file and the line (and the column where known).

mod lines;
mod toml_set;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::provider::Params;
use crate::strings::replay as s;

/// A parsed prompt set, variables substituted.
#[derive(Clone, Debug, PartialEq)]
pub struct PromptSet {
    /// The set's `name`, else the file stem.
    pub name: String,
    /// The file it was read from.
    pub path: PathBuf,
    pub format: Format,
    /// System prompt for every prompt that does not set its own.
    pub system: Option<String>,
    /// Request parameters of the set (`[defaults]`).
    pub defaults: Params,
    pub prompts: Vec<Prompt>,
}

/// One prompt of a set.
#[derive(Clone, Debug, PartialEq)]
pub struct Prompt {
    pub id: String,
    /// The text with variables substituted.
    pub text: String,
    /// Overrides the set's system prompt.
    pub system: Option<String>,
    pub tags: Vec<String>,
    /// 1-based line in the file where the prompt starts.
    pub line: usize,
}

/// The file formats a prompt set may come in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Toml,
    Jsonl,
    Text,
}

impl Format {
    /// By extension: `.toml`, `.jsonl` / `.ndjson`, anything else is plain text.
    pub fn detect(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("toml") => Format::Toml,
            Some("jsonl" | "ndjson") => Format::Jsonl,
            _ => Format::Text,
        }
    }
}

/// A prompt-set problem, naming the file and where in it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.render())]
pub struct PromptSetError {
    pub path: String,
    /// 1-based.
    pub line: Option<usize>,
    /// 1-based, in characters.
    pub column: Option<usize>,
    pub message: String,
}

impl PromptSetError {
    fn render(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}: {}", self.path, self.message),
            (Some(l), None) => format!("{}:{l}: {}", self.path, self.message),
            _ => format!("{}: {}", self.path, self.message),
        }
    }
}

/// Where errors point: the file's label and its text (for offset → line/column).
pub(crate) struct Source<'a> {
    pub label: &'a str,
    pub text: &'a str,
}

impl Source<'_> {
    pub fn err(
        &self,
        line: Option<usize>,
        column: Option<usize>,
        message: impl Into<String>,
    ) -> PromptSetError {
        PromptSetError {
            path: self.label.to_string(),
            line,
            column,
            message: message.into(),
        }
    }
    /// An error at a byte offset of the file.
    pub fn err_at(&self, offset: usize, message: impl Into<String>) -> PromptSetError {
        let (l, c) = line_col(self.text, offset);
        self.err(Some(l), Some(c), message)
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut off = offset.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The prompt sets shipped in `presets/prompts/`, embedded: (name, TOML text).
pub const SHIPPED: &[(&str, &str)] = &[
    ("coding", include_str!("../../presets/prompts/coding.toml")),
    (
        "reasoning",
        include_str!("../../presets/prompts/reasoning.toml"),
    ),
    (
        "japanese-writing",
        include_str!("../../presets/prompts/japanese-writing.toml"),
    ),
    (
        "chinese-writing",
        include_str!("../../presets/prompts/chinese-writing.toml"),
    ),
    (
        "extraction-json",
        include_str!("../../presets/prompts/extraction-json.toml"),
    ),
];

/// A file, or else the name of a shipped set (`coding`, `reasoning`, ...): a path that exists
/// always wins over a shipped name.
pub fn load_file_or_shipped(path: &Path) -> Result<PromptSet, PromptSetError> {
    if !path.exists()
        && let Some(name) = path.to_str()
        && let Some((_, text)) = SHIPPED.iter().find(|(n, _)| *n == name)
    {
        return parse(Path::new(&format!("{name}.toml")), text, Format::Toml);
    }
    load(path).map_err(|mut e| {
        if !path.exists() {
            let names: Vec<&str> = SHIPPED.iter().map(|(n, _)| *n).collect();
            e.message = s::not_found_shipped(&e.message, &names);
        }
        e
    })
}

/// Read and parse a prompt set; the format comes from the extension.
pub fn load(path: &Path) -> Result<PromptSet, PromptSetError> {
    let label = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| PromptSetError {
        path: label.clone(),
        line: None,
        column: None,
        message: s::read_failed(&e.to_string()),
    })?;
    parse(path, &text, Format::detect(path))
}

/// Parse a prompt set's text; `path` labels errors and gives the default name.
pub fn parse(path: &Path, text: &str, format: Format) -> Result<PromptSet, PromptSetError> {
    let label = path.display().to_string();
    let src = Source {
        label: &label,
        text,
    };
    let mut set = match format {
        Format::Toml => toml_set::parse(&src)?,
        Format::Jsonl => lines::parse_jsonl(&src)?,
        Format::Text => lines::parse_text(&src)?,
    };
    if set.prompts.is_empty() {
        return Err(src.err(None, None, s::NO_PROMPTS));
    }
    check_unique_ids(&src, &set.prompts)?;
    if set.name.is_empty() {
        set.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    set.path = path.to_path_buf();
    set.format = format;
    Ok(set)
}

fn check_unique_ids(src: &Source<'_>, prompts: &[Prompt]) -> Result<(), PromptSetError> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for p in prompts {
        if let Some(first) = seen.insert(&p.id, p.line) {
            return Err(src.err(Some(p.line), None, s::duplicate_id(&p.id, first)));
        }
    }
    Ok(())
}

/// The default id of the prompt at 0-based `index`.
pub(crate) fn default_id(index: usize) -> String {
    format!("p{}", index + 1)
}

/// A `{{name}}` reference that no variable defines: its name and byte offset in the text.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct UnknownVar {
    pub name: String,
    pub offset: usize,
}

/// Replace every `{{name}}` with its value: `own` first, then `shared`. Single pass: values are
/// not themselves expanded.
pub(crate) fn substitute(
    text: &str,
    own: &BTreeMap<String, String>,
    shared: &BTreeMap<String, String>,
) -> Result<String, UnknownVar> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    let mut consumed = 0;
    while let Some(open) = rest.find("{{") {
        let Some(close) = rest[open + 2..].find("}}") else {
            break;
        };
        let name = rest[open + 2..open + 2 + close].trim();
        if !is_var_name(name) {
            // Not a variable reference (e.g. `{{` in code): keep the braces as they are.
            out.push_str(&rest[..open + 2]);
            consumed += open + 2;
            rest = &rest[open + 2..];
            continue;
        }
        let value = own.get(name).or_else(|| shared.get(name));
        match value {
            Some(v) => {
                out.push_str(&rest[..open]);
                out.push_str(v);
            }
            None => {
                return Err(UnknownVar {
                    name: name.to_string(),
                    offset: consumed + open,
                });
            }
        }
        let end = open + 2 + close + 2;
        consumed += end;
        rest = &rest[end..];
    }
    out.push_str(rest);
    Ok(out)
}

fn is_var_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-' || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn substitutes_own_then_shared() {
        let own = vars(&[("a", "1")]);
        let shared = vars(&[("a", "x"), ("b", "2")]);
        assert_eq!(
            substitute("{{a}}+{{ b }}={{a}}", &own, &shared).as_deref(),
            Ok("1+2=1")
        );
    }

    #[test]
    fn unknown_variable_reports_offset() {
        let e = substitute("ab {{nope}}", &BTreeMap::new(), &BTreeMap::new());
        assert_eq!(
            e,
            Err(UnknownVar {
                name: "nope".into(),
                offset: 3
            })
        );
    }

    #[test]
    fn braces_that_are_not_names_stay() {
        let t = "fn f() {{ let x = {}; }} {{v}}";
        let own = vars(&[("v", "ok")]);
        assert_eq!(
            substitute(t, &own, &BTreeMap::new()).as_deref(),
            Ok("fn f() {{ let x = {}; }} ok")
        );
    }

    #[test]
    fn line_col_counts_chars() {
        assert_eq!(line_col("ab\ncdé f", 9), (2, 6));
        assert_eq!(line_col("x", 0), (1, 1));
    }

    #[test]
    fn format_from_extension() {
        assert_eq!(Format::detect(Path::new("a.TOML")), Format::Toml);
        assert_eq!(Format::detect(Path::new("a.jsonl")), Format::Jsonl);
        assert_eq!(Format::detect(Path::new("a.txt")), Format::Text);
    }
}
