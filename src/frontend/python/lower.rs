//! Lowers the syntax tree into the program model: functions, call sites with callees resolved
//! through imports, aliases, scopes and evident receiver types, their contexts and usages.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::rc::Rc;
use std::sync::LazyLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::ast::{self, Call, Class, Def, Expr, Lambda, Param, Stmt};
use crate::frontend::Unit;
use crate::knowledge::{Knowledge, Returns, Table};
use crate::model::{BoundName, CallSite, Callee, ClosureArg, Context, Function, Name, NameKey, RETURNED, Span, Usage};

/// Names Python provides without an import (`dir(builtins)` of CPython 3.11, and 3.13's additions).
const BUILTINS: [&str; 149] = [
    "ArithmeticError",
    "AssertionError",
    "AttributeError",
    "BaseException",
    "BaseExceptionGroup",
    "BlockingIOError",
    "BrokenPipeError",
    "BufferError",
    "BytesWarning",
    "ChildProcessError",
    "ConnectionAbortedError",
    "ConnectionError",
    "ConnectionRefusedError",
    "ConnectionResetError",
    "DeprecationWarning",
    "EOFError",
    "Ellipsis",
    "EncodingWarning",
    "EnvironmentError",
    "Exception",
    "ExceptionGroup",
    "FileExistsError",
    "FileNotFoundError",
    "FloatingPointError",
    "FutureWarning",
    "GeneratorExit",
    "IOError",
    "ImportError",
    "ImportWarning",
    "IndentationError",
    "IndexError",
    "InterruptedError",
    "IsADirectoryError",
    "KeyError",
    "KeyboardInterrupt",
    "LookupError",
    "MemoryError",
    "ModuleNotFoundError",
    "NameError",
    "NotADirectoryError",
    "NotImplemented",
    "NotImplementedError",
    "OSError",
    "OverflowError",
    "PendingDeprecationWarning",
    "PermissionError",
    "ProcessLookupError",
    "RecursionError",
    "ReferenceError",
    "ResourceWarning",
    "RuntimeError",
    "RuntimeWarning",
    "StopAsyncIteration",
    "StopIteration",
    "SyntaxError",
    "SyntaxWarning",
    "SystemError",
    "SystemExit",
    "TabError",
    "TimeoutError",
    "TypeError",
    "UnboundLocalError",
    "UnicodeDecodeError",
    "UnicodeEncodeError",
    "UnicodeError",
    "UnicodeTranslateError",
    "UnicodeWarning",
    "UserWarning",
    "ValueError",
    "Warning",
    "ZeroDivisionError",
    "abs",
    "aiter",
    "all",
    "anext",
    "any",
    "ascii",
    "bin",
    "bool",
    "breakpoint",
    "bytearray",
    "bytes",
    "callable",
    "chr",
    "classmethod",
    "compile",
    "complex",
    "copyright",
    "credits",
    "delattr",
    "dict",
    "dir",
    "divmod",
    "enumerate",
    "eval",
    "exec",
    "exit",
    "filter",
    "float",
    "format",
    "frozenset",
    "getattr",
    "globals",
    "hasattr",
    "hash",
    "help",
    "hex",
    "id",
    "input",
    "int",
    "isinstance",
    "issubclass",
    "iter",
    "len",
    "license",
    "list",
    "locals",
    "map",
    "max",
    "memoryview",
    "min",
    "next",
    "object",
    "oct",
    "open",
    "ord",
    "pow",
    "print",
    "property",
    "quit",
    "range",
    "repr",
    "reversed",
    "round",
    "set",
    "setattr",
    "slice",
    "sorted",
    "staticmethod",
    "str",
    "sum",
    "super",
    "tuple",
    "type",
    "vars",
    "zip",
    "__import__",
    "__build_class__",
    "PythonFinalizationError",
];

fn is_builtin(name: &str) -> bool {
    static SET: LazyLock<FxHashSet<&str>> = LazyLock::new(|| BUILTINS.into_iter().collect());
    SET.contains(name)
}

/// What a name or expression evaluates to, as far as the file shows.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    /// A module, class, function or alias of one: its full path.
    Path(String),
    /// A module-level variable whose type is unknown: calling it calls its path.
    Global(String),
    /// An instance of the class at this path.
    Instance(String),
    Unknown,
}

/// Where a binding's value comes from (evaluated once all of a scope's names are known).
enum Source<'a> {
    Value(Value),
    Expr(&'a Expr<'a>),
    /// The `index`-th element of what `expr` evaluates to.
    Element(&'a Expr<'a>, usize),
    Annotation(&'a Expr<'a>),
    /// A `def` or `class` statement: the name's path is the scope's path and the name.
    Def,
    Class,
    /// Makes the name local without telling anything about it (`x += 1`).
    Nothing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ScopeKind {
    Module,
    Class,
    Function,
}

struct Scope<'a> {
    kind: ScopeKind,
    /// The qualified name of what the scope belongs to (module, class or function).
    qual: Rc<str>,
    names: FxHashSet<&'a str>,
    bindings: FxHashMap<&'a str, Value>,
    globals: Vec<&'a str>,
    /// Every load of a name in a function (loads inside nested functions at `u32::MAX`); only
    /// a function's are collected, as only they tell whether a binding is used.
    loads: Places<'a>,
    deletes: Places<'a>,
}

/// Where names occur in a scope: as collected, and the latest place of each name, computed
/// when first asked (most scopes are never asked).
#[derive(Default)]
struct Places<'a> {
    collected: Vec<(&'a str, (u32, u32))>,
    latest: Option<FxHashMap<&'a str, (u32, u32)>>,
}

impl Places<'_> {
    /// Whether `name` occurs at `from` or later.
    fn any_from(&mut self, name: &str, from: (u32, u32)) -> bool {
        let collected = &mut self.collected;
        let latest = self.latest.get_or_insert_with(|| {
            let mut latest = FxHashMap::default();
            for (name, at) in collected.drain(..) {
                let slot = latest.entry(name).or_insert(at);
                *slot = at.max(*slot);
            }
            latest
        });
        latest.get(name).is_some_and(|&at| at >= from)
    }
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, qual: Rc<str>) -> Scope<'a> {
        Scope {
            kind,
            qual,
            names: FxHashSet::default(),
            bindings: FxHashMap::default(),
            globals: Vec::new(),
            loads: Places::default(),
            deletes: Places::default(),
        }
    }
}

/// What a pre-pass over one scope's body found.
#[derive(Default)]
struct Collected<'a> {
    /// Whether to record `loads` (a function's pre-pass).
    want_loads: bool,
    sources: Vec<(&'a str, Source<'a>)>,
    /// `first_param.attr = value` (for `self.attr` types assigned in `__init__`).
    self_attrs: Vec<(&'a str, &'a Expr<'a>)>,
    /// Module-level imports: `(bound name, target path)`.
    imports: Vec<(&'a str, String)>,
    stars: Vec<String>,
    globals: Vec<&'a str>,
    nonlocals: Vec<&'a str>,
    loads: Vec<(&'a str, (u32, u32))>,
    /// `del name` statements.
    deletes: Vec<(&'a str, (u32, u32))>,
    /// `name.method(...)` calls, for methods that change what is known of `name`.
    method_calls: Vec<(&'a str, &'a str)>,
    yields: bool,
}

impl Collected<'_> {
    fn with_loads() -> Self {
        Collected { want_loads: true, ..Collected::default() }
    }
}

/// A function being lowered.
struct Open<'a> {
    function: Function,
    /// The function's calls and offloaded parameters so far.
    calls: Vec<CallSite>,
    offloaded_params: Vec<u32>,
    /// The parameters a caller passes as arguments (a method's receiver left out).
    params: Vec<&'a str>,
    /// The lambdas being walked that are arguments of this function's calls, innermost last.
    closure_args: Vec<ClosureArg>,
}

impl<'a> Open<'a> {
    fn new(function: Function, params: Vec<&'a str>) -> Open<'a> {
        Open { function, calls: Vec::new(), offloaded_params: Vec::new(), params, closure_args: Vec::new() }
    }

    fn finish(self) -> Function {
        Function { calls: self.calls.into(), offloaded_params: self.offloaded_params.into(), ..self.function }
    }
}

pub struct Lowerer<'k, 'a> {
    kb: &'k Knowledge,
    unit: Unit,
    module: String,
    scopes: Vec<Scope<'a>>,
    /// Functions being lowered, innermost last; finished ones move to `done`.
    open: Vec<Open<'a>>,
    pub done: Vec<Function>,
    pub aliases: Vec<(String, String)>,
    /// See [`crate::model::FileModel::classes`].
    pub class_bases: Vec<crate::model::Class>,
    /// See [`crate::model::FileModel::bound_names`].
    pub bound_names: Vec<Name>,
    classes: FxHashSet<String>,
    /// Attribute types per class: `self.client = httpx.Client()` in `__init__`, `client: T`.
    class_attrs: FxHashMap<String, FxHashMap<&'a str, Value>>,
    star_modules: Vec<String>,
    /// Return annotations of the module's functions and methods: `(is async, type)`.
    annotated_returns: FxHashMap<String, (bool, Value)>,
    /// Per function being walked (innermost last): the start of the outermost loop around the point.
    loop_start: Vec<Option<(u32, u32)>>,
    /// The callee of the call being lowered as written (one buffer for all calls).
    written: String,
    /// The run's project roots, when known: see [`Lowerer::may_matter`].
    roots: Option<&'k FxHashSet<&'k str>>,
    /// The module's path and a dot, or empty.
    module_prefix: String,
}

fn pos(span: Span) -> (u32, u32) {
    (span.line, span.column)
}

fn end(span: Span) -> (u32, u32) {
    (span.end_line, span.end_column)
}

/// The name a callee expression starts from: `requests` in `requests.Session`.
fn root_name<'e>(expr: &'e Expr<'_>) -> Option<&'e str> {
    match expr {
        Expr::Name(name, _) => Some(name),
        Expr::Attr(base, _, _) => root_name(base),
        _ => None,
    }
}

/// The `receiver.attr = value` assignments of a method body, outside nested functions and classes.
fn self_assignments<'a>(body: &'a [Stmt<'a>], receiver: &str, out: &mut Vec<(&'a str, &'a Expr<'a>)>) {
    for stmt in body {
        match stmt {
            Stmt::Assign { targets, value } => {
                for target in targets {
                    if let Expr::Attr(base, attr, _) = target
                        && matches!(base.as_ref(), Expr::Name(name, _) if *name == receiver)
                    {
                        out.push((attr, value));
                    }
                }
            }
            Stmt::If { branches, orelse } => {
                for (_, branch) in branches {
                    self_assignments(branch, receiver, out);
                }
                self_assignments(orelse, receiver, out);
            }
            Stmt::With { body, .. } => self_assignments(body, receiver, out),
            Stmt::Try(t) => {
                self_assignments(&t.body, receiver, out);
                self_assignments(&t.orelse, receiver, out);
                self_assignments(&t.finalbody, receiver, out);
            }
            _ => {}
        }
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        return name.to_string();
    }
    let mut path = String::with_capacity(prefix.len() + 1 + name.len());
    path.push_str(prefix);
    path.push('.');
    path.push_str(name);
    path
}

/// See [`Lowerer::callee_text`].
enum CalleeText<'s> {
    Path(Cow<'s, str>),
    Method(&'s str),
    Unknown,
}

fn last_segment(path: &str) -> &str {
    path.rsplit('.').next().unwrap_or(path)
}

impl<'k, 'a> Lowerer<'k, 'a> {
    pub fn new(
        kb: &'k Knowledge,
        unit: &Unit,
        fallback_name: &str,
        roots: Option<&'k FxHashSet<&'k str>>,
    ) -> Lowerer<'k, 'a> {
        let module_prefix = if unit.module.is_empty() { String::new() } else { unit.module.join(".") + "." };
        let module = if unit.module.is_empty() { fallback_name.to_string() } else { unit.module.join(".") };
        Lowerer {
            kb,
            unit: unit.clone(),
            module,
            scopes: Vec::new(),
            open: Vec::new(),
            done: Vec::new(),
            aliases: Vec::new(),
            bound_names: Vec::new(),
            classes: FxHashSet::default(),
            class_bases: Vec::new(),
            class_attrs: FxHashMap::default(),
            star_modules: Vec::new(),
            annotated_returns: FxHashMap::default(),
            loop_start: Vec::new(),
            written: String::new(),
            roots,
            module_prefix,
        }
    }

    /// Lowers a module whose top level runs in `top_level` (a notebook's on the running loop).
    pub fn module(&mut self, body: &'a [Stmt<'a>], top_level: Context) {
        let mut collected = Collected::default();
        collect_block(body, &mut collected, &self.unit, None);
        self.star_modules = collected.stars.clone();
        for (name, target) in &collected.imports {
            self.aliases.push((join(&self.module, name), target.clone()));
        }
        let scope = Scope::new(ScopeKind::Module, Rc::from(self.module.as_str()));
        self.enter_scope(scope, collected);
        self.note_annotated_returns(body, &self.module.clone());
        for module in &self.star_modules {
            self.aliases.push((join(&self.module, "*"), module.clone()));
        }
        let function = Function {
            key: NameKey::of(&self.module),
            display: self.module.as_str().into(),
            line: 1,
            returns_future: false,
            starts_runtime: false,
            offloaded_params: Box::default(),
            calls: Box::default(),
            effect_calls: Box::default(),
        };
        self.open.push(Open::new(function, Vec::new()));
        self.loop_start.push(None);
        self.block(body, top_level);
        self.loop_start.pop();
        if let Some(open) = self.open.pop() {
            self.done.insert(0, open.finish());
        }
    }

    /// Records the return annotations of the functions and methods defined at the top of `body`.
    fn note_annotated_returns(&mut self, body: &[Stmt<'_>], prefix: &str) {
        for stmt in body {
            match stmt {
                Stmt::Def(def) => {
                    let value = def.returns.as_ref().map_or(Value::Unknown, |a| self.annotation(a));
                    if value != Value::Unknown {
                        let qualname = join(prefix, def.name);
                        // Other modules see the type through `qualname.()` (see `model::RETURNED`);
                        // an `@overload` is one of several signatures, not what the call returns.
                        let overload = def.decorators.iter().any(|d| match d {
                            Expr::Name(name, _) => *name == "overload",
                            Expr::Attr(_, attr, _) => *attr == "overload",
                            _ => false,
                        });
                        // Only a type whose methods the knowledge base or the project may define.
                        if let (false, false, Value::Instance(ty)) = (def.is_async, overload, &value)
                            && (self.kb.knows_module(ty) || self.may_matter(ty))
                        {
                            self.aliases.push((join(&qualname, RETURNED), ty.clone()));
                        }
                        self.annotated_returns.insert(qualname, (def.is_async, value));
                    }
                }
                Stmt::Class(class) => self.note_annotated_returns(&class.body, &join(prefix, class.name)),
                _ => {}
            }
        }
    }

    /// Pushes a scope and evaluates the bindings `collected` found for it.
    fn enter_scope(&mut self, mut scope: Scope<'a>, collected: Collected<'a>) {
        scope.names.extend(collected.sources.iter().map(|(name, _)| *name));
        for name in collected.globals.iter().chain(&collected.nonlocals) {
            scope.names.remove(name);
        }
        scope.globals = collected.globals;
        scope.loads.collected = collected.loads;
        scope.deletes.collected = collected.deletes;
        let kind = scope.kind;
        let qual = scope.qual.clone();
        self.scopes.push(scope);
        let mut sources = collected.sources;
        // `sock.setblocking(False)` anywhere in the scope: `sock`'s calls are not known to block.
        for (name, method) in collected.method_calls {
            if self.kb.switches_to_nonblocking(method) && sources.iter().any(|(n, _)| *n == name) {
                sources.push((name, Source::Value(Value::Unknown)));
            }
        }
        for (name, source) in sources {
            let value = match source {
                Source::Value(value) => Some(value),
                Source::Expr(expr) => self.assigned(expr),
                Source::Element(expr, index) => Some(self.element(expr, index)),
                Source::Annotation(expr) => Some(self.annotation(expr)),
                Source::Def => Some(Value::Path(join(&qual, name))),
                Source::Class => {
                    self.classes.insert(join(&qual, name));
                    Some(Value::Path(join(&qual, name)))
                }
                Source::Nothing => None,
            };
            let Some(mut value) = value else { continue };
            if kind == ScopeKind::Module && value == Value::Unknown {
                value = Value::Global(join(&qual, name));
            }
            let Some(scope) = self.scopes.last_mut() else { continue };
            match scope.bindings.entry(name) {
                Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                Entry::Occupied(mut slot) if *slot.get() != value => {
                    slot.insert(match kind {
                        ScopeKind::Module => Value::Global(join(&qual, name)),
                        _ => Value::Unknown,
                    });
                }
                Entry::Occupied(_) => {}
            }
        }
    }

    // ------------------------------------------------------------------ resolution

    /// What a name refers to at the current point.
    fn lookup(&self, name: &str) -> Cow<'_, Value> {
        let innermost = self.scopes.len().saturating_sub(1);
        let mut skip_to_module = false;
        for (depth, scope) in self.scopes.iter().enumerate().rev() {
            if skip_to_module && scope.kind != ScopeKind::Module {
                continue;
            }
            // Class scopes are visible only to code directly in the class body.
            if scope.kind == ScopeKind::Class && depth != innermost {
                continue;
            }
            if scope.globals.contains(&name) {
                skip_to_module = true;
                continue;
            }
            if scope.names.contains(name) {
                return match scope.bindings.get(name) {
                    Some(value) => Cow::Borrowed(value),
                    None if scope.kind == ScopeKind::Module => Cow::Owned(Value::Global(join(&self.module, name))),
                    None => Cow::Owned(Value::Unknown),
                };
            }
        }
        if is_builtin(name) {
            return Cow::Owned(Value::Path(join("builtins", name)));
        }
        Cow::Owned(match self.star_modules.first() {
            Some(module) => Value::Path(join(module, name)),
            None => Value::Path(name.to_string()),
        })
    }

    /// The value an assignment binds; `None` for a value that says nothing (`None`, a constant).
    fn assigned(&self, expr: &Expr<'_>) -> Option<Value> {
        match expr {
            Expr::Other(children, _) if children.is_empty() => None,
            _ => Some(self.value(expr).into_owned()),
        }
    }

    /// What `expr` evaluates to (borrowed from the bindings where it can be).
    fn value(&self, expr: &Expr<'_>) -> Cow<'_, Value> {
        let value = match expr {
            Expr::Name(name, _) => return self.lookup(name),
            Expr::Attr(base, attr, _) => match &*self.value(base) {
                Value::Path(path) => Value::Path(join(path, attr)),
                Value::Instance(class) => match self.class_attrs.get(class).and_then(|attrs| attrs.get(*attr)) {
                    Some(value) => return Cow::Borrowed(value),
                    None => Value::Unknown,
                },
                _ => Value::Unknown,
            },
            Expr::Call(call) => match self.callee_text(&call.func) {
                CalleeText::Path(p) => match self.annotated_returns.get(&*p) {
                    Some((false, value)) => return Cow::Borrowed(value),
                    Some((true, _)) => Value::Unknown,
                    None => self.returned(&p),
                },
                CalleeText::Method(name) => {
                    self.kb.method_returns(name).map_or(Value::Unknown, |t| Value::Instance(t.to_string()))
                }
                CalleeText::Unknown => Value::Unknown,
            },
            // What awaiting a coroutine of this module gives, as its annotation says.
            Expr::Await(inner, _) => match inner.as_ref() {
                Expr::Call(call) => match self.callee_text(&call.func) {
                    CalleeText::Path(p) => match self.annotated_returns.get(&*p) {
                        Some((true, value)) => return Cow::Borrowed(value),
                        _ => Value::Unknown,
                    },
                    _ => Value::Unknown,
                },
                _ => Value::Unknown,
            },
            Expr::Walrus(_, value, _) => return self.value(value),
            _ => Value::Unknown,
        };
        Cow::Owned(value)
    }

    /// The `index`-th element of a tuple value (`a, b = x, y` or a call returning a tuple).
    fn element(&self, expr: &Expr<'_>, index: usize) -> Value {
        match expr {
            Expr::Tuple(items, _) | Expr::List(items, _) => {
                items.get(index).map_or(Value::Unknown, |item| self.value(item).into_owned())
            }
            Expr::Call(call) => match self.callee(&call.func, true, true).unwrap_or(Callee::Unknown) {
                Callee::Path(paths) => match paths.first().and_then(|p| self.kb.returns(p)) {
                    Some(Returns::Tuple(types)) => {
                        types.get(index).map_or(Value::Unknown, |t| Value::Instance(t.clone()))
                    }
                    _ => Value::Unknown,
                },
                _ => Value::Unknown,
            },
            _ => Value::Unknown,
        }
    }

    /// What calling the callable at `path` returns. A function of another module of the project
    /// returns `path.()`, which the linker resolves through that function's declared type.
    fn returned(&self, path: &str) -> Value {
        match self.kb.returns(path) {
            Some(Returns::One(t)) => Value::Instance(t.clone()),
            Some(Returns::Tuple(_)) => Value::Unknown,
            None if self.is_class(path) => Value::Instance(path.to_string()),
            None if self.is_elsewhere_in_project(path) => Value::Instance(join(path, RETURNED)),
            None => Value::Unknown,
        }
    }

    /// A path into another module of the project (by its roots; never when they are unknown).
    fn is_elsewhere_in_project(&self, path: &str) -> bool {
        let Some(roots) = self.roots else { return false };
        let in_this_module = !self.module_prefix.is_empty() && path.starts_with(&self.module_prefix);
        !in_this_module && !self.kb.knows_path(path) && roots.contains(path.split('.').next().unwrap_or(path))
    }

    /// A class of this file, or by convention a capitalised name that is not a constant.
    fn is_class(&self, path: &str) -> bool {
        let name = last_segment(path);
        self.classes.contains(path)
            || (name.starts_with(|c: char| c.is_ascii_uppercase()) && name.chars().any(|c| c.is_ascii_lowercase()))
    }

    /// The type an annotation names: `T`, `Optional[T]`, `T | None`; strings are ignored.
    fn annotation(&self, expr: &Expr<'_>) -> Value {
        match expr {
            Expr::Name(..) | Expr::Attr(..) => match self.value(expr).into_owned() {
                Value::Path(path) | Value::Global(path) => Value::Instance(path),
                _ => Value::Unknown,
            },
            Expr::Subscript(base, items, _) => match &*self.value(base) {
                Value::Path(path) if matches!(last_segment(path), "Optional" | "Union") => items
                    .iter()
                    .map(|item| self.annotation(item))
                    .find(|v| *v != Value::Unknown)
                    .unwrap_or(Value::Unknown),
                _ => Value::Unknown,
            },
            Expr::BitOr(items, _) => {
                items.iter().map(|item| self.annotation(item)).find(|v| *v != Value::Unknown).unwrap_or(Value::Unknown)
            }
            _ => Value::Unknown,
        }
    }

    /// What [`Lowerer::callee`] gives, without interning: its first candidate path, or the method.
    fn callee_text<'s>(&'s self, func: &'s Expr<'_>) -> CalleeText<'s> {
        match func {
            Expr::Name(name, _) => match self.lookup(name) {
                Cow::Borrowed(Value::Path(path) | Value::Global(path)) => CalleeText::Path(Cow::Borrowed(path)),
                Cow::Owned(Value::Path(path) | Value::Global(path)) => CalleeText::Path(Cow::Owned(path)),
                _ => CalleeText::Unknown,
            },
            Expr::Attr(base, attr, _) => match &*self.value(base) {
                Value::Path(path) | Value::Instance(path) => CalleeText::Path(Cow::Owned(join(path, attr))),
                _ => CalleeText::Method(attr),
            },
            _ => CalleeText::Unknown,
        }
    }

    /// The call's callee; `None` when the call may not matter (see [`Lowerer::may_matter`]) and
    /// `keep` is false. `across`: a method of what another module's function returns is named by
    /// that function (`pkg.make.().get`), for the linker; otherwise (sync code, where chains do
    /// not pass through such queries) by the method's name alone.
    fn callee(&self, func: &Expr<'_>, keep: bool, across: bool) -> Option<Callee> {
        // Without the project's roots, every call may matter.
        let keep = keep || self.roots.is_none();
        let callee = match func {
            Expr::Name(name, _) => {
                let name: &str = name;
                match &*self.lookup(name) {
                    Value::Path(path) | Value::Global(path) => {
                        if self.star_modules.len() > 1 && !self.is_bound(name) {
                            let mut paths = vec![path.to_string()];
                            paths.extend(self.star_modules.iter().skip(1).map(|m| join(m, name)));
                            paths.push(name.to_string());
                            if !keep && !paths.iter().any(|p| self.may_matter(p)) {
                                return None;
                            }
                            Callee::Path(paths.iter().map(|p| Name::new(p)).collect())
                        } else {
                            if !keep && !self.may_matter(path) {
                                return None;
                            }
                            Callee::Path(Name::new(path).into())
                        }
                    }
                    _ if !keep => return None,
                    _ => Callee::Unknown,
                }
            }
            Expr::Attr(base, attr, _) => match &*self.value(base) {
                Value::Instance(path) if !across && path.ends_with(RETURNED) => {
                    if !keep && !self.kb.knows_method(attr) {
                        return None;
                    }
                    Callee::Method(Name::new(attr))
                }
                Value::Path(path) | Value::Instance(path) => {
                    let path = join(path, attr);
                    if !keep && !self.may_matter(&path) {
                        return None;
                    }
                    Callee::Path(Name::new(&path).into())
                }
                _ if !keep && !self.kb.knows_method(attr) => return None,
                _ => Callee::Method(Name::new(attr)),
            },
            _ if !keep => return None,
            _ => Callee::Unknown,
        };
        Some(callee)
    }

    /// Whether a call to `path` may matter to a rule or to the linker: it is in the knowledge base,
    /// or it may lead to a project function. Calls that may not are dropped before their names are
    /// interned; the linker's pruning ([`crate::link::prune_calls`]) would drop them anyway.
    fn may_matter(&self, path: &str) -> bool {
        let Some(roots) = self.roots else { return true };
        self.kb.path_ids(path).is_some()
            || self.kb.contains_method(Table::Offload, last_segment(path))
            || (!self.module_prefix.is_empty() && path.starts_with(&self.module_prefix))
            || roots.contains(path.split('.').next().unwrap_or(path))
    }

    fn is_bound(&self, name: &str) -> bool {
        is_builtin(name) || self.scopes.iter().any(|s| s.names.contains(name))
    }

    fn is_offload(&self, callee: &Callee) -> bool {
        match callee {
            Callee::Path(paths) => paths.iter().any(|p| {
                self.kb.contains_path(Table::Offload, p) || self.kb.contains_method(Table::Offload, last_segment(p))
            }),
            Callee::Method(name) => self.kb.contains_method(Table::Offload, name),
            Callee::Unknown => false,
        }
    }

    // ------------------------------------------------------------------ walking

    fn block(&mut self, body: &'a [Stmt<'a>], ctx: Context) {
        for stmt in body {
            self.stmt(stmt, ctx);
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt<'a>, ctx: Context) {
        match stmt {
            Stmt::Def(def) => self.def(def, ctx),
            Stmt::Class(class) => self.class(class, ctx),
            Stmt::Import(_) | Stmt::ImportFrom { .. } | Stmt::Global(_) | Stmt::Nonlocal(_) => {}
            Stmt::Nothing => {}
            Stmt::Assign { targets, value } => {
                // Only a call takes the usage of the value.
                let usage = match (targets.as_slice(), value) {
                    ([Expr::Name(name, _)], Expr::Call(_)) => self.binding_usage(name, value.span()),
                    _ => Usage::Used,
                };
                self.expr(value, usage, ctx);
                for target in targets {
                    self.target(target, ctx);
                }
            }
            Stmt::AnnAssign(stmt) => {
                let ast::AnnAssign { target, annotation, value } = &**stmt;
                self.expr(annotation, Usage::Used, ctx);
                if let Some(value) = value {
                    let usage = match (target, value) {
                        (Expr::Name(name, _), Expr::Call(_)) => self.binding_usage(name, value.span()),
                        _ => Usage::Used,
                    };
                    self.expr(value, usage, ctx);
                }
                self.target(target, ctx);
            }
            Stmt::AugAssign(stmt) => {
                let ast::AugAssign { target, value } = &**stmt;
                self.expr(value, Usage::Used, ctx);
                self.expr(target, Usage::Used, ctx);
            }
            Stmt::Expr(expr) => self.expr(expr, Usage::Discarded, ctx),
            Stmt::Return(value) => {
                if let Some(value) = value {
                    self.expr(value, Usage::Used, ctx);
                }
            }
            Stmt::Delete(exprs) | Stmt::Exprs(exprs) => {
                for expr in exprs {
                    self.expr(expr, Usage::Used, ctx);
                }
            }
            Stmt::If { branches, orelse } => {
                for (test, body) in branches {
                    self.expr(test, Usage::Used, ctx);
                    self.block(body, ctx);
                }
                self.block(orelse, ctx);
            }
            Stmt::While(stmt) => {
                let ast::While { test, body, orelse, span } = &**stmt;
                self.in_loop(*span, |this| {
                    this.expr(test, Usage::Used, ctx);
                    this.block(body, ctx);
                });
                self.block(orelse, ctx);
            }
            Stmt::For(stmt) => {
                let ast::For { target, iter, body, orelse, span } = &**stmt;
                self.expr(iter, Usage::Used, ctx);
                self.in_loop(*span, |this| {
                    this.target(target, ctx);
                    this.block(body, ctx);
                });
                self.block(orelse, ctx);
            }
            Stmt::With { items, body } => {
                for (context, target) in items {
                    self.expr(context, Usage::Used, ctx);
                    if let Some(target) = target {
                        self.target(target, ctx);
                    }
                }
                self.block(body, ctx);
            }
            Stmt::Try(stmt) => {
                let ast::Try { body, handlers, orelse, finalbody } = &**stmt;
                self.block(body, ctx);
                for handler in handlers {
                    if let Some(kind) = &handler.kind {
                        self.expr(kind, Usage::Used, ctx);
                    }
                    self.block(&handler.body, ctx);
                }
                self.block(orelse, ctx);
                self.block(finalbody, ctx);
            }
            Stmt::Match { subject, cases } => {
                self.expr(subject, Usage::Used, ctx);
                for case in cases {
                    for value in &case.values {
                        self.expr(value, Usage::Used, ctx);
                    }
                    if let Some(guard) = &case.guard {
                        self.expr(guard, Usage::Used, ctx);
                    }
                    self.block(&case.body, ctx);
                }
            }
        }
    }

    fn in_loop(&mut self, span: Span, f: impl FnOnce(&mut Self)) {
        let outer = self.loop_start.last().copied().flatten();
        if let Some(slot) = self.loop_start.last_mut() {
            *slot = Some(outer.unwrap_or(pos(span)));
        }
        f(self);
        if let Some(slot) = self.loop_start.last_mut() {
            *slot = outer;
        }
    }

    /// The usage of a call whose value is bound to `name` by a statement ending at `value`.
    fn binding_usage(&mut self, name: &str, value: Span) -> Usage {
        if name == "_" {
            return Usage::DiscardedBinding;
        }
        let after = end(value);
        let from = match self.loop_start.last().copied().flatten() {
            Some(start) => start.min(after),
            None => after,
        };
        let Some(scope) = self.scopes.last_mut() else {
            return Usage::Used;
        };
        if scope.kind != ScopeKind::Function || !scope.names.contains(name) {
            return Usage::Used;
        }
        if scope.loads.any_from(name, from) {
            Usage::Used
        } else if scope.deletes.any_from(name, from) {
            Usage::Dropped
        } else {
            self.bound_names.push(name.into());
            Usage::UnusedBinding(BoundName(self.bound_names.len() as u32 - 1))
        }
    }

    /// An assignment target: only the expressions inside it (`a[f()]`, `g().x`) are evaluated.
    fn target(&mut self, target: &'a Expr<'a>, ctx: Context) {
        match target {
            Expr::Name(..) => {}
            Expr::Tuple(items, _) | Expr::List(items, _) => {
                for item in items {
                    self.target(item, ctx);
                }
            }
            Expr::Starred(inner, _) => self.target(inner, ctx),
            other => self.expr(other, Usage::Used, ctx),
        }
    }

    fn params(&mut self, params: &'a [Param<'a>], ctx: Context) {
        for param in params {
            if let Some(default) = &param.default {
                self.expr(default, Usage::Used, ctx);
            }
        }
        for param in params {
            if let Some(annotation) = &param.annotation {
                self.expr(annotation, Usage::Used, ctx);
            }
        }
    }

    fn def(&mut self, def: &'a Def<'a>, ctx: Context) {
        for decorator in &def.decorators {
            self.expr(decorator, Usage::Used, ctx);
        }
        self.params(&def.params, ctx);
        if let Some(returns) = &def.returns {
            self.expr(returns, Usage::Used, ctx);
        }
        let qualname = join(self.scopes.last().map_or("", |s| &s.qual), def.name);
        let collected = self.function_collected(def, true);
        let returns_future = def.is_async && !collected.yields;
        let receivers = usize::from(self.is_method(def));
        let params = def.params.iter().skip(receivers).map(|p| p.name).collect();
        self.enter_scope(Scope::new(ScopeKind::Function, Rc::from(qualname.as_str())), collected);
        let display = qualname.strip_prefix(&self.module).and_then(|rest| rest.strip_prefix('.')).unwrap_or(&qualname);
        let function = Function {
            key: NameKey::of(&qualname),
            display: display.into(),
            line: def.span.line,
            returns_future,
            starts_runtime: false,
            offloaded_params: Box::default(),
            calls: Box::default(),
            effect_calls: Box::default(),
        };
        self.open.push(Open::new(function, params));
        self.loop_start.push(None);
        self.block(&def.body, if def.is_async { Context::Async } else { Context::Sync });
        self.loop_start.pop();
        self.scopes.pop();
        if let Some(open) = self.open.pop() {
            self.done.push(open.finish());
        }
    }

    /// Whether `def` is a method taking its receiver (`self` or `cls`) as first parameter.
    fn is_method(&self, def: &Def<'_>) -> bool {
        self.scopes.last().is_some_and(|s| s.kind == ScopeKind::Class)
            && !def.decorators.iter().any(|d| matches!(d, Expr::Name(n, _) if *n == "staticmethod"))
    }

    /// The bindings of a function: parameters (with `self`/`cls` in methods) and its body's;
    /// with the loads of its names when `want_loads`.
    fn function_collected(&self, def: &'a Def<'a>, want_loads: bool) -> Collected<'a> {
        let mut collected = Collected { want_loads, ..Collected::default() };
        let class = self.scopes.last().filter(|s| s.kind == ScopeKind::Class).map(|s| s.qual.to_string());
        let decorated = |name: &str| def.decorators.iter().any(|d| matches!(d, Expr::Name(n, _) if *n == name));
        let method = self.is_method(def);
        for (index, param) in def.params.iter().enumerate() {
            let source = match (&class, &param.annotation) {
                (Some(class), _) if index == 0 && method => {
                    if decorated("classmethod") || def.name == "__new__" {
                        Source::Value(Value::Path(class.clone()))
                    } else {
                        Source::Value(Value::Instance(class.clone()))
                    }
                }
                (_, Some(annotation)) => Source::Annotation(annotation),
                _ => Source::Value(Value::Unknown),
            };
            collected.sources.push((param.name, source));
        }
        let receiver = class.as_ref().and(def.params.first()).map(|p| p.name);
        collect_block(&def.body, &mut collected, &self.unit, receiver);
        collected
    }

    fn class(&mut self, class: &'a Class<'a>, ctx: Context) {
        for decorator in &class.decorators {
            self.expr(decorator, Usage::Used, ctx);
        }
        self.args(&class.bases, None, false, ctx);
        let qual = join(self.scopes.last().map_or("", |s| &s.qual), class.name);
        self.classes.insert(qual.clone());
        // Bases the project may define (keyword arguments such as `metaclass=` are no bases).
        let bases: Vec<String> = class
            .bases
            .iter()
            .filter_map(|base| match &*self.value(base) {
                Value::Path(path) | Value::Global(path) if self.may_matter(path) => Some(path.clone()),
                _ => None,
            })
            .collect();
        let has_init = class.body.iter().any(|s| matches!(s, Stmt::Def(def) if def.name == "__init__"));
        if !bases.is_empty() || has_init {
            self.class_bases.push(crate::model::Class {
                key: NameKey::of(&qual),
                init: has_init.then(|| NameKey::of(&join(&qual, "__init__"))),
                bases: bases.iter().map(|b| Name::new(b)).collect(),
            });
        }
        let mut collected = Collected::default();
        collect_block(&class.body, &mut collected, &self.unit, None);
        let mut attrs = FxHashMap::default();
        for stmt in &class.body {
            if let Stmt::AnnAssign(stmt) = stmt
                && let Expr::Name(name, _) = &stmt.target
            {
                attrs.insert(*name, self.annotation(&stmt.annotation));
            }
        }
        self.enter_scope(Scope::new(ScopeKind::Class, Rc::from(qual.as_str())), collected);
        // `self.x = ...` in any method gives `x` its type; `__init__`'s assignments come first.
        let methods = class.body.iter().filter_map(|s| match s {
            Stmt::Def(def) => Some(&**def),
            _ => None,
        });
        let (init, others): (Vec<&'a Def<'a>>, Vec<&'a Def<'a>>) = methods.partition(|def| def.name == "__init__");
        for init in init {
            let collected = self.function_collected(init, false);
            let assigned = collected.self_attrs.clone();
            self.enter_scope(Scope::new(ScopeKind::Function, Rc::from(join(&qual, "__init__").as_str())), collected);
            for (name, value) in assigned {
                if let Some(value) = self.assigned(value) {
                    attrs.entry(name).or_insert(value);
                }
            }
            self.scopes.pop();
        }
        // Other methods: only what their assignments say in the class's scope (`self.x =
        // requests.Session()`), without collecting each method's bindings a second time.
        for def in others {
            let Some(receiver) = def.params.first().filter(|_| self.is_method(def)).map(|p| p.name) else { continue };
            let mut assigned = Vec::new();
            self_assignments(&def.body, receiver, &mut assigned);
            for (name, value) in assigned {
                // A call of a module-level name (a parameter or local of the method would shadow
                // it, and the class's scope cannot tell).
                let Expr::Call(call) = value else { continue };
                let shadowed = root_name(&call.func).is_none_or(|root| def.params.iter().any(|p| p.name == root));
                if !shadowed
                    && !attrs.contains_key(name)
                    && let Some(value) = self.assigned(value)
                {
                    attrs.insert(name, value);
                }
            }
        }
        attrs.retain(|_, v| *v != Value::Unknown);
        self.class_attrs.insert(qual, attrs);
        self.block(&class.body, ctx);
        self.scopes.pop();
    }

    /// The arguments of the call at `call` (an index into the function's calls): lambdas run
    /// where the callee runs them, and a parameter handed to an offload wrapper makes the
    /// enclosing function an offloading one.
    fn args(&mut self, args: &'a [Expr<'a>], call: Option<usize>, offload: bool, ctx: Context) {
        for (position, arg) in args.iter().enumerate() {
            match arg {
                Expr::Lambda(lambda) if offload => self.lambda(lambda, Context::Offloaded, ctx),
                Expr::Call(inner) if offload && self.is_partial(inner) => {
                    self.call(inner, Usage::Used, ctx, true);
                }
                Expr::Name(name, _) if offload => {
                    if let Some(open) = self.open.last_mut()
                        && let Some(param) = open.params.iter().position(|p| p == name)
                        && !open.offloaded_params.contains(&(param as u32))
                    {
                        open.offloaded_params.push(param as u32);
                    }
                }
                Expr::Lambda(lambda) => {
                    let tracked = call.zip(self.open.last_mut());
                    if let Some((call, open)) = tracked {
                        open.closure_args.push(ClosureArg { call: call as u32, arg: position as u32 });
                    }
                    self.lambda(lambda, ctx, ctx);
                    if let (true, Some(open)) = (call.is_some(), self.open.last_mut()) {
                        open.closure_args.pop();
                    }
                }
                value => self.expr(value, Usage::Used, ctx),
            }
        }
    }

    fn is_partial(&self, call: &Call<'_>) -> bool {
        matches!(self.callee(&call.func, true, true), Some(Callee::Path(p)) if p.iter().any(|p| p == "functools.partial"))
    }

    fn lambda(&mut self, lambda: &'a Lambda<'a>, body_ctx: Context, ctx: Context) {
        self.params(&lambda.params, ctx);
        let mut scope =
            Scope::new(ScopeKind::Function, self.scopes.last().map_or_else(|| Rc::from(""), |s| s.qual.clone()));
        scope.names.extend(lambda.params.iter().map(|p| p.name));
        self.scopes.push(scope);
        self.expr(&lambda.body, Usage::Used, body_ctx);
        self.scopes.pop();
    }

    fn call(&mut self, call: &'a Call<'a>, usage: Usage, ctx: Context, offload_args: bool) {
        // A call that passes a closure is kept: the closure's calls point to it.
        let passes_closure = call.args.iter().any(|a| matches!(a, Expr::Lambda(_)));
        let Some(callee) = self.callee(&call.func, passes_closure, ctx != Context::Sync) else {
            // Only its arguments' calls remain to be seen.
            match &call.func {
                Expr::Name(..) => {}
                Expr::Attr(base, _, _) => self.expr(base, Usage::Used, ctx),
                other => self.expr(other, Usage::Used, ctx),
            }
            self.args(&call.args, None, offload_args, ctx);
            return;
        };
        let offload = offload_args || self.is_offload(&callee);
        let mut index = None;
        if let Some(open) = self.open.last_mut() {
            let in_closure_arg = open.closure_args.last().copied();
            self.written.clear();
            write_callee(&call.func, &mut self.written);
            index = Some(open.calls.len());
            open.calls.push(CallSite {
                callee,
                written: Name::from(self.written.as_str()),
                span: call.span,
                context: ctx,
                usage,
                in_closure_arg,
            });
        }
        match &call.func {
            Expr::Name(..) => {}
            Expr::Attr(base, _, _) => self.expr(base, Usage::Used, ctx),
            other => self.expr(other, Usage::Used, ctx),
        }
        self.args(&call.args, index, offload, ctx);
    }

    fn expr(&mut self, expr: &'a Expr<'a>, usage: Usage, ctx: Context) {
        match expr {
            Expr::Call(call) => self.call(call, usage, ctx, false),
            Expr::Await(inner, _) => self.expr(inner, Usage::Awaited, ctx),
            Expr::Name(..) => {}
            Expr::Attr(base, _, _) => self.expr(base, Usage::Used, ctx),
            Expr::Lambda(lambda) => self.lambda(lambda, ctx, ctx),
            Expr::Comp(comp) => {
                let mut scope = Scope::new(
                    ScopeKind::Function,
                    self.scopes.last().map_or_else(|| Rc::from(""), |s| s.qual.clone()),
                );
                for generator in &comp.generators {
                    let mut names = Vec::new();
                    target_names(&generator.target, &mut names);
                    scope.names.extend(names);
                }
                if let Some(first) = comp.generators.first() {
                    self.expr(&first.iter, Usage::Used, ctx);
                }
                self.scopes.push(scope);
                for (index, generator) in comp.generators.iter().enumerate() {
                    if index > 0 {
                        self.expr(&generator.iter, Usage::Used, ctx);
                    }
                    self.target(&generator.target, ctx);
                    for test in &generator.ifs {
                        self.expr(test, Usage::Used, ctx);
                    }
                }
                for element in &comp.elements {
                    self.expr(element, Usage::Used, ctx);
                }
                self.scopes.pop();
            }
            Expr::Subscript(base, items, _) => {
                self.expr(base, Usage::Used, ctx);
                for item in items {
                    self.expr(item, Usage::Used, ctx);
                }
            }
            Expr::Yield(value, _) => {
                if let Some(value) = value {
                    self.expr(value, Usage::Used, ctx);
                }
            }
            Expr::Walrus(_, value, _) | Expr::Starred(value, _) => self.expr(value, Usage::Used, ctx),
            Expr::BitOr(items, _)
            | Expr::Str(items, _)
            | Expr::Tuple(items, _)
            | Expr::List(items, _)
            | Expr::Other(items, _) => {
                for item in items {
                    self.expr(item, Usage::Used, ctx);
                }
            }
        }
    }
}

/// Appends the callee as written: `t.sleep`, `open(..).read`.
fn write_callee(func: &Expr<'_>, out: &mut String) {
    match func {
        Expr::Name(name, _) => out.push_str(name),
        Expr::Attr(base, attr, _) => {
            write_callee(base, out);
            out.push('.');
            out.push_str(attr);
        }
        Expr::Call(call) => {
            write_callee(&call.func, out);
            out.push_str("(..)");
        }
        Expr::Subscript(base, _, _) => {
            write_callee(base, out);
            out.push_str("[..]");
        }
        _ => out.push_str("(..)"),
    }
}

/// The names an assignment target binds.
fn target_names<'a>(target: &Expr<'a>, out: &mut Vec<&'a str>) {
    match target {
        Expr::Name(name, _) => out.push(name),
        Expr::Tuple(items, _) | Expr::List(items, _) => {
            for item in items {
                target_names(item, out);
            }
        }
        Expr::Starred(inner, _) => target_names(inner, out),
        _ => {}
    }
}

/// Where a relative import starts: the package of the module, `level - 1` packages up.
fn relative_base(unit: &Unit, level: u32) -> Vec<String> {
    let mut base = unit.module.clone();
    if !unit.is_package {
        base.pop();
    }
    for _ in 1..level {
        base.pop();
    }
    base
}

// ---------------------------------------------------------------------- pre-pass

/// Collects the bindings of one scope's body (not of nested functions and classes, except their
/// names) and every name it loads (nested scopes included).
fn collect_block<'a>(body: &'a [Stmt<'a>], out: &mut Collected<'a>, unit: &Unit, receiver: Option<&str>) {
    for stmt in body {
        collect_stmt(stmt, out, unit, receiver);
    }
}

fn bind_target<'a>(target: &'a Expr<'a>, value: Option<&'a Expr<'a>>, out: &mut Collected<'a>, receiver: Option<&str>) {
    match target {
        Expr::Name(name, _) => {
            let source = value.map_or(Source::Value(Value::Unknown), Source::Expr);
            out.sources.push((name, source));
        }
        Expr::Tuple(items, _) | Expr::List(items, _) => {
            for (index, item) in items.iter().enumerate() {
                match (item, value) {
                    (Expr::Name(name, _), Some(value)) => {
                        out.sources.push((name, Source::Element(value, index)));
                    }
                    _ => bind_target(item, None, out, receiver),
                }
            }
        }
        Expr::Starred(inner, _) => bind_target(inner, None, out, receiver),
        Expr::Attr(base, attr, _) => {
            if let (Expr::Name(name, _), Some(receiver), Some(value)) = (base.as_ref(), receiver, value)
                && *name == receiver
            {
                out.self_attrs.push((attr, value));
            }
            collect_expr(target, out, false);
        }
        other => collect_expr(other, out, false),
    }
}

fn collect_stmt<'a>(stmt: &'a Stmt<'a>, out: &mut Collected<'a>, unit: &Unit, receiver: Option<&str>) {
    match stmt {
        Stmt::Def(def) => {
            out.sources.push((def.name, Source::Def));
            for decorator in &def.decorators {
                collect_expr(decorator, out, false);
            }
            for param in &def.params {
                if let Some(default) = &param.default {
                    collect_expr(default, out, false);
                }
            }
            if out.want_loads {
                let mut inner = Collected::with_loads();
                collect_block(&def.body, &mut inner, unit, None);
                out.loads.extend(inner.loads.into_iter().map(|(name, _)| (name, (u32::MAX, u32::MAX))));
            }
        }
        Stmt::Class(class) => {
            out.sources.push((class.name, Source::Class));
            for decorator in &class.decorators {
                collect_expr(decorator, out, false);
            }
            for base in &class.bases {
                collect_expr(base, out, false);
            }
            if out.want_loads {
                let mut inner = Collected::with_loads();
                collect_block(&class.body, &mut inner, unit, None);
                out.loads.extend(inner.loads);
            }
        }
        Stmt::Import(names) => {
            for (module, alias) in names {
                let (name, target) = match alias {
                    Some(alias) => (*alias, module.clone()),
                    None => {
                        let first = module.split('.').next().unwrap_or(module);
                        (first, first.to_string())
                    }
                };
                out.imports.push((name, target.clone()));
                out.sources.push((name, Source::Value(Value::Path(target))));
            }
        }
        Stmt::ImportFrom { level, module, names } => {
            let mut base = if *level > 0 { relative_base(unit, *level) } else { Vec::new() };
            if let Some(module) = module {
                base.extend(module.split('.').map(str::to_string));
            }
            let base = base.join(".");
            for (name, alias) in names {
                if name == "*" {
                    out.stars.push(base.clone());
                    continue;
                }
                let bound = alias.unwrap_or(name);
                let target = join(&base, name);
                out.imports.push((bound, target.clone()));
                out.sources.push((bound, Source::Value(Value::Path(target))));
            }
        }
        Stmt::Assign { targets, value } => {
            collect_expr(value, out, false);
            for target in targets {
                bind_target(target, Some(value), out, receiver);
            }
        }
        Stmt::AnnAssign(stmt) => {
            let ast::AnnAssign { target, annotation, value } = &**stmt;
            collect_expr(annotation, out, false);
            if let Some(value) = value {
                collect_expr(value, out, false);
            }
            match target {
                Expr::Name(name, _) => out.sources.push((name, Source::Annotation(annotation))),
                _ => bind_target(target, value.as_ref(), out, receiver),
            }
        }
        Stmt::AugAssign(stmt) => {
            let ast::AugAssign { target, value } = &**stmt;
            collect_expr(value, out, false);
            collect_expr(target, out, false);
            if let Expr::Name(name, _) = target {
                out.sources.push((name, Source::Nothing));
            }
        }
        Stmt::Expr(expr) => collect_expr(expr, out, false),
        Stmt::Return(value) => {
            if let Some(value) = value {
                collect_expr(value, out, false);
            }
        }
        Stmt::Delete(exprs) => {
            for expr in exprs {
                match expr {
                    Expr::Name(name, span) => out.deletes.push((name, pos(*span))),
                    other => collect_expr(other, out, false),
                }
            }
        }
        Stmt::Exprs(exprs) => {
            for expr in exprs {
                collect_expr(expr, out, false);
            }
        }
        Stmt::Global(names) => out.globals.extend(names),
        Stmt::Nonlocal(names) => out.nonlocals.extend(names),
        Stmt::If { branches, orelse } => {
            for (test, body) in branches {
                collect_expr(test, out, false);
                collect_block(body, out, unit, receiver);
            }
            collect_block(orelse, out, unit, receiver);
        }
        Stmt::While(stmt) => {
            let ast::While { test, body, orelse, .. } = &**stmt;
            collect_expr(test, out, false);
            collect_block(body, out, unit, receiver);
            collect_block(orelse, out, unit, receiver);
        }
        Stmt::For(stmt) => {
            let ast::For { target, iter, body, orelse, .. } = &**stmt;
            collect_expr(iter, out, false);
            bind_target(target, None, out, receiver);
            collect_block(body, out, unit, receiver);
            collect_block(orelse, out, unit, receiver);
        }
        Stmt::With { items, body } => {
            for (context, target) in items {
                collect_expr(context, out, false);
                if let Some(target) = target {
                    bind_target(target, Some(context), out, receiver);
                }
            }
            collect_block(body, out, unit, receiver);
        }
        Stmt::Try(stmt) => {
            let ast::Try { body, handlers, orelse, finalbody } = &**stmt;
            collect_block(body, out, unit, receiver);
            for handler in handlers {
                if let Some(kind) = &handler.kind {
                    collect_expr(kind, out, false);
                }
                if let Some(name) = &handler.name {
                    out.sources.push((name, Source::Value(Value::Unknown)));
                }
                collect_block(&handler.body, out, unit, receiver);
            }
            collect_block(orelse, out, unit, receiver);
            collect_block(finalbody, out, unit, receiver);
        }
        Stmt::Match { subject, cases } => {
            collect_expr(subject, out, false);
            for case in cases {
                for name in &case.captures {
                    out.sources.push((name, Source::Value(Value::Unknown)));
                }
                for value in &case.values {
                    collect_expr(value, out, false);
                }
                if let Some(guard) = &case.guard {
                    collect_expr(guard, out, false);
                }
                collect_block(&case.body, out, unit, receiver);
            }
        }
        Stmt::Nothing => {}
    }
}

/// Records loads, walrus bindings and `yield`s; `nested` inside a lambda (loads count as late).
fn collect_expr<'a>(expr: &'a Expr<'a>, out: &mut Collected<'a>, nested: bool) {
    match expr {
        Expr::Name(name, span) => {
            if out.want_loads {
                let at = if nested { (u32::MAX, u32::MAX) } else { pos(*span) };
                out.loads.push((name, at));
            }
        }
        Expr::Walrus(name, value, _) => {
            if !nested {
                out.sources.push((name, Source::Expr(value)));
            }
            collect_expr(value, out, nested);
        }
        Expr::Yield(value, _) => {
            if !nested {
                out.yields = true;
            }
            if let Some(value) = value {
                collect_expr(value, out, nested);
            }
        }
        Expr::Lambda(lambda) => {
            for param in &lambda.params {
                if let Some(default) = &param.default {
                    collect_expr(default, out, nested);
                }
            }
            collect_expr(&lambda.body, out, true);
        }
        Expr::Call(call) => {
            if let (Expr::Attr(receiver, method, _), false) = (&call.func, nested)
                && let Expr::Name(name, _) = &**receiver
            {
                out.method_calls.push((name, method));
            }
            collect_expr(&call.func, out, nested);
            for arg in &call.args {
                collect_expr(arg, out, nested);
            }
        }
        Expr::Comp(comp) => {
            for generator in &comp.generators {
                collect_expr(&generator.iter, out, nested);
                collect_expr(&generator.target, out, nested);
                for test in &generator.ifs {
                    collect_expr(test, out, nested);
                }
            }
            for element in &comp.elements {
                collect_expr(element, out, nested);
            }
        }
        Expr::Attr(inner, _, _) | Expr::Await(inner, _) | Expr::Starred(inner, _) => {
            collect_expr(inner, out, nested);
        }
        Expr::Subscript(base, items, _) => {
            collect_expr(base, out, nested);
            for item in items {
                collect_expr(item, out, nested);
            }
        }
        Expr::BitOr(items, _)
        | Expr::Str(items, _)
        | Expr::Tuple(items, _)
        | Expr::List(items, _)
        | Expr::Other(items, _) => {
            for item in items {
                collect_expr(item, out, nested);
            }
        }
    }
}
