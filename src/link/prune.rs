//! Pruning: the calls of a freshly lowered file that can matter to nothing are dropped before the
//! file waits in memory for the others.

use rustc_hash::FxHashSet;

use crate::frontend::SourceFile;
use crate::knowledge::{Knowledge, NO_ENTRY, Table};
use crate::model::{Context, Fate, FileModel, Function, Language, NameKey, Usage};

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
}
