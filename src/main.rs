/// Many small allocations from every worker: mimalloc is markedly faster than the system's here.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    async_lint::cli::run(std::env::args_os())
}
