//! Running a built program with a time limit and collecting what its probes wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// No test program should take longer; one that does is stuck (a deadlock is a finding too, but
/// not one the oracle can line up with the source).
const TIME_LIMIT: Duration = Duration::from_secs(60);

/// What a run left behind: the probes' JSON lines and the program's stderr.
pub struct Outcome {
    pub observations: String,
    pub stderr: String,
    pub status: std::process::ExitStatus,
}

/// Runs `command` in a fresh directory `scratch`, with the probes writing to a file there.
pub fn run(mut command: Command, scratch: &Path) -> Result<Outcome, String> {
    if scratch.exists() {
        std::fs::remove_dir_all(scratch).map_err(|e| format!("cannot clear {}: {e}", scratch.display()))?;
    }
    std::fs::create_dir_all(scratch).map_err(|e| format!("cannot create {}: {e}", scratch.display()))?;
    let observations = scratch.join("observations.jsonl");
    let stderr_path = scratch.join("stderr.txt");
    let stderr =
        std::fs::File::create(&stderr_path).map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
    let mut child = command
        .current_dir(scratch)
        .env("ASYNC_LINT_OBSERVATIONS", &observations)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait().map_err(|e| format!("cannot wait for the program: {e}"))? {
            Some(status) => break status,
            None if start.elapsed() > TIME_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("the program did not finish within {} s", TIME_LIMIT.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    Ok(Outcome {
        observations: std::fs::read_to_string(&observations).unwrap_or_default(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
        status,
    })
}

/// Writes `text` to `path` unless it already holds it, atomically, so that concurrent runs can
/// share a directory.
pub fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(());
    }
    let temp = temp_path(path);
    std::fs::write(&temp, text)
        .and_then(|()| std::fs::rename(&temp, path))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// A path beside `path` that no other writer, in this process or another, uses.
pub fn temp_path(path: &Path) -> PathBuf {
    static WRITES: AtomicUsize = AtomicUsize::new(0);
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".tmp{}-{}", std::process::id(), WRITES.fetch_add(1, Ordering::Relaxed)));
    path.with_file_name(name)
}
