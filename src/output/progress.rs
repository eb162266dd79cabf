//! Progress on a terminal: after a moment without a report, one line on standard error that counts
//! the files read (`linting 1234/5678 files`), redrawn in place and erased before the report.

use std::io::Write;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long a run goes without a line before it shows one, unless `ASYNC_LINT_PROGRESS_DELAY_MS`
/// says otherwise.
const DELAY: Duration = Duration::from_millis(400);
const REDRAW: Duration = Duration::from_millis(100);

/// The counts that the linter advances, shared with the thread that draws them.
pub struct Counter {
    total: AtomicUsize,
    done: AtomicUsize,
    /// When the line first shows.
    due: Instant,
    drawn: AtomicBool,
    /// Set once the line is erased for good: later passes draw nothing.
    finished: AtomicBool,
}

impl Counter {
    /// A pass over `total` files begins (`--fix` makes several); shown at once if it is time.
    pub fn start(&self, total: usize) {
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        if Instant::now() >= self.due {
            self.draw();
        }
    }

    pub fn advance(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
    }

    fn draw(&self) {
        let total = self.total.load(Ordering::Relaxed);
        if total == 0 || self.finished.load(Ordering::Relaxed) {
            return;
        }
        let done = self.done.load(Ordering::Relaxed).min(total);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2Klinting {done}/{total} files");
        let _ = err.flush();
        self.drawn.store(true, Ordering::Relaxed);
    }

    fn erase(&self) {
        if self.drawn.load(Ordering::Relaxed) {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// The drawing thread; [`Progress::finish`] (or dropping it) stops it and erases its line.
pub struct Progress {
    pub counter: Arc<Counter>,
    stop: Arc<(Mutex<bool>, Condvar)>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    /// Starts drawing on standard error, which must be a terminal.
    pub fn on_stderr() -> Progress {
        let delay = std::env::var("ASYNC_LINT_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(DELAY, Duration::from_millis);
        let counter = Arc::new(Counter {
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
            due: Instant::now() + delay,
            drawn: AtomicBool::new(false),
            finished: AtomicBool::new(false),
        });
        let stop = Arc::new((Mutex::new(false), Condvar::new()));
        let thread = {
            let (counter, stop) = (counter.clone(), stop.clone());
            std::thread::spawn(move || redraw(&counter, &stop, delay))
        };
        Progress { counter, stop, thread: Some(thread) }
    }

    pub fn finish(mut self) {
        self.stop_drawing();
    }

    fn stop_drawing(&mut self) {
        let (stopped, wake) = &*self.stop;
        *stopped.lock().unwrap_or_else(|e| e.into_inner()) = true;
        wake.notify_all();
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.counter.finished.store(true, Ordering::Relaxed);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_drawing();
    }
}

/// Draws the line when it is due and every moment after, until stopped; then erases it.
fn redraw(counter: &Counter, stop: &(Mutex<bool>, Condvar), delay: Duration) {
    let (stopped, wake) = stop;
    let mut wait = delay;
    let mut stopped = stopped.lock().unwrap_or_else(|e| e.into_inner());
    loop {
        stopped = wake.wait_timeout_while(stopped, wait, |s| !*s).unwrap_or_else(|e| e.into_inner()).0;
        if *stopped {
            counter.erase();
            return;
        }
        counter.draw();
        wait = REDRAW;
    }
}
