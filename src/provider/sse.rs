//! SSE and NDJSON framing. Not yet implemented.
