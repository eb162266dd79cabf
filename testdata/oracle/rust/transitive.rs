// Blocking through sync helpers, nested modules and methods: each is reported, and observed,
// where async code makes the call that leads to it.
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(50);

mod util {
    pub fn pause() {
        std::thread::sleep(super::PAUSE);
    }

    pub fn pause_via_helper() {
        pause();
    }

    pub mod process {
        pub fn wait_for_child() -> bool {
            std::process::Command::new("sleep").arg("0.05").status().unwrap().success()
        }
    }
}

struct Db {
    rows: u32,
}

impl Db {
    fn query(&self) -> u32 {
        std::thread::sleep(PAUSE);
        self.rows
    }

    async fn load(&self) -> u32 {
        self.query() // ~ blocking-sleep
    }
}

async fn inner() {
    util::pause(); // ~ blocking-sleep
}

async fn outer(db: &Db) -> u32 {
    util::pause(); // ~ blocking-sleep
    util::pause_via_helper(); // ~ blocking-sleep
    assert!(util::process::wait_for_child()); // ~ blocking-subprocess
    let direct = db.query(); // ~ blocking-sleep
    let qualified = Db::query(db); // ~ blocking-sleep
    inner().await;
    direct + qualified + db.load().await
}

async fn offloaded(db: Db) -> u32 {
    let handle = tokio::task::spawn_blocking(move || {
        util::pause();
        db.query()
    });
    handle.await
}

fn main() {
    let db = Db { rows: 2 };
    let total = futures::executor::block_on(outer(&db));
    let later = futures::executor::block_on(offloaded(db));
    util::pause();
    assert_eq!((total, later), (6, 2));
}
