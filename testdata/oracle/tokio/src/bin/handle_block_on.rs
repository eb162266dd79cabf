// The running runtime's own handle blocked on from inside it.
use tokio::runtime::Handle;

async fn work() -> u32 {
    1
}

#[tokio::main]
async fn main() {
    let handle = Handle::current();
    let n = handle.block_on(work()); // ~ nested-runtime
    println!("{n}");
}
