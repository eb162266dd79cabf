//! Lowers a parsed Rust file: items into functions, bodies into call sites with their resolved
//! callee, execution context and usage.

use std::fmt::Write;

use proc_macro2::LineColumn;
use rustc_hash::FxHashMap;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, ImplItem, Item, Pat, Stmt, TraitItem, Type, UseTree};

use super::macros;
use super::scope::{
    Binding, Frame, Path, Resolved, Resolver, Segment, path_name, push_path, segment, split_path, with_text,
};
use crate::frontend::SourceFile;
use crate::knowledge::{Knowledge, Returns, Table};
use crate::model::{
    BoundName, CallSite, Callee, ClosureArg, Context, FileModel, Function, Name, NameKey, RETURNED, Span, Usage,
};

pub fn lower_file(ast: &syn::File, file: &SourceFile, kb: &Knowledge, model: &mut FileModel) {
    let root = Segment::from(file.unit.root.as_str());
    let mut module = vec![root.clone()];
    module.extend(file.unit.module.iter().map(|m| Segment::from(m.as_str())));
    let resolver = Resolver { kb, root, frames: Vec::new(), self_type: None };
    let mut lowerer = Lowerer {
        resolver,
        model,
        fields: FxHashMap::default(),
        fn_returns: FxHashMap::default(),
        executor_impl: false,
        state: FnState::default(),
    };
    lowerer.module(&ast.items, module);
}

/// The function being lowered.
#[derive(Default)]
struct FnState {
    /// Where nested functions go: the enclosing function's full path.
    path: Path,
    calls: Vec<CallSite>,
    context: Option<Context>,
    /// Identifiers read in the body, with where: to tell whether a binding is used later.
    reads: Vec<macros::Read>,
    /// The names of the parameters, in order (`self` excluded; empty for a pattern).
    params: Vec<String>,
    offloaded_params: Vec<usize>,
    /// The closure arguments being walked, innermost last.
    closure_args: Vec<ClosureArg>,
    /// Closures bound to a name: the range of `calls` their bodies hold.
    closures: FxHashMap<String, std::ops::Range<usize>>,
}

struct Lowerer<'a, 'm> {
    resolver: Resolver<'a>,
    model: &'m mut FileModel,
    /// Field types of the file's structs: struct path -> field -> type path.
    fields: FxHashMap<Path, FxHashMap<String, Path>>,
    /// Declared return types of the file's functions and methods.
    fn_returns: FxHashMap<Path, Path>,
    /// Lowering the methods of an impl of a trait whose `poll*` methods the executor calls.
    executor_impl: bool,
    state: FnState,
}

/// Wrappers whose methods are the wrapped type's (auto-deref).
const TRANSPARENT_WRAPPERS: [&str; 3] = ["Box", "Arc", "Rc"];
/// Methods that pass their receiver's type through (`Result`/`Option` unwrapping).
const PASS_THROUGH: [&str; 4] = ["unwrap", "expect", "unwrap_or_default", "unwrap_unchecked"];

fn ident_path(path: &syn::Path) -> Path {
    let mut segments: Path = path.segments.iter().map(|s| segment(&s.ident)).collect();
    if path.leading_colon.is_some() {
        segments.insert(0, "::".into());
    }
    segments
}

/// What a call returns, from [`Lowerer::returns`].
enum Returned<'k> {
    /// A type path of this file (a declared return type, or `T` for `T::new`).
    Path(Path),
    /// What the knowledge base says.
    Known(&'k Returns),
}

/// `path` as it reads once written out and split again: the same, unless it is empty or one of
/// its segments holds `::`.
fn as_written(path: Path) -> Path {
    if path.is_empty() || path.iter().any(|s| s.contains("::")) {
        return split_path(&path.join("::"));
    }
    path
}

/// Whether two attribute paths are written alike.
fn same_path(a: &syn::Path, b: &syn::Path) -> bool {
    a.leading_colon.is_some() == b.leading_colon.is_some()
        && a.segments.len() == b.segments.len()
        && a.segments.iter().zip(&b.segments).all(|(a, b)| a.ident == b.ident)
}

/// The text after the last `::` of `path`, if it has one.
fn last_segment(path: &str) -> Option<&str> {
    let at = path.as_bytes().windows(2).rposition(|w| w == b"::")?;
    Some(&path[at + 2..])
}

fn is_pass_through(method: &syn::Ident) -> bool {
    PASS_THROUGH.iter().any(|name| method == name)
}

/// Where an expression starts: for a plain path, its first token's start, without rendering the
/// expression's tokens as [`Spanned::span`] does.
fn start_of(expr: &Expr) -> LineColumn {
    if let Expr::Path(p) = expr
        && p.attrs.is_empty()
        && p.qself.is_none()
    {
        match (&p.path.leading_colon, p.path.segments.first()) {
            (Some(colon), _) => return colon.spans[0].start(),
            (None, Some(first)) => return first.ident.span().start(),
            (None, None) => {}
        }
    }
    expr.span().start()
}

fn span_between(start: LineColumn, end: LineColumn) -> Span {
    Span {
        line: start.line as u32,
        column: start.column as u32 + 1,
        end_line: end.line as u32,
        end_column: end.column as u32 + 1,
    }
}

fn position(at: LineColumn) -> (usize, usize) {
    (at.line, at.column)
}

impl<'a> Lowerer<'a, '_> {
    fn context(&self) -> Context {
        self.state.context.unwrap_or(Context::Sync)
    }

    // ------------------------------------------------------------------ items

    fn module(&mut self, items: &[Item], module: Path) {
        let items: Vec<&Item> = items.iter().collect();
        let expansions = macro_items(&items);
        let items = splice_macro_items(&items, &expansions);
        let frame = Frame::new(std::rc::Rc::new(module.clone()));
        let saved = std::mem::replace(&mut self.resolver.frames, vec![frame]);
        self.declare_items(&items, &module);
        self.record_aliases(&module);
        for item in items {
            self.item(item, &module);
        }
        self.resolver.frames = saved;
    }

    /// Binds the names that items and `use` declarations introduce into the innermost frame.
    fn declare_items(&mut self, items: &[&Item], owner: &Path) {
        for &item in items {
            match item {
                Item::Use(u) => {
                    let frame = self.resolver.frames.last_mut().expect("frame");
                    let prefix = if u.leading_colon.is_some() { vec![Segment::from("::")] } else { vec![] };
                    declare_use(&u.tree, prefix, frame);
                }
                Item::ExternCrate(e) => {
                    let name = segment(e.rename.as_ref().map_or(&e.ident, |(_, r)| r));
                    self.resolver.bind(name, Binding::Use(vec!["::".into(), segment(&e.ident)]));
                }
                _ => {
                    if let Some(name) = item_name(item) {
                        let mut path = owner.clone();
                        path.push(name.clone());
                        self.resolver.bind(name, Binding::Item(path));
                    }
                }
            }
        }
        for &item in items {
            match item {
                Item::Fn(f) => self.declare_return(owner, &f.sig),
                Item::Impl(imp) => {
                    let Some(self_type) = self.type_path(&imp.self_ty) else { continue };
                    let saved = self.resolver.self_type.replace(self_type.clone());
                    for impl_item in &imp.items {
                        if let ImplItem::Fn(f) = impl_item {
                            self.declare_return(&self_type, &f.sig);
                        }
                    }
                    self.resolver.self_type = saved;
                }
                _ => {}
            }
            // `type Db = rusqlite::Connection;`: the alias's paths stand for the type's, for the
            // linker (other modules, other crates of the workspace) as for `use`.
            if let Item::Type(alias) = item
                && let Some(target) = self.type_path(&alias.ty)
            {
                let mut path = owner.clone();
                path.push(segment(&alias.ident));
                if path != target {
                    self.model.aliases.push((path_name(&path), path_name(&target)));
                }
            }
            if let Item::Struct(s) = item {
                let mut path = owner.clone();
                path.push(segment(&s.ident));
                let fields: FxHashMap<String, Path> = s
                    .fields
                    .iter()
                    .filter_map(|f| Some((f.ident.as_ref()?.to_string(), self.type_path(&f.ty)?)))
                    .collect();
                // Other modules see a field's type through `Struct::field` (an alias).
                let mut names: Vec<&String> = fields.keys().collect();
                names.sort_unstable();
                for name in names {
                    let mut field = path.clone();
                    field.push(Segment::from(name.as_str()));
                    self.alias_type(&field, &fields[name]);
                }
                self.fields.insert(path, fields);
            }
        }
    }

    fn declare_return(&mut self, owner: &Path, sig: &syn::Signature) {
        if let syn::ReturnType::Type(_, ty) = &sig.output
            && let Some(ty) = self.type_path(ty)
        {
            let mut path = owner.clone();
            path.push(segment(&sig.ident));
            // Other modules see the declared type through `function::()` (see `model::RETURNED`).
            if sig.asyncness.is_none() {
                let mut returned = path.clone();
                returned.push(Segment::from(RETURNED));
                self.alias_type(&returned, &ty);
            }
            self.fn_returns.insert(path, ty);
        }
    }

    /// Records that `path` stands for the type `ty`, when `ty` is one whose methods the knowledge
    /// base or this crate may define.
    fn alias_type(&mut self, path: &Path, ty: &Path) {
        let known = with_text(|text| push_path(text, ty), |ty| self.resolver.kb.knows_module(ty));
        if known || self.is_own(ty) {
            self.model.aliases.push((path_name(path), path_name(ty)));
        }
    }

    /// A path of this crate.
    fn is_own(&self, path: &Path) -> bool {
        path.first() == Some(&self.resolver.root)
    }

    /// In async code, where a call is reported: what a path of this crate defined in another file
    /// stands for, as a type query the linker answers (`crate::db::Holder::conn`, `crate::db::make::()`).
    fn across(&self, mut path: Path, last: &str) -> Option<Path> {
        (self.context() != Context::Sync && self.is_own(&path)).then(|| {
            path.push(Segment::from(last));
            path
        })
    }

    /// A module's imports are aliases other modules may reach it through (re-exports).
    fn record_aliases(&mut self, module: &Path) {
        let frame = self.resolver.frames.last().expect("frame");
        let mut names: Vec<Segment> =
            frame.names.iter().filter(|(_, b)| matches!(b, Binding::Use(_))).map(|(n, _)| n.clone()).collect();
        // In a fixed order, whatever the map's.
        names.sort_unstable();
        for name in names {
            if let Some(target) = self.resolver.resolve_path(std::slice::from_ref(&name)) {
                let mut alias = module.clone();
                alias.push(name);
                if alias != target {
                    self.model.aliases.push((path_name(&alias), path_name(&target)));
                }
            }
        }
        // `use other::*` makes every name of `other` reachable through this module: `module::*`.
        for glob in frame.globs.clone() {
            for target in self.resolver.resolve_glob(&glob) {
                if target != *module {
                    let glob = with_text(
                        |text| {
                            push_path(text, module);
                            text.push_str("::*");
                        },
                        Name::new,
                    );
                    self.model.aliases.push((glob, path_name(&target)));
                }
            }
        }
    }

    fn item(&mut self, item: &Item, owner: &Path) {
        if item_attrs(item).iter().any(is_test_attribute) {
            self.mark_test_code(item.span());
        }
        // The item's lines from its tokens' spans (`Spanned::span` would render the whole item).
        let lines = match item {
            Item::Fn(f) => Some((f.sig.ident.span(), f.block.brace_token.span.close())),
            Item::Impl(imp) => Some((imp.impl_token.span, imp.brace_token.span.close())),
            Item::Trait(t) => Some((t.ident.span(), t.brace_token.span.close())),
            Item::Mod(m) => Some((m.ident.span(), m.content.as_ref().map_or(m.ident.span(), |(b, _)| b.span.close()))),
            _ => None,
        };
        if let Some((header, close)) = lines {
            self.mark_item(item_attrs(item), header, close);
        }
        match item {
            Item::Fn(f) => {
                let mut path = owner.clone();
                path.push(segment(&f.sig.ident));
                let display = self.display_name(&path);
                self.function(&f.sig, &f.attrs, &f.block, path, display);
            }
            Item::Impl(imp) => {
                let self_type = self.type_path(&imp.self_ty).unwrap_or_else(|| {
                    let mut p = owner.clone();
                    p.push("<impl>".into());
                    p
                });
                let saved = self.resolver.self_type.replace(self_type.clone());
                // The `poll*` methods of `Future`, `Stream`, `AsyncRead`... run on the executor.
                let kb = self.resolver.kb;
                let trait_path =
                    imp.trait_.as_ref().and_then(|(_, path, _)| self.resolver.resolve_path(&ident_path(path)));
                self.executor_impl =
                    trait_path.is_some_and(|t| with_text(|text| push_path(text, &t), |t| kb.is_executor_trait(t)));
                for impl_item in &imp.items {
                    if let ImplItem::Fn(f) = impl_item {
                        if f.attrs.iter().any(is_test_attribute) {
                            self.mark_test_code(f.span());
                        }
                        self.mark_item(&f.attrs, f.sig.ident.span(), f.block.brace_token.span.close());
                        let mut path = self_type.clone();
                        path.push(segment(&f.sig.ident));
                        let display = format!("{}::{}", self_type.last().map_or("", |s| &**s), f.sig.ident);
                        self.function(&f.sig, &f.attrs, &f.block, path, display);
                    }
                }
                self.executor_impl = false;
                self.resolver.self_type = saved;
            }
            Item::Trait(t) => {
                let mut trait_path = owner.clone();
                trait_path.push(segment(&t.ident));
                let saved = self.resolver.self_type.replace(trait_path.clone());
                for trait_item in &t.items {
                    if let TraitItem::Fn(f) = trait_item
                        && let Some(block) = &f.default
                    {
                        self.mark_item(&f.attrs, f.sig.ident.span(), block.brace_token.span.close());
                        let mut path = trait_path.clone();
                        path.push(segment(&f.sig.ident));
                        let display = format!("{}::{}", t.ident, f.sig.ident);
                        self.function(&f.sig, &f.attrs, block, path, display);
                    }
                }
                self.resolver.self_type = saved;
            }
            Item::Mod(m) => {
                if let Some((_, items)) = &m.content {
                    let mut path = owner.clone();
                    path.push(segment(&m.ident));
                    self.module(items, path);
                }
            }
            _ => {}
        }
    }

    /// Records an item's lines: from its first attribute (or its header), through the line of its
    /// name (`header`), to its closing brace.
    fn mark_item(&mut self, attrs: &[syn::Attribute], header: proc_macro2::Span, close: proc_macro2::Span) {
        let header = header.start().line as u32;
        let first = attrs.first().map_or(header, |a| a.pound_token.span.start().line as u32).min(header);
        let last = (close.end().line as u32).max(header);
        self.model.items.push(crate::model::ItemLines { first, header, last });
    }

    fn mark_test_code(&mut self, span: proc_macro2::Span) {
        let span = super::span_of(span);
        self.model.test_lines.push((span.line, span.end_line));
    }

    /// `util::pause` for `crate::util::pause`: the path below the crate root.
    fn display_name(&self, path: &Path) -> String {
        path.get(1..).unwrap_or_default().join("::")
    }

    fn function(
        &mut self,
        sig: &syn::Signature,
        attrs: &[syn::Attribute],
        block: &syn::Block,
        path: Path,
        display: String,
    ) {
        // Each distinct attribute path once (a documented function has a `doc` attribute per line).
        let mut checked: Vec<&syn::Path> = Vec::new();
        let starts_runtime = attrs.iter().any(|a| {
            let path = a.path();
            if checked.iter().any(|c| same_path(c, path)) {
                return false;
            }
            checked.push(path);
            let kb = self.resolver.kb;
            self.resolver
                .resolve_path(&ident_path(path))
                .is_some_and(|p| with_text(|text| push_path(text, &p), |p| kb.is_runtime_attribute(p)))
        });
        let is_async = sig.asyncness.is_some();
        let returns_future = (is_async && !starts_runtime) || returns_future_type(&sig.output);
        let polled = self.executor_impl && sig.ident.to_string().starts_with("poll");
        // Reads only matter to a `let` of the body, but collecting them costs less than a look for
        // one in the body's text.
        let mut reads = Vec::new();
        collect_reads(block, &mut reads);
        let params = sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Receiver(_) => None,
                syn::FnArg::Typed(typed) => Some(match &*typed.pat {
                    Pat::Ident(pi) => pi.ident.to_string(),
                    _ => String::new(),
                }),
            })
            .collect();
        let state = FnState {
            path: path.clone(),
            context: Some(if is_async || polled { Context::Async } else { Context::Sync }),
            reads,
            params,
            ..FnState::default()
        };
        let saved = std::mem::replace(&mut self.state, state);
        let module = self.resolver.module().clone();
        self.resolver.frames.push(Frame::new(module));
        for input in &sig.inputs {
            match input {
                syn::FnArg::Receiver(_) => {
                    let ty = self.resolver.self_type.clone();
                    self.resolver.bind("self".into(), Binding::Local(ty));
                }
                syn::FnArg::Typed(typed) => {
                    let ty = self.type_path(&typed.ty);
                    self.bind_pattern(&typed.pat, ty);
                }
            }
        }
        self.block(block);
        self.resolver.frames.pop();
        let state = std::mem::replace(&mut self.state, saved);
        let mut qualname = String::new();
        push_path(&mut qualname, &path);
        self.model.functions.push(Function {
            key: NameKey::of(&qualname),
            display: display.into(),
            line: super::span_of(sig.ident.span()).line,
            returns_future,
            starts_runtime,
            offloaded_params: state.offloaded_params.iter().map(|&p| p as u32).collect(),
            calls: state.calls.into(),
            effect_calls: Box::default(),
        });
    }

    // ------------------------------------------------------------------ types

    /// The full path of a type, seen through references and smart pointers.
    fn type_path(&self, ty: &Type) -> Option<Path> {
        match ty {
            Type::Reference(r) => self.type_path(&r.elem),
            Type::Paren(p) => self.type_path(&p.elem),
            Type::Group(g) => self.type_path(&g.elem),
            Type::Path(tp) if tp.qself.is_none() => {
                let last = tp.path.segments.last()?;
                if TRANSPARENT_WRAPPERS.iter().any(|w| last.ident == w)
                    && let syn::PathArguments::AngleBracketed(args) = &last.arguments
                    && let Some(syn::GenericArgument::Type(inner)) = args.args.first()
                {
                    return self.type_path(inner);
                }
                self.resolver.resolve_path(&ident_path(&tp.path))
            }
            _ => None,
        }
    }

    /// The type a call to `path` returns: declared in this file, from the knowledge base, or by
    /// convention (`T::new` returns `T`).
    fn returns(&self, path: &Path) -> Option<Returned<'a>> {
        if let Some(ty) = self.fn_returns.get(path) {
            return Some(Returned::Path(as_written(ty.clone())));
        }
        let kb = self.resolver.kb;
        if let Some(r) = with_text(|text| push_path(text, path), |path| kb.returns(path)) {
            return Some(Returned::Known(r));
        }
        let [.., ty, name] = path.as_slice() else {
            return None;
        };
        let is_type = ty.chars().next().is_some_and(char::is_uppercase);
        (is_type && (&**name == "new" || &**name == "default"))
            .then(|| Returned::Path(as_written(path[..path.len() - 1].to_vec())))
    }

    fn type_of(&self, expr: &Expr) -> Option<Path> {
        let one = |r: Returned| match r {
            Returned::Path(path) => Some(path),
            Returned::Known(Returns::One(t)) => Some(split_path(t)),
            Returned::Known(Returns::Tuple(_)) => None,
        };
        match expr {
            Expr::Path(p) if p.qself.is_none() => match self.resolver.resolve(&ident_path(&p.path)) {
                Resolved::Local(ty) => ty,
                // A unit struct's value: `let store = Store;`
                Resolved::Paths(paths) => {
                    let path = paths.into_iter().next()?;
                    path.last().is_some_and(|s| s.starts_with(char::is_uppercase)).then_some(path)
                }
            },
            Expr::Call(c) => {
                let callee = self.callee_path(&c.func)?;
                match self.returns(&callee) {
                    Some(returned) => one(returned),
                    None => self.across(callee, RETURNED),
                }
            }
            Expr::MethodCall(m) => {
                if is_pass_through(&m.method) {
                    return self.type_of(&m.receiver);
                }
                let method = m.method.to_string();
                let receiver = self.type_of(&m.receiver);
                if let Some(mut path) = receiver {
                    path.push(Segment::from(method.as_str()));
                    if let Some(returns) = self.returns(&path) {
                        return one(returns);
                    }
                }
                self.resolver.kb.method_returns(&method).map(split_path)
            }
            Expr::Try(t) => self.type_of(&t.expr),
            Expr::Paren(p) => self.type_of(&p.expr),
            Expr::Group(g) => self.type_of(&g.expr),
            Expr::Reference(r) => self.type_of(&r.expr),
            Expr::Field(f) => {
                let base = self.type_of(&f.base)?;
                let syn::Member::Named(name) = &f.member else {
                    return None;
                };
                match self.fields.get(&base) {
                    Some(fields) => fields.get(&name.to_string()).cloned(),
                    None => self.across(base, &name.to_string()),
                }
            }
            Expr::Struct(s) if s.qself.is_none() => self.resolver.resolve_path(&ident_path(&s.path)),
            _ => None,
        }
    }

    fn callee_path(&self, func: &Expr) -> Option<Path> {
        match func {
            Expr::Path(p) if p.qself.is_none() => self.resolver.resolve_path(&ident_path(&p.path)),
            _ => None,
        }
    }

    // ------------------------------------------------------------------ bodies

    fn block(&mut self, block: &syn::Block) {
        let module = self.resolver.module().clone();
        self.resolver.frames.push(Frame::new(module));
        let items: Vec<&Item> =
            block.stmts.iter().filter_map(|s| if let Stmt::Item(i) = s { Some(i) } else { None }).collect();
        if !items.is_empty() {
            let expansions = macro_items(&items);
            let items = splice_macro_items(&items, &expansions);
            let owner = self.state.path.clone();
            self.declare_items(&items, &owner);
        }
        for stmt in &block.stmts {
            self.stmt(stmt);
        }
        self.resolver.frames.pop();
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Local(local) => self.local(local),
            Stmt::Expr(e, Some(_)) => self.expr(e, Usage::Discarded),
            Stmt::Expr(e, None) => self.expr(e, Usage::Used),
            Stmt::Macro(m) => self.mac(&m.mac),
            Stmt::Item(item) => {
                if let Item::Fn(f) = item {
                    let mut path = self.state.path.clone();
                    path.push(segment(&f.sig.ident));
                    let display = self.display_name(&path);
                    self.function(&f.sig, &f.attrs, &f.block, path, display);
                } else {
                    let owner = self.state.path.clone();
                    self.item(item, &owner);
                }
            }
        }
    }

    fn local(&mut self, local: &syn::Local) {
        let (pat, annotated) = match &local.pat {
            Pat::Type(pt) => (&*pt.pat, self.type_path(&pt.ty)),
            pat => (pat, None),
        };
        if let Some(init) = &local.init {
            let end = position(local.semi_token.span.end());
            let usage = match pat {
                Pat::Wild(_) => Usage::DiscardedBinding,
                Pat::Ident(pi) if pi.subpat.is_none() => {
                    let name = pi.ident.to_string();
                    let read_later = self.state.reads.iter().any(|r| r.is(&name) && position(r.start()) > end);
                    if read_later {
                        Usage::Used
                    } else {
                        self.model.bound_names.push(name.as_str().into());
                        Usage::UnusedBinding(BoundName(self.model.bound_names.len() as u32 - 1))
                    }
                }
                _ => Usage::Used,
            };
            let first_call = self.state.calls.len();
            self.expr(&init.expr, usage);
            // `let work = || ...;`: remember the closure's calls, which run where `work` is handed.
            if let (Pat::Ident(pi), Expr::Closure(c)) = (pat, &*init.expr)
                && c.asyncness.is_none()
            {
                self.state.closures.insert(pi.ident.to_string(), first_call..self.state.calls.len());
            }
            if let Some((_, diverge)) = &init.diverge {
                self.expr(diverge, Usage::Used);
            }
            match (pat, self.call_returns(&init.expr)) {
                (Pat::Tuple(tuple), Some(Returned::Known(Returns::Tuple(types)))) => {
                    for (elem, ty) in tuple.elems.iter().zip(types) {
                        self.bind_pattern(elem, Some(split_path(ty)));
                    }
                }
                _ => {
                    let ty = annotated.or_else(|| self.type_of(&init.expr));
                    self.bind_pattern(pat, ty);
                }
            }
        } else {
            self.bind_pattern(pat, annotated);
        }
    }

    /// What a call expression (through `?`, `unwrap` and the like) returns, tuples included.
    fn call_returns(&self, expr: &Expr) -> Option<Returned<'a>> {
        match expr {
            Expr::Call(c) => self.returns(&self.callee_path(&c.func)?),
            Expr::Try(t) => self.call_returns(&t.expr),
            Expr::MethodCall(m) if is_pass_through(&m.method) => self.call_returns(&m.receiver),
            _ => None,
        }
    }

    fn bind_pattern(&mut self, pat: &Pat, ty: Option<Path>) {
        match pat {
            Pat::Ident(pi) => {
                self.resolver.bind(segment(&pi.ident), Binding::Local(ty));
                if let Some((_, sub)) = &pi.subpat {
                    self.bind_pattern(sub, None);
                }
            }
            Pat::Type(pt) => {
                let ty = self.type_path(&pt.ty);
                self.bind_pattern(&pt.pat, ty);
            }
            Pat::Reference(r) => self.bind_pattern(&r.pat, ty),
            Pat::Paren(p) => self.bind_pattern(&p.pat, ty),
            other => {
                let mut names = Vec::new();
                collect_pattern_names(other, &mut names);
                for name in names {
                    self.resolver.bind(name, Binding::Local(None));
                }
            }
        }
    }

    fn expr(&mut self, expr: &Expr, usage: Usage) {
        match expr {
            Expr::Call(c) => self.call(c, usage),
            Expr::MethodCall(m) => self.method_call(m, usage),
            Expr::Await(a) => self.expr(&a.base, Usage::Awaited),
            Expr::Paren(p) => self.expr(&p.expr, usage),
            Expr::Group(g) => self.expr(&g.expr, usage),
            Expr::Macro(m) => self.mac(&m.mac),
            Expr::Closure(c) => {
                let context = if c.asyncness.is_some() { Context::Async } else { self.context() };
                self.closure(c, context, &[]);
            }
            Expr::Async(a) => self.with_context(Context::Async, |this| this.block(&a.block)),
            Expr::Block(b) => self.block(&b.block),
            _ => visit::visit_expr(self, expr),
        }
    }

    fn with_context(&mut self, context: Context, f: impl FnOnce(&mut Self)) {
        let saved = self.state.context.replace(context);
        f(self);
        self.state.context = saved;
    }

    fn closure(&mut self, closure: &syn::ExprClosure, context: Context, param_types: &[Path]) {
        let module = self.resolver.module().clone();
        self.resolver.frames.push(Frame::new(module));
        for (index, input) in closure.inputs.iter().enumerate() {
            self.bind_pattern(input, param_types.get(index).cloned());
        }
        self.with_context(context, |this| this.expr(&closure.body, Usage::Used));
        self.resolver.frames.pop();
    }

    fn call(&mut self, call: &syn::ExprCall, usage: Usage) {
        let (callee, written) = match &*call.func {
            Expr::Path(p) if p.qself.is_none() => {
                let written = ident_path(&p.path);
                let callee = match self.resolver.resolve(&written) {
                    Resolved::Paths(paths) => Callee::Path(paths.iter().map(|p| path_name(p)).collect()),
                    Resolved::Local(_) => Callee::Unknown,
                };
                (callee, path_name(&written))
            }
            other => {
                self.expr(other, Usage::Used);
                (Callee::Unknown, Name::from("(expression)"))
            }
        };
        let offload = self.is_offload(&callee);
        let closure_types = self.closure_param_types(&callee);
        let is_drop =
            matches!(&callee, Callee::Path(p) if p.first().is_some_and(|p| p == "std::mem::drop" || p == "drop"));
        let span = span_between(start_of(&call.func), call.paren_token.span.close().end());
        let index = self.record(callee, written, span, usage);
        let usage = if is_drop { Usage::Dropped } else { Usage::Used };
        self.arguments(call.args.iter(), index, offload, usage, &closure_types);
    }

    /// The types of the parameters of closures passed to this callee (`std::thread::scope`'s
    /// closure takes a `Scope`), from the knowledge base.
    fn closure_param_types(&self, callee: &Callee) -> Vec<Path> {
        let Callee::Path(paths) = callee else { return Vec::new() };
        let types = paths.iter().find_map(|p| self.resolver.kb.closure_params(p)).unwrap_or_default();
        types.iter().map(|t| split_path(t)).collect()
    }

    /// Walks a call's arguments: closures run where the callee runs them, and a parameter handed
    /// to an offload wrapper makes the enclosing function an offloading one.
    fn arguments<'e>(
        &mut self,
        args: impl Iterator<Item = &'e Expr>,
        call: Option<usize>,
        offload: bool,
        usage: Usage,
        closure_types: &[Path],
    ) {
        for (position, arg) in args.enumerate() {
            match arg {
                Expr::Closure(c) if offload => self.closure(c, Context::Offloaded, closure_types),
                Expr::Closure(c) => {
                    let context = if c.asyncness.is_some() { Context::Async } else { self.context() };
                    if let Some(call) = call {
                        self.state.closure_args.push(ClosureArg { call: call as u32, arg: position as u32 });
                    }
                    self.closure(c, context, closure_types);
                    if call.is_some() {
                        self.state.closure_args.pop();
                    }
                }
                Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                    let name = p.path.get_ident().map(ToString::to_string).unwrap_or_default();
                    self.closure_passed(
                        &name,
                        call.map(|call| ClosureArg { call: call as u32, arg: position as u32 }),
                        offload,
                    );
                    if offload
                        && let Some(param) = self.state.params.iter().position(|n| *n == name)
                        && !self.state.offloaded_params.contains(&param)
                    {
                        self.state.offloaded_params.push(param);
                    }
                }
                arg => self.expr(arg, usage),
            }
        }
    }

    /// A closure bound to `name` is handed to a call: its calls run where that call runs them
    /// (elsewhere, for an offload wrapper; decided by the linker, for a project function).
    fn closure_passed(&mut self, name: &str, arg: Option<ClosureArg>, offload: bool) {
        let Some(range) = self.state.closures.get(name).cloned() else { return };
        let context = self.context();
        for call in &mut self.state.calls[range] {
            if call.context != context {
                continue;
            }
            if offload {
                call.context = Context::Offloaded;
            } else if call.in_closure_arg.is_none() {
                call.in_closure_arg = arg;
            }
        }
    }

    fn method_call(&mut self, call: &syn::ExprMethodCall, usage: Usage) {
        let method = call.method.to_string();
        let switches_to_nonblocking = self.resolver.kb.switches_to_nonblocking(&method);
        let receiver_type = self.type_of(&call.receiver);
        let (callee, written) = match receiver_type {
            Some(ty) => {
                // `Conn::query`; for a type query, as written: `conn.query`, `make(..).query`.
                let written = with_text(
                    |text| {
                        match ty.as_slice() {
                            [.., function, last] if &**last == RETURNED => {
                                text.push_str(function);
                                text.push_str("(..).");
                            }
                            [.., field] if field.starts_with(|c: char| c.is_ascii_lowercase()) => {
                                text.push_str(field);
                                text.push('.');
                            }
                            [.., ty] => {
                                text.push_str(ty);
                                text.push_str("::");
                            }
                            [] => text.push_str("::"),
                        }
                        text.push_str(&method);
                    },
                    Name::new,
                );
                let path = with_text(
                    |text| {
                        push_path(text, &ty);
                        if !ty.is_empty() {
                            text.push_str("::");
                        }
                        text.push_str(&method);
                    },
                    Name::new,
                );
                (Callee::Path(path.into()), written)
            }
            None => {
                let written = match &*call.receiver {
                    Expr::Path(p) if let Some(receiver) = p.path.get_ident() => with_text(
                        |text| write!(text, "{receiver}.{method}").expect("a string takes any text"),
                        Name::new,
                    ),
                    _ => Name::from(method.as_str()),
                };
                (Callee::Method(method.into()), written)
            }
        };
        let offload = self.is_offload(&callee);
        let closure_types = self.closure_param_types(&callee);
        let span = span_between(call.method.span().start(), call.paren_token.span.close().end());
        let index = self.record(callee, written, span, usage);
        self.expr(&call.receiver, Usage::Used);
        self.arguments(call.args.iter(), index, offload, Usage::Used, &closure_types);
        // `stream.set_nonblocking(true)`: from here on, `stream`'s calls are not known to block.
        if switches_to_nonblocking
            && let Expr::Path(p) = &*call.receiver
            && let Some(name) = p.path.get_ident()
        {
            self.resolver.bind(segment(name), Binding::Local(None));
        }
    }

    fn is_offload(&self, callee: &Callee) -> bool {
        let kb = self.resolver.kb;
        match callee {
            // A function named like a distinctive offload method (`spawn_blocking`) offloads too.
            Callee::Path(paths) => paths.iter().any(|p| {
                kb.contains_path(Table::Offload, p)
                    || last_segment(p).is_some_and(|name| kb.contains_method(Table::Offload, name))
            }),
            Callee::Method(name) => kb.contains_method(Table::Offload, name),
            Callee::Unknown => false,
        }
    }

    /// Records a call; returns its index among the function's calls.
    fn record(&mut self, callee: Callee, written: Name, span: Span, usage: Usage) -> Option<usize> {
        let context = self.context();
        // Code outside any function (a const initializer) runs at compile time: nothing to record.
        self.state.context?;
        let in_closure_arg = self.state.closure_args.last().copied();
        self.state.calls.push(CallSite { callee, written, span, context, usage, in_closure_arg });
        Some(self.state.calls.len() - 1)
    }

    fn mac(&mut self, mac: &syn::Macro) {
        let Some(last) = mac.path.segments.last() else {
            return;
        };
        if last.ident == "macro_rules" || macros::inert(&mac.tokens) {
            return;
        }
        let name = last.ident.to_string();
        if let Some(exprs) = macros::expressions(&name, mac.tokens.clone()) {
            for expr in exprs {
                self.expr(&expr, Usage::Used);
            }
        } else if let Some(stmts) = macros::statements(mac.tokens.clone()) {
            for stmt in &stmts {
                self.stmt(stmt);
            }
        }
    }
}

impl<'ast> Visit<'ast> for Lowerer<'_, '_> {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        self.expr(expr, Usage::Used);
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        self.block(block);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        self.mac(mac);
    }

    fn visit_item(&mut self, item: &'ast Item) {
        let owner = self.state.path.clone();
        self.item(item, &owner);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let module = self.resolver.module().clone();
        self.resolver.frames.push(Frame::new(module));
        self.bind_pattern(&arm.pat, None);
        if let Some((_, guard)) = &arm.guard {
            self.expr(guard, Usage::Used);
        }
        self.expr(&arm.body, Usage::Used);
        self.resolver.frames.pop();
    }
}

/// An item-position macro (`cfg_rt! { .. }`), whose items are spliced in where it stands.
fn is_item_macro(item: &Item) -> bool {
    matches!(item, Item::Macro(m) if m.ident.is_none())
}

/// The items of each item-position macro among `items`, in order, with the macros among them
/// expanded in turn.
fn macro_items(items: &[&Item]) -> Vec<Vec<Item>> {
    fn expand(items: Vec<Item>, out: &mut Vec<Item>) {
        for item in items {
            match item {
                Item::Macro(m) if m.ident.is_none() => expand(macros::items(m.mac.tokens), out),
                other => out.push(other),
            }
        }
    }
    let mut expansions = Vec::new();
    for item in items {
        if let Item::Macro(m) = item
            && m.ident.is_none()
        {
            let mut out = Vec::new();
            expand(macros::items(m.mac.tokens.clone()), &mut out);
            expansions.push(out);
        }
    }
    expansions
}

/// `items` with each item-position macro replaced by its items (from [`macro_items`]).
fn splice_macro_items<'i>(items: &[&'i Item], expansions: &'i [Vec<Item>]) -> Vec<&'i Item> {
    if expansions.is_empty() {
        return items.to_vec();
    }
    let mut expansions = expansions.iter();
    let mut out = Vec::with_capacity(items.len());
    for &item in items {
        if is_item_macro(item) {
            out.extend(expansions.next().into_iter().flatten());
        } else {
            out.push(item);
        }
    }
    out
}

fn declare_use(tree: &UseTree, prefix: Path, frame: &mut Frame) {
    let with = |name: &syn::Ident| {
        let mut p = prefix.clone();
        p.push(segment(name));
        p
    };
    match tree {
        UseTree::Path(p) => declare_use(&p.tree, with(&p.ident), frame),
        UseTree::Name(n) if n.ident == "self" => {
            if let Some(last) = prefix.last() {
                frame.names.insert(last.clone(), Binding::Use(prefix.clone()));
            }
        }
        UseTree::Name(n) => {
            frame.names.insert(segment(&n.ident), Binding::Use(with(&n.ident)));
        }
        UseTree::Rename(r) if r.ident == "self" => {
            frame.names.insert(segment(&r.rename), Binding::Use(prefix));
        }
        UseTree::Rename(r) => {
            frame.names.insert(segment(&r.rename), Binding::Use(with(&r.ident)));
        }
        UseTree::Glob(_) => frame.globs.push(prefix),
        UseTree::Group(g) => {
            for tree in &g.items {
                declare_use(tree, prefix.clone(), frame);
            }
        }
    }
}

fn item_attrs(item: &Item) -> &[syn::Attribute] {
    match item {
        Item::Fn(i) => &i.attrs,
        Item::Mod(i) => &i.attrs,
        Item::Impl(i) => &i.attrs,
        Item::Trait(i) => &i.attrs,
        Item::Struct(i) => &i.attrs,
        Item::Enum(i) => &i.attrs,
        Item::Const(i) => &i.attrs,
        Item::Static(i) => &i.attrs,
        Item::Macro(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[test]` and the test attributes of other crates (`#[tokio::test]`, `#[rstest]`...), and
/// `#[cfg(test)]` (or a `cfg(all(..))` that requires `test`).
fn is_test_attribute(attr: &syn::Attribute) -> bool {
    let path = attr.path();
    if path.segments.last().is_some_and(|s| s.ident == "test" || s.ident == "rstest" || s.ident == "test_case") {
        return true;
    }
    path.is_ident("cfg") && attr.parse_args::<syn::Meta>().is_ok_and(|meta| cfg_requires_test(&meta))
}

fn cfg_requires_test(meta: &syn::Meta) -> bool {
    match meta {
        syn::Meta::Path(p) => p.is_ident("test"),
        syn::Meta::List(list) if list.path.is_ident("all") => list
            .parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            .is_ok_and(|all| all.iter().any(cfg_requires_test)),
        _ => false,
    }
}

fn item_name(item: &Item) -> Option<Segment> {
    let ident = match item {
        Item::Fn(i) => &i.sig.ident,
        Item::Struct(i) => &i.ident,
        Item::Enum(i) => &i.ident,
        Item::Trait(i) => &i.ident,
        Item::Type(i) => &i.ident,
        Item::Union(i) => &i.ident,
        Item::Const(i) => &i.ident,
        Item::Static(i) => &i.ident,
        Item::Mod(i) => &i.ident,
        Item::TraitAlias(i) => &i.ident,
        _ => return None,
    };
    Some(segment(ident))
}

fn collect_pattern_names(pat: &Pat, names: &mut Vec<Segment>) {
    struct Names<'n>(&'n mut Vec<Segment>);
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_pat_ident(&mut self, p: &'ast syn::PatIdent) {
            self.0.push(segment(&p.ident));
            visit::visit_pat_ident(self, p);
        }
    }
    Names(names).visit_pat(pat);
}

/// Every identifier an expression reads in `block`, with its position.
fn collect_reads(block: &syn::Block, out: &mut Vec<macros::Read>) {
    struct Reads<'r>(&'r mut Vec<macros::Read>);
    impl<'ast> Visit<'ast> for Reads<'_> {
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if let Some(ident) = p.path.get_ident() {
                self.0.push(macros::Read::Ident(ident.clone()));
            }
            visit::visit_expr_path(self, p);
        }

        fn visit_macro(&mut self, mac: &'ast syn::Macro) {
            macros::identifiers(mac.tokens.clone(), self.0);
        }
    }
    Reads(out).visit_block(block);
}

/// `-> impl Future<..>`, `-> BoxFuture<..>`, `-> Pin<Box<dyn Future<..>>>`.
fn returns_future_type(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else {
        return false;
    };
    mentions_future(ty)
}

fn mentions_future(ty: &Type) -> bool {
    let bound_is_future = |bounds: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>| {
        bounds.iter().any(|b| {
            matches!(b, syn::TypeParamBound::Trait(t) if t.path.segments.last().is_some_and(|s| s.ident == "Future"))
        })
    };
    match ty {
        Type::ImplTrait(t) => bound_is_future(&t.bounds),
        Type::TraitObject(t) => bound_is_future(&t.bounds),
        Type::Paren(p) => mentions_future(&p.elem),
        Type::Path(p) => p.path.segments.last().is_some_and(|last| {
            last.ident == "BoxFuture"
                || last.ident == "LocalBoxFuture"
                || ((last.ident == "Pin" || last.ident == "Box")
                    && matches!(&last.arguments, syn::PathArguments::AngleBracketed(args)
                        if args.args.iter().any(|a| matches!(a, syn::GenericArgument::Type(t) if mentions_future(t)))))
        }),
        _ => false,
    }
}
