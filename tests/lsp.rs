//! The language server, spoken to over JSON-RPC as an editor would.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// What `wait_for` passed over.
    skipped: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_async-lint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server starts");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(value) = line.strip_prefix("Content-Length: ") {
                        length = value.parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                stdout.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, messages, next_id: 1, skipped: Vec::new() }
    }

    fn send_raw(&mut self, body: &str) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn send_bytes(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send_raw(&json!({ "jsonrpc": "2.0", "method": method, "params": params }).to_string());
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send_raw(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }).to_string());
        self.wait_for(|m| m["id"] == id)
    }

    fn wait_for(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = self.messages.recv_timeout(Duration::from_secs(30)).expect("the server answers in time");
            if wanted(&message) {
                return message;
            }
            self.skipped.push(message);
        }
    }

    fn diagnostics_for(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri);
        message["params"]["diagnostics"].as_array().unwrap().clone()
    }

    fn initialize(&mut self, root: &Path) {
        let root = format!("file://{}", root.display());
        let reply = self.request("initialize", json!({ "processId": null, "rootUri": root, "capabilities": {} }));
        assert_eq!(reply["result"]["capabilities"]["textDocumentSync"], 1, "{reply}");
        self.notify("initialized", json!({}));
    }

    fn shutdown(mut self) {
        let reply = self.request("shutdown", Value::Null);
        assert!(reply["error"].is_null(), "{reply}");
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(status.success(), "the server exits cleanly after shutdown");
    }
}

fn open(client: &mut Client, uri: &str, text: &str) {
    let document = json!({ "uri": uri, "languageId": "rust", "version": 1, "text": text });
    client.notify("textDocument/didOpen", json!({ "textDocument": document }));
}

fn change(client: &mut Client, uri: &str, version: i64, text: &str) {
    let params = json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] });
    client.notify("textDocument/didChange", params);
}

const BLOCKING: &str = "async fn f() {\n    let é = 1; std::thread::sleep(std::time::Duration::from_millis(é));\n}\n";

#[test]
fn diagnostics_follow_the_editors_text_not_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.rs");
    std::fs::write(&path, "fn on_disk() {}\n").unwrap();
    let uri = format!("file://{}", path.display());
    let mut client = Client::start();
    client.initialize(dir.path());

    open(&mut client, &uri, BLOCKING);
    let diagnostics = client.diagnostics_for(&uri);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "blocking-sleep");
    assert_eq!(d["source"], "async-lint");
    assert!(d["codeDescription"]["href"].as_str().unwrap().ends_with("blocking-sleep.md"));
    // Line 2, after `    let é = 1; ` (15 characters, 15 UTF-16 units since é is one unit).
    assert_eq!(d["range"]["start"], json!({ "line": 1, "character": 15 }));

    change(&mut client, &uri, 2, "async fn f() {}\n");
    assert!(client.diagnostics_for(&uri).is_empty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "fn on_disk() {}\n", "the server never writes files");
    client.shutdown();
}

#[test]
fn code_action_offers_a_suppression_comment() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}", dir.path().join("a.rs").display());
    let mut client = Client::start();
    client.initialize(dir.path());
    open(&mut client, &uri, BLOCKING);
    let diagnostics = client.diagnostics_for(&uri);
    let params = json!({
        "textDocument": { "uri": uri },
        "range": diagnostics[0]["range"],
        "context": { "diagnostics": diagnostics },
    });
    let reply = client.request("textDocument/codeAction", params);
    let action = &reply["result"][0];
    assert_eq!(action["kind"], "quickfix");
    assert!(action["title"].as_str().unwrap().starts_with("Allow"), "{reply}");
    let edit = &action["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "    // async-lint: allow(blocking-sleep)\n");
    assert_eq!(edit["range"]["start"], json!({ "line": 1, "character": 0 }));
    client.shutdown();
}

#[test]
fn survives_bad_messages_and_coalesces_bursts() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}", dir.path().join("a.rs").display());
    let mut client = Client::start();
    client.initialize(dir.path());

    client.send_raw("{ this is not json");
    let parse_error = client.wait_for(|m| m["error"]["code"] == -32700);
    assert!(parse_error["error"]["message"].is_string());
    let unknown = client.request("workspace/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let closed = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": "file:///never/opened.rs" }, "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } }, "context": { "diagnostics": [] } }),
    );
    assert_eq!(closed["result"], json!([]));
    client.notify("textDocument/didChange", json!({ "textDocument": { "uri": "file:///never/opened.rs", "version": 1 }, "contentChanges": [{ "text": "x" }] }));

    open(&mut client, &uri, "async fn f() {}\n");
    assert!(client.diagnostics_for(&uri).is_empty());
    for version in 2..1002 {
        let text = if version == 1001 { BLOCKING.to_string() } else { format!("async fn f() {{}}\n// {version}\n") };
        change(&mut client, &uri, version, &text);
    }
    // Whatever was published in between, the last publication is for the last version.
    let mut last = Vec::new();
    let mut last_version = -1;
    loop {
        match client.messages.recv_timeout(Duration::from_secs(3)) {
            Ok(m) if m["method"] == "textDocument/publishDiagnostics" => {
                last = m["params"]["diagnostics"].as_array().unwrap().clone();
                last_version = m["params"]["version"].as_i64().unwrap_or(-1);
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    assert_eq!(last.len(), 1, "{last:?}");
    assert_eq!(last[0]["code"], "blocking-sleep");
    assert_eq!(last_version, 1001, "the publication names the version it was made from");
    assert!(last[0]["codeDescription"]["href"].as_str().is_some_and(|h| h.contains("blocking-sleep")), "{last:?}");
    client.shutdown();
}

#[test]
fn code_action_offers_the_rules_fix() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}", dir.path().join("a.rs").display());
    let mut client = Client::start();
    client.initialize(dir.path());
    open(&mut client, &uri, "async fn g() {}\nasync fn f() {\n    g();\n}\n");
    let diagnostics = client.diagnostics_for(&uri);
    assert_eq!(diagnostics[0]["code"], "missing-await");
    let params = json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } });
    let reply = client.request("textDocument/codeAction", params);
    let fix = &reply["result"][0];
    assert_eq!(fix["title"], "Fix: add `.await`");
    assert_eq!(fix["isPreferred"], true);
    let edit = &fix["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], ".await");
    assert_eq!(edit["range"]["start"], json!({ "line": 2, "character": 7 }));

    // A client that counts bytes, not UTF-16 units, still gets the fix for the finding on its line.
    change(&mut client, &uri, 2, "async fn g() {}\nasync fn f() {\n    let é = 1; g();\n}\n");
    let mut diagnostics = client.diagnostics_for(&uri);
    diagnostics[0]["range"]["start"]["character"] = json!(16);
    let params = json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } });
    let reply = client.request("textDocument/codeAction", params);
    assert_eq!(reply["result"][0]["title"], "Fix: add `.await`", "{reply}");
    client.shutdown();
}

#[test]
fn a_fix_inserts_before_it_replaces_at_the_same_position() {
    let dir = tempfile::tempdir().unwrap();
    let uri = format!("file://{}", dir.path().join("a.py").display());
    let mut client = Client::start();
    client.initialize(dir.path());
    let document = json!({ "uri": uri, "languageId": "python", "version": 1, "text": "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n" });
    client.notify("textDocument/didOpen", json!({ "textDocument": document }));
    let diagnostics = client.diagnostics_for(&uri);
    assert_eq!(diagnostics[0]["code"], "blocking-sleep");
    let params = json!({ "textDocument": { "uri": uri }, "range": diagnostics[0]["range"], "context": { "diagnostics": diagnostics } });
    let reply = client.request("textDocument/codeAction", params);
    let edits = reply["result"][0]["edit"]["changes"][&uri].as_array().unwrap().clone();
    let texts: Vec<&str> = edits.iter().map(|e| e["newText"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["await ", "asyncio.sleep"], "inserts come first, as the protocol orders them");
    assert_eq!(edits[0]["range"]["start"], edits[1]["range"]["start"]);
    client.shutdown();
}

#[test]
fn broken_frames_are_answered_with_a_null_id_and_the_next_request_is_served() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start();
    client.initialize(dir.path());
    let broken: [&[u8]; 4] = [
        b"X-Missing-Length: 1\r\n\r\n{}",
        b"Content-Length: many\r\n\r\n{}",
        b"Content-Length: 2\r\nX-\xff\xfe: 1\r\n\r\n{}",
        b"Content-Length: 80\r\n\r\n{\"jsonrpc\"",
    ];
    // A frame can only be known to be cut short when the next one arrives, as it does here.
    for (i, frame) in broken.iter().enumerate() {
        client.send_bytes(frame);
        let served = client.request("workspace/noSuchMethod", json!({}));
        assert_eq!(served["error"]["code"], -32601, "frame {i}: the next request is served: {served}");
    }
    let answers: Vec<&Value> = client.skipped.iter().filter(|m| m["error"]["code"] == -32700).collect();
    assert_eq!(answers.len(), broken.len(), "every broken frame is answered: {answers:?}");
    assert!(answers.iter().all(|m| m["id"].is_null() && m["error"]["message"].is_string()), "{answers:?}");
    client.shutdown();
}

#[test]
fn a_document_outside_any_project_is_linted_alone() {
    let project = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let helper = "import time\n\ndef work():\n    time.sleep(1)\n";
    let document = "from helper import work\n\nasync def main():\n    work()\n";
    for dir in [project.path(), elsewhere.path()] {
        std::fs::write(dir.join("helper.py"), helper).unwrap();
    }
    std::fs::write(project.path().join("pyproject.toml"), "[project]\nname = \"p\"\n").unwrap();
    let mut client = Client::start();
    client.initialize(project.path());
    let python = |uri: &str| json!({ "uri": uri, "languageId": "python", "version": 1, "text": document });

    let inside = format!("file://{}", project.path().join("main.py").display());
    client.notify("textDocument/didOpen", json!({ "textDocument": python(&inside) }));
    let found = client.diagnostics_for(&inside);
    assert_eq!(found.len(), 1, "the project's helper is linked: {found:?}");

    let outside = format!("file://{}", elsewhere.path().join("main.py").display());
    client.notify("textDocument/didOpen", json!({ "textDocument": python(&outside) }));
    assert!(client.diagnostics_for(&outside).is_empty(), "a stray file is not linked with its directory");

    // At the file system's root nothing is walked: the answer comes at once.
    for uri in ["file:///main.py", "file:///../../main.py"] {
        client.notify("textDocument/didOpen", json!({ "textDocument": python(uri) }));
        client
            .wait_for(|m| m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == "file:///main.py");
    }
    client.shutdown();
}

#[test]
fn after_shutdown_only_exit_is_served_and_exit_without_shutdown_fails() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start();
    client.initialize(dir.path());
    let reply = client.request("shutdown", Value::Null);
    assert!(reply["error"].is_null(), "{reply}");
    let refused = client.request("textDocument/codeAction", json!({}));
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(0));

    let mut client = Client::start();
    client.initialize(dir.path());
    client.notify("exit", Value::Null);
    assert_eq!(client.child.wait().unwrap().code(), Some(1), "exit without shutdown");
}

#[test]
fn deep_nesting_in_a_project_file_does_not_stop_the_server() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Cargo.toml"), "[package]\nname = \"p\"\nversion = \"0.1.0\"\n").unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let deep = format!("fn f(x: {}u8{}) {{}}\n", "Vec<".repeat(50_000), ">".repeat(50_000));
    std::fs::write(dir.path().join("src/deep.rs"), &deep).unwrap();
    std::fs::write(dir.path().join("src/lib.rs"), "mod deep;\n").unwrap();
    let mut client = Client::start();
    client.initialize(dir.path());
    let uri = format!("file://{}", dir.path().join("src/lib.rs").display());
    open(&mut client, &uri, &format!("mod deep;\n{BLOCKING}"));
    assert_eq!(client.diagnostics_for(&uri).len(), 1);
    let deep_uri = format!("file://{}", dir.path().join("src/deep.rs").display());
    open(&mut client, &deep_uri, &deep);
    let found = client.diagnostics_for(&deep_uri);
    assert_eq!(found[0]["code"], "parse-error", "{found:?}");
    client.shutdown();
}
