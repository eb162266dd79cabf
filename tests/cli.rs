//! The real binaries, as users run them.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-lint"));
    command.env("NO_COLOR", "1");
    command
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().expect("the binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(dir: &Path, rel: &str, text: &str) -> PathBuf {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    path
}

const BLOCKING: &str = "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
const CLEAN: &str = "async fn f() {\n    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n}\n";

#[test]
fn exit_codes_follow_findings_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "clean/a.rs", CLEAN);
    write(dir.path(), "dirty/a.rs", BLOCKING);
    assert_eq!(run_in(dir.path(), &["check", "clean"]).status.code(), Some(0));
    assert_eq!(run_in(dir.path(), &["check", "dirty"]).status.code(), Some(1));

    let missing = run_in(dir.path(), &["check", "nowhere"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nowhere: no such file or directory"), "{}", stderr(&missing));

    let unknown = run_in(dir.path(), &["check", "clean", "--select", "no-such-rule"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown rule `no-such-rule`"));

    let usage = run_in(dir.path(), &["check", "--format", "xml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.rs", BLOCKING);
    let out = run_in(dir.path(), &["check", "src", "--format", "concise"]);
    assert_eq!(stdout(&out), "src/a.rs:2:5: blocking-sleep blocking call `std::thread::sleep` in an async context\n");
}

#[test]
fn unused_bindings_are_named_in_messages() {
    let dir = tempfile::tempdir().unwrap();
    let python = "import asyncio\n\n\nasync def main():\n    first = 1\n    pending = asyncio.sleep(1)\n    task = asyncio.create_task(main())\n    return first\n";
    write(dir.path(), "py/app.py", python);
    let rust = "async fn work() {}\n\nfn main() {\n    let unused = 1;\n    let later = work();\n}\n";
    write(dir.path(), "rs/main.rs", rust);
    let out = run_in(dir.path(), &["check", "py", "rs", "--format", "concise"]);
    assert_eq!(
        stdout(&out),
        "py/app.py:6:15: missing-await `asyncio.sleep` returns an awaitable that is never awaited: it is bound to `pending`, which is never used\n\
         py/app.py:7:12: dangling-task the task from `asyncio.create_task` is bound to `task`, which is never used; it may be garbage-collected before it finishes\n\
         rs/main.rs:5:17: missing-await `work` returns a future that is never awaited: it is bound to `later`, which is never used\n"
    );
}

#[test]
fn a_helper_is_reported_through_its_first_blocking_call() {
    let dir = tempfile::tempdir().unwrap();
    // The first blocking call of each helper: a call whose value is used, before a discarded one;
    // a discarded call, before one whose value is used.
    let python = "import os\n\n\ndef create(p):\n    with open(p, \"w\") as f:\n        f.write(\"x\")\n\n\ndef replace(p):\n    os.remove(p)\n    return os.path.exists(p)\n\n\nasync def main():\n    create(\"a\")\n    replace(\"b\")\n";
    write(dir.path(), "app.py", python);
    let out = run_in(dir.path(), &["check", "app.py", "--format", "concise"]);
    assert_eq!(
        stdout(&out),
        "app.py:15:5: blocking-io `create` blocks in an async context: it calls `builtins.open` (via create -> builtins.open)\n\
         app.py:16:5: blocking-io `replace` blocks in an async context: it calls `os.remove` (via replace -> os.remove)\n"
    );
}

#[test]
fn json_format_carries_every_field() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/Cargo.toml", "[package]\nname = \"app\"\nversion = \"0.1.0\"\n");
    write(dir.path(), "app/src/main.rs", "mod util;\nasync fn f() {\n    util::pause();\n}\nfn main() {}\n");
    write(
        dir.path(),
        "app/src/util.rs",
        "pub fn pause() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n",
    );
    let out = run_in(dir.path(), &["check", "app", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is one JSON document");
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 1);
    let f = &findings[0];
    assert_eq!(f["rule"], "blocking-sleep");
    assert_eq!(f["path"], "app/src/main.rs");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(3), Some(5)));
    assert_eq!((f["end_line"].as_u64(), f["end_column"].as_u64()), (Some(3), Some(18)));
    assert_eq!(f["severity"], "warning");
    assert!(f["message"].as_str().unwrap().contains("util::pause"));
    assert!(f["help"].as_str().unwrap().contains("tokio::time::sleep"));
    let via = f["via"].as_array().unwrap();
    let steps: Vec<(String, String, u64)> = via
        .iter()
        .map(|s| {
            (s["function"].as_str().unwrap().into(), s["path"].as_str().unwrap().into(), s["line"].as_u64().unwrap())
        })
        .collect();
    assert_eq!(
        steps,
        vec![
            ("util::pause".into(), "app/src/main.rs".into(), 3),
            ("std::thread::sleep".into(), "app/src/util.rs".into(), 2),
        ]
    );

    let clean = run_in(dir.path(), &["check", "app", "--format", "json", "--ignore", "blocking-sleep"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean).trim(), "[]");
}

#[test]
fn select_and_ignore_choose_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.rs", "async fn g() {}\nasync fn f() {\n    std::fs::read(\"x\");\n    g();\n}\n");
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "a.rs", "--format", "concise"];
        all.extend_from_slice(args);
        stdout(&run_in(dir.path(), &all)).lines().map(|l| l.split(' ').nth(1).unwrap().to_string()).collect()
    };
    assert_eq!(rules(&[]), vec!["blocking-io", "missing-await"]);
    assert_eq!(rules(&["--select", "missing-await"]), vec!["missing-await"]);
    assert_eq!(rules(&["--ignore", "missing-await"]), vec!["blocking-io"]);
    assert_eq!(rules(&["--select", "blocking-io,missing-await", "--ignore", "blocking-io"]), vec!["missing-await"]);
}

#[test]
fn bad_files_are_parse_errors_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/broken.rs", "fn ok() {}\n\nasync fn broken( {\n");
    write(dir.path(), "src/good.rs", BLOCKING);
    std::fs::write(dir.path().join("src/binary.rs"), b"fn f() {}\n\xff\xfe\n").unwrap();
    let out = run_in(dir.path(), &["check", "src", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("src/binary.rs:2:1: parse-error the file is not valid UTF-8"), "{text}");
    assert!(lines[1].starts_with("src/broken.rs:3:"), "{text}");
    assert!(lines[1].contains("parse-error cannot parse this file"), "{text}");
    assert!(lines[2].starts_with("src/good.rs:2:5: blocking-sleep"), "{text}");
}

#[test]
fn discovery_skips_target_hidden_and_gitignored() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.rs", BLOCKING);
    write(dir.path(), "target/debug/gen.rs", BLOCKING);
    write(dir.path(), ".hidden/a.rs", BLOCKING);
    write(dir.path(), "generated/a.rs", BLOCKING);
    write(dir.path(), ".gitignore", "generated/\n");
    write(dir.path(), "notes.txt", "std::thread::sleep");
    let out = run_in(dir.path(), &["check", "--format", "concise"]);
    let text = stdout(&out);
    let paths: Vec<&str> = text.lines().map(|l| l.split(':').next().unwrap()).collect();
    assert_eq!(paths, vec!["src/a.rs"], "{text}");

    // A file named explicitly is linted even where a directory walk would skip it.
    let explicit = run_in(dir.path(), &["check", "generated/a.rs", "--format", "concise"]);
    assert_eq!(explicit.status.code(), Some(1));
}

#[test]
fn human_format_matches_the_reviewed_snapshot() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = run_in(root, &["check", "testdata/rust/transitive", "--format", "human"]);
    let snapshot = root.join("tests/snapshots/human_transitive.txt");
    let actual = stdout(&out);
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&snapshot, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&snapshot).unwrap_or_default();
    assert!(actual == expected, "human output changed; review it and rerun with BLESS=1:\n{actual}");
}

fn cargo_in(dir: &Path, args: &[&str]) -> Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_cargo-async-lint")).parent().unwrap().to_path_buf();
    let path = std::env::var_os("PATH").unwrap_or_default();
    let paths = std::iter::once(bin_dir).chain(std::env::split_paths(&path));
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(dir)
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

fn finding_paths(out: &Output) -> Vec<String> {
    let mut paths: Vec<String> = stdout(out).lines().map(|l| l.split(':').next().unwrap().to_string()).collect();
    paths.sort();
    paths
}

/// A virtual workspace with members `a` (lib, test, example) and `b` (bin), and a directory that
/// is not a member.
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[workspace]\nmembers = [\"a\", \"b\"]\nresolver = \"2\"\n");
    for name in ["a", "b"] {
        write(
            dir.path(),
            &format!("{name}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
    }
    write(dir.path(), "a/src/lib.rs", BLOCKING);
    write(dir.path(), "a/tests/it.rs", BLOCKING);
    write(dir.path(), "a/examples/demo.rs", &format!("{BLOCKING}fn main() {{}}\n"));
    write(dir.path(), "b/src/main.rs", &format!("{BLOCKING}fn main() {{}}\n"));
    write(dir.path(), "scratch/x.rs", BLOCKING);
    dir
}

#[test]
fn cargo_subcommand_lints_the_workspace_targets() {
    let ws = workspace();
    let all = ["a/examples/demo.rs", "a/src/lib.rs", "a/tests/it.rs", "b/src/main.rs"];
    for args in
        [&["async-lint", "--format", "concise"][..], &["async-lint", "check", "--format", "concise", "--workspace"][..]]
    {
        let out = cargo_in(ws.path(), args);
        assert_eq!(out.status.code(), Some(1), "cargo {args:?}: {}", stderr(&out));
        assert_eq!(finding_paths(&out), all, "cargo {args:?}");
    }
    let only_b = cargo_in(ws.path(), &["async-lint", "-p", "b", "--format", "concise"]);
    assert_eq!(finding_paths(&only_b), ["b/src/main.rs"]);
    let from_member = cargo_in(&ws.path().join("a"), &["async-lint", "--format", "concise"]);
    assert_eq!(finding_paths(&from_member), ["examples/demo.rs", "src/lib.rs", "tests/it.rs"]);
    let manifest = cargo_in(ws.path(), &["async-lint", "--manifest-path", "b/Cargo.toml", "--format", "concise"]);
    assert_eq!(finding_paths(&manifest), ["b/src/main.rs"]);
    // Relative to the working directory, as cargo takes it, also from another member.
    let sibling =
        cargo_in(&ws.path().join("a"), &["async-lint", "--manifest-path", "../b/Cargo.toml", "--format", "concise"]);
    let found = finding_paths(&sibling);
    assert!(found.len() == 1 && found[0].ends_with("b/src/main.rs"), "{found:?} {}", stderr(&sibling));
    let paths = cargo_in(ws.path(), &["async-lint", "--format", "concise", "scratch"]);
    assert_eq!(finding_paths(&paths), ["scratch/x.rs"]);

    let unknown = cargo_in(ws.path(), &["async-lint", "-p", "zzz"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("package `zzz` is not a member of the workspace"), "{}", stderr(&unknown));

    // The binary run directly, without cargo's `async-lint` word.
    let direct = Command::new(env!("CARGO_BIN_EXE_cargo-async-lint"))
        .current_dir(ws.path())
        .args(["-p", "a", "--format", "concise"])
        .output()
        .unwrap();
    assert_eq!(finding_paths(&direct), ["a/examples/demo.rs", "a/src/lib.rs", "a/tests/it.rs"]);
}

/// One package with every kind of target, modules of the library and of the binary in `src/`,
/// and a file in `src/` that no target declares.
fn package_with_every_target() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "Cargo.toml", "[package]\nname = \"t\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
    let main = format!("{BLOCKING}fn main() {{}}\n");
    write(dir.path(), "src/lib.rs", &format!("mod shared;\n{BLOCKING}"));
    write(dir.path(), "src/shared.rs", BLOCKING);
    write(dir.path(), "src/main.rs", &format!("mod cli;\n{main}"));
    write(dir.path(), "src/cli.rs", BLOCKING);
    write(dir.path(), "src/bin/tool.rs", &main);
    write(dir.path(), "src/stray.rs", BLOCKING);
    write(dir.path(), "tests/it.rs", BLOCKING);
    write(dir.path(), "examples/demo.rs", &main);
    write(dir.path(), "benches/speed.rs", &main);
    write(dir.path(), "build.rs", &main);
    dir
}

#[test]
fn cargo_target_flags_lint_the_files_of_those_targets() {
    let dir = package_with_every_target();
    let lib = ["src/lib.rs", "src/shared.rs"];
    let bins = ["src/bin/tool.rs", "src/cli.rs", "src/main.rs"];
    let sorted = |parts: &[&[&str]]| {
        let mut all: Vec<String> = parts.iter().flat_map(|p| p.iter().map(|s| s.to_string())).collect();
        all.sort();
        all
    };
    let cases: [(&[&str], Vec<String>); 10] = [
        (&["--lib"], sorted(&[&lib])),
        (&["--bins"], sorted(&[&bins])),
        (&["--bin", "tool"], sorted(&[&["src/bin/tool.rs"]])),
        (&["--tests"], sorted(&[&lib, &bins, &["tests/it.rs"]])),
        (&["--test", "it"], sorted(&[&["tests/it.rs"]])),
        (&["--examples"], sorted(&[&["examples/demo.rs"]])),
        (&["--benches"], sorted(&[&lib, &bins, &["benches/speed.rs"]])),
        (&["--lib", "--example", "demo"], sorted(&[&lib, &["examples/demo.rs"]])),
        (
            &["--all-targets"],
            sorted(&[&lib, &bins, &["tests/it.rs", "examples/demo.rs", "benches/speed.rs", "build.rs"]]),
        ),
        (
            &[],
            sorted(&[
                &lib,
                &bins,
                &["tests/it.rs", "examples/demo.rs", "benches/speed.rs", "build.rs", "src/stray.rs"],
            ]),
        ),
    ];
    for (flags, expected) in cases {
        let mut args = vec!["async-lint", "--format", "concise", "--no-cache"];
        args.extend(flags);
        let out = cargo_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "cargo {args:?}: {}", stderr(&out));
        assert_eq!(finding_paths(&out), expected, "cargo {args:?}");
    }
}

#[test]
fn cargo_target_flags_keep_excludes_and_refuse_what_does_not_exist() {
    let dir = package_with_every_target();
    write(dir.path(), "async-lint.toml", "exclude = [\"src/shared.rs\"]\n");
    let out = cargo_in(dir.path(), &["async-lint", "--lib", "--format", "concise", "--no-cache"]);
    assert_eq!(finding_paths(&out), ["src/lib.rs"], "{}", stderr(&out));

    let out = cargo_in(dir.path(), &["async-lint", "--bin", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no bin target named `nope` (bin targets: t, tool)"), "{}", stderr(&out));
    let out = cargo_in(dir.path(), &["async-lint", "--bench", "nope"]);
    assert!(stderr(&out).contains("no bench target named `nope` (bench targets: speed)"), "{}", stderr(&out));

    let out = cargo_in(dir.path(), &["async-lint", "--lib", "src/cli.rs"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("give them or paths, not both"), "{}", stderr(&out));
}

#[test]
fn rules_are_listed_and_documented() {
    let dir = tempfile::tempdir().unwrap();
    let list = stdout(&run_in(dir.path(), &["rules"]));
    for id in [
        "blocking-sleep",
        "blocking-io",
        "blocking-network",
        "blocking-subprocess",
        "blocking-wait",
        "missing-await",
        "nested-runtime",
    ] {
        assert!(list.lines().any(|l| l.starts_with(id)), "{id} missing from `rules`");
    }
    let doc = run_in(dir.path(), &["rule", "blocking-sleep"]);
    assert_eq!(doc.status.code(), Some(0));
    let doc = stdout(&doc);
    for heading in ["# blocking-sleep", "## What it finds", "## Why it is a problem", "## Example", "## Fix"] {
        assert!(doc.contains(heading), "missing {heading}");
    }
    assert_eq!(run_in(dir.path(), &["rule", "nope"]).status.code(), Some(2));
}

/// Every way of nesting Rust syntax that `syn` or the lowering recurses on, `levels` deep.
fn deep_rust(levels: usize) -> Vec<(&'static str, String)> {
    let n = levels;
    vec![
        ("parens", format!("fn f() {{ let x = {}1{}; }}\n", "(".repeat(n), ")".repeat(n))),
        ("types", format!("fn f(x: {}u8{}) {{}}\n", "Vec<".repeat(n), ">".repeat(n))),
        ("reference_types", format!("fn f(x: {}u8) {{}}\n", "&".repeat(n))),
        ("pointer_types", format!("fn f(x: {}u8) {{}}\n", "*const ".repeat(n))),
        ("trait_objects", format!("fn f(x: {}u8{}) {{}}\n", "Box<dyn Fn() -> ".repeat(n / 2), ">".repeat(n / 2))),
        ("references", format!("fn f() {{ let x = {}1; }}\n", "& ".repeat(n))),
        ("negations", format!("fn f() {{ let x = {}1; }}\n", "- ".repeat(n))),
        ("nots", format!("fn f() {{ let x = {}true; }}\n", "!".repeat(n))),
        ("derefs", format!("fn f() {{ let x = {}a; }}\n", "*".repeat(n))),
        ("closures", format!("fn f() {{ let x = {}1; }}\n", "|| ".repeat(n / 2))),
        ("returns", format!("fn f() {{ {}1; }}\n", "return ".repeat(n))),
        ("fields", format!("fn f() {{ let x = a{}; }}\n", ".b".repeat(n))),
        ("method_chains", format!("fn f() {{ let x = a{}; }}\n", ".b()".repeat(n))),
        ("tries", format!("fn f() {{ a{}; }}\n", "?".repeat(n))),
        ("awaits", format!("async fn f() {{ a{}; }}\n", ".await".repeat(n))),
        ("mixed", format!("fn f() {{ let x = {}1{}; }}\n", "(&-".repeat(n / 3), ")".repeat(n / 3))),
    ]
}

#[test]
fn deep_nesting_is_a_parse_error_not_a_crash() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in deep_rust(20_000) {
        write(dir.path(), &format!("deep/{name}.rs"), &text);
    }
    write(dir.path(), "deep/hundred_thousand.rs", &deep_rust(100_000)[0].1);
    for (name, text) in deep_rust(990) {
        write(dir.path(), &format!("under/{name}.rs"), &text);
    }
    write(dir.path(), "other.rs", BLOCKING);
    let out = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    let text = stdout(&out);
    let mut deep: Vec<&str> = text.lines().filter(|l| l.contains(" parse-error ")).collect();
    deep.sort();
    assert_eq!(deep.len(), 17, "{text}");
    assert!(deep.iter().all(|l| l.starts_with("deep/") && l.contains("more than the 1000 levels")), "{text}");
    assert!(text.contains("deep/hundred_thousand.rs:1:"), "{text}");
    assert!(text.contains("other.rs:2:5: blocking-sleep"), "{text}");
    assert!(!text.contains("under/"), "valid nesting below the limit parses:\n{text}");
}

#[test]
fn sarif_is_what_code_scanning_reads() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.rs", BLOCKING);
    let out = run_in(dir.path(), &["check", "src", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "async-lint");
    let rules = driver["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| r["shortDescription"]["text"].is_string() && r["helpUri"].is_string()));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "blocking-sleep");
    assert_eq!(rules[result["ruleIndex"].as_u64().unwrap() as usize]["id"], "blocking-sleep");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "src/a.rs");
    assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 5);
    let fingerprint = result["partialFingerprints"]["asyncLint/v1"].as_str().unwrap().to_string();

    // The fingerprint follows the finding's text, not its line number.
    write(dir.path(), "src/a.rs", &format!("\n\n{BLOCKING}"));
    let moved: serde_json::Value =
        serde_json::from_str(&stdout(&run_in(dir.path(), &["check", "src", "--format", "sarif"]))).unwrap();
    let moved = &moved["runs"][0]["results"][0];
    assert_eq!(moved["locations"][0]["physicalLocation"]["region"]["startLine"], 4);
    assert_eq!(moved["partialFingerprints"]["asyncLint/v1"], fingerprint.as_str());
}

#[test]
fn github_annotations_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "odd,name:x.rs", BLOCKING);
    let out = run_in(dir.path(), &["check", "odd,name:x.rs", "--format", "github"]);
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "::warning file=odd%2Cname%3Ax.rs,line=2,col=5,endLine=2,endColumn=60,title=async-lint blocking-sleep::"
        ),
        "{text}"
    );
    assert!(text.contains("%0Ahelp: use `tokio::time::sleep(..).await`"), "{text}");
    assert_eq!(text.lines().count(), 1);
}

#[test]
fn output_file_receives_the_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.rs", BLOCKING);
    let out = run_in(dir.path(), &["check", "a.rs", "--format", "json", "--output", "report.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report[0]["rule"], "blocking-sleep");
    let bad = run_in(dir.path(), &["check", "a.rs", "--output", "no/such/dir/r.txt"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("no/such/dir/r.txt: cannot write the report"), "{}", stderr(&bad));
}

#[test]
fn configuration_selects_ignores_excludes_and_sets_severity() {
    let dir = tempfile::tempdir().unwrap();
    let two = "async fn g() {}\nasync fn f() {\n    std::fs::read(\"x\");\n    g();\n}\n";
    write(dir.path(), "src/a.rs", two);
    write(dir.path(), "tests/t.rs", two);
    write(dir.path(), "gen/a.rs", two);
    write(
        dir.path(),
        "async-lint.toml",
        "exclude = [\"gen\"]\n[per-file-ignores]\n\"tests/**\" = [\"blocking-io\"]\n[severity]\nblocking-io = \"error\"\n",
    );
    let out = run_in(dir.path(), &["check", "--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let seen: Vec<(String, String, String)> = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().into(),
                f["rule"].as_str().unwrap().into(),
                f["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("src/a.rs", "blocking-io", "error"),
        ("src/a.rs", "missing-await", "error"),
        ("tests/t.rs", "missing-await", "error"),
    ];
    assert_eq!(seen, expected.map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string())));

    // A nearer configuration wins for the files below it.
    write(dir.path(), "tests/pyproject.toml", "[tool.async-lint]\nselect = [\"blocking-io\"]\n");
    let out = run_in(dir.path(), &["check", "tests", "--format", "concise"]);
    assert_eq!(stdout(&out).lines().map(|l| l.split(' ').nth(1).unwrap()).collect::<Vec<_>>(), vec!["blocking-io"]);

    let shown = stdout(&run_in(dir.path(), &["config", "tests/t.rs"]));
    assert!(shown.contains("tests/pyproject.toml"), "{shown}");
    assert!(shown.contains("select = [\"blocking-io\"]"), "{shown}");
}

#[test]
fn configuration_errors_name_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.rs", BLOCKING);
    write(dir.path(), ".async-lint.toml", "select = [\"blocking-io\"]\n\nseverity = { blocking-io = \"loud\" }\n");
    let out = run_in(dir.path(), &["check", "a.rs"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".async-lint.toml:3: unknown variant `loud`"), "{err}");
}

#[test]
fn configured_knowledge_extends_the_builtin_one() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[[package.metadata.async-lint.knowledge.rust.blocking]]\ncategory = \"network\"\nreplacement = \"`legacy::fetch_async`\"\npaths = [\"legacy::fetch\"]\n",
    );
    write(dir.path(), "src/main.rs", "async fn f() {\n    legacy::fetch();\n}\nfn main() {}\n");
    let out = run_in(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(stdout(&out), "src/main.rs:2:5: blocking-network blocking call `legacy::fetch` in an async context\n");
}

#[test]
fn baselines_hide_recorded_findings_across_unrelated_edits() {
    let dir = tempfile::tempdir().unwrap();
    let old = "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
    write(dir.path(), "src/a.rs", old);
    let record = run_in(dir.path(), &["check", "src", "--write-baseline", "baseline.json"]);
    assert_eq!(record.status.code(), Some(0), "{}", stderr(&record));
    assert!(stderr(&record).contains("recorded 1 findings in baseline.json"));
    for flag in ["-q", "--silent"] {
        let quiet = run_in(dir.path(), &["check", "src", "--write-baseline", "baseline.json", flag]);
        assert_eq!((quiet.status.code(), stderr(&quiet)), (Some(0), String::new()), "{flag}");
    }
    assert_eq!(run_in(dir.path(), &["check", "src", "--baseline", "baseline.json"]).status.code(), Some(0));

    // Lines added above move the old finding; it stays hidden, and the new one is reported.
    let edited = format!("async fn g() {{\n    std::fs::read(\"x\");\n}}\n\n{old}");
    write(dir.path(), "src/a.rs", &edited);
    let out = run_in(dir.path(), &["check", "src", "--baseline", "baseline.json", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "src/a.rs:2:5: blocking-io blocking call `std::fs::read` in an async context\n");

    // From another working directory the same baseline still applies.
    let from_src = bin()
        .current_dir(dir.path().join("src"))
        .args(["check", ".", "--baseline", "../baseline.json", "--select", "blocking-sleep"])
        .output()
        .unwrap();
    assert_eq!(from_src.status.code(), Some(0), "{}", stdout(&from_src));

    write(dir.path(), "bad.json", "{\"version\": 1}");
    let bad = run_in(dir.path(), &["check", "src", "--baseline", "bad.json"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("bad.json:1: not an async-lint baseline"), "{}", stderr(&bad));
}

const FIXABLE: &str = "async fn save() {}\n\nasync fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n    save();\n    let _ = std::fs::read(\"x\");\n}\n\nfn main() {}\n";

fn package(dir: &Path, dependencies: &str) {
    write(
        dir,
        "Cargo.toml",
        &format!("[package]\nname = \"p\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{dependencies}"),
    );
    write(dir, "src/main.rs", FIXABLE);
}

#[test]
fn diff_shows_fixes_without_writing() {
    let dir = tempfile::tempdir().unwrap();
    package(dir.path(), "tokio = { version = \"1\", features = [\"full\"] }\n");
    let out = run_in(dir.path(), &["check", "--diff"]);
    assert_eq!(out.status.code(), Some(1));
    let diff = stdout(&out);
    assert!(diff.contains("--- a/src/main.rs\n+++ b/src/main.rs\n"), "{diff}");
    for line in [
        "-    std::thread::sleep(std::time::Duration::from_millis(1));\n",
        "-    save();\n",
        "+    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n",
        "+    save().await;\n",
    ] {
        assert!(diff.contains(line), "{line} missing from:\n{diff}");
    }
    assert_eq!(std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap(), FIXABLE);
}

#[test]
fn fix_writes_safe_fixes_once_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    package(dir.path(), "tokio = \"1\"\n");
    let out = run_in(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert!(stderr(&out).contains("fixed 2 findings in 1 files"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1), "blocking-io has no automatic fix");
    assert_eq!(stdout(&out), "src/main.rs:6:13: blocking-io blocking call `std::fs::read` in an async context\n");
    let fixed = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
    assert!(
        fixed.contains("    tokio::time::sleep(std::time::Duration::from_millis(1)).await;\n    save().await;\n"),
        "{fixed}"
    );

    let again = run_in(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert!(!stderr(&again).contains("fixed"), "a second --fix changes nothing: {}", stderr(&again));
    assert_eq!(std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap(), fixed);
}

#[test]
fn sleep_fix_needs_tokio_in_the_crate() {
    let dir = tempfile::tempdir().unwrap();
    package(dir.path(), "");
    let out = run_in(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert!(stderr(&out).contains("the crate does not depend on `tokio`"), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
    assert!(
        fixed.contains("    std::thread::sleep(std::time::Duration::from_millis(1));\n    save().await;\n"),
        "{fixed}"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn fixing_the_testdata_leaves_parsing_code_free_of_the_fixed_findings() {
    let dir = tempfile::tempdir().unwrap();
    for language in ["rust", "python"] {
        std::fs::create_dir_all(dir.path().join(language)).unwrap();
        copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(language), &dir.path().join(language));
    }
    let before = stdout(&run_in(dir.path(), &["check", "--format", "concise"]));
    // The cases of syntax recovery do not parse to begin with.
    let broken: Vec<String> = before
        .lines()
        .filter(|l| l.contains(": parse-error "))
        .filter_map(|l| l.split(':').next().map(str::to_string))
        .collect();
    let fixed = run_in(dir.path(), &["check", "--fix", "--format", "concise"]);
    assert!(stderr(&fixed).contains("fixed "), "{}", stderr(&fixed));
    let after = stdout(&run_in(dir.path(), &["check", "--format", "json"]));
    let findings: serde_json::Value = serde_json::from_str(&after).unwrap();
    for f in findings.as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        let broken_before = broken.iter().any(|b| path.trim_start_matches("./") == b.trim_start_matches("./"));
        assert!(f["rule"] != "parse-error" || broken_before, "a fix broke {path}");
        if f["rule"] == "missing-await" {
            assert!(!f["help"].as_str().unwrap().starts_with("add"), "left a fixable missing-await: {f}");
        }
    }
    assert!(before.lines().count() > findings.as_array().unwrap().len());
    let check = "import ast, pathlib, sys\nfor p in pathlib.Path(sys.argv[1]).rglob('*.py'):\n    if 'syntax_recovery' not in p.parts: ast.parse(p.read_text(), str(p))";
    let parsed = Command::new("python3").args(["-c", check]).arg(dir.path().join("python")).output().unwrap();
    assert!(parsed.status.success(), "a fixed Python file does not parse: {}", String::from_utf8_lossy(&parsed.stderr));
    let again = run_in(dir.path(), &["check", "--diff"]);
    assert_eq!(again.status.code(), Some(0), "fixes converged in one run: {}", stdout(&again));
}

#[test]
fn unchanged_files_come_from_the_cache_with_identical_output() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.rs", BLOCKING);
    write(dir.path(), "src/b.rs", CLEAN);
    write(dir.path(), "pkg/m.py", "import time\nasync def f():\n    time.sleep(1)\n");
    let first = run_in(dir.path(), &["check", "-v", "--format", "concise"]);
    assert!(stderr(&first).contains("cache: 0 files from the cache, 3 parsed"), "{}", stderr(&first));
    assert_eq!(
        std::fs::read_to_string(dir.path().join(".async-lint-cache/.gitignore")).unwrap().lines().last(),
        Some("*")
    );
    assert!(dir.path().join(".async-lint-cache/summaries.bin").is_file());

    let second = run_in(dir.path(), &["check", "-v", "--format", "concise"]);
    assert!(
        stderr(&second).contains("cache: 3 files from the cache, 0 parsed, findings reused"),
        "{}",
        stderr(&second)
    );
    assert_eq!(stdout(&second), stdout(&first));
    assert_eq!(second.status.code(), first.status.code());
    assert!(dir.path().join(".async-lint-cache/findings.bin").is_file());

    // Another selection is linked and checked again, from the cached summaries.
    let selected = run_in(dir.path(), &["check", "-v", "--format", "concise", "--select", "missing-await"]);
    assert!(stderr(&selected).contains("cache: 3 files from the cache, 0 parsed\n"), "{}", stderr(&selected));
    assert_eq!(stdout(&selected), "");
    // Only the last run's findings are kept: back to every rule, they are computed again.
    let json_again = run_in(dir.path(), &["check", "-v", "--format", "json"]);
    assert!(stderr(&json_again).contains("cache: 3 files from the cache, 0 parsed\n"), "{}", stderr(&json_again));

    // An edited file is analysed again; the others still come from the cache.
    write(dir.path(), "src/b.rs", BLOCKING);
    let third = run_in(dir.path(), &["check", "-v", "--format", "concise"]);
    assert!(stderr(&third).contains("cache: 2 files from the cache, 1 parsed\n"), "{}", stderr(&third));
    assert!(stdout(&third).contains("src/b.rs:2:5: blocking-sleep"), "{}", stdout(&third));

    let off = run_in(dir.path(), &["check", "-v", "--no-cache", "--format", "concise"]);
    assert!(stderr(&off).contains("cache: off, 3 files parsed"), "{}", stderr(&off));
    assert_eq!(stdout(&off), stdout(&third));
}

#[test]
fn knowledge_changes_and_corrupt_caches_invalidate_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "src/a.rs", "fn g() {}\nasync fn f() {\n    legacy::fetch();\n}\n");
    let cache_dir = dir.path().join("elsewhere");
    let cache_arg = cache_dir.to_str().unwrap();
    let args = ["check", "-v", "--format", "concise", "--cache-dir", cache_arg, "src"];
    let first = run_in(dir.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}", stdout(&first));
    assert!(cache_dir.join("summaries.bin").is_file());
    assert!(!dir.path().join(".async-lint-cache").exists());

    write(
        dir.path(),
        "async-lint.toml",
        "[[knowledge.rust.blocking]]\ncategory = \"network\"\npaths = [\"legacy::fetch\"]\n",
    );
    let configured = run_in(dir.path(), &args);
    assert!(stderr(&configured).contains("0 files from the cache, 1 parsed"), "{}", stderr(&configured));
    assert!(stdout(&configured).contains("blocking-network"), "{}", stdout(&configured));

    std::fs::write(cache_dir.join("summaries.bin"), b"garbage").unwrap();
    // An unchanged tree reuses its findings without reading the summaries.
    let reused = run_in(dir.path(), &args);
    assert_eq!(stdout(&reused), stdout(&configured));
    assert!(stderr(&reused).contains("findings reused"), "{}", stderr(&reused));
    assert!(!stderr(&reused).contains("ignoring the cache"), "{}", stderr(&reused));
    std::fs::remove_file(cache_dir.join("findings.bin")).unwrap();
    let corrupt = run_in(dir.path(), &args);
    assert_eq!(stdout(&corrupt), stdout(&configured));
    assert!(stderr(&corrupt).contains("ignoring the cache"), "{}", stderr(&corrupt));
    let repaired = bin()
        .current_dir(dir.path())
        .env("ASYNC_LINT_CACHE_DIR", cache_arg)
        .args(&args[..4])
        .arg("src")
        .output()
        .unwrap();
    assert!(stderr(&repaired).contains("1 files from the cache, 0 parsed"), "{}", stderr(&repaired));
}

#[test]
fn cache_entries_are_checked_and_those_of_deleted_files_dropped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "import time\nasync def f():\n    time.sleep(1)\n");
    write(dir.path(), "gone.py", "def g():\n    pass\n");
    let args = ["check", "-v", "--format", "concise"];
    let first = run_in(dir.path(), &args);
    assert!(stdout(&first).contains("a.py:3:5: blocking-sleep"), "{}", stdout(&first));
    let summaries = dir.path().join(".async-lint-cache/summaries.bin");

    // A flipped byte that still decodes (a callee's name) must not change the findings.
    let mut bytes = std::fs::read(&summaries).unwrap();
    let at = bytes.windows(10).position(|w| w == b"time.sleep").expect("the callee is stored");
    bytes[at + 9] = b'q';
    std::fs::write(&summaries, &bytes).unwrap();
    std::fs::remove_file(dir.path().join(".async-lint-cache/findings.bin")).unwrap();
    let checked = run_in(dir.path(), &args);
    assert_eq!(stdout(&checked), stdout(&first));
    assert!(stderr(&checked).contains("1 files from the cache, 1 parsed"), "{}", stderr(&checked));

    // A deleted file's summary goes when the cache is next written.
    std::fs::remove_file(dir.path().join("gone.py")).unwrap();
    write(dir.path(), "new.py", "def h():\n    pass\n");
    run_in(dir.path(), &args);
    let bytes = std::fs::read(&summaries).unwrap();
    assert!(bytes.windows(6).any(|w| w == b"new.py"));
    assert!(!bytes.windows(7).any(|w| w == b"gone.py"), "the deleted file's entry is dropped");
}

#[test]
fn a_new_top_level_module_invalidates_the_cached_python_summaries() {
    let dir = tempfile::tempdir().unwrap();
    // `helpers` is not part of the project yet: the frontend leaves the call to it out.
    write(dir.path(), "app.py", "import helpers\n\n\nasync def main():\n    helpers.work()\n");
    let args = ["check", "-v", "--format", "concise", "."];
    let first = run_in(dir.path(), &args);
    assert_eq!(first.status.code(), Some(0), "{}{}", stdout(&first), stderr(&first));
    write(dir.path(), "helpers.py", "import time\n\n\ndef work():\n    time.sleep(1)\n");
    let second = run_in(dir.path(), &args);
    // The unchanged `app.py` is lowered again: its summary depended on the project's roots.
    assert!(stderr(&second).contains("0 files from the cache, 2 parsed"), "{}", stderr(&second));
    assert!(stdout(&second).contains("app.py:5:5: blocking-sleep"), "{}", stdout(&second));
    let third = run_in(dir.path(), &["check", "-v", "--format", "concise", "--select", "blocking-sleep", "."]);
    assert!(stderr(&third).contains("2 files from the cache, 0 parsed"), "{}", stderr(&third));
    assert_eq!(stdout(&third), stdout(&second));
}

#[test]
fn python_fixes_await_and_import_asyncio() {
    let dir = tempfile::tempdir().unwrap();
    let source = "\"\"\"Docs.\"\"\"\nfrom time import sleep\n\n\nasync def save():\n    pass\n\n\nasync def main():\n    sleep(1)\n    save()\n    x = save()\n    return x\n";
    write(dir.path(), "app.py", source);
    let out = run_in(dir.path(), &["check", "app.py", "--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("app.py")).unwrap();
    assert_eq!(
        fixed,
        "\"\"\"Docs.\"\"\"\nimport asyncio\nfrom time import sleep\n\n\nasync def save():\n    pass\n\n\nasync def main():\n    await asyncio.sleep(1)\n    await save()\n    x = save()\n    return x\n"
    );
    let compiles = Command::new("python3")
        .args(["-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())"])
        .arg(dir.path().join("app.py"))
        .status()
        .unwrap();
    assert!(compiles.success(), "the fixed file is valid Python");
    assert_eq!(run_in(dir.path(), &["check", "app.py", "--diff"]).status.code(), Some(0));
}

#[test]
fn ci_controls_decide_the_exit_status_and_what_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.rs", BLOCKING);
    let status = |args: &[&str]| run_in(dir.path(), args).status.code();
    // ruff's name for the format flag.
    let concise = run_in(dir.path(), &["check", "--output-format", "concise", "--no-cache"]);
    assert!(stdout(&concise).starts_with("a.rs:2:5: blocking-sleep"), "{}", stdout(&concise));
    assert_eq!(status(&["check", "--no-cache", "--exit-zero"]), Some(0));
    // blocking-sleep is a warning: `--fail-on error` lets it pass, unless configured an error.
    assert_eq!(status(&["check", "--no-cache"]), Some(1));
    assert_eq!(status(&["check", "--no-cache", "--fail-on", "error"]), Some(0));
    write(dir.path(), "async-lint.toml", "[severity]\nblocking-sleep = \"error\"\n");
    assert_eq!(status(&["check", "--no-cache", "--fail-on", "error"]), Some(1));
    std::fs::remove_file(dir.path().join("async-lint.toml")).unwrap();

    let quiet = run_in(dir.path(), &["check", "--no-cache", "-q"]);
    assert!(stdout(&quiet).contains("blocking-sleep") && !stdout(&quiet).contains("Found"), "{}", stdout(&quiet));
    let silent = run_in(dir.path(), &["check", "--no-cache", "--silent"]);
    assert_eq!((stdout(&silent).as_str(), silent.status.code()), ("", Some(1)));
    let colored = run_in(dir.path(), &["check", "--no-cache", "--color", "always"]);
    assert!(stdout(&colored).contains("\u{1b}["), "{}", stdout(&colored));
    let plain = run_in(dir.path(), &["check", "--no-cache", "--color", "never"]);
    assert!(!stdout(&plain).contains('\u{1b}'), "{}", stdout(&plain));
}

#[test]
fn flake8_async_and_ruff_codes_select_rules_and_typos_name_the_nearest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "import asyncio, time\n\nasync def f():\n    time.sleep(1)\n    asyncio.create_task(f())\n",
    );
    let concise = |args: &[&str]| {
        let mut all = vec!["check", "--no-cache", "--format", "concise"];
        all.extend_from_slice(args);
        run_in(dir.path(), &all)
    };
    let rules =
        |out: &Output| stdout(out).lines().map(|l| l.split(' ').nth(1).unwrap_or("").to_string()).collect::<Vec<_>>();
    assert_eq!(rules(&concise(&[])), ["blocking-sleep", "dangling-task"]);
    assert_eq!(rules(&concise(&["--select", "ASYNC251"])), ["blocking-sleep"]);
    assert_eq!(rules(&concise(&["--ignore", "RUF006"])), ["blocking-sleep"]);
    write(dir.path(), "async-lint.toml", "ignore = [\"ASYNC251\"]\n");
    assert_eq!(rules(&concise(&[])), ["dangling-task"]);
    std::fs::remove_file(dir.path().join("async-lint.toml")).unwrap();
    let typo = concise(&["--select", "blocking-slep"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(stderr(&typo).contains("did you mean `blocking-sleep`"), "{}", stderr(&typo));
}

#[test]
fn extend_select_adds_rules_to_the_command_line_and_the_configuration_selection() {
    let dir = tempfile::tempdir().unwrap();
    let three = "async fn g() {}\nasync fn f() {\n    std::fs::read(\"x\");\n    std::thread::sleep(std::time::Duration::from_millis(1));\n    g();\n}\n";
    write(dir.path(), "a.rs", three);
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "a.rs", "--no-cache", "--format", "concise"];
        all.extend_from_slice(args);
        stdout(&run_in(dir.path(), &all)).lines().map(|l| l.split(' ').nth(1).unwrap().to_string()).collect()
    };
    assert_eq!(
        rules(&["--select", "blocking-io", "--extend-select", "missing-await"]),
        ["blocking-io", "missing-await"]
    );
    // Codes as noqa takes them; ignore still wins.
    assert_eq!(
        rules(&["--select", "blocking-io", "--extend-select", "ASYNC251,missing-await", "--ignore", "missing-await"]),
        ["blocking-io", "blocking-sleep"]
    );
    let unknown = run_in(dir.path(), &["check", "a.rs", "--extend-select", "missing-awiat"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("missing-await"), "{}", stderr(&unknown));

    // The configuration selects one rule; the command line adds another, and the findings of a
    // run with the configuration's selection are not reused for it.
    write(dir.path(), "async-lint.toml", "select = [\"blocking-io\"]\n");
    let cached = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "a.rs", "--format", "concise"];
        all.extend_from_slice(args);
        stdout(&run_in(dir.path(), &all)).lines().map(|l| l.split(' ').nth(1).unwrap().to_string()).collect()
    };
    assert_eq!(cached(&[]), ["blocking-io"]);
    assert_eq!(cached(&["--extend-select", "missing-await"]), ["blocking-io", "missing-await"]);
    assert_eq!(cached(&[]), ["blocking-io"]);
    assert_eq!(cached(&["--select", "blocking-io"]), ["blocking-io"]);
    assert_eq!(
        cached(&["--select", "blocking-io", "--extend-select", "missing-await"]),
        ["blocking-io", "missing-await"]
    );
}

#[test]
fn statistics_count_the_findings_of_each_rule() {
    let dir = tempfile::tempdir().unwrap();
    let text = "async fn g() {}\nasync fn f() {\n    std::fs::read(\"x\");\n    std::fs::read(\"y\");\n    g();\n}\n";
    write(dir.path(), "a.rs", text);
    let out = run_in(dir.path(), &["check", "a.rs", "--statistics"]);
    assert_eq!(out.status.code(), Some(1), "the exit status still follows the findings");
    let lines: Vec<Vec<String>> =
        stdout(&out).lines().map(|l| l.split_whitespace().take(3).map(str::to_string).collect()).collect();
    assert_eq!(lines, [["2", "blocking-io", "blocking"], ["1", "missing-await", "[*]"]], "{}", stdout(&out));

    let out = run_in(dir.path(), &["check", "a.rs", "--statistics", "--format", "json"]);
    let counts: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let seen: Vec<(&str, u64, u64)> = counts
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["rule"].as_str().unwrap(), c["count"].as_u64().unwrap(), c["fixable"].as_u64().unwrap()))
        .collect();
    assert_eq!(seen, [("blocking-io", 2, 0), ("missing-await", 1, 1)]);

    let clean = run_in(dir.path(), &["check", "a.rs", "--statistics", "--select", "blocking-sleep"]);
    assert_eq!((clean.status.code(), stdout(&clean)), (Some(0), String::new()));
    let sarif = run_in(dir.path(), &["check", "a.rs", "--statistics", "--format", "sarif"]);
    assert_eq!(sarif.status.code(), Some(2));
    assert!(stderr(&sarif).contains("--statistics"), "{}", stderr(&sarif));
}

#[test]
fn exclude_extend_exclude_and_force_exclude_work_as_in_ruff() {
    let dir = tempfile::tempdir().unwrap();
    let blocking = "import time\n\nasync def f():\n    time.sleep(1)\n";
    for file in ["gen/a.py", "src/b.py", "vendor/c.py"] {
        write(dir.path(), file, blocking);
    }
    write(dir.path(), "async-lint.toml", "exclude = [\"gen\"]\n");
    let linted = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "--no-cache", "--format", "concise"];
        all.extend_from_slice(args);
        let out = run_in(dir.path(), &all);
        assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
        stdout(&out).lines().map(|l| l.split(':').next().unwrap().to_string()).collect()
    };
    assert_eq!(linted(&[]), ["src/b.py", "vendor/c.py"]);
    // `--exclude` stands for the configuration's list; `--extend-exclude` adds to it.
    assert_eq!(linted(&["--exclude", "vendor"]), ["gen/a.py", "src/b.py"]);
    assert_eq!(linted(&["--extend-exclude", "vendor,src/*.py"]), Vec::<String>::new());
    // A file named on the command line is linted, unless the exclusions are forced on it.
    assert_eq!(linted(&["gen/a.py", "src/b.py"]), ["gen/a.py", "src/b.py"]);
    assert_eq!(linted(&["gen/a.py", "src/b.py", "--force-exclude"]), ["src/b.py"]);
    assert_eq!(linted(&["gen/a.py", "src/b.py", "--force-exclude", "--extend-exclude", "src"]), Vec::<String>::new());

    let bad = run_in(dir.path(), &["check", "--exclude", "["]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("--exclude: invalid glob `[`"), "{}", stderr(&bad));
}

/// The binary run in `dir` with `input` on its standard input.
fn run_with_stdin(dir: &Path, args: &[&str], input: impl AsRef<[u8]>) -> Output {
    use std::io::Write as _;
    let mut child = bin()
        .current_dir(dir)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child.stdin.take().unwrap().write_all(input.as_ref()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn standard_input_is_linted_as_the_file_stdin_filename_names() {
    let dir = tempfile::tempdir().unwrap();
    // On disk the file is clean; the editor's buffer, piped in, is not. The buffer is linted on
    // its own, as ruff does: a helper in another file is not followed.
    write(dir.path(), "pkg/__init__.py", "");
    write(dir.path(), "pkg/app.py", "async def main():\n    pass\n");
    let buffer = "import time\n\nasync def main():\n    time.sleep(1)\n";
    let out = run_with_stdin(dir.path(), &["check", "-", "--stdin-filename", "pkg/app.py"], buffer);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(report.contains("pkg/app.py:4:5"), "{report}");
    assert!(report.contains("4 │     time.sleep(1)"), "the snippet is the buffer's, not the file's:\n{report}");
    // Without a name it is Python, reported as `-`.
    let out = run_with_stdin(
        dir.path(),
        &["check", "-", "--format", "concise"],
        "import time\n\nasync def f():\n    time.sleep(1)\n",
    );
    assert_eq!(stdout(&out), "-:4:5: blocking-sleep blocking call `time.sleep` in an async context\n");
    let out = run_with_stdin(dir.path(), &["check", "-", "--stdin-filename", "a.rs", "--format", "concise"], BLOCKING);
    assert!(stdout(&out).starts_with("a.rs:2:5: blocking-sleep"), "{}", stdout(&out));
    let clean = run_with_stdin(dir.path(), &["check", "-", "--stdin-filename", "a.rs"], CLEAN);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));

    // The configuration's exclusions hold for the name with --force-exclude.
    write(dir.path(), "async-lint.toml", "exclude = [\"pkg\"]\n");
    let args = ["check", "-", "--stdin-filename", "pkg/app.py", "--format", "concise"];
    assert_eq!(run_with_stdin(dir.path(), &args, buffer).status.code(), Some(1));
    let forced = run_with_stdin(dir.path(), &[&args[..], &["--force-exclude"]].concat(), buffer);
    assert_eq!((forced.status.code(), stdout(&forced)), (Some(0), String::new()));

    for (args, error) in [
        (&["check", "--stdin-filename", "a.py"][..], "pass `-` as the path"),
        (&["check", "-", "pkg"][..], "the only path"),
        (&["check", "-", "--fix"][..], "do not read standard input"),
        (&["check", "-", "--stdin-filename", "notes.txt"][..], "not a Rust (.rs) or Python (.py) file"),
    ] {
        let out = run_with_stdin(dir.path(), args, "x = 1\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(error), "{args:?}: {}", stderr(&out));
    }
    let out = run_with_stdin(dir.path(), &["check", "-"], b"x = 1\n\xff\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input is not UTF-8"), "{}", stderr(&out));
}

#[test]
fn config_names_the_one_configuration_and_isolated_uses_none() {
    let dir = tempfile::tempdir().unwrap();
    let two = "async fn g() {}\nasync fn f() {\n    std::fs::read(\"x\");\n    g();\n}\n";
    write(dir.path(), "src/a.rs", two);
    write(dir.path(), "src/async-lint.toml", "select = [\"blocking-io\"]\n");
    write(dir.path(), "ci/strict.toml", "select = [\"missing-await\"]\n[severity]\nmissing-await = \"warning\"\n");
    write(dir.path(), "ci/pyproject.toml", "[project]\nname = \"x\"\n");
    let rules = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["check", "src", "--no-cache", "--format", "json"];
        all.extend_from_slice(args);
        let out = run_in(dir.path(), &all);
        let findings: serde_json::Value =
            serde_json::from_str(&stdout(&out)).unwrap_or_else(|_| panic!("{}", stderr(&out)));
        let found = findings.as_array().unwrap().iter();
        found.map(|f| format!("{} {}", f["rule"].as_str().unwrap(), f["severity"].as_str().unwrap())).collect()
    };
    assert_eq!(rules(&[]), ["blocking-io warning"]);
    assert_eq!(rules(&["--isolated"]), ["blocking-io warning", "missing-await error"]);
    // The named file stands for the one beside the files.
    assert_eq!(rules(&["--config", "ci/strict.toml"]), ["missing-await warning"]);

    for (args, error) in [
        (&["--config", "ci/none.toml"][..], "ci/none.toml: cannot read the configuration"),
        (&["--config", "ci/pyproject.toml"][..], "ci/pyproject.toml: no [tool.async-lint] table"),
        (&["--config", "ci/strict.toml", "--isolated"][..], "cannot be used with"),
    ] {
        let out = run_in(dir.path(), &[&["check", "src"][..], args].concat());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(error), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn completions_complete_in_a_real_bash() {
    let dir = tempfile::tempdir().unwrap();
    let script = run_in(dir.path(), &["completions", "bash"]);
    assert_eq!(script.status.code(), Some(0), "{}", stderr(&script));
    write(dir.path(), "completions.bash", &stdout(&script));
    // What bash offers after `async-lint ch` and `async-lint check --sta`.
    let complete = |words: &str| {
        let program = format!(
            "source completions.bash; COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1)); \
             _async__lint async-lint \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\""
        );
        let out = Command::new("bash").arg("-c").arg(program).current_dir(dir.path()).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stdout(&out).lines().map(str::to_string).collect::<Vec<_>>()
    };
    assert_eq!(complete("async-lint ch"), ["check"]);
    assert_eq!(complete("async-lint check --sta"), ["--statistics"]);
    assert!(complete("async-lint check --format ''").contains(&"sarif".to_string()));
    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = run_in(dir.path(), &["completions", shell]);
        assert!(out.status.success() && stdout(&out).contains("async-lint"), "{shell}: {}", stderr(&out));
    }
    let unknown = run_in(dir.path(), &["completions", "tcsh"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn man_pages_render_with_groff() {
    support::ensure_tool(&["groff", "--version"], &["groff-base"]);
    let dir = tempfile::tempdir().unwrap();
    let render = |args: &[&str]| {
        let roff = run_in(dir.path(), args);
        assert_eq!(roff.status.code(), Some(0), "{}", stderr(&roff));
        let mut groff = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(&mut groff.stdin.take().unwrap(), &roff.stdout).unwrap();
        let page = groff.wait_with_output().unwrap();
        assert!(page.status.success() && page.stderr.is_empty(), "groff: {}", stderr(&page));
        // Drop groff's overstriking (bold, underline) and justification to read the text.
        let mut plain = String::new();
        for c in stdout(&page).chars() {
            if c == '\u{8}' {
                plain.pop();
            } else {
                plain.push(c);
            }
        }
        plain.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let main = render(&["man"]);
    assert!(main.contains("async-lint - Finds the pitfalls of async code"), "{main}");
    assert!(main.contains("check") && main.contains("completions"), "{main}");
    let check = render(&["man", "check"]);
    assert!(check.contains("async-lint-check") && check.contains("--extend-select"), "{check}");
    assert!(check.contains("async-lint check [--format]"), "{check}");
    let unknown = run_in(dir.path(), &["man", "chek"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("there are: check"), "{}", stderr(&unknown));
}

#[test]
fn cargo_json_messages_are_read_by_cargo_metadata_as_cargo_checks_are() {
    use cargo_metadata::Message;
    let ws = workspace();
    let out = cargo_in(&ws.path().join("a"), &["async-lint", "--message-format", "json"]);
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let messages: Vec<Message> =
        Message::parse_stream(out.stdout.as_slice()).collect::<Result<_, _>>().expect("cargo's message stream");
    let mut seen = Vec::new();
    for message in &messages {
        let Message::CompilerMessage(m) = message else { continue };
        let span = &m.message.spans[0];
        let file = std::fs::read_to_string(&span.file_name).unwrap();
        // The byte offsets are the call's own in the file, as rustc gives them.
        let call = &file[span.byte_start as usize..span.byte_end as usize];
        assert!(call.starts_with("std::thread::sleep("), "{call:?}");
        assert_eq!(m.message.code.as_ref().unwrap().code, "async_lint::blocking-sleep");
        assert!(m.message.children.iter().any(|c| c.message.contains("tokio::time::sleep")));
        let file = Path::new(&span.file_name).strip_prefix(ws.path().canonicalize().unwrap()).unwrap();
        seen.push((m.target.name.clone(), file.display().to_string(), span.line_start, span.column_start));
    }
    seen.sort();
    let expected = [("a", "a/src/lib.rs", 2, 5), ("demo", "a/examples/demo.rs", 2, 5), ("it", "a/tests/it.rs", 2, 5)];
    assert_eq!(seen, expected.map(|(t, f, l, c)| (t.to_string(), f.to_string(), l, c)));
    assert!(matches!(messages.last(), Some(Message::BuildFinished(f)) if f.success), "{messages:?}");
    // `short` is the concise format.
    let short = cargo_in(&ws.path().join("a"), &["async-lint", "--message-format", "short"]);
    assert!(stdout(&short).lines().all(|l| l.contains(": blocking-sleep ")), "{}", stdout(&short));
}

/// `args` run on a terminal (util-linux `script` gives the program a pseudo-terminal for its
/// standard streams), with the progress line due at once; what the terminal received.
fn on_terminal(dir: &Path, args: &str) -> String {
    support::ensure_tool(&["script", "--version"], &["bsdutils"]);
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_async-lint"));
    let out = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .current_dir(dir)
        .env("ASYNC_LINT_PROGRESS_DELAY_MS", "0")
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_is_drawn_on_a_terminal_and_erased_before_the_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", "import time\n\nasync def f():\n    time.sleep(1)\n");
    write(dir.path(), "b.py", "import asyncio\n");
    let shown = on_terminal(dir.path(), "check --no-cache --format concise .");
    assert!(shown.contains("\r\x1b[2Klinting 0/2 files"), "{shown:?}");
    assert!(shown.contains("\r\x1b[2Ka.py:4:5: blocking-sleep"), "the line is erased first: {shown:?}");
    // Not where a program reads the output, nor when asked to be quiet.
    for args in ["--format json", "--format sarif", "--format github", "--statistics --format json", "-q", "-s"] {
        let shown = on_terminal(dir.path(), &format!("check --no-cache {args} ."));
        assert!(!shown.contains("linting"), "{args}: {shown:?}");
        assert!(!shown.contains('\x1b'), "{args}: {shown:?}");
    }
    // Nor when standard error is not a terminal.
    let piped = bin()
        .current_dir(dir.path())
        .env("ASYNC_LINT_PROGRESS_DELAY_MS", "0")
        .args(["check", "--no-cache", "."])
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(1));
    assert!(!stderr(&piped).contains("linting"), "{}", stderr(&piped));
}

#[test]
fn the_cache_lives_at_the_project_root_wherever_the_command_runs() {
    let dir = tempfile::tempdir().unwrap();
    let project = dir.path().join("project");
    std::fs::create_dir_all(project.join(".git")).unwrap();
    write(&project, "src/pkg/a.py", "import time\n\nasync def f():\n    time.sleep(1)\n");
    write(&project, "tests/b.py", "");
    let cache = project.join(".async-lint-cache");
    // From a subdirectory, and from outside the project.
    let out = run_in(&project.join("src"), &["check", "pkg"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(cache.join("summaries.bin").is_file());
    assert!(!project.join("src/.async-lint-cache").exists());
    std::fs::remove_dir_all(&cache).unwrap();
    run_in(dir.path(), &["check", "project/src/pkg/a.py", "project/tests"]);
    assert!(cache.join("summaries.bin").is_file());
    assert!(!dir.path().join(".async-lint-cache").exists());

    // A configuration marks a project inside the repository; `--config` names the root itself.
    write(&project, "src/pyproject.toml", "[project]\nname = \"pkg\"\n");
    run_in(&project.join("src/pkg"), &["check", "."]);
    assert!(project.join("src/.async-lint-cache/summaries.bin").is_file());
    let settings = write(dir.path(), "settings/async-lint.toml", "");
    run_in(&project, &["check", "--config", settings.to_str().unwrap(), "src"]);
    assert!(dir.path().join("settings/.async-lint-cache/summaries.bin").is_file());

    // Standard input belongs where its file name puts it.
    std::fs::remove_dir_all(project.join("src/.async-lint-cache")).unwrap();
    let out = run_with_stdin(dir.path(), &["check", "--stdin-filename", "project/src/pkg/c.py", "-"], "import os\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(project.join("src/.async-lint-cache/summaries.bin").is_file());
    assert!(!dir.path().join(".async-lint-cache").exists());
}

#[test]
fn human_findings_name_their_rule_fixability_label_and_docs() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "a.py",
        "import asyncio\nimport time\n\nasync def f():\n    time.sleep(1)\n    asyncio.sleep(1)\n",
    );
    let out = run_in(dir.path(), &["check", "--no-cache", "a.py"]);
    let text = stdout(&out);
    assert!(text.contains("blocking-sleep [*]: blocking call `time.sleep` in an async context\n"), "{text}");
    assert!(text.contains("╰── blocking call\n"), "{text}");
    assert!(text.contains("missing-await [*]: "), "{text}");
    assert!(text.contains("╰── never awaited\n"), "{text}");
    assert!(
        text.contains("  docs: https://github.com/async-lint/async-lint/blob/main/docs/rules/missing-await.md\n"),
        "{text}"
    );
    assert!(text.ends_with("Found 2 findings.\n[*] 2 fixable with `--fix`.\n"), "{text}");
    // Nothing fixable: no such line.
    write(dir.path(), "b.py", "import subprocess\n\nasync def f():\n    subprocess.run(['x'])\n");
    let text = stdout(&run_in(dir.path(), &["check", "--no-cache", "b.py"]));
    assert!(text.contains("blocking-subprocess: blocking call"), "{text}");
    assert!(text.ends_with("Found 1 finding.\n"), "{text}");
}

#[test]
fn help_names_the_command_as_typed() {
    let dir = tempfile::tempdir().unwrap();
    let help = cargo_in(dir.path(), &["async-lint", "--help"]);
    assert!(stdout(&help).contains("Usage: cargo async-lint [OPTIONS] [PATHS]..."), "{}", stdout(&help));
    let rules = cargo_in(dir.path(), &["async-lint", "rules", "--bogus"]);
    assert!(stderr(&rules).contains("Usage: cargo async-lint rules"), "{}", stderr(&rules));
    let help = run_in(dir.path(), &["check", "--help"]);
    assert!(stdout(&help).contains("Usage: async-lint check [OPTIONS] [PATHS]..."), "{}", stdout(&help));
}
