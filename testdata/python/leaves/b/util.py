# The second `util` module of the run: calls resolve to a/util.py first.
async def fetch():
    return 1


def other():
    return 2
