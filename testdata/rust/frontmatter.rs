---
[dependencies]
tokio = "1"
---
async fn script() {
    std::thread::sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
}

fn main() {}
