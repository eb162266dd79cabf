# A task whose only reference is dropped can be garbage-collected while it waits: asyncio then
# destroys it pending. Tasks that are kept, awaited or grouped are fine.
import asyncio
import gc


async def wait_forever():
    await asyncio.get_running_loop().create_future()


async def wait_a_little():
    await asyncio.sleep(0.01)


async def main():
    asyncio.create_task(wait_forever())  # ~ dangling-task
    asyncio.ensure_future(wait_forever())  # ~ dangling-task
    kept = set()
    task = asyncio.create_task(wait_a_little())
    kept.add(task)
    task.add_done_callback(kept.discard)
    async with asyncio.TaskGroup() as group:
        group.create_task(wait_a_little())
    awaited = asyncio.create_task(wait_a_little())
    await awaited
    # The collection runs as a loop callback, not in the coroutine: on a busy machine it can take
    # longer than the driver's blocking threshold, and it is not what this program is about.
    asyncio.get_running_loop().call_soon(gc.collect)
    await asyncio.sleep(0.02)


if __name__ == "__main__":
    asyncio.run(main())
