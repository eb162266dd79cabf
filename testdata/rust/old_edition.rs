// Edition-2015 bare trait objects still parse: the file is linted, not a parse error.
type Callback = Fn(u32) + Send;

fn run(cb: Box<Fn(u32)>) {
    cb(1);
}

async fn blocks() {
    std::thread::sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
}

fn main() {}
