// Every way of running a closure on another thread is an offload: blocking inside it is the
// point. What waits for those threads (`join`, a scope) still blocks the async function.
use std::thread;
use std::time::Duration;

pub async fn builder_chains() {
    let handle = thread::Builder::new()
        .name("worker".into())
        .stack_size(1 << 20)
        .spawn(move || thread::sleep(Duration::from_millis(1)))
        .unwrap();
    handle.join().unwrap(); // ~ blocking-wait
}

pub async fn configured_builder_bound_to_a_name() {
    let builder = std::thread::Builder::new().name("io".to_string());
    builder.spawn(|| std::fs::read("data")).unwrap();
    // Blocking after the spawn is in the async function itself.
    std::fs::read("after").unwrap(); // ~ blocking-io
}

pub async fn a_builder_only_configured() {
    // Configuring a builder runs nothing; the closure below is called right here.
    let _builder = thread::Builder::new().name("idle".into());
    let read = || std::fs::read("here"); // ~ blocking-io
    read().unwrap();
}

pub async fn unchecked_and_scoped_spawns() {
    let handle = unsafe { thread::Builder::new().spawn_unchecked(|| std::fs::read("x")) }.unwrap();
    thread::scope(|s| { // ~ blocking-wait
        thread::Builder::new().spawn_scoped(s, || std::fs::read("y")).unwrap();
        let inner = s.spawn(|| std::fs::read("z"));
        inner.join().unwrap(); // ~ blocking-wait
    });
    drop(handle);
}

pub async fn crossbeam_scopes() {
    crossbeam::scope(|s| { // ~ blocking-wait
        s.spawn(|_| std::fs::read("a"));
    })
    .unwrap();
    crossbeam::thread::scope(|s| { // ~ blocking-wait
        s.spawn(|_| thread::sleep(Duration::from_millis(1)));
    })
    .unwrap();
}

pub async fn rayon_pools() {
    rayon::spawn(|| thread::sleep(Duration::from_millis(1)));
    rayon::scope(|s| { // ~ blocking-wait
        s.spawn(|_| std::fs::read("b").unwrap());
    });
    let (a, b) = rayon::join(|| std::fs::read("c"), || std::fs::read("d")); // ~ blocking-wait
    drop((a, b));
}

pub async fn runtime_handles() {
    let handle = tokio::runtime::Handle::current();
    handle.spawn_blocking(|| std::fs::read("e"));
    tokio::task::block_in_place(|| std::fs::read("f")).unwrap();
    async_std::task::spawn_blocking(|| std::fs::read("g"));
    blocking::unblock(|| std::fs::read("h"));
}
