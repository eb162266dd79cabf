// An `allow` alone on the line before an item covers the whole item; `allow-file` covers the file.
use std::time::Duration;

// async-lint: allow(blocking-sleep)
async fn whole_function() {
    std::thread::sleep(Duration::from_millis(1));
    let _ = 1;
    std::thread::sleep(Duration::from_millis(1));
}

// async-lint: allow(blocking-sleep)
#[allow(unused)]
#[inline]
async fn with_attributes() {
    std::thread::sleep(Duration::from_millis(1));
}

/// Documented.
// async-lint: allow(blocking-sleep)
async fn between_docs_and_header() {
    std::thread::sleep(Duration::from_millis(1));
}

struct Worker;

// async-lint: allow(blocking-io)
impl Worker {
    async fn load(&self) {
        let _ = std::fs::read("a");
    }

    // async-lint: allow(blocking-sleep)
    async fn pause(&self) {
        std::thread::sleep(Duration::from_millis(1));
    }

    async fn both(&self) {
        let _ = std::fs::read("a");
        std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
    }
}

// async-lint: allow(blocking-sleep)
mod quiet {
    use std::time::Duration;

    pub async fn inner() {
        std::thread::sleep(Duration::from_millis(1));
    }
}

// Traps: another rule, a blank line between, a trailing allow on the header, an allow inside.
// async-lint: allow(blocking-io)
async fn other_rule() {
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
}

// async-lint: allow(blocking-sleep)

async fn after_a_blank_line() {
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
}

async fn trailing_on_header() { // async-lint: allow(blocking-sleep)
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
}

async fn inside() {
    // async-lint: allow(blocking-sleep)
    std::thread::sleep(Duration::from_millis(1));
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
}

async fn file_level() {
    std::net::TcpStream::connect("localhost:1").ok();
}

// async-lint: allow-file(blocking-network)
