// Types that another module's code holds: aliases, struct fields and declared return types.
pub struct Connection;

impl Connection {
    pub fn query(&self) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

pub type Db = Connection;

pub struct Holder {
    pub conn: Connection,
    pub quiet: quiet::Holder,
}

pub fn open() -> Connection {
    Connection
}
pub type Stream = std::net::TcpStream;
pub type AsyncStream = tokio::net::TcpStream;

pub mod quiet {
    // Same name as the alias, another type: its method does not block.
    pub struct Db;

    impl Db {
        pub fn query(&self) {}
    }

    // A field of the same name as `db::Holder`'s, of another type.
    pub struct Holder {
        pub conn: Db,
    }
}
