//! The language server seen from a real editor: headless Neovim (0.7 or later) attaches it to a
//! file, receives its diagnostics and applies its code actions (`tests/support/neovim.lua`).

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;
use support::{ensure_tool, run, text};

/// Opens `file` (relative to `dir`) in Neovim with the server attached and applies the code action
/// whose title starts with `action`; returns what Neovim saw.
fn neovim(dir: &Path, file: &str, action: &str) -> Value {
    ensure_tool(&["nvim", "--version"], &["neovim"]);
    let result = dir.join("result.json");
    let mut command = Command::new("nvim");
    command
        .args(["--headless", "--clean", "-n", "-u"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/neovim.lua"))
        .arg(file)
        .current_dir(dir)
        .env("ASYNC_LINT", env!("CARGO_BIN_EXE_async-lint"))
        .env("ASYNC_LINT_RESULT", &result)
        .env("ASYNC_LINT_ACTION", action);
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
/// `lnum` and `col`, arrives, and that the code action whose title starts with `action` makes the
/// text `fixed` and clears the finding.
fn check(file: &str, source: &str, rule: &str, (lnum, col): (u64, u64), action: &str, fixed: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, source).unwrap();
    // Rust files are in a crate that depends on tokio, which the rules' fixes need.
    if file.ends_with(".rs") {
        let manifest =
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n";
        std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    }

    let seen = neovim(dir.path(), file, action);
    let diagnostics = seen["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{seen:#}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], rule, "{seen:#}");
    assert_eq!(d["source"], "async-lint", "{seen:#}");
    assert!(d["message"].as_str().unwrap().contains("in an async context"), "{seen:#}");
    assert_eq!((d["lnum"].as_u64(), d["col"].as_u64()), (Some(lnum), Some(col)), "{seen:#}");
    let docs = format!("https://github.com/async-lint/async-lint/blob/main/docs/rules/{rule}.md");
    assert_eq!(d["href"], docs.as_str(), "codeDescription.href: {seen:#}");

    let mut titles = seen["actions"].as_array().unwrap().iter().map(|t| t.as_str().unwrap());
    assert!(titles.any(|t| t.starts_with(action)), "{seen:#}");
    let lines: Vec<&str> = seen["lines"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert_eq!(lines.join("\n") + "\n", fixed, "{seen:#}");
    assert_eq!(seen["cleared"], true, "the diagnostic stays after the code action: {seen:#}");
    // Every publication names the version it was computed on: never a newer one than the buffer
    // had, in order, and the last one (the finding cleared) is the buffer's final version.
    let published = seen["published"].as_array().unwrap();
    let versions: Vec<u64> = published.iter().map(|p| p["version"].as_u64().expect("a version")).collect();
    assert!(published.iter().all(|p| p["version"].as_u64() <= p["buffer_version"].as_u64()), "{seen:#}");
    assert!(versions.windows(2).all(|w| w[0] <= w[1]), "{seen:#}");
    let last = published.last().unwrap();
    assert_eq!(
        (last["version"].as_u64(), last["count"].as_u64()),
        (seen["final_version"].as_u64(), Some(0)),
        "{seen:#}"
    );
    assert_eq!(seen["exit_code"], 0, "the server's exit code after shutdown: {seen:#}");
}

#[test]
fn neovim_lints_rust_and_suppresses() {
    let source = "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    let fixed = "async fn handler() {\n    // async-lint: allow(blocking-sleep)\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    check("src/main.rs", source, "blocking-sleep", (1, 4), "Allow `blocking-sleep` on this line", fixed);
}

#[test]
fn neovim_applies_a_rust_fix() {
    let source = "async fn handler() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    let fixed = "async fn handler() {\n    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n}\n";
    check("src/main.rs", source, "blocking-sleep", (1, 4), "Fix: ", fixed);
}

#[test]
fn neovim_lints_python_and_suppresses() {
    let source = "import time\n\n\nasync def handler():\n    time.sleep(1)\n";
    let fixed = "import time\n\n\nasync def handler():\n    # async-lint: allow(blocking-sleep)\n    time.sleep(1)\n";
    check("app.py", source, "blocking-sleep", (4, 4), "Allow `blocking-sleep` on this line", fixed);
}

#[test]
fn neovim_applies_a_python_fix() {
    let source = "import asyncio\nimport time\n\n\nasync def handler():\n    time.sleep(1)\n";
    let fixed = "import asyncio\nimport time\n\n\nasync def handler():\n    await asyncio.sleep(1)\n";
    check("app.py", source, "blocking-sleep", (5, 4), "Fix: ", fixed);
}
