# Work handed to another thread does not block the loop; waiting for it does.
import asyncio
import concurrent.futures
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor


def work():
    time.sleep(1)


class Worker(threading.Thread):
    def run(self):
        time.sleep(1)


async def executors(pool: ThreadPoolExecutor):
    ex = ThreadPoolExecutor(max_workers=2)
    ex.submit(work)
    ex.submit(time.sleep, 1)
    ex.map(lambda x: time.sleep(x), [1])
    pool.submit(work)
    procs = ProcessPoolExecutor()
    procs.submit(work)
    future = concurrent.futures.ThreadPoolExecutor().submit(lambda: time.sleep(1))
    future.result()  # ~ blocking-wait


async def run_in_executor_with_any_executor(pool: ThreadPoolExecutor):
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(pool, work)
    await loop.run_in_executor(pool, lambda: time.sleep(1))
    await loop.run_in_executor(None, work)
    await loop.run_in_executor(ProcessPoolExecutor(), work)


async def threads():
    Worker().start()
    threading.Thread(target=work).start()
    threading.Thread(target=lambda: time.sleep(1), daemon=True).start()
    worker = Worker()
    # Calling `run` itself runs it here, on the loop.
    worker.run()  # ~ blocking-sleep
    thread = threading.Thread(target=work)
    thread.start()
    thread.join()  # ~ blocking-wait
    time.sleep(1)  # ~ blocking-sleep
