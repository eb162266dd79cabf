//! A recursive-descent parser for the Python subset in [`super::ast`]. A broken statement becomes a
//! [`SyntaxError`] and parsing resumes at the next statement; nesting deeper than [`MAX_DEPTH`] is
//! reported instead of followed, so the stack never overflows.

use super::ast::{AnnAssign, AugAssign, For, Lambda, Param, Stmt, Try, While};
use super::ast::{Call, Case, Class, Comprehension, Def, Expr, Generator, Handler};
use super::lexer::{Kind, Kw, Lexer, Op, Pos, Spellings, Text, Token, fields_of};
use crate::model::{Span, SyntaxError};

/// Nested blocks and bracketed or prefixed expressions allowed before giving up (CPython's
/// tokenizer allows 200 nested parentheses).
pub const MAX_DEPTH: u32 = 200;

const AUGMENTED: [Op; 13] = [
    Op::PlusEq,
    Op::MinusEq,
    Op::StarEq,
    Op::SlashEq,
    Op::FloorDivEq,
    Op::PercentEq,
    Op::AtEq,
    Op::AmpEq,
    Op::PipeEq,
    Op::CaretEq,
    Op::ShrEq,
    Op::ShlEq,
    Op::PowEq,
];

/// The precedence of a binary operator, loosest first (below `|`, which is [`Expr::BitOr`]).
fn binary_level(kind: Kind) -> Option<usize> {
    match kind {
        Kind::Op(Op::Caret) => Some(0),
        Kind::Op(Op::Amp) => Some(1),
        Kind::Op(Op::Shl | Op::Shr) => Some(2),
        Kind::Op(Op::Plus | Op::Minus) => Some(3),
        Kind::Op(Op::Star | Op::Slash | Op::FloorDiv | Op::Percent | Op::At) => Some(4),
        _ => None,
    }
}

type PResult<T> = Result<T, SyntaxError>;

/// An operand the precedence levels take as their leftmost one instead of reading it, with
/// where it starts (see [`Parser::disjunction`]).
type Lead<'t> = Option<(Pos, Expr<'t>)>;

/// Parses a file's tokens, read from `lexer` as needed. The tree borrows only the spellings, not
/// the tokens.
pub fn parse<'t>(lexer: &mut Lexer<'t>, spellings: Spellings<'t>) -> (Vec<Stmt<'t>>, Vec<SyntaxError>) {
    let mut parser = Parser::new(Vec::new(), Some(lexer), &[], spellings, 0);
    let mut body = Vec::new();
    while !parser.at_kind(Kind::End) {
        if parser.at_kind(Kind::Dedent) {
            parser.bump();
            continue;
        }
        parser.statement_into(&mut body);
    }
    (body, parser.errors)
}

/// Tokens kept read ahead of the point, for [`Parser::peek`].
const LOOKAHEAD: usize = 3;

/// Read tokens are forgotten once this many are no longer needed (see [`Parser::read_more`]).
const FORGET_AFTER: usize = 256;

struct Parser<'s, 't> {
    /// The tokens read and not yet forgotten: the point and at least [`LOOKAHEAD`] - 1 after it,
    /// unless `End` comes sooner.
    toks: Vec<Token>,
    /// Where more tokens come from: none for an f-string field, whose tokens are all in `toks`.
    lexer: Option<&'s mut Lexer<'t>>,
    /// The f-strings' field tokens, when there is no lexer holding them.
    fields: &'s [Token],
    spellings: Spellings<'t>,
    /// The point, as an index in `toks`.
    pos: usize,
    /// How many tokens were forgotten before `toks[0]`.
    forgotten: usize,
    /// The points a [`Parser::seek`] may go back to (see [`Parser::hold`]), outermost first.
    held: Vec<usize>,
    /// The kind of the token at `pos` (asked far more often than anything else).
    kind: Kind,
    depth: u32,
    errors: Vec<SyntaxError>,
}

impl<'s, 't> Parser<'s, 't> {
    fn new(
        mut toks: Vec<Token>,
        mut lexer: Option<&'s mut Lexer<'t>>,
        fields: &'s [Token],
        spellings: Spellings<'t>,
        depth: u32,
    ) -> Self {
        if let Some(lexer) = lexer.as_deref_mut() {
            lexer.fill(&mut toks);
        }
        if toks.is_empty() {
            let start = Pos { line: 1, col: 1 };
            toks.push(Token { kind: Kind::End, start, end: start, text: Text::Source(0, 0) });
        }
        let kind = toks[0].kind;
        Parser {
            toks,
            lexer,
            fields,
            spellings,
            pos: 0,
            forgotten: 0,
            held: Vec::new(),
            kind,
            depth,
            errors: Vec::new(),
        }
    }

    // ------------------------------------------------------------------ token helpers

    fn tok(&self) -> Token {
        // `pos` never passes the last token (`End`), and there is one.
        self.toks[self.pos]
    }

    /// How many tokens precede the point.
    fn at(&self) -> usize {
        self.forgotten + self.pos
    }

    /// The point, kept with the tokens after it until [`Parser::release`], for a
    /// [`Parser::seek`] back to it.
    fn hold(&mut self) -> usize {
        self.held.push(self.at());
        self.at()
    }

    fn release(&mut self) {
        self.held.pop();
    }

    /// Moves back to a point [`Parser::hold`] gave.
    fn seek(&mut self, at: usize) {
        self.pos = at - self.forgotten;
        self.kind = self.tok().kind;
    }

    /// Reads more tokens, first forgetting those no longer needed: all before the last one read
    /// (which [`Parser::span_from`] asks for) and the first held point.
    #[cold]
    fn read_more(&mut self) {
        if self.lexer.is_none() {
            return;
        }
        let needed = self.held.first().map_or(self.pos, |&at| (at - self.forgotten).min(self.pos));
        let unneeded = needed.saturating_sub(1);
        if unneeded >= FORGET_AFTER {
            self.toks.drain(..unneeded);
            self.forgotten += unneeded;
            self.pos -= unneeded;
        }
        if let Some(lexer) = self.lexer.as_deref_mut() {
            lexer.fill(&mut self.toks);
        }
    }

    fn peek(&self, ahead: usize) -> Token {
        self.toks[(self.pos + ahead).min(self.toks.len() - 1)]
    }

    #[inline]
    fn bump(&mut self) -> Token {
        let token = self.tok();
        if token.kind != Kind::End {
            self.pos += 1;
            if self.toks.len() - self.pos < LOOKAHEAD {
                self.read_more();
            }
            self.kind = self.tok().kind;
        }
        token
    }

    fn at_kind(&self, kind: Kind) -> bool {
        self.kind == kind
    }

    fn at_op(&self, op: Op) -> bool {
        self.kind == Kind::Op(op)
    }

    fn at_kw(&self, kw: Kw) -> bool {
        self.kind == Kind::Name(kw)
    }

    fn eat_op(&mut self, op: Op) -> bool {
        let found = self.at_op(op);
        if found {
            self.bump();
        }
        found
    }

    fn eat_kw(&mut self, kw: Kw) -> bool {
        let found = self.at_kw(kw);
        if found {
            self.bump();
        }
        found
    }

    fn error_here(&self, message: &str) -> SyntaxError {
        let token = self.tok();
        let found = match &token.kind {
            Kind::Name(_) | Kind::Number => format!("`{}`", self.spellings.of(&token)),
            Kind::Str => "a string".to_string(),
            Kind::Op(op) => format!("`{}`", op.as_str()),
            Kind::Newline => "end of line".to_string(),
            Kind::Indent => "an indent".to_string(),
            Kind::Dedent => "a dedent".to_string(),
            Kind::End => "end of file".to_string(),
        };
        SyntaxError { span: token.span(), message: format!("{message}, found {found}") }
    }

    fn expect_op(&mut self, op: Op) -> PResult<()> {
        if self.eat_op(op) { Ok(()) } else { Err(self.error_here(&format!("expected `{}`", op.as_str()))) }
    }

    fn expect_kw(&mut self, kw: Kw) -> PResult<()> {
        if self.eat_kw(kw) { Ok(()) } else { Err(self.error_here(&format!("expected `{}`", kw.as_str()))) }
    }

    /// An identifier that is not a keyword.
    fn identifier(&mut self) -> PResult<&'t str> {
        let token = self.tok();
        if token.is_identifier() {
            self.bump();
            Ok(self.spellings.of(&token))
        } else {
            Err(self.error_here("expected a name"))
        }
    }

    fn start(&self) -> Pos {
        self.tok().start
    }

    /// From `start` to the end of the last consumed token.
    fn span_from(&self, start: Pos) -> Span {
        let end = if self.pos == 0 { start } else { self.toks[self.pos - 1].end };
        Span { line: start.line, column: start.col, end_line: end.line, end_column: end.col }
    }

    fn enter(&mut self) -> PResult<()> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error_here("too deeply nested"));
        }
        self.depth += 1;
        Ok(())
    }

    /// Runs `f` one nesting level deeper.
    fn nested<T>(&mut self, f: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        self.enter()?;
        let result = f(self);
        self.depth -= 1;
        result
    }

    // ------------------------------------------------------------------ statements

    /// One statement (or a line of simple statements), recovering from errors.
    fn statement_into(&mut self, out: &mut Vec<Stmt<'t>>) {
        let before = self.at();
        if self.at_kind(Kind::Indent) {
            self.errors.push(self.error_here("unexpected indent"));
            self.bump();
            self.indented_rest(out);
            return;
        }
        if self.at_kind(Kind::Newline) {
            self.bump();
            return;
        }
        if let Err(error) = self.statement(out) {
            self.errors.push(error);
            while !matches!(self.kind, Kind::Newline | Kind::End) {
                self.bump();
            }
            self.bump();
            // The body of a broken compound statement is still linted, in the enclosing block.
            if self.at_kind(Kind::Indent) {
                self.bump();
                self.indented_rest(out);
            }
        }
        if self.at() == before {
            self.bump();
        }
    }

    /// Statements up to the `Dedent` closing a block whose `Indent` was consumed.
    fn indented_rest(&mut self, out: &mut Vec<Stmt<'t>>) {
        if self.enter().is_err() {
            self.errors.push(self.error_here("too deeply nested"));
            let mut level = 1;
            while level > 0 && !self.at_kind(Kind::End) {
                match self.bump().kind {
                    Kind::Indent => level += 1,
                    Kind::Dedent => level -= 1,
                    _ => {}
                }
            }
            return;
        }
        while !matches!(self.kind, Kind::Dedent | Kind::End) {
            self.statement_into(out);
        }
        self.bump();
        self.depth -= 1;
    }

    fn statement(&mut self, out: &mut Vec<Stmt<'t>>) -> PResult<()> {
        let token = self.tok();
        if let Kind::Name(kw) = token.kind {
            let compound = match kw {
                Kw::Def | Kw::Class | Kw::If | Kw::While | Kw::For | Kw::With | Kw::Try => true,
                Kw::Async => matches!(self.peek(1).kind, Kind::Name(Kw::Def | Kw::For | Kw::With)),
                _ => false,
            };
            if compound {
                let stmt = self.compound(Vec::new())?;
                out.push(stmt);
                return Ok(());
            }
            if kw == Kw::Match
                && let Some(stmt) = self.try_match()?
            {
                out.push(stmt);
                return Ok(());
            }
        }
        if token.is_op(Op::At) {
            let mut decorators = Vec::new();
            while self.eat_op(Op::At) {
                decorators.push(self.named_expression()?);
                self.expect_newline()?;
            }
            let stmt = self.compound(decorators)?;
            out.push(stmt);
            return Ok(());
        }
        loop {
            out.push(self.simple_statement()?);
            if !self.eat_op(Op::Semi) || self.at_kind(Kind::Newline) {
                break;
            }
        }
        self.expect_newline()
    }

    fn expect_newline(&mut self) -> PResult<()> {
        if self.at_kind(Kind::Newline) {
            self.bump();
            Ok(())
        } else if self.at_kind(Kind::End) {
            Ok(())
        } else {
            Err(self.error_here("expected end of statement"))
        }
    }

    /// `:` and an indented block or simple statements on the same line.
    fn block(&mut self) -> PResult<Vec<Stmt<'t>>> {
        self.expect_op(Op::Colon)?;
        let mut body = Vec::new();
        if !self.at_kind(Kind::Newline) {
            loop {
                body.push(self.simple_statement()?);
                if !self.eat_op(Op::Semi) || self.at_kind(Kind::Newline) {
                    break;
                }
            }
            self.expect_newline()?;
            return Ok(body);
        }
        self.bump();
        if self.at_kind(Kind::Indent) {
            self.bump();
            self.indented_rest(&mut body);
        } else {
            self.errors.push(self.error_here("expected an indented block"));
        }
        Ok(body)
    }

    fn compound(&mut self, decorators: Vec<Expr<'t>>) -> PResult<Stmt<'t>> {
        let start = self.start();
        let is_async = self.eat_kw(Kw::Async);
        let keyword = self.bump();
        match keyword.kind {
            Kind::Name(Kw::Def) => self.def(decorators, is_async, start),
            Kind::Name(Kw::Class) if !is_async => self.class(decorators),
            Kind::Name(Kw::If) if decorators.is_empty() && !is_async => self.if_statement(),
            Kind::Name(Kw::While) if decorators.is_empty() && !is_async => {
                let test = self.named_expression()?;
                let body = self.block()?;
                let orelse = self.else_block()?;
                Ok(Stmt::While(Box::new(While { test, body, orelse, span: self.span_from(start) })))
            }
            Kind::Name(Kw::For) if decorators.is_empty() => {
                let target = self.target_list()?;
                self.expect_kw(Kw::In)?;
                let iter = self.star_expressions()?;
                let body = self.block()?;
                let orelse = self.else_block()?;
                Ok(Stmt::For(Box::new(For { target, iter, body, orelse, span: self.span_from(start) })))
            }
            Kind::Name(Kw::With) if decorators.is_empty() => {
                let items = self.with_items()?;
                let body = self.block()?;
                Ok(Stmt::With { items, body })
            }
            Kind::Name(Kw::Try) if decorators.is_empty() && !is_async => self.try_statement(),
            _ => {
                self.seek(self.at() - 1);
                Err(self.error_here("expected `def` or `class` after decorators"))
            }
        }
    }

    fn else_block(&mut self) -> PResult<Vec<Stmt<'t>>> {
        if self.eat_kw(Kw::Else) { self.block() } else { Ok(Vec::new()) }
    }

    fn def(&mut self, decorators: Vec<Expr<'t>>, is_async: bool, start: Pos) -> PResult<Stmt<'t>> {
        let name = self.identifier()?;
        self.skip_type_params()?;
        self.expect_op(Op::LParen)?;
        let params = self.params(Op::RParen, true)?;
        self.expect_op(Op::RParen)?;
        let returns = if self.eat_op(Op::Arrow) { Some(self.expression()?) } else { None };
        let header = self.span_from(start);
        let body = self.block()?;
        Ok(Stmt::Def(Box::new(Def { name, is_async, decorators, params, returns, body, span: header })))
    }

    fn class(&mut self, decorators: Vec<Expr<'t>>) -> PResult<Stmt<'t>> {
        let name = self.identifier()?;
        self.skip_type_params()?;
        let bases = if self.eat_op(Op::LParen) { self.arguments()? } else { Vec::new() };
        let body = self.block()?;
        Ok(Stmt::Class(Box::new(Class { name, decorators, bases, body })))
    }

    /// PEP 695 type parameters (`def f[T: int]`): names and bounds, nothing to lint.
    fn skip_type_params(&mut self) -> PResult<()> {
        if !self.at_op(Op::LBracket) {
            return Ok(());
        }
        let mut level = 0;
        loop {
            match &self.bump().kind {
                Kind::Op(Op::LBracket | Op::LParen | Op::LBrace) => level += 1,
                Kind::Op(Op::RBracket | Op::RParen | Op::RBrace) => level -= 1,
                Kind::Newline | Kind::End => {
                    return Err(self.error_here("unclosed type parameters"));
                }
                _ => {}
            }
            if level == 0 {
                return Ok(());
            }
        }
    }

    /// Parameters up to `close`; `annotated` for `def` (lambdas take no annotations).
    fn params(&mut self, close: Op, annotated: bool) -> PResult<Vec<Param<'t>>> {
        let mut params = Vec::new();
        while !self.at_op(close) {
            if self.eat_op(Op::Slash) || (self.at_op(Op::Star) && self.peek(1).is_op(Op::Comma)) {
                if self.at_op(Op::Star) {
                    self.bump();
                }
            } else {
                let star = self.eat_op(Op::Star) || self.eat_op(Op::Pow);
                let name = self.identifier()?;
                let annotation = if annotated && self.eat_op(Op::Colon) {
                    Some(if star { self.star_expression()? } else { self.expression()? })
                } else {
                    None
                };
                let default = if !star && self.eat_op(Op::Eq) { Some(self.expression()?) } else { None };
                params.push(Param { name, annotation, default });
            }
            if !self.eat_op(Op::Comma) {
                break;
            }
        }
        if self.at_op(close) { Ok(params) } else { Err(self.error_here("invalid parameter list")) }
    }

    fn if_statement(&mut self) -> PResult<Stmt<'t>> {
        let mut branches = Vec::new();
        loop {
            let test = self.named_expression()?;
            let body = self.block()?;
            branches.push((test, body));
            if !self.eat_kw(Kw::Elif) {
                break;
            }
        }
        let orelse = self.else_block()?;
        Ok(Stmt::If { branches, orelse })
    }

    fn with_items(&mut self) -> PResult<Vec<(Expr<'t>, Option<Expr<'t>>)>> {
        if self.at_op(Op::LParen) {
            let (at, errors) = (self.hold(), self.errors.len());
            self.bump();
            let items = self.with_item_list(Op::RParen);
            let parenthesised = items.is_ok() && self.eat_op(Op::RParen) && self.at_op(Op::Colon);
            self.release();
            if parenthesised {
                return items;
            }
            self.seek(at);
            self.errors.truncate(errors);
        }
        self.with_item_list(Op::Colon)
    }

    fn with_item_list(&mut self, close: Op) -> PResult<Vec<(Expr<'t>, Option<Expr<'t>>)>> {
        let mut items = Vec::new();
        loop {
            let context = self.expression()?;
            let target = if self.eat_kw(Kw::As) { Some(self.target()?) } else { None };
            items.push((context, target));
            if !self.eat_op(Op::Comma) || self.at_op(close) {
                return Ok(items);
            }
        }
    }

    fn try_statement(&mut self) -> PResult<Stmt<'t>> {
        let body = self.block()?;
        let mut handlers = Vec::new();
        while self.eat_kw(Kw::Except) {
            self.eat_op(Op::Star);
            let mut kind = None;
            let mut name = None;
            if !self.at_op(Op::Colon) {
                let start = self.start();
                let first = self.expression()?;
                kind = Some(if self.at_op(Op::Comma) {
                    let mut items = vec![first];
                    while self.eat_op(Op::Comma) {
                        items.push(self.expression()?);
                    }
                    Expr::Tuple(items, self.span_from(start))
                } else {
                    first
                });
                if self.eat_kw(Kw::As) {
                    name = Some(self.identifier()?);
                }
            }
            let body = self.block()?;
            handlers.push(Handler { kind, name, body });
        }
        let orelse = self.else_block()?;
        let finalbody = if self.eat_kw(Kw::Finally) { self.block()? } else { Vec::new() };
        if handlers.is_empty() && finalbody.is_empty() {
            return Err(self.error_here("expected `except` or `finally`"));
        }
        Ok(Stmt::Try(Box::new(Try { body, handlers, orelse, finalbody })))
    }

    /// `match` is a soft keyword: a match statement only if `match subject:` and a newline follow.
    fn try_match(&mut self) -> PResult<Option<Stmt<'t>>> {
        let (at, errors) = (self.hold(), self.errors.len());
        self.bump();
        let subject = self.star_expressions();
        let is_match = self.at_op(Op::Colon) && self.peek(1).kind == Kind::Newline;
        self.release();
        let subject = match subject {
            Ok(subject) if is_match => subject,
            _ => {
                self.seek(at);
                self.errors.truncate(errors);
                return Ok(None);
            }
        };
        self.bump();
        self.bump();
        if !self.at_kind(Kind::Indent) {
            return Err(self.error_here("expected an indented block of cases"));
        }
        self.bump();
        self.enter()?;
        let mut cases = Vec::new();
        while !matches!(self.kind, Kind::Dedent | Kind::End) {
            match self.case() {
                Ok(case) => cases.push(case),
                Err(error) => {
                    self.depth -= 1;
                    return Err(error);
                }
            }
        }
        self.bump();
        self.depth -= 1;
        Ok(Some(Stmt::Match { subject, cases }))
    }

    fn case(&mut self) -> PResult<Case<'t>> {
        self.expect_kw(Kw::Case)?;
        let mut case = Case { captures: Vec::new(), values: Vec::new(), guard: None, body: Vec::new() };
        loop {
            self.pattern(&mut case)?;
            if !self.eat_op(Op::Comma) || self.at_op(Op::Colon) || self.at_kw(Kw::If) {
                break;
            }
        }
        if self.eat_kw(Kw::If) {
            case.guard = Some(self.named_expression()?);
        }
        case.body = self.block()?;
        Ok(case)
    }

    /// `or_pattern ['as' NAME]`, recording captures and value loads in `case`.
    fn pattern(&mut self, case: &mut Case<'t>) -> PResult<()> {
        self.nested(|p| {
            loop {
                p.closed_pattern(case)?;
                if !p.eat_op(Op::Pipe) {
                    break;
                }
            }
            if p.eat_kw(Kw::As) {
                case.captures.push(p.identifier()?);
            }
            Ok(())
        })
    }

    fn closed_pattern(&mut self, case: &mut Case<'t>) -> PResult<()> {
        let start = self.start();
        let token = self.tok();
        match &token.kind {
            Kind::Number | Kind::Str => {
                let literal = self.atom()?;
                case.values.push(literal);
                if self.eat_op(Op::Plus) || self.eat_op(Op::Minus) {
                    self.bump();
                }
            }
            Kind::Op(Op::Minus) => {
                self.bump();
                self.bump();
                if self.eat_op(Op::Plus) || self.eat_op(Op::Minus) {
                    self.bump();
                }
            }
            Kind::Op(Op::Star) => {
                self.bump();
                let name = self.identifier()?;
                if name != "_" {
                    case.captures.push(name);
                }
            }
            Kind::Op(open @ (Op::LParen | Op::LBracket)) => {
                let close = if *open == Op::LParen { Op::RParen } else { Op::RBracket };
                self.bump();
                while !self.at_op(close) {
                    self.pattern(case)?;
                    if !self.eat_op(Op::Comma) {
                        break;
                    }
                }
                self.expect_op(close)?;
            }
            Kind::Op(Op::LBrace) => {
                self.bump();
                while !self.at_op(Op::RBrace) {
                    if self.eat_op(Op::Pow) {
                        case.captures.push(self.identifier()?);
                    } else {
                        self.closed_pattern(case)?;
                        self.expect_op(Op::Colon)?;
                        self.pattern(case)?;
                    }
                    if !self.eat_op(Op::Comma) {
                        break;
                    }
                }
                self.expect_op(Op::RBrace)?;
            }
            Kind::Name(Kw::None | Kw::True | Kw::False) => {
                self.bump();
            }
            Kind::Name(_) => {
                let name = self.identifier()?;
                let mut value = Expr::Name(name, self.span_from(start));
                let dotted = self.at_op(Op::Dot);
                while self.eat_op(Op::Dot) {
                    let attr = self.identifier()?;
                    value = Expr::Attr(Box::new(value), attr, self.span_from(start));
                }
                if self.eat_op(Op::LParen) {
                    case.values.push(value);
                    while !self.at_op(Op::RParen) {
                        if matches!(self.kind, Kind::Name(_)) && self.peek(1).is_op(Op::Eq) {
                            self.bump();
                            self.bump();
                        }
                        self.pattern(case)?;
                        if !self.eat_op(Op::Comma) {
                            break;
                        }
                    }
                    self.expect_op(Op::RParen)?;
                } else if dotted {
                    case.values.push(value);
                } else if name != "_" {
                    case.captures.push(name);
                }
            }
            _ => return Err(self.error_here("expected a pattern")),
        }
        Ok(())
    }

    fn simple_statement(&mut self) -> PResult<Stmt<'t>> {
        let token = self.tok();
        if let Kind::Name(kw) = token.kind {
            match kw {
                Kw::Pass | Kw::Break | Kw::Continue => {
                    self.bump();
                    return Ok(Stmt::Nothing);
                }
                Kw::Return => {
                    self.bump();
                    let value = if self.starts_expression() { Some(self.star_expressions()?) } else { None };
                    return Ok(Stmt::Return(value));
                }
                Kw::Raise => {
                    self.bump();
                    let mut exprs = Vec::new();
                    if self.starts_expression() {
                        exprs.push(self.expression()?);
                        if self.eat_kw(Kw::From) {
                            exprs.push(self.expression()?);
                        }
                    }
                    return Ok(Stmt::Exprs(exprs));
                }
                Kw::Assert => {
                    self.bump();
                    let mut exprs = vec![self.expression()?];
                    if self.eat_op(Op::Comma) {
                        exprs.push(self.expression()?);
                    }
                    return Ok(Stmt::Exprs(exprs));
                }
                Kw::Del => {
                    self.bump();
                    let mut targets = vec![self.target()?];
                    while self.eat_op(Op::Comma) && self.starts_expression() {
                        targets.push(self.target()?);
                    }
                    return Ok(Stmt::Delete(targets));
                }
                Kw::Global | Kw::Nonlocal => {
                    self.bump();
                    let mut names = vec![self.identifier()?];
                    while self.eat_op(Op::Comma) {
                        names.push(self.identifier()?);
                    }
                    return Ok(if kw == Kw::Global { Stmt::Global(names) } else { Stmt::Nonlocal(names) });
                }
                Kw::Import => {
                    self.bump();
                    let mut names = Vec::new();
                    loop {
                        let module = self.dotted_name()?;
                        let alias = if self.eat_kw(Kw::As) { Some(self.identifier()?) } else { None };
                        names.push((module, alias));
                        if !self.eat_op(Op::Comma) {
                            return Ok(Stmt::Import(names));
                        }
                    }
                }
                Kw::From => return self.import_from(),
                Kw::Type
                    if matches!(self.peek(1).kind, Kind::Name(_))
                        && (self.peek(2).is_op(Op::Eq) || self.peek(2).is_op(Op::LBracket)) =>
                {
                    self.bump();
                    self.identifier()?;
                    self.skip_type_params()?;
                    self.expect_op(Op::Eq)?;
                    return Ok(Stmt::Exprs(vec![self.expression()?]));
                }
                _ => {}
            }
        }
        self.assignment_or_expression()
    }

    fn dotted_name(&mut self) -> PResult<String> {
        let mut name = self.identifier()?.to_string();
        while self.eat_op(Op::Dot) {
            name.push('.');
            name.push_str(self.identifier()?);
        }
        Ok(name)
    }

    fn import_from(&mut self) -> PResult<Stmt<'t>> {
        self.bump();
        let mut level = 0;
        loop {
            if self.eat_op(Op::Dot) {
                level += 1;
            } else if self.eat_op(Op::Ellipsis) {
                level += 3;
            } else {
                break;
            }
        }
        let module = if self.at_kw(Kw::Import) { None } else { Some(self.dotted_name()?) };
        if level == 0 && module.is_none() {
            return Err(self.error_here("expected a module name"));
        }
        self.expect_kw(Kw::Import)?;
        let mut names = Vec::new();
        if self.eat_op(Op::Star) {
            names.push(("*".to_string(), None));
        } else {
            let parenthesised = self.eat_op(Op::LParen);
            loop {
                let name = self.identifier()?;
                let alias = if self.eat_kw(Kw::As) { Some(self.identifier()?) } else { None };
                names.push((name.to_string(), alias));
                if !self.eat_op(Op::Comma) || (parenthesised && self.at_op(Op::RParen)) {
                    break;
                }
            }
            if parenthesised {
                self.expect_op(Op::RParen)?;
            }
        }
        Ok(Stmt::ImportFrom { level, module, names })
    }

    fn assignment_or_expression(&mut self) -> PResult<Stmt<'t>> {
        let first = self.yield_or_star_expressions()?;
        if self.eat_op(Op::Colon) {
            let annotation = self.expression()?;
            let value = if self.eat_op(Op::Eq) { Some(self.yield_or_star_expressions()?) } else { None };
            return Ok(Stmt::AnnAssign(Box::new(AnnAssign { target: first, annotation, value })));
        }
        if let Kind::Op(op) = self.kind
            && AUGMENTED.contains(&op)
        {
            self.bump();
            let value = self.yield_or_star_expressions()?;
            return Ok(Stmt::AugAssign(Box::new(AugAssign { target: first, value })));
        }
        if !self.at_op(Op::Eq) {
            return Ok(Stmt::Expr(first));
        }
        let mut targets = vec![first];
        while self.eat_op(Op::Eq) {
            targets.push(self.yield_or_star_expressions()?);
        }
        let value = targets.pop().ok_or_else(|| self.error_here("expected a value"))?;
        Ok(Stmt::Assign { targets, value })
    }

    // ------------------------------------------------------------------ expressions

    /// Whether the current token can begin an expression.
    fn starts_expression(&self) -> bool {
        let token = self.tok();
        match &token.kind {
            Kind::Name(kw) => {
                !kw.is_hard()
                    || matches!(kw, Kw::None | Kw::True | Kw::False | Kw::Lambda | Kw::Not | Kw::Await | Kw::Yield)
            }
            Kind::Number | Kind::Str => true,
            Kind::Op(op) => matches!(
                op,
                Op::LParen | Op::LBracket | Op::LBrace | Op::Minus | Op::Plus | Op::Tilde | Op::Star | Op::Ellipsis
            ),
            _ => false,
        }
    }

    fn yield_or_star_expressions(&mut self) -> PResult<Expr<'t>> {
        if self.at_kw(Kw::Yield) { self.yield_expression() } else { self.star_expressions() }
    }

    fn yield_expression(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        self.bump();
        let value = if self.eat_kw(Kw::From) {
            Some(Box::new(self.expression()?))
        } else if self.starts_expression() {
            Some(Box::new(self.star_expressions()?))
        } else {
            None
        };
        Ok(Expr::Yield(value, self.span_from(start)))
    }

    /// `a, *b, c` (a tuple when there is a comma).
    fn star_expressions(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        let first = self.star_expression()?;
        if !self.at_op(Op::Comma) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(Op::Comma) && self.starts_expression() {
            items.push(self.star_expression()?);
        }
        Ok(Expr::Tuple(items, self.span_from(start)))
    }

    fn star_expression(&mut self) -> PResult<Expr<'t>> {
        if self.at_op(Op::Star) {
            let start = self.start();
            self.bump();
            let value = self.nested(Self::bitwise_or)?;
            return Ok(Expr::Starred(Box::new(value), self.span_from(start)));
        }
        self.named_expression()
    }

    fn named_expression(&mut self) -> PResult<Expr<'t>> {
        if matches!(self.kind, Kind::Name(_)) && self.peek(1).is_op(Op::Walrus) {
            let start = self.start();
            let name = self.identifier()?;
            self.bump();
            let value = self.expression()?;
            return Ok(Expr::Walrus(name, Box::new(value), self.span_from(start)));
        }
        self.expression()
    }

    fn expression(&mut self) -> PResult<Expr<'t>> {
        self.nested(|p| {
            if p.at_kw(Kw::Lambda) {
                return p.lambda();
            }
            let start = p.start();
            let body = p.disjunction()?;
            if !p.eat_kw(Kw::If) {
                return Ok(body);
            }
            let test = p.disjunction()?;
            p.expect_kw(Kw::Else)?;
            let orelse = p.expression()?;
            Ok(Expr::Other(vec![body, test, orelse], p.span_from(start)))
        })
    }

    fn lambda(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        self.bump();
        let params = self.params(Op::Colon, false)?;
        self.expect_op(Op::Colon)?;
        let body = self.expression()?;
        Ok(Expr::Lambda(Box::new(Lambda { params, body, span: self.span_from(start) })))
    }

    /// Whether the current token begins a primary where an operand is expected (no prefix
    /// operator: `not`, `-`, `+`, `~`, `await`).
    fn starts_primary(&self) -> bool {
        !matches!(self.kind, Kind::Name(Kw::Not | Kw::Await) | Kind::Op(Op::Minus | Op::Plus | Op::Tilde))
    }

    /// Whether the current token may continue an operand of a `disjunction` (an operator of one
    /// of its levels; `not` even when `in` does not follow).
    fn continues_operand(&self) -> bool {
        match self.kind {
            Kind::Op(op) => matches!(
                op,
                Op::Pow
                    | Op::Caret
                    | Op::Amp
                    | Op::Shl
                    | Op::Shr
                    | Op::Plus
                    | Op::Minus
                    | Op::Star
                    | Op::Slash
                    | Op::FloorDiv
                    | Op::Percent
                    | Op::At
                    | Op::Pipe
                    | Op::EqEq
                    | Op::NotEq
                    | Op::Lt
                    | Op::Gt
                    | Op::Le
                    | Op::Ge
            ),
            Kind::Name(kw) => matches!(kw, Kw::In | Kw::Not | Kw::Is | Kw::And | Kw::Or),
            _ => false,
        }
    }

    /// Operands joined by keyword or operator tokens into one flat node.
    fn joined(
        &mut self,
        lead: Lead<'t>,
        operand: fn(&mut Self, Lead<'t>) -> PResult<Expr<'t>>,
        is_operator: fn(&Self) -> usize,
        build: fn(Vec<Expr<'t>>, Span) -> Expr<'t>,
    ) -> PResult<Expr<'t>> {
        let start = match &lead {
            Some((start, _)) => *start,
            None => self.start(),
        };
        let first = operand(self, lead)?;
        let mut width = is_operator(self);
        if width == 0 {
            return Ok(first);
        }
        let mut operands = vec![first];
        while width > 0 {
            for _ in 0..width {
                self.bump();
            }
            operands.push(operand(self, None)?);
            width = is_operator(self);
        }
        Ok(build(operands, self.span_from(start)))
    }

    /// `or`, `and`, `not`, comparisons and the binary operators. Most operands are a lone
    /// primary: one read where no prefix operator comes first, and followed by no operator, is
    /// the result without descending through the levels (which take it as their leftmost
    /// operand otherwise), exactly as if they had read it.
    fn disjunction(&mut self) -> PResult<Expr<'t>> {
        if !self.starts_primary() {
            return self.disjunction_from(None);
        }
        let start = self.start();
        let primary = self.primary()?;
        if !self.continues_operand() {
            return Ok(primary);
        }
        self.disjunction_from(Some((start, primary)))
    }

    fn disjunction_from(&mut self, lead: Lead<'t>) -> PResult<Expr<'t>> {
        self.joined(lead, Self::conjunction, |p| usize::from(p.at_kw(Kw::Or)), Expr::Other)
    }

    fn conjunction(&mut self, lead: Lead<'t>) -> PResult<Expr<'t>> {
        self.joined(lead, Self::inversion, |p| usize::from(p.at_kw(Kw::And)), Expr::Other)
    }

    fn inversion(&mut self, lead: Lead<'t>) -> PResult<Expr<'t>> {
        if lead.is_some() || !self.at_kw(Kw::Not) {
            return self.comparison(lead);
        }
        let start = self.start();
        self.bump();
        let operand = self.nested(|p| p.inversion(None))?;
        Ok(Expr::Other(vec![operand], self.span_from(start)))
    }

    fn comparison(&mut self, lead: Lead<'t>) -> PResult<Expr<'t>> {
        self.joined(
            lead,
            Self::bitwise_or_from,
            |p| {
                let token = p.tok();
                match &token.kind {
                    Kind::Op(Op::EqEq | Op::NotEq | Op::Lt | Op::Gt | Op::Le | Op::Ge) => 1,
                    Kind::Name(Kw::In) => 1,
                    Kind::Name(Kw::Not) if p.peek(1).is_kw(Kw::In) => 2,
                    Kind::Name(Kw::Is) => 1 + usize::from(p.peek(1).is_kw(Kw::Not)),
                    _ => 0,
                }
            },
            Expr::Other,
        )
    }

    fn bitwise_or(&mut self) -> PResult<Expr<'t>> {
        self.bitwise_or_from(None)
    }

    fn bitwise_or_from(&mut self, lead: Lead<'t>) -> PResult<Expr<'t>> {
        self.joined(lead, |p, lead| p.binary(0, lead), |p| usize::from(p.at_op(Op::Pipe)), Expr::BitOr)
    }

    /// Binary operators of `min` precedence or tighter: the operands of each operator's run form
    /// one node, as if each precedence level were parsed by its own function.
    fn binary(&mut self, min: usize, lead: Lead<'t>) -> PResult<Expr<'t>> {
        let start = match &lead {
            Some((start, _)) => *start,
            None => self.start(),
        };
        let mut left = self.factor(lead)?;
        while let Some(level) = binary_level(self.kind).filter(|&level| level >= min) {
            let mut operands = vec![left];
            while binary_level(self.kind) == Some(level) {
                self.bump();
                operands.push(self.binary(level + 1, None)?);
            }
            left = Expr::Other(operands, self.span_from(start));
        }
        Ok(left)
    }

    fn factor(&mut self, lead: Lead<'t>) -> PResult<Expr<'t>> {
        let (start, base) = match lead {
            Some(lead) => lead,
            None => {
                if self.at_op(Op::Minus) || self.at_op(Op::Plus) || self.at_op(Op::Tilde) {
                    let start = self.start();
                    self.bump();
                    let operand = self.nested(|p| p.factor(None))?;
                    return Ok(Expr::Other(vec![operand], self.span_from(start)));
                }
                let start = self.start();
                (start, self.await_primary()?)
            }
        };
        if !self.eat_op(Op::Pow) {
            return Ok(base);
        }
        let exponent = self.nested(|p| p.factor(None))?;
        Ok(Expr::Other(vec![base, exponent], self.span_from(start)))
    }

    fn await_primary(&mut self) -> PResult<Expr<'t>> {
        if !self.at_kw(Kw::Await) {
            return self.primary();
        }
        let start = self.start();
        self.bump();
        let operand = self.nested(Self::primary)?;
        Ok(Expr::Await(Box::new(operand), self.span_from(start)))
    }

    /// An atom and its trailers: `.name`, `(args)`, `[index]`.
    fn primary(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        let mut expr = self.atom()?;
        let mut trailers = 0;
        loop {
            if self.at_op(Op::Dot) {
                self.bump();
                let name = self.identifier()?;
                expr = Expr::Attr(Box::new(expr), name, self.span_from(start));
            } else if self.at_op(Op::LParen) {
                self.bump();
                let args = self.nested(Self::arguments)?;
                expr = Expr::Call(Box::new(Call { func: expr, args, span: self.span_from(start) }));
            } else if self.at_op(Op::LBracket) {
                self.bump();
                let index = self.nested(Self::slices)?;
                expr = Expr::Subscript(Box::new(expr), index, self.span_from(start));
            } else {
                return Ok(expr);
            }
            trailers += 1;
            if self.depth + trailers >= MAX_DEPTH {
                return Err(self.error_here("too deeply nested"));
            }
        }
    }

    /// Call arguments after `(`, through `)`.
    fn arguments(&mut self) -> PResult<Vec<Expr<'t>>> {
        let mut args = Vec::new();
        while !self.at_op(Op::RParen) {
            let start = self.start();
            if self.eat_op(Op::Star) {
                let value = self.expression()?;
                args.push(Expr::Starred(Box::new(value), self.span_from(start)));
            } else if self.eat_op(Op::Pow) {
                let value = self.expression()?;
                args.push(Expr::Other(vec![value], self.span_from(start)));
            } else if matches!(self.kind, Kind::Name(_)) && self.peek(1).is_op(Op::Eq) {
                self.bump();
                self.bump();
                args.push(self.expression()?);
            } else {
                let value = self.named_expression()?;
                let value = if self.at_comprehension() { self.comprehension(vec![value], start)? } else { value };
                args.push(value);
            }
            if !self.eat_op(Op::Comma) {
                break;
            }
        }
        self.expect_op(Op::RParen)?;
        Ok(args)
    }

    /// Subscript items after `[`, through `]`; slices become `Other`.
    fn slices(&mut self) -> PResult<Vec<Expr<'t>>> {
        let mut items = Vec::new();
        while !self.at_op(Op::RBracket) {
            let start = self.start();
            let mut parts = Vec::new();
            let mut slice = false;
            if !self.at_op(Op::Colon) {
                parts.push(self.star_expression()?);
            }
            while self.eat_op(Op::Colon) {
                slice = true;
                if !self.at_op(Op::Colon) && !self.at_op(Op::RBracket) && !self.at_op(Op::Comma) {
                    parts.push(self.expression()?);
                }
            }
            if slice || parts.len() != 1 {
                items.push(Expr::Other(parts, self.span_from(start)));
            } else {
                items.extend(parts);
            }
            if !self.eat_op(Op::Comma) {
                break;
            }
        }
        self.expect_op(Op::RBracket)?;
        Ok(items)
    }

    fn at_comprehension(&self) -> bool {
        self.at_kw(Kw::For) || (self.at_kw(Kw::Async) && self.peek(1).is_kw(Kw::For))
    }

    fn comprehension(&mut self, elements: Vec<Expr<'t>>, start: Pos) -> PResult<Expr<'t>> {
        let mut generators = Vec::new();
        while self.at_comprehension() {
            self.eat_kw(Kw::Async);
            self.bump();
            let target = self.target_list()?;
            self.expect_kw(Kw::In)?;
            let iter = self.disjunction()?;
            let mut ifs = Vec::new();
            while self.eat_kw(Kw::If) {
                ifs.push(self.disjunction()?);
            }
            generators.push(Generator { target, iter, ifs });
        }
        Ok(Expr::Comp(Box::new(Comprehension { elements, generators, span: self.span_from(start) })))
    }

    /// Assignment targets of `for` and comprehensions, up to `in`.
    fn target_list(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        let first = self.target()?;
        if !self.at_op(Op::Comma) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(Op::Comma) && !self.at_kw(Kw::In) && !self.at_op(Op::Eq) {
            items.push(self.target()?);
        }
        Ok(Expr::Tuple(items, self.span_from(start)))
    }

    fn target(&mut self) -> PResult<Expr<'t>> {
        if self.at_op(Op::Star) {
            let start = self.start();
            self.bump();
            let value = self.nested(Self::bitwise_or)?;
            return Ok(Expr::Starred(Box::new(value), self.span_from(start)));
        }
        self.bitwise_or()
    }

    fn atom(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        let token = self.tok();
        match &token.kind {
            Kind::Name(kw) => {
                if matches!(kw, Kw::None | Kw::True | Kw::False) {
                    self.bump();
                    return Ok(Expr::Other(Vec::new(), token.span()));
                }
                let name = self.identifier()?;
                Ok(Expr::Name(name, token.span()))
            }
            Kind::Number => {
                self.bump();
                Ok(Expr::Other(Vec::new(), token.span()))
            }
            Kind::Str => self.strings(),
            Kind::Op(Op::Ellipsis) => {
                self.bump();
                Ok(Expr::Other(Vec::new(), token.span()))
            }
            Kind::Op(Op::LParen) => self.parenthesised(start),
            Kind::Op(Op::LBracket) => {
                let p = self;
                p.bump();
                let items = p.display_items(Op::RBracket)?;
                if p.at_comprehension() {
                    let comp = p.comprehension(items, start)?;
                    p.expect_op(Op::RBracket)?;
                    return Ok(comp);
                }
                p.expect_op(Op::RBracket)?;
                Ok(Expr::List(items, p.span_from(start)))
            }
            Kind::Op(Op::LBrace) => self.braces(start),
            _ => Err(self.error_here("expected an expression")),
        }
    }

    /// Items of a list, set or tuple display, stopping before a comprehension or `close`.
    fn display_items(&mut self, close: Op) -> PResult<Vec<Expr<'t>>> {
        let mut items = Vec::new();
        while !self.at_op(close) {
            items.push(self.star_expression()?);
            if self.at_comprehension() || !self.eat_op(Op::Comma) {
                break;
            }
        }
        Ok(items)
    }

    fn parenthesised(&mut self, start: Pos) -> PResult<Expr<'t>> {
        self.bump();
        if self.at_kw(Kw::Yield) {
            let value = self.yield_expression()?;
            self.expect_op(Op::RParen)?;
            return Ok(value);
        }
        if self.eat_op(Op::RParen) {
            return Ok(Expr::Tuple(Vec::new(), self.span_from(start)));
        }
        let first = self.star_expression()?;
        if self.at_comprehension() {
            let comp = self.comprehension(vec![first], start)?;
            self.expect_op(Op::RParen)?;
            return Ok(comp);
        }
        if self.eat_op(Op::RParen) {
            return Ok(first);
        }
        let mut items = vec![first];
        while self.eat_op(Op::Comma) && !self.at_op(Op::RParen) {
            items.push(self.star_expression()?);
        }
        self.expect_op(Op::RParen)?;
        Ok(Expr::Tuple(items, self.span_from(start)))
    }

    fn braces(&mut self, start: Pos) -> PResult<Expr<'t>> {
        self.bump();
        let mut items = Vec::new();
        let mut is_dict = false;
        while !self.at_op(Op::RBrace) {
            if self.eat_op(Op::Pow) {
                is_dict = true;
                items.push(self.bitwise_or()?);
            } else {
                let key = self.star_expression()?;
                if self.eat_op(Op::Colon) {
                    is_dict = true;
                    let value = self.expression()?;
                    if self.at_comprehension() {
                        let comp = self.comprehension(vec![key, value], start)?;
                        self.expect_op(Op::RBrace)?;
                        return Ok(comp);
                    }
                    items.push(key);
                    items.push(value);
                } else if !is_dict && items.is_empty() && self.at_comprehension() {
                    let comp = self.comprehension(vec![key], start)?;
                    self.expect_op(Op::RBrace)?;
                    return Ok(comp);
                } else {
                    items.push(key);
                }
            }
            if !self.eat_op(Op::Comma) {
                break;
            }
        }
        self.expect_op(Op::RBrace)?;
        Ok(Expr::Other(items, self.span_from(start)))
    }

    /// Adjacent string literals, with the expressions of their f-string fields.
    fn strings(&mut self) -> PResult<Expr<'t>> {
        let start = self.start();
        let mut fields = Vec::new();
        while self.at_kind(Kind::Str) {
            let token = self.bump();
            // The sub-parsers read the fields while the lexer is set aside.
            let lexer = self.lexer.take();
            let all_fields = lexer.as_deref().map_or(self.fields, |lexer| &lexer.fields);
            for field in fields_of(&token, all_fields) {
                let mut sub = Parser::new(field.to_vec(), None, all_fields, self.spellings, self.depth);
                let parsed = if sub.at_kind(Kind::End) {
                    Err(sub.error_here("f-string: expected an expression"))
                } else {
                    sub.yield_or_star_expressions()
                };
                match parsed {
                    Ok(expr) if sub.at_kind(Kind::End) => fields.push(expr),
                    Ok(_) => self.errors.push(sub.error_here("f-string: unexpected token")),
                    Err(error) => self.errors.push(error),
                }
                self.errors.append(&mut sub.errors);
            }
            self.lexer = lexer;
        }
        Ok(Expr::Str(fields, self.span_from(start)))
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::normalised_names;
    use super::*;

    /// Runs `check` on the statements and errors of `text`.
    fn parse_text(text: &str, check: impl FnOnce(&[Stmt], &[SyntaxError])) {
        let normalised = normalised_names(text);
        let spellings = Spellings { source: text, normalised: &normalised };
        let (body, errors) = parse(&mut Lexer::new(text), spellings);
        check(&body, &errors);
    }

    fn ok(text: &str) -> usize {
        let mut count = 0;
        parse_text(text, |body, errors| {
            assert!(errors.is_empty(), "{text:?}: {errors:?}");
            count = body.len();
        });
        count
    }

    #[test]
    fn parses_the_statement_subset() {
        let text = r#"
import a.b as c, d
from ..x import (y as z, w,)
from . import *
@dec(1)
async def f(a, /, b: int = 2, *args: *Ts, c, d=3, **kw) -> None:
    async with x as (p, q), y:
        pass
    async for i, *j in k:
        yield i
    else:
        return
    x = y = await g(*a, **k, key=1)
    x: Optional[int] = None
    x += 1
    (n := 3)
    del x[0], y.z
    global q
    assert x, "m"
    raise E from e
class C(B, metaclass=M):
    def m(self): return lambda a, *b, c=1, **d: a
try:
    pass
except* (A, B) as e:
    pass
except:
    pass
else:
    pass
finally:
    pass
while x:
    break
else:
    continue
if a: pass
elif b: pass
else: pass
with (open(a) as f, open(b) as g):
    pass
with (a, b):
    pass
type Alias[T] = list[T]
def g[T: int](x: T) -> T: ...
"#;
        assert_eq!(ok(text), 12);
    }

    #[test]
    fn parses_expressions() {
        ok("x = [i async for i in y if i if not i] + {k: v for k, v in d} + {a for a in b}\n");
        ok("x = (a for a in b), [*a, *b], {**a, 'b': 1}, {1, 2}, (), (1,), a[1:2, ::3, ...]\n");
        ok("x = a if b else c, not a, a is not b, a not in b, -a ** -b, ~a, a @ b // c % d\n");
        ok("x = f(x for x in y)(a)[b].c(d=1, *e)\nf(a := 1)\nprint(*a, sep='')\n");
        ok("x = f'{a!r:>{w}}' 'b' rb'c' f'''{\n x # comment\n}'''\n");
        ok("x = yield\ny = await z\nz = lambda: (yield)\n");
    }

    #[test]
    fn match_is_a_soft_keyword() {
        let text = "match = 1\nmatch(x)\nmatch x:\n    case [1, *rest] | {'k': v, **kw} if v:\n        f(v)\n    case Point(x=0, y=_) as p:\n        pass\n    case Color.RED | -1 | 1+2j | None | 'a' | (a, b):\n        pass\n    case _:\n        pass\nmatch a, b:\n    case x, y: pass\n";
        assert_eq!(ok(text), 4);
        parse_text(text, |body, _| {
            let Stmt::Match { cases, .. } = &body[2] else { panic!("{:?}", body[2]) };
            assert_eq!(cases.len(), 4);
            assert_eq!(cases[0].captures, ["rest", "v", "kw"]);
            assert_eq!(cases[1].captures, ["p"]);
        });
    }

    #[test]
    fn backtracks_over_statements_longer_than_the_token_window() {
        let items = "a, ".repeat(300);
        assert_eq!(ok(&format!("match({items})\nwith ({items})[0]:\n    pass\nmatch {items}:\n    case _: pass\n")), 3);
    }

    #[test]
    fn recovers_at_the_next_statement() {
        parse_text("x = 1 +\ny = 2\ndef f(:\n    pass\nh()\n", |body, errors| {
            assert!(!errors.is_empty());
            assert!(body.iter().any(|s| matches!(s, Stmt::Expr(Expr::Call(_)))), "{body:?}");
        });
        parse_text("def f():\n    x = = 1\n    g()\n", |body, errors| {
            assert_eq!(errors.len(), 1);
            let Stmt::Def(def) = &body[0] else { panic!() };
            assert_eq!(def.body.len(), 1);
        });
    }
}
