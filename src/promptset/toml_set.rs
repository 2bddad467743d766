//! The TOML form of a prompt set.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

use super::{Format, Prompt, PromptSet, PromptSetError, Source, default_id, substitute};
use crate::provider::Params;
use crate::strings::replay as s;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    #[allow(dead_code)]
    description: Option<String>,
    #[serde(default)]
    system: Option<String>,
    #[serde(default)]
    defaults: RawDefaults,
    #[serde(default)]
    vars: BTreeMap<String, Spanned<toml::Value>>,
    /// Tags given to every prompt.
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    prompts: Vec<RawPrompt>,
}

#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    temperature: Option<f32>,
    max_tokens: Option<u32>,
    seed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrompt {
    #[serde(default)]
    id: Option<Spanned<String>>,
    text: Spanned<String>,
    #[serde(default)]
    system: Option<String>,
    #[serde(default)]
    vars: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    tags: Vec<String>,
}

pub(super) fn parse(src: &Source<'_>) -> Result<PromptSet, PromptSetError> {
    let raw: RawSet = toml::from_str(src.text).map_err(|e| {
        let msg = s::bad_toml(e.message());
        match e.span() {
            Some(span) => src.err_at(span.start, msg),
            None => src.err(None, None, msg),
        }
    })?;
    let shared = var_strings(src, raw.vars)?;
    let mut prompts = Vec::with_capacity(raw.prompts.len());
    for (i, p) in raw.prompts.into_iter().enumerate() {
        let text_span = p.text.span();
        let line = super::line_col(src.text, text_span.start).0;
        let id = match p.id {
            Some(id) if id.get_ref().trim().is_empty() => {
                return Err(src.err_at(id.span().start, s::EMPTY_ID));
            }
            Some(id) => id.into_inner(),
            None => default_id(i),
        };
        let own = var_strings(src, p.vars)?;
        let raw_text = p.text.into_inner();
        if raw_text.trim().is_empty() {
            return Err(src.err_at(text_span.start, s::empty_prompt(&id)));
        }
        let text = substitute(&raw_text, &own, &shared).map_err(|u| {
            // Point at the reference itself when it appears verbatim in the source.
            let needle = &raw_text[u.offset..];
            let needle = &needle[..needle.find("}}").map_or(needle.len(), |e| e + 2)];
            let at = src.text[text_span.clone()]
                .find(needle)
                .map_or(text_span.start, |o| text_span.start + o);
            src.err_at(at, s::unknown_var(&u.name, &id))
        })?;
        let mut tags = raw.tags.clone();
        tags.extend(p.tags);
        prompts.push(Prompt {
            id,
            text,
            system: p.system,
            tags,
            line,
        });
    }
    Ok(PromptSet {
        name: raw.name.unwrap_or_default(),
        path: Default::default(),
        format: Format::Toml,
        system: raw.system,
        defaults: Params {
            temperature: raw.defaults.temperature,
            max_tokens: raw.defaults.max_tokens,
            seed: raw.defaults.seed,
        },
        prompts,
    })
}

/// Variable values as strings: strings as they are, numbers and booleans written out.
fn var_strings(
    src: &Source<'_>,
    vars: BTreeMap<String, Spanned<toml::Value>>,
) -> Result<BTreeMap<String, String>, PromptSetError> {
    let mut out = BTreeMap::new();
    for (k, v) in vars {
        let span = v.span();
        let value = match v.into_inner() {
            toml::Value::String(s) => s,
            toml::Value::Integer(n) => n.to_string(),
            toml::Value::Float(f) => f.to_string(),
            toml::Value::Boolean(b) => b.to_string(),
            _ => return Err(src.err_at(span.start, s::bad_var_value(&k))),
        };
        out.insert(k, value);
    }
    Ok(out)
}
