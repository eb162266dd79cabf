use std::time::Duration;

pub fn pause() {
    inner_pause();
}

fn inner_pause() {
    std::thread::sleep(Duration::from_millis(10));
}

pub fn load_config() -> String {
    std::fs::read_to_string("config.toml").unwrap_or_default()
}

pub fn retry() {
    super::util::pause();
}

// Mutual recursion terminates, and the chain is found through it.
pub fn ping_pong(n: u32) {
    if n > 0 {
        pong(n - 1);
    }
}

fn pong(n: u32) {
    if n == 0 {
        let _ = std::fs::read("x");
    } else {
        ping_pong(n);
    }
}

// Named like a blocking helper, but does nothing blocking.
pub fn quick() -> u32 {
    1
}

pub fn only_offloads() {
    std::thread::spawn(|| std::thread::sleep(Duration::from_millis(10)));
}
