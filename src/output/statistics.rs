//! `--statistics`: how many findings each rule has, most first, instead of the findings.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Diagnostic, RuleId};

#[derive(Serialize)]
struct RuleCount {
    rule: RuleId,
    count: usize,
    /// How many of them have a fix that `--fix` applies.
    fixable: usize,
    summary: &'static str,
}

fn counts(diagnostics: &[Diagnostic]) -> Vec<RuleCount> {
    let mut by_rule: BTreeMap<RuleId, (usize, usize)> = BTreeMap::new();
    for d in diagnostics {
        let (count, fixable) = by_rule.entry(d.rule).or_default();
        *count += 1;
        *fixable += usize::from(d.fix.is_some());
    }
    let mut counts: Vec<RuleCount> = by_rule
        .into_iter()
        .map(|(rule, (count, fixable))| RuleCount {
            rule,
            count,
            fixable,
            summary: crate::rules::meta_of(rule).map_or("", |m| m.summary),
        })
        .collect();
    // Most findings first; ties by rule id (the map's order, kept by the stable sort).
    counts.sort_by_key(|c| std::cmp::Reverse(c.count));
    counts
}

/// One line per rule: count, id, `[*]` when some of its findings can be fixed, summary.
pub fn render(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    let counts = counts(diagnostics);
    let id_width = counts.iter().map(|c| c.rule.as_str().len()).max().unwrap_or(0);
    let count_width = counts.iter().map(|c| c.count.to_string().len()).max().unwrap_or(0);
    for c in &counts {
        let fixable = if c.fixable > 0 { "[*]" } else { "   " };
        writeln!(out, "{:>count_width$}  {:<id_width$}  {fixable} {}", c.count, c.rule, c.summary)?;
    }
    Ok(())
}

pub fn render_json(diagnostics: &[Diagnostic], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &counts(diagnostics))?;
    writeln!(out)
}
