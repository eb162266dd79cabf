// Every kind of blocking call, made directly in async code, each really waiting about 50 ms on a
// helper thread, a FIFO or a child process.
use std::io::{Read, Write};
use std::sync::mpsc;
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

const PAUSE: Duration = Duration::from_millis(50);

/// Opens the FIFO `path` for writing after a pause, and writes to it after another.
fn feed_later(path: &'static str) {
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        let mut fifo = std::fs::OpenOptions::new().write(true).open(path).unwrap();
        std::thread::sleep(PAUSE);
        fifo.write_all(b"data").unwrap();
    });
}

/// Opens the FIFO `path` for reading after a pause.
fn drain_later(path: &'static str) {
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        std::fs::read(path).unwrap();
    });
}

async fn sleeps() {
    std::thread::sleep(PAUSE); // ~ blocking-sleep
    thread::sleep(PAUSE); // ~ blocking-sleep
}

async fn files() {
    feed_later("fifo-a");
    let text = std::fs::read_to_string("fifo-a").unwrap(); // ~ blocking-io
    feed_later("fifo-b");
    let bytes = std::fs::read("fifo-b").unwrap(); // ~ blocking-io
    feed_later("fifo-c");
    let mut file = std::fs::File::open("fifo-c").unwrap(); // ~ blocking-io
    let mut rest = String::new();
    file.read_to_string(&mut rest).unwrap(); // ~ blocking-io
    drain_later("fifo-d");
    std::fs::write("fifo-d", &text).unwrap(); // ~ blocking-io
    assert_eq!((text.len(), bytes.len(), rest.len()), (4, 4, 4));
}

async fn sockets(listener: &std::net::TcpListener, udp: &std::net::UdpSocket) {
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        let mut client = std::net::TcpStream::connect(address).unwrap();
        std::thread::sleep(PAUSE);
        client.write_all(b"ping").unwrap();
    });
    let (accepted, _) = listener.accept().unwrap(); // ~ blocking-network
    let mut conn: std::net::TcpStream = accepted;
    let mut buf = [0u8; 4];
    conn.read_exact(&mut buf).unwrap(); // ~ blocking-network
    let target = udp.local_addr().unwrap();
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        let sender = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        sender.send_to(b"pong", target).unwrap();
    });
    udp.recv_from(&mut buf).unwrap(); // ~ blocking-network
}

async fn processes() {
    let status = std::process::Command::new("sleep").arg("0.05").status().unwrap(); // ~ blocking-subprocess
    let output = std::process::Command::new("sleep").arg("0.05").output().unwrap(); // ~ blocking-subprocess
    let mut child = std::process::Command::new("sleep").arg("0.05").spawn().unwrap();
    child.wait().unwrap(); // ~ blocking-subprocess
    assert!(status.success() && output.status.success());
}

async fn waits() {
    let (tx, rx) = mpsc::channel::<u32>();
    let sender = tx.clone();
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        sender.send(1).unwrap();
        std::thread::sleep(PAUSE);
        sender.send(2).unwrap();
    });
    rx.recv().unwrap(); // ~ blocking-wait
    rx.recv_timeout(Duration::from_secs(5)).unwrap(); // ~ blocking-wait

    let (sync_tx, sync_rx) = mpsc::sync_channel::<u32>(0);
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        sync_rx.recv().unwrap();
    });
    sync_tx.send(3).unwrap(); // ~ blocking-wait

    let pair = Arc::new((Mutex::new(false), Condvar::new()));
    let notifier = pair.clone();
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        *notifier.0.lock().unwrap() = true;
        notifier.1.notify_all();
    });
    let (lock, cvar) = &*pair;
    let cvar: &Condvar = cvar;
    let ready = cvar.wait_while(lock.lock().unwrap(), |ready| !*ready).unwrap(); // ~ blocking-wait
    drop(ready);

    let shared = Arc::new(Barrier::new(2));
    let other = shared.clone();
    std::thread::spawn(move || {
        std::thread::sleep(PAUSE);
        other.wait();
    });
    let barrier: &Barrier = &shared;
    barrier.wait(); // ~ blocking-wait

    let handle = std::thread::spawn(|| std::thread::sleep(PAUSE));
    handle.join().unwrap(); // ~ blocking-wait
    std::thread::scope(|s: &std::thread::Scope<'_, '_>| { // ~ blocking-wait
        s.spawn(|| std::thread::sleep(PAUSE));
    });
    drop(tx);
}

async fn all(listener: std::net::TcpListener, udp: std::net::UdpSocket) {
    sleeps().await;
    files().await;
    sockets(&listener, &udp).await;
    processes().await;
    waits().await;
}

fn main() {
    let made = std::process::Command::new("mkfifo").args(["fifo-a", "fifo-b", "fifo-c", "fifo-d"]).status();
    assert!(made.unwrap().success(), "mkfifo failed");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    futures::executor::block_on(all(listener, udp));
}
