# What a function of another module returns is known by its annotation or by what it returns,
# and the methods called on that value resolve to that type's.
from net import clients
from net.clients import connect, session


async def main():
    session().get("https://example.com")  # ~ blocking-network
    clients.evident_session().post("https://example.com")  # ~ blocking-network
    db = connect()
    db.query("select 1")  # ~ blocking-sleep
    db.close()
    clients.maybe_connect().query("select 1")  # ~ blocking-sleep
    clients.evident_database().query("select 1")  # ~ blocking-sleep
    # The same method names on an async client are coroutines, not blocking calls.
    await clients.async_client().get("https://example.com")
