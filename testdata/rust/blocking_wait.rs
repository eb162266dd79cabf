// blocking-wait: sync channels, condition variables, joins, tokio's blocking_* methods.
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};

struct Worker {
    jobs: mpsc::Receiver<u32>,
}

impl Worker {
    async fn next(&self) -> u32 {
        self.jobs.recv().unwrap() // ~ blocking-wait
    }
}

async fn channels(rx: std::sync::mpsc::Receiver<u32>) {
    let (tx, own_rx) = mpsc::channel::<u32>();
    tx.send(1).unwrap();
    own_rx.recv().unwrap(); // ~ blocking-wait
    rx.recv_timeout(std::time::Duration::from_millis(1)).unwrap(); // ~ blocking-wait
    let (sync_tx, _sync_rx) = mpsc::sync_channel::<u32>(0);
    sync_tx.send(2).unwrap(); // ~ blocking-wait
}

async fn condvar(pair: Arc<(Mutex<bool>, Condvar)>) {
    let (lock, cvar) = &*pair;
    let guard = lock.lock().unwrap();
    let cvar: &Condvar = cvar;
    let _guard = cvar.wait(guard).unwrap(); // ~ blocking-wait
}

async fn join() {
    let handle = std::thread::spawn(|| 1);
    handle.join().unwrap(); // ~ blocking-wait
}

async fn tokio_blocking(mut rx: tokio::sync::mpsc::Receiver<u32>, m: tokio::sync::Mutex<u32>) {
    rx.blocking_recv(); // ~ blocking-wait
    let _g = m.blocking_lock(); // ~ blocking-wait
}

async fn async_channels_are_fine() {
    let (tx, mut rx) = tokio::sync::mpsc::channel::<u32>(1);
    tx.send(1).await.unwrap();
    rx.recv().await;
    let path = std::path::Path::new("a").join("b");
    let words = ["a", "b"].join(",");
    let task = tokio::spawn(async { 1 });
    task.await.unwrap();
    let _ = (path, words);
}

fn sync_is_fine(rx: mpsc::Receiver<u32>) {
    rx.recv().unwrap();
}

fn main() {
    let (_tx, rx) = mpsc::channel();
    sync_is_fine(rx);
}

async fn scoped_threads() {
    std::thread::scope(|s| { // ~ blocking-wait
        s.spawn(|| std::thread::sleep(std::time::Duration::from_millis(1)));
    });
}
