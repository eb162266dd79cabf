//! async-lint: finds the pitfalls of asynchronous code in Rust and Python.

pub mod frontend;
pub mod knowledge;
pub mod model;
pub mod diagnostic;
pub mod project;
pub mod rules;
pub mod suppress;
pub mod discover;
pub mod lint;
pub mod output;
pub mod cli;
