//! JSON-RPC over stdio with `Content-Length` framing. Unlike a plain reader, a malformed message
//! is answered with a parse error and the connection stays up.

use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Message, Notification, Response, ResponseError};

/// JSON-RPC's code for a message that is not JSON, or not a request, response or notification.
const PARSE_ERROR: i32 = -32700;

/// The reader's notice of a malformed message (never sent by a client: `$/` is reserved).
pub const MALFORMED: &str = "$/async-lint/malformed";

/// The reply to a malformed message: it has no id to answer, so JSON-RPC's `null` stands in.
pub fn parse_error_reply(reason: String) -> Message {
    let error = ResponseError { code: PARSE_ERROR, message: reason, data: None };
    Message::Response(Response { id: lsp_server::RequestId::from(0), result: None, error: Some(error) })
}

pub struct Stdio {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Stdio {
    pub fn start() -> Stdio {
        let (to_writer, outgoing) = unbounded::<Message>();
        let writer = thread::spawn(move || {
            let stdout = io::stdout();
            let mut out = stdout.lock();
            for message in outgoing {
                message.write(&mut out)?;
                out.flush()?;
            }
            Ok(())
        });
        let (incoming, receiver) = unbounded::<Message>();
        let reader = thread::spawn(move || {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            while let Some(body) = read_frame(&mut input) {
                match body.and_then(|b| serde_json::from_slice::<Message>(&b).map_err(|e| e.to_string())) {
                    Ok(message) => {
                        if incoming.send(message).is_err() {
                            break;
                        }
                    }
                    Err(reason) => {
                        // The main loop answers it, so that only it ever holds the writer.
                        let notice = Notification::new(MALFORMED.into(), reason);
                        if incoming.send(Message::Notification(notice)).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Stdio { sender: to_writer, receiver, reader, writer }
    }

    /// Waits for the writer to flush everything once the last sender is dropped.
    pub fn finish(self) -> io::Result<()> {
        let Stdio { sender, receiver, reader, writer } = self;
        drop(sender);
        drop(receiver);
        // The reader blocks on stdin until the client closes it; it holds nothing that matters.
        drop(reader);
        writer.join().unwrap_or_else(|_| Err(io::Error::other("the writer thread panicked")))
    }
}

/// The next message's body: `None` at the end of input, `Some(Err)` for a frame that is broken
/// but after which reading can go on.
fn read_frame(input: &mut impl BufRead) -> Option<Result<Vec<u8>, String>> {
    let mut length = None;
    let mut saw_header = false;
    loop {
        let mut line = String::new();
        match input.read_line(&mut line) {
            Ok(0) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(format!("cannot read a header: {e}"))),
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let Some(length) = length.filter(|l| *l <= 1 << 30) else {
        return Some(Err("a message without a valid Content-Length header".into()));
    };
    let mut body = vec![0; length];
    match input.read_exact(&mut body) {
        Ok(()) => Some(Ok(body)),
        Err(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_read_and_broken_ones_skipped() {
        let text = "Content-Length: 2\r\n\r\n{}X-Other: 1\r\n\r\nContent-Length: 3\r\n\r\nabc";
        let mut input = io::Cursor::new(text.as_bytes());
        assert_eq!(read_frame(&mut input), Some(Ok(b"{}".to_vec())));
        assert!(matches!(read_frame(&mut input), Some(Err(_))));
        assert_eq!(read_frame(&mut input), Some(Ok(b"abc".to_vec())));
        assert_eq!(read_frame(&mut input), None);
    }
}
