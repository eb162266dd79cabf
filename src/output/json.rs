use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity, Step};

#[derive(Serialize)]
struct Finding<'a> {
    rule: &'a str,
    path: String,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    via: Vec<JsonStep<'a>>,
    in_test: bool,
    /// In a notebook: the cell, whose lines `line` and `end_line` count.
    #[serde(skip_serializing_if = "Option::is_none")]
    cell: Option<u32>,
}

#[derive(Serialize)]
struct JsonStep<'a> {
    function: &'a str,
    path: String,
    line: u32,
}

fn step(s: &Step) -> JsonStep<'_> {
    JsonStep { function: &s.function, path: s.path.display().to_string(), line: s.line }
}

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let findings: Vec<Finding> = diagnostics
        .iter()
        .map(|d| Finding {
            rule: d.rule.as_str(),
            path: d.path.display().to_string(),
            line: d.shown_line(),
            column: d.span.column,
            end_line: d.cell.map_or(d.span.end_line, |c| c.line(d.span.end_line)),
            end_column: d.span.end_column,
            severity: d.severity,
            message: &d.message,
            help: d.help.as_deref(),
            via: d.via.iter().map(step).collect(),
            in_test: d.in_test,
            cell: d.cell.map(|c| c.number),
        })
        .collect();
    let text = serde_json::to_string_pretty(&findings).map_err(io::Error::other)?;
    writeln!(out, "{}", super::escape::json(text))
}
