//! `cargo async-lint ...`: cargo runs this binary with `async-lint` as the first argument.

use std::ffi::OsString;

fn main() -> std::process::ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "async-lint") {
        args.remove(1);
    }
    // `cargo async-lint` alone, or with only options or paths, means `check`.
    let subcommands = ["check", "rules", "rule", "help", "--help", "-h", "--version", "-V"];
    if !args.get(1).and_then(|a| a.to_str()).is_some_and(|a| subcommands.contains(&a)) {
        args.insert(1, OsString::from("check"));
    }
    async_lint::cli::run(args)
}
