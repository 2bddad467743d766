//! The store's schema: an ordered list of migrations. `PRAGMA user_version` holds how many have
//! been applied. A migration, once released, is never edited: add a new one instead.

/// v1: sessions, turns, responses. v2: votes, tags, FTS5 (trigram) over prompts and answers,
/// kept in sync by triggers, and the index used to find interrupted responses. v3: a covering
/// index for the per-session cost totals of session lists (no read of the answer rows).
pub const MIGRATIONS: &[&str] = &[V1, V2, V3];

/// The schema version this build writes.
pub const LATEST: u32 = MIGRATIONS.len() as u32;

const V1: &str = r#"
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    created_at  TEXT NOT NULL,          -- RFC 3339, UTC, fixed width: sorts as text
    models      TEXT NOT NULL,          -- JSON array of provider:model
    prompt_set  TEXT
);
CREATE INDEX sessions_created ON sessions(created_at);

CREATE TABLE turns (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    idx         INTEGER NOT NULL,
    prompt      TEXT NOT NULL,
    system      TEXT,
    params      TEXT NOT NULL,          -- JSON
    prompt_id   TEXT,
    tags        TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, idx)
);

CREATE TABLE responses (
    session_id      TEXT NOT NULL,
    turn_idx        INTEGER NOT NULL,
    pane            INTEGER NOT NULL,
    rep             INTEGER NOT NULL DEFAULT 0,
    model           TEXT NOT NULL,
    open_weights    INTEGER NOT NULL,
    simulated       INTEGER NOT NULL,
    status          TEXT NOT NULL,      -- streaming | ok | error | cancelled | interrupted
    error_kind      TEXT,
    error_status    INTEGER,
    error_message   TEXT,
    text            TEXT NOT NULL,
    reasoning       TEXT NOT NULL,
    ttfb_ms         REAL,
    ttft_ms         REAL,
    ttfat_ms        REAL,
    e2e_ms          REAL,
    decode_tps      REAL,
    input_tokens    INTEGER,
    cached_tokens   INTEGER,
    output_tokens   INTEGER,
    reasoning_tokens INTEGER,
    token_source    TEXT NOT NULL,      -- reported | server | estimated
    retries         INTEGER NOT NULL,
    cost_usd        REAL,               -- NULL when unpriced or unknown, never 0 for unknown
    cost_source     TEXT NOT NULL,      -- reported | price_table | local | unpriced
    metrics         TEXT NOT NULL,      -- JSON of metrics::Metrics (lossless)
    cost            TEXT NOT NULL,      -- JSON of cost::Cost
    price           TEXT,               -- JSON of catalog::Price used
    started_at      TEXT NOT NULL,
    checkpoint_at   TEXT NOT NULL,      -- when this row was last written
    writer_pid      INTEGER,            -- the process that wrote it
    writer_start    TEXT,               -- that process's start time (/proc), against pid reuse
    writer_id       TEXT,               -- random per process
    PRIMARY KEY (session_id, turn_idx, pane, rep),
    FOREIGN KEY (session_id, turn_idx) REFERENCES turns(session_id, idx) ON DELETE CASCADE
);
"#;

const V2: &str = r#"
CREATE TABLE votes (
    id          INTEGER PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    turn_idx    INTEGER NOT NULL,
    winner      TEXT,
    blind       INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE INDEX votes_session ON votes(session_id);

CREATE TABLE tags (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    pos         INTEGER NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (session_id, pos)
);
CREATE INDEX tags_tag ON tags(tag);

CREATE INDEX responses_streaming ON responses(status) WHERE status = 'streaming';

CREATE VIRTUAL TABLE prompts_fts USING fts5(session_id UNINDEXED, body, tokenize = 'trigram');
CREATE VIRTUAL TABLE answers_fts USING fts5(session_id UNINDEXED, body, tokenize = 'trigram');

INSERT INTO prompts_fts(rowid, session_id, body) SELECT rowid, session_id, prompt FROM turns;
INSERT INTO answers_fts(rowid, session_id, body) SELECT rowid, session_id, text FROM responses;

CREATE TRIGGER turns_ai AFTER INSERT ON turns BEGIN
    INSERT INTO prompts_fts(rowid, session_id, body) VALUES (new.rowid, new.session_id, new.prompt);
END;
CREATE TRIGGER turns_ad AFTER DELETE ON turns BEGIN
    DELETE FROM prompts_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER turns_au AFTER UPDATE OF prompt ON turns BEGIN
    UPDATE prompts_fts SET body = new.prompt WHERE rowid = old.rowid;
END;
CREATE TRIGGER responses_ai AFTER INSERT ON responses BEGIN
    INSERT INTO answers_fts(rowid, session_id, body) VALUES (new.rowid, new.session_id, new.text);
END;
CREATE TRIGGER responses_ad AFTER DELETE ON responses BEGIN
    DELETE FROM answers_fts WHERE rowid = old.rowid;
END;
CREATE TRIGGER responses_au AFTER UPDATE OF text ON responses WHEN new.text IS NOT old.text BEGIN
    UPDATE answers_fts SET body = new.text WHERE rowid = old.rowid;
END;
"#;

const V3: &str = r#"
CREATE INDEX responses_cost ON responses(session_id, cost_usd);
"#;
