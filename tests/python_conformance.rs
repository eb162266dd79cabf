//! Compares the Python frontend with CPython's own parser on every standard-library module that
//! CPython compiles: the same functions, the same call sites (position, callee, awaited), no
//! panic and no syntax error; and no panic on a broken variant of each of those files. The `ast` side is dumped by `tests/support/py_dump.py`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use async_lint::frontend::{self, SourceFile, Unit};
use async_lint::knowledge::Knowledge;
use async_lint::model::{FileModel, Language, Usage};
use rayon::prelude::*;
use serde::Deserialize;

#[derive(Deserialize)]
struct Header {
    root: PathBuf,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    Skipped { skipped: String },
    File(Dumped),
}

#[derive(Deserialize)]
struct Dumped {
    path: String,
    /// `(name, line, returns_future)`.
    functions: Vec<(String, u32, bool)>,
    /// `(owner def line or 0, line, column, dotted callee, awaited)`.
    calls: Vec<(u32, u32, u32, Option<String>, bool)>,
}

/// One call site as both sides can describe it.
type Site = (u32, u32, u32, Option<String>, bool);

struct Outcome {
    path: String,
    functions: usize,
    calls: usize,
    problems: Vec<String>,
}

fn unit_of(relative: &str) -> Unit {
    let mut module: Vec<String> = relative.trim_end_matches(".py").split('/').map(str::to_string).collect();
    let is_package = module.last().is_some_and(|m| m == "__init__");
    if is_package {
        module.pop();
    }
    Unit { root: String::new(), module, is_package }
}

/// Multiset difference `a - b`.
fn missing<T: Clone + Eq + std::hash::Hash>(a: &[T], b: &[T]) -> Vec<T> {
    let mut counts: HashMap<&T, i64> = HashMap::new();
    for item in b {
        *counts.entry(item).or_default() += 1;
    }
    let mut out = Vec::new();
    for item in a {
        let count = counts.entry(item).or_default();
        if *count > 0 {
            *count -= 1;
        } else {
            out.push(item.clone());
        }
    }
    out
}

fn compare(root: &Path, dumped: &Dumped, kb: &Knowledge) -> Outcome {
    let mut outcome = Outcome {
        path: dumped.path.clone(),
        functions: dumped.functions.len(),
        calls: dumped.calls.len(),
        problems: Vec::new(),
    };
    let Ok(text) = std::fs::read_to_string(root.join(&dumped.path)) else {
        outcome.problems.push("cannot be read as UTF-8".to_string());
        return outcome;
    };
    let file =
        SourceFile { path: PathBuf::from(&dumped.path), language: Language::Python, unit: unit_of(&dumped.path) };
    let model: FileModel = frontend::lower(&file, &text, kb);
    for error in &model.errors {
        outcome.problems.push(format!("syntax error at {}:{}: {}", error.span.line, error.span.column, error.message));
    }
    let module = model.functions.first().map(|f| f.key);
    let ours: Vec<(String, u32, bool)> = model
        .functions
        .iter()
        .filter(|f| Some(f.key) != module)
        .map(|f| {
            let name = f.display().rsplit('.').next().unwrap_or_default().to_string();
            (name, f.line, f.returns_future)
        })
        .collect();
    for f in missing(&dumped.functions, &ours) {
        outcome.problems.push(format!("function missing: {f:?}"));
    }
    for f in missing(&ours, &dumped.functions) {
        outcome.problems.push(format!("function extra: {f:?}"));
    }
    let theirs: Vec<Site> = dumped.calls.clone();
    let ours: Vec<Site> = model
        .functions
        .iter()
        .flat_map(|f| {
            let owner = if Some(f.key) == module { 0 } else { f.line };
            f.calls.iter().map(move |c| (owner, c))
        })
        .map(|(owner, c)| {
            // `written` spells other callees than name chains with `(..)`, `[..]`.
            let chain = !c.written.contains(['(', '[']);
            let written = chain.then(|| c.written.to_string());
            (owner, c.span.line, c.span.column, written, c.usage == Usage::Awaited)
        })
        .collect();
    for c in missing(&theirs, &ours) {
        outcome.problems.push(format!("call missing: {c:?}"));
    }
    for c in missing(&ours, &theirs) {
        outcome.problems.push(format!("call extra: {c:?}"));
    }
    for (what, mangled) in mangled(&text) {
        let model = frontend::lower(&file, &mangled, kb);
        if model.errors.iter().any(|e| e.message.contains("internal error")) {
            outcome.problems.push(format!("the frontend panicked on the file {what}"));
        }
    }
    outcome
}

/// A broken variant of a file: an unclosed f-string field and bracket inserted in the middle.
/// The frontend must report it, never panic.
fn mangled(text: &str) -> Vec<(&'static str, String)> {
    let chars: Vec<char> = text.chars().collect();
    let middle = chars.len() / 2;
    let (head, tail): (String, String) = (chars[..middle].iter().collect(), chars[middle..].iter().collect());
    vec![("with `f'{(` inserted in the middle", format!("{head}f'{{({tail}"))]
}

#[test]
fn agrees_with_cpython_on_the_standard_library() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/py_dump.py");
    let mut command = Command::new("python3");
    command.arg(&script);
    if let Ok(below) = std::env::var("PY_DUMP_BELOW") {
        command.arg(below);
    }
    let output = match command.output() {
        Ok(output) => output,
        Err(error) => {
            eprintln!("\n!!!!! SKIPPED: python3 cannot be run ({error}); conformance NOT checked !!!!!\n");
            return;
        }
    };
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut lines = stdout.lines();
    let header: Header = serde_json::from_str(lines.next().unwrap_or("{}")).expect("header");
    let mut dumped = Vec::new();
    let mut skipped = Vec::new();
    for line in lines {
        match serde_json::from_str(line).expect("a line of the dump") {
            Line::Skipped { skipped: path } => skipped.push(path),
            Line::File(file) => dumped.push(file),
        }
    }
    let kb = Knowledge::builtin(Language::Python);
    let outcomes: Vec<Outcome> = dumped.par_iter().map(|d| compare(&header.root, d, &kb)).collect();

    let functions: usize = outcomes.iter().map(|o| o.functions).sum();
    let calls: usize = outcomes.iter().map(|o| o.calls).sum();
    let bad: Vec<&Outcome> = outcomes.iter().filter(|o| !o.problems.is_empty()).collect();
    let mismatches: usize = bad.iter().map(|o| o.problems.len()).sum();
    eprintln!(
        "python conformance: {} files ({} skipped: not UTF-8 or rejected by CPython), \
         {functions} functions, {calls} calls; {mismatches} mismatches in {} files",
        outcomes.len(),
        skipped.len(),
        bad.len()
    );
    for outcome in bad.iter().take(15) {
        for problem in outcome.problems.iter().take(4) {
            eprintln!("  {}: {problem}", outcome.path);
        }
    }
    assert!(outcomes.len() > 100, "too few files: is the standard library where Python says?");
    assert_eq!(mismatches, 0, "the frontend disagrees with CPython");
}
