//! Input that must not break the linter: every odd file becomes a finding or a correct result,
//! and the other files of the run are still linted.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_async-lint")).current_dir(dir).args(args).output().expect("the binary runs")
}

fn concise(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--format", "concise"];
    all.extend_from_slice(args);
    let out = run_in(dir, &all);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).lines().map(|l| l.split(" blocking").next().unwrap().to_string()).collect()
}

const SLEEP: &str = "std::thread::sleep(std::time::Duration::from_millis(1));";

#[test]
fn line_endings_tabs_form_feeds_and_byte_order_marks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crlf.rs"), format!("// x\r\nasync fn f() {{\r\n    {SLEEP}\r\n}}\r\n")).unwrap();
    std::fs::write(dir.path().join("tabs.rs"), format!("async fn f() {{\n\t\x0c{SLEEP}\n}}\n")).unwrap();
    std::fs::write(dir.path().join("bom.rs"), format!("\u{feff}async fn f() {{ {SLEEP} }}\n")).unwrap();
    std::fs::write(dir.path().join("empty.rs"), "").unwrap();
    std::fs::write(dir.path().join("blank.py"), "\n\n").unwrap();
    assert_eq!(concise(dir.path(), &["."]), vec!["bom.rs:1:16:", "crlf.rs:3:5:", "tabs.rs:2:3:"]);
}

#[test]
fn huge_files_and_lines() {
    let dir = tempfile::tempdir().unwrap();
    let long_line = format!("const S: &str = \"{}\";\nasync fn f() {{ {SLEEP} }}\n", "a".repeat(10 << 20));
    std::fs::write(dir.path().join("long_line.rs"), long_line).unwrap();
    let mut big = "// filler to make the file large, with nothing to parse but comments\n".repeat(760_000);
    big.push_str(&format!("async fn f() {{\n    {SLEEP}\n}}\n"));
    assert!(big.len() > 50 << 20);
    std::fs::write(dir.path().join("big.rs"), &big).unwrap();
    assert_eq!(concise(dir.path(), &["."]), vec!["big.rs:760002:5:", "long_line.rs:2:16:"]);
}

#[cfg(unix)]
#[test]
fn symlink_loops_fifos_and_directories_named_like_files() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/dir.rs")).unwrap();
    std::os::unix::fs::symlink("..", dir.path().join("src/loop")).unwrap();
    std::os::unix::fs::symlink("missing.rs", dir.path().join("src/dangling.rs")).unwrap();
    let status = Command::new("mkfifo").arg(dir.path().join("src/fifo.rs")).status().expect("mkfifo runs");
    assert!(status.success());
    std::fs::write(dir.path().join("src/a.rs"), format!("async fn f() {{ {SLEEP} }}\n")).unwrap();
    assert_eq!(concise(dir.path(), &["src"]), vec!["src/a.rs:1:16:"]);
    // Named explicitly, a FIFO is not read (it would block): it is not a regular file.
    let out = run_in(dir.path(), &["check", "src/fifo.rs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("src/fifo.rs: not a regular file"));
    let out = run_in(dir.path(), &["check", "src/dangling.rs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("src/dangling.rs: no such file or directory"));
}

#[test]
fn unterminated_strings_and_binary_files_are_parse_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("open.rs"), "fn f() {\n    let s = \"never closed;\n}\n").unwrap();
    std::fs::write(dir.path().join("nul.rs"), b"fn f() {}\0\0\x01\x02 garbage").unwrap();
    std::fs::write(dir.path().join("ok.rs"), format!("async fn f() {{ {SLEEP} }}\n")).unwrap();
    let out = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let rules: Vec<(&str, &str)> =
        text.lines().map(|l| (l.split(':').next().unwrap(), l.split(' ').nth(1).unwrap())).collect();
    assert_eq!(rules, vec![("nul.rs", "parse-error"), ("ok.rs", "blocking-sleep"), ("open.rs", "parse-error")]);
}

#[test]
fn deep_python_nesting_is_a_parse_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    let parens = format!("x = {}1{}\n", "(".repeat(100_000), ")".repeat(100_000));
    std::fs::write(dir.path().join("parens.py"), parens).unwrap();
    let mut indented = String::new();
    for level in 0..3000 {
        indented.push_str(&format!("{}if x:\n", " ".repeat(level)));
    }
    indented.push_str(&format!("{}pass\n", " ".repeat(3000)));
    std::fs::write(dir.path().join("indented.py"), indented).unwrap();
    std::fs::write(dir.path().join("ok.py"), "import time\nasync def f():\n    time.sleep(1)\n").unwrap();
    let out = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let rules: Vec<(&str, &str)> =
        text.lines().map(|l| (l.split(':').next().unwrap(), l.split(' ').nth(1).unwrap())).collect();
    assert!(rules.contains(&("ok.py", "blocking-sleep")), "{text}");
    assert!(rules.iter().all(|(_, rule)| *rule != "internal-error"), "{text}");
    assert!(rules.contains(&("parens.py", "parse-error")), "{text}");
}

#[test]
fn python_line_endings_form_feeds_and_long_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("crlf.py"), "import time\r\n\x0c\r\nasync def f():\r\n\ttime.sleep(1)\r\n").unwrap();
    let long = format!("import time\nS = \"{}\"\nasync def f():\n    time.sleep(1)\n", "a".repeat(10 << 20));
    std::fs::write(dir.path().join("long.py"), long).unwrap();
    std::fs::write(dir.path().join("binary.py"), b"\x00\x01\x02import time\xff\xfe").unwrap();
    let out = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().map(|l| l.split(" blocking").next().unwrap()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("binary.py:1:") && lines[0].contains("parse-error"), "{text}");
    assert_eq!(&lines[1..], ["crlf.py:4:2:", "long.py:4:5:"]);
}

#[test]
fn files_that_vanish_or_change_after_discovery() {
    use async_lint::discover::discover;
    use async_lint::lint::{Linter, Selection};
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("gone.rs"), format!("async fn f() {{ {SLEEP} }}\n")).unwrap();
    std::fs::write(dir.path().join("changed.rs"), "fn clean() {}\n").unwrap();
    std::fs::write(dir.path().join("kept.rs"), format!("async fn f() {{ {SLEEP} }}\n")).unwrap();
    let files = discover(&[dir.path().to_path_buf()]).unwrap();
    std::fs::remove_file(dir.path().join("gone.rs")).unwrap();
    std::fs::write(dir.path().join("changed.rs"), format!("async fn g() {{ {SLEEP} }}\n")).unwrap();
    let found = Linter::default().lint(&files, &Selection::default());
    let summary: Vec<(String, &str)> =
        found.iter().map(|d| (d.path.file_name().unwrap().to_string_lossy().into_owned(), d.rule.as_str())).collect();
    let expected = [("changed.rs", "blocking-sleep"), ("gone.rs", "parse-error"), ("kept.rs", "blocking-sleep")];
    assert_eq!(summary, expected.map(|(p, r)| (p.to_string(), r)));
    assert!(found[1].message.starts_with("cannot read the file"), "{}", found[1].message);
}

#[test]
fn a_published_edition_2015_crate_parses() {
    // rand 0.4 declares trait methods with anonymous parameters (`fn fill_bytes(&mut self, &mut [u8]);`).
    let rand = support::crate_source("rand", "0.4.6");
    let lines = concise(&rand, &["--no-cache", "src"]);
    let errors: Vec<&String> = lines.iter().filter(|l| l.contains("parse-error")).collect();
    assert!(errors.is_empty(), "{errors:?}");
}
