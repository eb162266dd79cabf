use super::{RuleMeta, blocking};
use crate::diagnostic::{RuleId, Severity};

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("blocking-sleep"),
    codes: &["ASYNC251"],
    observable: Some(super::Observable::Blocking),
    reads: blocking::READS,
    summary: "a thread-blocking sleep in an async context",
    label: "blocking call",
    severity: Severity::Warning,
    what: "Finds calls that put the whole thread to sleep (`std::thread::sleep`, `time.sleep`) inside an async function, async block or coroutine, directly or through a sync helper of the project.",
    why: "An async runtime runs many tasks on few threads. A thread sleep stops every task scheduled on that thread for its whole duration, not just the current one: timers fire late, requests queue up, and a single-threaded runtime freezes.",
    example_rust: "async fn poll() {\n    std::thread::sleep(Duration::from_secs(1));\n}",
    example_python: "async def poll():\n    time.sleep(1)",
    fix: "Sleep on the runtime's timer and await it: `tokio::time::sleep(d).await` (Rust), `await asyncio.sleep(s)` (Python).",
    escape_hatches: blocking::ESCAPE_HATCHES,
    equivalents: "flake8-async ASYNC251, ruff ASYNC251; clippy and rustc have no equivalent; pyright and mypy have none.",
};

blocking::blocking_rule!(BlockingSleep, "sleep");
