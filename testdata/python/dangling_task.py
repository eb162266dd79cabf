# dangling-task: tasks created and not kept; TaskGroup and kept tasks are fine.
import asyncio

BACKGROUND = set()


async def job():
    await asyncio.sleep(0)


async def main():
    asyncio.create_task(job())  # ~ dangling-task
    asyncio.ensure_future(job())  # ~ dangling-task
    task = asyncio.create_task(job())  # ~ dangling-task
    kept = asyncio.create_task(job())
    BACKGROUND.add(kept)
    async with asyncio.TaskGroup() as tg:
        tg.create_task(job())
    loop = asyncio.get_running_loop()
    loop.create_task(job())  # ~ dangling-task
