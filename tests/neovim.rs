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

#[test]
fn neovim_receives_diagnostics_and_applies_the_quick_fix() {
    let dir = tempfile::tempdir().unwrap();
    let source = "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    std::fs::write(dir.path().join("main.rs"), source).unwrap();

    let seen = neovim(dir.path(), "main.rs");
    let diagnostics = seen["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{seen:#}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "blocking-sleep", "{seen:#}");
    assert_eq!(d["source"], "async-lint", "{seen:#}");
    // Neovim counts lines and columns from 0.
    assert_eq!((d["lnum"].as_u64(), d["col"].as_u64()), (Some(1), Some(4)), "{seen:#}");
    assert!(d["message"].as_str().unwrap().contains("std::thread::sleep"), "{seen:#}");

    assert_eq!(seen["actions"], serde_json::json!(["Allow `blocking-sleep` on this line"]), "{seen:#}");
    let lines: Vec<&str> = seen["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lines[1], "    // async-lint: allow(blocking-sleep)", "{seen:#}");
    assert_eq!(seen["cleared"], true, "the diagnostic stays after the quick fix: {seen:#}");
    assert_eq!(seen["exit_code"], 0, "the server's exit code after shutdown: {seen:#}");
}
