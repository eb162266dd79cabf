//! Python tokens (3.8–3.13): indentation, every string form including nested f-strings (PEP 701),
//! numbers, operators, comments. Errors become positions and messages; nothing panics.
//!
//! The lexer walks the UTF-8 bytes of the text: everything that has a meaning is ASCII, and a
//! column counts the characters before it on its line, so it is the byte offset from the line's
//! start less the continuation bytes seen since. A token's spelling is a range of the source (or,
//! for an identifier that NFKC normalisation changes, its normalised form kept aside), so tokens
//! hold no pointers and can be dropped while the syntax tree borrows the spellings.

use std::borrow::Cow;

use crate::model::{Comment, Span, SyntaxError};

/// Deeper nesting of f-strings than this is reported instead of followed.
const MAX_FSTRING_NESTING: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pos {
    pub line: u32,
    /// 1-based, in characters.
    pub col: u32,
}

macro_rules! operators {
    ($($name:ident = $text:literal,)*) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Op {
            $($name,)*
        }

        impl Op {
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Op::$name => $text,)*
                }
            }
        }
    };
}

operators! {
    PowEq = "**=", FloorDivEq = "//=", ShrEq = ">>=", ShlEq = "<<=", Ellipsis = "...", Pow = "**",
    FloorDiv = "//", Shr = ">>", Shl = "<<", Le = "<=", Ge = ">=", EqEq = "==", NotEq = "!=", Arrow = "->",
    PlusEq = "+=", MinusEq = "-=", StarEq = "*=", SlashEq = "/=", PercentEq = "%=", AmpEq = "&=", PipeEq = "|=",
    CaretEq = "^=", AtEq = "@=", Walrus = ":=", Plus = "+", Minus = "-", Star = "*", Slash = "/", Percent = "%",
    At = "@", Amp = "&", Pipe = "|", Caret = "^", Tilde = "~", Lt = "<", Gt = ">", LParen = "(", RParen = ")",
    LBracket = "[", RBracket = "]", LBrace = "{", RBrace = "}", Comma = ",", Colon = ":", Semi = ";", Dot = ".",
    Eq = "=", Bang = "!",
}

macro_rules! keywords {
    (hard { $($hard:ident = $hard_text:literal,)* } soft { $($soft:ident = $soft_text:literal,)* }) => {
        /// What a name token is: a keyword, a soft keyword the parser asks about, or any other name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Kw {
            $($hard,)*
            $($soft,)*
            Ident,
        }

        /// Each keyword's bytes packed into a `u64` (see [`pack`]), named after its variant.
        #[allow(non_upper_case_globals)]
        mod packed {
            $(pub const $hard: u64 = super::pack($hard_text.as_bytes());)*
            $(pub const $soft: u64 = super::pack($soft_text.as_bytes());)*
        }

        impl Kw {
            fn of(name: &str) -> Kw {
                // Every keyword is at most 8 bytes long, and a name holds no NUL byte, so packed
                // names are equal exactly when the names are.
                if name.len() > 8 {
                    return Kw::Ident;
                }
                match pack(name.as_bytes()) {
                    $(packed::$hard => Kw::$hard,)*
                    $(packed::$soft => Kw::$soft,)*
                    _ => Kw::Ident,
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Kw::$hard => $hard_text,)*
                    $(Kw::$soft => $soft_text,)*
                    Kw::Ident => "a name",
                }
            }

            /// A reserved word (never an identifier).
            pub fn is_hard(self) -> bool {
                matches!(self, $(Kw::$hard)|*)
            }
        }
    };
}

/// The first 8 bytes of `bytes`, little-endian, zero-padded.
const fn pack(bytes: &[u8]) -> u64 {
    let mut packed = 0;
    let mut i = 0;
    while i < bytes.len() && i < 8 {
        packed |= (bytes[i] as u64) << (8 * i);
        i += 1;
    }
    packed
}

keywords! {
    hard {
    False = "False", None = "None", True = "True", And = "and", As = "as", Assert = "assert", Async = "async",
    Await = "await", Break = "break", Class = "class", Continue = "continue", Def = "def", Del = "del",
    Elif = "elif", Else = "else", Except = "except", Finally = "finally", For = "for", From = "from",
    Global = "global", If = "if", Import = "import", In = "in", Is = "is", Lambda = "lambda",
    Nonlocal = "nonlocal", Not = "not", Or = "or", Pass = "pass", Raise = "raise", Return = "return", Try = "try",
    While = "while", With = "with", Yield = "yield",
    }
    soft {
        Match = "match", Case = "case", Type = "type",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Identifiers and keywords alike (the keyword, if any, is told).
    Name(Kw),
    Number,
    /// A string or bytes literal; an f-string carries its replacement fields' tokens.
    Str,
    Op(Op),
    Newline,
    Indent,
    Dedent,
    End,
}

/// Where a token's spelling is (see [`Spellings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    /// A byte range of the source.
    Source(u32, u32),
    /// An identifier NFKC normalisation changes: its index among [`normalised_names`].
    Normalised(u32),
    /// A string's replacement fields: the range of [`Lexer::fields`] holding the tokens of each
    /// field's expression, each ending with `End`. Spelt empty.
    Fields(u32, u32),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub start: Pos,
    pub end: Pos,
    /// The spelling of names and numbers, the fields of f-strings; empty otherwise.
    pub text: Text,
}

/// What token spellings refer to: the source and the normalised identifiers.
#[derive(Debug, Clone, Copy)]
pub struct Spellings<'a> {
    pub source: &'a str,
    pub normalised: &'a [String],
}

impl<'a> Spellings<'a> {
    pub fn of(self, token: &Token) -> &'a str {
        match token.text {
            Text::Source(from, to) => self.source.get(from as usize..to as usize).unwrap_or_default(),
            Text::Normalised(index) => self.normalised.get(index as usize).map_or("", String::as_str),
            Text::Fields(..) => "",
        }
    }
}

impl Token {
    pub fn span(&self) -> Span {
        Span { line: self.start.line, column: self.start.col, end_line: self.end.line, end_column: self.end.col }
    }

    pub fn is_kw(&self, kw: Kw) -> bool {
        self.kind == Kind::Name(kw)
    }

    pub fn is_op(&self, op: Op) -> bool {
        self.kind == Kind::Op(op)
    }

    /// A name that is not a reserved word.
    pub fn is_identifier(&self) -> bool {
        matches!(self.kind, Kind::Name(kw) if !kw.is_hard())
    }
}

/// The replacement fields of a string token: each field's tokens, ending with `End`.
pub fn fields_of<'t>(token: &Token, fields: &'t [Token]) -> impl Iterator<Item = &'t [Token]> {
    let (from, to) = match token.text {
        Text::Fields(from, to) => (from, to),
        _ => (0, 0),
    };
    let all = fields.get(from as usize..to as usize).unwrap_or_default();
    all.split_inclusive(|t| t.kind == Kind::End)
}

/// Keywords that begin a statement and never appear inside an expression.
const STATEMENT_KEYWORDS: [&[u8]; 17] = [
    b"def",
    b"class",
    b"return",
    b"import",
    b"try",
    b"while",
    b"with",
    b"raise",
    b"del",
    b"pass",
    b"global",
    b"nonlocal",
    b"assert",
    b"break",
    b"continue",
    b"except",
    b"finally",
];

/// The identifiers of `text` that NFKC normalisation changes, normalised, in the order the lexer
/// meets them (see [`Text::Normalised`]). The syntax tree borrows them while the lexer still runs,
/// so they are collected first, by a whole pass over the rare files that may hold one.
pub fn normalised_names(text: &str) -> Vec<String> {
    // Only characters of U+F000..U+FFFF, where the fullwidth forms are, start with this byte.
    if !text.as_bytes().contains(&0xEF) || !text.chars().any(|c| normalise(c) != c) {
        return Vec::new();
    }
    let mut lexer = Lexer::new(text);
    let mut tokens = Vec::new();
    while !lexer.done {
        tokens.clear();
        lexer.fill(&mut tokens);
    }
    lexer.normalised
}

/// Reads the tokens of a file on demand ([`Lexer::fill`]), so that they need not all be held.
pub struct Lexer<'a> {
    text: &'a str,
    bytes: &'a [u8],
    /// The byte offset of the point.
    i: usize,
    line: u32,
    /// The byte offset where the point's line starts.
    line_start: usize,
    /// UTF-8 continuation bytes between the line's start and the point.
    continuations: usize,
    /// Whether a token precedes the current point on its physical line (for trailing comments).
    code_on_line: bool,
    /// Whether the point is at the start of a physical line.
    at_line_start: bool,
    /// The widths of the open indentation levels, outermost (0) first.
    indents: Vec<u32>,
    /// Where the open brackets are.
    open: Vec<Pos>,
    /// The kind of the last token given out.
    last: Option<Kind>,
    /// Whether `End` was given out.
    done: bool,
    fstring_nesting: u32,
    /// An f-string's replacement field ran into a line that begins a statement: the string was
    /// never closed, and lexing resumes at that line.
    fstring_abandoned: bool,
    /// The tokens of all f-string fields (see [`Text::Fields`]).
    pub fields: Vec<Token>,
    /// The identifiers that NFKC normalisation changes, normalised (see [`normalised_names`]).
    normalised: Vec<String>,
    /// The field tokens of the strings being read (innermost last), moved to `fields` when a
    /// string ends so that each string's fields are contiguous.
    scratch: Vec<Token>,
    comments: Vec<Comment>,
    errors: Vec<SyntaxError>,
    /// Where lexing resumed after a bracket or f-string that was never closed: the parser's
    /// complaint about the statement cut short there says nothing new.
    resumed: Vec<Span>,
}

fn is_newline(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

fn is_ascii_name_char(b: u8) -> bool {
    ASCII_NAME_CHAR[usize::from(b)]
}

/// [`is_ascii_name_char`] by byte.
static ASCII_NAME_CHAR: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c == b'_' || c.is_ascii_alphanumeric();
        b += 1;
    }
    table
};

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

fn normalised(name: &str) -> Cow<'_, str> {
    if !name.is_ascii() && name.chars().any(|c| normalise(c) != c) {
        Cow::Owned(name.chars().map(normalise).collect())
    } else {
        name.into()
    }
}

const NO_TEXT: Text = Text::Source(0, 0);

fn mark(kind: Kind, at: Pos) -> Token {
    Token { kind, start: at, end: at, text: NO_TEXT }
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.i).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    /// The character at the point (for the rare non-ASCII one).
    fn peek_char(&self) -> Option<char> {
        self.text.get(self.i..).and_then(|rest| rest.chars().next())
    }

    fn pos(&self) -> Pos {
        Pos { line: self.line, col: (self.i - self.line_start - self.continuations) as u32 + 1 }
    }

    /// Moves past one byte.
    fn bump(&mut self) {
        let Some(b) = self.peek() else { return };
        self.i += 1;
        if b == b'\n' || (b == b'\r' && self.peek() != Some(b'\n')) {
            self.line += 1;
            self.line_start = self.i;
            self.continuations = 0;
            self.code_on_line = false;
        } else if is_continuation(b) {
            self.continuations += 1;
        }
    }

    /// Moves past one character.
    fn bump_char(&mut self) {
        self.bump();
        while self.peek().is_some_and(is_continuation) {
            self.bump();
        }
    }

    /// Moves to `to` over bytes that hold no line break.
    fn skip_to(&mut self, to: usize) {
        self.continuations += self.bytes[self.i..to].iter().filter(|&&b| is_continuation(b)).count();
        self.i = to;
    }

    fn error(&mut self, at: Pos, message: &str) {
        self.errors.push(SyntaxError { span: Span::point(at.line, at.col), message: message.to_string() });
    }

    fn token(&self, kind: Kind, text: Text, start: Pos) -> Token {
        Token { kind, start, end: self.pos(), text }
    }

    pub fn new(text: &'a str) -> Lexer<'a> {
        let start = if text.starts_with('\u{feff}') { '\u{feff}'.len_utf8() } else { 0 };
        Lexer {
            text,
            bytes: text.as_bytes(),
            i: start,
            line: 1,
            line_start: start,
            continuations: 0,
            code_on_line: false,
            at_line_start: true,
            indents: vec![0],
            open: Vec::new(),
            last: None,
            done: false,
            fstring_nesting: 0,
            fstring_abandoned: false,
            fields: Vec::new(),
            normalised: Vec::new(),
            scratch: Vec::new(),
            comments: Vec::new(),
            errors: Vec::new(),
            resumed: Vec::new(),
        }
    }

    /// What was read besides the tokens: the comments, the errors, and where lexing resumed
    /// after a construct that was never closed.
    pub fn into_comments_and_errors(self) -> (Vec<Comment>, Vec<SyntaxError>, Vec<Span>) {
        (self.comments, self.errors, self.resumed)
    }

    fn emit(&mut self, out: &mut Vec<Token>, token: Token) {
        self.last = Some(token.kind);
        out.push(token);
    }

    /// Appends the next tokens of the file to `out`: logical lines with NEWLINE, INDENT and DEDENT,
    /// about a hundred tokens at a time, ending with `End` (after which it adds nothing).
    pub fn fill(&mut self, out: &mut Vec<Token>) {
        let enough = out.len() + 128;
        while out.len() < enough && !self.done {
            if !self.step(out) {
                self.finish(out);
                return;
            }
        }
    }

    /// Reads up to the next token, if any; false at the end of the text.
    fn step(&mut self, out: &mut Vec<Token>) -> bool {
        let at_line_start = std::mem::take(&mut self.at_line_start);
        if at_line_start && !self.open.is_empty() && self.starts_statement() {
            // A statement keyword cannot continue a bracketed expression: the bracket was
            // never closed. Resume here so the rest of the file is still read.
            if let Some(&at) = self.open.first() {
                self.error(at, "this bracket is never closed");
            }
            self.open.clear();
            let here = self.pos();
            self.resumed.push(Span::point(here.line, here.col));
            self.emit(out, mark(Kind::Newline, here));
        }
        if at_line_start && self.open.is_empty() {
            let width = self.indentation();
            match self.peek() {
                None => return false,
                Some(c) if c == b'#' || is_newline(c) => {}
                Some(b'\\') if self.peek_at(1).is_some_and(is_newline) => {}
                Some(_) => self.indent_tokens(width, out),
            }
        }
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\x0c')) {
            self.i += 1;
        }
        let Some(c) = self.peek() else { return false };
        if is_newline(c) {
            let start = self.pos();
            self.bump();
            if self.peek() == Some(b'\n') && c == b'\r' {
                self.bump();
            }
            let logical = self.last.is_some_and(|k| !matches!(k, Kind::Newline | Kind::Indent | Kind::Dedent));
            self.at_line_start = true;
            if self.open.is_empty() && logical {
                self.emit(out, mark(Kind::Newline, start));
            }
            return true;
        }
        if c == b'\\' {
            let start = self.pos();
            self.bump();
            match self.peek() {
                Some(n) if is_newline(n) => {
                    self.bump();
                    if n == b'\r' && self.peek() == Some(b'\n') {
                        self.bump();
                    }
                }
                None => self.error(start, "unexpected end of file after line continuation"),
                Some(_) => self.error(start, "unexpected character after line continuation"),
            }
            return true;
        }
        if c == b'#' {
            self.comment();
            return true;
        }
        if let Some(token) = self.scan_token() {
            match token.kind {
                Kind::Op(Op::LParen | Op::LBracket | Op::LBrace) => self.open.push(token.start),
                Kind::Op(Op::RParen | Op::RBracket | Op::RBrace) => {
                    self.open.pop();
                }
                _ => {}
            }
            self.emit(out, token);
            if std::mem::take(&mut self.fstring_abandoned) {
                self.at_line_start = true;
                if self.open.is_empty() {
                    self.emit(out, mark(Kind::Newline, self.pos()));
                }
            }
        }
        true
    }

    /// The tokens that close the file.
    fn finish(&mut self, out: &mut Vec<Token>) {
        if let Some(&at) = self.open.first() {
            self.error(at, "this bracket is never closed");
        }
        let end = self.pos();
        if self.last.is_some_and(|k| !matches!(k, Kind::Newline | Kind::Dedent)) {
            self.emit(out, mark(Kind::Newline, end));
        }
        for _ in 1..self.indents.len() {
            self.emit(out, mark(Kind::Dedent, end));
        }
        self.emit(out, mark(Kind::End, end));
        self.done = true;
    }

    /// Whether the physical line ahead begins with a keyword that only begins statements.
    fn starts_statement(&self) -> bool {
        let rest = &self.bytes[self.i..];
        let blank = rest.iter().take_while(|&&b| matches!(b, b' ' | b'\t' | b'\x0c')).count();
        let rest = &rest[blank..];
        let word = rest.iter().take_while(|&&b| is_ascii_name_char(b)).count();
        // A word that goes on with a non-ASCII character is no keyword.
        let next = rest.get(word).copied();
        let ends_word = |c: Option<u8>| c.is_none_or(|c| c == b' ' || c == b':' || is_newline(c));
        if &rest[..word] == b"async" {
            // `async def` and `async with` begin statements; `async for` may be a comprehension's.
            let after = &rest[word..];
            let after = &after[after.iter().take_while(|&&b| b == b' ' || b == b'\t').count()..];
            return [b"def ".as_slice(), b"with ".as_slice()].iter().any(|k| after.starts_with(k));
        }
        STATEMENT_KEYWORDS.contains(&&rest[..word]) && ends_word(next)
    }

    /// Consumes leading blanks and returns the indentation width (tabs to multiples of 8; a form
    /// feed resets the count).
    fn indentation(&mut self) -> u32 {
        let mut width = 0;
        loop {
            // Spaces eight at a time.
            while self.bytes.get(self.i..self.i + 8).is_some_and(|run| run == b"        ") {
                width += 8;
                self.i += 8;
            }
            match self.peek() {
                Some(b' ') => width += 1,
                Some(b'\t') => width = (width / 8 + 1) * 8,
                Some(b'\x0c') => width = 0,
                _ => return width,
            }
            self.i += 1;
        }
    }

    fn indent_tokens(&mut self, width: u32, out: &mut Vec<Token>) {
        let here = self.pos();
        let top = self.indents.last().copied().unwrap_or(0);
        if width > top {
            self.indents.push(width);
            self.emit(out, mark(Kind::Indent, here));
            return;
        }
        while self.indents.len() > 1 && self.indents.last().is_some_and(|&w| w > width) {
            self.indents.pop();
            self.emit(out, mark(Kind::Dedent, here));
        }
        if self.indents.last().is_some_and(|&w| w != width) {
            self.error(here, "unindent does not match any outer indentation level");
            self.indents.push(width);
        }
    }

    fn comment(&mut self) {
        let line = self.line;
        let trailing = self.code_on_line;
        self.i += 1;
        let begin = self.i;
        let end = self.bytes[begin..].iter().position(|&b| is_newline(b)).map_or(self.bytes.len(), |n| begin + n);
        self.skip_to(end);
        self.comments.push(Comment { line, text: self.text[begin..end].to_string(), trailing });
    }

    /// One token starting at a non-blank character that is not a newline, `\` or `#`.
    fn scan_token(&mut self) -> Option<Token> {
        let start = self.pos();
        let c = self.peek()?;
        self.code_on_line = true;
        if is_ascii_name_char(c) && !c.is_ascii_digit() || c >= 0x80 && self.peek_char().is_some_and(is_name_start) {
            let begin = self.i;
            // The ASCII characters of the name at once; the rest (if any) one by one.
            let ascii = self.bytes[begin..].iter().position(|&b| !is_ascii_name_char(b));
            self.i = ascii.map_or(self.bytes.len(), |n| begin + n);
            let name = if self.peek().is_some_and(|b| b >= 0x80) {
                loop {
                    match self.peek() {
                        Some(b) if is_ascii_name_char(b) => self.i += 1,
                        Some(b) if b >= 0x80 && self.peek_char().is_some_and(is_name_char) => self.bump_char(),
                        _ => break,
                    }
                }
                normalised(&self.text[begin..self.i])
            } else {
                Cow::Borrowed(&self.text[begin..self.i])
            };
            if matches!(self.peek(), Some(b'"' | b'\'')) && is_string_prefix(&name) {
                return Some(self.string(&name, start));
            }
            let kind = Kind::Name(Kw::of(&name));
            let text = match name {
                Cow::Borrowed(_) => Text::Source(begin as u32, self.i as u32),
                Cow::Owned(name) => {
                    self.normalised.push(name);
                    Text::Normalised(self.normalised.len() as u32 - 1)
                }
            };
            return Some(self.token(kind, text, start));
        }
        if c.is_ascii_digit() || (c == b'.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) {
            return Some(self.number(start));
        }
        if c == b'"' || c == b'\'' {
            return Some(self.string("", start));
        }
        // Operators are ASCII: the longest one that matches.
        let [b1, b2] = [self.peek_at(1).unwrap_or(0), self.peek_at(2).unwrap_or(0)];
        let (op, width) = match (c, b1, b2) {
            (b'*', b'*', b'=') => (Op::PowEq, 3),
            (b'/', b'/', b'=') => (Op::FloorDivEq, 3),
            (b'>', b'>', b'=') => (Op::ShrEq, 3),
            (b'<', b'<', b'=') => (Op::ShlEq, 3),
            (b'.', b'.', b'.') => (Op::Ellipsis, 3),
            (b'*', b'*', _) => (Op::Pow, 2),
            (b'/', b'/', _) => (Op::FloorDiv, 2),
            (b'>', b'>', _) => (Op::Shr, 2),
            (b'<', b'<', _) => (Op::Shl, 2),
            (b'<', b'=', _) => (Op::Le, 2),
            (b'>', b'=', _) => (Op::Ge, 2),
            (b'=', b'=', _) => (Op::EqEq, 2),
            (b'!', b'=', _) => (Op::NotEq, 2),
            (b'-', b'>', _) => (Op::Arrow, 2),
            (b'+', b'=', _) => (Op::PlusEq, 2),
            (b'-', b'=', _) => (Op::MinusEq, 2),
            (b'*', b'=', _) => (Op::StarEq, 2),
            (b'/', b'=', _) => (Op::SlashEq, 2),
            (b'%', b'=', _) => (Op::PercentEq, 2),
            (b'&', b'=', _) => (Op::AmpEq, 2),
            (b'|', b'=', _) => (Op::PipeEq, 2),
            (b'^', b'=', _) => (Op::CaretEq, 2),
            (b'@', b'=', _) => (Op::AtEq, 2),
            (b':', b'=', _) => (Op::Walrus, 2),
            (b'+', ..) => (Op::Plus, 1),
            (b'-', ..) => (Op::Minus, 1),
            (b'*', ..) => (Op::Star, 1),
            (b'/', ..) => (Op::Slash, 1),
            (b'%', ..) => (Op::Percent, 1),
            (b'@', ..) => (Op::At, 1),
            (b'&', ..) => (Op::Amp, 1),
            (b'|', ..) => (Op::Pipe, 1),
            (b'^', ..) => (Op::Caret, 1),
            (b'~', ..) => (Op::Tilde, 1),
            (b'<', ..) => (Op::Lt, 1),
            (b'>', ..) => (Op::Gt, 1),
            (b'(', ..) => (Op::LParen, 1),
            (b')', ..) => (Op::RParen, 1),
            (b'[', ..) => (Op::LBracket, 1),
            (b']', ..) => (Op::RBracket, 1),
            (b'{', ..) => (Op::LBrace, 1),
            (b'}', ..) => (Op::RBrace, 1),
            (b',', ..) => (Op::Comma, 1),
            (b':', ..) => (Op::Colon, 1),
            (b';', ..) => (Op::Semi, 1),
            (b'.', ..) => (Op::Dot, 1),
            (b'=', ..) => (Op::Eq, 1),
            (b'!', ..) => (Op::Bang, 1),
            _ => {
                let unexpected = self.peek_char().unwrap_or(char::REPLACEMENT_CHARACTER);
                self.bump_char();
                self.error(start, &format!("unexpected character `{}`", unexpected.escape_debug()));
                return None;
            }
        };
        self.i += width;
        Some(self.token(Kind::Op(op), NO_TEXT, start))
    }

    fn number(&mut self, start: Pos) -> Token {
        let begin = self.i;
        let radix =
            self.peek() == Some(b'0') && matches!(self.peek_at(1), Some(b'x' | b'X' | b'o' | b'O' | b'b' | b'B'));
        let take = |lexer: &mut Lexer<'a>, ok: fn(u8) -> bool| {
            while lexer.peek().is_some_and(ok) {
                lexer.i += 1;
            }
        };
        if radix {
            take(self, |c| c == b'0');
            take(self, |c| matches!(c, b'x' | b'X' | b'o' | b'O' | b'b' | b'B'));
            take(self, |c| c.is_ascii_hexdigit() || c == b'_');
        } else {
            take(self, |c| c.is_ascii_digit() || c == b'_');
            if self.peek() == Some(b'.') {
                take(self, |c| c == b'.');
                take(self, |c| c.is_ascii_digit() || c == b'_');
            }
            let exponent = match (self.peek(), self.peek_at(1), self.peek_at(2)) {
                (Some(b'e' | b'E'), Some(d), _) if d.is_ascii_digit() => true,
                (Some(b'e' | b'E'), Some(b'+' | b'-'), Some(d)) => d.is_ascii_digit(),
                _ => false,
            };
            if exponent {
                take(self, |c| c == b'e' || c == b'E');
                take(self, |c| c == b'+' || c == b'-');
                take(self, |c| c.is_ascii_digit() || c == b'_');
            }
            take(self, |c| c == b'j' || c == b'J');
        }
        self.token(Kind::Number, Text::Source(begin as u32, self.i as u32), start)
    }

    /// A string literal whose prefix (possibly empty) has been consumed; at its opening quote.
    fn string(&mut self, prefix: &str, start: Pos) -> Token {
        let raw = prefix.bytes().any(|b| b.eq_ignore_ascii_case(&b'r'));
        let formatted = prefix.bytes().any(|b| b.eq_ignore_ascii_case(&b'f'));
        let quote = self.peek().unwrap_or(b'"');
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.i += if triple { 3 } else { 1 };
        let from = self.scratch.len();
        if formatted {
            self.fstring_nesting += 1;
        }
        self.string_body(quote, triple, raw, formatted);
        if formatted {
            self.fstring_nesting -= 1;
        }
        let mut token = self.token(Kind::Str, NO_TEXT, start);
        if self.scratch.len() > from {
            let first = self.fields.len() as u32;
            self.fields.extend(self.scratch.drain(from..));
            token.text = Text::Fields(first, self.fields.len() as u32);
        }
        token
    }

    fn at_close(&self, quote: u8, triple: bool) -> bool {
        self.peek() == Some(quote) && (!triple || (self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote)))
    }

    fn string_body(&mut self, quote: u8, triple: bool, raw: bool, formatted: bool) {
        let start = self.pos();
        loop {
            // Characters without a meaning here, in one step.
            let rest = &self.bytes[self.i..];
            let plain = match quote {
                b'"' | b'\'' => {
                    let stops = &STRING_STOPS[usize::from(quote == b'\'') * 2 + usize::from(formatted)];
                    rest.iter().position(|&b| stops[usize::from(b)])
                }
                _ => rest.iter().position(|&b| {
                    b == quote || b == b'\\' || is_newline(b) || (formatted && (b == b'{' || b == b'}'))
                }),
            }
            .unwrap_or(rest.len());
            self.skip_to(self.i + plain);
            let Some(c) = self.peek() else {
                self.error(start, "unterminated string literal");
                return;
            };
            if self.at_close(quote, triple) {
                self.i += if triple { 3 } else { 1 };
                return;
            }
            if is_newline(c) && !triple {
                self.error(start, "unterminated string literal");
                return;
            }
            if c == b'\\' {
                self.bump();
                match self.peek() {
                    Some(b'N') if !raw && self.peek_at(1) == Some(b'{') => {
                        while let Some(n) = self.peek() {
                            if n == b'}' || is_newline(n) || n == quote {
                                break;
                            }
                            self.bump();
                        }
                        if self.peek() == Some(b'}') {
                            self.bump();
                        }
                    }
                    Some(b'{' | b'}') if formatted => {}
                    Some(_) => self.bump_char(),
                    None => {}
                }
                continue;
            }
            if formatted && (c == b'{' || c == b'}') {
                if self.peek_at(1) == Some(c) {
                    self.i += 2;
                } else if c == b'{' {
                    self.i += 1;
                    self.field(quote, triple);
                    if self.fstring_abandoned {
                        self.error(start, "unterminated string literal");
                        return;
                    }
                } else {
                    self.i += 1;
                }
                continue;
            }
            self.bump();
        }
    }

    /// A replacement field after its `{`: expression, `=`, `!conversion`, `:spec`, `}`.
    fn field(&mut self, quote: u8, triple: bool) {
        let start = self.pos();
        if self.fstring_nesting > MAX_FSTRING_NESTING {
            self.error(start, "f-string nesting is too deep");
            while let Some(c) = self.peek() {
                if c == b'}' || self.at_close(quote, triple) {
                    break;
                }
                self.bump();
            }
        } else {
            self.field_expression();
            if self.fstring_abandoned {
                return;
            }
        }
        if self.peek() == Some(b'=') {
            self.i += 1;
            while matches!(self.peek(), Some(b' ' | b'\t')) {
                self.i += 1;
            }
        }
        if self.peek() == Some(b'!') {
            self.i += 1;
            loop {
                match self.peek() {
                    Some(b) if is_ascii_name_char(b) => self.i += 1,
                    Some(b) if b >= 0x80 && self.peek_char().is_some_and(is_name_char) => self.bump_char(),
                    _ => break,
                }
            }
        }
        if self.peek() == Some(b':') {
            self.i += 1;
            loop {
                match self.peek() {
                    None | Some(b'}') => break,
                    Some(c) if is_newline(c) && !triple => break,
                    _ if self.at_close(quote, triple) => break,
                    Some(b'{') => {
                        self.i += 1;
                        self.field(quote, triple);
                        if self.fstring_abandoned {
                            return;
                        }
                    }
                    Some(_) => self.bump(),
                }
            }
        }
        if self.peek() == Some(b'}') {
            self.i += 1;
        } else {
            self.error(start, "f-string: expecting '}'");
        }
    }

    /// The tokens of a replacement field's expression, up to the `}`, `!`, `:` or `=` that ends it
    /// at bracket depth 0, onto `scratch` with an `End`.
    fn field_expression(&mut self) {
        let mut depth: u32 = 0;
        loop {
            match self.peek() {
                None => break,
                Some(b'\n' | b'\r') => {
                    self.bump();
                    if self.starts_statement() {
                        self.fstring_abandoned = true;
                        let here = self.pos();
                        self.resumed.push(Span::point(here.line, here.col));
                        break;
                    }
                    continue;
                }
                Some(b' ' | b'\t' | b'\x0c') => {
                    self.bump();
                    continue;
                }
                Some(b'#') => {
                    self.comment();
                    continue;
                }
                Some(b'\\') if self.peek_at(1).is_some_and(is_newline) => {
                    self.bump();
                    continue;
                }
                Some(c) if depth == 0 => {
                    let next = self.peek_at(1);
                    let ends = match c {
                        b'}' | b':' => true,
                        b'!' | b'=' => next != Some(b'='),
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
                Kind::Op(Op::LParen | Op::LBracket | Op::LBrace) => depth += 1,
                Kind::Op(Op::RParen | Op::RBracket | Op::RBrace) => depth = depth.saturating_sub(1),
                _ => {}
            }
            self.scratch.push(token);
        }
        self.scratch.push(mark(Kind::End, self.pos()));
    }
}

/// The bytes that end a run of plain characters in a string body, by quote (`"`, `'`) and
/// whether the string is formatted: the quote, `\\`, line breaks, and braces in f-strings.
static STRING_STOPS: [[bool; 256]; 4] = {
    let mut tables = [[false; 256]; 4];
    let mut index = 0;
    while index < 4 {
        let quote = if index / 2 == 0 { b'"' } else { b'\'' };
        let formatted = index % 2 == 1;
        let table = &mut tables[index];
        table[quote as usize] = true;
        table[b'\\' as usize] = true;
        table[b'\n' as usize] = true;
        table[b'\r' as usize] = true;
        if formatted {
            table[b'{' as usize] = true;
            table[b'}' as usize] = true;
        }
        index += 1;
    }
    tables
};

fn is_string_prefix(text: &str) -> bool {
    let lower = |k: usize| text.as_bytes().get(k).map(u8::to_ascii_lowercase);
    match text.len() {
        1 => matches!(lower(0), Some(b'r' | b'u' | b'b' | b'f')),
        2 => matches!(
            (lower(0), lower(1)),
            (Some(b'b'), Some(b'r')) | (Some(b'r'), Some(b'b' | b'f')) | (Some(b'f'), Some(b'r'))
        ),
        _ => false,
    }
}

/// A whole file's tokens at once, for tests.
#[cfg(test)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub fields: Vec<Token>,
    pub normalised: Vec<String>,
    pub comments: Vec<Comment>,
    pub errors: Vec<SyntaxError>,
}

#[cfg(test)]
pub fn lex(text: &str) -> Lexed {
    let mut lexer = Lexer::new(text);
    let mut tokens = Vec::new();
    while !lexer.done {
        lexer.fill(&mut tokens);
    }
    Lexed { tokens, fields: lexer.fields, normalised: lexer.normalised, comments: lexer.comments, errors: lexer.errors }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spellings(text: &str, lexed: &Lexed) -> Vec<String> {
        lexed
            .tokens
            .iter()
            .map(|t| Spellings { source: text, normalised: &lexed.normalised }.of(t).to_string())
            .collect()
    }

    fn kinds(text: &str) -> Vec<String> {
        let lexed = lex(text);
        let spelt = spellings(text, &lexed);
        lexed
            .tokens
            .iter()
            .zip(spelt)
            .map(|(t, text)| match &t.kind {
                Kind::Name(_) => text,
                Kind::Number => format!("#{text}"),
                Kind::Str => format!("str{}", fields_of(t, &lexed.fields).count()),
                Kind::Op(op) => op.as_str().to_string(),
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
        let text = "f\"{a['k']!r:>{width}} {{lit}} {f\"{b(\"q\")}\"} {c=} {d:%H:%M}\"\n";
        let lexed = lex(text);
        assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
        let s = &lexed.tokens[0];
        assert_eq!(s.kind, Kind::Str);
        let fields: Vec<&[Token]> = fields_of(s, &lexed.fields).collect();
        let spell = Spellings { source: text, normalised: &lexed.normalised };
        let firsts: Vec<&str> = fields.iter().map(|f| spell.of(&f[0])).collect();
        assert_eq!(firsts, ["a", "width", "", "c", "d"]);
        let nested = &fields[2][0];
        assert_eq!(nested.kind, Kind::Str);
        assert_eq!(fields_of(nested, &lexed.fields).next().map(|f| spell.of(&f[0])), Some("b"));
        assert_eq!(lexed.tokens[1].kind, Kind::Newline);
    }

    #[test]
    fn fstring_comparison_operators_do_not_end_fields() {
        let lexed = lex("f'{a != b} {c == d} {(e := 1)} {x:=^10}'");
        assert!(lexed.errors.is_empty(), "{:?}", lexed.errors);
        let field_lens: Vec<usize> = fields_of(&lexed.tokens[0], &lexed.fields).map(<[Token]>::len).collect();
        assert_eq!(field_lens, [4, 4, 6, 2]);
    }

    #[test]
    fn named_unicode_escape_is_not_a_field() {
        let lexed = lex("f'\\N{BULLET} {x}'");
        assert_eq!(fields_of(&lexed.tokens[0], &lexed.fields).count(), 1);
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
        let text = "\u{feff}x = 1\r\nif y:\r\n\tz\r\n\x0cw\r\n";
        let lexed = lex(text);
        let got: Vec<(String, u32, u32)> =
            lexed.tokens.iter().zip(spellings(text, &lexed)).map(|(t, s)| (s, t.start.line, t.start.col)).collect();
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
