//! Suppression comments, read in one place for every rule and language:
//! `async-lint: allow(rule-id, ...)` at the end of the line or alone on the line above, and
//! (Python) `noqa` comments with flake8-async / ruff codes.

use std::collections::HashMap;

use crate::model::Comment;

/// Codes of other tools that mean one of our rules.
const NOQA_CODES: &[(&str, &str)] = &[
    ("ASYNC210", "blocking-network"),
    ("ASYNC211", "blocking-network"),
    ("ASYNC212", "blocking-network"),
    ("ASYNC220", "blocking-subprocess"),
    ("ASYNC221", "blocking-subprocess"),
    ("ASYNC222", "blocking-subprocess"),
    ("ASYNC230", "blocking-io"),
    ("ASYNC231", "blocking-io"),
    ("ASYNC232", "blocking-io"),
    ("ASYNC240", "blocking-io"),
    ("ASYNC250", "blocking-io"),
    ("ASYNC251", "blocking-sleep"),
    ("ASYNC300", "dangling-task"),
    ("RUF006", "dangling-task"),
];

/// The flake8-async and ruff codes that mean one of our rules.
pub fn codes() -> impl Iterator<Item = &'static str> {
    NOQA_CODES.iter().map(|(code, _)| *code)
}

/// The rule of ours that a flake8-async or ruff code (`ASYNC251`) means, if any.
pub fn rule_of_code(code: &str) -> Option<&'static str> {
    NOQA_CODES.iter().find(|(c, _)| *c == code).map(|(_, rule)| *rule)
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Allowed {
    All,
    Rules(Vec<String>),
}

/// The lines of one file on which findings are suppressed, and for which rules.
#[derive(Debug, Default)]
pub struct Suppressions {
    lines: HashMap<u32, Vec<Allowed>>,
}

impl Suppressions {
    pub fn from_comments(comments: &[Comment]) -> Suppressions {
        let mut lines: HashMap<u32, Vec<Allowed>> = HashMap::new();
        for comment in comments {
            let Some(allowed) = parse(&comment.text) else {
                continue;
            };
            lines.entry(comment.line).or_default().push(allowed.clone());
            if !comment.trailing {
                lines.entry(comment.line + 1).or_default().push(allowed);
            }
        }
        Suppressions { lines }
    }

    pub fn is_suppressed(&self, rule: &str, line: u32) -> bool {
        self.lines.get(&line).is_some_and(|all| {
            all.iter().any(|a| match a {
                Allowed::All => true,
                Allowed::Rules(rules) => rules.iter().any(|r| r == rule),
            })
        })
    }
}

/// Whether a comment is a suppression directive (the others need not be kept).
pub fn is_directive(text: &str) -> bool {
    parse(text).is_some()
}

fn parse(text: &str) -> Option<Allowed> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix("async-lint:") {
        let inner = rest.trim().strip_prefix("allow(")?.split(')').next()?;
        let rules = inner.split(',').map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        return Some(Allowed::Rules(rules.collect()));
    }
    // `noqa` may follow other text in the same comment (`# type: ignore  # noqa`).
    let at = text.find("noqa")?;
    let rest = &text[at + 4..];
    let Some(codes) = rest.strip_prefix(':') else {
        return rest.trim().is_empty().then_some(Allowed::All);
    };
    let mapped = codes.split([',', ' ']).map(str::trim).filter_map(|code| rule_of_code(code).map(str::to_string));
    Some(Allowed::Rules(mapped.collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(line: u32, text: &str, trailing: bool) -> Comment {
        Comment { line, text: text.into(), trailing }
    }

    #[test]
    fn trailing_allow_covers_its_own_line_only() {
        let s = Suppressions::from_comments(&[comment(3, " async-lint: allow(blocking-io)", true)]);
        assert!(s.is_suppressed("blocking-io", 3));
        assert!(!s.is_suppressed("blocking-io", 4));
        assert!(!s.is_suppressed("blocking-sleep", 3));
    }

    #[test]
    fn own_line_allow_covers_the_next_line() {
        let s = Suppressions::from_comments(&[comment(3, " async-lint: allow(a, b)", false)]);
        assert!(s.is_suppressed("a", 4));
        assert!(s.is_suppressed("b", 4));
    }

    #[test]
    fn noqa_codes_map_to_rules() {
        let s = Suppressions::from_comments(&[
            comment(1, " noqa: ASYNC251", true),
            comment(2, " noqa", true),
            comment(3, " noqa: E501", true),
        ]);
        assert!(s.is_suppressed("blocking-sleep", 1));
        assert!(!s.is_suppressed("blocking-io", 1));
        assert!(s.is_suppressed("blocking-io", 2));
        assert!(!s.is_suppressed("blocking-io", 3));
    }

    #[test]
    fn other_comments_suppress_nothing() {
        let s = Suppressions::from_comments(&[comment(1, " allow(blocking-io)", true)]);
        assert!(!s.is_suppressed("blocking-io", 1));
    }
}
