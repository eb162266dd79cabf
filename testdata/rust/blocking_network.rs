// blocking-network: std::net, sync HTTP clients, sync database clients.
use std::io::Read;
use std::net::TcpStream;

async fn sockets() -> std::io::Result<()> {
    let mut stream = TcpStream::connect("127.0.0.1:80")?; // ~ blocking-network
    let mut buf = [0u8; 16];
    stream.read(&mut buf)?; // ~ blocking-network
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let (_conn, _addr) = listener.accept()?; // ~ blocking-network
    let udp = std::net::UdpSocket::bind("127.0.0.1:0")?;
    udp.connect("127.0.0.1:9")?;
    udp.recv(&mut buf)?; // ~ blocking-network
    Ok(())
}

async fn redis_commands(con: &mut redis::Connection) {
    let _: () = redis::cmd("SET").arg("k").arg(1).query(con).unwrap(); // ~ blocking-network
    let _: () = redis::cmd("GET").arg("k").query_async(con).await.unwrap();
}

async fn http() {
    let body = reqwest::blocking::get("http://example.com").unwrap().text().unwrap(); // ~ blocking-network
    let client = reqwest::blocking::Client::new(); // ~ blocking-network
    let response = client.get("http://example.com").send(); // ~ blocking-network
    let agent = ureq::get("http://example.com").call(); // ~ blocking-network
    let request = ureq::get("http://example.com");
    let builder = client.get("http://example.com");
    let _ = (body, response, agent, request, builder);
}

async fn database() {
    let conn = rusqlite::Connection::open("db.sqlite").unwrap(); // ~ blocking-network
    conn.execute("DELETE FROM t", []).unwrap(); // ~ blocking-network
}

async fn async_clients_are_fine() {
    let body = reqwest::get("http://example.com").await.unwrap().text().await.unwrap();
    let client = reqwest::Client::new();
    let response = client.get("http://example.com").send().await;
    let stream = tokio::net::TcpStream::connect("127.0.0.1:80").await;
    let _ = (body, response, stream);
}

mod own_http {
    // A module of the project named like a client is not the client.
    pub mod blocking {
        pub fn get(_url: &str) {}
    }

    pub async fn call() {
        blocking::get("http://example.com");
    }
}

fn main() {}

async fn built_client() {
    let client = reqwest::blocking::Client::builder().build().unwrap(); // ~ blocking-network
    let _ = client.get("http://example.com").send(); // ~ blocking-network
}

async fn nonblocking_sockets(addr: std::net::SocketAddr) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(addr)?;
    listener.set_nonblocking(true)?;
    let _ = listener.accept();
    let other = std::net::TcpListener::bind(addr)?;
    let _ = other.accept(); // ~ blocking-network
    Ok(())
}
