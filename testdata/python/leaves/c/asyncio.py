# The project's own `asyncio`: its `sleep` is a plain function that calls nothing.
def sleep(delay):
    return delay
