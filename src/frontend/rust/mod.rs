//! The Rust frontend, built on `syn`: resolves names through the crate's modules and imports,
//! and lowers functions, contexts, calls and usages into the model.

mod comments;
mod lower;
mod macros;
mod scope;

use super::SourceFile;
use crate::knowledge::Knowledge;
use crate::model::{FileModel, Span, SyntaxError};

pub fn lower(file: &SourceFile, text: &str, kb: &Knowledge) -> FileModel {
    let mut model = FileModel::new(file.path.clone(), file.language);
    model.comments = comments::extract(text);
    match syn::parse_file(text) {
        Ok(ast) => lower::lower_file(&ast, file, kb, &mut model),
        Err(error) => {
            let start = error.span().start();
            model.errors.push(SyntaxError {
                span: Span::point(start.line as u32, start.column as u32 + 1),
                message: format!("cannot parse this file: {error}"),
            });
        }
    }
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
