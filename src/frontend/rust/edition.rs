//! Syntax that `syn` 2 rejects but rustc accepts: cargo-script frontmatter, bare `Fn(..)` trait
//! objects of editions before 2021, and the anonymous trait method parameters of edition 2015
//! (`fn fill_bytes(&mut self, &mut [u8]);`). Rewritten to what `syn` parses, keeping every line and
//! every other token's position.

use std::borrow::Cow;

use proc_macro2::{Delimiter, Group, Ident, Spacing, TokenStream, TokenTree};

/// Blanks a `---` frontmatter block (after an optional shebang line), keeping line numbers.
pub fn blank_frontmatter(text: &str) -> Cow<'_, str> {
    // Most files have none: look at the first line or two before splitting the whole text.
    let mut first_lines = text.split('\n');
    let first = first_lines.next().unwrap_or_default();
    let opening = if first.starts_with("#!") && !first.starts_with("#![") { first_lines.next() } else { Some(first) };
    if !opening.is_some_and(|l| l.trim_end().starts_with("---")) {
        return Cow::Borrowed(text);
    }
    let mut lines: Vec<&str> = text.split('\n').collect();
    let start = usize::from(lines.first().is_some_and(|l| l.starts_with("#!") && !l.starts_with("#![")));
    let opens = lines.get(start).is_some_and(|l| l.trim_end().starts_with("---"));
    let Some(close) = lines.iter().skip(start + 1).position(|l| l.trim_end() == "---").filter(|_| opens) else {
        return Cow::Borrowed(text);
    };
    for line in &mut lines[start..=start + 1 + close] {
        *line = "";
    }
    Cow::Owned(lines.join("\n"))
}

/// Blanks a shebang line, which `syn::parse_file` skips but a token stream does not.
fn blank_shebang(text: &str) -> Cow<'_, str> {
    match text.split_once('\n') {
        Some((first, rest)) if first.starts_with("#!") && !first.starts_with("#![") => Cow::Owned(format!("\n{rest}")),
        _ => Cow::Borrowed(text),
    }
}

/// The file with `dyn` inserted before bare `Fn(..)`, `FnMut(..)` and `FnOnce(..)` trait objects
/// and `_: ` before anonymous parameters, or `None` when it does not even tokenize.
pub fn with_older_edition_syntax(text: &str) -> Option<TokenStream> {
    let tokens: TokenStream = blank_shebang(text).parse().ok()?;
    Some(rewrite(tokens))
}

fn rewrite(tokens: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    for (i, token) in tokens.iter().enumerate() {
        if let TokenTree::Ident(ident) = token
            && matches!(ident.to_string().as_str(), "Fn" | "FnMut" | "FnOnce")
            && matches!(tokens.get(i + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
            && in_type_object_position(&tokens, i)
        {
            out.push(TokenTree::Ident(Ident::new("dyn", ident.span())));
        }
        out.push(match token {
            TokenTree::Group(g) => {
                let mut stream = rewrite(g.stream());
                if g.delimiter() == Delimiter::Parenthesis && is_fn_parameter_list(&tokens, i) {
                    stream = with_named_parameters(stream);
                }
                let mut group = Group::new(g.delimiter(), stream);
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other.clone(),
        });
    }
    out.into_iter().collect()
}

/// Whether the group at `i` is the parameter list of a named function: `fn name(..)` or
/// `fn name<..>(..)` (a function pointer type, `fn(..)`, has no name).
fn is_fn_parameter_list(tokens: &[TokenTree], i: usize) -> bool {
    let mut j = i;
    // Back over generics: from a `>` to its `<`, not counting the `>` of `->`.
    if j > 0 && matches!(&tokens[j - 1], TokenTree::Punct(p) if p.as_char() == '>') {
        let mut depth = 0i32;
        loop {
            let Some(k) = j.checked_sub(1) else { return false };
            j = k;
            if let TokenTree::Punct(p) = &tokens[j] {
                let arrow = p.as_char() == '>'
                    && matches!(j.checked_sub(1).map(|m| &tokens[m]), Some(TokenTree::Punct(q)) if q.as_char() == '-' && q.spacing() == Spacing::Joint);
                match p.as_char() {
                    '>' if !arrow => depth += 1,
                    '<' => depth -= 1,
                    _ => {}
                }
                if depth == 0 {
                    break;
                }
            }
        }
    }
    matches!(j.checked_sub(1).map(|k| &tokens[k]), Some(TokenTree::Ident(name)) if name != "fn")
        && matches!(j.checked_sub(2).map(|k| &tokens[k]), Some(TokenTree::Ident(keyword)) if keyword == "fn")
}

/// A parameter list with `_: ` before each parameter that is only a type.
fn with_named_parameters(list: TokenStream) -> TokenStream {
    let tokens: Vec<TokenTree> = list.into_iter().collect();
    let mut out = Vec::with_capacity(tokens.len());
    for parameter in tokens.split_inclusive(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ',')) {
        if is_anonymous(parameter) {
            let span = parameter[0].span();
            out.push(TokenTree::Ident(Ident::new("_", span)));
            let mut colon = proc_macro2::Punct::new(':', Spacing::Alone);
            colon.set_span(span);
            out.push(TokenTree::Punct(colon));
        }
        out.extend(parameter.iter().cloned());
    }
    out.into_iter().collect()
}

/// A parameter with no `name:` (a lone `:`, not half of `::`) that is not a `self` parameter.
fn is_anonymous(parameter: &[TokenTree]) -> bool {
    let is_comma = |t: &TokenTree| matches!(t, TokenTree::Punct(p) if p.as_char() == ',');
    let tokens: Vec<&TokenTree> = parameter.iter().filter(|t| !is_comma(t)).collect();
    if tokens.is_empty() || tokens.iter().any(|t| matches!(t, TokenTree::Ident(i) if i == "self")) {
        return false;
    }
    // Attributes (`#[cfg(..)]`) are not parameters of their own.
    let lone_colon = tokens.iter().enumerate().any(|(k, t)| match t {
        TokenTree::Punct(p) if p.as_char() == ':' => {
            let joint_next = p.spacing() == Spacing::Joint
                && matches!(tokens.get(k + 1), Some(TokenTree::Punct(q)) if q.as_char() == ':');
            let after_joint = k > 0
                && matches!(tokens[k - 1], TokenTree::Punct(q) if q.as_char() == ':' && q.spacing() == Spacing::Joint);
            !joint_next && !after_joint
        }
        _ => false,
    });
    !lone_colon && !matches!(tokens[0], TokenTree::Punct(p) if p.as_char() == '#')
}

/// After `<`, `=`, `&`, `,`, `&mut`, a lifetime, or at the start of a parenthesised list: where a
/// type (not a bound, which follows `:` or `+`) begins.
fn in_type_object_position(tokens: &[TokenTree], i: usize) -> bool {
    let Some(previous) = i.checked_sub(1).map(|p| &tokens[p]) else { return true };
    match previous {
        TokenTree::Punct(p) => {
            matches!(p.as_char(), '<' | '=' | '&' | ',') && !(p.as_char() == '=' && p.spacing() == Spacing::Joint)
        }
        TokenTree::Ident(ident) if ident == "mut" => true,
        TokenTree::Ident(_) => {
            matches!(i.checked_sub(2).map(|p| &tokens[p]), Some(TokenTree::Punct(p)) if p.as_char() == '\'')
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frontmatter_is_blanked_keeping_lines() {
        assert_eq!(blank_frontmatter("---\n[dependencies]\n---\nfn main() {}\n"), "\n\n\nfn main() {}\n");
        assert_eq!(
            blank_frontmatter("#!/usr/bin/env cargo\n---\n---\nfn main() {}"),
            "#!/usr/bin/env cargo\n\n\nfn main() {}"
        );
        assert_eq!(blank_frontmatter("fn main() {}\n---\n"), "fn main() {}\n---\n");
        assert_eq!(blank_frontmatter("---\nno end\n"), "---\nno end\n");
    }

    #[test]
    fn bare_fn_objects_get_dyn_and_bounds_do_not() {
        let text =
            "type A = Fn(&u8) + Send;\nfn f(_: Box<FnMut()>, _: &'a Fn(), _: &mut FnOnce()) where F: Fn() + Fn() {}\n";
        let rewritten = with_older_edition_syntax(text).unwrap().to_string();
        assert_eq!(rewritten.matches("dyn").count(), 4, "{rewritten}");
        assert!(syn::parse2::<syn::File>(with_older_edition_syntax(text).unwrap()).is_ok());
        assert!(syn::parse_file(text).is_err(), "syn 2 rejects these, which is why this exists");
    }

    #[test]
    fn anonymous_parameters_get_a_name_and_others_do_not() {
        let text = "trait T {\n    fn a(&mut self, &mut [u8]);\n    fn b<F: Fn() -> u8>(self, u32, ::std::vec::Vec<u8>) -> u32;\n    fn c(&self, x: u8, Foo::Bar(y): Foo);\n}\ntype P = fn(u8) -> u8;\n";
        let rewritten = with_older_edition_syntax(text).unwrap().to_string();
        assert_eq!(rewritten.matches("_ :").count(), 3, "{rewritten}");
        assert!(syn::parse2::<syn::File>(with_older_edition_syntax(text).unwrap()).is_ok(), "{rewritten}");
    }
}
