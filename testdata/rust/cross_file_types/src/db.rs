use std::time::Duration;

pub struct Connection;

impl Connection {
    pub fn query(&self, _sql: &str) {
        std::thread::sleep(Duration::from_millis(1));
    }

    pub fn name(&self) -> &'static str {
        "db"
    }
}

pub struct Pool {
    pub primary: Connection,
    pub http: reqwest::blocking::Client,
    pub async_http: reqwest::Client,
}

pub fn connect() -> Connection {
    Connection
}

pub fn pool() -> Pool {
    todo!()
}
