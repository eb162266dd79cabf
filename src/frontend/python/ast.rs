//! The syntax tree of the Python subset that async analysis needs. What is not modelled is
//! [`Expr::Other`], which keeps its sub-expressions so calls inside are still seen.

use crate::model::Span;

#[derive(Debug, Clone)]
pub enum Expr {
    Name(String, Span),
    Attr(Box<Expr>, String, Span),
    Call(Box<Call>),
    Await(Box<Expr>, Span),
    Lambda(Box<Lambda>),
    Subscript(Box<Expr>, Vec<Expr>, Span),
    /// `a | b | ...` (kept apart for `X | None` annotations).
    BitOr(Vec<Expr>, Span),
    /// A string literal (possibly implicitly concatenated) with the f-string fields' expressions.
    Str(Vec<Expr>, Span),
    /// `yield`, `yield x`, `yield from x`.
    Yield(Option<Box<Expr>>, Span),
    /// `name := value`.
    Walrus(String, Box<Expr>, Span),
    Comp(Box<Comprehension>),
    Starred(Box<Expr>, Span),
    Tuple(Vec<Expr>, Span),
    List(Vec<Expr>, Span),
    /// Constants, operators, displays, slices, conditionals: only the children matter.
    Other(Vec<Expr>, Span),
}

impl Expr {
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
pub struct Call {
    pub func: Expr,
    /// Positional and keyword values; `*x` and `**x` as `Starred` and `Other`.
    pub args: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Lambda {
    pub params: Vec<Param>,
    pub body: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub annotation: Option<Expr>,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct Comprehension {
    /// The element (two for a dict comprehension).
    pub elements: Vec<Expr>,
    pub generators: Vec<Generator>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Generator {
    pub target: Expr,
    pub iter: Expr,
    pub ifs: Vec<Expr>,
}

#[derive(Debug, Clone)]
pub struct Def {
    pub name: String,
    pub is_async: bool,
    pub decorators: Vec<Expr>,
    pub params: Vec<Param>,
    pub returns: Option<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub name: String,
    pub decorators: Vec<Expr>,
    pub bases: Vec<Expr>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub struct Handler {
    pub kind: Option<Expr>,
    pub name: Option<String>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub struct Case {
    /// Names the pattern binds.
    pub captures: Vec<String>,
    /// Value patterns and literals (`Color.RED`, `-1`): loads, never calls.
    pub values: Vec<Expr>,
    pub guard: Option<Expr>,
    pub body: Vec<Stmt>,
}

/// `import a.b as c` is `("a.b", Some("c"))`; `from m import *` has the name `*`.
pub type ImportName = (String, Option<String>);

#[derive(Debug, Clone)]
pub enum Stmt {
    Def(Box<Def>),
    Class(Box<Class>),
    Import(Vec<ImportName>),
    ImportFrom {
        level: u32,
        module: Option<String>,
        names: Vec<ImportName>,
    },
    Assign {
        targets: Vec<Expr>,
        value: Expr,
    },
    AugAssign {
        target: Expr,
        value: Expr,
    },
    AnnAssign {
        target: Expr,
        annotation: Expr,
        value: Option<Expr>,
    },
    Expr(Expr),
    Return(Option<Expr>),
    Delete(Vec<Expr>),
    /// `raise`, `assert`, `type X = ...`: only the expressions matter.
    Exprs(Vec<Expr>),
    Global(Vec<String>),
    Nonlocal(Vec<String>),
    /// `if`/`elif` branches and the `else` block.
    If {
        branches: Vec<(Expr, Vec<Stmt>)>,
        orelse: Vec<Stmt>,
    },
    While {
        test: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
        span: Span,
    },
    For {
        target: Expr,
        iter: Expr,
        body: Vec<Stmt>,
        orelse: Vec<Stmt>,
        span: Span,
    },
    With {
        items: Vec<(Expr, Option<Expr>)>,
        body: Vec<Stmt>,
    },
    Try {
        body: Vec<Stmt>,
        handlers: Vec<Handler>,
        orelse: Vec<Stmt>,
        finalbody: Vec<Stmt>,
    },
    Match {
        subject: Expr,
        cases: Vec<Case>,
    },
    /// `pass`, `break`, `continue`.
    Nothing,
}
