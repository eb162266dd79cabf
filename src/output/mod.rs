//! Renderers: one per output format, all from the same [`Diagnostic`] list.

pub mod cargo_messages;
mod concise;
pub mod escape;
mod github;
mod human;
mod json;
pub mod progress;
mod sarif;
pub mod source;
mod statistics;

use std::io::{self, Write};

use crate::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// miette-rendered, with the source line, a label and help.
    Human,
    /// `path:line:col: rule-id message`, one line each.
    Concise,
    /// One JSON array.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow-command annotations.
    Github,
}

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub color: bool,
    /// The closing "Found N findings." line.
    pub summary: bool,
}

/// `--statistics`: counts per rule, as JSON for `json`, else as text.
pub fn render_statistics(diagnostics: &[Diagnostic], format: Format, out: &mut dyn Write) -> io::Result<()> {
    match format {
        Format::Json => statistics::render_json(diagnostics, out),
        _ => statistics::render(diagnostics, out),
    }
}

/// Renders the findings; the renderers that show or hash lines take them from `sources`.
pub fn render(
    diagnostics: &[Diagnostic],
    format: Format,
    style: Style,
    sources: source::Sources,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(diagnostics, style, sources, out),
        Format::Concise => concise::render(diagnostics, out),
        Format::Json => json::render(diagnostics, out),
        Format::Sarif => sarif::render(diagnostics, sources, out),
        Format::Github => github::render(diagnostics, out),
    }
}
