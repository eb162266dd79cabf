//! A light scan of a Rust file before `syn` parses it: the comments (which `syn` drops) and an
//! upper estimate of how deep its syntax tree nests. It knows strings, raw strings, chars and lifetimes well enough not to
//! mistake their contents for comments or brackets.

use crate::model::Comment;

pub struct Scan {
    pub comments: Vec<Comment>,
    /// The deepest [`Nesting`] in the file, with the byte offset where it is first reached.
    pub max_depth: (usize, usize),
}

/// How deep the syntax tree may nest at a point of the file, over-estimated from tokens: one level
/// per open bracket, and at each open level one per token since the last `,`, `;`, `=` or
/// statement keyword that can nest what follows inside a tree node (prefix `&`, `*`, `-`, `!`,
/// closure bars, `<`, and the `.` and `?` that nest a chain to the left). `syn`, the lowering and
/// the tree's drop all recurse once per such level.
#[derive(Default)]
struct Nesting {
    /// Nesting tokens since the last separator, one entry per open bracket (the file's top level first).
    runs: Vec<usize>,
    /// Open brackets plus every run.
    total: usize,
}

impl Nesting {
    fn new() -> Nesting {
        Nesting { runs: vec![0], total: 0 }
    }
    fn open(&mut self) {
        self.runs.push(0);
        self.total += 1;
    }
    fn close(&mut self) {
        if self.runs.len() > 1 {
            self.total -= 1 + self.runs.pop().unwrap_or(0);
        }
    }
    fn nest(&mut self) {
        if let Some(run) = self.runs.last_mut() {
            *run += 1;
            self.total += 1;
        }
    }
    fn separate(&mut self) {
        if let Some(run) = self.runs.last_mut() {
            self.total -= *run;
            *run = 0;
        }
    }
}

/// Keywords that start a statement or an item, ending whatever chain came before.
fn separates(word: &[u8]) -> bool {
    matches!(word, b"fn" | b"let" | b"pub" | b"struct" | b"enum" | b"trait" | b"mod" | b"use" | b"static")
}

pub fn scan(text: &str) -> Scan {
    // Bytes, not chars: every character the scan looks for is ASCII, and the bytes of a multi-byte
    // character never equal an ASCII one; only whitespace and identifier checks decode characters.
    let bytes = text.as_bytes();
    let mut comments = Vec::new();
    let mut nesting = Nesting::new();
    let mut max_depth = (0usize, 0usize);
    let mut line = 1u32;
    let mut code_on_line = false;
    let mut i = 0;
    let at = |i: usize| bytes.get(i).copied().unwrap_or(0);
    while i < bytes.len() {
        let (c, token) = (bytes[i], i);
        match c {
            b'\n' => {
                line += 1;
                code_on_line = false;
                i += 1;
            }
            b'/' if at(i + 1) == b'/' => {
                let start = i + 2;
                // `start` follows ASCII, so it is a character boundary.
                let end = text.get(start..).and_then(|rest| rest.find('\n')).map_or(bytes.len(), |n| start + n);
                let body = &text[start..end];
                // Doc comments (`///`, `//!`) are documentation, never directives.
                if !body.starts_with('/') && !body.starts_with('!') {
                    comments.push(Comment { line, text: body.to_string(), trailing: code_on_line });
                }
                i = end;
            }
            b'/' if at(i + 1) == b'*' => {
                let (start_line, trailing) = (line, code_on_line);
                let mut depth = 1;
                let mut j = i + 2;
                let mut body = Vec::new();
                while j < bytes.len() && depth > 0 {
                    match (bytes[j], at(j + 1)) {
                        (b'/', b'*') => {
                            depth += 1;
                            j += 2;
                        }
                        (b'*', b'/') => {
                            depth -= 1;
                            j += 2;
                        }
                        (ch, _) => {
                            if ch == b'\n' {
                                line += 1;
                            }
                            if depth == 1 {
                                body.push(ch);
                            }
                            j += 1;
                        }
                    }
                }
                if !body.contains(&b'\n') {
                    comments.push(Comment {
                        line: start_line,
                        text: String::from_utf8_lossy(&body).into_owned(),
                        trailing,
                    });
                }
                i = j;
            }
            b'"' => {
                code_on_line = true;
                i = skip_string(bytes, i + 1, &mut line);
            }
            b'r' if raw_string_hashes(bytes, i).is_some() && !text[..i].chars().next_back().is_some_and(ident_char) => {
                code_on_line = true;
                let hashes = raw_string_hashes(bytes, i).unwrap_or(0);
                i = skip_raw(bytes, i + 1 + hashes + 1, hashes, &mut line);
            }
            b'\'' => {
                code_on_line = true;
                i = skip_char_or_lifetime(text, i);
            }
            b'(' | b'[' | b'{' => {
                code_on_line = true;
                nesting.open();
                i += 1;
            }
            b')' | b']' | b'}' => {
                code_on_line = true;
                nesting.close();
                i += 1;
            }
            b'&' | b'*' | b'!' | b'|' | b'<' | b'.' | b'?' => {
                code_on_line = true;
                nesting.nest();
                i += 1;
            }
            // `->` nests nothing.
            b'-' => {
                code_on_line = true;
                if at(i + 1) != b'>' {
                    nesting.nest();
                }
                i += 1;
            }
            b',' | b';' | b'=' => {
                code_on_line = true;
                nesting.separate();
                i += 1;
            }
            // Indentation and other runs of blanks at once.
            b' ' | b'\t' | b'\r' => {
                i += 1;
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r') {
                    i += 1;
                }
            }
            // The rest of an identifier or number at once: none of its bytes is special (an `r`
            // inside one never starts a raw string).
            c if IDENT_BYTE[usize::from(c)] => {
                code_on_line = true;
                let start = i;
                i += 1;
                while i < bytes.len() && IDENT_BYTE[usize::from(bytes[i])] {
                    i += 1;
                }
                match &bytes[start..i] {
                    word if separates(word) => nesting.separate(),
                    b"return" | b"break" => nesting.nest(),
                    _ => {}
                }
            }
            c if c.is_ascii() => {
                if !(c as char).is_whitespace() {
                    code_on_line = true;
                }
                i += 1;
            }
            _ => {
                let ch = text.get(i..).and_then(|rest| rest.chars().next());
                if !ch.is_some_and(char::is_whitespace) {
                    code_on_line = true;
                }
                i += ch.map_or(1, char::len_utf8);
            }
        }
        if nesting.total > max_depth.0 {
            max_depth = (nesting.total, token);
        }
    }
    Scan { comments, max_depth }
}

/// ASCII letters, digits and `_`, by byte (a table is faster than the range checks).
const IDENT_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `r"`, `r#"`, `br"`…: the number of `#` when a raw string starts at `i` (at the `r`).
fn raw_string_hashes(bytes: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while bytes.get(j) == Some(&b'#') {
        j += 1;
    }
    (bytes.get(j) == Some(&b'"')).then_some(j - i - 1)
}

fn skip_string(bytes: &[u8], mut i: usize, line: &mut u32) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            // The escaped character may be several bytes; the rest are skipped as ordinary ones.
            b'\\' => i += 2,
            b'"' => return i + 1,
            b'\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

fn skip_raw(bytes: &[u8], mut i: usize, hashes: usize, line: &mut u32) -> usize {
    while i < bytes.len() {
        if bytes[i] == b'"' && (1..=hashes).all(|k| bytes.get(i + k) == Some(&b'#')) {
            return i + 1 + hashes;
        }
        if bytes[i] == b'\n' {
            *line += 1;
        }
        i += 1;
    }
    i
}

/// `'a'`, `'\n'`, `'\u{1F600}'` are chars; `'a` is a lifetime or label.
fn skip_char_or_lifetime(text: &str, i: usize) -> usize {
    let bytes = text.as_bytes();
    match bytes.get(i + 1) {
        Some(b'\\') => {
            let mut j = i + 2;
            while j < bytes.len() && bytes[j] != b'\'' && bytes[j] != b'\n' {
                j += 1;
            }
            j + 1
        }
        Some(_) => {
            let width = text.get(i + 1..).and_then(|rest| rest.chars().next()).map_or(1, char::len_utf8);
            if bytes.get(i + 1 + width) == Some(&b'\'') { i + 2 + width } else { i + 1 }
        }
        None => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_trailing_comments() {
        let text = "// alone\nlet x = 1; // after code\n";
        let found = scan(text).comments;
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].line, found[0].trailing, found[0].text.as_str()), (1, false, " alone"));
        assert_eq!((found[1].line, found[1].trailing), (2, true));
    }

    #[test]
    fn ignores_comment_markers_in_strings_chars_and_raw_strings() {
        let text = "let a = \"// no\";\nlet b = r#\"// \"no\"#;\nlet c = '/';\nfn f<'a>() {} // yes\n";
        let found = scan(text).comments;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 4);
    }

    #[test]
    fn an_r_inside_an_identifier_starts_no_raw_string() {
        // `r"\"` ends at its second quote; in `var"\"` the quote is escaped and the string goes on.
        let text = "let bar = r\"\\\"; // yes\nx = var\"\\\"; // no\n";
        let found = scan(text).comments;
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, found[0].text.as_str()), (1, " yes"));
    }

    #[test]
    fn counts_lines_inside_block_comments_and_strings() {
        let text = "/* a\nb */\nlet s = \"x\ny\";\n// here\n";
        let found = scan(text).comments;
        assert_eq!(found.last().map(|c| c.line), Some(5));
    }

    #[test]
    fn measures_bracket_nesting_outside_strings() {
        assert_eq!(scan("fn f() {\n    g(h([1]));\n}\n").max_depth, (4, 17));
        assert_eq!(scan("let s = \"((((\"; // ((((\n").max_depth.0, 0);
    }

    #[test]
    fn prefix_operators_and_chains_nest_until_a_separator() {
        assert_eq!(scan("let x = &&*-!y;").max_depth.0, 5);
        assert_eq!(scan("let x = a.b().c?.d;").max_depth.0, 4);
        assert_eq!(scan("fn f(&self) -> u8 {}\nfn g(&self) -> u8 {}\n").max_depth.0, 2);
        assert_eq!(scan("let v = [&a, &b, &c];").max_depth.0, 2);
        assert_eq!(scan("let t: Vec<Vec<u8>> = x;").max_depth.0, 2);
    }

    #[test]
    fn skips_doc_comments() {
        assert!(scan("/// async-lint: allow(blocking-io)\n//! x\n").comments.is_empty());
    }
}
