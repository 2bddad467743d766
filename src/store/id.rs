//! Session ids: short, sortable and unique. Nine characters of milliseconds since the Unix epoch
//! in lowercase Crockford base32 (sorts as text in time order, lasts until the year 3084),
//! then four random characters (20 bits), e.g. `01kaqz3x5m7rw`.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A new session id for a session created at `now`.
pub fn new_session_id(now: DateTime<Utc>) -> String {
    let ms = u64::try_from(now.timestamp_millis()).unwrap_or(0);
    let mut out = String::with_capacity(13);
    push_base32(&mut out, ms, 9);
    push_base32(&mut out, random_u64(), 4);
    out
}

fn push_base32(out: &mut String, v: u64, digits: u32) {
    for i in (0..digits).rev() {
        let d = ((v >> (i * 5)) & 31) as usize;
        out.push(ALPHABET[d] as char);
    }
}

/// Random bits without a dependency: std's randomly keyed hasher, a counter and the clock.
pub(crate) fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = RandomState::new().build_hasher();
    h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    h.finish()
}

/// Whether `s` looks like an id this module makes (used only to word error messages).
pub fn looks_like_id(s: &str) -> bool {
    s.len() == 13 && s.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time_and_are_unique() {
        let a = new_session_id(DateTime::from_timestamp_millis(1_700_000_000_000).unwrap());
        let b = new_session_id(DateTime::from_timestamp_millis(1_700_000_000_001).unwrap());
        assert!(a < b);
        assert_eq!(a.len(), 13);
        assert!(looks_like_id(&a));
        let now = Utc::now();
        let ids: std::collections::HashSet<String> =
            (0..1000).map(|_| new_session_id(now)).collect();
        assert!(ids.len() > 990);
    }
}
