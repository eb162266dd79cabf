use super::{CallCx, Finding, Rule, RuleMeta, await_edit, await_syntax};
use crate::diagnostic::{Fix, RuleId, Severity};
use crate::knowledge::Table;
use crate::link::Reads;
use crate::model::{Context, Language, Usage};

fn awaitable_noun(language: Language) -> &'static str {
    match language {
        Language::Rust => "a future",
        Language::Python => "an awaitable",
    }
}

pub struct MissingAwait;

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("missing-await"),
    codes: &[],
    observable: Some(super::Observable::NeverPolled),
    reads: Reads { calls: |_, usage| usage.is_thrown_away(), tables: &[Table::Awaitable] },
    summary: "a future or coroutine that is created and never awaited",
    label: "never awaited",
    severity: Severity::Error,
    what: "Finds calls to the project's async functions and methods, and to known async APIs, whose future (Rust) or coroutine (Python) is thrown away: used as a statement, bound to `_`, passed to `drop`, or bound to a name that is never used again.",
    why: "Futures and coroutines are lazy: nothing in them runs until they are awaited or polled. A dropped one is work that silently never happens (the message is not sent, the file is not written), and Python only warns about it at garbage collection, far from the cause.",
    example_rust: "async fn save(db: &Db) {\n    db.flush(); // an async fn: nothing is flushed\n}",
    example_python: "async def save(db):\n    asyncio.sleep(1)  # never sleeps",
    fix: "Await it (`.await` / `await`), or hand it to something that drives it: `tokio::spawn`, `join!`, `asyncio.create_task` (keeping the task), `asyncio.gather`.",
    escape_hatches: "A future that is stored, returned, passed to a function or polled by a macro (`join!`, `select!`) is considered used. A line can be allowed with `async-lint: allow(missing-await)`.",
    equivalents: "rustc's unused_must_use (statements only, not `let _ =` or unused bindings); clippy's let_underscore_future (`let _ =` only); Python's RuntimeWarning at run time; pyright reportUnusedCoroutine (statements only); mypy's unused-coroutine error code (statements only); ruff and flake8-async have none.",
};

impl Rule for MissingAwait {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CallCx<'_>) -> Option<Finding> {
        let fate = match cx.call.usage {
            Usage::Discarded => "it is dropped at once".to_string(),
            Usage::DiscardedBinding => "it is bound to `_`".to_string(),
            Usage::Dropped => "it is passed to `drop`".to_string(),
            Usage::UnusedBinding(name) => format!("it is bound to `{}`, which is never used", cx.file.binding(name)),
            Usage::Awaited | Usage::Used => return None,
        };
        let returns_future = match cx.resolve() {
            Some(callee) => cx.project.function(callee).returns_future,
            None => cx.api(Table::Awaitable).is_some(),
        };
        if !returns_future {
            return None;
        }
        let awaiting = await_syntax(cx.file.language);
        let in_async = matches!(cx.context(), Context::Async | Context::Loop);
        let help = if in_async {
            format!("add {awaiting}")
        } else {
            format!("call it from an async context with {awaiting}, or hand it to the runtime")
        };
        let fix = in_async.then(|| Fix {
            title: format!("add {awaiting}"),
            edits: vec![await_edit(cx.file.language, cx.call.span)],
            requires: None,
        });
        Some(Finding {
            message: format!(
                "`{}` returns {} that is never awaited: {fate}",
                cx.call.written,
                awaitable_noun(cx.file.language)
            ),
            help: Some(help),
            via: Vec::new(),
            fix,
        })
    }
}
