# Event loops started from inside a running one: asyncio refuses, and the driver records where.
import asyncio


async def work():
    return 1


def run_sync():
    return asyncio.run(work())


def run_on_new_loop():
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(work())
    finally:
        loop.close()


async def nested():
    refused = 0
    try:
        asyncio.run(work())  # ~ nested-runtime
    except RuntimeError:
        refused += 1
    try:
        asyncio.get_running_loop().run_until_complete(work())  # ~ nested-runtime
    except RuntimeError:
        refused += 1
    try:
        run_sync()  # ~ nested-runtime
    except RuntimeError:
        refused += 1
    try:
        run_on_new_loop()  # ~ nested-runtime
    except RuntimeError:
        refused += 1
    return refused


async def offloaded():
    return await asyncio.to_thread(run_sync)


if __name__ == "__main__":
    assert asyncio.run(nested()) == 4
    assert asyncio.run(offloaded()) == 1
    assert run_sync() == 1
