//! Recall against an established peer: the share of the asyncio blocking-call and task findings
//! that flake8-async's own test suite expects which async-lint also reports, on the same line,
//! under the rule that `async_lint::rules::rule_of_code` maps the code to. Must be >= 85%.
//!
//! The suite is `tests/eval_files/*.py` of the flake8-async sdist (pinned in `bench/peer.sh`,
//! needs PyPI on the first run). A trailing comment segment `error: ...` (the code of the file's
//! name, `async210.py` -> ASYNC210) or `ASYNC230: ...` / `ASYNC230_asyncio: ...` expects one
//! finding of that code on its line; lines that start with `#` expect nothing. flake8-async runs
//! each file for trio, anyio and asyncio; we take its asyncio run, as its harness does:
//! - a file marked `# NOASYNCIO` is not checked for asyncio, so it expects nothing of us;
//! - a file marked `# ASYNCIO_NO_ERROR` expects no finding for asyncio;
//! - other files are written for `# BASE_LIBRARY <lib>` (trio by default), and the harness
//!   replaces that library's name, as a word, by `asyncio` before checking; so do we.
//!
//! Only the codes about blocking calls and dropped tasks count (`CODES`). Our findings on those
//! files that no expectation asks for are printed for review, not asserted: we also report
//! blocking through sync helpers, and other rules.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use async_lint::discover::discover;
use async_lint::lint::{Linter, Selection};
use async_lint::rules::rule_of_code;

const CODES: &[&str] = &[
    "ASYNC210", "ASYNC211", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC231", "ASYNC232",
    "ASYNC240", "ASYNC250", "ASYNC251", "ASYNC300",
];

fn eval_files_dir() -> PathBuf {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/peer.sh");
    let out = Command::new("bash").arg(&script).output().expect("bash runs");
    assert!(out.status.success(), "bench/peer.sh failed:\n{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout);
    PathBuf::from(stdout.split_whitespace().nth(2).expect("bench/peer.sh prints the eval files dir"))
}

/// `text` with `library` replaced by `asyncio` wherever it is a whole word (a preceding `_`
/// counts as a boundary, a preceding `-` prevents it), as the peer's harness does.
fn to_asyncio(text: &str, library: &str) -> String {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(library) {
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + library.len()..].chars().next();
        let starts = before.is_none_or(|c| c == '_' || (!is_word(c) && c != '-'));
        let ends = after.is_none_or(|c| !is_word(c));
        out.push_str(&rest[..at]);
        out.push_str(if starts && ends { "asyncio" } else { library });
        rest = &rest[at + library.len()..];
    }
    out.push_str(rest);
    out
}

/// The codes that the comments of one line expect, `error` standing for `file_code`.
fn expected_codes(line: &str, file_code: &str) -> Vec<String> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') || !line.contains('#') {
        return Vec::new();
    }
    let mut codes = Vec::new();
    for (at, _) in line.char_indices() {
        let rest = &line[at..];
        let (code, tail) = if let Some(tail) = rest.strip_prefix("error") {
            (file_code.to_string(), tail)
        } else if rest.starts_with("ASYNC") && rest.len() >= 8 && rest.is_char_boundary(8) {
            (rest[..8].to_string(), &rest[8..])
        } else {
            continue;
        };
        // An optional `_variant` suffix (`ASYNC221_asyncio`), then the colon.
        let tail = match tail.strip_prefix('_') {
            Some(t) => t.trim_start_matches(|c: char| c.is_alphanumeric() || c == '_'),
            None => tail,
        };
        if tail.starts_with(':') {
            codes.push(code);
        }
    }
    codes
}

struct Case {
    name: String,
    /// `(line, code)` -> how many findings are expected.
    expected: BTreeMap<(u32, String), usize>,
}

fn marker(text: &str, name: &str) -> bool {
    text.lines().any(|l| l.trim_start().strip_prefix("# ").is_some_and(|m| m.starts_with(name)))
}

/// The eval files with asyncio expectations of our codes, written (after the library swap) to `out`.
fn cases(eval_dir: &Path, out: &Path) -> Vec<Case> {
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(eval_dir).expect("eval files").flatten().map(|e| e.path()).collect();
    paths.sort();
    let mut cases = Vec::new();
    for path in paths.iter().filter(|p| p.extension().is_some_and(|e| e == "py")) {
        let text = std::fs::read_to_string(path).expect("eval files are UTF-8");
        if marker(&text, "NOASYNCIO") || marker(&text, "ASYNCIO_NO_ERROR") {
            continue;
        }
        let base = text
            .lines()
            .find_map(|l| l.trim().strip_prefix("# BASE_LIBRARY "))
            .map_or("trio", |b| b.split_whitespace().next().unwrap_or("trio"));
        let text = if base == "asyncio" { text.clone() } else { to_asyncio(&text, base) };
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let stem = path.file_stem().unwrap().to_string_lossy().to_uppercase();
        let file_code = stem.split('_').next().unwrap_or_default();
        let mut expected = BTreeMap::new();
        for (index, line) in text.lines().enumerate() {
            for code in expected_codes(line, file_code).into_iter().filter(|c| CODES.contains(&c.as_str())) {
                *expected.entry((index as u32 + 1, code)).or_default() += 1;
            }
        }
        if !expected.is_empty() {
            std::fs::write(out.join(&name), text).unwrap();
            cases.push(Case { name, expected });
        }
    }
    cases
}

#[test]
fn finds_most_of_what_flake8_async_expects_for_asyncio() {
    let eval_dir = eval_files_dir();
    let scratch = tempfile::tempdir().unwrap();
    let cases = cases(&eval_dir, scratch.path());
    assert!(cases.len() >= 8, "expected the eval files of our codes, found {}", cases.len());
    let files = discover(&[scratch.path().to_path_buf()]).expect("the scratch copies are readable");
    // (file, line, rule) -> how many findings we report.
    let mut reported: BTreeMap<(String, u32, &str), usize> = BTreeMap::new();
    let mut messages: BTreeMap<(String, u32, &str), String> = BTreeMap::new();
    for d in Linter::default().lint(&files, &Selection::default()) {
        let file = d.path.file_name().unwrap().to_string_lossy().to_string();
        assert!(!matches!(d.rule.as_str(), "parse-error" | "internal-error"), "{file}:{}: {}", d.span.line, d.message);
        *reported.entry((file.clone(), d.span.line, d.rule.as_str())).or_default() += 1;
        messages.insert((file, d.span.line, d.rule.as_str()), d.message);
    }

    // code -> (found, expected); the expectations that matched consume our findings.
    let mut per_code: BTreeMap<&str, (usize, usize)> = CODES.iter().map(|c| (*c, (0, 0))).collect();
    let mut missed = Vec::new();
    for case in &cases {
        for ((line, code), count) in &case.expected {
            let rule = rule_of_code(code).expect("every selected code maps to a rule");
            let ours = reported.entry((case.name.clone(), *line, rule.as_str())).or_default();
            let found = (*count).min(*ours);
            *ours -= found;
            let entry = per_code.get_mut(code.as_str()).unwrap();
            entry.0 += found;
            entry.1 += count;
            if found < *count {
                missed.push(format!("{}:{line}: {code} ({rule})", case.name));
            }
        }
    }
    let extra: Vec<String> = reported
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(key, n)| format!("{}:{}: {} x{n} ({})", key.0, key.1, key.2, messages[key]))
        .collect();

    let mut table = String::from("code      rule                 found/expected\n");
    for (code, (found, total)) in per_code.iter().filter(|(_, (_, total))| *total > 0) {
        table += &format!("{code}  {:<20} {found}/{total}\n", rule_of_code(code).unwrap());
    }
    let (found, total) = per_code.values().fold((0, 0), |(f, t), (a, b)| (f + a, t + b));
    let recall = found as f64 / total as f64;
    table += &format!("total                          {found}/{total} = {:.1}%\n", recall * 100.0);
    eprintln!("flake8-async eval files, asyncio expectations ({} files):\n{table}", cases.len());
    eprintln!("missed:\n{}\n", missed.join("\n"));
    eprintln!("reported but not expected (for review):\n{}", extra.join("\n"));
    assert!(total > 100, "too few expectations ({total}): did the eval file format change?");
    assert!(recall >= 0.85, "recall {:.1}% is below 85%:\n{table}", recall * 100.0);
}

#[test]
fn library_names_are_swapped_as_words() {
    assert_eq!(to_asyncio("import trio\ntrio.sleep(0)", "trio"), "import asyncio\nasyncio.sleep(0)");
    assert_eq!(
        to_asyncio("trio_websocket qtrio --trio ASYNC103_trio", "trio"),
        "trio_websocket qtrio --trio ASYNC103_asyncio"
    );
}

#[test]
fn expectations_are_read_from_comment_segments() {
    assert_eq!(expected_codes("f()  # error: 4", "ASYNC210"), ["ASYNC210"]);
    assert_eq!(expected_codes("f() if x else f()  # ASYNC251: 4  # ASYNC251: 28", "X"), ["ASYNC251", "ASYNC251"]);
    assert_eq!(expected_codes("g()  # ASYNC221_asyncio: 8, 'os.system'", "X"), ["ASYNC221"]);
    assert!(expected_codes("# error: 4", "ASYNC210").is_empty());
    assert!(expected_codes("f()  # no problem here", "ASYNC210").is_empty());
}
