use std::io::{self, Write};

use crate::diagnostic::Diagnostic;

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        let path = d.path.display();
        let (line, column) = (d.span.line, d.span.column);
        let in_test = if d.in_test { " [test]" } else { "" };
        match d.chain() {
            Some(chain) => writeln!(out, "{path}:{line}:{column}: {} {} (via {chain}){in_test}", d.rule, d.message)?,
            None => writeln!(out, "{path}:{line}:{column}: {} {}{in_test}", d.rule, d.message)?,
        }
    }
    Ok(())
}
