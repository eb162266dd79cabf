//! Jupyter notebooks: code cells are linted as the top level of a running event loop, findings
//! point at `cell N`, fixes go back into the JSON, and a real kernel confirms the findings.

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

fn run_in(dir: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-lint"));
    command.env("NO_COLOR", "1").current_dir(dir).args(args).arg("--no-cache");
    command.output().expect("the binary runs")
}

/// A notebook in nbformat 4's layout (one-space indent, lines as lists), from its cells:
/// `("code" | "markdown", source)`.
fn notebook(cells: &[(&str, &str)]) -> String {
    let cells: Vec<serde_json::Value> = cells
        .iter()
        .map(|(kind, source)| {
            let mut lines: Vec<String> = source.split_inclusive('\n').map(str::to_string).collect();
            if lines.is_empty() {
                lines.push(String::new());
            }
            let mut cell = serde_json::json!({ "cell_type": kind, "metadata": {}, "source": lines });
            if *kind == "code" {
                cell["execution_count"] = serde_json::Value::Null;
                cell["outputs"] = serde_json::json!([]);
            }
            cell
        })
        .collect();
    let doc = serde_json::json!({
        "cells": cells,
        "metadata": { "kernelspec": { "display_name": "Python 3", "language": "python", "name": "python3" } },
        "nbformat": 4,
        "nbformat_minor": 5,
    });
    // nbformat writes with an indent of one space and a final line break.
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b" ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    serde::Serialize::serialize(&doc, &mut serializer).unwrap();
    String::from_utf8(out).unwrap() + "\n"
}

const SETUP: &str = "import asyncio\nimport time\n\nasync def main():\n    await asyncio.sleep(0)\n    return 1\n";

/// Each nested runtime start is the first statement of its cell, so that the kernel's error
/// belongs to it; the other cells must run without one.
fn oracle_cells() -> Vec<(&'static str, &'static str)> {
    vec![
        ("markdown", "# Nested loops\nText with asyncio.run(main()) in it is not code."),
        ("code", SETUP),
        ("code", "asyncio.run(main())\n"),
        ("code", "await main()\n"),
        ("code", "loop = asyncio.get_event_loop()\n"),
        ("code", "loop.run_until_complete(main())\n"),
        ("code", "%time x = 1\n!true\ntime.sleep(0.01)\n"),
        ("code", "def helper():\n    return asyncio.run(main())\n"),
        ("code", "helper()\n"),
        ("code", "def unused():\n    return asyncio.run(main())\n"),
        ("code", "result = await main()\nassert result == 1\n"),
    ]
}

fn concise(dir: &Path, path: &str) -> Vec<String> {
    let out = run_in(dir, &["check", path, "--format", "concise"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&out.stderr));
    // `path:cell N:line:column: rule message`
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            let (location, rest) = l.split_once(": ").unwrap();
            format!("{location}: {}", rest.split(' ').next().unwrap())
        })
        .collect()
}

#[test]
fn cells_run_in_the_loop_and_findings_name_their_cell() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("nb.ipynb"), notebook(&oracle_cells())).unwrap();
    assert_eq!(
        concise(dir.path(), "nb.ipynb"),
        vec![
            "nb.ipynb:cell 3:1:1: nested-runtime",
            "nb.ipynb:cell 6:1:1: nested-runtime",
            "nb.ipynb:cell 9:1:1: nested-runtime",
        ]
    );
    // Inside a coroutine of a notebook, the usual rules apply.
    let cells = [("code", "import time\nasync def f():\n    time.sleep(1)\n\nf()\n")];
    std::fs::write(dir.path().join("coroutine.ipynb"), notebook(&cells)).unwrap();
    assert_eq!(
        concise(dir.path(), "coroutine.ipynb"),
        vec!["coroutine.ipynb:cell 1:3:5: blocking-sleep", "coroutine.ipynb:cell 1:5:1: missing-await"]
    );
    // Every format says where: json and sarif with the cell's own line numbers.
    let out = run_in(dir.path(), &["check", "coroutine.ipynb", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json[0]["cell"].as_u64(), json[0]["line"].as_u64()), (Some(1), Some(3)));
    let out = run_in(dir.path(), &["check", "coroutine.ipynb", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["notebookCell"], 1);
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 3);
    let human = String::from_utf8_lossy(&run_in(dir.path(), &["check", "coroutine.ipynb"]).stdout).into_owned();
    assert!(human.contains("coroutine.ipynb:cell 1:3:5") && human.contains("time.sleep(1)"), "{human}");
    let github =
        String::from_utf8_lossy(&run_in(dir.path(), &["check", "coroutine.ipynb", "--format", "github"]).stdout)
            .into_owned();
    assert!(github.contains("line=3,") && github.contains("(cell 1)"), "{github}");
}

#[test]
fn broken_notebooks_are_parse_errors_and_the_others_are_linted() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("broken.ipynb"), "{\"cells\": [").unwrap();
    std::fs::write(dir.path().join("not_cells.ipynb"), "{\"cells\": {}}").unwrap();
    std::fs::write(dir.path().join("ok.ipynb"), notebook(&[("code", "import asyncio\nasyncio.run(x())\n")])).unwrap();
    let out = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("broken.ipynb:1:1: parse-error") && text.contains("invalid JSON"), "{text}");
    assert!(text.contains("not_cells.ipynb:1:1: parse-error"), "{text}");
    assert!(text.contains("ok.ipynb:cell 1:2:1: nested-runtime"), "{text}");
}

#[test]
fn fixes_go_back_into_the_json_and_keep_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let mut cells = vec![("markdown", "# Notes\n")];
    cells.push(("code", "%load_ext autoreload\nimport time\n"));
    cells.push(("code", "async def fetch():\n    time.sleep(1)\n    return 2\n"));
    cells.push(("code", "fetch()\n"));
    let original = notebook(&cells);
    // Outputs and metadata that a fix must not touch.
    let original = original.replacen(
        "\"outputs\": []",
        "\"outputs\": [\n    {\n     \"name\": \"stdout\",\n     \"output_type\": \"stream\",\n     \"text\": [\n      \"héllo\\n\"\n     ]\n    }\n   ]",
        1,
    );
    let path = dir.path().join("nb.ipynb");
    std::fs::write(&path, &original).unwrap();
    let out = run_in(dir.path(), &["check", "nb.ipynb", "--fix", "--format", "concise"]);
    assert!(
        out.status.code() == Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let fixed = std::fs::read_to_string(&path).unwrap();
    let expected = original
        .replace("\"import time\\n\"", "\"import asyncio\\n\",\n    \"import time\\n\"")
        .replace("\"    time.sleep(1)\\n\"", "\"    await asyncio.sleep(1)\\n\"")
        .replace("\"fetch()\\n\"", "\"await fetch()\\n\"");
    assert_eq!(fixed, expected);
    // The magic line and the outputs are as they were; a second run changes nothing.
    assert!(fixed.contains("\"%load_ext autoreload\\n\"") && fixed.contains("héllo"));
    let again = run_in(dir.path(), &["check", "nb.ipynb", "--diff"]);
    assert_eq!(again.status.code(), Some(0), "{}", String::from_utf8_lossy(&again.stdout));
}

/// The oracle: a real IPython kernel runs the notebook, and the cells where it raises are the
/// cells with a `nested-runtime` finding.
#[test]
fn a_real_kernel_raises_where_the_findings_are() {
    let bin = support::venv(
        &support::cache_dir("notebooks/venv"),
        &["nbclient==0.11.0", "ipykernel==7.4.0", "nbformat==5.11.1"],
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nb.ipynb");
    std::fs::write(&path, notebook(&oracle_cells())).unwrap();
    let script = support::repo_root().join("tests/support/run_notebook.py");
    let mut command = Command::new(bin.join("python"));
    command
        .arg(&script)
        .arg(&path)
        .env("PATH", format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default()));
    // The kernel's runtime files go to the scratch directory, not the user's.
    command.env("JUPYTER_RUNTIME_DIR", dir.path().join("runtime")).env("IPYTHONDIR", dir.path().join("ipython"));
    let out = support::run_ok(&mut command, "running the notebook", Duration::from_secs(300));
    let errors: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    let raised: Vec<(u64, String)> = errors
        .iter()
        .map(|e| {
            (
                e["cell"].as_u64().unwrap(),
                format!("{}: {}", e["error"].as_str().unwrap(), e["message"].as_str().unwrap()),
            )
        })
        .collect();
    for (_, error) in &raised {
        assert!(error.starts_with("RuntimeError") && error.contains("running"), "{raised:?}");
    }
    let cells: Vec<u64> = raised.iter().map(|(cell, _)| *cell).collect();
    let found: Vec<u64> = concise(dir.path(), "nb.ipynb")
        .iter()
        .filter(|f| f.ends_with("nested-runtime"))
        .map(|f| f.split("cell ").nth(1).unwrap().split(':').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(found, cells, "the kernel raised in cells {cells:?} ({raised:?}); the linter found {found:?}");
}
