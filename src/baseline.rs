//! Baselines: record today's findings, then hide them, so a large codebase can adopt async-lint
//! and still fail on every new finding. A finding is keyed by its rule, its path (relative to the
//! baseline file), its enclosing function and the text of its line, never by line numbers.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::Diagnostic;
use crate::output::source::Sources;

const VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    /// Fingerprint -> how many findings have it (identical lines in one function repeat it).
    findings: BTreeMap<String, Entry>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: String,
    path: String,
    function: String,
    count: usize,
}

fn key_path(base: &Path, path: &Path) -> String {
    let absolute =
        |p: &Path| std::fs::canonicalize(p).or_else(|_| std::path::absolute(p)).unwrap_or_else(|_| p.to_path_buf());
    let path = absolute(path);
    let relative = path.strip_prefix(absolute(base)).map(Path::to_path_buf).unwrap_or(path);
    relative.to_string_lossy().replace('\\', "/")
}

fn base_dir(baseline: &Path) -> PathBuf {
    baseline.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf)
}

fn fingerprints<'d>(diagnostics: &'d [Diagnostic], baseline: &Path) -> Vec<(String, &'d Diagnostic, String)> {
    let base = base_dir(baseline);
    let mut sources = Sources::default();
    diagnostics
        .iter()
        .map(|d| {
            let path = key_path(&base, &d.path);
            (d.fingerprint(&path, sources.line(&d.path, d.span.line)), d, path)
        })
        .collect()
}

pub fn write(diagnostics: &[Diagnostic], baseline: &Path) -> Result<(), String> {
    let mut findings: BTreeMap<String, Entry> = BTreeMap::new();
    for (fingerprint, d, path) in fingerprints(diagnostics, baseline) {
        findings
            .entry(fingerprint)
            .or_insert(Entry { rule: d.rule.to_string(), path, function: d.function.clone(), count: 0 })
            .count += 1;
    }
    let text = serde_json::to_string_pretty(&File { version: VERSION, findings }).map_err(|e| e.to_string())?;
    std::fs::write(baseline, text + "\n").map_err(|e| format!("{}: cannot write the baseline: {e}", baseline.display()))
}

/// Removes the findings the baseline records; returns how many it hid.
pub fn apply(diagnostics: &mut Vec<Diagnostic>, baseline: &Path) -> Result<usize, String> {
    let text = std::fs::read_to_string(baseline)
        .map_err(|e| format!("{}: cannot read the baseline: {e}", baseline.display()))?;
    let file: File = serde_json::from_str(&text)
        .map_err(|e| format!("{}:{}: not an async-lint baseline: {e}", baseline.display(), e.line()))?;
    if file.version != VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {VERSION})",
            baseline.display(),
            file.version
        ));
    }
    let mut remaining: BTreeMap<String, usize> = file.findings.into_iter().map(|(k, e)| (k, e.count)).collect();
    let keep: Vec<bool> = fingerprints(diagnostics, baseline)
        .into_iter()
        .map(|(fingerprint, _, _)| match remaining.get_mut(&fingerprint) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        })
        .collect();
    let before = diagnostics.len();
    let mut flags = keep.into_iter();
    diagnostics.retain(|_| flags.next().unwrap_or(true));
    Ok(before - diagnostics.len())
}
