//! Exports (Markdown, HTML, JSON, CSV) and the `sessions`, `export`, `import` commands.

#[path = "fixtures/session.rs"]
mod fixture;

use std::path::Path;
use std::process::{Command, Output};

use juxta::export;
use juxta::record::Session;

#[test]
fn json_export_imports_back_to_the_same_session() {
    let s = fixture::session("01roundtrip00");
    let back = export::from_json(&export::to_json(&s)).expect("parse");
    assert_eq!(back, s);
    // And through the store.
    let dir = tempfile::tempdir().unwrap();
    let store = juxta::store::Store::open(&dir.path().join("juxta.db")).unwrap();
    store.import_session(&back).unwrap();
    assert_eq!(store.load_session(&s.id).unwrap(), s);
    assert_eq!(
        export::to_json(&store.load_session(&s.id).unwrap()),
        export::to_json(&s)
    );
}

#[test]
fn json_import_names_what_is_wrong() {
    let err = export::from_json("{\"version\": 1}").expect_err("missing fields");
    assert!(err.contains("missing field"), "{err}");
    let mut s = fixture::session("x");
    s.version = 99;
    let err = export::from_json(&export::to_json(&s)).expect_err("too new");
    assert!(err.contains("99"), "{err}");
}

#[test]
fn html_keeps_model_markup_inert_and_visible() {
    let html = export::to_html(&fixture::session("h"));
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the script tag is shown as text"
    );
    assert!(
        html.contains("close &lt;/td&gt; cells"),
        "</td> is shown as text"
    );
    assert!(
        !html.to_lowercase().contains("<script"),
        "no script element at all"
    );
    assert!(!html.contains("</td> cells"));
    // Self-contained: nothing fetched.
    for needle in ["<link", " src=", "@import", "url(", "<iframe", "<img"] {
        assert!(!html.contains(needle), "found {needle}");
    }
    // Side by side, charts, code highlighted with inline styles.
    assert!(html.contains("class=\"cols\" style=\"--n:3\""));
    assert_eq!(
        html.matches("<svg").count(),
        4,
        "TTFT, tok/s, tokens, cost charts"
    );
    assert!(
        html.contains("<pre style="),
        "syntect inline-styled code block"
    );
    assert!(html.contains("日本語のテキストも大丈夫です。"));
    // Honest labels.
    assert!(html.contains("(simulated)"));
    assert!(html.contains("unpriced"));
    assert!(html.contains("2026-11-01") && html.contains("https://openai.com/api/pricing"));
    assert!(html.contains("~10"), "estimated token counts are marked");
    assert!(html.contains("Metric definitions") && html.contains("TTFT"));
}

#[test]
fn html_escapes_control_sequences_and_quotes_in_titles() {
    let mut s = fixture::session("q");
    s.title = "\"><script>x</script>\x1b]0;pwned\x07".into();
    s.models[0] = "evil:<b>".into();
    let html = export::to_html(&s);
    assert!(!html.contains("<script>x"));
    assert!(!html.contains('\x1b') && !html.contains("pwned"));
    assert!(!html.contains("evil:<b>") && html.contains("evil:&lt;b&gt;"));
}

#[test]
fn csv_round_trips_commas_quotes_and_newlines() {
    let s = fixture::session("c");
    let csv_text = export::to_csv(&s).unwrap();
    let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = rd.headers().unwrap().clone();
    assert_eq!(headers.iter().collect::<Vec<_>>(), export::CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 5, "one row per response");
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let tricky = rows
        .iter()
        .find(|r| r[col("turn")] == *"1" && r[col("pane")] == *"0")
        .unwrap();
    assert_eq!(&tricky[col("text")], fixture::TRICKY);
    assert_eq!(&tricky[col("prompt")], "Now show a tricky answer: 日本語で");
    let sim = rows
        .iter()
        .find(|r| r[col("turn")] == *"1" && r[col("pane")] == *"1")
        .unwrap();
    assert_eq!(&sim[col("text")], "short, \"quoted\"");
    assert_eq!(&sim[col("reasoning")], "thinking, \"quietly\"");
    assert_eq!(&sim[col("simulated")], "true");
    assert_eq!(&sim[col("token_source")], "estimated");
    let failed = rows.iter().find(|r| r[col("pane")] == *"2").unwrap();
    assert_eq!(&failed[col("cost_usd")], "", "unpriced is empty, never 0");
    assert_eq!(&failed[col("cost_source")], "unpriced");
    assert_eq!(&failed[col("ttft_ms")], "");
    assert_eq!(&failed[col("error_status")], "429");
    let ok = &rows[0];
    assert_eq!(ok[col("ttft_ms")].parse::<f64>().unwrap(), 412.5);
    assert_eq!(&ok[col("price_as_of")], "2026-11-01");
}

#[test]
fn markdown_export_snapshot() {
    let md = export::to_markdown(&fixture::session("01mdsnapshot0"));
    insta::assert_snapshot!("markdown_export", md);
}

#[test]
fn markdown_uses_a_table_for_short_answers_and_sections_for_long_ones() {
    let mut s = fixture::session("m");
    s.turns[0].responses.truncate(1);
    s.turns[0]
        .responses
        .push(fixture::ok(1, "b:m", "Also | short."));
    let md = export::to_markdown(&s);
    assert!(md.contains("| openai:gpt-5-mini | b:m |"), "{md}");
    assert!(md.contains("Also \\| short."));
    assert!(
        md.contains("### openai:gpt-5-mini"),
        "long answers get sections"
    );
}

// ---- the commands ----

fn juxta(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_juxta"))
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("XDG_CONFIG_HOME", data.join("config"))
        .env("HOME", data)
        .output()
        .expect("run juxta")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_export(dir: &Path, s: &Session) -> std::path::PathBuf {
    let p = dir.join(format!("{}.json", s.id));
    std::fs::write(&p, export::to_json(s)).unwrap();
    p
}

#[test]
fn import_list_show_search_export_and_rm_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path();
    let mut a = fixture::session("01aaaaaaaaaa1");
    a.created_at = fixture::at(-50);
    let mut b = fixture::session("01bbbbbbbbbb2");
    b.title = "Second \x1b[31mred\x1b[0m".into();
    b.turns[0].responses[0].text = "evil \x1b]52;c;aGk=\x07 clipboard".into();
    for s in [&a, &b] {
        let o = juxta(data, &["import", write_export(data, s).to_str().unwrap()]);
        assert!(o.status.success(), "{}", stderr(&o));
    }

    // Importing again is refused, clearly.
    let o = juxta(data, &["import", write_export(data, &a).to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("already exists") && stderr(&o).contains(&a.id),
        "{}",
        stderr(&o)
    );

    // A broken file: the error names it.
    let bad = data.join("broken.json");
    std::fs::write(&bad, "{ not json").unwrap();
    let o = juxta(data, &["import", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("broken.json"), "{}", stderr(&o));

    // list --json: one line per session, newest first, exactly the documented keys.
    let o = juxta(data, &["sessions", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], b.id.as_str());
    assert_eq!(lines[1]["id"], a.id.as_str());
    let keys: Vec<&String> = lines[0].as_object().unwrap().keys().collect();
    let mut keys: Vec<&str> = keys.iter().map(|k| k.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["cost_usd", "created_at", "id", "models", "title", "turns"]
    );
    assert!(
        lines[0]["cost_usd"].is_null(),
        "a session with an unpriced response has no total"
    );
    assert_eq!(lines[0]["turns"], 2);

    // Text list and show strip control sequences.
    let o = juxta(data, &["sessions"]);
    assert!(o.status.success());
    assert!(!stdout(&o).contains('\x1b'));
    assert!(stdout(&o).contains("Second red"));
    let o = juxta(data, &["sessions", "show", &b.id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let shown = stdout(&o);
    assert!(
        !shown.contains('\x1b') && !shown.contains('\x07'),
        "{shown:?}"
    );
    assert!(shown.contains("evil  clipboard"));
    assert!(shown.contains("Explain Rust lifetimes"));
    assert!(shown.contains("error: rate_limited (429)"));

    // Search, with punctuation.
    let o = juxta(data, &["sessions", "search", "--json", "<script>"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 2);
    let o = juxta(data, &["sessions", "search", "\"*-:"]);
    assert!(o.status.success(), "{}", stderr(&o));

    // Export to a new file: created 0600, same content as the pure function.
    let out = data.join("out.html");
    let o = juxta(
        data,
        &[
            "export",
            &a.id,
            "--format",
            "html",
            "-o",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), export::to_html(&a));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&out).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    let o = juxta(data, &["export", &a.id, "--format", "json"]);
    assert_eq!(export::from_json(&stdout(&o)).unwrap(), a);
    let o = juxta(data, &["export", &a.id, "--format", "csv"]);
    assert!(stdout(&o).starts_with("session_id,turn,"));

    // Unknown ids: exit 2 and a clear message.
    for args in [
        vec!["sessions", "show", "nope"],
        vec!["sessions", "rm", "-y", "nope"],
        vec!["export", "nope", "--format", "md"],
    ] {
        let o = juxta(data, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&o).contains("no session with id 'nope'"),
            "{}",
            stderr(&o)
        );
    }

    // rm (not a TTY: no question).
    let o = juxta(data, &["sessions", "rm", &a.id]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = juxta(data, &["sessions", "list", "--json"]);
    assert_eq!(stdout(&o).lines().count(), 1);
}
