//! GitHub Actions workflow commands: one annotation per finding.

use std::io::{self, Write};

use super::escape::line;
use crate::diagnostic::{Diagnostic, Severity};

/// Escapes a command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = line(&d.message).into_owned();
        if d.in_test {
            message.push_str(" (in test code)");
        }
        // GitHub places notebook annotations by cell line, so the cell goes into the title.
        let title = match d.cell {
            Some(cell) => format!("async-lint {} (cell {})", d.rule, cell.number),
            None => format!("async-lint {}", d.rule),
        };
        let end_line = d.cell.map_or(d.span.end_line, |c| c.line(d.span.end_line));
        if let Some(chain) = d.chain() {
            message.push_str(&format!("\nvia {}", line(&chain)));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {}", line(help)));
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&line(&d.path.to_string_lossy())),
            d.shown_line(),
            d.span.column,
            end_line,
            d.span.end_column,
            property(&title),
            data(&message)
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_workflow_commands_reserve() {
        assert_eq!(data("a%b\r\nc"), "a%25b%0D%0Ac");
        assert_eq!(property("x:y,z%"), "x%3Ay%2Cz%25");
    }
}
