"""Runs a Python program under asyncio with probes, for async-lint's oracle.

usage: python3 python_driver.py SCRIPT [ARGS...]

Each observation is appended as a JSON line to the file named by ASYNC_LINT_OBSERVATIONS (or
printed to stderr) the moment it happens:
- blocking: a call made directly from a coroutine frame that ran longer than the threshold, at
  the call's line in that frame (a sync helper that blocks is reported where the coroutine calls it);
- never-polled: a coroutine that was never awaited, at the line that created it;
- nested: asyncio.run or run_until_complete called while a loop runs, at the line in async code
  that led there;
- task-destroyed: a task garbage-collected while pending, at the line that created it.
"""

import asyncio
import asyncio.base_events
import inspect
import json
import os
import runpy
import sys
import time
import warnings

THRESHOLD = 0.020
ASYNC_FLAGS = inspect.CO_COROUTINE | inspect.CO_ITERABLE_COROUTINE | inspect.CO_ASYNC_GENERATOR | inspect.CO_GENERATOR
DRIVER = os.path.abspath(__file__)
ASYNCIO_DIR = os.path.dirname(asyncio.__file__)


def record(kind, file, line):
    text = json.dumps({"kind": kind, "file": os.path.abspath(file), "line": line}) + "\n"
    path = os.environ.get("ASYNC_LINT_OBSERVATIONS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(text)
    else:
        sys.stderr.write("async-lint-observation: " + text)


def is_coroutine_frame(frame):
    return frame is not None and frame.f_code.co_flags & inspect.CO_COROUTINE


def is_program_file(file):
    path = os.path.abspath(file)
    return not file.startswith("<") and path != DRIVER and not path.startswith(ASYNCIO_DIR)


# ---------------------------------------------------------------- blocking calls

class CallTimer:
    """Times the calls that coroutine frames make, with a sys.setprofile hook."""

    def __init__(self):
        # (frame making the call, its line, start time, the callee's frame or None for C calls)
        self.stack = []

    def __call__(self, frame, event, arg):
        if event == "c_call":
            if is_coroutine_frame(frame):
                self.stack.append((frame, frame.f_lineno, time.perf_counter(), None))
        elif event in ("c_return", "c_exception"):
            if self.stack and self.stack[-1][0] is frame and self.stack[-1][3] is None:
                self.finish()
        elif event == "call":
            caller = frame.f_back
            if is_coroutine_frame(caller) and not frame.f_code.co_flags & ASYNC_FLAGS:
                self.stack.append((caller, caller.f_lineno, time.perf_counter(), frame))
        elif event == "return":
            if self.stack and self.stack[-1][3] is frame:
                self.finish()

    def finish(self):
        caller, line, start, _ = self.stack.pop()
        if time.perf_counter() - start >= THRESHOLD and is_program_file(caller.f_code.co_filename):
            record("blocking", caller.f_code.co_filename, line)


# ---------------------------------------------------------------- unawaited coroutines

def creation_site(origin):
    """The innermost frame of a coroutine's origin that is in the program."""
    for file, line, _ in origin or ():
        if is_program_file(file):
            return file, line
    return None


def warn_unawaited(coro):
    site = creation_site(getattr(coro, "cr_origin", None))
    if site:
        record("never-polled", *site)


# ---------------------------------------------------------------- nested loops

def async_caller_line(frame):
    """The line in async program code that led to `frame`: the nearest coroutine frame's."""
    while frame is not None:
        if is_coroutine_frame(frame) and is_program_file(frame.f_code.co_filename):
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None


def guard_nested(start):
    def guarded(*args, **kwargs):
        if asyncio.events._get_running_loop() is not None:
            site = async_caller_line(sys._getframe(1))
            if site:
                record("nested", *site)
            # The call is about to fail; close the coroutine so it is not reported as unawaited too.
            for arg in args:
                if inspect.iscoroutine(arg):
                    arg.close()
        return start(*args, **kwargs)

    return guarded


# ---------------------------------------------------------------- tasks destroyed while pending

def report_destroyed_task(handler):
    def handler_with_probe(loop, context):
        task = context.get("task")
        if context.get("message", "").startswith("Task was destroyed but it is pending") and task is not None:
            frames = [f for f in getattr(task, "_source_traceback", None) or () if is_program_file(f.filename)]
            if frames:
                record("task-destroyed", frames[-1].filename, frames[-1].lineno)
            return
        handler(loop, context)

    return handler_with_probe


def main():
    if len(sys.argv) < 2:
        sys.stderr.write("usage: python_driver.py SCRIPT [ARGS...]\n")
        return 2
    script = sys.argv[1]
    sys.argv = sys.argv[1:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    # Debug mode keeps each task's creation stack, which names the line a destroyed task came from.
    os.environ["PYTHONASYNCIODEBUG"] = "1"
    sys.set_coroutine_origin_tracking_depth(16)
    warnings._warn_unawaited_coroutine = warn_unawaited
    asyncio.run = guard_nested(asyncio.run)
    base = asyncio.base_events.BaseEventLoop
    base.run_until_complete = guard_nested(base.run_until_complete)
    base.call_exception_handler = report_destroyed_task(base.call_exception_handler)
    sys.setprofile(CallTimer())
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        sys.setprofile(None)
    return 0


if __name__ == "__main__":
    sys.exit(main())
