//! The built binary on demo models (and, where noted, on a local address nobody answers):
//! output shapes, exit codes, stdin, escape sequences, keys never printed. Each test runs with
//! its own XDG_CONFIG_HOME / XDG_DATA_HOME.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

struct Env {
    dir: tempfile::TempDir,
}

impl Env {
    fn new() -> Self {
        Env {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// Write `config.toml` where juxta looks for it.
    fn with_config(self, text: &str) -> Self {
        let d = self.dir.path().join("config").join("juxta");
        std::fs::create_dir_all(&d).expect("mkdir");
        std::fs::write(d.join("config.toml"), text).expect("write config");
        self
    }

    fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_juxta"));
        c.args(args)
            .env("XDG_CONFIG_HOME", self.dir.path().join("config"))
            .env("XDG_DATA_HOME", self.dir.path().join("data"))
            .env("HOME", self.dir.path())
            .env_remove("OPENAI_API_KEY")
            .stdin(Stdio::null());
        c
    }

    fn run(&self, args: &[&str]) -> Output {
        self.cmd(args).output().expect("run juxta")
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Fast demo profiles so the tests take milliseconds.
const SWIFT: &str = "demo:swift,ttft=5,tps=5000";
const PONDER: &str = "demo:ponder,ttft=5,tps=5000";

/// Small retry delays (a failing demo model may be retried).
const FAST_RETRY: &str = "[retry]\nbase_delay_ms = 5\nmax_delay_ms = 20\n";

fn json_lines(o: &Output) -> Vec<Value> {
    stdout(o)
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("not JSON: {l:?}: {e}"))
        })
        .collect()
}

#[test]
fn text_mode_prints_each_answer_then_a_table() {
    let env = Env::new();
    let o = env.run(&[
        "run",
        "-m",
        SWIFT,
        "-m",
        PONDER,
        "-m",
        "demo:echo",
        "Explain caching",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains(&format!("━━ {SWIFT} · demo · open-weight · simulated ━━")),
        "{out}"
    );
    assert!(out.contains("· closed · simulated"), "{out}");
    assert!(out.contains("## "), "markdown answer: {out}");
    for h in [
        "model",
        "TTFT",
        "1st answer",
        "E2E",
        "tok/s",
        "cached",
        "reasoning",
        "cost",
        "retries",
    ] {
        assert!(out.contains(h), "header {h}: {out}");
    }
    // demo:echo is unpriced on purpose: never shown as $0.
    let echo_row = out
        .lines()
        .find(|l| l.starts_with("demo:echo (sim)"))
        .expect("echo row");
    assert!(echo_row.contains("unpriced"), "{echo_row}");
    assert!(echo_row.contains(" ok "), "{echo_row}");
}

#[test]
fn json_lines_have_the_documented_shape() {
    let env = Env::new();
    let o = env.run(&[
        "run",
        "--json",
        "-m",
        SWIFT,
        "-m",
        PONDER,
        "Explain caching",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = json_lines(&o);
    for model in [SWIFT, PONDER] {
        let mine: Vec<&Value> = lines.iter().filter(|l| l["model"] == model).collect();
        assert_eq!(
            mine.first().map(|l| l["type"].clone()),
            Some("start".into())
        );
        assert_eq!(mine[0]["t_ms"], 0.0);
        assert!(
            mine.iter()
                .any(|l| l["type"] == "delta" && l["text"].is_string())
        );
        let summary = mine.last().expect("summary");
        assert_eq!(summary["type"], "summary");
        assert_eq!(summary["status"], "ok");
        for f in ["ttft_ms", "ttfat_ms", "e2e_ms", "decode_tps", "cost_usd"] {
            assert!(summary[f].is_number(), "{f} in {summary}");
        }
        for f in ["input", "cached_input", "output", "reasoning"] {
            assert!(summary["tokens"][f].is_u64(), "tokens.{f} in {summary}");
        }
        assert_eq!(summary["tokens"]["source"], "reported");
        assert_eq!(summary["cost_source"], "price_table");
        assert_eq!(summary["retries"], 0);
        assert!(
            summary["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("## "))
        );
        assert_eq!(summary["simulated"], true);
        // Deltas are timed from t0 and never go backwards.
        let ts: Vec<f64> = mine
            .iter()
            .filter(|l| l["type"] == "delta")
            .filter_map(|l| l["t_ms"].as_f64())
            .collect();
        assert!(ts.windows(2).all(|w| w[0] <= w[1]));
    }
    // Field order as DESIGN §2 prints it.
    let raw = stdout(&o);
    let start = format!(r#"{{"type":"start","model":"{SWIFT}","t_ms":0.0}}"#);
    assert!(raw.lines().any(|l| l == start), "{raw}");
    let summary_line = raw
        .lines()
        .find(|l| l.contains(r#""type":"summary""#))
        .expect("summary");
    assert!(
        summary_line.starts_with(r#"{"type":"summary","model":"#),
        "{summary_line}"
    );
    assert!(
        summary_line.contains(r#""tokens":{"input":"#),
        "{summary_line}"
    );
    let ponder = lines
        .iter()
        .find(|l| l["model"] == PONDER && l["type"] == "summary")
        .expect("ponder");
    assert!(
        lines
            .iter()
            .any(|l| l["model"] == PONDER && l["reasoning"].is_string() && l["type"] == "delta")
    );
    assert!(
        ponder["tokens"]["reasoning"]
            .as_u64()
            .is_some_and(|r| r > 0)
    );
    assert!(ponder["ttft_ms"].as_f64() < ponder["ttfat_ms"].as_f64());
}

#[test]
fn json_costs_carry_no_floating_point_noise() {
    // demo:flaky's price gives 4 × 0.2e-6 + 88 × 0.8e-6, which f64 sums to 7.120000000000001e-5.
    let env = Env::new();
    let o = env.run(&[
        "run",
        "--json",
        "--no-save",
        "-m",
        "demo:flaky,ttft=5,tps=5000,error=0",
        "-m",
        SWIFT,
        "-m",
        PONDER,
        "Hi",
    ]);
    for l in stdout(&o).lines().filter(|l| l.contains("\"summary\"")) {
        let v: Value = serde_json::from_str(l).expect("JSON");
        let cost = v["cost_usd"].to_string();
        let digits = cost.chars().filter(char::is_ascii_digit).count();
        assert!(digits <= 12, "cost_usd {cost} in {l}");
    }
}

#[test]
fn a_store_that_cannot_open_is_said_to_leave_the_run_unsaved() {
    let env = Env::new();
    // The data folder is a file: the store cannot be created there.
    std::fs::write(env.dir.path().join("data"), "not a folder").expect("write");
    let o = env.run(&["run", "-m", SWIFT, "hi"]);
    assert_eq!(o.status.code(), Some(0), "the answers still come");
    let err = stderr(&o);
    assert!(err.contains("will not be saved"), "{err}");
    assert!(!err.contains("session:"), "{err}");
}

#[test]
fn unknown_model_is_a_usage_error_naming_it() {
    let env = Env::new();
    let o = env.run(&[
        "run",
        "-m",
        SWIFT,
        "-m",
        "nosuch:model",
        "-m",
        "gpt-nothing",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("nosuch:model") && err.contains("gpt-nothing"),
        "{err}"
    );
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_bad_demo_name_says_what_is_wrong_once() {
    let env = Env::new();
    let o = env.run(&["run", "-m", "demo:nosuch", "hi"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // The error names the model and the known profiles, not a PROVIDER:MODEL hint it already meets.
    assert!(
        err.contains("demo:nosuch") && err.contains("swift"),
        "{err}"
    );
    assert!(!err.contains("PROVIDER:MODEL"), "{err}");
    assert_eq!(err.matches("demo:nosuch").count(), 1, "{err}");
}

#[test]
fn a_failing_model_exits_1_while_the_others_answer() {
    let env = Env::new().with_config(FAST_RETRY);
    let flaky = "demo:flaky,error=1,ttft=5,tps=5000";
    let o = env.run(&["run", "--json", "-m", SWIFT, "-m", flaky, "Explain caching"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let lines = json_lines(&o);
    let err = lines
        .iter()
        .find(|l| l["type"] == "error")
        .expect("error line");
    assert_eq!(err["model"], flaky);
    assert!(err["error"]["kind"].is_string() && err["error"]["message"].is_string());
    let ok = lines
        .iter()
        .find(|l| l["type"] == "summary" && l["model"] == SWIFT)
        .expect("swift summary");
    assert_eq!(ok["status"], "ok");
    let bad = lines
        .iter()
        .find(|l| l["type"] == "summary" && l["model"] == flaky)
        .expect("flaky summary");
    assert_eq!(bad["status"], "error");

    let text = env.run(&["run", "-m", SWIFT, "-m", flaky, "Explain caching"]);
    assert_eq!(text.status.code(), Some(1));
    assert!(stdout(&text).contains("[error: "), "{}", stdout(&text));
}

#[test]
fn prompt_from_stdin() {
    let env = Env::new();
    let mut child = env
        .cmd(&["run", "-m", "demo:echo", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"a prompt from stdin\n")
        .expect("write");
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).contains("a prompt from stdin\n"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn escape_sequences_in_an_answer_never_reach_the_terminal() {
    let env = Env::new();
    let evil =
        "title\x1b]0;pwned\x07 clear\x1b[2J clip\x1b]52;c;ZXZpbA==\x07 bell\x07 csi\u{9b}31m end";
    for json in [false, true] {
        let mut args = vec!["run", "-m", "demo:echo"];
        if json {
            args.push("--json");
        }
        args.push(evil);
        let o = env.run(&args);
        assert_eq!(o.status.code(), Some(0));
        let out = stdout(&o);
        assert!(
            !out.contains('\x1b') && !out.contains('\x07') && !out.contains('\u{9b}'),
            "{out:?}"
        );
        if json {
            for l in json_lines(&o) {
                for f in ["text", "reasoning"] {
                    if let Some(t) = l[f].as_str() {
                        assert!(
                            !t.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                            "{t:?}"
                        );
                    }
                }
            }
        } else {
            assert!(
                out.contains("title clear clip bell csi end") || out.contains("title"),
                "{out:?}"
            );
        }
    }
}

#[test]
fn an_api_key_appears_in_no_output() {
    let secret = "sk-test-DO-NOT-PRINT-1234567890";
    // A provider pointed at a port nobody listens on, and one whose key is missing.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let config = format!(
        "{FAST_RETRY}[providers.openai]\nbase_url = \"http://127.0.0.1:{port}/v1\"\n[providers.anthropic]\nbase_url = \"http://127.0.0.1:{port}\"\n"
    );
    let env = Env::new().with_config(&config);
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "run",
            "-m",
            "openai:gpt-5-mini",
            "-m",
            "anthropic:claude-haiku-4-5",
            "-m",
            SWIFT,
            "hi",
        ],
        vec![
            "run",
            "--json",
            "-m",
            "openai:gpt-5-mini",
            "-m",
            "anthropic:claude-haiku-4-5",
            "hi",
        ],
        vec!["models"],
        vec!["models", "--json"],
        vec!["doctor"],
    ];
    for args in runs {
        let o = env
            .cmd(&args)
            .env("OPENAI_API_KEY", secret)
            .env("ANTHROPIC_API_KEY", secret)
            .output()
            .expect("run");
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains(secret), "{args:?} printed the key: {all}");
        assert!(
            !all.contains("DO-NOT-PRINT"),
            "{args:?} printed part of the key"
        );
        if args[0] == "run" {
            assert_eq!(o.status.code(), Some(1), "{args:?}: {all}");
        }
    }
}

#[test]
fn a_missing_key_names_the_variable() {
    let env = Env::new();
    let o = env
        .cmd(&["run", "--json", "-m", "openai:gpt-5-mini", "hi"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(1));
    let lines = json_lines(&o);
    let err = lines
        .iter()
        .find(|l| l["type"] == "error")
        .expect("error line");
    assert_eq!(err["error"]["kind"], "auth");
    assert!(
        err["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("OPENAI_API_KEY"))
    );
    let summary = lines
        .iter()
        .find(|l| l["type"] == "summary")
        .expect("summary");
    assert!(summary["cost_usd"].is_null(), "no made-up cost: {summary}");
    // Nothing arrived, so the output is unknown: not an estimated zero.
    assert!(summary["tokens"]["output"].is_null(), "{summary}");
    assert!(summary["tokens"]["reasoning"].is_null(), "{summary}");
}

#[test]
fn a_broken_config_is_a_usage_error_naming_file_and_line() {
    let env =
        Env::new().with_config("[providers.mylab]\nprotocol = \"grpc\"\nbase_url = \"http://x\"\n");
    let o = env.run(&["run", "-m", SWIFT, "hi"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("config.toml") && err.contains("line 2") && err.contains("grpc"),
        "{err}"
    );
    let d = env.run(&["doctor"]);
    assert_eq!(d.status.code(), Some(2));
    assert!(stdout(&d).contains("line 2"), "{}", stdout(&d));
    // --config names another file.
    let other = env.dir.path().join("other.toml");
    std::fs::write(
        &other,
        "[[models]]\nid = \"demo:swift,ttft=5,tps=5000\"\nalias = \"quick\"\n",
    )
    .expect("write");
    let o = env.run(&[
        "--config",
        other.to_str().expect("path"),
        "run",
        "-m",
        "quick",
        "hi",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_misspelt_config_key_is_an_error_not_ignored() {
    for (text, key) in [
        ("[timeout]\nconnect_ms = 5\n", "timeout"),
        ("[timeouts]\nconect_ms = 5\n", "conect_ms"),
        ("[retry]\nmax_retry = 0\n", "max_retry"),
    ] {
        let env = Env::new().with_config(text);
        let o = env.run(&["run", "--no-save", "-m", SWIFT, "hi"]);
        assert_eq!(o.status.code(), Some(2), "{text}");
        let err = stderr(&o);
        assert!(
            err.contains("config.toml") && err.contains(key),
            "names the file and the key: {err}"
        );
    }
}

#[test]
fn models_lists_the_catalog_with_usability() {
    let env = Env::new();
    let o = env.run(&["models", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let lines = json_lines(&o);
    assert!(lines.len() >= 35);
    let swift = lines
        .iter()
        .find(|l| l["id"] == "demo:swift")
        .expect("demo:swift");
    assert_eq!(
        (swift["usable"].clone(), swift["simulated"].clone()),
        (true.into(), true.into())
    );
    let mini = lines
        .iter()
        .find(|l| l["id"] == "openai:gpt-5-mini")
        .expect("gpt-5-mini");
    assert_eq!(mini["usable"], false);
    assert_eq!(mini["open_weights"], false);
    assert_eq!(mini["price"]["input"], 0.25);
    assert!(mini["price"]["as_of"].is_string() && mini["price"]["source"].is_string());
    let kimi = lines
        .iter()
        .find(|l| l["id"] == "moonshot:kimi-k2.5")
        .expect("kimi");
    assert!(
        kimi["aliases"]
            .as_array()
            .is_some_and(|a| a.contains(&"kimi".into()))
    );

    let text = env
        .cmd(&["models"])
        .env("OPENAI_API_KEY", "x")
        .output()
        .expect("run");
    let out = stdout(&text);
    let row = out
        .lines()
        .find(|l| l.starts_with("openai:gpt-5-mini "))
        .expect("row");
    assert!(
        row.contains("closed") && row.contains("$0.25") && row.contains("OPENAI_API_KEY set"),
        "{row}"
    );
}

#[test]
fn doctor_reports_keys_by_name_only() {
    let env = Env::new();
    let o = env
        .cmd(&["doctor"])
        .env("GROQ_API_KEY", "gsk-secret-value")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("GROQ_API_KEY set"), "{out}");
    assert!(out.contains("OPENAI_API_KEY missing"), "{out}");
    assert!(!out.contains("gsk-secret-value"));
    assert!(out.contains("config.toml"), "{out}");
    let ollama = out
        .lines()
        .find(|l| l.starts_with("ollama "))
        .expect("ollama row");
    assert!(ollama.contains("up") || ollama.contains("down"), "{ollama}");
}

#[test]
fn ctrl_c_cancels_and_prints_what_arrived() {
    use std::io::{BufRead, BufReader};
    let env = Env::new();
    let slow = "demo:steady,ttft=5,tps=20";
    let mut child = env
        .cmd(&["run", "--json", "-m", slow, "Explain caching"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines = Vec::new();
    // Wait for the first delta: the answer is streaming (and the signal handler installed).
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).expect("read") > 0,
            "ended early: {lines:?}"
        );
        let v: Value = serde_json::from_str(&line).expect("json");
        lines.push(v.clone());
        if v["type"] == "delta" {
            break;
        }
    }
    let killed = Command::new("kill")
        .args(["-s", "INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    for line in reader.lines() {
        lines.push(serde_json::from_str(&line.expect("line")).expect("json"));
    }
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(1));
    let summary = lines
        .iter()
        .find(|l| l["type"] == "summary")
        .expect("summary");
    assert_eq!(summary["status"], "cancelled");
    assert!(
        summary["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("## ")),
        "partial text kept: {summary}"
    );
}

#[test]
fn one_ctrl_c_delivered_twice_still_prints_what_arrived() {
    use std::io::{BufRead, BufReader};
    let env = Env::new();
    let mut child = env
        .cmd(&[
            "run",
            "--json",
            "-m",
            "demo:steady,ttft=5,tps=20",
            "Explain",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
    let mut lines: Vec<Value> = Vec::new();
    loop {
        let mut line = String::new();
        assert!(
            reader.read_line(&mut line).expect("read") > 0,
            "ended early"
        );
        let v: Value = serde_json::from_str(&line).expect("json");
        lines.push(v.clone());
        if v["type"] == "delta" {
            break;
        }
    }
    // As `timeout -s INT` does: the signal reaches the process twice at once.
    let pid = child.id().to_string();
    let killed = Command::new("sh")
        .args(["-c", &format!("kill -s INT {pid}; kill -s INT {pid}")])
        .status()
        .expect("kill");
    assert!(killed.success());
    for line in reader.lines() {
        lines.push(serde_json::from_str(&line.expect("line")).expect("json"));
    }
    assert_eq!(child.wait().expect("wait").code(), Some(1));
    let summary = lines
        .iter()
        .find(|l| l["type"] == "summary")
        .expect("a summary: the double delivery did not quit at once");
    assert_eq!(summary["status"], "cancelled");
}

#[test]
fn models_refresh_lists_what_a_local_server_serves() {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let body = r#"{"object":"list","data":[{"id":"Qwen/Qwen3-8B"},{"id":"my-finetune"}]}"#;
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    let env = Env::new().with_config(&format!(
        "[providers.vllm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\n"
    ));
    let o = env.run(&["models", "--refresh", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let lines = json_lines(&o);
    let m = lines
        .iter()
        .find(|l| l["id"] == "vllm:Qwen/Qwen3-8B")
        .expect("discovered");
    assert_eq!(m["discovered"], true);
    assert_eq!(m["open_weights"], true);
    assert_eq!(m["usable"], true);
    assert!(lines.iter().any(|l| l["id"] == "vllm:my-finetune"));
    let text = env.run(&["models", "--refresh"]);
    let row = stdout(&text)
        .lines()
        .find(|l| l.starts_with("vllm:my-finetune"))
        .map(str::to_string)
        .expect("row");
    assert!(
        row.contains("$0") && row.contains("server answering"),
        "{row}"
    );
}

// ---- against the fake provider server (tests/support) ----

/// One fake server, one route (and one provider) per behaviour; every model runs in the same
/// `juxta run`, so each failure must stay on its own model while the others finish.
#[test]
fn each_server_failure_is_its_own_clear_error_while_the_others_finish() {
    use std::time::Duration;
    use support::{FakeServer, Reply, fixtures};

    let secret = "sk-fake-KEY-never-shown-42";
    let auth_body = r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#;
    let not_found = r#"{"error":{"message":"The model `m` does not exist","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#;
    let limited = r#"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#;
    let server_err = r#"{"error":{"message":"The server had an error","type":"server_error","param":null,"code":null}}"#;
    let overloaded =
        r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#;
    let server = FakeServer::with_routes_blocking(vec![
        ("/ok/", vec![fixtures::openai_basic()]),
        ("/e401/", vec![Reply::error(401, auth_body)]),
        ("/e404/", vec![Reply::error(404, not_found)]),
        (
            "/r429/",
            vec![
                Reply::error(429, limited).header("retry-after-ms", "50"),
                fixtures::openai_basic(),
            ],
        ),
        (
            "/r500/",
            vec![Reply::error(500, server_err), fixtures::openai_basic()],
        ),
        ("/e529/", vec![Reply::error(529, overloaded)]),
        (
            "/slow/",
            vec![fixtures::openai_basic().delay_first(Duration::from_secs(20))],
        ),
        (
            "/cut/",
            vec![Reply::sse(&fixtures::openai_words(12)).truncate_after(6)],
        ),
        ("/junk/", vec![Reply::sse("data: {this is not json\n\n")]),
    ]);
    let refused = support::refused_url();
    let mut config = String::from(
        "[timeouts]\nfirst_token_ms = 1500\nidle_ms = 10000\n[retry]\nmax_retries = 2\nbase_delay_ms = 5\nmax_delay_ms = 20\n",
    );
    let names = [
        "ok", "e401", "e404", "r429", "r500", "e529", "slow", "cut", "junk",
    ];
    for n in names {
        config.push_str(&format!(
            "[providers.{n}]\nprotocol = \"openai\"\nbase_url = \"{}\"\napi_key_env = \"JUXTA_FAKE_KEY\"\n",
            server.url_with(&format!("/{n}/v1"))
        ));
    }
    config.push_str(&format!(
        "[providers.refused]\nprotocol = \"openai\"\nbase_url = \"{refused}/v1\"\napi_key_env = \"JUXTA_FAKE_KEY\"\n"
    ));
    let env = Env::new().with_config(&config);
    let mut args: Vec<String> = vec!["run".into(), "--json".into()];
    for n in names.iter().chain(["refused"].iter()) {
        args.push("-m".into());
        args.push(format!("{n}:m"));
    }
    args.push("Say foo".into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = env
        .cmd(&args)
        .env("JUXTA_FAKE_KEY", secret)
        .output()
        .expect("run");
    let all = format!("{}{}", stdout(&o), stderr(&o));
    assert!(!all.contains(secret), "the key leaked: {all}");
    assert_eq!(o.status.code(), Some(1), "{all}");
    let lines = json_lines(&o);
    let summary = |n: &str| {
        lines
            .iter()
            .find(|l| l["type"] == "summary" && l["model"] == format!("{n}:m"))
            .cloned()
            .unwrap_or_else(|| panic!("no summary for {n}: {all}"))
    };
    let expect_ok = |n: &str, retries: u64| {
        let s = summary(n);
        assert_eq!(s["status"], "ok", "{n}: {s}");
        assert_eq!(s["text"], "Foo", "{n}: {s}");
        assert_eq!(s["retries"], retries, "{n}: {s}");
        assert_eq!(s["tokens"]["source"], "reported");
        assert_eq!(
            (s["tokens"]["input"].clone(), s["tokens"]["output"].clone()),
            (9.into(), 2.into())
        );
    };
    expect_ok("ok", 0);
    expect_ok("r429", 1);
    expect_ok("r500", 1);
    let expect_err = |n: &str, kind: &str, status: Option<u64>| {
        let s = summary(n);
        assert_eq!(s["status"], "error", "{n}: {s}");
        assert_eq!(s["error"]["kind"], kind, "{n}: {s}");
        if let Some(st) = status {
            assert_eq!(s["error"]["status"], st, "{n}: {s}");
        }
        assert!(
            s["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{n}: {s}"
        );
        s
    };
    expect_err("e401", "auth", Some(401));
    expect_err("e404", "not_found", Some(404));
    let o529 = expect_err("e529", "overloaded", Some(529));
    assert_eq!(o529["retries"], 2, "529 is retried up to max_retries");
    let slow = expect_err("slow", "timeout", None);
    assert!(
        slow["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("first token"))
    );
    expect_err("refused", "connect", None);
    let cut = expect_err("cut", "connect", None);
    assert!(
        cut["text"].as_str().is_some_and(|t| t.starts_with("w0 ")),
        "partial text kept: {cut}"
    );
    assert_eq!(cut["retries"], 0, "no retry once tokens arrived");
    assert_eq!(cut["tokens"]["source"], "estimated");
    expect_err("junk", "protocol", None);
    // The error lines come before each failed model's summary.
    assert_eq!(lines.iter().filter(|l| l["type"] == "error").count(), 7);

    // Text mode marks the partial answer.
    let text_args: Vec<&str> = vec!["run", "-m", "ok:m", "-m", "cut:m", "Say foo"];
    let t = env
        .cmd(&text_args)
        .env("JUXTA_FAKE_KEY", secret)
        .output()
        .expect("run");
    let out = stdout(&t);
    assert!(
        out.contains("w0 w1") && out.contains("[error: connect"),
        "{out}"
    );
}

#[test]
fn a_local_ollama_model_shows_server_timings_and_a_local_cost() {
    use support::{FakeServer, fixtures};
    let server = FakeServer::start_blocking(vec![fixtures::ollama()]);
    let env = Env::new().with_config(&format!(
        "[providers.ollama]\nbase_url = \"{}\"\n",
        server.url()
    ));
    let o = env.run(&["run", "--json", "-m", "ollama:llama3.2", "Say the"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let lines = json_lines(&o);
    let s = lines
        .iter()
        .find(|l| l["type"] == "summary")
        .expect("summary");
    assert_eq!(s["text"], "The");
    assert_eq!(
        (s["cost_usd"].clone(), s["cost_source"].clone()),
        (0.0.into(), "local".into())
    );
    assert_eq!(s["open_weights"], true);
    assert_eq!(s["tokens"]["output"], 282);
    assert_eq!(s["server"]["source"], "ollama");
    let t = env.run(&["run", "-m", "ollama:llama3.2", "Say the"]);
    let out = stdout(&t);
    assert!(out.contains("$0 (local)"), "{out}");
    assert!(
        out.contains("measured by the server (ollama)") && out.contains("62.2 tok/s"),
        "{out}"
    );
}
