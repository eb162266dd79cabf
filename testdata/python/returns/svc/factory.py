# Factories whose declared return types tell what their callers in other modules hold.
from typing import Literal, Optional, overload

import httpx
import requests


def make_session() -> requests.Session:
    return requests.Session()


def maybe_session() -> Optional[requests.Session]:
    return None


def make_async() -> httpx.AsyncClient:
    return httpx.AsyncClient()


def undeclared():
    return requests.Session()


async def make_later() -> requests.Session:
    return requests.Session()


# Overloads are alternatives, not what the call returns: the implementation declares nothing.
@overload
def open_client(kind: Literal["sync"]) -> requests.Session: ...
@overload
def open_client(kind: Literal["async"]) -> httpx.AsyncClient: ...
def open_client(kind):
    return requests.Session() if kind == "sync" else httpx.AsyncClient()
