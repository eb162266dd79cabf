//! Every output format is safe to print and exact about where findings are, on file names and
//! source text with spaces, non-ASCII letters and control characters; SARIF is checked against
//! the SARIF 2.1.0 schema by a real validator.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

fn bin() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_async-lint"));
    command.env("NO_COLOR", "1");
    command
}

/// A file name with a space, a non-ASCII letter, a terminal title sequence (OSC ... BEL) and a
/// bidirectional override.
const NAME: &str = "we ird é\u{1b}]0;pwned\u{7}\u{202e}.py";

/// A finding whose line holds a clear-screen sequence, a backspace and a C1 control.
const SOURCE: &str = "import time\n\nasync def main():\n    time.sleep(1)  # \u{1b}[2J\u{8}\u{9b}31m\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(NAME), SOURCE).unwrap();
    std::fs::write(dir.path().join("plain.py"), SOURCE).unwrap();
    dir
}

fn output(dir: &Path, args: &[&str]) -> String {
    let out = bin().current_dir(dir).args(["check", ".", "--no-cache"]).args(args).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn assert_printable(format: &str, text: &str) {
    let unsafe_chars: Vec<char> = text
        .chars()
        .filter(|&c| {
            c != '\n'
                && (c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c) || ('\u{2066}'..='\u{2069}').contains(&c))
        })
        .collect();
    assert!(unsafe_chars.is_empty(), "{format} prints {unsafe_chars:?} raw:\n{text}");
}

#[test]
fn text_formats_escape_control_characters_in_names_and_source() {
    let dir = project();
    for format in ["human", "concise", "github"] {
        let text = output(dir.path(), &["--format", format]);
        assert_printable(format, &text);
        // Both files are reported, at the same line.
        assert_eq!(text.matches("`time.sleep` in an async context").count(), 2, "{format}:\n{text}");
        match format {
            "concise" => {
                assert!(text.contains("we ird é\\u{1b}]0;pwned\\u{7}\\u{202e}.py:4:5: blocking-sleep"), "{text}")
            }
            "github" => assert!(text.contains("file=we ird é\\u{1b}]0;pwned\\u{7}\\u{202e}.py,line=4,col=5"), "{text}"),
            // The excerpt shows the sequences as visible characters, on the finding's line.
            _ => assert!(text.contains("4 │     time.sleep(1)  # ␛[2J␈\u{fffd}31m"), "{text}"),
        }
    }
}

fn findings_in_json(text: &str) -> Vec<Value> {
    serde_json::from_str::<Value>(text).expect("valid JSON").as_array().unwrap().clone()
}

#[test]
fn json_keeps_the_exact_name_and_prints_safely() {
    let dir = project();
    let text = output(dir.path(), &["--format", "json"]);
    assert_printable("json", &text);
    let paths: Vec<String> = findings_in_json(&text).iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    assert!(paths.contains(&format!("./{NAME}")) || paths.contains(&NAME.to_string()), "{paths:?}");
}

/// Decodes a percent-encoded URI path.
fn decoded(uri: &str) -> String {
    let bytes = uri.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&uri[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The SARIF 2.1.0 schema, as the `serde-sarif` crate publishes it on crates.io.
fn sarif_schema() -> PathBuf {
    let schema = support::crate_source("serde-sarif", "0.8.0").join("src/schema.json");
    let text = std::fs::read_to_string(&schema).unwrap();
    assert!(text.contains("Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"), "{}", schema.display());
    schema
}

#[test]
fn sarif_validates_against_the_schema_and_encodes_uris() {
    let dir = project();
    let text = output(dir.path(), &["--format", "sarif"]);
    assert_printable("sarif", &text);
    let log: Value = serde_json::from_str(&text).unwrap();
    let uris: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap().to_string())
        .collect();
    assert!(uris.iter().all(|u| !u.contains(' ') && u.is_ascii()), "{uris:?}");
    let names: Vec<String> = uris.iter().map(|u| decoded(u).trim_start_matches("./").to_string()).collect();
    assert!(names.contains(&NAME.to_string()), "{names:?}");

    let schema = sarif_schema();
    let python = support::venv(&support::cache_dir("venv-jsonschema"), &["jsonschema==4.23.0"]).join("python");
    let log_file = dir.path().join("log.sarif");
    std::fs::write(&log_file, &text).unwrap();
    let check = "import json, sys, jsonschema\n\
        schema = json.load(open(sys.argv[1]))\n\
        log = json.load(open(sys.argv[2]))\n\
        jsonschema.validators.validator_for(schema)(schema, format_checker=jsonschema.FormatChecker()).validate(log)\n\
        print('valid')\n";
    let out = support::run_ok(
        Command::new(python).args(["-c", check]).arg(&schema).arg(&log_file),
        "jsonschema validation of the SARIF log",
        Duration::from_secs(120),
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "valid");
}
