// blocking-io: std::fs functions, File methods, Path queries, stdin; tokio::fs look-alikes.
use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::Path;

async fn files() -> std::io::Result<()> {
    let text = fs::read_to_string("a.txt")?; // ~ blocking-io
    std::fs::write("b.txt", &text)?; // ~ blocking-io
    let mut file = File::open("a.txt")?; // ~ blocking-io
    let mut buf = String::new();
    file.read_to_string(&mut buf)?; // ~ blocking-io
    let mut out = File::create("c.txt")?; // ~ blocking-io
    out.write_all(buf.as_bytes())?; // ~ blocking-io
    if Path::new("d.txt").exists() { // ~ blocking-io
        fs::remove_file("d.txt")?; // ~ blocking-io
    }
    let meta = fs::metadata("a.txt")?; // ~ blocking-io
    let _ = meta.len();
    Ok(())
}

async fn stdin() {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).unwrap(); // ~ blocking-io
}

async fn tokio_fs_is_fine() -> std::io::Result<()> {
    let text = tokio::fs::read_to_string("a.txt").await?;
    tokio::fs::write("b.txt", text).await?;
    let file = tokio::fs::File::open("a.txt").await?;
    drop(file);
    let joined = Path::new("a").join("b");
    let _ = joined.display();
    Ok(())
}

mod uses_tokio_fs {
    use tokio::fs;

    pub async fn look_alike() {
        let _ = fs::read("a.txt").await;
    }
}

fn sync_io_is_fine() -> std::io::Result<String> {
    fs::read_to_string("a.txt")
}

async fn offloaded() {
    let text = tokio::task::spawn_blocking(|| fs::read_to_string("a.txt")).await;
    let _ = text;
}

fn main() {
    let _ = sync_io_is_fine();
}
