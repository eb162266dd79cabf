//! The language server seen from a real editor: headless Neovim (0.7 or later) attaches it to a
//! file, receives its diagnostics and applies its quick fix (`tests/support/neovim.lua`).

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use support::{ensure_tool, run, text};

/// Opens `file` (relative to `dir`) in Neovim with the server attached; returns what Neovim saw.
fn neovim(dir: &Path, file: &str) -> Value {
    ensure_tool(&["nvim", "--version"], &["neovim"]);
    let result = dir.join("result.json");
    let mut command = Command::new("nvim");
    command
        .args(["--headless", "--clean", "-n", "-u"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/neovim.lua"))
        .arg(file)
        .current_dir(dir)
        .env("ASYNC_LINT", env!("CARGO_BIN_EXE_async-lint"))
        .env("ASYNC_LINT_RESULT", &result);
    // Keep Neovim's state, logs and any user configuration out of the test.
    for var in ["XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"] {
        command.env(var, dir.join("xdg"));
    }
    let output = run(&mut command, "nvim", Duration::from_secs(120));
    let written = std::fs::read_to_string(&result)
        .unwrap_or_else(|e| panic!("Neovim wrote no result ({e}); its output:\n{}", text(&output)));
    let value: Value = serde_json::from_str(&written).expect("the result is JSON");
    assert!(value["error"].is_null(), "Neovim: {}\n{value:#}\n{}", value["error"], text(&output));
    assert!(output.status.success(), "nvim exited with {}:\n{}", output.status, text(&output));
    value
}

/// Opens `source` as `file` in Neovim and checks that the one finding, `rule` at the 0-based
/// `lnum` and `col`, arrives, and that its quick fix inserts `allow` above it and clears it.
fn check(file: &str, source: &str, rule: &str, (lnum, col): (u64, u64), allow: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(file), source).unwrap();

    let seen = neovim(dir.path(), file);
    let diagnostics = seen["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{seen:#}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], rule, "{seen:#}");
    assert_eq!(d["source"], "async-lint", "{seen:#}");
    assert!(d["message"].as_str().unwrap().contains("in an async context"), "{seen:#}");
    assert_eq!((d["lnum"].as_u64(), d["col"].as_u64()), (Some(lnum), Some(col)), "{seen:#}");

    assert_eq!(seen["actions"], serde_json::json!([format!("Allow `{rule}` on this line")]), "{seen:#}");
    let lines: Vec<&str> = seen["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lines[lnum as usize], allow, "{seen:#}");
    assert_eq!(seen["cleared"], true, "the diagnostic stays after the quick fix: {seen:#}");
    assert_eq!(seen["exit_code"], 0, "the server's exit code after shutdown: {seen:#}");
}

#[test]
fn neovim_lints_rust() {
    let source = "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    check("main.rs", source, "blocking-sleep", (1, 4), "    // async-lint: allow(blocking-sleep)");
}

#[test]
fn neovim_lints_python() {
    let source = "import time\n\n\nasync def handler():\n    time.sleep(1)\n";
    check("app.py", source, "blocking-sleep", (4, 4), "    # async-lint: allow(blocking-sleep)");
}
