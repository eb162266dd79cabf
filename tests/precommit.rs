//! The pre-commit hook (`.pre-commit-hooks.yaml`), run by the real `pre-commit` from PyPI with
//! `try-repo` on a scratch repository. pre-commit `cargo install`s this crate in release mode
//! (a few minutes cold); its cargo target directory is kept under ours so that reruns are quicker.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use support::{cache_dir, repo_root, run, run_ok, text, venv};

fn git(dir: &Path, args: &[&str]) {
    let mut command = Command::new("git");
    command.args(["-c", "user.name=async-lint tests", "-c", "user.email=tests@async-lint.invalid"]);
    command.args(["-c", "commit.gpgsign=false"]).args(args).current_dir(dir);
    run_ok(&mut command, &format!("git {}", args.join(" ")), Duration::from_secs(120));
}

/// A repository whose HEAD is this working tree as it is now (committed or not, ignored files
/// left out), since pre-commit installs hooks from a commit.
fn snapshot_of_this_repository() -> std::path::PathBuf {
    let files = run_ok(
        Command::new("git")
            .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
            .current_dir(repo_root()),
        "git ls-files (this test needs the repository's git checkout)",
        Duration::from_secs(60),
    );
    let snapshot = cache_dir("precommit/hook-repo");
    std::fs::remove_dir_all(&snapshot).unwrap();
    for file in String::from_utf8(files.stdout).unwrap().split('\0').filter(|f| !f.is_empty()) {
        let from = repo_root().join(file);
        // A deleted file that is still in the index.
        if !from.is_file() {
            continue;
        }
        let to = snapshot.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git(&snapshot, &["init", "--quiet"]);
    git(&snapshot, &["add", "--all"]);
    git(&snapshot, &["commit", "--quiet", "--message", "snapshot"]);
    snapshot
}

#[test]
fn the_hook_fails_on_a_pitfall_and_passes_clean_files() {
    let tools = venv(&cache_dir("precommit/venv"), &["pre-commit"]);
    let hook_repo = snapshot_of_this_repository();

    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path();
    std::fs::write(
        dir.join("bad.rs"),
        "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("good.rs"),
        "async fn f() {\n    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("bad.py"), "import time\n\nasync def f():\n    time.sleep(1)\n").unwrap();
    // Excluded by the configuration: pre-commit names the file, the hook still leaves it out.
    std::fs::create_dir(dir.join("gen")).unwrap();
    std::fs::write(dir.join("gen/made.py"), "import time\n\nasync def f():\n    time.sleep(1)\n").unwrap();
    std::fs::write(dir.join("async-lint.toml"), "exclude = [\"gen\"]\n").unwrap();
    git(dir, &["init", "--quiet"]);
    git(dir, &["add", "bad.rs", "bad.py", "good.rs", "gen/made.py", "async-lint.toml"]);

    let try_hook = |hook: &str, files: &[&str]| {
        let mut command = Command::new(tools.join("pre-commit"));
        command.arg("try-repo").arg(&hook_repo).args([hook, "--files"]).args(files).current_dir(dir);
        // The `language: system` hook runs the binary on PATH: this build's.
        let built = Path::new(env!("CARGO_BIN_EXE_async-lint")).parent().unwrap().to_path_buf();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let path = std::env::join_paths(std::iter::once(built).chain(std::env::split_paths(&path))).unwrap();
        command.env("PATH", path);
        command.env("PRE_COMMIT_HOME", cache_dir("precommit/home"));
        command.env("CARGO_TARGET_DIR", cache_dir("precommit/cargo-target"));
        // Every try-repo clones afresh, so cargo sees new sources each time: incremental
        // compilation makes those rebuilds of an unchanged crate quick.
        command.env("CARGO_INCREMENTAL", "1");
        run(&mut command, &format!("pre-commit try-repo on {files:?}"), Duration::from_secs(1800))
    };

    let try_repo = |files: &[&str]| try_hook("async-lint", files);
    let bad = try_repo(&["bad.rs", "bad.py", "good.rs"]);
    assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    assert!(text(&bad).contains("async-lint....") && text(&bad).contains("Failed"), "{}", text(&bad));
    assert!(text(&bad).contains("bad.rs:2:5"), "the output names the file and line:\n{}", text(&bad));
    assert!(text(&bad).contains("bad.py:4:5"), "the output names the file and line:\n{}", text(&bad));
    assert!(text(&bad).contains("blocking-sleep"), "{}", text(&bad));
    assert!(!text(&bad).contains("good.rs"), "{}", text(&bad));

    let good = try_repo(&["good.rs", "gen/made.py"]);
    assert_eq!(good.status.code(), Some(0), "{}", text(&good));
    assert!(text(&good).contains("Passed"), "{}", text(&good));

    let system = try_hook("async-lint-system", &["bad.py", "gen/made.py"]);
    assert_eq!(system.status.code(), Some(1), "{}", text(&system));
    assert!(text(&system).contains("bad.py:4:5"), "{}", text(&system));
    assert!(!text(&system).contains("made.py"), "{}", text(&system));
    let system = try_hook("async-lint-system", &["good.rs", "gen/made.py"]);
    assert_eq!(system.status.code(), Some(0), "{}", text(&system));
}
