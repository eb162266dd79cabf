//! The Python wheel (`pyproject.toml`, maturin with `bindings = "bin"`): maturin from PyPI builds
//! it, pip installs it into a fresh virtual environment, and the binary it carries lints a file.

mod support;

use std::process::Command;
use std::time::Duration;

use support::{cache_dir, repo_root, run, run_ok, target_dir, text, venv};

#[test]
fn the_wheel_installs_a_working_async_lint() {
    let tools = venv(&cache_dir("wheel/maturin-venv"), &["maturin>=1,<2"]);
    let dir = tempfile::tempdir().unwrap();
    let wheels = dir.path().join("wheels");
    // A debug build in this test's own target directory, where cargo has built it already.
    let target = target_dir();
    let mut build = Command::new(tools.join("maturin"));
    build.args(["build", "--out"]).arg(&wheels).arg("--target-dir").arg(&target).current_dir(repo_root());
    run_ok(&mut build, "maturin build", Duration::from_secs(1800));

    let built: Vec<_> = std::fs::read_dir(&wheels).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(built.len(), 1, "one wheel: {built:?}");
    let wheel = &built[0];
    let name = wheel.file_name().unwrap().to_str().unwrap();
    let version = env!("CARGO_PKG_VERSION");
    assert!(name.starts_with(&format!("async_lint-{version}-")) && name.ends_with(".whl"), "{name}");

    // A fresh environment that gets nothing but the wheel.
    let users = venv(&dir.path().join("venv"), &[]);
    let mut install = Command::new(users.join("python"));
    install.args(["-m", "pip", "install", "--no-index", "--disable-pip-version-check", "--quiet"]).arg(wheel);
    run_ok(&mut install, "pip install the wheel", Duration::from_secs(600));

    let project = dir.path().join("project");
    std::fs::create_dir(&project).unwrap();
    let write = |name: &str, text: &str| std::fs::write(project.join(name), text).unwrap();
    write("bad.rs", "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n");
    write("good.rs", "async fn f() {\n    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n}\n");
    write("bad.py", "import time\n\nasync def f():\n    time.sleep(1)\n");
    let async_lint = |file: &str| {
        let mut command = Command::new(users.join("async-lint"));
        command.args(["check", file, "--format", "concise"]).current_dir(&project);
        run(&mut command, "the installed async-lint", Duration::from_secs(120))
    };
    let bad = async_lint("bad.rs");
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).starts_with("bad.rs:2:5: blocking-sleep "), "{}", text(&bad));
    let bad_python = async_lint("bad.py");
    assert_eq!(bad_python.status.code(), Some(1), "{}", text(&bad_python));
    assert!(text(&bad_python).starts_with("bad.py:4:5: blocking-sleep "), "{}", text(&bad_python));
    let good = async_lint("good.rs");
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));

    // The wheel carries cargo's subcommand too.
    let version_line = run_ok(
        Command::new(users.join("cargo-async-lint")).arg("--version"),
        "cargo-async-lint",
        Duration::from_secs(60),
    );
    assert!(text(&version_line).contains(version), "{}", text(&version_line));
}
