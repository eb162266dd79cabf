pub mod client;

pub use client::fetch;

pub fn start() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {});
}
