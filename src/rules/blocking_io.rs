use super::{RuleMeta, blocking};
use crate::diagnostic::{RuleId, Severity};

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("blocking-io"),
    codes: &["ASYNC230", "ASYNC231", "ASYNC232", "ASYNC240", "ASYNC250"],
    observable: Some(super::Observable::Blocking),
    reads: blocking::READS,
    summary: "blocking file or terminal I/O in an async context",
    label: "blocking call",
    severity: Severity::Warning,
    what: "Finds file-system and standard-input calls (`std::fs`, `File` reads and writes, `Path::exists`, `stdin().read_line`; `open()`, `pathlib.Path` I/O, `os.path` calls that touch the disk, `shutil`, `input()`) inside an async context, directly or through a sync helper.",
    why: "File and terminal I/O blocks the calling thread until the kernel answers; on a slow or network disk, or waiting for a user, that stalls every task of the runtime's thread.",
    example_rust: "async fn load() -> String {\n    std::fs::read_to_string(\"config.toml\").unwrap()\n}",
    example_python: "async def load():\n    with open(\"config.toml\") as f:\n        return f.read()",
    fix: "Use the runtime's async file API (`tokio::fs`, `aiofiles`, `anyio.Path`), or run the call on a blocking thread (`spawn_blocking`, `asyncio.to_thread`).",
    escape_hatches: blocking::ESCAPE_HATCHES,
    equivalents: "flake8-async ASYNC230, ASYNC231, ASYNC232, ASYNC240, ASYNC250 and ruff's equivalents; clippy and rustc have no equivalent; pyright and mypy have none.",
};

blocking::blocking_rule!(BlockingIo, "io");
