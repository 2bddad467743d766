//! Export a session as Markdown, HTML, JSON or CSV: pure functions of a session. Not yet
//! implemented.
