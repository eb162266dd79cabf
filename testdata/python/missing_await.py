# missing-await: coroutines dropped, bound to `_`, or bound and never used; traps beside each.
import asyncio


async def work():
    await asyncio.sleep(0)


async def agen():
    yield 1


class Service:
    async def run(self):
        await asyncio.sleep(0)

    async def caller(self):
        self.run()  # ~ missing-await
        await self.run()


async def main():
    work()  # ~ missing-await
    asyncio.sleep(1)  # ~ missing-await
    _ = work()  # ~ missing-await
    unused = work()  # ~ missing-await
    kept = work()
    await kept
    await work()
    await asyncio.gather(work(), work())
    agen()
    later = work()

    def closure():
        return later

    return closure


def sync_caller():
    work()  # ~ missing-await
    return asyncio.run(work())
