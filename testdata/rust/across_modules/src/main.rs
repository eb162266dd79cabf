mod db;

use db::{AsyncStream, Db, Stream};

struct App {
    db: Db,
    other: db::quiet::Db,
    holder: db::Holder,
}

impl App {
    async fn handle(&self) {
        self.db.query(); // ~ blocking-sleep
        self.other.query();
        let _ = Stream::connect("localhost:1"); // ~ blocking-network
        let _ = AsyncStream::connect("localhost:1").await;
        self.holder.conn.query(); // ~ blocking-sleep
        self.holder.quiet.conn.query();
        db::open().query(); // ~ blocking-sleep
        let conn = db::open();
        conn.query(); // ~ blocking-sleep
    }

    fn sync_helper(&self) {
        // Not async code: reported where an async caller calls it, if one does.
        db::open().query();
    }
}

fn main() {}
