from shop.storage import Loader


class Catalog(Loader):
    """`load` comes from the base class in another module."""

    def refresh(self):
        return self.load()


class LocalCatalog(Loader):
    def load(self):
        return "{}"
