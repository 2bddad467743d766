//! Text of the headless commands (`run`, `models`, `doctor`).

pub const PREFIX: &str = "juxta";

pub fn unknown_models(names: &[String]) -> String {
    format!(
        "unknown model{}: {}",
        if names.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

pub const SEE_MODELS: &str = "name models PROVIDER:MODEL or by alias; `juxta models` lists them";
/// After a store error: the run goes on, unsaved.
pub const NOT_SAVED: &str = "this run will not be saved (--no-save skips saving)";
pub const EMPTY_PROMPT: &str = "the prompt is empty";

pub fn stdin_failed(e: &std::io::Error) -> String {
    format!("cannot read the prompt from stdin: {e}")
}

pub fn runtime_failed(e: &std::io::Error) -> String {
    format!("cannot start the async runtime: {e}")
}

pub const INTERRUPTED: &str = "interrupted: cancelling the streams (Ctrl-C again to quit at once)";
pub const SIMULATED: &str = "simulated";
pub const OPEN: &str = "open-weight";
pub const CLOSED: &str = "closed";
pub const CANCELLED_MARK: &str = "[cancelled: partial answer]";

pub fn error_mark(kind: &str, status: Option<u16>, message: &str) -> String {
    match status {
        Some(s) => format!("[error: {kind} (HTTP {s}): {message}]"),
        None => format!("[error: {kind}: {message}]"),
    }
}

pub const RUN_HEADER: [&str; 12] = [
    "model",
    "status",
    "TTFT",
    "1st answer",
    "E2E",
    "tok/s",
    "in",
    "cached",
    "out",
    "reasoning",
    "cost",
    "retries",
];

pub const TOKENS_NOTE: &str =
    "~ = estimated with the o200k tokenizer; TTFT counts from the attempt that produced output";

pub const MODELS_HEADER: [&str; 10] = [
    "model",
    "provider",
    "weights",
    "context",
    "$/M in",
    "$/M out",
    "$/M cached",
    "as of",
    "aliases",
    "usable now",
];

pub const DEMO_USABLE: &str = "yes (simulated)";

pub fn key_set(var: &str) -> String {
    format!("yes (key {var} set)")
}
pub fn key_missing(var: &str) -> String {
    format!("no ({var} not set)")
}
pub const NO_KEY_NEEDED: &str = "no key needed";
pub const SERVER_UP: &str = "yes (server answering)";
pub const SERVER_DOWN: &str = "no (server not answering)";
pub const NOT_PROBED: &str = "local (not probed: --refresh)";
pub const DISCOVERED: &str = "discovered";

pub fn doctor_config(path: &str, state: &str) -> String {
    format!("config   {path}  ({state})")
}
pub const CONFIG_PARSED: &str = "parsed";
pub const CONFIG_MISSING: &str = "not found: using the shipped presets";
pub const CONFIG_NONE: &str = "no config folder on this system: using the shipped presets";
pub fn doctor_data(path: &str, exists: bool) -> String {
    format!(
        "data     {path}  ({})",
        if exists { "exists" } else { "not created yet" }
    )
}
pub const DOCTOR_HEADER: [&str; 5] = ["provider", "protocol", "base url", "key", "status"];
pub fn env_present(var: &str) -> String {
    format!("{var} set")
}
pub fn env_missing(var: &str) -> String {
    format!("{var} missing")
}
pub const DOCTOR_LOCAL_UP: &str = "up";
pub fn doctor_local_down(why: &str) -> String {
    format!("down ({why})")
}
pub const DOCTOR_DEMO: &str = "built in (simulated)";
pub const DOCTOR_REMOTE: &str = "remote (not contacted)";

pub const SERVER_LOAD: &str = "load";
pub const SERVER_QUEUE: &str = "queue";
pub const SERVER_PROMPT_EVAL: &str = "prompt eval";
pub const SERVER_DECODE: &str = "decode";
pub const SERVER_TOTAL: &str = "total";
pub fn server_timings(model: &str, source: &str, parts: &str) -> String {
    format!("{model}: measured by the server ({source}): {parts}")
}
