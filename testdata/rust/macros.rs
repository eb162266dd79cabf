// Calls inside macro bodies that hold expressions are linted; other macro bodies are not guessed at.
use std::io::Write;
use std::time::Duration;

async fn fetch() -> u32 {
    1
}

macro_rules! pause {
    () => {
        std::thread::sleep(Duration::from_millis(1))
    };
}

macro_rules! twice {
    ($e:expr, $f:expr) => {
        ($e, $f)
    };
}

async fn in_macros(out: &mut Vec<u8>) {
    println!("{}", std::fs::read_to_string("a").unwrap()); // ~ blocking-io
    let s = format!("{:?}", std::fs::metadata("a")); // ~ blocking-io
    assert!(std::path::Path::new("a").exists()); // ~ blocking-io
    assert_eq!(std::fs::read("a").unwrap().len(), 0); // ~ blocking-io
    let v = vec![std::fs::read("a").unwrap(); 2]; // ~ blocking-io
    write!(out, "{}", std::fs::read_to_string("b").unwrap()).unwrap(); // ~ blocking-io
    let pair = twice!(std::fs::read("a"), 2); // ~ blocking-io
    let joined = tokio::join!(fetch(), async { std::thread::sleep(Duration::from_millis(1)) }); // ~ blocking-sleep
    tokio::select! {
        n = fetch() => { std::thread::sleep(Duration::from_millis(n as u64)); } // ~ blocking-sleep
        else => {}
    }
    let _ = (s, v, pair, joined);
}

async fn not_guessed() {
    // The body of a macro_rules definition is not code until it expands.
    pause!();
    let text = concat!("std::thread::sleep", "(d)");
    let _ = text;
    println!("std::fs::read_to_string(\"a\")");
}

fn main() {}
