fn main() -> std::process::ExitCode {
    async_lint::cli::run(std::env::args_os())
}
