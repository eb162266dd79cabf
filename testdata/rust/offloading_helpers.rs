// A project function that hands its closure parameter to `spawn_blocking` (tokio's `asyncify`)
// makes closures passed to it offloaded, even when nested in other closures.
async fn asyncify<F, T>(f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(f).await.unwrap()
}

struct Pool;

impl Pool {
    fn run<F: FnOnce() + Send + 'static>(&self, job: F) {
        std::thread::spawn(job);
    }

    // Takes a closure but calls it right here.
    fn run_here<F: FnOnce()>(&self, job: F) {
        job();
    }
}

pub async fn read(path: std::path::PathBuf) -> std::io::Result<Vec<u8>> {
    asyncify(move || std::fs::read(path)).await
}

pub async fn nested(paths: Vec<std::path::PathBuf>) {
    asyncify(move || paths.iter().map(|p| std::fs::read(p)).count()).await;
}

pub async fn through_a_method(pool: &Pool) {
    pool.run(|| std::thread::sleep(std::time::Duration::from_millis(1)));
    pool.run_here(|| std::thread::sleep(std::time::Duration::from_millis(1))); // ~ blocking-sleep
}

// A closure given to an ordinary function still runs in the async context.
fn apply<F: FnOnce() -> u32>(f: F) -> u32 {
    f()
}

pub async fn not_offloaded() {
    apply(|| std::fs::read("a").map(|v| v.len() as u32).unwrap_or(0)); // ~ blocking-io
}

fn main() {
    let pool = Pool;
    pool.run(|| ());
    pool.run_here(|| ());
}

// A closure bound to a name runs where the name is handed, and where it is called.
pub async fn bound_closures(path: std::path::PathBuf) {
    let work = move || std::fs::read(path);
    let _ = tokio::task::spawn_blocking(work).await;
    let job = || std::thread::sleep(std::time::Duration::from_millis(1));
    std::thread::spawn(job);
    let through_helper = || std::fs::read("a");
    let _ = asyncify(through_helper).await;
    let inline = || std::fs::read("a"); // ~ blocking-io
    let _ = inline();
}
