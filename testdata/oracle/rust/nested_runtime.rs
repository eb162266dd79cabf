// Runtimes started from inside async code: directly, through sync helpers and methods, and by
// calling a `#[tokio::main]` function. The executor records each one and still runs the future.
async fn work() -> u32 {
    1
}

#[tokio::main]
async fn tool_main() -> u32 {
    work().await
}

fn run_sync() -> u32 {
    futures::executor::block_on(work())
}

fn run_sync_twice_removed() -> u32 {
    run_sync()
}

struct Client;

impl Client {
    fn get(&self) -> u32 {
        pollster::block_on(work())
    }
}

async fn nested() -> u32 {
    let direct = futures::executor::block_on(work()); // ~ nested-runtime
    let polled = pollster::block_on(work()); // ~ nested-runtime
    let rt = tokio::runtime::Runtime::new().unwrap();
    let on_runtime = rt.block_on(work()); // ~ nested-runtime
    let tool = tool_main(); // ~ nested-runtime
    let helper = run_sync(); // ~ nested-runtime
    let deeper = run_sync_twice_removed(); // ~ nested-runtime
    let client = Client;
    let method = client.get(); // ~ nested-runtime
    direct + polled + on_runtime + tool + helper + deeper + method
}

async fn offloaded() -> u32 {
    // A runtime on a thread of its own is fine.
    tokio::task::spawn_blocking(|| futures::executor::block_on(work())).await
}

fn main() {
    // Outside async code, starting a runtime is what it is for.
    let total = futures::executor::block_on(nested()) + run_sync() + tool_main();
    let offloaded = futures::executor::block_on(offloaded());
    assert_eq!((total, offloaded), (9, 1));
}
