// Patterns that neither block the executor nor lose a future: nothing is reported, nothing is
// observed.
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(50);

fn pause() {
    std::thread::sleep(PAUSE);
}

async fn step() -> u32 {
    tokio::time::sleep(PAUSE).await;
    1
}

async fn offloaded() -> u32 {
    let blocked = tokio::task::spawn_blocking(|| {
        pause();
        std::process::Command::new("sleep").arg("0.05").status().unwrap().success()
    });
    let thread = std::thread::spawn(pause);
    let awaited = step().await;
    let spawned = tokio::spawn(step());
    tokio::task::yield_now().await;
    let handle = tokio::spawn(async { tokio::time::sleep(PAUSE).await });
    handle.await;
    drop(thread);
    u32::from(blocked.await) + awaited + spawned.await
}

fn main() {
    pause();
    let total = futures::executor::block_on(offloaded());
    assert_eq!(total, 3);
}
