//! The index of the project's names: every function and leaf, re-exports and glob imports, and
//! the resolution of each distinct callee through them and the knowledge base.

use std::borrow::Cow;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::{FnRef, Kbs, LEAF, NO_FUNCTION, NONE, Packed, Slots};
use crate::knowledge::{Ids, NO_ENTRY, fill_missing};
use crate::model::{Callee, FileModel, Function, Language, Name, NameKey, RETURNED};

/// How far resolution follows re-exports (chains are short; this bounds cycles and fan-out).
const MAX_ALIAS_HOPS: usize = 8;
const MAX_EXPANSIONS: usize = 32;
/// How many classes resolution looks through for one member.
const MAX_CLASSES_SEEN: usize = 64;

/// What resolving a call needs: the project's names. Only needed until every call is resolved.
pub(super) struct Index<'a> {
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
    /// Python classes (see [`FileModel::classes`]).
    classes: FxHashMap<NameKey, &'a crate::model::Class>,
    knowledge: Kbs<'a>,
}

impl<'a> Index<'a> {
    pub(super) fn new(files: &'a [FileModel], knowledge: Kbs<'a>) -> Index<'a> {
        let mut functions = Vec::with_capacity(files.iter().map(|f| f.functions.len() + f.leaves.len()).sum());
        let mut aliases: Vec<(Name, Name)> = Vec::with_capacity(files.iter().map(|f| f.aliases.len()).sum());
        let mut globs: FxHashMap<&str, Vec<&str>> = FxHashMap::default();
        let mut classes: FxHashMap<NameKey, &crate::model::Class> = FxHashMap::default();
        for (file_index, file) in files.iter().enumerate() {
            for class in &file.classes {
                classes.entry(class.key).or_insert(class);
            }
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
        Index { files, functions, aliases, by_hash, globs, classes, knowledge }
    }

    /// Resolves each distinct callee of the run once (calls of the same callee resolve alike): its
    /// slot among the distinct facts it returns, or `NONE` when it resolves to nothing.
    pub(super) fn resolve(self) -> (Slots<'a>, Vec<Packed>) {
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
        self.lookup_key(NameKey::of(path))
    }

    fn lookup_key(&self, key: NameKey) -> Option<FnRef> {
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
        if callee.is_none() && language == Language::Python && !self.classes.is_empty() {
            callee = expanded.iter().find_map(|path| self.through_class(path));
        }
        // A method of what a project function returns, when that function declares no type: by
        // its name, as for any receiver whose type is unknown.
        if callee.is_none() && ids.iter().all(|&id| id == NO_ENTRY) {
            let method = candidates.iter().find_map(|c| {
                let (receiver, method) = c.as_str().rsplit_once(language.separator())?;
                receiver.ends_with(RETURNED).then_some(method)
            });
            if let Some(found) = method.and_then(|m| kb.method_ids(m)) {
                ids = *found;
            }
        }
        Packed { callee: callee.unwrap_or(NO_FUNCTION), apis: ids }
    }

    /// A call that names a class runs its `__init__`; one that names a member the class does not
    /// define reaches the first of its bases that does.
    fn through_class(&self, path: &str) -> Option<FnRef> {
        let mut seen = FxHashSet::default();
        if self.classes.contains_key(&NameKey::of(path)) {
            return self.member(path, "__init__", &mut seen);
        }
        let (class, member) = path.rsplit_once('.')?;
        let found = self.classes.get(&NameKey::of(class))?;
        if found.bases.is_empty() {
            return None;
        }
        self.member(class, member, &mut seen)
    }

    /// `class.member`, defined in the class or inherited: looked up depth-first in base order,
    /// each class once (hierarchies with diamonds would otherwise be walked once per path).
    fn member(&self, class: &str, member: &str, seen: &mut FxHashSet<NameKey>) -> Option<FnRef> {
        let key = NameKey::of(class);
        if seen.len() >= MAX_CLASSES_SEEN || !seen.insert(key) {
            return None;
        }
        let found = self.classes.get(&key);
        let own = match (member, found.and_then(|c| c.init)) {
            ("__init__", Some(init)) => self.lookup_key(init),
            _ => self.lookup(&format!("{class}.{member}")),
        };
        if own.is_some() {
            return own;
        }
        for base in found?.bases.iter() {
            // A base may be named through a re-export (`from .models import Base` in a package).
            let mut names = vec![Cow::Borrowed(base.as_str())];
            self.expand_into(base.as_str(), Language::Python, &mut names);
            for name in &names {
                if let Some(found) = self.member(name, member, seen) {
                    return Some(found);
                }
            }
        }
        None
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_found_like_rfind() {
        for (text, sep) in
            [("a::b::c", "::"), ("a:::b", "::"), ("a.b.c", "."), ("abc", "."), ("", "::"), (":", "::"), ("::a", "::")]
        {
            assert_eq!(rfind_separator(text, sep), text.rfind(sep), "{text:?} {sep:?}");
        }
    }
}
