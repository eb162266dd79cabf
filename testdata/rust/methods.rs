// Methods: `self.method()` and `Self::f()` resolve to the impl's own functions.
use std::time::Duration;

struct Service {
    path: String,
}

impl Service {
    fn load(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap()
    }

    fn backoff() {
        std::thread::sleep(Duration::from_millis(10));
    }

    fn pure(&self) -> usize {
        self.path.len()
    }

    async fn handle(&self) -> usize {
        let text = self.load(); // ~ blocking-io
        Self::backoff(); // ~ blocking-sleep
        Service::backoff(); // ~ blocking-sleep
        text.len() + self.pure()
    }

    async fn offloaded(&self) {
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || std::fs::read_to_string(path)).await.unwrap().unwrap();
    }
}

trait Repository {
    fn fetch_blocking(&self) -> u32 {
        std::thread::sleep(Duration::from_millis(1));
        1
    }

    async fn fetch(&self) -> u32 {
        self.fetch_blocking() // ~ blocking-sleep
    }
}

struct Other;

impl Other {
    // Same name as Service::load, but does not block.
    fn load(&self) -> String {
        String::new()
    }

    async fn handle(&self) -> usize {
        self.load().len()
    }
}

fn main() {}
