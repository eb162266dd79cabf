//! The bodies of macros that hold expressions: comma-separated arguments (`println!`, `join!`,
//! `vec!`, `assert!`...), `vec![x; n]`, and `select!` branches. Anything else is left alone.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::parse::{ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Expr, Token};

/// The expressions a macro's tokens hold, if they parse as one of the known shapes.
pub fn expressions(name: &str, tokens: TokenStream) -> Option<Vec<Expr>> {
    if name == "select" {
        return select_branches.parse2(tokens).ok();
    }
    if let Ok(list) = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(tokens.clone()) {
        return Some(list.into_iter().collect());
    }
    repeat_form.parse2(tokens).ok()
}

/// Whether lowering a macro body of these tokens certainly adds nothing to the model: without
/// parentheses or braces at any depth it holds no call, no block (so no item, no closure or async
/// body with calls) and no macro whose body has any; without `let`, no binding either.
pub fn inert(tokens: &TokenStream) -> bool {
    tokens.clone().into_iter().all(|token| match token {
        TokenTree::Group(group) => group.delimiter() == Delimiter::Bracket && inert(&group.stream()),
        TokenTree::Ident(ident) => ident != "let",
        TokenTree::Punct(_) | TokenTree::Literal(_) => true,
    })
}

/// The items a macro in item position holds: its whole body (`cfg_rt! { fn f() {} }`), or else the
/// bodies of its brace groups (`cfg_if! { if #[cfg(x)] { .. } else { .. } }`). Empty otherwise.
pub fn items(tokens: TokenStream) -> Vec<syn::Item> {
    if let Ok(file) = syn::parse2::<syn::File>(tokens.clone()) {
        return file.items;
    }
    tokens
        .into_iter()
        .filter_map(|t| match t {
            proc_macro2::TokenTree::Group(g) if g.delimiter() == proc_macro2::Delimiter::Brace => {
                syn::parse2::<syn::File>(g.stream()).ok()
            }
            _ => None,
        })
        .flat_map(|f| f.items)
        .collect()
}

/// The statements a macro in statement position holds, when its body is a block's contents.
pub fn statements(tokens: TokenStream) -> Option<Vec<syn::Stmt>> {
    syn::Block::parse_within.parse2(tokens).ok()
}

/// `vec![elem; n]`
fn repeat_form(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let elem: Expr = input.parse()?;
    input.parse::<Token![;]>()?;
    let count: Expr = input.parse()?;
    Ok(vec![elem, count])
}

/// `select! { biased; pat = fut (, if cond)? => handler, ... else => handler }`: the futures,
/// conditions and handlers, in order.
fn select_branches(input: ParseStream) -> syn::Result<Vec<Expr>> {
    let mut exprs = Vec::new();
    if input.peek(syn::Ident) && input.fork().parse::<syn::Ident>().is_ok_and(|i| i == "biased") {
        input.parse::<syn::Ident>()?;
        input.parse::<Token![;]>()?;
    }
    while !input.is_empty() {
        if input.peek(Token![else]) {
            input.parse::<Token![else]>()?;
        } else {
            syn::Pat::parse_single(input)?;
            input.parse::<Token![=]>()?;
            exprs.push(Expr::parse_without_eager_brace(input)?);
            if input.peek(Token![,]) && input.peek2(Token![if]) {
                input.parse::<Token![,]>()?;
                input.parse::<Token![if]>()?;
                exprs.push(Expr::parse_without_eager_brace(input)?);
            }
        }
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        // A comma is optional after a block handler, required after any other.
        if input.peek(Token![,]) || !matches!(handler, Expr::Block(_)) && !input.is_empty() {
            input.parse::<Token![,]>()?;
        }
        exprs.push(handler);
    }
    Ok(exprs)
}

/// A name read in a function's body: an identifier, or a `{name}` capture in a macro's format
/// string. Its position is computed only when asked: few reads are ever compared.
pub enum Read {
    Ident(proc_macro2::Ident),
    Capture(String, proc_macro2::Span),
}

impl Read {
    pub fn is(&self, name: &str) -> bool {
        match self {
            Read::Ident(ident) => ident == name,
            Read::Capture(capture, _) => capture == name,
        }
    }

    pub fn start(&self) -> proc_macro2::LineColumn {
        match self {
            Read::Ident(ident) => ident.span().start(),
            Read::Capture(_, span) => span.start(),
        }
    }
}

/// Every identifier in a macro's tokens, including `{name}` captures in format strings: a
/// variable named there is used.
pub fn identifiers(tokens: TokenStream, out: &mut Vec<Read>) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => out.push(Read::Ident(ident)),
            proc_macro2::TokenTree::Group(group) => identifiers(group.stream(), out),
            proc_macro2::TokenTree::Literal(literal) => {
                let text = literal.to_string();
                if text.contains('"') {
                    let span = literal.span();
                    for name in format_captures(&text) {
                        out.push(Read::Capture(name, span));
                    }
                }
            }
            proc_macro2::TokenTree::Punct(_) => {}
        }
    }
}

/// `"{x} {y:?} {{z}}"` -> `x`, `y`.
fn format_captures(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '{' {
            continue;
        }
        if chars.peek() == Some(&'{') {
            chars.next();
            continue;
        }
        let name: String = std::iter::from_fn(|| chars.next_if(|c| c.is_alphanumeric() || *c == '_')).collect();
        if name.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_') {
            names.push(name);
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(name: &str, src: &str) -> Option<usize> {
        expressions(name, src.parse().unwrap()).map(|e| e.len())
    }

    #[test]
    fn parses_the_known_shapes() {
        assert_eq!(count("println", "\"{}\", f()"), Some(2));
        assert_eq!(count("vec", "f(); 3"), Some(2));
        assert_eq!(count("join", "a(), b(),"), Some(2));
        assert_eq!(count("select", "biased; x = a() => 1, Some(y) = b(), if c => { 2 } else => 3,"), Some(6));
        assert_eq!(count("macro_rules", "($x:expr) => { $x }"), None);
    }

    #[test]
    fn item_macros_yield_their_items() {
        assert_eq!(items("fn a() {} async fn b() {}".parse().unwrap()).len(), 2);
        let cfg_if = "if #[cfg(unix)] { fn a() {} } else if #[cfg(windows)] { fn a() {} } else { fn c() {} }";
        assert_eq!(items(cfg_if.parse().unwrap()).len(), 3);
        assert!(items("static ref X: u8 = 1;".parse().unwrap()).is_empty());
    }

    #[test]
    fn only_bodies_without_calls_blocks_or_lets_are_inert() {
        let inert = |src: &str| inert(&src.parse().unwrap());
        assert!(inert("\"{} {}\", a, b.c"));
        assert!(inert("[1, 2, x]; n"));
        assert!(!inert("\"{}\", f()"));
        assert!(!inert("[g(1)]"));
        assert!(!inert("x, { y }"));
        assert!(!inert("let x = y;"));
    }

    #[test]
    fn finds_format_captures() {
        assert_eq!(format_captures("\"{a} {b:?} {{c}} {0} {}\""), vec!["a", "b"]);
    }
}
