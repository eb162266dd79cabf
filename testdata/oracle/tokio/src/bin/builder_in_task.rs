// A runtime built and blocked on inside a spawned task.
async fn work() -> u32 {
    1
}

async fn task() -> u32 {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(work()) // ~ nested-runtime
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let n = rt.block_on(async { tokio::spawn(task()).await.unwrap() });
    println!("{n}");
}
