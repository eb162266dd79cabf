pub use std::fs;
pub use std::thread::sleep as pause;

pub fn own_fn() {}
