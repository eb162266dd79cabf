// A struct's fields and a function's result type declared in another file are known here.
mod db;

use db::{connect, pool, Pool};

pub struct Service {
    pool: Pool,
}

impl Service {
    pub async fn handle(&self) {
        self.pool.primary.query("select 1"); // ~ blocking-sleep
        self.pool.http.get("https://example.com").send(); // ~ blocking-network
        let _ = self.pool.async_http.get("https://example.com").send().await;
        self.pool.primary.name();
    }
}

pub async fn run() {
    let conn = connect();
    conn.query("select 1"); // ~ blocking-sleep
    conn.name();
    connect().query("select 2"); // ~ blocking-sleep
    pool().primary.query("select 3"); // ~ blocking-sleep
}
