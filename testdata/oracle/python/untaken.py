# Pitfalls on paths this run does not take: real findings that no run of this program confirms.
import asyncio
import time


async def save():
    pass


async def handle(request: str) -> int:
    if not request:
        time.sleep(0.05)  # ~ blocking-sleep  oracle: unconfirmable(only on an empty request, and this one is not empty)
        save()  # ~ missing-await  oracle: unconfirmable(only on an empty request, and this one is not empty)
    return len(request)


if __name__ == "__main__":
    assert asyncio.run(handle("request")) == 7
