use super::{RuleMeta, blocking};
use crate::diagnostic::{RuleId, Severity};

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("blocking-network"),
    codes: &["ASYNC210", "ASYNC211", "ASYNC212"],
    observable: Some(super::Observable::Blocking),
    reads: blocking::READS,
    summary: "a blocking network call in an async context",
    label: "blocking call",
    severity: Severity::Warning,
    what: "Finds blocking sockets, DNS lookups, sync HTTP clients (`reqwest::blocking`, `ureq`, `requests`, `httpx.Client`, `urllib`) and sync database drivers (`postgres`, `rusqlite`, `sqlite3`, `psycopg2`) inside an async context, directly or through a sync helper.",
    why: "A network round trip takes milliseconds to seconds; a blocking one holds the runtime's thread for all of it, so every other task on that thread waits for a remote server.",
    example_rust: "async fn fetch() -> String {\n    reqwest::blocking::get(URL).unwrap().text().unwrap()\n}",
    example_python: "async def fetch():\n    return requests.get(URL).text",
    fix: "Use an async client (`reqwest::Client`, `tokio::net`, `tokio-postgres`; `httpx.AsyncClient`, `aiohttp`, `asyncpg`), or run the call on a blocking thread.",
    escape_hatches: blocking::ESCAPE_HATCHES,
    equivalents: "flake8-async ASYNC210, ASYNC211, ASYNC212 and ruff's equivalents; clippy and rustc have no equivalent; pyright and mypy have none.",
};

blocking::blocking_rule!(BlockingNetwork, "network");
