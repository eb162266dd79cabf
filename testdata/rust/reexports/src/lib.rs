// Known APIs reached through the crate's own re-exports, named and glob, across files.
mod platform;
mod shim;

pub async fn uses_reexports() {
    shim::pause(std::time::Duration::from_millis(1)); // ~ blocking-sleep
    shim::fs::read("a").unwrap(); // ~ blocking-io
    platform::thread::sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
    platform::thread::spawn(|| std::thread::sleep(std::time::Duration::from_millis(1)));
    shim::own_fn();
}
