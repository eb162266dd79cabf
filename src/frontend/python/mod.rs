//! The Python frontend: a lexer and recursive-descent parser for the subset of Python that async
//! analysis needs, and the lowering of its syntax tree into the program model.

mod ast;
mod lexer;
mod lower;
mod parser;

use super::SourceFile;
use crate::knowledge::Knowledge;
use crate::model::{Context, FileModel, Span, SyntaxError};
use rustc_hash::FxHashSet;

/// The text of a file that is not UTF-8 but declares another encoding on one of its first two
/// lines (PEP 263, `# -*- coding: latin-1 -*-`), taking each byte as one character: exact for
/// Latin-1, and for the other single-byte encodings it keeps every ASCII character in place, which
/// is all that names and syntax are made of.
pub fn decode_declared(bytes: &[u8]) -> Option<String> {
    let declares = bytes.split(|b| *b == b'\n').take(2).any(|line| {
        let line = String::from_utf8_lossy(line);
        let Some(comment) = line.trim_start().strip_prefix('#') else {
            return false;
        };
        let Some(at) = comment.find("coding") else {
            return false;
        };
        let rest = &comment[at + "coding".len()..];
        let encoding = rest.strip_prefix([':', '=']).map(|r| r.trim_start()).unwrap_or_default();
        let name: String =
            encoding.chars().take_while(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.')).collect();
        !name.is_empty() && !name.eq_ignore_ascii_case("utf-8") && !name.eq_ignore_ascii_case("utf8")
    });
    declares.then(|| bytes.iter().map(|b| char::from(*b)).collect())
}

pub fn lower(file: &SourceFile, text: &str, kb: &Knowledge, roots: Option<&FxHashSet<&str>>) -> FileModel {
    let run = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| lower_here(file, text, kb, roots)));
    // Lowering recurses as deep as the input nests, up to the parser's limit.
    let lowered = crate::frontend::with_deep_stack(run);
    lowered.unwrap_or_else(|_| {
        let mut model = FileModel::new(file.path.clone(), file.language);
        model.errors.push(SyntaxError {
            span: Span::point(1, 1),
            message: "internal error in the Python frontend".to_string(),
        });
        model
    })
}

fn lower_here(file: &SourceFile, text: &str, kb: &Knowledge, roots: Option<&FxHashSet<&str>>) -> FileModel {
    let normalised = lexer::normalised_names(text);
    let spellings = lexer::Spellings { source: text, normalised: &normalised };
    let mut lexer = lexer::Lexer::new(text);
    let (body, parse_errors) = parser::parse(&mut lexer, spellings);
    // The tree borrows the source and the normalised names, not the lexer's tokens.
    let (comments, errors, resumed) = lexer.into_comments_and_errors();
    let stem = file.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut lowerer = lower::Lowerer::new(kb, &file.unit, &stem, roots);
    let notebook = crate::frontend::notebook::is_notebook(&file.path);
    lowerer.module(&body, if notebook { Context::Loop } else { Context::Sync });
    let mut model = FileModel::new(file.path.clone(), file.language);
    model.functions = lowerer.done;
    model.aliases = lowerer.aliases.iter().map(|(a, t)| (a.as_str().into(), t.as_str().into())).collect();
    model.classes = lowerer.class_bases;
    model.comments = comments;
    model.errors = errors;
    model.bound_names = lowerer.bound_names;
    let cut_short = |e: &SyntaxError| resumed.iter().any(|r| (r.line, r.column) == (e.span.line, e.span.column));
    model.errors.extend(parse_errors.into_iter().filter(|e| !cut_short(e)));
    model.errors.sort_by_key(|e| e.span);
    model
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_declared_encoding_decodes_byte_per_character() {
        let latin1 = b"# -*- coding: latin-1 -*-\nname = '\xe9t\xe9'\n";
        assert_eq!(decode_declared(latin1).as_deref(), Some("# -*- coding: latin-1 -*-\nname = '\u{e9}t\u{e9}'\n"));
        let second_line = b"#!/usr/bin/env python\n# vim: set fileencoding=koi8-r :\nx = '\xf0'\n";
        assert!(decode_declared(second_line).is_some());
        assert_eq!(decode_declared(b"x = '\xe9'\n"), None);
        assert_eq!(decode_declared(b"# coding: utf-8\nx = '\xe9'\n"), None);
        assert_eq!(decode_declared(b"\n\n# coding: latin-1\nx = '\xe9'\n"), None);
    }

    use super::*;
    use crate::frontend::Unit;
    use crate::model::{CallSite, Callee, Context, Language, Name, NameKey, Usage};
    use std::path::PathBuf;

    fn lower_in(module: &[&str], is_package: bool, text: &str) -> FileModel {
        let file = SourceFile {
            path: PathBuf::from("t.py"),
            language: Language::Python,
            unit: Unit { root: String::new(), module: module.iter().map(|s| s.to_string()).collect(), is_package },
        };
        lower(&file, text, &Knowledge::builtin(Language::Python), None)
    }

    fn model(text: &str) -> FileModel {
        let model = lower_in(&["pkg", "mod"], false, text);
        assert!(model.errors.is_empty(), "{:?}", model.errors);
        model
    }

    fn call<'m>(model: &'m FileModel, written: &str) -> &'m CallSite {
        model
            .functions
            .iter()
            .flat_map(|f| &f.calls)
            .find(|c| c.written == written)
            .unwrap_or_else(|| panic!("no call `{written}` in {:#?}", model.functions))
    }

    fn path(model: &FileModel, written: &str) -> String {
        match &call(model, written).callee {
            Callee::Path(paths) => paths[0].to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn functions_qualnames_and_futures() {
        let m = model(
            "def f(): pass\nasync def g(): pass\nasync def agen():\n    yield 1\nclass C:\n    async def m(self):\n        def inner(): pass\n",
        );
        let got: Vec<(NameKey, &str, bool)> =
            m.functions.iter().map(|f| (f.key, f.display(), f.returns_future)).collect();
        let expected = [
            ("pkg.mod", "pkg.mod", false),
            ("pkg.mod.f", "f", false),
            ("pkg.mod.g", "g", true),
            ("pkg.mod.agen", "agen", false),
            ("pkg.mod.C.m.inner", "C.m.inner", false),
            ("pkg.mod.C.m", "C.m", true),
        ];
        assert_eq!(got, expected.map(|(qualname, display, future)| (NameKey::of(qualname), display, future)));
    }

    #[test]
    fn resolves_imports_aliases_and_builtins() {
        let m = model(
            "import time as t\nimport os.path\nfrom time import sleep as snooze\nfrom . import util\nfrom ..x import y\ndef helper(): pass\nt.sleep(1)\nsnooze(1)\nos.path.exists(p)\nutil.go()\ny()\nhelper()\nopen(p)\nundefined.thing()\n",
        );
        assert_eq!(path(&m, "t.sleep"), "time.sleep");
        assert_eq!(path(&m, "snooze"), "time.sleep");
        assert_eq!(path(&m, "os.path.exists"), "os.path.exists");
        assert_eq!(path(&m, "util.go"), "pkg.util.go");
        assert_eq!(path(&m, "y"), "x.y");
        assert_eq!(path(&m, "helper"), "pkg.mod.helper");
        assert_eq!(path(&m, "open"), "builtins.open");
        assert_eq!(path(&m, "undefined.thing"), "undefined.thing");
        assert!(m.aliases.contains(&("pkg.mod.snooze".into(), "time.sleep".into())));
        assert!(m.aliases.contains(&("pkg.mod.util".into(), "pkg.util".into())));
    }

    #[test]
    fn fullwidth_names_are_normalised() {
        let m = model("import time\nｔｉｍｅ.ｓｌｅｅｐ(1)\n");
        assert_eq!(path(&m, "time.sleep"), "time.sleep");
    }

    #[test]
    fn relative_imports_in_a_package() {
        let m = lower_in(&["pkg", "sub"], true, "from . import a\nfrom .. import b\na.f()\nb.g()\n");
        assert_eq!(path(&m, "a.f"), "pkg.sub.a.f");
        assert_eq!(path(&m, "b.g"), "pkg.b.g");
    }

    #[test]
    fn local_shadowing_hides_modules_and_builtins() {
        let m = model(
            "import time\ndef f(time):\n    time.sleep(1)\ndef g():\n    open = make()\n    open(p)\ndef h():\n    time.sleep(2)\n",
        );
        let calls: Vec<&Callee> = m.functions.iter().flat_map(|f| &f.calls).map(|c| &c.callee).collect();
        assert!(calls.contains(&&Callee::Method("sleep".into())));
        assert!(calls.contains(&&Callee::Unknown));
        assert!(calls.contains(&&Callee::Path(Name::new("time.sleep").into())));
    }

    #[test]
    fn typed_receivers() {
        let m = model(
            "import httpx, sqlite3, io\nfrom typing import Optional\nclient = httpx.Client()\ndef f(a: io.TextIOWrapper, b: Optional[httpx.Client], c: 'x', d: httpx.AsyncClient | None):\n    client.get(u)\n    a.read()\n    b.post()\n    d.put()\n    conn = sqlite3.connect(p)\n    conn.cursor().execute(q)\n    with open(p) as fh:\n        fh.readline()\n",
        );
        assert_eq!(path(&m, "client.get"), "httpx.Client.get");
        assert_eq!(path(&m, "a.read"), "io.TextIOWrapper.read");
        assert_eq!(path(&m, "b.post"), "httpx.Client.post");
        assert_eq!(path(&m, "d.put"), "httpx.AsyncClient.put");
        assert_eq!(path(&m, "conn.cursor(..).execute"), "sqlite3.Cursor.execute");
        assert_eq!(path(&m, "fh.readline"), "io.TextIOWrapper.readline");
    }

    #[test]
    fn annotated_returns_and_star_imports() {
        let m = model(
            "import httpx\nfrom os.path import *\ndef make() -> httpx.Client: ...\nasync def amake() -> httpx.Client: ...\nclass C:\n    def conn(self) -> httpx.Client: ...\n    async def go(self):\n        make().get()\n        (await amake()).post()\n        amake().put()\n        self.conn().head()\n        exists(p)\n",
        );
        assert_eq!(path(&m, "make(..).get"), "httpx.Client.get");
        assert_eq!(path(&m, "(..).post"), "httpx.Client.post");
        assert_eq!(call(&m, "amake(..).put").callee, Callee::Method("put".into()));
        assert_eq!(path(&m, "self.conn(..).head"), "httpx.Client.head");
        assert_eq!(path(&m, "exists"), "os.path.exists");
    }

    #[test]
    fn self_methods_and_attributes() {
        let m = model(
            "import threading\nclass C:\n    lock: threading.Lock\n    def __init__(self, clock):\n        self.q = threading.Event()\n        self.clock = clock\n    def run(self):\n        self.step()\n        self.q.wait()\n        self.lock.acquire()\n        self.clock.sleep(1)\n    @classmethod\n    def make(cls):\n        cls.build()\n",
        );
        assert_eq!(path(&m, "self.step"), "pkg.mod.C.step");
        assert_eq!(path(&m, "self.q.wait"), "threading.Event.wait");
        assert_eq!(path(&m, "self.lock.acquire"), "threading.Lock.acquire");
        assert_eq!(call(&m, "self.clock.sleep").callee, Callee::Method("sleep".into()));
        assert_eq!(path(&m, "cls.build"), "pkg.mod.C.build");
    }

    #[test]
    fn contexts() {
        let m = model(
            "import asyncio, time, threading, functools\nasync def f(loop):\n    time.sleep(1)\n    await asyncio.to_thread(lambda: time.sleep(2))\n    await loop.run_in_executor(None, functools.partial(lambda: time.sleep(3)))\n    threading.Thread(target=lambda: time.sleep(4)).start()\n    g = lambda: time.sleep(5)\n    [time.sleep(6) for _ in x]\ndef s():\n    time.sleep(7)\n",
        );
        let contexts: Vec<Context> = m
            .functions
            .iter()
            .flat_map(|f| &f.calls)
            .filter(|c| c.written == "time.sleep")
            .map(|c| c.context)
            .collect();
        use Context::*;
        assert_eq!(contexts, [Async, Offloaded, Offloaded, Offloaded, Async, Async, Sync]);
    }

    #[test]
    fn offloaded_params_and_closure_arguments() {
        let m = model(
            "import asyncio, time\ndef asyncify(fn, *a):\n    return asyncio.to_thread(fn, *a)\nclass W:\n    def run(self, job):\n        return asyncio.to_thread(job)\nasync def f():\n    await asyncify(lambda: time.sleep(1))\n",
        );
        let offloaded: Vec<(&str, &[u32])> = m.functions.iter().map(|f| (f.display(), &*f.offloaded_params)).collect();
        assert!(offloaded.contains(&("asyncify", &[0][..])));
        assert!(offloaded.contains(&("W.run", &[0][..])));
        let sleep = call(&m, "time.sleep");
        assert_eq!(sleep.context, Context::Async);
        assert_eq!(sleep.in_closure_arg, Some(crate::model::ClosureArg { call: 0, arg: 0 }));
        let glob = model("from os.path import *\n");
        assert_eq!(glob.aliases, [("pkg.mod.*".into(), "os.path".into())]);
    }

    #[test]
    fn usages() {
        let m = model(
            "import asyncio\nasync def f():\n    await asyncio.sleep(1)\n    await (asyncio.sleep(2))\n    asyncio.sleep(3)\n    _ = asyncio.sleep(4)\n    a = asyncio.sleep(5)\n    b = asyncio.sleep(6)\n    await b\n    c = asyncio.sleep(7)\n    def later():\n        return c\n    asyncio.gather(asyncio.sleep(8))\n    for i in x:\n        print(d)\n        d = asyncio.sleep(9)\n    e = asyncio.sleep(10)\n    print(f'{e}')\n    g = asyncio.sleep(12)\n    del g\nt = asyncio.sleep(11)\n",
        );
        let usages: Vec<Usage> = m
            .functions
            .iter()
            .flat_map(|f| &f.calls)
            .filter(|c| c.written == "asyncio.sleep")
            .map(|c| c.usage)
            .collect();
        use Usage::*;
        assert_eq!(
            usages,
            [
                Used,
                Awaited,
                Awaited,
                Discarded,
                DiscardedBinding,
                UnusedBinding(crate::model::BoundName(0)),
                Used,
                Used,
                Used,
                Used,
                Used,
                Dropped,
            ]
        );
        assert_eq!(m.binding(crate::model::BoundName(0)), "a");
    }

    #[test]
    fn comments_and_errors_reach_the_model() {
        let m =
            lower_in(&["m"], false, "x = 1  # note\ndef f(:\n    pass\n# end\ndef g(x:\n    return time.sleep(1)\n");
        assert_eq!(m.comments.len(), 2);
        assert!(m.comments[0].trailing && !m.comments[1].trailing);
        let lines: Vec<u32> = m.errors.iter().map(|e| e.span.line).collect();
        // The header cut short at line 6 is reported once, where its bracket opens.
        assert_eq!(lines, [2, 2, 5], "{:?}", m.errors);
        assert!(m.functions.iter().flat_map(|f| &f.calls).any(|c| c.written == "time.sleep"));
    }

    #[test]
    fn deep_input_is_an_error_not_a_crash() {
        let nested = format!("x = {}f(){}\n", "(".repeat(190), ")".repeat(190));
        let m = lower_in(&["m"], false, &nested);
        assert!(m.errors.is_empty(), "{:?}", m.errors);
        let mut blocks = String::new();
        for level in 0..300 {
            blocks.push_str(&" ".repeat(level));
            blocks.push_str("if x:\n");
        }
        blocks.push_str(&" ".repeat(300));
        blocks.push_str("pass\n");
        let cases = [
            format!("x = {}1{}\ny()\n", "[".repeat(5000), "]".repeat(5000)),
            format!("x = {}1\ny()\n", "-".repeat(5000)),
            format!("x = {}1{}\ny()\n", "f'{".repeat(100), "}'".repeat(100)),
            format!("x = a{}\ny()\n", ".b()".repeat(5000)),
            format!("x = {}1\ny()\n", "not ".repeat(5000)),
            format!("x = {}1\ny()\n", "lambda: ".repeat(5000)),
            format!("{blocks}y()\n"),
        ];
        for text in cases {
            let m = lower_in(&["m"], false, &text);
            assert!(!m.errors.is_empty(), "{}", &text[..40]);
            assert!(m.functions[0].calls.iter().any(|c| c.written == "y"), "{}", &text[..40]);
        }
        let long = format!("x = 1{}\n", " + 1".repeat(100_000));
        assert!(lower_in(&["m"], false, &long).errors.is_empty());
    }
}
