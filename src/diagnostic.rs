//! The one finding type every rule produces and every output format renders.

use std::path::PathBuf;

use serde::Serialize;

use crate::model::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// One step of a transitive finding's chain: `function` is called at `path:line`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    pub function: String,
    pub path: PathBuf,
    pub line: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static str,
    pub path: PathBuf,
    pub span: Span,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// For a transitive finding, the calls from the reported site to the blocking API.
    pub via: Vec<Step>,
}

impl Diagnostic {
    /// `util::pause -> std::thread::sleep`
    pub fn chain(&self) -> Option<String> {
        if self.via.is_empty() {
            return None;
        }
        let names: Vec<&str> = self.via.iter().map(|s| s.function.as_str()).collect();
        Some(names.join(" -> "))
    }

    pub fn sort_key(&self) -> (&PathBuf, u32, u32, &'static str) {
        (&self.path, self.span.line, self.span.column, self.rule)
    }
}
