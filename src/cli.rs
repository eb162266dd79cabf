//! The command line: `async-lint check`, `rules`, `rule`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::discover::discover;
use crate::lint::{Linter, Selection};
use crate::output::{self, Format};
use crate::rules::{self, RuleMeta};

#[derive(Debug, Parser)]
#[command(name = "async-lint", version, about = "Finds the pitfalls of async code in Rust and Python")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(CheckArgs),
    /// List every rule with its one-line summary.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// The rule's id, e.g. `blocking-sleep`.
        id: String,
    },
    /// Run a program and check the findings against what it does at run time.
    Confirm {
        /// A Python script, or a single-file Rust program.
        file: PathBuf,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
}

/// Exit codes: 0 clean, 1 findings, 2 usage or I/O error.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args),
        Command::Rules => list_rules(),
        Command::Rule { id } => show_rule(&id),
        Command::Confirm { file } => crate::executor::confirm::confirm(&file),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitCode, String> {
    for id in args.select.iter().flatten().chain(&args.ignore) {
        if rules::find(id).is_none() && id != "internal-error" {
            return Err(format!("unknown rule `{id}` (see `async-lint rules`)"));
        }
    }
    let files = discover(&args.paths).map_err(|e| e.to_string())?;
    let selection = Selection { select: args.select, ignore: args.ignore };
    let diagnostics = Linter::default().lint(&files, &selection);
    let stdout = std::io::stdout();
    let color = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = stdout.lock();
    output::render(&diagnostics, args.format, color, &mut out)
        .and_then(|()| out.flush())
        .map_err(|e| format!("cannot write the report: {e}"))?;
    Ok(if diagnostics.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

fn list_rules() -> Result<ExitCode, String> {
    let width = rules::RULES.iter().map(|r| r.meta().id.len()).max().unwrap_or(0);
    for rule in rules::RULES {
        let meta = rule.meta();
        println!("{:width$}  {}", meta.id, meta.summary);
    }
    Ok(ExitCode::SUCCESS)
}

fn show_rule(id: &str) -> Result<ExitCode, String> {
    let rule = rules::find(id).ok_or_else(|| format!("unknown rule `{id}` (see `async-lint rules`)"))?;
    print!("{}", rule_markdown(rule.meta()));
    Ok(ExitCode::SUCCESS)
}

/// A rule's documentation as Markdown.
pub fn rule_markdown(m: &RuleMeta) -> String {
    format!(
        "# {id}\n\n{summary}\n\n## What it finds\n\n{what}\n\n## Why it is a problem\n\n{why}\n\n\
         ## Example\n\n```rust\n{rust}\n```\n\n```python\n{python}\n```\n\n## Fix\n\n{fix}\n\n\
         ## Escape hatches\n\n{hatches}\n\n## Equivalents in other tools\n\n{equivalents}\n",
        id = m.id,
        summary = m.summary,
        what = m.what,
        why = m.why,
        rust = m.example_rust,
        python = m.example_python,
        fix = m.fix,
        hatches = m.escape_hatches,
        equivalents = m.equivalents,
    )
}
