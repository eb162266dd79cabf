//! A light scan of a Rust file before `syn` parses it: the comments (which `syn` drops) and the
//! deepest bracket nesting. It knows strings, raw strings, chars and lifetimes well enough not to
//! mistake their contents for comments or brackets.

use crate::model::Comment;

pub struct Scan {
    pub comments: Vec<Comment>,
    /// The deepest nesting of `(`, `[` and `{`, with the line where it is first reached.
    pub max_depth: (usize, u32),
}

pub fn scan(text: &str) -> Scan {
    let chars: Vec<char> = text.chars().collect();
    let mut comments = Vec::new();
    let mut depth = 0usize;
    let mut max_depth = (0usize, 1u32);
    let mut line = 1u32;
    let mut code_on_line = false;
    let mut i = 0;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                code_on_line = false;
                i += 1;
            }
            '/' if at(i + 1) == '/' => {
                let start = i + 2;
                let mut end = start;
                while end < chars.len() && chars[end] != '\n' {
                    end += 1;
                }
                let body: String = chars[start..end].iter().collect();
                // Doc comments (`///`, `//!`) are documentation, never directives.
                if !body.starts_with('/') && !body.starts_with('!') {
                    comments.push(Comment { line, text: body, trailing: code_on_line });
                }
                i = end;
            }
            '/' if at(i + 1) == '*' => {
                let (start_line, trailing) = (line, code_on_line);
                let mut depth = 1;
                let mut j = i + 2;
                let mut body = String::new();
                while j < chars.len() && depth > 0 {
                    match (chars[j], at(j + 1)) {
                        ('/', '*') => {
                            depth += 1;
                            j += 2;
                        }
                        ('*', '/') => {
                            depth -= 1;
                            j += 2;
                        }
                        (ch, _) => {
                            if ch == '\n' {
                                line += 1;
                            }
                            if depth == 1 {
                                body.push(ch);
                            }
                            j += 1;
                        }
                    }
                }
                if !body.contains('\n') {
                    comments.push(Comment { line: start_line, text: body, trailing });
                }
                i = j;
            }
            '"' => {
                code_on_line = true;
                i = skip_string(&chars, i + 1, &mut line);
            }
            'r' if raw_string_hashes(&chars, i).is_some() && !ident_char(at(i.wrapping_sub(1))) => {
                code_on_line = true;
                let hashes = raw_string_hashes(&chars, i).unwrap_or(0);
                i = skip_raw(&chars, i + 1 + hashes + 1, hashes, &mut line);
            }
            '\'' => {
                code_on_line = true;
                i = skip_char_or_lifetime(&chars, i);
            }
            c if c.is_whitespace() => i += 1,
            '(' | '[' | '{' => {
                code_on_line = true;
                depth += 1;
                if depth > max_depth.0 {
                    max_depth = (depth, line);
                }
                i += 1;
            }
            ')' | ']' | '}' => {
                code_on_line = true;
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ => {
                code_on_line = true;
                i += 1;
            }
        }
    }
    Scan { comments, max_depth }
}

fn ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `r"`, `r#"`, `br"`…: the number of `#` when a raw string starts at `i` (at the `r`).
fn raw_string_hashes(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    (chars.get(j) == Some(&'"')).then_some(j - i - 1)
}

fn skip_string(chars: &[char], mut i: usize, line: &mut u32) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

fn skip_raw(chars: &[char], mut i: usize, hashes: usize, line: &mut u32) -> usize {
    while i < chars.len() {
        if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        if chars[i] == '\n' {
            *line += 1;
        }
        i += 1;
    }
    i
}

/// `'a'`, `'\n'`, `'\u{1F600}'` are chars; `'a` is a lifetime or label.
fn skip_char_or_lifetime(chars: &[char], i: usize) -> usize {
    match chars.get(i + 1) {
        Some('\\') => {
            let mut j = i + 2;
            while j < chars.len() && chars[j] != '\'' && chars[j] != '\n' {
                j += 1;
            }
            j + 1
        }
        Some(_) if chars.get(i + 2) == Some(&'\'') => i + 3,
        _ => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_line_and_trailing_comments() {
        let text = "// alone\nlet x = 1; // after code\n";
        let found = scan(text).comments;
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].line, found[0].trailing, found[0].text.as_str()), (1, false, " alone"));
        assert_eq!((found[1].line, found[1].trailing), (2, true));
    }

    #[test]
    fn ignores_comment_markers_in_strings_chars_and_raw_strings() {
        let text = "let a = \"// no\";\nlet b = r#\"// \"no\"#;\nlet c = '/';\nfn f<'a>() {} // yes\n";
        let found = scan(text).comments;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].line, 4);
    }

    #[test]
    fn counts_lines_inside_block_comments_and_strings() {
        let text = "/* a\nb */\nlet s = \"x\ny\";\n// here\n";
        let found = scan(text).comments;
        assert_eq!(found.last().map(|c| c.line), Some(5));
    }

    #[test]
    fn measures_bracket_nesting_outside_strings() {
        assert_eq!(scan("fn f() {\n    g(h([1]));\n}\n").max_depth, (4, 2));
        assert_eq!(scan("let s = \"((((\"; // ((((\n").max_depth.0, 0);
    }

    #[test]
    fn skips_doc_comments() {
        assert!(scan("/// async-lint: allow(blocking-io)\n//! x\n").comments.is_empty());
    }
}
