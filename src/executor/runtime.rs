//! The reference executor: single-threaded, std only, instrumented. It is not compiled into
//! async-lint; the instrumenter includes it as a module of each program it builds.
//!
//! Observations are appended as JSON lines to the file named by `ASYNC_LINT_OBSERVATIONS` (or
//! printed to stderr) the moment they happen, so a program that panics still reports them.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::io::Write;
use std::panic::Location;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;
use std::time::{Duration, Instant};

/// A call in async code that runs this long without yielding is blocking.
const THRESHOLD: Duration = Duration::from_millis(20);

fn record(kind: &str, file: &str, line: u32) {
    let text = format!("{{\"kind\":\"{kind}\",\"file\":\"{}\",\"line\":{line}}}\n", escape(file));
    let written = std::env::var_os("ASYNC_LINT_OBSERVATIONS").is_some_and(|path| {
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .is_ok()
    });
    if !written {
        eprint!("async-lint-observation: {text}");
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// A spawned task, with its output already delivered to its join handle.
type Task = Pin<Box<dyn Future<Output = ()>>>;

thread_local! {
    /// How many `block_on` calls are running on this thread.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// Bumped whenever a poll returns `Pending`: a timed call that sees it change has yielded.
    static EPOCH: Cell<u64> = const { Cell::new(0) };
    /// Time spent in finished timed calls, so that an enclosing call counts only its own time.
    static COVERED: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    /// Timed calls in progress: (id, line, epoch at entry).
    static ACTIVE: RefCell<Vec<(u64, u32, u64)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
    static TASKS: RefCell<HashMap<u64, Task>> = RefCell::new(HashMap::new());
    static QUEUE: Arc<Queue> = Arc::new(Queue { ready: Mutex::new(VecDeque::new()), thread: std::thread::current() });
    static TIMERS: RefCell<Vec<(Instant, Waker)>> = const { RefCell::new(Vec::new()) };
}

fn next_id() -> u64 {
    NEXT_ID.with(|n| {
        n.set(n.get() + 1);
        n.get()
    })
}

fn yielded() {
    EPOCH.with(|e| e.set(e.get() + 1));
}

// ---------------------------------------------------------------- timed calls

/// Times one call in an async body; `line` is the call's line in the original source.
pub struct Call {
    id: u64,
    line: u32,
    start: Instant,
    epoch: u64,
    covered: Duration,
}

pub fn enter(line: u32) -> Call {
    let id = next_id();
    let epoch = EPOCH.with(Cell::get);
    ACTIVE.with(|a| a.borrow_mut().push((id, line, epoch)));
    Call { id, line, start: Instant::now(), epoch, covered: COVERED.with(Cell::get) }
}

/// Ends the timing of a call: `timed(enter(line), call)` evaluates `enter` first, then the call.
pub fn timed<T>(call: Call, value: T) -> T {
    drop(call);
    value
}

impl Drop for Call {
    fn drop(&mut self) {
        ACTIVE.with(|a| a.borrow_mut().retain(|&(id, ..)| id != self.id));
        if DEPTH.with(Cell::get) == 0 || EPOCH.with(Cell::get) != self.epoch || std::thread::panicking() {
            return;
        }
        let inclusive = self.start.elapsed();
        let children = COVERED.with(Cell::get).saturating_sub(self.covered);
        COVERED.with(|c| c.set(self.covered + inclusive));
        if inclusive.saturating_sub(children) >= THRESHOLD {
            record("blocking", "", self.line);
        }
    }
}

/// The line of the innermost timed call that has not yielded since it started.
fn innermost_call() -> Option<u32> {
    let epoch = EPOCH.with(Cell::get);
    ACTIVE.with(|a| a.borrow().iter().rev().find(|&&(_, _, e)| e == epoch).map(|&(_, line, _)| line))
}

// ---------------------------------------------------------------- tracked futures

/// A future that reports being dropped without ever being polled, with where it was created.
pub struct Tracked<F> {
    future: Pin<Box<F>>,
    polled: bool,
    created: &'static Location<'static>,
}

#[track_caller]
pub fn track<F: Future>(future: F) -> Tracked<F> {
    Tracked { future: Box::pin(future), polled: false, created: Location::caller() }
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polled = true;
        self.future.as_mut().poll(cx)
    }
}

impl<F> Drop for Tracked<F> {
    fn drop(&mut self) {
        if !self.polled && !std::thread::panicking() {
            record("never-polled", self.created.file(), self.created.line());
        }
    }
}

// ---------------------------------------------------------------- the executor

struct Queue {
    ready: Mutex<VecDeque<u64>>,
    thread: Thread,
}

struct TaskWaker {
    id: u64,
    queue: Arc<Queue>,
}

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        if let Ok(mut ready) = self.queue.ready.lock() {
            ready.push_back(self.id);
        }
        self.queue.thread.unpark();
    }
}

struct RootWaker {
    woken: AtomicBool,
    thread: Thread,
}

impl Wake for RootWaker {
    fn wake(self: Arc<Self>) {
        self.woken.store(true, Ordering::SeqCst);
        self.thread.unpark();
    }
}

/// Runs `future` to completion on this thread. Entered from inside the executor, it records a
/// nested runtime at the call in async code that led here, then still runs the future, on a
/// nested loop that does not run other tasks.
#[track_caller]
pub fn block_on<F: Future>(future: F) -> F::Output {
    let caller = Location::caller();
    let depth = DEPTH.with(Cell::get);
    if depth > 0 {
        match innermost_call() {
            Some(line) => record("nested", "", line),
            None => record("nested", caller.file(), caller.line()),
        }
    }
    DEPTH.with(|d| d.set(depth + 1));
    let output = run(future, depth == 0);
    DEPTH.with(|d| d.set(depth));
    if depth == 0 {
        let tasks = TASKS.with(|t| std::mem::take(&mut *t.borrow_mut()));
        drop(tasks);
    }
    output
}

fn run<F: Future>(future: F, outermost: bool) -> F::Output {
    let mut future = Box::pin(future);
    let root = Arc::new(RootWaker { woken: AtomicBool::new(true), thread: std::thread::current() });
    let waker = Waker::from(root.clone());
    let queue = QUEUE.with(Arc::clone);
    loop {
        if root.woken.swap(false, Ordering::SeqCst) {
            match future.as_mut().poll(&mut Context::from_waker(&waker)) {
                Poll::Ready(output) => return output,
                Poll::Pending => yielded(),
            }
        }
        if outermost {
            while let Some(id) = queue.ready.lock().ok().and_then(|mut r| r.pop_front()) {
                run_task(id, &queue);
            }
        }
        let next_timer = fire_timers();
        let ready = root.woken.load(Ordering::SeqCst) || (outermost && queue.ready.lock().is_ok_and(|r| !r.is_empty()));
        if !ready {
            match next_timer {
                Some(deadline) => std::thread::park_timeout(deadline.saturating_duration_since(Instant::now())),
                None => std::thread::park(),
            }
        }
    }
}

fn run_task(id: u64, queue: &Arc<Queue>) {
    let Some(mut task) = TASKS.with(|t| t.borrow_mut().remove(&id)) else {
        return;
    };
    let waker = Waker::from(Arc::new(TaskWaker { id, queue: queue.clone() }));
    if task.as_mut().poll(&mut Context::from_waker(&waker)).is_pending() {
        yielded();
        TASKS.with(|t| t.borrow_mut().insert(id, task));
    }
}

/// Wakes the timers that are due; returns the earliest deadline still pending.
fn fire_timers() -> Option<Instant> {
    let now = Instant::now();
    let due: Vec<Waker> = TIMERS.with(|t| {
        let mut timers = t.borrow_mut();
        let (due, pending): (Vec<_>, Vec<_>) = timers.drain(..).partition(|(deadline, _)| *deadline <= now);
        *timers = pending;
        due.into_iter().map(|(_, waker)| waker).collect()
    });
    due.into_iter().for_each(Waker::wake);
    TIMERS.with(|t| t.borrow().iter().map(|(deadline, _)| *deadline).min())
}

/// A spawned task's result; awaiting it yields the task's output.
pub struct JoinHandle<T> {
    state: Arc<Mutex<(Option<T>, Option<Waker>)>>,
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let Ok(mut state) = self.state.lock() else {
            panic!("a task panicked");
        };
        match state.0.take() {
            Some(value) => Poll::Ready(value),
            None => {
                state.1 = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

fn complete<T>(state: &Mutex<(Option<T>, Option<Waker>)>, value: T) {
    if let Ok(mut state) = state.lock() {
        state.0 = Some(value);
        if let Some(waker) = state.1.take() {
            waker.wake();
        }
    }
}

/// Runs `future` as a task of this thread's executor.
pub fn spawn<F: Future + 'static>(future: F) -> JoinHandle<F::Output> {
    let state = Arc::new(Mutex::new((None, None)));
    let handle = JoinHandle { state: state.clone() };
    let id = next_id();
    let task = async move { complete(&state, future.await) };
    TASKS.with(|t| t.borrow_mut().insert(id, Box::pin(task)));
    QUEUE.with(|q| {
        if let Ok(mut ready) = q.ready.lock() {
            ready.push_back(id);
        }
    });
    handle
}

/// Runs `f` on a thread of its own.
pub fn spawn_blocking<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let state = Arc::new(Mutex::new((None, None)));
    let handle = JoinHandle { state: state.clone() };
    std::thread::spawn(move || complete(&state, f()));
    handle
}

pub struct Sleep {
    deadline: Instant,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            return Poll::Ready(());
        }
        TIMERS.with(|t| t.borrow_mut().push((self.deadline, cx.waker().clone())));
        Poll::Pending
    }
}

#[track_caller]
pub fn sleep(duration: Duration) -> Tracked<Sleep> {
    track(Sleep { deadline: Instant::now() + duration })
}

pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[track_caller]
pub fn yield_now() -> Tracked<YieldNow> {
    track(YieldNow { yielded: false })
}

/// Stands for `tokio::runtime::Runtime`: a handle whose `block_on` is this executor's.
pub struct Runtime;

impl Runtime {
    pub fn new() -> std::io::Result<Runtime> {
        Ok(Runtime)
    }

    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        block_on(future)
    }
}
