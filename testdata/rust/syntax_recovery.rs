// A syntax error in one item leaves the file's other items linted.
use std::time::Duration;

async fn before() {
    std::thread::sleep(Duration::from_millis(1)); // ~ blocking-sleep
}

fn broken(x: u8) -> u8 {
    let = x + ; // ~ parse-error
}

const LIMIT: Limits = Limits { millis: 1 };

struct Limits {
    millis: u64,
}

impl Limits {
    async fn wait(&self) {
        std::thread::sleep(Duration::from_millis(self.millis)); // ~ blocking-sleep
    }
}

async fn after() {
    std::thread::sleep(Duration::from_millis(LIMIT.millis)); // ~ blocking-sleep
}
