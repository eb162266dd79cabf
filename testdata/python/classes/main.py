# A local class shadows the imported one of the same name.
from shop.base import Store


class Store:  # noqa: F811
    def __init__(self, path):
        self.path = path


async def main():
    Store("c.txt")
