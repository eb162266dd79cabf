# blocking-subprocess: subprocess, os.system, Popen methods; traps beside each.
import asyncio
import os
import subprocess
from subprocess import run


async def build():
    subprocess.run(["make"])  # ~ blocking-subprocess
    run(["make"])  # ~ blocking-subprocess
    os.system("make")  # ~ blocking-subprocess
    proc = subprocess.Popen(["make"])  # ~ blocking-subprocess
    proc.wait()  # ~ blocking-subprocess


async def async_build():
    proc = await asyncio.create_subprocess_exec("make")
    await proc.wait()


async def offloaded():
    await asyncio.to_thread(lambda: subprocess.run(["make"]))
    await asyncio.to_thread(subprocess.Popen, ["make"])


def sync_build():
    subprocess.run(["make"])
