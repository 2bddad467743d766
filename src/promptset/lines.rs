//! The line-based forms of a prompt set: JSONL and plain text.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Format, Prompt, PromptSet, PromptSetError, Source, default_id, substitute};
use crate::strings::replay as s;

/// One `{"prompt": ..., "id"?, "system"?, "vars"?, "tags"?}` object per non-blank line.
pub(super) fn parse_jsonl(src: &Source<'_>) -> Result<PromptSet, PromptSetError> {
    let mut prompts = Vec::new();
    for (n, line) in src.text.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| {
            // serde_json ends with "at line 1 column N", which would contradict the file's line
            // number given in front.
            let msg = e.to_string();
            let msg = msg
                .rsplit_once(" at line ")
                .map_or(msg.as_str(), |(m, _)| m);
            src.err(Some(line_no), Some(e.column().max(1)), s::bad_json(msg))
        })?;
        let Value::Object(obj) = value else {
            return Err(src.err(Some(line_no), None, s::JSONL_NOT_OBJECT));
        };
        if !obj.contains_key("prompt") {
            return Err(src.err(Some(line_no), None, s::JSONL_NO_PROMPT));
        }
        for key in obj.keys() {
            if !matches!(key.as_str(), "prompt" | "id" | "system" | "vars" | "tags") {
                return Err(src.err(Some(line_no), None, s::jsonl_unknown_key(key)));
            }
        }
        let at = |msg: String| src.err(Some(line_no), None, msg);
        let id = match obj.get("id") {
            None | Some(Value::Null) => default_id(prompts.len()),
            Some(Value::String(id)) if !id.trim().is_empty() => id.clone(),
            Some(Value::Number(n)) => n.to_string(),
            Some(_) => return Err(at(s::EMPTY_ID.to_string())),
        };
        let raw_text = match obj.get("prompt") {
            Some(Value::String(t)) => t.as_str(),
            Some(_) => return Err(at(s::JSONL_PROMPT_NOT_STRING.to_string())),
            None => return Err(at(s::JSONL_NO_PROMPT.to_string())),
        };
        if raw_text.trim().is_empty() {
            return Err(at(s::empty_prompt(&id)));
        }
        let system = match obj.get("system") {
            None | Some(Value::Null) => None,
            Some(Value::String(t)) => Some(t.clone()),
            Some(_) => return Err(at(s::field_type("system", "a string"))),
        };
        let mut vars = BTreeMap::new();
        match obj.get("vars") {
            None | Some(Value::Null) => {}
            Some(Value::Object(m)) => {
                for (k, v) in m {
                    let v = match v {
                        Value::String(t) => t.clone(),
                        Value::Number(_) | Value::Bool(_) => v.to_string(),
                        _ => return Err(at(s::bad_var_value(k))),
                    };
                    vars.insert(k.clone(), v);
                }
            }
            Some(_) => return Err(at(s::field_type("vars", "an object"))),
        }
        let tags = match obj.get("tags") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(a)) => a
                .iter()
                .map(|t| t.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| at(s::field_type("tags", "an array of strings")))?,
            Some(_) => return Err(at(s::field_type("tags", "an array of strings"))),
        };
        let text = substitute(raw_text, &vars, &BTreeMap::new())
            .map_err(|u| src.err(Some(line_no), None, s::unknown_var(&u.name, &id)))?;
        prompts.push(Prompt {
            id,
            text,
            system,
            tags,
            line: line_no,
        });
    }
    Ok(PromptSet {
        name: String::new(),
        path: Default::default(),
        format: Format::Jsonl,
        system: None,
        defaults: Default::default(),
        prompts,
    })
}

/// One prompt per line; blank lines and lines starting with `#` are skipped.
pub(super) fn parse_text(src: &Source<'_>) -> Result<PromptSet, PromptSetError> {
    let mut prompts = Vec::new();
    for (n, line) in src.text.lines().enumerate() {
        let line_no = n + 1;
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let id = default_id(prompts.len());
        let text = substitute(trimmed, &BTreeMap::new(), &BTreeMap::new()).map_err(|u| {
            let col = line.find(trimmed).unwrap_or(0) + u.offset;
            src.err(
                Some(line_no),
                Some(line[..col].chars().count() + 1),
                s::unknown_var(&u.name, &id),
            )
        })?;
        prompts.push(Prompt {
            id,
            text,
            system: None,
            tags: Vec::new(),
            line: line_no,
        });
    }
    Ok(PromptSet {
        name: String::new(),
        path: Default::default(),
        format: Format::Text,
        system: None,
        defaults: Default::default(),
        prompts,
    })
}
