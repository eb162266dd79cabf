// nested-runtime: blocking on a runtime from inside async code.
use tokio::runtime::{Handle, Runtime};

async fn work() -> u32 {
    1
}

#[tokio::main]
async fn tool_main() {
    work().await;
}

fn run_sync() -> u32 {
    let rt = Runtime::new().unwrap();
    rt.block_on(work())
}

async fn nested() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(work()); // ~ nested-runtime
    Handle::current().block_on(work()); // ~ nested-runtime
    futures::executor::block_on(work()); // ~ nested-runtime
    pollster::block_on(work()); // ~ nested-runtime
    tool_main(); // ~ nested-runtime
    run_sync(); // ~ nested-runtime
}

async fn offloaded() {
    let handle = Handle::current();
    tokio::task::spawn_blocking(move || handle.block_on(work())).await.unwrap();
    std::thread::spawn(|| futures::executor::block_on(work())).join().unwrap(); // ~ blocking-wait
}

fn main() {
    let n = run_sync();
    tool_main();
    let _ = n;
}
