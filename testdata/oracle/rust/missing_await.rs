// Futures created and dropped without ever being polled, next to futures that are driven.
use std::time::Duration;

async fn save() {}

fn make_future() -> impl std::future::Future<Output = ()> {
    async {}
}

fn returned() -> impl std::future::Future<Output = ()> {
    save()
}

struct Store;

impl Store {
    async fn flush(&self) {}

    async fn reset() {}

    async fn close(&self) {
        self.flush(); // ~ missing-await
        Self::reset(); // ~ missing-await
    }
}

async fn forgotten(store: &Store) {
    save(); // ~ missing-await
    let _ = save(); // ~ missing-await
    let pending = save(); // ~ missing-await
    let _unused = save(); // ~ missing-await
    drop(save()); // ~ missing-await
    tokio::time::sleep(Duration::from_millis(1)); // ~ missing-await
    tokio::task::yield_now(); // ~ missing-await
    store.flush(); // ~ missing-await
    std::mem::drop(store.flush()); // ~ missing-await
    make_future(); // ~ missing-await
    drop(make_future()); // ~ missing-await
    store.close().await;
}

async fn driven(store: &Store) {
    save().await;
    let later = save();
    later.await;
    store.flush().await;
    Store::reset().await;
    tokio::time::sleep(Duration::from_millis(1)).await;
    tokio::task::yield_now().await;
    tokio::spawn(save()).await;
    let handle = tokio::spawn(async { save().await });
    handle.await;
    let boxed: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = Box::pin(save());
    boxed.await;
    make_future().await;
    returned().await;
}

fn sync_caller() {
    save(); // ~ missing-await
    let kept = returned();
    futures::executor::block_on(kept);
}

fn main() {
    let store = Store;
    futures::executor::block_on(forgotten(&store));
    futures::executor::block_on(driven(&store));
    sync_caller();
}
