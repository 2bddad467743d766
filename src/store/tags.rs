//! Session tags for lists (the session browser shows them beside each summary).

use super::{Result, Store};

impl Store {
    /// The tags of session `id`, in the order they were set (empty for an unknown id).
    pub fn tags_of(&self, id: &str) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT tag FROM tags WHERE session_id = ?1 ORDER BY pos")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([id], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        rows.collect::<rusqlite::Result<Vec<String>>>()
            .map_err(|e| self.err(e))
    }
}
