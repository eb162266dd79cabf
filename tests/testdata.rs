//! Every case under `testdata/` is linted on its own and its findings are compared, both ways,
//! with the expectations written in it: a trailing `// ~ rule-id, ...` (Rust) or `# ~ rule-id`
//! (Python) comment expects those findings on its line. Missed and extra findings both fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use async_lint::discover::discover;
use async_lint::lint::{Linter, Selection};

type Key = (PathBuf, u32, String);

fn expectations(files: &[PathBuf]) -> BTreeMap<Key, usize> {
    let mut expected = BTreeMap::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let marker = if path.extension().is_some_and(|e| e == "py") { "# ~ " } else { "// ~ " };
        for (index, line) in text.lines().enumerate() {
            let Some((_, rules)) = line.rsplit_once(marker) else {
                continue;
            };
            for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
                *expected.entry((path.clone(), index as u32 + 1, rule.to_string())).or_default() += 1;
            }
        }
    }
    expected
}

fn cases(language_dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(language_dir);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut cases: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    cases.sort();
    cases
}

fn check_cases(language_dir: &str) {
    let linter = Linter::default();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in cases(language_dir) {
        let files = discover(std::slice::from_ref(&case)).expect("testdata is readable");
        let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
        let expected = expectations(&paths);
        let mut actual: BTreeMap<Key, usize> = BTreeMap::new();
        let mut messages = BTreeMap::new();
        for d in linter.lint(&files, &Selection::default()) {
            let key = (d.path.clone(), d.span.line, d.rule.to_string());
            *actual.entry(key.clone()).or_default() += 1;
            messages.insert(key, d.message.clone());
        }
        for (key, count) in &expected {
            let found = actual.get(key).copied().unwrap_or(0);
            if found < *count {
                failures.push(format!("missed  {}:{}: {}", key.0.display(), key.1, key.2));
            }
        }
        for (key, count) in &actual {
            if *count > expected.get(key).copied().unwrap_or(0) {
                failures.push(format!("extra   {}:{}: {} ({})", key.0.display(), key.1, key.2, messages[key]));
            }
        }
        checked += expected.values().sum::<usize>();
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert!(checked > 0, "no expectations found under testdata/{language_dir}");
    eprintln!("testdata/{language_dir}: {checked} expected findings, all found, none extra");
}

#[test]
fn rust_testdata() {
    check_cases("rust");
}

#[test]
fn python_testdata() {
    check_cases("python");
}
