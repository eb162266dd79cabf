use std::io::{self, Write};

use super::escape::line;
use crate::diagnostic::Diagnostic;

pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    for d in diagnostics {
        let location = d.location();
        let (location, message) = (line(&location), line(&d.message));
        let in_test = if d.in_test { " [test]" } else { "" };
        match d.chain() {
            Some(chain) => writeln!(out, "{location}: {} {message} (via {}){in_test}", d.rule, line(&chain))?,
            None => writeln!(out, "{location}: {} {message}{in_test}", d.rule)?,
        }
    }
    Ok(())
}
