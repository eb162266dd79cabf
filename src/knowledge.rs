//! The knowledge base: which APIs block, which return futures, which start runtimes, which run
//! their closures elsewhere. It is data (`rules/*.toml`), embedded in the binary.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use serde::Deserialize;

use crate::model::{CallSite, Callee, Language};

pub const RUST_TOML: &str = include_str!("../rules/rust.toml");
pub const PYTHON_TOML: &str = include_str!("../rules/python.toml");

/// The kinds of blocking the `blocking-*` rules report, one rule each.
pub const BLOCKING_CATEGORIES: [&str; 5] = ["sleep", "io", "network", "subprocess", "wait"];

/// A document in the `rules/*.toml` schema (also the `knowledge` tables of a configuration).
#[derive(Debug, Default, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// APIs that block the thread that calls them.
    #[serde(default)]
    blocking: Vec<Group>,
    /// Calls that return a future or coroutine, to be awaited.
    #[serde(default)]
    awaitable: Vec<Group>,
    /// Calls that start an event loop or runtime and wait for it (`block_on`, `asyncio.run`).
    #[serde(default)]
    runtime: Vec<Group>,
    /// Calls that run their argument elsewhere (a thread, an executor), so it does not block.
    #[serde(default)]
    offload: Vec<Group>,
    /// Calls that start a task and return its handle.
    #[serde(default)]
    spawn: Vec<Group>,
    /// Attributes that turn an async fn into a sync fn that starts a runtime (`tokio::main`).
    #[serde(default)]
    runtime_attributes: Vec<String>,
    /// Traits whose `poll*` methods the executor calls, on its own thread.
    #[serde(default)]
    executor_traits: Vec<String>,
    /// Methods that may switch their receiver to non-blocking mode (`set_nonblocking`).
    #[serde(default)]
    nonblocking_methods: Vec<String>,
    /// Function -> the type it returns (a list for a tuple).
    #[serde(default)]
    returns: HashMap<String, Returns>,
    /// Method name -> the type it returns, whatever the receiver.
    #[serde(default)]
    method_returns: HashMap<String, String>,
    /// Function -> the types of the parameters of the closure it is given.
    #[serde(default)]
    closure_params: HashMap<String, Vec<String>>,
}

impl Schema {
    /// How many entries of each kind the document adds.
    pub fn summary(&self) -> String {
        let count = |groups: &[Group]| groups.iter().map(|g| g.paths.len() + g.methods.len()).sum::<usize>();
        format!(
            "{} blocking, {} awaitable, {} runtime, {} offload, {} spawn entries",
            count(&self.blocking),
            count(&self.awaitable),
            count(&self.runtime),
            count(&self.offload),
            count(&self.spawn)
        )
    }
}

/// APIs that share a kind and an advice.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct Group {
    /// For `blocking`: the kind of blocking, which decides the rule.
    #[serde(default)]
    category: Option<Category>,
    /// What to call instead (shown as help).
    #[serde(default)]
    replacement: Option<String>,
    /// Fully qualified paths; methods as `Type::method` (`Type.method` in Python).
    #[serde(default)]
    paths: Vec<String>,
    /// Method names distinctive enough to match when the receiver's type is unknown.
    #[serde(default)]
    methods: Vec<String>,
    /// An automatic fix: the async call to make instead (awaited).
    #[serde(default)]
    fix: Option<FixSpec>,
}

/// The async call that replaces a blocking one, and what the file needs for it.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct FixSpec {
    pub call: String,
    /// Rust: a crate the package must depend on; Python: a module to import.
    #[serde(default)]
    pub requires: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Category {
    Sleep,
    Io,
    Network,
    Subprocess,
    Wait,
}

impl Category {
    fn name(self) -> &'static str {
        match self {
            Category::Sleep => "sleep",
            Category::Io => "io",
            Category::Network => "network",
            Category::Subprocess => "subprocess",
            Category::Wait => "wait",
        }
    }
}

/// The type a call returns: one type or a tuple of them.
#[derive(Debug, Clone, Deserialize, serde::Serialize, schemars::JsonSchema, PartialEq, Eq)]
#[serde(untagged)]
pub enum Returns {
    One(String),
    Tuple(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    Blocking,
    Awaitable,
    Runtime,
    Offload,
    Spawn,
}

impl Table {
    pub const ALL: [Table; 5] = [Table::Blocking, Table::Awaitable, Table::Runtime, Table::Offload, Table::Spawn];

    /// The table's position in [`Table::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Debug, Clone, Default)]
pub struct Advice {
    pub category: Option<String>,
    pub replacement: Option<String>,
    pub fix: Option<FixSpec>,
}

/// What a call matched in the knowledge base.
#[derive(Debug, Clone, Copy)]
pub struct Match<'k> {
    /// The known path (or method name, for a receiver of unknown type).
    pub api: &'k str,
    pub advice: &'k Advice,
    /// Names the match within its table, for [`Knowledge::entry`].
    pub id: u32,
}

#[derive(Debug, Default)]
struct Entries {
    advice: Vec<Advice>,
    /// Every path and method name with the index of its advice; match ids index this.
    keys: Vec<(String, usize)>,
}

/// Per table, the id of a key's entry there, or [`NO_ENTRY`]: one hash finds a key in every table.
pub type Ids = [u32; Table::ALL.len()];
pub const NO_ENTRY: u32 = u32::MAX;

impl Entries {
    fn add(&mut self, key: String, advice: usize) -> u32 {
        self.keys.push((key.clone(), advice));
        (self.keys.len() - 1) as u32
    }

    fn entry(&self, id: u32) -> Match<'_> {
        let (api, advice) = &self.keys[id as usize];
        Match { api, advice: &self.advice[*advice], id }
    }
}

#[derive(Debug)]
pub struct Knowledge {
    pub language: Language,
    tables: [Entries; Table::ALL.len()],
    paths: FxHashMap<String, Ids>,
    methods: FxHashMap<String, Ids>,
    runtime_attributes: FxHashSet<String>,
    executor_traits: FxHashSet<String>,
    nonblocking_methods: FxHashSet<String>,
    returns: FxHashMap<String, Returns>,
    /// Methods distinctive enough that their name alone tells the type they return.
    method_returns: FxHashMap<String, String>,
    /// Callee -> the types of the parameters of the closure it is given.
    closure_params: FxHashMap<String, Vec<String>>,
    /// Every proper prefix of a known path: the modules a glob import can be resolved against.
    modules: FxHashSet<String>,
}

impl Knowledge {
    pub fn builtin(language: Language) -> Knowledge {
        let text = match language {
            Language::Rust => RUST_TOML,
            Language::Python => PYTHON_TOML,
        };
        let mut kb = Knowledge::empty(language);
        kb.extend_from_toml(text)
            .unwrap_or_else(|e| panic!("the embedded knowledge base for {language:?} is invalid: {e}"));
        kb
    }

    pub fn empty(language: Language) -> Knowledge {
        Knowledge {
            language,
            tables: Default::default(),
            paths: FxHashMap::default(),
            methods: FxHashMap::default(),
            runtime_attributes: FxHashSet::default(),
            executor_traits: FxHashSet::default(),
            nonblocking_methods: FxHashSet::default(),
            returns: FxHashMap::default(),
            method_returns: FxHashMap::default(),
            closure_params: FxHashMap::default(),
            modules: FxHashSet::default(),
        }
    }

    /// Adds the entries of a document in the `rules/*.toml` schema; later entries win.
    pub fn extend_from_toml(&mut self, text: &str) -> Result<(), String> {
        let schema: Schema = toml::from_str(text).map_err(|e| e.to_string())?;
        self.extend(schema)
    }

    /// Adds the entries of a parsed document; later entries win.
    pub fn extend(&mut self, schema: Schema) -> Result<(), String> {
        let tables = [
            (Table::Blocking, schema.blocking),
            (Table::Awaitable, schema.awaitable),
            (Table::Runtime, schema.runtime),
            (Table::Offload, schema.offload),
            (Table::Spawn, schema.spawn),
        ];
        for (table, groups) in tables {
            for group in groups {
                self.add_group(table, group)?;
            }
        }
        self.runtime_attributes.extend(schema.runtime_attributes);
        self.executor_traits.extend(schema.executor_traits);
        self.nonblocking_methods.extend(schema.nonblocking_methods);
        for (path, returns) in schema.returns {
            self.note_modules(&path);
            self.returns.insert(path, returns);
        }
        self.method_returns.extend(schema.method_returns);
        self.closure_params.extend(schema.closure_params);
        Ok(())
    }

    fn add_group(&mut self, table: Table, group: Group) -> Result<(), String> {
        if table == Table::Blocking && group.category.is_none() {
            return Err("a `[[blocking]]` group needs a `category`".into());
        }
        for path in &group.paths {
            self.note_modules(path);
        }
        let entries = &mut self.tables[table.index()];
        let index = entries.advice.len();
        let category = group.category.map(|c| c.name().to_string());
        entries.advice.push(Advice { category, replacement: group.replacement, fix: group.fix });
        for path in group.paths {
            let id = entries.add(path.clone(), index);
            self.paths.entry(path).or_insert([NO_ENTRY; Table::ALL.len()])[table.index()] = id;
        }
        for method in group.methods {
            let id = entries.add(method.clone(), index);
            self.methods.entry(method).or_insert([NO_ENTRY; Table::ALL.len()])[table.index()] = id;
        }
        Ok(())
    }

    fn note_modules(&mut self, path: &str) {
        let sep = self.language.separator();
        let mut end = 0;
        while let Some(found) = path[end..].find(sep) {
            end += found;
            self.modules.insert(path[..end].to_string());
            end += sep.len();
        }
    }

    /// The entry of `table` that this call matches: a resolved path, or a distinctive method name
    /// when the receiver's type is unknown.
    pub fn lookup(&self, table: Table, call: &CallSite) -> Option<Match<'_>> {
        let id = self.callee_ids(&call.callee)[table.index()];
        (id != NO_ENTRY).then(|| self.entry(table, id))
    }

    /// [`Knowledge::lookup`] in every table at once, for a call of `callee`: per table, the id of
    /// the first candidate path listed there (or of the method name), or [`NO_ENTRY`].
    pub fn callee_ids(&self, callee: &Callee) -> Ids {
        let mut ids = [NO_ENTRY; Table::ALL.len()];
        match callee {
            Callee::Path(paths) => {
                for path in paths.iter() {
                    if let Some(found) = self.path_ids(path) {
                        fill_missing(&mut ids, found);
                    }
                }
            }
            Callee::Method(name) => {
                if let Some(found) = self.methods.get(name.as_str()) {
                    ids = *found;
                }
            }
            Callee::Unknown => {}
        }
        ids
    }

    /// The ids of the entries whose distinctive method names include `name`, per table.
    pub fn method_ids(&self, name: &str) -> Option<&Ids> {
        self.methods.get(name)
    }

    /// The ids of the entries listed under exactly `path`, per table.
    pub fn path_ids(&self, path: &str) -> Option<&Ids> {
        self.paths.get(path)
    }

    /// The match of `table` with this id.
    pub fn entry(&self, table: Table, id: u32) -> Match<'_> {
        self.tables[table.index()].entry(id)
    }

    /// Whether `path` is listed in `table` (for frontends that resolve before building a call).
    pub fn contains_path(&self, table: Table, path: &str) -> bool {
        self.paths.get(path).is_some_and(|ids| ids[table.index()] != NO_ENTRY)
    }

    pub fn contains_method(&self, table: Table, name: &str) -> bool {
        self.methods.get(name).is_some_and(|ids| ids[table.index()] != NO_ENTRY)
    }

    pub fn is_runtime_attribute(&self, path: &str) -> bool {
        self.runtime_attributes.contains(path)
    }

    /// After a call of this method, the receiver's calls are not taken as blocking (it may
    /// have been switched to non-blocking mode).
    pub fn switches_to_nonblocking(&self, method: &str) -> bool {
        self.nonblocking_methods.contains(method)
    }

    pub fn is_executor_trait(&self, path: &str) -> bool {
        self.executor_traits.contains(path)
    }

    pub fn returns(&self, path: &str) -> Option<&Returns> {
        self.returns.get(path)
    }

    /// The type a method returns when its receiver's type is unknown, if its name tells.
    pub fn method_returns(&self, method: &str) -> Option<&str> {
        self.method_returns.get(method).map(String::as_str)
    }

    /// The types of the parameters of a closure passed to `path`.
    pub fn closure_params(&self, path: &str) -> Option<&[String]> {
        self.closure_params.get(path).map(Vec::as_slice)
    }

    /// Whether the method name is listed in any table.
    pub fn knows_method(&self, name: &str) -> bool {
        self.methods.contains_key(name)
    }

    /// Whether anything is known under `module` (so a glob import of it can be resolved).
    pub fn knows_module(&self, module: &str) -> bool {
        self.modules.contains(module)
    }

    /// Whether `path` names anything the knowledge base knows.
    pub fn knows_path(&self, path: &str) -> bool {
        self.returns.contains_key(path) || self.paths.contains_key(path)
    }
}

/// Takes, for each table `ids` has no entry in yet, the id `found` has there.
pub fn fill_missing(ids: &mut Ids, found: &Ids) {
    for (id, found) in ids.iter_mut().zip(found) {
        if *id == NO_ENTRY {
            *id = *found;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_knowledge_bases_load() {
        for language in [Language::Rust, Language::Python] {
            let kb = Knowledge::builtin(language);
            assert!(kb.paths.values().any(|ids| ids[Table::Blocking.index()] != NO_ENTRY));
        }
    }

    #[test]
    fn unknown_category_is_an_error() {
        let mut kb = Knowledge::empty(Language::Rust);
        let err = kb.extend_from_toml("[[blocking]]\ncategory = \"nap\"\npaths = [\"a::b\"]\n").unwrap_err();
        assert!(err.contains("unknown variant `nap`"), "{err}");
    }

    #[test]
    fn unknown_key_is_an_error() {
        let mut kb = Knowledge::empty(Language::Rust);
        assert!(kb.extend_from_toml("[[blocking]]\ncategory = \"io\"\npathz = []\n").is_err());
    }

    #[test]
    fn glob_modules_are_prefixes_of_known_paths() {
        let kb = Knowledge::builtin(Language::Rust);
        assert!(kb.knows_module("std::fs"));
        assert!(kb.knows_module("std"));
        assert!(!kb.knows_module("std::fs::read"));
    }
}
