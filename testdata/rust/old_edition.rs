// Edition-2015 bare trait objects still parse: the file is linted, not a parse error.
type Callback = Fn(u32) + Send;

fn run(cb: Box<Fn(u32)>) {
    cb(1);
}

async fn blocks() {
    std::thread::sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
}

// Edition-2015 trait methods with anonymous parameters, as rand 0.4 declares them.
pub trait Rng {
    fn fill_bytes(&mut self, &mut [u8]);
    fn gen_range<T: PartialOrd>(&mut self, T, T) -> T;
    fn named(&self, seed: u64, ::std::vec::Vec<u8>);
}

fn main() {}
