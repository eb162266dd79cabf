//! The configuration's JSON schema (`async-lint config --schema`): the checked-in copy is what the
//! binary prints, and a real validator (Python's `jsonschema`, the reference implementation) agrees
//! with the linter's own parser on which configurations are valid.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

const SCHEMA_FILE: &str = "docs/async-lint.schema.json";

fn schema_text() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_async-lint")).args(["config", "--schema"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_checked_in_schema_is_the_one_printed() {
    let checked_in = std::fs::read_to_string(support::repo_root().join(SCHEMA_FILE)).unwrap();
    assert!(
        checked_in == schema_text(),
        "{SCHEMA_FILE} is stale: regenerate it with `cargo run -- config --schema > {SCHEMA_FILE}`"
    );
}

/// The README's example configuration, between "### Configuration" and the next heading.
fn readme_example() -> String {
    let readme = std::fs::read_to_string(support::repo_root().join("README.md")).unwrap();
    let section = readme.split("### Configuration").nth(1).unwrap();
    let block = section.split("```toml\n").nth(1).unwrap();
    block.split("```").next().unwrap().to_string()
}

/// (file name, text, valid): what both the parser and the schema must say.
fn cases() -> Vec<(&'static str, String, bool)> {
    let text = |s: &str| s.to_string();
    vec![
        ("async-lint.toml", readme_example(), true),
        ("async-lint.toml", text(""), true),
        ("async-lint.toml", text("select = [\"ASYNC251\", \"ruf006\", \"blocking-io\", \"internal-error\"]\n"), true),
        (
            "pyproject.toml",
            text("[project]\nname = \"x\"\n[tool.async-lint]\nignore = [\"missing-await\"]\ntests = \"ignore\"\n"),
            true,
        ),
        (
            "Cargo.toml",
            text(
                "[package]\nname = \"x\"\n[package.metadata.async-lint]\n[package.metadata.async-lint.severity]\nASYNC230 = \"error\"\n",
            ),
            true,
        ),
        (
            "async-lint.toml",
            text(
                "[[knowledge.rust.blocking]]\ncategory = \"io\"\npaths = [\"db::load\"]\nfix = { call = \"db::load_async\", requires = \"db\" }\n\
                 [knowledge.rust.returns]\n\"db::pair\" = [\"db::A\", \"db::B\"]\n\"db::open\" = \"db::Conn\"\n\
                 [[knowledge.python.awaitable]]\nmethods = [\"fetch_later\"]\n",
            ),
            true,
        ),
        ("async-lint.toml", text("ignroe = []\n"), false),
        ("async-lint.toml", text("select = [\"blocking-slep\"]\n"), false),
        ("async-lint.toml", text("select = \"blocking-io\"\n"), false),
        ("async-lint.toml", text("[severity]\nblocking-io = \"fatal\"\n"), false),
        ("async-lint.toml", text("[severity]\nnot-a-rule = \"error\"\n"), false),
        ("async-lint.toml", text("tests = \"skip\"\n"), false),
        ("async-lint.toml", text("[tests-per-rule]\nASYNC999 = \"ignore\"\n"), false),
        ("async-lint.toml", text("[per-file-ignores]\n\"tests/**\" = \"blocking-io\"\n"), false),
        ("async-lint.toml", text("[[knowledge.rust.blocking]]\ncategory = \"disk\"\npaths = [\"x::y\"]\n"), false),
        ("async-lint.toml", text("[[knowledge.python.blocking]]\npaths = [\"x.y\"]\nunknown = 1\n"), false),
        ("async-lint.toml", text("[knowledge.go]\nblocking = []\n"), false),
        ("pyproject.toml", text("[tool.async-lint]\nexclude = \"gen\"\n"), false),
    ]
}

/// The parser's verdict: `async-lint config DIR` reads the configuration and exits 2 on a bad one.
fn parser_accepts(dir: &Path) -> bool {
    let out = Command::new(env!("CARGO_BIN_EXE_async-lint")).arg("config").arg(dir).output().unwrap();
    match out.status.code() {
        Some(0) => true,
        Some(2) => false,
        other => panic!("config {}: exit {other:?}: {}", dir.display(), String::from_utf8_lossy(&out.stderr)),
    }
}

/// The validator's verdict on each file: its async-lint table checked against the schema (which
/// is itself checked against the draft 2020-12 meta-schema first).
fn schema_accepts(schema: &Path, files: &[std::path::PathBuf]) -> Vec<String> {
    let python = support::venv(&support::cache_dir("venv-jsonschema"), &["jsonschema==4.23.0"]).join("python");
    let check = "import json, sys, tomllib, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        jsonschema.Draft202012Validator.check_schema(schema)\n\
        validator = jsonschema.Draft202012Validator(schema)\n\
        for path in sys.argv[2:]:\n\
        \x20   doc = tomllib.load(open(path, 'rb'))\n\
        \x20   if path.endswith('pyproject.toml'):\n\
        \x20       doc = doc['tool']['async-lint']\n\
        \x20   elif path.endswith('Cargo.toml'):\n\
        \x20       doc = doc['package']['metadata']['async-lint']\n\
        \x20   error = jsonschema.exceptions.best_match(validator.iter_errors(doc))\n\
        \x20   print('valid' if error is None else 'invalid: ' + error.message.replace('\\n', ' '))\n";
    let out = support::run_ok(
        Command::new(python).args(["-c", check]).arg(schema).args(files),
        "jsonschema validation of configurations",
        Duration::from_secs(120),
    );
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_string).collect()
}

#[test]
fn the_schema_and_the_parser_agree() {
    let root = tempfile::tempdir().unwrap();
    let schema = root.path().join("schema.json");
    std::fs::write(&schema, schema_text()).unwrap();
    let cases = cases();
    let mut files = Vec::new();
    for (i, (name, text, _)) in cases.iter().enumerate() {
        let dir = root.path().join(i.to_string());
        std::fs::create_dir_all(&dir).unwrap();
        files.push(dir.join(name));
        std::fs::write(dir.join(name), text).unwrap();
    }
    let verdicts = schema_accepts(&schema, &files);
    assert_eq!(verdicts.len(), cases.len(), "{verdicts:?}");
    for ((i, (name, text, valid)), verdict) in cases.iter().enumerate().zip(&verdicts) {
        let dir = root.path().join(i.to_string());
        assert_eq!(parser_accepts(&dir), *valid, "the parser on {name}:\n{text}");
        assert_eq!(verdict == "valid", *valid, "the schema on {name} ({verdict}):\n{text}");
    }
}

/// What only the parser can see: the schema accepts these, the linter rejects them with a line.
#[test]
fn what_the_schema_cannot_check_the_parser_still_rejects() {
    let root = tempfile::tempdir().unwrap();
    let schema = root.path().join("schema.json");
    std::fs::write(&schema, schema_text()).unwrap();
    let file = root.path().join("async-lint.toml");
    std::fs::write(&file, "exclude = [\"gen/[unclosed\"]\n").unwrap();
    assert_eq!(schema_accepts(&schema, std::slice::from_ref(&file)), ["valid"]);
    let out = Command::new(env!("CARGO_BIN_EXE_async-lint")).arg("config").arg(root.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("async-lint.toml:1:") && stderr.contains("gen/[unclosed"), "{stderr}");
}
