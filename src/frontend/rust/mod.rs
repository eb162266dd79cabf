//! The Rust frontend, built on `syn`.

use super::SourceFile;
use crate::knowledge::Knowledge;
use crate::model::FileModel;

pub fn lower(file: &SourceFile, _text: &str, _kb: &Knowledge) -> FileModel {
    FileModel::new(file.path.clone(), file.language)
}
