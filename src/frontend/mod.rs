//! Frontends lower one file's syntax into the [`crate::model`]; they know nothing of rules.

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

/// Lowers one file. Never panics on bad input: what cannot be understood becomes a
/// [`crate::model::SyntaxError`] in the result.
pub fn lower(file: &SourceFile, text: &str, kb: &Knowledge) -> FileModel {
    lower_in_project(file, text, kb, None)
}

/// Like [`lower`], in a run that knows its project roots ([`crate::project::project_roots`]): a
/// frontend may leave out calls that match nothing in the knowledge base and lead outside them.
pub fn lower_in_project(file: &SourceFile, text: &str, kb: &Knowledge, roots: Option<&FxHashSet<&str>>) -> FileModel {
    match file.language {
        Language::Rust => rust::lower(file, text, kb),
        Language::Python => python::lower(file, text, kb, roots),
    }
}
