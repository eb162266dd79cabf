//! async-lint on the published sources of twelve async crates (pinned in `bench/corpus.sh`): no
//! crash, no `parse-error`, and exactly the reviewed findings of `tests/snapshots/corpus.txt`
//! (rerun with `BLESS=1` after reviewing a change). Needs crates.io on the first run.

mod support;

use std::path::{Path, PathBuf};

use async_lint::discover::discover;
use async_lint::lint::{Linter, Selection};

fn corpus() -> Vec<(String, PathBuf)> {
    support::corpus_dirs("corpus.sh")
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
            if matches!(d.rule.as_str(), "parse-error" | "internal-error") {
                broken.push(format!("{name} {relative}:{}: {} {}", d.span.line, d.rule, d.message));
            }
            let in_test = if d.in_test { " [test]" } else { "" };
            lines.push(format!("{name} {relative}:{} {}{in_test}", d.span.line, d.rule));
        }
    }
    assert!(broken.is_empty(), "files async-lint could not handle:\n{}", broken.join("\n"));
    lines.sort();
    support::assert_reviewed("corpus.txt", &lines, "the corpus");
    eprintln!("corpus: {} crates, {} findings, all as reviewed", crates.len(), lines.len());
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn fixing_copies_of_published_crates_keeps_them_parsing() {
    let linter = Linter::default();
    let scratch = tempfile::tempdir().unwrap();
    let mut applied = 0;
    for (name, dir) in corpus().into_iter().filter(|(name, _)| ["actix-web", "redis", "tower"].contains(&name.as_str()))
    {
        let copy = scratch.path().join(&name);
        copy_dir(&dir, &copy);
        let files = discover(std::slice::from_ref(&copy)).unwrap();
        let outcome = async_lint::fix::plan(&linter, &files, &Selection::default(), &mut |_| true);
        for change in &outcome.changes {
            async_lint::fix::write_fixed(change).unwrap();
            applied += change.fixes;
        }
        for d in linter.lint(&files, &Selection::default()) {
            assert!(
                !matches!(d.rule.as_str(), "parse-error" | "internal-error"),
                "{name}: {} {}",
                d.path.display(),
                d.message
            );
        }
        let again = async_lint::fix::plan(&linter, &files, &Selection::default(), &mut |_| true);
        assert!(
            again.changes.is_empty(),
            "{name}: a second pass still changes {:?}",
            again.changes.first().map(|c| &c.path)
        );
    }
    assert!(applied > 0, "the corpus has fixable findings (actix-web's `let _ = init_service(..)`)");
    eprintln!("corpus fixes: {applied} applied");
}
