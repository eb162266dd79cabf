//! Source text for renderers that show or hash lines, read once per file.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub struct Sources {
    files: HashMap<PathBuf, Option<String>>,
}

impl Sources {
    /// With these texts for their paths instead of what is on disk (code read from standard input).
    pub fn with_texts(texts: impl IntoIterator<Item = (PathBuf, String)>) -> Sources {
        Sources { files: texts.into_iter().map(|(path, text)| (path, Some(text))).collect() }
    }

    /// The file's text without a byte-order mark (a notebook's: its code cells, joined as they
    /// are linted), or `None` when it cannot be read as UTF-8.
    pub fn text(&mut self, path: &Path) -> Option<&str> {
        self.files
            .entry(path.to_path_buf())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(path).ok()?;
                let text = text.trim_start_matches('\u{feff}');
                if crate::frontend::notebook::is_notebook(path) {
                    return crate::frontend::notebook::read(text).ok().map(|notebook| notebook.text);
                }
                Some(text.to_string())
            })
            .as_deref()
    }

    /// Line `line` (1-based) of the file, or empty.
    pub fn line(&mut self, path: &Path, line: u32) -> &str {
        self.text(path).and_then(|t| t.lines().nth(line.saturating_sub(1) as usize)).unwrap_or("")
    }
}
