# blocking-wait: threading primitives, queue.Queue, futures; traps beside each.
import asyncio
import queue
import threading
from concurrent.futures import ThreadPoolExecutor


async def waits(q: queue.Queue):
    lock = threading.Lock()
    lock.acquire()  # ~ blocking-wait
    event = threading.Event()
    event.wait()  # ~ blocking-wait
    q.get()  # ~ blocking-wait
    with ThreadPoolExecutor() as pool:
        pool.submit(print).result()  # ~ blocking-wait


async def async_waits(q: asyncio.Queue):
    lock = asyncio.Lock()
    await lock.acquire()
    await q.get()
    event = asyncio.Event()
    await event.wait()


async def offloaded():
    thread = threading.Thread(target=lambda: threading.Event().wait())
    thread.start()
    return thread


class Worker:
    def __init__(self):
        self.done = threading.Event()

    async def stop(self):
        self.done.wait()  # ~ blocking-wait
