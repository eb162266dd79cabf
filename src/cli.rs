//! The command line: `async-lint check`, `rules`, `rule`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::Configs;
use crate::discover::discover_excluding;
use crate::lint::{Linter, Selection};
use crate::output::{self, Format};
use crate::rules;

#[derive(Debug, Parser)]
#[command(name = "async-lint", version, about = "Finds the pitfalls of async code in Rust and Python")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory).
    Check(Box<CheckArgs>),
    /// List every rule with its one-line summary.
    Rules,
    /// Print a rule's documentation.
    Rule {
        /// The rule's id, e.g. `blocking-sleep`.
        id: String,
    },
    /// Run the language server (over stdio) for editors.
    Server,
    /// Print the configuration that applies to a path, or the JSON schema of configurations.
    Config {
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Print the JSON schema of the configuration (for editors and SchemaStore).
        #[arg(long, conflicts_with = "path")]
        schema: bool,
    },
    /// Print a completion script for a shell (`source <(async-lint completions bash)`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page, of the command or of one subcommand, as roff (`| man -l -`).
    Man {
        /// A subcommand, e.g. `check`.
        subcommand: Option<String>,
    },
    /// Run a program and check the findings against what it does at run time.
    Confirm {
        /// A Python script, or a single-file Rust program.
        file: PathBuf,
        /// End the program (its whole process group) after this many seconds.
        #[arg(long, value_name = "SECONDS", default_value_t = 60)]
        timeout: u64,
    },
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Files or directories to lint.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The report's format (`--output-format`, as ruff names it, is the same).
    #[arg(long, value_enum, default_value = "human", alias = "output-format")]
    pub format: Format,
    /// Exit with 0 whatever is found (errors of the run itself still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,
    /// The least severity that makes the run fail (exit 1): `error` lets warnings pass.
    #[arg(long, value_enum, default_value = "warning", value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Color the human report: `auto` when standard output is a terminal and `NO_COLOR` is unset.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,
    /// Print the findings and nothing else (no summary line, no notes on fixes).
    #[arg(long, short = 'q', conflicts_with = "silent")]
    pub quiet: bool,
    /// Print nothing; the exit status tells.
    #[arg(long, short = 's')]
    pub silent: bool,
    /// Run only these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub select: Option<Vec<String>>,
    /// Run these rules besides those selected (comma-separated ids), on the command line or in
    /// the configuration.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,
    /// Do not run these rules (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Use this configuration file for every file, instead of the nearest one.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Use no configuration file at all: the built-in defaults.
    #[arg(long)]
    pub isolated: bool,
    /// Skip the files and directories that match these globs (comma-separated, relative to the
    /// working directory), instead of those of the configuration's `exclude`.
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS")]
    pub exclude: Option<Vec<String>>,
    /// Skip these too, besides the configuration's `exclude` (or `--exclude`).
    #[arg(long, value_delimiter = ',', value_name = "PATTERNS")]
    pub extend_exclude: Vec<String>,
    /// Apply the exclusions to files named on the command line too (as pre-commit passes them).
    #[arg(long)]
    pub force_exclude: bool,
    /// The file name of the code read from standard input (the path `-`): its language, its
    /// module, the configuration that applies and the name in the report (default: Python, `-`).
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Print how many findings each rule has instead of the findings (text, or JSON with
    /// `--format json`).
    #[arg(long)]
    pub statistics: bool,
    /// Write the report to this file instead of standard output.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    /// Record today's findings in this file (and exit 0), to hide them later with `--baseline`.
    #[arg(long, value_name = "FILE", conflicts_with = "baseline")]
    pub write_baseline: Option<PathBuf>,
    /// Hide the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Apply the safe fixes, then report what is left.
    #[arg(long, conflicts_with = "diff")]
    pub fix: bool,
    /// Show the safe fixes as a diff, without writing (exit 1 when there are any).
    #[arg(long)]
    pub diff: bool,
    /// Parse every file again instead of reusing the summaries of unchanged files.
    #[arg(long)]
    pub no_cache: bool,
    /// Where to keep the summaries of files (default: `$ASYNC_LINT_CACHE_DIR`, else `.async-lint-cache`).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Tell on standard error how many files were parsed and how many came from the cache.
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// `cargo async-lint --message-format json`: the packages whose findings become cargo's messages.
    #[arg(skip)]
    pub cargo_messages: Option<Vec<cargo_metadata::Package>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// `cargo async-lint [OPTIONS] [PATHS...]`: `check` on the workspace's targets.
#[derive(Debug, Parser)]
#[command(name = "cargo async-lint", version, about = "Lint the async code of a Cargo workspace")]
struct CargoCli {
    #[command(flatten)]
    cargo: crate::cargo::CargoArgs,
    #[command(flatten)]
    check: CheckArgs,
}

/// The `cargo-async-lint` binary: `args` without the `async-lint` word cargo inserts; `typed` is
/// the command as the user typed it (`cargo async-lint`), for help and errors.
pub fn run_cargo(mut args: Vec<std::ffi::OsString>, typed: &'static str) -> ExitCode {
    if args.get(1).is_some_and(|a| a == "check") {
        args.remove(1);
    }
    let subcommand = args.get(1).and_then(|a| a.to_str()).filter(|a| ["rules", "rule", "config"].contains(a));
    if subcommand.is_some() {
        return run_as(args, typed);
    }
    let command = <CargoCli as clap::CommandFactory>::command().bin_name(typed);
    let parsed =
        command.try_get_matches_from(args).and_then(|m| <CargoCli as clap::FromArgMatches>::from_arg_matches(&m));
    let mut cli = match parsed {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let explicit_paths = cli.check.paths != [PathBuf::from(".")];
    use crate::cargo::MessageFormat;
    let json = cli.cargo.message_format.is_some_and(|f| !matches!(f, MessageFormat::Human | MessageFormat::Short));
    if cli.cargo.message_format == Some(MessageFormat::Short) {
        cli.check.format = Format::Concise;
    }
    if explicit_paths && cli.cargo.targets.any() {
        eprintln!(
            "error: target flags (`--lib`, `--bins`, `--tests`...) choose the files to lint: give them or paths, not both"
        );
        return ExitCode::from(2);
    }
    if !explicit_paths || json {
        match crate::cargo::chosen(&cli.cargo) {
            Ok(chosen) => {
                if !explicit_paths {
                    cli.check.paths = chosen.paths.iter().map(|d| relative_to_cwd(d)).collect();
                    cli.check.force_exclude |= chosen.files;
                }
                if json {
                    cli.check.cargo_messages = Some(chosen.packages);
                }
            }
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    check(cli.check).unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::from(2)
    })
}

/// Paths below the working directory are shown relative to it, as users type them.
fn relative_to_cwd(path: &Path) -> PathBuf {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .map(|p| if p.as_os_str().is_empty() { PathBuf::from(".") } else { p })
        .unwrap_or_else(|| path.to_path_buf())
}

/// Exit codes: 0 clean, 1 findings, 2 usage or I/O error.
pub fn run(args: impl IntoIterator<Item = std::ffi::OsString>) -> ExitCode {
    run_as(args, "async-lint")
}

/// [`run`], with help and errors naming the command `typed`.
fn run_as(args: impl IntoIterator<Item = std::ffi::OsString>, typed: &'static str) -> ExitCode {
    let command = <Cli as clap::CommandFactory>::command().bin_name(typed);
    let cli = match command.try_get_matches_from(args).and_then(|m| <Cli as clap::FromArgMatches>::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(*args),
        Command::Rules => list_rules(),
        Command::Rule { id } => show_rule(&id),
        Command::Config { schema: true, .. } => write_stdout(&crate::config::json_schema()).map(|()| ExitCode::SUCCESS),
        Command::Config { path, .. } => show_config(&path),
        Command::Server => crate::lsp::serve(),
        Command::Completions { shell } => {
            let mut command = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command, "async-lint", &mut out);
            let mut script = String::from_utf8_lossy(&out).into_owned();
            if shell == clap_complete::Shell::Bash {
                // clap_complete spells the hyphenated name one way in the loop that tracks the
                // subcommand and another in the arms that complete it, so no subcommand's options
                // would complete (clap-rs/clap#6421).
                script = script.replace("async__subcmd__lint", "async__lint");
            }
            write_stdout(&script).map(|()| ExitCode::SUCCESS)
        }
        Command::Man { subcommand } => man_page(subcommand.as_deref()),
        Command::Confirm { file, timeout } => {
            crate::executor::confirm::confirm(&file, std::time::Duration::from_secs(timeout))
        }
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
    let resolve = |names: &[String]| -> Result<Vec<crate::diagnostic::RuleId>, String> {
        names.iter().map(|n| rules::resolve_name(n)).collect()
    };
    let selection = Selection {
        select: args.select.as_deref().map(resolve).transpose()?,
        extend: resolve(&args.extend_select)?,
        ignore: resolve(&args.ignore)?,
    };
    if args.statistics && !matches!(args.format, Format::Human | Format::Concise | Format::Json) {
        return Err("--statistics prints text or JSON: use it with --format human, concise or json".into());
    }
    let mut configs = match &args.config {
        Some(file) => match crate::config::Config::read(file).map_err(|e| e.to_string())? {
            Some(config) => Configs::only(Some(config)),
            None => return Err(format!("{}: no [tool.async-lint] table in it", file.display())),
        },
        None if args.isolated => Configs::only(None),
        None => Configs::default(),
    };
    let given = args.exclude.iter().flatten().chain(&args.extend_exclude).collect::<Vec<_>>();
    let given = crate::config::exclusions(&given).map_err(|e| format!("--exclude: {e}"))?;
    let here = absolute(Path::new("."));
    let mut excluded = |path: &Path| {
        let path = absolute(path);
        if path.strip_prefix(&here).is_ok_and(|rel| given.is_match(rel)) {
            return Ok(true);
        }
        // `--exclude` stands for the configurations' own lists.
        if args.exclude.is_some() {
            return Ok(false);
        }
        Ok(configs.for_file(&path).map_err(|e| e.to_string())?.is_some_and(|c| c.excludes(&path)))
    };
    let mut warn = |warning: String| eprintln!("warning: {warning}");
    let mut overlay = std::collections::HashMap::new();
    let files = if args.paths.iter().any(|p| p == Path::new("-")) {
        let file = stdin_file(&args)?;
        let skipped = args.force_exclude && file.path != Path::new("-") && excluded(&file.path)?;
        if skipped {
            Vec::new()
        } else {
            overlay.insert(file.path.clone(), read_stdin()?);
            vec![file]
        }
    } else if args.stdin_filename.is_some() {
        return Err("--stdin-filename names the code read from standard input: pass `-` as the path".into());
    } else {
        discover_excluding(&args.paths, args.force_exclude, &mut excluded, &mut warn).map_err(|e| e.to_string())?
    };
    for file in &files {
        configs.for_file(&file.path).map_err(|e| e.to_string())?;
    }
    let mut linter = Linter::with_knowledge(configs.loaded.iter().map(|c| &c.options.knowledge))?;
    if !args.no_cache {
        let dir = args
            .cache_dir
            .clone()
            .or_else(|| std::env::var_os("ASYNC_LINT_CACHE_DIR").filter(|d| !d.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| {
                // Code from standard input belongs where `--stdin-filename` puts it.
                let linted = match &args.stdin_filename {
                    Some(name) => std::slice::from_ref(name),
                    None => args.paths.as_slice(),
                };
                let root = crate::config::project_root(linted, args.config.as_deref()).unwrap_or_default();
                root.join(crate::cache::DEFAULT_DIR)
            });
        linter.set_cache(crate::cache::Cache::open(&dir, linter.fingerprint()));
    }
    // Only where a person watches: a terminal, a report meant to be read, nothing asked to be quiet.
    let readable = matches!(args.format, Format::Human | Format::Concise) && args.cargo_messages.is_none();
    let mut progress = (readable && !args.quiet && !args.silent && std::io::stderr().is_terminal())
        .then(output::progress::Progress::on_stderr);
    if let Some(progress) = &progress {
        linter.set_progress(progress.counter.clone());
    }
    let cli_selects = selection.select.is_some();
    let mut configured = |d: &mut crate::diagnostic::Diagnostic| {
        let Ok(Some(config)) = configs.for_file(&d.path) else { return true };
        let cli_selects = cli_selects || selection.extend.contains(&d.rule);
        config.apply(d, &absolute(&d.path), cli_selects)
    };
    if args.fix || args.diff {
        let outcome = crate::fix::plan(&linter, &files, &selection, &mut configured);
        // What follows is written to standard error: the progress line is done.
        if let Some(progress) = progress.take() {
            progress.finish();
        }
        for reason in &outcome.skipped {
            eprintln!("warning: {reason}");
        }
        if args.diff {
            let diffs: String = outcome.changes.iter().map(crate::fix::unified_diff).collect();
            write_stdout(&diffs)?;
            return Ok(if outcome.changes.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) });
        }
        let (mut fixed, mut files_fixed) = (0, 0);
        // A file that cannot be written is left as it is; the others are still fixed, and every
        // finding that is left is reported below.
        for change in &outcome.changes {
            match crate::fix::write_fixed(change) {
                Ok(()) => {
                    fixed += change.fixes;
                    files_fixed += 1;
                }
                Err(reason) => eprintln!("warning: {}: fixes not written: {reason}", change.path.display()),
            }
        }
        if fixed > 0 && !args.quiet && !args.silent {
            eprintln!("fixed {fixed} findings in {files_fixed} files");
        }
    }
    let mut diagnostics = linter.lint_with_overlay(&files, &selection, &overlay);
    if let Some(progress) = progress {
        progress.finish();
    }
    diagnostics.retain_mut(|d| configured(d));
    if let Some(cache) = linter.cache() {
        for warning in cache.warnings() {
            eprintln!("warning: {warning}");
        }
        if let Err(warning) = cache.save() {
            eprintln!("warning: {warning}");
        }
        if args.verbose {
            let stats = cache.stats();
            let reused = if stats.reused { ", findings reused" } else { "" };
            eprintln!("cache: {} files from the cache, {} parsed{reused}", stats.hits, stats.misses);
        }
    } else if args.verbose {
        eprintln!("cache: off, {} files parsed", files.len());
    }
    if let Some(path) = &args.write_baseline {
        crate::baseline::write(&diagnostics, path)?;
        if !args.quiet && !args.silent {
            eprintln!("recorded {} findings in {}", diagnostics.len(), path.display());
        }
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.baseline {
        crate::baseline::apply(&mut diagnostics, path)?;
    }
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let style = output::Style { color, summary: !args.quiet };
    let render = |diagnostics: &[crate::diagnostic::Diagnostic], out: &mut dyn Write| {
        let sources = output::source::Sources::with_texts(overlay.clone());
        match (&args.cargo_messages, args.statistics) {
            (Some(packages), _) => output::cargo_messages::render(diagnostics, packages, sources, out),
            (None, true) => output::render_statistics(diagnostics, args.format, out),
            (None, false) => output::render(diagnostics, args.format, style, sources, out),
        }
    };
    let written = match &args.output {
        _ if args.silent => Ok(()),
        Some(path) => std::fs::File::create(path).and_then(|file| {
            let mut out = std::io::BufWriter::new(file);
            render(&diagnostics, &mut out)?;
            out.flush()
        }),
        None => {
            let mut out = std::io::stdout().lock();
            render(&diagnostics, &mut out).and_then(|()| out.flush())
        }
    };
    match written {
        // A reader that stopped reading (`| head`) is not an error.
        Err(e) if args.output.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => {
            return Err(match &args.output {
                Some(path) => format!("{}: cannot write the report: {e}", path.display()),
                None => format!("cannot write the report: {e}"),
            });
        }
        Ok(()) => {}
    }
    let fails = |d: &crate::diagnostic::Diagnostic| {
        args.fail_on == FailOn::Warning || d.severity == crate::diagnostic::Severity::Error
    };
    Ok(if args.exit_zero || !diagnostics.iter().any(fails) { ExitCode::SUCCESS } else { ExitCode::from(1) })
}

/// The file that `-` stands for (see `--stdin-filename`).
fn stdin_file(args: &CheckArgs) -> Result<crate::frontend::SourceFile, String> {
    if args.paths.len() > 1 {
        return Err("`-` (standard input) is the only path of its run".into());
    }
    if args.fix || args.diff {
        return Err("--fix and --diff change files: they do not read standard input".into());
    }
    let Some(name) = &args.stdin_filename else {
        let unit = crate::frontend::Unit { root: String::new(), module: Vec::new(), is_package: false };
        return Ok(crate::frontend::SourceFile {
            path: PathBuf::from("-"),
            language: crate::model::Language::Python,
            unit,
        });
    };
    if crate::frontend::notebook::is_notebook(name) {
        return Err(format!(
            "--stdin-filename {}: a notebook is read from its file, not from standard input",
            name.display()
        ));
    }
    crate::discover::source_file(name)
        .ok_or_else(|| format!("--stdin-filename {}: not a Rust (.rs) or Python (.py) file", name.display()))
}

fn read_stdin() -> Result<String, String> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
        .map_err(|e| format!("cannot read standard input: {e}"))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| format!("standard input is not UTF-8 (byte {} is not valid)", e.utf8_error().valid_up_to() + 1))?;
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

fn man_page(subcommand: Option<&str>) -> Result<ExitCode, String> {
    let command = <Cli as clap::CommandFactory>::command();
    let page = match subcommand {
        None => command,
        Some(name) => {
            let found = command.find_subcommand(name).cloned();
            let names = || command.get_subcommands().map(|c| c.get_name()).collect::<Vec<_>>().join(", ");
            let found = found.ok_or_else(|| format!("no subcommand `{name}` (there are: {})", names()))?;
            found.display_name(format!("async-lint-{name}")).bin_name(format!("async-lint {name}"))
        }
    };
    let mut out = Vec::new();
    let source = concat!("async-lint ", env!("CARGO_PKG_VERSION"));
    clap_mangen::Man::new(page)
        .source(source)
        .render(&mut out)
        .map_err(|e| format!("cannot render the manual page: {e}"))?;
    write_stdout(&String::from_utf8_lossy(&out)).map(|()| ExitCode::SUCCESS)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

fn show_config(path: &Path) -> Result<ExitCode, String> {
    if !path.exists() {
        return Err(format!("{}: no such file or directory", path.display()));
    }
    let mut configs = Configs::default();
    let config = configs.for_path(path).map_err(|e| e.to_string())?;
    write_stdout(&crate::config::describe(config))?;
    Ok(ExitCode::SUCCESS)
}

fn list_rules() -> Result<ExitCode, String> {
    let width = rules::RULES.iter().map(|r| r.meta().id.as_str().len()).max().unwrap_or(0);
    let mut list = String::new();
    for rule in rules::RULES {
        let meta = rule.meta();
        list.push_str(&format!("{:width$}  {}\n", meta.id, meta.summary));
    }
    write_stdout(&list)?;
    Ok(ExitCode::SUCCESS)
}

fn show_rule(id: &str) -> Result<ExitCode, String> {
    let rule = rules::find(id).ok_or_else(|| format!("unknown rule `{id}` (see `async-lint rules`)"))?;
    write_stdout(&rule.meta().markdown())?;
    Ok(ExitCode::SUCCESS)
}

/// Writes `text` to standard output; a reader that closed the pipe early (`| head`) ends the
/// output quietly, as it does for other command-line tools.
fn write_stdout(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(format!("cannot write to standard output: {e}")),
        _ => Ok(()),
    }
}
