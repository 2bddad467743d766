//! Export a session as Markdown, HTML, JSON or CSV: pure functions of a [`Session`]. Each
//! export states the metric definitions (DESIGN §5; CSV through its column names and sources),
//! the prices used (as_of and source per model), marks simulated models and estimated figures
//! (`~`), and shows "unpriced", never $0, for a model without a price.

mod csv;
pub mod figures;
mod html;
mod md;

pub use self::csv::{COLUMNS as CSV_COLUMNS, to_csv};
pub use html::{esc as html_escape, to_html};
pub use md::to_markdown;

use crate::record::Session;

/// The session itself, pretty-printed: the import format, lossless.
pub fn to_json(s: &Session) -> String {
    // A Session holds only strings, numbers and enums: serialising it cannot fail.
    serde_json::to_string_pretty(s).unwrap_or_default()
}

/// Read a JSON export back, checking that it holds together. The error says what is wrong
/// (the caller adds the file name).
pub fn from_json(text: &str) -> Result<Session, String> {
    let s: Session = serde_json::from_str(text).map_err(|e| e.to_string())?;
    crate::store::validate(&s)?;
    Ok(s)
}
