//! async-lint on the published sources of ten async Python packages (pinned in
//! `bench/pycorpus.sh`) and on this machine's standard library: no crash, no `parse-error` on a
//! file that CPython compiles (asked of `tests/support/py_uncompilable.py`), and, for the
//! packages, exactly the reviewed findings of `tests/snapshots/python_corpus.txt` (rerun with
//! `BLESS=1` after reviewing a change). The standard library differs between machines, so its
//! findings are only counted. Needs PyPI on the first run.

mod support;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use async_lint::discover::{discover, discover_excluding};
use async_lint::frontend::SourceFile;
use async_lint::lint::{Linter, Selection};

fn python3(args: &[&str]) -> String {
    let out = Command::new("python3").args(args).output().expect("python3 runs");
    assert!(out.status.success(), "python3 {args:?} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("python3 prints UTF-8")
}

fn packages() -> Vec<(String, PathBuf)> {
    support::corpus_dirs("pycorpus.sh")
}

/// Starts listing the files under `dirs` that CPython does not compile; [`uncompilable`] waits.
fn start_compile_check(dirs: &[PathBuf]) -> Child {
    let helper = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/py_uncompilable.py");
    Command::new("python3").arg(helper).args(dirs).stdout(Stdio::piped()).spawn().expect("python3 runs")
}

fn uncompilable(check: Child) -> HashSet<PathBuf> {
    let out = check.wait_with_output().expect("the compile check runs");
    assert!(out.status.success(), "tests/support/py_uncompilable.py failed");
    String::from_utf8_lossy(&out.stdout).lines().map(PathBuf::from).collect()
}

/// A finding as the snapshot lists it: relative path, line, rule, test-code marker.
type Finding = (String, u32, &'static str, &'static str);

/// Lints `files`, returning `(relative path, line, rule, test-code marker)` per finding and the `parse-error` /
/// `internal-error` findings that are bugs.
fn lint(files: &[SourceFile], root: &Path, compiles: &dyn Fn(&Path) -> bool) -> (Vec<Finding>, Vec<String>) {
    let mut findings = Vec::new();
    let mut broken = Vec::new();
    for d in Linter::default().lint(files, &Selection::default()) {
        let relative = d.path.strip_prefix(root).unwrap_or(&d.path).display().to_string();
        if d.rule.as_str() == "internal-error" || (d.rule.as_str() == "parse-error" && compiles(&d.path)) {
            broken.push(format!("{relative}:{}: {} {}", d.span.line, d.rule, d.message));
        }
        findings.push((relative, d.span.line, d.rule.as_str(), if d.in_test { " [test]" } else { "" }));
    }
    (findings, broken)
}

#[test]
fn published_packages_lint_cleanly_and_as_reviewed() {
    let packages = packages();
    assert_eq!(packages.len(), 10, "the corpus script lists ten packages");
    let dirs: Vec<PathBuf> = packages.iter().map(|(_, dir)| dir.clone()).collect();
    let check = start_compile_check(&dirs);
    let started = Instant::now();
    let mut linted = Vec::new();
    for (name, dir) in &packages {
        let files = discover(std::slice::from_ref(dir)).expect("the unpacked sources are readable");
        assert!(!files.is_empty(), "{name}: no files");
        linted.push((name, dir, files));
    }
    let uncompilable = uncompilable(check);
    let mut lines = Vec::new();
    let mut broken = Vec::new();
    for (name, dir, files) in &linted {
        let (findings, bugs) = lint(files, dir, &|path| !uncompilable.contains(path));
        eprintln!("{name}: {} files, {} findings", files.len(), findings.len());
        broken.extend(bugs.into_iter().map(|b| format!("{name} {b}")));
        lines.extend(
            findings.into_iter().map(|(path, line, rule, in_test)| format!("{name} {path}:{line} {rule}{in_test}")),
        );
    }
    assert!(broken.is_empty(), "files async-lint could not handle:\n{}", broken.join("\n"));
    lines.sort();
    support::assert_reviewed("python_corpus.txt", &lines, "the Python corpus");
    eprintln!("python corpus: {} findings, all as reviewed, in {:.1?}", lines.len(), started.elapsed());
}

#[test]
fn the_standard_library_lints_without_crash_or_parse_error() {
    let stdlib = PathBuf::from(python3(&["-c", "import sysconfig; print(sysconfig.get_paths()['stdlib'])"]).trim());
    let site_packages = stdlib.join("site-packages");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(&stdlib).expect("the stdlib is readable").flatten().map(|e| e.path()).collect();
    dirs.retain(|p| *p != site_packages);
    let check = start_compile_check(&dirs);
    let started = Instant::now();
    let files = discover_excluding(
        std::slice::from_ref(&stdlib),
        false,
        &mut |p| Ok(p.starts_with(&site_packages)),
        &mut |_| {},
    )
    .expect("the stdlib is readable");
    let uncompilable = uncompilable(check);
    let (findings, broken) = lint(&files, &stdlib, &|path| !uncompilable.contains(path));
    assert!(files.len() > 1000, "only {} files under {}", files.len(), stdlib.display());
    assert!(broken.is_empty(), "stdlib files async-lint could not handle:\n{}", broken.join("\n"));
    eprintln!(
        "stdlib {}: {} files ({} that CPython does not compile), {} findings, in {:.1?}",
        stdlib.display(),
        files.len(),
        uncompilable.len(),
        findings.len(),
        started.elapsed()
    );
}
