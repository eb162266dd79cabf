//! `async-lint confirm FILE`: runs one program and checks the linter's findings against what it
//! does at run time.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::compare::{Comparison, Verdict, compare, unconfirmable_marks};
use crate::diagnostic::Diagnostic;
use crate::discover::discover;
use crate::lint::{Linter, Selection};
use crate::model::Language;

/// Lints `program`, runs it (a `.py` script under the driver, or a single-file Rust program on the
/// executor) and compares. Exit code 0 when both agree, 1 otherwise.
pub fn confirm(program: &Path) -> Result<ExitCode, String> {
    let (comparison, _) = check(program, &std::env::temp_dir().join("async-lint-confirm"))?;
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

/// Lints and runs `program`, building in `work_dir`; returns the comparison and the findings.
pub fn check(program: &Path, work_dir: &Path) -> Result<(Comparison, Vec<Diagnostic>), String> {
    let files = discover(&[program.to_path_buf()]).map_err(|e| e.to_string())?;
    let file = files.first().ok_or_else(|| format!("{} is not a Rust or Python file", program.display()))?;
    let observations = match file.language {
        Language::Rust => super::rust::observe(&file.path, work_dir)?,
        Language::Python => super::python::observe(&file.path, work_dir)?,
    };
    let diagnostics = Linter::default().lint(&files, &Selection::default());
    let source =
        std::fs::read_to_string(&file.path).map_err(|e| format!("cannot read {}: {e}", file.path.display()))?;
    let marks: BTreeMap<PathBuf, _> = [(file.path.clone(), unconfirmable_marks(&source))].into();
    Ok((compare(&diagnostics, &observations, &marks), diagnostics))
}
