// Type aliases in another module: their paths stand for the aliased types.
pub struct Connection;

impl Connection {
    pub fn query(&self) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

pub type Db = Connection;
pub type Stream = std::net::TcpStream;
pub type AsyncStream = tokio::net::TcpStream;

pub mod quiet {
    // Same name as the alias, another type: its method does not block.
    pub struct Db;

    impl Db {
        pub fn query(&self) {}
    }
}
