//! Suppression comments, read in one place for every rule and language:
//! - `async-lint: allow(rule-id, ...)` at the end of a line covers that line; alone on its line it
//!   covers the next line, and the whole item (fn, impl, trait, mod) that starts there;
//! - `async-lint: allow-file(rule-id, ...)` anywhere covers the file;
//! - `noqa` and `noqa: CODES` (any case, flake8-async / ruff codes) cover their own line only,
//!   as in ruff; `ruff: noqa` and `flake8: noqa` (with or without codes) cover the file.

use std::collections::HashMap;

use crate::diagnostic::RuleId;
use crate::model::{Comment, ItemLines};
use crate::rules::rule_of_code;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    All,
    /// The names as written: a name that is no rule id allows nothing.
    Rules(Vec<String>),
}

impl Allowed {
    fn covers(&self, rule: RuleId) -> bool {
        match self {
            Allowed::All => true,
            Allowed::Rules(rules) => rules.iter().any(|r| r == rule.as_str()),
        }
    }
}

/// What a directive covers besides the line it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// `async-lint: allow(..)`: also the next line and the item that starts there.
    NextItem,
    /// `noqa`: its own line only.
    Line,
    /// `allow-file`, `ruff: noqa`: the whole file.
    File,
}

/// Where findings are suppressed in one file, and for which rules.
#[derive(Debug, Default)]
pub struct Suppressions {
    lines: HashMap<u32, Vec<Allowed>>,
    /// (first line, last line) of the items an allow covers.
    ranges: Vec<(u32, u32, Allowed)>,
    file: Vec<Allowed>,
}

impl Suppressions {
    /// From the file's directive comments and its items' lines (see [`ItemLines`]).
    pub fn new(comments: &[Comment], items: &[ItemLines]) -> Suppressions {
        let mut suppressions = Suppressions::default();
        for comment in comments {
            let Some((allowed, reach)) = parse(&comment.text) else {
                continue;
            };
            match reach {
                Reach::File => suppressions.file.push(allowed),
                Reach::Line => suppressions.lines.entry(comment.line).or_default().push(allowed),
                Reach::NextItem if comment.trailing => {
                    suppressions.lines.entry(comment.line).or_default().push(allowed)
                }
                Reach::NextItem => {
                    let next = comment.line + 1;
                    for item in items.iter().filter(|item| item.starts_at(next)) {
                        suppressions.ranges.push((item.first, item.last, allowed.clone()));
                    }
                    suppressions.lines.entry(comment.line).or_default().push(allowed.clone());
                    suppressions.lines.entry(next).or_default().push(allowed);
                }
            }
        }
        suppressions
    }

    pub fn is_suppressed(&self, rule: RuleId, line: u32) -> bool {
        self.file.iter().any(|a| a.covers(rule))
            || self.lines.get(&line).is_some_and(|all| all.iter().any(|a| a.covers(rule)))
            || self.ranges.iter().any(|(first, last, a)| (*first..=*last).contains(&line) && a.covers(rule))
    }
}

/// Whether a comment is a suppression directive (the others need not be kept).
pub fn is_directive(text: &str) -> bool {
    parse(text).is_some()
}

/// Whether an own-line directive at `line` could cover an item that starts on the next line (the
/// items that no directive can reach need not be kept).
pub fn reaches_item(comment: &Comment) -> bool {
    !comment.trailing && parse(&comment.text).is_some_and(|(_, reach)| reach == Reach::NextItem)
}

fn parse(text: &str) -> Option<(Allowed, Reach)> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("async-lint:") {
        let rest = rest.trim();
        let (inner, reach) = match rest.strip_prefix("allow-file(") {
            Some(inner) => (inner, Reach::File),
            None => (rest.strip_prefix("allow(")?, Reach::NextItem),
        };
        let inner = inner.split(')').next()?;
        let rules = inner.split(',').map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        return Some((Allowed::Rules(rules.collect()), reach));
    }
    // `noqa` may follow other text in the same comment (`# type: ignore  # noqa`); any case.
    let lower = text.to_ascii_lowercase();
    let at = lower.find("noqa")?;
    let before = lower[..at].trim_end();
    let reach = if before.ends_with("ruff:") || before.ends_with("flake8:") { Reach::File } else { Reach::Line };
    let rest = &text[at + 4..];
    let Some(codes) = rest.trim_start().strip_prefix(':') else {
        return rest.trim().is_empty().then_some((Allowed::All, reach));
    };
    let mapped =
        codes.split([',', ' ']).map(str::trim).filter_map(|code| rule_of_code(code).map(|id| id.as_str().to_string()));
    Some((Allowed::Rules(mapped.collect()), reach))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(line: u32, text: &str, trailing: bool) -> Comment {
        Comment { line, text: text.into(), trailing }
    }

    fn from(comments: &[Comment]) -> Suppressions {
        Suppressions::new(comments, &[])
    }

    #[test]
    fn trailing_allow_covers_its_own_line_only() {
        let s = from(&[comment(3, " async-lint: allow(blocking-io)", true)]);
        assert!(s.is_suppressed(RuleId::declare("blocking-io"), 3));
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 4));
        assert!(!s.is_suppressed(RuleId::declare("blocking-sleep"), 3));
    }

    #[test]
    fn own_line_allow_covers_the_next_line_and_the_item_that_starts_there() {
        let items = [ItemLines { first: 4, header: 5, last: 9 }, ItemLines { first: 12, header: 12, last: 20 }];
        let s = Suppressions::new(&[comment(3, " async-lint: allow(a, b)", false)], &items);
        assert!(s.is_suppressed(RuleId::declare("a"), 4));
        assert!(s.is_suppressed(RuleId::declare("b"), 9));
        assert!(!s.is_suppressed(RuleId::declare("a"), 10));
        assert!(!s.is_suppressed(RuleId::declare("c"), 6));
        // A directive between an item's attributes and its header covers it too; one inside its
        // body covers a line, not the item.
        let s = Suppressions::new(&[comment(4, " async-lint: allow(a)", false)], &items);
        assert!(s.is_suppressed(RuleId::declare("a"), 8));
        let s = Suppressions::new(&[comment(13, " async-lint: allow(a)", false)], &items);
        assert!(s.is_suppressed(RuleId::declare("a"), 14));
        assert!(!s.is_suppressed(RuleId::declare("a"), 15));
        // A trailing allow on an item's first line is for that line.
        let s = Suppressions::new(&[comment(11, " async-lint: allow(a)", true)], &items);
        assert!(!s.is_suppressed(RuleId::declare("a"), 13));
    }

    #[test]
    fn file_level_directives_cover_the_file() {
        let s = from(&[comment(40, " async-lint: allow-file(blocking-io)", false)]);
        assert!(s.is_suppressed(RuleId::declare("blocking-io"), 1));
        assert!(!s.is_suppressed(RuleId::declare("blocking-sleep"), 1));
        let s = from(&[comment(1, " ruff: noqa: ASYNC251", false)]);
        assert!(s.is_suppressed(RuleId::declare("blocking-sleep"), 99));
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 99));
        let s = from(&[comment(1, " flake8: noqa", false)]);
        assert!(s.is_suppressed(RuleId::declare("blocking-io"), 7));
    }

    #[test]
    fn noqa_covers_its_own_line_in_any_case() {
        let s = from(&[
            comment(1, " noqa: ASYNC251", true),
            comment(2, " noqa", true),
            comment(3, " noqa: E501", true),
            comment(4, " NOQA:async230", true),
            comment(5, " noqa", false),
        ]);
        assert!(s.is_suppressed(RuleId::declare("blocking-sleep"), 1));
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 1));
        assert!(s.is_suppressed(RuleId::declare("blocking-io"), 2));
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 3));
        assert!(s.is_suppressed(RuleId::declare("blocking-io"), 4));
        // Unlike `async-lint: allow`, a `noqa` alone on its line does not reach the next one.
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 6));
    }

    #[test]
    fn other_comments_suppress_nothing() {
        let s = from(&[comment(1, " allow(blocking-io)", true), comment(2, " the noqa-less way", true)]);
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 1));
        assert!(!s.is_suppressed(RuleId::declare("blocking-io"), 2));
    }
}
