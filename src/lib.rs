//! async-lint: finds the pitfalls of asynchronous code in Rust and Python.

pub mod frontend;
pub mod knowledge;
pub mod model;
