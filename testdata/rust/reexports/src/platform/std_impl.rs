pub mod thread {
    pub use std::thread::*;
}
