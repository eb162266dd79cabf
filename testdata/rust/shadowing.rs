// Local bindings and items shadow imports: resolution, not spelling, decides.
use std::fs::read_to_string;
use std::thread::sleep;
use std::time::Duration;

async fn local_closure_shadows_import() {
    let sleep = |_d: Duration| {};
    sleep(Duration::from_millis(1));
}

async fn parameter_shadows_import(read_to_string: fn(&str) -> String) {
    let _ = read_to_string("a");
}

mod thread {
    pub fn sleep(_d: std::time::Duration) {}
}

async fn own_module_named_thread() {
    thread::sleep(Duration::from_millis(1));
    self::thread::sleep(Duration::from_millis(1));
}

async fn imports_still_resolve() {
    sleep(Duration::from_millis(1)); // ~ blocking-sleep
    let _ = read_to_string("a"); // ~ blocking-io
}

async fn inner_item_shadows() {
    fn sleep(_d: Duration) {}
    sleep(Duration::from_millis(1));
}

fn main() {}
