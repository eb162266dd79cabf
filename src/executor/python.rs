//! Running a Python program under the driver, on CPython's own asyncio.

use std::path::Path;
use std::process::Command;

use super::PYTHON_DRIVER;
use super::observation::{self, Observation};
use super::run::{Run, TIME_LIMIT, run, write_if_changed};

/// Runs `program` under the driver written into `work_dir` (a directory private to the user), in
/// a scratch directory there, with `python` (`python3` unless `ASYNC_LINT_PYTHON` names another). The
/// program must run to completion.
pub fn observe(program: &Path, work_dir: &Path) -> Result<Vec<Observation>, String> {
    observe_in(program, work_dir, None, TIME_LIMIT)
}

/// Like [`observe`], running the program in `working_dir` for at most `limit`.
pub fn observe_in(
    program: &Path,
    work_dir: &Path,
    working_dir: Option<&Path>,
    limit: std::time::Duration,
) -> Result<Vec<Observation>, String> {
    let absolute = program.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", program.display()))?;
    std::fs::create_dir_all(work_dir).map_err(|e| format!("cannot create {}: {e}", work_dir.display()))?;
    let driver = work_dir.join("async_lint_driver.py");
    write_if_changed(&driver, PYTHON_DRIVER)?;
    let python = std::env::var_os("ASYNC_LINT_PYTHON").unwrap_or_else(|| "python3".into());
    let mut command = Command::new(python);
    command.arg(&driver).arg(&absolute).env("PYTHONDONTWRITEBYTECODE", "1");
    let stem = program.file_stem().and_then(|s| s.to_str()).unwrap_or("program");
    let scratch = work_dir.join(format!("run-{stem}"));
    let outcome = run(command, &Run { scratch: &scratch, working_dir, limit })?;
    if !outcome.status.success() {
        return Err(format!("{} failed at run time ({}):\n{}", program.display(), outcome.status, outcome.stderr));
    }
    observation::parse(&outcome.observations, program, &[&absolute])
}
