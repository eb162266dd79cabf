//! What a program was seen doing at run time, read from the JSON lines its probes write.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What running code shows (the rules' metadata says which confirms which rule).
pub use crate::rules::Observable as Kind;

impl Kind {
    /// What running code shows when a rule's finding is real; `None` for findings about the
    /// source itself (`parse-error`).
    pub fn of_rule(rule: crate::diagnostic::RuleId) -> Option<Kind> {
        crate::rules::meta_of(rule)?.observable
    }

    pub fn name(self) -> &'static str {
        match self {
            Kind::Blocking => "blocking",
            Kind::NeverPolled => "never-polled",
            Kind::Nested => "nested",
            Kind::TaskDestroyed => "task-destroyed",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        [Kind::Blocking, Kind::NeverPolled, Kind::Nested, Kind::TaskDestroyed].into_iter().find(|k| k.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Observation {
    pub kind: Kind,
    pub path: PathBuf,
    pub line: u32,
}

#[derive(Deserialize)]
struct Line {
    kind: String,
    /// Empty when the probe knows only the line, which is then in the program itself.
    #[serde(default)]
    file: String,
    line: u32,
}

/// Parses a probe's output. Files named `aliases` (such as the instrumented copy of the program)
/// and unnamed files are reported as `program`; observations are sorted and deduplicated.
pub fn parse(text: &str, program: &Path, aliases: &[&Path]) -> Result<Vec<Observation>, String> {
    let mut observations = Vec::new();
    for (index, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let raw: Line =
            serde_json::from_str(line).map_err(|e| format!("bad observation on line {}: {e}: {line}", index + 1))?;
        let kind = Kind::parse(&raw.kind).ok_or_else(|| format!("unknown observation kind `{}`", raw.kind))?;
        let file = Path::new(&raw.file);
        let path = if raw.file.is_empty() || aliases.contains(&file) { program.to_path_buf() } else { file.into() };
        observations.push(Observation { kind, path, line: raw.line });
    }
    observations.sort();
    observations.dedup();
    Ok(observations)
}
