# Coroutines created and never awaited, next to coroutines that are driven.
import asyncio


async def save():
    pass


class Store:
    async def flush(self):
        pass

    async def close(self):
        self.flush()  # ~ missing-await


async def forgotten(store: Store):
    save()  # ~ missing-await
    asyncio.sleep(0.001)  # ~ missing-await
    store.flush()  # ~ missing-await
    pending = save()  # ~ missing-await
    await store.close()


async def driven(store: Store):
    await save()
    later = save()
    await later
    await store.flush()
    await asyncio.gather(save(), store.flush())
    await asyncio.wait_for(save(), timeout=1)
    task = asyncio.create_task(save())
    await task


def sync_caller():
    save()  # ~ missing-await


if __name__ == "__main__":
    store = Store()
    asyncio.run(forgotten(store))
    asyncio.run(driven(store))
    sync_caller()
