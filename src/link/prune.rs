//! Pruning: the calls of a freshly lowered file that can matter to nothing are dropped before the
//! file waits in memory for the others.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::frontend::SourceFile;
use crate::knowledge::{Knowledge, NO_ENTRY, Table};
use crate::model::{Context, Fate, FileModel, Function, Language, NameKey, RETURNED, Usage};

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

/// What a rule reads of calls, declared in its metadata so that pruning keeps what it may report:
/// the calls it looks at (by where they run and what becomes of their value), and the
/// knowledge-base tables such a call must match, unless it may reach a project function (whose
/// effects or signature the rule may report through).
#[derive(Debug, Clone, Copy)]
pub struct Reads {
    pub calls: fn(Context, &Usage) -> bool,
    pub tables: &'static [Table],
}

/// What the linker reads itself: the sync calls through which sync functions get their effects.
const EFFECT_TABLES: [Table; 2] = [Table::Blocking, Table::Runtime];

/// Drops the calls of a freshly lowered file that can matter neither to a rule that runs (`reads`:
/// what those rules read) nor to a sync function's effects, before the file waits in memory for
/// the others: calls that match none of the tables their readers name and cannot reach a project
/// function. Of the calls that matter only to effects, an [`EffectCall`](crate::model::EffectCall)
/// is kept.
pub fn prune_calls(
    file: &mut FileModel,
    source: &SourceFile,
    kb: &Knowledge,
    roots: Option<&FxHashSet<&str>>,
    reads: &[Reads],
) {
    let reach = Reach::new(file, source, roots);
    for function in &mut file.functions {
        let effects_matter = !function.returns_future;
        function.sort_calls(|call| {
            let read = |r: &&Reads| (r.calls)(call.context, &call.usage);
            let read_by_rule = reads.iter().any(|r| read(&r));
            let effect = effects_matter && call.context == Context::Sync && call.usage != Usage::Awaited;
            if !read_by_rule && !effect {
                return Fate::Drop;
            }
            let ids = kb.callee_ids(&call.callee);
            let matches = |tables: &[Table]| tables.iter().any(|t| ids[t.index()] != NO_ENTRY);
            if reads.iter().filter(read).any(|r| matches(r.tables)) {
                return Fate::Keep;
            }
            // Type queries across modules (inherited members, what another module's function
            // returns) are followed for calls in async code, where they are reported; in sync code
            // they are the bulk of a project's calls, and chains do not pass through them.
            let across = call.context != Context::Sync;
            let reaches = call
                .candidates()
                .iter()
                .any(|p| (across || !p.as_str().contains(RETURNED)) && reach.may_reach(p, across));
            match (read_by_rule && reaches, effect && (reaches || matches(&EFFECT_TABLES))) {
                (true, _) => Fate::Keep,
                (false, true) => Fate::Effect,
                (false, false) => Fate::Drop,
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
    // A class without bases whose `__init__` calls nothing that matters (or that has none) gives
    // its constructor's callers nothing: the linker need not know it, unless it shadows an import
    // of the same name (the import's class is not the one called).
    if !file.classes.is_empty() {
        let matters: FxHashSet<NameKey> = file.functions.iter().map(|f| f.key).collect();
        let imported: FxHashSet<NameKey> = file.aliases.iter().map(|(alias, _)| NameKey::of(alias.as_str())).collect();
        file.classes.retain(|c| {
            !c.bases.is_empty() || c.init.is_some_and(|init| matters.contains(&init)) || imported.contains(&c.key)
        });
        file.classes.shrink_to_fit();
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
    /// The file's classes that the linker resolves constructors through, and whether members may
    /// be inherited (the class has project bases).
    classes: FxHashMap<NameKey, bool>,
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
            classes: file.classes.iter().map(|c| (c.key, !c.bases.is_empty())).collect(),
            aliases: file.aliases.iter().map(|(alias, _)| alias.as_str()).collect(),
        }
    }

    /// Whether a call of `path` may reach a project function. `inherit`: a member that a class of
    /// this file does not define may be inherited from a base elsewhere (kept for calls in async
    /// code, where it is reported; in sync code such calls are the bulk of a class hierarchy's,
    /// so chains do not pass through inherited members).
    fn may_reach(&self, path: &str, inherit: bool) -> bool {
        if let Some(module) = &self.closed_module
            && path.starts_with(module.as_str())
        {
            let prefixes = path.match_indices(self.sep).map(|(at, _)| &path[..at]).chain([path]);
            let through_class = || {
                let class = path.rsplit_once(self.sep).map_or("", |(class, _)| class);
                self.classes.contains_key(&NameKey::of(path))
                    || (inherit && self.classes.get(&NameKey::of(class)).copied().unwrap_or(false))
            };
            return self.defined.contains(&NameKey::of(path))
                || prefixes.into_iter().any(|p| self.aliases.contains(p))
                || through_class();
        }
        match self.roots {
            None => true,
            Some(roots) => roots.contains(path.split(self.sep).next().unwrap_or(path)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frontend::{self, Unit};
    use crate::model::{Callee, Name};
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

    fn every_rule() -> Vec<Reads> {
        crate::rules::RULES.iter().map(|r| r.meta().reads).collect()
    }

    /// The calls pruning keeps for these rules' reads.
    fn kept_for(source: &SourceFile, text: &str, roots: &[&str], reads: &[Reads]) -> Vec<String> {
        let kb = Knowledge::builtin(Language::Python);
        let roots: FxHashSet<&str> = roots.iter().copied().collect();
        let mut model = frontend::lower(source, text, &kb);
        prune_calls(&mut model, source, &kb, Some(&roots), reads);
        calls(&model)
    }

    /// The calls pruning keeps for every rule; the same whether or not the frontend already left
    /// calls out.
    fn kept(source: &SourceFile, text: &str, roots: &[&str]) -> Vec<String> {
        let kb = Knowledge::builtin(Language::Python);
        let reads = every_rule();
        let mut prefiltered = frontend::lower_in_project(source, text, &kb, Some(&roots.iter().copied().collect()));
        prune_calls(&mut prefiltered, source, &kb, Some(&roots.iter().copied().collect()), &reads);
        let kept = kept_for(source, text, roots, &reads);
        assert_eq!(kept, calls(&prefiltered));
        kept
    }

    #[test]
    fn pruning_keeps_what_the_rules_that_run_declare_they_read() {
        let text = "\
import asyncio, time
async def f():
    time.sleep(1)
    asyncio.sleep(1)
    asyncio.create_task(f())
    x = asyncio.get_event_loop().run_until_complete(f())
    return x
def sync():
    time.sleep(1)
";
        let source = python(&["pkg", "mod"], false);
        let roots = ["pkg"];
        // The sync function's sleep is an effect call whatever runs: the linker reads it itself.
        assert_eq!(kept_for(&source, text, &roots, &[]), ["sync: -> time.sleep"]);
        let only = |id: &str| vec![crate::rules::find(id).unwrap().meta().reads];
        let blocking = kept_for(&source, text, &roots, &only("blocking-sleep"));
        // `f()` reaches a project function, whose effects a blocking rule reports through.
        assert_eq!(blocking, ["f: f", "f: f", "f: time.sleep", "sync: -> time.sleep"]);
        let unawaited = kept_for(&source, text, &roots, &only("missing-await"));
        assert_eq!(unawaited, ["f: asyncio.sleep", "sync: -> time.sleep"]);
        let tasks = kept_for(&source, text, &roots, &only("dangling-task"));
        assert_eq!(tasks, ["f: asyncio.create_task", "sync: -> time.sleep"]);
        // A rule added later keeps its calls by declaring them: here, awaitables whose value is used.
        let used_awaitables = Reads { calls: |_, usage| *usage == Usage::Used, tables: &[Table::Runtime] };
        let declared = kept_for(&source, text, &roots, &[used_awaitables]);
        assert!(declared.contains(&"f: asyncio.get_event_loop(..).run_until_complete".to_string()), "{declared:?}");
        assert!(!declared.contains(&"f: time.sleep".to_string()), "{declared:?}");
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
            // lambda's `len` (offloaded) and so the `to_thread` call that no rule reads (awaited).
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
}
