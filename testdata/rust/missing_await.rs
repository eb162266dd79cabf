// missing-await: futures created and never awaited or polled.
use std::time::Duration;

async fn save() {}

fn make_future() -> impl std::future::Future<Output = ()> {
    async {}
}

struct Store;

impl Store {
    async fn flush(&self) {}

    async fn close(&self) {
        self.flush(); // ~ missing-await
        Self::reset(); // ~ missing-await
    }

    async fn reset() {}

    fn sync_helper(&self) -> u32 {
        1
    }
}

async fn forgotten(store: &Store) {
    save(); // ~ missing-await
    let _ = save(); // ~ missing-await
    let pending = save(); // ~ missing-await
    let _unused = save(); // ~ missing-await
    drop(save()); // ~ missing-await
    std::mem::drop(make_future()); // ~ missing-await
    tokio::time::sleep(Duration::from_millis(1)); // ~ missing-await
    store.flush(); // ~ missing-await
    make_future(); // ~ missing-await
}

async fn driven(store: &Store) {
    save().await;
    let later = save();
    later.await;
    let a = save();
    let b = store.flush();
    tokio::join!(a, b);
    tokio::spawn(save());
    let handle = tokio::spawn(async { save().await });
    handle.await.unwrap();
    futures::future::join_all(vec![save(), save()]).await;
    let timed = tokio::time::timeout(Duration::from_secs(1), save()).await;
    let boxed: std::pin::Pin<Box<dyn std::future::Future<Output = ()>>> = Box::pin(save());
    boxed.await;
    let n = store.sync_helper();
    let _ = (timed, n);
    tokio::select! {
        _ = save() => {}
        _ = tokio::time::sleep(Duration::from_millis(1)) => {}
    }
    let in_format = save();
    println!("{:?}", std::mem::size_of_val(&in_format));
}

fn returned() -> impl std::future::Future<Output = ()> {
    save()
}

fn sync_caller() {
    save(); // ~ missing-await
    let _keep = returned();
    drop(_keep);
}

fn main() {
    sync_caller();
}
