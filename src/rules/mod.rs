//! The rules, their metadata and docs, and the one walk per file that dispatches to them.

mod blocking;
pub mod blocking_io;
pub mod blocking_network;
pub mod blocking_sleep;
pub mod blocking_subprocess;
pub mod blocking_wait;
pub mod dangling_task;
pub mod missing_await;
pub mod nested_runtime;
pub mod parse_error;

use crate::diagnostic::{Diagnostic, RuleId, Severity, Step};
use crate::link::{CallFacts, Project};
use crate::model::{CallSite, FileModel, Function, Language};

/// What a program does at run time when a finding is real, as the executor observes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Observable {
    /// A call in async code ran longer than the threshold without yielding.
    Blocking,
    /// A future or coroutine was dropped without ever being polled or awaited.
    NeverPolled,
    /// A runtime was started or blocked on from inside a running one.
    Nested,
    /// A task was destroyed while still pending.
    TaskDestroyed,
}

/// Everything about a rule that is not its check: id, summary and docs.
#[derive(Debug)]
pub struct RuleMeta {
    /// Kebab-case, stable: used by `--select`, suppressions and every output format.
    pub id: RuleId,
    /// The codes of other tools (flake8-async, ruff) that mean this rule, in `noqa` comments,
    /// `--select` and the configuration.
    pub codes: &'static [&'static str],
    /// What the executor observes when a finding is real (`None`: nothing a run can show).
    pub observable: Option<Observable>,
    /// The calls it may report, so that pruning keeps them.
    pub reads: crate::link::Reads,
    /// One line, lower-case start, no trailing period.
    pub summary: &'static str,
    /// What the reported code is, shown beside it in the human report (`blocking call`).
    pub label: &'static str,
    pub severity: Severity,
    pub what: &'static str,
    pub why: &'static str,
    pub example_rust: &'static str,
    pub example_python: &'static str,
    pub fix: &'static str,
    pub escape_hatches: &'static str,
    /// The checks of other tools that find the same thing (or `none`).
    pub equivalents: &'static str,
}

impl RuleMeta {
    /// A rule's documentation as Markdown.
    pub fn markdown(&self) -> String {
        let m = self;
        format!(
            "# {id}\n\n{summary}\n\n## What it finds\n\n{what}\n\n## Why it is a problem\n\n{why}\n\n\
             ## Example\n\n```rust\n{rust}\n```\n\n```python\n{python}\n```\n\n## Fix\n\n{fix}\n\n\
             ## Escape hatches\n\n{hatches}\n\n## Equivalents in other tools\n\n{equivalents}\n",
            id = m.id,
            summary = m.summary,
            what = m.what,
            why = m.why,
            rust = m.example_rust,
            python = m.example_python,
            fix = m.fix,
            hatches = m.escape_hatches,
            equivalents = m.equivalents,
        )
    }
}

/// What a rule says about one call.
#[derive(Debug)]
pub struct Finding {
    pub message: String,
    pub help: Option<String>,
    pub via: Vec<Step>,
    pub fix: Option<crate::diagnostic::Fix>,
}

/// One call, with everything a rule may ask about it.
pub struct CallCx<'a> {
    pub file: &'a FileModel,
    pub function: &'a Function,
    pub call: &'a CallSite,
    pub project: &'a Project<'a>,
    /// What the linker resolved the call to, once for every rule.
    facts: &'a CallFacts<'a>,
    /// Where the call runs, as the linker sees it (see [`Project::context_at`]).
    context: crate::model::Context,
}

impl<'a> CallCx<'a> {
    /// Where the call runs, as the linker sees it (see [`Project::context_at`]).
    pub fn context(&self) -> crate::model::Context {
        self.context
    }

    /// The knowledge-base entry of `table` the call matches, through re-exports too.
    pub fn api(&self, table: crate::knowledge::Table) -> Option<crate::knowledge::Match<'a>> {
        self.facts.api(table)
    }

    /// The project function the call reaches, through re-exports too.
    pub fn resolve(&self) -> Option<crate::link::FnRef> {
        self.facts.callee
    }
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Called for each call that the rule's [`RuleMeta::reads`] selects.
    fn check(&self, cx: &CallCx<'_>) -> Option<Finding>;
}

/// Every rule, in the order `async-lint rules` lists them.
pub static RULES: &[&dyn Rule] = &[
    &blocking_sleep::BlockingSleep,
    &blocking_io::BlockingIo,
    &blocking_network::BlockingNetwork,
    &blocking_subprocess::BlockingSubprocess,
    &blocking_wait::BlockingWait,
    &missing_await::MissingAwait,
    &dangling_task::DanglingTask,
    &nested_runtime::NestedRuntime,
    &parse_error::ParseError,
];

/// Where the rules' documentation is published (generated from their metadata into `docs/rules/`):
/// in the repository that Cargo.toml names.
pub const DOCS_HOME: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules");

pub fn docs_url(id: RuleId) -> String {
    format!("{DOCS_HOME}/{id}.md")
}

/// The id of the findings that report a failure of the linter itself.
pub const INTERNAL_ERROR: RuleId = RuleId::declare("internal-error");

/// The id of this name, for every rule and for `internal-error`.
pub fn id_named(name: &str) -> Option<RuleId> {
    if name == INTERNAL_ERROR.as_str() {
        return Some(INTERNAL_ERROR);
    }
    find(name).map(|rule| rule.meta().id)
}

/// The metadata of a rule (none for `internal-error`).
pub fn meta_of(id: RuleId) -> Option<&'static RuleMeta> {
    RULES.iter().map(|r| r.meta()).find(|m| m.id == id)
}

pub fn find(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id.as_str() == id)
}

/// The rule that a flake8-async or ruff code (`ASYNC251`, in any case) means, if any.
pub fn rule_of_code(code: &str) -> Option<RuleId> {
    RULES.iter().map(|r| r.meta()).find(|m| m.codes.iter().any(|c| c.eq_ignore_ascii_case(code))).map(|m| m.id)
}

/// Every code of another tool that means one of our rules.
pub fn codes() -> impl Iterator<Item = &'static str> {
    RULES.iter().flat_map(|r| r.meta().codes.iter().copied())
}

/// The rule a name given by the user stands for: a rule id, or the flake8-async or ruff code that
/// `noqa` comments also accept (`ASYNC251` is `blocking-sleep`). An unknown name is an error that
/// names the nearest ids.
pub fn resolve_name(name: &str) -> Result<RuleId, String> {
    if let Some(id) = id_named(name).or_else(|| rule_of_code(name)) {
        return Ok(id);
    }
    let mut ids: Vec<(usize, &str)> =
        RULES.iter().map(|r| (edit_distance(name, r.meta().id.as_str()), r.meta().id.as_str())).collect();
    ids.sort();
    let near: Vec<String> = ids
        .iter()
        .take_while(|(d, _)| *d <= (name.len() / 4).max(2))
        .take(2)
        .map(|(_, id)| format!("`{id}`"))
        .collect();
    Err(match near.as_slice() {
        [] => format!("unknown rule `{name}` (see `async-lint rules`)"),
        _ => format!("unknown rule `{name}`; did you mean {}? (see `async-lint rules`)", near.join(" or ")),
    })
}

/// The edit distance (Levenshtein), by characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// The one walk over a file's model: each call goes to each enabled rule.
pub fn check_file(file_index: usize, project: &Project<'_>, enabled: &dyn Fn(RuleId) -> bool) -> Vec<Diagnostic> {
    let file = &project.files[file_index];
    let rules: Vec<&dyn Rule> = RULES.iter().copied().filter(|r| enabled(r.meta().id)).collect();
    let mut out = Vec::new();
    if enabled(parse_error::META.id) {
        out.extend(file.errors.iter().map(|e| {
            let mut d = parse_error::diagnostic(&file.path, e);
            d.in_test = file.is_test_line(d.span.line);
            d.cell = file.cell_of(d.span.line);
            d
        }));
    }
    for (function_index, function) in file.functions.iter().enumerate() {
        for (call_index, call) in function.calls.iter().enumerate() {
            let facts = project.facts(file_index, function_index, call_index);
            let context = project.context_at(file_index, function_index, call_index);
            let cx = CallCx { file, function, call, project, facts: &facts, context };
            for rule in &rules {
                // A rule sees only the calls it declares it reads (which pruning also keeps).
                if !(rule.meta().reads.calls)(context, &call.usage) {
                    continue;
                }
                if let Some(finding) = rule.check(&cx) {
                    let meta = rule.meta();
                    out.push(Diagnostic {
                        rule: meta.id,
                        path: file.path.clone(),
                        span: call.span,
                        severity: meta.severity,
                        message: finding.message,
                        help: finding.help,
                        via: finding.via,
                        fix: finding.fix,
                        function: function.display().to_string(),
                        in_test: file.is_test_line(call.span.line),
                        cell: file.cell_of(call.span.line),
                    });
                }
            }
        }
    }
    out
}

/// The edit that awaits the call at `span`: `.await` after it (Rust), `await ` before it (Python).
pub fn await_edit(language: Language, span: crate::model::Span) -> crate::diagnostic::Edit {
    let at = match language {
        Language::Rust => crate::model::Span { line: span.end_line, column: span.end_column, ..span },
        Language::Python => crate::model::Span { end_line: span.line, end_column: span.column, ..span },
    };
    let text = match language {
        Language::Rust => ".await",
        Language::Python => "await ",
    };
    crate::diagnostic::Edit { span: at, text: text.into(), expected: String::new() }
}

/// `.await` or `await`, as the file's language spells it.
pub fn await_syntax(language: Language) -> &'static str {
    match language {
        Language::Rust => "`.await`",
        Language::Python => "`await`",
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn names_are_rule_ids_or_peer_codes_and_typos_get_the_nearest() {
        let name = |name: &str| resolve_name(name).map(RuleId::as_str);
        assert_eq!(name("blocking-sleep"), Ok("blocking-sleep"));
        assert_eq!(name("ASYNC251"), Ok("blocking-sleep"));
        assert_eq!(name("async210"), Ok("blocking-network"));
        assert_eq!(name("RUF006"), Ok("dangling-task"));
        let typo = resolve_name("blocking-slep").unwrap_err();
        assert!(typo.contains("did you mean `blocking-sleep`"), "{typo}");
        let far = resolve_name("xyz").unwrap_err();
        assert!(!far.contains("did you mean"), "{far}");
    }

    use super::*;

    #[test]
    fn ids_are_unique_kebab_case() {
        let mut seen = std::collections::HashSet::new();
        for rule in RULES {
            let id = rule.meta().id;
            assert!(seen.insert(id), "duplicate rule id {id}");
            assert!(id.as_str().chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{id} is not kebab-case");
        }
    }

    #[test]
    fn every_rule_has_complete_docs() {
        for rule in RULES {
            let m = rule.meta();
            for (field, text) in [
                ("summary", m.summary),
                ("what", m.what),
                ("why", m.why),
                ("example_rust", m.example_rust),
                ("example_python", m.example_python),
                ("fix", m.fix),
                ("escape_hatches", m.escape_hatches),
                ("equivalents", m.equivalents),
            ] {
                assert!(!text.trim().is_empty(), "rule {} has no {field}", m.id);
            }
            let first = m.summary.chars().next().unwrap();
            assert!(!first.is_uppercase() && !m.summary.ends_with('.'), "{}: summary style", m.id);
        }
    }
}
