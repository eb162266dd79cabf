# Attribute types from `self.x = ...` in any method of the class, `__init__`'s first.
import httpx
import requests


class Sync:
    def connect(self):
        self.session = requests.Session()

    async def fetch(self):
        self.session.get("https://example.org")  # ~ blocking-network


class Async:
    # Same attribute name, an async client: awaited, or reported as never awaited.
    def connect(self):
        self.session = httpx.AsyncClient()

    async def fetch(self):
        await self.session.get("https://example.org")
        self.session.post("https://example.org")  # ~ missing-await


class Both:
    # `__init__` gives the type; a later method's assignment does not replace it.
    def __init__(self):
        self.client = httpx.AsyncClient()

    def reset(self):
        self.client = requests.Session()

    async def fetch(self):
        await self.client.get("https://example.org")


class Injected:
    # A parameter shadows the module of the same name: what it builds is not known.
    def configure(self, requests):
        self.session = requests.Session()

    async def fetch(self):
        await self.session.get("https://example.org")
