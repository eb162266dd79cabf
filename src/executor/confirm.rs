//! `async-lint confirm FILE`: runs one program and checks the linter's findings against what it
//! does at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use super::compare::{Comparison, Verdict, compare, unconfirmable_marks};
use crate::diagnostic::Diagnostic;
use crate::discover::discover;
use crate::lint::{Linter, Selection};
use crate::model::Language;

/// Lints `program`, runs it (a `.py` script under the driver, or a single-file Rust program on the
/// executor) in the working directory for at most `limit`, and compares. Exit code 0 when both
/// agree, 1 otherwise. The build and the probes' files go into a directory private to the user
/// and to this run, removed afterwards (on Ctrl-C too: the program's process group is ended first).
pub fn confirm(program: &Path, limit: Duration) -> Result<ExitCode, String> {
    // Declared first, so dropped last: an exit on Ctrl-C waits for the directory's removal.
    let _interrupt = crate::interrupt::guard();
    let mut builder = tempfile::Builder::new();
    builder.prefix("async-lint-confirm-");
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
    let private = builder.tempdir().map_err(|e| format!("cannot create a private directory for the run: {e}"))?;
    let working_dir = std::env::current_dir().map_err(|e| format!("cannot find the working directory: {e}"))?;
    let (comparison, _) = check_in(program, private.path(), Some(&working_dir), limit)?;
    for row in &comparison.rows {
        let (verdict, note) = match &row.verdict {
            Verdict::Confirmed => ("confirmed", String::new()),
            Verdict::Unconfirmed => ("not observed", String::new()),
            Verdict::Unconfirmable(reason) => ("unconfirmable", format!(" ({reason})")),
        };
        println!("{verdict:13} {}:{}: {}{note}", row.path.display(), row.line, row.rule);
    }
    for o in &comparison.runtime_only {
        println!("{:13} {}:{}: {} (not found statically)", "runtime only", o.path.display(), o.line, o.kind.name());
    }
    for (path, line) in &comparison.stale_marks {
        println!(
            "{:13} {}:{}: an unconfirmable mark, but the finding was observed or is absent",
            "stale mark",
            path.display(),
            line
        );
    }
    println!(
        "confirm: {} confirmed, {} not observed, {} runtime-only",
        comparison.count(|v| *v == Verdict::Confirmed),
        comparison.count(|v| *v == Verdict::Unconfirmed),
        comparison.runtime_only.len()
    );
    Ok(if comparison.agrees() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// Lints and runs `program`, building and running in `work_dir`; returns the comparison and the
/// findings.
pub fn check(program: &Path, work_dir: &Path) -> Result<(Comparison, Vec<Diagnostic>), String> {
    check_in(program, work_dir, None, super::run::TIME_LIMIT)
}

/// Like [`check`], running the program in `working_dir` (else in `work_dir`) for at most `limit`.
pub fn check_in(
    program: &Path,
    work_dir: &Path,
    working_dir: Option<&Path>,
    limit: Duration,
) -> Result<(Comparison, Vec<Diagnostic>), String> {
    let files = discover(&[program.to_path_buf()]).map_err(|e| e.to_string())?;
    let file = files.first().ok_or_else(|| format!("{} is not a Rust or Python file", program.display()))?;
    let observations = match file.language {
        Language::Rust => super::rust::build(&file.path, work_dir)?.observe_in(working_dir, limit)?,
        Language::Python => super::python::observe_in(&file.path, work_dir, working_dir, limit)?,
    };
    let diagnostics = Linter::default().lint(&files, &Selection::default());
    let source =
        std::fs::read_to_string(&file.path).map_err(|e| format!("cannot read {}: {e}", file.path.display()))?;
    let marks: BTreeMap<PathBuf, _> = [(file.path.clone(), unconfirmable_marks(&source))].into();
    Ok((compare(&diagnostics, &observations, &marks), diagnostics))
}
