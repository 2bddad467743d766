//! `juxta sessions list|show ID|search TEXT|rm ID [--json]`.

use std::io::{BufRead, IsTerminal, Write};

use crate::cli::{SessionsAction, SessionsArgs};
use crate::export::figures as fig;
use crate::record::{Session, SessionSummary};
use crate::sanitize::clean;
use crate::store::{Store, StoreError};
use crate::strings::store as text;

use super::{EXIT_OK, EXIT_USAGE};

pub fn run(args: SessionsArgs) -> u8 {
    match try_run(args) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("juxta: {e}");
            EXIT_USAGE
        }
    }
}

fn try_run(args: SessionsArgs) -> Result<u8, StoreError> {
    let store = Store::open_default()?;
    let out = std::io::stdout();
    let mut out = out.lock();
    match args.action.unwrap_or(SessionsAction::List { limit: 50 }) {
        SessionsAction::List { limit } => {
            let list = store.list_sessions(limit)?;
            print_list(&mut out, &list, args.json, text::NO_SESSIONS);
        }
        SessionsAction::Search { text: q } => {
            let list = store.search(&q, 200)?;
            print_list(&mut out, &list, args.json, text::NO_MATCHES);
        }
        SessionsAction::Show { id } => {
            let s = store.load_session(&id)?;
            if args.json {
                let _ = writeln!(out, "{}", serde_json::to_string(&s).unwrap_or_default());
            } else {
                let _ = out.write_all(show(&s).as_bytes());
            }
        }
        SessionsAction::Rm { id, yes } => {
            let s = store.load_session(&id)?;
            if !yes && std::io::stdin().is_terminal() {
                eprint!("{}", text::confirm_rm(&s.id, &clean(&s.title)));
                let mut answer = String::new();
                let _ = std::io::stdin().lock().read_line(&mut answer);
                if !matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") {
                    eprintln!("{}", text::NOT_REMOVED);
                    return Ok(EXIT_OK);
                }
            }
            store.delete_session(&id)?;
            eprintln!("{}", text::removed(&id));
        }
    }
    Ok(EXIT_OK)
}

fn print_list(out: &mut impl Write, list: &[SessionSummary], json: bool, empty: &str) {
    if json {
        for s in list {
            let _ = writeln!(out, "{}", serde_json::to_string(s).unwrap_or_default());
        }
        return;
    }
    if list.is_empty() {
        eprintln!("{empty}");
        return;
    }
    for s in list {
        let cost = s
            .cost_usd
            .map_or_else(|| text::UNPRICED.to_owned(), fig::usd);
        let _ = writeln!(
            out,
            "{}  {}  {:>3} turn(s)  {:>10}  {}  [{}]",
            s.id,
            s.created_at.format("%Y-%m-%d %H:%M"),
            s.turns,
            cost,
            clean(&s.title),
            clean(&s.models.join(", "))
        );
    }
}

/// A saved session as readable text; every model text is cleaned of control sequences.
pub fn show(s: &Session) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let _ = writeln!(o, "{}", clean(&s.title));
    let _ = writeln!(
        o,
        "id {} · {} · {}",
        s.id,
        s.created_at.format("%Y-%m-%d %H:%M UTC"),
        clean(&s.models.join(", "))
    );
    if !s.tags.is_empty() {
        let _ = writeln!(o, "tags: {}", clean(&s.tags.join(", ")));
    }
    for t in &s.turns {
        let _ = writeln!(o, "\n══ {} ══", text::turn_heading(t.index + 1));
        if let Some(sys) = &t.system {
            let _ = writeln!(o, "{}: {}", text::SYSTEM, clean(sys));
        }
        let _ = writeln!(o, "{}", clean(&t.prompt));
        for r in &t.responses {
            let _ = writeln!(
                o,
                "\n── {} · {} ──",
                clean(&fig::model_label(r)),
                fig::status(r)
            );
            if !r.reasoning.is_empty() {
                let _ = writeln!(
                    o,
                    "[{}]\n{}\n[/{}]",
                    text::REASONING,
                    clean(&r.reasoning),
                    text::REASONING
                );
            }
            let _ = writeln!(o, "{}", clean(&r.text));
            if let Some(e) = &r.error {
                let _ = writeln!(o, "{}", clean(&e.message));
            }
            let m = &r.metrics;
            let src = m.tokens.source;
            let _ = writeln!(
                o,
                "TTFT {} · E2E {} · {} tok/s · in {} · out {} · {}",
                fig::ms(m.ttft_ms),
                fig::ms(m.e2e_ms),
                fig::tps(m.decode_tps),
                fig::tokens(m.tokens.input, src),
                fig::tokens(m.tokens.output, src),
                fig::cost(&r.cost)
            );
        }
    }
    o
}
