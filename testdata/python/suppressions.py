# Suppression comments: `async-lint: allow(...)`, and `noqa` with flake8-async / ruff codes
# (any case; as in ruff, a `noqa` alone on its line covers no other line).
import asyncio
import subprocess
import time


async def work():
    pass


async def suppressed():
    time.sleep(1)  # noqa: ASYNC251
    time.sleep(1)  # noqa
    time.sleep(1)  # async-lint: allow(blocking-sleep)
    # async-lint: allow(blocking-sleep)
    time.sleep(1)
    subprocess.run(["true"])  # noqa: ASYNC221
    asyncio.create_task(work())  # noqa: RUF006
    asyncio.ensure_future(work())  # noqa: ASYNC300
    time.sleep(1)  # NOQA: async251
    time.sleep(1)  # NoQA


async def not_suppressed():
    time.sleep(1)  # noqa: E501  # ~ blocking-sleep
    time.sleep(1)  # noqa: ASYNC230  # ~ blocking-sleep
    time.sleep(1)  # async-lint: allow(blocking-io)  # ~ blocking-sleep
    # async-lint: allow(blocking-sleep)

    time.sleep(1)  # ~ blocking-sleep
    text = "# noqa"; time.sleep(1)  # ~ blocking-sleep
    # noqa: ASYNC251
    time.sleep(1)  # ~ blocking-sleep
    return text
