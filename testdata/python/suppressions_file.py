# A file-level exemption, as ruff reads it: only the codes it names.
# ruff: noqa: ASYNC251
import subprocess
import time


async def main():
    time.sleep(1)
    subprocess.run(["true"])  # ~ blocking-subprocess
