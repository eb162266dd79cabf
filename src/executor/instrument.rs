//! Rewrites a Rust program so that it runs on the reference executor and reports what happens:
//! - `async fn f(..) -> T { body }` becomes `#[track_caller] fn f(..) -> impl Future<Output = T>`
//!   returning a tracked future, so a future dropped unpolled is reported where it was created;
//! - a sync `fn f(..) -> impl Future<..>` is tracked the same way;
//! - every call in async code (async fns, async blocks, closures inside them, expression macro
//!   arguments) is timed, with the line of the original call;
//! - `#[tokio::main]` functions block on the executor;
//! - the runtime APIs the programs name (`tokio::spawn`, `futures::executor::block_on`, ...) are
//!   replaced by the executor's own.
//!
//! The output keeps every original token on its original line, so `Location::caller()` and
//! compiler errors point into the original source.

use std::path::Path;

use proc_macro2::{Delimiter, Literal, Spacing, Span, TokenStream, TokenTree};
use quote::{ToTokens, quote};
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Expr, ImplItemFn, ItemFn, Macro, ReturnType, Signature, Token, parse_quote};

/// The executor's module inside an instrumented program.
const RT: &str = "__async_lint_rt";

/// Runtime paths of the programs, replaced by the executor's: `(prefix, replacement)`.
const REPLACED: &[(&str, &str)] = &[
    ("futures::executor::block_on", "block_on"),
    ("pollster::block_on", "block_on"),
    ("tokio::runtime::Runtime", "Runtime"),
    ("tokio::spawn", "spawn"),
    ("tokio::task::spawn", "spawn"),
    ("tokio::task::spawn_blocking", "spawn_blocking"),
    ("tokio::time::sleep", "sleep"),
    ("tokio::task::yield_now", "yield_now"),
];

/// The instrumented source of `source`, which includes the executor from `runtime`.
pub fn instrument(source: &str, runtime: &Path) -> Result<String, String> {
    let mut file = syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        format!("cannot parse the program at {}:{}: {e}", at.line, at.column + 1)
    })?;
    Rewriter { in_async: false }.visit_file_mut(&mut file);
    let mut printer = Printer { out: String::new(), line: 1 };
    printer.tokens(file.into_token_stream());
    let runtime = runtime.to_str().ok_or_else(|| format!("the path {} is not UTF-8", runtime.display()))?;
    printer.out.push_str(&format!("\n#[path = {runtime:?}]\nmod {RT};\n"));
    Ok(printer.out)
}

struct Rewriter {
    /// Whether calls at the current point run on the executor's thread, inside a task.
    in_async: bool,
}

impl Rewriter {
    fn in_context(&mut self, in_async: bool, f: impl FnOnce(&mut Self)) {
        let outer = std::mem::replace(&mut self.in_async, in_async);
        f(self);
        self.in_async = outer;
    }

    /// Rewrites an async function's signature and body in place. A `#[tokio::main]` function
    /// blocks on its body instead of returning it.
    fn async_fn(&mut self, sig: &mut Signature, block: &mut Block, attrs: &mut Vec<syn::Attribute>) {
        self.in_context(true, |this| this.visit_block_mut(block));
        let rt: syn::Ident = syn::Ident::new(RT, Span::call_site());
        let body = &*block;
        let before = attrs.len();
        attrs.retain(|a| !path_is(a.path(), "tokio::main"));
        let starts_runtime = attrs.len() != before;
        self.visit_signature_mut(sig);
        sig.asyncness = None;
        if starts_runtime {
            *block = parse_quote!({ crate::#rt::block_on(async move #body) });
        } else {
            let output = match &sig.output {
                ReturnType::Default => quote!(()),
                ReturnType::Type(_, ty) => ty.to_token_stream(),
            };
            sig.output = parse_quote!(-> impl ::core::future::Future<Output = #output>);
            *block = parse_quote!({ crate::#rt::track(async move #body) });
        }
        if sig.ident != "main" {
            attrs.push(parse_quote!(#[track_caller]));
        }
    }

    /// Rewrites the arguments of a macro whose input is a list of expressions; other macros are
    /// left alone.
    fn macro_arguments(&mut self, mac: &mut Macro) {
        let parser = Punctuated::<Expr, Token![,]>::parse_terminated;
        let Ok(mut args) = syn::parse::Parser::parse2(parser, mac.tokens.clone()) else {
            return;
        };
        for arg in args.iter_mut() {
            self.visit_expr_mut(arg);
        }
        mac.tokens = args.into_token_stream();
    }
}

/// Wraps the future that a sync `fn .. -> impl Future` returns, so that its creation site is where
/// the function is called.
fn track_returned_future(sig: &Signature, block: &mut Block, attrs: &mut Vec<syn::Attribute>) {
    let ReturnType::Type(_, ty) = &sig.output else {
        return;
    };
    let syn::Type::ImplTrait(bounds) = &**ty else {
        return;
    };
    let is_future = bounds.bounds.iter().any(
        |b| matches!(b, syn::TypeParamBound::Trait(t) if t.path.segments.last().is_some_and(|s| s.ident == "Future")),
    );
    if is_future {
        let rt = syn::Ident::new(RT, Span::call_site());
        *block = parse_quote!({ crate::#rt::track(#block) });
        attrs.push(parse_quote!(#[track_caller]));
    }
}

fn path_is(path: &syn::Path, wanted: &str) -> bool {
    let written: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    written.join("::") == wanted
}

impl VisitMut for Rewriter {
    fn visit_item_fn_mut(&mut self, item: &mut ItemFn) {
        if item.sig.asyncness.is_some() {
            self.async_fn(&mut item.sig, &mut item.block, &mut item.attrs);
        } else {
            self.in_context(false, |this| visit_mut::visit_item_fn_mut(this, item));
            track_returned_future(&item.sig, &mut item.block, &mut item.attrs);
        }
    }

    fn visit_impl_item_fn_mut(&mut self, item: &mut ImplItemFn) {
        if item.sig.asyncness.is_some() {
            self.async_fn(&mut item.sig, &mut item.block, &mut item.attrs);
        } else {
            self.in_context(false, |this| visit_mut::visit_impl_item_fn_mut(this, item));
            track_returned_future(&item.sig, &mut item.block, &mut item.attrs);
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        let written: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        for (prefix, replacement) in REPLACED {
            let prefix: Vec<&str> = prefix.split("::").collect();
            if written.len() >= prefix.len() && written.iter().zip(&prefix).all(|(a, b)| a == b) {
                let span = path.segments[0].ident.span();
                let mut segments: Vec<syn::PathSegment> = vec![
                    syn::Ident::new("crate", span).into(),
                    syn::Ident::new(RT, span).into(),
                    syn::Ident::new(replacement, path.segments[prefix.len() - 1].ident.span()).into(),
                ];
                segments[2].arguments = path.segments[prefix.len() - 1].arguments.clone();
                segments.extend(path.segments.iter().skip(prefix.len()).cloned());
                path.leading_colon = None;
                path.segments = segments.into_iter().collect();
                break;
            }
        }
        visit_mut::visit_path_mut(self, path);
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        match expr {
            Expr::Async(block) => self.in_context(true, |this| visit_mut::visit_expr_async_mut(this, block)),
            Expr::Closure(closure) if closure.asyncness.is_some() => {
                self.in_context(true, |this| visit_mut::visit_expr_closure_mut(this, closure))
            }
            Expr::Macro(mac) => self.macro_arguments(&mut mac.mac),
            _ => visit_mut::visit_expr_mut(self, expr),
        }
        let line = match &*expr {
            Expr::Call(call) if self.in_async => call.func.span().start().line,
            Expr::MethodCall(call) if self.in_async => call.method.span().start().line,
            _ => return,
        };
        let rt = syn::Ident::new(RT, Span::call_site());
        let line = Literal::u32_suffixed(u32::try_from(line).unwrap_or(u32::MAX));
        let call = &*expr;
        // Arguments, unlike a block, keep the call's temporaries alive to the end of the statement.
        *expr = parse_quote!(crate::#rt::timed(crate::#rt::enter(#line), #call));
    }

    fn visit_stmt_macro_mut(&mut self, stmt: &mut syn::StmtMacro) {
        self.macro_arguments(&mut stmt.mac);
    }
}

/// Prints tokens so that each one that comes from the source lands on its source line.
struct Printer {
    out: String,
    line: usize,
}

impl Printer {
    fn at(&mut self, span: Span) {
        let line = span.start().line;
        if line > self.line {
            self.out.push_str(&"\n".repeat(line - self.line));
            self.line = line;
        }
    }

    fn tokens(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                TokenTree::Group(group) => {
                    let (open, close) = match group.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::None => ("", ""),
                    };
                    self.at(group.span_open());
                    self.out.push_str(open);
                    self.tokens(group.stream());
                    self.at(group.span_close());
                    self.out.push_str(close);
                    self.out.push(' ');
                }
                TokenTree::Ident(ident) => {
                    self.at(ident.span());
                    self.out.push_str(&ident.to_string());
                    self.out.push(' ');
                }
                TokenTree::Punct(punct) => {
                    self.at(punct.span());
                    self.out.push(punct.as_char());
                    if punct.spacing() == Spacing::Alone {
                        self.out.push(' ');
                    }
                }
                TokenTree::Literal(literal) => {
                    self.at(literal.span());
                    let text = literal.to_string();
                    self.line += text.matches('\n').count();
                    self.out.push_str(&text);
                    self.out.push(' ');
                }
            }
        }
    }
}
