# blocking-io: open, os.path, pathlib, shutil, input, typed file objects; traps beside each.
import io
import os
import os.path
import shutil
from pathlib import Path

import aiofiles


async def files(p):
    with open(p) as f:  # ~ blocking-io
        f.read()  # ~ blocking-io
    data = open(p).readline()  # ~ blocking-io, blocking-io
    return data


async def paths(p: Path, q: str):
    if os.path.exists(q):  # ~ blocking-io
        p.read_text()  # ~ blocking-io
    Path(q).write_text("x")  # ~ blocking-io
    shutil.rmtree(q)  # ~ blocking-io
    name = input("name? ")  # ~ blocking-io
    return os.path.join(q, name), os.path.basename(q)


async def async_files(p):
    async with aiofiles.open(p) as f:
        return await f.read()


async def shadowed_open(p):
    open = make_opener()
    return open(p)


def make_opener():
    return print


def helper(p):
    with open(p) as f:
        return f.read()


async def through_helper(p):
    return helper(p)  # ~ blocking-io


async def offloaded(p):
    import asyncio

    return await asyncio.to_thread(lambda: open(p).read())


async def annotated_files(f: io.BufferedRandom, memory: io.BytesIO):
    f.read()  # ~ blocking-io
    f.write(b"x")  # ~ blocking-io
    memory.read()
