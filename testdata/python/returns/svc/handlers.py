# Methods called on what another module's factories return.
from svc import factory
from svc.factory import make_async, make_session, maybe_session, undeclared


async def fetch():
    session = make_session()
    session.get("https://example.org")  # ~ blocking-network
    maybe = maybe_session()
    maybe.post("https://example.org")  # ~ blocking-network
    factory.make_session().get("https://example.org")  # ~ blocking-network


async def traps():
    client = make_async()
    await client.get("https://example.org")
    # The same method of the async client the factory declares: not blocking, but a coroutine.
    client.post("https://example.org")  # ~ missing-await
    # No declared type: nothing is known of the value, and `get` alone says nothing.
    unknown = undeclared()
    unknown.get("https://example.org")
    # An async factory's declared type is what awaiting it gives, not the coroutine.
    later = factory.make_later()
    await later
    either = factory.open_client("async")
    either.get("https://example.org")
