# Sync functions that call nothing still answer for their names: a call of one is no coroutine,
# whatever a later module or the knowledge base says of the name.
import asyncio

import util


async def main():
    util.fetch()
    util.other()  # ~ missing-await
    await util.other()
    asyncio.sleep(1)
    asyncio.wait_for(main(), 1)  # ~ missing-await
