// Many glob imports: names resolve through the one that provides them (and quickly).
mod a {}
mod b {}
mod c {}
mod d {}
mod e {}
mod f {}
mod g {}
mod h {}
mod i {}
mod j {}

use a::*;
use b::*;
use c::*;
use d::*;
use e::*;
use f::*;
use g::*;
use h::*;
use i::*;
use j::*;
use std::thread::*;

async fn through_globs() {
    sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
    unknown_function();
    other::path::call();
}

fn main() {}
