//! Who wrote a row: this process's id, its start time and a random token, so that
//! `recover_interrupted` can tell a dead writer (or a reused pid) from a live one.

use std::sync::OnceLock;

/// The identity of the current process as written into checkpoint rows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Writer {
    pub pid: u32,
    /// The process start time as the kernel reports it (Linux: `/proc/PID/stat` field 22).
    pub start: Option<String>,
    /// Random per process run.
    pub token: String,
}

pub fn current() -> &'static Writer {
    static ME: OnceLock<Writer> = OnceLock::new();
    ME.get_or_init(|| {
        let pid = std::process::id();
        Writer {
            pid,
            start: start_time(pid),
            token: format!("{:016x}", super::id::random_u64()),
        }
    })
}

/// What we know about whether a writer is still running.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Liveness {
    Alive,
    Dead,
    /// No way to tell on this system.
    Unknown,
}

/// Whether the process that wrote a row is still running.
pub fn liveness(pid: u32, start: Option<&str>) -> Liveness {
    let proc_root = std::path::Path::new("/proc/self/stat");
    if !proc_root.exists() {
        return Liveness::Unknown;
    }
    match start_time(pid) {
        None => Liveness::Dead,
        Some(now) => match start {
            // The pid was reused by another program: the writer is gone.
            Some(then) if then != now => Liveness::Dead,
            _ => Liveness::Alive,
        },
    }
}

/// Field 22 (starttime) of `/proc/PID/stat`; the command name (field 2) may contain spaces and
/// parentheses, so fields are counted after the last `)`.
fn start_time(pid: u32) -> Option<String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    // After ')': field 3 is the state; a zombie (killed, not yet reaped) is not running.
    if matches!(fields.next(), Some("Z" | "X" | "x")) {
        return None;
    }
    // starttime is field 22, i.e. the 19th after the state.
    fields.nth(18).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_is_alive_and_a_silly_pid_is_not() {
        let me = current();
        if me.start.is_some() {
            assert_eq!(liveness(me.pid, me.start.as_deref()), Liveness::Alive);
            assert_eq!(liveness(me.pid, Some("1")), Liveness::Dead);
            assert_eq!(liveness(u32::MAX - 7, None), Liveness::Dead);
        }
    }
}
