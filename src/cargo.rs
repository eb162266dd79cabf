//! `cargo async-lint`: the workspace's packages, from `cargo metadata --no-deps`, and the
//! directories of their targets (lib, bins, tests, examples, benches, build scripts).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cargo_metadata::{MetadataCommand, Package};

#[derive(Debug, Clone, Default, clap::Args)]
pub struct CargoArgs {
    /// Path to the `Cargo.toml` of the package or workspace.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,
    /// Lint only this package (repeatable).
    #[arg(short = 'p', long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,
    /// Lint every member of the workspace.
    #[arg(long)]
    pub workspace: bool,
    /// `json` (and cargo's other `json-*` values) prints the findings as cargo's JSON messages,
    /// for rust-analyzer's `check.overrideCommand` and any tool that reads `cargo check`'s;
    /// `short` is `--format concise`.
    #[arg(long, value_enum, value_name = "FMT")]
    pub message_format: Option<MessageFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MessageFormat {
    Human,
    Short,
    Json,
    JsonDiagnosticShort,
    JsonDiagnosticRenderedAnsi,
    JsonRenderDiagnostics,
}

/// The packages chosen, and the directories of their targets.
pub struct Chosen {
    pub dirs: Vec<PathBuf>,
    pub packages: Vec<Package>,
}

/// The directories to lint, as cargo would pick the packages: `-p` names them, `--workspace` takes
/// all members, and otherwise the package in the current directory (every member for a virtual
/// workspace).
pub fn target_dirs(args: &CargoArgs) -> Result<Chosen, String> {
    let mut command = MetadataCommand::new();
    command.no_deps();
    if let Some(path) = &args.manifest_path {
        command.manifest_path(path);
    }
    let metadata = command.exec().map_err(|e| format!("cargo metadata failed: {e}"))?;
    let members: Vec<&Package> = metadata.workspace_packages();
    let chosen: Vec<&Package> = if !args.packages.is_empty() {
        let mut chosen = Vec::new();
        for name in &args.packages {
            let package = members
                .iter()
                .find(|p| p.name.as_str() == name.as_str())
                .ok_or_else(|| format!("package `{name}` is not a member of the workspace"))?;
            chosen.push(*package);
        }
        chosen
    } else if args.workspace {
        members
    } else {
        // Like cargo: the member whose manifest was named, or whose directory we are in. Paths are
        // compared canonical: `a/../b` would start with `a`.
        let here = match &args.manifest_path {
            Some(path) => std::fs::canonicalize(path).ok().and_then(|p| p.parent().map(PathBuf::from)),
            None => std::env::current_dir().ok().and_then(|dir| std::fs::canonicalize(dir).ok()),
        };
        let nearest = here.and_then(|here| package_holding(members.iter().copied(), &here));
        match nearest {
            Some(package) => vec![package],
            None => members,
        }
    };
    let mut dirs = BTreeSet::new();
    for package in &chosen {
        for target in &package.targets {
            if let Some(dir) = target.src_path.parent() {
                dirs.insert(PathBuf::from(dir.as_std_path()));
            }
        }
    }
    // A directory inside another one is linted with it.
    let all: Vec<PathBuf> = dirs.into_iter().collect();
    let dirs = all.iter().filter(|d| !all.iter().any(|o| o != *d && d.starts_with(o))).cloned().collect();
    Ok(Chosen { dirs, packages: chosen.into_iter().cloned().collect() })
}

/// The package whose directory holds `path` most closely (`path` canonical).
pub fn package_holding<'p>(packages: impl Iterator<Item = &'p Package>, path: &Path) -> Option<&'p Package> {
    let holds = |p: &Package| {
        let dir = p.manifest_path.parent().map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.into()));
        dir.is_some_and(|dir| path.starts_with(dir))
    };
    packages.filter(|p| holds(p)).max_by_key(|p| p.manifest_path.as_str().len())
}
