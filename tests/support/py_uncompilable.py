"""Prints, one per line, the .py and .pyi files under the given directories that CPython does not
compile (syntax errors, undecodable text), for tests/python_corpus.rs: a parse-error from
async-lint is a bug only on a file that CPython accepts."""

import os
import sys
import warnings

warnings.simplefilter("ignore")  # invalid escape sequences and the like are not errors

for root in sys.argv[1:]:
    for directory, _, names in os.walk(root):
        for name in names:
            if name.endswith((".py", ".pyi")):
                path = os.path.join(directory, name)
                try:
                    with open(path, "rb") as f:
                        compile(f.read(), path, "exec", dont_inherit=True)
                except (SyntaxError, ValueError):
                    print(path)
