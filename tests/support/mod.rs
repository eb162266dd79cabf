//! Helpers for the tests that drive real outside tools (Neovim, pre-commit, maturin and pip).
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The target directory these tests were built in.
pub fn target_dir() -> PathBuf {
    // The binary is `<target>/<profile>/async-lint`.
    let bin = Path::new(env!("CARGO_BIN_EXE_async-lint"));
    bin.parent().and_then(Path::parent).expect("the binary lives in the target directory").to_path_buf()
}

/// A directory that survives between runs, so that reruns reuse virtual environments and builds:
/// under `ASYNC_LINT_TEST_CACHE` when set (CI points it at an empty directory), else under the
/// target directory.
pub fn cache_dir(name: &str) -> PathBuf {
    let root = std::env::var_os("ASYNC_LINT_TEST_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("integrations"));
    let dir = root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// An exclusive lock on `<path>.lock`, held until the returned file is dropped: one preparation
/// of `path` at a time, among the tests of a run and among concurrent runs.
pub fn lock(path: &Path) -> std::fs::File {
    let mut name = path.file_name().expect("a named path").to_os_string();
    name.push(".lock");
    let lock_path = path.with_file_name(name);
    if let Some(parent) = lock_path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", lock_path.display()));
    file.lock().unwrap_or_else(|e| panic!("cannot lock {}: {e}", lock_path.display()));
    file
}

/// The root of this repository.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `command` to completion, killing it after `limit`; panics naming `what` if it cannot
/// start or runs out of time.
pub fn run(command: &mut Command, what: &str, limit: Duration) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: cannot start {:?}: {e}", command.get_program()));
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let (out, err) = (stdout.join().unwrap(), stderr.join().unwrap());
            panic!(
                "{what}: did not finish within {} s\nstdout:\n{}\nstderr:\n{}",
                limit.as_secs(),
                String::from_utf8_lossy(&out),
                String::from_utf8_lossy(&err)
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

/// Like [`run`], and panics with the output unless the command succeeds.
pub fn run_ok(command: &mut Command, what: &str, limit: Duration) -> Output {
    let output = run(command, what, limit);
    assert!(output.status.success(), "{what} failed ({}):\n{}", output.status, text(&output));
    output
}

/// Stdout and stderr together, for assertions and failure messages.
pub fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

fn works(program: &str, args: &[&str]) -> bool {
    Command::new(program).args(args).stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
}

/// Makes `probe` succeed, installing the Debian `packages` (as root, as on CI) if it does not.
pub fn ensure_tool(probe: &[&str], packages: &[&str]) {
    static APT: Mutex<()> = Mutex::new(());
    let _apt = APT.lock().unwrap_or_else(|e| e.into_inner());
    if works(probe[0], &probe[1..]) {
        return;
    }
    let install = || {
        let mut command = Command::new("apt-get");
        // Another run's apt-get may hold dpkg's lock: wait for it instead of failing.
        command.args(["-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends"]).args(packages);
        command.env("DEBIAN_FRONTEND", "noninteractive");
        run(&mut command, "apt-get install", Duration::from_secs(900)).status.success()
    };
    if !install() {
        let mut update = Command::new("apt-get");
        update.args(["-o", "DPkg::Lock::Timeout=600", "update"]);
        run(&mut update, "apt-get update", Duration::from_secs(900));
        install();
    }
    assert!(
        works(probe[0], &probe[1..]),
        "`{}` does not work and `apt-get install {}` did not fix it: install it to run this test",
        probe.join(" "),
        packages.join(" ")
    );
}

/// A virtual environment at `dir` with `packages` installed from PyPI, made once and reused
/// (under a lock, so that concurrent tests make it once). Returns its `bin` directory.
pub fn venv(dir: &Path, packages: &[&str]) -> PathBuf {
    let _lock = lock(dir);
    let bin = dir.join("bin");
    let marker = dir.join(format!("installed {}", packages.join(" ")));
    if marker.is_file() {
        return bin;
    }
    // Debian ships ensurepip, which `venv` needs, in python3-venv.
    ensure_tool(&["python3", "-c", "import ensurepip, venv"], &["python3", "python3-venv"]);
    let _ = std::fs::remove_dir_all(dir);
    run_ok(Command::new("python3").args(["-m", "venv"]).arg(dir), "python3 -m venv", Duration::from_secs(300));
    if !packages.is_empty() {
        let mut pip = Command::new(bin.join("python"));
        pip.args(["-m", "pip", "install", "--disable-pip-version-check", "--quiet"]).args(packages);
        run_ok(&mut pip, &format!("pip install {}", packages.join(" ")), Duration::from_secs(900));
    }
    // The marker is the commit point: a venv left half-made by a killed run is made anew.
    std::fs::write(marker, "").unwrap();
    bin
}

/// Compares sorted finding lines with the reviewed snapshot `tests/snapshots/<name>` (rewritten
/// when `BLESS` is set), showing what is new and what is gone when they differ.
pub fn assert_reviewed(name: &str, lines: &[String], what: &str) {
    let actual = lines.join("\n") + "\n";
    let snapshot = repo_root().join("tests/snapshots").join(name);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if actual != expected {
        let gone: Vec<&str> = expected.lines().filter(|l| !actual.lines().any(|a| a == *l)).collect();
        let new: Vec<&str> = actual.lines().filter(|l| !expected.lines().any(|e| e == *l)).collect();
        panic!(
            "findings on {what} changed; review, then rerun with BLESS=1\nnew:\n{}\ngone:\n{}",
            new.join("\n"),
            gone.join("\n")
        );
    }
}

/// Runs a corpus script of `bench/` and returns its `name version dir` lines as (name, dir).
pub fn corpus_dirs(script: &str) -> Vec<(String, PathBuf)> {
    let out = Command::new("bash").arg(repo_root().join("bench").join(script)).output().expect("bash runs");
    assert!(out.status.success(), "bench/{script} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (name, _version, dir) = (parts.next()?, parts.next()?, parts.next()?);
            Some((name.to_string(), PathBuf::from(dir)))
        })
        .collect()
}

/// The published source of crate `name` at exactly `version`, fetched by cargo (which checks the
/// crate's checksum) through a scratch project under the test cache; returns its directory.
pub fn crate_source(name: &str, version: &str) -> PathBuf {
    let scratch = cache_dir(&format!("crate-{name}-{version}"));
    let _lock = lock(&scratch);
    let manifest = format!(
        "[package]\nname = \"fetch\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[workspace]\n\n[dependencies]\n{name} = \"={version}\"\n"
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(scratch.join("src")).unwrap();
    std::fs::write(scratch.join("src/lib.rs"), "").unwrap();
    let output = run_ok(
        Command::new("cargo").args(["metadata", "--format-version", "1"]).current_dir(&scratch),
        &format!("cargo metadata (fetches {name} {version})"),
        Duration::from_secs(600),
    );
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let manifest = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name && p["version"] == version)
        .and_then(|p| p["manifest_path"].as_str())
        .unwrap_or_else(|| panic!("{name} {version} is resolved"))
        .to_string();
    Path::new(&manifest).parent().unwrap().to_path_buf()
}
