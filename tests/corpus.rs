//! async-lint on the published sources of twelve async crates (pinned in `bench/corpus.sh`): no
//! crash, no `parse-error`, and exactly the reviewed findings of `tests/snapshots/corpus.txt`
//! (rerun with `BLESS=1` after reviewing a change). Needs crates.io on the first run.

use std::path::{Path, PathBuf};
use std::process::Command;

use async_lint::discover::discover;
use async_lint::lint::{Linter, Selection};

fn corpus() -> Vec<(String, PathBuf)> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/corpus.sh");
    let out = Command::new("bash").arg(&script).output().expect("bash runs");
    assert!(out.status.success(), "bench/corpus.sh failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split_whitespace();
            let (name, _version, dir) = (parts.next()?, parts.next()?, parts.next()?);
            Some((name.to_string(), PathBuf::from(dir)))
        })
        .collect()
}

#[test]
fn published_crates_lint_cleanly_and_as_reviewed() {
    let crates = corpus();
    assert_eq!(crates.len(), 12, "the corpus script lists twelve crates");
    let linter = Linter::default();
    let mut lines = Vec::new();
    let mut broken = Vec::new();
    for (name, dir) in &crates {
        let files = discover(std::slice::from_ref(dir)).expect("the vendored sources are readable");
        assert!(!files.is_empty(), "{name}: no files");
        for d in linter.lint(&files, &Selection::default()) {
            let relative = d.path.strip_prefix(dir).unwrap_or(&d.path).display().to_string();
            if matches!(d.rule, "parse-error" | "internal-error") {
                broken.push(format!("{name} {relative}:{}: {} {}", d.span.line, d.rule, d.message));
            }
            lines.push(format!("{name} {relative}:{} {}", d.span.line, d.rule));
        }
    }
    assert!(broken.is_empty(), "files async-lint could not handle:\n{}", broken.join("\n"));
    lines.sort();
    let actual = lines.join("\n") + "\n";
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/corpus.txt");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    if actual != expected {
        let gone: Vec<&str> = expected.lines().filter(|l| !actual.lines().any(|a| a == *l)).collect();
        let new: Vec<&str> = actual.lines().filter(|l| !expected.lines().any(|e| e == *l)).collect();
        panic!(
            "findings on the corpus changed; review, then rerun with BLESS=1\nnew:\n{}\ngone:\n{}",
            new.join("\n"),
            gone.join("\n")
        );
    }
    eprintln!("corpus: {} crates, {} findings, all as reviewed", crates.len(), lines.len());
}
