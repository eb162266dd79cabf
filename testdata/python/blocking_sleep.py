# blocking-sleep: direct, aliased, from-imported, module-level helpers; traps beside each.
import asyncio
import time
import time as t
from time import sleep as snooze


async def direct():
    time.sleep(1)  # ~ blocking-sleep
    t.sleep(1)  # ~ blocking-sleep
    snooze(1)  # ~ blocking-sleep
    await asyncio.sleep(1)


async def in_lambda_and_comprehension(items):
    wait = lambda: time.sleep(1)  # ~ blocking-sleep
    wait()
    [time.sleep(i) for i in items]  # ~ blocking-sleep


def sync_only():
    # A sync function nobody calls from async code may sleep.
    time.sleep(1)


async def sleep(seconds):
    """A local coroutine named `sleep` is not `time.sleep`."""
    await asyncio.sleep(seconds)


async def calls_local_sleep():
    await sleep(1)


async def shadowed(time):
    # The parameter hides the module: this is some object's `sleep` method.
    time.sleep(1)


class Clock:
    def sleep(self, seconds):
        pass


async def through_attribute(self):
    self.clock.sleep(1)
    Clock().sleep(1)


async def in_strings_and_comments():
    text = "time.sleep(1)"  # time.sleep(1) in a comment
    return text


async def offloaded(loop):
    await asyncio.to_thread(lambda: time.sleep(1))
    await asyncio.to_thread(time.sleep, 1)
    await loop.run_in_executor(None, lambda: time.sleep(1))
    await asyncio.get_running_loop().run_in_executor(None, lambda: time.sleep(1))


def asyncify(fn, *args):
    """Hands its callable to a thread: lambdas passed to it are offloaded."""
    return asyncio.to_thread(fn, *args)


def call_now(fn):
    return fn()


async def through_project_wrappers():
    await asyncify(lambda: time.sleep(1))
    call_now(lambda: time.sleep(1))  # ~ blocking-sleep
