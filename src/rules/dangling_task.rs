use super::{CallCx, Finding, Rule, RuleMeta};
use crate::diagnostic::{RuleId, Severity};
use crate::knowledge::Table;
use crate::link::Reads;
use crate::model::Usage;

pub struct DanglingTask;

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("dangling-task"),
    codes: &["ASYNC300", "RUF006"],
    observable: Some(super::Observable::TaskDestroyed),
    reads: Reads { calls: |_, usage| usage.is_thrown_away(), tables: &[Table::Spawn] },
    summary: "a task whose only reference is dropped",
    label: "task dropped",
    severity: Severity::Warning,
    what: "Finds the results of `asyncio.create_task`, `asyncio.ensure_future` and `loop.create_task` that are thrown away or bound to a name that is never used.",
    why: "The event loop keeps only a weak reference to a task: a task nobody else references can be garbage-collected before it finishes, silently cancelling the work, and its exception is never seen.",
    example_rust: "// Rust's tokio keeps spawned tasks alive without their JoinHandle, so this rule has no\n// Rust counterpart; a dropped JoinHandle only detaches the task.",
    example_python: "async def main():\n    asyncio.create_task(heartbeat())",
    fix: "Keep a reference until the task is done (a set of tasks with `task.add_done_callback(tasks.discard)`), or use `asyncio.TaskGroup`, whose `create_task` keeps it.",
    escape_hatches: "`TaskGroup.create_task` and tasks stored, returned, awaited or passed on are not reported. A line can be allowed with `async-lint: allow(dangling-task)` or `# noqa: RUF006`.",
    equivalents: "ruff RUF006 (asyncio-dangling-task); flake8-async ASYNC300 (create-task-no-reference); pyright, mypy, rustc and clippy have none.",
};

impl Rule for DanglingTask {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CallCx<'_>) -> Option<Finding> {
        let fate = match cx.call.usage {
            Usage::Discarded | Usage::DiscardedBinding | Usage::Dropped => "is discarded".to_string(),
            Usage::UnusedBinding(name) => format!("is bound to `{}`, which is never used", cx.file.binding(name)),
            Usage::Awaited | Usage::Used => return None,
        };
        cx.api(Table::Spawn)?;
        Some(Finding {
            message: format!(
                "the task from `{}` {fate}; it may be garbage-collected before it finishes",
                cx.call.written
            ),
            help: Some("keep a reference to the task until it is done, or use `asyncio.TaskGroup`".into()),
            via: Vec::new(),
            fix: None,
        })
    }
}
