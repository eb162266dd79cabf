import dataclasses
import json
import time


class Store:
    """Reads its file when made."""

    def __init__(self, path):
        with open(path) as f:
            self.items = json.load(f)


class Cached(Store):
    """Inherits the blocking constructor."""


class InMemory(Store):
    """Overrides it with one that does not block."""

    def __init__(self, items):
        self.items = items


@dataclasses.dataclass
class Settings:
    path: str

    def __post_init__(self):
        time.sleep(0.1)


class Loader:
    def load(self):
        with open("catalog.json") as f:
            return f.read()

    def peek(self):
        return None
