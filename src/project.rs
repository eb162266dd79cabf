//! The project-wide step: an index of every function in the run, and the transitive facts of
//! sync functions (which block, which start a runtime) computed over the call graph.

use std::collections::{HashMap, VecDeque};

use crate::diagnostic::Step;
use crate::knowledge::{BLOCKING_CATEGORIES, Knowledge, Table};
use crate::model::{CallSite, Context, FileModel, Function, Language, Usage};

/// A function of the run: `(file index, function index)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FnRef {
    pub file: usize,
    pub function: usize,
}

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

/// How many alias hops resolution follows before giving up (re-export chains are short).
const MAX_ALIAS_HOPS: usize = 8;

pub struct Project<'a> {
    pub files: &'a [FileModel],
    functions: HashMap<&'a str, FnRef>,
    aliases: HashMap<&'a str, &'a str>,
    effects: HashMap<(FnRef, &'static str), Effect>,
}

impl<'a> Project<'a> {
    pub fn new(files: &'a [FileModel], kb_for: &dyn Fn(Language) -> &'a Knowledge) -> Project<'a> {
        let mut functions = HashMap::new();
        let mut aliases = HashMap::new();
        for (file_index, file) in files.iter().enumerate() {
            for (function_index, function) in file.functions.iter().enumerate() {
                let at = FnRef { file: file_index, function: function_index };
                functions.entry(function.qualname.as_str()).or_insert(at);
            }
            for (alias, target) in &file.aliases {
                aliases.entry(alias.as_str()).or_insert(target.as_str());
            }
        }
        let mut project = Project { files, functions, aliases, effects: HashMap::new() };
        project.compute_effects(kb_for);
        project
    }

    pub fn function(&self, at: FnRef) -> &'a Function {
        &self.files[at.file].functions[at.function]
    }

    /// The project function a call reaches, following re-exports.
    pub fn resolve(&self, call: &CallSite, language: Language) -> Option<FnRef> {
        call.candidates().iter().find_map(|path| self.lookup(path, language))
    }

    fn lookup(&self, path: &str, language: Language) -> Option<FnRef> {
        let sep = language.separator();
        let mut path = path.to_string();
        for _ in 0..MAX_ALIAS_HOPS {
            if let Some(&at) = self.functions.get(path.as_str()) {
                return Some(at);
            }
            // Replace the longest aliased prefix (`pkg::pause` -> `pkg::util::pause`).
            let mut cut = path.len();
            let rewritten = loop {
                if let Some(target) = self.aliases.get(&path[..cut]) {
                    break Some(format!("{target}{}", &path[cut..]));
                }
                match path[..cut].rfind(sep) {
                    Some(i) => cut = i,
                    None => break None,
                }
            };
            path = rewritten.filter(|p| *p != path)?;
        }
        None
    }

    /// The effect of `kind` that calling this sync function has, if any.
    pub fn effect(&self, at: FnRef, kind: &str) -> Option<&Effect> {
        let kind = effect_kind(kind)?;
        self.effects.get(&(at, kind))
    }

    /// Breadth-first over the reverse call graph from the functions that block directly, so each
    /// function gets its shortest chain and recursion terminates.
    fn compute_effects(&mut self, kb_for: &dyn Fn(Language) -> &'a Knowledge) {
        let mut callers: HashMap<FnRef, Vec<(FnRef, Step)>> = HashMap::new();
        let mut queue: VecDeque<(FnRef, &'static str)> = VecDeque::new();
        for (file_index, file) in self.files.iter().enumerate() {
            let kb = kb_for(file.language);
            for (function_index, function) in file.functions.iter().enumerate() {
                let at = FnRef { file: file_index, function: function_index };
                if function.returns_future {
                    continue;
                }
                if function.starts_runtime {
                    let effect = Effect {
                        api: function.display.clone(),
                        help: Some("`.await` the work instead of starting a runtime".into()),
                        via: Vec::new(),
                    };
                    self.effects.insert((at, RUNTIME), effect);
                    queue.push_back((at, RUNTIME));
                }
                for call in function.calls.iter().filter(|c| runs_when_called(c)) {
                    let step = Step { function: call.written.clone(), path: file.path.clone(), line: call.span.line };
                    if let Some(callee) = self.resolve(call, file.language) {
                        let step = Step { function: self.function(callee).display.clone(), ..step };
                        callers.entry(callee).or_default().push((at, step));
                        continue;
                    }
                    for (kind, effect) in direct_effects(kb, call, step) {
                        if let std::collections::hash_map::Entry::Vacant(slot) = self.effects.entry((at, kind)) {
                            slot.insert(effect);
                            queue.push_back((at, kind));
                        }
                    }
                }
            }
        }
        while let Some((callee, kind)) = queue.pop_front() {
            let Some(edges) = callers.get(&callee) else {
                continue;
            };
            for (caller, step) in edges {
                if self.effects.contains_key(&(*caller, kind)) || self.function(*caller).returns_future {
                    continue;
                }
                let inner = &self.effects[&(callee, kind)];
                let mut via = vec![step.clone()];
                via.extend(inner.via.iter().cloned());
                let effect = Effect { api: inner.api.clone(), help: inner.help.clone(), via };
                self.effects.insert((*caller, kind), effect);
                queue.push_back((*caller, kind));
            }
        }
    }
}

/// Calls that execute on the caller's thread when the enclosing sync function runs.
fn runs_when_called(call: &CallSite) -> bool {
    call.context == Context::Sync && call.usage != Usage::Awaited
}

fn direct_effects(kb: &Knowledge, call: &CallSite, step: Step) -> Vec<(&'static str, Effect)> {
    let mut found = Vec::new();
    if let Some(m) = kb.lookup(Table::Blocking, call)
        && let Some(kind) = m.advice.category.as_deref().and_then(effect_kind)
    {
        let step = Step { function: m.api.to_string(), ..step.clone() };
        let effect = Effect { api: m.api.to_string(), help: m.advice.replacement.clone(), via: vec![step] };
        found.push((kind, effect));
    }
    if let Some(m) = kb.lookup(Table::Runtime, call) {
        let step = Step { function: m.api.to_string(), ..step };
        let effect = Effect { api: m.api.to_string(), help: m.advice.replacement.clone(), via: vec![step] };
        found.push((RUNTIME, effect));
    }
    found
}

fn effect_kind(kind: &str) -> Option<&'static str> {
    BLOCKING_CATEGORIES.iter().copied().chain([RUNTIME]).find(|k| *k == kind)
}
