//! The benchmark's parse-only floor for Rust: finds the files `async-lint check PATHS...` would
//! lint, then reads and parses each `.rs` one with `syn`, in parallel on rayon workers like the
//! linter's, and does nothing else. `bench/run.sh` compares async-lint's time with this one's.
//!
//! Usage: cargo run --release --example parse_floor -- PATHS...

use std::path::PathBuf;

use rayon::prelude::*;

fn main() {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let files = async_lint::discover::discover(&paths).unwrap_or_else(|e| panic!("{e}"));
    let pool = rayon::ThreadPoolBuilder::new().stack_size(68 << 20).build().unwrap_or_else(|e| panic!("{e}"));
    let (parsed, failed) = pool.install(|| {
        files
            .par_iter()
            .filter(|f| f.language == async_lint::model::Language::Rust)
            .map(|f| {
                let ok = std::fs::read_to_string(&f.path).is_ok_and(|text| syn::parse_file(&text).is_ok());
                if ok { (1, 0) } else { (0, 1) }
            })
            .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    });
    eprintln!("parsed {parsed} files, {failed} failed");
}
