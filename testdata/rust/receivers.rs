// Method calls resolve through the receiver's type: constructors, unit structs, declared return
// types, fields, and rayon's parallel iterators (whose closures run on rayon's pool).
use rayon::prelude::*;
use std::time::Duration;

struct Db {
    path: String,
}

impl Db {
    fn open(path: &str) -> Db {
        Db { path: path.to_string() }
    }

    fn query(&self) -> String {
        std::fs::read_to_string(&self.path).unwrap()
    }

    async fn query_async(&self) -> String {
        tokio::fs::read_to_string(&self.path).await.unwrap()
    }
}

struct Clock;

impl Clock {
    fn tick(&self) {
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn connect() -> Db {
    Db::open("db")
}

struct App {
    db: Db,
    clock: Clock,
}

impl App {
    async fn serve(&self) {
        self.db.query(); // ~ blocking-io
        self.clock.tick(); // ~ blocking-sleep
        self.db.query_async(); // ~ missing-await
    }
}

async fn receivers() {
    let db = Db::open("db");
    db.query(); // ~ blocking-io
    let clock = Clock;
    clock.tick(); // ~ blocking-sleep
    let conn = connect();
    conn.query(); // ~ blocking-io
    conn.query_async().await;
}

async fn parallel(paths: Vec<String>) {
    paths.par_iter().for_each(|p| {
        std::fs::read(p).unwrap();
    });
    let sizes: Vec<usize> = paths.par_iter().map(|p| std::fs::read(p).unwrap().len()).collect();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    // The closures run on the pool, but the caller waits for them.
    pool.install(|| std::thread::sleep(Duration::from_millis(1))); // ~ blocking-wait
    rayon::join(|| std::fs::read("a"), || std::fs::read("b")); // ~ blocking-wait
    let serial: Vec<usize> = paths.iter().map(|p| std::fs::read(p).unwrap().len()).collect(); // ~ blocking-io
    let _ = (sizes, serial);
}

fn main() {}
