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
    let text = path.to_string_lossy().replace('\\', "/");
    if path.is_absolute() {
        json!({ "uri": format!("file://{text}") })
    } else {
        json!({ "uri": text, "uriBaseId": "%SRCROOT%" })
    }
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

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let mut sources = Sources::default();
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
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}
