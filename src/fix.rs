//! Applies the rules' safe fixes: edits checked against the text they replace, requirements
//! checked (the crate depends on tokio; `import asyncio` present, or added), and a fixed file that
//! would no longer parse left as it was.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Edit, Fix};
use crate::frontend::lines::Lines;
use crate::frontend::{self, SourceFile};
use crate::lint::{Linter, Selection};
use crate::model::{Language, Span};

/// One file's text before and after its fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub path: PathBuf,
    pub before: String,
    pub after: String,
    pub fixes: usize,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub changes: Vec<Change>,
    /// Why fixes were not applied (a file that would not parse, a missing dependency).
    pub skipped: Vec<String>,
}

/// How many times fixing and linting again may alternate before it must have converged.
const MAX_PASSES: usize = 4;

/// Lints, fixes in memory and lints again until nothing is left to fix; writes nothing.
/// `keep` applies the configuration to each finding (and may change its severity).
pub fn plan(
    linter: &Linter,
    files: &[SourceFile],
    selection: &Selection,
    keep: &mut dyn FnMut(&mut crate::diagnostic::Diagnostic) -> bool,
) -> Outcome {
    let mut overlay: HashMap<PathBuf, String> = HashMap::new();
    let mut originals: BTreeMap<PathBuf, String> = BTreeMap::new();
    let mut counts: HashMap<PathBuf, usize> = HashMap::new();
    let mut skipped = Vec::new();
    let by_path: HashMap<&Path, &SourceFile> = files.iter().map(|f| (f.path.as_path(), f)).collect();
    for _ in 0..MAX_PASSES {
        let mut diagnostics = linter.lint_with_overlay(files, selection, &overlay);
        diagnostics.retain_mut(|d| keep(d));
        let mut fixes: BTreeMap<&Path, Vec<&Fix>> = BTreeMap::new();
        for d in &diagnostics {
            if let Some(fix) = &d.fix {
                fixes.entry(d.path.as_path()).or_default().push(fix);
            }
        }
        let mut progressed = false;
        for (path, fixes) in fixes {
            let Some(file) = by_path.get(path) else { continue };
            let Some(text) = overlay.get(path).cloned().or_else(|| crate::lint::read_source(file).ok()) else {
                continue;
            };
            let fixes = applicable(file, &text, fixes, &mut skipped);
            let (after, applied) = apply(&text, file.language, &fixes);
            if applied == 0 || after == text {
                continue;
            }
            let before_errors = frontend::lower(file, &text, linter.knowledge(file.language)).errors.len();
            let after_model = frontend::lower(file, &after, linter.knowledge(file.language));
            if after_model.errors.len() > before_errors {
                let reason = after_model.errors.last().map(|e| e.message.clone()).unwrap_or_default();
                skipped.push(format!("{}: fixes not applied, the result would not parse: {reason}", path.display()));
                continue;
            }
            originals.entry(path.to_path_buf()).or_insert_with(|| text.clone());
            *counts.entry(path.to_path_buf()).or_default() += applied;
            overlay.insert(path.to_path_buf(), after);
            progressed = true;
        }
        if !progressed {
            break;
        }
    }
    let changes = originals
        .into_iter()
        .filter_map(|(path, before)| {
            let after = overlay.remove(&path)?;
            let fixes = counts.get(&path).copied().unwrap_or(0);
            if after == before {
                return None;
            }
            // The change is to the file's own text: a notebook's fixed code goes back into its
            // JSON, a byte-order mark stays.
            let change = if frontend::notebook::is_notebook(&path) {
                notebook_change(&path, &after)
            } else {
                text_change(&path, before, after)
            };
            match change {
                Ok((before, after)) => Some(Change { path, before, after, fixes }),
                Err(reason) => {
                    skipped.push(format!("{}: fixes not applied: {reason}", path.display()));
                    None
                }
            }
        })
        .collect();
    skipped.sort();
    skipped.dedup();
    Outcome { changes, skipped }
}

/// The file at `path` before and after, as it is written: with its byte-order mark. A file that
/// is not UTF-8 (a PEP 263 declaration of another encoding) is left alone.
fn text_change(path: &Path, before: String, after: String) -> Result<(String, String), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read it again: {e}"))?;
    if std::str::from_utf8(&bytes).is_err() {
        return Err("the file is not UTF-8 (it declares another encoding), and is left as it is".into());
    }
    let bom = if bytes.starts_with("\u{feff}".as_bytes()) { "\u{feff}" } else { "" };
    Ok((format!("{bom}{before}"), format!("{bom}{after}")))
}

/// The notebook at `path` as it is, and with its code replaced by `fixed_code`.
fn notebook_change(path: &Path, fixed_code: &str) -> Result<(String, String), String> {
    let json = std::fs::read_to_string(path).map_err(|e| format!("cannot read it again: {e}"))?;
    let (bom, body) = match json.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", json.as_str()),
    };
    let notebook = frontend::notebook::read(body)?;
    let after = frontend::notebook::write_back(body, &notebook, fixed_code)?;
    Ok((json.clone(), format!("{bom}{after}")))
}

/// The fixes whose requirements the file meets (why others are not is added to `skipped`); a
/// Python module to import becomes one more fix.
pub fn applicable(file: &SourceFile, text: &str, fixes: Vec<&Fix>, skipped: &mut Vec<String>) -> Vec<Fix> {
    let mut out = Vec::new();
    let mut imports = Vec::new();
    for fix in fixes {
        match (&fix.requires, file.language) {
            (Some(krate), Language::Rust) if !depends_on(&file.path, krate) => {
                skipped.push(format!(
                    "{}: `{}` not applied: the crate does not depend on `{krate}`",
                    file.path.display(),
                    fix.title
                ));
            }
            (Some(module), Language::Python) => {
                if !imports.contains(module) && !imports_module(text, module) {
                    imports.push(module.clone());
                }
                out.push(fix.clone());
            }
            _ => out.push(fix.clone()),
        }
    }
    for module in imports {
        let line = import_line(text);
        let at = Span { line, column: 1, end_line: line, end_column: 1 };
        let edit = Edit { span: at, text: format!("import {module}\n"), expected: String::new() };
        out.push(Fix { title: format!("import {module}"), edits: vec![edit], requires: None });
    }
    out
}

/// Whether the nearest `Cargo.toml` above `path` lists `krate` among its dependencies.
fn depends_on(path: &Path, krate: &str) -> bool {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let Some(manifest) = absolute.ancestors().skip(1).map(|d| d.join("Cargo.toml")).find(|m| m.is_file()) else {
        return false;
    };
    let Ok(text) = std::fs::read_to_string(&manifest) else { return false };
    let Ok(doc) = text.parse::<toml::Table>() else { return false };
    let has = |table: Option<&toml::Value>| table.and_then(|t| t.as_table()).is_some_and(|t| t.contains_key(krate));
    let targets = doc.get("target").and_then(|t| t.as_table());
    has(doc.get("dependencies"))
        || has(doc.get("dev-dependencies"))
        || has(doc.get("workspace").and_then(|w| w.get("dependencies")))
        || targets.is_some_and(|t| t.values().any(|cfg| has(cfg.get("dependencies"))))
}

/// Whether a top-level `import module` (alone or in a list) binds the module's own name.
fn imports_module(text: &str, module: &str) -> bool {
    Lines::new(text, Language::Python)
        .iter()
        .filter_map(|l| l.strip_prefix("import "))
        .any(|names| names.split('#').next().unwrap_or("").split(',').map(str::trim).any(|n| n == module))
}

/// Where a new import goes: before the first top-level import after any `__future__` ones, or
/// after the module's leading comments and docstring.
fn import_line(text: &str) -> u32 {
    let lines: Vec<&str> = Lines::new(text, Language::Python).iter().collect();
    let is_import = |l: &&str| l.starts_with("import ") || l.starts_with("from ");
    let future = lines.iter().rposition(|l| l.starts_with("from __future__ import"));
    if let Some(after) = future {
        return after as u32 + 2;
    }
    if let Some(first) = lines.iter().position(is_import) {
        return first as u32 + 1;
    }
    let mut line = lines.iter().position(|l| !l.starts_with('#') && !l.trim().is_empty()).unwrap_or(lines.len());
    if let Some(first) = lines.get(line) {
        let quote = ["\"\"\"", "'''"].into_iter().find(|q| first.trim_start().starts_with(q));
        if let Some(quote) = quote {
            let rest = &first.trim_start()[3..];
            let closes_here = rest.contains(quote);
            let end = if closes_here {
                line
            } else {
                lines.iter().skip(line + 1).position(|l| l.contains(quote)).map_or(line, |i| line + 1 + i)
            };
            line = end + 1;
        }
    }
    line as u32 + 1
}

/// Applies whole fixes, skipping any whose edits are stale or overlap an edit already taken.
/// Lines are counted as the language counts them; a line break in an edit's text becomes the
/// file's own (a CRLF file stays CRLF). Linear in the text and the number of edits.
pub fn apply(text: &str, language: Language, fixes: &[Fix]) -> (String, usize) {
    let lines = Lines::new(text, language);
    // Taken edits by (start, end): they never overlap, so the one that starts last before a new
    // edit's end is the only one that can overlap it.
    let mut taken: BTreeMap<(usize, usize), &str> = BTreeMap::new();
    let mut applied = 0;
    'fixes: for fix in fixes {
        let mut ranges = Vec::new();
        for edit in &fix.edits {
            let (Some(start), Some(end)) = (
                lines.offset(edit.span.line, edit.span.column),
                lines.offset(edit.span.end_line, edit.span.end_column),
            ) else {
                continue 'fixes;
            };
            if end < start || text[start..end] != edit.expected {
                continue 'fixes;
            }
            let overlaps_before = taken.range(..(end, 0)).next_back().is_some_and(|(&(s, e), _)| start < e && s < end);
            let same_start = taken.range((start, 0)..=(start, usize::MAX)).next().is_some();
            let inserts_inside = start == end
                && taken.range(..=(start, usize::MAX)).next_back().is_some_and(|(&(s, e), _)| s < start && start < e);
            if overlaps_before || (start == end && same_start) || inserts_inside {
                continue 'fixes;
            }
            ranges.push((start, end, edit.text.as_str()));
        }
        taken.extend(ranges.into_iter().map(|(s, e, t)| ((s, e), t)));
        applied += 1;
    }
    let line_break = lines.line_break();
    let mut out = String::with_capacity(text.len() + 64);
    let mut at = 0;
    for ((start, end), replacement) in taken {
        out.push_str(&text[at..start]);
        if line_break == "\n" {
            out.push_str(replacement);
        } else {
            out.push_str(&replacement.replace('\n', line_break));
        }
        at = end;
    }
    out.push_str(&text[at..]);
    (out, applied)
}

/// What stands between a planned change and the disk.
#[derive(Debug, PartialEq, Eq)]
pub enum NotWritten {
    /// The file no longer holds what was read: someone edited it meanwhile.
    ChangedOnDisk,
    /// Its permissions do not let anyone write it.
    ReadOnly,
    /// It has other hard links, which a replacement would split from it.
    HardLinked(u64),
    /// Not a regular file (or a symlink to one).
    NotAFile,
    Io(String),
}

impl std::fmt::Display for NotWritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotWritten::ChangedOnDisk => write!(f, "the file changed on disk since it was read; run again"),
            NotWritten::ReadOnly => write!(f, "the file is read-only"),
            NotWritten::HardLinked(n) => {
                write!(f, "the file has {n} hard links, which a rewrite would split; apply `--diff` by hand")
            }
            NotWritten::NotAFile => write!(f, "not a regular file"),
            NotWritten::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Writes a change if the file still holds `change.before`: through a temporary file created
/// exclusively, with an unpredictable name, beside the file, given the file's mode, owner and
/// group, then renamed over it. A symlink stays a symlink: its target is written. The temporary
/// file is removed on every error path (and, through an [`crate::interrupt::guard`], on Ctrl-C).
pub fn write_fixed(change: &Change) -> Result<(), NotWritten> {
    let io = |e: std::io::Error| NotWritten::Io(e.to_string());
    let target = match std::fs::symlink_metadata(&change.path).map_err(io)? {
        meta if meta.file_type().is_symlink() => std::fs::canonicalize(&change.path).map_err(io)?,
        _ => change.path.clone(),
    };
    let meta = std::fs::metadata(&target).map_err(io)?;
    if !meta.is_file() {
        return Err(NotWritten::NotAFile);
    }
    if meta.permissions().readonly() {
        return Err(NotWritten::ReadOnly);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(NotWritten::HardLinked(meta.nlink()));
        }
    }
    let unchanged = || std::fs::read(&target).map(|bytes| bytes == change.before.as_bytes()).map_err(io);
    if !unchanged()? {
        return Err(NotWritten::ChangedOnDisk);
    }
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let _writing = crate::interrupt::guard();
    let mut temporary =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".async-lint-fix").tempfile_in(dir).map_err(io)?;
    std::io::Write::write_all(&mut temporary, change.after.as_bytes()).map_err(io)?;
    temporary.as_file().set_permissions(meta.permissions()).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; others keep their own ownership, which is the file's.
        let _ = std::os::unix::fs::fchown(temporary.as_file(), Some(meta.uid()), Some(meta.gid()));
    }
    temporary.as_file().sync_all().map_err(io)?;
    // The last look before the rename: an edit made while the fix was written is not lost.
    if !unchanged()? {
        return Err(NotWritten::ChangedOnDisk);
    }
    temporary.persist(&target).map_err(|e| io(e.error))?;
    Ok(())
}

/// A unified diff of one change.
pub fn unified_diff(change: &Change) -> String {
    let path = change.path.display().to_string();
    similar::TextDiff::from_lines(&change.before, &change.after)
        .unified_diff()
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(line: u32, columns: (u32, u32), text: &str, expected: &str) -> Fix {
        let span = Span { line, column: columns.0, end_line: line, end_column: columns.1 };
        Fix {
            title: text.into(),
            edits: vec![Edit { span, text: text.into(), expected: expected.into() }],
            requires: None,
        }
    }

    #[test]
    fn edits_apply_by_character_columns_and_skip_stale_ones() {
        let text = "é f();\ng();\n";
        let replace = edit(1, (3, 4), "h", "f");
        let stale = edit(2, (1, 2), "x", "q");
        let (out, applied) = apply(text, Language::Rust, &[replace, edit(1, (6, 6), ".await", ""), stale]);
        assert_eq!(out, "é h().await;\ng();\n");
        assert_eq!(applied, 2);
    }

    #[test]
    fn new_imports_go_after_docstring_and_future_imports() {
        assert_eq!(import_line("\"\"\"Doc.\"\"\"\nx = 1\n"), 2);
        assert_eq!(import_line("#!/usr/bin/env python\n\"\"\"Doc\nmore\n\"\"\"\n\ndef f(): pass\n"), 5);
        assert_eq!(import_line("from __future__ import annotations\nimport os\n"), 2);
        assert_eq!(import_line("import os\n"), 1);
        assert!(imports_module("import os, asyncio  # x\n", "asyncio"));
        assert!(!imports_module("import asyncio_extras\nfrom asyncio import sleep\n", "asyncio"));
    }
}
