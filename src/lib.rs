//! async-lint: finds the pitfalls of asynchronous code in Rust and Python.

pub mod baseline;
pub mod cache;
pub mod cargo;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod executor;
pub mod fix;
pub mod frontend;
pub mod interrupt;
pub mod knowledge;
pub mod link;
pub mod lint;
pub mod lsp;
pub mod model;
pub mod output;
pub mod rules;
pub mod suppress;
