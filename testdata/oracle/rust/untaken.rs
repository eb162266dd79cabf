// Pitfalls on paths this run does not take: real findings that no run of this program confirms.
use std::time::Duration;

async fn save() {}

async fn handle(input: &str) -> usize {
    if input.is_empty() {
        std::thread::sleep(Duration::from_millis(50)); // ~ blocking-sleep  oracle: unconfirmable(only on empty input, and the input is not empty)
        save(); // ~ missing-await  oracle: unconfirmable(only on empty input, and the input is not empty)
    }
    input.len()
}

fn main() {
    assert_eq!(futures::executor::block_on(handle("request")), 7);
}
