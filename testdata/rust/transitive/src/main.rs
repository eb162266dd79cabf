// Sync helpers that block, across modules and files, reported at the call site inside async code.
mod net;
mod util;

use util::*;

async fn handler() {
    util::pause(); // ~ blocking-sleep
    crate::util::load_config(); // ~ blocking-io
    net::client::fetch(); // ~ blocking-network
    net::fetch(); // ~ blocking-network
    retry(); // ~ blocking-sleep
    util::ping_pong(3); // ~ blocking-io
    util::quick(); 
    util::only_offloads();
    net::start(); // ~ nested-runtime
}

async fn offloaded() {
    tokio::task::spawn_blocking(util::pause).await.unwrap();
    tokio::task::spawn_blocking(|| util::pause()).await.unwrap();
}

fn sync_main_part() {
    util::pause();
}

#[tokio::main]
async fn main() {
    sync_main_part(); // ~ blocking-sleep
    handler().await;
    offloaded().await;
}
