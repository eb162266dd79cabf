//! The whole check of one file (frontend, linker, rules, suppressions) on arbitrary text, as
//! Rust and as Python: no panic, and no `internal-error` finding.
#![no_main]

use std::collections::HashMap;
use std::sync::OnceLock;

use async_lint::frontend::{SourceFile, Unit};
use async_lint::lint::{Linter, Selection};
use async_lint::model::Language;
use libfuzzer_sys::fuzz_target;

fn linter() -> &'static Linter {
    static LINTER: OnceLock<Linter> = OnceLock::new();
    LINTER.get_or_init(Linter::default)
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    for (path, language) in [("fuzz.rs", Language::Rust), ("fuzz.py", Language::Python)] {
        let file = SourceFile {
            path: path.into(),
            language,
            unit: Unit { root: String::new(), module: vec!["fuzz".into()], is_package: false },
        };
        let overlay = HashMap::from([(file.path.clone(), text.to_string())]);
        let found = linter().lint_with_overlay(std::slice::from_ref(&file), &Selection::default(), &overlay);
        assert!(found.iter().all(|d| d.rule != async_lint::rules::INTERNAL_ERROR), "{found:?}");
    }
});
