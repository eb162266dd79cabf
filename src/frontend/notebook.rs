//! Jupyter notebooks (`.ipynb`): their code cells as one Python text, positions mapped back to
//! cells, and fixed text written back into the notebook's JSON without touching anything else.
//!
//! Cells are joined in order, each followed by a line break, so that a cell's line `m` is line
//! `start + m - 1` of the text. IPython's magics (`%time x`, `!ls`, `x?`, `%%bash` cells) are not
//! Python: their lines become comments of the same length, so that line and column positions
//! hold.

use std::ops::Range;

/// A notebook's code, as the linter reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notebook {
    /// The code cells joined into one Python text.
    pub text: String,
    /// For each code cell, in order: its index among all the notebook's cells (1-based, as
    /// Jupyter numbers them) and the line of `text` it starts on.
    pub cells: Vec<CodeCell>,
    /// Each magic line as the linter reads it (a comment) and as it is written.
    magics: Vec<(String, String)>,
}

pub use crate::model::Cell as CodeCell;

pub fn is_notebook(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "ipynb")
}

/// The code of a notebook's JSON; an error names what is wrong with it.
pub fn read(json: &str) -> Result<Notebook, String> {
    let doc: serde_json::Value =
        serde_json::from_str(json).map_err(|e| format!("not a notebook: invalid JSON at line {}: {e}", e.line()))?;
    let cells = doc.get("cells").and_then(|c| c.as_array()).ok_or("not a notebook: no `cells` array")?;
    let mut text = String::new();
    let mut code_cells = Vec::new();
    let mut magics = Vec::new();
    let mut line = 1;
    for (index, cell) in cells.iter().enumerate() {
        if cell.get("cell_type").and_then(|t| t.as_str()) != Some("code") {
            continue;
        }
        let source =
            source_text(cell.get("source")).ok_or_else(|| format!("cell {}: `source` is not text", index + 1))?;
        let code = without_magics(&source);
        let written = source.replace("\r\n", "\n");
        for (read, written) in code.split('\n').zip(written.split('\n')) {
            if read != written {
                magics.push((read.to_string(), written.to_string()));
            }
        }
        let lines = code.split('\n').count() as u32;
        code_cells.push(CodeCell { number: index as u32 + 1, first_line: line, lines });
        text.push_str(&code);
        text.push('\n');
        line += lines;
    }
    Ok(Notebook { text, cells: code_cells, magics })
}

/// A cell's `source`: a string, or a list of strings (nbformat writes lines).
fn source_text(source: Option<&serde_json::Value>) -> Option<String> {
    match source? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Array(parts) => {
            parts.iter().map(|p| p.as_str()).collect::<Option<Vec<_>>>().map(|p| p.concat())
        }
        _ => None,
    }
}

/// The cell's code with IPython's own syntax commented out, line for line.
fn without_magics(source: &str) -> String {
    let source = source.replace("\r\n", "\n");
    if source.trim_start().starts_with("%%") {
        return source.lines().map(comment_out).collect::<Vec<_>>().join("\n");
    }
    let mut out = Vec::new();
    let mut continued = false;
    for line in source.split('\n') {
        let trimmed = line.trim_start();
        let magic = continued
            || trimmed.starts_with('%')
            || trimmed.starts_with('!')
            || (trimmed.ends_with('?') && !trimmed.starts_with('#') && !trimmed.contains('('));
        if magic {
            out.push(comment_out(line));
            continued = trimmed.ends_with('\\');
        } else {
            out.push(line.to_string());
        }
    }
    out.join("\n")
}

/// `line` as a comment of the same width.
fn comment_out(line: &str) -> String {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    match rest.char_indices().nth(1) {
        Some((at, _)) => format!("{}#{}", &line[..indent], &rest[at..]),
        None if rest.is_empty() => line.to_string(),
        None => format!("{}#", &line[..indent]),
    }
}

/// The notebook `json` with its code cells replaced by the lines of `fixed` (the text that
/// [`read`] returned, edited), every other byte kept. Cells whose code did not change keep their
/// bytes; a line that a fix inserted goes to the cell of the line before it.
pub fn write_back(json: &str, notebook: &Notebook, fixed: &str) -> Result<String, String> {
    let old: Vec<&str> = notebook.text.split('\n').collect();
    let new: Vec<&str> = fixed.split('\n').collect();
    // The cell (an index into `notebook.cells`) of each line of the text.
    let mut cell_of_line = vec![notebook.cells.len().saturating_sub(1); old.len()];
    for (i, cell) in notebook.cells.iter().enumerate() {
        let first = cell.first_line as usize - 1;
        for slot in cell_of_line.iter_mut().skip(first).take(cell.lines as usize) {
            *slot = i;
        }
    }
    let mut cells: Vec<Vec<&str>> = vec![Vec::new(); notebook.cells.len()];
    let mut current = 0;
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old, &new) {
        let (old_range, new_range) = (op.old_range(), op.new_range());
        if let Some(&cell) = cell_of_line.get(old_range.start) {
            current = cell;
        }
        match op.tag() {
            similar::DiffTag::Equal => {
                for (o, n) in old_range.zip(new_range) {
                    current = cell_of_line[o];
                    cells[current].push(new[n]);
                }
            }
            similar::DiffTag::Delete => {}
            similar::DiffTag::Insert | similar::DiffTag::Replace => {
                if let Some(cell) = cells.get_mut(current) {
                    cell.extend(&new[new_range]);
                }
            }
        }
    }
    // The text's last line is the empty one after the last cell's line break.
    if let Some(last) = cells.last_mut()
        && last.last() == Some(&"")
    {
        last.pop();
    }
    let ranges = source_ranges(json)?;
    let mut out = String::with_capacity(json.len() + 64);
    let mut copied = 0;
    for (cell, new_lines) in notebook.cells.iter().zip(&cells) {
        let first = cell.first_line as usize - 1;
        let old_lines = &old[first..(first + cell.lines as usize).min(old.len())];
        if new_lines.as_slice() == old_lines {
            continue;
        }
        let range = ranges.get(cell.number as usize - 1).cloned().flatten().ok_or("a code cell has no `source`")?;
        // Magic lines go back as they were written.
        let restored: Vec<&str> = new_lines
            .iter()
            .map(|line| notebook.magics.iter().find(|(read, _)| read == line).map_or(*line, |(_, written)| written))
            .collect();
        out.push_str(&json[copied..range.start]);
        out.push_str(&source_json(&json[range.clone()], json, range.start, &restored));
        copied = range.end;
    }
    out.push_str(&json[copied..]);
    // What is written must still be a notebook, with the same cells.
    let again = read(&out).map_err(|e| format!("writing the fixes would break the notebook: {e}"))?;
    if again.cells.len() != notebook.cells.len() {
        return Err("writing the fixes would change the notebook's cells".into());
    }
    Ok(out)
}

/// A cell's new `source` value, in the layout of the old one: a list of lines, one per line
/// indented as the old elements were, or a single string where the old value was one.
fn source_json(old: &str, json: &str, at: usize, lines: &[&str]) -> String {
    let quoted = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    let mut parts: Vec<String> = lines.iter().map(|l| format!("{l}\n")).collect();
    // nbformat leaves the last line without its line break.
    if let Some(last) = parts.last_mut() {
        last.pop();
    }
    while parts.last().is_some_and(|p| p.is_empty()) {
        parts.pop();
    }
    if old.starts_with('"') {
        return quoted(&parts.concat());
    }
    if parts.is_empty() {
        return "[]".into();
    }
    let inner = old[1..].trim_end_matches(']');
    let multi_line = inner.contains('\n') || old == "[]";
    if !multi_line {
        let items: Vec<String> = parts.iter().map(|p| quoted(p)).collect();
        return format!("[{}]", items.join(", "));
    }
    // The indentation of the old elements and of the closing bracket; for an empty list, one
    // step deeper than the line the `source` key is on.
    let key_indent: String = json[..at].rsplit('\n').next().unwrap_or("").chars().take_while(|c| *c == ' ').collect();
    let element_indent = inner
        .split('\n')
        .nth(1)
        .map(|l| l.chars().take_while(|c| *c == ' ').collect::<String>())
        .filter(|_| old != "[]")
        .unwrap_or_else(|| format!("{key_indent} "));
    let closing_indent = old.rsplit('\n').next().map(|l| l.trim_end_matches(']').to_string()).filter(|_| old != "[]");
    let closing_indent = closing_indent.unwrap_or(key_indent);
    let newline = if json.contains("\r\n") { "\r\n" } else { "\n" };
    let items: Vec<String> = parts.iter().map(|p| format!("{element_indent}{}", quoted(p))).collect();
    format!("[{newline}{}{newline}{closing_indent}]", items.join(&format!(",{newline}")))
}

/// The byte range of each cell's `source` value, by cell (`None` for a cell without one).
fn source_ranges(json: &str) -> Result<Vec<Option<Range<usize>>>, String> {
    let bytes = json.as_bytes();
    let mut scan = Scanner { bytes, at: 0 };
    scan.expect(b'{')?;
    loop {
        scan.space();
        if scan.peek() == Some(b'}') {
            return Err("not a notebook: no `cells` array".into());
        }
        let key = scan.string()?;
        scan.space();
        scan.expect(b':')?;
        scan.space();
        if key == "cells" {
            return scan.cells();
        }
        scan.skip_value()?;
        scan.space();
        if scan.peek() == Some(b',') {
            scan.at += 1;
        }
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn space(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Result<(), String> {
        self.space();
        if self.peek() != Some(byte) {
            return Err(format!("not a notebook: expected `{}` at byte {}", byte as char, self.at));
        }
        self.at += 1;
        Ok(())
    }

    /// A JSON string, decoded.
    fn string(&mut self) -> Result<String, String> {
        let start = self.at;
        self.skip_string()?;
        serde_json::from_slice(&self.bytes[start..self.at]).map_err(|e| format!("not a notebook: {e}"))
    }

    fn skip_string(&mut self) -> Result<(), String> {
        self.expect(b'"')?;
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'\\' => self.at += 1,
                b'"' => return Ok(()),
                _ => {}
            }
        }
        Err("not a notebook: unterminated string".into())
    }

    /// Any value, nested as deep as it is: brackets are counted, not recursed into.
    fn skip_value(&mut self) -> Result<(), String> {
        let mut depth = 0usize;
        loop {
            self.space();
            match self.peek() {
                Some(b'"') => self.skip_string()?,
                Some(b'{' | b'[') => {
                    depth += 1;
                    self.at += 1;
                }
                Some(b'}' | b']') if depth > 0 => {
                    depth -= 1;
                    self.at += 1;
                }
                Some(b',' | b':') if depth > 0 => self.at += 1,
                Some(b) if b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'+' => {
                    while self.peek().is_some_and(|b| b.is_ascii_alphanumeric() || b"-.+".contains(&b)) {
                        self.at += 1;
                    }
                }
                _ => return Err(format!("not a notebook: unexpected byte at {}", self.at)),
            }
            if depth == 0 {
                return Ok(());
            }
        }
    }

    fn cells(&mut self) -> Result<Vec<Option<Range<usize>>>, String> {
        self.expect(b'[')?;
        let mut ranges = Vec::new();
        loop {
            self.space();
            match self.peek() {
                Some(b']') => return Ok(ranges),
                Some(b',') => self.at += 1,
                Some(b'{') => {
                    self.at += 1;
                    let mut source = None;
                    loop {
                        self.space();
                        match self.peek() {
                            Some(b'}') => {
                                self.at += 1;
                                break;
                            }
                            Some(b',') => self.at += 1,
                            _ => {
                                let key = self.string()?;
                                self.expect(b':')?;
                                self.space();
                                let start = self.at;
                                self.skip_value()?;
                                if key == "source" {
                                    source = Some(start..self.at);
                                }
                            }
                        }
                    }
                    ranges.push(source);
                }
                _ => return Err(format!("not a notebook: a cell is not an object (byte {})", self.at)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTEBOOK: &str = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": [
    "# Title"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "metadata": {"tags": ["x"]},
   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["hi\n"]}],
   "source": [
    "%matplotlib inline\n",
    "import asyncio\n",
    "asyncio.run(main())"
   ]
  },
  {
   "cell_type": "code",
   "execution_count": null,
   "metadata": {},
   "outputs": [],
   "source": "!pip install x\nawait main()"
  }
 ],
 "metadata": {"kernelspec": {"name": "python3"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;

    #[test]
    fn code_cells_are_joined_with_magics_commented_out() {
        let nb = read(NOTEBOOK).unwrap();
        assert_eq!(nb.text, "#matplotlib inline\nimport asyncio\nasyncio.run(main())\n#pip install x\nawait main()\n");
        let mut model = crate::model::FileModel::new("x.ipynb".into(), crate::model::Language::Python);
        model.cells = nb.cells.clone();
        let at = |line| model.cell_of(line).map(|c| (c.number, c.line(line)));
        assert_eq!(at(3), Some((2, 3)));
        assert_eq!(at(4), Some((3, 1)));
        assert_eq!(at(5), Some((3, 2)));
        assert_eq!(at(6), None);
    }

    #[test]
    fn writing_back_changes_only_the_fixed_cells() {
        let nb = read(NOTEBOOK).unwrap();
        let fixed = nb.text.replace("asyncio.run(main())", "await main()");
        let out = write_back(NOTEBOOK, &nb, &fixed).unwrap();
        let expected = NOTEBOOK.replace("\"asyncio.run(main())\"", "\"await main()\"");
        assert_eq!(out, expected);
        // A line added to a cell becomes an element of its own, indented like the others.
        let fixed = nb.text.replacen("#matplotlib inline\n", "#matplotlib inline\nimport time\n", 1);
        let out = write_back(NOTEBOOK, &nb, &fixed).unwrap();
        assert!(
            out.contains("    \"%matplotlib inline\\n\",\n    \"import time\\n\",\n    \"import asyncio\\n\","),
            "{out}"
        );
        // The magic line itself is kept as it was written, not as the comment the linter read.
        assert!(!out.contains("#matplotlib"));
    }

    #[test]
    fn broken_notebooks_are_errors_not_panics() {
        assert!(read("{").unwrap_err().contains("invalid JSON"));
        assert!(read("{\"cells\": 3}").unwrap_err().contains("no `cells`"));
        assert!(read("{\"cells\": [{\"cell_type\": \"code\", \"source\": 3}]}").unwrap_err().contains("cell 1"));
        let deep = format!("{{\"cells\": [], \"metadata\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(source_ranges(&deep).is_ok());
    }
}
