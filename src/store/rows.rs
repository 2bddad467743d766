//! Rows in and out: records ↔ SQL. Queryable columns sit beside lossless JSON copies of the
//! metrics, the cost and the price used.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};
use serde::de::DeserializeOwned;

use super::{Result, StoreError, classify, process, ts};
use crate::cost::Cost;
use crate::metrics::Metrics;
use crate::record::{
    ErrorInfo, ResponseRecord, Session, SessionKind, SessionSummary, Status, Turn, Vote,
};

fn json<T: serde::Serialize>(v: &T) -> rusqlite::Result<String> {
    serde_json::to_string(v).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
}

/// An enum to its serde name (`"snake_case"`).
fn name<T: serde::Serialize>(v: &T) -> rusqlite::Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Ok(other.to_string()),
        Err(e) => Err(rusqlite::Error::ToSqlConversionFailure(Box::new(e))),
    }
}

pub(super) fn insert_session(c: &Connection, s: &Session) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO sessions (id, version, title, kind, created_at, models, prompt_set) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![s.id, s.version, s.title, name(&s.kind)?, ts(&s.created_at), json(&s.models)?, s.prompt_set],
    )?;
    Ok(())
}

pub(super) fn replace_tags(c: &Connection, id: &str, tags: &[String]) -> rusqlite::Result<()> {
    c.execute("DELETE FROM tags WHERE session_id = ?1", [id])?;
    let mut stmt =
        c.prepare_cached("INSERT INTO tags (session_id, pos, tag) VALUES (?1, ?2, ?3)")?;
    for (i, t) in tags.iter().enumerate() {
        stmt.execute(params![id, i as i64, t])?;
    }
    Ok(())
}

pub(super) fn upsert_turn(c: &Connection, id: &str, t: &Turn) -> rusqlite::Result<()> {
    c.prepare_cached(
        "INSERT INTO turns (session_id, idx, prompt, system, params, prompt_id, tags, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
         ON CONFLICT (session_id, idx) DO UPDATE SET prompt = excluded.prompt, system = excluded.system, \
         params = excluded.params, prompt_id = excluded.prompt_id, tags = excluded.tags",
    )?
    .execute(params![id, t.index, t.prompt, t.system, json(&t.params)?, t.prompt_id, json(&t.tags)?, ts(&t.created_at)])?;
    Ok(())
}

pub(super) fn upsert_response(
    c: &Connection,
    id: &str,
    turn: u32,
    r: &ResponseRecord,
) -> rusqlite::Result<()> {
    let me = process::current();
    let m = &r.metrics;
    let price = r.price.as_ref().map(json).transpose()?;
    c.prepare_cached(
        "INSERT INTO responses (session_id, turn_idx, pane, rep, model, open_weights, simulated, status, \
           error_kind, error_status, error_message, text, reasoning, ttfb_ms, ttft_ms, ttfat_ms, e2e_ms, decode_tps, \
           input_tokens, cached_tokens, output_tokens, reasoning_tokens, token_source, retries, cost_usd, cost_source, \
           metrics, cost, price, started_at, checkpoint_at, writer_pid, writer_start, writer_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, \
           ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, ?34) \
         ON CONFLICT (session_id, turn_idx, pane, rep) DO UPDATE SET model = excluded.model, \
           open_weights = excluded.open_weights, simulated = excluded.simulated, status = excluded.status, \
           error_kind = excluded.error_kind, error_status = excluded.error_status, error_message = excluded.error_message, \
           text = excluded.text, reasoning = excluded.reasoning, ttfb_ms = excluded.ttfb_ms, ttft_ms = excluded.ttft_ms, \
           ttfat_ms = excluded.ttfat_ms, e2e_ms = excluded.e2e_ms, decode_tps = excluded.decode_tps, \
           input_tokens = excluded.input_tokens, cached_tokens = excluded.cached_tokens, \
           output_tokens = excluded.output_tokens, reasoning_tokens = excluded.reasoning_tokens, \
           token_source = excluded.token_source, retries = excluded.retries, cost_usd = excluded.cost_usd, \
           cost_source = excluded.cost_source, metrics = excluded.metrics, cost = excluded.cost, price = excluded.price, \
           started_at = excluded.started_at, checkpoint_at = excluded.checkpoint_at, writer_pid = excluded.writer_pid, \
           writer_start = excluded.writer_start, writer_id = excluded.writer_id \
         WHERE responses.status = 'streaming' OR excluded.status <> 'streaming' \
           OR excluded.started_at > responses.started_at",
    )?
    .execute(params![
        id,
        turn,
        r.pane,
        r.repeat,
        r.model,
        r.open_weights,
        r.simulated,
        r.status.as_str(),
        r.error.as_ref().map(|e| e.kind.as_str()),
        r.error.as_ref().and_then(|e| e.status),
        r.error.as_ref().map(|e| e.message.as_str()),
        r.text,
        r.reasoning,
        m.ttfb_ms,
        m.ttft_ms,
        m.ttfat_ms,
        m.e2e_ms,
        m.decode_tps,
        m.tokens.input.map(clamp),
        m.tokens.cached_input.map(clamp),
        m.tokens.output.map(clamp),
        m.tokens.reasoning.map(clamp),
        m.tokens.source.as_str(),
        m.retries,
        r.cost.usd,
        r.cost.source.as_str(),
        json(m)?,
        json(&r.cost)?,
        price,
        ts(&r.started_at),
        ts(&Utc::now()),
        me.pid,
        me.start,
        me.token,
    ])?;
    Ok(())
}

fn clamp(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

pub(super) fn insert_vote(c: &Connection, id: &str, v: &Vote) -> rusqlite::Result<()> {
    c.execute(
        "INSERT INTO votes (session_id, turn_idx, winner, blind, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![id, v.turn, v.winner, v.blind, ts(&v.created_at)],
    )?;
    Ok(())
}

/// Reads rows back, turning unreadable values into [`StoreError::BadRow`] naming the file.
struct Reader<'a> {
    path: &'a Path,
}

impl Reader<'_> {
    fn parse<T: DeserializeOwned>(&self, what: &'static str, s: &str) -> Result<T> {
        serde_json::from_str(s).map_err(|e| self.bad(what, e))
    }
    fn enum_<T: DeserializeOwned>(&self, what: &'static str, s: &str) -> Result<T> {
        serde_json::from_value(serde_json::Value::String(s.to_owned()))
            .map_err(|e| self.bad(what, e))
    }
    fn time(&self, what: &'static str, s: &str) -> Result<DateTime<Utc>> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|e| self.bad(what, e))
    }
    fn bad(&self, what: &'static str, e: impl std::fmt::Display) -> StoreError {
        StoreError::BadRow {
            path: self.path.to_owned(),
            what,
            message: e.to_string(),
        }
    }
}

pub(super) fn load_session(c: &Connection, path: &Path, id: &str) -> Result<Session> {
    let rd = Reader { path };
    let sql = |e| classify(path, e);
    type SRow = (u32, String, String, String, String, Option<String>);
    let row: Option<SRow> = c
        .query_row(
            "SELECT version, title, kind, created_at, models, prompt_set FROM sessions WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
        )
        .optional()
        .map_err(sql)?;
    let Some((version, title, kind, created_at, models, prompt_set)) = row else {
        return Err(StoreError::NotFound { id: id.to_owned() });
    };
    let kind: SessionKind = rd.enum_("session kind", &kind)?;
    let tags: Vec<String> = c
        .prepare_cached("SELECT tag FROM tags WHERE session_id = ?1 ORDER BY pos")
        .and_then(|mut s| s.query_map([id], |r| r.get(0))?.collect())
        .map_err(sql)?;

    type TRow = (
        u32,
        String,
        Option<String>,
        String,
        Option<String>,
        String,
        String,
    );
    let trows: Vec<TRow> = c
        .prepare_cached(
            "SELECT idx, prompt, system, params, prompt_id, tags, created_at FROM turns WHERE session_id = ?1 ORDER BY idx",
        )
        .and_then(|mut s| {
            s.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?)))?
                .collect()
        })
        .map_err(sql)?;
    let mut turns = Vec::with_capacity(trows.len());
    let mut by_index = BTreeMap::new();
    for (idx, prompt, system, params, prompt_id, ttags, created) in trows {
        by_index.insert(idx, turns.len());
        turns.push(Turn {
            index: idx,
            prompt,
            system,
            params: rd.parse("turn's parameters", &params)?,
            prompt_id,
            tags: rd.parse("turn's tags", &ttags)?,
            created_at: rd.time("turn's time", &created)?,
            responses: Vec::new(),
        });
    }

    let mut stmt = c
        .prepare_cached(
            "SELECT turn_idx, pane, rep, model, open_weights, simulated, status, error_kind, error_status, error_message, \
             text, reasoning, metrics, cost, price, started_at FROM responses WHERE session_id = ?1 \
             ORDER BY turn_idx, pane, rep",
        )
        .map_err(sql)?;
    let mut q = stmt.query([id]).map_err(sql)?;
    while let Some(r) = q.next().map_err(sql)? {
        let get = |i| -> Result<Value> { r.get::<_, Value>(i).map_err(sql) };
        let turn: u32 = r.get(0).map_err(sql)?;
        let error = match (
            r.get::<_, Option<String>>(7).map_err(sql)?,
            get(8)?,
            r.get::<_, Option<String>>(9).map_err(sql)?,
        ) {
            (Some(kind), status, message) => Some(ErrorInfo {
                kind: rd.enum_("error kind", &kind)?,
                status: match status {
                    Value::Integer(n) => u16::try_from(n).ok(),
                    _ => None,
                },
                message: message.unwrap_or_default(),
            }),
            _ => None,
        };
        let status: String = r.get(6).map_err(sql)?;
        let metrics: String = r.get(12).map_err(sql)?;
        let cost: String = r.get(13).map_err(sql)?;
        let price: Option<String> = r.get(14).map_err(sql)?;
        let started: String = r.get(15).map_err(sql)?;
        let rec = ResponseRecord {
            pane: r.get(1).map_err(sql)?,
            repeat: r.get(2).map_err(sql)?,
            model: r.get(3).map_err(sql)?,
            open_weights: r.get(4).map_err(sql)?,
            simulated: r.get(5).map_err(sql)?,
            status: rd.enum_::<Status>("response status", &status)?,
            error,
            text: r.get(10).map_err(sql)?,
            reasoning: r.get(11).map_err(sql)?,
            metrics: rd.parse::<Metrics>("response's metrics", &metrics)?,
            cost: rd.parse::<Cost>("response's cost", &cost)?,
            price: price
                .map(|p| rd.parse("response's price", &p))
                .transpose()?,
            started_at: rd.time("response's start time", &started)?,
        };
        match by_index.get(&turn) {
            Some(&i) => turns[i].responses.push(rec),
            None => return Err(rd.bad("response", format!("turn {turn} is missing"))),
        }
    }
    drop(q);

    type VRow = (u32, Option<String>, bool, String);
    let vrows: Vec<VRow> = c
        .prepare_cached("SELECT turn_idx, winner, blind, created_at FROM votes WHERE session_id = ?1 ORDER BY id")
        .and_then(|mut s| s.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?.collect())
        .map_err(sql)?;
    let votes = vrows
        .into_iter()
        .map(|(turn, winner, blind, t)| {
            Ok(Vote {
                turn,
                winner,
                blind,
                created_at: rd.time("vote's time", &t)?,
            })
        })
        .collect::<Result<Vec<_>>>()?;

    Ok(Session {
        version,
        id: id.to_owned(),
        title,
        kind,
        created_at: rd.time("session's time", &created_at)?,
        tags,
        models: rd.parse("session's models", &models)?,
        turns,
        votes,
        prompt_set,
    })
}

/// Summaries of the sessions matching `filter` (an SQL condition on `s`, with `args`), newest
/// first. The total cost is None when any response has no cost (unpriced or unknown).
pub(super) fn summaries(
    c: &Connection,
    path: &Path,
    filter: &str,
    args: &[String],
    limit: usize,
) -> Result<Vec<SessionSummary>> {
    let rd = Reader { path };
    let sql = format!(
        "SELECT s.id, s.title, s.created_at, s.models, \
           (SELECT COUNT(*) FROM turns t WHERE t.session_id = s.id), \
           (SELECT COUNT(*) FROM responses r WHERE r.session_id = s.id), \
           (SELECT COUNT(*) FROM responses r WHERE r.session_id = s.id AND r.cost_usd IS NULL), \
           (SELECT TOTAL(r.cost_usd) FROM responses r WHERE r.session_id = s.id) \
         FROM sessions s {} ORDER BY s.created_at DESC, s.id DESC LIMIT {}",
        if filter.is_empty() {
            String::new()
        } else {
            format!("WHERE {filter}")
        },
        i64::try_from(limit).unwrap_or(i64::MAX)
    );
    let mut stmt = c.prepare_cached(&sql).map_err(|e| classify(path, e))?;
    type Row = (String, String, String, String, u32, u32, u32, f64);
    let rows: Vec<Row> = stmt
        .query_map(params_from_iter(args.iter()), |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
            ))
        })
        .and_then(|it| it.collect())
        .map_err(|e| classify(path, e))?;
    rows.into_iter()
        .map(
            |(id, title, created, models, turns, responses, uncosted, total)| {
                Ok(SessionSummary {
                    id,
                    title,
                    created_at: rd.time("session's time", &created)?,
                    models: rd.parse("session's models", &models)?,
                    turns,
                    cost_usd: (responses > 0 && uncosted == 0).then_some(total),
                })
            },
        )
        .collect()
}

pub(super) fn all_votes(c: &Connection, path: &Path) -> Result<Vec<(String, Vote)>> {
    let rd = Reader { path };
    type VRow = (String, u32, Option<String>, bool, String);
    let rows: Vec<VRow> = c
        .prepare_cached("SELECT session_id, turn_idx, winner, blind, created_at FROM votes ORDER BY created_at, id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect())
        .map_err(|e| classify(path, e))?;
    rows.into_iter()
        .map(|(sid, turn, winner, blind, t)| {
            Ok((
                sid,
                Vote {
                    turn,
                    winner,
                    blind,
                    created_at: rd.time("vote's time", &t)?,
                },
            ))
        })
        .collect()
}
