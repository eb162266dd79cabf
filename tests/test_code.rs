//! Findings in test code carry a marker in every output format, and the configuration decides
//! what becomes of them (`tests = "report" | "warn" | "ignore"`, and per rule).

use std::path::Path;
use std::process::{Command, Output};

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-lint"));
    command.env("NO_COLOR", "1").current_dir(dir).args(args);
    if args[0] == "check" {
        command.arg("--no-cache");
    }
    command.output().expect("the binary runs")
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
}

const LIB: &str = r#"use std::time::Duration;

pub async fn serve() {
    std::thread::sleep(Duration::from_millis(1));
}

// Named like a test, but no attribute makes it one.
pub async fn test_connection() {
    std::thread::sleep(Duration::from_millis(1));
}

#[cfg(not(test))]
pub async fn only_outside_tests() {
    std::thread::sleep(Duration::from_millis(1));
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    async fn helper() {
        std::thread::sleep(Duration::from_millis(1));
    }

    #[tokio::test]
    async fn serves() {
        std::fs::read("fixture").unwrap();
        helper().await;
    }
}

#[cfg(all(test, feature = "slow"))]
mod slow {
    pub async fn soak() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

#[test]
fn sync_test_that_builds_a_runtime() {
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        std::fs::read("fixture").unwrap();
    });
}
"#;

const INTEGRATION: &str = "#[tokio::test]\nasync fn it() {\n    std::fs::read(\"x\").unwrap();\n}\n";

const APP: &str =
    "import time\n\nasync def serve():\n    time.sleep(1)\n\n\nasync def test_looking_name():\n    time.sleep(1)\n";
const PYTEST: &str = "import time\n\nasync def test_serve():\n    time.sleep(1)\n    open('x')\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = \"1\"\n",
    );
    write(dir.path(), "src/lib.rs", LIB);
    write(dir.path(), "tests/it.rs", INTEGRATION);
    // Declared `#[cfg(test)] mod test;` in the crate root: a file of its own.
    write(dir.path(), "src/test.rs", INTEGRATION);
    write(dir.path(), "py/app.py", APP);
    write(dir.path(), "py/test_app.py", PYTEST);
    write(dir.path(), "py/conftest.py", "import time\n\nasync def fixture():\n    time.sleep(1)\n");
    dir
}

fn concise(dir: &Path) -> Vec<String> {
    let out = run_in(dir, &["check", ".", "--format", "concise"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let location = l.split(": ").next().unwrap();
            let location = location.rsplit_once(':').unwrap().0;
            let rule = l.split(' ').nth(1).unwrap();
            format!("{location} {rule}{}", if l.ends_with(" [test]") { " [test]" } else { "" })
        })
        .collect()
}

#[test]
fn test_code_is_marked_and_the_rest_is_not() {
    let dir = project();
    assert_eq!(
        concise(dir.path()),
        vec![
            "py/app.py:4 blocking-sleep",
            "py/app.py:8 blocking-sleep",
            "py/conftest.py:4 blocking-sleep [test]",
            "py/test_app.py:4 blocking-sleep [test]",
            "py/test_app.py:5 blocking-io [test]",
            "src/lib.rs:4 blocking-sleep",
            "src/lib.rs:9 blocking-sleep",
            "src/lib.rs:14 blocking-sleep",
            "src/lib.rs:22 blocking-sleep [test]",
            "src/lib.rs:27 blocking-io [test]",
            "src/lib.rs:35 blocking-sleep [test]",
            "src/lib.rs:42 blocking-io [test]",
            "src/test.rs:3 blocking-io [test]",
            "tests/it.rs:3 blocking-io [test]",
        ]
    );
}

#[test]
fn every_format_carries_the_marker() {
    let dir = project();
    let run = |format: &str| {
        String::from_utf8_lossy(&run_in(dir.path(), &["check", "tests", "--format", format]).stdout).into_owned()
    };
    let json: serde_json::Value = serde_json::from_str(&run("json")).unwrap();
    assert_eq!(json[0]["in_test"], true);
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["properties"]["tags"][0], "test-code");
    assert!(run("github").contains("(in test code)"), "{}", run("github"));
    assert!(run("human").contains("(in test code)"), "{}", run("human"));
    assert!(run("concise").trim_end().ends_with("[test]"));
    // Outside test code, no format says so.
    let plain =
        String::from_utf8_lossy(&run_in(dir.path(), &["check", "src/lib.rs", "--format", "json"]).stdout).into_owned();
    let plain: serde_json::Value = serde_json::from_str(&plain).unwrap();
    assert_eq!(plain[0]["in_test"], false);
}

#[test]
fn the_configuration_decides_what_becomes_of_test_findings() {
    let dir = project();
    write(dir.path(), "async-lint.toml", "tests = \"ignore\"\n\n[tests-per-rule]\nblocking-io = \"report\"\n");
    let found = concise(dir.path());
    assert!(found.iter().all(|f| !f.contains("blocking-sleep [test]")), "{found:?}");
    assert!(found.contains(&"tests/it.rs:3 blocking-io [test]".to_string()), "{found:?}");
    assert!(found.contains(&"src/lib.rs:4 blocking-sleep".to_string()), "{found:?}");

    write(dir.path(), "async-lint.toml", "tests = \"warn\"\n\n[severity]\nblocking-io = \"error\"\n");
    let out = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for finding in json.as_array().unwrap() {
        let expected = if finding["in_test"] == true || finding["rule"] != "blocking-io" { "warning" } else { "error" };
        assert_eq!(finding["severity"], expected, "{finding}");
    }
    let config = String::from_utf8_lossy(&run_in(dir.path(), &["config"]).stdout).into_owned();
    assert!(config.contains("tests = \"warn\""), "{config}");

    write(dir.path(), "async-lint.toml", "tests = \"skip\"\n");
    let out = run_in(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("async-lint.toml:1") && err.contains("skip"), "{err}");
    write(dir.path(), "async-lint.toml", "[tests-per-rule]\nblocking-nothing = \"ignore\"\n");
    let err = String::from_utf8_lossy(&run_in(dir.path(), &["check", "."]).stderr).into_owned();
    assert!(err.contains("unknown rule `blocking-nothing`"), "{err}");
}
