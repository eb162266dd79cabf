//! The project-wide step: an index of every function in the run, and the transitive facts of
//! sync functions (which block, which start a runtime) computed over the call graph.

use std::collections::{HashMap, VecDeque};

use crate::diagnostic::Step;
use crate::knowledge::{BLOCKING_CATEGORIES, Knowledge, Match, Table};
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

/// How far resolution follows re-exports (chains are short; this bounds cycles and fan-out).
const MAX_ALIAS_HOPS: usize = 8;
const MAX_EXPANSIONS: usize = 32;

pub struct Project<'a> {
    pub files: &'a [FileModel],
    functions: HashMap<&'a str, FnRef>,
    /// Alias -> targets; a glob re-export's key ends in `*` and may have several targets.
    aliases: HashMap<&'a str, Vec<&'a str>>,
    effects: HashMap<(FnRef, &'static str), Effect>,
    rust: &'a Knowledge,
    python: &'a Knowledge,
}

impl<'a> Project<'a> {
    pub fn new(files: &'a [FileModel], kb_for: &dyn Fn(Language) -> &'a Knowledge) -> Project<'a> {
        let mut functions = HashMap::new();
        let mut aliases: HashMap<&str, Vec<&str>> = HashMap::new();
        for (file_index, file) in files.iter().enumerate() {
            for (function_index, function) in file.functions.iter().enumerate() {
                let at = FnRef { file: file_index, function: function_index };
                functions.entry(function.qualname.as_str()).or_insert(at);
            }
            for (alias, target) in &file.aliases {
                aliases.entry(alias.as_str()).or_default().push(target.as_str());
            }
        }
        let (rust, python) = (kb_for(Language::Rust), kb_for(Language::Python));
        let mut project = Project { files, functions, aliases, effects: HashMap::new(), rust, python };
        project.compute_effects();
        project
    }

    pub fn knowledge(&self, language: Language) -> &'a Knowledge {
        match language {
            Language::Rust => self.rust,
            Language::Python => self.python,
        }
    }

    pub fn function(&self, at: FnRef) -> &'a Function {
        &self.files[at.file].functions[at.function]
    }

    /// The project function a call reaches, following re-exports.
    pub fn resolve(&self, call: &CallSite, language: Language) -> Option<FnRef> {
        call.candidates().iter().find_map(|path| {
            if let Some(&at) = self.functions.get(path.as_str()) {
                return Some(at);
            }
            self.expand(path, language).iter().find_map(|p| self.functions.get(p.as_str()).copied())
        })
    }

    /// The knowledge-base entry of `table` a call matches, directly or through re-exports
    /// (`pub use std::thread::sleep as pause;` in one module, `util::pause()` in another).
    pub fn api(&self, table: Table, call: &CallSite, language: Language) -> Option<Match<'a>> {
        let kb = self.knowledge(language);
        if let Some(found) = kb.lookup(table, call) {
            return Some(found);
        }
        call.candidates()
            .iter()
            .find_map(|path| self.expand(path, language).iter().find_map(|p| kb.lookup_path(table, p)))
    }

    /// `path` and every path it stands for through named and glob re-exports, nearest first.
    fn expand(&self, path: &str, language: Language) -> Vec<String> {
        let sep = language.separator();
        let mut found = vec![path.to_string()];
        let mut next = 0;
        let mut hops = 0;
        while next < found.len() && found.len() < MAX_EXPANSIONS && hops < MAX_ALIAS_HOPS * MAX_EXPANSIONS {
            let current = found[next].clone();
            next += 1;
            hops += 1;
            let mut rewrites = Vec::new();
            // Every segment boundary, longest prefix first: `a::b::c`, `a::b`, `a`.
            let mut cut = current.len();
            loop {
                let (prefix, rest) = current.split_at(cut);
                for target in self.aliases.get(prefix).into_iter().flatten() {
                    rewrites.push(format!("{target}{rest}"));
                }
                let Some(boundary) = prefix.rfind(sep) else { break };
                // `module::*` re-exports everything of its targets: `module::name..` -> `target::name..`.
                let module = &prefix[..boundary];
                for target in self.aliases.get(format!("{module}{sep}*").as_str()).into_iter().flatten() {
                    rewrites.push(format!("{target}{}", &current[boundary..]));
                }
                cut = boundary;
            }
            for rewrite in rewrites {
                if !found.contains(&rewrite) && found.len() < MAX_EXPANSIONS {
                    found.push(rewrite);
                }
            }
        }
        found
    }

    /// Where a call runs: as lowered, unless it sits in a closure handed to a project function
    /// that passes that closure to an offload wrapper (`asyncify(move || std::fs::read(p))`).
    pub fn context(&self, function: &Function, call: &CallSite, language: Language) -> Context {
        let Some(arg) = call.in_closure_arg else { return call.context };
        let Some(outer) = function.calls.get(arg.call) else { return call.context };
        // An async block or an offload wrapper inside the closure decided the context itself.
        if call.context != outer.context {
            return call.context;
        }
        if self.resolve(outer, language).is_some_and(|f| self.function(f).offloaded_params.contains(&arg.arg))
            || self.api(Table::Offload, outer, language).is_some()
        {
            return Context::Offloaded;
        }
        self.context(function, outer, language)
    }

    /// The effect of `kind` that calling this sync function has, if any.
    pub fn effect(&self, at: FnRef, kind: &str) -> Option<&Effect> {
        let kind = effect_kind(kind)?;
        self.effects.get(&(at, kind))
    }

    /// Breadth-first over the reverse call graph from the functions that block directly, so each
    /// function gets its shortest chain and recursion terminates.
    fn compute_effects(&mut self) {
        let mut callers: HashMap<FnRef, Vec<(FnRef, Step)>> = HashMap::new();
        let mut queue: VecDeque<(FnRef, &'static str)> = VecDeque::new();
        for (file_index, file) in self.files.iter().enumerate() {
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
                let running: Vec<&CallSite> = function
                    .calls
                    .iter()
                    .filter(|c| c.usage != Usage::Awaited && self.context(function, c, file.language) == Context::Sync)
                    .collect();
                for call in running {
                    let step = Step { function: call.written.clone(), path: file.path.clone(), line: call.span.line };
                    // A known API is described by the knowledge base even where the project defines it.
                    let direct = self.direct_effects(call, file.language, step.clone());
                    if direct.is_empty()
                        && let Some(callee) = self.resolve(call, file.language)
                    {
                        let step = Step { function: self.function(callee).display.clone(), ..step };
                        callers.entry(callee).or_default().push((at, step));
                        continue;
                    }
                    for (kind, effect) in direct {
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

impl Project<'_> {
    fn direct_effects(&self, call: &CallSite, language: Language, step: Step) -> Vec<(&'static str, Effect)> {
        let mut found = Vec::new();
        if let Some(m) = self.api(Table::Blocking, call, language)
            && let Some(kind) = m.advice.category.as_deref().and_then(effect_kind)
        {
            let step = Step { function: m.api.to_string(), ..step.clone() };
            let effect = Effect { api: m.api.to_string(), help: m.advice.replacement.clone(), via: vec![step] };
            found.push((kind, effect));
        }
        if let Some(m) = self.api(Table::Runtime, call, language) {
            let step = Step { function: m.api.to_string(), ..step };
            let effect = Effect { api: m.api.to_string(), help: m.advice.replacement.clone(), via: vec![step] };
            found.push((RUNTIME, effect));
        }
        found
    }
}

fn effect_kind(kind: &str) -> Option<&'static str> {
    BLOCKING_CATEGORIES.iter().copied().chain([RUNTIME]).find(|k| *k == kind)
}
