use std::fmt;
use std::io::{self, Write};

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};

use super::escape;
use super::source::Sources;
use crate::diagnostic::{Diagnostic, Severity};
use crate::frontend::lines::Lines;
use crate::model::{Language, Span};

/// One finding as miette sees it.
struct Report<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    span: SourceSpan,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

/// The finding's first line, as ruff and clippy put it: the rule, `[*]` when `--fix` fixes it,
/// and the message.
impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fixable = if self.diagnostic.fix.is_some() { " [*]" } else { "" };
        write!(f, "{}{fixable}: {}", self.diagnostic.rule, escape::line(&self.diagnostic.message))
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.diagnostic.help.as_ref().map(|h| Box::new(escape::line(h)) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let label = crate::rules::meta_of(self.diagnostic.rule).map_or("here", |meta| meta.label);
        let mut text = match self.diagnostic.chain() {
            Some(chain) => format!("{label}, via {}", escape::line(&chain)),
            None => label.to_string(),
        };
        if self.diagnostic.in_test {
            text.push_str(" (in test code)");
        }
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(Some(text), self.span))))
    }
}

/// The byte range of a span, clamped to the text, with lines counted as the file's language
/// counts them.
fn byte_range(text: &str, language: Language, span: Span) -> SourceSpan {
    let lines = Lines::new(text, language);
    let offset = |line: u32, column: u32| -> usize {
        let Some(line_text) = lines.line(line) else { return text.len() };
        let start = lines.start(line).unwrap_or(text.len());
        let chars = column.saturating_sub(1) as usize;
        start + line_text.char_indices().nth(chars).map_or(line_text.len(), |(i, _)| i)
    };
    let start = offset(span.line, span.column);
    let end = if span.end_line == 0 { start } else { offset(span.end_line, span.end_column).max(start) };
    SourceSpan::new(start.into(), end - start)
}

/// The text as the excerpt shows it: a Python file's lone `\r` line breaks become `\n` (same
/// offsets), since the excerpt's lines are split at `\n`.
fn shown_text(text: &str, language: Language) -> String {
    if language != Language::Python || !text.contains('\r') {
        return text.to_string();
    }
    let mut bytes = text.as_bytes().to_vec();
    for i in 0..bytes.len() {
        if bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            bytes[i] = b'\n';
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|_| text.to_string())
}

pub fn render(
    diagnostics: &[Diagnostic],
    style: super::Style,
    mut sources: Sources,
    out: &mut dyn Write,
) -> io::Result<()> {
    let theme = if style.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme);
    for d in diagnostics {
        let location = d.location();
        let (source, span) = match (sources.text(&d.path), d.cell) {
            // A notebook's finding is shown in its cell, with the cell's line numbers.
            (Some(text), Some(cell)) => {
                let lines: Vec<&str> =
                    text.split('\n').skip(cell.first_line as usize - 1).take(cell.lines as usize).collect();
                let text = escape::excerpt(&lines.join("\n")).into_owned();
                let span = Span {
                    line: cell.line(d.span.line),
                    column: d.span.column,
                    end_line: if d.span.end_line == 0 { 0 } else { cell.line(d.span.end_line) },
                    end_column: d.span.end_column,
                };
                let name = escape::line(&format!("{}:cell {}", d.path.display(), cell.number)).into_owned();
                let range = byte_range(&text, Language::Python, span);
                (Some(NamedSource::new(name, text)), range)
            }
            (Some(text), None) => {
                let language = crate::discover::language_of(&d.path).unwrap_or(Language::Rust);
                let shown = escape::excerpt(&shown_text(text, language)).into_owned();
                let range = byte_range(&shown, language, d.span);
                (Some(NamedSource::new(escape::line(&d.path.display().to_string()), shown)), range)
            }
            (None, _) => (None, SourceSpan::new(0.into(), 0)),
        };
        let report = Report { diagnostic: d, source, span };
        let mut rendered = String::new();
        handler.render_report(&mut rendered, &report).map_err(io::Error::other)?;
        if report.source.is_none() {
            writeln!(out, "{}", escape::line(&location))?;
        }
        write!(out, "{rendered}")?;
        if crate::rules::meta_of(d.rule).is_some() {
            writeln!(out, "  docs: {}", crate::rules::docs_url(d.rule))?;
        }
        writeln!(out)?;
    }
    if !style.summary {
        return Ok(());
    }
    match diagnostics.len() {
        0 => writeln!(out, "No findings.")?,
        1 => writeln!(out, "Found 1 finding.")?,
        n => writeln!(out, "Found {n} findings.")?,
    }
    match diagnostics.iter().filter(|d| d.fix.is_some()).count() {
        0 => Ok(()),
        fixable => writeln!(out, "[*] {fixable} fixable with `--fix`."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_map_to_byte_ranges_by_characters() {
        let text = "fn a() {}\nlet é = x();\n";
        let span = Span { line: 2, column: 9, end_line: 2, end_column: 12 };
        let range = byte_range(text, Language::Rust, span);
        assert_eq!(&text[range.offset()..range.offset() + range.len()], "x()");
    }

    #[test]
    fn spans_past_the_end_are_clamped() {
        let range = byte_range("ab", Language::Rust, Span { line: 9, column: 9, end_line: 9, end_column: 12 });
        assert_eq!(range.offset(), 2);
        assert_eq!(range.len(), 0);
    }
}
