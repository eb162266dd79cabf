//! The oracle: every program under `testdata/oracle/` is linted, then really run (Rust programs on
//! the instrumented reference executor, tokio programs on tokio, Python programs under the driver
//! on CPython's asyncio), and the static findings are compared with what was observed, per file,
//! line and kind. Every finding must be observed and every observation found statically, except
//! findings marked `oracle: unconfirmable(reason)`, which are counted apart.
//!
//! The programs' `// ~ rule-id` (`# ~ rule-id`) annotations say what the linter should find, and
//! are checked too, so that a finding lost by the linter cannot pass unnoticed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_lint::diagnostic::Diagnostic;
use async_lint::discover::discover;
use async_lint::executor::compare::{Comparison, Verdict, compare, unconfirmable_marks};
use async_lint::executor::observation::{Kind, Observation};
use async_lint::executor::{confirm, python, run, rust};
use async_lint::lint::{Linter, Selection};

/// The tests of this file run one at a time: a compiler running beside a program under observation
/// could stretch a quick call past the blocking threshold.
static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The suite must confirm at least this many findings.
const MIN_CONFIRMED: usize = 40;

fn work_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("oracle")
}

/// The programs in `testdata/oracle/<dir>` with extension `ext`, as paths relative to the package.
fn programs(dir: &str, ext: &str) -> Vec<PathBuf> {
    let relative = Path::new("testdata/oracle").join(dir);
    let Ok(entries) = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(&relative)) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| relative.join(e.file_name()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    found.sort();
    found
}

fn source(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The `~ rule-id` annotations of a program: (line, rule).
fn annotations(path: &Path) -> BTreeSet<(u32, String)> {
    let marker = if path.extension().is_some_and(|e| e == "py") { "# ~ " } else { "// ~ " };
    let mut expected = BTreeSet::new();
    for (index, line) in source(path).lines().enumerate() {
        let Some((_, rest)) = line.split_once(marker) else {
            continue;
        };
        let rules = rest.split("oracle:").next().unwrap_or_default();
        for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
            expected.insert((index as u32 + 1, rule.to_string()));
        }
    }
    expected
}

#[derive(Default)]
struct Report {
    cases: Vec<(PathBuf, Comparison)>,
    failures: Vec<String>,
    notes: Vec<String>,
}

impl Report {
    /// Compares one program's findings (which must match its annotations) with its observations.
    fn case(&mut self, program: &Path, diagnostics: &[Diagnostic], observations: Result<Vec<Observation>, String>) {
        let found: BTreeSet<(u32, String)> = diagnostics.iter().map(|d| (d.span.line, d.rule.to_string())).collect();
        let expected = annotations(program);
        for (line, rule) in expected.difference(&found) {
            self.failures.push(format!("{}:{line}: the linter misses the annotated {rule}", program.display()));
        }
        for (line, rule) in found.difference(&expected) {
            self.failures.push(format!("{}:{line}: the linter reports an unannotated {rule}", program.display()));
        }
        let observations = match observations {
            Ok(observations) => observations,
            Err(error) => {
                self.failures.push(format!("{}: {error}", program.display()));
                return;
            }
        };
        let marks: BTreeMap<PathBuf, _> = [(program.to_path_buf(), unconfirmable_marks(&source(program)))].into();
        self.cases.push((program.to_path_buf(), compare(diagnostics, &observations, &marks)));
    }

    fn count(&self, wanted: fn(&Verdict) -> bool) -> usize {
        self.cases.iter().map(|(_, c)| c.count(wanted)).sum()
    }

    fn print(&self) {
        for (program, comparison) in &self.cases {
            let name = program.display();
            for row in &comparison.rows {
                let verdict = match &row.verdict {
                    Verdict::Confirmed => "confirmed".to_string(),
                    Verdict::Unconfirmed => "UNCONFIRMED".to_string(),
                    Verdict::Unconfirmable(reason) => format!("unconfirmable: {reason}"),
                };
                eprintln!("{name:44} {:>4}  {:20} {verdict}", row.line, row.rule);
            }
            for o in &comparison.runtime_only {
                eprintln!("{name:44} {:>4}  {:20} RUNTIME-ONLY", o.line, o.kind.name());
            }
            for (_, line) in &comparison.stale_marks {
                eprintln!("{name:44} {line:>4}  {:20} STALE unconfirmable mark", "");
            }
        }
        for note in &self.notes {
            eprintln!("{note}");
        }
    }
}

fn lint(files: &[PathBuf]) -> Vec<Diagnostic> {
    let sources = discover(files).expect("the oracle's programs are readable");
    Linter::default().lint(&sources, &Selection::default())
}

/// Builds every Rust program (two at a time), then runs them one by one, so that timing is not
/// disturbed by the compiler.
fn rust_programs(report: &mut Report) {
    let programs = programs("rust", "rs");
    let dir = work_dir().join("rust");
    let next = AtomicUsize::new(0);
    let built = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                while let Some(program) = programs.get(next.fetch_add(1, Ordering::SeqCst)) {
                    let result = rust::build(program, &dir);
                    built.lock().unwrap().insert(program.clone(), result);
                }
            });
        }
    });
    for (program, result) in built.into_inner().unwrap() {
        let diagnostics = lint(std::slice::from_ref(&program));
        report.case(&program, &diagnostics, result.and_then(|b| b.observe()));
    }
}

/// The tokio programs panic at their nested runtime; the panic's location in the program (or,
/// when tokio reports a location of its own, the program's first frame in the backtrace) is the
/// observation.
fn tokio_programs(report: &mut Report) {
    let project = Path::new("testdata/oracle/tokio");
    let target = work_dir().join("tokio");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let build = Command::new(cargo)
        .args(["build", "--quiet", "--locked", "--manifest-path"])
        .arg(project.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .output()
        .expect("cargo runs");
    if !build.status.success() {
        report.failures.push(format!("the tokio programs do not build:\n{}", String::from_utf8_lossy(&build.stderr)));
        return;
    }
    for program in programs("tokio/src/bin", "rs") {
        let name = program.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        let mut command = Command::new(target.join("debug").join(&name));
        command.env("RUST_BACKTRACE", "1");
        let scratch = target.join(format!("run-{name}"));
        let how = run::Run { scratch: &scratch, working_dir: None, limit: run::TIME_LIMIT };
        let observations = run::run(command, &how)
            .map(|outcome| nested_panic(&outcome.stderr, &format!("src/bin/{name}.rs")))
            .map(|line| {
                line.map(|line| Observation { kind: Kind::Nested, path: program.clone(), line }).into_iter().collect()
            });
        let diagnostics = lint(std::slice::from_ref(&program));
        report.case(&program, &diagnostics, observations);
    }
}

/// The line of `file` where a "Cannot start a runtime from within a runtime" panic happened.
fn nested_panic(stderr: &str, file: &str) -> Option<u32> {
    if !stderr.contains("Cannot start a runtime from within a runtime") {
        return None;
    }
    // `path:line:column`, where the path is `file`, relative or absolute.
    let line_of = |location: &str| {
        let mut parts = location.trim().rsplitn(3, ':');
        let (_, line, path) = (parts.next()?, parts.next()?, parts.next()?);
        let path = path.trim_start_matches("./");
        (path == file || path.ends_with(&format!("/{file}"))).then(|| line.parse().ok()).flatten()
    };
    let panicked = stderr.lines().find_map(|l| l.split_once("panicked at ").map(|(_, at)| at.trim_end_matches(':')));
    panicked.and_then(line_of).or_else(|| stderr.lines().find_map(|l| l.trim().strip_prefix("at ").and_then(line_of)))
}

/// Python programs are linted as one project, so that helpers in other modules are followed. While
/// the linter reports nothing for Python (its frontend is pending), the driver's observations are
/// checked against the annotations instead, and counted apart.
fn python_programs(report: &mut Report) {
    let programs = programs("python", "py");
    let diagnostics = lint(&programs);
    let dir = work_dir().join("python");
    let pending = diagnostics.is_empty();
    let mut checked = 0;
    for program in &programs {
        let observations = python::observe(program, &dir);
        if !pending {
            let own: Vec<Diagnostic> = diagnostics.iter().filter(|d| &d.path == program).cloned().collect();
            report.case(program, &own, observations);
            continue;
        }
        let observed: BTreeSet<(u32, Kind)> = match observations {
            Ok(observations) => observations.iter().map(|o| (o.line, o.kind)).collect(),
            Err(error) => {
                report.failures.push(format!("{}: {error}", program.display()));
                continue;
            }
        };
        let marks = unconfirmable_marks(&source(program));
        let expected: BTreeSet<(u32, Kind)> = annotations(program)
            .into_iter()
            .filter(|(line, _)| !marks.contains_key(line))
            .filter_map(|(line, rule)| {
                async_lint::rules::id_named(&rule).and_then(Kind::of_rule).map(|kind| (line, kind))
            })
            .collect();
        for (line, kind) in expected.symmetric_difference(&observed) {
            let what =
                if observed.contains(&(*line, *kind)) { "observed, not annotated" } else { "annotated, not observed" };
            report.failures.push(format!("{}:{line}: {} {what}", program.display(), kind.name()));
        }
        checked += expected.len();
    }
    if pending {
        report.notes.push(format!(
            "python: PENDING, the linter reports no Python findings yet; the driver observed all {checked} annotated \
             pitfalls of {} programs and nothing else (not counted below)",
            programs.len()
        ));
    }
}

#[test]
fn static_findings_match_runtime_observations() {
    let _serial = serial();
    let mut report = Report::default();
    rust_programs(&mut report);
    tokio_programs(&mut report);
    python_programs(&mut report);
    report.print();
    let confirmed = report.count(|v| *v == Verdict::Confirmed);
    let unconfirmed = report.count(|v| *v == Verdict::Unconfirmed);
    let unconfirmable = report.count(|v| matches!(v, Verdict::Unconfirmable(_)));
    let runtime_only: usize = report.cases.iter().map(|(_, c)| c.runtime_only.len()).sum();
    let stale: usize = report.cases.iter().map(|(_, c)| c.stale_marks.len()).sum();
    eprintln!("{unconfirmable} unconfirmable by nature, {stale} stale marks");
    eprintln!("oracle: {confirmed} confirmed, {unconfirmed} unconfirmed, {runtime_only} runtime-only");
    assert!(report.failures.is_empty(), "{}", report.failures.join("\n"));
    assert_eq!((unconfirmed, runtime_only, stale), (0, 0, 0), "static findings and observations disagree");
    assert!(confirmed >= MIN_CONFIRMED, "only {confirmed} confirmed findings, want {MIN_CONFIRMED}");
}

/// A suppressed finding that really blocks, a claimed one that does not, and an unconfirmable mark
/// on a finding that is observed: the oracle must say so.
#[test]
fn disagreements_are_reported() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("disagree.rs");
    let text = "async fn work() {
    std::thread::sleep(std::time::Duration::from_millis(50)); // async-lint: allow(blocking-sleep)
    let _ = std::fs::metadata(\".\");
    std::thread::sleep(std::time::Duration::from_millis(50)); // oracle: unconfirmable(but it runs)
}

fn main() {
    futures::executor::block_on(work());
}
";
    std::fs::write(&program, text).unwrap();
    let (comparison, _) = confirm::check(&program, &work_dir().join("disagree")).unwrap();
    let runtime_only: Vec<(Kind, u32)> = comparison.runtime_only.iter().map(|o| (o.kind, o.line)).collect();
    assert_eq!(runtime_only, [(Kind::Blocking, 2)]);
    let rows: Vec<(&str, u32, &Verdict)> =
        comparison.rows.iter().map(|r| (r.rule.as_str(), r.line, &r.verdict)).collect();
    let confirmed = Verdict::Confirmed;
    assert_eq!(rows, [("blocking-io", 3, &Verdict::Unconfirmed), ("blocking-sleep", 4, &confirmed)]);
    assert_eq!(comparison.stale_marks, [(program.clone(), 4)]);
    assert!(!comparison.agrees());

    let output = Command::new(env!("CARGO_BIN_EXE_async-lint")).arg("confirm").arg(&program).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("not observed") && stdout.contains("runtime only"), "{stdout}");
}

#[test]
fn confirm_agrees_on_a_program_whose_findings_all_happen() {
    let _serial = serial();
    let output = Command::new(env!("CARGO_BIN_EXE_async-lint"))
        .args(["confirm", "testdata/oracle/rust/nested_runtime.rs"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.ends_with("confirm: 7 confirmed, 0 not observed, 0 runtime-only\n"), "{stdout}");
}

#[test]
fn confirm_rejects_what_it_cannot_run() {
    let output = Command::new(env!("CARGO_BIN_EXE_async-lint")).args(["confirm", "README.md"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a Rust"));
}

/// The executor is built only into instrumented programs; it must stand on its own, warning-free.
#[test]
fn the_executor_builds_alone_without_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
        .args(["--edition", "2024", "--crate-type", "lib", "-D", "warnings", "--out-dir"])
        .arg(dir.path())
        .arg("src/executor/runtime.rs")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}
