#!/usr/bin/env python3
"""Runs commands side by side, alternating (A B C A B C ...), and prints medians.

Usage: measure.py ROUNDS SPEC.json  where SPEC is a list of {"name", "argv", "cwd"?, "before"?}
("before" is a shell command run, untimed, before each run of that entry). Each run is timed by
the wall clock around the process; its peak memory comes from /usr/bin/time. Prints one JSON
object: name -> {"median_s", "runs_s", "max_rss_kb"}.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run_once(entry):
    if entry.get("before"):
        subprocess.run(entry["before"], shell=True, check=True, cwd=entry.get("cwd"))
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = ["/usr/bin/time", "-f", "%M", "-o", rss.name] + entry["argv"]
        start = time.perf_counter()
        done = subprocess.run(argv, cwd=entry.get("cwd"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        # Exit 1 means findings for the linters; anything else is a failure.
        if done.returncode not in (0, 1):
            sys.exit(f"{entry['name']} failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
        lines = [l for l in open(rss.name).read().split("\n") if l.strip().isdigit()]
        return elapsed, int(lines[-1]) if lines else 0


def main():
    rounds = int(sys.argv[1])
    spec = json.load(open(sys.argv[2]))
    for entry in spec:  # one untimed warm-up each (page cache, lazy set-up)
        run_once(entry)
    times = {e["name"]: [] for e in spec}
    rss = {e["name"]: [] for e in spec}
    for _ in range(rounds):
        for entry in spec:
            t, m = run_once(entry)
            times[entry["name"]].append(t)
            rss[entry["name"]].append(m)
    out = {
        n: {"median_s": statistics.median(times[n]), "runs_s": times[n], "max_rss_kb": max(rss[n])} for n in times
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
