//! The language-neutral program model. Frontends lower syntax into it; rules and the project-wide
//! linking step read nothing else.

use std::path::PathBuf;

mod name;

/// Names and paths repeat across a project, so each distinct one is stored once.
pub use name::Name;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Rust,
    Python,
}

impl Language {
    /// The separator between the segments of a qualified path in this language.
    pub fn separator(self) -> &'static str {
        match self {
            Language::Rust => "::",
            Language::Python => ".",
        }
    }
}

/// A region of a source file: 1-based lines, 1-based columns counted in characters, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

impl Span {
    pub fn point(line: u32, column: u32) -> Span {
        Span { line, column, end_line: line, end_column: column + 1 }
    }
}

/// Everything a frontend learned about one file.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct FileModel {
    /// The path as the user gave it (or as discovered under a path the user gave).
    pub path: PathBuf,
    pub language: Language,
    pub functions: Vec<Function>,
    /// Module-level aliases that other modules may reach through this one (`use`, `from x import y`):
    /// `(qualified alias, qualified target)`; a glob re-export is `(module + sep + "*", target
    /// module)`. The linker follows them to reach project functions and known APIs.
    pub aliases: Vec<(Name, Name)>,
    /// Every comment with the line it ends on; suppressions are read from these in one place.
    pub comments: Vec<Comment>,
    /// Syntax the frontend could not understand; each becomes a `parse-error` finding.
    pub errors: Vec<SyntaxError>,
    /// The sync functions that call nothing that matters, left out of `functions` by the linker's
    /// pruning: only the [`NameKey`]s of their qualified names are kept, since calls still
    /// resolve to them.
    #[serde(default)]
    pub leaves: Vec<NameKey>,
    /// The names that calls with [`Usage::UnusedBinding`] are bound to (few calls have one, so a
    /// call keeps an index into this list instead of a name).
    #[serde(default)]
    pub bound_names: Vec<Name>,
    /// The line ranges (first, last) of test code: test functions, `#[cfg(test)]` modules, or the
    /// whole file for a test file.
    #[serde(default)]
    pub test_lines: Vec<(u32, u32)>,
    /// For a notebook, its code cells in the order they are joined into the linted text.
    #[serde(default)]
    pub cells: Vec<Cell>,
    /// The items that an `allow` directive on the line before them covers (only those that have
    /// one are kept).
    #[serde(default)]
    pub items: Vec<ItemLines>,
    /// Python classes whose calls and members the linker may resolve through the class: those
    /// with project base classes, or an `__init__`.
    #[serde(default)]
    pub classes: Vec<Class>,
}

/// The segment that stands for what calling the function before it returns (`pkg.make.()`): the
/// Python frontend names methods called on such a value `pkg.make.().get`, and records a function's
/// declared return type as an alias of `pkg.make.()`, so that the linker resolves the call across
/// modules like any re-export.
pub const RETURNED: &str = "()";

/// A class: the key of its qualified name, of its own `__init__` if it has one, and its base
/// classes as the file's imports name them (re-exports are followed by the linker). Calling the
/// class runs its `__init__`, own or inherited, and a member not defined in it is looked up in its
/// bases, in order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Class {
    pub key: NameKey,
    pub init: Option<NameKey>,
    pub bases: Box<[Name]>,
}

/// The lines of an item (fn, impl, trait, mod): from its attributes (`first`) through the line
/// of its name (`header`) to its end (`last`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ItemLines {
    pub first: u32,
    pub header: u32,
    pub last: u32,
}

impl ItemLines {
    /// Whether a directive on the line before `line` is before this item (above its header).
    pub fn starts_at(&self, line: u32) -> bool {
        (self.first..=self.header).contains(&line)
    }
}

/// A notebook's code cell: its number among all the notebook's cells (1-based, as Jupyter counts
/// them), and the lines of the linted text it takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub number: u32,
    pub first_line: u32,
    pub lines: u32,
}

impl Cell {
    /// The line of this cell that line `line` of the linted text is.
    pub fn line(&self, line: u32) -> u32 {
        line.saturating_sub(self.first_line) + 1
    }
}

impl FileModel {
    /// The name a call with [`Usage::UnusedBinding`] is bound to.
    pub fn binding(&self, binding: BoundName) -> &str {
        self.bound_names.get(binding.0 as usize).map_or("", |name| name.as_str())
    }

    /// The notebook cell that line `line` of the linted text is in.
    pub fn cell_of(&self, line: u32) -> Option<Cell> {
        self.cells.iter().rev().find(|c| c.first_line <= line && line < c.first_line + c.lines.max(1)).copied()
    }

    /// Whether `line` is in test code.
    pub fn is_test_line(&self, line: u32) -> bool {
        self.test_lines.iter().any(|&(first, last)| (first..=last).contains(&line))
    }

    pub fn new(path: PathBuf, language: Language) -> FileModel {
        FileModel {
            path,
            language,
            functions: Vec::new(),
            aliases: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            leaves: Vec::new(),
            bound_names: Vec::new(),
            test_lines: Vec::new(),
            cells: Vec::new(),
            items: Vec::new(),
            classes: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Comment {
    pub line: u32,
    /// The comment's text without its marker (`//`, `#`).
    pub text: String,
    /// True when code precedes the comment on its line.
    pub trailing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// A function, method, or the module's top-level code (a pseudo-function named after the module).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Function {
    /// The project-wide key: the [`NameKey`] of its qualified name (crate or package id, module
    /// path, impl type or class, name). Calls resolve by it; the name itself is not kept.
    pub key: NameKey,
    /// The name users read in messages and chains (`util::pause`, `Client.fetch`).
    pub display: Box<str>,
    /// The line of its name.
    pub line: u32,
    /// Calling it yields a future or coroutine (`async fn`, `async def`, `-> impl Future`).
    pub returns_future: bool,
    /// Calling it starts a runtime or event loop (`#[tokio::main]`).
    pub starts_runtime: bool,
    /// Positions (among the call's arguments) of parameters it hands to an offload wrapper:
    /// a closure passed there runs on another thread (`fn asyncify(f) { spawn_blocking(f) }`).
    pub offloaded_params: Box<[u32]>,
    pub calls: Box<[CallSite]>,
    /// Calls that matter only through what their callee does (see [`EffectCall`]); empty until
    /// the linker's pruning.
    #[serde(default)]
    pub effect_calls: Box<[EffectCall]>,
}

impl Function {
    /// The name users read in messages and chains.
    pub fn display(&self) -> &str {
        &self.display
    }

    /// The callees of its calls, then of its effect calls.
    pub fn callees(&self) -> impl Iterator<Item = &Callee> {
        self.calls.iter().map(|c| &c.callee).chain(self.effect_calls.iter().map(|c| &c.callee))
    }

    /// Its calls and effect calls in the order they were lowered: each one's number (as
    /// [`Function::callees`] counts them), line, and the call itself when it is not an effect call.
    pub fn calls_in_order(&self) -> impl Iterator<Item = (usize, u32, Option<&CallSite>)> {
        let (mut call, mut effect) = (0, 0);
        std::iter::from_fn(move || {
            if let Some(e) = self.effect_calls.get(effect).filter(|e| e.after as usize <= call) {
                effect += 1;
                return Some((self.calls.len() + effect - 1, e.line, None));
            }
            let c = self.calls.get(call)?;
            call += 1;
            Some((call - 1, c.span.line, Some(c)))
        })
    }

    /// Sorts each call by its fate: dropped, kept, or kept as an [`EffectCall`] only. A call that
    /// another call's closure argument links to, and every call with such a link, stays a full
    /// call (the linker follows the links to learn where a closure runs); the links are renumbered.
    pub fn sort_calls(&mut self, fate: impl Fn(&CallSite) -> Fate) {
        let mut fates: Vec<Fate> = self.calls.iter().map(&fate).collect();
        if fates.iter().all(|f| *f == Fate::Keep) {
            return;
        }
        for i in 0..fates.len() {
            if fates[i] == Fate::Drop {
                continue;
            }
            let mut link = self.calls[i].in_closure_arg;
            if link.is_some() {
                fates[i] = Fate::Keep;
            }
            // Links point to enclosing calls, so the walk ends; the bound is for malformed input.
            for _ in 0..fates.len() {
                let Some(outer) = link.map(|arg| arg.call as usize).filter(|&o| o < fates.len()) else { break };
                fates[outer] = Fate::Keep;
                link = self.calls[outer].in_closure_arg;
            }
        }
        let mut renumbered = Vec::with_capacity(fates.len());
        let mut next = 0u32;
        for &f in &fates {
            renumbered.push(next);
            next += u32::from(f == Fate::Keep);
        }
        let mut calls = Vec::with_capacity(next as usize);
        let mut effect_calls = Vec::new();
        for (call, f) in std::mem::take(&mut self.calls).into_vec().into_iter().zip(fates) {
            match f {
                Fate::Drop => {}
                Fate::Keep => calls.push(call),
                Fate::Effect => effect_calls.push(EffectCall {
                    callee: call.callee,
                    line: call.span.line,
                    after: calls.len() as u32,
                }),
            }
        }
        for call in &mut calls {
            if let Some(arg) = &mut call.in_closure_arg {
                arg.call = renumbered.get(arg.call as usize).copied().unwrap_or(u32::MAX);
            }
        }
        self.calls = calls.into_boxed_slice();
        self.effect_calls = effect_calls.into_boxed_slice();
    }
}

/// What [`Function::sort_calls`] does with a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Drop,
    Keep,
    /// Keep only what an [`EffectCall`] has.
    Effect,
}

/// A qualified name's 64-bit hash. Wide enough: in a run with a million functions, the chance
/// that a function shares its key with another name looked up is below one in ten million.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct NameKey(u64);

impl NameKey {
    pub fn of(name: &str) -> NameKey {
        NameKey(xxhash_rust::xxh3::xxh3_64(name.as_bytes()))
    }
}

/// Where a call executes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Context {
    /// On the thread of whatever calls the enclosing sync function.
    Sync,
    /// On the runtime's thread, inside an async fn, async block, async closure or coroutine.
    Async,
    /// On another thread: a closure handed to `spawn_blocking`, `asyncio.to_thread`, a thread...
    Offloaded,
    /// On the event loop's thread while the loop runs, outside any coroutine: the top level of a
    /// notebook's cells, which IPython runs inside its loop. A runtime cannot be started there,
    /// `await` is allowed, and blocking is what the user asked for.
    Loop,
}

/// What happens to the value a call returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Usage {
    /// `.await` / `await`.
    Awaited,
    /// An expression statement: the value is dropped at once.
    Discarded,
    /// Explicitly thrown away: `let _ = f()` / `_ = f()`.
    DiscardedBinding,
    /// Passed to `drop(...)` / `del`.
    Dropped,
    /// Bound to a name that is never used afterwards (see [`FileModel::binding`]).
    UnusedBinding(BoundName),
    /// Anything else: returned, passed on, stored, polled, chained.
    Used,
}

impl Usage {
    /// The value is thrown away unused: dropped at once, bound to `_`, passed to `drop`, or bound
    /// to a name never used again.
    pub fn is_thrown_away(&self) -> bool {
        matches!(self, Usage::Discarded | Usage::DiscardedBinding | Usage::Dropped | Usage::UnusedBinding(_))
    }
}

/// The index of a bound name in [`FileModel::bound_names`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BoundName(pub u32);

/// A call's callee, resolved as far as the frontend could.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Callee {
    /// Fully qualified candidate paths, most likely first (more than one only where a glob import
    /// leaves the origin open). Method calls on a receiver of known type are `Type::method`.
    Path(Paths),
    /// A method call whose receiver's type is unknown.
    Method(Name),
    /// A closure, a local variable, an expression: nothing to resolve.
    Unknown,
}

/// A callee's candidate paths, in one word when there is one (nearly always).
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Paths {
    One(Name),
    Many(Box<Box<[Name]>>),
}

impl std::ops::Deref for Paths {
    type Target = [Name];
    fn deref(&self) -> &[Name] {
        match self {
            Paths::One(path) => std::slice::from_ref(path),
            Paths::Many(paths) => paths,
        }
    }
}

impl From<Name> for Paths {
    fn from(path: Name) -> Paths {
        Paths::One(path)
    }
}

impl FromIterator<Name> for Paths {
    fn from_iter<I: IntoIterator<Item = Name>>(paths: I) -> Paths {
        let mut paths: Vec<Name> = paths.into_iter().collect();
        match paths.len() {
            1 => Paths::One(paths.remove(0)),
            _ => Paths::Many(Box::new(paths.into_boxed_slice())),
        }
    }
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct CallSite {
    pub callee: Callee,
    /// The callee as written, for messages (`thread::sleep`, `rx.recv`).
    pub written: Name,
    pub span: Span,
    pub context: Context,
    pub usage: Usage,
    /// When the call is inside a closure passed as an argument: which call of the same function
    /// (an index into its `calls`) and which argument. The linker decides whether that callee
    /// runs the closure elsewhere.
    pub in_closure_arg: Option<ClosureArg>,
}

/// A call of a sync function's own code whose value is used: no rule reports it, and it matters only
/// through the blocking calls and runtime starts its callee passes on. Such calls are the bulk of
/// a project's, so they keep only what the call graph needs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EffectCall {
    pub callee: Callee,
    pub line: u32,
    /// Its place among the function's calls: after this many of them.
    pub after: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClosureArg {
    pub call: u32,
    pub arg: u32,
}

impl CallSite {
    pub fn candidates(&self) -> &[Name] {
        match &self.callee {
            Callee::Path(paths) => paths,
            _ => &[],
        }
    }

    pub fn method_name(&self) -> Option<&str> {
        match &self.callee {
            Callee::Method(name) => Some(name),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(written: &str, in_closure_arg: Option<ClosureArg>) -> CallSite {
        CallSite {
            callee: Callee::Unknown,
            written: written.into(),
            span: Span::point(1, 1),
            context: Context::Sync,
            usage: Usage::Used,
            in_closure_arg,
        }
    }

    #[test]
    fn summaries_stay_small() {
        // They are the bulk of a summary: keep them small.
        assert_eq!(size_of::<Callee>(), 16);
        assert!(size_of::<CallSite>() <= 64, "{}", size_of::<CallSite>());
        assert!(size_of::<EffectCall>() <= 24, "{}", size_of::<EffectCall>());
        assert!(size_of::<Function>() <= 80, "{}", size_of::<Function>());
    }

    /// A sync function `m.f` with these calls.
    fn function(calls: impl IntoIterator<Item = CallSite>) -> Function {
        Function {
            key: NameKey::of("m.f"),
            display: "f".into(),
            line: 1,
            returns_future: false,
            starts_runtime: false,
            offloaded_params: Box::default(),
            calls: calls.into_iter().collect(),
            effect_calls: Box::default(),
        }
    }

    #[test]
    fn retained_calls_keep_the_calls_their_closures_are_passed_to() {
        let mut function = function([
            call("dropped", None),
            call("outer", None),
            call("middle", Some(ClosureArg { call: 1, arg: 0 })),
            call("inner", Some(ClosureArg { call: 2, arg: 1 })),
            call("also_dropped", Some(ClosureArg { call: 1, arg: 0 })),
        ]);
        function.sort_calls(|c| if c.written == "inner" { Fate::Keep } else { Fate::Drop });
        let kept: Vec<(&str, Option<ClosureArg>)> =
            function.calls.iter().map(|c| (c.written.as_str(), c.in_closure_arg)).collect();
        assert_eq!(
            kept,
            [
                ("outer", None),
                ("middle", Some(ClosureArg { call: 0, arg: 0 })),
                ("inner", Some(ClosureArg { call: 1, arg: 1 })),
            ]
        );
    }

    #[test]
    fn effect_calls_keep_their_place_and_calls_linked_by_closures_stay_whole() {
        let effect = |c: &CallSite| match c.written.as_str() {
            "inner" => Fate::Keep,
            "gone" => Fate::Drop,
            _ => Fate::Effect,
        };
        let linked = Some(ClosureArg { call: 1, arg: 0 });
        let calls = [("a", None), ("outer", None), ("inner", linked), ("linked", linked), ("gone", None), ("c", None)];
        let mut function = function(calls.iter().zip(1..).map(|(&(written, link), line)| CallSite {
            callee: Callee::Path(Name::new(written).into()),
            span: Span::point(line, 1),
            ..call(written, link)
        }));
        function.sort_calls(effect);
        let whole: Vec<(&str, Option<ClosureArg>)> =
            function.calls.iter().map(|c| (c.written.as_str(), c.in_closure_arg)).collect();
        let link = Some(ClosureArg { call: 0, arg: 0 });
        assert_eq!(whole, [("outer", None), ("inner", link), ("linked", link)]);
        let in_order: Vec<(usize, u32, bool)> =
            function.calls_in_order().map(|(number, line, call)| (number, line, call.is_some())).collect();
        assert_eq!(in_order, [(3, 1, false), (0, 2, true), (1, 3, true), (2, 4, true), (4, 6, false)]);
        let callees: Vec<&str> = function
            .callees()
            .flat_map(|c| match c {
                Callee::Path(paths) => paths.first().map(Name::as_str),
                _ => None,
            })
            .collect();
        assert_eq!(callees, ["outer", "inner", "linked", "a", "c"]);
    }
}
