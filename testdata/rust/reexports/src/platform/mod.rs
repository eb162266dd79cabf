mod std_impl;

pub use self::std_impl::*;
