// Blocking calls inside the arguments of expression macros, standard and user-defined.
use std::fmt::Write as _;
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(50);

fn slow_len() -> usize {
    std::thread::sleep(PAUSE);
    1
}

macro_rules! pair {
    ($a:expr, $b:expr) => {
        ($a, $b)
    };
}

async fn in_macros() -> String {
    let mut out = String::new();
    println!("{:?}", std::thread::sleep(PAUSE)); // ~ blocking-sleep
    let status = format!("{:?}", std::process::Command::new("sleep").arg("0.05").status()); // ~ blocking-subprocess
    assert_eq!(slow_len(), 1); // ~ blocking-sleep
    assert!(std::process::Command::new("sleep").arg("0.05").status().unwrap().success()); // ~ blocking-subprocess
    let lengths = vec![slow_len(), 2]; // ~ blocking-sleep
    let both = pair!(std::thread::sleep(PAUSE), slow_len()); // ~ blocking-sleep
    write!(out, "{}", slow_len()).unwrap(); // ~ blocking-sleep
    format!("{status}{lengths:?}{both:?}{out}")
}

fn main() {
    let text = futures::executor::block_on(in_macros());
    assert!(text.contains("Ok"));
}
