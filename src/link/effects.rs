//! The transitive effects of sync functions (which block, which start a runtime, and through
//! which calls), spread breadth-first over the reverse call graph.

use std::collections::VecDeque;

use super::{CallFacts, FnRef, LEAF, NO_FUNCTION, Project};
use crate::diagnostic::Step;
use crate::knowledge::{BLOCKING_CATEGORIES, Table};
use crate::model::{Context, Usage};

/// What a sync function does when called, and through which calls.
#[derive(Debug, Clone)]
pub struct Effect {
    /// The API at the end of the chain (`std::thread::sleep`), or the runtime-starting function.
    pub api: String,
    pub help: Option<String>,
    /// The calls from inside the function to the API; the first step is a call the function makes.
    pub via: Vec<Step>,
}

/// The kind of an effect: a blocking category, or starting a runtime.
pub const RUNTIME: &str = "runtime";

const START_RUNTIME_HELP: &str = "`.await` the work instead of starting a runtime";

/// How a function comes to have an effect: the first step of its chain.
#[derive(Debug, Clone, Copy)]
pub(super) enum Hop {
    /// The function itself is the effect (it starts a runtime).
    Itself,
    /// It calls, at `line`, the knowledge-base entry `id` of `table`.
    Api { line: u32, table: Table, id: u32 },
    /// It calls, at `line`, a project function that has the effect.
    Call { line: u32, callee: FnRef },
}

/// What one sync call (or the function itself) gives a sync function; see [`Project::sync_calls`].
enum SyncStep {
    /// An effect of this kind, by this hop.
    Has(u8, Hop),
    /// A call of a project function, whose effects it may pass on.
    Calls(FnRef),
}

fn direct_effects(facts: &CallFacts<'_>, line: u32) -> Vec<(u8, Hop)> {
    let mut found = Vec::new();
    if let Some(m) = facts.api(Table::Blocking)
        && let Some(kind) = m.advice.category.as_deref().and_then(effect_kind)
    {
        found.push((kind, Hop::Api { line, table: Table::Blocking, id: m.id }));
    }
    if let Some(m) = facts.api(Table::Runtime) {
        found.push((RUNTIME_KIND, Hop::Api { line, table: Table::Runtime, id: m.id }));
    }
    found
}

/// The effect kinds: the blocking categories, then starting a runtime.
const EFFECT_KINDS: [&str; BLOCKING_CATEGORIES.len() + 1] = {
    let mut kinds = [RUNTIME; BLOCKING_CATEGORIES.len() + 1];
    let mut i = 0;
    while i < BLOCKING_CATEGORIES.len() {
        kinds[i] = BLOCKING_CATEGORIES[i];
        i += 1;
    }
    kinds
};
const RUNTIME_KIND: u8 = BLOCKING_CATEGORIES.len() as u8;

fn effect_kind(kind: &str) -> Option<u8> {
    EFFECT_KINDS.iter().position(|k| *k == kind).map(|i| i as u8)
}

impl Project<'_> {
    /// The effect of `kind` that calling this sync function has, if any, with its chain of calls.
    pub fn effect(&self, at: FnRef, kind: &str) -> Option<Effect> {
        let kind = effect_kind(kind)?;
        let mut via = Vec::new();
        let mut current = at;
        loop {
            let file = &self.files[current.file as usize];
            match *self.effects.get(&(current, kind))? {
                Hop::Itself => {
                    let api = self.function(current).display().to_string();
                    return Some(Effect { api, help: Some(START_RUNTIME_HELP.into()), via });
                }
                Hop::Api { line, table, id } => {
                    let known = self.knowledge(file.language).entry(table, id);
                    let api = known.api.to_string();
                    via.push(Step { function: api.clone(), path: file.path.clone(), line });
                    return Some(Effect { api, help: known.advice.replacement.clone(), via });
                }
                // Each hop leads to a function found earlier by the breadth-first search, so the
                // chain ends.
                Hop::Call { line, callee } => {
                    let function = self.function(callee).display().to_string();
                    via.push(Step { function, path: file.path.clone(), line });
                    current = callee;
                }
            }
        }
    }

    /// Breadth-first over the reverse call graph from the functions that block directly, so each
    /// function gets its shortest chain and recursion terminates.
    pub(super) fn compute_effects(&mut self) {
        // The reverse call graph in compressed rows: the callers of function number `n` (see
        // `numbers`) are `callers[starts[n]..starts[n + 1]]`, in the order found. One pass counts
        // them and a second places them, so no edge list is kept twice.
        let mut numbers = Vec::with_capacity(self.files.len());
        let mut total = 0usize;
        for file in self.files {
            numbers.push(total as u32);
            total += file.functions.len();
        }
        let number = |f: FnRef| (numbers[f.file as usize] + f.function) as usize;
        let mut starts = vec![0u32; total + 1];
        let mut direct = Vec::new();
        self.sync_calls(|caller, _, step| match step {
            SyncStep::Calls(callee) => starts[number(callee) + 1] += 1,
            SyncStep::Has(kind, hop) => direct.push((caller, kind, hop)),
        });
        for n in 0..total {
            starts[n + 1] += starts[n];
        }
        let mut placed = starts.clone();
        let mut callers = vec![(NO_FUNCTION, 0u32); starts[total] as usize];
        self.sync_calls(|caller, line, step| {
            if let SyncStep::Calls(callee) = step {
                let slot = &mut placed[number(callee)];
                callers[*slot as usize] = (caller, line);
                *slot += 1;
            }
        });
        drop(placed);
        let mut queue: VecDeque<(FnRef, u8)> = VecDeque::new();
        for (at, kind, hop) in direct {
            if let std::collections::hash_map::Entry::Vacant(slot) = self.effects.entry((at, kind)) {
                slot.insert(hop);
                queue.push_back((at, kind));
            }
        }
        while let Some((callee, kind)) = queue.pop_front() {
            let n = number(callee);
            for &(caller, line) in &callers[starts[n] as usize..starts[n + 1] as usize] {
                if self.effects.contains_key(&(caller, kind)) || self.function(caller).returns_future {
                    continue;
                }
                self.effects.insert((caller, kind), Hop::Call { line, callee });
                queue.push_back((caller, kind));
            }
        }
    }

    /// Visits, in order, what each sync function's sync calls give it: a function that starts a
    /// runtime has that effect itself; a call of a known API has the API's effects (the knowledge
    /// base describes it even where the project defines it); any other call of a project function
    /// is an edge of the call graph.
    fn sync_calls(&self, mut visit: impl FnMut(FnRef, u32, SyncStep)) {
        for (file_index, file) in self.files.iter().enumerate() {
            for (function_index, function) in file.functions.iter().enumerate() {
                let at = FnRef { file: file_index as u32, function: function_index as u32 };
                if function.returns_future {
                    continue;
                }
                if function.starts_runtime {
                    visit(at, function.line, SyncStep::Has(RUNTIME_KIND, Hop::Itself));
                }
                for (call_index, line, call) in function.calls_in_order() {
                    // An effect call runs here by definition.
                    if call.is_some_and(|call| {
                        call.usage == Usage::Awaited
                            || self.context_at(file_index, function_index, call_index) != Context::Sync
                    }) {
                        continue;
                    }
                    let facts = self.facts(file_index, function_index, call_index);
                    let direct = direct_effects(&facts, line);
                    match facts.callee {
                        // A leaf has no effects to pass on.
                        Some(callee) if direct.is_empty() && callee.function != LEAF => {
                            visit(at, line, SyncStep::Calls(callee))
                        }
                        _ => direct.into_iter().for_each(|(kind, hop)| visit(at, line, SyncStep::Has(kind, hop))),
                    }
                }
            }
        }
    }
}
