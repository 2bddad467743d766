//! The SQLite store (DESIGN §7): one database `ProjectDirs::data_dir()/juxta.db`, created 0600,
//! WAL, a busy timeout, foreign keys, versioned migrations ([`schema`]), FTS5 search.
//!
//! A [`Store`] holds one connection: it is `Send`, not `Sync`. Open one per thread (the TUI's
//! background thread, `juxta run`, ...); several processes may use the database at once.
//!
//! Responses are written with [`Store::save_response`]: a checkpoint while the status is
//! `streaming`, the final record otherwise, each in a transaction. [`SessionWriter`] does the
//! throttling (one checkpoint per response at most every 500 ms) for consumers of engine events.
//! On open, [`Store::recover_interrupted`] marks responses left `streaming` by a dead process as
//! `interrupted`, keeping their checkpointed text.

pub mod id;
pub mod process;
mod rows;
pub mod schema;
mod search;
mod tags;
mod votes;
pub use votes::VoteInTurn;
pub mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::record::{ResponseRecord, SESSION_VERSION, Session, SessionSummary, Turn, Vote};
use crate::strings::store as text;

pub use id::new_session_id;
pub use writer::SessionWriter;

/// What went wrong with the store. Every message names the file (or the session) concerned.
#[derive(Debug)]
pub enum StoreError {
    Other(String),
    /// No home or data folder could be found.
    NoDataDir,
    /// The folder of the database could not be created.
    Folder {
        dir: PathBuf,
        source: std::io::Error,
    },
    /// The file could not be opened at all.
    Open {
        path: PathBuf,
        source: String,
    },
    /// The file is not an SQLite database, or a damaged one.
    Corrupt {
        path: PathBuf,
    },
    /// Another process holds a lock longer than the busy timeout.
    Locked {
        path: PathBuf,
    },
    /// Written by a newer juxta.
    TooNew {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    /// Any other SQLite failure.
    Sql {
        path: PathBuf,
        source: rusqlite::Error,
    },
    /// A saved row whose JSON or enum text cannot be read back.
    BadRow {
        path: PathBuf,
        what: &'static str,
        message: String,
    },
    NotFound {
        id: String,
    },
    Exists {
        id: String,
    },
    NoTurn {
        id: String,
        turn: u32,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            StoreError::Other(s) => s.clone(),
            StoreError::NoDataDir => text::no_data_dir().to_owned(),
            StoreError::Folder { dir, source } => text::cannot_create_folder(dir, source),
            StoreError::Open { path, source } => text::cannot_open(path, source),
            StoreError::Corrupt { path } => text::not_a_database(path),
            StoreError::Locked { path } => text::locked(path),
            StoreError::TooNew {
                path,
                found,
                supported,
            } => text::too_new(path, *found, *supported),
            StoreError::Sql { path, source } => text::sql(path, source),
            StoreError::BadRow {
                path,
                what,
                message,
            } => text::bad_row(path, what, message),
            StoreError::NotFound { id } => text::not_found(id),
            StoreError::Exists { id } => text::exists(id),
            StoreError::NoTurn { id, turn } => text::no_turn(id, *turn),
        };
        f.write_str(&s)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Folder { source, .. } => Some(source),
            StoreError::Sql { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl StoreError {
    /// A usage-level error (unknown id, existing id) rather than a broken store.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            StoreError::NotFound { .. } | StoreError::Exists { .. } | StoreError::NoTurn { .. }
        )
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Classify an SQLite error: locks and corruption get their own clear messages.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    match e.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked {
            path: path.to_owned(),
        },
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt {
            path: path.to_owned(),
        },
        Some(ErrorCode::CannotOpen) => StoreError::Open {
            path: path.to_owned(),
            source: e.to_string(),
        },
        _ => StoreError::Sql {
            path: path.to_owned(),
            source: e,
        },
    }
}

/// Default busy timeout: how long a writer waits for another process's transaction.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Fixed-width RFC 3339 (UTC, nanoseconds): sorts as text, round-trips exactly.
pub(crate) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

pub struct Store {
    path: PathBuf,
    conn: Connection,
}

impl Store {
    /// `ProjectDirs::data_dir()/juxta.db` (XDG_DATA_HOME moves it).
    pub fn default_path() -> Option<PathBuf> {
        directories::ProjectDirs::from("", "", "juxta").map(|d| d.data_dir().join("juxta.db"))
    }

    /// Open the default store ([`Store::default_path`]).
    pub fn open_default() -> Result<Store> {
        let path = Self::default_path().ok_or(StoreError::NoDataDir)?;
        Self::open(&path)
    }

    /// Open (creating if needed) the database at `path`, migrate it, and mark responses of dead
    /// writers as interrupted.
    pub fn open(path: &Path) -> Result<Store> {
        Self::open_with_timeout(path, BUSY_TIMEOUT)
    }

    /// [`Store::open`] with another busy timeout (tests use a short one).
    pub fn open_with_timeout(path: &Path, busy: Duration) -> Result<Store> {
        let path = path.to_owned();
        if let Some(dir) = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty() && !d.exists())
        {
            create_private_dir(dir).map_err(|source| StoreError::Folder {
                dir: dir.to_owned(),
                source,
            })?;
        }
        if !path.exists() {
            create_private_file(&path).map_err(|e| StoreError::Open {
                path: path.clone(),
                source: e.to_string(),
            })?;
        }
        let mut conn = Connection::open(&path).map_err(|e| classify(&path, e))?;
        conn.busy_timeout(busy).map_err(|e| classify(&path, e))?;
        let setup = || -> rusqlite::Result<()> {
            conn.pragma_update(None, "foreign_keys", "ON")?;
            let _mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            Ok(())
        };
        setup().map_err(|e| classify(&path, e))?;
        migrate(&mut conn, &path)?;
        let store = Store { path, conn };
        store.recover_interrupted()?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A write transaction taking the write lock at once (BEGIN IMMEDIATE), so that the busy
    /// timeout applies; a deferred one that reads first would fail at once under contention.
    fn write_tx(&self) -> Result<rusqlite::Transaction<'_>> {
        rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate)
            .map_err(|e| self.err(e))
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<u32> {
        self.conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    pub fn exists(&self, id: &str) -> Result<bool> {
        self.conn
            .query_row("SELECT 1 FROM sessions WHERE id = ?1", [id], |_| Ok(()))
            .optional()
            .map(|o| o.is_some())
            .map_err(|e| self.err(e))
    }

    /// Save a new session with everything it already holds (tags, turns, responses, votes).
    /// An existing id is refused with [`StoreError::Exists`].
    pub fn create_session(&self, s: &Session) -> Result<()> {
        let tx = self.write_tx()?;
        if self.exists(&s.id)? {
            return Err(StoreError::Exists { id: s.id.clone() });
        }
        rows::insert_session(&tx, s).map_err(|e| self.err(e))?;
        rows::replace_tags(&tx, &s.id, &s.tags).map_err(|e| self.err(e))?;
        for turn in &s.turns {
            rows::upsert_turn(&tx, &s.id, turn).map_err(|e| self.err(e))?;
            for r in &turn.responses {
                rows::upsert_response(&tx, &s.id, turn.index, r).map_err(|e| self.err(e))?;
            }
        }
        for v in &s.votes {
            rows::insert_vote(&tx, &s.id, v).map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Add a turn (and any responses it already holds). Saving the same turn index again
    /// updates it, so a resumed replay may call this freely.
    pub fn add_turn(&self, session: &str, turn: &Turn) -> Result<()> {
        let tx = self.write_tx()?;
        if !self.exists(session)? {
            return Err(StoreError::NotFound {
                id: session.to_owned(),
            });
        }
        rows::upsert_turn(&tx, session, turn).map_err(|e| self.err(e))?;
        for r in &turn.responses {
            rows::upsert_response(&tx, session, turn.index, r).map_err(|e| self.err(e))?;
        }
        tx.commit().map_err(|e| self.err(e))
    }

    /// Insert or update a response (keyed by turn, pane and repeat): a checkpoint while
    /// `status == Streaming`, final otherwise. A late checkpoint never overwrites a settled
    /// response of the same attempt (same `started_at`); a newer attempt (a retried pane) does.
    pub fn save_response(&self, session: &str, turn: u32, r: &ResponseRecord) -> Result<()> {
        let tx = self.write_tx()?;
        let has_turn = tx
            .query_row(
                "SELECT 1 FROM turns WHERE session_id = ?1 AND idx = ?2",
                params![session, turn],
                |_| Ok(()),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .is_some();
        if !has_turn {
            return Err(if self.exists(session)? {
                StoreError::NoTurn {
                    id: session.to_owned(),
                    turn,
                }
            } else {
                StoreError::NotFound {
                    id: session.to_owned(),
                }
            });
        }
        rows::upsert_response(&tx, session, turn, r).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// The whole session: turns in order, each with its responses in pane (then repeat) order.
    pub fn load_session(&self, id: &str) -> Result<Session> {
        rows::load_session(&self.conn, &self.path, id)
    }

    /// Newest first.
    pub fn list_sessions(&self, limit: usize) -> Result<Vec<SessionSummary>> {
        rows::summaries(&self.conn, &self.path, "", &[], limit)
    }

    /// Sessions whose title, a prompt or an answer contains every word of `text`
    /// (case-insensitive substring match; any punctuation, CJK included). Newest first.
    pub fn search(&self, text: &str, limit: usize) -> Result<Vec<SessionSummary>> {
        match search::filter(text) {
            None => self.list_sessions(limit),
            Some((clause, args)) => rows::summaries(&self.conn, &self.path, &clause, &args, limit),
        }
    }

    pub fn rename(&self, id: &str, title: &str) -> Result<()> {
        let n = self
            .conn
            .execute(
                "UPDATE sessions SET title = ?2 WHERE id = ?1",
                params![id, title],
            )
            .map_err(|e| self.err(e))?;
        if n == 0 {
            return Err(StoreError::NotFound { id: id.to_owned() });
        }
        Ok(())
    }

    /// Replace the models list (pane order), e.g. when a pane is added to a running comparison.
    pub fn set_models(&self, id: &str, models: &[String]) -> Result<()> {
        let json = serde_json::to_string(models).map_err(|e| StoreError::Other(e.to_string()))?;
        let n = self
            .conn
            .execute(
                "UPDATE sessions SET models = ?2 WHERE id = ?1",
                params![id, json],
            )
            .map_err(|e| self.err(e))?;
        if n == 0 {
            return Err(StoreError::NotFound { id: id.to_owned() });
        }
        Ok(())
    }

    pub fn set_tags(&self, id: &str, tags: &[String]) -> Result<()> {
        let tx = self.write_tx()?;
        if !self.exists(id)? {
            return Err(StoreError::NotFound { id: id.to_owned() });
        }
        rows::replace_tags(&tx, id, tags).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Remove a session and everything in it.
    pub fn delete_session(&self, id: &str) -> Result<()> {
        let n = self
            .conn
            .execute("DELETE FROM sessions WHERE id = ?1", [id])
            .map_err(|e| self.err(e))?;
        if n == 0 {
            return Err(StoreError::NotFound { id: id.to_owned() });
        }
        Ok(())
    }

    pub fn add_vote(&self, id: &str, vote: &Vote) -> Result<()> {
        let tx = self.write_tx()?;
        if !self.exists(id)? {
            return Err(StoreError::NotFound { id: id.to_owned() });
        }
        rows::insert_vote(&tx, id, vote).map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Every vote of every session, oldest first, with its session id (for the leaderboard).
    pub fn all_votes(&self) -> Result<Vec<(String, Vote)>> {
        rows::all_votes(&self.conn, &self.path)
    }

    /// Save an imported session, keeping its id. Refuses an id that exists and a session that
    /// does not hold together (see [`validate`]).
    pub fn import_session(&self, s: &Session) -> Result<()> {
        validate(s).map_err(StoreError::Other)?;
        self.create_session(s)
    }

    /// Responses still `streaming` whose writer is gone (dead, a reused pid, or this pid's
    /// previous run) become `interrupted`, keeping their checkpointed text. Rows of another
    /// live process are never touched. Returns how many were marked. Called by [`Store::open`].
    pub fn recover_interrupted(&self) -> Result<usize> {
        let me = process::current();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT session_id, turn_idx, pane, rep, writer_pid, writer_start, writer_id, checkpoint_at \
                 FROM responses WHERE status = 'streaming'",
            )
            .map_err(|e| self.err(e))?;
        type Row = (
            String,
            u32,
            u32,
            u32,
            Option<u32>,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = stmt
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                    r.get(7)?,
                ))
            })
            .and_then(|it| it.collect())
            .map_err(|e| self.err(e))?;
        let stale_after = chrono::Duration::minutes(10);
        let mut marked = 0;
        for (sid, turn, pane, rep, pid, start, token, checkpoint) in rows {
            if token.as_deref() == Some(me.token.as_str()) {
                continue; // ours, live
            }
            let dead = match pid {
                None => true,
                Some(p) if p == me.pid => true, // this pid's previous run
                Some(p) => match process::liveness(p, start.as_deref()) {
                    process::Liveness::Alive => false,
                    process::Liveness::Dead => true,
                    process::Liveness::Unknown => DateTime::parse_from_rfc3339(&checkpoint)
                        .map(|t| Utc::now().signed_duration_since(t) > stale_after)
                        .unwrap_or(true),
                },
            };
            if dead {
                marked += self
                    .conn
                    .execute(
                        "UPDATE responses SET status = 'interrupted' \
                         WHERE session_id = ?1 AND turn_idx = ?2 AND pane = ?3 AND rep = ?4 AND status = 'streaming'",
                        params![sid, turn, pane, rep],
                    )
                    .map_err(|e| self.err(e))?;
            }
        }
        Ok(marked)
    }
}

/// Check that an imported session holds together; the message says what is wrong.
pub fn validate(s: &Session) -> std::result::Result<(), String> {
    if s.version > SESSION_VERSION {
        return Err(format!(
            "format version {} is newer than this juxta reads ({SESSION_VERSION})",
            s.version
        ));
    }
    if s.id.trim().is_empty()
        || s.id.len() > 128
        || s.id.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(format!("invalid session id {:?}", s.id));
    }
    let mut seen = std::collections::HashSet::new();
    for t in &s.turns {
        if !seen.insert(t.index) {
            return Err(format!("turn index {} appears twice", t.index));
        }
        let mut cells = std::collections::HashSet::new();
        for r in &t.responses {
            if !cells.insert((r.pane, r.repeat)) {
                return Err(format!(
                    "turn {}: pane {} repeat {} appears twice",
                    t.index, r.pane, r.repeat
                ));
            }
            if r.model.trim().is_empty() {
                return Err(format!("turn {}: a response has no model", t.index));
            }
        }
    }
    for v in &s.votes {
        if !seen.contains(&v.turn) {
            return Err(format!(
                "a vote names turn {}, which does not exist",
                v.turn
            ));
        }
    }
    Ok(())
}

fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let supported = schema::LATEST;
    let read = |c: &Connection| -> Result<u32> {
        c.query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| classify(path, e))
    };
    let found = read(conn)?;
    if found > supported {
        return Err(StoreError::TooNew {
            path: path.to_owned(),
            found,
            supported,
        });
    }
    if found == supported {
        return Ok(());
    }
    // IMMEDIATE: two processes opening a new store at once migrate it one after the other.
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(|e| classify(path, e))?;
    let found = read(&tx)?;
    for m in schema::MIGRATIONS.iter().skip(found as usize) {
        tx.execute_batch(m).map_err(|e| classify(path, e))?;
    }
    tx.pragma_update(None, "user_version", supported)
        .map_err(|e| classify(path, e))?;
    tx.commit().map_err(|e| classify(path, e))
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}
#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Create an empty file readable only by its owner (SQLite gives the WAL and shm files the
/// same mode). A file that appeared meanwhile is fine.
pub(crate) fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    match o.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}
