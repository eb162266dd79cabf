# nested-runtime: starting an event loop from inside one; traps beside each.
import asyncio


async def fetch():
    await asyncio.sleep(0)


async def handler():
    asyncio.run(fetch())  # ~ nested-runtime
    loop = asyncio.new_event_loop()
    loop.run_until_complete(fetch())  # ~ nested-runtime


def entry():
    asyncio.run(fetch())


def blocking_entry():
    return asyncio.get_event_loop().run_until_complete(fetch())


async def through_helper():
    blocking_entry()  # ~ nested-runtime


if __name__ == "__main__":
    entry()
