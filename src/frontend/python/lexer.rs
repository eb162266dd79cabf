//! Python tokens (3.8–3.13): indentation, every string form including nested f-strings (PEP 701),
//! numbers, operators, comments. Errors become positions and messages; nothing panics.

use crate::model::{Comment, Span, SyntaxError};

/// Deeper nesting of f-strings than this is reported instead of followed.
const MAX_FSTRING_NESTING: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    /// 1-based, in characters.
    pub col: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers and keywords alike; the parser tells them apart.
    Name,
    Number,
    /// A string or bytes literal; an f-string carries its replacement fields' tokens.
    Str,
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    End,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// The spelling of names and numbers; empty otherwise.
    pub text: String,
    pub start: Pos,
    pub end: Pos,
    /// For f-strings: the tokens of each replacement field's expression, each ending with `End`.
    pub fields: Vec<Vec<Token>>,
}

impl Token {
    pub fn span(&self) -> Span {
        Span { line: self.start.line, column: self.start.col, end_line: self.end.line, end_column: self.end.col }
    }

    pub fn is_name(&self, name: &str) -> bool {
        self.kind == Kind::Name && self.text == name
    }

    pub fn is_op(&self, op: &str) -> bool {
        matches!(self.kind, Kind::Op(o) if o == op)
    }
}

pub struct Lexed {
    pub tokens: Vec<Token>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

const OPERATORS: [&str; 48] = [
    "**=", "//=", ">>=", "<<=", "...", "**", "//", ">>", "<<", "<=", ">=", "==", "!=", "->", "+=", "-=", "*=", "/=",
    "%=", "&=", "|=", "^=", "@=", ":=", "+", "-", "*", "/", "%", "@", "&", "|", "^", "~", "<", ">", "(", ")", "[", "]",
    "{", "}", ",", ":", ";", ".", "=", "!",
];

/// Keywords that begin a statement and never appear inside an expression.
const STATEMENT_KEYWORDS: [&str; 17] = [
    "def", "class", "return", "import", "try", "while", "with", "raise", "del", "pass", "global", "nonlocal", "assert",
    "break", "continue", "except", "finally",
];

pub fn lex(text: &str) -> Lexed {
    let mut chars: Vec<char> = text.chars().collect();
    if chars.first() == Some(&'\u{feff}') {
        chars.remove(0);
    }
    let mut lexer = Lexer {
        chars,
        i: 0,
        pos: Pos { line: 1, col: 1 },
        code_on_line: false,
        fstring_nesting: 0,
        comments: Vec::new(),
        errors: Vec::new(),
    };
    let tokens = lexer.file();
    Lexed { tokens, comments: lexer.comments, errors: lexer.errors }
}

struct Lexer {
    chars: Vec<char>,
    i: usize,
    pos: Pos,
    /// Whether a token precedes the current point on its physical line (for trailing comments).
    code_on_line: bool,
    fstring_nesting: u32,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
}

fn is_newline(c: char) -> bool {
    c == '\n' || c == '\r'
}

/// Outside strings and comments, CPython accepts non-ASCII characters only in identifiers, so any
/// that is not blank is taken for one (this covers the marks of XID_Continue without tables).
fn is_name_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic() || (!c.is_ascii() && !c.is_whitespace())
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || c.is_ascii_digit()
}

/// Identifiers are NFKC-normalised; only the fullwidth forms of ASCII are mapped here.
fn normalise(c: char) -> char {
    match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFF01 + 0x21).unwrap_or(c),
        _ => c,
    }
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.i).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.i += 1;
        let crlf = c == '\r' && self.peek() == Some('\n');
        if c == '\n' || (c == '\r' && !crlf) {
            self.pos = Pos { line: self.pos.line + 1, col: 1 };
            self.code_on_line = false;
        } else {
            self.pos.col += 1;
        }
        Some(c)
    }

    fn error(&mut self, at: Pos, message: &str) {
        self.errors.push(SyntaxError { span: Span::point(at.line, at.col), message: message.to_string() });
    }

    fn token(&self, kind: Kind, text: String, start: Pos) -> Token {
        Token { kind, text, start, end: self.pos, fields: Vec::new() }
    }

    /// The whole file: logical lines with NEWLINE, INDENT and DEDENT.
    fn file(&mut self) -> Vec<Token> {
        let mut out = Vec::new();
        let mut indents: Vec<u32> = vec![0];
        let mut open: Vec<Pos> = Vec::new();
        let mut line_start = true;
        loop {
            let at_line_start = std::mem::take(&mut line_start);
            if at_line_start && !open.is_empty() && self.starts_statement() {
                // A statement keyword cannot continue a bracketed expression: the bracket was
                // never closed. Resume here so the rest of the file is still read.
                if let Some(&at) = open.first() {
                    self.error(at, "this bracket is never closed");
                }
                open.clear();
                let here = self.pos;
                out.push(Token {
                    kind: Kind::Newline,
                    text: String::new(),
                    start: here,
                    end: here,
                    fields: Vec::new(),
                });
            }
            if at_line_start && open.is_empty() {
                let width = self.indentation();
                match self.peek() {
                    None => break,
                    Some(c) if c == '#' || is_newline(c) => {}
                    Some('\\') if self.peek_at(1).is_some_and(is_newline) => {}
                    Some(_) => self.indent_tokens(width, &mut indents, &mut out),
                }
            }
            while matches!(self.peek(), Some(' ' | '\t' | '\x0c')) {
                self.bump();
            }
            let Some(c) = self.peek() else { break };
            if is_newline(c) {
                let start = self.pos;
                self.bump();
                if self.peek() == Some('\n') && c == '\r' {
                    self.bump();
                }
                let logical =
                    out.last().is_some_and(|t: &Token| !matches!(t.kind, Kind::Newline | Kind::Indent | Kind::Dedent));
                line_start = true;
                if open.is_empty() && logical {
                    out.push(Token { kind: Kind::Newline, text: String::new(), start, end: start, fields: Vec::new() });
                }
                continue;
            }
            if c == '\\' {
                let start = self.pos;
                self.bump();
                match self.peek() {
                    Some(n) if is_newline(n) => {
                        self.bump();
                        if n == '\r' && self.peek() == Some('\n') {
                            self.bump();
                        }
                    }
                    None => self.error(start, "unexpected end of file after line continuation"),
                    Some(_) => self.error(start, "unexpected character after line continuation"),
                }
                continue;
            }
            if c == '#' {
                self.comment();
                continue;
            }
            if let Some(token) = self.scan_token() {
                match token.kind {
                    Kind::Op("(" | "[" | "{") => open.push(token.start),
                    Kind::Op(")" | "]" | "}") => {
                        open.pop();
                    }
                    _ => {}
                }
                out.push(token);
            }
        }
        if let Some(&at) = open.first() {
            self.error(at, "this bracket is never closed");
        }
        let end = self.pos;
        if out.last().is_some_and(|t| !matches!(t.kind, Kind::Newline | Kind::Dedent)) {
            out.push(Token { kind: Kind::Newline, text: String::new(), start: end, end, fields: Vec::new() });
        }
        for _ in 1..indents.len() {
            out.push(Token { kind: Kind::Dedent, text: String::new(), start: end, end, fields: Vec::new() });
        }
        out.push(Token { kind: Kind::End, text: String::new(), start: end, end, fields: Vec::new() });
        out
    }

    /// Whether the physical line ahead begins with a keyword that only begins statements.
    fn starts_statement(&self) -> bool {
        let mut k = self.i;
        while matches!(self.chars.get(k), Some(' ' | '\t' | '\x0c')) {
            k += 1;
        }
        let mut word = String::new();
        while let Some(&c) = self.chars.get(k).filter(|&&c| is_name_char(c)) {
            word.push(c);
            k += 1;
        }
        let next = self.chars.get(k).copied();
        STATEMENT_KEYWORDS.contains(&word.as_str()) && next.is_none_or(|c| c == ' ' || c == ':' || is_newline(c))
    }

    /// Consumes leading blanks and returns the indentation width (tabs to multiples of 8; a form
    /// feed resets the count).
    fn indentation(&mut self) -> u32 {
        let mut width = 0;
        loop {
            match self.peek() {
                Some(' ') => width += 1,
                Some('\t') => width = (width / 8 + 1) * 8,
                Some('\x0c') => width = 0,
                _ => return width,
            }
            self.bump();
        }
    }

    fn indent_tokens(&mut self, width: u32, indents: &mut Vec<u32>, out: &mut Vec<Token>) {
        let here = self.pos;
        let top = indents.last().copied().unwrap_or(0);
        let mark = |kind| Token { kind, text: String::new(), start: here, end: here, fields: Vec::new() };
        if width > top {
            indents.push(width);
            out.push(mark(Kind::Indent));
            return;
        }
        while indents.len() > 1 && indents.last().is_some_and(|&w| w > width) {
            indents.pop();
            out.push(mark(Kind::Dedent));
        }
        if indents.last().is_some_and(|&w| w != width) {
            self.error(here, "unindent does not match any outer indentation level");
            indents.push(width);
        }
    }

    fn comment(&mut self) {
        let line = self.pos.line;
        let trailing = self.code_on_line;
        self.bump();
        let mut text = String::new();
        while let Some(c) = self.peek() {
            if is_newline(c) {
                break;
            }
            text.push(c);
            self.bump();
        }
        self.comments.push(Comment { line, text, trailing });
    }

    /// One token starting at a non-blank character that is not a newline, `\` or `#`.
    fn scan_token(&mut self) -> Option<Token> {
        let start = self.pos;
        let c = self.peek()?;
        self.code_on_line = true;
        if is_name_start(c) {
            let mut text = String::new();
            while let Some(n) = self.peek().filter(|&n| is_name_char(n)) {
                text.push(normalise(n));
                self.bump();
            }
            if matches!(self.peek(), Some('"' | '\'')) && is_string_prefix(&text) {
                return Some(self.string(&text, start));
            }
            return Some(self.token(Kind::Name, text, start));
        }
        if c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) {
            return Some(self.number(start));
        }
        if c == '"' || c == '\'' {
            return Some(self.string("", start));
        }
        // Operators are ASCII: compare bytes, longest operators first.
        let byte = |k: usize| self.peek_at(k).filter(char::is_ascii).map_or(0, |c| c as u8);
        let ahead = [byte(0), byte(1), byte(2)];
        if let Some(op) = OPERATORS.into_iter().find(|op| ahead.starts_with(op.as_bytes())) {
            for _ in 0..op.len() {
                self.bump();
            }
            return Some(self.token(Kind::Op(op), String::new(), start));
        }
        self.bump();
        self.error(start, &format!("unexpected character `{}`", c.escape_debug()));
        None
    }

    fn number(&mut self, start: Pos) -> Token {
        let mut text = String::new();
        let radix = self.peek() == Some('0') && matches!(self.peek_at(1), Some('x' | 'X' | 'o' | 'O' | 'b' | 'B'));
        let mut take = |lexer: &mut Lexer, ok: &dyn Fn(char) -> bool| {
            while let Some(c) = lexer.peek().filter(|&c| ok(c)) {
                text.push(c);
                lexer.bump();
            }
        };
        if radix {
            take(self, &|c| c == '0');
            take(self, &|c| matches!(c, 'x' | 'X' | 'o' | 'O' | 'b' | 'B'));
            take(self, &|c| c.is_ascii_hexdigit() || c == '_');
        } else {
            take(self, &|c| c.is_ascii_digit() || c == '_');
            if self.peek() == Some('.') {
                take(self, &|c| c == '.');
                take(self, &|c| c.is_ascii_digit() || c == '_');
            }
            let exponent = match (self.peek(), self.peek_at(1), self.peek_at(2)) {
                (Some('e' | 'E'), Some(d), _) if d.is_ascii_digit() => true,
                (Some('e' | 'E'), Some('+' | '-'), Some(d)) => d.is_ascii_digit(),
                _ => false,
            };
            if exponent {
                take(self, &|c| c == 'e' || c == 'E');
                take(self, &|c| c == '+' || c == '-');
                take(self, &|c| c.is_ascii_digit() || c == '_');
            }
            take(self, &|c| c == 'j' || c == 'J');
        }
        self.token(Kind::Number, text, start)
    }

    /// A string literal whose prefix (possibly empty) has been consumed; at its opening quote.
    fn string(&mut self, prefix: &str, start: Pos) -> Token {
        let lower = prefix.to_ascii_lowercase();
        let raw = lower.contains('r');
        let formatted = lower.contains('f');
        let quote = self.peek().unwrap_or('"');
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        for _ in 0..if triple { 3 } else { 1 } {
            self.bump();
        }
        let mut fields = Vec::new();
        if formatted {
            self.fstring_nesting += 1;
        }
        self.string_body(quote, triple, raw, formatted, &mut fields);
        if formatted {
            self.fstring_nesting -= 1;
        }
        let mut token = self.token(Kind::Str, String::new(), start);
        token.fields = fields;
        token
    }

    fn at_close(&self, quote: char, triple: bool) -> bool {
        self.peek() == Some(quote) && (!triple || (self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote)))
    }

    fn string_body(&mut self, quote: char, triple: bool, raw: bool, formatted: bool, fields: &mut Vec<Vec<Token>>) {
        let start = self.pos;
        loop {
            let Some(c) = self.peek() else {
                self.error(start, "unterminated string literal");
                return;
            };
            if self.at_close(quote, triple) {
                for _ in 0..if triple { 3 } else { 1 } {
                    self.bump();
                }
                return;
            }
            if is_newline(c) && !triple {
                self.error(start, "unterminated string literal");
                return;
            }
            if c == '\\' {
                self.bump();
                match self.peek() {
                    Some('N') if !raw && self.peek_at(1) == Some('{') => {
                        while let Some(n) = self.peek() {
                            if n == '}' || is_newline(n) || n == quote {
                                break;
                            }
                            self.bump();
                        }
                        if self.peek() == Some('}') {
                            self.bump();
                        }
                    }
                    Some('{' | '}') if formatted => {}
                    Some(_) => {
                        self.bump();
                    }
                    None => {}
                }
                continue;
            }
            if formatted && (c == '{' || c == '}') {
                if self.peek_at(1) == Some(c) {
                    self.bump();
                    self.bump();
                } else if c == '{' {
                    self.bump();
                    self.field(quote, triple, fields);
                } else {
                    self.bump();
                }
                continue;
            }
            self.bump();
        }
    }

    /// A replacement field after its `{`: expression, `=`, `!conversion`, `:spec`, `}`.
    fn field(&mut self, quote: char, triple: bool, fields: &mut Vec<Vec<Token>>) {
        let start = self.pos;
        if self.fstring_nesting > MAX_FSTRING_NESTING {
            self.error(start, "f-string nesting is too deep");
            while let Some(c) = self.peek() {
                if c == '}' || self.at_close(quote, triple) {
                    break;
                }
                self.bump();
            }
        } else {
            let tokens = self.field_expression();
            fields.push(tokens);
        }
        if self.peek() == Some('=') {
            self.bump();
            while matches!(self.peek(), Some(' ' | '\t')) {
                self.bump();
            }
        }
        if self.peek() == Some('!') {
            self.bump();
            while self.peek().is_some_and(is_name_char) {
                self.bump();
            }
        }
        if self.peek() == Some(':') {
            self.bump();
            loop {
                match self.peek() {
                    None | Some('}') => break,
                    Some(c) if is_newline(c) && !triple => break,
                    _ if self.at_close(quote, triple) => break,
                    Some('{') => {
                        self.bump();
                        self.field(quote, triple, fields);
                    }
                    Some(_) => {
                        self.bump();
                    }
                }
            }
        }
        if self.peek() == Some('}') {
            self.bump();
        } else {
            self.error(start, "f-string: expecting '}'");
        }
    }

    /// The tokens of a replacement field's expression, up to the `}`, `!`, `:` or `=` that ends it
    /// at bracket depth 0.
    fn field_expression(&mut self) -> Vec<Token> {
        let mut out = Vec::new();
        let mut depth: u32 = 0;
        loop {
            match self.peek() {
                None => break,
                Some(' ' | '\t' | '\x0c' | '\n' | '\r') => {
                    self.bump();
                    continue;
                }
                Some('#') => {
                    self.comment();
                    continue;
                }
                Some('\\') if self.peek_at(1).is_some_and(is_newline) => {
                    self.bump();
                    continue;
                }
                Some(c) if depth == 0 => {
                    let next = self.peek_at(1);
                    let ends = match c {
                        '}' | ':' => true,
                        '!' | '=' => next != Some('='),
                        _ => false,
                    };
                    if ends {
                        break;
                    }
                }
                Some(_) => {}
            }
            let Some(token) = self.scan_token() else {
                continue;
            };
            match token.kind {
                Kind::Op("(" | "[" | "{") => depth += 1,
                Kind::Op(")" | "]" | "}") => depth = depth.saturating_sub(1),
                _ => {}
            }
            out.push(token);
        }
        let end = self.pos;
        out.push(Token { kind: Kind::End, text: String::new(), start: end, end, fields: Vec::new() });
        out
    }
}

fn is_string_prefix(text: &str) -> bool {
    matches!(text.to_ascii_lowercase().as_str(), "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        lex(text)
            .tokens
            .iter()
            .map(|t| match &t.kind {
                Kind::Name => t.text.clone(),
                Kind::Number => format!("#{}", t.text),
                Kind::Str => format!("str{}", t.fields.len()),
                Kind::Op(op) => op.to_string(),
                Kind::Newline => "NL".into(),
                Kind::Indent => "IN".into(),
                Kind::Dedent => "DE".into(),
                Kind::End => "END".into(),
            })
            .collect()
    }

    #[test]
    fn indentation_and_newlines() {
        let got = kinds("if x:\n    y = 1\n\n    # note\n    z\nw\n");
        assert_eq!(got.join(" "), "if x : NL IN y = #1 NL z NL DE w NL END");
    }

    #[test]
    fn dedent_at_end_of_file_without_newline() {
        assert_eq!(kinds("def f():\n\tpass").join(" "), "def f ( ) : NL IN pass NL DE END");
    }

    #[test]
    fn implicit_and_explicit_continuations() {
        let got = kinds("x = (1,\n     2)\ny = 1 + \\\n    2\n");
        assert_eq!(got.join(" "), "x = ( #1 , #2 ) NL y = #1 + #2 NL END");
    }

    #[test]
    fn numbers() {
        let got = kinds("0x_FF 0o17 0b1_0 1_000 1.5e-3 .5 5. 3j 1E10J 10if");
        assert_eq!(got.join(" "), "#0x_FF #0o17 #0b1_0 #1_000 #1.5e-3 #.5 #5. #3j #1E10J #10 if NL END");
    }

    #[test]
    fn operators_take_the_longest_match() {
        let got = kinds("a **= b // c -> d := e ... != f @= g");
        assert_eq!(got.join(" "), "a **= b // c -> d := e ... != f @= g NL END");
    }

    #[test]
    fn string_prefixes_and_quotes() {
        let got = kinds("r'\\'' b\"x\" Rb'y' BR\"z\" u'w' '''a\n'b''' \"\"\"c\"\"\" rf'{x}' Fr\"{y}\"");
        assert_eq!(got.join(" "), "str0 str0 str0 str0 str0 str0 str0 str1 str1 NL END");
    }

    #[test]
    fn fstring_fields_with_nested_quotes_braces_and_specs() {
        let lexed = lex("f\"{a['k']!r:>{width}} {{lit}} {f\"{b(\"q\")}\"} {c=} {d:%H:%M}\"\n");
        assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
        let s = &lexed.tokens[0];
        assert_eq!(s.kind, Kind::Str);
        let firsts: Vec<String> = s.fields.iter().map(|f| f[0].text.clone()).collect();
        assert_eq!(firsts, ["a", "width", "", "c", "d"]);
        let nested = &s.fields[2][0];
        assert_eq!(nested.kind, Kind::Str);
        assert_eq!(nested.fields[0][0].text, "b");
        assert_eq!(lexed.tokens[1].kind, Kind::Newline);
    }

    #[test]
    fn fstring_comparison_operators_do_not_end_fields() {
        let lexed = lex("f'{a != b} {c == d} {(e := 1)} {x:=^10}'");
        assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
        let field_lens: Vec<usize> = lexed.tokens[0].fields.iter().map(Vec::len).collect();
        assert_eq!(field_lens, [4, 4, 6, 2]);
    }

    #[test]
    fn named_unicode_escape_is_not_a_field() {
        let lexed = lex("f'\\N{BULLET} {x}'");
        assert_eq!(lexed.tokens[0].fields.len(), 1);
    }

    #[test]
    fn comments_keep_line_text_and_trailing() {
        let lexed = lex("# head\nx = 1  # tail\n(a,\n # inner\n b)\n");
        let got: Vec<(u32, &str, bool)> =
            lexed.comments.iter().map(|c| (c.line, c.text.as_str(), c.trailing)).collect();
        assert_eq!(got, [(1, " head", false), (2, " tail", true), (4, " inner", false)]);
    }

    #[test]
    fn crlf_bom_tabs_and_form_feeds() {
        let lexed = lex("\u{feff}x = 1\r\nif y:\r\n\tz\r\n\x0cw\r\n");
        let got: Vec<(String, u32, u32)> =
            lexed.tokens.iter().map(|t| (t.text.clone(), t.start.line, t.start.col)).collect();
        assert_eq!(got[0], ("x".into(), 1, 1));
        assert!(got.contains(&("z".into(), 3, 2)));
        assert!(got.contains(&("w".into(), 4, 2)));
        assert!(lexed.errors.is_empty());
        assert_eq!(kinds("if y:\r\n\tz\r\n\x0cw\r\n").join(" "), "if y : NL IN z NL DE w NL END");
    }

    #[test]
    fn columns_count_characters() {
        let lexed = lex("é = ñ(1)\n");
        assert_eq!(lexed.tokens[2].start, Pos { line: 1, col: 5 });
    }

    #[test]
    fn identifiers_are_normalised_and_may_hold_marks() {
        assert_eq!(kinds("ｗｗｗ a\u{e0100}b").join(" "), "www a\u{e0100}b NL END");
        assert!(lex("f'{x = }' f'{y=  !r}'").errors.is_empty());
    }

    #[test]
    fn errors_never_panic() {
        for text in ["'abc", "\"\"\"abc", "f'{", "f'{x", "x = $", "\\", "  x\n y\n", "f'{a!'", "0x"] {
            let lexed = lex(text);
            assert_eq!(lexed.tokens.last().map(|t| &t.kind), Some(&Kind::End), "{text}");
        }
        assert!(!lex("'abc").errors.is_empty());
        assert!(!lex("if x:\n    y\n  z\n").errors.is_empty());
    }
}
