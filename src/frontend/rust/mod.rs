//! The Rust frontend, built on `syn`: resolves names through the crate's modules and imports,
//! and lowers functions, contexts, calls and usages into the model.

mod comments;
mod edition;
mod lower;
mod macros;
mod recover;
mod scope;

use super::SourceFile;
use crate::knowledge::Knowledge;
use crate::model::{FileModel, Span, SyntaxError};

/// Deeper nesting (as the scan estimates it) than this is reported instead of parsed: `syn`, the
/// lowering and the tree's drop recurse once per level, on the workers' stacks.
pub const MAX_NESTING: usize = 1000;

pub fn lower(file: &SourceFile, text: &str, kb: &Knowledge) -> FileModel {
    super::with_deep_stack(|| lower_here(file, text, kb))
}

fn lower_here(file: &SourceFile, text: &str, kb: &Knowledge) -> FileModel {
    let mut model = FileModel::new(file.path.clone(), file.language);
    let scan = comments::scan(text);
    model.comments = scan.comments;
    let (depth, offset) = scan.max_depth;
    if depth > MAX_NESTING {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() as u32 + 1;
        let column = before.rsplit('\n').next().unwrap_or_default().chars().count() as u32 + 1;
        model.errors.push(SyntaxError {
            span: Span::point(line, column),
            message: format!(
                "the syntax nests {depth} deep here, more than the {MAX_NESTING} levels async-lint parses"
            ),
        });
        return model;
    }
    let text = edition::blank_frontmatter(text);
    let point = |span: proc_macro2::Span| Span::point(span.start().line as u32, span.start().column as u32 + 1);
    let error = match syn::parse_file(&text) {
        Ok(ast) => return lower_ast(&ast, file, kb, model),
        Err(error) => error,
    };
    match edition::with_older_edition_syntax(&text) {
        Some(tokens) => match syn::parse2::<syn::File>(tokens.clone()) {
            Ok(ast) => return lower_ast(&ast, file, kb, model),
            // The items that parse are linted; each one that does not is an error of its own.
            Err(_) => {
                let recovered = recover::items(tokens);
                for (span, message) in recovered.errors {
                    model.errors.push(SyntaxError { span: point(span), message });
                }
                if let Some(ast) = recovered.file {
                    lower::lower_file(&ast, file, kb, &mut model);
                }
            }
        },
        None => model
            .errors
            .push(SyntaxError { span: point(error.span()), message: format!("cannot parse this file: {error}") }),
    }
    model
}

fn lower_ast(ast: &syn::File, file: &SourceFile, kb: &Knowledge, mut model: FileModel) -> FileModel {
    lower::lower_file(ast, file, kb, &mut model);
    model
}

fn span_of(span: proc_macro2::Span) -> Span {
    let (start, end) = (span.start(), span.end());
    Span {
        line: start.line as u32,
        column: start.column as u32 + 1,
        end_line: end.line as u32,
        end_column: end.column as u32 + 1,
    }
}

/// An out-of-line module declared with `#[path = "..."]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathModule {
    /// The inline modules around the declaration, outermost first.
    pub inline: Vec<String>,
    pub name: String,
    /// The attribute's value, relative to the declaring file's directory (see [`Self::file`]).
    pub path: String,
}

impl PathModule {
    /// The file the module lives in, by the reference's rules: relative to the declaring file's
    /// directory; inside inline modules, below directories named after them (and after the
    /// declaring file itself when it is not a `mod.rs`, `lib.rs` or `main.rs`).
    pub fn file(&self, declaring: &std::path::Path) -> std::path::PathBuf {
        let mut dir = declaring.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        if !self.inline.is_empty() {
            let stem = declaring.file_stem().and_then(|s| s.to_str()).unwrap_or_default();
            if !matches!(stem, "mod" | "lib" | "main") {
                dir.push(stem);
            }
            dir.extend(&self.inline);
        }
        dir.join(&self.path)
    }
}

/// The `#[path]` module declarations of a file (empty when it does not parse, or nests too deep
/// to parse).
pub fn path_modules(text: &str) -> Vec<PathModule> {
    if comments::scan(text).max_depth.0 > MAX_NESTING {
        return Vec::new();
    }
    super::with_deep_stack(|| path_modules_here(text))
}

fn path_modules_here(text: &str) -> Vec<PathModule> {
    fn walk(items: &[syn::Item], inline: &mut Vec<String>, out: &mut Vec<PathModule>) {
        for item in items {
            let syn::Item::Mod(m) = item else { continue };
            match &m.content {
                Some((_, items)) => {
                    inline.push(m.ident.to_string());
                    walk(items, inline, out);
                    inline.pop();
                }
                None => {
                    let path = m.attrs.iter().find_map(|a| match &a.meta {
                        syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                            syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                            _ => None,
                        },
                        _ => None,
                    });
                    if let Some(path) = path {
                        out.push(PathModule { inline: inline.clone(), name: m.ident.to_string(), path });
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(ast) = syn::parse_file(text) {
        walk(&ast.items, &mut Vec::new(), &mut out);
    }
    out
}
