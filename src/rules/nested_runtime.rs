use super::{CallCx, Finding, Rule, RuleMeta};
use crate::diagnostic::{RuleId, Severity, Step};
use crate::knowledge::Table;
use crate::link::{RUNTIME, Reads};
use crate::model::{Context, Usage};

pub struct NestedRuntime;

pub static META: RuleMeta = RuleMeta {
    id: RuleId::declare("nested-runtime"),
    codes: &[],
    observable: Some(super::Observable::Nested),
    reads: Reads {
        calls: |context, usage| matches!(context, Context::Async | Context::Loop) && *usage != Usage::Awaited,
        tables: &[Table::Runtime],
    },
    summary: "a runtime started or blocked on from inside async code",
    label: "nested runtime",
    severity: Severity::Error,
    what: "Finds `block_on` (tokio's `Runtime`, `Handle` and `LocalSet`, `futures::executor`, `pollster`, `smol`, `async_std`), calls to `#[tokio::main]` functions, and `asyncio.run`, `loop.run_until_complete`, `loop.run_forever`, `asyncio.Runner.run` inside an async context, directly or through a sync helper; also at the top level of a Jupyter notebook's cells, which IPython runs inside its own event loop.",
    why: "Blocking on a future from inside a runtime blocks the runtime's own thread: tokio panics with \"Cannot start a runtime from within a runtime\", asyncio raises \"cannot be called from a running event loop\", and executors without such a guard deadlock.",
    example_rust: "async fn handler() {\n    let body = futures::executor::block_on(fetch());\n}",
    example_python: "async def handler():\n    body = asyncio.run(fetch())",
    fix: "Await the future instead (`fetch().await`, `await fetch()`); from sync code that an async context calls, make that code async, or run it on a blocking thread that has its own runtime.",
    escape_hatches: "`block_on` inside a closure handed to `spawn_blocking` or `std::thread::spawn`, or in sync code that no async context calls, is not reported. A line can be allowed with `async-lint: allow(nested-runtime)`.",
    equivalents: "none in ruff, flake8-async, pyright, mypy, rustc or clippy: the mistake is found only at run time.",
};

impl Rule for NestedRuntime {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check(&self, cx: &CallCx<'_>) -> Option<Finding> {
        let written = &cx.call.written;
        // A notebook's cells already run inside IPython's event loop.
        let place = if cx.context() == Context::Loop {
            "a notebook cell, which runs in an event loop"
        } else {
            "an async context"
        };
        // A known API first, as for the blocking rules; then the project's own functions.
        if let Some(found) = cx.api(Table::Runtime) {
            return Some(Finding {
                message: format!("`{written}` starts or blocks on a runtime from inside {place}"),
                help: found.advice.replacement.clone(),
                via: Vec::new(),
                fix: None,
            });
        }
        if let Some(callee) = cx.resolve() {
            let effect = cx.project.effect(callee, RUNTIME)?;
            let function = cx.project.function(callee);
            if effect.via.is_empty() {
                let message = format!("`{written}` starts a runtime, called from {place}");
                return Some(Finding { message, help: effect.help.clone(), via: Vec::new(), fix: None });
            }
            let mut via = vec![Step {
                function: function.display().to_string(),
                path: cx.file.path.clone(),
                line: cx.call.span.line,
            }];
            via.extend(effect.via.iter().cloned());
            let message = format!("`{written}` blocks on a runtime from {place}: it calls `{}`", effect.api);
            return Some(Finding { message, help: effect.help.clone(), via, fix: None });
        }
        None
    }
}
