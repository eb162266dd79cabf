// A new runtime blocked on from inside a task of another.
async fn work() -> u32 {
    1
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let n = rt.block_on(work()); // ~ nested-runtime
    println!("{n}");
}
