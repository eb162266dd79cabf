// The `poll*` methods of executor traits (`Future`, `Stream`, `AsyncRead`...) run on the
// executor's thread: blocking there is blocking in async code.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

struct Slow;

impl Future for Slow {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        std::thread::sleep(std::time::Duration::from_millis(1)); // ~ blocking-sleep
        Poll::Ready(())
    }
}

struct Lines;

impl futures::Stream for Lines {
    type Item = String;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<String>> {
        Poll::Ready(std::fs::read_to_string("a").ok()) // ~ blocking-io
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let _ = std::fs::metadata("a");
        (0, None)
    }
}

// A trait of the project that happens to have a `poll` method is not run by the executor.
trait Poller {
    fn poll(&mut self) -> bool;
}

struct Busy;

impl Poller for Busy {
    fn poll(&mut self) -> bool {
        std::thread::sleep(std::time::Duration::from_millis(1));
        true
    }
}

impl Iterator for Busy {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        std::thread::sleep(std::time::Duration::from_millis(1));
        None
    }
}

fn main() {
    let mut busy = Busy;
    busy.poll();
    let _ = busy.next();
}
