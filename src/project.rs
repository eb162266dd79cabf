//! The project-wide step: an index of every function in the run, and the transitive facts of
//! sync functions (which block, which start a runtime) computed over the call graph.

use std::borrow::Cow;
use std::collections::VecDeque;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::diagnostic::Step;
use crate::frontend::SourceFile;
use crate::knowledge::{BLOCKING_CATEGORIES, Ids, Knowledge, Match, NO_ENTRY, Table, fill_missing};
use crate::model::{Callee, Context, Fate, FileModel, Function, Language, Name, NameKey, Usage};

/// A function of the run: `(file index, function index)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnRef {
    pub file: u32,
    pub function: u32,
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
    /// Where each call's facts are, per file.
    facts: Vec<FileFacts>,
    /// The distinct facts of the project's calls: calls of the same callee share them.
    distinct: Vec<Packed>,
    /// Keyed by function and effect kind (an index into [`EFFECT_KINDS`]).
    effects: FxHashMap<(FnRef, u8), Hop>,
    knowledge: Kbs<'a>,
}

/// The knowledge of each language.
#[derive(Clone, Copy)]
struct Kbs<'a> {
    rust: &'a Knowledge,
    python: &'a Knowledge,
}

impl<'a> Kbs<'a> {
    fn get(self, language: Language) -> &'a Knowledge {
        match language {
            Language::Rust => self.rust,
            Language::Python => self.python,
        }
    }
}

/// What resolving a call needs: the project's names. Only needed until every call is resolved.
struct Index<'a> {
    files: &'a [FileModel],
    /// The [`NameKey`] of every function and leaf (see [`FileModel::leaves`]) with where it is,
    /// sorted: calls resolve to the first of those with the name they call.
    functions: Vec<(NameKey, FnRef)>,
    /// `(alias, target)`, grouped by the alias's [`prefix_hash`], then by alias; an alias keeps its
    /// targets in the order found.
    aliases: Vec<(Name, Name)>,
    /// The [`prefix_hash`] of every alias and glob module, with the range of `aliases` under it
    /// (empty for a glob module that is no alias): a prefix whose hash is not here is neither.
    by_hash: FxHashMap<u64, (u32, u32)>,
    /// Glob re-exports: module -> the modules whose every name it re-exports (`module::*`).
    globs: FxHashMap<&'a str, Vec<&'a str>>,
    knowledge: Kbs<'a>,
}

/// What the linker knows about one call: the project function it reaches and the entry of each
/// knowledge-base table it matches, through re-exports. Computed once per distinct callee, so that
/// the effects and every rule share it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CallFacts<'a> {
    pub callee: Option<FnRef>,
    apis: [Option<Match<'a>>; Table::ALL.len()],
}

impl<'a> CallFacts<'a> {
    /// The knowledge-base entry of `table` the call matches.
    pub fn api(&self, table: Table) -> Option<Match<'a>> {
        self.apis[table.index()]
    }
}

/// [`CallFacts`] as stored: match ids instead of matches.
#[derive(Clone, Copy)]
struct Packed {
    /// The callee, or [`NO_FUNCTION`].
    callee: FnRef,
    apis: Ids,
}

/// Which facts each call of one file has: `slots[starts[function] + call]` indexes the project's
/// distinct facts, or is `NONE` (most calls resolve to nothing). A function's calls are numbered
/// as [`Function::callees`] yields them: its calls, then its effect calls.
struct FileFacts {
    starts: Vec<u32>,
    slots: Vec<u32>,
}

/// Each distinct callee of the run, with its slot among the distinct facts (or `NONE`).
type Slots<'a> = FxHashMap<(Language, &'a Callee), u32>;

const NONE: u32 = u32::MAX;
const NO_FUNCTION: FnRef = FnRef { file: NONE, function: NONE };

/// The `function` of a [`FnRef`] to a leaf of its file (see [`FileModel::leaves`]).
const LEAF: u32 = NONE - 1;

/// All there is to know of a leaf: a sync function that calls nothing that matters.
static LEAF_FUNCTION: std::sync::LazyLock<Function> = std::sync::LazyLock::new(|| Function {
    key: NameKey::of(""),
    display: "".into(),
    line: 0,
    returns_future: false,
    starts_runtime: false,
    offloaded_params: Box::default(),
    calls: Box::default(),
    effect_calls: Box::default(),
});

impl<'a> Project<'a> {
    pub fn new(files: &'a [FileModel], kb_for: &dyn Fn(Language) -> &'a Knowledge) -> Project<'a> {
        let knowledge = Kbs { rust: kb_for(Language::Rust), python: kb_for(Language::Python) };
        // The index is freed once every callee is resolved, before each call's facts are laid out.
        let (slots, distinct) = Index::new(files, knowledge).resolve();
        let facts = file_facts(files, &slots);
        drop(slots);
        let mut project = Project { files, facts, distinct, effects: FxHashMap::default(), knowledge };
        project.compute_effects();
        project
    }

    pub fn knowledge(&self, language: Language) -> &'a Knowledge {
        self.knowledge.get(language)
    }

    pub fn function(&self, at: FnRef) -> &'a Function {
        if at.function == LEAF {
            return &LEAF_FUNCTION;
        }
        &self.files[at.file as usize].functions[at.function as usize]
    }

    /// What the call `call` of function `function` of file `file` resolves to.
    pub fn facts(&self, file: usize, function: usize, call: usize) -> CallFacts<'a> {
        let facts = &self.facts[file];
        let packed = match facts.slots[facts.starts[function] as usize + call] {
            NONE => return CallFacts::default(),
            slot => self.distinct[slot as usize],
        };
        let kb = self.knowledge(self.files[file].language);
        let mut apis = [None; Table::ALL.len()];
        for table in Table::ALL {
            let id = packed.apis[table.index()];
            apis[table.index()] = (id != NO_ENTRY).then(|| kb.entry(table, id));
        }
        CallFacts { callee: Some(packed.callee).filter(|&c| c != NO_FUNCTION), apis }
    }

    /// Where the call `call` of function `function` of file `file` runs: as lowered, unless it sits
    /// in a closure handed to a project function that passes that closure to an offload wrapper
    /// (`asyncify(move || std::fs::read(p))`).
    pub fn context_at(&self, file: usize, function: usize, call: usize) -> Context {
        let calls = &self.files[file].functions[function].calls;
        let site = &calls[call];
        let Some(arg) = site.in_closure_arg else { return site.context };
        let Some(outer) = calls.get(arg.call as usize) else { return site.context };
        if site.context != outer.context {
            return site.context;
        }
        let facts = self.facts(file, function, arg.call as usize);
        if facts.callee.is_some_and(|f| self.function(f).offloaded_params.contains(&arg.arg))
            || facts.api(Table::Offload).is_some()
        {
            return Context::Offloaded;
        }
        self.context_at(file, function, arg.call as usize)
    }

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
    fn compute_effects(&mut self) {
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

impl<'a> Index<'a> {
    fn new(files: &'a [FileModel], knowledge: Kbs<'a>) -> Index<'a> {
        let mut functions = Vec::with_capacity(files.iter().map(|f| f.functions.len() + f.leaves.len()).sum());
        let mut aliases: Vec<(Name, Name)> = Vec::with_capacity(files.iter().map(|f| f.aliases.len()).sum());
        let mut globs: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        for (file_index, file) in files.iter().enumerate() {
            for (function_index, function) in file.functions.iter().enumerate() {
                let at = FnRef { file: file_index as u32, function: function_index as u32 };
                functions.push((function.key, at));
            }
            let leaf = FnRef { file: file_index as u32, function: LEAF };
            functions.extend(file.leaves.iter().map(|&key| (key, leaf)));
            let glob_suffix = match file.language {
                Language::Rust => "::*",
                Language::Python => ".*",
            };
            for &(alias, target) in &file.aliases {
                aliases.push((alias, target));
                if let Some(module) = alias.as_str().strip_suffix(glob_suffix) {
                    globs.entry(module).or_default().push(target.as_str());
                }
            }
        }
        // The sort is stable, so each alias keeps its targets in the order found.
        aliases.sort_by_cached_key(|&(alias, _)| (prefix_hash(alias.as_bytes()), alias.as_str()));
        let mut by_hash: FxHashMap<u64, (u32, u32)> = FxHashMap::default();
        for (at, (alias, _)) in aliases.iter().enumerate() {
            by_hash.entry(prefix_hash(alias.as_bytes())).or_insert((at as u32, 0)).1 += 1;
        }
        for module in globs.keys() {
            by_hash.entry(prefix_hash(module.as_bytes())).or_insert((0, 0));
        }
        functions.par_sort_unstable();
        Index { files, functions, aliases, by_hash, globs, knowledge }
    }

    /// Resolves each distinct callee of the run once (calls of the same callee resolve alike): its
    /// slot among the distinct facts it returns, or `NONE` when it resolves to nothing.
    fn resolve(self) -> (Slots<'a>, Vec<Packed>) {
        // Each distinct callee, numbered in the order found.
        let mut slots: Slots<'a> = FxHashMap::default();
        let mut callees: Vec<(Language, &Callee)> = Vec::new();
        for file in self.files {
            for callee in file.functions.iter().flat_map(Function::callees) {
                if *callee != Callee::Unknown {
                    slots.entry((file.language, callee)).or_insert_with(|| {
                        callees.push((file.language, callee));
                        callees.len() as u32 - 1
                    });
                }
            }
        }
        let resolved: Vec<Packed> = callees
            .par_iter()
            .map(|&(language, callee)| {
                let ids = self.knowledge.get(language).callee_ids(callee);
                let candidates = match callee {
                    Callee::Path(paths) => paths,
                    _ => &[][..],
                };
                self.path_facts(candidates, ids, language)
            })
            .collect();
        drop(callees);
        // Only facts that say something are kept: each callee's number becomes its slot.
        let mut distinct = Vec::new();
        let numbered: Vec<u32> = resolved
            .into_iter()
            .map(|packed| {
                if packed.callee == NO_FUNCTION && packed.apis.iter().all(|&id| id == NO_ENTRY) {
                    return NONE;
                }
                distinct.push(packed);
                distinct.len() as u32 - 1
            })
            .collect();
        for slot in slots.values_mut() {
            *slot = numbered[*slot as usize];
        }
        (slots, distinct)
    }

    /// The function that `path` names: the first defined under that name, in file order.
    fn lookup(&self, path: &str) -> Option<FnRef> {
        let key = NameKey::of(path);
        let first = self.functions.partition_point(|(k, _)| *k < key);
        self.functions.get(first).filter(|(k, _)| *k == key).map(|&(_, at)| at)
    }

    /// The facts of a call to `candidates` whose own knowledge-base ids are `ids`.
    fn path_facts(&self, candidates: &[Name], mut ids: Ids, language: Language) -> Packed {
        let kb = self.knowledge.get(language);
        let mut callee = None;
        // Every path the call may stand for, in order: each candidate, then what it expands to.
        let mut expanded: Vec<Cow<'_, str>> = Vec::new();
        for path in candidates {
            expanded.push(Cow::Borrowed(path.as_str()));
            self.expand_into(path, language, &mut expanded);
        }
        for (at, path) in expanded.iter().enumerate() {
            callee = callee.or_else(|| self.lookup(path));
            // The candidates themselves were looked up with the call.
            if at >= candidates.len()
                && ids.contains(&NO_ENTRY)
                && let Some(found) = kb.path_ids(path)
            {
                fill_missing(&mut ids, found);
            }
        }
        Packed { callee: callee.unwrap_or(NO_FUNCTION), apis: ids }
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
            if b == first && current[i..].starts_with(sep) && self.by_hash.contains_key(&hash) {
                maybe = true;
                break;
            }
            hash = prefix_hash_step(hash, b);
        }
        if !maybe && !self.by_hash.contains_key(&prefix_hash(bytes)) {
            return;
        }
        self.rewrites_slow(current, sep, out);
    }

    fn rewrites_slow(&self, current: &str, sep: &str, out: &mut Vec<String>) {
        // `hashes[n]` is the hash of the first `n` bytes.
        let mut hashes = Vec::with_capacity(current.len() + 1);
        hashes.push(PREFIX_HASH_SEED);
        for &b in current.as_bytes() {
            hashes.push(prefix_hash_step(hashes[hashes.len() - 1], b));
        }
        let mut cut = current.len();
        loop {
            let (prefix, rest) = current.split_at(cut);
            let (start, len) = self.by_hash.get(&hashes[cut]).copied().unwrap_or_default();
            for (alias, target) in &self.aliases[start as usize..(start + len) as usize] {
                if *alias == prefix {
                    out.push(format!("{target}{rest}"));
                }
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
}

/// Where each call's facts are (see [`FileFacts`]), per file.
fn file_facts(files: &[FileModel], slots: &Slots<'_>) -> Vec<FileFacts> {
    files
        .par_iter()
        .map(|file| {
            let calls = file.functions.iter().map(|f| f.calls.len() + f.effect_calls.len()).sum();
            let mut out =
                FileFacts { starts: Vec::with_capacity(file.functions.len()), slots: Vec::with_capacity(calls) };
            for function in &file.functions {
                out.starts.push(out.slots.len() as u32);
                let slot = |callee: &Callee| slots.get(&(file.language, callee)).copied().unwrap_or(NONE);
                out.slots.extend(function.callees().map(slot));
            }
            out
        })
        .collect()
}

/// The first segments of every qualified name the project can define: crate ids (Rust) and
/// top-level modules (Python); `None` when some file's cannot be told.
pub fn project_roots(files: &[SourceFile]) -> Option<FxHashSet<&str>> {
    files
        .iter()
        .map(|f| match f.language {
            Language::Rust => Some(f.unit.root.as_str()).filter(|r| !r.is_empty()),
            Language::Python => f.unit.module.first().map(String::as_str),
        })
        .collect()
}

/// Drops the calls of a freshly lowered file that can matter neither to a rule nor to a sync
/// function's effects, before the file waits in memory for the others: calls that match nothing in
/// the knowledge base and cannot reach a project function, and calls in sync code whose value is
/// used and that can only reach what neither blocks nor starts a runtime. Of the calls that matter
/// only to effects, an [`EffectCall`](crate::model::EffectCall) is kept.
pub fn prune_calls(file: &mut FileModel, source: &SourceFile, kb: &Knowledge, roots: Option<&FxHashSet<&str>>) {
    let reach = Reach::new(file, source, roots);
    for function in &mut file.functions {
        let effects_matter = !function.returns_future;
        function.sort_calls(|call| {
            let reported = matches!(call.context, Context::Async | Context::Loop)
                || !matches!(call.usage, Usage::Used | Usage::Awaited);
            let effect = effects_matter && call.context == Context::Sync && call.usage == Usage::Used;
            if !reported && !effect {
                return Fate::Drop;
            }
            let tables: &[Table] = if reported { &Table::ALL } else { &[Table::Blocking, Table::Runtime] };
            let ids = kb.callee_ids(&call.callee);
            let matters = tables.iter().any(|t| ids[t.index()] != NO_ENTRY)
                || call.candidates().iter().any(|p| reach.may_reach(p));
            match (matters, reported) {
                (false, _) => Fate::Drop,
                (true, true) => Fate::Keep,
                (true, false) => Fate::Effect,
            }
        });
    }
    // A sync function left with no call that matters is known by its name alone, unless another
    // function of the file has that name (the first of them is the one calls resolve to).
    let is_leaf = |f: &Function| {
        !f.returns_future
            && !f.starts_runtime
            && f.offloaded_params.is_empty()
            && f.calls.is_empty()
            && f.effect_calls.is_empty()
    };
    let kept: FxHashSet<NameKey> = file.functions.iter().filter(|f| !is_leaf(f)).map(|f| f.key).collect();
    let leaves: Vec<usize> = (0..file.functions.len())
        .filter(|&i| is_leaf(&file.functions[i]) && !kept.contains(&file.functions[i].key))
        .collect();
    drop(kept);
    if !leaves.is_empty() {
        file.leaves = leaves.iter().map(|&i| file.functions[i].key).collect();
        let mut next = leaves.iter().peekable();
        let mut index = 0;
        file.functions.retain(|_| {
            let leaf = next.next_if_eq(&&index).is_some();
            index += 1;
            !leaf
        });
    }
    // The model now waits in memory for the others: no spare capacity.
    file.functions.shrink_to_fit();
    file.aliases.shrink_to_fit();
}

/// Which paths of one file may lead to a project function or through a re-export.
struct Reach<'f> {
    roots: Option<&'f FxHashSet<&'f str>>,
    sep: &'static str,
    /// A Python module that is not a package has no submodules: a path inside it names one of its
    /// functions or goes through one of its imports, and nothing else of the project.
    closed_module: Option<String>,
    /// The keys of the file's functions.
    defined: FxHashSet<NameKey>,
    aliases: FxHashSet<&'static str>,
}

impl<'f> Reach<'f> {
    fn new(file: &FileModel, source: &SourceFile, roots: Option<&'f FxHashSet<&'f str>>) -> Reach<'f> {
        let sep = file.language.separator();
        let module = source.unit.module.join(sep);
        let glob = format!("{module}{sep}*");
        let closed = file.language == Language::Python
            && !source.unit.is_package
            && !module.is_empty()
            && !file.aliases.iter().any(|(alias, _)| alias.as_str() == glob);
        Reach {
            roots,
            sep,
            closed_module: closed.then(|| format!("{module}{sep}")),
            defined: file.functions.iter().map(|f| f.key).collect(),
            aliases: file.aliases.iter().map(|(alias, _)| alias.as_str()).collect(),
        }
    }

    fn may_reach(&self, path: &str) -> bool {
        if let Some(module) = &self.closed_module
            && path.starts_with(module.as_str())
        {
            let prefixes = path.match_indices(self.sep).map(|(at, _)| &path[..at]).chain([path]);
            return self.defined.contains(&NameKey::of(path)) || prefixes.into_iter().any(|p| self.aliases.contains(p));
        }
        match self.roots {
            None => true,
            Some(roots) => roots.contains(path.split(self.sep).next().unwrap_or(path)),
        }
    }
}

const START_RUNTIME_HELP: &str = "`.await` the work instead of starting a runtime";

/// How a function comes to have an effect: the first step of its chain.
#[derive(Debug, Clone, Copy)]
enum Hop {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::{self, Unit};
    use std::path::PathBuf;

    fn python(module: &[&str], is_package: bool) -> SourceFile {
        let unit = Unit { root: String::new(), module: module.iter().map(|s| s.to_string()).collect(), is_package };
        SourceFile { path: PathBuf::from(format!("{}.py", module.join("/"))), language: Language::Python, unit }
    }

    /// Each call as `function: callee as written`; each effect call as `function: -> callee`.
    fn calls(model: &FileModel) -> Vec<String> {
        let mut calls: Vec<String> = model
            .functions
            .iter()
            .flat_map(|f| {
                let whole = f.calls.iter().map(move |c| format!("{}: {}", f.display(), c.written));
                let effect = f.effect_calls.iter().map(move |c| match &c.callee {
                    Callee::Path(paths) => format!(
                        "{}: -> {}",
                        f.display(),
                        paths.iter().map(Name::as_str).collect::<Vec<_>>().join(" | ")
                    ),
                    other => format!("{}: -> {other:?}", f.display()),
                });
                whole.chain(effect)
            })
            .collect();
        calls.sort();
        calls
    }

    /// The calls pruning keeps; the same whether or not the frontend already left calls out.
    fn kept(source: &SourceFile, text: &str, roots: &[&str]) -> Vec<String> {
        let kb = Knowledge::builtin(Language::Python);
        let roots: FxHashSet<&str> = roots.iter().copied().collect();
        let mut model = frontend::lower(source, text, &kb);
        prune_calls(&mut model, source, &kb, Some(&roots));
        let mut prefiltered = frontend::lower_in_project(source, text, &kb, Some(&roots));
        prune_calls(&mut prefiltered, source, &kb, Some(&roots));
        assert_eq!(calls(&model), calls(&prefiltered));
        calls(&model)
    }

    #[test]
    fn the_python_frontend_leaves_out_calls_that_lead_nowhere_when_it_knows_the_roots() {
        let text = "\
import json, other
def f(items):
    json.dumps(len(items))
    other.work(undefined_name())
    sorted(items, key=lambda i: str(i))
    g()
    return self_made.thing()
def g():
    pass
";
        let source = python(&["pkg", "mod"], false);
        let kb = Knowledge::builtin(Language::Python);
        let roots: FxHashSet<&str> = ["pkg", "other"].into_iter().collect();
        let model = frontend::lower_in_project(&source, text, &kb, Some(&roots));
        // Kept: a project module, a call that passes a closure, a function of this module. Left
        // out: builtins, `json`, an undefined name, and a path outside the project.
        assert_eq!(calls(&model), ["f: g", "f: other.work", "f: sorted"]);
        assert_eq!(calls(&frontend::lower(&source, text, &kb)).len(), 8);
    }

    #[test]
    fn pruning_keeps_only_calls_that_can_matter() {
        let text = "\
import asyncio, time, other, json
def helper():
    return len('x')
def caller(items):
    n = helper()
    m = undefined_name()
    k = other.work()
    j = json.dumps(items)
    s = sorted(items, key=lambda i: time.sleep(i))
    print(n)
    return n + m + k + j
class C:
    def m(self):
        return self.inherited() + self.own()
    def own(self):
        return 1
async def main():
    await asyncio.to_thread(lambda: len('y'))
    value = helper()
    return value
";
        let source = python(&["pkg", "mod"], false);
        assert_eq!(
            kept(&source, text, &["pkg", "other"]),
            // Dropped: builtins, an undefined name, `json` (not in the project), `print` (nothing it
            // reaches can be reported), `self.inherited()` (no such function in this module), the
            // lambda's `len` (offloaded).
            [
                // Own functions and a project module, whose values are used in sync code: they matter
                // only through their callee's effects.
                "C.m: -> pkg.mod.C.own",
                "caller: -> other.work",
                "caller: -> pkg.mod.helper",
                // A call whose closure blocks, and that call: kept whole for the link between them.
                "caller: sorted",
                "caller: time.sleep",
                // A known API and a project function in async code.
                "main: asyncio.to_thread",
                "main: helper",
            ]
        );
    }

    #[test]
    fn a_package_or_a_module_with_a_star_import_is_not_closed() {
        let text = "def f():\n    return sub.g()\n";
        // `pkg.sub.g` may be a function of `pkg/sub.py`.
        assert_eq!(kept(&python(&["pkg"], true), &format!("from . import sub\n{text}"), &["pkg"]), ["f: -> pkg.sub.g"]);
        let star = "from os.path import *\ndef f():\n    return exists('x')\n";
        assert_eq!(kept(&python(&["pkg", "mod"], false), star, &["pkg", "os"]), ["f: -> os.path.exists"]);
    }

    #[test]
    fn separators_are_found_like_rfind() {
        for (text, sep) in
            [("a::b::c", "::"), ("a:::b", "::"), ("a.b.c", "."), ("abc", "."), ("", "::"), (":", "::"), ("::a", "::")]
        {
            assert_eq!(rfind_separator(text, sep), text.rfind(sep), "{text:?} {sep:?}");
        }
    }
}
