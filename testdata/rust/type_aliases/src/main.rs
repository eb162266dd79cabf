mod db;

use db::{AsyncStream, Db, Stream};

struct App {
    db: Db,
    other: db::quiet::Db,
}

impl App {
    async fn handle(&self) {
        self.db.query(); // ~ blocking-sleep
        self.other.query();
        let _ = Stream::connect("localhost:1"); // ~ blocking-network
        let _ = AsyncStream::connect("localhost:1").await;
    }
}

fn main() {}
