//! Frontends lower one file's syntax into the [`crate::model`]; they know nothing of rules.

pub mod lines;
pub mod notebook;
pub mod python;
pub mod rust;

use crate::knowledge::Knowledge;
use crate::model::{FileModel, Language};
use rustc_hash::FxHashSet;
use std::path::PathBuf;

/// Where a file sits in its project, as discovery determined it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The project-wide id of the crate (Rust) this file belongs to; empty for Python, whose
    /// module names are already global.
    pub root: String,
    /// The file's module path below the root: `["util", "net"]` for `src/util/net.rs`,
    /// `["pkg", "sub", "mod"]` for `pkg/sub/mod.py`; empty for a crate root.
    pub module: Vec<String>,
    /// A Python package's `__init__.py` (relative imports start from the package itself).
    pub is_package: bool,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    /// As the user gave it, or as found below a path the user gave.
    pub path: PathBuf,
    pub language: Language,
    pub unit: Unit,
}

/// The stack that parsing and lowering need at the frontends' nesting limits
/// ([`rust::MAX_NESTING`], [`python`]'s parser depth).
pub const STACK_SIZE: usize = 64 << 20;

/// Runs `f` on the caller's stack when [`STACK_SIZE`] of it is left (the linter's workers have
/// that much), else on a stack segment of that size grown for the call (no thread is started).
pub fn with_deep_stack<R>(f: impl FnOnce() -> R) -> R {
    match stacker::remaining_stack() {
        Some(left) if left >= STACK_SIZE => f(),
        _ => stacker::grow(STACK_SIZE, f),
    }
}

/// Lowers one file. Never panics on bad input: what cannot be understood becomes a
/// [`crate::model::SyntaxError`] in the result.
pub fn lower(file: &SourceFile, text: &str, kb: &Knowledge) -> FileModel {
    lower_in_project(file, text, kb, None)
}

/// Like [`lower`], in a run that knows its project roots ([`crate::link::project_roots`]): a
/// frontend may leave out calls that match nothing in the knowledge base and lead outside them.
pub fn lower_in_project(file: &SourceFile, text: &str, kb: &Knowledge, roots: Option<&FxHashSet<&str>>) -> FileModel {
    let mut model = match file.language {
        Language::Rust => rust::lower(file, text, kb),
        Language::Python => python::lower(file, text, kb, roots),
    };
    if is_test_file(file) {
        model.test_lines = vec![(1, u32::MAX)];
    }
    model
}

/// A file that is test code as a whole: a Rust integration test (`tests/` of a package) or a
/// module named `tests` or `test` (such a `mod tests;` is all but always `#[cfg(test)]`), or a
/// Python module in a `tests` package or named as pytest collects test files (`test_*.py`,
/// `*_test.py`) and fixtures (`conftest.py`).
pub fn is_test_file(file: &SourceFile) -> bool {
    match file.language {
        Language::Rust => {
            file.unit.root.contains("#tests/") || file.unit.module.iter().any(|m| m == "tests" || m == "test")
        }
        Language::Python => {
            let (packages, module) = match file.unit.module.split_last() {
                Some((last, packages)) if !file.unit.is_package => (packages, Some(last.as_str())),
                _ => (file.unit.module.as_slice(), None),
            };
            packages.iter().any(|p| p == "tests")
                || module.is_some_and(|m| m.starts_with("test_") || m.ends_with("_test") || m == "conftest")
        }
    }
}
