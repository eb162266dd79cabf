//! The project-wide step: an index of every function in the run, and the transitive facts of
//! sync functions (which block, which start a runtime) computed over the call graph.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

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
    functions: FxHashMap<&'a str, FnRef>,
    /// Alias -> targets.
    aliases: FxHashMap<&'a str, Vec<&'a str>>,
    /// Glob re-exports: module -> the modules whose every name it re-exports (`module::*`).
    globs: FxHashMap<&'a str, Vec<&'a str>>,
    /// [`prefix_hash`] of every alias and glob module: a prefix whose hash is not here is neither.
    alias_hashes: FxHashSet<u64>,
    /// What every call resolves to, computed once, per file.
    facts: Vec<FileFacts<'a>>,
    effects: HashMap<(FnRef, &'static str), Effect>,
    rust: &'a Knowledge,
    python: &'a Knowledge,
}

/// What the linker knows about one call: the project function it reaches and the entry of each
/// knowledge-base table it matches, through re-exports. Computed once per call, so that the
/// effects and every rule share it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallFacts<'a> {
    pub callee: Option<FnRef>,
    apis: [Option<Match<'a>>; TABLES.len()],
}

/// The facts of one file's calls, stored only for the calls that have any (most resolve to
/// nothing): `slots[starts[function] + call]` indexes `facts`, or is `NONE`.
#[derive(Default)]
struct FileFacts<'a> {
    starts: Vec<u32>,
    slots: Vec<u32>,
    facts: Vec<CallFacts<'a>>,
}

const NONE: u32 = u32::MAX;
static NO_FACTS: CallFacts<'static> = CallFacts { callee: None, apis: [None; TABLES.len()] };

impl<'a> FileFacts<'a> {
    fn new(file: &FileModel, mut compute: impl FnMut(&CallSite) -> CallFacts<'a>) -> FileFacts<'a> {
        let mut out = FileFacts::default();
        for function in &file.functions {
            out.starts.push(out.slots.len() as u32);
            for call in &function.calls {
                let facts = compute(call);
                if facts.callee.is_none() && facts.apis.iter().all(Option::is_none) {
                    out.slots.push(NONE);
                } else {
                    out.slots.push(out.facts.len() as u32);
                    out.facts.push(facts);
                }
            }
        }
        out
    }
}

const TABLES: [Table; 5] = [Table::Blocking, Table::Awaitable, Table::Runtime, Table::Offload, Table::Spawn];

fn table_index(table: Table) -> usize {
    match table {
        Table::Blocking => 0,
        Table::Awaitable => 1,
        Table::Runtime => 2,
        Table::Offload => 3,
        Table::Spawn => 4,
    }
}

impl<'a> CallFacts<'a> {
    /// The knowledge-base entry of `table` the call matches.
    pub fn api(&self, table: Table) -> Option<Match<'a>> {
        self.apis[table_index(table)]
    }
}

impl<'a> Project<'a> {
    pub fn new(files: &'a [FileModel], kb_for: &dyn Fn(Language) -> &'a Knowledge) -> Project<'a> {
        let mut functions = FxHashMap::default();
        let mut aliases: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        let mut globs: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        for (file_index, file) in files.iter().enumerate() {
            for (function_index, function) in file.functions.iter().enumerate() {
                let at = FnRef { file: file_index, function: function_index };
                functions.entry(function.qualname.as_str()).or_insert(at);
            }
            let glob_suffix = match file.language {
                Language::Rust => "::*",
                Language::Python => ".*",
            };
            for (alias, target) in &file.aliases {
                aliases.entry(alias.as_str()).or_default().push(target.as_str());
                if let Some(module) = alias.strip_suffix(glob_suffix) {
                    globs.entry(module).or_default().push(target.as_str());
                }
            }
        }
        let (rust, python) = (kb_for(Language::Rust), kb_for(Language::Python));
        let alias_hashes = aliases.keys().chain(globs.keys()).map(|k| prefix_hash(k.as_bytes())).collect();
        let mut project = Project {
            files,
            functions,
            aliases,
            globs,
            alias_hashes,
            facts: Vec::new(),
            effects: HashMap::new(),
            rust,
            python,
        };
        project.facts = files
            .par_iter()
            .map(|file| FileFacts::new(file, |call| project.compute_facts(call, file.language)))
            .collect();
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

    /// What the call `call` of function `function` of file `file` resolves to.
    pub fn facts(&self, file: usize, function: usize, call: usize) -> &CallFacts<'a> {
        let facts = &self.facts[file];
        match facts.slots[facts.starts[function] as usize + call] {
            NONE => &NO_FACTS,
            slot => &facts.facts[slot as usize],
        }
    }

    fn compute_facts(&self, call: &CallSite, language: Language) -> CallFacts<'a> {
        let kb = self.knowledge(language);
        let mut facts = CallFacts::default();
        for table in TABLES {
            facts.apis[table_index(table)] = kb.lookup(table, call);
        }
        let candidates = call.candidates();
        if candidates.is_empty() {
            return facts;
        }
        // Every path the call may stand for, in order: each candidate, then what it expands to.
        let mut expanded: Vec<Cow<'_, str>> = Vec::new();
        for path in candidates {
            expanded.push(Cow::Borrowed(path.as_str()));
            self.expand_into(path, language, &mut expanded);
        }
        facts.callee = expanded.iter().find_map(|p| self.functions.get(p.as_ref()).copied());
        for table in TABLES {
            let slot = &mut facts.apis[table_index(table)];
            if slot.is_none() {
                *slot = expanded.iter().find_map(|p| kb.lookup_path(table, p));
            }
        }
        facts
    }

    /// The project function a call reaches, following re-exports.
    pub fn resolve(&self, call: &CallSite, language: Language) -> Option<FnRef> {
        self.compute_facts(call, language).callee
    }

    /// The knowledge-base entry of `table` a call matches, directly or through re-exports
    /// (`pub use std::thread::sleep as pause;` in one module, `util::pause()` in another).
    pub fn api(&self, table: Table, call: &CallSite, language: Language) -> Option<Match<'a>> {
        let kb = self.knowledge(language);
        if let Some(found) = kb.lookup(table, call) {
            return Some(found);
        }
        let mut expanded = Vec::new();
        for path in call.candidates() {
            expanded.push(Cow::Borrowed(path.as_str()));
            self.expand_into(path, language, &mut expanded);
        }
        expanded.iter().find_map(|p| kb.lookup_path(table, p))
    }

    /// Appends every path `path` stands for through named and glob re-exports, nearest first
    /// (not `path` itself), to `out`.
    fn expand_into<'p>(&self, path: &'p str, language: Language, out: &mut Vec<Cow<'p, str>>) {
        let sep = language.separator();
        // Most paths go through no re-export: find that out without allocating.
        let mut rewrites = Vec::new();
        self.rewrites(path, sep, &mut rewrites);
        if rewrites.is_empty() {
            return;
        }
        let mut found: Vec<Cow<'p, str>> = vec![Cow::Borrowed(path)];
        let mut next = 0;
        let mut hops = 0;
        while next < found.len() && found.len() < MAX_EXPANSIONS && hops < MAX_ALIAS_HOPS * MAX_EXPANSIONS {
            if next > 0 {
                let current = found[next].clone();
                self.rewrites(&current, sep, &mut rewrites);
            }
            next += 1;
            hops += 1;
            for rewrite in rewrites.drain(..) {
                if !found.iter().any(|f| *f == rewrite) && found.len() < MAX_EXPANSIONS {
                    found.push(Cow::Owned(rewrite));
                }
            }
        }
        out.extend(found.into_iter().skip(1));
    }

    /// One step of expansion: what `current` is rewritten to by the aliases and glob re-exports of
    /// each of its prefixes, longest prefix first (`a::b::c`, `a::b`, `a`).
    fn rewrites(&self, current: &str, sep: &str, out: &mut Vec<String>) {
        // One pass over the path hashes every prefix; only those that may be an alias or a glob
        // module are looked up (most paths have none).
        let bytes = current.as_bytes();
        let first = sep.as_bytes()[0];
        let mut hash = PREFIX_HASH_SEED;
        let mut maybe = false;
        for (i, &b) in bytes.iter().enumerate() {
            if b == first && current[i..].starts_with(sep) && self.alias_hashes.contains(&hash) {
                maybe = true;
                break;
            }
            hash = prefix_hash_step(hash, b);
        }
        if !maybe && !self.alias_hashes.contains(&prefix_hash(bytes)) {
            return;
        }
        self.rewrites_slow(current, sep, out);
    }

    fn rewrites_slow(&self, current: &str, sep: &str, out: &mut Vec<String>) {
        let mut cut = current.len();
        loop {
            let (prefix, rest) = current.split_at(cut);
            for target in self.aliases.get(prefix).into_iter().flatten() {
                out.push(format!("{target}{rest}"));
            }
            let Some(boundary) = rfind_separator(prefix, sep) else { break };
            // `module::*` re-exports everything of its targets: `module::name..` -> `target::name..`.
            let module = &prefix[..boundary];
            for target in self.globs.get(module).into_iter().flatten() {
                out.push(format!("{target}{}", &current[boundary..]));
            }
            cut = boundary;
        }
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

    /// [`Project::context`] of the call `call` of function `function` of file `file`, from the
    /// facts computed once.
    pub fn context_at(&self, file: usize, function: usize, call: usize) -> Context {
        let calls = &self.files[file].functions[function].calls;
        let site = &calls[call];
        let Some(arg) = site.in_closure_arg else { return site.context };
        let Some(outer) = calls.get(arg.call) else { return site.context };
        if site.context != outer.context {
            return site.context;
        }
        let facts = self.facts(file, function, arg.call);
        if facts.callee.is_some_and(|f| self.function(f).offloaded_params.contains(&arg.arg))
            || facts.api(Table::Offload).is_some()
        {
            return Context::Offloaded;
        }
        self.context_at(file, function, arg.call)
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
                for (call_index, call) in function.calls.iter().enumerate() {
                    if call.usage == Usage::Awaited
                        || self.context_at(file_index, function_index, call_index) != Context::Sync
                    {
                        continue;
                    }
                    let facts = *self.facts(file_index, function_index, call_index);
                    let step = Step { function: call.written.clone(), path: file.path.clone(), line: call.span.line };
                    // A known API is described by the knowledge base even where the project defines it.
                    let direct = direct_effects(&facts, step.clone());
                    if direct.is_empty()
                        && let Some(callee) = facts.callee
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

fn direct_effects(facts: &CallFacts<'_>, step: Step) -> Vec<(&'static str, Effect)> {
    let mut found = Vec::new();
    if let Some(m) = facts.api(Table::Blocking)
        && let Some(kind) = m.advice.category.as_deref().and_then(effect_kind)
    {
        let step = Step { function: m.api.to_string(), ..step.clone() };
        let effect = Effect { api: m.api.to_string(), help: m.advice.replacement.clone(), via: vec![step] };
        found.push((kind, effect));
    }
    if let Some(m) = facts.api(Table::Runtime) {
        let step = Step { function: m.api.to_string(), ..step };
        let effect = Effect { api: m.api.to_string(), help: m.advice.replacement.clone(), via: vec![step] };
        found.push((RUNTIME, effect));
    }
    found
}

const PREFIX_HASH_SEED: u64 = 0xcbf2_9ce4_8422_2325;

/// A hash that can be extended one byte at a time, so that one pass over a path hashes all of its
/// prefixes (FNV-1a).
fn prefix_hash_step(hash: u64, byte: u8) -> u64 {
    (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
}

fn prefix_hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(PREFIX_HASH_SEED, |h, &b| prefix_hash_step(h, b))
}

/// `haystack.rfind(sep)`, without building a substring searcher for a one- or two-byte separator.
fn rfind_separator(haystack: &str, sep: &str) -> Option<usize> {
    let (bytes, pattern) = (haystack.as_bytes(), sep.as_bytes());
    let last = *pattern.last()?;
    let mut end = bytes.len();
    while let Some(i) = bytes[..end].iter().rposition(|&b| b == last) {
        if let Some(start) = (i + 1).checked_sub(pattern.len())
            && &bytes[start..=i] == pattern
        {
            return Some(start);
        }
        end = i;
    }
    None
}

fn effect_kind(kind: &str) -> Option<&'static str> {
    BLOCKING_CATEGORIES.iter().copied().chain([RUNTIME]).find(|k| *k == kind)
}

#[cfg(test)]
mod tests {
    use super::rfind_separator;

    #[test]
    fn separators_are_found_like_rfind() {
        for (text, sep) in
            [("a::b::c", "::"), ("a:::b", "::"), ("a.b.c", "."), ("abc", "."), ("", "::"), (":", "::"), ("::a", "::")]
        {
            assert_eq!(rfind_separator(text, sep), text.rfind(sep), "{text:?} {sep:?}");
        }
    }
}
