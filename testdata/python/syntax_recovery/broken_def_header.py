import time


def helper(a, b  # ~ parse-error
    return a


async def bad_params(a b):  # ~ parse-error
    time.sleep(1)


async def serve():
    time.sleep(1)  # ~ blocking-sleep
