//! The SQLite store (DESIGN §7). Not yet implemented: see the signatures below.

use std::path::{Path, PathBuf};

use crate::record::{ResponseRecord, Session, SessionSummary, Turn};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, StoreError>;

pub struct Store {
    #[allow(dead_code)]
    path: PathBuf,
}

impl Store {
    /// `ProjectDirs::data_dir()/juxta.db` (XDG_DATA_HOME moves it).
    pub fn default_path() -> Option<PathBuf> {
        todo!()
    }
    pub fn open(_path: &Path) -> Result<Store> {
        todo!()
    }
    pub fn create_session(&self, _s: &Session) -> Result<()> {
        todo!()
    }
    pub fn add_turn(&self, _session: &str, _turn: &Turn) -> Result<()> {
        todo!()
    }
    /// Insert or update a response: a checkpoint while `status == Streaming`, final otherwise.
    pub fn save_response(&self, _session: &str, _turn: u32, _r: &ResponseRecord) -> Result<()> {
        todo!()
    }
    pub fn load_session(&self, _id: &str) -> Result<Session> {
        todo!()
    }
    pub fn list_sessions(&self, _limit: usize) -> Result<Vec<SessionSummary>> {
        todo!()
    }
    pub fn search(&self, _text: &str, _limit: usize) -> Result<Vec<SessionSummary>> {
        todo!()
    }
}
