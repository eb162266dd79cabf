//! The GitHub Actions composite action (`action.yml`), its steps run as a runner runs them
//! (`tests/support/run_action.py`) with this build of async-lint on PATH: the install step keeps
//! it, the lint step annotates or writes SARIF, and the job fails exactly when async-lint does.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const BLOCKING: &str = "import time\n\nasync def main():\n    time.sleep(1)\n";

fn project(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("app")).unwrap();
    std::fs::write(dir.path().join("app/main.py"), text).unwrap();
    dir
}

fn run_action(workspace: &Path, inputs: &str) -> Output {
    let python = support::venv(&support::cache_dir("venv-pyyaml"), &["PyYAML==6.0.2"]).join("python");
    let root = support::repo_root();
    let bin_dir = PathBuf::from(env!("CARGO_BIN_EXE_async-lint")).parent().unwrap().to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(&path))).unwrap();
    support::run(
        Command::new(python)
            .arg(root.join("tests/support/run_action.py"))
            .arg(root.join("action.yml"))
            .arg(inputs)
            .arg(&root)
            .current_dir(workspace)
            .env("PATH", path)
            .env("NO_COLOR", "1"),
        "the composite action",
        Duration::from_secs(300),
    )
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn github_format_annotates_and_fails_the_job_on_findings() {
    let dir = project(BLOCKING);
    let out = run_action(dir.path(), "{}");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", support::text(&out));
    assert!(text.contains(&format!("async-lint {} is already installed", env!("CARGO_PKG_VERSION"))), "{text}");
    assert!(text.contains("::warning file=app/main.py,line=4,"), "{text}");
    assert!(text.contains("skipped: Upload the SARIF log"), "{text}");
    assert!(text.contains("failed: Fail on findings (exit 1)"), "{text}");
}

#[test]
fn sarif_format_writes_and_uploads_the_log_before_failing() {
    let dir = project(BLOCKING);
    let out = run_action(dir.path(), r#"{"format": "sarif", "working-directory": "app", "args": ". --no-cache"}"#);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{}", support::text(&out));
    assert!(text.contains(r#"uses: github/codeql-action/upload-sarif@v3 {"category": "async-lint", "sarif_file": "app/async-lint.sarif"}"#), "{text}");
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("app/async-lint.sarif")).unwrap()).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{log}");
    assert_eq!(results[0]["ruleId"], "blocking-sleep");
    assert!(text.contains("failed: Fail on findings (exit 1)"), "{text}");
}

#[test]
fn the_job_passes_when_async_lint_does() {
    let clean = project("import asyncio\n\nasync def main():\n    await asyncio.sleep(1)\n");
    let out = run_action(clean.path(), "{}");
    assert_eq!(out.status.code(), Some(0), "{}", support::text(&out));
    assert!(stdout(&out).contains(r#"outputs: {"exit-code": "0"}"#), "{}", stdout(&out));

    // Warnings pass with `--fail-on error`, as they do on the command line.
    let warned = project(BLOCKING);
    let out = run_action(warned.path(), r#"{"args": "--fail-on error ."}"#);
    assert_eq!(out.status.code(), Some(0), "{}", support::text(&out));
    assert!(stdout(&out).contains("::warning file=app/main.py"), "{}", stdout(&out));

    let out = run_action(warned.path(), r#"{"format": "xml"}"#);
    assert_eq!(out.status.code(), Some(2), "{}", support::text(&out));
    assert!(stdout(&out).contains("::error::format must be github or sarif, not 'xml'"), "{}", stdout(&out));
}

/// The action's metadata against SchemaStore's schema for `action.yml`, as vendored by
/// check-jsonschema (what GitHub reads it by is not published as a tool).
#[test]
fn the_action_matches_schemastores_schema() {
    let bin = support::venv(&support::cache_dir("venv-check-jsonschema"), &["check-jsonschema==0.29.4"]);
    let out = support::run(
        Command::new(bin.join("check-jsonschema"))
            .args(["--builtin-schema", "vendor.github-actions"])
            .arg(support::repo_root().join("action.yml")),
        "check-jsonschema",
        Duration::from_secs(120),
    );
    assert!(out.status.success(), "{}", support::text(&out));
}
