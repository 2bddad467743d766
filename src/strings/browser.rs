//! Text of the session browser and the replay grid.

pub const TITLE: &str = "Sessions";
pub const SEARCH_LABEL: &str = "Search: ";
pub const SEARCH_PLACEHOLDER: &str = "/ to search titles, prompts and answers";
pub const SEARCHING: &str = "searching…";
pub const LOADING: &str = "loading…";
pub const EMPTY: &str = "No saved sessions yet: every comparison is saved as it happens.";
pub const NO_MATCH: &str = "No session matches this search.";

pub const COL_CREATED: &str = "Created (UTC)";
pub const COL_TITLE: &str = "Title";
pub const COL_MODELS: &str = "Models";
pub const COL_TURNS: &str = "Turns";
pub const COL_COST: &str = "Cost";
pub const COL_TAGS: &str = "Tags";
pub const UNPRICED: &str = "unpriced";

pub const RENAME_LABEL: &str = "Rename: ";
pub const TAGS_LABEL: &str = "Tags (comma separated): ";
pub const EDIT_HINT: &str = "Enter save · Esc cancel";

pub const HINT_LIST: &str =
    "↑↓ move · Enter open · / search · r rename · t tags · d delete · Ctrl+R reload · Esc close";
pub const HINT_SEARCH: &str = "type to search · ↑↓ move · Enter open · Esc back to the list";

pub const CONFIRM_TITLE: &str = "Delete session";
pub const CONFIRM_HINT: &str = "y delete · n / Esc keep";

/// The question of the delete confirmation.
pub fn confirm_delete(title: &str, turns: u32) -> String {
    let noun = if turns == 1 { "turn" } else { "turns" };
    format!("Delete \"{title}\" ({turns} {noun})? This cannot be undone.")
}

/// Count shown in the browser's title.
pub fn title_count(shown: usize) -> String {
    format!(" {TITLE} ({shown}) ")
}

pub fn renamed(title: &str) -> String {
    format!("Renamed to \"{title}\"")
}
pub const TAGS_SAVED: &str = "Tags saved";
pub const DELETED: &str = "Session deleted";

pub fn store_error(msg: &str) -> String {
    format!("Store error: {msg}")
}

// ---- replay grid ----

pub const GRID_TITLE: &str = "Replay";
pub const GRID_PROMPT_COL: &str = "Prompt";
pub const CELL_PENDING: &str = "·";
pub const CELL_RUNNING: &str = "running";
pub const CELL_SKIPPED: &str = "skipped";
pub const CELL_CANCELLED: &str = "cancelled";
pub const CELL_OK_NO_TTFT: &str = "ok";
pub const SPENT: &str = "spent";
pub const CAP: &str = "cap";
pub const NO_CAP: &str = "no cap";
pub const GRID_HINT_RUNNING: &str =
    "←↑↓→ move · Enter open as a comparison · c / Esc stop · q hide";
pub const GRID_HINT_DONE: &str = "←↑↓→ move · Enter open as comparison · Esc close";

/// The gauge's label: cells settled (ok, failed or cancelled) of all cells, and those not run.
pub fn grid_progress(answered: usize, skipped: usize, total: usize) -> String {
    if skipped == 0 {
        format!("{answered}/{total} done")
    } else {
        format!("{answered}/{total} done · {skipped} skipped")
    }
}

pub fn unpriced_cells(n: usize) -> String {
    format!("+ {n} unpriced")
}

pub fn replay_state(state: &str) -> String {
    format!("({state})")
}
pub const STATE_RUNNING: &str = "running";
pub const STATE_DONE: &str = "done";
pub const STATE_CANCELLED: &str = "stopped";
pub const STATE_CAP: &str = "stopped at the cost cap";

pub fn replay_failed(msg: &str) -> String {
    format!("Replay failed: {msg}")
}

// ---- in the workbench ----

pub const REPLAY_PATH_TITLE: &str = "Replay a prompt set";
pub const REPLAY_PATH_LABEL: &str = "File: ";
pub const REPLAY_PATH_HINT: &str =
    "a .toml, .jsonl or .txt prompt set; add  --max-cost USD  for a cap · Enter start · Esc cancel";
pub const REPLAY_NEEDS_MODELS: &str = "Pick models first: a replay runs across the panes' models";
pub const REPLAY_RUNNING: &str = "A replay is already running: press p to see its grid";
pub const REPLAY_BAD_CAP: &str = "--max-cost needs a number of US dollars, e.g. --max-cost 0.50";
pub const RERUN_NOTHING: &str = "Nothing to re-run yet: send or reopen a prompt first";
pub const RERUN_PICK: &str = "Pick the models to send the last prompt to, then Enter";
pub const WAIT_FOR_STREAMS: &str = "Wait for the streams to finish (or cancel them) first";

pub fn reopened(title: &str, turns: usize) -> String {
    let noun = if turns == 1 { "turn" } else { "turns" };
    format!("Reopened \"{title}\" ({turns} {noun}): type to continue the conversation")
}

pub fn open_failed(msg: &str) -> String {
    format!("Could not open the session: {msg}")
}

pub fn replay_start_failed(msg: &str) -> String {
    format!("Could not start the replay: {msg}")
}
