//! The syntax tree of the Python subset that async analysis needs. What is not modelled is
//! [`Expr::Other`], which keeps its sub-expressions so calls inside are still seen.

use crate::model::Span;

#[derive(Debug, Clone)]
pub enum Expr<'a> {
    Name(&'a str, Span),
    Attr(Box<Expr<'a>>, &'a str, Span),
    Call(Box<Call<'a>>),
    Await(Box<Expr<'a>>, Span),
    Lambda(Box<Lambda<'a>>),
    Subscript(Box<Expr<'a>>, Vec<Expr<'a>>, Span),
    /// `a | b | ...` (kept apart for `X | None` annotations).
    BitOr(Vec<Expr<'a>>, Span),
    /// A string literal (possibly implicitly concatenated) with the f-string fields' expressions.
    Str(Vec<Expr<'a>>, Span),
    /// `yield`, `yield x`, `yield from x`.
    Yield(Option<Box<Expr<'a>>>, Span),
    /// `name := value`.
    Walrus(&'a str, Box<Expr<'a>>, Span),
    Comp(Box<Comprehension<'a>>),
    Starred(Box<Expr<'a>>, Span),
    Tuple(Vec<Expr<'a>>, Span),
    List(Vec<Expr<'a>>, Span),
    /// Constants, operators, displays, slices, conditionals: only the children matter.
    Other(Vec<Expr<'a>>, Span),
}

impl Expr<'_> {
    pub fn span(&self) -> Span {
        match self {
            Expr::Name(_, s)
            | Expr::Attr(_, _, s)
            | Expr::Await(_, s)
            | Expr::Subscript(_, _, s)
            | Expr::BitOr(_, s)
            | Expr::Str(_, s)
            | Expr::Yield(_, s)
            | Expr::Walrus(_, _, s)
            | Expr::Starred(_, s)
            | Expr::Tuple(_, s)
            | Expr::List(_, s)
            | Expr::Other(_, s) => *s,
            Expr::Call(c) => c.span,
            Expr::Lambda(l) => l.span,
            Expr::Comp(c) => c.span,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub func: Expr<'a>,
    /// Positional and keyword values; `*x` and `**x` as `Starred` and `Other`.
    pub args: Vec<Expr<'a>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Lambda<'a> {
    pub params: Vec<Param<'a>>,
    pub body: Expr<'a>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param<'a> {
    pub name: &'a str,
    pub annotation: Option<Expr<'a>>,
    pub default: Option<Expr<'a>>,
}

#[derive(Debug, Clone)]
pub struct Comprehension<'a> {
    /// The element (two for a dict comprehension).
    pub elements: Vec<Expr<'a>>,
    pub generators: Vec<Generator<'a>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Generator<'a> {
    pub target: Expr<'a>,
    pub iter: Expr<'a>,
    pub ifs: Vec<Expr<'a>>,
}

#[derive(Debug, Clone)]
pub struct Def<'a> {
    pub name: &'a str,
    pub is_async: bool,
    pub decorators: Vec<Expr<'a>>,
    pub params: Vec<Param<'a>>,
    pub returns: Option<Expr<'a>>,
    pub body: Vec<Stmt<'a>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Class<'a> {
    pub name: &'a str,
    pub decorators: Vec<Expr<'a>>,
    pub bases: Vec<Expr<'a>>,
    pub body: Vec<Stmt<'a>>,
}

#[derive(Debug, Clone)]
pub struct Handler<'a> {
    pub kind: Option<Expr<'a>>,
    pub name: Option<&'a str>,
    pub body: Vec<Stmt<'a>>,
}

#[derive(Debug, Clone)]
pub struct Case<'a> {
    /// Names the pattern binds.
    pub captures: Vec<&'a str>,
    /// Value patterns and literals (`Color.RED`, `-1`): loads, never calls.
    pub values: Vec<Expr<'a>>,
    pub guard: Option<Expr<'a>>,
    pub body: Vec<Stmt<'a>>,
}

/// `import a.b as c` is `("a.b", Some("c"))`; `from m import *` has the name `*`.
pub type ImportName<'a> = (String, Option<&'a str>);

// The statements with the largest fields are boxed, so that the others (most of them) take less
// room in blocks.

#[derive(Debug, Clone)]
pub struct AugAssign<'a> {
    pub target: Expr<'a>,
    pub value: Expr<'a>,
}

#[derive(Debug, Clone)]
pub struct AnnAssign<'a> {
    pub target: Expr<'a>,
    pub annotation: Expr<'a>,
    pub value: Option<Expr<'a>>,
}

#[derive(Debug, Clone)]
pub struct While<'a> {
    pub test: Expr<'a>,
    pub body: Vec<Stmt<'a>>,
    pub orelse: Vec<Stmt<'a>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct For<'a> {
    pub target: Expr<'a>,
    pub iter: Expr<'a>,
    pub body: Vec<Stmt<'a>>,
    pub orelse: Vec<Stmt<'a>>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Try<'a> {
    pub body: Vec<Stmt<'a>>,
    pub handlers: Vec<Handler<'a>>,
    pub orelse: Vec<Stmt<'a>>,
    pub finalbody: Vec<Stmt<'a>>,
}

#[derive(Debug, Clone)]
pub enum Stmt<'a> {
    Def(Box<Def<'a>>),
    Class(Box<Class<'a>>),
    Import(Vec<ImportName<'a>>),
    ImportFrom {
        level: u32,
        module: Option<String>,
        names: Vec<ImportName<'a>>,
    },
    Assign {
        targets: Vec<Expr<'a>>,
        value: Expr<'a>,
    },
    AugAssign(Box<AugAssign<'a>>),
    AnnAssign(Box<AnnAssign<'a>>),
    Expr(Expr<'a>),
    Return(Option<Expr<'a>>),
    Delete(Vec<Expr<'a>>),
    /// `raise`, `assert`, `type X = ...`: only the expressions matter.
    Exprs(Vec<Expr<'a>>),
    Global(Vec<&'a str>),
    Nonlocal(Vec<&'a str>),
    /// `if`/`elif` branches and the `else` block.
    If {
        branches: Vec<(Expr<'a>, Vec<Stmt<'a>>)>,
        orelse: Vec<Stmt<'a>>,
    },
    While(Box<While<'a>>),
    For(Box<For<'a>>),
    With {
        items: Vec<(Expr<'a>, Option<Expr<'a>>)>,
        body: Vec<Stmt<'a>>,
    },
    Try(Box<Try<'a>>),
    Match {
        subject: Expr<'a>,
        cases: Vec<Case<'a>>,
    },
    /// `pass`, `break`, `continue`.
    Nothing,
}
