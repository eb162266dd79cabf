//! The one finding type every rule produces and every output format renders.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A rule's id (`blocking-sleep`), as `--select`, suppressions and every output format name it.
/// Ids are declared only in the rules' metadata (and for `internal-error`), so a misspelt one
/// cannot be compared against or reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(&'static str);

impl RuleId {
    /// For the rules' metadata: the one place where each id is written.
    pub(crate) const fn declare(id: &'static str) -> RuleId {
        RuleId(id)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.pad(self.0)
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

/// One step of a transitive finding's chain: `function` is called at `path:line`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub function: String,
    pub path: PathBuf,
    pub line: u32,
}

/// Serialisable for the cache of a whole run's findings (which reads them back).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub path: PathBuf,
    pub span: Span,
    pub severity: Severity,
    pub message: String,
    pub help: Option<String>,
    /// For a transitive finding, the calls from the reported site to the blocking API.
    pub via: Vec<Step>,
    /// A safe automatic fix, when the rule has one.
    pub fix: Option<Fix>,
    /// The function the finding is in (empty outside any function): with the rule, the path and
    /// the line's text, it identifies a finding across unrelated edits.
    pub function: String,
    /// The finding is in test code (a test function or module, a test file).
    pub in_test: bool,
    /// In a notebook, the cell the finding is in (its span is in the cells' joined text).
    pub cell: Option<crate::model::Cell>,
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

    /// The line as the user counts it: in a notebook, the line of its cell.
    pub fn shown_line(&self) -> u32 {
        self.cell.map_or(self.span.line, |cell| cell.line(self.span.line))
    }

    /// `path:line:column`, or `path:cell N:line:column` in a notebook.
    pub fn location(&self) -> String {
        let path = self.path.display();
        match self.cell {
            Some(cell) => format!("{path}:cell {}:{}:{}", cell.number, self.shown_line(), self.span.column),
            None => format!("{path}:{}:{}", self.span.line, self.span.column),
        }
    }

    pub fn sort_key(&self) -> (&PathBuf, u32, u32, RuleId) {
        (&self.path, self.span.line, self.span.column, self.rule)
    }
}

/// Text edits that resolve a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// What the fix does, for people (`add .await`).
    pub title: String,
    pub edits: Vec<Edit>,
    /// Rust: a crate the package must depend on for the fix to compile; Python: a module that must
    /// be imported (the fixer adds the import).
    pub requires: Option<String>,
}

/// Replace the text of `span` (empty for an insertion) with `text`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edit {
    pub span: Span,
    pub text: String,
    /// The text the span must hold for the edit to apply (guards against a stale position).
    pub expected: String,
}

/// FNV-1a, 64 bits: a hash that stays the same across Rust versions and platforms, for keys that
/// are written to files (baselines, SARIF fingerprints).
fn stable_hash(parts: &[&str]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.bytes().chain([0xff]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
}

impl Diagnostic {
    /// Identifies the finding by rule, path, enclosing function and the text of its line, not by
    /// line number, so that unrelated edits above it do not change it.
    /// `path` is the finding's path as the key should see it (relative to a baseline, say).
    pub fn fingerprint(&self, path: &str, line_text: &str) -> String {
        let path = path.replace('\\', "/");
        format!("{:016x}", stable_hash(&[self.rule.as_str(), &path, &self.function, line_text.trim()]))
    }
}
