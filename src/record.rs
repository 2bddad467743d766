//! The records of what juxta compared: sessions, turns and responses. Shared by the engine (which
//! produces responses), the store (which saves them), export/import and the workbench. The JSON
//! form of [`Session`] is the export/import format: fields may be added, never renamed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Price;
use crate::cost::Cost;
use crate::metrics::Metrics;
use crate::provider::{ErrorKind, Params, ProviderError};

/// How a response ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Still streaming (only ever seen in a checkpoint or live state).
    Streaming,
    Ok,
    Error,
    Cancelled,
    /// Cut off by a crash or kill: the text is what the last checkpoint held.
    Interrupted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Streaming => "streaming",
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Cancelled => "cancelled",
            Status::Interrupted => "interrupted",
        }
    }
    pub fn is_settled(self) -> bool {
        !matches!(self, Status::Streaming)
    }
}

/// An error as recorded (no retry hints, never a key).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ErrorInfo {
    pub kind: ErrorKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub message: String,
}

impl From<&ProviderError> for ErrorInfo {
    fn from(e: &ProviderError) -> Self {
        ErrorInfo {
            kind: e.kind,
            status: e.status,
            message: e.message.clone(),
        }
    }
}

/// One model's answer to one turn.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResponseRecord {
    /// Position of the pane (column) in the comparison.
    pub pane: u32,
    /// `provider:model`.
    pub model: String,
    pub open_weights: bool,
    /// Produced by the built-in demo provider.
    pub simulated: bool,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorInfo>,
    pub text: String,
    #[serde(default)]
    pub reasoning: String,
    pub metrics: Metrics,
    pub cost: Cost,
    /// The price used, copied so an old comparison keeps its old cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub price: Option<Price>,
    pub started_at: DateTime<Utc>,
    /// Which repeat of a replay cell this is (0 for interactive turns).
    #[serde(default)]
    pub repeat: u32,
}

/// One prompt sent to several models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    /// 0-based position in the session.
    pub index: u32,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default)]
    pub params: Params,
    /// The prompt-set entry this turn replays.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub responses: Vec<ResponseRecord>,
}

/// What kind of work a session holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionKind {
    /// Prompts typed in the workbench or given to `juxta run`.
    Chat,
    /// A prompt set replayed across models.
    Replay,
}

/// A vote: which response of a turn was best.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vote {
    pub turn: u32,
    /// The winning model id; None for a tie / "all bad".
    pub winner: Option<String>,
    pub blind: bool,
    pub created_at: DateTime<Utc>,
}

/// A saved comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Format version of this record.
    pub version: u32,
    pub id: String,
    pub title: String,
    pub kind: SessionKind,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The models compared, in pane order.
    pub models: Vec<String>,
    pub turns: Vec<Turn>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub votes: Vec<Vote>,
    /// For replays: the prompt set's name and file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_set: Option<String>,
}

pub const SESSION_VERSION: u32 = 1;

/// A one-line view of a session for lists and search results (`sessions list --json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub models: Vec<String>,
    pub turns: u32,
    /// None when any response is unpriced.
    pub cost_usd: Option<f64>,
}
