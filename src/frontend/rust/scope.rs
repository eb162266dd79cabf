//! Name resolution for one Rust file: module scopes with items and `use` imports, block scopes
//! with local items and bindings, `crate`/`self`/`super`/`Self`, and glob imports.

use std::cell::RefCell;
use std::fmt::Write;
use std::rc::Rc;

use rustc_hash::FxHashMap;

use crate::knowledge::Knowledge;
use crate::model::Name;

/// A path segment: shared text, so that copying a path copies no string.
pub type Segment = Rc<str>;
pub type Path = Vec<Segment>;

/// An identifier's text as a path segment (written through one buffer per thread, so that the
/// segment is the only allocation).
pub fn segment(ident: &proc_macro2::Ident) -> Segment {
    thread_local! {
        static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    }
    TEXT.with_borrow_mut(|text| {
        text.clear();
        // Writing to a `String` cannot fail.
        let _ = write!(text, "{ident}");
        Rc::from(text.as_str())
    })
}

/// `a::b::c` as a path.
pub fn split_path(text: &str) -> Path {
    text.split("::").map(Segment::from).collect()
}

/// Calls `f` with the text `write` produces, written in one buffer per thread rather than in a new
/// string (`f` must not call this again).
pub fn with_text<R>(write: impl FnOnce(&mut String), f: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static TEXT: RefCell<String> = const { RefCell::new(String::new()) };
    }
    TEXT.with_borrow_mut(|text| {
        text.clear();
        write(text);
        f(text)
    })
}

/// Appends a path's text: `a::b::c`.
pub fn push_path(text: &mut String, path: &[Segment]) {
    for (index, segment) in path.iter().enumerate() {
        if index > 0 {
            text.push_str("::");
        }
        text.push_str(segment);
    }
}

/// A path's text, interned.
pub fn path_name(path: &[Segment]) -> Name {
    with_text(|text| push_path(text, path), Name::new)
}

#[derive(Debug, Clone)]
pub enum Binding {
    /// An item defined in scope: its full path.
    Item(Path),
    /// A `use` import: the path as written, resolved lazily from the module that declares it.
    Use(Path),
    /// A local variable, with its type when the initializer or annotation makes it evident.
    Local(Option<Path>),
}

#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// The module this frame belongs to (where `self::` points); shared by the frames inside it.
    pub module: Rc<Path>,
    pub names: FxHashMap<Segment, Binding>,
    /// Glob imports, as written.
    pub globs: Vec<Path>,
}

/// What a path in an expression refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// Candidate full paths, most likely first.
    Paths(Vec<Path>),
    /// A local variable: nothing to resolve statically.
    Local(Option<Path>),
}

pub struct Resolver<'a> {
    pub kb: &'a Knowledge,
    /// The crate's id: what `crate::` stands for.
    pub root: Segment,
    pub frames: Vec<Frame>,
    /// The `Self` type inside an impl or trait.
    pub self_type: Option<Path>,
}

const MAX_DEPTH: usize = 16;

/// Names every module sees without importing them (the standard prelude), that matter here.
const PRELUDE: [(&str, &str); 5] = [
    ("drop", "std::mem::drop"),
    ("Future", "std::future::Future"),
    ("IntoFuture", "std::future::IntoFuture"),
    ("Box", "std::boxed::Box"),
    ("Vec", "std::vec::Vec"),
];

impl Frame {
    pub fn new(module: Rc<Path>) -> Frame {
        Frame { module, names: FxHashMap::default(), globs: Vec::new() }
    }
}

impl Resolver<'_> {
    pub fn module(&self) -> &Rc<Path> {
        &self.frames.last().expect("a resolver always has its module frame").module
    }

    pub fn bind(&mut self, name: Segment, binding: Binding) {
        if let Some(frame) = self.frames.last_mut() {
            frame.names.insert(name, binding);
        }
    }

    /// Resolves a path as written in an expression or type.
    pub fn resolve(&self, segments: &[Segment]) -> Resolved {
        self.resolve_in(segments, self.frames.len(), 0, true)
    }

    /// The single most likely full path, if `segments` names no local variable.
    pub fn resolve_path(&self, segments: &[Segment]) -> Option<Path> {
        match self.resolve(segments) {
            Resolved::Paths(mut paths) if !paths.is_empty() => Some(paths.swap_remove(0)),
            _ => None,
        }
    }

    /// The modules a glob import of the innermost frame brings in.
    pub fn resolve_glob(&self, glob: &[Segment]) -> Vec<Path> {
        self.resolve_use(glob, self.frames.len(), 0, false)
    }

    /// Resolution as seen from the innermost `depth_frames` frames.
    /// `globs`: whether glob imports may supply the first segment. A glob's own path is resolved
    /// without them, which keeps resolution linear in the number of globs.
    fn resolve_in(&self, segments: &[Segment], depth_frames: usize, depth: usize, globs: bool) -> Resolved {
        let Some(first) = segments.first() else {
            return Resolved::Paths(vec![]);
        };
        let rest = &segments[1..];
        let module: &[Segment] = self.frames[..depth_frames].last().map_or(&[], |f| f.module.as_slice());
        match &**first {
            "::" => return Resolved::Paths(vec![normalize(rest.to_vec())]),
            "crate" => return Resolved::Paths(vec![join(std::slice::from_ref(&self.root), rest)]),
            "self" if !rest.is_empty() => return Resolved::Paths(vec![join(module, rest)]),
            "super" => {
                let mut base = module;
                let mut rest = segments;
                while rest.first().is_some_and(|s| &**s == "super") {
                    if base.len() > 1 {
                        base = &base[..base.len() - 1];
                    }
                    rest = &rest[1..];
                }
                return Resolved::Paths(vec![join(base, rest)]);
            }
            "Self" => {
                if let Some(ty) = &self.self_type {
                    return Resolved::Paths(vec![join(ty, rest)]);
                }
            }
            _ => {}
        }
        if depth < MAX_DEPTH {
            for (index, frame) in self.frames[..depth_frames].iter().enumerate().rev() {
                match frame.names.get(&**first) {
                    Some(Binding::Local(ty)) if rest.is_empty() => {
                        return Resolved::Local(ty.clone());
                    }
                    Some(Binding::Local(_)) => return Resolved::Local(None),
                    Some(Binding::Item(path)) => return Resolved::Paths(vec![join(path, rest)]),
                    Some(Binding::Use(target)) => {
                        // A `use` is resolved from its own frame, whose names may not include itself.
                        let target = self.resolve_use(target, index + 1, depth + 1, globs);
                        return Resolved::Paths(target.into_iter().map(|t| join(&t, rest)).collect());
                    }
                    None => {}
                }
            }
        }
        let literal = match PRELUDE.iter().find(|(name, _)| &**first == *name) {
            Some((_, path)) => join(&split_path(path), rest),
            None => normalize(segments.to_vec()),
        };
        let mut candidates = Vec::new();
        if globs && depth < MAX_DEPTH {
            for (index, frame) in self.frames[..depth_frames].iter().enumerate().rev() {
                for glob in &frame.globs {
                    for base in self.resolve_use(glob, index + 1, depth + 1, false) {
                        let candidate = join(&base, segments);
                        let project = candidate.first() == Some(&self.root);
                        let known = || {
                            with_text(
                                |text| push_path(text, &candidate),
                                |joined| self.kb.knows_path(joined) || self.kb.knows_module(joined),
                            )
                        };
                        if project || known() {
                            candidates.push(candidate);
                        }
                    }
                }
            }
        }
        candidates.push(literal);
        Resolved::Paths(candidates)
    }

    /// A `use` path is relative to the declaring module (2018 uniform paths), else a crate name.
    fn resolve_use(&self, target: &[Segment], depth_frames: usize, depth: usize, globs: bool) -> Vec<Path> {
        let Some(first) = target.first() else {
            return vec![];
        };
        if &**first == "::" {
            return vec![normalize(target[1..].to_vec())];
        }
        match self.resolve_in(target, depth_frames, depth, globs) {
            Resolved::Paths(paths) => paths,
            Resolved::Local(_) => vec![normalize(target.to_vec())],
        }
    }
}

pub fn join(base: &[Segment], rest: &[Segment]) -> Path {
    let mut path = Vec::with_capacity(base.len() + rest.len());
    path.extend_from_slice(base);
    path.extend_from_slice(rest);
    path
}

/// `core::` and `alloc::` paths are the same items as `std::` ones.
fn normalize(mut path: Path) -> Path {
    if path.first().is_some_and(|s| &**s == "core" || &**s == "alloc") {
        path[0] = "std".into();
    }
    path
}
