//! Lines of a source text, counted as the language's own tools count them, so that the
//! frontends, the fixer and the renderers agree on what line N is: CPython ends a line at `\r\n`,
//! at a lone `\r` and at `\n`; rustc (and the spans of proc-macro2) only at `\n`.

use crate::model::Language;

pub struct Lines<'a> {
    text: &'a str,
    /// The byte offset where each line starts.
    starts: Vec<usize>,
    /// The first line break of the text, or `\n` for a text without one.
    line_break: &'static str,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, language: Language) -> Lines<'a> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut line_break = None;
        let mut i = 0;
        while i < bytes.len() {
            let end = match bytes[i] {
                b'\n' => Some((i + 1, "\n")),
                b'\r' if language == Language::Python => match bytes.get(i + 1) {
                    Some(b'\n') => Some((i + 2, "\r\n")),
                    _ => Some((i + 1, "\r")),
                },
                _ => None,
            };
            match end {
                Some((next, found)) => {
                    // A `\r\n` in Rust is a `\n` ending a line that holds a `\r`.
                    let found = if found == "\n" && i > 0 && bytes[i - 1] == b'\r' { "\r\n" } else { found };
                    line_break.get_or_insert(found);
                    starts.push(next);
                    i = next;
                }
                None => i += 1,
            }
        }
        Lines { text, starts, line_break: line_break.unwrap_or("\n") }
    }

    /// The line break that lines added to this text should end with.
    pub fn line_break(&self) -> &'static str {
        self.line_break
    }

    /// How many lines the text has (a final line break starts an empty last line).
    pub fn count(&self) -> usize {
        self.starts.len()
    }

    /// Line `line` (1-based) without its line break, or `None` past the end.
    pub fn line(&self, line: u32) -> Option<&'a str> {
        let index = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(index)?;
        let end = self.starts.get(index + 1).map_or(self.text.len(), |&next| next);
        Some(self.text[start..end].trim_end_matches(['\n', '\r']))
    }

    /// The byte offset where line `line` starts.
    pub fn start(&self, line: u32) -> Option<usize> {
        self.starts.get((line as usize).checked_sub(1)?).copied()
    }

    /// The byte offset of a 1-based line and character column, if it is inside the text (the
    /// column just past the line's last character included).
    pub fn offset(&self, line: u32, column: u32) -> Option<usize> {
        let start = self.start(line)?;
        let line_text = self.line(line)?;
        let chars = column.checked_sub(1)? as usize;
        let mut indices = line_text.char_indices().map(|(i, _)| i).chain([line_text.len()]);
        indices.nth(chars).map(|i| start + i)
    }

    /// Every line, without its line break.
    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (1..=self.count() as u32).filter_map(|n| self.line(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_counts_every_line_break_rust_only_newlines() {
        let text = "a\rb\r\nc\nd";
        let python = Lines::new(text, Language::Python);
        assert_eq!(python.iter().collect::<Vec<_>>(), ["a", "b", "c", "d"]);
        assert_eq!(python.line_break(), "\r");
        assert_eq!(python.offset(4, 1), Some(text.len() - 1));
        let rust = Lines::new(text, Language::Rust);
        assert_eq!(rust.count(), 3);
        assert_eq!(rust.line(1), Some("a\rb"));
        assert_eq!(rust.line_break(), "\r\n");
    }

    #[test]
    fn columns_count_characters_and_stop_at_the_line_end() {
        let lines = Lines::new("é = f()\nx\n", Language::Python);
        assert_eq!(lines.offset(1, 5), Some(5));
        assert_eq!(lines.offset(1, 8), Some(8));
        assert_eq!(lines.offset(1, 9), None);
        assert_eq!(lines.offset(3, 1), Some(11));
        assert_eq!(lines.offset(4, 1), None);
    }
}
