//! `cargo async-lint`: the workspace's packages, from `cargo metadata --no-deps`, and the
//! directories of their targets (lib, bins, tests, examples, benches, build scripts), or with a
//! target flag (`--lib`, `--bins`, `--tests`...) the files of the targets chosen.

mod module_tree;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cargo_metadata::{MetadataCommand, Package, Target, TargetKind};

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
    #[command(flatten)]
    pub targets: TargetFlags,
}

/// cargo's target selection. Without any of these every target is linted, build script
/// included, as with `--all-targets`.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct TargetFlags {
    /// Lint only the package's library.
    #[arg(long, help_heading = "Target Selection")]
    pub lib: bool,
    /// Lint all binary targets.
    #[arg(long, help_heading = "Target Selection")]
    pub bins: bool,
    /// Lint only this binary (repeatable).
    #[arg(long = "bin", value_name = "NAME", help_heading = "Target Selection")]
    pub bin: Vec<String>,
    /// Lint the targets that cargo tests: library and binaries (their `#[cfg(test)]` code) and
    /// integration tests.
    #[arg(long, help_heading = "Target Selection")]
    pub tests: bool,
    /// Lint only this integration test (repeatable).
    #[arg(long = "test", value_name = "NAME", help_heading = "Target Selection")]
    pub test: Vec<String>,
    /// Lint all examples.
    #[arg(long, help_heading = "Target Selection")]
    pub examples: bool,
    /// Lint only this example (repeatable).
    #[arg(long = "example", value_name = "NAME", help_heading = "Target Selection")]
    pub example: Vec<String>,
    /// Lint the targets that cargo benchmarks: library, binaries and benches.
    #[arg(long, help_heading = "Target Selection")]
    pub benches: bool,
    /// Lint only this bench target (repeatable).
    #[arg(long = "bench", value_name = "NAME", help_heading = "Target Selection")]
    pub bench: Vec<String>,
    /// Lint every target: library, binaries, tests, benches, examples and the build script.
    #[arg(long, help_heading = "Target Selection")]
    pub all_targets: bool,
}

impl TargetFlags {
    /// Whether any flag narrows the targets (otherwise whole target directories are linted).
    pub fn any(&self) -> bool {
        self.lib
            || self.bins
            || self.tests
            || self.examples
            || self.benches
            || self.all_targets
            || !(self.bin.is_empty() && self.test.is_empty() && self.example.is_empty() && self.bench.is_empty())
    }

    fn wants(&self, target: &Target) -> bool {
        let is = |kind: TargetKind| target.is_kind(kind);
        let lib_like = target.kind.iter().any(|k| {
            matches!(
                k,
                TargetKind::Lib
                    | TargetKind::RLib
                    | TargetKind::DyLib
                    | TargetKind::CDyLib
                    | TargetKind::StaticLib
                    | TargetKind::ProcMacro
            )
        });
        let named = |names: &[String]| names.contains(&target.name);
        self.all_targets
            || (self.lib && lib_like)
            || (is(TargetKind::Bin) && (self.bins || named(&self.bin)))
            || (self.tests && target.test)
            || (is(TargetKind::Test) && named(&self.test))
            || (is(TargetKind::Example) && (self.examples || named(&self.example)))
            || (self.benches && (lib_like || is(TargetKind::Bin) || is(TargetKind::Bench)))
            || (is(TargetKind::Bench) && named(&self.bench))
    }

    /// A target named with `--bin`, `--test`, `--example` or `--bench` that no chosen package has.
    fn missing(&self, packages: &[&Package]) -> Option<String> {
        let named = [
            ("bin", &self.bin, TargetKind::Bin),
            ("test", &self.test, TargetKind::Test),
            ("example", &self.example, TargetKind::Example),
            ("bench", &self.bench, TargetKind::Bench),
        ];
        for (word, names, kind) in named {
            let available: Vec<&str> = packages
                .iter()
                .flat_map(|p| &p.targets)
                .filter(|t| t.is_kind(kind.clone()))
                .map(|t| t.name.as_str())
                .collect();
            if let Some(name) = names.iter().find(|n| !available.contains(&n.as_str())) {
                let choices = if available.is_empty() {
                    format!("there are no {word} targets")
                } else {
                    format!("{word} targets: {}", available.join(", "))
                };
                return Some(format!("no {word} target named `{name}` ({choices})"));
            }
        }
        None
    }
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

/// The packages chosen, and what to lint of them.
pub struct Chosen {
    /// The directories of their targets, or with a target flag the files of the targets chosen.
    pub paths: Vec<PathBuf>,
    /// Whether `paths` are files picked by target flags (excludes must still apply to them).
    pub files: bool,
    pub packages: Vec<Package>,
}

/// What to lint, as cargo would pick the packages: `-p` names them, `--workspace` takes all
/// members, and otherwise the package in the current directory (every member for a virtual
/// workspace); the target flags then pick their targets.
pub fn chosen(args: &CargoArgs) -> Result<Chosen, String> {
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
    let packages = chosen.iter().map(|p| (*p).clone()).collect();
    if args.targets.any() {
        if let Some(message) = args.targets.missing(&chosen) {
            return Err(message);
        }
        let mut files = BTreeSet::new();
        for target in chosen.iter().flat_map(|p| &p.targets).filter(|t| args.targets.wants(t)) {
            files.extend(module_tree::files_of(target.src_path.as_std_path()));
        }
        return Ok(Chosen { paths: files.into_iter().collect(), files: true, packages });
    }
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
    Ok(Chosen { paths: dirs, files: false, packages })
}

/// The package whose directory holds `path` most closely (`path` canonical).
pub fn package_holding<'p>(packages: impl Iterator<Item = &'p Package>, path: &Path) -> Option<&'p Package> {
    let holds = |p: &Package| {
        let dir = p.manifest_path.parent().map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.into()));
        dir.is_some_and(|dir| path.starts_with(dir))
    };
    packages.filter(|p| holds(p)).max_by_key(|p| p.manifest_path.as_str().len())
}
