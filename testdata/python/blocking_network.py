# blocking-network: requests, httpx, urllib, sockets, sqlite3; traps beside each.
import socket
import sqlite3
import urllib.request

import httpx
import httpx2
import requests


async def fetch(url):
    requests.get(url)  # ~ blocking-network
    session = requests.Session()
    session.post(url)  # ~ blocking-network
    urllib.request.urlopen(url)  # ~ blocking-network
    with httpx.Client() as client:
        client.get(url)  # ~ blocking-network
    httpx2.get(url)  # ~ blocking-network
    client2 = httpx2.Client()
    client2.post(url)  # ~ blocking-network
    client2.close()  # ~ blocking-network


async def async_clients(url):
    async with httpx.AsyncClient() as client:
        await client.get(url)
    async with httpx2.AsyncClient() as client:
        await client.get(url)


async def dict_named_requests(url):
    requests = {"get": print}
    requests.get(url)


async def sockets(host):
    sock = socket.create_connection((host, 80))  # ~ blocking-network
    sock.recv(1024)  # ~ blocking-network
    return sock


async def database(path):
    conn = sqlite3.connect(path)  # ~ blocking-network
    conn.execute("select 1")  # ~ blocking-network
    return conn


class Api:
    def __init__(self):
        self.http = httpx.Client()

    async def ping(self, url):
        return self.http.get(url)  # ~ blocking-network


CLIENT = httpx.Client()


async def module_level_client(url):
    return CLIENT.get(url)  # ~ blocking-network


async def nonblocking_sockets(address):
    server = socket.socket()
    server.setblocking(False)
    server.accept()
    other = socket.socket()
    other.accept()  # ~ blocking-network
