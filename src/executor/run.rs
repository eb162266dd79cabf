//! Running a built program with a time limit and collecting what its probes wrote.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// No test program should take longer unless told so; one that does is stuck (a deadlock is a
/// finding too, but not one the oracle can line up with the source).
pub const TIME_LIMIT: Duration = Duration::from_secs(60);

/// How much of what a program printed an error message shows (its end).
const SHOWN_OUTPUT: u64 = 16 << 10;

/// What a run left behind: the probes' JSON lines and the end of the program's stderr.
pub struct Outcome {
    pub observations: String,
    pub stderr: String,
    pub status: std::process::ExitStatus,
}

/// How a program is run: with the probes writing into `scratch` (made afresh, private to the
/// user), in `working_dir` (else in `scratch`), for at most `limit`.
pub struct Run<'a> {
    pub scratch: &'a Path,
    pub working_dir: Option<&'a Path>,
    pub limit: Duration,
}

/// Creates `dir` afresh, readable and writable by the user alone.
pub fn private_dir(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| format!("cannot clear {}: {e}", dir.display()))?;
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// Runs `command` as [`Run`] says, in a process group of its own that is ended whole on timeout
/// and on Ctrl-C.
pub fn run(mut command: Command, how: &Run) -> Result<Outcome, String> {
    private_dir(how.scratch)?;
    let observations = how.scratch.join("observations.jsonl");
    let stderr_path = how.scratch.join("stderr.txt");
    let stderr =
        std::fs::File::create(&stderr_path).map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
    command
        .current_dir(how.working_dir.unwrap_or(how.scratch))
        .env("ASYNC_LINT_OBSERVATIONS", &observations)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let interrupt = crate::interrupt::guard();
    let mut child = command.spawn().map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    let group = child.id();
    interrupt.kill_on_interrupt(group);
    let start = Instant::now();
    let waited = loop {
        match child.try_wait() {
            Err(e) => break Err(format!("cannot wait for the program: {e}")),
            Ok(Some(status)) => break Ok(status),
            Ok(None) if crate::interrupt::interrupted() => break Err("interrupted".to_string()),
            Ok(None) if start.elapsed() > how.limit => {
                break Err(format!("the program did not finish within {} s", how.limit.as_secs()));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
        }
    };
    if waited.is_err() {
        crate::interrupt::kill_group(group);
        let _ = child.kill();
        let _ = child.wait();
    }
    interrupt.release_group(group);
    let status = waited?;
    Ok(Outcome {
        observations: std::fs::read_to_string(&observations).unwrap_or_default(),
        stderr: tail(&stderr_path),
        status,
    })
}

/// The end of a file, at most [`SHOWN_OUTPUT`] bytes, saying how much came before.
fn tail(path: &Path) -> String {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = std::fs::File::open(path) else { return String::new() };
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let skipped = len.saturating_sub(SHOWN_OUTPUT);
    let mut bytes = Vec::new();
    if file.seek(SeekFrom::Start(skipped)).is_err() || file.read_to_end(&mut bytes).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&bytes);
    match skipped {
        0 => text.into_owned(),
        _ => format!("[{skipped} earlier bytes not shown]\n{text}"),
    }
}

/// The end of a text that may be long, as [`tail`] shows a file's.
pub fn bounded(text: &str) -> String {
    let limit = SHOWN_OUTPUT as usize;
    if text.len() <= limit {
        return text.to_string();
    }
    let mut start = text.len() - limit;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("[{start} earlier bytes not shown]\n{}", &text[start..])
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
