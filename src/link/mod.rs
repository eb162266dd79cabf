//! The linker: the project-wide step. It indexes every function of the run (`index.rs`),
//! resolves each distinct callee once through re-exports and the knowledge base, lays out the
//! facts of every call, decides where each call runs (`context.rs`), and computes the transitive
//! effects of sync functions over the call graph (`effects.rs`). `prune.rs` drops, file by file,
//! the calls that can matter to nothing before the files wait for each other.

mod context;
mod effects;
mod index;
mod prune;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use crate::knowledge::{Ids, Knowledge, Match, NO_ENTRY, Table};
use crate::model::{Callee, FileModel, Function, Language, NameKey};

use effects::Hop;
pub use effects::{Effect, RUNTIME};
use index::Index;
pub use prune::{Reads, project_roots, prune_calls};

/// A function of the run: `(file index, function index)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnRef {
    pub file: u32,
    pub function: u32,
}

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
