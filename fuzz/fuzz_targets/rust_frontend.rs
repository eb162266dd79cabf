//! The Rust frontend on arbitrary text: it must return a model or syntax errors, never panic.
#![no_main]

use async_lint::frontend::{self, SourceFile, Unit};
use async_lint::knowledge::Knowledge;
use async_lint::model::Language;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let file = SourceFile {
        path: "fuzz.rs".into(),
        language: Language::Rust,
        unit: Unit { root: "fuzz".into(), module: Vec::new(), is_package: false },
    };
    let kb = Knowledge::builtin(Language::Rust);
    let _ = frontend::lower(&file, text, &kb);
});
