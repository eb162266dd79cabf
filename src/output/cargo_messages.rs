//! `cargo async-lint --message-format json`: each finding as the `compiler-message` that
//! `cargo check --message-format json` prints for a rustc diagnostic, then `build-finished`, so
//! that what reads cargo's messages (rust-analyzer's `check.overrideCommand`) shows the findings.

use std::io::{self, Write};
use std::path::Path;

use cargo_metadata::{Package, Target};
use serde_json::{Value, json};

use super::source::Sources;
use crate::diagnostic::{Diagnostic, Severity};

pub fn render(
    diagnostics: &[Diagnostic],
    packages: &[Package],
    mut sources: Sources,
    out: &mut dyn Write,
) -> io::Result<()> {
    for d in diagnostics {
        let path = std::path::absolute(&d.path).unwrap_or_else(|_| d.path.clone());
        // A finding outside every package (a path named on the command line) has no message.
        let Some((package, target)) = owner(packages, &path) else { continue };
        let text = sources.text(&d.path).unwrap_or_default();
        let message = json!({
            "reason": "compiler-message",
            "package_id": package.id,
            "manifest_path": package.manifest_path,
            "target": target,
            "message": diagnostic(d, &path, text),
        });
        writeln!(out, "{message}")?;
    }
    let success = !diagnostics.iter().any(|d| d.severity == Severity::Error);
    writeln!(out, "{}", json!({ "reason": "build-finished", "success": success }))
}

/// The package whose directory holds `path` most closely, and its target whose source is `path`,
/// else the one whose directory holds it most closely (the library first).
fn owner<'p>(packages: &'p [Package], path: &Path) -> Option<(&'p Package, &'p Target)> {
    let canonical = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let path = canonical(path);
    let dir_of = |p: &cargo_metadata::camino::Utf8Path| p.parent().map(|d| canonical(d.as_std_path()));
    let package = crate::cargo::package_holding(packages.iter(), &path)?;
    let exact = package.targets.iter().find(|t| canonical(t.src_path.as_std_path()) == path);
    let holding = || {
        let depth = |t: &Target| dir_of(&t.src_path).filter(|dir| path.starts_with(dir)).map(|d| d.as_os_str().len());
        let is_lib = |t: &Target| t.kind.iter().any(|k| k.to_string().contains("lib") || k.to_string() == "proc-macro");
        package.targets.iter().filter(|t| depth(t).is_some()).max_by_key(|t| (depth(t), is_lib(t)))
    };
    Some((package, exact.or_else(holding).or(package.targets.first())?))
}

fn diagnostic(d: &Diagnostic, path: &Path, text: &str) -> Value {
    let level = if d.severity == Severity::Error { "error" } else { "warning" };
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let byte = |line: u32, column: u32| -> usize {
        let before: usize = lines.iter().take(line.saturating_sub(1) as usize).map(|l| l.len()).sum();
        let here = lines.get(line.saturating_sub(1) as usize).copied().unwrap_or("");
        let within: usize = here.chars().take(column.saturating_sub(1) as usize).map(char::len_utf8).sum();
        before + within
    };
    let span = d.span;
    let shown: Vec<Value> = (span.line..=span.end_line)
        .map(|line| {
            let text = lines.get(line.saturating_sub(1) as usize).copied().unwrap_or("").trim_end_matches(['\n', '\r']);
            let start = if line == span.line { span.column } else { 1 };
            let end = if line == span.end_line { span.end_column } else { text.chars().count() as u32 + 1 };
            json!({ "text": text, "highlight_start": start, "highlight_end": end })
        })
        .collect();
    let file_name = path.display().to_string();
    let mut children = Vec::new();
    if let Some(chain) = d.chain() {
        children.push(note("note", format!("through {chain}")));
    }
    if let Some(help) = &d.help {
        children.push(note("help", help.clone()));
    }
    let mut rendered = format!("{level}: {}\n  --> {file_name}:{}:{}\n", d.message, span.line, span.column);
    for child in &children {
        rendered.push_str(&format!(
            "  = {}: {}\n",
            child["level"].as_str().unwrap_or(""),
            child["message"].as_str().unwrap_or("")
        ));
    }
    json!({
        "$message_type": "diagnostic",
        "message": d.message,
        "code": { "code": format!("async_lint::{}", d.rule), "explanation": null },
        "level": level,
        "spans": [{
            "file_name": file_name,
            "byte_start": byte(span.line, span.column),
            "byte_end": byte(span.end_line, span.end_column),
            "line_start": span.line,
            "line_end": span.end_line,
            "column_start": span.column,
            "column_end": span.end_column,
            "is_primary": true,
            "text": shown,
            "label": null,
            "suggested_replacement": null,
            "suggestion_applicability": null,
            "expansion": null,
        }],
        "children": children,
        "rendered": rendered,
    })
}

fn note(level: &str, message: String) -> Value {
    json!({ "message": message, "code": null, "level": level, "spans": [], "children": [], "rendered": null })
}
