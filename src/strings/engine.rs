//! Messages of the engine (errors it makes itself, not the provider's).

pub fn key_missing(var: &str) -> String {
    format!(
        "{var} is not set: export your API key in that environment variable (see `juxta doctor`)"
    )
}

pub fn first_token_timeout(ms: u64) -> String {
    format!("no first token within {} (first-token timeout)", secs(ms))
}

pub fn idle_timeout(ms: u64) -> String {
    format!("no data for {} (idle timeout)", secs(ms))
}

pub const STREAM_ENDED_EARLY: &str = "connection closed mid-stream (no end marker)";

fn secs(ms: u64) -> String {
    if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}
