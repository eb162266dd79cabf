use std::io::{self, Write};

use crate::diagnostic::Diagnostic;

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        let location = d.location();
        let in_test = if d.in_test { " [test]" } else { "" };
        match d.chain() {
            Some(chain) => writeln!(out, "{location}: {} {} (via {chain}){in_test}", d.rule, d.message)?,
            None => writeln!(out, "{location}: {} {}{in_test}", d.rule, d.message)?,
        }
    }
    Ok(())
}
