# A local class shadows the imported one (module names are looked up when the call runs, after
# the class statement): its constructor does not block.
from shop.storage import Store


class Store:
    def __init__(self):
        pass


async def shadowed():
    Store()
