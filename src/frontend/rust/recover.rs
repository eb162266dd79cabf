//! Recovery at item boundaries: a file that does not parse has its top-level items parsed one by
//! one, so that a syntax error in one item leaves the file's other items linted.

use proc_macro2::{Delimiter, TokenStream, TokenTree};

pub struct Recovered {
    /// The file's inner attributes and every item that parses.
    pub file: Option<syn::File>,
    /// One error per item that does not, where it was found.
    pub errors: Vec<(proc_macro2::Span, String)>,
}

fn is_punct(token: Option<&TokenTree>, c: char) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == c)
}

/// Splits `tokens` into items: each ends at a top-level `;`, or at a top-level `{..}` that no `;`
/// follows (`fn`, `impl`, `mod`, `struct S {..}`, `macro_rules! m {..}`).
pub fn items(tokens: TokenStream) -> Recovered {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut start = 0;
    // Inner attributes (`#![..]`) belong to the file.
    while is_punct(tokens.get(start), '#')
        && is_punct(tokens.get(start + 1), '!')
        && matches!(tokens.get(start + 2), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
    {
        start += 3;
    }
    let mut kept: Vec<TokenTree> = tokens[..start].to_vec();
    let mut errors = Vec::new();
    let first = start;
    for i in first..tokens.len() {
        let ends = match &tokens[i] {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace && !is_punct(tokens.get(i + 1), ';'),
            _ => false,
        };
        if !ends && i + 1 < tokens.len() {
            continue;
        }
        let item = &tokens[start..=i];
        match syn::parse2::<syn::Item>(item.iter().cloned().collect()) {
            Ok(_) => kept.extend(item.iter().cloned()),
            Err(error) => {
                // An error at the end of the item's tokens has no place of its own (syn gives it
                // the call site's, before the item): it is placed at the item's start.
                let at = |span: proc_macro2::Span| (span.start().line, span.start().column);
                let span = if at(error.span()) < at(item[0].span()) { item[0].span() } else { error.span() };
                errors.push((span, format!("cannot parse this item: {error}")));
            }
        }
        start = i + 1;
    }
    Recovered { file: syn::parse2(kept.into_iter().collect()).ok(), errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recover(text: &str) -> (Vec<String>, Vec<usize>) {
        let recovered = items(text.parse().unwrap());
        let names = recovered
            .file
            .map(|f| {
                f.items
                    .iter()
                    .map(|item| match item {
                        syn::Item::Fn(f) => f.sig.ident.to_string(),
                        syn::Item::Struct(s) => s.ident.to_string(),
                        syn::Item::Const(c) => c.ident.to_string(),
                        syn::Item::Impl(_) => "impl".to_string(),
                        _ => "other".to_string(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        (names, recovered.errors.iter().map(|(span, _)| span.start().line).collect())
    }

    #[test]
    fn a_broken_item_leaves_the_others() {
        let text = "#![allow(x)]\nfn a() {}\nfn broken() { let = ; }\nconst C: S = S { x: 1 };\nstruct S { x: u8 }\nimpl S { fn f(&self) {} }\nfn b() -> u8 { 1 }\n";
        let (names, error_lines) = recover(text);
        assert_eq!(names, ["a", "C", "S", "impl", "b"]);
        assert_eq!(error_lines, [3]);
    }

    #[test]
    fn an_item_cut_off_at_the_end_is_reported_where_it_starts() {
        let (names, error_lines) = recover("fn a() {}\n\npub struct Half");
        assert_eq!(names, ["a"]);
        assert_eq!(error_lines, [3]);
    }
}
