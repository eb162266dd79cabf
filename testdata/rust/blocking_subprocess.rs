// blocking-subprocess: running a process and waiting for it.
use std::process::Command;

async fn run() {
    let out = Command::new("ls").arg("-l").output().unwrap(); // ~ blocking-subprocess
    let status = std::process::Command::new("true").status(); // ~ blocking-subprocess
    let mut child = Command::new("sleep").args(["1"]).spawn().unwrap();
    child.wait().unwrap(); // ~ blocking-subprocess
    let _ = (out, status);
}

async fn tokio_process_is_fine() {
    let out = tokio::process::Command::new("ls").arg("-l").output().await;
    let _ = out;
}

fn sync_is_fine() {
    let _ = Command::new("ls").output();
}

async fn offloaded() {
    let _ = tokio::task::spawn_blocking(|| Command::new("ls").output()).await;
}

fn main() {
    sync_is_fine();
}
