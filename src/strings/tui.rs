//! Text of the workbench: labels, hints, notices, help. Render code takes every word from here.

use std::time::Duration;

use crate::tui::action::Action;
use crate::tui::keymap::Mode;

pub const APP_NAME: &str = "juxta";
pub const MISSING: &str = "—";
pub const UNPRICED: &str = "unpriced";
pub const LOCAL_FREE: &str = "$0 (local)";
pub const UNBOUND: &str = "unbound";

pub const DEMO_HINT: &str = "demo models (simulated): set OPENAI_API_KEY, ANTHROPIC_API_KEY, ... or run a local server, then ctrl-o to pick real models";
pub const NO_MODELS: &str = "No models yet: ctrl-o opens the model picker.";

// Editor.
pub const FIELD_PROMPT: &str = "prompt";
pub const FIELD_SYSTEM: &str = "system";
pub const FIELD_TEMPERATURE: &str = "temperature";
pub const FIELD_MAX_TOKENS: &str = "max tokens";
pub const PROMPT_PLACEHOLDER: &str = "Ask every model at once…";
pub const SYSTEM_PLACEHOLDER: &str = "System prompt (optional)";
pub const DEFAULT_PLACEHOLDER: &str = "default";

pub fn bad_temperature(v: &str) -> String {
    format!("temperature '{v}' is not a number between 0 and 2")
}
pub fn bad_max_tokens(v: &str) -> String {
    format!("max tokens '{v}' is not a positive whole number")
}

// Notices.
pub const PRESS_AGAIN_TO_QUIT: &str = "Streams cancelled. Press ctrl-c again to quit.";
pub const SCROLL_TOGETHER_ON: &str = "Panes scroll together.";
pub const SCROLL_TOGETHER_OFF: &str = "Panes scroll on their own.";
pub const NOTHING_TO_COPY: &str = "Nothing to copy in this pane yet.";
pub const NO_CODE_BLOCK: &str = "No code block in this answer.";
pub const WAIT_FOR_STREAMS: &str = "Wait for the streams to end (or cancel them) first.";
pub const PICK_MODELS_FIRST: &str = "Pick at least one model first.";
pub const STILL_STREAMING: &str = "This pane is still streaming.";

pub fn copied_answer(model: &str) -> String {
    format!("Copied the answer of {model} to the clipboard.")
}
pub fn copied_code(k: usize, n: usize, lang: &str) -> String {
    let lang = if lang.is_empty() {
        String::new()
    } else {
        format!(" ({lang})")
    };
    format!("Copied code block {k} of {n}{lang}; press again for the previous one.")
}
pub fn continuing_with(model: &str) -> String {
    format!("Continuing with {model} only.")
}
pub fn unknown_models(ids: &[String]) -> String {
    format!("Not in the catalog: {}", ids.join(", "))
}
pub fn retrying(msg: &str, delay: Duration) -> String {
    format!("retrying in {:.1}s: {msg}", delay.as_secs_f64())
}
pub fn retries(n: u32) -> String {
    if n == 1 {
        "1 retry".into()
    } else {
        format!("{n} retries")
    }
}
pub fn store_error(e: &str) -> String {
    format!("Could not save: {e}")
}
pub fn keymap_warning(w: &str) -> String {
    format!("config keymap: {w}")
}

// Keymap errors.
pub fn key_empty() -> &'static str {
    "empty key"
}
pub fn key_unknown(k: &str) -> String {
    format!(
        "unknown key '{k}' (try ctrl-j, alt-enter, f1, shift-tab, pgup, space, or one character)"
    )
}
pub fn keymap_unknown_mode(m: &str) -> String {
    format!("[keymap.{m}]: unknown mode (global, editor, panes, picker, help)")
}
pub fn keymap_not_table(m: &str) -> String {
    format!("[keymap.{m}] must be a table of \"key\" = \"action\"")
}
pub fn keymap_bad_action(m: &str, key: &str, action: &str) -> String {
    format!("[keymap.{m}] \"{key}\": unknown action {action} (see the help screen for names)")
}

// Panes.
pub const BADGE_OPEN: &str = "open";
pub const BADGE_CLOSED: &str = "closed";
pub const BADGE_SIMULATED: &str = "simulated";
pub const REASONING: &str = "reasoning";
pub const PANE_IDLE: &str = "Waiting for a prompt.";
pub const WAITING_FIRST_TOKEN: &str = "Waiting for the first token…";
pub const TOK: &str = "tok";
pub const TOK_S: &str = "tok/s";
pub const TTFT: &str = "TTFT";
pub const IDLE: &str = "idle";
pub const CANCELLING: &str = "cancelling…";
pub const ERROR: &str = "error";
pub const CANCELLED: &str = "cancelled";
pub const INTERRUPTED: &str = "interrupted";

// Top bar.
pub const TOTAL: &str = "total";
pub const FIRST: &str = "first";
pub const FASTEST: &str = "fastest";
pub fn turn_label(n: u32) -> String {
    format!("turn {n}")
}
pub const COST_PENDING: &str = "cost when settled";
pub fn plus_pending(n: usize) -> String {
    format!(" so far, {n} streaming")
}
pub fn plus_unpriced(n: usize) -> String {
    format!(" + {n} unpriced")
}
pub const SYSTEM_NONE: &str = "none";
pub fn pane_of(i: usize, n: usize) -> String {
    format!("pane {i}/{n}")
}

// Picker.
pub const PICKER_TITLE: &str = "models";
pub const PICKER_NO_MATCH: &str = "No model matches.";
pub const PRESET: &str = "preset";
pub const USABLE_READY: &str = "ready";
pub const USABLE_DOWN: &str = "server down";
pub const USABLE_UNKNOWN: &str = "unchecked";
pub fn no_key(env: &str) -> String {
    format!("no key: set {env}")
}

// Help.
pub const HELP_TITLE: &str = "help";
pub const METRICS_TITLE: &str = "Metrics";
pub fn mode_title(m: Mode) -> &'static str {
    match m {
        Mode::Global => "Anywhere",
        Mode::Editor => "Prompt editor",
        Mode::Panes => "Panes",
        Mode::Picker => "Model picker",
        Mode::Help => "Help",
    }
}

/// Short labels for the hint line.
pub fn action_short(a: Action) -> &'static str {
    match a {
        Action::Submit => "send",
        Action::Newline => "newline",
        Action::CancelOrLeave => "cancel/panes",
        Action::CancelPane => "cancel",
        Action::CancelAll => "cancel all",
        Action::Retry => "retry",
        Action::FocusNext => "next",
        Action::FocusPrev => "previous",
        Action::ScrollUp => "up",
        Action::ScrollDown => "scroll",
        Action::PageUp => "page up",
        Action::PageDown => "page down",
        Action::ScrollTop => "top",
        Action::ScrollBottom => "end",
        Action::ScrollTogether => "together",
        Action::Zoom => "zoom",
        Action::FoldReasoning => "reasoning",
        Action::CopyAnswer => "copy",
        Action::CopyCode => "code",
        Action::OpenPicker => "models",
        Action::Help => "help",
        Action::Quit => "quit",
        Action::Edit => "edit",
        Action::HistoryPrev => "history",
        Action::HistoryNext => "history",
        Action::NextField => "fields",
        Action::ContinueWithThis => "keep this",
        Action::OpenSessions => "sessions",
        Action::OpenReplay => "replay",
        Action::RerunOnModels => "re-run on…",
        Action::Vote => "vote",
        Action::VoteTie => "tie",
        Action::BlindMode => "blind",
        Action::Up => "up",
        Action::Down => "down",
        Action::Toggle => "select",
        Action::Confirm => "use",
        Action::Close => "close",
    }
}

/// One line per action for the help screen.
pub fn action_help(a: Action) -> &'static str {
    match a {
        Action::Submit => "send the prompt to every pane",
        Action::Newline => "insert a newline",
        Action::CancelOrLeave => "cancel the streams; when nothing streams, go to the panes",
        Action::CancelPane => "cancel the focused pane's stream",
        Action::CancelAll => "cancel every stream",
        Action::Retry => "ask the focused pane's model again",
        Action::FocusNext => "focus the next pane",
        Action::FocusPrev => "focus the previous pane",
        Action::ScrollUp => "scroll up",
        Action::ScrollDown => "scroll down",
        Action::PageUp => "scroll up a page",
        Action::PageDown => "scroll down a page",
        Action::ScrollTop => "go to the top",
        Action::ScrollBottom => "go to the end and follow the stream",
        Action::ScrollTogether => "scroll all panes together (toggle)",
        Action::Zoom => "zoom the focused pane to full screen and back",
        Action::FoldReasoning => "fold or unfold the reasoning",
        Action::CopyAnswer => "copy the focused answer (OSC 52)",
        Action::CopyCode => "copy a code block of the focused answer (again: the previous one)",
        Action::OpenPicker => "pick models (fuzzy search, presets)",
        Action::Help => "this help",
        Action::Quit => "quit (while streaming: cancel first, press again to quit)",
        Action::Edit => "back to the prompt editor",
        Action::HistoryPrev => "previous prompt from the history",
        Action::HistoryNext => "next prompt from the history",
        Action::NextField => "next field: prompt, system, temperature, max tokens",
        Action::ContinueWithThis => "continue the conversation with this pane only",
        Action::OpenSessions => "saved sessions: search, reopen and continue, rename, tag, delete",
        Action::OpenReplay => "replay a prompt set across the panes' models (a grid)",
        Action::RerunOnModels => "send the last prompt again to models you pick",
        Action::Vote => super::judge::HELP_VOTE,
        Action::VoteTie => super::judge::HELP_VOTE_TIE,
        Action::BlindMode => super::judge::HELP_BLIND,
        Action::Up => "move up",
        Action::Down => "move down",
        Action::Toggle => "select or unselect",
        Action::Confirm => "use the selection (a preset: its models)",
        Action::Close => "close",
    }
}

/// DESIGN §5, as the help screen shows it.
pub const METRIC_DEFINITIONS: &[(&str, &str)] = &[
    (
        "t0",
        "the moment the request is handed to the HTTP client (after any local queueing)",
    ),
    ("TTFB", "t0 → first byte of the response body"),
    (
        "TTFT",
        "t0 → first non-empty text or reasoning delta (comments, role-only and empty chunks do not count)",
    ),
    (
        "TTFAT",
        "t0 → first non-empty answer delta (differs from TTFT for reasoning models)",
    ),
    ("E2E", "t0 → end of stream"),
    (
        "tok/s",
        "decode rate: output tokens ÷ (last token − first token), TTFT excluded; none with one token or zero duration",
    ),
    ("gaps", "inter-chunk gaps, p50 / p95"),
    (
        "tokens",
        "input, cached input, output, reasoning: from the provider's usage, else estimated and marked ~",
    ),
    (
        "server",
        "timings a server reports itself (Ollama, llama.cpp, Groq) are shown beside the client's",
    ),
    (
        "retries",
        "counted and shown; TTFT counts from the attempt that produced output",
    ),
    (
        "cost",
        "the provider's reported cost, else the price table; unpriced is never $0; local models $0 (local)",
    ),
    (
        "~",
        "an estimate (counted locally while streaming, or when the provider reported no usage)",
    ),
];

pub const STORE_GONE: &str = "the store writer stopped";
pub const NO_DATA_DIR: &str = "no data directory (set XDG_DATA_HOME)";
pub fn unknown_preset(name: &str, known: &[String]) -> String {
    if known.is_empty() {
        format!(
            "unknown preset '{name}': the config defines none ([presets] NAME = [\"provider:model\", ...])"
        )
    } else {
        format!("unknown preset '{name}' (configured: {})", known.join(", "))
    }
}
