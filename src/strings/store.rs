//! Text of the store, the `sessions`, `export` and `import` commands.

use std::path::Path;

pub fn cannot_create_folder(dir: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot create the data folder {}: {err}", dir.display())
}
pub fn cannot_open(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot open the session store {}: {err}", path.display())
}
pub fn not_a_database(path: &Path) -> String {
    format!(
        "the session store {} is corrupt or not a juxta database; move it aside (juxta will start a new one) \
         or restore it from a backup",
        path.display()
    )
}
pub fn locked(path: &Path) -> String {
    format!(
        "the session store {} is locked by another process; try again in a moment",
        path.display()
    )
}
pub fn too_new(path: &Path, found: u32, supported: u32) -> String {
    format!(
        "the session store {} has schema version {found}, newer than this juxta understands ({supported}); \
         upgrade juxta",
        path.display()
    )
}
pub fn sql(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("session store {}: {err}", path.display())
}
pub fn bad_row(path: &Path, what: &str, err: &dyn std::fmt::Display) -> String {
    format!(
        "session store {}: a saved {what} cannot be read ({err})",
        path.display()
    )
}
pub fn not_found(id: &str) -> String {
    format!("no session with id '{id}' (see `juxta sessions list`)")
}
pub fn exists(id: &str) -> String {
    format!(
        "a session with id '{id}' already exists; nothing was imported (remove it first with `juxta sessions rm {id}`)"
    )
}
pub fn no_data_dir() -> &'static str {
    "cannot find a data folder for the session store (set XDG_DATA_HOME or HOME)"
}
pub fn no_turn(id: &str, turn: u32) -> String {
    format!("session '{id}' has no turn {turn}")
}

// ---- sessions command ----
pub const NO_SESSIONS: &str = "no saved sessions yet";
pub const NO_MATCHES: &str = "no session matches";
pub const UNPRICED: &str = "unpriced";
pub const SIMULATED: &str = "simulated";
pub fn confirm_rm(id: &str, title: &str) -> String {
    format!("remove session {id} \"{title}\"? [y/N] ")
}
pub fn removed(id: &str) -> String {
    format!("removed session {id}")
}
pub const NOT_REMOVED: &str = "not removed";
pub fn session_saved(id: &str) -> String {
    format!("session: {id}")
}

// ---- import / export ----
pub fn import_read(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot read {}: {err}", path.display())
}
pub fn import_parse(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("{} is not a juxta session export: {err}", path.display())
}
pub fn import_invalid(path: &Path, what: &str) -> String {
    format!("{} is not a valid juxta session: {what}", path.display())
}
pub fn imported(id: &str, title: &str) -> String {
    format!("imported session {id} \"{title}\"")
}
pub fn export_write(path: &Path, err: &dyn std::fmt::Display) -> String {
    format!("cannot write {}: {err}", path.display())
}
