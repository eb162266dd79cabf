import time
from typing import Optional

import httpx
import requests


class Database:
    def query(self, sql):
        time.sleep(0.1)

    def close(self):
        pass


def session() -> requests.Session:
    return requests.Session()


def evident_session():
    s = requests.Session()
    return s


def connect() -> Database:
    return Database()


def maybe_connect() -> Optional[Database]:
    return None


def evident_database():
    return Database()


def async_client() -> httpx.AsyncClient:
    return httpx.AsyncClient()
