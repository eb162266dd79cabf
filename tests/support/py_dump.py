"""Dumps, for every standard-library module CPython compiles, its functions and call sites as
JSON lines, for tests/python_conformance.rs to compare with the Python frontend.

The first line is {"root": <stdlib directory>}; then {"skipped": <relative path>} for each file
that is not UTF-8 or that CPython does not compile, and one object per other file:
  {"path": <relative path>, "functions": [[name, line, returns_future], ...],
   "calls": [[owner_line, line, column, dotted_callee_or_null, awaited], ...]}
owner_line is the line of the innermost enclosing def (0 for module level); columns are 1-based
characters. An optional argument restricts the walk to a directory below the root.
"""

import ast
import json
import os
import sys
import sysconfig
import warnings
from concurrent.futures import ProcessPoolExecutor


def dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def has_own_yield(function):
    """Whether a yield belongs to this function (not to a nested def, class or lambda)."""
    stack = list(function.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


class Dumper(ast.NodeVisitor):
    def __init__(self, lines):
        self.lines = lines
        self.owner = 0
        self.awaited = set()
        self.functions = []
        self.calls = []

    def column(self, line, offset):
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else b""
        return len(text[:offset].decode("utf-8", "replace")) + 1

    def function(self, node):
        for child in node.decorator_list:
            self.visit(child)
        self.visit(node.args)
        if node.returns is not None:
            self.visit(node.returns)
        is_async = isinstance(node, ast.AsyncFunctionDef)
        self.functions.append([node.name, node.lineno, is_async and not has_own_yield(node)])
        outer, self.owner = self.owner, node.lineno
        for child in node.body:
            self.visit(child)
        self.owner = outer

    visit_FunctionDef = function
    visit_AsyncFunctionDef = function

    def visit_Await(self, node):
        self.awaited.add(id(node.value))
        self.generic_visit(node)

    def visit_Call(self, node):
        self.calls.append([
            self.owner,
            node.lineno,
            self.column(node.lineno, node.col_offset),
            dotted(node.func),
            id(node) in self.awaited,
        ])
        self.generic_visit(node)


def dump(args):
    root, relative = args
    warnings.simplefilter("ignore")
    with open(os.path.join(root, relative), "rb") as f:
        source = f.read()
    try:
        source.decode("utf-8")
        tree = ast.parse(source, relative)
        compile(tree, relative, "exec")
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return json.dumps({"skipped": relative})
    lines = source.splitlines()
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    dumper = Dumper(lines)
    dumper.visit(tree)
    return json.dumps({"path": relative, "functions": dumper.functions, "calls": dumper.calls})


def main():
    root = sysconfig.get_paths()["stdlib"]
    start = os.path.join(root, sys.argv[1]) if len(sys.argv) > 1 else root
    files = []
    for directory, subdirectories, names in os.walk(start):
        subdirectories[:] = sorted(d for d in subdirectories if d not in ("site-packages", "__pycache__"))
        for name in sorted(names):
            if name.endswith(".py"):
                files.append(os.path.relpath(os.path.join(directory, name), root))
    print(json.dumps({"root": root}))
    with ProcessPoolExecutor() as pool:
        for line in pool.map(dump, [(root, f) for f in files], chunksize=16):
            print(line)


if __name__ == "__main__":
    main()
