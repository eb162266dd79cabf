use std::io::Read;

pub fn fetch() -> Vec<u8> {
    let mut stream = std::net::TcpStream::connect("127.0.0.1:80").unwrap();
    let mut buf = Vec::new();
    stream.read_to_end(&mut buf).unwrap();
    buf
}
