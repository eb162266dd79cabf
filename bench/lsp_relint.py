#!/usr/bin/env python3
"""Times the language server's re-lint of one document after an edit.

Usage: lsp_relint.py SERVER_BINARY FILE ROUNDS
Starts `SERVER_BINARY server`, opens FILE (its project is linted once), then ROUNDS times sends a
full-text change (a comment line appended, alternately) and waits for the diagnostics of FILE.
Prints one JSON object: {"lines", "median_ms", "runs_ms"}.
"""
import json
import os
import statistics
import subprocess
import sys
import time


def send(proc, message):
    body = json.dumps(message).encode()
    proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    proc.stdin.flush()


def receive(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            sys.exit("the server closed its output")
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(proc.stdout.read(length))


def wait_for_diagnostics(proc, uri):
    while True:
        message = receive(proc)
        if message.get("method") == "textDocument/publishDiagnostics" and message["params"]["uri"] == uri:
            return message


def main():
    server, path, rounds = sys.argv[1], os.path.abspath(sys.argv[2]), int(sys.argv[3])
    text = open(path).read()
    uri = "file://" + path
    language = "python" if path.endswith(".py") else "rust"
    marker = "#" if language == "python" else "//"
    proc = subprocess.Popen([server, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    send(proc, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
    while receive(proc).get("id") != 1:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "initialized", "params": {}})
    item = {"uri": uri, "languageId": language, "version": 1, "text": text}
    send(proc, {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": item}})
    wait_for_diagnostics(proc, uri)
    runs = []
    for version in range(2, rounds + 2):
        edited = text + f"{marker} edit {version}\n" if version % 2 else text
        change = {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": edited}]}
        start = time.perf_counter()
        send(proc, {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": change})
        wait_for_diagnostics(proc, uri)
        runs.append((time.perf_counter() - start) * 1000)
    send(proc, {"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    while receive(proc).get("id") != 2:
        pass
    send(proc, {"jsonrpc": "2.0", "method": "exit"})
    proc.wait(timeout=10)
    print(json.dumps({"lines": text.count("\n"), "median_ms": statistics.median(runs), "runs_ms": runs}))


if __name__ == "__main__":
    main()
