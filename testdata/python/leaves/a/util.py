# The first `util` module of the run: `util.fetch` is this sync function, which calls nothing, and
# not the coroutine function of the same name in b/util.py.
def fetch():
    return 1


async def other():
    return 2
