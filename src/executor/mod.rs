//! The reference executor and oracle: runs real programs and observes the pitfalls the linter
//! claims, so that static findings can be confirmed at run time. It stands apart from the linter
//! and only reads its findings.

pub mod compare;
pub mod confirm;
pub mod instrument;
pub mod observation;
pub mod python;
pub mod run;
pub mod rust;

/// The executor's source, built into every instrumented Rust program.
pub const RUNTIME_SOURCE: &str = include_str!("runtime.rs");

/// The driver that runs a Python program under asyncio with probes.
pub const PYTHON_DRIVER: &str = include_str!("python_driver.py");
