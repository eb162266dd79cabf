//! Text from source files and file names, made safe to print: a terminal or log viewer never
//! receives a control character it would act on (escape sequences, OSC titles and links, BEL,
//! backspace, carriage returns that overwrite a line) nor a bidirectional control that reorders
//! what it shows.

use std::borrow::Cow;
use std::fmt::Write;

/// Control characters (C0, DEL, C1) and the invisible bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn escaped(
    text: &str,
    keep: impl Fn(char, Option<char>) -> bool,
    mut write: impl FnMut(&mut String, char),
) -> Cow<'_, str> {
    let mut chars = text.chars().peekable();
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    while let Some(c) = chars.next() {
        if is_unsafe(c) && !keep(c, chars.peek().copied()) {
            write(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// One line of output (a file name, a message): every unsafe character as a `\u{..}` escape,
/// line breaks and tabs included.
pub fn line(text: &str) -> Cow<'_, str> {
    escaped(
        text,
        |_, _| false,
        |out, c| {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        },
    )
}

/// Source lines shown in an excerpt: tabs and line breaks (`\n`, `\r\n`) kept, every other unsafe
/// character shown as one visible character (its Unicode control picture, else U+FFFD), so that
/// columns stay where they were.
pub fn excerpt(text: &str) -> Cow<'_, str> {
    let keep = |c: char, next: Option<char>| c == '\t' || c == '\n' || (c == '\r' && next == Some('\n'));
    escaped(text, keep, |out, c| {
        let picture = match u32::from(c) {
            code @ 0..=0x1f => char::from_u32(0x2400 + code),
            0x7f => Some('\u{2421}'),
            _ => None,
        };
        out.push(picture.unwrap_or('\u{FFFD}'));
    })
}

/// JSON text with the unsafe characters that JSON allows raw inside strings (DEL, C1, the
/// bidirectional controls) written as `\u` escapes: the same data, safe to print.
pub fn json(text: String) -> String {
    // serde_json escapes C0 inside strings; outside them, C0 is the layout's whitespace.
    match escaped(
        &text,
        |c, _| u32::from(c) < 0x20,
        |out, c| {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        },
    ) {
        Cow::Borrowed(_) => text,
        Cow::Owned(out) => out,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_escape_every_control_character() {
        assert_eq!(line("a\u{1b}]0;x\u{7}b\u{8}\n\u{202e}"), "a\\u{1b}]0;x\\u{7}b\\u{8}\\u{a}\\u{202e}");
        assert!(matches!(line("plain é"), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpts_keep_columns_and_line_breaks() {
        assert_eq!(excerpt("a\u{1b}[2Jb\r\n\tc\rd\u{9b}"), "a\u{241b}[2Jb\r\n\tc\u{240d}d\u{FFFD}");
    }

    #[test]
    fn json_keeps_the_data() {
        let text = serde_json::to_string_pretty(&["\u{1b}\u{9b}\u{202e}x"]).unwrap();
        let safe = json(text);
        assert_eq!(safe, "[\n  \"\\u001b\\u009b\\u202ex\"\n]");
        assert_eq!(serde_json::from_str::<Vec<String>>(&safe).unwrap(), ["\u{1b}\u{9b}\u{202e}x"]);
    }
}
