// blocking-sleep: direct, aliased, glob-imported, in async blocks and closures; traps beside each.
use std::thread;
use std::time::Duration;

mod aliased {
    use std::thread::sleep as nap;
    use std::time::Duration;

    pub async fn renamed() {
        nap(Duration::from_millis(1)); // ~ blocking-sleep
    }
}

mod globbed {
    use std::thread::*;
    use std::time::Duration;

    pub async fn glob() {
        sleep(Duration::from_millis(1)); // ~ blocking-sleep
    }
}

mod look_alike {
    use std::time::Duration;

    // A local function named `sleep` is not `std::thread::sleep`.
    fn sleep(_d: Duration) {}

    pub async fn shadowed() {
        sleep(Duration::from_millis(1));
    }
}

async fn direct() {
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    ::std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    core::hint::spin_loop();
}

async fn async_replacement_is_fine() {
    tokio::time::sleep(Duration::from_millis(1)).await;
    let clock = Clock;
    clock.sleep(Duration::from_millis(1));
    let text = "std::thread::sleep(Duration::from_millis(1))";
    // std::thread::sleep(Duration::from_millis(1));
    let _ = text;
}

struct Clock;

impl Clock {
    fn sleep(&self, _d: Duration) {}
}

fn sync_code_may_sleep() {
    std::thread::sleep(Duration::from_millis(1));
}

fn sync_fn_with_async_block() -> impl std::future::Future<Output = ()> {
    std::thread::sleep(Duration::from_millis(1));
    async {
        std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    }
}

async fn closures() {
    let wait = || std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    wait();
    let run = async || {
        std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    };
    run().await;
}

async fn offloaded() {
    tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(1))).await.unwrap();
    tokio::task::block_in_place(|| {
        std::thread::sleep(Duration::from_millis(1));
    });
    let worker = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(1));
    });
    drop(worker);
    tokio::runtime::Handle::current().spawn_blocking(|| thread::sleep(Duration::from_millis(1)));
}

async fn suppressed() {
    std::thread::sleep(Duration::from_millis(1)); // async-lint: allow(blocking-sleep)
    // async-lint: allow(blocking-sleep)
    std::thread::sleep(Duration::from_millis(1));
    // async-lint: allow(blocking-io)
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
}

fn main() {
    sync_code_may_sleep();
    let _ = sync_fn_with_async_block(); // ~ missing-await
}
