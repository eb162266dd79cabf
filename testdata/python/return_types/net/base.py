import httpx
import requests


class Api:
    def __init__(self):
        self.session = requests.Session()
        self.timeout = 10


class AsyncApi:
    def __init__(self):
        self.session = httpx.AsyncClient()
