# Classes whose constructors and methods block, defined away from the async code that uses them.
import time


class Repository:
    def load(self):
        with open("stock.json") as f:
            return f.read()

    def save(self):
        time.sleep(0.1)

    async def refresh(self):
        pass


class Store:
    def __init__(self, path):
        self.text = open(path).read()


class Quiet:
    def __init__(self):
        self.items = []
