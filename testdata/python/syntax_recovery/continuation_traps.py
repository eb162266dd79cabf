# Valid code whose continuation lines begin with words that look like statement keywords: no
# parse error, and the findings are where they belong.
import time

settings = dict(
    returned=1,
    imported=2,
    classes=[3],
)

values = [
    x
    for x in range(3)
    if x
]


async def gather(source):
    return [
        item
        async for item in source
    ]


async def serve():
    message = f"{settings['returned']} {len(values)}"
    time.sleep(1)  # ~ blocking-sleep
    return message
