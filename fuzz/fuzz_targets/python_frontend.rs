//! The Python lexer, parser and lowering on arbitrary text: a model or syntax errors, never a panic.
#![no_main]

use async_lint::frontend::{self, SourceFile, Unit};
use async_lint::knowledge::Knowledge;
use async_lint::model::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile {
        path: "fuzz.py".into(),
        language: Language::Python,
        unit: Unit { root: String::new(), module: vec!["fuzz".into()], is_package: false },
    };
    let kb = Knowledge::builtin(Language::Python);
    let _ = frontend::lower(&file, text, &kb);
});
