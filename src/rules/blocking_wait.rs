use super::{RuleMeta, blocking};
use crate::diagnostic::{RuleId, Severity};

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("blocking-wait"),
    codes: &[],
    observable: Some(super::Observable::Blocking),
    reads: blocking::READS,
    summary: "a blocking wait on a thread primitive in an async context",
    label: "blocking call",
    severity: Severity::Warning,
    what: "Finds waits on thread synchronisation (sync channel `recv`, `Condvar`/`Barrier::wait`, `JoinHandle::join`, tokio's `blocking_*` methods; `threading.Lock.acquire`, `Event.wait`, `Thread.join`, `queue.Queue.get`, `Future.result`) inside an async context, directly or through a sync helper.",
    why: "The wait blocks the runtime's thread until another thread acts; if that other party is a task on the same runtime, it can never run, and the program deadlocks. tokio's `blocking_*` methods panic when called inside a runtime.",
    example_rust: "async fn next(rx: std::sync::mpsc::Receiver<Job>) -> Job {\n    rx.recv().unwrap()\n}",
    example_python: "async def next_job(q: queue.Queue):\n    return q.get()",
    fix: "Use the async primitive and await it (`tokio::sync::mpsc`, `tokio::sync::Mutex`, `JoinHandle.await`; `asyncio.Queue`, `asyncio.Event`, `asyncio.Lock`), or wait on a blocking thread.",
    escape_hatches: blocking::ESCAPE_HATCHES,
    equivalents: "no flake8-async or ruff rule covers thread primitives; clippy's await_holding_lock is related but different; rustc, pyright and mypy have none.",
};

blocking::blocking_rule!(BlockingWait, "wait");
