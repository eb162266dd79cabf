import time


class AsyncCursor:
    async def close(self):
        pass


class SyncCursor:
    def close(self):
        time.sleep(0.1)


class Base:
    def __init__(self):
        self.cursor = AsyncCursor()


class Left(Base):
    pass


class Right(Base):
    def __init__(self):
        self.cursor = SyncCursor()
