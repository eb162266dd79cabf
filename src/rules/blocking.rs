//! The check shared by the five `blocking-*` rules: a call in an async context that blocks, by
//! itself (knowledge base) or through the project's sync functions (the linker's effects).

use super::{CallCx, Finding};
use crate::diagnostic::{Edit, Fix};
use crate::knowledge::{FixSpec, Table};
use crate::model::Span;
use crate::model::{Context, Usage};

/// Called for the calls [`READS`] selects (see [`super::check_file`]).
pub fn check(cx: &CallCx<'_>, category: &str) -> Option<Finding> {
    let written = &cx.call.written;
    // The knowledge base describes a known API even where the project defines it (linting tokio or
    // the standard library itself); the project's own functions are looked through otherwise.
    if let Some(found) = cx.api(Table::Blocking) {
        if found.advice.category.as_deref() != Some(category) {
            return None;
        }
        return Some(Finding {
            message: format!("blocking call `{written}` in an async context"),
            help: found.advice.replacement.as_deref().map(replacement_help),
            via: Vec::new(),
            fix: found.advice.fix.as_ref().and_then(|spec| replace_call(cx, spec)),
        });
    }
    let callee = cx.resolve()?;
    let effect = cx.project.effect(callee, category)?;
    let function = cx.project.function(callee);
    let mut via = vec![crate::diagnostic::Step {
        function: function.display().to_string(),
        path: cx.file.path.clone(),
        line: cx.call.span.line,
    }];
    via.extend(effect.via.iter().cloned());
    Some(Finding {
        message: format!("`{written}` blocks in an async context: it calls `{}`", effect.api),
        help: effect.help.as_ref().map(|r| replacement_help(r)),
        via,
        fix: None,
    })
}

/// `std::thread::sleep(d)` -> `tokio::time::sleep(d).await`, `time.sleep(x)` -> `await asyncio.sleep(x)`:
/// the callee as written is replaced and the call awaited.
fn replace_call(cx: &CallCx<'_>, spec: &FixSpec) -> Option<Fix> {
    let span = cx.call.span;
    let written = &cx.call.written;
    let callee = Span {
        line: span.line,
        column: span.column,
        end_line: span.line,
        end_column: span.column + written.chars().count() as u32,
    };
    let mut edits = vec![Edit { span: callee, text: spec.call.clone(), expected: written.to_string() }];
    edits.push(super::await_edit(cx.file.language, span));
    Some(Fix { title: format!("call `{}` and await it", spec.call), edits, requires: spec.requires.clone() })
}

fn replacement_help(replacement: &str) -> String {
    format!("use {replacement} instead, or move the call off the runtime's thread")
}

/// What every `blocking-*` rule reads: calls in async code that are not awaited.
pub const READS: crate::link::Reads = crate::link::Reads {
    calls: |context, usage| context == Context::Async && *usage != Usage::Awaited,
    tables: &[Table::Blocking],
};

pub const ESCAPE_HATCHES: &str = "Calls inside closures handed to `spawn_blocking`, `block_in_place`, \
`std::thread::spawn` or rayon (Rust), or to `asyncio.to_thread`, `loop.run_in_executor` or \
`threading.Thread(target=...)` (Python), and sync functions that no async context calls, are not \
reported. A line can be allowed with `async-lint: allow(<rule-id>)`.";

/// Declares a `blocking-*` rule: the struct and its check for one category.
macro_rules! blocking_rule {
    ($name:ident, $category:literal) => {
        pub struct $name;

        impl $crate::rules::Rule for $name {
            fn meta(&self) -> &'static $crate::rules::RuleMeta {
                &META
            }

            fn check(&self, cx: &$crate::rules::CallCx<'_>) -> Option<$crate::rules::Finding> {
                $crate::rules::blocking::check(cx, $category)
            }
        }
    };
}
pub(crate) use blocking_rule;
