# The attributes a class in another module assigns are typed there, and subclasses here inherit
# them.
from net.base import Api, AsyncApi


class Users(Api):
    async def fetch(self):
        return self.session.get("https://example.com/users")  # ~ blocking-network


class AsyncUsers(AsyncApi):
    async def fetch(self):
        return await self.session.get("https://example.com/users")


async def main():
    api = Api()
    api.session.get("https://example.com")  # ~ blocking-network
    await AsyncApi().session.get("https://example.com")
