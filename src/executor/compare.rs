//! Static findings against run-time observations, per file, line and kind.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::observation::{Kind, Observation};
use crate::diagnostic::Diagnostic;

/// What became of one static finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The program was seen doing it.
    Confirmed,
    /// The program ran and was not seen doing it.
    Unconfirmed,
    /// Marked in the source as out of the run's reach, with the reason.
    Unconfirmable(String),
}

#[derive(Debug, Clone)]
pub struct Row {
    pub rule: crate::diagnostic::RuleId,
    pub path: PathBuf,
    pub line: u32,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Default)]
pub struct Comparison {
    pub rows: Vec<Row>,
    /// Observed, and not found statically.
    pub runtime_only: Vec<Observation>,
    /// `oracle: unconfirmable(..)` marks on lines without a finding, or whose finding was observed.
    pub stale_marks: Vec<(PathBuf, u32)>,
}

impl Comparison {
    pub fn count(&self, wanted: fn(&Verdict) -> bool) -> usize {
        self.rows.iter().filter(|r| wanted(&r.verdict)).count()
    }

    pub fn agrees(&self) -> bool {
        self.runtime_only.is_empty()
            && self.stale_marks.is_empty()
            && self.rows.iter().all(|r| r.verdict != Verdict::Unconfirmed)
    }
}

/// The reasons of the `oracle: unconfirmable(reason)` marks of a source, by line.
pub fn unconfirmable_marks(source: &str) -> BTreeMap<u32, String> {
    let mut marks = BTreeMap::new();
    for (index, line) in source.lines().enumerate() {
        if let Some((_, rest)) = line.split_once("oracle: unconfirmable(") {
            let reason = rest.trim_end().strip_suffix(')').unwrap_or(rest);
            marks.insert(index as u32 + 1, reason.to_string());
        }
    }
    marks
}

/// Compares the findings with the observations. Several findings of one kind on one line are
/// one row, as are repeated observations. `marks` holds each file's unconfirmable marks.
pub fn compare(
    diagnostics: &[Diagnostic],
    observations: &[Observation],
    marks: &BTreeMap<PathBuf, BTreeMap<u32, String>>,
) -> Comparison {
    let observed: BTreeSet<(&PathBuf, u32, Kind)> = observations.iter().map(|o| (&o.path, o.line, o.kind)).collect();
    let mut seen = BTreeSet::new();
    let mut explained = BTreeSet::new();
    let mut used_marks = BTreeSet::new();
    let mut comparison = Comparison::default();
    for d in diagnostics {
        if !seen.insert((d.path.clone(), d.span.line, d.rule)) {
            continue;
        }
        let kind = Kind::of_rule(d.rule);
        let is_observed = kind.is_some_and(|k| observed.contains(&(&d.path, d.span.line, k)));
        let mark = marks.get(&d.path).and_then(|m| m.get(&d.span.line));
        let verdict = match (is_observed, mark) {
            (true, Some(_)) => {
                comparison.stale_marks.push((d.path.clone(), d.span.line));
                Verdict::Confirmed
            }
            (true, None) => Verdict::Confirmed,
            (false, Some(reason)) => Verdict::Unconfirmable(reason.clone()),
            (false, None) => Verdict::Unconfirmed,
        };
        if mark.is_some() {
            used_marks.insert((d.path.clone(), d.span.line));
        }
        if let Some(kind) = kind {
            explained.insert((d.path.clone(), d.span.line, kind));
        }
        comparison.rows.push(Row { rule: d.rule, path: d.path.clone(), line: d.span.line, verdict });
    }
    for (path, lines) in marks {
        for line in lines.keys() {
            if !used_marks.contains(&(path.clone(), *line)) {
                comparison.stale_marks.push((path.clone(), *line));
            }
        }
    }
    comparison.runtime_only =
        observations.iter().filter(|o| !explained.contains(&(o.path.clone(), o.line, o.kind))).cloned().collect();
    comparison
}
