//! The pipeline: read and lower every file in parallel, link the project, run the rules, apply
//! suppressions.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashSet;

use crate::cache::{self, Cache};
use crate::diagnostic::{Diagnostic, RuleId, Severity};
use crate::frontend::{self, SourceFile};
use crate::knowledge::Knowledge;
use crate::link::Project;
use crate::model::{FileModel, Language, Span, SyntaxError};
use crate::output::progress::Counter;
use crate::rules;
use crate::suppress::Suppressions;

/// Which rules run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// When set, only these rules run.
    pub select: Option<Vec<RuleId>>,
    /// Run besides those selected (`--extend-select`).
    pub extend: Vec<RuleId>,
    pub ignore: Vec<RuleId>,
}

impl Selection {
    pub fn enabled(&self, rule: RuleId) -> bool {
        let selected = self.select.as_ref().is_none_or(|s| s.contains(&rule));
        (selected || self.extend.contains(&rule)) && !self.ignore.contains(&rule)
    }
}

/// Lowers one file in a project with these roots (the frontends; a seam for tests).
type Lower = fn(&SourceFile, &str, &Knowledge, Option<&FxHashSet<&str>>) -> FileModel;

pub struct Linter {
    rust: Knowledge,
    python: Knowledge,
    lower: Lower,
    /// Workers with stacks deep enough for the parsers' recursion at the frontends' nesting limits.
    pool: rayon::ThreadPool,
    /// The knowledge configurations added, as canonical JSON (part of the cache's fingerprint).
    extra_knowledge: Vec<u8>,
    /// Summaries of unchanged files, from earlier runs or edits.
    cache: Option<Cache>,
    /// Counts the files read, for a progress line.
    progress: Option<Arc<Counter>>,
}

/// The frontends' stack needs (see [`crate::frontend::STACK_SIZE`]), and some headroom for
/// the pool's own frames, so that lowering never needs to grow a stack.
const WORKER_STACK: usize = crate::frontend::STACK_SIZE + (4 << 20);

impl Default for Linter {
    fn default() -> Self {
        let pool = rayon::ThreadPoolBuilder::new()
            .stack_size(WORKER_STACK)
            .build()
            .unwrap_or_else(|e| panic!("cannot start worker threads: {e}"));
        Linter {
            rust: Knowledge::builtin(Language::Rust),
            python: Knowledge::builtin(Language::Python),
            lower: frontend::lower_in_project,
            pool,
            extra_knowledge: Vec::new(),
            cache: None,
            progress: None,
        }
    }
}

impl Linter {
    /// The built-in knowledge, extended with what configurations add.
    pub fn with_knowledge<'c>(extra: impl IntoIterator<Item = &'c crate::config::Knowledge>) -> Result<Linter, String> {
        let mut linter = Linter::default();
        for knowledge in extra {
            if let Some(schema) = &knowledge.rust {
                linter.rust.extend(schema.clone())?;
            }
            if let Some(schema) = &knowledge.python {
                linter.python.extend(schema.clone())?;
            }
            // JSON objects are ordered maps, so the same knowledge always gives the same bytes.
            let canonical = serde_json::to_value(knowledge).and_then(|v| serde_json::to_vec(&v));
            linter.extra_knowledge.extend(canonical.map_err(|e| e.to_string())?);
            linter.extra_knowledge.push(b'\n');
        }
        Ok(linter)
    }

    /// What, besides a file itself, its summary depends on: this build and the knowledge.
    pub fn fingerprint(&self) -> u64 {
        let builtin = [crate::knowledge::RUST_TOML.as_bytes(), crate::knowledge::PYTHON_TOML.as_bytes()];
        cache::fingerprint(&[builtin[0], builtin[1], &self.extra_knowledge])
    }

    /// Keeps the summaries of files in `cache` and takes unchanged ones from it.
    pub fn set_cache(&mut self, cache: Cache) {
        self.cache = Some(cache);
    }

    /// Counts each file read on `counter`.
    pub fn set_progress(&mut self, counter: Arc<Counter>) {
        self.progress = Some(counter);
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    pub fn knowledge(&self, language: Language) -> &Knowledge {
        match language {
            Language::Rust => &self.rust,
            Language::Python => &self.python,
        }
    }

    /// Lints the files as one project; findings sorted by path, line, column and rule.
    pub fn lint(&self, files: &[SourceFile], selection: &Selection) -> Vec<Diagnostic> {
        self.lint_with_overlay(files, selection, &HashMap::new())
    }

    /// Like [`Linter::lint`], taking the text of the files in `overlay` from it instead of the disk
    /// (an editor's unsaved buffers).
    pub fn lint_with_overlay(
        &self,
        files: &[SourceFile],
        selection: &Selection,
        overlay: &HashMap<PathBuf, String>,
    ) -> Vec<Diagnostic> {
        self.pool.install(|| self.lint_in_pool(files, selection, overlay))
    }

    fn lint_in_pool(
        &self,
        files: &[SourceFile],
        selection: &Selection,
        overlay: &HashMap<PathBuf, String>,
    ) -> Vec<Diagnostic> {
        // Without editor buffers, a run whose inputs did not change reuses its stored findings.
        let reuse = self.cache.as_ref().filter(|_| overlay.is_empty()).map(|cache| {
            let stamps: Vec<Option<u64>> = files.par_iter().map(cache::stamp).collect();
            let mut selected: Vec<&str> = vec!["select"];
            selected.extend(selection.select.iter().flatten().map(|id| id.as_str()));
            selected.push("extend");
            selected.extend(selection.extend.iter().map(|id| id.as_str()));
            selected.push("ignore");
            selected.extend(selection.ignore.iter().map(|id| id.as_str()));
            let entries: Vec<(&std::path::Path, Result<u64, &str>)> =
                files.iter().zip(&stamps).map(|(f, stamp)| (f.path.as_path(), stamp.ok_or("unreadable"))).collect();
            (cache, cache::run_key(cache.fingerprint(), &selected, &entries), stamps)
        });
        if let Some((cache, run, _)) = &reuse
            && let Some(found) = cache.findings(*run, files.len())
        {
            return found;
        }
        if let Some(progress) = &self.progress {
            progress.start(files.len());
        }
        // Pruning keeps what the rules that run may report.
        let reads: Vec<crate::link::Reads> =
            rules::RULES.iter().map(|r| r.meta()).filter(|m| selection.enabled(m.id)).map(|m| m.reads).collect();
        let roots = crate::link::project_roots(files);
        let roots_key = cache::roots_key(roots.as_ref());
        let mut loaded: Vec<(usize, (FileModel, Option<Diagnostic>))> = largest_first(files)
            .into_par_iter()
            // One file per job: with the largest files first, coarser pieces leave a worker idle
            // while another lowers a run of large files.
            .with_max_len(1)
            .map(|index| {
                let f = &files[index];
                let (mut model, internal) = self.load(f, overlay.get(&f.path).cloned(), roots.as_ref(), roots_key);
                crate::link::prune_calls(&mut model, f, self.knowledge(f.language), roots.as_ref(), &reads);
                if let Some(progress) = &self.progress {
                    progress.advance();
                }
                // The summary was built among the frontend's scratch allocations, now freed: a copy
                // packs it into few pages instead of pinning many half-empty ones (on the Python
                // corpus, 5 MB less peak memory).
                (index, (model.clone(), internal))
            })
            .collect();
        loaded.sort_unstable_by_key(|&(index, _)| index);
        // Findings are stored only when no file changed while the run read them.
        let unchanged = reuse
            .as_ref()
            .is_some_and(|(_, _, stamps)| files.par_iter().map(cache::stamp).collect::<Vec<_>>() == *stamps);
        let (models, internal): (Vec<FileModel>, Vec<Option<Diagnostic>>) = loaded.into_iter().map(|(_, l)| l).unzip();
        let kb_for = |language| self.knowledge(language);
        let project = Project::new(&models, &kb_for);
        let mut found: Vec<Diagnostic> = models
            .par_iter()
            .enumerate()
            .flat_map_iter(|(index, model)| {
                let suppressions = Suppressions::new(&model.comments, &model.items);
                let checked = catch_unwind(AssertUnwindSafe(|| {
                    rules::check_file(index, &project, &|rule| selection.enabled(rule))
                }));
                let found = checked.unwrap_or_else(|panic| vec![internal_error(&model.path, panic.as_ref())]);
                found.into_iter().filter(move |d| !suppressions.is_suppressed(d.rule, d.span.line))
            })
            .collect();
        found.extend(internal.into_iter().flatten().filter(|d| selection.enabled(d.rule)));
        found.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        found.dedup();
        // Stored only when no file changed between the two reads.
        if let Some((cache, run, _)) = reuse
            && unchanged
        {
            cache.put_findings(run, &found);
        }
        found
    }

    /// Reads and lowers one file in a project with these roots (see [`cache::roots_key`]); a panic
    /// inside the frontend becomes an `internal-error` finding.
    fn load(
        &self,
        file: &SourceFile,
        text: Option<String>,
        roots: Option<&FxHashSet<&str>>,
        roots_key: u64,
    ) -> (FileModel, Option<Diagnostic>) {
        let mut cells = Vec::new();
        let text = match text.map_or_else(|| read_code(file, &mut cells), Ok) {
            Ok(text) => text,
            Err(error) => {
                let mut model = FileModel::new(file.path.clone(), file.language);
                model.errors.push(error);
                return (model, None);
            }
        };
        // What a frontend leaves out depends on the roots, so they are part of the key.
        let key = self.cache.as_ref().map(|cache| (cache, cache::key(file, &text) ^ roots_key));
        if let Some((cache, key)) = key
            && let Some(mut model) = cache.get(&file.path, key)
        {
            model.path = file.path.clone();
            model.cells = cells;
            return (model, None);
        }
        let kb = self.knowledge(file.language);
        match catch_unwind(AssertUnwindSafe(|| (self.lower)(file, &text, kb, roots))) {
            Ok(mut model) => {
                model.cells = cells;
                // Only suppression directives are read from comments; the rest would only take memory.
                model.comments.retain(|c| crate::suppress::is_directive(&c.text));
                model.comments.shrink_to_fit();
                let directives: Vec<u32> =
                    model.comments.iter().filter(|c| crate::suppress::reaches_item(c)).map(|c| c.line + 1).collect();
                model.items.retain(|item| directives.iter().any(|&line| item.starts_at(line)));
                model.items.shrink_to_fit();
                if let Some((cache, key)) = key {
                    cache.put(&file.path, key, &model);
                }
                (model, None)
            }
            Err(panic) => {
                let diagnostic = internal_error(&file.path, panic.as_ref());
                (FileModel::new(file.path.clone(), file.language), Some(diagnostic))
            }
        }
    }
}

/// The indexes of `files`, largest file first. A large file takes much scratch memory to lower:
/// early in the run, that memory is then reused for the summaries that follow, where at the end it
/// would add to the peak (on the Python corpus, 60 -> 51 MB); the workers also finish together.
fn largest_first(files: &[SourceFile]) -> Vec<usize> {
    let mut sized: Vec<(u64, usize)> =
        files.par_iter().enumerate().map(|(i, f)| (std::fs::metadata(&f.path).map_or(0, |m| m.len()), i)).collect();
    // Ties in file order, so that a run is repeatable.
    sized.sort_unstable_by_key(|&(size, index)| (std::cmp::Reverse(size), index));
    sized.into_iter().map(|(_, index)| index).collect()
}

/// A panic while analysing one file, reported as a finding of that file.
fn internal_error(path: &std::path::Path, panic: &(dyn std::any::Any + Send)) -> Diagnostic {
    let reason = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    Diagnostic {
        rule: crate::rules::INTERNAL_ERROR,
        path: path.to_path_buf(),
        span: Span::point(1, 1),
        severity: Severity::Error,
        message: format!("async-lint failed on this file: {reason}"),
        help: Some("please report this file to the async-lint maintainers".into()),
        via: Vec::new(),
        fix: None,
        function: String::new(),
        in_test: false,
        cell: None,
    }
}

/// The code to lint of a file (for a notebook, its code cells joined), without a byte-order
/// mark; unreadable files, and non-UTF-8 files that do not declare their encoding (Python), are
/// syntax errors.
pub fn read_source(file: &SourceFile) -> Result<String, SyntaxError> {
    read_code(file, &mut Vec::new())
}

/// Like [`read_source`], also giving a notebook's cells.
fn read_code(file: &SourceFile, cells: &mut Vec<crate::model::Cell>) -> Result<String, SyntaxError> {
    let text = read_text(file)?;
    if frontend::notebook::is_notebook(&file.path) {
        let notebook =
            frontend::notebook::read(&text).map_err(|message| SyntaxError { span: Span::point(1, 1), message })?;
        *cells = notebook.cells;
        return Ok(notebook.text);
    }
    Ok(text)
}

/// The file's text, decoded, without a byte-order mark.
pub fn read_text(file: &SourceFile) -> Result<String, SyntaxError> {
    let bytes = std::fs::read(&file.path)
        .map_err(|e| SyntaxError { span: Span::point(1, 1), message: format!("cannot read the file: {e}") })?;
    let text = String::from_utf8(bytes).or_else(|e| {
        if file.language == Language::Python
            && let Some(text) = frontend::python::decode_declared(e.as_bytes())
        {
            return Ok(text);
        }
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line = before.iter().filter(|b| **b == b'\n').count() as u32 + 1;
        let column = before.iter().rev().take_while(|b| **b != b'\n').count() as u32 + 1;
        Err(SyntaxError {
            span: Span::point(line, column),
            message: format!("the file is not valid UTF-8 (byte {offset})"),
        })
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panicking(file: &SourceFile, text: &str, kb: &Knowledge, roots: Option<&FxHashSet<&str>>) -> FileModel {
        if file.path.ends_with("bad.rs") {
            panic!("deliberate failure");
        }
        frontend::lower_in_project(file, text, kb, roots)
    }

    #[test]
    fn a_panic_in_one_file_is_an_internal_error_and_the_others_are_linted() {
        let dir = tempfile::tempdir().unwrap();
        let blocking = "async fn f() {\n    std::thread::sleep(std::time::Duration::from_millis(1));\n}\n";
        std::fs::write(dir.path().join("bad.rs"), blocking).unwrap();
        std::fs::write(dir.path().join("good.rs"), blocking).unwrap();
        let files = crate::discover::discover(&[dir.path().to_path_buf()]).unwrap();
        let linter = Linter { lower: panicking, ..Linter::default() };
        let found = linter.lint(&files, &Selection::default());
        let summary: Vec<(String, &str, String)> = found
            .iter()
            .map(|d| (d.path.file_name().unwrap().to_string_lossy().into_owned(), d.rule.as_str(), d.message.clone()))
            .collect();
        assert_eq!(summary.len(), 2, "{summary:?}");
        assert_eq!(summary[0].1, "internal-error");
        assert!(summary[0].2.contains("deliberate failure"));
        assert_eq!((summary[1].0.as_str(), summary[1].1), ("good.rs", "blocking-sleep"));
    }
}
