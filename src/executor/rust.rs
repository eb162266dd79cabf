//! Building an instrumented Rust program with one `rustc` call and running it on the executor.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;

use super::RUNTIME_SOURCE;
use super::instrument::instrument;
use super::observation::{self, Observation};
use super::run::{Run, TIME_LIMIT, bounded, run, temp_path, write_if_changed};

/// Instruments, builds and runs the single-file program `program`, with its build products in
/// `build_dir`. The program must run to completion.
pub fn observe(program: &Path, build_dir: &Path) -> Result<Vec<Observation>, String> {
    build(program, build_dir)?.observe()
}

/// An instrumented program, built.
pub struct Built {
    program: PathBuf,
    generated: PathBuf,
    binary: PathBuf,
    scratch: PathBuf,
}

/// Instruments and builds `program` in `build_dir`, reusing an earlier build of the same source.
pub fn build(program: &Path, build_dir: &Path) -> Result<Built, String> {
    let source = std::fs::read_to_string(program).map_err(|e| format!("cannot read {}: {e}", program.display()))?;
    std::fs::create_dir_all(build_dir).map_err(|e| format!("cannot create {}: {e}", build_dir.display()))?;
    let build_dir = build_dir.canonicalize().map_err(|e| format!("cannot resolve {}: {e}", build_dir.display()))?;
    let runtime = build_dir.join("async_lint_rt.rs");
    write_if_changed(&runtime, RUNTIME_SOURCE)?;
    let generated = instrument(&source, &runtime).map_err(|e| format!("{}: {e}", program.display()))?;

    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    (&generated, RUNTIME_SOURCE).hash(&mut hasher);
    let stem = program.file_stem().and_then(|s| s.to_str()).unwrap_or("program");
    let name = format!("{stem}-{:016x}", hasher.finish());
    let generated_path = build_dir.join(format!("{name}.rs"));
    let binary = build_dir.join(&name);
    if !binary.exists() {
        write_if_changed(&generated_path, &generated)?;
        let partial = temp_path(&binary);
        let output = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .args(["--edition", "2024", "--crate-type", "bin", "-A", "warnings", "-C", "debuginfo=0", "-o"])
            .arg(&partial)
            .arg(&generated_path)
            .output()
            .map_err(|e| format!("cannot run rustc: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "the instrumented {} does not build:\n{}",
                program.display(),
                bounded(&String::from_utf8_lossy(&output.stderr))
            ));
        }
        std::fs::rename(&partial, &binary).map_err(|e| format!("cannot write {}: {e}", binary.display()))?;
    }
    let scratch = build_dir.join(format!("run-{stem}"));
    Ok(Built { program: program.to_path_buf(), generated: generated_path, binary, scratch })
}

impl Built {
    /// Runs the program in a fresh scratch directory; it must run to completion.
    pub fn observe(&self) -> Result<Vec<Observation>, String> {
        self.observe_in(None, TIME_LIMIT)
    }

    /// Runs the program in `working_dir` (else the scratch directory) for at most `limit`; it must
    /// run to completion.
    pub fn observe_in(
        &self,
        working_dir: Option<&Path>,
        limit: std::time::Duration,
    ) -> Result<Vec<Observation>, String> {
        let outcome = run(Command::new(&self.binary), &Run { scratch: &self.scratch, working_dir, limit })?;
        if !outcome.status.success() {
            return Err(format!(
                "{} failed at run time ({}):\n{}",
                self.program.display(),
                outcome.status,
                outcome.stderr
            ));
        }
        observation::parse(&outcome.observations, &self.program, &[&self.generated])
    }
}
