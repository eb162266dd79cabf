//! `cargo async-lint ...`: cargo runs this binary with `async-lint` as the first argument; run
//! directly, it takes the same arguments without that word.

use std::ffi::OsString;

/// Many small allocations from every worker: mimalloc is markedly faster than the system's here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    // Help and errors name the command as the user typed it.
    let typed = if args.get(1).is_some_and(|a| a == "async-lint") {
        args.remove(1);
        "cargo async-lint"
    } else {
        "cargo-async-lint"
    };
    async_lint::cli::run_cargo(args, typed)
}
