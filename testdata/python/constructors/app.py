# Calling a class runs its constructor, found in its own module or in a base class's; a member
# that a class does not define is looked up in its bases, across modules.
from shop import storage
from shop.catalog import Catalog, LocalCatalog
from shop.storage import Cached, InMemory, Settings, Store


async def main():
    Store("items.json")  # ~ blocking-io
    storage.Store("items.json")  # ~ blocking-io
    Cached("items.json")  # ~ blocking-io
    InMemory([])
    Settings("x")  # ~ blocking-sleep
    catalog = Catalog()
    catalog.load()  # ~ blocking-io
    catalog.refresh()  # ~ blocking-io
    catalog.peek()
    LocalCatalog().load()

