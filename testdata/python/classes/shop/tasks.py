# Members and constructors resolved through base classes in other modules.
from shop import Repository
from shop.base import Quiet, Store


class Orders(Repository):
    async def sync(self):
        self.load()  # ~ blocking-io
        self.save()
        self.refresh()  # ~ missing-await
        await self.refresh()

    def save(self):
        # Overrides the blocking one: `self.save()` above reaches this one, which does not block.
        pass


class Audited(Repository):
    async def sync(self):
        self.save()  # ~ blocking-sleep


class Cached(Orders):
    async def warm(self):
        self.load()  # ~ blocking-io
        self.save()


class LocalStore(Store):
    pass


class Fast(Store):
    def __init__(self):
        self.text = ""


async def build():
    Store("a.txt")  # ~ blocking-io
    LocalStore("b.txt")  # ~ blocking-io
    Fast()
    Quiet()
