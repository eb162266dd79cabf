use std::path::Path;

use super::{CallCx, Finding, Rule, RuleMeta};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::link::Reads;
use crate::model::SyntaxError;

/// Not a check of calls: the walk turns each of a file's syntax errors into this finding.
pub struct ParseError;

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("parse-error"),
    codes: &[],
    observable: None,
    reads: Reads { calls: |_, _| false, tables: &[] },
    summary: "a file, or part of it, that could not be read or parsed",
    label: "not parsed",
    severity: Severity::Error,
    what: "Reports files that cannot be read (missing permissions, not UTF-8) and syntax that the frontend cannot parse, with the line and what is wrong.",
    why: "Code that is not parsed is not linted: this finding says where async-lint could not look, instead of passing silently.",
    example_rust: "async fn broken( {",
    example_python: "async def broken(:\n    pass",
    fix: "Fix the syntax, or exclude the file. In Python, the rest of the file is still linted; in Rust, a file that does not parse is skipped.",
    escape_hatches: "A line can be allowed with `async-lint: allow(parse-error)`; `--ignore parse-error` hides them all.",
    equivalents: "the compilers themselves (rustc, CPython), and every linter's syntax-error diagnostic (ruff's E999/syntax errors).",
};

impl Rule for ParseError {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, _cx: &CallCx<'_>) -> Option<Finding> {
        None
    }
}

pub fn diagnostic(path: &Path, error: &SyntaxError) -> Diagnostic {
    Diagnostic {
        rule: META.id,
        path: path.to_path_buf(),
        span: error.span,
        severity: META.severity,
        message: error.message.clone(),
        help: None,
        via: Vec::new(),
        fix: None,
        function: String::new(),
        in_test: false,
        cell: None,
    }
}
