//! Text of prompt sets, the replay runner and `juxta replay`.

// ---- prompt sets ----

pub const NO_PROMPTS: &str = "no prompts in this file";
pub const EMPTY_ID: &str = "a prompt id must be a non-empty string";
pub const JSONL_NOT_OBJECT: &str = "each line must be a JSON object such as {\"prompt\": \"...\"}";
pub const JSONL_NO_PROMPT: &str = "this line has no \"prompt\" field";
pub const JSONL_PROMPT_NOT_STRING: &str = "\"prompt\" must be a string";

pub fn read_failed(err: &str) -> String {
    format!("cannot read the prompt set: {err}")
}
pub fn bad_toml(msg: &str) -> String {
    format!("not a valid prompt set: {}", msg.trim_end())
}
pub fn bad_json(msg: &str) -> String {
    format!("not valid JSON: {msg}")
}
pub fn jsonl_unknown_key(key: &str) -> String {
    format!("unknown field \"{key}\" (expected prompt, id, system, vars, tags)")
}
pub fn field_type(field: &str, expected: &str) -> String {
    format!("\"{field}\" must be {expected}")
}
pub fn duplicate_id(id: &str, first_line: usize) -> String {
    format!("duplicate prompt id '{id}' (first used on line {first_line})")
}
pub fn empty_prompt(id: &str) -> String {
    format!("prompt '{id}' is empty")
}
pub fn unknown_var(name: &str, id: &str) -> String {
    format!(
        "unknown variable '{{{{{name}}}}}' in prompt '{id}' (define it in the prompt's vars or in [vars])"
    )
}
pub fn bad_var_value(name: &str) -> String {
    format!("variable '{name}' must be a string, a number or a boolean")
}

// ---- planning ----

pub fn session_title(set: &str, prompts: usize, models: usize) -> String {
    format!("replay: {set} ({prompts} prompts × {models} models)")
}
pub fn prompt_changed(id: &str, session: &str) -> String {
    format!(
        "prompt '{id}' differs from the one saved in session {session}: resume with the same prompt set, or start a new replay"
    )
}
pub fn not_a_replay(session: &str) -> String {
    format!("session {session} is not a replay")
}
pub fn resume_models_differ(session: &str, models: &[String]) -> String {
    format!(
        "session {session} replayed {}: pass the same models with -m to resume it",
        models.join(", ")
    )
}
