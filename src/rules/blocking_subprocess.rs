use super::{RuleMeta, blocking};
use crate::diagnostic::{RuleId, Severity};

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("blocking-subprocess"),
    codes: &["ASYNC220", "ASYNC221", "ASYNC222"],
    observable: Some(super::Observable::Blocking),
    reads: blocking::READS,
    summary: "waiting for a child process in an async context",
    label: "blocking call",
    severity: Severity::Warning,
    what: "Finds calls that run a process and wait for it (`Command::output`, `Command::status`, `Child::wait`; `subprocess.run`, `os.system`, `os.popen`, `os.spawn*`, `os.wait*`) inside an async context, directly or through a sync helper.",
    why: "Waiting for a child process blocks the thread for as long as the child runs, starving every other task of the runtime's thread.",
    example_rust: "async fn build() {\n    std::process::Command::new(\"make\").status().unwrap();\n}",
    example_python: "async def build():\n    subprocess.run([\"make\"])",
    fix: "Use the runtime's process API: `tokio::process::Command` (Rust), `asyncio.create_subprocess_exec` (Python).",
    escape_hatches: blocking::ESCAPE_HATCHES,
    equivalents: "flake8-async ASYNC220, ASYNC221, ASYNC222 and ruff's equivalents; clippy and rustc have no equivalent; pyright and mypy have none.",
};

blocking::blocking_rule!(BlockingSubprocess, "subprocess");
