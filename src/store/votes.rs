//! Votes with the models of their turn, for the leaderboard.

use rusqlite::OptionalExtension;

use super::{Result, Store};
use crate::record::Vote;

/// A vote with the session it belongs to and the models its turn showed (pane order).
#[derive(Clone, Debug, PartialEq)]
pub struct VoteInTurn {
    pub session: String,
    pub vote: Vote,
    pub models: Vec<String>,
}

impl Store {
    /// Every vote, oldest first, with the models of its turn: the distinct models of the turn's
    /// responses, or the session's models when the turn has none saved. With `tag`, only votes
    /// of sessions carrying that tag.
    pub fn votes_in_turns(&self, tag: Option<&str>) -> Result<Vec<VoteInTurn>> {
        let mut out = Vec::new();
        for (session, vote) in self.all_votes()? {
            if let Some(tag) = tag
                && !self.tags_of(&session)?.iter().any(|t| t == tag)
            {
                continue;
            }
            let models = self.turn_models(&session, vote.turn)?;
            out.push(VoteInTurn {
                session,
                vote,
                models,
            });
        }
        Ok(out)
    }

    fn turn_models(&self, session: &str, turn: u32) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT model FROM responses WHERE session_id = ?1 AND turn_idx = ?2 ORDER BY pane, rep",
            )
            .map_err(|e| self.err(e))?;
        let mut models: Vec<String> = Vec::new();
        let rows = stmt
            .query_map(rusqlite::params![session, turn], |r| r.get::<_, String>(0))
            .map_err(|e| self.err(e))?;
        for m in rows {
            let m = m.map_err(|e| self.err(e))?;
            if !models.contains(&m) {
                models.push(m);
            }
        }
        if models.is_empty() {
            let json: Option<String> = self
                .conn
                .query_row(
                    "SELECT models FROM sessions WHERE id = ?1",
                    [session],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| self.err(e))?;
            models = json
                .and_then(|j| serde_json::from_str(&j).ok())
                .unwrap_or_default();
        }
        Ok(models)
    }
}
