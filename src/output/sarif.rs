//! SARIF 2.1.0, as GitHub code scanning reads it.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::source::Sources;
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{self, RULES};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// A relative path stays relative to the checkout (`%SRCROOT%`); an absolute one becomes a file URI.
fn artifact(path: &std::path::Path) -> Value {
    let encoded = percent_encoded(path);
    if path.is_absolute() {
        json!({ "uri": format!("file://{encoded}") })
    } else {
        json!({ "uri": encoded, "uriBaseId": "%SRCROOT%" })
    }
}

/// A path as a URI reference's path: its bytes percent-encoded except the unreserved characters,
/// `/` and the sub-delimiters that mean nothing in a path (`:` is encoded, so that a relative path
/// never reads as a scheme).
fn percent_encoded(path: &std::path::Path) -> String {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::with_capacity(text.len());
    for byte in path_bytes(path, &text) {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(char::from(byte)),
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' | b'@' => {
                out.push(char::from(byte))
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// The path's own bytes where the platform has them (a name that is not UTF-8 stays exact).
#[cfg(unix)]
fn path_bytes(path: &std::path::Path, _text: &str) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    path.as_os_str().as_bytes().to_vec()
}

#[cfg(not(unix))]
fn path_bytes(_path: &std::path::Path, text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

fn driver_rules() -> Vec<Value> {
    RULES
        .iter()
        .map(|rule| {
            let meta = rule.meta();
            json!({
                "id": meta.id,
                "name": meta.id,
                "shortDescription": { "text": meta.summary },
                "fullDescription": { "text": meta.what },
                "helpUri": rules::docs_url(meta.id),
                "help": { "text": format!("{}\n\n{}", meta.why, meta.fix), "markdown": meta.markdown() },
                "defaultConfiguration": { "level": level(meta.severity) },
            })
        })
        .collect()
}

pub fn render(diagnostics: &[Diagnostic], mut sources: Sources, out: &mut dyn Write) -> io::Result<()> {
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            let region = json!({
                "startLine": d.shown_line(),
                "startColumn": d.span.column,
                "endLine": d.cell.map_or(d.span.end_line, |c| c.line(d.span.end_line)).max(d.shown_line()),
                "endColumn": d.span.end_column,
            });
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": match d.chain() {
                    Some(chain) => format!("{} (via {chain})", d.message),
                    None => d.message.clone(),
                } },
                "locations": [{ "physicalLocation": { "artifactLocation": artifact(&d.path), "region": region } }],
                "partialFingerprints": {
                    "asyncLint/v1": d.fingerprint(&d.path.to_string_lossy(), sources.line(&d.path, d.span.line))
                },
            });
            if let Some(index) = RULES.iter().position(|r| r.meta().id == d.rule) {
                result["ruleIndex"] = json!(index);
            }
            if d.in_test {
                result["properties"]["tags"] = json!(["test-code"]);
            }
            if let Some(cell) = d.cell {
                result["properties"]["notebookCell"] = json!(cell.number);
            }
            if !d.via.is_empty() {
                let related: Vec<Value> = d
                    .via
                    .iter()
                    .enumerate()
                    .map(|(i, step)| {
                        json!({
                            "id": i,
                            "message": { "text": format!("calls `{}`", step.function) },
                            "physicalLocation": { "artifactLocation": artifact(&step.path), "region": { "startLine": step.line } },
                        })
                    })
                    .collect();
                result["relatedLocations"] = json!(related);
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "async-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": rules::DOCS_HOME,
                "rules": driver_rules(),
            } },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    let text = serde_json::to_string_pretty(&log).map_err(io::Error::other)?;
    writeln!(out, "{}", super::escape::json(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(percent_encoded(Path::new("src/my file#1?.py")), "src/my%20file%231%3F.py");
        assert_eq!(percent_encoded(Path::new("c:/é/100%.rs")), "c%3A/%C3%A9/100%25.rs");
        assert_eq!(artifact(Path::new("/tmp/a b.rs"))["uri"], "file:///tmp/a%20b.rs");
    }
}
