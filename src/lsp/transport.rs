//! JSON-RPC over stdio with `Content-Length` framing. Unlike a plain reader, a malformed message
//! is answered with a parse error and the connection stays up.

use std::collections::VecDeque;
use std::io::{self, BufRead, Write};
use std::thread;

use crossbeam_channel::{Receiver, Sender, unbounded};
use lsp_server::{Message, Notification};

/// JSON-RPC's code for a message that is not JSON, or not a request, response or notification.
const PARSE_ERROR: i32 = -32700;

/// The largest message body read; a longer `Content-Length` is treated as broken.
const MAX_BODY: usize = 1 << 30;

/// The reader's notice of a malformed message (never sent by a client: `$/` is reserved).
pub const MALFORMED: &str = "$/async-lint/malformed";

/// What the server sends.
pub enum Outgoing {
    Message(Message),
    /// The answer to a malformed message, which has no id to answer: JSON-RPC's `null` stands in.
    ParseError(String),
}

impl From<Message> for Outgoing {
    fn from(message: Message) -> Outgoing {
        Outgoing::Message(message)
    }
}

impl Outgoing {
    fn write(self, out: &mut impl Write) -> io::Result<()> {
        match self {
            Outgoing::Message(message) => message.write(out),
            Outgoing::ParseError(reason) => {
                let error = serde_json::json!({ "code": PARSE_ERROR, "message": reason });
                let body = serde_json::json!({ "jsonrpc": "2.0", "id": null, "error": error }).to_string();
                write!(out, "Content-Length: {}\r\n\r\n{body}", body.len())
            }
        }
    }
}

pub struct Stdio {
    pub sender: Sender<Outgoing>,
    pub receiver: Receiver<Message>,
    reader: thread::JoinHandle<()>,
    writer: thread::JoinHandle<io::Result<()>>,
}

impl Stdio {
    pub fn start() -> Stdio {
        let (to_writer, outgoing) = unbounded::<Outgoing>();
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
            let mut frames = Frames::new(stdin.lock());
            loop {
                let message = match frames.next() {
                    Frame::End => break,
                    Frame::Body(body) => serde_json::from_slice::<Message>(&body).map_err(|e| e.to_string()),
                    Frame::Broken(reason) => Err(reason),
                };
                // A malformed message is answered by the main loop, so that only it ever holds the writer.
                let message =
                    message.unwrap_or_else(|reason| Message::Notification(Notification::new(MALFORMED.into(), reason)));
                if incoming.send(message).is_err() {
                    break;
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

#[derive(Debug, PartialEq)]
enum Frame {
    Body(Vec<u8>),
    /// A frame that cannot be read, and why; reading goes on at the next frame.
    Broken(String),
    End,
}

/// `Content-Length` framed messages. After a broken frame (no usable length, a header that is not
/// UTF-8, a body shorter than its length) reading starts again at the next `Content-Length` header.
struct Frames<R> {
    input: R,
    /// Input read ahead that belongs to the next frame.
    pending: VecDeque<u8>,
    /// The last frame had no usable length: its body is skipped before the next frame is read
    /// (reported first, since the next header may not have arrived yet).
    lost: bool,
}

/// Where a `Content-Length:` header starts in `bytes`, case-insensitively.
fn find_length_header(bytes: &[u8]) -> Option<usize> {
    const NAME: &[u8] = b"content-length:";
    bytes.windows(NAME.len()).position(|w| w.eq_ignore_ascii_case(NAME))
}

impl<R: BufRead> Frames<R> {
    fn new(input: R) -> Frames<R> {
        Frames { input, pending: VecDeque::new(), lost: false }
    }

    /// The next line with its line break, `None` at the end of input.
    fn line(&mut self) -> Option<Vec<u8>> {
        let mut line = Vec::new();
        while let Some(byte) = self.pending.pop_front() {
            line.push(byte);
            if byte == b'\n' {
                return Some(line);
            }
        }
        match self.input.read_until(b'\n', &mut line) {
            Ok(_) if line.is_empty() => None,
            Ok(_) => Some(line),
            Err(_) => None,
        }
    }

    fn bytes(&mut self, length: usize) -> Option<Vec<u8>> {
        let from_pending = length.min(self.pending.len());
        let mut body: Vec<u8> = self.pending.drain(..from_pending).collect();
        let start = body.len();
        body.resize(length, 0);
        self.input.read_exact(&mut body[start..]).ok()?;
        Some(body)
    }

    /// Skips input up to the next `Content-Length` header, which is kept for the next frame.
    fn resynchronise(&mut self) {
        while let Some(line) = self.line() {
            if let Some(at) = find_length_header(&line) {
                self.pending.extend(&line[at..]);
                return;
            }
        }
    }

    fn next(&mut self) -> Frame {
        if std::mem::take(&mut self.lost) {
            self.resynchronise();
        }
        let (mut length, mut broken_header, mut saw_header) = (None, None, false);
        loop {
            let Some(line) = self.line() else {
                return if saw_header { Frame::Broken("the input ends inside a header".into()) } else { Frame::End };
            };
            let line = line.strip_suffix(b"\n").unwrap_or(&line);
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if line.is_empty() {
                if saw_header {
                    break;
                }
                continue;
            }
            saw_header = true;
            let Ok(text) = std::str::from_utf8(line) else {
                broken_header = Some("a header that is not UTF-8");
                continue;
            };
            if let Some((name, value)) = text.split_once(':')
                && name.trim().eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse::<usize>().ok().filter(|l| *l <= MAX_BODY);
                if length.is_none() {
                    broken_header = Some("a Content-Length that is not a length");
                }
            }
        }
        let Some(length) = length else {
            self.lost = true;
            return Frame::Broken(broken_header.unwrap_or("a message without a Content-Length header").into());
        };
        let Some(body) = self.bytes(length) else {
            return Frame::Broken("the input ends inside a message's body".into());
        };
        if let Some(reason) = broken_header {
            return Frame::Broken(reason.into());
        }
        // A body shorter than its length swallowed the start of the next frame: give it back.
        if serde_json::from_slice::<serde::de::IgnoredAny>(&body).is_err()
            && let Some(at) = find_length_header(&body)
        {
            let next: Vec<u8> = body[at..].to_vec();
            for byte in next.into_iter().rev() {
                self.pending.push_front(byte);
            }
            return Frame::Broken("a message shorter than its Content-Length".into());
        }
        Frame::Body(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(text: &[u8]) -> Vec<Frame> {
        let mut frames = Frames::new(io::Cursor::new(text.to_vec()));
        let mut out = Vec::new();
        loop {
            match frames.next() {
                Frame::End => return out,
                frame => out.push(frame),
            }
        }
    }

    fn body(text: &str) -> Frame {
        Frame::Body(text.as_bytes().to_vec())
    }

    #[test]
    fn frames_are_read_and_broken_ones_skipped() {
        let read = frames(b"Content-Length: 2\r\n\r\n{}X-Other: 1\r\n\r\n{}\r\nContent-Length: 2\r\n\r\n[]");
        assert_eq!(read[0], body("{}"));
        assert!(matches!(&read[1], Frame::Broken(r) if r.contains("without a Content-Length")), "{read:?}");
        assert_eq!(read[2], body("[]"));
        assert_eq!(read.len(), 3);
    }

    #[test]
    fn a_body_on_the_line_of_the_next_header_is_skipped() {
        let read = frames(b"Content-Length: x\r\n\r\n{\"a\": 1}Content-Length: 2\r\n\r\n{}");
        assert!(matches!(&read[0], Frame::Broken(r) if r.contains("not a length")), "{read:?}");
        assert_eq!(read[1..], [body("{}")]);
    }

    #[test]
    fn a_header_that_is_not_utf8_breaks_only_its_frame() {
        let read = frames(b"Content-Length: 2\r\nX-\xff\xfe: 1\r\n\r\n{}Content-Length: 2\r\n\r\n[]");
        assert!(matches!(&read[0], Frame::Broken(r) if r.contains("not UTF-8")), "{read:?}");
        assert_eq!(read[1..], [body("[]")]);
    }

    #[test]
    fn a_truncated_body_gives_the_next_frame_back() {
        let read = frames(b"Content-Length: 40\r\n\r\n{\"a\"Content-Length: 2\r\n\r\n{}Content-Length: 2\r\n\r\n[]");
        assert!(matches!(&read[0], Frame::Broken(r) if r.contains("shorter")), "{read:?}");
        assert_eq!(read[1..], [body("{}"), body("[]")]);
    }

    #[test]
    fn the_end_of_input_inside_a_body_is_reported() {
        let read = frames(b"Content-Length: 99\r\n\r\n{}");
        assert!(matches!(&read[..], [Frame::Broken(r)] if r.contains("ends inside")), "{read:?}");
    }
}
